"""``gg.serve(ddf)`` of a distributed table of N_ROWS rows (100,000,000 at full scale;
three numeric columns, 2.4 GB), beside the in-process server on the same data.

- dask: the rows are made on the workers of a ``LocalCluster`` (2 worker processes,
  1 thread each), one partition of PART_ROWS rows per task (``dd.from_map``), and
  persisted there (outside the timing): the client never holds them. The server counts
  the partitions' rows and fetches each window from the worker holding it.
- in-process: the same columns written once to ``.npy`` files and memory-mapped (a
  groggy table over the maps, as ``gg.open`` gives), served by the same ``Server``.

For each: the time from the call that starts the server (``gg.serve(ddf)``,
``Server(...).start()``) to the first rows of a ``Hello`` (the first call: for dask,
counting 100 partitions on the cluster), the first window at a random offset (cold),
then REQUESTS windows (WINDOW rows) at random offsets in never-seen blocks (steady state:
every one a cache miss), p50/p95. Rows are checked against the formula that made them.

Run: ``pytest bench/test_dask_serve.py -s --benchmark-only -p no:cacheprovider``
(``GROGGY_BENCH_SCALE=0.01`` for 1M rows). Needs ~5 GB of RAM and 2.4 GB in $TMPDIR.
"""
import time

import numpy as np
import pytest

import benchlib
import groggy as gg
from groggy.foundation import BaseTable
from groggy.frame import ArrayColumn, ColumnsFrame
from groggy.streaming import decode_frame
from groggy.web import Server

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

N_ROWS = max(10_000, round(100_000_000 * benchlib.SCALE))
PART_ROWS = max(1_000, N_ROWS // 100)
REQUESTS = 200
WINDOW = 100
BLOCK = 200
CHUNK = 10_000_000      # rows written to the maps at a time


def columns_of(rows: np.ndarray) -> dict:
    """The table's columns at view rows ``rows``: what both servers must show."""
    return {"i": rows, "x": (rows * 2654435761 % 1000003) / 7.0, "k": rows % 1000}


def make_part(first: int):
    return pd.DataFrame(columns_of(np.arange(first, min(N_ROWS, first + PART_ROWS))))


@pytest.fixture(scope="module")
def client():
    # a Client that starts its own LocalCluster closes it too
    with distributed.Client(n_workers=2, processes=True, threads_per_worker=1,
                            dashboard_address=None) as c:
        yield c


@pytest.fixture(scope="module")
def ddf(client):
    start = time.perf_counter()
    frame = dd.from_map(make_part, list(range(0, N_ROWS, PART_ROWS)),
                        meta=make_part(0).iloc[:0]).persist()
    distributed.wait(frame)
    benchlib.say(f"[dask-serve] {N_ROWS:,} rows made and persisted on 2 workers in "
                 f"{time.perf_counter() - start:.1f} s ({frame.npartitions} partitions)")
    yield frame
    del frame


@pytest.fixture(scope="module")
def mapped(tmp_path_factory):
    """The same columns as a groggy table over memory-mapped .npy files."""
    folder = tmp_path_factory.mktemp("dask-serve")
    start = time.perf_counter()
    maps = {}
    for name, dtype in (("i", np.int64), ("x", np.float64), ("k", np.int64)):
        out = np.lib.format.open_memmap(folder / f"{name}.npy", mode="w+", dtype=dtype,
                                        shape=(N_ROWS,))
        for a in range(0, N_ROWS, CHUNK):
            out[a:a + CHUNK] = columns_of(np.arange(a, min(N_ROWS, a + CHUNK)))[name]
        out.flush()
        del out
        maps[name] = np.load(folder / f"{name}.npy", mmap_mode="r")
    benchlib.say(f"[dask-serve] the same columns written to .npy maps in "
                 f"{time.perf_counter() - start:.1f} s")
    yield BaseTable(ColumnsFrame({n: ArrayColumn(n, m) for n, m in maps.items()}, N_ROWS))


def _check(frames) -> None:
    for frame in frames:
        got = decode_frame(frame)
        rows = np.arange(got["offset"], got["offset"] + got["count"])
        want = columns_of(rows)
        assert got["columns"][0] == want["i"].tolist(), f"wrong rows at {got['offset']}"
        assert np.allclose(got["columns"][1], want["x"]) and got["columns"][2] == \
            want["k"].tolist(), f"wrong cells at {got['offset']}"


def _session(start_server):
    """(time to first rows, first window, steady-state window times) of one server."""
    offsets = benchlib.fresh_offsets(N_ROWS, REQUESTS + 1, BLOCK, WINDOW, benchlib.SEED + 9)
    t0 = time.perf_counter()
    view = start_server()
    url = view.url if hasattr(view, "url") else view.server.url
    c = benchlib.GroggyClient(url)
    try:
        _, frames = c.call({"type": "Hello", "window_size": WINDOW})
        first_rows = time.perf_counter() - t0
        _check(frames)
        times = []
        for a in offsets:
            t = time.perf_counter()
            _, frames = c.call({"type": "ScrollRequest", "offset": a, "window_size": WINDOW})
            times.append(time.perf_counter() - t)
            _check(frames)
        return first_rows, times[0], times[1:]
    finally:
        c.close()
        (view.close if hasattr(view, "close") else view.stop)()


def test_serve_dask(benchmark, client, ddf, mapped):
    benchmark.group = "dask-serve"
    results = {}

    def run():
        results["in-process"] = _session(lambda: Server({"table": mapped}).start())
        results["dask"] = _session(lambda: gg.serve(ddf, client=client, open_browser=False))

    benchmark.pedantic(run, rounds=1)
    (ours_first, ours_cold, ours), (peer_first, peer_cold, peer) = \
        results["dask"], results["in-process"]
    benchlib.say(f"[dask-serve] first rows (serve -> first frame): dask {ours_first:.3f} s | "
                 f"in-process {peer_first:.3f} s | ratio {ours_first / peer_first:.1f}x")
    benchlib.say(f"[dask-serve] first window at a random offset: dask "
                 f"{1000 * ours_cold:.1f} ms | in-process {1000 * peer_cold:.2f} ms | ratio "
                 f"{ours_cold / peer_cold:.1f}x")
    s_ours = benchlib.report_latency(benchmark, "dask-serve", "dask",
                                     f"{WINDOW}-row window at a random offset (miss)", ours)
    s_peer = benchlib.report_latency(benchmark, "dask-serve", "in-process",
                                     f"{WINDOW}-row window at a random offset (miss)", peer)
    benchlib.say(f"[dask-serve] steady state: p50 ratio {s_ours['p50'] / s_peer['p50']:.1f}x, "
                 f"p95 ratio {s_ours['p95'] / s_peer['p95']:.1f}x (dask / in-process)")
    benchmark.extra_info.update(first_rows_dask_s=ours_first, first_rows_inprocess_s=peer_first,
                                first_window_dask_s=ours_cold,
                                first_window_inprocess_s=peer_cold, rows=N_ROWS)
