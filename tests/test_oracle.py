"""The table and array API against pandas as the oracle, for every column kind (int64,
float64 with NaN, bool, string, objects), with nulls, in memory and memory-mapped.

pandas is read with its nullable dtypes (Int64, Float64, boolean, string),
and each comparison's NA is filled with False: that is groggy's documented rule (a null
compares False under every operator). The other documented differences are in the
README ("Where groggy differs from pandas"); each has a test of its own at the end.
"""
import math
import operator

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg
from conftest import no_fsync, same

SETTINGS = settings()  # the profile in conftest: 50 derandomized examples, or "thorough"
KINDS = {"i": "Int64", "f": "Float64", "b": "boolean", "s": "string", "x": "float64"}
OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
       ">": operator.gt, ">=": operator.ge}
TEXT = st.text(alphabet="abAB é🚀", max_size=3)


@st.composite
def frames(draw, min_rows=1, max_rows=10):
    """Columns i (int), f (float), b (bool), s (str), each with nulls and at least one
    value, x (float with NaN, no nulls), and rid numbering the rows."""
    n = draw(st.integers(min_rows, max_rows))

    def col(values):
        out = draw(st.lists(st.none() | values, min_size=n, max_size=n))
        if n and all(v is None for v in out):  # an all-null column has no kind
            out[draw(st.integers(0, n - 1))] = draw(values)
        return out

    return {
        "rid": list(range(n)),
        "i": col(st.integers(-3, 3)),
        "f": col(st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 1))),
        "b": col(st.booleans()),
        "s": col(TEXT),
        "x": draw(st.lists(st.sampled_from([0.5, -1.0, 2.0, math.nan]), min_size=n,
                           max_size=n)),
    }


def oracle(data) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype=KINDS.get(k, "int64"))
                         for k, v in data.items()})


class Stores:
    """Makes the two kinds of table groggy has: in memory, and mapped from a store."""

    def __init__(self, scratch):
        self.scratch = scratch

    def tables(self, data):
        yield "memory", gg.table(data)
        g = gg.Graph()
        g.add_nodes({k: v for k, v in data.items()})
        with no_fsync():
            path = g.save(self.scratch() / "g.groggy")
        mapped = gg.open(path).nodes.table().select(list(data))
        assert mapped["i"]._base._column.readonly  # really read from the maps
        yield "mmap", mapped


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    import tempfile
    from pathlib import Path
    base = tmp_path_factory.mktemp("oracle")
    return Stores(lambda: Path(tempfile.mkdtemp(dir=base)))


def plain(series) -> list:
    """A pandas column as Python values, None for NA."""
    return [None if v is pd.NA else v for v in series.astype(object).tolist()]


def mask_of(series_mask) -> list:
    return series_mask.fillna(False).astype(bool).tolist()


def rids(t) -> list:
    return t["rid"].to_list()


def literal_for(col: str, draw=None):
    return {"i": st.integers(-3, 3), "f": st.floats(-3, 3).map(lambda v: round(v, 1)),
            "b": st.booleans(), "s": TEXT, "x": st.sampled_from([0.5, 2.0, -1.0])}[col]


# --------------------------------------------------------------------------- comparisons

@SETTINGS
@given(frames(), st.sampled_from("ifbsx"), st.sampled_from(sorted(OPS)), st.data())
def test_comparisons_with_a_value(stores, data, col, op, draw):
    value = draw.draw(literal_for(col, draw))
    df = oracle(data)
    want = mask_of(OPS[op](df[col], value))
    for where, t in stores.tables(data):
        got = OPS[op](t[col], value)
        assert type(got) is gg.NumArray and got.kind == "bool", where
        assert got.to_list() == want, (where, col, op, value)
        assert rids(t[got]) == df[want]["rid"].tolist(), where
        assert rids(t.filter(got)) == df[want]["rid"].tolist(), where
        # the filter language says the same thing
        text = f"{col} {op} {value!r}" if col != "b" else f"{col} {op} {str(value).lower()}"
        if col != "x" or not math.isnan(value):
            assert rids(t.filter(text)) == df[want]["rid"].tolist(), (where, text)


@SETTINGS
@given(frames(), st.sampled_from([("i", "f"), ("x", "x"), ("s", "s"), ("b", "b"), ("i", "i")]),
       st.sampled_from(sorted(OPS)), st.permutations(range(10)))
def test_comparisons_between_columns(stores, data, pair, op, perm):
    # the second column is the first one's values in another row order, so some match
    a, b = pair
    n = len(data["rid"])
    df = oracle(data)
    data = dict(data, other=[data[b][p] for p in perm if p < n])
    df["other"] = pd.Series(data["other"], dtype=KINDS[b])
    want = mask_of(OPS[op](df[a], df["other"]))
    for where, t in stores.tables(data):
        assert OPS[op](t[a], t["other"]).to_list() == want, (where, a, b, op)


@SETTINGS
@given(frames(), st.sampled_from("ifbs"), st.data())
def test_isin_isnull_notnull(stores, data, col, draw):
    values = draw.draw(st.lists(literal_for(col, draw), max_size=3))
    df = oracle(data)
    for where, t in stores.tables(data):
        assert t[col].isin(values).to_list() == mask_of(df[col].isin(values)), where
        assert t[col].isnull().to_list() == df[col].isna().tolist(), where
        assert t[col].notnull().to_list() == df[col].notna().tolist(), where


@SETTINGS
@given(frames(), TEXT, st.sampled_from(["contains", "startswith", "endswith"]))
def test_string_tests(stores, data, text, method):
    df = oracle(data)
    series = df["s"].str.contains(text, regex=False) if method == "contains" else \
        getattr(df["s"].str, method)(text)
    want = mask_of(series.astype("boolean"))
    for where, t in stores.tables(data):
        assert getattr(t["s"], method)(text).to_list() == want, (where, method, text)
        assert rids(t.filter(f"s {method} {text!r}")) == df[want]["rid"].tolist(), where


@SETTINGS
@given(frames(), st.sampled_from(sorted(OPS)), st.integers(-3, 3), st.sampled_from(sorted(OPS)),
       TEXT, st.booleans())
def test_mask_algebra_selects_what_pandas_selects(stores, data, op1, k, op2, text, flag):
    df = oracle(data)
    m1 = pd.Series(mask_of(OPS[op1](df["i"], k)))
    m2 = pd.Series(mask_of(OPS[op2](df["s"], text)))
    m3 = pd.Series(mask_of(df["b"] == flag))
    cases = {
        "and": (lambda a, b, c: a & b, m1 & m2),
        "or": (lambda a, b, c: a | b, m1 | m2),
        "xor": (lambda a, b, c: a ^ b, m1 ^ m2),
        "not": (lambda a, b, c: ~a & (b | c), ~m1 & (m2 | m3)),
        "numpy": (lambda a, b, c: a & np.asarray(b), m1 & m2),
        "list": (lambda a, b, c: a | list(np.asarray(c)), m1 | m3),
    }
    for where, t in stores.tables(data):
        a, b, c = OPS[op1](t["i"], k), OPS[op2](t["s"], text), t["b"] == flag
        for name, (combine, want) in cases.items():
            got = combine(a, b, c)
            assert got.to_list() == want.tolist(), (where, name)
            assert rids(t[got]) == df[want.to_numpy()]["rid"].tolist(), (where, name)


def test_the_issue_example_on_a_graph(scratch):
    # (age > 30) & (name == "Carol") selected 0 nodes, | selected 2 instead of 3
    g = gg.Graph()
    g.add_nodes({"name": ["Alice", "Bob", "Carol", None, "Dan"],
                 "age": [25, 35, 45, 50, None]})
    with no_fsync():
        h = gg.open(g.save(scratch() / "g.groggy"))
    for graph in (g, h):
        age, name = graph.nodes["age"], graph.nodes["name"]
        assert graph.nodes[(age > 30) & (name == "Carol")].node_ids().to_list() == [2]
        assert graph.nodes[(age > 30) | (name == "Alice")].node_ids().to_list() == [0, 1, 2, 3]
        assert graph.nodes[name == "Carol"].node_ids().to_list() == [2]
        assert graph.nodes[~(name == "Carol")].node_ids().to_list() == [0, 1, 3, 4]
        assert (name != "Carol").to_list() == [True, True, False, False, True]


# --------------------------------------------------------------------------- views

@SETTINGS
@given(frames(min_rows=0), st.lists(st.sampled_from("ifbsx"), min_size=1, max_size=3,
                                    unique=True), st.data())
def test_sort_by_matches_pandas(stores, data, cols, draw):
    ascending = draw.draw(st.lists(st.booleans(), min_size=len(cols), max_size=len(cols)))
    df = oracle(data)
    want = df.sort_values(cols, ascending=ascending, kind="stable",
                          na_position="last")["rid"].tolist()
    for where, t in stores.tables(data):
        assert rids(t.sort_by(cols, ascending=ascending)) == want, (where, cols, ascending)


@SETTINGS
@given(frames(min_rows=0), st.integers(-12, 12) | st.none(), st.integers(-12, 12) | st.none(),
       st.sampled_from([None, 1, 2, -1, 3]), st.integers(0, 12))
def test_select_slices_head_tail(stores, data, start, stop, step, k):
    df = oracle(data)
    key = slice(start, stop, step)
    for where, t in stores.tables(data):
        assert rids(t[key]) == df.iloc[key]["rid"].tolist(), where
        assert rids(t.head(k)) == df.head(k)["rid"].tolist(), where
        assert rids(t.tail(k)) == df.tail(k)["rid"].tolist(), where
        assert t.select(["s", "i"]).columns == ["s", "i"], where
        for col in "sifbx":
            assert same(t[key][col].to_list(), plain(df.iloc[key][col])), (where, col)


@SETTINGS
@given(frames(min_rows=0))
def test_to_pandas_round_trip(stores, data):
    df = oracle(data)
    for where, t in stores.tables(data):
        out = t.to_pandas()
        for col in data:
            assert out[col].isna().tolist() == df[col].isna().tolist(), (where, col)
            assert out[col][out[col].notna()].tolist() == df[col][df[col].notna()].tolist()
        back = gg.table({c: t[c].to_list() for c in t.columns})
        assert back.to_pandas().equals(out) or back.to_dict() == t.to_dict(), where


# --------------------------------------------------------------------------- statistics

def _close(a, b) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None and (b is None or math.isnan(b))
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _scalar(v):
    return None if v is pd.NA or v is None else (v.item() if hasattr(v, "item") else v)


@SETTINGS
@given(frames(min_rows=0))
def test_statistics_match_pandas(stores, data):
    df = oracle(data)
    for where, t in stores.tables(data):
        for col in "ifbx":
            a, s = t[col], df[col]
            for stat in ("mean", "sum", "min", "max"):
                assert _close(_scalar(getattr(a, stat)()), _scalar(getattr(s, stat)())), \
                    (where, col, stat)
            assert _close(a.std(), _scalar(s.std(ddof=0))), (where, col, "std")
            assert a.count() == s.count() and a.nunique() == s.nunique(), (where, col)
            assert a.unique().to_list() == sorted(s.dropna().unique().tolist())
            counts = a.value_counts()
            assert dict(zip(counts[col].to_list(), counts["count"].to_list())) == \
                s.value_counts().to_dict(), (where, col)
            assert counts["count"].to_list() == sorted(counts["count"].to_list(), reverse=True)
        a, s = t["s"], df["s"]
        assert a.min() == s.dropna().min() if s.count() else a.min() is None
        assert a.max() == s.dropna().max() if s.count() else a.max() is None
        assert a.count() == s.count() and a.nunique() == s.nunique(), where
        assert a.unique().to_list() == sorted(s.dropna().unique().tolist()), where
        counts = a.value_counts()
        assert dict(zip(counts["s"].to_list(), counts["count"].to_list())) == \
            s.value_counts().to_dict(), where


# --------------------------------------------------------------------------- differences

def test_documented_differences_from_pandas():
    s = gg.array(["a", None, "b"])
    x = gg.array([1.0, None, float("nan")])
    # a null is False under != too (pandas' object dtype says True)
    assert (s != "a").to_list() == [False, False, True]
    assert (x != 1.0).to_list() == [False, False, True]  # NaN is a value: != holds
    # == None selects nulls, as the filter language's == null does
    assert (s == None).to_list() == [False, True, False]  # noqa: E711
    # comparing strings with numbers is an error, not an all-False mask
    with pytest.raises(TypeError, match="holds strings"):
        s == 1  # noqa: B015
    with pytest.raises(TypeError, match="holds numbers"):
        x < "a"  # noqa: B015
    # std is the population std (ddof=0) unless asked
    assert gg.array([1, 3]).std() == 1.0 and gg.array([1, 3]).std(ddof=1) == math.sqrt(2)
    # contains is a plain substring, never a pattern
    assert gg.array(["a.c", "abc"]).contains(".").to_list() == [True, False]
    # unique is sorted and leaves nulls and NaN out; strings have no mean or sum
    assert gg.array([3, None, 1, 3]).unique().to_list() == [1, 3]
    assert not hasattr(s, "mean") and not hasattr(s, "sum")


def test_masks_refuse_wrong_kinds_and_lengths():
    a, s = gg.array([1, 2, 3]), gg.array(["a", "b", "c"])
    with pytest.raises(TypeError, match="boolean masks"):
        a & (a > 1)
    with pytest.raises(ValueError, match="3 values"):
        (a > 1) & np.array([True, False])
    with pytest.raises(ValueError, match="cannot compare 3 values"):
        a == [1, 2]  # noqa: B015
    with pytest.raises(TypeError, match="string column"):
        a.startswith("1")


def test_a_mask_in_an_if_is_an_error_not_a_silent_true():
    name = gg.array(["Alice", "Bob"])
    with pytest.raises(ValueError, match="ambiguous"):
        if name == "Carol":
            pass
    assert not (name == "Carol").any() and (name != "Carol").all()
    with pytest.raises(TypeError, match="boolean masks"):
        name.any()


def test_object_columns_compare_elementwise():
    g = gg.Graph()
    g.add_nodes(4)
    g.add_edges([(0, 1), (2, 3)])
    tables = g.connected_components().tables()
    assert tables.kind == "object"
    same = tables == tables  # Python's == per object (tables are made anew on each read)
    assert same.kind == "bool" and len(same) == 2
    assert tables.isnull().to_list() == [False, False]
    with pytest.raises(TypeError, match="objects"):
        tables.unique()


# --------------------------------------------------------------------------- live writes

@pytest.mark.parametrize("kind", ["string", "int64"])
def test_a_reader_sees_the_old_or_the_new_column_never_a_mix(kind):
    # a writer thread rewrites half the rows of one attribute (with nulls) again and
    # again while readers take whole-column snapshots; every snapshot must be one of
    # the states the writer produced, with the table's own length
    import threading
    n, rounds = 2000, 300
    state = (lambda r: f"r{r}-" + "x" * (r % 7)) if kind == "string" else (lambda r: r)
    g = gg.Graph()
    g.add_nodes({"v": [state(0)] * n})
    rows = np.arange(0, n, 2)
    table = g.nodes.table()
    done, bad = threading.Event(), []

    def write():
        for r in range(1, rounds):
            values = [None if r % 5 == 0 else state(r)] * rows.size
            g.set_node_attrs({"v": dict(zip(rows.tolist(), values))})
        done.set()

    def read():
        while not done.is_set():
            column = g._nodes.column("v")
            values = column.to_list()
            if len(values) != n or len(table["v"].to_list()) != n:
                bad.append(f"{len(values)} rows")
                return
            odd = set(values[1::2])
            if odd != {state(0)} or len(set(values[0::2])) != 1:
                bad.append(f"mixed rows: {sorted(map(str, set(values)))[:4]}")
                return

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read)
                                                   for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not bad, bad[0]
