"""Hierarchical (layered) layout: groggy against igraph and graphviz ``dot`` on a random
tree and a random DAG, at 1,000 and 10,000 nodes (x GROGGY_BENCH_SCALE), in one run.

Graphs (seed fixed, ids shuffled, edges parent -> child): ``benchlib.make_random_tree``
(a random recursive tree) and ``benchlib.make_layered_dag`` (40 layers, 1-3 parents
per node, ~2 edges per node, 30% of edges spanning 2-4 layers).

Engines: groggy ``compute_layout("hierarchical")`` (tidy tree / Sugiyama with bends;
its default x placement, and ``placement="brandes-koepf"`` forced, which a tree ignores);
igraph ``layout_reingold_tilford(mode="out", root=[root])`` for the tree and
``layout_sugiyama()`` for the DAG (igraph 1.0 returns no dummy vertices, so its long
edges are straight lines, as igraph draws them); graphviz ``dot -Tplain`` run as a subprocess (its time includes writing the
input, starting the process and reading the output; edges are the polylines through
its spline control points).

Figures for every drawing, computed here the same way for all three:
- crossings: each edge's drawn polyline (node centre, bends or control points, node
  centre) is cut at every layer line it spans (a layer line: the y of a layer's
  nodes); between two neighbouring layer lines, two edges cross when their order
  swaps (strictly: edges leaving one node never count). Counted exactly with a
  Fenwick tree per layer gap.
- area: width x height in units of the drawing's own spacing (the least distance
  between two neighbours on a layer, and between two layer lines), so a drawing twice
  as wide for the same node spacing has twice the width.
Times are the best of ``ROUNDS`` (first call printed separately); nothing here fails on
time; a layout of the wrong shape, or edges not pointing down, fails.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

import benchlib
import groggy as gg

SIZES = [max(200, round(k * benchlib.SCALE)) for k in (1_000, 10_000)]
ROUNDS = {"dot": 1, "igraph": 3, "groggy": 5}
DOT = shutil.which("dot")
DOT_TIMEOUT = float(os.environ.get("GROGGY_DOT_TIMEOUT", 900))   # seconds: dot is slow
RESULTS: dict = {}


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n}")
def size(request):
    return request.param


def graph_of(kind: str, n: int) -> tuple:
    """(src, dst, root or None)."""
    if kind == "tree":
        return benchlib.make_random_tree(n)
    src, dst, _ = benchlib.make_layered_dag(n)
    return src, dst, None


# --------------------------------------------------------------------------- figures

def _fenwick_inversions(top: np.ndarray, bottom: np.ndarray) -> int:
    """Pairs with top_i < top_j and bottom_i > bottom_j (both strict)."""
    if top.size < 2:
        return 0
    ranks = np.unique(bottom, return_inverse=True)[1].ravel() + 1
    size = int(ranks.max())
    tree = [0] * (size + 1)
    order = np.lexsort((bottom, top))
    t, r = top[order].tolist(), ranks[order].tolist()
    count = seen = 0
    i = 0
    while i < len(t):
        j = i
        while j < len(t) and t[j] == t[i]:            # a group of equal tops: query all,
            k, below = r[j], 0                        # then insert all
            while k > 0:
                below += tree[k]
                k -= k & -k
            count += seen - below                     # earlier edges ending further right
            j += 1
        for q in range(i, j):
            k = r[q]
            while k <= size:
                tree[k] += 1
                k += k & -k
        seen += j - i
        i = j
    return count


def layered_figures(pos: np.ndarray, src: np.ndarray, dst: np.ndarray,
                    polylines: list) -> dict:
    """Crossings and area of a layered drawing with layer 0 at the top (largest y);
    ``polylines[e]`` are edge e's points from source to target (ends included)."""
    ys = np.unique(np.round(pos[:, 1], 6))[::-1]        # layer lines, top first
    gap, top, bottom = [], [], []
    for line in polylines:
        py, px = line[:, 1], line[:, 0]
        if py[0] < py[-1]:
            py, px = py[::-1], px[::-1]                  # walk downward
        inside = ys[(ys <= py[0] + 1e-6) & (ys >= py[-1] - 1e-6)]
        if inside.size < 2:
            continue
        x = np.interp(-inside, -py, px)                   # -y increases along the walk
        k0 = int(np.searchsorted(-ys, -inside[0] - 1e-6))
        gap.extend(range(k0, k0 + inside.size - 1))
        top.extend(x[:-1].tolist())
        bottom.extend(x[1:].tolist())
    gap, top, bottom = np.array(gap), np.round(top, 6), np.round(bottom, 6)
    crossings = sum(_fenwick_inversions(top[gap == k], bottom[gap == k])
                    for k in np.unique(gap))
    # the drawing's own units: least gap between neighbours on a layer, between layers
    order = np.lexsort((pos[:, 0], np.round(pos[:, 1], 6)))
    same = np.diff(np.round(pos[order, 1], 6)) == 0
    dx = np.diff(pos[order, 0])[same]
    unit_x = float(dx[dx > 1e-9].min()) if (dx > 1e-9).any() else 1.0
    unit_y = float(np.diff(ys[::-1]).min()) if ys.size > 1 else 1.0
    width = float(np.ptp(pos[:, 0])) / unit_x + 1
    height = float(np.ptp(pos[:, 1])) / unit_y + 1
    return {"crossings": int(crossings), "width": width, "height": height,
            "area": width * height,
            "downward": float((pos[dst, 1] < pos[src, 1]).mean())}


# --------------------------------------------------------------------------- engines

def run_groggy(kind, n, src, dst, root, **params):
    g = gg.Graph(directed=True)
    g.add_nodes(n)
    g.add_edges(src, dst)

    def run():
        lay = g.viz.compute_layout("hierarchical", **params)
        pos = lay.node_positions
        if lay.edge_bends is None:
            return pos, [np.array([pos[a], pos[b]]) for a, b in zip(src, dst)]
        offsets, points = lay.edge_bends.for_edges(np.arange(src.size))
        return pos, [np.vstack([pos[a], points[offsets[e]:offsets[e + 1]], pos[b]])
                     for e, (a, b) in enumerate(zip(src.tolist(), dst.tolist()))]
    return run


def run_igraph(kind, n, src, dst, root):
    import igraph
    g = igraph.Graph(n, list(zip(src.tolist(), dst.tolist())), directed=True)

    def run():
        if kind == "tree":
            pos = np.asarray(g.layout_reingold_tilford(mode="out", root=[root]).coords)
            pos = pos * [1.0, -1.0]                       # igraph: layer k at y = k
            return pos, [np.array([pos[a], pos[b]]) for a, b in zip(src, dst)]
        # igraph 1.0 returns no dummy vertices (nor the extended graph), so its long
        # edges are the straight lines igraph itself draws
        pos = np.asarray(g.layout_sugiyama().coords)[:n] * [1.0, -1.0]
        return pos, [np.array([pos[a], pos[b]]) for a, b in zip(src, dst)]
    return run


def run_dot(kind, n, src, dst, root):
    def run():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "g.dot"
            lines = ["digraph G {", "node [shape=point, width=0.05];"]
            lines += [f"{a} -> {b};" for a, b in zip(src.tolist(), dst.tolist())]
            lines += [f"{v};" for v in range(n)]
            path.write_text("\n".join(lines) + "}\n")
            out = subprocess.run([DOT, "-Tplain", str(path)], capture_output=True,
                                 text=True, timeout=DOT_TIMEOUT, check=True).stdout
        pos = np.zeros((n, 2))
        curves = {}
        for line in out.splitlines():
            part = line.split()
            if part[0] == "node":
                pos[int(part[1])] = float(part[2]), float(part[3])
            elif part[0] == "edge":
                k = int(part[3])
                pts = np.array(part[4:4 + 2 * k], dtype=float).reshape(k, 2)
                curves.setdefault((int(part[1]), int(part[2])), []).append(pts)
        polylines = []
        for a, b in zip(src.tolist(), dst.tolist()):
            pts = curves[(a, b)].pop()
            polylines.append(np.vstack([pos[a], pts, pos[b]]))
        return pos, polylines
    return run


def run_groggy_bk(kind, n, src, dst, root):
    return run_groggy(kind, n, src, dst, root, placement="brandes-koepf")


ENGINES = {"dot": run_dot, "igraph": run_igraph, "groggy-bk": run_groggy_bk,
           "groggy": run_groggy}
NAMES = {"dot": "graphviz dot -Tplain", "igraph": "igraph",
         "groggy-bk": "groggy placement='brandes-koepf'", "groggy": "groggy"}
ROUNDS["groggy-bk"] = ROUNDS["groggy"]


@pytest.mark.parametrize("engine", list(ENGINES))  # groggy last: it reports the ratios
@pytest.mark.parametrize("kind", ["tree", "dag"])
def test_hierarchical_layout(benchmark, kind, engine, size):
    if engine == "dot" and DOT is None:
        pytest.skip("graphviz dot is not installed")
    if engine == "igraph":
        pytest.importorskip("igraph")
    group = f"hierarchical-{kind}-{size}"
    benchmark.group = group
    src, dst, root = graph_of(kind, size)
    run = ENGINES[engine](kind, size, src, dst, root)
    started = time.perf_counter()
    try:
        pos, polylines = run()
    except subprocess.TimeoutExpired:
        benchlib.say(f"[{group}] {NAMES[engine]}: no drawing within {DOT_TIMEOUT:.0f} s")
        pytest.skip("dot timed out")
    first = time.perf_counter() - started
    assert pos.shape == (size, 2) and np.isfinite(pos).all(), \
        f"{engine} gave positions of shape {pos.shape} (or non-finite ones)"
    if engine == "dot":
        best = benchlib.record_time(benchmark, group, engine, first)
        benchmark.pedantic(lambda: None, rounds=1)
    else:
        benchmark.pedantic(run, rounds=ROUNDS[engine])
        best = benchlib.record(benchmark, group, engine)
    figures = layered_figures(pos, src, dst, polylines)
    assert figures["downward"] == 1.0, f"{engine}: not every edge points down"
    RESULTS.setdefault(group, {})[engine] = figures
    benchmark.extra_info.update(figures, first_s=first)
    if best is not None:
        benchlib.say(f"[{group}] {NAMES[engine]} on a random {kind} of {size:,} nodes / "
                     f"{src.size:,} edges: first {benchlib.fmt_time(first)}, best "
                     f"{benchlib.fmt_time(best)}; {figures['crossings']:,} crossings; "
                     f"area {figures['width']:,.0f} x {figures['height']:,.0f} = "
                     f"{figures['area']:,.0f} (units of its node and layer spacing)")
    if engine == "groggy":
        for peer in ("igraph", "dot", "groggy-bk"):
            benchlib.speedup(benchmark, group, peer, None,
                             f"hierarchical layout of a random {kind} of {size:,} nodes")
            theirs = RESULTS[group].get(peer)
            if theirs is not None:
                benchlib.say(
                    f"[{group}] groggy / {peer}: crossings {figures['crossings']:,} / "
                    f"{theirs['crossings']:,}; area ratio "
                    f"{figures['area'] / theirs['area']:.2f}; width ratio "
                    f"{figures['width'] / theirs['width']:.2f}")
