"""The graph view: ``g.viz.interactive(layout=...)`` to the page's first painted frame
in headless Chromium (WebGL2 on SwiftShader, the CPU), with the layout computed
beforehand, and the bytes the first view sends per node. The sigma.js comparison (the
same positions, frame times along one pan-and-zoom path) needs sigma.js from npm and
runs in bench/test_graph_view.py."""
from __future__ import annotations

import json
import time

from groggy.bench.areas.graph import graph_data
from groggy.bench.checks import expect, groggy_answer
from groggy.bench.data import build_groggy
from groggy.bench.peers import PeerMissing
from groggy.bench.results import Cell, Row
from groggy.bench.sizes import label
from groggy.bench.timing import latency

TITLE = "The graph view"
SIGMA = "compared in bench/test_graph_view.py (installs sigma.js from npm on first use)"


def open_view(ctx, g, layout):
    """(page, view, seconds, painted): a new ``interactive(layout=...)`` opened in a new
    page of the browser context ``ctx`` to its first painted frame. ``seconds``: until
    the test driver hears of that frame (``await ready``); ``painted``: until the page
    painted it, by the page's own clock (``performance.timeOrigin`` and its ``ready``
    stamp; the same wall clock as time.time() here). The driver hears later when the
    page's next work keeps the CPU busy: on a CPU renderer, its first frame of vectors."""
    page = ctx.new_page()
    start, wall = time.perf_counter(), time.time()
    view = g.viz.interactive(layout=layout, node_color="age")
    try:
        page.goto(view.url)
        page.wait_for_function("() => window.groggy && window.groggy.graph")
        page.evaluate("() => window.groggy.graph.ready")
        seconds = time.perf_counter() - start
        stamp = page.evaluate("() => performance.timeOrigin + window.groggy.graph.timings().ready")
    except BaseException:
        view.close()
        page.close()
        raise
    return page, view, seconds, stamp / 1e3 - wall


def first_view_bytes(view, canvas=None) -> int:
    """Bytes the first view of ``view`` sends (JSON replies and binary frames); with
    ``canvas`` (the page's ``(width, height)``), and the drawing of the view that a page
    drawing on the CPU asks for too (``/TOKEN/graph/first-view``)."""
    from groggy.web.graphview import GraphSession
    replies = GraphSession(view.server).initial()
    drawing = None if canvas is None else view.server.first_view(*canvas)
    return sum(len(r) if isinstance(r, bytes) else len(json.dumps(r)) for r in replies) + \
        (0 if drawing is None else len(drawing[0]))


def first_paint(ctx):
    n = ctx.size.view
    data = graph_data(ctx, n)
    g = build_groggy(data)
    layout = g.viz.compute_layout("force_directed")
    samples, stats, sent = [], None, 0
    name = "interactive() to the first painted frame (p50)"
    try:
        browser = ctx.browser()
        tab_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
        for _ in range(ctx.size.pages):
            tab, view, seconds, _ = open_view(tab_ctx, g, layout)
            try:
                samples.append(seconds)
                stats = tab.evaluate("() => window.groggy.graph.stats()")
                sent = first_view_bytes(view)
            finally:
                view.close()
                tab.close()
        tab_ctx.close()
    except PeerMissing as exc:
        return Row("graphview", name, data.size(), n, Cell(skipped=str(exc)),
                   {"sigma.js": Cell(skipped=SIGMA)}, {}, "not run")
    got = groggy_answer("graphview", (stats["nodes"], stats["edges"]))
    check = expect("nodes and edges drawn", got, (data.n, data.m))
    mine = Cell(latency(samples[1:], first=samples[0]),
                figures={"bytes/node": round(sent / n, 1), "renderer": stats["renderer"]})
    return Row("graphview", name, data.size(), n, mine, {"sigma.js": Cell(skipped=SIGMA)},
               {}, check)


def cases(size):
    return [(f"graph view {label(size.view)}", first_paint)]
