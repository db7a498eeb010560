"""What keeping a layout in a store costs (1M nodes / 5M edges by default, a random
graph built like the demo's, saved in a temporary directory; page cache warm):

- ``link``: ``gg.open(path)``, ``g.layouts[name] = positions``, ``g.save(path)``: a new
  generation whose column files are hard links to the old ones, only the layout written;
- ``rewrite``: the same graph and layout saved by an in-memory copy (every column
  written again), what saving a layout would cost without linking;
- ``np.save``: the peer, NumPy writing the same (n, 2) float64 array alone (the floor:
  the layout's bytes, fsynced);
- ``open + first read``: ``gg.open(path).layouts[name]`` (maps the file, CRC-32 and
  finiteness on first read) beside ``np.load(file, mmap_mode="r")`` and a full read.

    python bench/layout_store_probe.py [--nodes 1000000 --edges 5000000] [--dir DIR]

Times are the best of ROUNDS; each line prints groggy's figure, the peer's and the ratio.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

ROUNDS = 3


def best(fn, setup=lambda: None) -> float:
    times = []
    for _ in range(ROUNDS):
        setup()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=5_000_000)
    ap.add_argument("--dir", default=None, help="where to write (default: a temp dir)")
    args = ap.parse_args()
    import groggy as gg
    from groggy.demo import demo_graph

    work = Path(tempfile.mkdtemp(dir=args.dir, prefix="layout-store-"))
    try:
        g = demo_graph(args.nodes, args.edges, progress=False)
        path = g.save(work / "g.groggy")
        rng = np.random.default_rng(0)
        positions = rng.random((args.nodes, 2)) * 1000
        size = sum(f.stat().st_size for f in (path / (path / "CURRENT").read_text().strip())
                   .rglob("*") if f.is_file())
        print(f"{args.nodes:,} nodes / {args.edges:,} edges, store {size / 2**20:.0f} MiB, "
              f"layout {positions.nbytes / 2**20:.1f} MiB")

        def link():
            h = gg.open(path)
            h.layouts["probe"] = positions
            h.save(path)

        def rewrite():
            h = gg.open(path).copy()
            h.layouts["probe"] = positions
            h.save(path)

        def peer():
            with open(work / "peer.npy", "wb") as fh:
                np.save(fh, positions)
                fh.flush()
                os.fsync(fh.fileno())

        t_link, t_rewrite, t_peer = best(link), best(rewrite), best(peer)
        print(f"store a layout: link {t_link * 1000:.0f} ms | rewrite every column "
              f"{t_rewrite * 1000:.0f} ms ({t_rewrite / t_link:.1f}x slower) | "
              f"np.save + fsync of the layout alone {t_peer * 1000:.0f} ms "
              f"(link / np.save = {t_link / t_peer:.1f}x)")

        def first_read():
            lay = gg.open(path).layouts["probe"]
            float(lay.node_positions[-1, 0])

        def np_mmap():
            arr = np.load(stored, mmap_mode="r")
            float(arr[-1, 0])

        def np_full():
            float(np.load(stored)[-1, 0])

        # a fresh process per round would defeat the per-process check memory; here the
        # check is forgotten by opening a new generation each round
        t_open = best(first_read, link)
        stored = path / (path / "CURRENT").read_text().strip() / "layouts" / "probe.npy"
        t_graph = best(lambda: gg.open(path))     # maps the whole graph, not only the layout
        t_map, t_full = best(np_mmap), best(np_full)
        print(f"open + first read: groggy {t_open * 1000:.1f} ms (gg.open of the graph "
              f"{t_graph * 1000:.1f} ms, then the layout's first read with its checks "
              f"{(t_open - t_graph) * 1000:.1f} ms) | np.load mmap {t_map * 1000:.2f} ms | "
              f"np.load full {t_full * 1000:.1f} ms (groggy's first read / full read = "
              f"{(t_open - t_graph) / t_full:.1f}x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
