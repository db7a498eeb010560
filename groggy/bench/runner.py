"""Runs the chosen areas' benchmarks one after the other with a progress bar, collects
their rows, and writes the report; a wrong answer or an error in any benchmark fails
the run (its report is still written, saying which one and why)."""
from __future__ import annotations

import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from groggy.bench import machine
from groggy.bench.areas import AREAS, area
from groggy.bench.checks import AnswerMismatch
from groggy.bench.context import Context
from groggy.bench.progress import RunProgress
from groggy.bench.sizes import SIZES


@dataclass
class Run:
    """A finished run: its rows, its failures ((area, case, message)), the machine."""

    size: str
    areas: list
    rows: list = field(default_factory=list)
    wrong: list = field(default_factory=list)      # engines disagreed
    errors: list = field(default_factory=list)     # a benchmark raised
    machine: dict = field(default_factory=dict)
    seconds: float = 0.0
    command: str = ""

    @property
    def ok(self) -> bool:
        return not self.wrong and not self.errors


def run(size: str = "small", only=None, out="bench-report", progress_stream=None,
        command: str = "") -> Run:
    """Run the benchmarks of ``only`` (area names; default all) at ``size`` and write
    ``out``/report.md, report.html, report.json and the plots. Returns the Run.

    Examples
    --------
    >>> import io, tempfile
    >>> done = run("tiny", only=["graph"], out=tempfile.mkdtemp(),
    ...            progress_stream=io.StringIO())
    >>> done.ok, sorted({row.area for row in done.rows})
    (True, ['graph'])
    """
    from groggy.bench.report import write
    if size not in SIZES:
        raise ValueError(f"--size must be one of {', '.join(SIZES)}, got {size!r}")
    areas = list(only) if only else list(AREAS)
    modules = {name: area(name) for name in areas}         # unknown names fail here
    cfg = SIZES[size]
    result = Run(size, areas, machine=machine.describe(), command=command)
    cases = [(name, label, fn) for name in areas for label, fn in modules[name].cases(cfg)]
    bar = RunProgress(len(cases), progress_stream)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="groggy-bench-") as tmp:
        ctx = Context(cfg, Path(tmp))
        try:
            for name, label, fn in cases:
                bar.advance(f"{name}: {label}")
                try:
                    row = fn(ctx)
                except AnswerMismatch as exc:
                    result.wrong.append((name, label, str(exc)))
                except Exception as exc:   # noqa: BLE001 - reported, and the run fails
                    result.errors.append((name, label, f"{type(exc).__name__}: {exc}\n"
                                          + traceback.format_exc(limit=4)))
                else:
                    result.rows.append(row)
        finally:
            ctx.close()
    bar.close()
    result.seconds = time.perf_counter() - start
    result.machine["load_end"] = machine.load_average()
    write(result, Path(out))
    return result
