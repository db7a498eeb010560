"""Stores and Parquet datasets at URLs: ``gg.dask.open("s3://...", storage_options=...)``
against a real S3-compatible HTTP server (moto's, started here on 127.0.0.1), and a
``file://`` URL; the client reads the manifest, the workers of a real 2-process
LocalCluster fetch their partitions through fsspec and check them.

The S3 tests need s3fs and moto[server] (CI installs them before the suite); without
them they are skipped, saying so.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import groggy as gg
from conftest import generation

from test_dask_graph import client, gd  # noqa: F401  (a 2-process LocalCluster per module)


@pytest.fixture(scope="module")
def s3():
    """(s3fs file system, storage_options) of a fresh moto S3 server with a bucket."""
    s3fs = pytest.importorskip("s3fs", reason="s3fs is not installed (pip install s3fs)")
    server_mod = pytest.importorskip("moto.server",
                                     reason="moto[server] is not installed")
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # one line per request
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    options = {"key": "groggy", "secret": "groggy", "client_kwargs": {
        "endpoint_url": f"http://{host}:{port}", "region_name": "us-east-1"}}
    fs = s3fs.S3FileSystem(**options)
    fs.call_s3("create_bucket", Bucket="graphs")   # us-east-1: no location constraint
    yield fs, options
    server.stop()


def edited_graph():
    """A directed graph with attributes, nulls and removals (one node partition
    emptied when saved in 3)."""
    rng = np.random.default_rng(2)
    n, m = 30, 70
    g = gg.Graph(directed=True)
    g.add_nodes({"club": rng.choice(np.array(["a", "b", None], dtype=object), n).tolist(),
                 "age": [None if v > 50 else int(v) for v in rng.integers(0, 60, n)],
                 "w": rng.random(n)})
    g.add_edges(rng.integers(0, n, m), rng.integers(0, n, m), weight=rng.random(m))
    g.remove_nodes(list(range(10, 20)) + [2])
    return g


def check_like_local(dg, local, client):
    degree, labels, edges = client.compute([dg.degree(), dg.connected_components(),
                                            dg.edges], sync=True)
    ids = local.nodes.table().node_ids().to_list()
    assert degree.index.tolist() == ids and degree.tolist() == local.degree().to_list()
    assert labels.index.tolist() == ids
    groups = {}
    for node, label in labels.items():
        groups.setdefault(label, set()).add(node)
    assert {frozenset(s) for s in groups.values()} == {
        frozenset(c.node_ids().to_list()) for c in local.connected_components()}
    assert edges["weight"].tolist() == local.edges["weight"].to_list()
    table = dg.table().group_by("club").agg(n=("age", "count"), top=("age", "max"))
    assert table.to_dict() == local.nodes.table().group_by("club").agg(
        n=("age", "count"), top=("age", "max")).to_dict()
    assert dg.table().median("w") == local.nodes["w"].median()


def test_store_on_s3(client, s3, tmp_path):
    fs, options = s3
    g = edited_graph()
    path = g.save(tmp_path / "g.groggy", partitions=3)
    fs.put(str(path), "graphs/g.groggy", recursive=True)
    dg = gd.open("s3://graphs/g.groggy", client=client, storage_options=options)
    assert "from s3://graphs/g.groggy" in repr(dg)
    assert dg.ranges("nodes") == [(0, 10), (10, 20), (20, 30)]
    check_like_local(dg, gg.open(path), client)
    with pytest.raises(ValueError, match=r"cannot save to s3://graphs/out\.groggy"):
        dg.save("s3://graphs/out.groggy")


def test_damaged_partition_on_s3_is_named(client, s3, tmp_path):
    fs, options = s3
    path = edited_graph().save(tmp_path / "d.groggy", partitions=3)
    gen = generation(path).name
    fs.put(str(path), "graphs/d.groggy", recursive=True)
    victim = f"graphs/d.groggy/{gen}/nodes/p00002/0001_age.npy"
    saved = fs.cat_file(victim)
    # altered after open, same size: the worker's CRC check names the partition
    dg = gd.open("s3://graphs/d.groggy", client=client, storage_options=options)
    fs.pipe_file(victim, saved[:-1] + bytes([saved[-1] ^ 0xFF]))
    with pytest.raises(gg.StoreError, match=r"nodes partition 2: .*0001_age\.npy: checksum"):
        dg.table().stats()
    # gone after open: named by the worker; gone before: named at open
    fs.rm(victim)   # (another computation: Dask remembers the failed one's tasks)
    with pytest.raises(gg.StoreError, match=r"nodes partition 2.*0001_age\.npy.* missing"):
        dg.table().group_by("club").agg(n=("age", "count"))
    with pytest.raises(gg.StoreError, match=r"nodes partition 2: s3://graphs/d\.groggy/"
                                            r".*0001_age\.npy is missing"):
        gd.open("s3://graphs/d.groggy", client=client, storage_options=options)
    with pytest.raises(gg.StoreError, match="no such graph directory"):
        gd.open("s3://graphs/nothing.groggy", client=client, storage_options=options)


def test_parquet_on_s3(client, s3, tmp_path):
    fs, options = s3
    nodes = pd.DataFrame({"club": ["a", None, "b", "a"], "age": [10, 20, 30, 40]})
    edges = pd.DataFrame({"src": [0, 1, 3, 3], "dst": [1, 2, 3, 0], "w": [1.0, 2, 3, 4]})
    for i, (a, b) in enumerate([(0, 3), (3, 4)]):
        nodes.iloc[a:b].to_parquet(tmp_path / f"n{i}.parquet")
        fs.put(str(tmp_path / f"n{i}.parquet"), f"graphs/pq/nodes/{i}.parquet")
    edges.to_parquet(tmp_path / "e.parquet")
    fs.put(str(tmp_path / "e.parquet"), "graphs/pq/edges/0.parquet")
    dg = gd.open(nodes="s3://graphs/pq/nodes/", edges="s3://graphs/pq/edges/*.parquet",
                 source="src", target="dst", client=client, storage_options=options)
    assert dg.nodes.npartitions == 2
    local = gg.from_pandas(nodes, edges.rename(columns={"src": "source", "dst": "target"}))
    assert dg.degree().compute().tolist() == local.degree().to_list()
    assert dg.table().compute()["age"].tolist() == [10, 20, 30, 40]
    with pytest.raises(FileNotFoundError, match="no Parquet files at 's3://graphs/none/'"):
        gd.open(nodes="s3://graphs/none/", edges="s3://graphs/pq/edges/", source="src",
                target="dst", client=client, storage_options=options)


def test_store_at_a_file_url(client, tmp_path):
    """file:// goes through fsspec as s3:// does (files fetched, not mapped)."""
    g = edited_graph()
    path = g.save(tmp_path / "f.groggy", partitions=3)
    url = Path(path).resolve().as_uri()
    dg = gd.open(url, client=client)
    assert f"from {url}" in repr(dg)
    check_like_local(dg, gg.open(path), client)
    # a damaged partition is named the same way
    victim = sorted((generation(path) / "edges" / "p00001").glob("*weight*"))[0]
    data = victim.read_bytes()
    victim.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(gg.StoreError, match=r"edges partition 1: .*weight.*checksum"):
        dg.edges["weight"].sum().compute()
    shutil.rmtree(generation(path) / "edges" / "p00001")
    with pytest.raises(gg.StoreError, match=r"edges partition 1: file://.* is missing"):
        gd.open(url, client=client)
