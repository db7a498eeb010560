"""Shared helpers for the benchmarks: sizes, the fixed-seed graph, the peers' builders,
and the registry that turns recorded times into printed ratio lines.

Every benchmark records its best (minimum) time under a group; when the groggy case of a
group runs (it is parametrized last), it compares itself with the peers recorded in the
same run, prints one line per comparison and stores the figures in
``benchmark.extra_info``. The lines are printed again at the end of the session.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

import numpy as np

SCALE = float(os.environ.get("GROGGY_BENCH_SCALE", "1.0"))
N_NODES = max(100, round(1_000_000 * SCALE))
N_EDGES = max(500, round(5_000_000 * SCALE))
SEED = 20240601

# best time in seconds per group and case name, and the report lines, for this session
TIMES: dict[str, dict[str, float]] = {}
LINES: list[str] = []


# --------------------------------------------------------------------------- data

@dataclass
class GraphData:
    """An undirected simple graph as NumPy arrays: no self-loops, no repeated pairs."""

    n: int
    m: int
    nodes: dict   # age int64, score float64, label str (NumPy unicode array)
    src: np.ndarray
    dst: np.ndarray
    edges: dict   # weight float64, kind int64

    def size(self) -> str:
        return f"{self.n:,} nodes / {self.m:,} edges"


def make_graph_data(n: int, m: int, seed: int = SEED) -> GraphData:
    """A uniform random simple graph with attribute columns, the same for every seed."""
    rng = np.random.default_rng(seed)
    if m > n * (n - 1) // 2:
        raise ValueError(f"{m} edges do not fit in a simple graph of {n} nodes")
    keys = np.empty(0, dtype=np.int64)
    while keys.size < m:  # draw pairs, drop self-loops and repeats, until there are enough
        u = rng.integers(0, n, size=m + m // 10 + 100)
        v = rng.integers(0, n, size=u.size)
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        keep = lo != hi
        keys = np.unique(np.concatenate([keys, lo[keep] * n + hi[keep]]))
    keys = rng.permutation(keys)[:m]  # random edge order, not sorted
    lo, hi = keys // n, keys % n
    flip = rng.random(m) < 0.5
    src, dst = np.where(flip, hi, lo), np.where(flip, lo, hi)
    nodes = {"age": rng.integers(0, 100, size=n),
             "score": rng.random(n),
             "label": np.char.add("node-", np.arange(n).astype(str))}
    edges = {"weight": rng.random(m), "kind": rng.integers(0, 5, size=m)}
    return GraphData(n, m, nodes, src, dst, edges)


# --------------------------------------------------------------------------- builders
# Each takes the NumPy arrays and returns a graph with every attribute column, using the
# input form that engine takes fastest (measured: see README.md).

def build_groggy(data: GraphData):
    import groggy as gg
    g = gg.Graph()
    g.add_nodes(data.nodes)
    g.add_edges(data.src, data.dst, **data.edges)
    return g


def build_igraph(data: GraphData, attrs: bool = True):
    import igraph
    # a list of tuples is ~2.5x faster for igraph than an (m, 2) NumPy array
    g = igraph.Graph(data.n, list(zip(data.src.tolist(), data.dst.tolist())))
    if attrs:
        for name, values in data.nodes.items():
            g.vs[name] = values.tolist()
        for name, values in data.edges.items():
            g.es[name] = values.tolist()
    return g


def build_networkx(data: GraphData, attrs: bool = True):
    import networkx as nx
    g = nx.Graph()
    if not attrs:
        g.add_nodes_from(range(data.n))
        g.add_edges_from(zip(data.src.tolist(), data.dst.tolist()))
        return g
    names, cols = list(data.nodes), [c.tolist() for c in data.nodes.values()]
    g.add_nodes_from((i, dict(zip(names, row))) for i, row in enumerate(zip(*cols)))
    names, cols = list(data.edges), [c.tolist() for c in data.edges.values()]
    g.add_edges_from((u, v, dict(zip(names, row)))
                     for u, v, *row in zip(data.src.tolist(), data.dst.tolist(), *cols))
    return g


# --------------------------------------------------------------------------- reporting

def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def say(line: str) -> None:
    print("\n" + line, flush=True)
    LINES.append(line)


def record(benchmark, group: str, case: str) -> float | None:
    """Store the best time of the benchmark that just ran; None if benchmarks are off."""
    benchmark.extra_info["case"] = case
    if benchmark.stats is None:  # --benchmark-disable: the function ran once, untimed
        return None
    best = benchmark.stats.stats.min
    TIMES.setdefault(group, {})[case] = best
    benchmark.extra_info["best_s"] = best
    return best


def speedup(benchmark, group: str, peer: str, need: float, what: str) -> None:
    """Print and store groggy's speed-up over ``peer`` (peer time / groggy time) in
    ``group``; the target is met when the speed-up is at least ``need``."""
    times = TIMES.get(group, {})
    if "groggy" not in times or peer not in times:
        say(f"[{group}] {what}: groggy vs {peer}: not both measured in this run")
        return
    ours, theirs = times["groggy"], times[peer]
    ratio = theirs / ours
    met = ratio >= need
    say(f"[{group}] {what}: groggy {fmt_time(ours)} | {peer} {fmt_time(theirs)} | "
        f"speed-up {ratio:.2f}x (target >= {need:g}x: {'MET' if met else 'NOT MET'})")
    benchmark.extra_info.update({f"{peer}_s": theirs, f"speedup_vs_{peer}": ratio,
                                 f"target_vs_{peer}": need, f"met_vs_{peer}": met})


# --------------------------------------------------------------------------- memory

_RSS_PROBE = """
import json, sys, psutil
proc = psutil.Process()
import numpy, groggy as gg
before = proc.memory_info().rss
g = gg.open(sys.argv[1])
after_open = proc.memory_info().rss
text = repr(g.nodes.table())
after_repr = proc.memory_info().rss
print(json.dumps({"import": before, "open": after_open, "repr": after_repr}))
"""


def rss_after_open(path) -> dict:
    """RSS in bytes of a fresh interpreter after ``import groggy``, after ``gg.open(path)``
    and after ``repr(g.nodes.table())`` (so the numbers exclude anything built here)."""
    out = subprocess.run([sys.executable, "-c", _RSS_PROBE, str(path)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)
