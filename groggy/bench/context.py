"""What every area's benchmarks share in one run: the size, a scratch directory, data
built once and reused (``ctx.once``), and ``ctx.peer``, which times a peer or says why
it was skipped."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from groggy.bench.browser import chromium
from groggy.bench.peers import PeerMissing, load
from groggy.bench.results import Cell
from groggy.bench.sizes import Size, label
from groggy.bench.timing import measure


@dataclass
class Context:
    size: Size
    tmp: Path
    _cache: dict = field(default_factory=dict)
    _closers: list = field(default_factory=list)

    def once(self, key, make):
        """``make()``'s value, made on the first call with this key and kept for the run."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def browser(self):
        """Headless Chromium with WebGL2 (SwiftShader), started on first use and shared
        by the run's browser benchmarks; PeerMissing when there is none."""
        if "browser" not in self._cache:
            manager = chromium(webgl=True)
            self._cache["browser"] = manager.__enter__()
            self._closers.append(lambda: manager.__exit__(None, None, None))
        return self._cache["browser"]

    def close(self) -> None:
        """Stop what the run started (the browser)."""
        while self._closers:
            self._closers.pop()()

    def forget(self, prefix) -> None:
        """Drop what ``once`` kept under keys starting with ``prefix`` (free memory)."""
        for key in [k for k in self._cache if isinstance(k, tuple) and k[0] == prefix]:
            del self._cache[key]

    def capped(self, peer: str, n: int) -> str | None:
        """Why ``peer`` does not run on ``n`` nodes at this size, or None."""
        cap = self.size.caps.get(peer)
        if cap is not None and n > cap:
            return (f"not run above {label(cap)} nodes with --size {self.size.name} "
                    f"(too slow)")
        return None

    def peer(self, peer: str, setup, n: int | None = None, cap: str | None = None,
             rounds: int = 3, per: int = 1):
        """(Cell, the peer's first answer or None): ``setup(module)`` gives the function
        to time (building the peer's input outside the timing); a missing peer or one
        past its size cap (``cap``: the caps key, default the peer) is a skipped Cell."""
        why = self.capped(cap or peer, n) if n is not None else None
        try:
            mod = load(peer)
            if why:
                return Cell(skipped=why), None
            fn = setup(mod)
        except PeerMissing as exc:
            return Cell(skipped=str(exc)), None
        timing, out = measure(fn, rounds=rounds, budget=self.size.budget, per=per)
        return Cell(timing), out

    def groggy(self, fn, rounds: int = 5, per: int = 1):
        """(Cell, groggy's first answer); steady is at least one call after the first."""
        timing, out = measure(fn, rounds=rounds, budget=self.size.budget, per=per,
                              at_least=1)
        return Cell(timing), out
