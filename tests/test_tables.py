"""Tables against pandas as the oracle, arrays against NumPy, and views that copy nothing."""
import collections
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import groggy as gg
from groggy.foundation import BaseArray, BaseTable

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True)

# ASCII only in generated strings used by filters (non-ASCII literals have their own test)
TEXT = st.text(alphabet="abcAB é", max_size=4)
ASCII = st.text(alphabet="abcAB ", max_size=4)
PANDAS_DTYPE = {"i": "Int64", "f": "Float64", "b": "boolean", "s": object}


@st.composite
def frames(draw, text=TEXT, min_rows=0, max_rows=12):
    """A dict of columns i (int), f (float), b (bool), s (str), each with nulls, plus a
    ``rid`` column numbering the rows (to compare row orders)."""
    n = draw(st.integers(min_rows, max_rows))

    def col(values):
        return draw(st.lists(st.none() | values, min_size=n, max_size=n))

    return {
        "rid": list(range(n)),
        "i": col(st.integers(-3, 3)),
        "f": col(st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 2))),
        "b": col(st.booleans()),
        "s": col(text),
    }


def to_frame(data):
    return pd.DataFrame({k: pd.Series(v, dtype=PANDAS_DTYPE.get(k, "int64"))
                         for k, v in data.items()})


def py(values):
    """Python values with None for any kind of missing."""
    return [None if v is None or (not isinstance(v, str) and pd.isna(v)) else v
            for v in values]


def rows_of(df):
    return [{k: py([v])[0] for k, v in rec.items()} for rec in df.to_dict("records")]


# --------------------------------------------------------------------------- basics

@SETTINGS
@given(frames(), st.integers(0, 15))
def test_head_tail_select_and_columns(data, k):
    t, df = gg.table(data), to_frame(data)
    assert t.shape == df.shape and len(t) == len(df)
    assert t.columns == list(df.columns)
    assert t.head(k)["rid"].to_list() == df.head(k)["rid"].tolist()
    assert t.tail(k)["rid"].to_list() == df.tail(k)["rid"].tolist()
    assert t.head()["rid"].to_list() == df.head()["rid"].tolist()
    sel = t.select(["s", "i"])
    assert sel.columns == ["s", "i"] and sel.to_dict() == {"s": data["s"], "i": data["i"]}
    assert t[["b", "rid"]].to_dict() == {"b": data["b"], "rid": data["rid"]}
    for name in data:
        assert t[name].to_list() == data[name]


@SETTINGS
@given(frames(), st.integers(-14, 14) | st.none(), st.integers(-14, 14) | st.none(),
       st.sampled_from([None, 1, 2, -1, 3]))
def test_slicing_matches_iloc(data, start, stop, step):
    t, df = gg.table(data), to_frame(data)
    key = slice(start, stop, step)
    assert t[key]["rid"].to_list() == df.iloc[key]["rid"].tolist()
    assert t[key][key]["rid"].to_list() == df.iloc[key].iloc[key]["rid"].tolist()


@SETTINGS
@given(frames(), st.data())
def test_int_index_list_index_mask_and_iteration(data, draw):
    t, df = gg.table(data), to_frame(data)
    n = len(df)
    assert list(t) == rows_of(df)
    if n:
        i = draw.draw(st.integers(-n, n - 1))
        assert t[i] == rows_of(df)[i]
        idx = draw.draw(st.lists(st.integers(-n, n - 1), max_size=6))
        assert t[idx]["rid"].to_list() == df.iloc[idx]["rid"].tolist()
    mask = draw.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    expected = df.loc[np.array(mask, dtype=bool), "rid"].tolist()
    assert t[np.array(mask, dtype=bool)]["rid"].to_list() == expected
    assert t.filter(np.array(mask, dtype=bool))["rid"].to_list() == expected
    if n:
        assert t.filter(mask)["rid"].to_list() == expected
    with pytest.raises(IndexError):
        t[n]
    with pytest.raises(IndexError):
        t[mask + [True]]


@SETTINGS
@given(frames(), st.integers(0, 14), st.integers(0, 14))
def test_get_window(data, start, count):
    t, df = gg.table(data), to_frame(data)
    w = t.get_window(start, count)
    assert w.headers == t.columns and w.total_rows == len(df) and w.start_offset == start
    expected = rows_of(df.iloc[start:start + count])
    assert w.rows == [[r[c] for c in t.columns] for r in expected]
    assert w.schema == t.get_schema()


def test_get_window_and_protocol_details():
    t = gg.table({"a": [1, 2, 3], "s": ["x", None, "z"]})
    assert t.total_rows() == 3 and t.total_cols() == 2 and t.supports_streaming()
    assert t.column_names() == ["a", "s"] and t.column_types() == ["int64", "string"]
    assert t.get_window(1, 5).rows == [[2, None], [3, "z"]]
    assert t.get_window(7, 2).rows == []
    with pytest.raises(ValueError):
        t.get_window(-1, 2)
    with pytest.raises(ValueError):
        t.get_window(0, -1)
    assert t.sort_by("a", ascending=False).get_window(0, 1).rows == [[3, "z"]]


# --------------------------------------------------------------------------- sorting

SORT_COLS = ["i", "f", "b", "s"]


@SETTINGS
@given(frames(), st.lists(st.sampled_from(SORT_COLS), min_size=1, max_size=3, unique=True),
       st.data())
def test_sort_by_matches_pandas_stable_nulls_last(data, cols, draw):
    ascending = draw.draw(st.lists(st.booleans(), min_size=len(cols), max_size=len(cols)))
    t, df = gg.table(data), to_frame(data)
    expected = df.sort_values(cols, ascending=ascending, kind="stable", na_position="last")
    got = t.sort_by(cols, ascending=ascending)
    assert got["rid"].to_list() == expected["rid"].tolist()
    if len(cols) == 1:
        one = df.sort_values(cols[0], ascending=ascending[0], kind="stable", na_position="last")
        assert t.sort_by(cols[0], ascending=ascending[0])["rid"].to_list() == one["rid"].tolist()


@SETTINGS
@given(st.lists(st.integers(-3, 3) | st.floats(-3, 3, allow_nan=False), max_size=12),
       st.booleans())
def test_sort_plain_numeric_column_is_stable(values, ascending):
    # one numeric key without nulls takes a separate fast path
    values = [float(v) for v in values]
    t = gg.table({"x": values, "rid": list(range(len(values)))})
    df = pd.DataFrame({"x": pd.Series(values, dtype="float64"), "rid": range(len(values))})
    expected = df.sort_values("x", ascending=ascending, kind="stable")["rid"].tolist()
    assert t.sort_by("x", ascending)["rid"].to_list() == expected


def test_sort_by_hand_case():
    t = gg.table({"k": [2, None, 1, 2, 1], "s": ["b", "a", None, "a", "c"]})
    assert t.sort_by("k").to_dict() == {"k": [1, 1, 2, 2, None], "s": [None, "c", "b", "a", "a"]}
    assert t.sort_by(["k", "s"], [False, True]).to_dict() == {
        "k": [2, 2, 1, 1, None], "s": ["a", "b", "c", None, "a"]}
    with pytest.raises(ValueError):
        t.sort_by(["k", "s"], [True])
    with pytest.raises(KeyError, match="nope"):
        t.sort_by("nope")


def test_sort_puts_nan_last_like_pandas_in_both_directions():
    # a NaN value (not a null) sorts last either way, as pandas does
    t = gg.table({"x": [1.0, float("nan"), 3.0, 2.0]})
    assert t.sort_by("x")["x"].to_list()[:3] == [1.0, 2.0, 3.0]
    down = t.sort_by("x", ascending=False)["x"].to_list()
    assert down[:3] == [3.0, 2.0, 1.0] and math.isnan(down[3])


def test_sort_of_a_view_sorts_only_its_rows():
    t = gg.table({"x": [5, 4, 3, 2, 1, 0]})
    assert t[::2].sort_by("x")["x"].to_list() == [1, 3, 5]
    assert t.filter("x > 1").sort_by("x", ascending=False).tail(2)["x"].to_list() == [3, 2]


# --------------------------------------------------------------------------- filtering

def _cmp(series, op, value):
    """The documented semantics: a comparison with a null is False."""
    result = {"==": series == value, "!=": series != value, "<": series < value,
              "<=": series <= value, ">": series > value, ">=": series >= value}[op]
    return result.fillna(False).astype(bool).to_numpy()


OPS = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])


@SETTINGS
@given(frames(text=ASCII), OPS, st.integers(-3, 3), OPS,
       st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 1)), st.text("abc", max_size=2))
def test_filter_expressions_match_pandas(data, op1, k, op2, x, needle):
    assume(any(v is not None for v in data["s"]))  # an all-null column is numeric
    t, df = gg.table(data), to_frame(data)
    i_mask = _cmp(df["i"], op1, k)
    f_mask = _cmp(df["f"], op2, x)
    s_mask = df["s"].map(lambda v: v is not None and needle in v).to_numpy(dtype=bool)
    cases = {
        f"i {op1} {k}": i_mask,
        f"f {op2} {x!r}": f_mask,
        f"s contains '{needle}'": s_mask,
        f"i {op1} {k} and f {op2} {x!r}": i_mask & f_mask,
        f"i {op1} {k} or not (s contains '{needle}')": i_mask | ~s_mask,
        f"not (i {op1} {k} or f {op2} {x!r}) and s contains '{needle}'":
            ~(i_mask | f_mask) & s_mask,
        "i == null": df["i"].isna().to_numpy(),
        "s != null": df["s"].notna().to_numpy(),
        "b == true": df["b"].fillna(False).to_numpy(dtype=bool),
        "b == false or f == null": ~df["b"].fillna(True).to_numpy(dtype=bool)
        | df["f"].isna().to_numpy(),
        f"s == '{needle}'": (df["s"] == needle).fillna(False).to_numpy(dtype=bool),
    }
    for expr, mask in cases.items():
        assert t.filter(expr)["rid"].to_list() == df[mask]["rid"].tolist(), expr


def test_filter_with_non_ascii_literal():
    t = gg.table({"s": ["café", "cafe", "naïve", None]})
    assert t.filter("s == 'café'")["s"].to_list() == ["café"]
    assert t.filter("s contains 'ï'")["s"].to_list() == ["naïve"]


def test_filter_quoting_and_escapes():
    t = gg.table({"s": ["it's", 'a"b', "back\\slash", "x"]})
    assert t.filter('s == "it\'s"')["s"].to_list() == ["it's"]
    assert t.filter("s == 'it\\'s'")["s"].to_list() == ["it's"]
    assert t.filter("s contains '\"'")["s"].to_list() == ['a"b']
    assert t.filter("s == 'back\\\\slash'")["s"].to_list() == ["back\\slash"]


@pytest.mark.parametrize("expr, error", [
    ("", ValueError), ("i >", ValueError), ("i > 1 and", ValueError), ("(i > 1", ValueError),
    ("i ~ 1", ValueError), ("s > 1", ValueError), ("i contains 'a'", ValueError),
    ("i == 'a'", ValueError), ("i < null", ValueError), ("nope > 1", KeyError),
])
def test_bad_filter_expressions(expr, error):
    t = gg.table({"i": [1, 2], "s": ["a", "b"]})
    with pytest.raises(error):
        t.filter(expr)


def test_filter_with_an_empty_list_on_an_empty_table():
    t = gg.table({"i": []})
    assert t.filter([]).nrows == 0
    assert gg.Graph().nodes.filter([]).node_count() == 0


def test_filter_with_bad_mask():
    t = gg.table({"i": [1, 2, 3]})
    with pytest.raises(TypeError):
        t.filter([1, 0, 1])
    with pytest.raises(IndexError):
        t.filter([True, False])
    with pytest.raises(TypeError):
        t.filter(42)


# --------------------------------------------------------------------------- export

@SETTINGS
@given(frames())
def test_to_pandas(data):
    t, df = gg.table(data), to_frame(data)
    out = t.to_pandas()
    assert list(out.columns) == list(df.columns)
    for name in data:
        assert py(out[name].tolist()) == data[name], name
        has_nulls = any(v is None for v in data[name])
        kind = t[name].kind
        if kind in ("int64", "float64", "bool"):
            expected = {"int64": "Int64", "float64": "Float64", "bool": "boolean"}[kind] \
                if has_nulls else {"int64": "int64", "float64": "float64", "bool": "bool"}[kind]
            assert str(out[name].dtype) == expected, name
    assert t.to_dict() == data


@SETTINGS
@given(data=frames(text=st.text(alphabet='ab ,"\'', min_size=1, max_size=4)))
def test_to_csv_round_trip(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    t = gg.table(data)
    t.sort_by("i").to_csv(path)
    back = pd.read_csv(path)
    assert list(back.columns) == t.columns
    expected = t.sort_by("i").to_dict()
    for name in data:
        got = py(back[name].tolist())
        assert len(got) == len(expected[name])
        for g_, e in zip(got, expected[name]):
            if isinstance(e, float):
                assert g_ == pytest.approx(e)
            else:
                assert g_ == e, name


def test_to_csv_keywords(tmp_path):
    t = gg.table({"a": [1, 2], "b": ["x", "y"]})
    t.to_csv(tmp_path / "t.tsv", sep="\t")
    assert (tmp_path / "t.tsv").read_text() == "a\tb\n1\tx\n2\ty\n"


def test_table_construction_errors():
    with pytest.raises(ValueError, match="length"):
        gg.table({"a": [1, 2], "b": [1]})
    with pytest.raises(TypeError, match="m"):
        gg.table({"m": [1, "x"]})
    assert gg.table({}).shape == (0, 0)


# --------------------------------------------------------------------------- arrays

NUMS = (st.lists(st.none() | st.integers(-50, 50), max_size=15)
        | st.lists(st.none() | st.floats(-1e3, 1e3, allow_nan=False), max_size=15))


@SETTINGS
@given(NUMS)
def test_numarray_statistics_match_numpy(values):
    a = gg.array(values)
    present = np.array([v for v in values if v is not None], dtype=np.float64)
    assert isinstance(a, gg.NumArray)
    assert a.count() == present.size
    assert a.sum() == pytest.approx(present.sum())
    if present.size:
        assert a.mean() == pytest.approx(present.mean())
        assert a.std() == pytest.approx(present.std(), abs=1e-9)
        assert a.min() == present.min() and a.max() == present.max()
        assert a.median() == pytest.approx(np.median(present))
    else:
        assert a.mean() is None and a.min() is None and a.max() is None and a.std() is None
    if present.size > 1:
        assert a.std(ddof=1) == pytest.approx(present.std(ddof=1), abs=1e-9)
    assert a.unique().to_list() == np.unique(present).tolist()
    counts = collections.Counter(v for v in values if v is not None)
    vc = a.value_counts()
    assert isinstance(vc, BaseTable) and vc.columns == ["values", "count"]
    pairs = list(zip(vc["values"].to_list(), vc["count"].to_list()))
    assert sorted(pairs, key=lambda p: (-p[1], p[0])) == pairs  # most common first, then by value
    assert dict(pairs) == dict(counts)
    assert a.is_null().tolist() == [v is None for v in values]
    assert a.to_list() == values


def test_statistics_keep_int_types():
    a = gg.array([3, None, 1, 3, 2])
    assert a.sum() == 9 and isinstance(a.sum(), int)
    assert a.min() == 1 and isinstance(a.min(), int)
    assert a.unique().to_list() == [1, 2, 3] and a.unique().kind == "int64"
    assert a.value_counts().to_dict() == {"values": [3, 1, 2], "count": [2, 1, 1]}
    b = gg.array([True, False, None, True])
    assert (b.count(), b.sum(), b.mean()) == (3, 2, pytest.approx(2 / 3))


@SETTINGS
@given(st.lists(st.none() | st.integers(-5, 5), max_size=12), st.integers(-5, 5),
       st.integers(-5, 5))
def test_comparisons_give_masks_and_combine(values, lo, hi):
    a = gg.array(values)
    gt = [v is not None and v > lo for v in values]
    le = [v is not None and v <= hi for v in values]
    eq = [v is not None and v == lo for v in values]
    ne = [v is not None and v != lo for v in values]
    assert (a > lo).to_list() == gt and (a <= hi).to_list() == le
    assert (a == lo).to_list() == eq and (a != lo).to_list() == ne
    assert (a < lo).to_list() == [v is not None and v < lo for v in values]
    assert (a >= hi).to_list() == [v is not None and v >= hi for v in values]
    assert (a > lo).kind == "bool"
    assert ((a > lo) & (a <= hi)).to_list() == [x and y for x, y in zip(gt, le)]
    assert ((a > lo) | (a <= hi)).to_list() == [x or y for x, y in zip(gt, le)]
    assert (~(a > lo)).to_list() == [not x for x in gt]
    assert a[(a > lo) & (a <= hi)].to_list() == [v for v, x, y in zip(values, gt, le) if x and y]
    t = gg.table({"v": values, "rid": list(range(len(values)))})
    mask = a > lo
    assert t[mask]["rid"].to_list() == [i for i, x in enumerate(gt) if x]
    assert t.filter(mask)["rid"].to_list() == [i for i, x in enumerate(gt) if x]
    g = gg.Graph()
    g.add_nodes({"v": values})
    assert g.nodes[g.nodes["v"] > lo].node_ids().to_list() == [i for i, x in enumerate(gt) if x]


def test_mask_operators_need_booleans():
    a = gg.array([1, 2])
    with pytest.raises(TypeError):
        a & a
    with pytest.raises(TypeError):
        ~a


def test_arithmetic():
    a = gg.array([1, 2, 3])
    assert (a + 1).to_list() == [2, 3, 4] and (2 * a).to_list() == [2, 4, 6]
    assert (a - a).to_list() == [0, 0, 0] and (a / 2).to_list() == [0.5, 1.0, 1.5]


def test_arithmetic_keeps_nulls_null():
    a = gg.array([3, None, 1])
    b = a + 1
    assert b.to_list() == [4, None, 2]
    assert b.count() == 2 and b.mean() == 3.0


def test_array_selection_and_conversion():
    a = gg.array([3, None, 1, 3, 2])
    assert a[1:3].to_list() == [None, 1] and a[[0, 4]].to_list() == [3, 2] and a[-1] == 2
    assert a.head(2).to_list() == [3, None] and a.tail(2).to_list() == [3, 2]
    assert len(a) == 5 and 3 in a and list(a) == [3, None, 1, 3, 2]
    np.testing.assert_array_equal(a.to_numpy(), [3, np.nan, 1, 3, 2])
    assert a.to_pandas().dtype == "Int64" and a.to_pandas().isna().tolist() == [
        False, True, False, False, False]
    assert a.to_table().to_dict() == {"values": [3, None, 1, 3, 2]}
    np.testing.assert_array_equal(gg.array([1, 2]).values, [1, 2])


def test_columns_of_any_table_are_numarrays():
    # "numeric arrays that come out of any operation are NumArray"
    t = gg.table({"x": [1, 5, 9]})
    assert isinstance(t["x"], gg.NumArray)
    assert t["x"].mean() == 5.0
    assert t[t["x"] > 2]["x"].to_list() == [5, 9]
    vc = gg.array([1, 1, 2]).value_counts()
    assert vc["count"].sum() == 3


def test_column_types_from_graph_tables():
    g = gg.Graph()
    g.add_nodes({"age": [1, 2], "name": ["a", "b"]})
    t = g.nodes.table()
    assert isinstance(t["age"], gg.NumArray)
    assert isinstance(t["name"], BaseArray) and not isinstance(t["name"], gg.NumArray)
    assert isinstance(t.node_ids(), gg.NodesArray) and t.node_ids().to_list() == [0, 1]
    assert isinstance(t.head(1), gg.NodesTable)
    assert isinstance(t.sort_by("age"), gg.NodesTable)
    assert t.sort_by("age", ascending=False).node_ids().to_list() == [1, 0]
    e = gg.Graph()
    e.add_nodes(3)
    e.add_edges([(0, 1), (1, 2), (2, 0)])
    et = e.edges.table().filter("source > 0")
    assert isinstance(et, gg.EdgesTable)
    assert et.edge_ids().to_list() == [1, 2] and et.sources().to_list() == [1, 2]
    assert et.targets().to_list() == [2, 0]
    assert et.edge_ids().subgraph().node_ids().to_list() == [0, 1, 2]
    assert t.node_ids()[:1].subgraph().node_ids().to_list() == [0]


# --------------------------------------------------------------------------- components

@pytest.fixture
def comps():
    g = gg.Graph()
    g.add_nodes(7)
    g.add_edges([(0, 1), (1, 2), (4, 5), (5, 6), (6, 4)])
    return g.connected_components()


def test_components_array(comps):
    assert len(comps) == 3
    assert isinstance(comps.sizes(), gg.NumArray)
    assert comps.sizes().to_list() == [3, 1, 3]
    assert comps.labels().to_list() == [0, 0, 0, 1, 2, 2, 2]
    sg = comps[2]
    assert isinstance(sg, gg.Subgraph)
    assert sg.node_ids().to_list() == [4, 5, 6] and sg.edge_ids().to_list() == [2, 3, 4]
    assert comps[-1].node_ids().to_list() == [4, 5, 6]
    largest = comps.largest_component()
    assert largest.node_ids().to_list() == [0, 1, 2]  # first on ties
    assert comps.node_counts().to_list() == [3, 1, 3]
    with pytest.raises(IndexError):
        comps[3]


def test_components_views_keep_their_sizes(comps):
    tail = comps[1:]
    assert isinstance(tail, gg.ComponentsArray) and len(tail) == 2
    assert tail.sizes().to_list() == [1, 3]
    assert tail.largest_component().node_ids().to_list() == [4, 5, 6]


def test_subgraph_array_tables(comps):
    tables = comps.tables()
    assert isinstance(tables, gg.TableArray) and len(tables) == 3
    assert isinstance(tables[0], gg.NodesTable)
    assert tables[2].node_ids().to_list() == [4, 5, 6]


# --------------------------------------------------------------------------- million rows

N = 1_000_000


@pytest.fixture(scope="module")
def big():
    g = gg.Graph()
    rng = np.random.default_rng(3)
    g.add_nodes({"x": rng.integers(0, 1000, N), "y": rng.random(N),
                 "flag": np.arange(N) % 3 == 0, "z": np.arange(N)})
    return g


def _store_data(g, name):
    return g._nodes.column(name).data


def test_million_row_table_is_a_view(big):
    t = big.nodes.table()
    assert t.shape == (N, 5)
    assert t._base._rows is None  # the whole table: no index array at all
    for name in ("x", "y", "z"):
        assert np.shares_memory(t[name]._base._column.data, _store_data(big, name))


def test_sort_and_filter_of_a_million_rows_copy_no_columns(big):
    t = big.nodes.table()
    for view in (t.sort_by("y"), t.sort_by(["x", "y"], [True, False]),
                 t.filter("x < 10 and flag == true"), t[t["x"] < 10], t[::7], t.head(10)):
        rows = view._base._rows
        assert isinstance(rows, np.ndarray) and rows.dtype == np.int64
        assert view._base._frame is t._base._frame
        for name in ("x", "y", "z"):
            col = view[name]._base._column.data
            assert np.shares_memory(col, _store_data(big, name))
    s = t.sort_by("y")
    y = s["y"].to_numpy()
    assert np.all(np.diff(y) >= 0)
    f = t.filter("x < 10 and flag == true")
    assert f.nrows == int(np.count_nonzero((_store_data(big, "x") < 10) & (np.arange(N) % 3 == 0)))


# --------------------------------------------------------------------------- matrices

def test_matrix_reads_like_a_table():
    g = gg.Graph()
    g.add_nodes(3)
    g.add_edges([(0, 1), (1, 2), (1, 2)])
    m = g.adjacency_matrix()
    assert m.shape == (3, 3) and m.columns == ["0", "1", "2"]
    assert m["2"].to_list() == [0, 2, 0]
    assert m[1] == {"0": 1, "1": 0, "2": 2}
    assert m.get_window(2, 5).rows == [[0, 2, 0]]
    assert m.nnz == 6  # a multi-edge is one stored entry per edge
    assert m.to_scipy().nnz == 4


def test_matrix_views_convert_only_their_rows():
    g = gg.Graph()
    g.add_nodes(4)
    g.add_edges([(0, 1), (1, 2), (2, 3)])
    m = g.adjacency_matrix()
    full = m.to_numpy()
    head = m.head(2)
    assert isinstance(head, gg.Matrix) and head.shape == (2, 4)
    np.testing.assert_array_equal(head.to_numpy(), full[:2])
    np.testing.assert_array_equal(head.to_scipy().toarray(), full[:2])
    np.testing.assert_array_equal(m[[3, 0]].to_numpy(), full[[3, 0]])
