"""Bent edges in the graph view's tile mode (issues 9 and 12): the server's raster tiles
draw a layered layout's long edges through their bends, and the vectors it sends for a
zoomed-in view carry them (``EBND``), so tile mode agrees with the exporters and the
whole-graph view. A small graph is forced into tile mode with a small ``tiles_above``
(as tests/test_graph_tiles.py does). Oracles: the layout's own ``edge_bends``, the
frame reader written from docs/protocol.md (tests/wire_oracle.py), the tiles' PNGs and
the pixels of the real page in Chromium."""
from __future__ import annotations

import numpy as np
import pytest

import groggy as gg
import wire_oracle
from groggy.themes import get_theme
from groggy.viz.tiles import TILE_PX
from test_graph_bends import RENDERERS, drawn, screen_of
from test_graph_tiles import decode_png
from test_graph_view import ARTIFACTS, GraphClient, open_graph, pixels, rgb  # noqa: F401

LADDERS, STEPS = 8, 6         # 8 components: a chain 0 -> ... -> 6 and the edge 0 -> 6
TILES_ABOVE = 40              # 56 nodes: tiles; vectors at <= 8 nodes in view
BACKGROUND = rgb(get_theme("light")["background"])


def ladders() -> gg.Graph:
    g = gg.Graph(directed=True)
    g.add_nodes(LADDERS * (STEPS + 1))
    edges = []
    for c in range(LADDERS):
        b = c * (STEPS + 1)
        edges += [(b + i, b + i + 1) for i in range(STEPS)] + [(b, b + STEPS)]
    g.add_edges(edges)
    return g


@pytest.fixture(scope="module")
def tiled_dag():
    g = ladders()
    lay = g.viz.compute_layout("hierarchical")
    view = g.viz.interactive(layout=lay, node_size=6, edge_color="#000000",
                             tiles_above=TILES_ABOVE)
    yield g, lay, view
    view.close()


def long_edge(lay):
    """(its bends, the middle of its middle bend segment, the middle of its chord) for
    the long edge of the first ladder (edge row STEPS: 0 -> STEPS)."""
    bends = lay.edge_bends.for_edges(np.array([STEPS]))[1]
    pos = lay.node_positions
    mid = len(bends) // 2
    leg = (bends[mid - 1] + bends[mid]) / 2
    chord = (pos[0] + pos[STEPS]) / 2
    return bends, leg, chord


def test_the_geometry_has_a_bend_segment_away_from_the_chord(tiled_dag):
    # what the tests below rely on: the bends are off the chord and nothing else is
    # on the chord's middle (oracle: the layout itself)
    _, lay, _ = tiled_dag
    bends, leg, chord = long_edge(lay)
    pos = lay.node_positions
    assert bends.shape[0] == STEPS - 1
    assert np.hypot(*(leg - chord)) >= 0.4
    assert np.hypot(*(pos - chord).T).min() >= 0.4


def test_tiles_draw_long_edges_through_their_bends(tiled_dag):
    g, lay, view = tiled_dag
    bends, leg, chord = long_edge(lay)
    client = GraphClient(view.url)
    head, _ = client.reply({"type": "GraphHello", "request_id": 1})
    s = head["tiles"]
    fit = TILE_PX / s["side"]
    for z in (1, 2, 3):               # 22, 43 and 87 px per layout unit
        step = s["side"] / 2 ** z
        k = TILE_PX / step

        def tile_pixel(xy):
            tx, ty = int((xy[0] - s["x0"]) // step), int((s["top"] - xy[1]) // step)
            head, frames = client.reply({"type": "Tile", "z": z, "x": tx, "y": ty,
                                         "fit": fit, "request_id": 2})
            img = decode_png(frames["TILE"][1])[..., :3].astype(int)
            px = (xy[0] - s["x0"] - tx * step) * k, (s["top"] - xy[1] - ty * step) * k
            return img, px
        checked = 0
        for point in (leg, *bends):
            img, (x, y) = tile_pixel(point)
            if min(x, y, TILE_PX - 1 - x, TILE_PX - 1 - y) >= 2:   # not on a tile's side
                assert drawn(img, x, y), (z, point)
                checked += 1
        assert checked >= 3
        img, (x, y) = tile_pixel(chord)   # 10 px or more from all ink at these levels
        assert not drawn(img, x, y), z
    client.close()


def test_tile_mode_vectors_carry_the_bends(tiled_dag):
    g, lay, view = tiled_dag
    pos = lay.node_positions
    client = GraphClient(view.url)
    client.reply({"type": "GraphHello", "request_id": 1})
    # the first ladder's box: 7 nodes, vectors
    box = [-0.25, -6.25, 1.25, 0.25]
    assert ((pos[:, 0] >= box[0]) & (pos[:, 0] <= box[2])).sum() == STEPS + 1
    head, frames = client.reply({"type": "Viewport", "box": box, "zoom": 100.0,
                                 "fit": 10.0, "request_id": 2})
    assert head["mode"] == "vector" and "EBND" in head["frames"]
    rows = np.frombuffer(frames["VROW"][1], "<u4")
    edges = rows[np.frombuffer(frames["VEDG"][1], "<u4").reshape(-1, 2)]
    got = wire_oracle.decode(frames, head)["bends"]
    lo, hi = np.array(head["bounds"][:2]), np.array(head["bounds"][2:])
    step = float((hi - lo).max()) / wire_oracle.STEPS
    inp = g.viz.graph_input()
    offsets, points = lay.edge_bends.for_edges(inp.edge_attribute("edge_id"))
    src, dst = np.asarray(inp.sources), np.asarray(inp.targets)
    bent = 0
    for number, (a, b) in enumerate(edges.tolist()):
        row = int(np.flatnonzero((src == a) & (dst == b))[0])
        want = points[offsets[row]:offsets[row + 1]]
        if want.shape[0] == 0:
            assert number not in got
        else:
            bent += 1
            np.testing.assert_allclose(got[number], want, atol=step)
    assert bent == len(got) == 1
    # straight-only answers carry no EBND (a box on the chain's middle nodes)
    head, frames = client.reply({"type": "Viewport", "box": [-0.1, -4.1, 0.1, -1.9],
                                 "zoom": 100.0, "fit": 10.0, "request_id": 3})
    assert head["mode"] == "vector" and "EBND" not in head["frames"]
    # Neighbors (a selection over the tiles) sends the long edge with its bends too
    head, frames = client.reply({"type": "Neighbors", "nodes": [0], "request_id": 4})
    assert "EBND" in head["frames"] and len(wire_oracle.decode(frames, head)["bends"]) == 1
    client.close()


@pytest.mark.parametrize("renderer", RENDERERS)
def test_the_page_draws_bends_in_tiles_and_in_tile_mode_vectors(tiled_dag, open_graph,
                                                                 renderer):
    g, lay, view = tiled_dag
    bends, leg, chord = long_edge(lay)
    page = open_graph(view, renderer, size=(600, 1000))
    hook = "(a) => window.groggy.graph.setViewport(a[0], a[1], a[2])"
    for cx, mode in ((2.0, "tiles"), (0.5, "vector")):
        # x from cx - 2.1 to cx + 2.1: the first two ladders (14 nodes, tiles), or the
        # first alone (7 nodes, vectors)
        page.evaluate(hook, [cx, -3.0, 140.0])
        page.evaluate("() => window.groggy.graph.settled()")
        assert page.evaluate("() => window.groggy.graph.stats().mode") == mode
        if mode == "vector":
            # this ladder's long edge, and the next one's (held in the margin)
            assert page.evaluate("() => window.groggy.graph.bentEdges()") >= 1
        img = pixels(page)
        page.screenshot(path=str(ARTIFACTS / f"graph-tile-bends-{mode}-{renderer}.png"))
        for point in (leg, *bends):
            assert drawn(img, *screen_of(page, point), radius=2), (mode, renderer, point)
        assert not drawn(img, *screen_of(page, chord), radius=3), (mode, renderer)


def test_a_layout_switch_in_tile_mode_draws_the_new_layout_with_its_bends(open_graph):
    # new positions are a new tile scheme: the page starts again from a GraphInit
    g = ladders()
    with g.viz.interactive(layout="circular", node_size=6, edge_color="#000000",
                           tiles_above=TILES_ABOVE) as view:
        page = open_graph(view, "webgl", size=(600, 1000))
        page.select_option(".gg-graph-layout", "hierarchical")
        page.wait_for_function("() => window.groggy.graph.layout() === 'hierarchical'")
        lay = g.viz.compute_layout("hierarchical")
        bends, leg, chord = long_edge(lay)
        head, _ = GraphClient(view.url).reply({"type": "GraphHello", "request_id": 1})
        drawn_points = np.vstack([lay.node_positions, lay.edge_bends.points])
        assert head["bounds"] == pytest.approx([*drawn_points.min(0), *drawn_points.max(0)],
                                               abs=1e-4)      # nodes and bends
        page.evaluate("(a) => window.groggy.graph.setViewport(a[0], a[1], a[2])",
                      [2.0, -3.0, 140.0])
        page.evaluate("() => window.groggy.graph.settled()")
        assert page.evaluate("() => window.groggy.graph.stats().mode") == "tiles"
        img = pixels(page)
        page.screenshot(path=str(ARTIFACTS / "graph-tile-bends-switched.png"))
        for point in (leg, *bends):
            assert drawn(img, *screen_of(page, point), radius=2), point
        assert not drawn(img, *screen_of(page, chord), radius=3)
        # and the server's answers follow the new positions
        pos = lay.node_positions
        assert page.evaluate("() => window.groggy.graph.locate(3)") == \
            pytest.approx(pos[3].tolist(), abs=1e-5)
        assert page.evaluate("(a) => window.groggy.graph.nodeAt(a[0], a[1])",
                             list(screen_of(page, pos[3]))) == 3
