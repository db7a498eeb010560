"""Partitioned stores (format version 3): g.save(path, partitions=k), gg.StoreWriter and
one partition at a time (describe / read_partition): every partitioned store opens as
the same graph as the unpartitioned one, and bad partitions are named, never half-written."""
import json
import multiprocessing
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import groggy as gg
from groggy.store import partitioned
from groggy.store.manifest import signed

from conftest import (assert_clean, generation, make_sample_graph, make_twin_graph, no_fsync,
                      read_all, same)


def manifest(path) -> dict:
    return json.loads((generation(path) / "manifest.json").read_text())


@pytest.mark.parametrize("k", [1, 2, 5, 9])
def test_a_partitioned_store_opens_as_the_same_graph(tmp_path, k):
    g = make_sample_graph(directed=True)      # nulls, strings, a self-loop
    path = g.save(tmp_path / "g.groggy", partitions=k)
    m = manifest(path)
    assert m["version"] == 3
    assert len(m["nodes"]["partitions"]) == k and len(m["edges"]["partitions"]) == k
    assert same(read_all(gg.open(path, verify=True)), read_all(g))
    assert same(read_all(gg.open(path)), read_all(g))   # checks on first read
    assert_clean(path)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 40), m=st.integers(0, 60),
       k=st.integers(1, 12))
def test_any_partition_count_round_trips(scratch, seed, n, m, k):
    """Including more partitions than rows (empty partitions) and empty graphs."""
    g = make_twin_graph(seed, n, m if n else 0)
    with no_fsync():
        path = g.save(scratch() / "g.groggy", partitions=k)
    opened = gg.open(path, verify=True)
    assert same(read_all(opened), read_all(g))
    info = partitioned.describe(path)
    assert [b - a for a, b in info.nodes.ranges] == [len(r) for r in
                                                    np.array_split(np.arange(n), k)]
    # each partition alone holds exactly its rows
    for part, table in (("nodes", g.nodes.table()), ("edges", g.edges.table())):
        for i, (a, b) in enumerate(getattr(info, part).ranges):
            cols = partitioned.read_partition(info, part, i)
            for name in table.column_names():
                if name in cols:
                    assert same(cols[name].to_list(), table[name].to_list()[a:b])
    ends = [partitioned.read_partition(info, "edges", i, ["source", "target"])
            for i in range(len(info.edges.ranges))]
    src = np.concatenate([e["source"].data for e in ends]) if ends else np.empty(0)
    assert src.tolist() == g.edges.table()["source"].to_list()


def live(g) -> dict:
    """What a reader sees of a graph with removed rows."""
    return {"nodes": g.nodes.table().to_dict(), "edges": g.edges.table().to_dict(),
            "degree": g.degree().to_list(), "counts": (g.node_count(), g.edge_count())}


def test_layouts_and_removed_rows_survive_partitioning(tmp_path):
    g = make_sample_graph()
    g.remove_nodes([1])
    g.layouts["c"] = g.viz.compute_layout("circular")
    path = g.save(tmp_path / "g.groggy", partitions=3)
    opened = gg.open(path, verify=True)
    assert same(live(opened), live(g))
    assert opened.layouts["c"].node_ids.tolist() == [0, 2, 3, 4, 5]
    # a mapped partitioned graph saved again (with one more layout) links its partitions
    opened.layouts["g"] = opened.viz.compute_layout("grid")
    opened.save(path)
    again = gg.open(path, verify=True)
    assert manifest(path)["version"] == 3
    assert same(live(again), live(g)) and set(again.layouts) == {"c", "g"}
    assert_clean(path)
    # elsewhere too (linked, still in 3 partitions), or in 2 partitions, or in one piece
    for name, k, parts in (("linked", None, 3), ("two", 2, 2)):
        out = again.save(tmp_path / f"{name}.groggy", partitions=k)
        assert len(manifest(out)["nodes"]["partitions"]) == parts
        assert same(live(gg.open(out, verify=True)), live(g))
    flat = again.copy().save(tmp_path / "flat.groggy")
    assert manifest(flat)["version"] == 2 and same(live(gg.open(flat)), live(g))


def test_store_writer_writes_chunk_by_chunk(tmp_path):
    path = tmp_path / "w.groggy"
    with gg.StoreWriter(path, directed=True) as w:
        w.add_nodes({"age": np.array([30, 41]), "name": ["a", None]})
        w.add_nodes({"age": np.array([], dtype=np.int64), "name": np.array([], dtype=str)})
        w.add_nodes({"age": [25, None], "name": ["ß", "d"]})
        w.add_edges(np.array([0, 1]), np.array([3, 2]), {"w": [0.5, 2.0]})
        w.add_edges(np.array([3]), np.array([3]), {"w": [np.nan]})
        assert not path.joinpath("CURRENT").exists()     # nothing visible before commit
    g = gg.open(path, verify=True)
    assert g.is_directed and g.node_count() == 4 and g.edge_count() == 3
    assert g.nodes.table().to_dict() == {"node_id": [0, 1, 2, 3], "age": [30, 41, 25, None],
                                         "name": ["a", None, "ß", "d"]}
    assert g.edges.table()["source"].to_list() == [0, 1, 3]
    assert g.out_degree().to_list() == [1, 1, 0, 1]
    assert_clean(path)


def test_store_writer_takes_dataframes_and_row_counts(tmp_path):
    pd = pytest.importorskip("pandas")
    path = tmp_path / "w.groggy"
    with gg.StoreWriter(path) as w:
        w.add_nodes(3)
        w.add_nodes(2)
        w.add_edges([0, 4], [1, 3], pd.DataFrame({"kind": ["x", "y"]}))
    g = gg.open(path)
    assert g.node_count() == 5 and g.edges.table()["kind"].to_list() == ["x", "y"]


def _write_on_another_process(slot, lo, hi):
    return partitioned.write_partition(slot, {"x": np.arange(lo, hi)})


def test_partitions_written_by_other_processes_in_any_order(tmp_path):
    path = tmp_path / "w.groggy"
    with gg.StoreWriter(path) as w:
        slots = [w.reserve("nodes") for _ in range(4)]
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(2) as pool:
            entries = pool.starmap(_write_on_another_process,
                                   [(s, 10 * i, 10 * i + 3) for i, s in enumerate(slots)])
        for slot, entry in reversed(list(zip(slots, entries))):
            w.adopt(slot, entry)
        w.add_edges([0], [11])
    g = gg.open(path, verify=True)
    assert g.nodes["x"].to_list() == [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32]


def test_bad_partitions_leave_the_old_store_untouched(tmp_path):
    path = make_sample_graph().save(tmp_path / "g.groggy")
    before = read_all(gg.open(path))
    with pytest.raises(gg.StoreError, match=r"nodes partition 1 has columns.*'age', 'float64'"):
        with gg.StoreWriter(path) as w:
            w.add_nodes({"age": np.array([1, 2])})
            w.add_nodes({"age": np.array([1.5])})
    with pytest.raises(gg.StoreError, match=r"edges partition 1: edge ends run 0\.\.7, "
                                            r"outside the node positions 0\.\.2"):
        with gg.StoreWriter(path) as w:
            w.add_nodes(3)
            w.add_edges([0], [1])
            w.add_edges([0], [7])
    with pytest.raises(gg.StoreError, match="nodes partition 1 was reserved but never adopted"):
        with gg.StoreWriter(path) as w:
            w.add_nodes(3)
            w.reserve("nodes")
    with pytest.raises(RuntimeError, match="user code failed"):
        with gg.StoreWriter(path) as w:
            w.add_nodes(3)
            raise RuntimeError("user code failed")
    with pytest.raises(ValueError, match="different lengths"):
        with gg.StoreWriter(path) as w:
            w.add_nodes({"a": [1, 2], "b": [1]})
    with pytest.raises(TypeError, match="edge sources must be a 1-d array of whole numbers"):
        with gg.StoreWriter(path) as w:
            w.add_nodes(3)
            w.add_edges([0.5], [1])
    assert same(read_all(gg.open(path, verify=True)), before)
    assert_clean(path)
    # a first write that fails leaves nothing at all
    with pytest.raises(RuntimeError):
        with gg.StoreWriter(tmp_path / "new.groggy") as w:
            w.add_nodes(3)
            raise RuntimeError("stop")
    assert not (tmp_path / "new.groggy").exists()


def test_a_committed_writer_refuses_more(tmp_path):
    w = gg.StoreWriter(tmp_path / "w.groggy")
    w.add_nodes(1)
    w.commit()
    with pytest.raises(gg.StoreError, match="committed or aborted"):
        w.add_nodes(1)


def test_damaged_partitions_are_named(tmp_path):
    path = make_sample_graph().save(tmp_path / "g.groggy", partitions=3)
    gen = generation(path)
    target = gen / "nodes" / "p00001"
    victim = sorted(target.iterdir())[0]
    raw = bytearray(victim.read_bytes())
    raw[-1] ^= 1
    victim.write_bytes(bytes(raw))
    with pytest.raises(gg.StoreError, match="p00001"):
        gg.open(path, verify=True)
    info = partitioned.describe(path)
    partitioned.read_partition(info, "nodes", 0)["age"].to_list()    # others still read
    with pytest.raises(gg.StoreError, match="nodes/p00001.*altered"):
        for col in partitioned.read_partition(info, "nodes", 1).values():
            col.to_list()
    victim.unlink()
    with pytest.raises(gg.StoreError, match="p00001.*missing"):
        gg.open(path)


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["nodes"]["partitions"][1].update(rows=[1, 4]), r"rows \[1, 4\]"),
    (lambda m: m["edges"]["partitions"].pop(), "edges partitions end at row"),
    (lambda m: m["nodes"]["partitions"][0]["columns"].reverse(), "expected the schema's"),
    (lambda m: m["nodes"].pop("partitions"), "nodes.partitions must be a list"),
])
def test_inconsistent_partition_manifests_are_named(tmp_path, edit, message):
    path = make_sample_graph().save(tmp_path / "g.groggy", partitions=2)
    m = manifest(path)
    edit(m)
    (generation(path) / "manifest.json").write_text(json.dumps(signed(m)))
    with pytest.raises(gg.StoreError, match=message):
        gg.open(path)


def test_partition_files_are_plain_npy(tmp_path):
    """Readable without groggy: NumPy maps each partition's columns."""
    path = make_sample_graph().save(tmp_path / "g.groggy", partitions=2)
    m = manifest(path)
    gen = generation(path)
    piece = m["edges"]["partitions"][1]
    src = np.load(gen / piece["source"], mmap_mode="r")
    assert src.tolist() == [2, 3, 4][-len(src):]
    rank = next(c for c in m["nodes"]["partitions"][0]["columns"] if c["name"] == "rank")
    assert np.load(gen / rank["files"]["data"]).tolist() == [5, 4, 3]
    assert os.path.getsize(gen / piece["target"]) > 0


def test_partitions_must_be_a_positive_count(tmp_path):
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="partitions must be a whole number"):
            make_sample_graph().save(tmp_path / "g.groggy", partitions=bad)
    assert not (tmp_path / "g.groggy").exists()
