"""Group-by over columns: key columns factorized into dense group codes in key order,
and per-group reductions, run by the kernels in ``groggy._core._group``.

This sits below the table types: it reads column-likes (``groggy.frame``,
``groggy.storage``) through an optional row view and gives back NumPy arrays and
columns; ``groggy.groupby`` turns them into tables, arrays and subgraphs. Null keys are
dropped and null (or NaN) values skipped, as pandas does by default.
"""
from __future__ import annotations

import numpy as np

from groggy import kernels
from groggy.storage import Column

AGGREGATIONS = ("count", "sum", "mean", "std", "min", "max", "nunique", "first", "last")
_ALIASES = {"avg": "mean"}   # upstream groggy's name
_NUMBERS_ONLY = {"sum", "mean", "std"}
# a key whose values span at most this many times the rows is numbered by a direct
# table (two passes) rather than by hashing
_SPAN_PER_ROW = 4
_SIGN_FREE = np.int64(0x7FFFFFFFFFFFFFFF)


def aggregation(fn) -> str:
    """The aggregation named ``fn`` (``avg`` is ``mean``), or a ValueError naming it."""
    name = _ALIASES.get(fn, fn) if isinstance(fn, str) else fn
    if name not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {fn!r}; use one of {', '.join(AGGREGATIONS)}")
    return name


def applies(fn: str, kind: str) -> bool:
    """Whether aggregation ``fn`` is defined for a column of ``kind``."""
    return kind != "object" and not (kind == "string" and fn in _NUMBERS_ONLY)


def check_applies(fn: str, column) -> None:
    if not applies(fn, column.kind):
        what = "objects" if column.kind == "object" else "strings"
        raise TypeError(f"cannot take the {fn} of column {column.name!r}: it holds {what} "
                        f"(strings have count, nunique, min, max, first and last)")


# ------------------------------------------------------------------ reading columns

def _nulls(column, positions) -> np.ndarray | None:
    """Where the column is null over the view (None: nowhere); NaN counts as null."""
    valid = column.valid
    nulls = None if valid is None else ~(valid if positions is None else valid[positions])
    if column.kind == "float64":
        nan = np.isnan(_fixed(column, positions))
        nulls = nan if nulls is None else nulls | nan
    return nulls if nulls is not None and nulls.any() else None


def _fixed(column, positions) -> np.ndarray:
    return column.data if positions is None else column.data[positions]


def _rows(column, positions) -> np.ndarray:
    return np.arange(len(column), dtype=np.int64) if positions is None else positions


def _dense(values: np.ndarray, nulls: np.ndarray | None, ordered: bool = True) -> tuple:
    """(codes, count): each value's rank among the distinct values (-1 where null); any
    numbering of the distinct values if not ``ordered``."""
    n = values.size
    present = values if nulls is None else values[~nulls]
    if present.size == 0:
        return np.full(n, -1, dtype=np.int64), 0
    lo, hi = int(present.min()), int(present.max())
    if hi - lo < max(_SPAN_PER_ROW * n, 1 << 16):
        # a direct table over the span: mark the values present, number them in order
        offsets = values - lo if nulls is None else np.where(nulls, 0, values - lo)
        seen = np.zeros(hi - lo + 1, dtype=bool)
        seen[offsets] = True
        number = np.cumsum(seen, dtype=np.int64) - 1
        codes = number[offsets]
        if nulls is not None:
            codes[nulls] = -1
        return codes, int(number[-1]) + 1
    codes, uniques = kernels.factorize_int64(values, None if nulls is None else ~nulls)
    if not ordered:
        return codes, uniques.size
    rank = np.empty(uniques.size, dtype=np.int64)
    rank[np.argsort(uniques)] = np.arange(uniques.size, dtype=np.int64)
    return _renumbered(codes, rank), uniques.size


def _renumbered(codes: np.ndarray, number: np.ndarray) -> np.ndarray:
    return np.append(number, -1)[codes]   # code -1 picks the appended -1


def _ordered_bits(values: np.ndarray) -> np.ndarray:
    """float64 values as int64 in the same order (-0.0 is 0.0; NaN must be masked)."""
    bits = (values + 0.0).view(np.int64)
    return np.where(bits < 0, bits ^ _SIGN_FREE, bits)


def key_codes(column, positions, ordered: bool = True) -> tuple:
    """(codes, count): dense codes of a column over the view, in value order unless
    ``ordered`` is False (strings then number by first appearance); -1 for nulls and NaN."""
    if column.kind == "object":
        raise TypeError(f"cannot group by column {column.name!r}: it holds objects "
                        f"(subgraphs or tables), which have no order")
    nulls = _nulls(column, positions)
    if column.kind == "string":
        offsets, data = column.text
        rows = _rows(column, positions)
        codes, first = kernels.factorize_strings(offsets, data, rows,
                                                 None if nulls is None else ~nulls)
        if ordered and first.size:   # rank only the distinct texts
            codes = _renumbered(codes, kernels.string_ranks(offsets, data, rows[first])[1])
        return codes, first.size
    values = _fixed(column, positions)
    if column.kind == "float64":
        values = _ordered_bits(values)
    elif column.kind == "bool":
        values = values.view(np.uint8).astype(np.int64)
    return _dense(values, nulls, ordered)


# ------------------------------------------------------------------ grouping

class Grouping:
    """The rows of a frame (through an optional view) grouped by key columns.

    ``codes[i]`` is the group of view row ``i`` (-1: a null key, dropped); groups are
    numbered in key order (lexicographic over several keys), as pandas sorts them.
    """

    def __init__(self, frame, positions, by: list):
        self.frame, self.positions = frame, positions
        keys = [frame.column(name) for name in by]
        codes, count = key_codes(keys[0], positions)
        for column in keys[1:]:
            more, more_count = key_codes(column, positions)
            if count * more_count >= 1 << 62:   # keep the combined code in int64
                codes, count = _dense(codes, codes < 0)
            combined = codes * more_count + more
            combined[(codes < 0) | (more < 0)] = -1
            codes, count = combined, count * more_count
        if len(keys) > 1:
            codes, count = _dense(codes, codes < 0)
        self.keys, self.codes, self.ngroups = keys, codes, count
        self.first_rows = kernels.group_first_last(codes, count)[0]
        self._order = None

    @classmethod
    def of_codes(cls, positions: np.ndarray, codes: np.ndarray, ngroups: int) -> "Grouping":
        """Groups given as they are: item ``i`` is column row ``positions[i]``, in group
        ``codes[i]`` (0..ngroups-1), e.g. the members of several subgraphs."""
        self = cls.__new__(cls)
        self.frame, self.positions, self.keys = None, positions, []
        self.codes, self.ngroups, self._order = codes, ngroups, None
        self.first_rows = kernels.group_first_last(codes, ngroups)[0]
        return self

    def order(self) -> tuple:
        """(rows group after group, where each group starts): a counting sort, once."""
        if self._order is None:
            self._order = kernels.group_order(self.codes, self.ngroups)
        return self._order

    def rows(self, group: int) -> np.ndarray:
        """View rows of one group, in row order."""
        order, starts = self.order()
        return order[starts[group]:starts[group + 1]]


    def sizes(self) -> Column:
        """``size``: the number of rows of each group."""
        return _fixed_column("size", kernels.group_count(self.codes, self.ngroups))

    def key_columns(self) -> list:
        """Each key column's value per group."""
        return [taken(c, self.positions, self.first_rows, c.name) for c in self.keys]

    def _value_codes(self, column) -> np.ndarray:
        """The group codes with -1 where ``column`` is null or NaN."""
        nulls = _nulls(column, self.positions)
        return self.codes if nulls is None else np.where(nulls, -1, self.codes)

    def aggregate(self, column, fn: str, name: str, ddof: int = 0):
        """A column of one value per group: aggregation ``fn`` of ``column``."""
        check_applies(fn, column)
        k, positions = self.ngroups, self.positions
        if fn == "nunique":
            values, count = key_codes(column, positions, ordered=False)
            return _fixed_column(name, kernels.group_nunique(self.order()[0], self.codes,
                                                             values, k, count))
        codes = self._value_codes(column)
        if fn == "count":
            return _fixed_column(name, kernels.group_count(codes, k))
        if fn in ("first", "last"):
            first, last = kernels.group_first_last(codes, k)
            return taken(column, positions, first if fn == "first" else last, name)
        if column.kind == "string":   # min or max
            return self._text_extreme(column, codes, fn, name)
        values = _fixed(column, positions)
        if fn == "sum":
            return _fixed_column(name, kernels.group_sum(codes, values, k))
        if fn in ("min", "max"):
            mins, maxs, seen = kernels.group_min_max(codes, values, k)
            return _fixed_column(name, mins if fn == "min" else maxs, seen)
        values = np.asarray(values, dtype=np.float64)
        counts = kernels.group_count(codes, k)
        means = kernels.group_sum(codes, values, k) / np.maximum(counts, 1)
        if fn == "mean":
            return _fixed_column(name, means, counts > 0)
        deviations = kernels.group_sq_dev(codes, values, means)
        spread = np.sqrt(deviations / np.maximum(counts - ddof, 1))
        return _fixed_column(name, spread, counts > ddof)

    def _text_extreme(self, column, codes, fn: str, name: str):
        """min or max of a string column: ranked on the bytes, only the answers decode."""
        present = np.flatnonzero(codes >= 0)
        if present.size == 0:
            return taken(column, self.positions, np.full(self.ngroups, -1), name)
        offsets, data = column.text
        ranks = kernels.string_ranks(offsets, data,
                                     _rows(column, self.positions)[present])[1]
        mins, maxs, seen = kernels.group_min_max(codes[present], ranks, self.ngroups)
        holder = np.empty(int(ranks.max()) + 1, dtype=np.int64)
        holder[ranks] = present   # a view row holding each rank
        best = mins if fn == "min" else maxs
        return taken(column, self.positions, np.where(seen, holder[best * seen], -1), name)


# ------------------------------------------------------------------ result columns

def _fixed_column(name: str, values: np.ndarray, valid: np.ndarray | None = None) -> Column:
    kind = {"i": "int64", "f": "float64", "b": "bool"}[values.dtype.kind]
    valid = None if valid is None or valid.all() else np.asarray(valid, dtype=bool)
    data = values.astype({"int64": np.int64, "float64": np.float64, "bool": np.bool_}[kind],
                         copy=False)
    return Column(name, kind, values.size, data=data, valid=valid, readonly=True)


def taken(column, positions, rows: np.ndarray, name: str) -> Column:
    """A column of ``column``'s values at view ``rows`` (-1: null), named ``name``."""
    missing = rows < 0
    at = np.where(missing, 0, rows) if missing.any() else rows
    at = at if positions is None else positions[at]
    if column.kind == "object":
        raise TypeError(f"column {column.name!r} holds objects, which are not aggregated")
    if column.kind == "string":
        out = column.gather(at)
        valid = ~missing if out.valid is None else out.valid & ~missing
        return Column(name, "string", at.size, data=out.utf8, offsets=out.offsets,
                      valid=None if valid.all() else valid, readonly=True)
    values, valid = column.take(at)
    valid = ~missing if valid is None else valid & ~missing
    return _fixed_column(name, np.asarray(values), valid)
