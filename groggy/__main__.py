"""Command line: ``python -m groggy serve PATH | --demo``, ``demo``, ``info PATH``,
``verify [--repair] PATH``, ``render PATH OUT.png|svg|pdf``, ``layout PATH`` and
``bench [--size tiny|small|medium|large] [--only AREA ...] [--out DIR]``."""
from __future__ import annotations

import argparse
import sys
import time

from groggy.errors import GroggyError


def _show(g, label: str) -> None:
    print(g)                      # the summary line, then the nodes and edges tables
    comps = g.connected_components()
    print(f"{label}: {len(comps):,} connected components; the largest has "
          f"{comps.largest_component().node_count():,} nodes")


def _demo(args) -> None:
    from groggy.demo import cache_dir, cached_demo
    start = time.perf_counter()
    g = cached_demo(args.nodes, args.edges, progress=True)  # plain lines when piped
    print(f"demo graph ready in {time.perf_counter() - start:.2f}s, memory-mapped from "
          f"{cache_dir()}")
    _show(g, "demo")
    print(_layouts_line(g))


def _info(args) -> None:
    from groggy.graph import open_graph
    g = open_graph(args.path, verify=args.verify)
    _show(g, str(args.path))
    print(_layouts_line(g))


def _layouts_line(g) -> str:
    if not g.layouts:
        return "stored layouts: none (python -m groggy layout PATH stores one)"
    return f"stored layouts: {g.layouts.describe()}"


def _verify(args) -> int:
    from groggy.store.doctor import diagnose, repair
    diagnosis = diagnose(args.path)
    if diagnosis.healthy:
        print(f"{diagnosis.root}: OK ({diagnosis.summary}); every checksum and structural "
              "check passed")
    else:
        print(f"{diagnosis.root}: DAMAGED")
        for problem in diagnosis.problems:
            print(f"  - {problem}")
    for hint in diagnosis.hints:
        print(f"  hint: {hint}")
    if diagnosis.recoverable is not None:
        print(f"a crashed save left the old store in {diagnosis.recoverable}"
              + ("" if args.repair else "; --repair moves it back"))
    if diagnosis.leftovers:
        print("leftovers of crashed or replaced saves"
              + ("" if args.repair else " (harmless; --repair removes them)") + ":")
        for p in diagnosis.leftovers:
            print(f"  {p}")
    if args.repair:
        done = repair(diagnosis)
        for line in done:
            print(line)
        if not done and diagnosis.leftovers and not diagnosis.healthy:
            print("nothing removed: the current generation is damaged, and the leftovers "
                  "may be the only good copies")
        return 0 if done or diagnosis.healthy else 1
    return 0 if diagnosis.healthy else 1


def _serve(args) -> None:
    from groggy.web.browser import graph_server
    if args.demo == (args.path is not None):
        raise ValueError("give a stored graph PATH or --demo (one of the two)")
    if args.demo:
        from groggy.demo import cached_demo
        g = cached_demo(args.nodes, args.edges, progress=True)  # plain lines when piped
    else:
        from groggy.graph import open_graph
        g = open_graph(args.path, verify=not args.no_verify)
    # the tables and the graph view (the page's Graph tab), as gg.serve serves them
    server = graph_server(g, port=args.port, host=args.host, theme=args.theme,
                          token=args.token)
    # the summary line only: printing the tables would read (and check) columns first
    print(f"{g._summary_line()}\nserving at {server.url}\n(Ctrl+C stops)", flush=True)
    if not args.no_browser:
        server.open_browser()
    server.run_forever()


def _number_or_name(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def _layout_params(items: list) -> dict:
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--layout-param takes NAME=VALUE, got {item!r}")
        params[key] = int(value) if value.lstrip("-").isdigit() else _number_or_name(value)
    return params


def _layout(args) -> None:
    from groggy.graph import open_graph
    from groggy.viz.layout import check_params, get_algorithm
    g = open_graph(args.path)
    params = _layout_params(args.layout_param)
    algo = get_algorithm(args.algorithm)
    check_params(algo, params)                 # a typo fails before the work
    name = args.name or algo.name
    if "progress" in algo.defaults:
        params.setdefault("progress", True)
    start = time.perf_counter()
    g.viz.compute_layout(algo.name, store=name, **params)
    took = time.perf_counter() - start
    g.save(args.path)
    print(f"stored layout {name!r} ({algo.name}, {g.node_count():,} nodes) in "
          f"{args.path}: computed in {took:.2f}s, saved in "
          f"{time.perf_counter() - start - took:.2f}s")


def _render(args) -> None:
    from groggy.graph import open_graph
    g = open_graph(args.path)
    style = {k: v for k, v in [("node_color", args.node_color), ("label", args.label),
                               ("title", args.title)] if v is not None}
    for key, value in (("node_size", args.node_size), ("edge_width", args.edge_width)):
        if value is not None:
            style[key] = _number_or_name(value)
    params = _layout_params(args.layout_param)
    start = time.perf_counter()
    out = g.viz.export(args.out, format=args.format, layout=args.layout, theme=args.theme,
                       width=args.width, height=args.height, dpi=args.dpi,
                       layout_params=params, **style)
    print(f"wrote {out} ({out.stat().st_size:,} bytes) in "
          f"{time.perf_counter() - start:.2f}s")


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
    verify = sub.add_parser("verify", help="check every checksum and structure of a stored "
                            "graph and list leftovers of crashed saves")
    verify.add_argument("path")
    verify.add_argument("--repair", action="store_true",
                        help="remove leftovers of crashed saves (never the current "
                             "generation) and restore a store a crashed save left aside")
    verify.set_defaults(run=_verify)
    serve = sub.add_parser("serve", help="browse a stored graph in the web page")
    serve.add_argument("path", nargs="?", help="a directory written by Graph.save")
    serve.add_argument("--demo", action="store_true",
                       help="serve the 1M-node demo graph (built and cached on first use)")
    serve.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--theme", default="sleek")
    serve.add_argument("--token", help="fixed access token (default: random, or $GROGGY_TOKEN)")
    serve.add_argument("--no-browser", action="store_true", help="only print the URL")
    serve.add_argument("--no-verify", action="store_true",
                       help="skip checking every file before serving (columns are still "
                            "checked the first time they are read)")
    serve.add_argument("--nodes", type=int, default=1_000_000, help="demo graph size")
    serve.add_argument("--edges", type=int, default=5_000_000, help="demo graph size")
    serve.set_defaults(run=_serve)
    render = sub.add_parser("render", help="draw a stored graph to PNG, SVG or PDF")
    render.add_argument("path", help="a directory written by Graph.save")
    render.add_argument("out", help="the file to write: *.png, *.svg or *.pdf")
    render.add_argument("--format", choices=["png", "svg", "pdf"],
                        help="default: from the extension of OUT")
    render.add_argument("--layout", default="force_directed",
                        help="force_directed (default), hierarchical, circular or grid")
    render.add_argument("--layout-param", action="append", default=[], metavar="NAME=VALUE",
                        help="a layout parameter, e.g. --layout-param seed=1 (repeatable)")
    render.add_argument("--theme", default="light",
                        help="light (default), dark, sleek, publication or minimal")
    render.add_argument("--width", type=float, default=800, help="points (default 800)")
    render.add_argument("--height", type=float, default=600, help="points (default 600)")
    render.add_argument("--dpi", type=float, help="PNG resolution (default 72)")
    render.add_argument("--node-color", help="a node attribute or a colour")
    render.add_argument("--node-size", help="a node attribute, 'degree' or points")
    render.add_argument("--edge-width", help="an edge attribute or points")
    render.add_argument("--label", help="the node attribute to write beside nodes")
    render.add_argument("--title")
    render.set_defaults(run=_render)
    lay = sub.add_parser("layout", help="compute a layout of a stored graph and store it "
                         "with the graph (layouts/<name>.npy)")
    lay.add_argument("path", help="a directory written by Graph.save")
    lay.add_argument("--algorithm", default="force_directed",
                     help="force_directed (default), hierarchical, circular or grid")
    lay.add_argument("--name", help="the stored layout's name (default: the algorithm's)")
    lay.add_argument("--layout-param", action="append", default=[], metavar="NAME=VALUE",
                     help="a layout parameter, e.g. --layout-param seed=1 (repeatable)")
    lay.set_defaults(run=_layout)
    from groggy.bench.cli import add_parser as add_bench   # the report sits above all
    add_bench(sub)
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except (GroggyError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
