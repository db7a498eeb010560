"""The server under load, in its own process (``serve_probe.py``: the streaming table of
N_NODES rows as a graph's nodes, served by ``gg.serve``), so that its RSS is its own:

- ``scroll``: 100 WebSocket clients scroll the table for 30 s, each with one request in
  flight (as the page does): random offsets, windows of 50-200 rows. Every frame's header
  is checked (view row, rows, total); p50/p99 latency, requests and errors are printed;
- ``connect``: 2,000 cycles of connect, Hello, read the reply, close; RSS printed
  before, after 1,000 and after 2,000;
- ``nonreaders``: 5 clients send 50 ScrollRequests of 2,000 rows a second for 30 s and
  never read, while the graph changes 20 times a second and one reading client pings;
  RSS printed before, at its peak and after; the pings must keep being answered. The
  ``control`` case runs the same without the non-readers: the graph's own growth.

A benchmark fails on a wrong answer, an error, a dead server, or (``nonreaders``) RSS
growth over ``NONREADER_RSS_BOUND``; timings never decide. ``GROGGY_LOAD_SECONDS``
shortens the 30 s runs.
"""
import asyncio
import json
import os
import random
import socket
import sys
import threading
import time

import pytest
import websocket
from tornado.websocket import websocket_connect

import benchlib

SECONDS = float(os.environ.get("GROGGY_LOAD_SECONDS", "30"))
CLIENTS = 100
CYCLES = 2000
NONREADERS = 5
NONREADER_RSS_BOUND = 64 << 20
MB = 1 << 20


@pytest.fixture
def served(request):
    """A serve_probe.py server; ``mutate`` (seconds between graph changes) by indirect
    parametrization, default none."""
    mutate = getattr(request, "param", 0)
    command = [sys.executable, "serve_probe.py", str(benchlib.N_NODES)]
    server = benchlib.ServerProcess(command + (["--mutate", str(mutate)] if mutate else []),
                                    stderr=open(os.devnull, "w"))
    yield server
    server.close()


# --------------------------------------------------------------------------- scroll

async def scroller(url: str, total: int, deadline: float, seed: int, stats: dict) -> None:
    rng = random.Random(seed)
    ws = await websocket_connect(benchlib.ws_url(url))
    try:
        rid = 0
        await ws.write_message(json.dumps({"type": "Hello", "window_size": 50,
                                           "request_id": rid}))
        await read_answer(ws, rid, 0, 50, total, stats)
        while time.monotonic() < deadline:
            rid += 1
            size = rng.randint(50, 200)
            offset = rng.randrange(0, total - size)
            start = time.perf_counter()
            await ws.write_message(json.dumps({"type": "ScrollRequest", "offset": offset,
                                               "window_size": size, "request_id": rid}))
            await read_answer(ws, rid, offset, size, total, stats)
            stats["latency"].append(time.perf_counter() - start)
    except Exception as exc:  # a dropped connection is an error of the run, counted
        stats["errors"].append(f"{type(exc).__name__}: {exc}")
    finally:
        ws.close()


async def read_answer(ws, rid, offset, size, total, stats) -> None:
    """Read until frames answering ``rid`` cover rows ``offset .. offset+size``."""
    covered = offset
    while covered < min(offset + size, total):
        msg = await ws.read_message()
        if msg is None:
            raise ConnectionError("the server closed the connection")
        if isinstance(msg, str):
            reply = json.loads(msg)
            if reply.get("type") == "Error":
                raise RuntimeError(f"server answered Error: {reply}")
            continue
        h = benchlib.frame_header(msg)
        if h["request_id"] != rid:
            continue
        if h["total_rows"] != total or h["offset"] > covered or h["offset"] % 200 \
                or h["count"] != min(200, total - h["offset"]):
            raise AssertionError(f"wrong frame for rows {offset}+{size}: {h}")
        covered = h["offset"] + h["count"]


def test_scroll_load(benchmark, served):
    benchmark.group = "server-load"
    total = benchlib.N_NODES
    stats = {"latency": [], "errors": []}
    rss_before, cpu_before = served.rss(), served.cpu_seconds()

    async def run():
        deadline = time.monotonic() + SECONDS
        await asyncio.gather(*(scroller(served.url, total, deadline, k, stats)
                               for k in range(CLIENTS)))

    benchmark.pedantic(lambda: asyncio.run(run()), rounds=1)
    rss_after, cpu = served.rss(), served.cpu_seconds() - cpu_before
    benchlib.report_latency(
        benchmark, "server-load", "scroll",
        f"{CLIENTS} clients scrolling {total:,} rows for {SECONDS:g} s (one process)",
        stats["latency"],
        f"; {len(stats['latency']) / SECONDS:,.0f} requests/s; errors {len(stats['errors'])}; "
        f"server CPU {cpu / SECONDS:.0%} of one core; server RSS {rss_before / MB:.0f} -> "
        f"{rss_after / MB:.0f} MB")
    assert stats["errors"] == [], stats["errors"][:5]
    assert len(stats["latency"]) >= CLIENTS


# --------------------------------------------------------------------------- connect/close

def test_connect_close_cycles(benchmark, served):
    benchmark.group = "server-load"
    rss = {"before": served.rss()}

    def run():
        for k in range(CYCLES):
            client = benchlib.GroggyClient(served.url)
            replies, frames = client.call({"type": "Hello", "window_size": 50})
            assert replies[0]["type"] == "InitialData" and len(frames) == 1
            client.close()
            if k + 1 == CYCLES // 2:
                rss["half"] = served.rss()

    start = time.perf_counter()
    benchmark.pedantic(run, rounds=1)
    seconds = time.perf_counter() - start
    time.sleep(1)
    rss["after"] = served.rss()
    benchlib.say(f"[server-load] {CYCLES:,} connect / Hello / close cycles in {seconds:.1f} s "
                 f"({seconds / CYCLES * 1000:.2f} ms each): server RSS {rss['before'] / MB:.1f}"
                 f" -> {rss['half'] / MB:.1f} (after {CYCLES // 2:,}) -> "
                 f"{rss['after'] / MB:.1f} MB (growth {(rss['after'] - rss['before']) / MB:+.1f}"
                 f" MB)")
    benchmark.extra_info.update({f"rss_{k}_bytes": v for k, v in rss.items()})
    client = benchlib.GroggyClient(served.url)   # still serving
    assert client.call({"type": "Ping"})[0][0]["type"] == "Pong"
    client.close()


# --------------------------------------------------------------------------- non-readers

def nonreader(url: str, deadline: float, seed: int, outcome: list) -> None:
    """50 ScrollRequests of 2,000 rows a second, never reading; records how it ended."""
    rng = random.Random(seed)
    ws = websocket.create_connection(benchlib.ws_url(url), suppress_origin=True, timeout=60)
    ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sent, started = 0, time.monotonic()
    try:
        while time.monotonic() < deadline:
            ws.send(json.dumps({"type": "ScrollRequest", "offset": rng.randrange(
                0, benchlib.N_NODES - 2000), "window_size": 2000}) if sent else
                json.dumps({"type": "Hello", "window_size": 2000}))
            sent += 1
            time.sleep(0.02)
        outcome.append(f"open after {sent:,} requests")
    except (websocket.WebSocketException, OSError) as exc:
        outcome.append(f"closed by the server after {time.monotonic() - started:.0f} s, "
                       f"{sent:,} requests ({type(exc).__name__})")
    finally:
        ws.sock.close()


@pytest.mark.parametrize("served", [0.05], indirect=True)
@pytest.mark.parametrize("nonreaders", [0, NONREADERS], ids=["control", "nonreaders"])
def test_nonreaders_while_the_graph_changes(benchmark, served, nonreaders):
    # the control run (no non-readers) shows what the changing graph alone costs
    benchmark.group = "server-load"
    samples, outcomes, pings = [served.rss()], [], []

    def run():
        deadline = time.monotonic() + SECONDS
        threads = [threading.Thread(target=nonreader, args=(served.url, deadline, k, outcomes))
                   for k in range(nonreaders)]
        for t in threads:
            t.start()
        reader = benchlib.GroggyClient(served.url)
        reader.call({"type": "Hello"})
        while time.monotonic() < deadline:
            start = time.perf_counter()
            reader.call({"type": "Ping"})   # TotalChanged pushes are skipped meanwhile
            pings.append(time.perf_counter() - start)
            samples.append(served.rss())
            time.sleep(0.5)
        for t in threads:
            t.join()
        reader.close()

    benchmark.pedantic(run, rounds=1)
    time.sleep(2)
    after = served.rss()
    before, peak = samples[0], max(samples + [after])
    benchlib.report_latency(
        benchmark, "server-load", f"ping-beside-{nonreaders}-nonreaders",
        f"a reading client's Ping while {nonreaders} clients never read (50 x 2,000-row "
        f"ScrollRequests/s each) and the graph changes 20 times/s", pings,
        f"; server RSS {before / MB:.0f} MB before, {peak / MB:.0f} MB peak, "
        f"{after / MB:.0f} MB after (by thirds of the run: "
        + " / ".join(f"{samples[len(samples) * k // 3 - 1] / MB:.0f}" for k in (1, 2, 3))
        + " MB); non-readers: " + ("; ".join(sorted(outcomes)) or "none"))
    benchmark.extra_info.update({"rss_before_bytes": before, "rss_peak_bytes": peak,
                                 "rss_after_bytes": after})
    assert len(pings) >= SECONDS  # the server kept answering
    assert peak - before < NONREADER_RSS_BOUND, (before, peak)
