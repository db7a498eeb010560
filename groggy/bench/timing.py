"""How every benchmark of the report is timed: the first call on its own (caches cold,
lazy imports done), then the steady state, the best and the median of a few more calls,
as many as fit in a small time budget (a slow peer runs once: its one time is both)."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass
class Timing:
    """Seconds: ``first`` call, ``best`` and ``median`` of the ``runs`` calls after it
    (equal to ``first`` when there were none). ``steady`` is what ratios compare."""

    first: float
    best: float
    median: float
    runs: int
    label: str = "best"     # what ``steady`` is: "best" of runs, or "p50" of requests

    @property
    def steady(self) -> float:
        return self.best

    def as_dict(self) -> dict:
        return {"first_s": self.first, "best_s": self.best, "median_s": self.median,
                "runs": self.runs, "label": self.label}


def measure(fn, rounds: int = 5, budget: float = 2.0, per: int = 1, at_least: int = 0):
    """(Timing, the first call's result): ``fn()`` once, then up to ``rounds`` more calls
    while their total stays under ``budget`` seconds (at least one when the first took
    under a second, and ``at_least`` in any case, so that steady never holds a first
    call's imports). ``per``: operations in one call (times are per operation)."""
    t0 = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t0
    times = []
    spent = 0.0
    while len(times) < rounds:
        if len(times) >= at_least and (times and spent + times[-1] > budget
                                       or not times and first > max(budget, 1.0)):
            break
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        spent += times[-1]
    steady = times or [first]
    return Timing(first / per, min(steady) / per, statistics.median(steady) / per,
                  len(times)), out


def latency(samples, first: float | None = None) -> Timing:
    """A Timing over per-request latencies (seconds, in the order they were made):
    first is the first request (or ``first``), steady their median (p50)."""
    p50 = statistics.median(samples)
    return Timing(samples[0] if first is None else first, p50, p50, len(samples),
                  label="p50")


def percentile(samples, q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"
