"""The run's progress: tqdm's bar (``tqdm.auto``: a widget in notebooks) when tqdm is
installed, else one plain line per benchmark on stderr, so a log shows it too."""
from __future__ import annotations

import sys
import time


class RunProgress:
    """``advance(label)`` before each benchmark; ``close()`` at the end."""

    def __init__(self, total: int, stream=None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        try:
            from tqdm.auto import tqdm
        except ImportError:
            self.bar = None
        else:
            self.bar = tqdm(total=total, file=self.stream, unit="bench")

    def advance(self, label: str) -> None:
        """Say that ``label`` runs now (the ones before it are done)."""
        if self.bar is not None:
            if self.done:
                self.bar.update(1)
            self.bar.set_description(label)
        else:
            elapsed = time.perf_counter() - self.start
            self.stream.write(f"[{self.done + 1:>3}/{self.total}] {elapsed:6.1f}s  "
                              f"{label}\n")
            self.stream.flush()
        self.done += 1

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.close()
