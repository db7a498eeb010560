"""The group-by kernels (groggy._core._group through groggy.kernels) against brute force:
hash factorization of int64 values and of string spans, and every per-group reduction,
on hypothesis-drawn inputs, read-only (memory-mapped-like) inputs, degenerate inputs,
and bad input refused before a kernel runs."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groggy import kernels
from groggy.storage import Column

SETTINGS = settings()
INT64 = st.integers(-2**63, 2**63 - 1)
TEXT = st.text(alphabet="ab\x00é", max_size=20)   # spans up to and past the 16-byte head


def first_appearance(values):
    numbers = {}
    return [numbers.setdefault(v, len(numbers)) for v in values], list(numbers)


def readonly(arr):
    arr = np.array(arr)
    arr.flags.writeable = False
    return arr


@SETTINGS
@given(values=st.lists(st.integers(-3, 3) | INT64, max_size=60), data=st.data())
def test_factorize_int64_numbers_by_first_appearance(values, data):
    valid = data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    codes, uniques = kernels.factorize_int64(readonly(np.array(values, dtype=np.int64)),
                                             readonly(valid))
    want, distinct = first_appearance([v for v, ok in zip(values, valid) if ok])
    assert codes[np.array(valid, dtype=bool)].tolist() == want
    assert (codes[~np.array(valid, dtype=bool)] == -1).all()
    assert uniques.tolist() == distinct


@SETTINGS
@given(texts=st.lists(TEXT, min_size=1, max_size=40), data=st.data())
def test_factorize_strings_numbers_by_first_appearance(texts, data):
    col = Column.from_values("t", texts)
    rows = data.draw(st.lists(st.integers(0, len(texts) - 1), max_size=50))
    valid = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    codes, first = kernels.factorize_strings(*col.text, np.array(rows, dtype=np.int64),
                                             valid)
    seen = [texts[r] for r, ok in zip(rows, valid) if ok]
    want, distinct = first_appearance(seen)
    ok = np.array(valid, dtype=bool)
    assert codes[ok].tolist() == want and (codes[~ok] == -1).all()
    assert [texts[rows[i]] for i in first] == distinct


def test_tables_grow_past_their_first_size():
    rng = np.random.default_rng(5)
    values = rng.integers(-2**63, 2**63 - 1, 3000)[rng.integers(0, 3000, 40_000)]
    codes, uniques = kernels.factorize_int64(values)
    assert np.array_equal(uniques[codes], values)
    assert uniques.size == np.unique(values).size
    texts = np.char.add("a-shared-prefix-longer-than-16-", values.astype(str))
    col = Column.from_values("t", texts)
    codes, first = kernels.factorize_strings(*col.text, np.arange(texts.size))
    assert np.array_equal(texts[first][codes], texts) and first.size == uniques.size


@st.composite
def grouped(draw, kind):
    n = draw(st.integers(0, 40))
    k = draw(st.integers(1, 5))
    codes = draw(st.lists(st.integers(-1, k - 1), min_size=n, max_size=n))
    values = {"int": st.integers(-2**40, 2**40), "float": st.floats(-1e6, 1e6),
              "bool": st.booleans()}[kind]
    vals = draw(st.lists(values, min_size=n, max_size=n))
    dtype = {"int": np.int64, "float": np.float64, "bool": bool}[kind]
    return np.array(codes, dtype=np.int64), np.array(vals, dtype=dtype), k


def members(codes, values, k):
    return [[v for c, v in zip(codes.tolist(), values.tolist()) if c == g] for g in range(k)]


@SETTINGS
@given(case=st.sampled_from(["int", "float", "bool"]).flatmap(grouped))
def test_reductions_match_brute_force(case):
    codes, values, k = case
    groups = members(codes, values, k)
    assert kernels.group_count(readonly(codes), k).tolist() == [len(m) for m in groups]
    sums = kernels.group_sum(readonly(codes), readonly(values), k)
    assert np.allclose(sums, [sum(m) for m in groups], rtol=1e-12, atol=1e-6)
    mins, maxs, seen = kernels.group_min_max(codes, values, k)
    assert seen.tolist() == [bool(m) for m in groups]
    assert mins[seen].tolist() == [min(m) for m in groups if m]
    assert maxs[seen].tolist() == [max(m) for m in groups if m]
    first, last = kernels.group_first_last(codes, k)
    rows = [[i for i, c in enumerate(codes.tolist()) if c == g] for g in range(k)]
    assert first.tolist() == [r[0] if r else -1 for r in rows]
    assert last.tolist() == [r[-1] if r else -1 for r in rows]
    order, starts = kernels.group_order(codes, k)
    assert order.tolist() == [i for r in rows for i in r]
    assert np.diff(starts).tolist() == [len(r) for r in rows]
    value_codes = kernels.factorize_int64(values.astype(np.int64))[0]   # floats truncated
    assert kernels.group_nunique(order, codes, value_codes, k,
                                 int(value_codes.max(initial=-1)) + 1).tolist() == [
        len({int(v) for v in m}) for m in groups]
    means = np.array([np.mean(m) if m else 0.0 for m in groups])
    assert np.allclose(kernels.group_sq_dev(codes, values, means),
                       [sum((v - mu) ** 2 for v in m) for m, mu in zip(groups, means)],
                       rtol=1e-9, atol=1e-6)


def test_compensated_float_sum():
    # ten 1e-16 added one by one to 1.0 vanish summed naively; Kahan's sum (as pandas
    # sums) keeps them
    values = [1.0] + [1e-16] * 10
    assert kernels.group_sum([0] * 11, values, 1).tolist() == [math.fsum(values)] != [1.0]


def test_degenerate_inputs():
    empty = np.empty(0, dtype=np.int64)
    assert kernels.factorize_int64(empty)[1].size == 0
    assert kernels.group_count(empty, 0).size == 0
    assert kernels.group_order(empty, 3)[1].tolist() == [0, 0, 0, 0]
    col = Column.from_values("t", ["", "", "x"])
    assert kernels.factorize_strings(*col.text, [0, 1, 2])[0].tolist() == [0, 0, 1]
    assert kernels.group_min_max([-1, -1], [3, 4], 2)[2].tolist() == [False, False]


def test_bad_input_is_refused_before_a_kernel_runs():
    with pytest.raises(ValueError, match=r"-1 or in \[0, 2\)"):
        kernels.group_count([0, 2], 2)
    with pytest.raises(ValueError, match=r"-1 or in \[0, 2\)"):
        kernels.group_sum([0, -2], [1, 2], 2)
    with pytest.raises(ValueError, match="3 group codes for 2 values"):
        kernels.group_sum([0, 0, 0], [1, 2], 1)
    with pytest.raises(TypeError, match="numbers or booleans"):
        kernels.group_min_max([0], np.array(["a"]), 1)
    with pytest.raises(ValueError, match="one bool per row"):
        kernels.factorize_int64([1, 2], valid=[True])
    with pytest.raises(ValueError, match="order must hold rows"):
        kernels.group_nunique([5], [0], [0], 1, 1)
    with pytest.raises(IndexError, match="out of range"):
        kernels.factorize_strings(np.array([0, 1]), np.frombuffer(b"a", np.uint8), [1])
    with pytest.raises(ValueError, match="corrupt"):
        kernels.factorize_strings(np.array([0, 5]), np.frombuffer(b"a", np.uint8), [0])
