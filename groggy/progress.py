"""Progress for long work (building, laying out, verifying, saving): a tqdm bar on a
terminal, tqdm's widget in a notebook, plain lines when the output is piped to a file or
another program (so logs show how far a long run got), and nothing unless asked or on a
terminal, so scripts and tests stay quiet.

A bar counts units of work, not steps: callers give each stage its estimated cost, so
that the bar moves in proportion to the time the work takes.
"""
from __future__ import annotations

import os
import sys
import time

LINE_EVERY = 1.0       # seconds between plain progress lines
LINE_STEP = 10         # ... or every this many percent, whichever comes first
# the units are estimates of work, not items: no count or rate
FORMAT = "{l_bar}{bar}| [{elapsed}<{remaining}{postfix}]"


class Progress:
    """``with Progress("Building", total=5) as p: ...; p.advance()``.

    ``enabled``: True shows progress on ``stream`` (stderr), as a bar on a terminal or in a
    notebook and as plain lines otherwise; None shows it only on a terminal or in a
    notebook; False never.

    Examples
    --------
    >>> with Progress("work", total=2, enabled=False) as p:
    ...     p.advance(2)
    >>> p.done
    2
    >>> import io
    >>> out = io.StringIO()
    >>> with Progress("work", total=4, enabled=True, stream=out) as p:
    ...     p.advance(1, note="first"); p.advance(3)
    >>> print(out.getvalue().splitlines()[-1])  # doctest: +ELLIPSIS
    work: 100%|...| [...]
    """

    def __init__(self, label: str, total: int, enabled: bool | None = None, stream=None):
        self.label, self.total, self.done = label, max(int(total), 1), 0
        own_stream = stream is None
        self.stream = sys.stderr if own_stream else stream
        terminal = _isatty(self.stream) or (own_stream and _notebook())
        self.enabled = terminal if enabled is None else bool(enabled)
        self._bar = None
        self._lines = self.enabled and not terminal   # piped: plain lines
        self._start = self._last_line = time.perf_counter()
        self._last_percent, self._ended = -1, False

    def __enter__(self) -> "Progress":
        if self.enabled and not self._lines:
            # a terminal that reports no size (a bare pty) would get no bar at all: tqdm
            # hides bars below the screen's last row, and that is row 0
            sized = _columns(self.stream) > 0
            self._bar = _tqdm()(total=self.total, desc=self.label, file=self.stream,
                                 bar_format=FORMAT, leave=True, dynamic_ncols=sized,
                                 ncols=None if sized else 80, nrows=None if sized else 24)
        self._line("")
        return self

    def advance(self, steps: int = 1, note: str = "") -> None:
        steps = max(0, min(int(steps), self.total - self.done))
        self.done += steps
        if self._bar is not None:
            if note:
                self._bar.set_postfix_str(note, refresh=False)
            self._bar.update(steps)
        self._line(note)

    def advance_to(self, done: int, note: str = "") -> None:
        """Move to ``done`` units (never backwards): the end of a stage whose own ticks
        fell short of its estimate."""
        self.advance(int(done) - self.done, note)

    def _line(self, note: str) -> None:
        """A plain line when piped: at the start, every ``LINE_STEP`` percent or
        ``LINE_EVERY`` seconds, and at 100%."""
        if not self._lines:
            return
        now = time.perf_counter()
        percent = 100 * self.done // self.total
        final = self.done >= self.total
        due = final or self._last_percent < 0 or percent >= self._last_percent + LINE_STEP \
            or (percent > self._last_percent and now - self._last_line >= LINE_EVERY)
        if self._ended or not due:
            return
        self._ended = final
        self._last_line, self._last_percent = now, percent
        meter = _tqdm().format_meter(self.done, self.total, now - self._start, ncols=80,
                                  prefix=self.label, ascii=True, bar_format=FORMAT,
                                  postfix=note or None)
        self.stream.write(meter + "\n")
        self.stream.flush()

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.close()


def _tqdm():
    """tqdm.auto's bar class, imported on first use: the import costs ~0.1-0.5 s (tqdm
    reads its version through importlib.metadata), which ``import groggy`` would
    otherwise pay in every process, bar or no bar."""
    from tqdm.auto import tqdm
    return tqdm


def _notebook() -> bool:
    """Inside a Jupyter kernel, where tqdm.auto gives its notebook widget? (Without
    ipykernel loaded there is none, and tqdm need not be imported to say so.)"""
    return "ipykernel" in sys.modules and \
        any(cls.__name__ == "tqdm_notebook" for cls in _tqdm().__mro__)


def _columns(stream) -> int:
    """The terminal's width in columns, 0 when it does not say."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 0


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):   # no isatty, or a closed stream
        return False
