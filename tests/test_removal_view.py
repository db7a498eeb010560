"""Removals seen live: a served table shrinks to the live rows (real Tornado server, real
WebSocket), and the graph view in Chromium drops removed nodes and edges without a
reload, keeping its viewport."""
from __future__ import annotations

from pathlib import Path

import numpy as np

import groggy as gg

from test_graph_view import (WAIT_MS, club_graph, open_graph, pixels,  # noqa: F401
                             position)
from web_helpers import Client, rows_of

ARTIFACTS = Path(__file__).parent / "artifacts"


def test_a_served_table_shows_removals_and_later_additions():
    g = gg.Graph()
    g.add_nodes({"x": list(range(10))})
    g.add_edges(list(range(9)), list(range(1, 10)))
    with gg.serve(g, open_browser=False) as view, Client(view.url) as nodes, \
            Client(view.url) as edges, Client(view.url) as big:
        nodes.hello(source="nodes")
        edges.hello(source="edges")
        big.hello(source="nodes", filter="x >= 5")
        g.remove_nodes([2, 7])
        assert nodes.wait_for("TotalChanged")["total_rows"] == 8
        rows = rows_of(nodes.exchange({"type": "ScrollRequest", "offset": 0}))
        assert [rows[i][0] for i in range(8)] == [0, 1, 3, 4, 5, 6, 8, 9]
        assert edges.wait_for("TotalChanged")["total_rows"] == 5   # 9 - 4 touching 2 or 7
        rows = rows_of(edges.exchange({"type": "ScrollRequest", "offset": 0}))
        assert [rows[i][0] for i in range(5)] == [0, 3, 4, 5, 8]
        assert big.wait_for("TotalChanged")["total_rows"] == 4    # 5, 6, 8, 9
        g.add_nodes({"x": [42]})                                   # the table still grows
        assert nodes.wait_for("TotalChanged")["total_rows"] == 9
        assert rows_of(nodes.exchange({"type": "ScrollRequest", "offset": 8}))[8] == [10, 42]


def test_a_removal_leaves_the_page_without_a_reload_and_the_viewport_stays(open_graph):
    g = club_graph(40, 60, seed=8)
    gone = 3
    with g.viz.interactive(layout="force_directed", node_color="club", node_size=9) as view:
        page = open_graph(view)
        before = page.evaluate("() => window.groggy.graph.viewport()")
        ready = page.evaluate("() => window.groggy.graph.timings().painted")
        assert position(page, gone) is not None
        g.remove_node(gone)
        g.remove_edge(g.edges.table().edge_ids().to_list()[0])   # a live edge
        page.wait_for_function("() => window.groggy.graph.stats().nodes === 39",
                               timeout=WAIT_MS)
        page.wait_for_function(f"() => window.groggy.graph.stats().edges === {g.edge_count()}",
                               timeout=WAIT_MS)
        assert page.evaluate("() => window.groggy.graph.viewport()") == before
        assert page.evaluate("() => window.groggy.graph.timings().painted") == ready
        assert position(page, gone) is None                 # not drawn anywhere
        # the highlight of a former neighbour follows the live edges
        friend = next(v for v in range(40) if v != gone and g.has_node(v) and g.neighbors(v))
        page.evaluate(f"() => window.groggy.graph.select([{friend}])")
        shown = sorted(page.evaluate("() => window.groggy.graph.highlighted().nodes"))
        assert shown == sorted(set(g.neighbors(friend)) - {friend})
        assert gone not in shown
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "graph-view-after-removal.png"))
        assert pixels(page).shape[2] == 3
        # a node added after the removal gets a fresh id and shows up too
        new = g.add_node(club="a")
        g.add_edge(new, friend)
        assert new == 40
        page.wait_for_function("() => window.groggy.graph.stats().nodes === 40",
                               timeout=WAIT_MS)
        page.evaluate(f"() => window.groggy.graph.select([{new}])")
        assert page.evaluate("() => window.groggy.graph.highlighted().nodes") == [friend]

