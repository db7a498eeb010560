"""What a benchmark gives the report: one Row per measured question, with groggy's
timing, each peer's (or why it was skipped), the ratios, the target and the check."""
from __future__ import annotations

from dataclasses import dataclass, field

from groggy.bench.timing import Timing


@dataclass
class Cell:
    """One engine's result in a row: a timing, or the reason it was not measured, and
    its quality figures ({name: number})."""

    timing: Timing | None = None
    skipped: str | None = None
    figures: dict = field(default_factory=dict)


@dataclass
class Row:
    """One benchmark at one size. ``targets``: peer -> the speed-up groggy should reach
    (peer time / groggy time); ``plot``: the plot of time against size it belongs to."""

    area: str
    name: str
    size: str
    n: int
    groggy: Cell
    peers: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    check: str = ""
    plot: str | None = None

    def ratio(self, peer: str) -> float | None:
        """Speed-up over ``peer`` (its steady time / groggy's), None when not both ran."""
        cell = self.peers.get(peer)
        if cell is None or cell.timing is None or self.groggy.timing is None:
            return None
        return cell.timing.steady / max(self.groggy.timing.steady, 1e-12)

    def met(self, peer: str) -> bool | None:
        r, need = self.ratio(peer), self.targets.get(peer)
        return None if r is None or need is None else r >= need

    def as_dict(self) -> dict:
        def cell(c: Cell) -> dict:
            return {"timing": c.timing.as_dict() if c.timing else None,
                    "skipped": c.skipped, "figures": c.figures}
        return {"area": self.area, "name": self.name, "size": self.size, "n": self.n,
                "groggy": cell(self.groggy),
                "peers": {p: {**cell(c), "ratio": self.ratio(p), "target": self.targets.get(p),
                              "met": self.met(p)} for p, c in self.peers.items()},
                "check": self.check, "plot": self.plot}
