"""The graph page's tools (issue 9): search and fly-to, rectangle selection, zoom buttons,
pinch, node drag, labels (the static renderer's rule), node shapes and edge widths, the
layout switch, export of the view through the Skia renderer, ``GraphTable.interactive``
and the directed highlight. Real server, real Chromium (WebGL2 and the Canvas 2D
fallback); oracles: the layout, networkx, brute force over screen positions, and
``groggy.viz.labels`` for the label placement."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest
import skia

import groggy as gg
from groggy.themes import get_theme
from groggy.viz.labels import label_order, occupancy, place_labels
from groggy.viz.layout import Layout

from test_graph_view import (GraphClient, at, club_graph,  # noqa: F401
                             near, open_graph, pixels, position, rgb, wait_until)
from web_helpers import http_get

RENDERERS = ["webgl", "canvas"]
BACKGROUND = rgb(get_theme("light")["background"])


def named_graph(n: int = 120, m: int = 160, seed: int = 7) -> gg.Graph:
    rng = np.random.default_rng(seed)
    g = gg.Graph()
    names = [f"{w}-{i}" for i, w in enumerate(rng.choice(["alpha", "beta", "gamma"], n))]
    g.add_nodes({"name": names, "club": [str(c) for c in rng.choice(list("abcd"), n)],
                 "w": np.round(rng.random(n), 3)})
    g.add_edges(rng.integers(0, n, m).tolist(), rng.integers(0, n, m).tolist())
    return g


@pytest.fixture(scope="module")
def ring():
    g = named_graph()
    lay = g.viz.compute_layout("circular")
    view = g.viz.interactive(layout=lay, node_size=10, label="name", node_color="club")
    yield g, lay, view
    view.close()


def hook(page, expr, arg=None):
    return page.evaluate(f"(arg) => window.groggy.graph.{expr}", arg)


def centre(page):
    box = page.locator(".gg-graph-canvas").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


# --------------------------------------------------------------------------- search

def test_find_node_messages(ring):
    g, _, view = ring
    client = GraphClient(view.url)
    head, _ = client.reply({"type": "FindNode", "text": "17", "request_id": 1})
    assert head["type"] == "Found" and head["matches"][0] == {
        "node": 17, "id": 17, "attribute": "id", "value": 17, "label": g.nodes[17]["name"]}
    head, _ = client.reply({"type": "FindNode", "text": "BETA", "limit": 50, "request_id": 2})
    names = g.nodes.table()["name"].to_list()
    expected = [i for i, v in enumerate(names) if v.startswith("beta")][:50]
    assert [m["id"] for m in head["matches"]] == expected
    head, _ = client.reply({"type": "FindNode", "text": "club = c", "request_id": 3})
    clubs = g.nodes.table()["club"].to_list()
    assert [m["id"] for m in head["matches"]] == [i for i, c in enumerate(clubs) if c == "c"][:20]
    for bad, words in [({"text": "team=x"}, "no node attribute 'team'"),
                       ({"text": "w=high"}, "w holds numbers"),
                       ({"text": "x" * 201}, "at most 200 characters"),
                       ({"text": "a", "limit": 0}, "FindNode.limit must be an int in 1..50")]:
        head, _ = client.reply({"type": "FindNode", **bad, "request_id": 4})
        assert head["type"] == "Error" and words in head["message"], head
    head, _ = client.reply({"type": "FindNode", "text": "zzz", "request_id": 5})
    assert head["matches"] == []
    client.close()


@pytest.mark.parametrize("renderer", RENDERERS)
def test_search_box_flies_to_the_node_and_selects_it(ring, open_graph, renderer):
    g, _, view = ring
    page = open_graph(view, renderer)
    fit = hook(page, "viewport()")["zoom"]
    target = 93
    page.fill(".gg-graph-search", g.nodes[target]["name"])
    page.wait_for_selector(f".gg-graph-results li[data-node='{target}']")
    page.press(".gg-graph-search", "Enter")
    page.wait_for_function("(id) => window.groggy.graph.selected().join() === String(id)",
                           arg=target)
    assert wait_until(lambda: view.selected() == [target])
    p = position(page, target)
    cx, cy = centre(page)
    assert abs(p["x"] - cx) < 1 and abs(p["y"] - cy) < 1
    assert hook(page, "viewport()")["zoom"] >= 4 * fit * 0.999
    assert hook(page, "nodeAt(arg[0], arg[1])", [p["x"], p["y"]]) == target
    # a node id typed and clicked in the list
    page.fill(".gg-graph-search", "5")
    page.click(".gg-graph-results li[data-node='5']")
    page.wait_for_function("() => window.groggy.graph.selected().join() === '5'")
    p = position(page, 5)
    assert abs(p["x"] - cx) < 1 and abs(p["y"] - cy) < 1


# --------------------------------------------------------------------------- gestures

@pytest.mark.parametrize("renderer", RENDERERS)
def test_shift_drag_selects_the_nodes_in_the_rectangle(ring, open_graph, renderer):
    g, _, view = ring
    view.select([])               # the view is shared: no selection left by another test
    page = open_graph(view, renderer)
    box = page.locator(".gg-graph-canvas").bounding_box()
    x0, y0 = box["x"] + 150, box["y"] + 80
    x1, y1 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + 40
    inside = [v for v in range(g.node_count()) if (p := position(page, v)) is not None
              and x0 <= p["x"] <= x1 and y0 <= p["y"] <= y1]
    assert 5 < len(inside) < g.node_count() / 2
    page.mouse.move(x0, y0)
    page.keyboard.down("Shift")
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=3)
    assert page.is_visible(".gg-graph-rect")
    page.mouse.move(x1, y1, steps=3)
    if renderer == "webgl":
        page.screenshot(path="tests/artifacts/graph-page-rectangle.png")
    page.mouse.up()
    page.keyboard.up("Shift")
    hook(page, "painted()")
    assert sorted(hook(page, "selected()")) == inside
    assert wait_until(lambda: sorted(view.selected()) == inside)
    assert not page.is_visible(".gg-graph-rect")
    assert page.inner_text(".gg-graph-status").endswith(f"{len(inside)} nodes selected")


def test_zoom_buttons_and_pinch(ring, open_graph):
    _, _, view = ring
    page = open_graph(view)
    z0 = hook(page, "viewport()")["zoom"]
    page.click(".gg-graph-zoom-in")
    page.wait_for_function("(z) => Math.abs(window.groggy.graph.viewport().zoom - z * 1.25)"
                           " < 1e-9 * z", arg=z0)
    page.click(".gg-graph-zoom-out")
    page.wait_for_function("(z) => Math.abs(window.groggy.graph.viewport().zoom - z) < 1e-9 * z",
                           arg=z0)
    # two fingers moving apart zoom in around their midpoint (touch through CDP)
    cdp = page.context.new_cdp_session(page)
    cx, cy = centre(page)

    def touch(kind, spread):
        points = [] if kind == "touchEnd" else [
            {"x": cx - spread, "y": cy, "id": 1}, {"x": cx + spread, "y": cy, "id": 2}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 40)
    for spread in range(50, 130, 10):
        touch("touchMove", spread)
    touch("touchEnd", 0)
    zoom = hook(page, "viewport()")["zoom"]
    assert 2.5 < zoom / z0 < 3.5, zoom / z0     # 120 px apart from 40: three times


@pytest.mark.parametrize("renderer", RENDERERS)
def test_dragging_a_node_moves_it_and_the_server_keeps_it(open_graph, renderer):
    g = club_graph(40, 50)
    with g.viz.interactive(layout="circular", node_size=12) as view:
        page = open_graph(view, renderer)
        p = position(page, 7)
        cx, cy = centre(page)
        page.mouse.move(p["x"], p["y"])
        page.mouse.down()
        page.mouse.move(cx + 30, cy - 20, steps=6)
        page.mouse.up()
        q = position(page, 7)
        assert abs(q["x"] - cx - 30) < 1.5 and abs(q["y"] - cy + 20) < 1.5
        moved = np.array(hook(page, "position(arg)", 7))
        assert wait_until(lambda: np.allclose(view.positions()[7], moved, atol=1e-4))
        assert hook(page, "nodeAt(arg[0], arg[1])", [q["x"], q["y"]]) == 7
        assert hook(page, "selected()") == []          # a drag is not a click
        # the drawing shows it there; the other nodes did not move
        assert not near(at(pixels(page), q), BACKGROUND, 20)
        lay = g.viz.compute_layout("circular")
        others = np.delete(view.positions().node_positions, 7, 0)
        np.testing.assert_allclose(others, np.delete(lay.node_positions, 7, 0), atol=1e-5)
        # a page opened now shows the node where it was dropped
        second = open_graph(view, renderer)
        r = position(second, 7)
        assert abs(r["x"] - q["x"]) < 1.5 and abs(r["y"] - q["y"]) < 1.5


# --------------------------------------------------------------------------- labels

@pytest.mark.parametrize("renderer", RENDERERS)
def test_labels_follow_the_static_renderers_rule(ring, open_graph, renderer):
    g, _, view = ring
    page = open_graph(view, renderer)
    assert page.get_attribute(".gg-graph-labels-toggle", "aria-pressed") == "true"
    placed = hook(page, "labels()")
    state = hook(page, "labelState()")
    assert len(placed) > 20
    names = g.nodes.table()["name"].to_list()
    assert all(lab["text"] == names[lab["id"]] for lab in placed)
    # the same placement from groggy.viz.labels, given the page's screen positions,
    # drawn sizes and text widths
    xy = np.stack([state["sx"], state["sy"]], 1)
    sizes = np.array(state["sizes"])
    w, h = state["width"], state["height"]
    r = sizes / 2
    visible = np.flatnonzero((xy[:, 0] + r >= 0) & (xy[:, 0] - r <= w) & (xy[:, 1] + r >= 0)
                             & (xy[:, 1] - r <= h) & (sizes > 0))
    order = label_order(xy, sizes, visible)
    widths = {lab["row"]: lab["w"] for lab in placed}
    measured = page.evaluate("(texts) => { const c = document.createElement('canvas')"
                             ".getContext('2d'); c.font = document.querySelector("
                             "'.gg-graph-label-layer').getContext('2d').font; "
                             "return texts.map((t) => c.measureText(t).width); }",
                             [names[i] for i in order.tolist()])
    for i, width in zip(order.tolist(), measured):
        widths.setdefault(i, width)
    taken = occupancy(w, h, xy[visible], r[visible], state["blocked"])
    expected = place_labels(order, xy, sizes, [widths[i] for i in order.tolist()],
                            state["textHeight"], (w, h), taken)
    assert [(lab["row"], round(lab["x"], 3), round(lab["y"], 3)) for lab in placed] == \
        [(i, round(x, 3), round(y, 3)) for i, x, y in expected]
    # no two labels overlap, and none covers a node's centre
    boxes = [(lab["x"], lab["y"], lab["x"] + lab["w"], lab["y"] + state["textHeight"])
             for lab in placed]
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    # ink is drawn inside a label's box; the toggle hides the labels
    box = page.locator(".gg-graph-canvas").bounding_box()
    img = pixels(page)
    ink = [np.abs(img[int(box["y"] + y0):int(box["y"] + y1), int(box["x"] + x0):int(box["x"] + x1)]
                  - BACKGROUND).sum(-1).max() for x0, y0, x1, y1 in boxes[:10]]
    assert min(ink) > 100, ink
    page.click(".gg-graph-labels-toggle")
    page.wait_for_function("() => window.groggy.graph.labels().length === 0")
    assert page.get_attribute(".gg-graph-labels-toggle", "aria-pressed") == "false"


def test_the_label_toggle_asks_for_labels_the_style_left_off(open_graph):
    g = club_graph(1500, 1000)                    # over 1,000 nodes: no labels by default
    with g.viz.interactive(layout="grid", label="club") as view:
        page = open_graph(view)
        assert hook(page, "labels()") == []
        page.keyboard.press("l")
        page.wait_for_function("() => window.groggy.graph.labels().length > 0")
        clubs = g.nodes.table()["club"].to_list()
        assert all(lab["text"] == clubs[lab["id"]] for lab in hook(page, "labels()"))
        page.screenshot(path="tests/artifacts/graph-page-labels-grid.png")


# --------------------------------------------------------------------------- style parity

SHAPE_POINTS = {   # (dx, dy) in units of the radius, y down: inside, outside a circle
    "square": ([(0.8, 0.8), (-0.8, -0.8)], []),
    "triangle": ([(0.0, -0.8), (0.0, 0.45)], [(0.75, -0.75), (-0.75, -0.75)]),
    "diamond": ([(0.0, 1.05), (1.05, 0.0)], [(0.7, 0.7), (-0.7, -0.7)]),
}


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("shape", sorted(SHAPE_POINTS))
def test_node_shapes_are_drawn_as_the_export_draws_them(open_graph, renderer, shape):
    g = gg.Graph()
    g.add_nodes(6)       # four in the corners hold the view; two in the middle are looked at
    lay = Layout(np.array([[0.0, 0.0], [20.0, 0.0], [0.0, 20.0], [20.0, 20.0], [7.0, 10.0],
                           [13.0, 10.0]]), np.arange(6), "fixed", {})
    with g.viz.interactive(layout=lay, node_shape=shape, node_size=50,
                           node_color="#d62728") as view:
        page = open_graph(view, renderer)
        img = pixels(page)
        red = np.array([0xd6, 0x27, 0x28])
        scale = hook(page, "viewport()")["zoom"] / hook(page, "viewport()")["fitZoom"]
        r = 25 * np.clip(np.sqrt(scale), 0.6, 8)
        inside, outside = SHAPE_POINTS[shape]
        for v in (4, 5):
            p = position(page, v)
            for dx, dy in inside:
                assert near(img[int(p["y"] + dy * r), int(p["x"] + dx * r)], red, 40), (v, dx, dy)
            for dx, dy in outside:
                assert near(img[int(p["y"] + dy * r), int(p["x"] + dx * r)], BACKGROUND, 10), \
                    (v, dx, dy)
        if renderer == "webgl" and shape == "triangle":
            page.screenshot(path="tests/artifacts/graph-page-triangles.png")


@pytest.mark.parametrize("renderer", RENDERERS)
def test_edge_widths_are_drawn(open_graph, renderer):
    g = gg.Graph()
    g.add_nodes(4)
    g.add_edges([0, 2], [1, 3], weight=[1.0, 9.0])
    lay = Layout(np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 6.0], [10.0, 6.0]]), np.arange(4),
                 "fixed", {})

    def thickness(page, a, b):
        img, pa, pb = pixels(page), position(page, a), position(page, b)
        x, y = int((pa["x"] + pb["x"]) / 2), int((pa["y"] + pb["y"]) / 2)
        column = np.abs(img[y - 20:y + 21, x] - BACKGROUND).sum(-1)
        return int((column > 60).sum())

    with g.viz.interactive(layout=lay, node_size=4, edge_width="weight",
                           width_range=(1.0, 10.0), edge_color="#000000") as view:
        page = open_graph(view, renderer)
        thin, thick = thickness(page, 0, 1), thickness(page, 2, 3)
        assert thin <= 2 and 8 <= thick <= 12, (thin, thick)
    with g.viz.interactive(layout=lay, node_size=4, edge_width=6,
                           edge_color="#000000") as view:
        page = open_graph(view, renderer)
        assert 5 <= thickness(page, 0, 1) <= 7 and 5 <= thickness(page, 2, 3) <= 7


# --------------------------------------------------------------------------- layouts

@pytest.mark.parametrize("renderer", RENDERERS)
def test_layout_switch_from_the_page_and_from_python(ring, open_graph, renderer):
    g = named_graph(80, 100, seed=3)
    with g.viz.interactive(layout="circular", node_size=8) as view:
        page = open_graph(view, renderer)
        assert page.eval_on_selector(".gg-graph-layout", "s => s.value") == "circular"
        page.select_option(".gg-graph-layout", "grid")
        page.wait_for_function("() => window.groggy.graph.layout() === 'grid'")
        hook(page, "painted()")
        grid = g.viz.compute_layout("grid").node_positions
        for v in (0, 33, 79):
            np.testing.assert_allclose(hook(page, "position(arg)", v), grid[v], atol=1e-4)
            p = position(page, v)
            assert hook(page, "nodeAt(arg[0], arg[1])", [p["x"], p["y"]]) == v
        np.testing.assert_allclose(view.positions().node_positions, grid, atol=1e-4)
        assert view.positions().algorithm == "grid"
        # the edges are drawn in the settled frame (a slow frame moves nodes without them)
        img, ends = pixels(page), g.edges.table()
        spots = [position(page, v) for v in range(80)]
        drawn = 0
        for a, b in zip(ends["source"].to_numpy()[:40], ends["target"].to_numpy()[:40]):
            pa, pb = position(page, int(a)), position(page, int(b))
            x, y = (pa["x"] + pb["x"]) / 2, (pa["y"] + pb["y"]) / 2
            if min(np.hypot(q["x"] - x, q["y"] - y) for q in spots) < 12:
                continue                       # a node sits on the midpoint
            patch = img[int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2]
            drawn += int(np.abs(patch - BACKGROUND).sum(-1).max() > 60)
            assert np.abs(patch - BACKGROUND).sum(-1).max() > 60, (a, b)
        assert drawn >= 3
        # the view is fitted to the new layout
        vp = hook(page, "viewport()")
        assert abs(vp["zoom"] - vp["fitZoom"]) < 1e-9 * vp["zoom"]
        page.screenshot(path=f"tests/artifacts/graph-page-after-layout-{renderer}.png")
        # an unknown layout from the page: Error, nothing moves
        reply = hook(page, "send(arg)", {"type": "SetLayout", "layout": "spiral"})
        assert reply["type"] == "Error" and "SetLayout.layout must be one of" in reply["message"]
        # from Python: every page follows; an unknown name fails in Python
        view.set_layout("hierarchical")
        page.wait_for_function("() => window.groggy.graph.layout() === 'hierarchical'")
        page.wait_for_function("() => window.groggy.graph.viewport().zoom === "
                               "window.groggy.graph.viewport().fitZoom")
        hier = g.viz.compute_layout("hierarchical").node_positions
        np.testing.assert_allclose(hook(page, "position(arg)", 12), hier[12], atol=1e-4)
        assert page.eval_on_selector(".gg-graph-layout", "s => s.value") == "hierarchical"
        with pytest.raises(ValueError, match="unknown layout algorithm 'spiral'"):
            view.set_layout("spiral")
        circ = g.viz.compute_layout("circular", radius=3.0)
        view.set_layout(circ)
        page.wait_for_function("() => window.groggy.graph.layout() === 'circular'")
        np.testing.assert_allclose(hook(page, "position(arg)", 5), circ[5], atol=1e-4)


# --------------------------------------------------------------------------- export

def export_args(page, fmt):
    url = hook(page, "exportUrl(arg)", fmt)
    base = page.url.split("/graph")[0]
    return base.rsplit("/", 1)[0] + url


@pytest.mark.parametrize("renderer", RENDERERS)
def test_export_downloads_the_view_drawn_where_the_page_draws_it(ring, open_graph,
                                                                  renderer, tmp_path):
    g, _, view = ring
    view.select([])               # the export draws no selection highlight
    page = open_graph(view, renderer)
    hook(page, "setViewport(arg[0], arg[1], arg[2])",
         [0.3, -0.2, hook(page, "viewport()")["zoom"] * 1.8])
    shown = pixels(page)
    box = page.locator(".gg-graph-canvas").bounding_box()
    with page.expect_download() as info:
        page.select_option(".gg-graph-export", "png")
    path = tmp_path / "view.png"
    info.value.save_as(path)
    assert info.value.suggested_filename == "graph.png"
    image = skia.Image.MakeFromEncoded(path.read_bytes())
    assert (image.width(), image.height()) == (int(box["width"]), int(box["height"]))
    drawn = image.convert(alphaType=skia.kUnpremul_AlphaType,
                          colorType=skia.kRGBA_8888_ColorType).toarray()[..., :3].astype(int)
    checked = 0
    for v in range(g.node_count()):
        p = position(page, v)
        if p is None or not (10 < p["x"] - box["x"] < box["width"] - 10 and
                             10 < p["y"] - box["y"] < box["height"] - 10):
            continue
        x, y = int(round(p["x"] - box["x"])), int(round(p["y"] - box["y"]))
        assert near(drawn[y, x], at(shown, p), 40), (v, drawn[y, x], at(shown, p))
        checked += 1
    assert checked > 20
    ARTIFACTS = path.parent
    for fmt in ("svg", "pdf"):
        with page.expect_download() as info:
            page.select_option(".gg-graph-export", fmt)
        data = open(info.value.path(), "rb").read()
        if fmt == "svg":
            root = ET.parse(io.BytesIO(data)).getroot()
            assert root.tag.endswith("svg") and root.get("width") == f"{int(box['width'])}"
        else:
            assert data.startswith(b"%PDF")
    assert ARTIFACTS.exists()


def test_export_route_checks_token_and_every_parameter(ring):
    _, _, view = ring
    base = view.url + "/export"
    good = "format=png&cx=0&cy=0&zoom=100&width=200&height=100"
    status, headers, body = http_get(f"{base}?{good}")
    assert status == 200 and headers["Content-Type"] == "image/png" and body[:4] == b"\x89PNG"
    assert http_get(view.url.rsplit("/", 2)[0] + "/wrong/graph/export?" + good)[0] == 403
    for bad, words in [("format=gif", "format must be one of"),
                       ("width=5000", "width must be an int in 1..4096"),
                       ("height=-3", "height must be an int"),
                       ("zoom=nan", "zoom must be a number"),
                       ("cx=abc", "cx must be a number"),
                       ("theme=neon", "theme must be one of"),
                       ("scale=0", "scale must be a number"),
                       ("labels=2", "labels must be 0 or 1")]:
        key = bad.split("=")[0]
        query = "&".join([p for p in good.split("&") if not p.startswith(key + "=")] + [bad])
        status, _, body = http_get(f"{base}?{query}")
        assert status == 400 and words in body.decode(), (bad, body)


# --------------------------------------------------------------------------- tables, direction

def test_graph_table_interactive_shows_both_tables():
    g = named_graph(30, 40)
    with g.table().interactive() as view:
        assert view.server.source_names() == ["nodes", "edges"]
        assert view.get_total_rows("nodes") == 30 and view.get_total_rows("edges") == 40
        status, _, body = http_get(view.url)
        assert status == 200


@pytest.mark.parametrize("renderer", RENDERERS)
def test_directed_click_highlights_the_successors(open_graph, renderer):
    rng = np.random.default_rng(2)
    g = gg.Graph(directed=True)
    g.add_nodes(60)
    src, dst = rng.integers(0, 60, 150).tolist(), rng.integers(0, 60, 150).tolist()
    g.add_edges(src, dst)
    oracle = nx.MultiDiGraph()
    oracle.add_nodes_from(range(60))
    oracle.add_edges_from(zip(src, dst))
    with g.viz.interactive(layout="circular", node_size=10) as view:
        page = open_graph(view, renderer)
        for v in sorted(range(60), key=lambda u: -oracle.out_degree(u))[:3]:
            hook(page, "select(arg)", [v])
            shown = hook(page, "highlighted()")
            successors = sorted(set(oracle.successors(v)) - {v})
            assert sorted(shown["nodes"]) == successors == [u for u in g.neighbors(v) if u != v]
            assert shown["edges"] == oracle.out_degree(v)


def test_the_tooltip_keeps_off_the_hovered_nodes_neighbours(open_graph):
    """Nodes in a row along the bottom, the hovered one's neighbours to its lower right:
    the tooltip goes to a side where it covers none of them."""
    g = gg.Graph()
    g.add_nodes(8)
    g.add_edges([0, 0, 0], [1, 2, 3])
    lay = Layout(np.array([[0.0, 0.0], [0.5, -0.4], [0.8, -0.6], [0.3, -0.9], [-3.0, 3.0],
                           [3.0, 3.0], [-3.0, -3.0], [3.0, -3.0]]), np.arange(8), "fixed", {})
    with g.viz.interactive(layout=lay, node_size=8) as view:
        page = open_graph(view)
        p = position(page, 0)
        page.mouse.move(p["x"], p["y"])
        page.wait_for_function("() => document.querySelector('.gg-graph-tooltip').dataset.node"
                               " === '0'")
        tip = page.locator(".gg-graph-tooltip").bounding_box()
        for v in (0, 1, 2, 3):
            q = position(page, v)
            assert not (tip["x"] - 6 <= q["x"] <= tip["x"] + tip["width"] + 6 and
                        tip["y"] - 6 <= q["y"] <= tip["y"] + tip["height"] + 6), v
