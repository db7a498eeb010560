"""A groggy server in its own process, for the load benchmarks (``test_server_load.py``):
``python bench/serve_probe.py ROWS [--mutate SECONDS]``.

Serves a graph whose nodes table is the streaming benchmarks' 10-column table of ROWS
rows (``benchlib.make_table_data``), prints ``serving at URL`` and serves until SIGTERM or
SIGINT. With ``--mutate``, the main thread changes the graph every SECONDS meanwhile (one
new node, then one attribute write, in turn), so that the server pushes ``TotalChanged``
to every page that shows it. Its log goes to stderr.
"""
import argparse
import logging
import signal
import sys
import threading

import benchlib
import groggy as gg


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("--mutate", type=float, default=0.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s %(message)s")
    g = gg.Graph()
    g.add_nodes(benchlib.make_table_data(args.rows))
    view = gg.serve(g, open_browser=False)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"serving at {view.url}", flush=True)
    step = 0
    while not stop.wait(args.mutate if args.mutate > 0 else 3600):
        if step % 2 == 0:
            g.add_nodes(1)
        else:
            g.set_node_attr(step % args.rows, "age", step % 100)
        step += 1
    view.close()


if __name__ == "__main__":
    main()
