"""Hierarchical (layered) layout: groggy against igraph's Sugiyama layout on a random DAG
and against igraph's Reingold-Tilford tree layout on a random tree.

Graphs (seed fixed, 10,000 x GROGGY_BENCH_SCALE nodes, ids shuffled): ``benchlib.
make_layered_dag`` (40 layers, 1-3 parents per node, ~2 edges per node) and ``benchlib.
make_random_tree`` (a random recursive tree), both directed parent -> child.

Besides the times, each drawing gets: the share of edges that point downward (toward
higher layers; igraph puts layer k at y = k, groggy at y = -k, so igraph's y is negated
first) and an estimate of its straight-line edge crossings from random pairs of edges
(pairs that share an endpoint never count; collinear overlaps do not count). No
target is set; timings never fail a test, a layout with the wrong shape does.
"""
from __future__ import annotations

import numpy as np
import pytest

import benchlib
import groggy as gg

N = max(500, round(10_000 * benchlib.SCALE))
ROUNDS = {"igraph": 3, "groggy": 5}
PAIRS = 2_000_000          # random edge pairs for the crossing estimate
RESULTS: dict[str, dict] = {}


@pytest.fixture(scope="module")
def dag():
    src, dst, _ = benchlib.make_layered_dag(N)
    return src, dst, None


@pytest.fixture(scope="module")
def tree():
    return benchlib.make_random_tree(N)


def crossings(pos: np.ndarray, src: np.ndarray, dst: np.ndarray, pairs: int = PAIRS,
              seed: int = 0) -> tuple:
    """(estimated number of proper crossings of the straight-line edges, its standard
    error) from ``pairs`` random pairs of distinct edges; exact when there are fewer
    pairs than that."""
    m = src.size
    total = m * (m - 1) // 2
    if total == 0:
        return 0.0, 0.0
    rng = np.random.default_rng(seed)
    if total <= pairs:
        i, j = np.triu_indices(m, 1)
    else:
        i = rng.integers(0, m, pairs)
        j = rng.integers(0, m - 1, pairs)
        j += j >= i                       # a uniform pair of distinct edges
    hits = 0
    for lo in range(0, i.size, 1 << 19):
        a, b = src[i[lo:lo + (1 << 19)]], dst[i[lo:lo + (1 << 19)]]
        c, d = src[j[lo:lo + (1 << 19)]], dst[j[lo:lo + (1 << 19)]]
        shared = (a == c) | (a == d) | (b == c) | (b == d)
        pa, pb, pc, pd = pos[a], pos[b], pos[c], pos[d]

        def orient(p, q, r):
            return np.sign((q[:, 0] - p[:, 0]) * (r[:, 1] - p[:, 1]) -
                           (q[:, 1] - p[:, 1]) * (r[:, 0] - p[:, 0]))
        cross = (orient(pa, pb, pc) * orient(pa, pb, pd) < 0) & \
                (orient(pc, pd, pa) * orient(pc, pd, pb) < 0) & ~shared
        hits += int(cross.sum())
    p = hits / i.size
    if total <= pairs:
        return float(hits), 0.0
    return p * total, np.sqrt(p * (1 - p) / i.size) * total


def describe(pos: np.ndarray, src: np.ndarray, dst: np.ndarray) -> dict:
    est, err = crossings(pos, src, dst)
    return {"downward": float((pos[dst, 1] < pos[src, 1]).mean()),
            "crossings": est, "crossings_se": err}


def run_igraph(kind: str, src, dst, root):
    import igraph
    g = igraph.Graph(N, list(zip(src.tolist(), dst.tolist())), directed=True)
    if kind == "dag":
        def run():
            return np.asarray(g.layout_sugiyama().coords)[:N]
    else:
        def run():
            return np.asarray(g.layout_reingold_tilford(mode="out", root=[root]).coords)
    return run


def run_groggy(src, dst):
    g = gg.Graph(directed=True)
    g.add_nodes(N)
    g.add_edges(src, dst)
    return lambda: g.viz.compute_layout("hierarchical").node_positions


PEER = {"dag": "igraph layout_sugiyama()",
        "tree": 'igraph layout_reingold_tilford(mode="out", root=[root])'}


@pytest.mark.parametrize("engine", list(ROUNDS))  # groggy last: it reports the ratio
@pytest.mark.parametrize("kind", ["dag", "tree"])
def test_hierarchical_layout(benchmark, request, kind, engine):
    group = f"hierarchical-{kind}"
    benchmark.group = group
    src, dst, root = request.getfixturevalue(kind)
    run = run_igraph(kind, src, dst, root) if engine == "igraph" else run_groggy(src, dst)
    pos = benchmark.pedantic(run, rounds=ROUNDS[engine])
    assert pos.shape == (N, 2) and np.isfinite(pos).all(), \
        f"{engine} gave positions of shape {pos.shape} (or non-finite ones)"
    if engine == "igraph":
        pos = pos * [1.0, -1.0]  # igraph: layer k at y = k; groggy: y = -k
    best = benchlib.record(benchmark, group, engine)
    figures = RESULTS.setdefault(kind, {})[engine] = describe(pos, src, dst)
    benchmark.extra_info.update(figures)
    name = PEER[kind] if engine == "igraph" else 'groggy compute_layout("hierarchical")'
    size = f"{N:,} nodes / {src.size:,} edges"
    est = figures["crossings"]
    cross = (f"{est:,.0f} crossings" if figures["crossings_se"] == 0 else
             f"~{est:,.0f} ± {figures['crossings_se']:,.0f} crossings (from "
             f"{PAIRS:,} random edge pairs)")
    if best is not None:
        benchlib.say(f"[{group}] {name} on a random {kind} of {size}: "
                     f"{benchlib.fmt_time(best)} (best of {ROUNDS[engine]}); "
                     f"{figures['downward']:.1%} of edges point downward; {cross}")
    if engine == "groggy":
        benchlib.speedup(benchmark, group, "igraph", None,
                         f"hierarchical layout of a random {kind} of {size}")
