"""The first view's drawing (docs/protocol.md, "The first view on a CPU renderer"): a
page that draws on the CPU asks the server for a drawing of its fitted view
(``/TOKEN/graph/first-view``) and shows it until its own first frame of vectors is
drawn. Checked over HTTP against a real server (the JPEG's pixels against the layout
and the look) and in Chromium, whose WebGL2 here is SwiftShader, a CPU renderer (the
page asks, shows it before it even has the graph, then drops it)."""
from __future__ import annotations

import json
import threading
import urllib.request

import numpy as np
import pytest
import skia

from groggy.themes import get_theme
from groggy.viz.view_export import page_fit
from groggy.web import graphview
from groggy.web.graphview import _FIRST_VIEWS, FIRST_VIEW_ABOVE, FirstViewHandler

from test_graph_view import (WAIT_MS, GraphClient, at_patch, club_graph,  # noqa: F401
                             near, open_graph, pixels, position, rgb)
from web_helpers import WatchedPages, http_get

W, H = 640, 480


@pytest.fixture(scope="module")
def crowded():
    """400 nodes on a grid, 20,000 edges among them: above FIRST_VIEW_ABOVE, nodes 8 pt
    wide and well apart."""
    g = club_graph(400, 20_000, seed=2)
    assert g.node_count() + g.edge_count() >= FIRST_VIEW_ABOVE
    lay = g.viz.compute_layout("grid")
    view = g.viz.interactive(layout=lay, node_color="club", node_size=8)
    yield g, lay, view
    view.close()


def decoded(jpeg: bytes) -> np.ndarray:
    img = skia.Image.MakeFromEncoded(jpeg)
    return img.convert(alphaType=skia.kUnpremul_AlphaType,
                       colorType=skia.kRGBA_8888_ColorType).toarray()[..., :3].astype(int)


def first_view(view, query: str):
    """(status, headers, body) of GET /TOKEN/graph/first-view?QUERY."""
    return http_get(view.url + "/first-view?" + query)


def test_the_drawing_shows_the_nodes_where_the_page_fits_them(crowded):
    g, lay, view = crowded
    status, headers, jpeg = first_view(view, f"width={W}&height={H}")
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "no-store"
    camera = json.loads(headers["X-Groggy-View"])
    # the page's own fit (graph-view.js Camera.fit) of the bounds GraphInit sends it
    client = GraphClient(view.url)
    init, _ = client.reply({"type": "GraphHello", "request_id": 1})
    client.close()
    cx, cy, zoom = page_fit(init["bounds"], W, H)
    assert (camera["width"], camera["height"]) == (W, H)
    np.testing.assert_allclose([camera["cx"], camera["cy"], camera["zoom"]], [cx, cy, zoom])
    img = decoded(jpeg)
    assert img.shape == (H, W, 3)
    background = rgb(get_theme("light")["background"])
    for corner in (img[2, 2], img[2, -3], img[-3, 2], img[-3, -3]):
        assert near(corner, background, 12), corner
    # the nodes, in their colours, drawn over the edges
    colors = view._server.scene.look.colors
    for v in range(0, 400, 7):
        x, y = lay.node_positions[v]
        p = {"x": (x - cx) * zoom + W / 2, "y": (cy - y) * zoom + H / 2}
        assert near(at_patch(img, p), colors[v][:3], 60), (v, at_patch(img, p), colors[v])
    # between the nodes, edges: not the background
    gaps = [near(img[y, x], background, 12) for y in range(H // 3, 2 * H // 3, 7)
            for x in range(W // 3, 2 * W // 3, 7)]
    assert sum(gaps) < len(gaps) / 4


def test_no_drawing_where_the_page_draws_quickly_or_shows_tiles():
    small = club_graph(100, 200)
    large = club_graph(3000, 20_000)
    with small.viz.interactive(layout="circular") as a, \
            large.viz.interactive(layout="circular", tiles_above=1000) as b:
        for view in (a, b):
            status, _, body = first_view(view, f"width={W}&height={H}")
            assert (status, body) == (204, b"")


def test_no_drawing_where_it_would_take_as_long_as_the_page_frame(crowded, monkeypatch):
    _, _, view = crowded
    monkeypatch.setattr(graphview, "FIRST_VIEW_AT_MOST", view._server.scene.n +
                        view._server.scene.m - 1)
    assert first_view(view, f"width={W}&height={H}")[:3:2] == (204, b"")


def test_a_drawing_under_way_holds_up_no_page_that_needs_none_nor_one_for_a_page_gone(
        crowded, monkeypatch):
    """The drawings of every server of a process take turns on one thread: a page that
    needs none is answered while it is busy, and a drawing whose page left while it
    waited is not made (a tiled page waited 19 s once behind a 1M-node drawing)."""
    _, _, view = crowded
    made = []
    draw = view._server.first_view
    monkeypatch.setattr(view._server, "first_view", lambda *a: made.append(a) or draw(*a))
    left = threading.Event()           # the server has seen the page go
    seen = FirstViewHandler.on_connection_close
    monkeypatch.setattr(FirstViewHandler, "on_connection_close",
                        lambda handler: (seen(handler), left.set()))
    busy = threading.Event()
    _FIRST_VIEWS.submit(busy.wait, 60)
    try:
        with club_graph(100, 200).viz.interactive(layout="circular") as small:
            assert first_view(small, "width=20&height=20")[0] == 204
        with pytest.raises(OSError):     # the page leaves before its turn comes
            urllib.request.urlopen(view.url + "/first-view?width=30&height=30", timeout=0.5)
        assert left.wait(30)
    finally:
        busy.set()
    _FIRST_VIEWS.submit(lambda: None).result(timeout=60)
    assert made == []
    assert first_view(view, "width=20&height=20")[0] == 200 and made == [(20, 20)]


@pytest.mark.parametrize("query, words", [
    ("width=0&height=10", "width must be an int in 1..4096, got '0'"),
    ("width=10&height=5000", "height must be an int in 1..4096, got '5000'"),
    ("width=10.5&height=10", "width must be an int in 1..4096, got '10.5'"),
    ("height=10", "width must be an int in 1..4096, got ''"),
])
def test_a_bad_request_is_refused_saying_why_and_the_server_goes_on(crowded, query, words):
    _, _, view = crowded
    status, _, body = first_view(view, query)
    assert status == 400 and words in body.decode(), body
    assert first_view(view, "width=20&height=20")[0] == 200
    base = view.url.rsplit("/", 2)[0]
    assert http_get(base + "/wrong-token/graph/first-view?width=20&height=20")[0] == 403


def held_graph_init(page):
    """Route the page's graph socket through the test, holding back the GraphInit and its
    frames until the returned release() (after which everything passes, held first)."""
    held, routes, holding = [], [], [True]

    def route(ws):
        server = ws.connect_to_server()
        left = [0]

        def from_server(msg):
            if holding[0] and isinstance(msg, str) and '"GraphInit"' in msg:
                left[0] = len(json.loads(msg)["frames"]) + 1
            if left[0]:
                held.append(msg)
                left[0] -= 1
            else:
                ws.send(msg)
        server.on_message(from_server)
        routes.append(ws)
    page.route_web_socket("**/graph/ws", route)

    def release():      # Playwright calls from_server only inside its own calls
        holding[0] = False
        for msg in held:
            routes[0].send(msg)
        held.clear()
    return release


@pytest.mark.parametrize("renderer", ["webgl", "canvas"])
def test_a_cpu_page_shows_the_drawing_before_the_graph_then_its_vectors(crowded, browser,
                                                                       renderer):
    g, lay, view = crowded
    watched = WatchedPages(browser, WAIT_MS)
    try:
        page = watched.new(900, 700)
        release = held_graph_init(page)
        page.goto(view.url + ("?renderer=canvas" if renderer == "canvas" else ""))
        # painted with the graph itself still held back: the drawing alone, in place
        page.wait_for_function("() => window.groggy && window.groggy.graph && "
                               "window.groggy.graph.timings().firstView")
        started = page.evaluate("() => window.groggy.graph.timings()")
        assert "init" not in started
        # asked as the page began (graph-early.js), before graph.js had even run
        asked = page.evaluate("() => performance.getEntriesByType('resource')"
                              ".find((e) => e.name.includes('/graph/first-view')).startTime")
        assert asked < started["connecting"], (asked, started)
        stage = page.evaluate("() => { const r = document.querySelector('.gg-graph-stage')"
                              ".getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }")
        left, top, w, h = stage
        cx, cy, zoom = page_fit(view._server.scene.bounds, round(w), round(h))
        img = pixels(page)
        colors = view._server.scene.look.colors
        xy = lay.node_positions
        spots = {v: {"x": left + (xy[v, 0] - cx) * zoom + w / 2,
                     "y": top + (cy - xy[v, 1]) * zoom + h / 2} for v in range(0, 400, 7)}
        shown = [v for v, p in spots.items() if near(at_patch(img, p), colors[v][:3], 60)]
        assert len(shown) == len(spots), sorted(set(spots) - set(shown))
        assert page.locator(".gg-graph-first-view").count() == 1
        # the graph arrives: ready at once (the drawing is up), then the vectors replace it
        release()
        page.evaluate("() => window.groggy.graph.ready")
        page.evaluate("() => window.groggy.graph.painted()")
        phases = page.evaluate("() => window.groggy.graph.timings()")
        assert phases["firstView"] < phases["init"] <= phases["ready"] <= phases["painted"]
        assert page.locator(".gg-graph-first-view").count() == 0
        img = pixels(page)
        shown = [v for v in range(0, 400, 7)
                 if near(at_patch(img, position(page, v)), colors[v][:3], 40)]
        assert len(shown) == len(spots), shown
    finally:
        watched.close()


def test_a_small_graph_gets_no_drawing_and_is_drawn_at_once(open_graph):
    g = club_graph(300, 600)
    with g.viz.interactive(layout="circular") as view:
        page = open_graph(view, "webgl")
        phases = page.evaluate("() => window.groggy.graph.timings()")
        assert "firstView" not in phases and phases["ready"] >= phases["painted"]
        assert page.locator(".gg-graph-first-view").count() == 0
