"""Exact quantiles and medians on a Dask cluster (Dask's own ``quantile`` is an
approximation): the values at the wanted ranks are found in a few passes over the
partitions, none of which sends more than a histogram or one small bucket of values
to one place.

Every value maps to an unsigned 64-bit key in the same order (an int by flipping its
sign bit, a float by its bits: flipped when negative, else with the sign bit set), so a
range of keys splits into buckets exactly, whatever the values (ties, infinities, int64
beyond 2**53). Pass 1: per partition, the count and the smallest and largest key of
each column. Then, while the bucket holding a wanted rank holds more than ``CAP``
values, each partition counts its keys in that bucket's 1024 sub-buckets, the counts
are summed and the rank's sub-bucket becomes its bucket. Last pass: the values of
each remaining bucket are gathered, sorted, and the rank taken. Nulls and NaN are
skipped, as the in-process statistics skip them.

The two values either side of a quantile are combined by NumPy itself, so the answer
is ``np.quantile`` of the values (its default "linear" interpolation) and, for the
median, ``np.median`` (what ``NumArray.median`` gives in-process).
"""
from __future__ import annotations

import numpy as np

BITS = 10            # a histogram pass cuts a bucket into 2**BITS sub-buckets
CAP = 1 << 17        # a bucket this small is gathered whole
_SIGN = np.uint64(1 << 63)


# ------------------------------------------------------------------ on the workers

def keys_of(df, column: str) -> np.ndarray:
    """The column's values that are neither null nor NaN, as order-preserving uint64."""
    import pandas as pd
    series = df[column].dropna()
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64)
        bits = values[~np.isnan(values)].view(np.uint64)
        return np.where(bits >> np.uint64(63), ~bits, bits | _SIGN)
    return series.to_numpy(dtype=np.int64).view(np.uint64) ^ _SIGN


def value_of(key: int, kind: str):
    """The value a key stands for (``kind``: "float64", or "int64" for ints and bools)."""
    key = np.uint64(key)
    if kind == "float64":
        bits = key ^ _SIGN if key >> np.uint64(63) else ~key
        return np.array([bits], dtype=np.uint64).view(np.float64)[0]
    return np.array([key ^ _SIGN], dtype=np.uint64).view(np.int64)[0]


def summary(df, columns: list) -> dict:
    """{column: (count, smallest key, largest key)} of one partition."""
    out = {}
    for column in columns:
        keys = keys_of(df, column)
        out[column] = (keys.size, int(keys.min()), int(keys.max())) if keys.size else (0, None, None)
    return out


def merge_summaries(parts: list) -> dict:
    out = {}
    for part in parts:
        for column, (n, lo, hi) in part.items():
            m, a, b = out.get(column, (0, None, None))
            out[column] = (m + n, lo if a is None else a if lo is None else min(a, lo),
                           hi if b is None else b if hi is None else max(b, hi))
    return out


def histograms(df, asks: list) -> list:
    """Per ask (column, lo, hi, shift): counts of the keys in [lo, hi] by
    ``(key - lo) >> shift``."""
    out, cache = [], {}
    for column, lo, hi, shift in asks:
        keys = cache.setdefault(column, keys_of(df, column))
        inside = keys[(keys >= np.uint64(lo)) & (keys <= np.uint64(hi))]
        bins = ((inside - np.uint64(lo)) >> np.uint64(shift)).astype(np.intp)
        out.append(np.bincount(bins, minlength=((hi - lo) >> shift) + 1))
    return out


def gathered(df, asks: list) -> list:
    """Per ask (column, lo, hi): the keys in [lo, hi]."""
    out, cache = [], {}
    for column, lo, hi in asks:
        keys = cache.setdefault(column, keys_of(df, column))
        out.append(keys[(keys >= np.uint64(lo)) & (keys <= np.uint64(hi))])
    return out


def add_lists(parts: list) -> list:
    return [sum(counts) for counts in zip(*parts)]


def concat_lists(parts: list) -> list:
    return [np.concatenate(keys) for keys in zip(*parts)]


# ------------------------------------------------------------------ on the client

class _Rank:
    """Where the search for one rank of one column stands: its key lies in [lo, hi],
    where ``count`` keys lie, ``below`` keys lie under ``lo``."""

    def __init__(self, column: str, rank: int, lo: int, hi: int, count: int):
        self.column, self.rank, self.lo, self.hi = column, rank, lo, hi
        self.below, self.count, self.key = 0, count, lo if lo == hi else None

    def interval(self) -> tuple:
        return self.column, self.lo, self.hi

    def narrow(self, counts: np.ndarray, shift: int) -> None:
        """Move into the sub-bucket (of ``counts``) that holds the rank."""
        ends = self.below + np.cumsum(counts)
        b = int(np.searchsorted(ends, self.rank, side="right"))
        self.below = int(ends[b - 1]) if b else self.below
        self.lo, self.hi = self.lo + (b << shift), min(self.hi, self.lo + ((b + 1) << shift) - 1)
        self.count = int(counts[b])
        if self.lo == self.hi:
            self.key = self.lo


def _run(frame, client, fn, asks, merge, what: str):
    """``fn(partition, asks)`` on every partition, merged in a tree: one small result."""
    from groggy.dask import cluster, reduce
    parts = reduce.per_partition(fn, frame, asks, name=f"groggy-{what}")
    return cluster.result(client, reduce.tree(parts, merge, list), what)


def _wanted(n: int, qs: list) -> tuple:
    """The ranks the quantiles ``qs`` (and the median, "median") of ``n`` values need,
    and per q: (rank below, rank above, weight) as ``np.quantile`` computes them."""
    plans = {}
    for q in qs:
        if q == "median":
            plans[q] = ((n - 1) // 2, n // 2, None)
            continue
        h = (n - 1) * np.float64(q)
        k = int(np.floor(h))
        plans[q] = (min(k, n - 1), min(k + 1, n - 1), float(h - np.floor(h)))
    return sorted({r for a, b, _ in plans.values() for r in (a, b)}), plans


def quantiles(frame, client, kinds: dict, qs: list) -> dict:
    """{column: [its quantile for each q of ``qs`` (floats in 0..1, or "median")]},
    None where a column has no values; computed exactly on ``client``'s workers."""
    columns = list(kinds)
    if not columns:
        return {}
    frame = frame[columns]
    counts = _run(frame, client, summary, columns, merge_summaries, "quantile-count")
    searches, plans = [], {}
    for column in columns:
        n, lo, hi = counts.get(column, (0, None, None))
        if n:
            ranks, plans[column] = _wanted(n, qs)
            searches += [_Rank(column, r, lo, hi, n) for r in ranks]
    while True:   # narrow every rank whose bucket is still too large to gather
        wide = [s for s in searches if s.key is None and s.count > CAP]
        if not wide:
            break
        asks = sorted({(*s.interval(), max(0, (s.hi - s.lo).bit_length() - BITS))
                       for s in wide})
        found = dict(zip(asks, _run(frame, client, histograms, asks, add_lists,
                                    "quantile-histogram")))
        for s in wide:
            ask = next(a for a in asks if a[:3] == s.interval())
            s.narrow(found[ask], ask[3])
    asks = sorted({s.interval() for s in searches if s.key is None})
    if asks:
        keys = dict(zip(asks, _run(frame, client, gathered, asks, concat_lists,
                                   "quantile-values")))
        for s in searches:
            if s.key is None:
                s.key = int(np.sort(keys[s.interval()])[s.rank - s.below])
    out = {}
    for column in columns:
        if column not in plans:
            out[column] = [None] * len(qs)
            continue
        kind = "float64" if kinds[column] == "float64" else "int64"
        at = {s.rank: value_of(s.key, kind) for s in searches if s.column == column}
        out[column] = [_interpolated(at, plans[column][q]) for q in qs]
    return out


def _interpolated(at: dict, plan: tuple) -> float:
    below, above, weight = plan
    pair = np.array([at[below], at[above]])
    if weight is None:   # the median: np.median of the one or two middle values
        return float(np.median(pair[:1] if below == above else pair))
    return float(np.quantile(pair, weight))


def column_name(q) -> str:
    """The stats column of quantile ``q``: "median" for 0.5, else "q25", "q99.9"."""
    return "median" if q == 0.5 else f"q{100 * q:g}"


def checked(qs) -> list:
    """``qs`` as a list of floats in [0, 1], or a clear error."""
    out = []
    for q in qs:
        if isinstance(q, bool) or not isinstance(q, (int, float, np.floating, np.integer)) \
                or not 0 <= float(q) <= 1:
            raise ValueError(f"a quantile is a number from 0 to 1, got {q!r}")
        out.append(float(q))
    return out
