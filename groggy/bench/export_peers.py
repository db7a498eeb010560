"""The export benchmarks' peers, drawing the same positions as groggy's default style:
networkx.draw + matplotlib ``savefig`` (PNG, SVG, PDF) and graphviz ``neato -n2`` on a
DOT file with every node pinned (``-Tpng``/``-Tsvg``/``-Tpdf``).

Same look as groggy's default: the node diameter groggy picks for the page
(``style.default_node_size``), the light theme's node, outline and edge colours, 1-pixel
edges. Sizes: groggy draws ``width`` x ``height`` points at 72 dpi (1 pt = 1 px);
matplotlib gets a ``width/100`` x ``height/100`` inch figure at 100 dpi (a marker's
``node_size`` is its area in pt^2, so a disc of ``d`` px is ``(d * 72 / 100)^2``);
graphviz gets ``0.75 * width`` x ``0.75 * height`` points, which it rasterizes at 96 dpi.
"""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np

from groggy.themes import get_theme
from groggy.viz.style import default_node_size


def node_px(n: int, width: float, height: float) -> float:
    """groggy's default node diameter in pixels for n nodes on a width x height page."""
    return default_node_size(n, width, height)


def canvas_positions(layout, width: float, height: float, margin: float = 0.05):
    """Positions scaled into a width x height box (y up), keeping the aspect ratio."""
    pos = layout.node_positions
    lo, hi = pos.min(0), pos.max(0)
    scale = (1 - 2 * margin) * min(width / max(hi[0] - lo[0], 1e-12),
                                   height / max(hi[1] - lo[1], 1e-12))
    return (pos - (lo + hi) / 2) * scale + np.array([width / 2, height / 2])


def networkx_drawer(sbm, layout, fmt: str, width: int, height: int,
                    diameter_px: float | None = None):
    """A function drawing the graph with nx.draw and returning the file's bytes (the
    networkx graph and the imports are made here, outside the timing)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx
    theme = get_theme("light")
    d = diameter_px if diameter_px is not None else node_px(sbm.n, width, height)
    g = nx.Graph()
    g.add_nodes_from(range(sbm.n))
    g.add_edges_from(zip(sbm.src.tolist(), sbm.dst.tolist()))
    pos = dict(enumerate(map(tuple, layout.node_positions.tolist())))
    ring = float(np.clip(0.08 * d, 0.5, 1.5)) * 0.72   # groggy's outline, px -> pt

    def run():
        fig = plt.figure(figsize=(width / 100, height / 100), dpi=100)
        nx.draw(g, pos, ax=fig.add_axes((0, 0, 1, 1)), node_size=(d * 0.72) ** 2,
                node_color=theme["node"], edgecolors=theme["node_stroke"],
                linewidths=ring, width=0.72, edge_color=theme["edge"])
        out = io.BytesIO()
        fig.savefig(out, format=fmt, dpi=100)
        plt.close(fig)
        return out.getvalue()
    return run


def write_dot(sbm, layout, path: Path, width: int, height: int,
              diameter_px: float | None = None) -> None:
    """A DOT file with every node pinned at its position in points (for ``-n2``)."""
    theme = get_theme("light")
    d = diameter_px if diameter_px is not None else node_px(sbm.n, width, height)
    pos = canvas_positions(layout, width * 0.75, height * 0.75)
    inches = d * 0.75 / 72
    with open(path, "w") as f:
        f.write(f'graph G {{\nnode [shape=circle, width={inches:.3f}, height={inches:.3f}, '
                f'fixedsize=true, label="", style=filled, fillcolor="{theme["node"]}", '
                f'color="{theme["node_stroke"]}", penwidth=0.5];\n'
                f'edge [color="{theme["edge"]}", penwidth=0.75];\n')
        f.writelines(f'{i} [pos="{x:.2f},{y:.2f}"];\n' for i, (x, y) in enumerate(pos))
        f.writelines(f"{u} -- {v};\n" for u, v in zip(sbm.src.tolist(), sbm.dst.tolist()))
        f.write("}\n")


def neato_runner(fmt: str, dot: Path, out: Path):
    def run():
        subprocess.run(["neato", "-n2", f"-T{fmt}", str(dot), "-o", str(out)], check=True,
                       capture_output=True)
        return out.read_bytes()
    return run
