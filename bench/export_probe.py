"""One PNG render of a large stochastic block model graph in a fresh interpreter: prints
one JSON line with the render's time, the resident memory before it (graph built and laid
out) and at its peak. ``test_export.py`` runs it so that the measurement has a process to
itself.

    python bench/export_probe.py 100000 500000

The peak is the kernel's high-water mark (``VmHWM``), reset just before the render
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
    args = ap.parse_args()

    import groggy as gg
    data = benchlib.make_sbm(args.n, args.m, 20)
    g = gg.Graph()
    g.add_nodes({"block": data.block})
    g.add_edges(data.src, data.dst)
    layout = g.viz.compute_layout("force_directed")
    gc.collect()
    out = {"n": data.n, "m": data.m, "rss_before": benchlib.status_bytes("VmRSS")}
    reset = benchlib.reset_peak_rss()
    t0 = time.perf_counter()
    png = g.viz.render("png", layout=layout, width=args.width, height=args.height)
    out["seconds"] = time.perf_counter() - t0
    hwm = benchlib.status_bytes("VmHWM") if reset else None
    out["peak_rss"] = hwm if hwm is not None else \
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out["peak_is_render_only"] = hwm is not None
    out["bytes"] = len(png)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
