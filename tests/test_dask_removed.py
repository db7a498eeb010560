"""groggy.dask on stores with removed rows, against in-process groggy on the same store.

A store keeps a removed element's row and lists its id; on the cluster every
partition drops its removed ids, so ids stay the store's. Every operation (degree,
components, filter, group-by, statistics, save) must give what ``gg.open`` of the same
store gives, over hypothesis-drawn graphs and removals (whole partitions emptied
included), on a real 2-process LocalCluster.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import groggy as gg
from conftest import assert_clean, same
from test_dask_graph import (AGGS, FILTERS, TEXT_AGGS, assert_same_table, client,  # noqa: F401
                             close, gd, graphs, write_store)



def removals(data, draw_nodes, draw_edges, empty: int | None = None):
    """(removed node ids, removed edge ids) as a graph's removals make them: a node's
    edges go with it. ``empty``: also every node of node partition ``empty``."""
    nodes, edges, _, node_cuts, _ = data
    gone = set(draw_nodes)
    if empty is not None:
        gone |= set(range(*node_cuts[empty]))
    touching = edges["source"].isin(gone) | edges["target"].isin(gone)
    dead = set(np.flatnonzero(touching.to_numpy()).tolist()) | set(draw_edges)
    return sorted(gone), sorted(dead)


def components_of(labels: pd.Series) -> set:
    members = {}
    for node, label in labels.items():
        members.setdefault(label, set()).add(node)
    assert all(label == min(group) for label, group in members.items())
    return {frozenset(group) for group in members.values()}


def check_same(dg, local, client, keys, filters):
    """Every distributed operation against the in-process graph ``local``."""
    ids = local.nodes.table().node_ids().to_list()
    assert (dg.node_count(), dg.edge_count()) == (local.node_count(), local.edge_count())
    nodes, table = dg.table("nodes"), local.nodes.table()
    lazy = [dg.degree(), dg.connected_components(), dg.nodes, dg.edges] + [
        nodes.filter(e).frame for e in filters]
    if dg.directed:
        lazy += [dg.in_degree(), dg.out_degree()]
    got = client.compute(lazy, sync=True)
    degree, labels, node_rows, edge_rows = got[:4]
    assert degree.index.tolist() == ids == node_rows.index.tolist()
    assert degree.tolist() == local.degree().to_list()
    if dg.directed:
        assert got[-2].tolist() == local.in_degree().to_list()
        assert got[-1].tolist() == local.out_degree().to_list()
    assert edge_rows.index.tolist() == local.edges.table().edge_ids().to_list()
    assert labels.index.tolist() == ids
    assert components_of(labels) == {frozenset(c.node_ids().to_list())
                                     for c in local.connected_components()}
    for expr, rows in zip(filters, got[4:4 + len(filters)]):
        assert rows.index.tolist() == table.filter(expr).node_ids().to_list(), expr
    spec = {c: fns for c, fns in {"age": AGGS, "w": AGGS, "club": TEXT_AGGS}.items()
            if c not in keys}
    assert_same_table(nodes.group_by(keys).agg(spec), table.group_by(keys).agg(spec))
    assert_same_table(nodes.group_by(keys).size(), table.group_by(keys).size())
    stats = nodes.stats().to_dict()
    for i, name in enumerate(stats["column"]):
        column = table[name]
        assert stats["count"][i] == column.count()
        assert stats["nulls"][i] == local.node_count() - column.count()
        for fn in ("sum", "mean", "std", "min", "max", "median"):
            want = getattr(column, fn)()
            want = None if want is None else float(want)
            assert close([stats[fn][i]], [want]), (name, fn, stats[fn][i], want)


def check_saved(dg, local, root):
    """Written back by the workers: the same ids, rows, removals and degrees."""
    out = dg.with_node_columns(degree=dg.degree()).save(Path(root) / "out.groggy")
    assert_clean(out)
    back = gg.open(out)
    assert back.nodes.table().node_ids().to_list() == local.nodes.table().node_ids().to_list()
    assert same(back.edges.table().to_dict(), local.edges.table().to_dict())
    for name in local.nodes.table().column_names():
        assert same(back.nodes[name].to_list(), local.nodes[name].to_list()), name
    assert back.nodes["degree"].to_list() == local.degree().to_list()
    assert back.degree().to_list() == local.degree().to_list()
    again = gd.open(out, client=dg.client)
    assert again.ranges("nodes") == dg.ranges("nodes")
    assert again.node_count() == local.node_count()


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=graphs(), keys=st.sampled_from(["club", ["flag", "club"], "age"]),
       filters=st.lists(st.sampled_from(FILTERS), min_size=2, max_size=2, unique=True),
       picks=st.data())
def test_removals_equal_in_process(client, data, keys, filters, picks, tmp_path_factory):
    n, m = len(data[0]), len(data[1])
    drawn_nodes = picks.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=n // 2)) \
        if n else []
    drawn_edges = picks.draw(st.lists(st.integers(0, max(m - 1, 0)), max_size=m // 2)) \
        if m else []
    empty = picks.draw(st.one_of(st.none(), st.integers(0, len(data[3]) - 1)))
    gone = removals(data, drawn_nodes, drawn_edges, empty)
    root = Path(tempfile.mkdtemp(dir=tmp_path_factory.mktemp("r")))
    path = write_store(data, root / "g.groggy", gone)
    dg, local = gd.open(path, client=client), gg.open(path)
    check_same(dg, local, client, keys, filters)
    check_saved(dg, local, root)


def test_graph_with_removals_saved_in_partitions(client, tmp_path):
    """A graph edited in-process (remove_nodes / remove_edges) and saved in 4
    partitions, one of them emptied, a removed node in each of the others."""
    rng = np.random.default_rng(7)
    n, m = 48, 120
    g = gg.Graph(directed=True)
    g.add_nodes({"club": rng.choice(np.array(["a", "b", "bc"], dtype=object), n).tolist(),
                 "age": [None if v > 60 else int(v) for v in rng.integers(0, 70, n)],
                 "w": np.where(rng.random(n) < 0.2, np.nan, rng.random(n)),
                 "flag": (rng.random(n) < 0.5).tolist()})
    g.add_edges(list(zip(rng.integers(0, n, m).tolist(), rng.integers(0, n, m).tolist())))
    g.remove_nodes(list(range(12, 24)) + [3, 30, 47])      # partition 1 is 12..23
    g.remove_edges(g.edges.table().edge_ids().to_list()[::7])
    path = g.save(tmp_path / "edited.groggy", partitions=4)
    dg, local = gd.open(path, client=client), gg.open(path)
    assert dg.ranges("nodes") == [(0, 12), (12, 24), (24, 36), (36, 48)]
    assert dg.nodes.get_partition(1).compute().empty
    check_same(dg, local, client, ["flag", "club"], FILTERS)
    check_saved(dg, local, tmp_path)


def test_store_writer_remove_checks_ids(tmp_path):
    with pytest.raises(gg.StoreError, match="removed nodes ids run 0..5, outside the 3"):
        with gg.StoreWriter(tmp_path / "bad.groggy") as w:
            w.add_nodes(3)
            w.remove("nodes", [0, 5])
    assert not (tmp_path / "bad.groggy").exists()
    with pytest.raises(TypeError, match="removed edges: expected a 1-d array of row"):
        with gg.StoreWriter(tmp_path / "bad.groggy") as w:
            w.remove("edges", [0.5])
    with gg.StoreWriter(tmp_path / "ok.groggy") as w:
        w.add_nodes({"x": [1, 2, 3]})
        w.remove("nodes", [1])
        w.remove("nodes", [1, 2])
    g = gg.open(tmp_path / "ok.groggy")
    assert g.nodes.table().node_ids().to_list() == [0] and g.nodes["x"].to_list() == [1]
