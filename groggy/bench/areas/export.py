"""Static export: groggy's Skia renderer drawing a laid-out block-model graph to a
1600 x 1200 PNG against networkx.draw + matplotlib ``savefig`` and graphviz
``neato -n2``, all drawing the same positions in the same look
(``groggy.bench.export_peers``). Same as bench/test_export.py."""
from __future__ import annotations

from groggy.bench.areas.layout import sbm_graph
from groggy.bench.checks import expect, groggy_answer
from groggy.bench.export_peers import neato_runner, networkx_drawer, write_dot
from groggy.bench.results import Row
from groggy.bench.sizes import label

TITLE = "Static export"
WIDTH, HEIGHT = 1600, 1200
PNG = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def png(ctx, n):
    sbm, g = sbm_graph(ctx, n)
    layout = ctx.once(("export-layout", n), lambda: g.viz.compute_layout("force_directed"))
    mine, data = ctx.groggy(lambda: g.viz.render("png", layout=layout, width=WIDTH,
                                                  height=HEIGHT), rounds=3)
    data = groggy_answer("png", data)
    expect("a PNG of 1600x1200", (data[:8], _png_size(data)), (PNG, (WIDTH, HEIGHT)))
    peers = {}

    def matplotlib(mpl):
        from groggy.bench.peers import load
        load("networkx")
        return networkx_drawer(sbm, layout, "png", WIDTH, HEIGHT)

    def neato(exe):
        dot = ctx.tmp / f"export-{n}.dot"
        write_dot(sbm, layout, dot, WIDTH, HEIGHT)
        return neato_runner("png", dot, ctx.tmp / f"export-{n}.png")

    for peer, setup in (("matplotlib", matplotlib), ("graphviz", neato)):
        peers[peer], out = ctx.peer(peer, setup, n, rounds=1)
        if out is not None:
            expect(f"{peer} wrote a PNG", out[:8], PNG)
    return Row("export", "PNG 1600x1200 from a given layout", sbm.size(), n, mine, peers,
               {"matplotlib": 10}, "every engine wrote a valid PNG", plot="export")


def cases(size):
    return [(f"export PNG {label(n)}", lambda ctx, n=n: png(ctx, n)) for n in size.export]
