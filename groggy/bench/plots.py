"""Plots of time against graph size (one line per engine, log-log), drawn with
matplotlib when it is installed; without it the report says so and has no plots."""
from __future__ import annotations

from pathlib import Path

from groggy.bench.sizes import label

COLORS = {"groggy": "#d9480f", "networkx": "#1c7ed6", "igraph": "#37b24d",
          "matplotlib": "#7048e8", "graphviz": "#868e96"}


def series(rows, plot: str) -> dict:
    """{engine: [(n, steady seconds), ...]} of the rows of one plot, sorted by size."""
    out: dict = {}
    for row in rows:
        if row.plot != plot:
            continue
        for engine, cell in (("groggy", row.groggy), *row.peers.items()):
            if cell.timing is not None:
                out.setdefault(engine, []).append((row.n, cell.timing.steady))
    return {e: sorted(points) for e, points in out.items()}


def draw(rows, out: Path, titles: dict) -> dict:
    """{plot: path} of the PNGs written (none when matplotlib is missing)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return {}
    written = {}
    for plot, title in titles.items():
        data = series(rows, plot)
        if not data:
            continue
        fig, ax = plt.subplots(figsize=(5.6, 3.8), dpi=100)
        for engine, points in data.items():
            xs, ys = zip(*points)
            ax.plot(xs, ys, marker="o", label=engine, color=COLORS.get(engine),
                    linewidth=2.2 if engine == "groggy" else 1.4)
        sizes = sorted({n for points in data.values() for n, _ in points})
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sizes, [label(n) for n in sizes])
        ax.minorticks_off()
        if len(sizes) == 1:
            ax.set_xlim(sizes[0] / 3, sizes[0] * 3)
        ax.set_xlabel("nodes (5 edges per node)")
        ax.set_ylabel("seconds (steady state)")
        ax.set_title(title)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(frameon=False)
        fig.tight_layout()
        path = out / f"plot-{plot}.png"
        fig.savefig(path)
        plt.close(fig)
        written[plot] = path
    return written
