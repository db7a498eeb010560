"""The graph view's compact frames (groggy/web/graphwire.py, the _wire kernel and
graph-wire.js) against a bit-by-bit reader written from docs/protocol.md
(tests/wire_oracle.py), for the inputs hypothesis finds; then the page's reader, in
Chromium, on graphs whose codes take the rare paths (escapes, gaps of zero, ids far
apart)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import groggy as gg
from groggy.kernels import rice_encode
from groggy.subgraph import Subgraph
from groggy.viz.layout import Layout
from groggy.web.graphwire import (best_rice_k, edge_frame, ids_frame, palette_frames,
                                  position_frame)

import wire_oracle
from test_graph_view import WAIT_MS
from web_helpers import WatchedPages

U48 = (1 << 48) - 1


def parse(data: bytes) -> tuple:
    return data[:4].decode(), (int.from_bytes(data[4:8], "little"), data[8:])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 40), st.integers(0, U48)), max_size=200),
       st.integers(0, 47))
def test_rice_codes_read_back_bit_by_bit(values, k):
    data = rice_encode(np.array(values, dtype=np.uint64), k)
    assert data[-8:] == bytes(8)                       # the reader's look-ahead padding
    assert wire_oracle.rice_decode(data, len(values), k) == values


def test_rice_refuses_what_it_cannot_write():
    with pytest.raises(ValueError, match="48-bit escape"):
        rice_encode(np.array([1 << 48], dtype=np.uint64), 3)
    with pytest.raises(ValueError, match="Rice parameter"):
        rice_encode(np.array([1], dtype=np.uint64), 48)


def test_the_chosen_parameter_is_the_cheapest_near_the_mean():
    gaps = np.random.default_rng(0).geometric(1 / 3000, 5000).astype(np.uint64)
    k = best_rice_k(gaps)
    cost = lambda j: len(rice_encode(gaps, j))      # noqa: E731
    assert cost(k) == min(cost(j) for j in range(0, 20))


edge_lists = st.integers(1, 300).flatmap(lambda n: st.tuples(
    st.just(n), arrays(np.int64, st.tuples(st.integers(0, 400), st.just(2)),
                       elements=st.integers(0, n - 1)), st.booleans()))


@settings(max_examples=60, deadline=None)
@given(edge_lists)
def test_edges_read_back_as_the_same_multiset_in_the_order_given(case):
    n, edges, directed = case
    data, order = edge_frame(edges.astype(np.uint32), n, directed)
    tag, body = parse(data)
    assert tag == "EDGR"
    got = wire_oracle.decode({tag: body}, {"nodes": n})["edges"]
    want = edges if directed else np.sort(edges, axis=1)
    assert got.tolist() == want[order].tolist()          # page edge i is edges[order[i]]
    assert sorted(order.tolist()) == list(range(len(edges)))


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 100), st.just(2)),
              elements=st.floats(-1e6, 1e6)))
def test_positions_are_within_half_a_step_of_the_layout(pos):
    bounds = [*pos.min(0), *pos.max(0)]
    tag, body = parse(position_frame(pos, bounds))
    got = wire_oracle.decode({tag: body}, {"bounds": bounds})["positions"]
    step = (np.array(bounds[2:]) - bounds[:2]) / wire_oracle.STEPS
    assert (np.abs(got - pos) <= step / 2 + 1e-9 * np.abs(pos).max()).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, U48), min_size=0, max_size=100, unique=True))
def test_ascending_ids_are_rice_coded_others_sent_whole(ids):
    ids = np.array(sorted(ids), dtype=np.int64)
    tag, body = parse(ids_frame(ids))
    assert tag == "NIDR"
    assert wire_oracle.decode({tag: body}, {})["ids"].tolist() == ids.tolist()
    if len(ids) > 1:
        assert parse(ids_frame(ids[::-1]))[0] == "NIDS"


@pytest.mark.parametrize("distinct, tags", [(1, ["NSZP", "NSZI"]), (256, ["NSZP", "NSZI"]),
                                            (257, ["NSIZ"])])
def test_sizes_take_a_palette_up_to_256_values(distinct, tags):
    sizes = np.random.default_rng(1).permutation(np.arange(600) % distinct).astype("f4")
    frames = dict(parse(f) for f in palette_frames(sizes, (b"NSZP", b"NSZI", b"NSIZ")))
    assert list(frames) == tags
    if distinct == 1:
        assert frames["NSZI"] == (600, b"")                  # one value: no index bytes
    assert wire_oracle.decode(frames, {})["sizes"].tolist() == sizes.tolist()


# ------------------------------------------------------------------ the page's reader
@pytest.mark.parametrize("directed", [False, True])
def test_the_page_reads_escapes_zero_gaps_and_far_ids(browser, directed):
    """A subgraph of a 300k-node graph: ids far apart (escaped id gaps), a multi-edge
    and a self-loop (zero gaps) and one edge whose key gap escapes; every node's
    neighbours in the page are checked against the graph."""
    g = gg.Graph(directed=directed)
    g.add_nodes(300_000)
    keep = [0, 1, 2, 3, 5, 90_000, 250_000, 299_999]
    edges = [(0, 1), (0, 1), (1, 2), (2, 2), (3, 0), (5, 3), (299_999, 250_000),
             (90_000, 0), (2, 299_999)]
    g.add_edges(edges)
    sub = Subgraph(g, keep)
    rng = np.random.default_rng(2)
    view = sub.viz.interactive(layout=Layout(rng.random((len(keep), 2)) * 100,
                                             np.array(keep), "fixed", {}),
                                   node_size=8)
    watched = WatchedPages(browser, WAIT_MS)
    try:
        page = watched.new(900, 700)
        page.goto(view.url)
        page.wait_for_function("() => window.groggy && window.groggy.graph")
        page.evaluate("() => window.groggy.graph.ready")
        assert page.evaluate("() => window.groggy.graph.stats()")["edges"] == len(edges)
        for v in keep:
            assert page.evaluate("(id) => window.groggy.graph.screenPosition(id)", v)
            page.evaluate("(id) => window.groggy.graph.select([id])", v)
            shown = page.evaluate("() => window.groggy.graph.highlighted().nodes")
            # a directed graph highlights successors, as g.neighbors() gives them
            touching = ({b for a, b in edges if a == v} if directed else
                        {b if a == v else a for a, b in edges if v in (a, b)}) - {v}
            assert sorted(touching) == [u for u in g.neighbors(v) if u != v]
            assert sorted(shown) == sorted(touching), v
    finally:
        watched.close()
        view.close()
