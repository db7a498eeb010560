"""Column store and stored graphs: round trips, read-only maps, copies, atomic saves."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import groggy as gg
from groggy import storage, store
from groggy.store import writer
from groggy.storage import KINDS, Column, ColumnStore

from conftest import (SAMPLE_NODES, assert_clean, make_other_graph, make_sample_graph, no_fsync,
                      read_all, same, save_recording_steps, snapshot)

# --------------------------------------------------------------------------- strategies

SCALARS = {
    "int64": st.integers(-2**63, 2**63 - 1),
    "float64": st.floats(),                     # NaN, inf and -0.0 included
    "bool": st.booleans(),
    "string": st.text(max_size=8),              # '' and any non-surrogate code point
}


def values_of(kind, min_size=0, max_size=25):
    return st.lists(st.none() | SCALARS[kind], min_size=min_size, max_size=max_size)


@st.composite
def kind_and_values(draw, min_size=0, max_size=25):
    kind = draw(st.sampled_from(KINDS))
    return kind, draw(values_of(kind, min_size, max_size))


def attr_names(reserved):
    # any text: '/', '..', spaces and unicode must not escape or collide in the store
    return st.text(min_size=1, max_size=10).filter(lambda s: s not in reserved)


@st.composite
def graphs(draw):
    """(directed, node count, node columns, edge list, edge columns)."""
    n = draw(st.integers(0, 12))
    m = draw(st.integers(0, 20)) if n else 0
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                          min_size=m, max_size=m)) if n else []

    def columns(size, reserved):
        kinds = draw(st.dictionaries(attr_names(reserved), st.sampled_from(KINDS), max_size=4))
        return {name: draw(values_of(kind, size, size)) for name, kind in kinds.items()}

    return (draw(st.booleans()), n, columns(n, {"node_id"}), edges,
            # "edges"/"targets" would clash with add_edges' own parameter names
            columns(m, {"edge_id", "source", "target", "edges", "targets"}))


# --------------------------------------------------------------------------- helpers

def roundtrip(col: Column, scratch) -> Column:
    """``col`` saved as the only node column of a store, then opened memory-mapped."""
    nodes = ColumnStore(len(col))
    nodes.columns[col.name] = col
    path = scratch() / "c.groggy"
    empty = np.empty(0, dtype=np.int64)
    with no_fsync():
        store.save_store(path, False, nodes, ColumnStore(0), empty, empty)
    return store.open_store(path).nodes.column(col.name)


def raw(col: Column) -> dict:
    """The column's buffers, nulls as an explicit all-True mask when there are none."""
    valid = col.valid if col.valid is not None else np.ones(len(col), dtype=bool)
    if col.kind == "string":
        return {"offsets": np.array(col.offsets), "utf8": np.array(col.utf8),
                "valid": np.array(valid)}
    return {"data": np.array(col.data), "valid": np.array(valid)}


def assert_same_raw(a: Column, b: Column) -> None:
    ra, rb = raw(a), raw(b)
    assert ra.keys() == rb.keys()
    for key in ra:
        assert ra[key].dtype == rb[key].dtype, key
        assert np.array_equal(ra[key], rb[key], equal_nan=ra[key].dtype.kind == "f"), key


def save_open(g: gg.Graph, scratch) -> gg.Graph:
    path = scratch() / "g.groggy"
    with no_fsync():
        g.save(path)
    return gg.open(path)


# --------------------------------------------------------------------------- columns

@given(kind_and_values())
def test_column_round_trip_in_memory_equals_mapped_equals_given(scratch, kv):
    kind, values = kv
    col = Column.from_values("c", values, kind=kind)
    assert col.kind == kind and len(col) == len(values)
    assert same(col.to_list(), values)
    opened = roundtrip(col, scratch)
    assert opened.readonly and opened.kind == kind and len(opened) == len(values)
    assert same(opened.to_list(), values)
    assert opened.has_nulls == (None in values)


@given(kind_and_values(), st.lists(st.integers(0, 25), max_size=5))
def test_appending_in_chunks_equals_building_at_once(kv, cuts):
    kind, values = kv
    bounds = [0, *sorted(min(c, len(values)) for c in cuts), len(values)]
    whole = Column.from_values("c", values, kind=kind)
    chunked = Column.empty("c", kind)
    for a, b in zip(bounds, bounds[1:]):
        chunk = values[a:b]
        if kind != "string" and None not in chunk:
            chunk = np.array(chunk, dtype=storage._FIXED_DTYPES[kind])  # the array path
        chunked.append(chunk)
    assert chunked.kind == kind and len(chunked) == len(values)
    assert same(chunked.to_list(), values)
    assert_same_raw(chunked, whole)


def test_appending_one_value_at_a_time_grows_past_capacity():
    col = Column.empty("c", "string")
    values = [None if i % 7 == 0 else "é" * (i % 5) for i in range(100)]
    for v in values:
        col.append([v])
    assert col.to_list() == values
    assert_same_raw(col, Column.from_values("c", values, kind="string"))


@st.composite
def column_and_writes(draw):
    kind, base = draw(kind_and_values(min_size=1))
    rows = draw(st.lists(st.integers(0, len(base) - 1), unique=True, max_size=len(base)))
    new = draw(values_of(kind, len(rows), len(rows)))
    return kind, base, rows, new


@given(column_and_writes())
def test_set_at_positions_matches_a_python_list(scratch, case):
    kind, base, rows, new = case
    col = Column.from_values("c", base, kind=kind)
    col.set(rows, new)
    expected = list(base)
    for r, v in zip(rows, new):
        expected[r] = v
    assert col.kind == kind
    assert same(col.to_list(), expected)
    assert same(roundtrip(col, scratch).to_list(), expected)


def test_set_null_keeps_an_int_column_int():
    col = Column.from_values("age", [1, 2, 3])
    col.set([1], [None])
    assert col.kind == "int64"
    assert same(col.to_list(), [1, None, 3])


def test_set_nothing_keeps_an_int_column_int():
    col = Column.from_values("age", [1, 2, 3])
    col.set([], [])
    assert col.kind == "int64"
    assert same(col.to_list(), [1, 2, 3])


def test_appending_null_rows_keeps_an_int_column_int():
    g = gg.Graph()
    g.add_nodes({"age": [1, 2]})
    g.add_node(age=None)
    assert same(g.nodes["age"].to_list(), [1, 2, None])


def test_set_widens_int_to_float(scratch):
    col = Column.from_values("age", [1, None, 3])
    col.set([2], [2.5])
    assert col.kind == "float64"
    assert same(col.to_list(), [1.0, None, 2.5])
    opened = roundtrip(col, scratch)
    assert opened.kind == "float64" and same(opened.to_list(), [1.0, None, 2.5])


def test_appending_floats_widens_an_int_attribute():
    g = gg.Graph()
    g.add_nodes({"x": [1, 2]})
    g.add_nodes({"x": [0.5]})
    assert same(g.nodes["x"].to_list(), [1.0, 2.0, 0.5])


BAD_VALUES = [("int64", "x"), ("int64", True), ("float64", "x"), ("float64", False),
              ("bool", 1), ("bool", 1.5), ("bool", "yes"), ("string", 1), ("string", 2.5),
              ("string", True)]


@pytest.mark.parametrize("kind,bad", BAD_VALUES)
def test_set_kind_mismatch_is_a_type_error_naming_the_column(kind, bad):
    base = {"int64": [1, None], "float64": [1.5, None], "bool": [True, None],
            "string": ["a", None]}[kind]
    col = Column.from_values("my column", base, kind=kind)
    with pytest.raises(TypeError, match="my column"):
        col.set([0], [bad])
    assert col.kind == kind and same(col.to_list(), base)  # untouched


def test_graph_attribute_kind_mismatch_names_the_attribute(sample_graph):
    with pytest.raises(TypeError, match="age"):
        sample_graph.set_node_attr(0, "age", "old")
    with pytest.raises(TypeError, match="label"):
        sample_graph.set_edge_attr(0, "label", 3)
    assert same(sample_graph.nodes["age"].to_list(), SAMPLE_NODES["age"])


@pytest.mark.parametrize("rows", [[3], [-1], [0, 99]])
def test_set_out_of_range_is_an_index_error(rows):
    col = Column.from_values("c", [1, 2, 3])
    with pytest.raises(IndexError):
        col.set(rows, [7] * len(rows))
    assert col.to_list() == [1, 2, 3]


@given(kind_and_values(min_size=1), st.data())
def test_gather_matches_indexing_in_memory_and_mapped(scratch, kv, data):
    kind, values = kv
    rows = data.draw(st.lists(st.integers(0, len(values) - 1), max_size=40))
    expected = [values[r] for r in rows]
    col = Column.from_values("c", values, kind=kind)
    for source in (col, roundtrip(col, scratch)):
        got = source.gather(rows)
        assert not got.readonly and got.kind == kind and len(got) == len(rows)
        assert same(got.to_list(), expected)
    got.append([None])  # a gathered column is an ordinary, growable one
    assert same(got.to_list(), expected + [None])


def test_gather_nothing_gives_an_empty_column():
    for kind, values in (("string", ["a", None]), ("int64", [1, None])):
        got = Column.from_values("c", values, kind=kind).gather([])
        assert len(got) == 0 and got.to_list() == [] and got.kind == kind


# --------------------------------------------------------------------------- graphs

@given(graphs())
def test_graph_round_trip_gives_every_attribute_and_edge_back(scratch, case):
    directed, n, node_cols, edges, edge_cols = case
    g = gg.Graph(directed=directed)
    g.add_nodes(node_cols if node_cols else n)
    g.add_edges([u for u, _ in edges], [v for _, v in edges], **edge_cols)
    h = save_open(g, scratch)
    assert h.is_directed == directed
    assert (h.node_count(), h.edge_count()) == (n, len(edges))
    for name, values in node_cols.items():
        assert same(h.nodes[name].to_list(), values), name
    for name, values in edge_cols.items():
        assert same(h.edges[name].to_list(), values), name
    assert [h.edge_endpoints(e) for e in range(len(edges))] == edges
    assert same(read_all(h), read_all(g))


@pytest.mark.parametrize("directed", [False, True])
def test_opened_graph_reads_like_the_in_memory_one(tmp_path, directed):
    g = make_sample_graph(directed)
    h = gg.open(g.save(tmp_path / "g.groggy"))
    assert same(read_all(h), read_all(g))
    assert h.adjacency_matrix().to_numpy().tolist() == g.adjacency_matrix().to_numpy().tolist()
    assert h.bfs(0).node_ids().to_list() == g.bfs(0).node_ids().to_list()
    assert h.nodes.filter("age > 20").node_ids().to_list() == [0, 2, 4]
    assert same(h.get_node_attrs([3]), {"age": {3: -7}, "score": {3: 3.25}, "flag": {3: True},
                                        "name": {3: "Zoë 🚀"}, "rank": {3: 2}})


def test_empty_graph_round_trips_and_verifies(tmp_path):
    g = gg.Graph(directed=True)
    g.add_nodes({"a": []})
    h = gg.open(g.save(tmp_path / "g.groggy"), verify=True)
    assert (h.node_count(), h.edge_count(), h.is_directed) == (0, 0, True)
    assert h.nodes["a"].to_list() == [] and h.degree().to_list() == []


def test_open_with_verify_passes_on_a_good_store(store, sample_graph):
    h = gg.open(store, verify=True)
    assert same(read_all(h), read_all(sample_graph))


def test_open_maps_columns_read_only_and_loads_nothing(store):
    h = gg.open(store)
    arrays = {"source": h._src.data, "target": h._dst.data}
    for part, cols in (("nodes", h._nodes.columns), ("edges", h._edges.columns)):
        for name, col in cols.items():
            assert col.readonly, name
            if col.kind == "string":
                arrays[f"{part}.{name}.offsets"] = col.offsets
                arrays[f"{part}.{name}.utf8"] = col.utf8
            else:
                arrays[f"{part}.{name}"] = col.data
            if col.valid is not None:
                arrays[f"{part}.{name}.valid"] = col.valid
    assert "nodes.name.utf8" in arrays and "nodes.age.valid" in arrays
    for label, arr in arrays.items():
        assert isinstance(arr, np.memmap), f"{label} is a loaded {type(arr).__name__}"
        assert not arr.flags.writeable, label


# --------------------------------------------------------------------------- read-only

MUTATIONS = {
    "add_node": lambda h: h.add_node(age=1),
    "add_nodes count": lambda h: h.add_nodes(3),
    "add_nodes columns": lambda h: h.add_nodes({"age": [1, 2]}),
    "add_edge": lambda h: h.add_edge(0, 1, weight=1.0),
    "add_edges": lambda h: h.add_edges([(0, 1)]),
    "set_node_attr": lambda h: h.set_node_attr(0, "age", 99),
    "set_node_attr new": lambda h: h.set_node_attr(0, "new", 1),
    "set_edge_attr": lambda h: h.set_edge_attr(0, "label", "z"),
    "set_node_attrs": lambda h: h.set_node_attrs({"name": {1: "q"}}),
    "set_edge_attrs": lambda h: h.set_edge_attrs({"weight": {0: 9.0}}),
    "nodes[attr] =": lambda h: h.nodes.__setitem__("score", 1.0),
    "node view [attr] =": lambda h: h.nodes[0].__setitem__("flag", False),
    "edges[attr] =": lambda h: h.edges.__setitem__("weight", 2.0),
    "column append": lambda h: h._nodes.column("rank").append([1]),
    "column set": lambda h: h._nodes.column("name").set([0], ["z"]),
}


@pytest.mark.parametrize("mutate", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_mutating_an_opened_graph_raises_and_leaves_files_alone(store, mutate):
    h = gg.open(store)
    before_files, before_reads = snapshot(store), read_all(h)
    with pytest.raises(gg.ReadOnlyError):
        mutate(h)
    assert snapshot(store) == before_files
    assert same(read_all(h), before_reads)


def test_writing_into_an_exported_array_cannot_change_the_store(store):
    h = gg.open(store)
    before = snapshot(store)
    for name in ("rank", "age", "score"):
        arr = h.nodes[name].to_numpy()
        try:
            arr[0] = 12345
        except ValueError:
            pass  # read-only map: fine; a writable array must then be a copy
    assert snapshot(store) == before
    assert same(gg.open(store).nodes["rank"].to_list(), SAMPLE_NODES["rank"])
    assert same(h.nodes["rank"].to_list(), SAMPLE_NODES["rank"])


def test_copy_of_an_opened_graph_is_mutable_and_independent(store, sample_graph):
    h = gg.open(store)
    before_files, before_reads = snapshot(store), read_all(h)
    c = h.copy()
    assert same(read_all(c), before_reads)
    assert not isinstance(c._nodes.column("age").data, np.memmap)
    c.add_node(age=7, name="new")
    c.add_edge(5, 6, label="fresh")
    c.set_node_attr(0, "name", "Changed")
    c.set_node_attr(1, "age", 41)
    c.set_edge_attr(0, "weight", 9.5)
    assert c.node_count() == 7 and c.edge_count() == 6
    assert c.nodes["name"].to_list()[0] == "Changed" and c.nodes["age"].to_list()[1] == 41
    assert snapshot(store) == before_files
    assert same(read_all(h), before_reads)
    assert same(read_all(gg.open(store)), read_all(sample_graph))
    reopened = gg.open(c.save(store.parent / "copy.groggy"), verify=True)
    assert same(read_all(reopened), read_all(c))


# --------------------------------------------------------------------------- atomic save

def leftovers(parent: Path, keep: set) -> list:
    return sorted(p.name for p in parent.iterdir() if p.name not in keep)


def test_saving_over_a_store_replaces_it_completely(tmp_path):
    path = make_sample_graph().save(tmp_path / "g.groggy")
    g2 = gg.Graph()
    g2.add_nodes({"other": [1.5, 2.5]})
    g2.save(path)
    h = gg.open(path, verify=True)
    assert h._nodes.names() == ["other"] and h._edges.names() == []
    assert h.node_count() == 2 and h.edge_count() == 0
    files = snapshot(path)
    assert not [f for f in files if any(old in f for old in ("age", "name", "label", "weight"))]
    assert leftovers(tmp_path, {"g.groggy"}) == []


def test_an_opened_graph_can_be_saved_over_its_own_store(store, sample_graph):
    h = gg.open(store)
    h.save(store)
    assert same(read_all(gg.open(store, verify=True)), read_all(sample_graph))
    assert leftovers(store.parent, {store.name}) == []


class Injected(Exception):
    """The failure a test injects into a save."""


def save_steps(graph, path) -> list:
    """The labels of every step (write, fsync, rename, unlink) of saving ``graph`` over
    ``path``; the store is left as it was."""
    backup = path.parent / "steps-backup"
    shutil.copytree(path, backup)
    steps = save_recording_steps(graph, path)
    shutil.rmtree(path)
    backup.rename(path)
    return steps


def failing_at(k: int, exc=Injected):
    """A step hook that raises ``exc`` at step ``k`` (1-based)."""
    count = [0]

    def hook(what):
        count[0] += 1
        if count[0] == k:
            raise exc(f"injected at step {k}: {what}")
    return hook


def test_a_save_has_a_step_before_every_write_fsync_rename_and_unlink(store):
    steps = save_steps(make_other_graph(), store)
    kinds = {label.split()[0] for label in steps}
    assert kinds == {"mkdir", "create", "write", "fsync", "rename", "unlink", "rmdir"}, kinds
    assert steps.index("rename CURRENT") > max(i for i, s in enumerate(steps)
                                               if s.startswith("fsync") and "gen" in s)
    # the old generation goes only after the switch
    assert min(i for i, s in enumerate(steps) if s.startswith("unlink")) > \
        steps.index("rename CURRENT")


@pytest.mark.parametrize("exc", [Injected, KeyboardInterrupt])
def test_a_save_failing_at_any_step_leaves_the_old_or_the_new_graph(store, sample_graph, exc):
    # exceptions, not crashes: fsync changes nothing here and costs the most (see conftest)
    with no_fsync():
        failing_at_every_step(store, sample_graph, exc)


def failing_at_every_step(store, sample_graph, exc):
    old, new = read_all(sample_graph), read_all(make_other_graph())
    steps = save_steps(make_other_graph(), store)
    switch = steps.index("rename CURRENT") + 1
    before = snapshot(store)
    for k in range(1, len(steps) + 1):
        writer.step_hook = failing_at(k, exc)
        try:
            with pytest.raises(exc):
                make_other_graph().save(store)
        finally:
            writer.step_hook = None
        got = read_all(gg.open(store, verify=True))
        if k <= switch:  # failed before CURRENT moved: the old graph, and nothing else
            assert same(got, old), steps[k - 1]
            assert snapshot(store) == before, steps[k - 1]
        else:            # failed while cleaning up: the new graph, leftovers allowed
            assert same(got, new), steps[k - 1]
        assert leftovers(store.parent, {store.name}) == [], steps[k - 1]
        make_sample_graph().save(store)  # the next save cleans everything up
        assert_clean(store)
        before = snapshot(store)


@no_fsync()
def test_a_failed_first_save_leaves_nothing(tmp_path):
    path = tmp_path / "g.groggy"
    steps = save_recording_steps(make_sample_graph(), path)
    shutil.rmtree(path)
    for k in range(1, steps.index("rename CURRENT") + 1):
        writer.step_hook = failing_at(k)
        try:
            with pytest.raises(Injected):
                make_sample_graph().save(path)
        finally:
            writer.step_hook = None
        assert leftovers(tmp_path, set()) == [], steps[k - 1]


def test_saving_onto_a_directory_that_is_not_a_store_refuses(tmp_path):
    target = tmp_path / "photos"
    target.mkdir()
    (target / "cat.jpg").write_bytes(b"meow")
    with pytest.raises(gg.StoreError, match="photos"):
        make_sample_graph().save(target)
    assert snapshot(target) == {"cat.jpg": b"meow"}
    assert leftovers(tmp_path, {"photos"}) == []


def test_saving_onto_a_regular_file_refuses(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    with pytest.raises(gg.StoreError, match="notes.txt"):
        make_sample_graph().save(target)
    assert target.read_text() == "keep me"
