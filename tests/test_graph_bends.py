"""Bent edges in the graph view (issue 12): a layered layout's long edges reach the page
as the ``EBND`` frame and are drawn, highlighted and switched as polylines through their
bends. Oracles: the layout's own ``edge_bends``, the bit-by-bit frame reader written
from docs/protocol.md (tests/wire_oracle.py), and the pixels of the real page in
Chromium for both renderers."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg
import wire_oracle
from groggy.themes import get_theme
from groggy.web.graphwire import bends_frame, edge_order
from test_graph_view import (ARTIFACTS, GraphClient, open_graph,  # noqa: F401
                             pixels, position, rgb)

RENDERERS = ["webgl", "canvas"]
BACKGROUND = rgb(get_theme("light")["background"])


def dag(n: int = 40, seed: int = 5) -> gg.Graph:
    """A random layered DAG: edges from lower to higher ids, some spanning layers."""
    rng = np.random.default_rng(seed)
    edges = {(int(rng.integers(0, v)), v) for v in range(1, n) for _ in range(2)}
    g = gg.Graph(directed=True)
    g.add_nodes(n)
    g.add_edges(sorted(edges))
    return g


def ladder() -> gg.Graph:
    """0 -> 1 -> 2 -> 3 -> 4 and 0 -> 4: one long edge with three bends beside a chain."""
    g = gg.Graph(directed=True)
    g.add_nodes(5)
    g.add_edges([(0, 1), (1, 2), (2, 3), (3, 4), (0, 4)])
    return g


# --------------------------------------------------------------------------- the frame

@st.composite
def bent_edges(draw):
    m = draw(st.integers(1, 40))
    counts = np.array(draw(st.lists(st.sampled_from([0, 0, 1, 2, 5, 40]), min_size=m,
                                    max_size=m)))
    offsets = np.r_[0, np.cumsum(counts)]
    points = np.array(draw(st.lists(st.tuples(st.floats(-50, 50), st.floats(-50, 50)),
                                    min_size=int(offsets[-1]), max_size=int(offsets[-1]))),
                      dtype=float).reshape(-1, 2)
    order = np.array(draw(st.permutations(range(m))))
    return offsets, points, order


@settings(max_examples=80, deadline=None, derandomize=True)
@given(bent_edges())
def test_bends_frame_reads_back_in_the_page_edge_order(case):
    offsets, points, order = case
    bounds = [-50.0, -50.0, 50.0, 50.0]
    data = bends_frame(offsets, points, order, bounds)
    assert data[:4] == b"EBND"
    count = int.from_bytes(data[4:8], "little")
    got = wire_oracle.decode({"EBND": (count, data[8:])}, {"bounds": bounds})["bends"]
    step = 100 / wire_oracle.STEPS
    want = {page: points[offsets[row]:offsets[row + 1]]
            for page, row in enumerate(order) if offsets[row + 1] > offsets[row]}
    assert sorted(got) == sorted(want) and count == len(want)
    for page, pts in want.items():
        np.testing.assert_allclose(got[page], pts, atol=step / 2 + 1e-9)
    # compact: 6 bytes a bend and a few bits an edge beyond them
    assert len(data) <= 8 + 4 + 1 + 8 + 6 * len(points) + 3 * count + 2


def test_graph_init_carries_the_layout_bends_and_only_when_it_has_them():
    g = dag()
    lay = g.viz.compute_layout("hierarchical")
    inp = g.viz.graph_input()
    offsets, points = lay.edge_bends.for_edges(inp.edge_attribute("edge_id"))
    with g.viz.interactive(layout=lay) as view:
        head, frames = GraphClient(view.url).reply({"type": "GraphHello", "request_id": 1})
        assert "EBND" in head["frames"]
        # the bounds hold the bends as well as the nodes
        lo, hi = np.array(head["bounds"][:2]), np.array(head["bounds"][2:])
        assert (points >= lo - 1e-9).all() and (points <= hi + 1e-9).all()
        got = wire_oracle.decode(frames, head)["bends"]
        edges = np.stack([inp.sources, inp.targets], -1)
        _, order = edge_order(edges, g.viz.graph_input().n, True)
        step = (hi - lo) / wire_oracle.STEPS
        for page, row in enumerate(order):
            want = points[offsets[row]:offsets[row + 1]]
            if want.shape[0] == 0:
                assert page not in got
            else:
                np.testing.assert_allclose(got[page], want, atol=float(step.max()))
    with g.viz.interactive(layout="circular") as view:
        head, _ = GraphClient(view.url).reply({"type": "GraphHello", "request_id": 1})
        assert "EBND" not in head["frames"]


# --------------------------------------------------------------------------- the page

def screen_of(page, xy) -> tuple:
    """CSS px in the window of a layout point, by the page's own camera."""
    vp = page.evaluate("() => window.groggy.graph.viewport()")
    box = page.locator(".gg-graph-canvas").bounding_box()
    x = (xy[0] - vp["cx"]) * vp["zoom"] + box["width"] / 2 + box["x"]
    y = (vp["cy"] - xy[1]) * vp["zoom"] + box["height"] / 2 + box["y"]
    return x, y


def drawn(img, x, y, radius=1) -> bool:
    """Whether any pixel within ``radius`` of (x, y) differs from the background."""
    patch = img[int(round(y)) - radius:int(round(y)) + radius + 1,
                int(round(x)) - radius:int(round(x)) + radius + 1]
    return bool((np.abs(patch - BACKGROUND).sum(-1) > 30).any())


@pytest.mark.parametrize("renderer", RENDERERS)
def test_the_page_draws_long_edges_through_their_bends(open_graph, renderer):
    g = ladder()
    lay = g.viz.compute_layout("hierarchical")
    bends = lay.edge_bends.for_edges(np.array([4]))[1]
    pos = lay.node_positions
    assert bends.shape == (3, 2)
    with g.viz.interactive(layout=lay, node_size=6, edge_color="#000000") as view:
        page = open_graph(view, renderer, size=(600, 500))
        assert page.evaluate("() => window.groggy.graph.bentEdges()") == 1
        img = pixels(page)
        page.screenshot(path=str(ARTIFACTS / f"graph-bends-ladder-{renderer}.png"))
        for b in bends:          # each bend is on the drawn polyline ...
            assert drawn(img, *screen_of(page, b)), (renderer, b)
        # ... which is not the straight chord from 0 to 4: nothing is drawn at its middle
        chord = screen_of(page, (pos[0] + pos[4]) / 2)
        far = [np.hypot(*np.subtract(chord, screen_of(page, p))) for p in [*bends, *pos]]
        assert min(far) > 12 and not drawn(img, *chord, radius=2), renderer
        # straight edges stay straight: the middle of 1 -> 2 is drawn
        assert drawn(img, *screen_of(page, (pos[1] + pos[2]) / 2))
        # selecting 0 highlights its out-edges along their polylines (dark, over the
        # faded rest), bends included; selecting 3 leaves the long edge faded
        def darkest_at_bend(node):
            page.evaluate("(v) => window.groggy.graph.select([v])", node)
            page.evaluate("() => window.groggy.graph.painted()")
            img = pixels(page)
            x, y = screen_of(page, bends[1])
            return int(img[int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2].min())
        faded, highlighted = darkest_at_bend(3), darkest_at_bend(0)
        assert faded >= 170 and highlighted <= 130, (renderer, faded, highlighted)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_layout_switch_brings_and_drops_the_bends(open_graph, renderer):
    g = dag(30, seed=2)
    with g.viz.interactive(layout="circular", node_size=6) as view:
        page = open_graph(view, renderer)
        assert page.evaluate("() => window.groggy.graph.bentEdges()") == 0
        page.select_option(".gg-graph-layout", "hierarchical")
        page.wait_for_function("() => window.groggy.graph.layout() === 'hierarchical'")
        lay = g.viz.compute_layout("hierarchical")
        want = int((np.diff(lay.edge_bends.offsets) > 0).sum())
        assert want > 0
        page.wait_for_function(f"() => window.groggy.graph.bentEdges() === {want}")
        page.evaluate("() => window.groggy.graph.painted()")
        img = pixels(page)
        for b in lay.edge_bends.points[:10]:
            assert drawn(img, *screen_of(page, b)), (renderer, b)
        view.set_layout("grid")
        page.wait_for_function("() => window.groggy.graph.layout() === 'grid'")
        assert page.evaluate("() => window.groggy.graph.bentEdges()") == 0


@pytest.mark.parametrize("renderer", RENDERERS)
def test_screenshot_of_a_dag_with_bends(open_graph, renderer):
    g = dag(60, seed=11)
    lay = g.viz.compute_layout("hierarchical")
    with g.viz.interactive(layout=lay, node_size=8, edge_width=1.5) as view:
        page = open_graph(view, renderer, size=(900, 700))
        assert page.evaluate("() => window.groggy.graph.bentEdges()") > 0
        img = pixels(page)
        page.screenshot(path=str(ARTIFACTS / f"graph-bends-dag-{renderer}.png"))
        for b in lay.edge_bends.points:     # per-edge widths take the polyline too
            assert drawn(img, *screen_of(page, b)), (renderer, b)
