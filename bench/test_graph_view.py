"""The graph view's first paint: from ``g.viz.interactive(layout=...)`` to the page's
first painted frame (``await window.groggy.graph.ready``) in headless Chromium with
WebGL2 (SwiftShader, the CPU: a real GPU is faster; the page composited in software, as
Chrome does without a GPU: ``GROGGY_BENCH_COMPOSITING=gpu`` composites on SwiftShader
too), at 10k nodes / 50k edges and 100k / 500k (the benchmark graph's shape: uniform random, with attribute columns).

- ``layout``: the force layout of the graph, computed once beforehand and timed apart.
- ``first-paint``: server start + page load + the graph sent as binary frames + upload +
  first frame, with the layout passed in; ``node_color`` names an attribute, so the
  style code runs too. Each round starts a new server and a new page.
- ``bytes``: what the first view sends (JSON + binary frames), per node.
- ``frames``: time per frame (``frameStats``: from the start of drawing until a fence
  after the frame's commands signals, i.e. the GPU, here SwiftShader, has drawn it) over
  20 viewport changes. ``first-paint`` ends at the same point: drawn, not only asked.

- ``vs sigma.js``: the same positions drawn by sigma.js 3 (WebGL, installed from npm
  into a cache on first use; bench/sigma_peer.py) in the same Chromium; both cameras go
  through the same 60-step pan-and-zoom path, each step awaited until drawn; the frame
  time is the time between drawn frames (so it includes the software GPU's work, which
  backs up into the next frame). Targets (issue 9): first paint 0.5 s at 10k, 1.5 s at
  100k; 20 bytes per node at 100k; groggy's frame p95 at or below sigma's.

No target is asserted; the figures are printed.

    python -m pytest bench/test_graph_view.py -q -s
"""
from __future__ import annotations

import time

import numpy as np
import pytest

import benchlib
import sigma_peer
from groggy.bench.areas.graphview import first_view_bytes, open_view

SIZES = [(10_000, 50_000), (100_000, 500_000)]
ROUNDS = 7   # page start-ups on 2 shared cores vary by 2x: a p50 of three is a coin toss
MOVES = 20   # viewport changes timed by frameStats


LAYOUTS = {}


def graph_and_layout(n, m):
    """The benchmark graph of this size and its force layout, computed once."""
    if (n, m) not in LAYOUTS:
        g = benchlib.build_groggy(benchlib.make_graph_data(n, m))
        t0 = time.perf_counter()
        layout = g.viz.compute_layout("force_directed")
        benchlib.say(f"[graph-view] layout: force_directed of {n:,} nodes / {m:,} edges "
                     f"{benchlib.fmt_time(time.perf_counter() - t0)} (computed beforehand, "
                     f"not in first-paint)")
        LAYOUTS[n, m] = g, layout
    return LAYOUTS[n, m]


@pytest.mark.parametrize("n, m", SIZES, ids=[f"{n // 1000}k" for n, _ in SIZES])
def test_graph_view_first_paint(benchmark, webgl_chromium, n, m):
    g, layout = graph_and_layout(n, m)
    size = f"{n:,} nodes / {m:,} edges"

    ctx = webgl_chromium.new_context(viewport={"width": 1280, "height": 800})
    samples, painted, vectors, stats = [], [], [], {}

    def run():
        page, view, seconds, clock = open_view(ctx, g, layout)
        try:
            samples.append(seconds)
            painted.append(clock)
            # a CPU renderer's first painted frame is the server's drawing of the view
            # (/TOKEN/graph/first-view, docs/protocol.md); its own vectors follow
            t0 = time.perf_counter()
            page.evaluate("() => window.groggy.graph.painted()")
            vectors.append(seconds + time.perf_counter() - t0)
            stats.setdefault("phases", []).append(
                page.evaluate("() => window.groggy.graph.timings()"))
            got = page.evaluate("() => window.groggy.graph.stats()")
            assert (got["nodes"], got["edges"], got["renderer"]) == (n, m, "webgl"), got
            canvas = page.evaluate("() => window.groggy.graph.viewport()")
            stats["bytes"] = first_view_bytes(view, (canvas["width"], canvas["height"]))
            stats["vector_bytes"] = first_view_bytes(view)
            x0, y0, x1, y1 = layout.bounds
            fit = page.evaluate("() => window.groggy.graph.viewport().zoom")
            rng = np.random.default_rng(1)
            for _ in range(MOVES):
                page.evaluate("([x, y, z]) => window.groggy.graph.setViewport(x, y, z)",
                              [float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1)),
                               float(fit * rng.uniform(1, 20))])
            stats["frames"] = page.evaluate("() => window.groggy.graph.frameStats()")
        finally:
            view.close()
            page.close()

    benchmark.pedantic(run, rounds=ROUNDS, iterations=1)
    ctx.close()
    benchlib.report_latency(benchmark, "graph-view", f"first-paint {n // 1000}k",
                            f"interactive() to first painted frame, {size}", samples,
                            f"; first {benchlib.fmt_time(samples[0])}")
    benchlib.report_latency(benchmark, "graph-view", f"first-paint-page-clock {n // 1000}k",
                            f"interactive() to first painted frame by the page's clock "
                            f"(the driver hears of it later while the vectors keep the CPU "
                            f"busy), {size}", painted, f"; first {benchlib.fmt_time(painted[0])}")
    benchlib.report_latency(benchmark, "graph-view", f"first-vectors {n // 1000}k",
                            f"interactive() to the first frame of vectors, {size}", vectors)
    per_node = stats["bytes"] / n
    frames = stats["frames"]
    benchmark.extra_info.update(first_view_bytes=stats["bytes"],
                                bytes_per_node=per_node, frame_p50_ms=frames["median"],
                                frame_p95_ms=frames["p95"])
    benchlib.say(f"[graph-view] bytes: first view of {size} {stats['bytes']:,} B = "
                 f"{per_node:.1f} B per node (target at 100k: 20), of which the drawing "
                 f"of the view for a CPU renderer {stats['bytes'] - stats['vector_bytes']:,} B")
    last = stats["phases"][-1]
    benchlib.say(f"[graph-view] phases of the last round, ms since navigation: "
                 + ", ".join(f"{k} {v:.0f}" for k, v in last.items()))
    benchlib.say(f"[graph-view] frames: drawing work while moving the viewport, {size}: "
                 f"p50 {frames['median']:.2f} ms | p95 {frames['p95']:.2f} ms "
                 f"({frames['count']} frames; start of drawing to the GPU done)")


@pytest.mark.parametrize("n, m", SIZES, ids=[f"{n // 1000}k" for n, _ in SIZES])
def test_graph_view_frames_vs_sigma(benchmark, webgl_chromium, n, m):
    g, layout = graph_and_layout(n, m)
    positions = layout.node_positions
    table = g.edges.table()
    edges = np.stack([table["source"].to_numpy(), table["target"].to_numpy()], -1)
    size = f"{n:,} nodes / {m:,} edges"
    ctx = webgl_chromium.new_context(viewport={"width": 1280, "height": 800})
    times = {"groggy": [], "sigma": []}
    view = g.viz.interactive(layout=layout)
    try:
        mine = ctx.new_page()
        mine.goto(view.url)
        mine.wait_for_function("() => window.groggy && window.groggy.graph")
        mine.evaluate("() => window.groggy.graph.ready")
        peer = ctx.new_page()
        setup = sigma_peer.open_sigma(peer, positions, edges, 2 if n <= 10_000 else 1,
                                      1280, 800)
        benchlib.say(f"[graph-view] sigma.js {sigma_peer.sigma_version()}: graph in the "
                     f"page to first frame, {size}: {benchlib.fmt_time(setup)}")

        def run():   # alternate, so that both see the same machine load
            peer.bring_to_front()
            times["sigma"] += sigma_peer.pan_zoom(peer, "sigma")
            mine.bring_to_front()
            times["groggy"] += sigma_peer.pan_zoom(mine, "groggy")

        benchmark.pedantic(run, rounds=3, iterations=1)
    finally:
        view.close()
        ctx.close()
    stats = {k: (float(np.median(v)), float(np.percentile(v, 95))) for k, v in times.items()}
    benchmark.extra_info.update({f"{k}_frame_{q}_ms": v[i] for k, v in stats.items()
                                 for i, q in enumerate(("p50", "p95"))})
    ratio = stats["sigma"][1] / stats["groggy"][1]
    benchlib.say(f"[graph-view] pan+zoom frame time, {size}: groggy p50 "
                 f"{stats['groggy'][0]:.1f} ms | p95 {stats['groggy'][1]:.1f} ms; sigma.js p50 "
                 f"{stats['sigma'][0]:.1f} ms | p95 {stats['sigma'][1]:.1f} ms; sigma p95 / "
                 f"groggy p95 = {ratio:.2f}x (target >= 1)")


# ---------------------------------------------------------------------------- layout switch
SWITCH_SIZES = [(10_000, 50_000), (50_000, 250_000)]
SWITCHES = ["circular", "grid", "circular", "grid"]


@pytest.mark.parametrize("n, m", SWITCH_SIZES, ids=[f"{n // 1000}k" for n, _ in SWITCH_SIZES])
def test_graph_view_layout_switch(benchmark, webgl_chromium, n, m):
    """A layout switch from the page's select: the server computes the layout (a thread),
    sends the positions (NPQ3), the page animates the nodes there (300 ms) and refits.
    Timed in the page: request -> first frame with moved nodes (``repaint``) and -> the
    settled frame. The peer is what one had to do without the switch: a new
    ``interactive(layout=...)`` and a page load to its first frame."""
    g, layout = graph_and_layout(n, m)
    size = f"{n:,} nodes / {m:,} edges"
    ctx = webgl_chromium.new_context(viewport={"width": 1280, "height": 800})
    page, view, _, _ = open_view(ctx, g, layout)
    repaint, settled, computed, redraws = [], [], [], []
    try:
        def run():
            for name in SWITCHES:
                t = page.evaluate("""async (name) => {
                    const t0 = performance.now();
                    const reply = await window.groggy.graph.setLayout(name);
                    const s = window.groggy.graph.layoutTimes();
                    return {type: reply.type, arrived: s.arrived - t0, moved: s.moved - t0,
                            settled: s.settled - t0};
                }""", name)
                assert t["type"] == "Positions", t
                computed.append(t["arrived"] / 1e3)
                repaint.append(t["moved"] / 1e3)
                settled.append(t["settled"] / 1e3)
            assert page.evaluate("() => window.groggy.graph.layout()") == SWITCHES[-1]
            # the cost of one frame of the same picture (no switch): the renderer's share
            redraws.extend(page.evaluate("""async () => { const out = [];
                for (let i = 0; i < 3; i++) { const t0 = performance.now();
                    await window.groggy.graph.setViewport(
                        window.groggy.graph.viewport().cx, window.groggy.graph.viewport().cy,
                        window.groggy.graph.viewport().zoom);
                    out.push((performance.now() - t0) / 1e3); }
                return out; }"""))

        benchmark.pedantic(run, rounds=1, iterations=1)
    finally:
        view.close()
        page.close()
    # the peer: a new view with the layout, opened to its first frame
    reopen = []
    for name in SWITCHES[:1]:
        page, other, seconds, _ = open_view(ctx, g, name)
        reopen.append(seconds)
        other.close()
        page.close()
    ctx.close()
    what = f"layout switch in the page, {size}"
    benchlib.say(f"[graph-view] {what}: first call {benchlib.fmt_time(repaint[0])} to the "
                 f"first moved frame, steady (median of {len(repaint) - 1}) "
                 f"{benchlib.fmt_time(float(np.median(repaint[1:])))}; positions arrived "
                 f"after {benchlib.fmt_time(float(np.median(computed)))}; settled (300 ms "
                 f"animation) {benchlib.fmt_time(float(np.median(settled)))}")
    benchlib.say(f"[graph-view] one redraw of the same picture after the switches (no "
                 f"switch; SwiftShader rasterises on the CPU): median "
                 f"{benchlib.fmt_time(float(np.median(redraws)))}")
    peer = float(np.median(reopen))
    mine = float(np.median(repaint))
    benchlib.say(f"[graph-view] peer: a new interactive(layout=...) + page load to its first "
                 f"frame {benchlib.fmt_time(peer)}; switch repaint is {peer / mine:.1f}x faster "
                 f"(target: repaint within 0.5 s: {'met' if mine <= 0.5 else 'NOT met'})")
    benchmark.extra_info.update(switch_repaint_s=mine, switch_settled_s=float(np.median(settled)),
                                switch_first_s=repaint[0], reopen_s=peer)
