"""Static export: groggy's Skia renderer against networkx.draw + matplotlib savefig (PNG)
and graphviz ``neato -n2`` (SVG, PDF; positions given), all drawing the same positions;
then groggy alone on a 100k-node / 500k-edge graph in a fresh process for time and peak
memory.

Graph: the layout benchmark's stochastic block model (``benchlib.make_sbm``), 10,000 x
GROGGY_BENCH_SCALE nodes, 5 edges per node, laid out once by groggy's force layout
outside every timed region; every engine draws those positions on a 1600 x 1200 canvas
(matplotlib: figsize 16 x 12 in at 100 dpi; graphviz: 1200 x 900 pt, positions in
points).

Target: groggy's PNG at least 10x faster than networkx + matplotlib. SVG and PDF are
reported beside graphviz with no target. Timings never fail a test; an output that is not
a valid file of the asked format does.
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import benchlib
import groggy as gg

N = max(500, round(10_000 * benchlib.SCALE))
M = 5 * N
WIDTH, HEIGHT = 1600, 1200
HERE = Path(__file__).resolve().parent
MB = 1 << 20
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# the same picture from both: matplotlib's node_size is a marker area in pt^2 at 100 dpi,
# so node_size=8 is a disc of sqrt(8) * 100 / 72 ~ 3.9 px; groggy's node_size is the
# diameter in points, one pixel each at the default 72 dpi
NX_NODE_SIZE = 8
NODE_PX = round(NX_NODE_SIZE ** 0.5 * 100 / 72, 1)

# engine -> (format, rounds); groggy's cases come after the peer they are compared with
CASES = {
    "networkx_png": ("png", 1),
    "groggy_png": ("png", 5),
    "neato_svg": ("svg", 1),
    "groggy_svg": ("svg", 5),
    "neato_pdf": ("pdf", 1),
    "groggy_pdf": ("pdf", 5),
}
WHAT = {
    "networkx_png": "networkx.draw + matplotlib savefig(png)",
    "neato_svg": "graphviz neato -n2 -Tsvg",
    "neato_pdf": "graphviz neato -n2 -Tpdf",
}


@pytest.fixture(scope="module")
def drawn():
    """(graph, layout, sbm): the SBM graph and one force layout of it."""
    sbm = benchlib.make_sbm(N, M, 20)
    g = gg.Graph()
    g.add_nodes({"block": sbm.block})
    g.add_edges(sbm.src, sbm.dst)
    return g, g.viz.compute_layout("force_directed"), sbm


def canvas_positions(layout, width: float, height: float, margin: float = 0.05):
    """Positions scaled into a width x height box (y up), keeping the aspect ratio."""
    pos = layout.node_positions
    lo, hi = pos.min(0), pos.max(0)
    scale = (1 - 2 * margin) * min(width / max(hi[0] - lo[0], 1e-12),
                                   height / max(hi[1] - lo[1], 1e-12))
    return (pos - (lo + hi) / 2) * scale + np.array([width / 2, height / 2])


def run_networkx(sbm, layout):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx
    g = nx.Graph()
    g.add_nodes_from(range(sbm.n))
    g.add_edges_from(zip(sbm.src.tolist(), sbm.dst.tolist()))
    pos = dict(enumerate(map(tuple, layout.node_positions.tolist())))

    def run():
        fig = plt.figure(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100)
        nx.draw(g, pos, ax=fig.add_axes((0, 0, 1, 1)), node_size=NX_NODE_SIZE, width=0.3,
                edge_color="#999999")
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=100)
        plt.close(fig)
        return out.getvalue()
    return run


def write_dot(sbm, layout, path: Path) -> None:
    """A DOT file with every node pinned at its position in points (for ``-n2``)."""
    pos = canvas_positions(layout, WIDTH * 0.75, HEIGHT * 0.75)
    with open(path, "w") as f:
        f.write(f'graph G {{\nnode [shape=circle, width={NODE_PX * 0.75 / 72:.3f}, '
                f'height={NODE_PX * 0.75 / 72:.3f}, fixedsize=true, '
                'label="", style=filled, fillcolor="#3e7cb1"];\n'
                'edge [color="#999999", penwidth=0.3];\n')
        f.writelines(f'{i} [pos="{x:.2f},{y:.2f}"];\n' for i, (x, y) in enumerate(pos))
        f.writelines(f"{u} -- {v};\n" for u, v in zip(sbm.src.tolist(), sbm.dst.tolist()))
        f.write("}\n")


def run_neato(fmt: str, dot: Path, out: Path):
    def run():
        subprocess.run(["neato", "-n2", f"-T{fmt}", str(dot), "-o", str(out)], check=True,
                       capture_output=True)
        return out.read_bytes()
    return run


def check_output(fmt: str, data: bytes) -> None:
    if fmt == "png":
        assert data.startswith(PNG_MAGIC), "not a PNG"
        assert int.from_bytes(data[16:20], "big") > 0
    elif fmt == "svg":
        assert b"<svg" in data[:2000], "not an SVG"
    else:
        assert data.startswith(b"%PDF"), "not a PDF"


@pytest.mark.parametrize("engine", list(CASES))
def test_export(benchmark, drawn, tmp_path, engine):
    g, layout, sbm = drawn
    fmt, rounds = CASES[engine]
    group = f"export-{fmt}"
    benchmark.group = group
    if engine == "networkx_png":
        pytest.importorskip("matplotlib")
        run = run_networkx(sbm, layout)
    elif engine.startswith("neato"):
        if shutil.which("neato") is None:
            benchlib.say(f"[{group}] {WHAT[engine]}: graphviz is not installed "
                         f"(apt-get install graphviz); no peer time")
            pytest.skip("graphviz is not installed")
        dot = tmp_path / "graph.dot"
        write_dot(sbm, layout, dot)
        run = run_neato(fmt, dot, tmp_path / f"graph.{fmt}")
    else:
        def run():
            return g.viz.render(fmt, layout=layout, width=WIDTH, height=HEIGHT,
                                node_size=NODE_PX)
    data = benchmark.pedantic(run, rounds=rounds)
    check_output(fmt, data)
    best = benchlib.record(benchmark, group, engine)
    if best is None:
        return
    benchmark.extra_info["bytes"] = len(data)
    name = WHAT.get(engine, f'groggy g.viz.render("{fmt}", layout=layout)')
    benchlib.say(f"[{group}] {name}, {sbm.size()}, {WIDTH}x{HEIGHT}: "
                 f"{benchlib.fmt_time(best)} (best of {rounds}), {len(data) / 1e6:.2f} MB")
    if engine.startswith("groggy"):
        peer = {"png": "networkx_png", "svg": "neato_svg", "pdf": "neato_pdf"}[fmt]
        benchlib.speedup(benchmark, group, peer, 10 if fmt == "png" else None,
                         f"{fmt.upper()} of {sbm.size()} from a given layout",
                         ours=engine)


N_BIG = round(100_000 * benchlib.SCALE)


def test_export_large(benchmark):
    """100k nodes / 500k edges to PNG in a fresh process: time and peak memory."""
    group = "export-large"
    benchmark.group = group
    cmd = [sys.executable, str(HERE / "export_probe.py"), str(N_BIG), str(5 * N_BIG)]

    def run():
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {out.returncode}:\n"
                               f"{out.stderr[-2000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])
    report = benchmark.pedantic(run, rounds=1)
    benchlib.record_time(benchmark, group, "groggy_png", report["seconds"])
    benchmark.extra_info.update(report)
    peak = "peak RSS during the render" if report["peak_is_render_only"] else \
        "peak RSS of the whole process"
    benchlib.say(
        f"[{group}] groggy PNG of {N_BIG:,} nodes / {5 * N_BIG:,} edges, {WIDTH}x{HEIGHT} "
        f"from a given layout: {benchlib.fmt_time(report['seconds'])}; RSS "
        f"{report['rss_before'] / MB:.0f} MB with graph and layout, {peak} "
        f"{report['peak_rss'] / MB:.0f} MB (+{(report['peak_rss'] - report['rss_before']) / MB:.0f}"
        f" MB); {report['bytes'] / 1e6:.2f} MB of PNG (no target)")
