"""The graph view (``viz.interactive()``): Python-side checks, the wire format against a
real Tornado server, and the page in Debian's Chromium through Playwright, once with
WebGL2 (SwiftShader) and once with the Canvas 2D fallback. What the page drew is read
from screenshots and compared with the layout and with the static renderer's colours;
what the page knows is read through ``window.groggy.graph``.

Screenshots of the view at 1k and 10k nodes are kept under ``tests/artifacts/``."""
from __future__ import annotations

import json
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import skia
import websocket

import groggy as gg
from groggy.themes import get_theme
from groggy.viz.interactive import rgba_bytes
from groggy.viz.layout import Layout
from groggy.viz.style import Style, default_node_size, node_style, parse_color
from groggy.web.graphview import VizHandle

import wire_oracle
from web_helpers import WatchedPages, http_get

WAIT_MS = 60_000
TIMEOUT = 30
ARTIFACTS = Path(__file__).parent / "artifacts"
CLUBS = ["a", "b", "c", "d"]


def club_graph(n: int, m: int, seed: int = 3) -> gg.Graph:
    """A random undirected graph with a categorical ``club`` and a float ``w``."""
    rng = np.random.default_rng(seed)
    g = gg.Graph()
    g.add_nodes({"club": [CLUBS[k] for k in rng.integers(0, 4, n)],
                 "w": np.round(rng.random(n), 3)})
    if m:
        g.add_edges(rng.integers(0, n, m).tolist(), rng.integers(0, n, m).tolist())
    return g


def server_threads() -> int:
    return sum(t.name.startswith("groggy-server") and t.is_alive()
               for t in threading.enumerate())


def rgb(hex_color: str) -> np.ndarray:
    argb = parse_color(hex_color)
    return np.array([(argb >> 16) & 255, (argb >> 8) & 255, argb & 255])


# --------------------------------------------------------------------------- Python side

@pytest.mark.parametrize("kwargs, error, words", [
    ({"layout": "spiral"}, ValueError, "unknown layout algorithm 'spiral'"),
    ({"theme": "neon"}, ValueError, "unknown theme 'neon'"),
    ({"node_colour": "club"}, TypeError, "unknown style argument(s) ['node_colour']"),
    ({"node_color": "team"}, ValueError, "node_color='team' is neither a colour nor an attribute"),
    ({"node_size": "club"}, ValueError, "holds strings"),
    ({"layout_params": {"spin": 1}}, ValueError, "does not take ['spin']"),
    ({"port": -1}, ValueError, "port must be an int"),
])
def test_bad_input_fails_in_python_before_a_server_starts(kwargs, error, words):
    g = club_graph(20, 30)
    before = server_threads()
    with pytest.raises(error) as info:
        g.viz.interactive(**kwargs)
    assert words in str(info.value)
    assert server_threads() == before


def test_nan_positions_are_refused_naming_the_node():
    g = club_graph(10, 5)
    lay = g.viz.compute_layout("circular")
    lay.node_positions[7] = [np.nan, 0.0]
    with pytest.raises(ValueError, match="node 7 .*not a finite number"):
        g.viz.interactive(layout=lay)


def test_handle_api_graph_subgraph_and_tables():
    g = club_graph(30, 40)
    with g.interactive(layout="grid") as view:
        assert isinstance(view, VizHandle) and view.is_running()
        assert view.url == view.get_url() and view.url.endswith("/graph")
        assert f":{view.port}/" in view.url
        assert '<iframe src="' + view.url in view._repr_html_()
        view.select([3, 4, 3])
        assert view.selected() == [3, 4]
        with pytest.raises(ValueError, match="node 99 is not in this view"):
            view.select([99])
        with pytest.raises(TypeError):
            view.set_style(node_colour="red")
        with pytest.raises(ValueError):
            view.set_theme("neon")
    assert not view.is_running()
    with g.nodes[[2, 5, 9]].interactive(layout="circular") as view:     # a Subgraph
        assert view.server.scene.node_ids.tolist() == [2, 5, 9]
        view.select([5])
        assert view.selected() == [5]
        with pytest.raises(ValueError, match="node 3 is not in this view"):
            view.select([3])
    # the table view is untouched: tables and arrays still open their rows
    with g.nodes.table().interactive() as table_view:
        assert type(table_view).__name__ == "BrowserInterface"
        assert table_view.get_total_rows() == 30
    with g.degree().interactive() as array_view:
        assert array_view.get_total_rows() == 30


# --------------------------------------------------------------------------- wire format

class GraphClient:
    """A WebSocket client of /TOKEN/graph/ws that decodes the graph frames."""

    def __init__(self, page_url: str, **kwargs):
        self.ws = websocket.create_connection("ws" + page_url[4:] + "/ws", timeout=TIMEOUT,
                                              **kwargs)

    def send(self, msg) -> None:
        self.ws.send(msg if isinstance(msg, str) else json.dumps(msg))

    def recv(self):
        opcode, data = self.ws.recv_data()
        if opcode == websocket.ABNF.OPCODE_BINARY:
            tag, count = data[:4].decode(), struct.unpack("<I", data[4:8])[0]
            return tag, count, data[8:]
        return json.loads(data)

    def reply(self, msg) -> tuple:
        """(JSON reply, {tag: (count, bytes)} of the binary frames it announced)."""
        self.send(msg)
        head = self.recv()
        frames = {}
        for _ in head.get("frames", []):
            tag, count, body = self.recv()
            frames[tag] = (count, body)
        return head, frames

    def close(self):
        self.ws.close()


@pytest.fixture
def served():
    g = club_graph(50, 80)
    g.add_edges([0, 0, 1], [0, 1, 0])          # a self-loop and a multi-edge
    lay = g.viz.compute_layout("circular")
    view = g.viz.interactive(layout=lay, node_color="club", node_size="w")
    yield g, lay, view
    view.close()


def test_first_view_is_compact_frames_matching_the_layout_and_style(served):
    g, lay, view = served
    client = GraphClient(view.url)
    head, frames = client.reply({"type": "GraphHello", "request_id": 1})
    client.close()
    assert head["type"] == "GraphInit" and head["request_id"] == 1
    assert (head["nodes"], head["edges"]) == (50, 83)
    assert head["frames"] == ["NPQ3", "EDGR", "NPAL", "NCIX", "NSZP", "NSZI"] == list(frames)
    assert head["attributes"] == ["club", "w"]
    assert [e["text"] for e in head["legend"]["entries"]] == CLUBS
    got = wire_oracle.decode(frames, head)
    x0, y0, x1, y1 = head["bounds"]
    # 24-bit fixed point: within half a step of the layout
    np.testing.assert_allclose(got["positions"], lay.node_positions, rtol=0,
                               atol=max(x1 - x0, y1 - y0) / (1 << 24))
    # the edges as a multiset (the page numbers them in key order), self-loop and
    # multi-edge included; the graph is undirected, so the pairs come smaller end first
    table = g.edges.table()
    sent = sorted(map(tuple, got["edges"].tolist()))
    assert sent == sorted((min(a, b), max(a, b)) for a, b in zip(
        table["source"].to_list(), table["target"].to_list()))
    # the colours and sizes the export renderer would use
    expected = node_style(g.viz.graph_input(), Style(node_color="club", node_size="w"),
                          get_theme("light"), default_node_size(50, 800, 600))
    assert got["colors"].tolist() == rgba_bytes(expected.colors).tolist()
    np.testing.assert_allclose(got["sizes"], expected.sizes, rtol=1e-6)
    assert frames["NPQ3"][0] == 50 and frames["EDGR"][0] == 83


@pytest.mark.parametrize("bad, words", [
    ("not json", "not JSON"),
    ({"type": "Explode"}, "unknown message type 'Explode'"),
    ({"type": "NodeInfo", "node": 50}, "node row 50 is out of range"),
    ({"type": "NodeInfo", "node": "3"}, "NodeInfo.node must be an int"),
    ({"type": "Select", "nodes": [1, -2]}, "Select.nodes must be a list"),
    ({"type": "ThemeChange", "theme": "neon"}, "ThemeChange.theme must be one of"),
    ({"type": "Hello"}, "unknown message type 'Hello'"),
])
def test_bad_messages_get_an_error_and_the_connection_lives(served, bad, words):
    g, _, view = served
    client = GraphClient(view.url)
    client.send(bad)
    reply = client.recv()
    assert reply["type"] == "Error" and words in reply["message"], reply
    head, _ = client.reply({"type": "NodeInfo", "node": 3, "request_id": 9})
    assert head == {"type": "NodeInfo", "request_id": 9, "node": 3, "id": 3, "label": None,
                    "attributes": {"club": g.nodes[3]["club"], "w": g.nodes[3]["w"]}}
    client.close()


def test_select_and_theme_messages(served):
    _, _, view = served
    client = GraphClient(view.url)
    head, _ = client.reply({"type": "Select", "nodes": [4, 2, 4], "request_id": 2})
    assert head["nodes"] == [4, 2] and view.selected() == [4, 2]
    head, frames = client.reply({"type": "ThemeChange", "theme": "dark", "request_id": 3})
    assert head["colors"]["background"] == "#1e1e1eff" and "NCIX" in frames
    client.close()


def test_token_host_and_origin_are_checked(served):
    _, _, view = served
    base = view.url.rsplit("/", 2)[0]
    assert http_get(view.url)[0] == 200
    assert http_get(base + "/graph")[0] == 403                    # no token at all
    assert http_get(base + "/wrong-token/graph")[0] == 403
    with pytest.raises(websocket.WebSocketBadStatusException):
        GraphClient(base + "/wrong-token/graph")
    with pytest.raises(websocket.WebSocketBadStatusException):
        GraphClient(view.url, origin="http://evil.example")


# --------------------------------------------------------------------------- browser

@pytest.fixture
def open_graph(browser):
    """open_graph(view, renderer) -> a page with the view's first frame painted;
    uncaught page errors and CSP violations fail the test."""
    watched = WatchedPages(browser, WAIT_MS)

    def opener(view, renderer="webgl", size=(1000, 700)):
        page = watched.new(*size)  # the page must live with its CSP, without errors
        query = {"canvas": "?renderer=canvas", "webgl-msaa": "?msaa=1"}.get(renderer, "")
        page.goto(view.url + query)
        page.wait_for_function("() => window.groggy && window.groggy.graph")
        page.evaluate("() => window.groggy.graph.ready")
        assert page.evaluate("() => window.groggy.graph.stats().renderer") == \
            renderer.split("-")[0]
        return page

    yield opener
    watched.close()


def pixels(page) -> np.ndarray:
    """The page as an (h, w, 3) RGB array (CSS px = device px here)."""
    img = skia.Image.MakeFromEncoded(page.screenshot())
    return img.convert(alphaType=skia.kUnpremul_AlphaType,
                       colorType=skia.kRGBA_8888_ColorType).toarray()[..., :3].astype(int)


def position(page, node_id):
    return page.evaluate("(id) => window.groggy.graph.screenPosition(id)", node_id)


def at(img, p) -> np.ndarray:
    return img[int(round(p["y"])), int(round(p["x"]))]


def at_patch(img, p) -> np.ndarray:
    """The median colour of the 3x3 pixels around p: a 1 px edge line crossing a node
    (drawn under it) does not decide the node's colour."""
    x, y = int(round(p["x"])), int(round(p["y"]))
    return np.median(img[y - 1:y + 2, x - 1:x + 2].reshape(-1, 3), axis=0)


def near(a, b, tol=40) -> bool:
    return bool(np.abs(np.asarray(a) - np.asarray(b)).max() <= tol)


def wait_until(fn, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if fn():
            return True
        time.sleep(0.05)
    return fn()


RENDERERS = ["webgl", "canvas"]


@pytest.fixture(scope="module")
def ring():
    """200 nodes on a circle (well apart), drawn 10 pt wide, coloured by club."""
    g = club_graph(200, 300, seed=5)
    lay = g.viz.compute_layout("circular")
    view = g.viz.interactive(layout=lay, node_color="club", node_size=10)
    yield g, lay, view
    view.close()


# webgl-msaa: the multisampled framebuffer a GPU gets, forced on the CPU rasterizer here
@pytest.mark.parametrize("renderer", RENDERERS + ["webgl-msaa"])
def test_nodes_are_drawn_where_the_hook_says_in_the_export_colours(ring, open_graph, renderer):
    g, lay, view = ring
    page = open_graph(view, renderer)
    assert page.evaluate("() => window.groggy.graph.stats()") == {
        "nodes": 200, "edges": 300, "mode": "vector", "renderer": renderer.split("-")[0],
        "samples": 4 if renderer == "webgl-msaa" else 0}
    assert page.inner_text(".gg-graph-status") == "200 nodes · 300 edges"
    img = pixels(page)
    colours = node_style(g.viz.graph_input(), Style(node_color="club"), get_theme("light"),
                         4.0).colors
    for node_id in range(0, 200, 7):
        p = position(page, node_id)
        assert p is not None
        fill = rgba_bytes(colours[node_id])[0, :3]
        assert near(at(img, p), fill), (node_id, at(img, p), fill)
        assert page.evaluate("([x, y]) => window.groggy.graph.nodeAt(x, y)",
                             [p["x"], p["y"]]) == node_id
    # the corners of the layout's box are outside the circle: nothing is drawn there
    x0, y0, x1, y1 = lay.bounds
    vp = page.evaluate("() => window.groggy.graph.viewport()")
    canvas = page.locator(".gg-graph-canvas").bounding_box()
    background = rgb(get_theme("light")["background"])
    for wx, wy in [(x0, y0), (x0, y1), (x1, y0), (x1, y1)]:
        sx = (wx - vp["cx"]) * vp["zoom"] + canvas["x"] + canvas["width"] / 2
        sy = (vp["cy"] - wy) * vp["zoom"] + canvas["y"] + canvas["height"] / 2
        assert near(img[int(sy), int(sx)], background, 2), (wx, wy, img[int(sy), int(sx)])
        assert page.evaluate("([x, y]) => window.groggy.graph.nodeAt(x, y)", [sx, sy]) is None


@pytest.mark.parametrize("renderer", RENDERERS)
def test_hover_shows_the_node_attributes(ring, open_graph, renderer):
    g, _, view = ring
    page = open_graph(view, renderer)
    for node_id in (11, 150):
        p = position(page, node_id)
        page.mouse.move(p["x"], p["y"])
        page.wait_for_function("(id) => document.querySelector('.gg-graph-tooltip')"
                               ".dataset.node === String(id)", arg=node_id)
        text = page.inner_text(".gg-graph-tooltip")
        assert f"node {node_id}" in text
        assert g.nodes[node_id]["club"] in text and str(g.nodes[node_id]["w"]) in text
    page.mouse.move(2, 300)     # off every node
    page.wait_for_function("() => document.querySelector('.gg-graph-tooltip').hidden")


@pytest.mark.parametrize("renderer", RENDERERS)
def test_click_highlights_exactly_the_neighbours(ring, open_graph, renderer):
    g, _, view = ring
    page = open_graph(view, renderer)
    before = pixels(page)
    node_id = max(range(200), key=lambda v: len(g.neighbors(v)))
    p = position(page, node_id)
    page.mouse.click(p["x"], p["y"])
    page.evaluate("() => window.groggy.graph.painted()")
    assert page.evaluate("() => window.groggy.graph.selected()") == [node_id]
    shown = page.evaluate("() => window.groggy.graph.highlighted()")
    neighbours = [v for v in g.neighbors(node_id) if v != node_id]
    assert sorted(shown["nodes"]) == neighbours
    assert wait_until(lambda: view.selected() == [node_id]), view.selected()
    assert page.inner_text(".gg-graph-status").endswith(
        f"node {node_id} selected, {len(neighbours)} neighbours")
    # drawn: the neighbours keep their colour, the others fade towards the background
    after = pixels(page)
    background = rgb(get_theme("light")["background"])
    others = [v for v in range(0, 200, 5) if v not in neighbours and v != node_id]
    for v in others:
        q = position(page, v)
        faded, was = at_patch(after, q), at_patch(before, q)
        assert np.abs(faded - background).sum() < np.abs(was - background).sum() / 2, v
    for v in neighbours:
        q = position(page, v)
        assert near(at(after, q), at(before, q)), v
    # shift-click adds; a click on empty space clears
    other = others[0]
    q = position(page, other)
    page.keyboard.down("Shift")
    page.mouse.click(q["x"], q["y"])
    page.keyboard.up("Shift")
    assert wait_until(lambda: view.selected() == [node_id, other]), view.selected()
    page.mouse.click(3, 300)
    assert wait_until(lambda: view.selected() == []), view.selected()


@pytest.mark.parametrize("renderer", RENDERERS)
def test_dark_theme_changes_the_background(ring, open_graph, renderer):
    _, lay, view = ring
    page = open_graph(view, renderer)
    light = rgb(get_theme("light")["background"])
    dark = rgb(get_theme("dark")["background"])
    corner = page.locator(".gg-graph-canvas").bounding_box()
    spot = (int(corner["y"] + 5), int(corner["x"] + 5))
    assert near(pixels(page)[spot], light, 2)
    page.select_option(".gg-graph-theme", "dark")
    page.wait_for_function("() => window.groggy.graph.theme() === 'dark'")
    page.evaluate("() => window.groggy.graph.painted()")
    assert near(pixels(page)[spot], dark, 2)
    assert "gg-theme-dark" in page.evaluate("() => document.body.className")


def test_python_restyles_selects_and_rethemes_open_pages(open_graph):
    g = club_graph(100, 150)
    with g.viz.interactive(layout="circular", node_size=12) as view:
        page = open_graph(view)
        view.set_style(node_color="#ff0000")
        page.wait_for_function("() => document.querySelector('.gg-graph-legend').hidden")
        page.evaluate("() => window.groggy.graph.painted()")
        assert near(at(pixels(page), position(page, 10)), [255, 0, 0])
        view.select([10])
        page.wait_for_function("() => window.groggy.graph.selected().join() === '10'")
        view.set_theme("dark")
        page.wait_for_function("() => window.groggy.graph.theme() === 'dark'")


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_bad_message_from_the_page_gets_an_error_and_the_view_works_on(ring, open_graph,
                                                                         renderer):
    g, _, view = ring
    page = open_graph(view, renderer)
    reply = page.evaluate("() => window.groggy.graph.send({type: 'NodeInfo', node: 12345})")
    assert reply["type"] == "Error" and "out of range" in reply["message"]
    assert page.is_visible(".gg-graph-error")
    reply = page.evaluate("() => window.groggy.graph.send({type: 'Select', nodes: 'all'})")
    assert reply["type"] == "Error"
    p = position(page, 40)
    page.mouse.move(p["x"], p["y"])
    page.wait_for_function("() => document.querySelector('.gg-graph-tooltip').dataset.node"
                           " === '40'")


def test_missing_token_is_refused_by_the_browser(ring, browser):
    _, _, view = ring
    page = browser.new_page()
    base = view.url.rsplit("/", 2)[0]
    response = page.goto(base + "/graph")
    assert response.status == 403
    page.close()


@pytest.mark.parametrize("renderer", RENDERERS)
def test_zoom_pan_fit_and_fly(ring, open_graph, renderer):
    _, _, view = ring
    page = open_graph(view, renderer)
    start = page.evaluate("() => window.groggy.graph.viewport()")
    p = position(page, 30)
    page.mouse.move(p["x"], p["y"])
    page.mouse.wheel(0, -400)
    page.wait_for_function("(z) => window.groggy.graph.viewport().zoom > z * 1.5",
                           arg=start["zoom"])
    q = position(page, 30)        # zoom keeps the point under the pointer
    assert abs(q["x"] - p["x"]) < 2 and abs(q["y"] - p["y"]) < 2
    page.mouse.move(500, 400)
    page.mouse.down()
    page.mouse.move(600, 450, steps=5)
    page.mouse.up()
    r = position(page, 30)
    assert r is None or (abs(r["x"] - q["x"] - 100) < 2 and abs(r["y"] - q["y"] - 50) < 2)
    page.click(".gg-graph-fit")
    page.wait_for_function("(z) => Math.abs(window.groggy.graph.viewport().zoom - z) < 1e-9",
                           arg=start["zoom"])
    page.evaluate("() => window.groggy.graph.flyTo(77)")
    p77 = position(page, 77)
    canvas = page.locator(".gg-graph-canvas").bounding_box()
    assert abs(p77["x"] - (canvas["x"] + canvas["width"] / 2)) < 1
    assert page.evaluate("([x, y]) => window.groggy.graph.nodeAt(x, y)",
                         [p77["x"], p77["y"]]) == 77
    page.evaluate("() => window.groggy.graph.setViewport(1e6, 1e6, 1)")
    assert position(page, 77) is None
    assert page.evaluate("() => window.groggy.graph.frameStats().count") > 0


@pytest.mark.parametrize("renderer", RENDERERS)
def test_empty_single_self_loop_and_multi_edge_graphs(open_graph, renderer):
    empty = gg.Graph()
    with empty.viz.interactive(layout="grid") as view:
        page = open_graph(view, renderer)
        assert page.evaluate("() => window.groggy.graph.stats().nodes") == 0
        assert page.is_visible("text=This graph has no nodes")
        assert page.inner_text(".gg-graph-status") == "0 nodes · 0 edges"
    one = gg.Graph()
    one.add_nodes({"x": [1]})
    one.add_edges([0, 0, 0], [0, 0, 0])            # self-loops, three times
    with one.viz.interactive(layout="grid", node_size=10) as view:
        page = open_graph(view, renderer)
        p = position(page, 0)
        assert not near(at(pixels(page), p), rgb(get_theme("light")["background"]), 20)
        page.mouse.click(p["x"], p["y"])
        page.wait_for_function("() => window.groggy.graph.selected().join() === '0'")
        assert page.evaluate("() => window.groggy.graph.highlighted().nodes") == []
        assert page.inner_text(".gg-graph-status").startswith("1 node · 3 edges")


@pytest.mark.parametrize("n, renderer", [(1000, "webgl"), (10_000, "webgl"),
                                         (10_000, "canvas")])
def test_screenshots_at_1k_and_10k(open_graph, n, renderer):
    g = club_graph(n, 5 * n, seed=11)
    with g.viz.interactive(layout="force_directed", node_color="club") as view:
        page = open_graph(view, renderer, size=(1200, 800))
        img = pixels(page)
        background = rgb(get_theme("light")["background"])
        drawn = sum(not near(at(img, position(page, v)), background, 10)
                    for v in range(0, n, n // 50))
        assert drawn >= 45, drawn        # nodes on top of nodes may hide a few
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"graph-view-{n}-{renderer}.png"))
        p = position(page, 1)
        page.mouse.click(p["x"], p["y"])
        page.evaluate("() => window.groggy.graph.painted()")
        page.screenshot(path=str(ARTIFACTS / f"graph-view-{n}-{renderer}-selected.png"))


@pytest.mark.parametrize("renderer", RENDERERS)
def test_edges_coloured_by_an_attribute_are_drawn_in_their_colours(open_graph, renderer):
    g = gg.Graph()
    g.add_nodes(4)
    g.add_edges([0, 2], [1, 3], kind=["x", "y"])         # two long parallel edges
    lay = Layout(np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 5.0], [10.0, 5.0]]),
                               np.arange(4), "fixed", {})
    with g.viz.interactive(layout=lay, edge_color="kind", node_size=4) as view:
        page = open_graph(view, renderer)
        img = pixels(page)
        palette = [rgb(c) for c in get_theme("light")["palette"].split(",")[:2]]
        background = rgb(get_theme("light")["background"])
        for k, (a, b) in enumerate([(0, 1), (2, 3)]):
            pa, pb = position(page, a), position(page, b)
            x, y = round((pa["x"] + pb["x"]) / 2), round((pa["y"] + pb["y"]) / 2)
            # a 1 px line may straddle two pixel rows: the darker of the two
            mid = min(img[y - 1, x], img[y, x], img[y + 1, x], key=lambda c: c.sum())
            assert not near(mid, background, 30), (a, b, mid)
            # its tint is its own category's colour (the lines are antialiased)
            tint = lambda c: (c - background) / max(np.abs(c - background).max(), 1)
            own, other = tint(palette[k]), tint(palette[1 - k])
            assert np.abs(tint(mid) - own).sum() < np.abs(tint(mid) - other).sum(), (a, b, mid)


# --------------------------------------------------------------------------- live
def test_a_mutation_appears_without_a_reload_and_the_viewport_stays(open_graph):
    g = club_graph(40, 60, seed=8)
    with g.viz.interactive(layout="force_directed", node_color="club", node_size=9) as view:
        page = open_graph(view)
        page.evaluate("() => window.groggy.graph.flyTo(3)")
        before = page.evaluate("() => window.groggy.graph.viewport()")
        ready = page.evaluate("() => window.groggy.graph.timings().painted")
        g.add_nodes(3)
        g.add_edges([(40, 3), (41, 40), (42, 3)])
        page.wait_for_function("() => window.groggy.graph.stats().nodes === 43", timeout=WAIT_MS)
        assert page.evaluate("() => window.groggy.graph.stats().edges") == 63
        assert page.evaluate("() => window.groggy.graph.viewport()") == before
        assert page.evaluate("() => window.groggy.graph.timings().painted") == ready  # no reload
        # the new nodes are placed near their neighbour, in view, and highlight right
        page.evaluate("() => window.groggy.graph.select([40])")
        assert sorted(page.evaluate("() => window.groggy.graph.highlighted().nodes")) == [3, 41]
        # an attribute write recolours the node, in the export's colour for its club
        p = position(page, 3)
        old = at(pixels(page), p)
        page.evaluate("() => window.groggy.graph.select([])")
        club = g.nodes[3]["club"]
        new_club = CLUBS[(CLUBS.index(club) + 1) % 4]
        g.set_node_attr(3, "club", new_club)
        palette = get_theme("light")["palette"].split(",")
        want = rgb(palette[CLUBS.index(new_club)])
        assert wait_until(lambda: near(at(pixels(page), position(page, 3)), want, 60)), \
            (old, at(pixels(page), position(page, 3)), want)


def test_a_reconnect_restores_viewport_selection_and_theme(open_graph):
    g = club_graph(60, 90, seed=9)
    with g.viz.interactive(layout="circular", node_size=9) as view:
        page = open_graph(view)
        page.evaluate("() => window.groggy.graph.setViewport(0.2, 0.1, "
                      "window.groggy.graph.viewport().fitZoom * 3)")
        page.evaluate("() => window.groggy.graph.select([5])")
        page.select_option(".gg-graph-theme", "dark")
        page.wait_for_function("() => window.groggy.graph.theme() === 'dark'")
        before = page.evaluate("() => window.groggy.graph.viewport()")
        painted = page.evaluate("() => window.groggy.graph.timings().painted")
        # the server drops the connection: the page reconnects by itself
        view._server._call(lambda: [c.close(1011, "test") for c in list(view._server.connections)])
        page.wait_for_function("() => document.querySelector('.gg-graph-status')"
                               ".textContent.includes('reconnecting')", timeout=WAIT_MS)
        page.wait_for_function("() => document.querySelector('.gg-graph-status')"
                               ".textContent.includes('selected')", timeout=WAIT_MS)
        assert page.evaluate("() => window.groggy.graph.viewport()") == before
        assert page.evaluate("() => window.groggy.graph.selected()") == [5]
        assert page.evaluate("() => window.groggy.graph.theme()") == "dark"
        assert page.evaluate("() => window.groggy.graph.timings().painted") == painted
        bg = rgb(get_theme("dark")["background"])
        assert near(pixels(page)[690, 990], bg, 8)          # a corner of the drawing
