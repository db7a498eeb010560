"""What tables and arrays read: named column-likes of one length.

A column-like has ``name``, ``kind``, ``len()``, ``take(rows) -> (values, valid)``,
``to_list(rows)`` and, for numbers, ``numeric(rows)``. Storage columns are one kind;
the ones here compute their values on demand, so an id column or a column of
subgraphs costs nothing until a cell is shown.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class RangeColumn:
    """The ids 0..n-1 (node or edge ids), never stored."""

    kind = "int64"

    def __init__(self, name: str, length: int):
        self.name, self._n = name, length

    def __len__(self) -> int:
        return self._n

    @property
    def data(self) -> np.ndarray:
        return np.arange(self._n, dtype=np.int64)

    valid = None
    has_nulls = False

    def take(self, rows):
        return np.asarray(rows, dtype=np.int64), None

    def to_list(self, rows=None):
        return (np.arange(self._n) if rows is None else np.asarray(rows)).tolist()

    def numeric(self, rows=None):
        return (self.data if rows is None else np.asarray(rows)).astype(np.float64)


class ArrayColumn:
    """A column over a NumPy array that is not in a store (results of computations)."""

    def __init__(self, name: str, values: np.ndarray):
        kind = {"i": "int64", "u": "int64", "f": "float64", "b": "bool"}.get(values.dtype.kind)
        if kind is None:
            raise TypeError(f"column {name!r}: unsupported dtype {values.dtype}")
        self.name, self.kind = name, kind
        self.data = values.astype({"int64": np.int64, "float64": np.float64,
                                   "bool": np.bool_}[kind], copy=False)

    valid = None
    has_nulls = False

    def __len__(self) -> int:
        return self.data.shape[0]

    def take(self, rows):
        return self.data[np.asarray(rows, dtype=np.int64)], None

    def to_list(self, rows=None):
        return (self.data if rows is None else self.data[rows]).tolist()

    def numeric(self, rows=None):
        return (self.data if rows is None else self.data[rows]).astype(np.float64)


class ObjectColumn:
    """Python objects made on demand by ``make(i)`` (subgraphs, tables)."""

    kind = "object"
    valid = None
    has_nulls = False

    def __init__(self, name: str, length: int, make):
        self.name, self._n, self._make = name, length, make

    def __len__(self) -> int:
        return self._n

    def take(self, rows):
        return [self._make(int(i)) for i in np.asarray(rows).tolist()], None

    def to_list(self, rows=None):
        return self.take(range(self._n) if rows is None else rows)[0]

    def numeric(self, rows=None):
        raise TypeError(f"column {self.name!r} holds objects, not numbers")


class ColumnsFrame:
    """An ordered mapping of names to column-likes of one length."""

    def __init__(self, columns: dict, length: int):
        self._columns, self.length = columns, length

    @property
    def names(self) -> list:
        return list(self._columns)

    def column(self, name):
        try:
            col = self._columns[name]
        except KeyError:
            raise KeyError(f"no column {name!r}; columns are {self.names}") from None
        if hasattr(col, "snapshot") and not col.readonly:
            # a graph's column that may change under us (or have grown since this frame
            # was made): read it through a snapshot, old or new but never a mix
            return col.snapshot(self.length)
        return col

    def has(self, name) -> bool:
        return name in self._columns

    def select(self, names) -> "ColumnsFrame":
        return ColumnsFrame({n: self.column(n) for n in names}, self.length)


class LazyNames(Sequence):
    """Column names "0".."n-1" without building n strings (wide matrices)."""

    def __init__(self, n: int):
        self._n = n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [str(j) for j in range(*i.indices(self._n))]
        if not -self._n <= i < self._n:
            raise IndexError(i)
        return str(i % self._n)

    def index(self, name, *args):
        try:
            j = int(name)
        except (TypeError, ValueError):
            raise ValueError(f"{name!r} is not a column") from None
        if 0 <= j < self._n and str(j) == name:
            return j
        raise ValueError(f"{name!r} is not a column")

    def __contains__(self, name) -> bool:
        try:
            self.index(name)
            return True
        except ValueError:
            return False
