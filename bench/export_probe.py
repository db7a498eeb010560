"""Renders of a stochastic block model graph in a fresh interpreter: prints one JSON line
with the first render's time, the best of the next ones (``--repeat``), both as wall and
as CPU time of the process (``cpu``, ``cpu_steady``: on a shared machine the wall clock
of one call moves with the other jobs; CPU time much less), the resident
memory before the first (graph built and laid out) and at its peak. ``test_export.py``
runs it so that each measurement has a process to itself, and so that the first call
pays what a user's first export pays (lazy imports, font and Skia set-up, thread pools).

    python bench/export_probe.py 100000 500000
    python bench/export_probe.py 10000 50000 --format svg --repeat 4
    python bench/export_probe.py 10000 50000 --engine networkx --repeat 3

Engines: ``groggy`` (``g.viz.render`` at the default style) and ``networkx``
(``nx.draw`` + matplotlib ``savefig``, drawn as ``test_export.py`` draws it; the
matplotlib and networkx imports happen before the timing, as a user's would).
The peak is the kernel's high-water mark (``VmHWM``), reset just before the first render
(``/proc/self/clear_refs``); where the reset is refused it is ``ru_maxrss``.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("m", type=int)
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--height", type=int, default=1200)
    ap.add_argument("--format", default="png", choices=["png", "svg", "pdf"])
    ap.add_argument("--engine", default="groggy", choices=["groggy", "networkx"])
    ap.add_argument("--repeat", type=int, default=1, help="renders after the first")
    args = ap.parse_args()

    import groggy as gg
    data = benchlib.make_sbm(args.n, args.m, 20)
    g = gg.Graph()
    g.add_nodes({"block": data.block})
    g.add_edges(data.src, data.dst)
    layout = g.viz.compute_layout("force_directed")
    if args.engine == "groggy":
        def render():
            return g.viz.render(args.format, layout=layout, width=args.width,
                                height=args.height)
    else:
        from export_peers import networkx_drawer
        render = networkx_drawer(data, layout, args.format, args.width, args.height)
    gc.collect()
    out = {"n": data.n, "m": data.m, "engine": args.engine, "format": args.format,
           "rss_before": benchlib.status_bytes("VmRSS")}
    reset = benchlib.reset_peak_rss()
    t0, c0 = time.perf_counter(), time.process_time()
    first = render()
    out["seconds"], out["cpu"] = time.perf_counter() - t0, time.process_time() - c0
    hwm = benchlib.status_bytes("VmHWM") if reset else None
    out["peak_rss"] = hwm if hwm is not None else \
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out["peak_is_render_only"] = hwm is not None
    out["bytes"] = len(first)
    steady, cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        render()
        steady.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    out["steady"] = min(steady) if steady else None
    out["cpu_steady"] = min(cpu) if cpu else None
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
