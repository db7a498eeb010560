"""The number sort kernel (groggy.kernels.stable_argsort, a radix sort): hand cases, a
plain-Python oracle (a stable sort on a key that puts NaN last both ways), NumPy's
stable argsort, memory-mapped == in-memory, degenerate inputs and bad arguments."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from groggy.kernels import stable_argsort

INT64 = st.integers(-2**63, 2**63 - 1)
# few distinct values as well as wide ones: ties, and every radix digit in play
INTS = st.lists(st.sampled_from([0, 1, -1, 2**62, -2**63, 2**63 - 1]) | INT64
                | st.integers(-3, 3), max_size=60)
FLOATS = st.lists(st.sampled_from([0.0, -0.0, math.nan, -math.nan, math.inf, -math.inf,
                                   1.5, -1.5, 5e-324, -5e-324])
                  | st.floats(allow_nan=True), max_size=60)


def python_order(values, descending: bool) -> list:
    """Positions in stable order; NaN last in both directions, -0.0 equal to 0.0."""
    def key(i):
        v = values[i]
        if isinstance(v, float) and math.isnan(v):
            return (1, 0)
        return (0, -v if descending else v)
    return sorted(range(len(values)), key=key)   # Python's sort is stable


def test_hand_computed_cases():
    assert stable_argsort(np.array([3, 1, 3, 2])).tolist() == [1, 3, 0, 2]
    assert stable_argsort(np.array([3, 1, 3, 2]), descending=True).tolist() == [0, 2, 3, 1]
    assert stable_argsort(np.array([0.0, -0.0, np.nan, -1.0])).tolist() == [3, 0, 1, 2]
    assert stable_argsort(np.array([np.nan, 0.0, np.inf, -0.0]),
                          descending=True).tolist() == [2, 1, 3, 0]
    big = np.array([2**63 - 1, -2**63, 0, -1, 2**63 - 1], dtype=np.int64)
    assert stable_argsort(big).tolist() == [1, 3, 2, 0, 4]
    assert stable_argsort(big, descending=True).tolist() == [0, 4, 2, 3, 1]


@given(INTS, st.booleans())
def test_ints_match_the_oracle(values, descending):
    got = stable_argsort(np.array(values, dtype=np.int64), descending=descending)
    assert got.tolist() == python_order(values, descending)


@given(FLOATS, st.booleans())
def test_floats_match_the_oracle(values, descending):
    got = stable_argsort(np.array(values, dtype=np.float64), descending=descending)
    assert got.tolist() == python_order(values, descending)


@given(st.integers(0, 3000), st.integers(1, 2**40), st.integers(0, 2**32))
def test_long_columns_match_numpy_stable(n, spread, seed):
    """Long enough for every pass, every skipped digit and the copy back to run."""
    rng = np.random.default_rng(seed)
    ints = rng.integers(-spread, spread, size=n)
    floats = rng.normal(size=n) * spread
    for values in (ints, floats, np.round(floats / spread, 1)):
        assert np.array_equal(stable_argsort(values), np.argsort(values, kind="stable"))


def test_memory_mapped_equals_in_memory(tmp_path):
    values = np.random.default_rng(1).integers(0, 1000, size=10_000)
    np.save(tmp_path / "v.npy", values)
    mapped = np.load(tmp_path / "v.npy", mmap_mode="r")
    assert not mapped.flags.writeable
    assert np.array_equal(stable_argsort(mapped), stable_argsort(values))
    assert np.array_equal(stable_argsort(mapped[::-1]), stable_argsort(values[::-1].copy()))


@pytest.mark.parametrize("values", [[], [7], [5, 5, 5, 5], [np.nan, np.nan], [-0.0, 0.0]])
def test_degenerate_inputs(values):
    dtype = np.float64 if any(isinstance(v, float) for v in values) else np.int64
    arr = np.array(values, dtype=dtype)
    for descending in (False, True):
        assert stable_argsort(arr, descending).tolist() == list(range(len(values)))


@pytest.mark.parametrize("bad", [np.zeros(3, dtype=np.int32), np.zeros((2, 2)),
                                 np.array(["a"]), np.zeros(2, dtype=">i8")])
def test_bad_arguments_are_named(bad):
    with pytest.raises(TypeError, match="int64 or float64"):
        stable_argsort(bad)
