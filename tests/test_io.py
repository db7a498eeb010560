"""Loading and saving: from_pandas / CSV / Parquet / JSON / dict / bundles, checked
against pandas as the oracle, with files written to tmp_path and read back for real."""
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import groggy as gg

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")


def frame_values(df):
    """Column -> Python values with None for every kind of null (the comparison form)."""
    out = {}
    for name in df.columns:
        values = df[name].astype(object).where(df[name].notna(), None).tolist()
        out[str(name)] = [v.item() if isinstance(v, np.generic) else v for v in values]
    return out


def node_values(g):
    return {n: g.nodes[n].to_list() for n in g.nodes.table().columns if n != "node_id"}


def edge_values(g):
    return {n: g.edges[n].to_list() for n in g.edges.table().columns
            if n not in ("edge_id", "source", "target")}


def people():
    nodes = pd.DataFrame({
        "name": ["ann", "bob", "cy", "dee"],
        "age": pd.array([31, None, 40, 22], dtype="Int64"),
        "score": [0.5, np.nan, 1.5, 2.0],                     # plain float: NaN is a value
        "member": pd.array([True, None, False, True], dtype="boolean"),
        "city": pd.Categorical(["Oslo", None, "Pune", "Oslo"]),
        "note": ["x", None, "z", np.nan],                      # object with both nulls
    })
    edges = pd.DataFrame({"src": ["ann", "bob", "dee"], "dst": ["bob", "cy", "ann"],
                          "w": [1.0, 2.5, 0.25], "kind": ["a", "b", None]})
    return nodes, edges


# --------------------------------------------------------------------------- from_pandas

def test_from_pandas_maps_keys_and_keeps_nulls():
    nodes, edges = people()
    g = gg.from_pandas(nodes, edges, source="src", target="dst", node_id="name")
    assert (g.node_count(), g.edge_count()) == (4, 3)
    assert [g.edge_endpoints(e) for e in range(3)] == [(0, 1), (1, 2), (3, 0)]
    got = node_values(g)
    assert got["name"] == ["ann", "bob", "cy", "dee"]
    assert got["age"] == [31, None, 40, 22]
    assert got["member"] == [True, None, False, True]
    assert got["city"] == ["Oslo", None, "Pune", "Oslo"]
    assert got["note"] == ["x", None, "z", None]
    assert np.isnan(got["score"][1]) and got["score"][0] == 0.5
    assert g._nodes.column("city").kind == "string"
    assert edge_values(g) == {"w": [1.0, 2.5, 0.25], "kind": ["a", "b", None]}


def test_from_pandas_matches_networkx_oracle():
    nx = pytest.importorskip("networkx")
    nodes, edges = people()
    g = gg.from_pandas(nodes, edges, "src", "dst", node_id="name")
    G = nx.from_pandas_edgelist(edges, "src", "dst")
    index = {k: i for i, k in enumerate(nodes["name"])}
    mine = {frozenset(g.edge_endpoints(e)) for e in range(g.edge_count())}
    assert mine == {frozenset((index[u], index[v])) for u, v in G.edges}


def test_from_pandas_positions_and_upstream_keywords():
    nodes = pd.DataFrame({"x": [1, 2, 3]})
    edges = pd.DataFrame({"from": [0, 2], "to": [1, 0]})
    g = gg.from_pandas(nodes, edges, source_id_column="from", target_id_column="to")
    assert g.edge_endpoints(1) == (2, 0) and g.nodes["x"].to_list() == [1, 2, 3]


def test_from_pandas_int_keys_sparse_and_dense():
    for keys in ([10, 30, 20], [10**12, 5, -7]):
        nodes = pd.DataFrame({"key": keys, "v": [1, 2, 3]})
        edges = pd.DataFrame({"source": [keys[2], keys[0]], "target": [keys[1], keys[2]]})
        g = gg.from_pandas(nodes, edges, node_id="key")
        assert [g.edge_endpoints(e) for e in range(2)] == [(2, 1), (0, 2)]


def test_from_pandas_without_nodes_frame():
    g = gg.from_pandas(None, pd.DataFrame({"source": [0, 5], "target": [5, 2]}))
    assert g.node_count() == 6 and g.edge_endpoints(0) == (0, 5)
    g = gg.from_pandas(None, pd.DataFrame({"source": ["b", "a"], "target": ["c", "b"]}),
                       node_id="name")
    assert g.nodes["name"].to_list() == ["a", "b", "c"]
    assert [g.edge_endpoints(e) for e in range(2)] == [(1, 2), (0, 1)]


def test_from_pandas_node_id_column_and_roundtrip():
    nodes, edges = people()
    g = gg.from_pandas(nodes, edges, "src", "dst", node_id="name", directed=True)
    nodes_df, edges_df = g.to_pandas()
    h = gg.from_pandas(nodes_df, edges_df, directed=True)
    assert node_values(h).keys() == node_values(g).keys()
    for name, values in node_values(g).items():
        assert frame_values(pd.DataFrame({name: node_values(h)[name]})) == \
            frame_values(pd.DataFrame({name: values}))
    assert edge_values(h) == edge_values(g)
    assert [h.edge_endpoints(e) for e in range(3)] == [g.edge_endpoints(e) for e in range(3)]


def test_arrow_backed_frames():
    nodes = pd.DataFrame({"s": pd.array(["a", None, "ü"], dtype="string[pyarrow]"),
                          "i": pd.array([1, None, 3], dtype="int64[pyarrow]")})
    g = gg.from_pandas(nodes, None)
    assert node_values(g) == {"s": ["a", None, "ü"], "i": [1, None, 3]}


@pytest.mark.parametrize("bad, message", [
    (dict(node_id="nope"), "'nope'"),
    (dict(source="from"), "'from'"),
])
def test_from_pandas_missing_column(bad, message):
    nodes, edges = people()
    kwargs = {"source": "src", "target": "dst", "node_id": "name", **bad}
    with pytest.raises(KeyError, match=message):
        gg.from_pandas(nodes, edges, **kwargs)


def test_from_pandas_missing_node_named():
    nodes, edges = people()
    edges.loc[1, "dst"] = "zed"
    with pytest.raises(KeyError, match="'dst'.*'zed'"):
        gg.from_pandas(nodes, edges, "src", "dst", node_id="name")
    with pytest.raises(KeyError, match="'target'.*7"):
        gg.from_pandas(pd.DataFrame({"x": [1, 2]}),
                       pd.DataFrame({"source": [0], "target": [7]}))


def test_from_pandas_bad_keys():
    with pytest.raises(ValueError, match="repeats keys: 'a'"):
        gg.from_pandas(pd.DataFrame({"k": ["a", "b", "a"]}),
                       pd.DataFrame({"source": ["a"], "target": ["b"]}), node_id="k")
    with pytest.raises(ValueError, match="'source' is null at row 1"):
        gg.from_pandas(None, pd.DataFrame({"source": [0, None], "target": [1, 1]}))
    with pytest.raises(TypeError, match="datetime"):
        gg.from_pandas(pd.DataFrame({"t": pd.to_datetime(["2020-01-01"])}), None)
    with pytest.raises(ValueError, match="reserved"):
        gg.from_pandas(None, pd.DataFrame({"a": [0], "b": [1], "source": [3]}), "a", "b")


def test_from_pandas_tables_upstream_form():
    df = pd.DataFrame({"id": ["alice", "bob"], "age": [3, 4]})
    t = gg.from_pandas(df, table_type="nodes", node_id_column="id")
    assert t.nrows == 2 and t["id"].to_list() == ["alice", "bob"]
    assert gg.from_pandas(df, table_type="base").shape == (2, 2)


frames = st.integers(1, 30).flatmap(lambda n: st.fixed_dictionaries({
    "i": st.lists(st.one_of(st.none(), st.integers(-2**40, 2**40)), min_size=n, max_size=n),
    "f": st.lists(st.one_of(st.none(), st.floats(allow_nan=False, width=64)),
                  min_size=n, max_size=n),
    "b": st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n),
    "s": st.lists(st.one_of(st.none(), st.text(max_size=6)), min_size=n, max_size=n),
    # CSV text without separators, quotes or words that readers take for null or numbers
    "t": st.lists(st.one_of(st.none(), st.text(alphabet="xyzü", max_size=4)),
                  min_size=n, max_size=n),
}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(cols=frames)
def test_random_frames_roundtrip_through_every_format(cols, tmp_path_factory):
    df = pd.DataFrame({"i": pd.array(cols["i"], dtype="Int64"),
                       "f": pd.array(cols["f"], dtype="Float64"),
                       "b": pd.array(cols["b"], dtype="boolean"),
                       "s": pd.Series(cols["s"], dtype=object),
                       "t": pd.Series(cols["t"], dtype=object)})
    n = len(df)
    edges = pd.DataFrame({"source": np.arange(n) % n, "target": (np.arange(n) + 1) % n,
                          "s": df["s"], "f": df["f"]})
    g = gg.from_pandas(df, edges)
    want_nodes, want_edges = frame_values(df), frame_values(edges.drop(columns=["source", "target"]))
    assert node_values(g) == want_nodes
    assert edge_values(g) == want_edges
    d = tmp_path_factory.mktemp("rt")
    g.to_parquet(d / "n.parquet", d / "e.parquet")
    g.to_json(d / "g.json")
    g.nodes.table().select(["node_id", "i", "b", "t"]).to_csv(d / "n.csv")
    g.edges.table().select(["edge_id", "source", "target"]).to_csv(d / "e.csv")
    readers = [gg.from_parquet(d / "n.parquet", d / "e.parquet"),
               gg.from_json(d / "g.json"), gg.from_dict(g.to_dict()),
               gg.from_pandas(*g.to_pandas())]
    for h in readers:
        assert node_values(h) == want_nodes
        assert edge_values(h) == want_edges
        assert [h.edge_endpoints(e) for e in range(n)] == [g.edge_endpoints(e) for e in range(n)]
    # CSV cannot tell "" from a null, nor keep a column's kind when it is all null
    for engine in ("pyarrow", "pandas"):
        h = gg.from_csv(d / "n.csv", d / "e.csv", engine=engine)
        assert [h.edge_endpoints(e) for e in range(n)] == [g.edge_endpoints(e) for e in range(n)]
        got = node_values(h)
        for name in ("i", "b"):
            if any(v is not None for v in want_nodes[name]):
                assert got[name] == want_nodes[name], (engine, name)
        assert [v or None for v in got["t"]] == [v or None for v in want_nodes["t"]]


# --------------------------------------------------------------------------- files

def test_parquet_matches_pyarrow_and_pandas(tmp_path):
    nodes, edges = people()
    g = gg.from_pandas(nodes, edges, "src", "dst", node_id="name")
    g.to_parquet(tmp_path / "n.parquet", tmp_path / "e.parquet")
    back = pd.read_parquet(tmp_path / "n.parquet")   # pandas reads what we wrote
    assert frame_values(back)["city"] == ["Oslo", None, "Pune", "Oslo"]
    assert frame_values(back)["age"] == [31, None, 40, 22]
    assert frame_values(back)["node_id"] == [0, 1, 2, 3]
    e = pd.read_parquet(tmp_path / "e.parquet")
    assert list(e.columns) == ["edge_id", "source", "target", "w", "kind"]
    # and we read what pyarrow wrote, chunked and dictionary-encoded included
    table = pa.Table.from_batches([pa.record_batch({"k": pa.array(["p", "q"]).dictionary_encode(),
                                                    "v": [1.5, None]})] * 2)
    import pyarrow.parquet as pq
    pq.write_table(table, tmp_path / "k.parquet", row_group_size=1)
    h = gg.from_parquet(tmp_path / "k.parquet", None)
    assert node_values(h) == {"k": ["p", "q", "p", "q"], "v": [1.5, None, 1.5, None]}
    # a sliced table view writes its own rows only
    t = g.nodes.table().filter(g.nodes["age"] > 25)
    t.to_parquet(tmp_path / "t.parquet")
    assert pd.read_parquet(tmp_path / "t.parquet")["name"].tolist() == ["ann", "cy"]


def test_parquet_string_columns_are_exact(tmp_path):
    words = ["", "a", "ünï", "日本語", None, "x" * 300]
    g = gg.Graph()
    g.add_nodes({"w": words})
    g.to_parquet(tmp_path / "n.parquet", tmp_path / "e.parquet")
    assert gg.from_parquet(tmp_path / "n.parquet", tmp_path / "e.parquet").nodes["w"].to_list() == words
    opened = gg.open(g.save(tmp_path / "g.groggy"))      # a mapped graph writes too
    opened.to_parquet(tmp_path / "n2.parquet", tmp_path / "e2.parquet")
    assert pd.read_parquet(tmp_path / "n2.parquet")["w"].tolist()[:4] == words[:4]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_files_missing_columns_and_nodes(tmp_path, fmt):
    nodes = pd.DataFrame({"name": ["a", "b"], "age": [1, 2]})
    edges = pd.DataFrame({"from": ["a", "b"], "to": ["b", "c"]})
    n, e = tmp_path / f"n.{fmt}", tmp_path / f"e.{fmt}"
    if fmt == "csv":
        nodes.to_csv(n, index=False)
        edges.to_csv(e, index=False)
        read = gg.from_csv
    else:
        nodes.to_parquet(n)
        edges.to_parquet(e)
        read = gg.from_parquet
    with pytest.raises(KeyError, match="'source'") as err:
        read(n, e, node_id="name")
    assert "e." + fmt in str(err.value)
    with pytest.raises(KeyError, match="'id'"):
        read(n, e, "from", "to", node_id="id")
    with pytest.raises(KeyError, match="'to'.*'c'"):
        read(n, e, "from", "to", node_id="name")
    with pytest.raises(FileNotFoundError, match="nope"):
        read(tmp_path / f"nope.{fmt}", e, "from", "to")
    if fmt == "parquet":
        with pytest.raises(KeyError, match="'height'"):
            gg.from_parquet(n, e, "from", "to", node_id="name", columns={"nodes": ["height"]})
        g = gg.from_parquet(n, None, node_id="name", columns={"nodes": ["age"]})
        assert node_values(g) == {"name": ["a", "b"], "age": [1, 2]}


def test_csv_upstream_keywords(tmp_path):
    pd.DataFrame({"id": ["a", "b"], "v": [1.5, None]}).to_csv(tmp_path / "n.csv", index=False)
    pd.DataFrame({"from": ["a"], "to": ["b"]}).to_csv(tmp_path / "e.csv", index=False)
    g = gg.from_csv(nodes_filepath=tmp_path / "n.csv", edges_filepath=tmp_path / "e.csv",
                    node_id_column="id", source_id_column="from", target_id_column="to")
    assert g.edge_endpoints(0) == (0, 1) and g.nodes["v"].to_list() == [1.5, None]


def test_json(tmp_path):
    nodes, edges = people()
    g = gg.from_pandas(nodes.drop(columns=["score"]), edges, "src", "dst", node_id="name")
    g.to_json(tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text())
    assert data["nodes"]["age"] == [31, None, 40, 22]
    h = gg.from_json(tmp_path / "g.json")
    assert node_values(h) == node_values(g) and edge_values(h) == edge_values(g)
    records = {"nodes": [{"k": "a", "x": 1}, {"k": "b"}],
               "edges": [{"source": "b", "target": "a", "w": 2}]}
    h = gg.from_json(json.dumps(records), node_id="k")
    assert node_values(h) == {"k": ["a", "b"], "x": [1, None]} and h.edge_endpoints(0) == (1, 0)
    (tmp_path / "bad.json").write_text("{nodes: 1")
    with pytest.raises(ValueError, match="bad.json.*not valid JSON"):
        gg.from_json(tmp_path / "bad.json")
    with pytest.raises(FileNotFoundError, match="missing.json"):
        gg.from_json(tmp_path / "missing.json")
    assert json.loads(g.nodes.table().to_json())["name"] == ["ann", "bob", "cy", "dee"]


def test_from_dict_forms():
    g = gg.from_dict({"nodes": {"x": [1, 2, 3]}, "edges": {"source": [0, 1], "target": [1, 2]},
                      "directed": True})
    assert g.is_directed and g.edge_count() == 2
    assert gg.from_dict({"a": [1, 2]}).shape == (2, 1)
    t = gg.from_dict({"from": ["a"], "to": ["b"]}, table_type="edges",
                     source_id_column="from", target_id_column="to")
    assert t.nrows == 1
    with pytest.raises(KeyError, match="'target'"):
        gg.from_dict({"edges": {"source": [0]}})
    with pytest.raises(ValueError, match="differ in length"):
        gg.from_dict({"nodes": {"a": [1, 2], "b": [1]}})


def test_bundle_names(tmp_path):
    g = gg.generators.karate_club()
    path = g.save_bundle(tmp_path / "k.bundle")
    h = gg.load_bundle(path)
    assert h.edge_count() == 78 and h.nodes["club"].to_list() == g.nodes["club"].to_list()
    t = gg.GraphTable.load_bundle(path)
    assert t.nodes.nrows == 34
    t.save_bundle(tmp_path / "again.bundle")
    assert gg.open(tmp_path / "again.bundle").edges["weight"].to_list() == g.edges["weight"].to_list()
