"""Command line: ``python -m groggy demo`` and ``python -m groggy info PATH``."""
from __future__ import annotations

import argparse
import sys
import time

from groggy.errors import GroggyError


def _show(g, label: str) -> None:
    print(g)
    print(g.nodes.table())
    print(g.edges.table())
    comps = g.connected_components()
    print(f"{label}: {len(comps):,} connected components; the largest has "
          f"{comps.largest_component().node_count():,} nodes")


def _demo(args) -> None:
    from groggy.demo import cache_dir, cached_demo
    start = time.perf_counter()
    g = cached_demo(args.nodes, args.edges)
    print(f"demo graph ready in {time.perf_counter() - start:.2f}s, memory-mapped from "
          f"{cache_dir()}")
    _show(g, "demo")


def _info(args) -> None:
    from groggy.graph import open_graph
    g = open_graph(args.path, verify=args.verify)
    _show(g, str(args.path))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m groggy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="build (once, then cached) and show the demo graph")
    demo.add_argument("--nodes", type=int, default=1_000_000)
    demo.add_argument("--edges", type=int, default=5_000_000)
    demo.set_defaults(run=_demo)
    info = sub.add_parser("info", help="open a stored graph and show its tables")
    info.add_argument("path")
    info.add_argument("--verify", action="store_true", help="check every file's checksum")
    info.set_defaults(run=_info)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except (GroggyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
