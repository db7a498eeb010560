"""group_by and its aggregations against pandas as the oracle: hypothesis-drawn tables
with nulls, int, float, string and bool keys, several keys, every aggregation, in memory
and memory-mapped, on table views and on a graph's nodes and edges.

pandas is read with its nullable dtypes and grouped with its defaults (``sort=True``,
``dropna=True``); groggy's documented choices are passed to pandas explicitly where
they differ (``std`` takes ``ddof=0`` unless asked; see the README's "Group-by and
aggregation").
"""
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg
from conftest import no_fsync

SETTINGS = settings()  # the conftest profile
DTYPES = {"i": "Int64", "f": "float64", "b": "boolean", "s": "object"}
AGGS = ["count", "sum", "mean", "std", "min", "max", "nunique", "first", "last"]
TEXT = st.text(alphabet="abé\x00🚀", max_size=2)
# keys reach both ends of int64 (hashed) and of float64; values stay where sums and
# squares do not overflow
KEYS = {"i": st.integers(-3, 3) | st.sampled_from([-2**63, 2**63 - 1]),
        "f": st.sampled_from([0.0, -0.0, 1.5, -2.0, 1e300, -1e-300, math.nan]),
        "b": st.booleans(), "s": TEXT}
VALUES = {"i": st.integers(-3, 3) | st.just(2**40),
          "f": st.sampled_from([0.0, -0.0, 1.5, -2.0, 1e12, -1e-3, math.nan]),
          "b": st.booleans(), "s": TEXT}


@st.composite
def frames(draw, max_rows=12):
    """Key columns k<kind> and value columns v<kind> of every kind, each with nulls and at
    least one value; float columns hold NaN too."""
    n = draw(st.integers(1, max_rows))

    def col(values):
        out = draw(st.lists(st.none() | values, min_size=n, max_size=n))
        if all(v is None for v in out):   # an all-null column has no kind
            out[0] = draw(values)
        return out

    data = {}
    for role, strategies in (("k", KEYS), ("v", VALUES)):
        for kind, values in strategies.items():
            data[role + kind] = col(values)
    return data


def to_pandas(data) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype=DTYPES[k[1]]) for k, v in data.items()})


def plain(value):
    """A cell as Python sees it: None for every kind of missing value."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def close(ours, theirs, scale=1.0) -> bool:
    ours, theirs = plain(ours), plain(theirs)
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if isinstance(ours, float) or isinstance(theirs, float):
        return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-9 * scale)
    return ours == theirs and type(ours) is type(theirs)


def expected(df: pd.DataFrame, keys: list, column: str, fn: str, ddof: int = 0) -> pd.DataFrame:
    grouped = df.groupby(keys, sort=True, dropna=True)[column]
    if fn == "std":
        series = df[column].astype("float64")   # pandas' boolean dtype has no std
        grouped = series.groupby([df[k] for k in keys], sort=True, dropna=True)
        return grouped.std(ddof=ddof).reset_index()
    if fn in ("min", "max") and df[column].dtype == object:
        # pandas compares object columns in Python; None is skipped the same way
        return grouped.agg(lambda s: getattr(s.dropna(), fn)() if s.notna().any()
                           else None).reset_index()
    return grouped.agg(fn).reset_index()


def check_table(ours, theirs: pd.DataFrame, scale=1.0) -> None:
    got = ours.to_dict()
    assert list(got) == list(theirs.columns)
    for name in theirs.columns:
        want = theirs[name].tolist()
        assert len(got[name]) == len(want), name
        for i, (a, b) in enumerate(zip(got[name], want)):
            assert close(a, b, scale), (name, i, got[name], want)


def tables(data, tmp_path_factory):
    yield gg.table(data)
    g = gg.Graph()
    g.add_nodes(data)
    with no_fsync():
        path = g.save(tmp_path_factory.mktemp("gb") / "g.groggy")
    mapped = gg.open(path).nodes.table().select(list(data))
    assert mapped["vi"]._base._column.readonly   # read straight from the maps
    yield mapped


KEY_SETS = [["ki"], ["kf"], ["ks"], ["kb"], ["ks", "ki"], ["kb", "kf", "ks"]]


@SETTINGS
@given(data=frames(), keys=st.sampled_from(KEY_SETS))
def test_every_aggregation_matches_pandas(data, keys, tmp_path_factory):
    df = to_pandas(data)
    scale = max([abs(v) for v in data["vf"] if v is not None and not math.isnan(v)] + [1])
    for table in tables(data, tmp_path_factory):
        grouped = table.group_by(keys)
        check_table(grouped.size(), df.groupby(keys, sort=True, dropna=True).size()
                    .reset_index(name="size"))
        for column in ("vi", "vf", "vb", "vs"):
            for fn in AGGS:
                if column == "vs" and fn in ("sum", "mean", "std"):
                    with pytest.raises(TypeError, match="'vs'"):
                        grouped.agg({column: fn})
                    continue
                check_table(grouped.agg({column: fn}), expected(df, keys, column, fn),
                            scale)
        check_table(grouped.agg({"vf": "std"}, ddof=1), expected(df, keys, "vf", "std", 1),
                    scale)


@SETTINGS
@given(data=frames(max_rows=20), keys=st.sampled_from(KEY_SETS),
       picks=st.lists(st.integers(0, 19), max_size=25))
def test_a_view_groups_its_own_rows(data, keys, picks):
    # a filtered, re-ordered view (with repeats) groups exactly the rows it shows
    n = len(data["ki"])
    table = gg.table(data)[[p for p in picks if p < n]]
    df = table.to_pandas()
    df = df.astype({c: DTYPES[c[1]] for c in df.columns})
    check_table(table.group_by(keys).agg({"vi": "sum", "vs": "last"}),
                df.groupby(keys, sort=True, dropna=True).agg({"vi": "sum", "vs": "last"})
                .reset_index())
    ours = [(k, t.to_dict()) for k, t in table.group_by(keys)]
    theirs = list(df.groupby(keys, sort=True, dropna=True))
    assert len(ours) == len(theirs)
    for (key, group), (pkey, pgroup) in zip(ours, theirs):
        assert tuple(map(plain, pkey)) == key
        assert group["vi"] == [plain(v) for v in pgroup["vi"].tolist()]


def test_by_hand():
    t = gg.table({"club": ["b", "a", None, "a", "b"], "age": [1, 2, 3, None, 5],
                  "w": [0.5, 1.5, 2.5, 3.5, None]})
    grouped = t.group_by("club")
    assert len(grouped) == grouped.ngroups == 2
    assert grouped.agg({"age": "sum", "w": ["mean", "count"]}).to_dict() == {
        "club": ["a", "b"], "age": [2, 6], "w_mean": [2.5, 0.5], "w_count": [2, 1]}
    assert grouped.agg(n=("age", "count"), top=("age", "max")).to_dict() == {
        "club": ["a", "b"], "n": [1, 2], "top": [2, 5]}
    assert grouped.size().to_dict() == {"club": ["a", "b"], "size": [2, 2]}
    assert grouped.keys() == ["a", "b"]
    assert [(k, g["age"].to_list()) for k, g in grouped] == [("a", [2, None]), ("b", [1, 5])]
    assert grouped.get_group("b")["w"].to_list() == [0.5, None]
    assert grouped[-1]["age"].to_list() == [1, 5]
    assert grouped.table()["club"].to_list() == ["a", "a", "b", "b"]
    assert [tab.nrows for tab in grouped.tables()] == [2, 2]
    assert grouped["age"].mean().to_dict() == {"club": ["a", "b"], "age": [2.0, 3.0]}
    # shortcuts leave out the columns an aggregation does not apply to (strings here)
    assert t.group_by("age").sum().columns == ["age", "w"]
    assert t.group_by("age").max().columns == ["age", "club", "w"]
    assert t.group_by(["club", "age"]).keys() == [("a", 2), ("b", 1), ("b", 5)]
    # a group with no value: 0 for sum and count, null for the rest
    empty = t.group_by("club").agg(s=("w", "sum"), c=("w", "count"), m=("w", "min"),
                                   f=("w", "first"), u=("w", "nunique"))
    assert t.filter("club == 'b' and age == 5").group_by("club").agg(
        s=("w", "sum"), c=("w", "count"), m=("w", "min"), f=("w", "first"),
        u=("w", "nunique")).to_dict() == {"club": ["b"], "s": [0.0], "c": [0], "m": [None],
                                          "f": [None], "u": [0]}
    assert empty.nrows == 2
    assert "2 groups" in repr(grouped) and "size" in grouped._repr_html_()


def test_results_are_tables_of_every_kind():
    t = gg.table({"k": [1, 1, 2], "x": [1, 2, 3], "s": ["p", "q", None]})
    out = t.group_by("k").agg({"x": ["mean", "sum"], "s": ["first", "min"]})
    assert isinstance(out, gg.Table)
    assert out.get_schema() == {"k": "int64", "x_mean": "float64", "x_sum": "int64",
                                "s_first": "string", "s_min": "string"}
    assert isinstance(out["x_mean"], gg.NumArray) and out["x_mean"].mean() == 2.25
    assert out.filter("s_first == 'p'")["k"].to_list() == [1]
    assert out.to_pandas()["s_min"].tolist() == ["p", None]


def test_empty_and_all_null_keys():
    t = gg.table({"k": [None, None], "x": [1, 2]})
    assert len(t.group_by("k")) == 0
    assert t.group_by("k").agg({"x": "sum"}).to_dict() == {"k": [], "x": []}
    assert list(t.group_by("k")) == []
    empty = gg.table({"k": np.array([], dtype=np.int64), "x": np.array([], dtype=float)})
    assert empty.group_by("k").agg({"x": "mean"}).shape == (0, 2)


def test_large_and_spread_keys_match_numpy():
    # both numbering paths (a direct table over a small span, hashing a wide one) and
    # the string hash, on enough rows to collide in the hash tables
    rng = np.random.default_rng(3)
    for keys in (rng.integers(0, 1000, 50_000), rng.integers(-2**62, 2**62, 300)[
            rng.integers(0, 300, 50_000)]):
        values = rng.random(keys.size)
        got = gg.table({"k": keys, "v": values}).group_by("k").agg({"v": ["sum", "max"]})
        uniq, inverse = np.unique(keys, return_inverse=True)
        assert got["k"].to_list() == uniq.tolist()
        assert np.allclose(got["v_sum"].to_numpy(), np.bincount(inverse, weights=values))
        maxs = np.full(uniq.size, -np.inf)
        np.maximum.at(maxs, inverse, values)
        assert got["v_max"].to_numpy().tolist() == maxs.tolist()
    words = np.char.add("w", rng.integers(0, 5000, 50_000).astype(str))
    got = gg.table({"k": words}).group_by("k").size()
    uniq, counts = np.unique(words, return_counts=True)
    assert got["k"].to_list() == uniq.tolist() and got["size"].to_list() == counts.tolist()


# ------------------------------------------------------------------ graphs

@pytest.fixture()
def people():
    g = gg.Graph()
    g.add_nodes({"dept": ["eng", "ops", "eng", None, "ops", "eng"],
                 "age": [30, 40, 50, 60, None, 20]})
    g.add_edges([0, 1, 2, 3, 4], [1, 2, 5, 4, 0], type=["a", "b", "a", "a", "b"],
                w=[1.0, 2.0, 3.0, 4.0, 5.0])
    return g


def test_nodes_group_into_subgraphs(people):
    grouped = people.nodes.group_by("dept")
    assert isinstance(grouped, gg.GroupBy)
    assert [(k, sg.node_ids().to_list()) for k, sg in grouped] == [
        ("eng", [0, 2, 5]), ("ops", [1, 4])]
    assert isinstance(grouped[0], gg.Subgraph) and grouped[0].edge_count() == 1
    assert isinstance(grouped.subgraphs(), gg.SubgraphArray)
    assert grouped.node_counts().to_list() == [3, 2]   # upstream's SubgraphArray calls
    assert grouped.agg(mean_age=("age", "mean")).to_dict() == {
        "dept": ["eng", "ops"], "mean_age": [100 / 3, 40.0]}
    assert isinstance(grouped.table(), gg.NodesTable)
    assert grouped.table().node_ids().to_list() == [0, 2, 5, 1, 4]
    assert isinstance(grouped.tables()[1], gg.NodesTable)
    df = people.nodes.table().to_pandas()
    for (key, sg), (pkey, frame) in zip(grouped, df.groupby("dept")):
        assert key == pkey and sg.node_ids().to_list() == frame["node_id"].tolist()


def test_edges_and_subgraphs_group(people):
    by_type = people.edges.group_by("type")
    assert [sg.edge_ids().to_list() for sg in by_type.to_list()] == [[0, 2, 3], [1, 4]]
    assert by_type.agg({"w": "sum"}).to_dict() == {"type": ["a", "b"], "w": [8.0, 7.0]}
    sub = people.nodes[[0, 1, 2, 4]]
    assert sub.group_by("dept").keys() == ["eng", "ops"]
    assert [sg.node_ids().to_list() for sg in sub.group_by("dept", "nodes").to_list()] == [
        [0, 2], [1, 4]]
    assert sub.group_by("type", element_type="edges").size().to_dict() == {
        "type": ["a", "b"], "size": [1, 2]}
    assert people.nodes.filter("age > 25").group_by("dept").size()["size"].to_list() == [2, 1]
    assert people.nodes.table().group_by(["dept", "age"]).ngroups == 4


def test_upstream_style_calls(people):
    # upstream: for group in g.nodes.group_by(...) yields groups; here pandas' pairs win,
    # and the upstream loop's first call says what to write
    with pytest.raises(AttributeError, match="for key, group in grouped"):
        for group in people.nodes.group_by("dept"):
            group.node_count()
    by_dept = people.nodes.group_by("dept")
    assert len(by_dept) == 2 and by_dept[0].node_count() == 3
    assert [g.node_count() for g in by_dept.to_list()] == [3, 2]
    assert by_dept.table().to_pandas()["dept"].tolist() == ["eng"] * 3 + ["ops"] * 2
    # 'avg' is upstream's name for the mean
    assert people.nodes.table().group_by("dept").agg({"age": "avg"})["age"].to_list() == [
        100 / 3, 40.0]
    with pytest.raises(AttributeError, match="nor has its SubgraphArray"):
        by_dept.no_such_call()


# ------------------------------------------------------------------ bad input

def test_bad_input_names_what_was_wrong():
    t = gg.table({"k": [1, 2], "s": ["a", "b"], "x": [1.0, 2.0]})
    with pytest.raises(KeyError, match="'nope'"):
        t.group_by("nope")
    with pytest.raises(KeyError, match="'nope'"):
        t.group_by("k").agg({"nope": "sum"})
    with pytest.raises(ValueError, match="'median'.*count, sum"):
        t.group_by("k").agg({"x": "median"})
    with pytest.raises(TypeError, match="mean of column 's'.*strings"):
        t.group_by("k").agg({"s": "mean"})
    with pytest.raises(TypeError, match=r"got 1 \(int\)"):
        t.group_by(["k", 1])
    with pytest.raises(TypeError, match="column name"):
        t.group_by([])
    with pytest.raises(ValueError, match="named twice"):
        t.group_by(["k", "k"])
    with pytest.raises(ValueError, match="'x'"):
        t.group_by("k").agg({"x": "sum"}, x=("x", "max"))
    with pytest.raises(TypeError, match="pair"):
        t.group_by("k").agg(total="x")
    with pytest.raises(ValueError, match="at least one"):
        t.group_by("k").agg()
    with pytest.raises(IndexError, match="group 5"):
        t.group_by("k")[5]
    with pytest.raises(KeyError, match="no group 9"):
        t.group_by("k").get_group(9)
    with pytest.raises(TypeError, match="tables"):
        t.group_by("k").subgraphs()
    g = gg.Graph()
    g.add_nodes({"k": [1, 1]})
    tables_of = g.connected_components().tables().to_table()   # a column of tables
    with pytest.raises(TypeError, match="'table': it holds objects"):
        tables_of.group_by("table")
    with pytest.raises(ValueError, match="element_type"):
        g.nodes[[0]].group_by("k", element_type="node")


# ------------------------------------------------------------------ array statistics

@SETTINGS
@given(data=frames())
def test_array_statistics_match_pandas(data):
    df = to_pandas(data)
    table = gg.table(data)
    for name in ("vi", "vf", "vb", "vs"):
        arr, series = table[name], df[name]
        present = series.dropna()
        assert arr.count() == series.count()
        assert arr.nunique() == series.nunique()
        assert arr.is_empty() is False and arr[:0].is_empty() is True
        assert plain(arr.first()) == (plain(present.iloc[0]) if len(present) else None)
        assert plain(arr.last()) == (plain(present.iloc[-1]) if len(present) else None)
        assert sorted(arr.unique().to_list()) == sorted(plain(v) for v in present.unique())
        counts = arr.value_counts()
        assert dict(zip(counts[name].to_list(), counts["count"].to_list())) == {
            plain(k): v for k, v in present.value_counts().items()}
        assert len(arr) == len(series)
        assert [plain(v) for v in arr] == [plain(v) for v in series]
    assert table["vi"].dtype == "int64" and table["vs"].dtype == "string"
    assert table["vb"].dtype == "bool" and table["vf"].dtype == "float64"
