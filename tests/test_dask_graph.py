"""groggy.dask against the in-process answers, on a real 2-process LocalCluster.

Every distributed operation (degree, filter, group-by aggregation, statistics,
connected components, write-back) is run on the cluster's workers and compared with
in-process groggy on the same data (networkx for components), over hypothesis-drawn
graphs cut into partitions at drawn places, empty partitions included.
"""
from __future__ import annotations

import math
import os
import signal
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import groggy as gg
from conftest import assert_clean, generation, snapshot

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
gd = pytest.importorskip("groggy.dask")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


# ------------------------------------------------------------------ data

AGGS = ["count", "sum", "mean", "std", "min", "max", "nunique", "first", "last"]
TEXT_AGGS = ["count", "min", "max", "nunique", "first", "last"]
FILTERS = ["age >= 30", "club == 'a' or w < 0.5", "not (age > 20 and club != 'b')",
           "club == null", "w != null and age < 50", "club startswith 'b'",
           "club contains 'c'", "flag == true", "age == null or flag == false"]


def cuts(n: int, k: int, draw) -> list:
    """``k`` contiguous row ranges covering ``0..n`` (some may be empty)."""
    points = sorted(draw(st.lists(st.integers(0, n), min_size=k - 1, max_size=k - 1)))
    bounds = [0, *points, n]
    return list(zip(bounds[:-1], bounds[1:]))


@st.composite
def graphs(draw):
    n = draw(st.integers(0, 14))
    m = draw(st.integers(0, 24)) if n else 0
    ints = st.one_of(st.none(), st.integers(0, 70))
    nodes = pd.DataFrame({
        "club": pd.array(draw(st.lists(st.sampled_from(["a", "b", "bc", None]),
                                       min_size=n, max_size=n)), dtype=object),
        "age": pd.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype="Int64"),
        "w": np.array(draw(st.lists(st.one_of(st.just(math.nan), st.floats(-1, 1)),
                                    min_size=n, max_size=n)), dtype=np.float64),
        "flag": np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool),
    })
    ends = st.lists(st.integers(0, max(n - 1, 0)), min_size=m, max_size=m)
    edges = pd.DataFrame({"source": np.array(draw(ends), dtype=np.int64),
                          "target": np.array(draw(ends), dtype=np.int64),
                          "weight": np.array(draw(st.lists(st.floats(0, 5), min_size=m,
                                                           max_size=m)), dtype=np.float64)})
    directed = draw(st.booleans())
    node_cuts = cuts(n, draw(st.integers(1, 4)), draw)
    edge_cuts = cuts(m, draw(st.integers(1, 4)), draw)
    return nodes, edges, directed, node_cuts, edge_cuts


def write_store(data, path, gone=None):
    """The drawn graph as a partitioned store cut at the drawn ranges (StoreWriter);
    ``gone``: (removed node ids, removed edge ids)."""
    nodes, edges, directed, node_cuts, edge_cuts = data
    with gg.StoreWriter(path, directed=directed) as w:
        for a, b in node_cuts:
            w.add_nodes(nodes.iloc[a:b].reset_index(drop=True))
        for a, b in edge_cuts:
            part = edges.iloc[a:b].reset_index(drop=True)
            w.add_edges(part["source"].to_numpy(), part["target"].to_numpy(),
                        part.drop(columns=["source", "target"]))
        if gone is not None:
            w.remove("nodes", np.array(gone[0], dtype=np.int64))
            w.remove("edges", np.array(gone[1], dtype=np.int64))
    return path


def opened(data, client, root):
    """(the distributed graph, the in-process graph) of one store written from ``data``."""
    path = write_store(data, Path(tempfile.mkdtemp(dir=root)) / "g.groggy")
    return gd.open(path, client=client), gg.open(path)


def close(a, b) -> bool:
    """Equal lists, floats within rounding (partial sums merge in another order)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, float) or isinstance(y, float):
            if x is None or y is None:
                if x is not y:
                    return False
            elif not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9):
                return False
        elif x != y:
            return False
    return True


def assert_same_table(got, want):
    got, want = got.to_dict(), want.to_dict()
    assert list(got) == list(want)
    for name in want:
        assert close(got[name], want[name]), (name, got[name], want[name])


def smallest_member(local) -> list:
    """Each node's component named by its smallest node, from the in-process labels."""
    labels = local.connected_components().labels().to_list()
    first = {}
    for node, label in enumerate(labels):
        first.setdefault(label, node)   # the first node met is the smallest
    return [first[label] for label in labels]


def nx_graph(data):
    nodes, edges, _, _, _ = data
    g = nx.Graph()
    g.add_nodes_from(range(len(nodes)))
    g.add_edges_from(zip(edges["source"].tolist(), edges["target"].tolist()))
    return g


# ------------------------------------------------------------------ the operations

def check_operations(data, dg, local, client, keys, filters=FILTERS, every=True):
    n = len(data[0])
    nodes, table = dg.table("nodes"), local.nodes.table()
    # the lazy results, computed in one go: degree (a Series aligned with the node
    # partitions), components, every filter
    degree = dg.degree()
    assert isinstance(degree, dd.Series) and degree.npartitions == len(data[3])
    lazy = [degree, dg.connected_components()] + [nodes.filter(e).frame for e in filters]
    if dg.directed:
        lazy += [dg.in_degree(), dg.out_degree()]
    got = client.compute(lazy, sync=True)
    assert got[0].tolist() == local.degree().to_list()
    if dg.directed:
        assert got[-2].tolist() == local.in_degree().to_list()
        assert got[-1].tolist() == local.out_degree().to_list()
    # components: canonical labels (the smallest node), the partition networkx finds
    labels = got[1]
    assert labels.index.tolist() == list(range(n))
    want = {frozenset(c) for c in nx.connected_components(nx_graph(data))}
    members = {}
    for node, label in enumerate(labels.tolist()):
        members.setdefault(label, set()).add(node)
    assert {frozenset(c) for c in members.values()} == want
    assert all(label == min(group) for label, group in members.items())
    # filters: the same rows as BaseTable.filter
    for expr, rows in zip(filters, got[2:2 + len(filters)]):
        assert rows.index.tolist() == table.filter(expr).node_ids().to_list(), expr
    # group-by: every aggregation that applies
    spec = {c: fns for c, fns in {"age": AGGS, "w": AGGS, "club": TEXT_AGGS}.items()
            if c not in keys}
    assert_same_table(nodes.group_by(keys).agg(spec), table.group_by(keys).agg(spec))
    if every:   # (each is one more round trip to the cluster)
        assert_same_table(nodes.group_by(keys).agg(s=("w", "std"), ddof=1),
                          table.group_by(keys).agg(s=("w", "std"), ddof=1))
        assert_same_table(nodes.group_by(keys).size(), table.group_by(keys).size())
    # statistics of every number column, as the in-process arrays give them
    stats = nodes.stats().to_dict()
    assert stats["column"] == ["age", "w", "flag"]
    for i, name in enumerate(stats["column"]):
        column = table[name]
        assert stats["count"][i] == column.count()
        assert stats["nulls"][i] == n - column.count()
        for fn in ("sum", "mean", "std", "min", "max"):
            want_value = getattr(column, fn)()
            want_value = None if want_value is None else float(want_value)
            assert close([stats[fn][i]], [want_value]), (name, fn)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=graphs(), keys=st.sampled_from(["club", ["flag", "club"], "age"]),
       filters=st.lists(st.sampled_from(FILTERS), min_size=2, max_size=2, unique=True))
def test_operations_equal_in_process(client, data, keys, filters, tmp_path_factory):
    dg, local = opened(data, client, tmp_path_factory.mktemp("h"))
    check_operations(data, dg, local, client, keys, filters, every=False)


def test_every_filter_and_key(client, tmp_path):
    rng = np.random.default_rng(5)
    n, m = 40, 60
    nodes = pd.DataFrame({
        "club": pd.array(rng.choice(np.array(["a", "b", "bc", None], dtype=object), n),
                         dtype=object),
        "age": pd.array([None if v > 60 else v for v in rng.integers(0, 70, n)],
                        dtype="Int64"),
        "w": np.where(rng.random(n) < 0.2, np.nan, rng.random(n)),
        "flag": rng.random(n) < 0.5})
    edges = pd.DataFrame({"source": rng.integers(0, n, m), "target": rng.integers(0, n, m),
                          "weight": rng.random(m)})
    data = (nodes, edges, True, [(0, 0), (0, 17), (17, 17), (17, 40)], [(0, 31), (31, 60)])
    dg, local = opened(data, client, tmp_path)
    for keys in ("club", ["flag", "club"]):
        check_operations(data, dg, local, client, keys)


def test_results_are_lazy_and_aligned(client, tmp_path):
    data = (pd.DataFrame({"x": [1, 2, 3, 4, 5]}), pd.DataFrame(
        {"source": [0, 1, 3], "target": [1, 2, 4]}), False, [(0, 2), (2, 2), (2, 5)],
        [(0, 3)])
    dg, _ = opened(data, client, tmp_path)
    assert dg.nodes.npartitions == 3 and dg.nodes.known_divisions
    labels = dg.connected_components()
    assert labels.known_divisions and labels.npartitions == 3
    assert labels.loc[3:4].compute().tolist() == [3, 3]
    with_cols = dg.with_node_columns(component=labels, degree=dg.degree())
    out = with_cols.nodes.compute()
    assert out["component"].tolist() == [0, 0, 0, 3, 3]
    assert out["degree"].tolist() == [1, 2, 1, 1, 1]


def test_bad_input_fails_before_work(client, tmp_path):
    data = (pd.DataFrame({"club": ["a", "b"], "age": [1, 2]}),
            pd.DataFrame({"source": [0], "target": [1]}), False, [(0, 2)], [(0, 1)])
    nodes = opened(data, client, tmp_path)[0].table("nodes")
    with pytest.raises(ValueError, match="cannot compare it with"):
        nodes.filter("club > 3")
    with pytest.raises(ValueError, match="expected a comparison"):
        nodes.filter("age")
    with pytest.raises(KeyError, match="no column 'nope'"):
        nodes.filter("nope == 1")
    with pytest.raises(KeyError, match="no column 'nope'"):
        nodes.group_by("nope")
    with pytest.raises(TypeError, match="cannot take the sum of column 'club'"):
        nodes.group_by("age").agg({"club": "sum"})
    with pytest.raises(ValueError, match="unknown aggregation 'median'"):
        nodes.group_by("club").agg({"age": "median"})


# ------------------------------------------------------------------ Parquet

def test_parquet_datasets(client, tmp_path):
    nodes = pd.DataFrame({"club": ["a", None, "b", "a"], "age": [10, 20, 30, 40]})
    for i, (a, b) in enumerate([(0, 3), (3, 3), (3, 4)]):
        nodes.iloc[a:b].to_parquet(tmp_path / f"nodes-{i}.parquet")
    edges = pd.DataFrame({"src": [0, 1, 3, 3], "dst": [1, 2, 3, 0], "w": [1.0, 2, 3, 4]})
    (tmp_path / "e").mkdir()
    edges.iloc[:1].to_parquet(tmp_path / "e" / "0.parquet")
    edges.iloc[1:].to_parquet(tmp_path / "e" / "1.parquet")
    dg = gd.open(nodes=str(tmp_path / "nodes-*.parquet"), edges=tmp_path / "e",
                 source="src", target="dst", client=client)
    assert dg.nodes.npartitions == 3 and dg.nodes.known_divisions
    local = gg.from_pandas(nodes, edges.rename(columns={"src": "source", "dst": "target"}))
    assert dg.degree().compute().tolist() == local.degree().to_list()
    assert dg.connected_components().compute().tolist() == [0, 0, 0, 0]
    assert_same_table(dg.table().group_by("club").agg({"age": ["sum", "first"]}),
                      local.nodes.table().group_by("club").agg({"age": ["sum", "first"]}))
    assert dg.filter_edges("w > 2").compute()["source"].tolist() == [3, 3]


def test_parquet_wrong_kinds_named(client, tmp_path):
    pd.DataFrame({"age": [1, 2]}).to_parquet(tmp_path / "n.parquet")
    pd.DataFrame({"src": [0.0, 1.0], "dst": [1, 0]}).to_parquet(tmp_path / "e.parquet")
    with pytest.raises(TypeError, match=r"'src' in .*e\.parquet holds double.*integer"):
        gd.open(nodes=tmp_path / "n.parquet", edges=tmp_path / "e.parquet", source="src",
                target="dst", client=client)
    pd.DataFrame({"src": [0, 5], "dst": [1, 0]}).to_parquet(tmp_path / "far.parquet")
    dg = gd.open(nodes=tmp_path / "n.parquet", edges=tmp_path / "far.parquet",
                 source="src", target="dst", client=client)
    with pytest.raises(ValueError, match=r"'src' in .*far\.parquet row 1: 5 is not a node"):
        dg.degree().compute()
    pd.DataFrame({"age": [[1], [2]]}).to_parquet(tmp_path / "lists.parquet")
    with pytest.raises(TypeError, match=r"'age' in .*lists\.parquet holds list"):
        gd.open(nodes=tmp_path / "lists.parquet", edges=tmp_path / "e.parquet",
                client=client)
    with pytest.raises(FileNotFoundError, match="no Parquet files"):
        gd.open(nodes=tmp_path / "none-*.parquet", edges=tmp_path / "e.parquet",
                client=client)


# ------------------------------------------------------------------ stores

def round_trip_data():
    rng = np.random.default_rng(11)
    n, m = 30, 45
    nodes = pd.DataFrame({"club": pd.array(rng.choice(np.array(["x", "y", None], dtype=object),
                                                      n), dtype=object),
                          "age": rng.integers(0, 90, n)})
    edges = pd.DataFrame({"source": rng.integers(0, n, m), "target": rng.integers(0, n, m),
                          "weight": rng.random(m)})
    return nodes, edges, True, [(0, 10), (10, 10), (10, 30)], [(0, 20), (20, 45), (45, 45)]


def test_written_store_round_trips(client, tmp_path):
    """Results computed on the workers, written back by the workers, open in-process
    as the graph with the new columns."""
    dg, local = opened(round_trip_data(), client, tmp_path)
    out = dg.with_node_columns(component=dg.connected_components(),
                               degree=dg.degree()).save(tmp_path / "out.groggy")
    assert_clean(out)
    back = gg.open(out)
    assert back.is_directed == local.is_directed
    assert back.node_count() == local.node_count()
    assert back.nodes["degree"].to_list() == local.degree().to_list()
    assert back.nodes["club"].to_list() == local.nodes["club"].to_list()
    assert back.edges.table().to_dict() == local.edges.table().to_dict()
    assert back.nodes["component"].to_list() == smallest_member(local)
    info = gd.open(out, client=client)
    assert [r for r in info.ranges("nodes")] == [(0, 10), (10, 10), (10, 30)]
    assert info.ranges("edges") == [(0, 20), (20, 45), (45, 45)]


def _explode(df):
    if len(df) and df.index[-1] >= 20:
        raise RuntimeError("partition at 20 cannot be written")
    return df


def test_failed_save_leaves_the_store_as_it_was(client, tmp_path):
    dg, _ = opened(round_trip_data(), client, tmp_path)
    target = dg.save(tmp_path / "kept.groggy")
    before = snapshot(target)
    failing = gd.DistributedGraph(dg.nodes.map_partitions(_explode, meta=dg.nodes._meta),
                                  dg.edges, dg.directed, client)
    with pytest.raises(RuntimeError, match="cannot be written"):
        failing.save(target)
    assert snapshot(target) == before
    assert_clean(target)
    # edge ends beyond the nodes: refused at commit, nothing written
    fewer = gd.DistributedGraph(dg.nodes.partitions[:1], dg.edges, dg.directed, client)
    with pytest.raises(gg.StoreError, match="outside the node positions"):
        fewer.save(target)
    assert snapshot(target) == before
    assert_clean(target)


def test_missing_or_inconsistent_partition_named(client, tmp_path):
    path = write_store(round_trip_data(), tmp_path / "g.groggy")
    gen = generation(path)
    victim = sorted((gen / "nodes" / "p00002").iterdir())[0]
    saved = victim.read_bytes()
    victim.unlink()
    with pytest.raises(gg.StoreError, match=r"nodes partition 2: .*is missing"):
        gd.open(path, client=client)
    victim.write_bytes(saved[:-8])
    with pytest.raises(gg.StoreError, match=r"nodes partition 2: .*bytes, the manifest"):
        gd.open(path, client=client)
    # changed after open, same size: the worker's CRC check names the partition
    victim.write_bytes(saved)
    dg = gd.open(path, client=client)
    victim.write_bytes(saved[:-1] + bytes([saved[-1] ^ 0xFF]))
    with pytest.raises(gg.StoreError, match=r"nodes partition 2"):
        dg.table().group_by("club").size()


# ------------------------------------------------------------------ failures

def _slow_pairs(df):
    time.sleep(0.15)
    return df


def test_unpartitioned_store_and_removals(client, tmp_path):
    """A version-2 store opens as one partition, with or without removals (the removed
    rows left out: tests/test_dask_removed.py checks every operation)."""
    g = gg.generators.karate_club()
    dg = gd.open(g.save(tmp_path / "k.groggy"), client=client)
    assert dg.ranges("nodes") == [(0, 34)] and dg.ranges("edges") == [(0, 78)]
    assert dg.degree().compute().tolist() == g.degree().to_list()
    with gg.StoreWriter(tmp_path / "empty.groggy"):
        pass   # no partition at all
    empty = gd.open(tmp_path / "empty.groggy", client=client)
    assert empty.node_count() == 0
    assert empty.degree().compute().tolist() == []
    assert empty.connected_components().compute().tolist() == []
    assert empty.table().stats().nrows == 0
    g.remove_nodes([3])
    edited = gd.open(g.save(tmp_path / "removed.groggy"), client=client)
    assert edited.ranges("nodes") == [(0, 34)] and edited.node_count() == 33
    degree = edited.degree().compute()
    assert degree.index.tolist() == g.nodes.table().node_ids().to_list()
    assert degree.tolist() == g.degree().to_list()


def _die_in_partition_one(df):
    if len(df) and df.index[0] == 10:
        os._exit(1)   # this worker process dies, as a crashed or OOM-killed one would
    return df


def test_task_that_keeps_killing_workers_is_named(client, tmp_path):
    """Once Dask stops retrying (here at the first death), the error names the
    partition of the task that was running."""
    dg, _ = opened(round_trip_data(), client, tmp_path)
    doomed = gd.table(dg.nodes.map_partitions(_die_in_partition_one, meta=dg.nodes._meta),
                      client)
    scheduler = client.cluster.scheduler
    allowed, scheduler.allowed_failures = scheduler.allowed_failures, 0
    try:
        # (Dask blames every task the dead worker held: partition 2's, or one queued
        # beside it)
        with pytest.raises(gg.GroggyError, match=r"group_by: the workers computing "
                                                 r"partition \d died \(task \('"):
            doomed.group_by("club").size()
    finally:
        scheduler.allowed_failures = allowed
    client.wait_for_workers(2, timeout=120)


def test_worker_killed_mid_computation(client, tmp_path):
    """One worker dies while components run: Dask reruns its tasks on the other (and
    on the nanny's new worker); the answer is the in-process one, or an error that
    names the partition."""
    rng = np.random.default_rng(3)
    n, m, k = 4000, 12000, 24
    edges = pd.DataFrame({"source": rng.integers(0, n, m), "target": rng.integers(0, n, m)})
    node_cuts = [(i * n // 4, (i + 1) * n // 4) for i in range(4)]
    edge_cuts = [(i * m // k, (i + 1) * m // k) for i in range(k)]
    data = (pd.DataFrame({"x": np.arange(n)}), edges, False, node_cuts, edge_cuts)
    dg, local = opened(data, client, tmp_path)
    slow = dg.edges.map_partitions(_slow_pairs, meta=dg.edges._meta)
    dg = gd.DistributedGraph(dg.nodes, slow, False, client, node_cuts, edge_cuts)
    future = client.compute(dg.connected_components())
    deadline = time.time() + 20
    while not any(client.processing().values()) and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    victim = sorted(client.scheduler_info()["workers"])[0]
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)   # the test's own cluster: its nanny starts a new one
    try:
        labels = future.result(timeout=120).tolist()
    except distributed.KilledWorker as exc:   # only if every retry died too
        assert isinstance(exc.task, tuple) and isinstance(exc.task[1], int), exc.task
        return   # the error names the task and its partition
    assert labels == smallest_member(local)


def test_groggy_imports_without_dask():
    """groggy itself never needs dask; gg.dask says how to install it."""
    import subprocess
    import sys
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('dask', 'distributed'):\n"
        "            raise ImportError('No module named ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import groggy as gg\n"
        "assert gg.generators.karate_club().node_count() == 34\n"
        "try:\n"
        "    gg.dask\n"
        "except ImportError as exc:\n"
        "    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.returncode == 0, out.stderr
    assert "pip install 'groggy[dask]'" in out.stdout


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), data=st.data())
def test_component_pairs_dense_and_sorted_agree_with_networkx(n, data):
    """Both ways of pairing (union-find over every position, or over the sorted touched
    ends) give each touched node its component's smallest node."""
    import networkx as nx
    from groggy.dask.components import pairs
    m = data.draw(st.integers(0, 30))
    src = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)),
                   dtype=np.int64)
    dst = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)),
                   dtype=np.int64)
    G = nx.Graph()
    G.add_edges_from(zip(src.tolist(), dst.tolist()))
    want = {v: min(c) for c in nx.connected_components(G) for v in c}
    for found in (pairs(src, dst), pairs(src, dst, n=n)):
        assert found[0].tolist() == sorted(want)
        assert found[1].tolist() == [want[v] for v in sorted(want)]
