"""Scale-out probe (issue 14): write a partitioned store chunk by chunk with
``gg.StoreWriter``, then run degree, a group-by aggregation and connected components on
a Dask ``LocalCluster`` of 1 and of 2 worker processes, beside the same calls in-process
on the mapped store (and pandas where the edges fit in memory). Prints one table.

    python bench/dask_scale_probe.py --nodes 20_000_000 --edges 200_000_000 --dir /tmp/scale
    python bench/dask_scale_probe.py --nodes 1_000_000 --edges 10_000_000      # a quick run

The graph: nodes in blocks of ``--block`` consecutive positions, every edge inside one
block (so components are known: one per block that has edges, plus isolated nodes);
node attributes ``group`` (int, 1,000 values) and ``score`` (float); edge ``weight``.
The client's peak memory is its own resident set (``ru_maxrss``): the data never passes
through it, so it stays flat whatever the graph's size.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

import numpy as np

import groggy as gg

CHUNK_EDGES = 10_000_000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_store(path: Path, n: int, m: int, block: int, seed: int = 0) -> dict:
    """The graph written partition by partition; no process holds more than one chunk."""
    if path.exists():
        shutil.rmtree(path)
    rng = np.random.default_rng(seed)
    k = max(1, -(-m // CHUNK_EDGES))
    t0 = time.perf_counter()
    with gg.StoreWriter(path) as w:
        for a, b in _ranges(n, k):
            w.add_nodes({"group": rng.integers(0, 1000, b - a),
                         "score": rng.random(b - a)})
        for a, b in _ranges(m, k):
            count = b - a
            src = rng.integers(0, n, count)
            lo = (src // block) * block
            dst = lo + rng.integers(0, block, count)
            np.minimum(dst, n - 1, out=dst)
            w.add_edges(src, dst, {"weight": rng.random(count)})
    secs = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return {"partitions": k, "write_s": secs, "bytes": size}


def _ranges(count: int, k: int):
    cuts = np.linspace(0, count, k + 1).astype(np.int64)
    return list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def in_process(path: Path) -> tuple:
    """Times and answers (degree sum and maximum, the group means, the number of
    components) of the calls in-process on the mapped store."""
    g = gg.open(path)
    out = {}
    out["degree"], deg = timed(lambda: g.degree().to_numpy())
    out["group_by"], grp = timed(lambda: g.nodes.table().group_by("group").agg(
        {"score": "mean"}).to_pandas())
    out["components"], comp = timed(lambda: g.connected_components().labels().to_numpy())
    return out, (int(deg.sum()), int(deg.max()), grp["score"].round(9).tolist(),
                 int(np.unique(comp).size))


def on_cluster(path: Path, workers: int) -> tuple:
    """The same on a LocalCluster: per-node results stay on the workers (persisted);
    the client receives only the small summaries that check them."""
    from distributed import Client, LocalCluster, wait
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, memory_limit=0) as cluster, \
            Client(cluster) as client:
        dg = gg.dask.open(path, client=client)
        out = {}

        def kept(series):
            series = client.persist(series)
            wait(series)
            return series
        out["degree"], deg = timed(lambda: kept(dg.degree()))
        out["group_by"], grp = timed(lambda: dg.table("nodes").group_by("group").agg(
            {"score": "mean"}).to_pandas())
        out["components"], comp = timed(lambda: kept(dg.connected_components()))
        answers = (int(deg.sum().compute()), int(deg.max().compute()),
                   grp["score"].round(9).tolist(), int(comp.nunique().compute()))
        return out, answers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=lambda s: int(s.replace("_", "")), default=1_000_000)
    ap.add_argument("--edges", type=lambda s: int(s.replace("_", "")), default=10_000_000)
    ap.add_argument("--block", type=int, default=20_000)
    ap.add_argument("--dir", default="/tmp/groggy-scale")
    ap.add_argument("--keep", action="store_true", help="reuse a store already written")
    ap.add_argument("--skip-in-process", action="store_true")
    args = ap.parse_args()
    path = Path(args.dir) / f"g-{args.nodes}-{args.edges}.groggy"
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"load {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores", flush=True)
    if not (args.keep and path.exists()):
        w = write_store(path, args.nodes, args.edges, args.block)
        print(f"StoreWriter: {args.nodes:,} nodes / {args.edges:,} edges in "
              f"{w['partitions']} partitions: {w['write_s']:.1f} s, "
              f"{w['bytes'] / 1e9:.2f} GB", flush=True)
    rows = {}
    answers = {}
    for workers in (1, 2):
        before = rss_mb()
        rows[f"dask {workers}w"], answers[workers] = on_cluster(path, workers)
        print(f"dask {workers} worker(s): {rows[f'dask {workers}w']}; client peak RSS "
              f"{rss_mb():.0f} MB (was {before:.0f} MB)", flush=True)
    if not args.skip_in_process:
        rows["in-process"], answers["local"] = in_process(path)
        print(f"in-process: {rows['in-process']}", flush=True)
    first = next(iter(answers.values()))
    for who, found in answers.items():
        if found != first:
            raise SystemExit(f"WRONG ANSWER: {who} gives {found[:2]}, {found[3]} components; "
                             f"expected {first[:2]}, {first[3]} components")
    print(f"answers agree: degree sum {first[0]:,}, max {first[1]}, {first[3]:,} components")
    print("\n| operation | " + " | ".join(rows) + " | 1 -> 2 workers |")
    print("|---|" + "---|" * (len(rows) + 1))
    for op in ("degree", "group_by", "components"):
        cells = [f"{rows[r][op]:.2f} s" for r in rows]
        print(f"| {op} | " + " | ".join(cells) +
              f" | {rows['dask 1w'][op] / rows['dask 2w'][op]:.2f}x |")
    print(f"\nclient peak RSS {rss_mb():.0f} MB (in-process run included)", file=sys.stderr)


if __name__ == "__main__":
    main()
