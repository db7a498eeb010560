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
            data = (offsets if offsets is not None else np.zeros(1, dtype=np.int64),
                    data if data is not None else np.empty(0, dtype=np.uint8))
        elif data is None:
            data = np.empty(0, dtype=_FIXED_DTYPES[kind])
        # the buffers (values, or string offsets + bytes) and the null mask (None: no
        # nulls) change together in one assignment, and the length after them: a reader
        # in another thread that takes a snapshot() sees the old column or the new one
        self._state = (data, valid)
        # a mapped column's full check (checksums, offsets, masks), run before its data is
        # first handed out; None once it passed (or for in-memory columns). A check that
        # returns buffers (data, valid) replaces the column's: how a column joined from
        # a partitioned store's pieces is assembled on first read
        self._check = check

    def _checked(self) -> None:
        check = self._check
        if check is not None:
            state = check()  # raises StoreError, and then again on the next read
            if state is not None:   # a joined column: its buffers exist only now
                self._state = state
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

    def snapshot(self, length: int | None = None) -> "Column":
        """A read-only column over this one's current buffers and first ``length`` rows
        (default: all), sharing them: what a reader holds while another thread writes,
        and what a table made before the graph grew keeps seeing."""
        self._checked()  # the new object shares the buffers, not the pending check
        n = self._n if length is None else length  # the length first: see __init__
        data, valid = self._state
        if self.kind == "string":
            return Column(self.name, self.kind, n, data=data[1], valid=valid, offsets=data[0],
                          readonly=True)
        return Column(self.name, self.kind, n, data=data, valid=valid, readonly=True)

    # size ------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(object) if self.kind == "string" else _FIXED_DTYPES[self.kind]

    @property
    def nbytes(self) -> int:
        if self.kind == "string":
            offsets, _ = self.text
            return offsets.nbytes + int(offsets[-1])
        return self.data.nbytes

    # raw views (each consistent in itself; take a snapshot() to read several) ----------
    @property
    def data(self) -> np.ndarray:
        """The values of a fixed-width column (nulls hold 0 / NaN / False)."""
        if self.kind == "string":
            raise TypeError(f"column {self.name!r} is a string column; use take() or to_list()")
        self._checked()
        n = self._n
        return self._state[0][:n]

    @property
    def text(self) -> tuple:
        """(offsets, UTF-8 bytes) of a string column."""
        self._checked()
        n = self._n
        offsets, data = self._state[0]
        return offsets[: n + 1], data[: int(offsets[n])]

    @property
    def offsets(self) -> np.ndarray:
        return self.text[0]

    @property
    def utf8(self) -> np.ndarray:
        return self.text[1]

    @property
    def valid(self) -> np.ndarray | None:
        """Boolean mask, False where the value is null; None when there are no nulls."""
        self._checked()
        n = self._n
        valid = self._state[1]
        return None if valid is None else valid[:n]

    @property
    def has_nulls(self) -> bool:
        v = self.valid
        return v is not None and not v.all()

    # reads -----------------------------------------------------------------
    def _frozen(self) -> "Column":
        return self if self.readonly else self.snapshot()

    def take(self, rows) -> tuple:
        """Values at ``rows`` as (array, or list of str for strings; mask or None)."""
        col = self._frozen()
        rows = np.asarray(rows, dtype=np.int64)
        if col.kind == "string":
            vals = kernels.decode_strings(*col.text, rows)
        else:
            vals = col.data[rows]
        valid = col.valid
        return vals, (None if valid is None else valid[rows])

    def to_list(self, rows=None) -> list:
        """Python values (None for nulls) at ``rows`` (default: every row)."""
        col = self._frozen()
        rows = np.arange(col._n) if rows is None else rows
        vals, valid = col.take(rows)
        out = vals if isinstance(vals, list) else vals.tolist()
        if valid is not None:
            out = [v if ok else None for v, ok in zip(out, valid.tolist())]
        return out

    def numeric(self, rows=None) -> np.ndarray:
        """float64 values with NaN for nulls (numeric and bool columns)."""
        if self.kind == "string":
            raise TypeError(f"column {self.name!r} holds strings, not numbers")
        col = self._frozen()
        data = col.data if rows is None else col.data[rows]
        out = data.astype(np.float64)
        valid = col.valid
        if valid is not None:
            out[~(valid if rows is None else valid[rows])] = np.nan
        return out

    def gather(self, rows) -> "Column":
        """A new in-memory column of the values at ``rows``."""
        col = self._frozen()
        rows = np.asarray(rows, dtype=np.int64)
        valid = col.valid
        v = None if valid is None else np.array(valid[rows])
        if col.kind == "string":
            offs, data = kernels.gather_strings(*col.text, rows)
            return Column(col.name, "string", rows.size, data=data, valid=v, offsets=offs)
        return Column(col.name, col.kind, rows.size, data=np.array(col.data[rows]), valid=v)

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
        # appends write past the visible rows (into spare capacity or a grown copy), so
        # readers of the first n rows are never disturbed; the length moves last
        n, k = self._n, len(vals)
        if k == 0:
            return
        data, old_valid = self._state
        if self.kind == "string":
            offs, encoded = _encode(vals)
            offsets, text = data
            end = int(offsets[n])
            text = _grown(text, end + encoded.size)
            text[end:end + encoded.size] = encoded
            offsets = _grown(offsets, n + k + 1)
            offsets[n + 1:n + k + 1] = offs[1:] + end
            data = (offsets, text)
        else:
            data = _grown(data, n + k)
            data[n:n + k] = vals
        new_valid = old_valid
        if valid is not None or old_valid is not None:
            new_valid = (np.ones(max(n + k, _MIN_CAPACITY), dtype=bool) if old_valid is None
                         else _grown(old_valid, n + k))
            new_valid[n:n + k] = True if valid is None else valid
        self._state = (data, new_valid)
        self._n = n + k

    def widen_to_float(self) -> None:
        """Turn an int64 column into float64 (when a float value arrives); nulls hold NaN."""
        self._check_writable()
        data, valid = self._state
        data = data.astype(np.float64)
        if valid is not None:
            data[: self._n][~valid[: self._n]] = np.nan
        self._state, self.kind = (data, valid), "float64"

    def set(self, rows, values) -> None:
        """Write ``values`` at ``rows`` (None makes a null). int64 widens to float64 when
        a float arrives; any other kind mismatch is a TypeError.

        Writes build new buffers and swap them in at once, so a reader in another thread
        sees the column before or after, never a mix (one row of a fixed-width column is
        written in place: a single store, old or new).
        """
        self._check_writable()
        rows = np.asarray(rows, dtype=np.int64)
        n = self._n
        if rows.size and (rows.min() < 0 or rows.max() >= n):
            raise IndexError(f"column {self.name!r}: row out of range 0..{n - 1}")
        values = values if isinstance(values, np.ndarray) else list(values)
        if self.kind == "int64" and brings_floats(values, self.name):
            self.widen_to_float()
        vals, valid = coerce(values, self.kind, self.name)
        data, old_valid = self._state
        if self.kind != "string" and rows.size == 1 and (valid is None or old_valid is not None):
            self._set_one(int(rows[0]), vals[0], None if valid is None else bool(valid[0]))
            return
        new_valid = old_valid
        if valid is not None or old_valid is not None:
            new_valid = (np.ones(max(n, _MIN_CAPACITY), dtype=bool) if old_valid is None
                         else old_valid.copy())
            new_valid[rows] = True if valid is None else valid
        if self.kind == "string":
            # the new strings after the old ones, gathered back in row order: one pass
            # over the bytes however many rows change
            offsets, text = self.text
            new_offs, new_text = _encode(vals)
            order = np.arange(n, dtype=np.int64)
            order[rows] = np.arange(n, n + rows.size, dtype=np.int64)
            data = kernels.gather_strings(np.concatenate([offsets, new_offs[1:] + offsets[-1]]),
                                          np.concatenate([text, new_text]), order)
        else:
            data = data.copy()
            data[rows] = vals
        self._state = (data, new_valid)

    def _set_one(self, row: int, value, valid: bool | None) -> None:
        """One fixed-width row in place: a value is stored before its row turns valid, and
        a row turns null before its fill value is stored, so no reader sees a fill as data."""
        data, mask = self._state
        if valid is False:
            mask[row] = False
            data[row] = value
        else:
            data[row] = value
            if mask is not None:
                mask[row] = True

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
