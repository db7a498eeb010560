"""Command line: ``python -m groggy serve PATH | --demo``, ``demo`` and ``info PATH``."""
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


def _serve(args) -> None:
    from groggy.web import Server
    if args.demo == (args.path is not None):
        raise ValueError("give a stored graph PATH or --demo (one of the two)")
    if args.demo:
        from groggy.demo import cached_demo
        g = cached_demo(args.nodes, args.edges)
    else:
        from groggy.graph import open_graph
        g = open_graph(args.path)
    server = Server({"nodes": g.nodes.table(), "edges": g.edges.table()}, port=args.port,
                    host=args.host, theme=args.theme, token=args.token)
    print(f"{g}\nserving at {server.url}\n(Ctrl+C stops)", flush=True)
    if not args.no_browser:
        server.open_browser()
    server.run_forever()


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
    serve = sub.add_parser("serve", help="browse a stored graph in the web page")
    serve.add_argument("path", nargs="?", help="a directory written by Graph.save")
    serve.add_argument("--demo", action="store_true",
                       help="serve the 1M-node demo graph (built and cached on first use)")
    serve.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--theme", default="sleek")
    serve.add_argument("--token", help="fixed access token (default: random, or $GROGGY_TOKEN)")
    serve.add_argument("--no-browser", action="store_true", help="only print the URL")
    serve.add_argument("--nodes", type=int, default=1_000_000, help="demo graph size")
    serve.add_argument("--edges", type=int, default=5_000_000, help="demo graph size")
    serve.set_defaults(run=_serve)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except (GroggyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
