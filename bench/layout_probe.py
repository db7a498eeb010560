"""One layout of a stochastic block model graph (or, ``--graph rgg``, a random geometric
graph of about ``m`` edges) in a fresh interpreter: prints one JSON line with the
layout's time, the process's resident memory before it and at its peak, and
(``--quality``) the layout's quality figures. ``--steady K`` runs the layout K more
times and adds the best of those (``steady``) beside the first call (``seconds``).
``test_layout.py`` runs it for the large graphs and for the model comparison, so that
each measurement has a process to itself (and a first call that is really the first).

    python bench/layout_probe.py groggy 1000000 5000000 --quality
    python bench/layout_probe.py igraph_fr 100000 500000 --status /tmp/st.json
    python bench/layout_probe.py groggy_linlog 10000 50000 --graph rgg --steady 3 --quality

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


def _sfdp(data):
    """graphviz sfdp on a DOT file written outside the timed call; positions read back
    from its ``-Tplain`` output (node lines: ``node name x y ...``)."""
    import subprocess
    import tempfile
    folder = tempfile.mkdtemp()
    dot = os.path.join(folder, "g.dot")
    with open(dot, "w") as f:
        f.write("graph G {\nnode [shape=point];\n")
        f.write("".join(f"{u} -- {v};\n" for u, v in zip(data.src.tolist(),
                                                         data.dst.tolist())))
        f.write("".join(f"{i};\n" for i in range(data.n)))
        f.write("}\n")

    def run():
        out = subprocess.run(["sfdp", "-Tplain", dot], capture_output=True, text=True,
                             check=True).stdout
        pos = np.zeros((data.n, 2))
        for line in out.splitlines():
            if line.startswith("node "):
                _, name, x, y = line.split()[:4]
                pos[int(name)] = float(x), float(y)
        return pos
    return run


def make_run(engine: str, data):
    """The function to time (the engine's own graph is built outside it)."""
    if engine in ("groggy", "groggy_linlog"):
        g = _groggy_graph(data)
        model = "linlog" if engine == "groggy_linlog" else "default"
        return lambda: g.viz.compute_layout("force_directed", model=model).node_positions
    if engine == "sfdp":
        return _sfdp(data)
    if engine == "fa2":
        import fa2_modified
        import scipy.sparse as sp
        a = sp.coo_matrix((np.ones(data.m), (data.src, data.dst)), shape=(data.n, data.n))
        a = (a + a.T).tocsr()
        return lambda: np.asarray(fa2_modified.ForceAtlas2(verbose=False)
                                  .forceatlas2(a, iterations=100))
    import igraph
    ig = igraph.Graph(data.n, list(zip(data.src.tolist(), data.dst.tolist())))
    if engine == "igraph_drl":
        return lambda: np.asarray(ig.layout_drl().coords)
    return lambda: np.asarray(ig.layout_fruchterman_reingold(niter=500).coords)


ENGINES = ["groggy", "groggy_linlog", "igraph_fr", "igraph_drl", "fa2", "sfdp"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("engine", choices=ENGINES)
    ap.add_argument("n", type=int)
    ap.add_argument("m", type=int)
    ap.add_argument("--graph", choices=["sbm", "rgg"], default="sbm")
    ap.add_argument("--blocks", type=int, default=20)
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--steady", type=int, default=0,
                    help="time this many more layouts and report the best")
    ap.add_argument("--status", help="file to write {'started': time} to when the "
                    "layout starts (the caller's timeout counts from there)")
    args = ap.parse_args()

    data = benchlib.make_sbm(args.n, args.m, args.blocks) if args.graph == "sbm" else \
        benchlib.make_rgg(args.n, args.m)
    run = make_run(args.engine, data)

    gc.collect()
    out = {"engine": args.engine, "n": data.n, "m": data.m, "cpus": os.cpu_count(),
           "load_before": os.getloadavg()[0], "rss_before": benchlib.status_bytes("VmRSS")}
    reset = benchlib.reset_peak_rss()
    if args.status:
        with open(args.status, "w") as f:
            json.dump({"started": time.time()}, f)
    t0, cpu0 = time.perf_counter(), os.times()
    pos = run()
    out["seconds"] = time.perf_counter() - t0
    cpu1 = os.times()   # CPU time of every thread: less moved by other work than seconds
    out["cpu_seconds"] = cpu1.user + cpu1.system - cpu0.user - cpu0.system
    out["load_after"] = os.getloadavg()[0]
    hwm = benchlib.status_bytes("VmHWM") if reset else None
    out["peak_rss"] = hwm if hwm is not None else \
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out["peak_is_layout_only"] = hwm is not None
    steady = []
    for _ in range(args.steady):
        t0 = time.perf_counter()
        run()
        steady.append(time.perf_counter() - t0)
    if steady:
        out["steady"] = min(steady)
    print(json.dumps(out), flush=True)
    if args.quality:
        from groggy.viz import metrics
        graph = _groggy_graph(data).viz.graph_input()
        t0 = time.perf_counter()
        out["quality"] = metrics.quality(graph, pos, data.block, pairs=20_000,
                                         sample=min(data.n, 10_000))
        if data.truth is not None:  # the stress of the true positions, for scale
            out["quality"]["truth_stress"] = metrics.normalized_stress(graph, data.truth,
                                                                       pairs=20_000)
        out["quality_seconds"] = time.perf_counter() - t0
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
