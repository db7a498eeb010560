"""groggy.dask on a LocalCluster of 1 and of 2 worker processes, beside in-process groggy
on the same (memory-mapped) store and pandas / igraph with the data in memory: degree,
group-by aggregation and connected components, plus the time and size of writing the
partitioned store with ``gg.StoreWriter``.

Size: ``GROGGY_DASK_EDGES`` edges (default 1,000,000), a tenth as many nodes,
``GROGGY_DASK_PARTITIONS`` partitions (default 8). Each case reports its first call and
its steady state (best of the later rounds); dask cases also report the client's peak
RSS growth during the call (it stays flat: the data never passes through the client).

    GROGGY_DASK_EDGES=10000000 pytest bench/test_dask_graph.py -s --benchmark-only -p no:cacheprovider
"""
from __future__ import annotations

import importlib.util
import os
import threading
import time

import numpy as np
import pytest

import benchlib
import groggy as gg

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
gd = pytest.importorskip("groggy.dask")
psutil = pytest.importorskip("psutil")

EDGES = int(os.environ.get("GROGGY_DASK_EDGES", 1_000_000))
NODES = max(EDGES // 10, 1)
PARTS = int(os.environ.get("GROGGY_DASK_PARTITIONS", 8))
ROUNDS = 3
ANSWERS: dict = {}


def _size_of(path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The partitioned store, written a partition at a time (timed, with its size)."""
    rng = np.random.default_rng(7)
    path = tmp_path_factory.mktemp("dask") / "big.groggy"
    start = time.perf_counter()
    with gg.StoreWriter(path) as w:
        for i in range(PARTS):
            a, b = i * NODES // PARTS, (i + 1) * NODES // PARTS
            w.add_nodes({"group": rng.integers(0, 100, b - a),
                         "score": rng.random(b - a)})
        for i in range(PARTS):
            m = (i + 1) * EDGES // PARTS - i * EDGES // PARTS
            w.add_edges(rng.integers(0, NODES, m), rng.integers(0, NODES, m),
                        {"weight": rng.random(m)})
    seconds = time.perf_counter() - start
    benchlib.say(f"[dask] StoreWriter: {NODES:,} nodes / {EDGES:,} edges in {PARTS} + "
                 f"{PARTS} partitions: {benchlib.fmt_time(seconds)}, "
                 f"{_size_of(path) / 2**20:,.1f} MiB on disk")
    return path


@pytest.fixture(scope="module")
def frames(store):
    g = gg.open(store)
    return g.nodes.table().to_pandas(), g.edges.table().to_pandas()


@pytest.fixture(scope="module", params=[1, 2], ids=["1worker", "2workers"])
def client(request):
    cluster = distributed.LocalCluster(n_workers=request.param, threads_per_worker=1,
                                       processes=True, dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


class PeakRSS:
    """The client process's largest RSS growth while the block runs (sampled 100/s)."""

    def __enter__(self):
        self.proc, self.base, self.peak, self.done = psutil.Process(), 0, 0, False
        self.base = self.peak = self.proc.memory_info().rss
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _watch(self):
        while not self.done:
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.01)

    def __exit__(self, *exc):
        self.done = True
        self.thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.base


def _degree_dask(dg):
    return int(dg.degree().max().compute())


def _group_dask(dg):
    return dg.table("nodes").group_by("group").agg({"score": ["mean", "max"]}).nrows


def _components_dask(dg):
    return int(dg.connected_components().nunique().compute())


OPS = {
    "degree": {"dask": _degree_dask,
               "groggy": lambda g: int(max(g.degree().to_list())),
               "pandas": lambda f: int(np.bincount(np.concatenate(
                   [f[1]["source"].to_numpy(), f[1]["target"].to_numpy()]),
                   minlength=NODES).max())},
    "group_by": {"dask": _group_dask,
                 "groggy": lambda g: g.nodes.table().group_by("group").agg(
                     {"score": ["mean", "max"]}).nrows,
                 "pandas": lambda f: len(f[0].groupby("group")["score"].agg(["mean", "max"]))},
    "components": {"dask": _components_dask,
                   "groggy": lambda g: len(g.connected_components()),
                   "igraph": lambda f: len(_igraph(f).connected_components())},
}
_IGRAPH = {}


def _igraph(f):
    if "g" not in _IGRAPH:
        import igraph
        _IGRAPH["g"] = igraph.Graph(n=NODES, edges=np.column_stack(
            [f[1]["source"].to_numpy(), f[1]["target"].to_numpy()]), directed=False)
    return _IGRAPH["g"]


def _timed(fn, arg) -> tuple:
    times, answer = [], None
    for _ in range(ROUNDS):
        start = time.perf_counter()
        answer = fn(arg)
        times.append(time.perf_counter() - start)
    return answer, times


@pytest.mark.parametrize("op", list(OPS))
def test_in_process_and_peers(benchmark, store, frames, op):
    benchmark.group = f"dask-{op}"
    g = gg.open(store)
    for engine, fn in OPS[op].items():
        if engine == "dask":
            continue
        arg = g if engine == "groggy" else frames
        if engine == "igraph":
            if importlib.util.find_spec("igraph") is None:
                benchlib.say(f"[dask-{op}] igraph: not installed (pip install igraph)")
                continue
            _igraph(frames)   # built outside the timing
        answer, times = _timed(fn, arg)
        ANSWERS.setdefault(op, {})[engine] = answer
        benchlib.record_time(benchmark, benchmark.group, engine, min(times[1:]))
        benchlib.say(f"[dask-{op}] {engine}: first {benchlib.fmt_time(times[0])}, "
                     f"steady {benchlib.fmt_time(min(times[1:]))} (answer {answer})")
    benchmark.pedantic(lambda: None, rounds=1)


@pytest.mark.parametrize("op", list(OPS))
def test_on_local_cluster(benchmark, store, client, op):
    workers = len(client.scheduler_info()["workers"])
    benchmark.group = f"dask-{op}"
    case = f"dask-{workers}w"
    dg = gd.open(store, client=client)
    with PeakRSS() as rss:
        answer, times = _timed(OPS[op]["dask"], dg)
    want = set(ANSWERS.get(op, {}).values())
    assert not want or want == {answer}, f"{op}: dask gave {answer}, in-process {want}"
    benchlib.record_time(benchmark, benchmark.group, case, min(times[1:]))
    benchlib.say(f"[dask-{op}] {case}: first {benchlib.fmt_time(times[0])}, steady "
                 f"{benchlib.fmt_time(min(times[1:]))}, client peak RSS growth "
                 f"{rss.growth / 2**20:,.1f} MiB (answer {answer})")
    peers = [p for p in ("groggy", "pandas", "igraph", "dask-1w") if p != case]
    for peer in peers:
        benchlib.speedup(benchmark, benchmark.group, peer, None,
                         f"{op} of {NODES:,} nodes / {EDGES:,} edges", ours=case)
    benchmark.pedantic(lambda: None, rounds=1)
