"""Round trip from a Python WebSocket client (websocket-client) to the real server, over
the streaming table (N_NODES rows x 10 columns, opened memory-mapped from a groggy store).

``test_roundtrip`` makes 1,000 rounds; each round sends, one after the other:

- ``roundtrip-miss`` / groggy: a ``ScrollRequest`` (window 100) at a random offset in a
  block (200 rows) that this session has never asked for, so the server encodes the block
  (a cache miss); timed from ``send`` to the last byte of the binary frame;
- ``roundtrip-miss`` / perspective: the same 100 rows from perspective-python's own
  Tornado handler (same columns, a perspective-python ``Client`` over WebSocket,
  ``view.to_arrow(start_row=a, end_row=a + 100)``; Perspective caches nothing, so every
  request is computed);
- ``roundtrip-hit``: a ``ScrollRequest`` on a second session at one of 100 blocks it has
  cached (what the cache saves);
- ``roundtrip-ping``: ``Ping`` -> ``Pong`` on that session: the transport and JSON alone.

Both servers run in this process (background threads, as ``interactive()`` runs
groggy's); interleaving the four kinds makes any load from elsewhere on the machine fall
on all of them alike. ``test_roundtrip_cli`` sends the same misses (and Pings) to
``python -m groggy serve PATH`` in its own process (no GIL shared with the client).

No target but the p50/p95/p99/mean are printed; the miss line compares groggy's p50 with
Perspective's (target: faster).
"""
import time

import numpy as np
import pytest

import benchlib
import groggy as gg
from groggy.streaming import WindowEncoder, decode_frame
from groggy.web import Server

REQUESTS = 1_000
WINDOW = 100
BLOCK = 200   # the server's block size (Server(block_size=200), the default)
CHECKED = 50  # answers decoded and compared with the data after the timed loop
HIT_BLOCKS = 100  # within a session's 128-block cache


@pytest.fixture(scope="module")
def offsets(columns):
    """Offsets in distinct never-seen blocks (fewer than REQUESTS on a small table: the
    miss session then reconnects, a fresh session with an empty cache, and starts again)."""
    return benchlib.fresh_offsets(columns["node_id"].size, REQUESTS, BLOCK, WINDOW,
                                  benchlib.SEED + 2)


def _hello(url):
    client = benchlib.GroggyClient(url)
    client.call({"type": "Hello", "window_size": WINDOW})
    return client


def _scroll(client, a):
    return client.call({"type": "ScrollRequest", "offset": a, "window_size": WINDOW})[1]


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def _check_frames(columns, answers):
    for a, frames in answers:
        rows = [r for f in frames for r in decode_frame(f)["rows"]]
        first = decode_frame(frames[0])["offset"]
        assert first <= a and first + len(rows) >= a + WINDOW, f"frames do not cover {a}"
        want = benchlib.expected_rows(columns, None, first, len(rows))
        assert benchlib.rows_equal(rows, want), f"wrong rows served at offset {a}"


def _check_arrow(columns, answers):
    import pyarrow as pa
    for a, payload in answers:
        cols = pa.ipc.open_stream(payload).read_all().to_pydict()
        rows = [list(r) for r in zip(*(cols[c] for c in columns))]
        assert benchlib.rows_equal(rows, benchlib.expected_rows(columns, None, a, WINDOW)), \
            f"Perspective served wrong rows at {a}"


def _encode_time(stored_table):
    """Best time to encode one 200-row block in this process: the server's own work."""
    enc = WindowEncoder(gg.open(stored_table).nodes.table())
    starts = np.random.default_rng(5).integers(0, max(1, enc.nrows // BLOCK), 200) * BLOCK
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for s in starts.tolist():
            enc.encode(s, BLOCK)
        best = min(best, (time.perf_counter() - t0) / starts.size)
    return best


def test_roundtrip(benchmark, stored_table, columns, offsets):
    benchmark.group = "roundtrip"
    pytest.importorskip("perspective")
    pytest.importorskip("pyarrow")
    server = Server({"table": gg.open(stored_table).nodes.table()}, block_size=BLOCK).start()
    peer = benchlib.PerspectiveServer(columns)
    times = {"miss": [], "perspective": [], "hit": [], "ping": []}
    answers = {"miss": [], "perspective": [], "hit": []}

    def run():
        miss, warm = _hello(server.url), _hello(server.url)
        hits = offsets[:HIT_BLOCKS]
        for a in hits:
            _scroll(warm, a)
        client, ws = benchlib.perspective_client(peer.url)
        view = client.open_table("bench").view(columns=list(columns))
        try:
            for i in range(REQUESTS):
                if i and i % len(offsets) == 0:  # every fresh block used: a fresh session
                    miss.close()
                    miss = _hello(server.url)
                a, h = offsets[i % len(offsets)], hits[i % len(hits)]
                for kind, (dt, out) in (
                        ("miss", _timed(_scroll, miss, a)),
                        ("perspective", _timed(lambda: view.to_arrow(start_row=a,
                                                                     end_row=a + WINDOW))),
                        ("hit", _timed(_scroll, warm, h)),
                        ("ping", _timed(warm.call, {"type": "Ping"}))):
                    times[kind].append(dt)
                    if kind in answers and len(answers[kind]) < CHECKED:
                        answers[kind].append((h if kind == "hit" else a, out))
        finally:
            view.delete()
            ws.close()
            miss.close()
            warm.close()

    try:
        benchmark.pedantic(run, rounds=1)
    finally:
        server.stop()
        peer.stop()
    _check_frames(columns, answers["miss"])
    _check_frames(columns, answers["hit"])
    _check_arrow(columns, answers["perspective"])

    n = columns["node_id"].size
    encode = _encode_time(stored_table)
    benchmark.extra_info["encode_block_s"] = encode
    benchlib.report_latency(
        benchmark, "roundtrip-miss", "perspective",
        f"to_arrow of {WINDOW} rows at random offsets, {n:,}-row table (perspective-python "
        "Tornado handler, in-process)", times["perspective"])
    benchlib.report_latency(
        benchmark, "roundtrip-miss", "groggy",
        f"ScrollRequest cache miss (window {WINDOW}, answered with its {BLOCK}-row block) at "
        f"random offsets, {n:,}-row table (in-process server)", times["miss"],
        f"; server-side encode of one {BLOCK}-row block {benchlib.fmt_time(encode)}")
    benchlib.report_latency(
        benchmark, "roundtrip-hit", "groggy",
        f"ScrollRequest of a cached block, {n:,}-row table (in-process server)", times["hit"])
    benchlib.report_latency(benchmark, "roundtrip-ping", "groggy",
                            "Ping -> Pong (in-process server)", times["ping"])
    benchlib.speedup(benchmark, "roundtrip-miss", "perspective", 1,
                     f"p50 round trip at random offsets, {n:,}-row table")


def test_roundtrip_cli(benchmark, stored_table, columns, offsets):
    """The same misses (and Pings) against ``python -m groggy serve`` in its own process."""
    benchmark.group = "roundtrip-cli"
    server = benchlib.CliServer(stored_table)
    times, answers = {"miss": [], "ping": []}, []

    def run():
        miss, other = _hello(server.url), _hello(server.url)
        try:
            for i in range(REQUESTS):
                if i and i % len(offsets) == 0:
                    miss.close()
                    miss = _hello(server.url)
                a = offsets[i % len(offsets)]
                dt, frames = _timed(_scroll, miss, a)
                times["miss"].append(dt)
                if len(answers) < CHECKED:
                    answers.append((a, frames))
                times["ping"].append(_timed(other.call, {"type": "Ping"})[0])
        finally:
            miss.close()
            other.close()

    try:
        benchmark.pedantic(run, rounds=1)
    finally:
        server.close()
    _check_frames(columns, answers)
    n = columns["node_id"].size
    benchlib.report_latency(
        benchmark, "roundtrip-cli", "groggy",
        f"ScrollRequest cache miss at random offsets, {n:,}-row table "
        "(python -m groggy serve, its own process)", times["miss"])
    benchlib.report_latency(benchmark, "roundtrip-cli-ping", "groggy",
                            "Ping -> Pong (python -m groggy serve, its own process)",
                            times["ping"])
