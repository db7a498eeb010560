"""The graph view's large-graph mode: the spatial index against brute force, the
Viewport / Tile / NodeAt messages against a real server, and the page in Chromium:
tiles drawn where the nodes are, hover answered by the server, the switch to vectors
when few nodes are in view and back, no blank frame on the way, bad messages refused.

The graphs are small (3,000 nodes) with a small ``tiles_above`` so that the suite stays
fast; bench/test_graph_tiles.py runs the 1M-node demo. Screenshots of tile mode and of
vector mode are kept under ``tests/artifacts/``."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import skia
from hypothesis import given
from hypothesis import strategies as st

import groggy as gg
from groggy.themes import get_theme
from groggy.viz.interactive import rgba_bytes
from groggy.viz.spatial import EdgeIndex, NodeIndex, PointGrid
from groggy.viz.style import Style, default_node_size, node_style
from groggy.viz.tiles import TILE_PX, TileScheme, node_scale, radii_px

from test_graph_view import (ARTIFACTS, GraphClient, club_graph, near, pixels, rgb,
                             server_threads, wait_until)
from web_helpers import WatchedPages

N, M = 3000, 6000
THRESHOLD = 1000                 # tiles above 1,000 nodes; vectors at <= 200 in view
BUDGET = THRESHOLD // 5


# --------------------------------------------------------------------------- index

def brute_within(xy, box):
    x0, y0, x1, y1 = box
    return np.flatnonzero((xy[:, 0] >= x0) & (xy[:, 0] <= x1) &
                          (xy[:, 1] >= y0) & (xy[:, 1] <= y1))


def brute_node_at(xy, radii, x, y, zoom, slack=2.0):
    d = np.hypot(xy[:, 0] - x, xy[:, 1] - y) * zoom
    ok = np.flatnonzero(d <= radii + slack)
    if ok.size == 0:
        return None
    best = ok[d[ok] == d[ok].min()]
    return int(best.max())


boxes = st.tuples(*[st.floats(-3, 3)] * 4).map(
    lambda b: (min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])))


@given(st.integers(0, 400), boxes, st.integers(0, 2 ** 31))
def test_grid_queries_match_brute_force(n, box, seed):
    rng = np.random.default_rng(seed)
    xy = rng.normal(size=(n, 2)).astype(np.float32)
    xy[: n // 4] = np.round(xy[: n // 4], 1)          # duplicates and points on borders
    grid = PointGrid(xy)
    inside = brute_within(xy, box)
    assert grid.within(box).tolist() == inside.tolist()
    assert grid.count(box) == inside.size
    m = 3 * n
    src, dst = rng.integers(0, max(n, 1), m), rng.integers(0, max(n, 1), m)
    if n:
        edges = EdgeIndex(xy, src, dst)
        a, b = xy[src], xy[dst]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        expect = np.flatnonzero((hi[:, 0] >= box[0]) & (lo[:, 0] <= box[2]) &
                                (hi[:, 1] >= box[1]) & (lo[:, 1] <= box[3]))
        assert edges.crossing(box).tolist() == expect.tolist()


def test_node_at_matches_brute_force_and_degenerate_inputs():
    rng = np.random.default_rng(4)
    xy = rng.normal(size=(2000, 2)).astype(np.float32)
    xy[100] = xy[101]                                  # a duplicate: the later row wins
    radii = rng.uniform(1, 6, 2000).astype(np.float32)
    index = NodeIndex(xy)
    for zoom in (30.0, 300.0):
        for x, y in [*rng.normal(size=(300, 2)), xy[100]]:
            assert index.node_at(x, y, zoom, radii) == brute_node_at(xy, radii, x, y, zoom)
    assert index.node_at(*xy[100], 300.0, radii) == 101
    empty = NodeIndex(np.zeros((0, 2), np.float32))
    assert empty.node_at(0, 0, 1.0, np.zeros(0)) is None
    one = NodeIndex(np.array([[5.0, 5.0]], np.float32))
    assert one.node_at(5, 5, 1.0, np.array([1.0])) == 0
    assert one.grid.within((0, 0, 10, 10)).tolist() == [0]


def test_tiles_above_is_checked_before_a_server_starts():
    g = club_graph(20, 30)
    before = server_threads()
    for bad in (-1, 2.5, "many", True):
        with pytest.raises(ValueError, match="tiles_above must be an int >= 0"):
            g.viz.interactive(layout="grid", tiles_above=bad)
    assert server_threads() == before


# --------------------------------------------------------------------------- wire

@pytest.fixture(scope="module")
def tiled():
    g = club_graph(N, M, seed=11)
    lay = g.viz.compute_layout("force_directed")
    view = g.viz.interactive(layout=lay, node_color="club", tiles_above=THRESHOLD)
    yield g, lay, view
    view.close()


def expected_look(g, theme="light"):
    look = node_style(g.viz.graph_input(), Style(node_color="club"), get_theme(theme),
                      default_node_size(N, 800, 600))
    return rgba_bytes(look.colors), look.sizes


def decode_png(data: bytes) -> np.ndarray:
    img = skia.Image.MakeFromEncoded(data)
    return img.convert(alphaType=skia.kUnpremul_AlphaType,
                       colorType=skia.kRGBA_8888_ColorType).toarray()


def test_a_tiled_view_sends_no_arrays_and_answers_viewports(tiled):
    g, lay, view = tiled
    client = GraphClient(view.url)
    head, frames = client.reply({"type": "GraphHello", "request_id": 1})
    assert head["type"] == "GraphInit" and frames == {} and head["frames"] == []
    assert (head["nodes"], head["edges"]) == (N, M)
    scheme = head["tiles"]
    assert scheme["size"] == TILE_PX and scheme["vector_budget"] == BUDGET
    x0, y0, x1, y1 = lay.bounds
    # the whole layout: tiles, every node counted
    head, frames = client.reply({"type": "Viewport", "box": [x0, y0, x1, y1], "zoom": 1.0,
                                 "fit": 1.0, "request_id": 2})
    assert (head["mode"], head["count"]) == ("tiles", N) and not frames
    # a small box: the nodes in it (and a margin) with their edges, as vectors
    pos = lay.node_positions
    cx, cy = pos[17]
    w = (x1 - x0) / 40
    box = [cx - w, cy - w, cx + w, cy + w]
    head, frames = client.reply({"type": "Viewport", "box": box, "zoom": 50.0, "fit": 1.0,
                                 "request_id": 3})
    assert head["mode"] == "vector"
    assert head["count"] == brute_within(pos, box).size <= BUDGET
    covered = head["box"]
    assert covered[0] <= box[0] and covered[2] >= box[2]
    rows = np.frombuffer(frames["VROW"][1], "<u4")
    edges = np.frombuffer(frames["VEDG"][1], "<u4").reshape(-1, 2)
    src = np.asarray(g.edges.table()["source"].to_list())
    dst = np.asarray(g.edges.table()["target"].to_list())
    held = brute_within(pos, covered)
    incident = np.flatnonzero(np.isin(src, held) | np.isin(dst, held))
    assert sorted(map(tuple, rows[edges].tolist())) == \
        sorted(zip(src[incident].tolist(), dst[incident].tolist()))
    assert set(held.tolist()) <= set(rows.tolist())
    assert set(rows.tolist()) == set(held.tolist()) | set(src[incident]) | set(dst[incident])
    colors, sizes = expected_look(g)
    np.testing.assert_allclose(np.frombuffer(frames["VPOS"][1], "<f4").reshape(-1, 2),
                               pos[rows], rtol=1e-6, atol=1e-6)
    assert np.frombuffer(frames["VCOL"][1], np.uint8).reshape(-1, 4).tolist() == \
        colors[rows].tolist()
    np.testing.assert_allclose(np.frombuffer(frames["VSIZ"][1], "<f4"), sizes[rows])
    # the page's own budget, when lower than the server's (a CPU renderer): tiles until
    # no more than it is in view; a higher one changes nothing
    inside = int(head["count"])
    for budget, mode in ((inside - 1, "tiles"), (inside, "vector"), (10 ** 9, "vector")):
        head, _ = client.reply({"type": "Viewport", "box": box, "zoom": 50.0, "fit": 1.0,
                                "budget": budget, "request_id": 4})
        assert (head["mode"], head["count"]) == (mode, inside), budget
    client.close()


def test_neighbors_sends_the_selection_with_its_neighbours_and_their_edges(tiled):
    g, lay, view = tiled
    client = GraphClient(view.url)
    client.reply({"type": "GraphHello", "request_id": 1})
    pos = lay.node_positions
    colors, sizes = expected_look(g)
    for ask in ([17], [3, 250, 2999], []):
        head, frames = client.reply({"type": "Neighbors", "nodes": ask, "request_id": 2})
        assert head["type"] == "Neighbors" and head["of"] == ask
        rows = np.frombuffer(frames["VROW"][1], "<u4")
        edges = rows[np.frombuffer(frames["VEDG"][1], "<u4").reshape(-1, 2)]
        want = set(ask) | {u for v in ask for u in g.neighbors(v)}
        assert set(rows.tolist()) == want
        # the edges with an asked node at an end, all of them (brute force)
        src = np.asarray(g.edges.table()["source"].to_list())
        dst = np.asarray(g.edges.table()["target"].to_list())
        incident = np.isin(src, ask) | np.isin(dst, ask)
        assert sorted(map(tuple, edges.tolist())) == \
            sorted(zip(src[incident].tolist(), dst[incident].tolist()))
        for v in ask:
            assert {b if a == v else a for a, b in edges.tolist() if v in (a, b)} == \
                set(g.neighbors(v))
        np.testing.assert_allclose(np.frombuffer(frames["VPOS"][1], "<f4").reshape(-1, 2),
                                   pos[rows], rtol=1e-6, atol=1e-6)
        assert np.frombuffer(frames["VCOL"][1], np.uint8).reshape(-1, 4).tolist() == \
            colors[rows].tolist()
    client.close()


def test_tiles_are_pngs_of_the_drawing_and_node_at_finds_the_node(tiled):
    g, lay, view = tiled
    client = GraphClient(view.url)
    client.reply({"type": "GraphHello", "request_id": 1})
    scheme = TileScheme(lay.bounds)
    colors, sizes = expected_look(g)
    pos = lay.node_positions
    background = rgb(get_theme("light")["background"])
    fit = TILE_PX / scheme.side          # the page's fitted zoom: level 0 fills it
    z = 2
    k = scheme.px_per_unit(z)
    radii = radii_px(sizes, node_scale(k, fit))
    seen = 0
    for tx in range(4):
        for ty in range(4):
            head, frames = client.reply({"type": "Tile", "z": z, "x": tx, "y": ty,
                                         "fit": fit, "request_id": 5})
            assert (head["z"], head["x"], head["y"]) == (z, tx, ty)
            img = decode_png(frames["TILE"][1])
            assert img.shape == (TILE_PX, TILE_PX, 4) and (img[..., 3] == 255).all()
            bx0, by0, bx1, by1 = scheme.box(z, tx, ty)
            px = np.stack([(pos[:, 0] - bx0) * k, (by1 - pos[:, 1]) * k], -1)
            d = np.hypot(*(px[:, None, :] - px[None, :, :]).transpose(2, 0, 1))
            np.fill_diagonal(d, np.inf)
            # nodes well inside the tile whose disc no other node's disc touches
            alone = np.flatnonzero((px > 4).all(1) & (px < TILE_PX - 4).all(1) &
                                   (d.min(1) > 2 * radii.max() + 2) & (radii >= 2))
            for row in alone[:10]:
                x, y = px[row].astype(int)
                assert near(img[y, x, :3], colors[row, :3], 60), (row, img[y, x], colors[row])
                seen += 1
            # the corners of a tile of nothing are the background
            if not len(brute_within(pos, (bx0, by0, bx1, by1))) and head["x"] in (0, 3):
                assert near(img[0, 0, :3], background, 2)
    assert seen >= 10
    # NodeAt: the nearest node whose drawn disc holds the point, by brute force
    rng = np.random.default_rng(2)
    zoom = k
    for x, y in [*pos[rng.integers(0, N, 30)] + rng.normal(0, 1 / k, (30, 2)),
                 *rng.uniform(lay.bounds[:2], lay.bounds[2:], (30, 2))]:
        head, _ = client.reply({"type": "NodeAt", "x": float(x), "y": float(y),
                                "zoom": zoom, "fit": fit, "request_id": 6})
        want = brute_node_at(pos, radii_px(sizes, node_scale(zoom, fit)), x, y, zoom)
        assert head["node"] == want
        if want is not None:
            assert head["id"] == want and head["position"] == pytest.approx(pos[want].tolist())
    client.close()


@pytest.mark.parametrize("bad, words", [
    ({"type": "Tile", "z": 2, "x": 4, "y": 0, "fit": 1.0}, "x and y must be in 0..3"),
    ({"type": "Tile", "z": 99, "x": 0, "y": 0, "fit": 1.0}, "Tile.z must be an int in 0..24"),
    ({"type": "Tile", "z": 1, "x": 0, "y": 0}, "Tile.fit must be a finite number > 0"),
    ({"type": "Viewport", "box": [0, 0, 1], "zoom": 1, "fit": 1}, "Viewport.box must be"),
    ({"type": "Viewport", "box": [1, 0, 0, 1], "zoom": 1, "fit": 1}, "min <= max"),
    ({"type": "Viewport", "box": [0, 0, 1, 1], "zoom": 0, "fit": 1}, "Viewport.zoom must be"),
    ({"type": "Viewport", "box": [0, 0, 1, 1], "zoom": 1, "fit": 1, "budget": 0},
     "Viewport.budget must be an int in 1.."),
    ({"type": "Viewport", "box": [0, 0, 1, 1], "zoom": 1, "fit": 1, "budget": 2.5},
     "Viewport.budget must be an int"),
    ({"type": "NodeAt", "x": "1", "y": 0, "zoom": 1, "fit": 1}, "NodeAt.x must be a finite"),
    ({"type": "NodeAt", "x": 1e400, "y": 0, "zoom": 1, "fit": 1}, "Infinity is not a JSON value"),
    ({"type": "Neighbors", "nodes": [N]}, f"node row {N} is out of range"),
    ({"type": "Neighbors", "nodes": list(range(101))}, "at most 100 node rows"),
    ({"type": "Neighbors", "nodes": [-1]}, "Neighbors.nodes must be a list"),
])
def test_bad_tile_messages_get_an_error_and_the_connection_lives(tiled, bad, words):
    _, _, view = tiled
    client = GraphClient(view.url)
    raw = '{"type": "NodeAt", "x": Infinity, "y": 0, "zoom": 1, "fit": 1}' \
        if bad.get("x") == 1e400 else bad
    client.send(raw)
    reply = client.recv()
    assert reply["type"] == "Error", reply
    assert words in reply["message"], reply
    head, frames = client.reply({"type": "Tile", "z": 0, "x": 0, "y": 0, "fit": 1.0,
                                 "request_id": 3})
    assert head["type"] == "Tile" and frames["TILE"][1][:4] == b"\x89PNG"
    client.close()


def test_a_small_view_has_no_tiles():
    g = club_graph(50, 60)
    with g.viz.interactive(layout="circular") as view:
        client = GraphClient(view.url)
        client.send({"type": "Tile", "z": 0, "x": 0, "y": 0, "fit": 1.0, "request_id": 1})
        reply = client.recv()
        assert reply["type"] == "Error" and "has no tiles" in reply["message"]
        client.close()


# --------------------------------------------------------------------------- browser

@pytest.fixture
def open_tiled(browser):
    watched = WatchedPages(browser, 60_000)

    def opener(view, size=(1000, 700)):
        page = watched.new(*size)
        page.goto(view.url)
        page.wait_for_function("() => window.groggy && window.groggy.graph")
        page.evaluate("() => window.groggy.graph.ready")
        return page

    yield opener
    watched.close()


def hook(page, expr, *args):
    return page.evaluate(f"(a) => window.groggy.graph.{expr}", list(args))


def to_screen(page, vp, wx, wy):
    box = page.locator(".gg-graph-canvas").bounding_box()
    return ((wx - vp["cx"]) * vp["zoom"] + box["x"] + box["width"] / 2,
            (vp["cy"] - wy) * vp["zoom"] + box["y"] + box["height"] / 2)


def lonely_nodes(pos, radii, zoom, count=12):
    """Rows whose drawn disc no other node's disc comes near, at ``zoom``."""
    px = pos * zoom
    d = np.hypot(*(px[:, None, :] - px[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    return np.flatnonzero(d.min(1) > 2 * radii.max() + 3)[:count]


def test_tiles_are_drawn_where_the_nodes_are_and_hover_names_them(tiled, open_tiled):
    g, lay, view = tiled
    page = open_tiled(view)
    stats = hook(page, "stats()")
    assert (stats["mode"], stats["nodes"], stats["edges"], stats["held"]) == \
        ("tiles", N, M, 0)
    assert page.inner_text(".gg-graph-status") == "3,000 nodes · overview"
    # the bar's free room is the status's, so that a longer one ("1,000,000 nodes ·
    # overview") is not cut: it reaches the controls (the Tables link), one gap away
    status, tables = (page.evaluate(f"() => document.querySelector('{sel}')"
                                    ".getBoundingClientRect().toJSON()")
                      for sel in (".gg-graph-status", ".gg-graph-link"))
    assert tables["left"] - status["right"] <= 12, (status, tables)
    vp = hook(page, "viewport()")
    colors, sizes = expected_look(g)
    pos = lay.node_positions
    radii = radii_px(sizes, node_scale(vp["zoom"], vp["fitZoom"]))
    rows = lonely_nodes(pos, radii, vp["zoom"])
    assert rows.size >= 5
    img = pixels(page)
    for row in rows.tolist():
        assert hook(page, "locate(a[0])", row) == pytest.approx(pos[row].tolist(), rel=1e-5)
        p = hook(page, "screenPosition(a[0])", row)
        assert p == pytest.approx(dict(zip("xy", to_screen(page, vp, *pos[row]))), abs=0.01)
        at = img[int(round(p["y"])), int(round(p["x"]))]
        assert near(at, colors[row, :3], 60), (row, at, colors[row])
        assert hook(page, "nodeAt(a[0], a[1])", p["x"], p["y"]) == row
    # points where no node is drawn: the background, and nodeAt says null
    background = rgb(get_theme("light")["background"])
    x0, y0, x1, y1 = lay.bounds
    rng = np.random.default_rng(1)
    checked = 0
    for wx, wy in rng.uniform((x0, y0), (x1, y1), (400, 2)):
        d = np.hypot(pos[:, 0] - wx, pos[:, 1] - wy) * vp["zoom"] - radii
        if d.min() < 6 or not far_from_edges(g, pos, wx, wy, vp["zoom"], 3):
            continue
        sx, sy = to_screen(page, vp, wx, wy)
        assert near(img[int(sy), int(sx)], background, 2), (wx, wy, img[int(sy), int(sx)])
        assert hook(page, "nodeAt(a[0], a[1])", sx, sy) is None
        checked += 1
        if checked == 8:
            break
    assert checked >= 3
    # hovering with the mouse asks the server and shows the node's attributes
    row = int(rows[0])
    p = hook(page, "screenPosition(a[0])", row)
    page.mouse.move(p["x"], p["y"])
    page.wait_for_selector(f".gg-graph-tooltip[data-node='{row}']")
    text = page.inner_text(".gg-graph-tooltip")
    assert f"node {row}" in text and g.nodes[row]["club"] in text
    # a click selects it: the status says so and Python sees it
    page.mouse.click(p["x"], p["y"])
    assert wait_until(lambda: view.selected() == [row])
    assert hook(page, "selected()") == [row]
    assert f"node {row} selected" in page.inner_text(".gg-graph-status")
    # over the tiles, its neighbours and edges are highlighted as vectors (the rest fade)
    neighbours = sorted(v for v in g.neighbors(row) if v != row)
    page.wait_for_function("(n) => window.groggy.graph.highlighted().nodes.length === n",
                           arg=len(neighbours))
    assert sorted(hook(page, "highlighted()")["nodes"]) == neighbours
    assert hook(page, "stats()")["mode"] == "tiles"
    assert page.inner_text(".gg-graph-status").endswith(
        f"node {row} selected, {len(neighbours)} neighbours")
    page.mouse.move(2, 2)                              # the tooltip away
    page.wait_for_selector(".gg-graph-tooltip", state="hidden")
    hook(page, "painted()")
    lit = pixels(page)
    for v in neighbours:
        q = hook(page, "screenPosition(a[0])", v)
        assert near(lit[int(round(q["y"])), int(round(q["x"]))], colors[v, :3], 60), v
    faded = [v for v in rows.tolist()[1:] if v not in neighbours]
    for v in faded:
        q = hook(page, "screenPosition(a[0])", v)
        was, now = img[int(round(q["y"])), int(round(q["x"]))], \
            lit[int(round(q["y"])), int(round(q["x"]))]
        assert np.abs(now - background).sum() < np.abs(was - background).sum() / 2, v
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph-tiles-overview.png"))
    hook(page, "select([])")
    page.wait_for_function("() => window.groggy.graph.stats().held === 0")
    assert hook(page, "highlighted()")["nodes"] == []


def far_from_edges(g, pos, wx, wy, zoom, px):
    src = np.asarray(g.edges.table()["source"].to_list())
    dst = np.asarray(g.edges.table()["target"].to_list())
    a, b = pos[src], pos[dst]
    ab = b - a
    t = np.clip(((wx - a[:, 0]) * ab[:, 0] + (wy - a[:, 1]) * ab[:, 1]) /
                np.maximum((ab ** 2).sum(1), 1e-12), 0, 1)
    d = np.hypot(a[:, 0] + t * ab[:, 0] - wx, a[:, 1] + t * ab[:, 1] - wy) * zoom
    return d.min() > px


def count_in_view(page, pos):
    vp = hook(page, "viewport()")
    box = page.locator(".gg-graph-canvas").bounding_box()
    hw, hh = box["width"] / 2 / vp["zoom"], box["height"] / 2 / vp["zoom"]
    return brute_within(pos, (vp["cx"] - hw, vp["cy"] - hh, vp["cx"] + hw, vp["cy"] + hh)).size


def not_blank(img, background) -> int:
    return int((np.abs(img - background).max(-1) > 30).sum())


def test_zooming_in_switches_to_vectors_and_back_without_a_blank_frame(tiled, open_tiled):
    g, lay, view = tiled
    page = open_tiled(view)
    pos = lay.node_positions
    background = rgb(get_theme("light")["background"])
    vp = hook(page, "viewport()")
    overview_ink = not_blank(pixels(page), background)
    # zoom on a node until few enough are in view
    cx, cy = pos[42]
    zoom = vp["fitZoom"]
    while True:
        zoom *= 1.5
        hook(page, "setViewport(a[0], a[1], a[2])", float(cx), float(cy), zoom)
        if count_in_view(page, pos) <= BUDGET // 2:
            break
    shots = []
    for _ in range(6):          # the frames while the answer is on its way
        shots.append(pixels(page))
    hook(page, "settled()")
    assert hook(page, "stats()")["mode"] == "vector"
    expect = count_in_view(page, pos)
    assert page.inner_text(".gg-graph-status").startswith(f"{expect:,} nodes in view")
    p = hook(page, "screenPosition(a[0])", 42)
    assert hook(page, "nodeAt(a[0], a[1])", p["x"], p["y"]) == 42
    vector_img = pixels(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph-tiles-vector.png"))
    # zoom out again: tiles, and the vectors stay until the tiles are in
    hook(page, "setViewport(a[0], a[1], a[2])", vp["cx"], vp["cy"], vp["fitZoom"])
    for _ in range(6):
        shots.append(pixels(page))
    hook(page, "settled()")
    assert hook(page, "stats()")["mode"] == "tiles"
    assert page.inner_text(".gg-graph-status") == "3,000 nodes · overview"
    ink = [not_blank(s, background) for s in shots]
    least = min(not_blank(vector_img, background), overview_ink)
    assert min(ink) > 0.7 * least, (ink, least)


def test_bad_messages_from_the_page_and_the_view_works_on(tiled, open_tiled):
    _, lay, view = tiled
    page = open_tiled(view)
    reply = page.evaluate("() => window.groggy.graph.send({type: 'Tile', z: 1, x: 7, y: 0, fit: 1})")
    assert reply["type"] == "Error" and "x and y must be in 0..1" in reply["message"]
    reply = page.evaluate("() => window.groggy.graph.send({type: 'Viewport', box: 'all'})")
    assert reply["type"] == "Error" and "Viewport.box" in reply["message"]
    assert page.is_visible(".gg-graph-error")
    row = 7
    hook(page, "flyTo(a[0])", row)
    p = hook(page, "screenPosition(a[0])", row)
    assert hook(page, "nodeAt(a[0], a[1])", p["x"], p["y"]) == row


def test_dark_theme_tiles_have_the_dark_background(tiled, open_tiled):
    g, lay, view = tiled
    page = open_tiled(view)
    page.select_option(".gg-graph-theme", "dark")
    page.wait_for_function("() => window.groggy.graph.theme() === 'dark'")
    hook(page, "settled()")
    img = pixels(page)
    vp = hook(page, "viewport()")
    pos = lay.node_positions
    dark = rgb(get_theme("dark")["background"])
    x0, y0, x1, y1 = lay.bounds
    # inside the tiles' square, away from nodes and edges
    rng = np.random.default_rng(3)
    checked = 0
    for wx, wy in rng.uniform((x0, y0), (x1, y1), (400, 2)):
        d = np.hypot(pos[:, 0] - wx, pos[:, 1] - wy) * vp["zoom"]
        if d.min() < 12 or not far_from_edges(g, pos, wx, wy, vp["zoom"], 3):
            continue
        sx, sy = to_screen(page, vp, wx, wy)
        assert near(img[int(sy), int(sx)], dark, 2), img[int(sy), int(sx)]
        checked += 1
    assert checked >= 3
    page.select_option(".gg-graph-theme", "light")
    page.wait_for_function("() => window.groggy.graph.theme() === 'light'")


def test_overview_tiles_are_drawn_ahead_once_whatever_the_page_size(tiled):
    # tiny nodes (1 px radius at any overview zoom): a tile's pixels do not depend on
    # the page's fitted zoom, so the overview is drawn before a page asks, once
    g, lay, big = tiled
    view = g.viz.interactive(layout=lay, node_size=1, tiles_above=THRESHOLD)
    try:
        maker = view.server.scene.tiles
        ahead = maker.warm_tiles(view.server.scene.look)
        assert sorted(ahead) == sorted((z, x, y) for z in (1, 2) for x in range(2 ** z)
                                       for y in range(2 ** z))
        assert wait_until(lambda: len(maker.cache) == len(ahead), timeout=60)
        client = GraphClient(view.url)
        client.reply({"type": "GraphHello", "request_id": 1})
        k = maker.scheme.px_per_unit(2)
        pngs = [client.reply({"type": "Tile", "z": 2, "x": 1, "y": 2, "fit": fit,
                              "request_id": 2})[1]["TILE"][1] for fit in (k, k * 1.3, k / 1.3)]
        assert pngs[0] == pngs[1] == pngs[2] and len(maker.cache) == len(ahead)
        client.close()
        # two requests for a tile being drawn: drawn once, the same bytes for both
        draws, draw = [], maker.draw
        maker.draw = lambda *args: draws.append(args) or draw(*args)
        look = view.server.scene.look
        with ThreadPoolExecutor(2) as pool:
            both = list(pool.map(lambda _: maker.tile_png(look, k, 3, 5, 5), range(2)))
        assert both[0] == both[1] and len(draws) == 1
    finally:
        view.close()
    # nodes drawn larger as the page zooms: nothing drawn ahead (it would guess the size)
    assert big.server.scene.tiles.warm_tiles(big.server.scene.look) == []


def page_sending(watched, url, kind):
    """A new page opened at ``url``, and the list of the ``kind`` messages its socket
    sends (kept up to date)."""
    page, sent = watched.new(1000, 700), []

    def keep(payload):
        msg = json.loads(payload) if isinstance(payload, str) else None
        if isinstance(msg, dict) and msg.get("type") == kind:
            sent.append(msg)
    page.on("websocket", lambda ws: ws.on("framesent", keep))
    page.goto(url)
    page.wait_for_function("() => window.groggy && window.groggy.graph")
    return page, sent


def test_each_tile_of_a_view_is_asked_for_once(tiled, browser):
    # the page redraws as each tile arrives: a tile already on its way is not asked
    # for again (every redraw used to re-send every missing tile's request)
    g, lay, view = tiled
    watched = WatchedPages(browser, 60_000)
    try:
        page, asked = page_sending(watched, view.url, "Tile")
        page.evaluate("() => window.groggy.graph.ready")
        for _ in range(3):                    # more frames of the same view: no new asks
            hook(page, "painted()")
        keys = [(m["z"], m["x"], m["y"]) for m in asked]
        assert keys and len(keys) == len(set(keys)), sorted(keys)
        assert hook(page, "stats()")["mode"] == "tiles"
    finally:
        watched.close()


def test_tiles_drawn_at_once_on_threads_match_those_drawn_one_by_one(tiled):
    # a new view's first tiles are drawn on several threads at once (the overview drawn
    # ahead, the page's requests): the look's node pixels, made by the first of them,
    # must be whole for every other
    g, lay, _ = tiled
    from groggy.viz.interactive import build_scene
    tiles = [(2, x, y) for x in range(4) for y in range(4)]
    scene = build_scene(g.viz, lay, "light", None, {"node_size": 1}, THRESHOLD)
    fit = scene.tiles.scheme.px_per_unit(2)
    alone = [scene.tiles.draw(scene.look, fit, *t) for t in tiles]
    for _ in range(5):
        fresh = build_scene(g.viz, lay, "light", None, {"node_size": 1}, THRESHOLD)
        with ThreadPoolExecutor(8) as pool:
            together = list(pool.map(lambda t: fresh.tiles.draw(fresh.look, fit, *t), tiles))
        assert all((a == b).all() for a, b in zip(alone, together))


@pytest.mark.parametrize("query", ["", "?renderer=canvas"])
def test_a_page_drawing_on_the_cpu_sends_its_own_vector_budget(tiled, browser, query):
    # the test Chromium draws WebGL with SwiftShader, and Canvas 2D on the CPU anyway:
    # either way the page keeps tiles until at most 2,000 nodes are in view
    _, _, view = tiled
    watched = WatchedPages(browser, 60_000)
    try:
        page, views = page_sending(watched, view.url + query, "Viewport")
        page.evaluate("() => window.groggy.graph.ready")
        assert views and all(m.get("budget") == 2000 for m in views)
    finally:
        watched.close()


def test_a_tile_that_fails_is_asked_for_again(tiled, browser):
    # the server could not draw a tile (an Error reply): the page asks again at its
    # next frame instead of waiting for an answer that never comes
    g, lay, _ = tiled
    view = g.viz.interactive(layout=lay, node_color="club", tiles_above=THRESHOLD)
    maker, failed = view.server.scene.tiles, []
    draw = maker.draw

    def flaky(*args):
        if not failed:
            failed.append(args[2:])
            raise RuntimeError("a tile that could not be drawn")
        return draw(*args)
    maker.draw = flaky
    watched = WatchedPages(browser, 60_000)
    try:
        page, asked = page_sending(watched, view.url, "Tile")
        # every tile in, at last (the page used to wait for the lost one forever)
        assert page.evaluate("""() => Promise.race([window.groggy.graph.ready.then(() => true),
            new Promise((done) => setTimeout(() => done(false), 30000))])""")
        keys = [(m["z"], m["x"], m["y"]) for m in asked]
        assert failed and keys.count(failed[0]) == 2, (failed, sorted(keys))
    finally:
        watched.close()
        view.close()
