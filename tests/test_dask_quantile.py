"""Exact quantiles and medians on a Dask cluster against NumPy (``np.quantile``,
``np.median``) and the in-process ``NumArray.median``: random numbers with nulls, NaN,
infinities, ties, int64 beyond 2**53, empty partitions; the histogram passes forced
(a tiny gathering cap) so that every step runs on small data; a real 2-process
LocalCluster.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import groggy as gg

from test_dask_graph import client, dd, gd  # noqa: F401  (a 2-process LocalCluster per module)
from groggy.dask import quantile  # noqa: E402

QS = [0.0, 0.01, 0.1, 0.25, 0.5, 0.6180339887, 0.75, 0.999, 1.0]


@pytest.fixture(params=[quantile.CAP, 3], ids=["cap", "tiny-cap"])
def cap(request, monkeypatch):
    """The gathering cap: the real one (one gathering pass), or 3 values (histogram
    passes until each rank's bucket is tiny or one value)."""
    monkeypatch.setattr(quantile, "CAP", request.param)
    return request.param


def partitioned(values, cuts) -> "dd.DataFrame":
    """``values`` as a Dask DataFrame cut at ``cuts`` (empty partitions included)."""
    bounds = [0, *cuts, len(values)]
    parts = [pd.DataFrame({"x": values[a:b]}) for a, b in zip(bounds[:-1], bounds[1:])]
    from dask import delayed
    return dd.from_delayed([delayed(p) for p in parts], meta=parts[0].iloc[:0],
                           verify_meta=False)


def same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or (math.isnan(a) and math.isnan(b))


def present(values) -> np.ndarray:
    """What the statistics see: neither null nor NaN."""
    s = pd.Series(values).dropna()
    v = s.to_numpy(dtype=np.float64 if s.dtype.kind == "f" or str(s.dtype) == "Float64"
                   else np.int64)
    return v[~np.isnan(v)] if v.dtype.kind == "f" else v


def check(client, values, cuts):
    t = gd.table(partitioned(values, cuts), client=client)
    v = present(values)
    got = t.quantile("x", QS)
    want = [float(np.quantile(v, q)) if v.size else None for q in QS]
    assert all(same(a, b) for a, b in zip(got, want)), (got, want)
    assert same(t.median("x"), float(np.median(v)) if v.size else None)
    return t, v


floats = st.one_of(st.floats(allow_nan=True, allow_infinity=False, width=64),
                   st.sampled_from([0.0, -0.0, 1.5, -2.0, math.nan, math.inf, -math.inf]))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), kind=st.sampled_from(["float", "int", "Int64", "small", "bool"]))
def test_quantiles_equal_numpy(client, cap, data, kind):
    n = data.draw(st.integers(0, 60))
    if kind == "float":
        values = np.array(data.draw(st.lists(floats, min_size=n, max_size=n)), np.float64)
    elif kind == "int":
        values = np.array(data.draw(st.lists(st.integers(-2**63, 2**63 - 1), min_size=n,
                                             max_size=n)), dtype=np.int64)
    elif kind == "Int64":
        values = pd.array(data.draw(st.lists(st.one_of(st.none(), st.integers(-5, 5)),
                                             min_size=n, max_size=n)), dtype="Int64")
    elif kind == "small":   # many ties
        values = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)),
                          dtype=np.float64)
    else:
        values = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=4)))
    if kind == "int":   # np.quantile subtracts int64 neighbours: keep them close enough
        assume_ok = n == 0 or np.all(np.abs(np.diff(np.sort(values)).astype(float)) < 2**62)
        if not assume_ok:
            return
    if kind == "bool":
        t = gd.table(partitioned(values, cuts), client=client)
        v = values.astype(np.int64)
        want = [float(np.quantile(v, q)) if v.size else None for q in QS]
        assert t.quantile("x", QS) == want
        assert t.median("x") == (gg.array(values.tolist()).median() if n else None)
        return
    check(client, values, cuts)


def test_many_values_and_the_in_process_median(client, cap):
    """Thousands of values over 6 partitions (2 empty), a third of them tied, nulls and
    NaN: the quantiles are NumPy's, the median is NumArray.median's; stats() has them."""
    rng = np.random.default_rng(1)
    n = 5000
    values = np.round(rng.normal(0, 100, n), 1)
    values[rng.random(n) < 0.3] = 7.5
    values[rng.random(n) < 0.05] = np.nan
    t, v = check(client, values, [0, 1000, 1000, 3100, 5000])
    assert t.median("x") == gg.array(values.tolist()).median()
    stats = t.stats(quantiles=[0.25, 0.5, 0.75]).to_dict()
    assert stats["median"] == [np.median(v)]
    assert stats["q25"] == [np.quantile(v, 0.25)] and stats["q75"] == [np.quantile(v, 0.75)]
    assert "median" in t.stats().column_names() and "q25" not in t.stats().column_names()
    assert "median" not in t.stats(quantiles=()).column_names()


def test_quantile_bad_input(client):
    t = gd.table(dd.from_pandas(pd.DataFrame({"s": ["a", "b"], "x": [1, 2]}),
                                npartitions=1), client=client)
    with pytest.raises(TypeError, match="column 's' holds string; quantiles take numbers"):
        t.quantile("s", 0.5)
    with pytest.raises(KeyError, match="no column 'nope'"):
        t.median("nope")
    with pytest.raises(ValueError, match="a quantile is a number from 0 to 1, got 1.5"):
        t.quantile("x", [0.5, 1.5])
    with pytest.raises(ValueError, match="got 'half'"):
        t.stats(quantiles=["half"])


def test_keys_keep_the_order_of_values():
    """The uint64 keys sort as the values do, and map back to them."""
    rng = np.random.default_rng(4)
    floats = np.concatenate([rng.normal(0, 1e6, 500), [np.inf, -np.inf, 0.0, 5e-324,
                                                       -5e-324, 1.7e308, -1.7e308]])
    ints = np.concatenate([rng.integers(-2**63, 2**63 - 1, 500, dtype=np.int64),
                           np.array([-2**63, 2**63 - 1, 0, -1, 1], dtype=np.int64)])
    for values, kind in ((floats, "float64"), (ints, "int64")):
        keys = quantile.keys_of(pd.DataFrame({"x": values}), "x")
        assert np.array_equal(values[np.argsort(keys, kind="stable")], np.sort(values))
        assert [quantile.value_of(int(k), kind) for k in keys] == values.tolist()
