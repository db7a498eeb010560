"""Streaming round trips and the browser: a ``ScrollRequest`` for a block the session
has never asked for (a cache miss), from a WebSocket client to the real server in this
process, against perspective-python's own Tornado handler serving the same table
(``view.to_arrow`` of the same rows); then the table page in headless Chromium, from
navigation to its first rows painted. Same as bench/test_roundtrip.py and
test_serve_demo.py (which also runs the 1M-row demo)."""
from __future__ import annotations

import time

from groggy.bench.areas.tables import table
from groggy.bench.checks import expect, groggy_answer, same_rows
from groggy.bench.data import SEED, expected_rows, fresh_offsets
from groggy.bench.peers import PeerMissing, load
from groggy.bench.results import Cell, Row
from groggy.bench.timing import latency, percentile

TITLE = "Streaming round trips and the browser"
WINDOW, BLOCK = 100, 200


def _p95(samples) -> dict:
    return {"p95 ms": round(percentile(samples, 95) * 1e3, 2)}


def roundtrip(ctx):
    from groggy.bench.wsclient import GroggyClient
    from groggy.streaming import decode_frame
    from groggy.web import Server
    columns, opened = table(ctx)
    n = ctx.size.rows
    offsets = fresh_offsets(n, ctx.size.requests, BLOCK, WINDOW, SEED + 2)
    server = Server({"table": opened}, block_size=BLOCK).start()
    samples, answers = [], []
    try:
        client = GroggyClient(server.url)
        client.call({"type": "Hello", "window_size": WINDOW})
        for a in offsets:
            t0 = time.perf_counter()
            _, frames = client.call({"type": "ScrollRequest", "offset": a,
                                     "window_size": WINDOW})
            samples.append(time.perf_counter() - t0)
            if len(answers) < 20:
                answers.append((a, frames))
        client.close()
    finally:
        server.stop()
    for a, frames in answers:
        rows = [r for f in frames for r in decode_frame(f)["rows"]]
        first = decode_frame(frames[0])["offset"]
        same_rows(f"rows served at {a}", groggy_answer("roundtrip", rows),
                  expected_rows(columns, None, first, len(rows)))
    mine = Cell(latency(samples), figures=_p95(samples))
    peer = _perspective(ctx, columns, offsets)
    return Row("streaming", f"ScrollRequest round trip, cache miss (window {WINDOW}, p50)",
               f"{n:,} rows", n, mine, {"perspective": peer}, {"perspective": 1},
               "rows of 20 answers: correct")


def _perspective(ctx, columns, offsets) -> Cell:
    """perspective-python's Tornado handler serving the same rows, or why it did not."""
    try:
        load("perspective")
    except PeerMissing as exc:
        return Cell(skipped=str(exc))
    from groggy.bench.wsclient import PerspectiveServer, perspective_client
    peer = PerspectiveServer(columns)
    samples = []
    try:
        client, ws = perspective_client(peer.url)
        view = client.open_table("bench").view(columns=list(columns))
        for a in offsets:
            t0 = time.perf_counter()
            view.to_arrow(start_row=a, end_row=a + WINDOW)
            samples.append(time.perf_counter() - t0)
        view.delete()
        ws.close()
    finally:
        peer.stop()
    return Cell(latency(samples), figures=_p95(samples))


def page(ctx):
    """The table page from navigation to its first rows painted (a new page each time)."""
    from groggy.web import Server
    columns, opened = table(ctx)
    n = ctx.size.rows
    samples, totals = [], []
    server = Server({"table": opened}).start()
    try:
        browser = ctx.browser()
        for _ in range(ctx.size.pages):
            tab = browser.new_page(viewport={"width": 1280, "height": 800})
            t0 = time.perf_counter()
            tab.goto(server.url)
            tab.wait_for_function("() => window.groggy !== undefined")
            tab.evaluate("() => window.groggy.ready.then(() => true)")
            samples.append(time.perf_counter() - t0)
            totals.append(tab.evaluate("() => window.groggy.state().totalRows"))
            tab.close()
    except PeerMissing as exc:
        return Row("streaming", "table page: navigation to first rows painted", f"{n:,} rows",
                   n, Cell(skipped=str(exc)), {}, {}, "not run")
    finally:
        server.stop()
    check = expect("rows the page shows", groggy_answer("page", totals[-1]), n)
    timing = latency(samples[1:], first=samples[0])
    return Row("streaming", "table page: navigation to first rows painted (p50)",
               f"{n:,} rows", n, Cell(timing), {"perspective": _viewer()}, {}, check)


def _viewer() -> Cell:
    try:
        load("perspective")
    except PeerMissing as exc:
        return Cell(skipped=str(exc))
    return Cell(skipped="the Perspective viewer page is compared in "
                        "bench/test_browser_paint.py (it needs the viewer bundle, which "
                        "the perspective-python wheel may not ship)")


def cases(size):
    return [("round trips", roundtrip), ("table page in Chromium", page)]
