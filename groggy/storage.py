"""Typed columns, in memory or memory-mapped (the on-disk format is ``groggy.store``).

A column holds one of four kinds: ``int64``, ``float64``, ``bool`` or ``string``
(int64 offsets + UTF-8 bytes), with an optional null mask. In-memory columns grow by
appending into buffers with spare capacity (amortised O(1) per value); columns opened
from disk are read-only memory maps, checked in full the first time their data is read.
"""
from __future__ import annotations

import numpy as np

from groggy import kernels
from groggy.errors import ReadOnlyError

KINDS = ("int64", "float64", "bool", "string")
_FIXED_DTYPES = {"int64": np.dtype(np.int64), "float64": np.dtype(np.float64),
                 "bool": np.dtype(np.bool_)}
_MIN_CAPACITY = 16


# --------------------------------------------------------------------------- coercion

def infer_kind(values, name: str = "?") -> str:
    """The column kind that holds ``values`` (a NumPy array or a sequence with Nones)."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        k = values.dtype.kind
        if k in "iu":
            return "int64"
        if k == "f":
            return "float64"
        if k == "b":
            return "bool"
        if k in "US":
            return "string"
        raise TypeError(f"column {name!r}: cannot store NumPy dtype {values.dtype}")
    seen = set()
    for v in values:
        if v is None:
            continue
        seen.add(_scalar_kind(v, name))
        if len(seen) > 1:
            break
    if not seen:
        return "float64"  # an all-null column: numeric is the least surprising
    if seen <= {"int64", "float64"}:
        return "float64" if "float64" in seen else "int64"
    if len(seen) > 1:
        raise TypeError(f"column {name!r}: values mix kinds {sorted(seen)}; "
                        "give one kind per column")
    return seen.pop()


def _scalar_kind(v, name: str) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, (int, np.integer)):
        return "int64"
    if isinstance(v, (float, np.floating)):
        return "float64"
    if isinstance(v, (str, np.str_)):
        return "string"
    raise TypeError(f"column {name!r}: cannot store a value of type {type(v).__name__} "
                    f"({v!r}); groggy columns hold int, float, bool or str")


def brings_floats(values, name: str = "?") -> bool:
    """Whether ``values`` hold a float, so an int64 column must widen (nulls do not)."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        return values.size > 0 and values.dtype.kind == "f"
    return any(v is not None for v in values) and infer_kind(values, name) == "float64"


def _accepts(kind: str, found: str) -> bool:
    return found == kind or (kind == "float64" and found == "int64")


def coerce(values, kind: str, name: str = "?"):
    """``values`` as a column of ``kind``: (array or list of str, validity mask or None)."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        found = infer_kind(values, name)
        if not _accepts(kind, found):
            raise TypeError(f"column {name!r} holds {kind}; got an array of {values.dtype}")
        if kind == "string":
            text = values if values.dtype.kind == "U" else values.astype(str)
            return text.tolist(), None
        return np.ascontiguousarray(values, dtype=_FIXED_DTYPES[kind]), None
    values = list(values)
    valid = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    for v in values:
        if v is not None and not _accepts(kind, _scalar_kind(v, name)):
            raise TypeError(f"column {name!r} holds {kind}; cannot store "
                            f"{type(v).__name__} value {v!r}")
    has_nulls = not valid.all()
    if kind == "string":
        return [("" if v is None else str(v)) for v in values], (valid if has_nulls else None)
    fill = {"int64": 0, "float64": np.nan, "bool": False}[kind]
    arr = np.array([fill if v is None else v for v in values], dtype=_FIXED_DTYPES[kind])
    return arr, (valid if has_nulls else None)


def _encode(strings) -> tuple[np.ndarray, np.ndarray]:
    """Offsets + UTF-8 bytes of a list of str, with one join and one encode."""
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    data = "".join(strings).encode("utf-8")
    if len(data) != int(lengths.sum()):  # some text is not ASCII: count bytes per string
        lengths = np.fromiter((len(s.encode("utf-8")) for s in strings), dtype=np.int64,
                              count=len(strings))
    offsets = np.zeros(len(strings) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets, np.frombuffer(data, dtype=np.uint8)


def _grown(buf: np.ndarray, need: int) -> np.ndarray:
    """``buf`` with room for ``need`` items, doubling so appends stay amortised O(1)."""
    if need <= buf.shape[0]:
        return buf
    new = np.empty(max(need, 2 * buf.shape[0], _MIN_CAPACITY), dtype=buf.dtype)
    new[: buf.shape[0]] = buf
    return new


# --------------------------------------------------------------------------- column

class Column:
    """One typed column with an optional null mask.

    Build one with :meth:`from_values` or :meth:`empty`; grow it with :meth:`append`;
    read with :attr:`data` (fixed kinds), :meth:`take` and :meth:`to_list`.
    """

    def __init__(self, name: str, kind: str, length: int, data=None, valid=None,
                 offsets=None, readonly: bool = False, check=None):
        if kind not in KINDS:
            raise ValueError(f"column {name!r}: unknown kind {kind!r}; expected one of {KINDS}")
        self.name, self.kind, self._n, self.readonly = name, kind, length, readonly
        if kind == "string":
            self._offsets = offsets if offsets is not None else np.zeros(1, dtype=np.int64)
            self._bytes = data if data is not None else np.empty(0, dtype=np.uint8)
        else:
            self._buf = data if data is not None else np.empty(0, dtype=_FIXED_DTYPES[kind])
        self._valid = valid  # None means: no nulls
        # a mapped column's full check (checksums, offsets, masks), run before its data is
        # first handed out; None once it passed (or for in-memory columns)
        self._check = check

    def _checked(self) -> None:
        check = self._check
        if check is not None:
            check()  # raises StoreError, and then again on the next read
            self._check = None

    # construction ----------------------------------------------------------
    @classmethod
    def empty(cls, name: str, kind: str) -> "Column":
        return cls(name, kind, 0)

    @classmethod
    def from_values(cls, name: str, values, kind: str | None = None) -> "Column":
        col = cls.empty(name, kind or infer_kind(values, name))
        col.append(values)
        return col

    # size ------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(object) if self.kind == "string" else _FIXED_DTYPES[self.kind]

    @property
    def nbytes(self) -> int:
        if self.kind == "string":
            return self.offsets.nbytes + int(self.offsets[-1])
        return self.data.nbytes

    # raw views -------------------------------------------------------------
    @property
    def data(self) -> np.ndarray:
        """The values of a fixed-width column (nulls hold 0 / NaN / False)."""
        if self.kind == "string":
            raise TypeError(f"column {self.name!r} is a string column; use take() or to_list()")
        self._checked()
        return self._buf[: self._n]

    @property
    def offsets(self) -> np.ndarray:
        self._checked()
        return self._offsets[: self._n + 1]

    @property
    def utf8(self) -> np.ndarray:
        self._checked()
        return self._bytes[: int(self._offsets[self._n])]

    @property
    def valid(self) -> np.ndarray | None:
        """Boolean mask, False where the value is null; None when there are no nulls."""
        self._checked()
        return None if self._valid is None else self._valid[: self._n]

    @property
    def has_nulls(self) -> bool:
        v = self.valid
        return v is not None and not v.all()

    # reads -----------------------------------------------------------------
    def take(self, rows) -> tuple:
        """Values at ``rows`` as (array, or list of str for strings; mask or None)."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.kind == "string":
            vals = kernels.decode_strings(self.offsets, self.utf8, rows)
        else:
            vals = self.data[rows]
        valid = self.valid
        return vals, (None if valid is None else valid[rows])

    def to_list(self, rows=None) -> list:
        """Python values (None for nulls) at ``rows`` (default: every row)."""
        rows = np.arange(self._n) if rows is None else rows
        vals, valid = self.take(rows)
        out = vals if isinstance(vals, list) else vals.tolist()
        if valid is not None:
            out = [v if ok else None for v, ok in zip(out, valid.tolist())]
        return out

    def numeric(self, rows=None) -> np.ndarray:
        """float64 values with NaN for nulls (numeric and bool columns)."""
        if self.kind == "string":
            raise TypeError(f"column {self.name!r} holds strings, not numbers")
        data = self.data if rows is None else self.data[rows]
        out = data.astype(np.float64)
        valid = self.valid
        if valid is not None:
            out[~(valid if rows is None else valid[rows])] = np.nan
        return out

    def prefix(self, length: int) -> "Column":
        """A column object over this one's first ``length`` rows, sharing its buffers
        (a table made before the graph grew keeps seeing its own rows)."""
        if length == self._n:
            return self
        self._checked()  # the new object shares the buffers, not the pending check
        if self.kind == "string":
            return Column(self.name, self.kind, length, data=self._bytes, valid=self._valid,
                          offsets=self._offsets, readonly=True)
        return Column(self.name, self.kind, length, data=self._buf, valid=self._valid,
                      readonly=True)

    def gather(self, rows) -> "Column":
        """A new in-memory column of the values at ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        valid = self.valid
        v = None if valid is None else np.array(valid[rows])
        if self.kind == "string":
            offs, data = kernels.gather_strings(self.offsets, self.utf8, rows)
            return Column(self.name, "string", rows.size, data=data, valid=v, offsets=offs)
        return Column(self.name, self.kind, rows.size, data=np.array(self.data[rows]), valid=v)

    # writes ----------------------------------------------------------------
    def _check_writable(self) -> None:
        if self.readonly:
            raise ReadOnlyError(f"column {self.name!r} is memory-mapped read-only; "
                                "call g.copy() to get a graph you can change")

    def append(self, values) -> None:
        """Append values (None is null); the column kind is kept, ints widen to float."""
        self._check_writable()
        vals, valid = coerce(values, self.kind, self.name)
        self._append_coerced(vals, valid)

    def append_nulls(self, count: int) -> None:
        self._check_writable()
        if count <= 0:
            return
        fill = [""] * count if self.kind == "string" else np.zeros(count, self.dtype)
        self._append_coerced(fill, np.zeros(count, dtype=bool))

    def _append_coerced(self, vals, valid) -> None:
        n, k = self._n, len(vals)
        if k == 0:
            return
        if self.kind == "string":
            offs, data = _encode(vals)
            end = int(self._offsets[n])
            self._bytes = _grown(self._bytes, end + data.size)
            self._bytes[end:end + data.size] = data
            self._offsets = _grown(self._offsets, n + k + 1)
            self._offsets[n + 1:n + k + 1] = offs[1:] + end
        else:
            self._buf = _grown(self._buf, n + k)
            self._buf[n:n + k] = vals
        if valid is not None or self._valid is not None:
            if self._valid is None:
                self._valid = np.ones(max(n + k, _MIN_CAPACITY), dtype=bool)
            self._valid = _grown(self._valid, n + k)
            self._valid[n:n + k] = True if valid is None else valid
        self._n = n + k

    def widen_to_float(self) -> None:
        """Turn an int64 column into float64 (when a float value arrives); nulls hold NaN."""
        self._check_writable()
        self._buf, self.kind = self._buf.astype(np.float64), "float64"
        if self._valid is not None:
            self._buf[: self._n][~self._valid[: self._n]] = np.nan

    def set(self, rows, values) -> None:
        """Write ``values`` at ``rows`` (None makes a null). int64 widens to float64 when
        a float arrives; any other kind mismatch is a TypeError."""
        self._check_writable()
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size and (rows.min() < 0 or rows.max() >= self._n):
            raise IndexError(f"column {self.name!r}: row out of range 0..{self._n - 1}")
        values = values if isinstance(values, np.ndarray) else list(values)
        if self.kind == "int64" and brings_floats(values, self.name):
            self.widen_to_float()
        vals, valid = coerce(values, self.kind, self.name)
        if self.kind == "string":
            # append the new strings after the old ones, then gather the column back in
            # row order: one pass over the bytes however many rows change
            n = self._n
            self._append_coerced(vals, None)
            order = np.arange(n, dtype=np.int64)
            order[rows] = np.arange(n, n + rows.size, dtype=np.int64)
            self._offsets, self._bytes = kernels.gather_strings(self.offsets, self.utf8, order)
            self._n = n
        else:
            self._buf[rows] = vals
        if valid is not None or self._valid is not None:
            if self._valid is None:
                self._valid = np.ones(max(self._n, _MIN_CAPACITY), dtype=bool)
            self._valid[rows] = True if valid is None else valid

    def __repr__(self) -> str:
        where = "mmap" if self.readonly else "memory"
        return f"Column({self.name!r}, {self.kind}, {self._n} rows, {where})"


# --------------------------------------------------------------------------- store

class ColumnStore:
    """Named columns of equal length: the node or edge attributes of a graph."""

    def __init__(self, length: int = 0, readonly: bool = False):
        self.columns: dict[str, Column] = {}
        self.length = length
        self.readonly = readonly

    def names(self) -> list[str]:
        return list(self.columns)

    def __contains__(self, name) -> bool:
        return name in self.columns

    def column(self, name: str) -> Column:
        try:
            return self.columns[name]
        except KeyError:
            raise KeyError(f"no attribute {name!r}; attributes are {self.names()}") from None

    def _check_writable(self) -> None:
        if self.readonly:
            raise ReadOnlyError("this graph is memory-mapped read-only from disk; "
                                "call g.copy() to get a graph you can change")

    def add_rows(self, count: int, attrs: dict | None = None) -> None:
        """Append ``count`` rows; ``attrs`` maps names to ``count`` values each (None is
        null). Columns not named get nulls; new names become new columns."""
        self._check_writable()
        attrs = attrs or {}
        for name, values in attrs.items():
            if len(values) != count:
                raise ValueError(f"attribute {name!r} has {len(values)} values for {count} rows")
            if not isinstance(name, str):
                raise TypeError(f"attribute names must be str, got {name!r}")
        # coerce everything first, so a bad column leaves the store untouched
        prepared = {}
        for name, values in attrs.items():
            col = self.columns.get(name)
            kind = col.kind if col is not None else infer_kind(values, name)
            if col is not None and kind == "int64" and brings_floats(values, name):
                kind = "float64"
            prepared[name] = (kind, coerce(values, kind, name))
        for name, (kind, (vals, valid)) in prepared.items():
            col = self.columns.get(name)
            if col is None:
                col = self.columns[name] = Column.empty(name, kind)
                col.append_nulls(self.length)
            elif col.kind != kind:  # int64 column receiving floats
                col.widen_to_float()
            col._append_coerced(vals, valid)
        for name, col in self.columns.items():
            if name not in attrs:
                col.append_nulls(count)
        self.length += count

    def set_values(self, name: str, rows, values) -> None:
        """Write values of one attribute at ``rows``, creating the column if needed."""
        self._check_writable()
        col = self.columns.get(name)
        if col is None:
            values = values if isinstance(values, np.ndarray) else list(values)
            col = Column.empty(name, infer_kind(values, name))
            col.append_nulls(self.length)
            col.set(rows, values)
            self.columns[name] = col
        else:
            col.set(rows, values)

    def gather(self, rows) -> "ColumnStore":
        out = ColumnStore(len(rows))
        out.columns = {name: col.gather(rows) for name, col in self.columns.items()}
        return out

    def copy(self) -> "ColumnStore":
        return self.gather(np.arange(self.length, dtype=np.int64))
