"""Sort and sorted-window figures on a loaded machine: every engine's calls interleaved
one by one (so that all of them see the same load), timed in CPU time of the calling
thread (``time.thread_time``: another process's work on the shared cores is not
counted, its pressure on caches and memory still is).

- sort, 1M rows of the streaming table (``benchlib.make_table_data``) stored by groggy
  and opened memory-mapped: ``table.sort_by(col)`` against ``numpy.argsort`` (default
  kind) and ``numpy.argsort(kind="stable")`` (what ``sort_by`` called for int64 before
  the radix sort) of the same column in memory; strings as NumPy ``<U11``.
- sorted window: 100 rows x 10 columns at 1,000 random offsets of the view sorted by
  ``score``: ``WindowEncoder(view).encode`` reading through the view's row index
  (``copy_after=None``) and from the ordered copy, against pandas
  ``iloc[a:b].to_json(orient="values")`` on a physically sorted copy.

``python bench/sort_window_probe.py [--rows N] [--rounds K] [--store DIR]``
(prints the best and the median of K rounds, and the load average).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import benchlib  # noqa: E402

import groggy as gg  # noqa: E402
from groggy.streaming import WindowEncoder  # noqa: E402


def _stats(times) -> str:
    times = sorted(times)
    return f"best {benchlib.fmt_time(times[0])}, median {benchlib.fmt_time(times[len(times) // 2])}"


def _interleaved(cases: dict, calls, rounds: int) -> dict:
    """CPU seconds per round of each case, the cases' calls alternating one by one."""
    out = {name: [] for name in cases}
    for _ in range(rounds):
        spent = dict.fromkeys(cases, 0.0)
        for arg in calls:
            for name, fn in cases.items():
                t0 = time.thread_time()
                fn(arg)
                spent[name] += time.thread_time() - t0
        for name in cases:
            out[name].append(spent[name])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--store", default=None, help="directory for the stored table")
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    data = benchlib.make_table_data(args.rows)
    store = Path(args.store or tempfile.mkdtemp()) / f"table-{args.rows}.groggy"
    if not store.exists():
        g = gg.Graph()
        g.add_nodes(data)
        g.save(store)
    table = gg.open(store).nodes.table()

    for name in ("score", "visits", "label"):
        values = data[name]
        t0 = time.thread_time()
        first = table.sort_by(name)   # first call of this process (column checks included)
        print(f"sort {args.rows:,} {name}: groggy sort_by first call "
              f"{benchlib.fmt_time(time.thread_time() - t0)}")
        assert np.array_equal(first["node_id"].to_numpy(), np.argsort(values, kind="stable"))
        cases = {"groggy sort_by": lambda _: table.sort_by(name),
                 "numpy argsort": lambda _: np.argsort(values),
                 "numpy stable": lambda _: np.argsort(values, kind="stable")}
        got = _interleaved(cases, [None], args.rounds)
        base = sorted(got["numpy argsort"])[len(got["numpy argsort"]) // 2]
        for case, times in got.items():
            ratio = base / sorted(times)[len(times) // 2]
            print(f"sort {args.rows:,} {name} [{values.dtype}]: {case}: {_stats(times)}; "
                  f"numpy argsort / this (medians) {ratio:.2f}x")

    import pandas as pd
    view = table.sort_by("score")
    frame = pd.DataFrame(benchlib.table_columns(data)).sort_values(
        "score", kind="stable").reset_index(drop=True)
    rng = np.random.default_rng(benchlib.SEED + 1)
    offsets = rng.integers(0, args.rows - 100 + 1, size=1000).tolist()
    through_index = WindowEncoder(view, copy_after=None)
    copied = WindowEncoder(view, copy_after=1)
    t0 = time.perf_counter()
    copied.encode(0, 100)
    assert copied.wait_copied(300)
    print(f"ordered copy of the sorted view built in {benchlib.fmt_time(time.perf_counter() - t0)}"
          f" (wall)")
    for a in offsets[:50]:
        assert copied.encode(a, 100) == through_index.encode(a, 100)
    cases = {"pandas iloc.to_json": lambda a: frame.iloc[a:a + 100].to_json(orient="values"),
             "groggy row index": lambda a: through_index.encode(a, 100),
             "groggy ordered copy": lambda a: copied.encode(a, 100)}
    got = _interleaved(cases, offsets, args.rounds)
    peer = sorted(got["pandas iloc.to_json"])[args.rounds // 2]
    for case, times in got.items():
        per = [t / len(offsets) for t in times]
        print(f"sorted window, per window: {case}: {_stats(per)}; pandas / this (medians) "
              f"{peer / sorted(times)[args.rounds // 2]:.1f}x")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
