"""A small progress bar on stderr for long work (building, saving), silent when not a TTY
unless forced, so logs and tests stay clean."""
from __future__ import annotations

import sys
import time


class Progress:
    """``with Progress("Building", total=5) as p: ...; p.advance()``.

    Examples
    --------
    >>> with Progress("work", total=2, enabled=False) as p:
    ...     p.advance(2)
    >>> p.done
    2
    """

    def __init__(self, label: str, total: int, enabled: bool | None = None, stream=None):
        self.label, self.total, self.done = label, max(int(total), 1), 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._start = time.perf_counter()

    def __enter__(self) -> "Progress":
        self._draw()
        return self

    def advance(self, steps: int = 1, note: str = "") -> None:
        self.done = min(self.total, self.done + steps)
        self._draw(note)

    def _draw(self, note: str = "") -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / self.total)
        elapsed = time.perf_counter() - self._start
        self.stream.write(f"\r{self.label:<22} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{100 * self.done // self.total:3d}% {elapsed:6.1f}s {note:<28}")
        self.stream.flush()

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
