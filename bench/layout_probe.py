"""One layout of a stochastic block model graph in a fresh interpreter: prints one JSON
line with the layout's time, the process's resident memory before it and at its peak,
and (``--quality``) the layout's quality figures. ``test_layout.py`` runs it for the
large graphs, so that each measurement has a process to itself.

    python bench/layout_probe.py groggy 1000000 5000000 --quality
    python bench/layout_probe.py igraph_fr 100000 500000 --status /tmp/st.json

The peak is the kernel's high-water mark of the process (``VmHWM``), reset just before
the layout (``/proc/self/clear_refs``), so it is the layout's own peak over the graph
already built; where the reset is refused it is ``ru_maxrss`` (the whole process).
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

import numpy as np  # noqa: E402

import benchlib  # noqa: E402


def _groggy_graph(data):
    import groggy as gg
    g = gg.Graph()
    g.add_nodes(data.n)
    g.add_edges(data.src, data.dst)
    return g


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("engine", choices=["groggy", "igraph_fr"])
    ap.add_argument("n", type=int)
    ap.add_argument("m", type=int)
    ap.add_argument("--blocks", type=int, default=20)
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--status", help="file to write {'started': time} to when the "
                    "layout starts (the caller's timeout counts from there)")
    args = ap.parse_args()

    data = benchlib.make_sbm(args.n, args.m, args.blocks)
    if args.engine == "groggy":
        g = _groggy_graph(data)

        def run():
            return g.viz.compute_layout("force_directed").node_positions
    else:
        import igraph
        ig = igraph.Graph(data.n, list(zip(data.src.tolist(), data.dst.tolist())))

        def run():
            return np.asarray(ig.layout_fruchterman_reingold(niter=500).coords)

    gc.collect()
    out = {"engine": args.engine, "n": data.n, "m": data.m, "cpus": os.cpu_count(),
           "load_before": os.getloadavg()[0], "rss_before": benchlib.status_bytes("VmRSS")}
    reset = benchlib.reset_peak_rss()
    if args.status:
        with open(args.status, "w") as f:
            json.dump({"started": time.time()}, f)
    t0 = time.perf_counter()
    pos = run()
    out["seconds"] = time.perf_counter() - t0
    out["load_after"] = os.getloadavg()[0]
    hwm = benchlib.status_bytes("VmHWM") if reset else None
    out["peak_rss"] = hwm if hwm is not None else \
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out["peak_is_layout_only"] = hwm is not None
    print(json.dumps(out), flush=True)
    if args.quality:
        from groggy.viz import metrics
        graph = g if args.engine == "groggy" else _groggy_graph(data)
        t0 = time.perf_counter()
        out["quality"] = metrics.quality(graph.viz.graph_input(), pos, data.block)
        out["quality_seconds"] = time.perf_counter() - t0
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
