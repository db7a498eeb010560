"""The run sizes of ``python -m groggy bench --size``: how big each area's data is, the
sizes of the time-against-size plots, and up to which size the slow peers run."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Size:
    name: str
    sweep: tuple          # graph sizes (nodes; 5 edges per node) for build and components
    layout: tuple         # graph sizes for the force layout
    export: tuple         # graph sizes for the static export
    rows: int             # rows of the table benchmarks (tables, group-by, streaming)
    view: int             # nodes of the graph view benchmark
    requests: int         # round trips timed in the streaming area
    caps: dict = field(default_factory=dict)   # peer -> the largest graph it runs on
    budget: float = 2.0   # seconds of steady-state repeats per case
    pages: int = 4        # page loads timed in the browser benchmarks
    windows: int = 1_000  # windows served per call in the window benchmarks


SIZES = {
    # networkx's spring_layout switches to a slower optimiser from 500 nodes on
    "tiny": Size("tiny", (1_000,), (400,), (400,), 20_000, 1_000, 100, budget=0.3,
                 pages=2, windows=100),
    "small": Size("small", (1_000, 10_000, 100_000), (1_000, 10_000), (1_000, 10_000),
                  1_000_000, 10_000, 300, caps={"networkx-layout": 1_000}, budget=1.0),
    "medium": Size("medium", (1_000, 10_000, 100_000, 1_000_000), (1_000, 10_000, 100_000),
                   (1_000, 10_000, 100_000), 1_000_000, 100_000, 1_000,
                   caps={"networkx": 100_000, "networkx-layout": 10_000,
                         "matplotlib": 10_000}, budget=2.0),
    "large": Size("large", (1_000, 10_000, 100_000, 1_000_000), (1_000, 10_000, 100_000,
                                                               1_000_000),
                  (1_000, 10_000, 100_000, 1_000_000), 1_000_000, 100_000, 1_000,
                  caps={"networkx-layout": 10_000, "igraph-layout": 100_000,
                        "matplotlib": 100_000}, budget=3.0),
}


def label(n: int) -> str:
    """A size as the report writes it.

    Examples
    --------
    >>> label(1_000), label(1_000_000), label(2_500)
    ('1k', '1M', '2,500')
    """
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return f"{n:,}"
