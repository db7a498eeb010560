"""What the store's checks cost on the demo graph (1M nodes / 5M edges by default):
``gg.open``, the first table window, a full-column operation and ``verify=True``, each
in a fresh interpreter (the checks are remembered per process), with the column checks
(CRC-32 + structure, run on a column's first read) and without them (bypassed by hand,
which no public API allows). Page cache warm: every file was read once before timing.

    python bench/store_probe.py [--nodes 1000000 --edges 5000000] [--cache DIR]

Prints one line per measurement and a JSON summary.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

ROUNDS = 3

CHILD = r"""
import json, sys, time
import groggy as gg
path, what, bypass = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
t0 = time.perf_counter()
g = gg.open(path, verify=(what == "verify"))
t_open = time.perf_counter() - t0
if bypass:  # skip the first-read checks, to see what they cost
    for col in [*g._nodes.columns.values(), *g._edges.columns.values(), g._src, g._dst]:
        col._check = None
ops = {"window": lambda: g.nodes.table().get_window(0, 50),
       "edge_window": lambda: g.edges.table().get_window(0, 50),
       "degree": lambda: g.degree(),
       "sort": lambda: g.nodes.table().sort_by("age").get_window(0, 50)}
op = ops.get(what, lambda: None)
t0 = time.perf_counter()
op()
first = time.perf_counter() - t0
t0 = time.perf_counter()
op()
again = time.perf_counter() - t0
print(json.dumps({"open": t_open, "first": first, "again": again}))
"""


def run(path: str, what: str, bypass: bool) -> dict:
    best = None
    for _ in range(ROUNDS):
        out = subprocess.run([sys.executable, "-c", CHILD, path, what, "1" if bypass else "0"],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        best = r if best is None else {k: min(best[k], r[k]) for k in r}
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=5_000_000)
    ap.add_argument("--cache", default=None, help="GROGGY_CACHE for the demo store")
    args = ap.parse_args()
    if args.cache:
        os.environ["GROGGY_CACHE"] = args.cache
    from groggy.demo import cache_dir, cached_demo
    cached_demo(args.nodes, args.edges)
    path = str(cache_dir() / f"demo-{args.nodes}-{args.edges}-7.groggy")
    size = sum(f.stat().st_size for f in __import__("pathlib").Path(path).rglob("*")
               if f.is_file())
    for f in __import__("pathlib").Path(path).rglob("*"):  # warm the page cache
        if f.is_file():
            f.read_bytes()
    summary = {"store": path, "bytes": size}
    print(f"store {path}: {size / 2**20:.0f} MiB")
    for what in ("open", "window", "edge_window", "degree", "sort", "verify"):
        checked, bare = run(path, what, False), run(path, what, True)
        summary[what] = {"checked": checked, "unchecked": bare}
        if what in ("open", "verify"):
            print(f"{what:12s} gg.open{'(verify=True)' if what == 'verify' else ''}: "
                  f"{checked['open'] * 1000:8.1f} ms")
        else:
            print(f"{what:12s} first {checked['first'] * 1000:8.1f} ms with checks, "
                  f"{bare['first'] * 1000:8.1f} ms without; again "
                  f"{checked['again'] * 1000:8.1f} ms")
    print(json.dumps(summary))


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"({time.perf_counter() - t:.0f} s)", file=sys.stderr)
