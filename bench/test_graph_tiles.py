"""The graph view's large-graph mode on the 1M-node / 5M-edge demo
(``groggy.demo.cached_demo``), in headless Chromium with WebGL2 (SwiftShader), the page
composited in software as Chrome does without a GPU (``GROGGY_BENCH_COMPOSITING=gpu``:
on SwiftShader too, 30-100 ms more per frame of tiles):

- ``first-tiles``: ``g.viz.interactive(layout=<precomputed>)`` (scene, look, spatial
  index, server) + page load + the tiles of the first view decoded and painted
  (``await window.groggy.graph.ready``, which in tile mode waits for them). Each round
  starts a new server and a new page, so no tile comes from a cache. Beside it, in the
  same run, the peer: the same view sending the whole graph as vectors
  (``tiles_above`` above the node count), which is what the page did before.
- ``bytes``: everything the server sent the page for its first view (WebSocket frames,
  JSON and binary), target at most 2 MB.
- ``frames``: time per frame (``frameStats``: drawing until the GPU is done) over pans and zooms in tile mode,
  target p95 under 50 ms.
- ``hover``: ``nodeAt`` answered by the server in tile mode, measured in the page
  (request to answer), target p95 under 50 ms.

The demo is built once (``GROGGY_CACHE``); its force layout is computed once and kept in
``bench/.cache/`` (gitignored) until stored layouts land.

    python -m pytest bench/test_graph_tiles.py -q -s -p no:cacheprovider
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

import benchlib
import groggy as gg
from groggy.demo import cached_demo
from groggy.viz.layout import Layout
from groggy.web.graphview import GraphSession

NODES, EDGES = int(1_000_000 * benchlib.SCALE), int(5_000_000 * benchlib.SCALE)
CACHE = Path(__file__).parent / ".cache"
ROUNDS = 3
MOVES = 40
HOVERS = 100


@pytest.fixture(scope="module")
def demo():
    g = cached_demo(NODES, EDGES, progress=False)
    pos_file = CACHE / f"demo-layout-{NODES}-{EDGES}.npy"
    ids_file = CACHE / f"demo-ids-{NODES}-{EDGES}.npy"
    if not pos_file.exists():
        CACHE.mkdir(exist_ok=True)
        t0 = time.perf_counter()
        lay = g.viz.compute_layout("force_directed")
        benchlib.say(f"[graph-tiles] layout: force_directed of the demo computed once in "
                     f"{benchlib.fmt_time(time.perf_counter() - t0)} (kept in {pos_file})")
        np.save(pos_file, lay.node_positions)
        np.save(ids_file, lay.node_ids)
    layout = Layout(np.load(pos_file), np.load(ids_file), "force_directed", {})
    return g, layout


def open_view(ctx, view, count_bytes=True):
    """(page, bytes the server sent for its first view). Counting goes through
    Playwright's event pipe: only for small views (the whole graph's 56 MB would queue
    behind every later call)."""
    page = ctx.new_page()
    sent = []

    def on_socket(ws):
        ws.on("framereceived", lambda payload: sent.append(len(payload)))
    if count_bytes:
        page.on("websocket", on_socket)
    page.goto(view.url)
    page.wait_for_function("() => window.groggy && window.groggy.graph")
    page.evaluate("() => window.groggy.graph.ready")
    return page, sum(sent)


def test_demo_first_tiles(benchmark, webgl_chromium, demo):
    g, layout = demo
    ctx = webgl_chromium.new_context(viewport={"width": 1280, "height": 800})
    size = f"{NODES:,} nodes / {EDGES:,} edges"

    samples, sent = [], []

    def run():
        start = time.perf_counter()
        view = g.viz.interactive(layout=layout)
        try:
            page, nbytes = open_view(ctx, view)
            samples.append(time.perf_counter() - start)
            sent.append(nbytes)
            stats = page.evaluate("() => window.groggy.graph.stats()")
            assert (stats["mode"], stats["nodes"], stats["edges"]) == ("tiles", NODES, EDGES)
            page.close()
        finally:
            view.close()

    benchmark.pedantic(run, rounds=ROUNDS, iterations=1)
    # after the tiles: SwiftShader's work on the whole graph (the GPU process is shared)
    # would hold up the pages that follow
    # the peer: the whole graph sent and drawn as vectors, one round (it is slow)
    start = time.perf_counter()
    view = g.viz.interactive(layout=layout, tiles_above=NODES + 1)
    try:
        page, _ = open_view(ctx, view, count_bytes=False)
        vector_s = time.perf_counter() - start
        assert page.evaluate("() => window.groggy.graph.stats().mode") == "vector"
        page.close()
        vector_bytes = sum(len(r) if isinstance(r, bytes) else len(json.dumps(r))
                           for r in GraphSession(view.server).initial())
    finally:
        view.close()

    ctx.close()
    benchlib.report_latency(benchmark, "graph-tiles", "first-tiles",
                            f"interactive() to the first painted tiles, {size}", samples)
    first, steady = samples[0], float(np.median(samples[1:] or samples))
    benchlib.say(f"[graph-tiles] first-tiles {size}: first call {benchlib.fmt_time(first)}, "
                 f"steady {benchlib.fmt_time(steady)} | whole graph as vectors "
                 f"{benchlib.fmt_time(vector_s)} | speed-up {vector_s / steady:.1f}x "
                 f"(target <= 1 s: {'MET' if steady <= 1 else 'NOT MET'})")
    benchlib.say(f"[graph-tiles] bytes: first view {max(sent):,} B as tiles | "
                 f"{vector_bytes:,} B as vectors | ratio {vector_bytes / max(sent):.0f}x "
                 f"(target <= 2 MB: {'MET' if max(sent) <= 2_000_000 else 'NOT MET'})")
    benchmark.extra_info.update(first_s=first, steady_s=steady, vector_s=vector_s,
                                first_view_bytes=max(sent), vector_bytes=vector_bytes)


def test_demo_serve_first_tiles(benchmark, webgl_chromium, demo):
    """The issue's own case: ``gg.serve(g)`` of the opened demo, whose force layout is
    stored with it, until its graph page has painted the first tiles. The tab is made
    before the clock starts (as in test_serve_demo.py); each round a new server."""
    g, _ = demo
    if "force_directed" not in g.layouts:
        pytest.skip("the demo store holds no force_directed layout (an old cache: "
                    "python -m groggy layout PATH stores one)")
    ctx = webgl_chromium.new_context(viewport={"width": 1280, "height": 800})
    samples, phases = [], []

    def run():
        page = ctx.new_page()
        start = time.perf_counter()
        view = gg.serve(g, open_browser=False)
        try:
            page.goto(view.url + "graph")
            page.wait_for_function("() => window.groggy && window.groggy.graph")
            page.evaluate("() => window.groggy.graph.ready")
            samples.append(time.perf_counter() - start)
            phases.append(page.evaluate("() => window.groggy.graph.timings()"))
            assert page.evaluate("() => window.groggy.graph.stats().mode") == "tiles"
        finally:
            page.close()
            view.close()

    benchmark.pedantic(run, rounds=ROUNDS, iterations=1)
    ctx.close()
    size = f"{NODES:,} nodes / {EDGES:,} edges"
    benchlib.report_latency(benchmark, "graph-tiles", "serve-first-tiles",
                            f"gg.serve(g) to the graph page's first painted tiles, {size}",
                            samples)
    steady = float(np.median(samples[1:] or samples))
    where = {k: round(float(np.median([p[k] for p in phases if k in p])))
             for k in ("connected", "init", "prepared", "painted")}
    benchlib.say(f"[graph-tiles] serve-first-tiles {size}: first call "
                 f"{benchlib.fmt_time(samples[0])}, steady {benchlib.fmt_time(steady)} "
                 f"(target <= 1 s: {'MET' if steady <= 1 else 'NOT MET'}); page phases, ms "
                 f"after navigation (p50): {where}")
    benchmark.extra_info.update(serve_first_s=samples[0], serve_steady_s=steady)


def test_demo_pan_zoom_and_hover(benchmark, webgl_chromium, demo):
    g, layout = demo
    ctx = webgl_chromium.new_context(viewport={"width": 1280, "height": 800})
    view = g.viz.interactive(layout=layout)
    out = {}
    try:
        page, _ = open_view(ctx, view)
        vp = page.evaluate("() => window.groggy.graph.viewport()")
        x0, y0, x1, y1 = layout.bounds
        rng = np.random.default_rng(5)

        def moves():
            page.evaluate("() => window.groggy.graph.frameStats()")
            cx, cy, zoom = vp["cx"], vp["cy"], vp["fitZoom"]
            modes = set()
            for k in range(MOVES):
                if k % 4 == 0:     # zoom in or out around a point, else pan
                    zoom = float(np.clip(zoom * rng.choice([0.5, 2.0]), vp["fitZoom"],
                                         vp["fitZoom"] * 64))
                else:
                    cx += float(rng.normal(0, 150 / zoom))
                    cy += float(rng.normal(0, 150 / zoom))
                cx, cy = float(np.clip(cx, x0, x1)), float(np.clip(cy, y0, y1))
                page.evaluate("([x, y, z]) => window.groggy.graph.setViewport(x, y, z)",
                              [cx, cy, zoom])
                page.wait_for_timeout(60)      # tiles and answers arrive meanwhile
                modes.add(page.evaluate("() => window.groggy.graph.stats().mode"))
            out["frames"] = page.evaluate("() => window.groggy.graph.frameStats()")
            out["modes"] = modes

        benchmark.pedantic(moves, rounds=1, iterations=1)
        # hover in tile mode: the server's answer, measured in the page
        page.evaluate("([x, y, z]) => window.groggy.graph.setViewport(x, y, z)",
                      [vp["cx"], vp["cy"], vp["fitZoom"]])
        page.evaluate("() => window.groggy.graph.settled()")
        assert page.evaluate("() => window.groggy.graph.stats().mode") == "tiles"
        out["hover"] = page.evaluate("""async (n) => {
            const box = document.querySelector('.gg-graph-canvas').getBoundingClientRect();
            const times = [];
            for (let i = 0; i < n; i++) {
              const x = box.left + box.width * (0.3 + 0.4 * Math.random());
              const y = box.top + box.height * (0.3 + 0.4 * Math.random());
              const t0 = performance.now();
              await window.groggy.graph.nodeAt(x, y);
              times.push(performance.now() - t0);
            }
            return times;
        }""", HOVERS)
        page.close()
    finally:
        view.close()
        ctx.close()
    frames, hover = out["frames"], np.sort(out["hover"])
    benchlib.say(f"[graph-tiles] frames: pan and zoom over the demo ({MOVES} moves, modes "
                 f"{sorted(out['modes'])}): p50 {frames['median']:.2f} ms | p95 "
                 f"{frames['p95']:.2f} ms over {frames['count']} frames (target p95 < 50 ms: "
                 f"{'MET' if frames['p95'] < 50 else 'NOT MET'})")
    p50, p95 = np.percentile(hover, 50), np.percentile(hover, 95)
    benchlib.say(f"[graph-tiles] hover: nodeAt answered by the server in tile mode: first "
                 f"{out['hover'][0]:.1f} ms, p50 {p50:.1f} ms | p95 {p95:.1f} ms over "
                 f"{HOVERS} points (target p95 < 50 ms: {'MET' if p95 < 50 else 'NOT MET'})")
    benchmark.extra_info.update(frame_p50_ms=frames["median"], frame_p95_ms=frames["p95"],
                                hover_p50_ms=p50, hover_p95_ms=p95)
