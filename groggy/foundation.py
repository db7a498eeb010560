"""The foundation: ``BaseTable`` and ``BaseArray`` own display, the DataSource protocol
and the table/array operations, once. Specialized types hold a foundation object and
get all of that by delegation, installed and checked by :class:`Delegating`.
"""
from __future__ import annotations

import functools
import inspect
from abc import ABCMeta
from dataclasses import dataclass

import numpy as np

from groggy import kernels, query
from groggy.display import get_display_config, render_html, render_text
from groggy.display.config import DisplayConfig
from groggy.errors import require
from groggy.frame import ArrayColumn, ColumnsFrame
from groggy.storage import Column
from groggy.upstream import Count, Dims

# dunder and underscore names the foundation owns besides its public names
_OWNED_SPECIAL = frozenset({"__repr__", "__str__", "__len__", "__iter__", "__getitem__",
                            "__contains__", "__array__", "_repr_html_", "__eq__", "__ne__",
                            "__lt__", "__le__", "__gt__", "__ge__", "__and__", "__or__",
                            "__xor__", "__rand__", "__ror__", "__rxor__", "__invert__",
                            "__bool__"})


def owned_names(foundation: type) -> frozenset:
    """The names ``foundation`` (with its groggy base classes) owns: every specialized
    type delegates exactly these."""
    return frozenset(n for cls in foundation.__mro__ if cls.__module__ == __name__
                     for n in vars(cls) if (not n.startswith("_")) or n in _OWNED_SPECIAL)


def _delegator(foundation: type, attr: str):
    target = inspect.getattr_static(foundation, attr)
    if isinstance(target, property):
        def fget(self):
            return self._wrap_result(getattr(self._base, attr))

        def fset(self, value):
            setattr(self._base, attr, value)

        prop = property(fget, fset if target.fset else None, doc=target.__doc__)
        prop.fget.__delegated_from__ = foundation
        return prop

    @functools.wraps(target)
    def method(self, *args, **kwargs):
        return self._wrap_result(getattr(self._base, attr)(*args, **kwargs))

    method.__delegated_from__ = foundation
    return method


class Delegating(ABCMeta):
    """Metaclass of specialized types.

    At class creation it refuses a class body that defines a foundation-owned name,
    installs a delegator for every owned name, and registers the class as a virtual
    subclass of its foundation (so ``isinstance(t, BaseTable)`` holds).
    """

    def __new__(mcls, name, bases, namespace, foundation: type | None = None, **kwargs):
        if foundation is None:
            foundation = next((b._foundation for b in bases
                               if getattr(b, "_foundation", None) is not None), None)
        if foundation is not None:
            clash = sorted(owned_names(foundation) & set(namespace))
            if clash:
                raise TypeError(
                    f"{name}.{clash[0]} is owned by {foundation.__name__}: specialized types "
                    f"get it by delegation and must not define it (remove {name}.{clash[0]})")
            for attr in owned_names(foundation):
                namespace[attr] = _delegator(foundation, attr)
            namespace["_foundation"] = foundation
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        if foundation is not None:
            foundation.register(cls)
        return cls


class Specialized(metaclass=Delegating):
    """Root of the specialized types: holds ``_base``, a foundation object."""

    _foundation: type | None = None
    __slots__ = ()

    def _wrap_result(self, result):
        # a foundation object of our own kind comes back as our own type
        if type(result) is self._foundation:
            return self._from_base(result)
        return result

    def _from_base(self, base):
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._base = base
        base._owner = clone
        return clone


@dataclass
class DataWindow:
    """A window of rows as the streaming layer sends it."""

    headers: list
    rows: list
    schema: dict
    total_rows: int
    start_offset: int


def _as_rows(n: int, key) -> np.ndarray:
    """Row indices (into a view of ``n`` rows) selected by a slice, mask or index list."""
    if isinstance(key, slice):
        return np.arange(n, dtype=np.int64)[key]
    arr = np.asarray(key)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise IndexError(f"boolean mask has length {arr.size}, expected {n}")
        return np.flatnonzero(arr)
    if arr.size == 0:
        return np.empty(0, dtype=np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"cannot index rows with {arr.dtype} values")
    arr = arr.astype(np.int64)
    if arr.min() < -n or arr.max() >= n:
        raise IndexError(f"row index out of range for {n} rows")
    return np.where(arr < 0, arr + n, arr)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _index(n: int, i) -> int:
    i = int(i)
    if not -n <= i < n:
        raise IndexError(f"row {i} out of range for {n} rows")
    return i % n


class _View:
    """Shared by both foundations: an optional row-index view, display settings and
    the display methods."""

    _rows: np.ndarray | None
    _config: DisplayConfig | None

    def _positions(self, idx) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        return idx if self._rows is None else self._rows[idx]

    def _all_positions(self):
        return None if self._rows is None else self._rows

    def _owner_or_self(self):
        """The specialized object that holds this one, if any (it serves, not we)."""
        owner = getattr(self, "_owner", None)
        return self if owner is None else owner

    def _effective_config(self) -> DisplayConfig:
        return self._config or get_display_config()

    @property
    def display_config(self) -> DisplayConfig:
        """Display settings of this object (the global ones unless set)."""
        return self._effective_config()

    @display_config.setter
    def display_config(self, config: DisplayConfig) -> None:
        if not isinstance(config, DisplayConfig):
            raise TypeError(f"display_config must be a DisplayConfig, got {type(config).__name__}")
        self._config = config

    def __repr__(self) -> str:
        return render_text(self, self._effective_config())

    def __str__(self) -> str:
        return self.__repr__()

    @property
    def viz(self):
        """The :class:`~groggy.viz.VizModule` of the graph behind this object
        (``t.viz`` and ``t.viz()`` are the same): ``compute_layout(...)``,
        ``export(path)`` (PNG, SVG, PDF), ``render()``, ``show_static()``."""
        from groggy.viz import VizModule
        return VizModule(self._owner_or_self())

    def interactive(self, port: int = 0, theme: str = "sleek", open_browser: bool = False,
                    host: str = "127.0.0.1", widget: bool = True):
        """Open this table or array in the browser: a virtually scrolled view streamed
        from a server in a background thread (sort, filter and search run there).

        Parameters
        ----------
        port : int
            0 (default) picks a free port.
        theme : str
            ``sleek``, ``light``, ``dark``, ``publication`` or ``minimal``.
        open_browser : bool
            Open the page in the default browser; otherwise use the returned ``url``.
        widget : bool
            In a Jupyter notebook the handle displays as a widget that streams the rows
            over the kernel's own channel (``pip install 'groggy[jupyter]'``; works with
            remote kernels); False shows the page in an iframe instead.

        Returns
        -------
        groggy.web.BrowserInterface
            ``url``, ``port``, ``is_running()``, ``get_data_window()``,
            ``get_total_rows()``, ``set_theme()``, ``close()``; a context manager.

        Examples
        --------
        >>> import groggy as gg
        >>> view = gg.table({"x": [1, 2, 3]}).interactive()
        >>> view.is_running(), view.url.startswith("http://127.0.0.1:")
        (True, True)
        >>> view.close()
        """
        from groggy.web import BrowserInterface, Server
        source = self._owner_or_self()
        # an object made of several tables (GraphTable) names them: one tab each
        served = getattr(source, "_served_tables", None)
        sources = served() if served is not None else {"table": source}
        return BrowserInterface(Server(sources, port=port, host=host, theme=theme),
                                open_browser, widget)

    def _repr_html_(self) -> str:
        return render_html(self, self._effective_config())


def _sort_key(column, positions, ascending: bool) -> np.ndarray:
    """Integer sort codes of a column, descending if asked, nulls always last."""
    if column.kind == "string":  # ranked on the UTF-8 bytes, nothing decoded
        rows = np.arange(len(column)) if positions is None else positions
        _, codes = kernels.string_ranks(*column.text, rows)
        vals = None
    elif column.kind == "object":
        raise TypeError(f"cannot sort by column {column.name!r}: it holds objects")
    else:
        vals = column.data if positions is None else column.data[positions]
        _, codes = np.unique(vals, return_inverse=True)
        codes = codes.astype(np.int64).ravel()
    if not ascending:
        codes = -codes
    missing = np.isnan(vals) if column.kind == "float64" else None
    valid = column.valid
    if valid is not None:
        absent = ~(valid if positions is None else valid[positions])
        missing = absent if missing is None else missing | absent
    if missing is not None:  # nulls and NaN go last whichever the direction (as pandas)
        codes[missing] = np.iinfo(np.int64).max
    return codes


class _TextValues:
    """A string column as comparisons see it: every test against one string runs on the
    UTF-8 bytes; only a comparison with another column decodes."""

    dtype = np.dtype(object)

    def __init__(self, column, rows: np.ndarray):
        self._column, self._rows = column, rows

    def __len__(self) -> int:
        return self._rows.size

    def equals(self, text: str) -> np.ndarray:
        return kernels.strings_equal(*self._column.text, self._rows, text)

    def contains(self, text: str) -> np.ndarray:
        return kernels.strings_contain(*self._column.text, self._rows, text)

    def affix(self, text: str, at_end: bool) -> np.ndarray:
        return kernels.strings_affix(*self._column.text, self._rows, text,
                                     at_end)

    def order(self, text: str) -> np.ndarray:
        return kernels.strings_compare(*self._column.text, self._rows, text)

    def decoded(self) -> np.ndarray:
        return np.array(self._column.take(self._rows)[0], dtype=object)


def compared_values(column, positions) -> tuple:
    """(values, valid mask or None) of a column over ``positions`` (None: every row), as
    :func:`groggy.query.compare` takes them."""
    rows = np.arange(len(column)) if positions is None else positions
    valid = column.valid
    valid = None if valid is None or positions is None and valid.all() else valid[rows]
    if column.kind == "string":
        return _TextValues(column, rows), valid
    if column.kind == "object":
        objects = np.empty(rows.size, dtype=object)
        for i, obj in enumerate(column.to_list(rows)):  # never let NumPy nest sequences
            objects[i] = obj
        return objects, valid
    return (column.data if positions is None else column.data[positions]), valid


class BaseTable(_View, metaclass=ABCMeta):
    """Columns of one length, seen through an optional row-index view.

    Sorting, filtering and slicing make new views over the same columns: no column data
    is copied. Every specialized table type delegates to this class.

    Examples
    --------
    >>> import groggy as gg
    >>> t = gg.table({"a": [3, 1, 2], "b": ["x", "y", "z"]})
    >>> t.sort_by("a")["b"].to_list()
    ['y', 'z', 'x']
    """

    def __init__(self, frame, rows=None, name: str = "BaseTable", config=None):
        self._frame = frame
        self._rows = None if rows is None else np.asarray(rows, dtype=np.int64)
        self._name = name
        self._config = config

    def _view(self, rows=None, frame=None) -> "BaseTable":
        return BaseTable(self._frame if frame is None else frame, rows, self._name,
                         self._config)

    # shape -----------------------------------------------------------------
    @property
    def columns(self) -> list:
        """Column names, the id column first."""
        return list(self._frame.names)

    # properties as in pandas; each is also callable, as upstream groggy's methods
    @property
    def nrows(self) -> int:
        return Count(self._frame.length if self._rows is None else int(self._rows.shape[0]))

    @property
    def ncols(self) -> int:
        return Count(len(self._frame.names))

    @property
    def shape(self) -> tuple:
        return Dims((int(self.nrows), int(self.ncols)))

    def __len__(self) -> int:
        return self.nrows

    def __contains__(self, name) -> bool:
        return name in self._frame.names

    # display ---------------------------------------------------------------
    def _display_shape(self):
        return self.shape

    def _stream_parts(self):
        """(column-likes, row index or None, rows) for the streaming encoder."""
        return [self._frame.column(n) for n in self._frame.names], self._rows, self.nrows

    def _display_title(self) -> str:
        return f"{self._name}[{self.nrows} x {self.ncols}]"

    def _display_footer(self) -> str:
        return f"{_count(self.nrows, 'row')} × {_count(self.ncols, 'col')}"

    def _display_columns(self, col_idx):
        names = [self._frame.names[j] for j in col_idx]
        return names, [self._frame.column(n).kind for n in names]

    def _display_cells(self, row_idx, col_idx):
        positions = self._positions(row_idx)
        return [self._frame.column(self._frame.names[j]).to_list(positions) for j in col_idx]

    # DataSource protocol ---------------------------------------------------
    def total_rows(self) -> int:
        return self.nrows

    def total_cols(self) -> int:
        return self.ncols

    def column_names(self) -> list:
        return self.columns

    def column_types(self) -> list:
        return [self._frame.column(n).kind for n in self._frame.names]

    def get_schema(self) -> dict:
        return dict(zip(self.column_names(), self.column_types()))

    def supports_streaming(self) -> bool:
        return True

    def get_window(self, start: int, count: int) -> DataWindow:
        """Rows ``start .. start+count`` (clipped to the table) as Python values."""
        if start < 0 or count < 0:
            raise ValueError(f"window start and count must be >= 0, got {start}, {count}")
        stop = min(self.nrows, start + count)
        idx = np.arange(min(start, stop), stop, dtype=np.int64)
        positions = self._positions(idx)
        cols = [self._frame.column(n).to_list(positions) for n in self._frame.names]
        return DataWindow(self.columns, [list(r) for r in zip(*cols)], self.get_schema(),
                          self.nrows, start)

    # selection -------------------------------------------------------------
    def head(self, n: int = 5) -> "BaseTable":
        return self._view(self._positions(np.arange(min(n, self.nrows))))

    def tail(self, n: int = 5) -> "BaseTable":
        n = min(n, self.nrows)
        return self._view(self._positions(np.arange(self.nrows - n, self.nrows)))

    def select(self, columns) -> "BaseTable":
        """A view with only ``columns`` (names), in that order."""
        if isinstance(columns, str):
            columns = [columns]
        return self._view(self._rows, self._frame.select(list(columns)))

    def drop_columns(self, columns) -> "BaseTable":
        """A view without ``columns`` (names; an unknown name is a KeyError)."""
        columns = [columns] if isinstance(columns, str) else list(columns)
        names = self.column_names()
        unknown = [c for c in columns if c not in names]
        if unknown:
            raise KeyError(f"no column {unknown[0]!r} to drop; columns are {names}")
        return self.select([c for c in names if c not in columns])

    def is_empty(self) -> bool:
        """Whether the table has no rows."""
        return self.nrows == 0

    def column(self, name: str) -> "BaseArray":
        """Column ``name`` as an array over this view's rows."""
        return BaseArray(self._frame.column(name), self._rows, config=self._config)

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.column(key)
        if isinstance(key, (int, np.integer)):
            pos = int(self._positions(np.array([_index(self.nrows, key)]))[0])
            return {n: self._frame.column(n).to_list(np.array([pos]))[0]
                    for n in self._frame.names}
        if isinstance(key, list) and key and all(isinstance(k, str) for k in key):
            return self.select(key)
        return self._view(self._positions(_as_rows(self.nrows, key)))

    def __iter__(self):
        names = self._frame.names
        for start in range(0, self.nrows, 4096):
            positions = self._positions(np.arange(start, min(start + 4096, self.nrows)))
            cols = [self._frame.column(n).to_list(positions) for n in names]
            for values in zip(*cols):
                yield dict(zip(names, values))

    def __array__(self, dtype=None, copy=None):
        return np.array(self.to_pandas().to_numpy(), dtype=dtype)

    def sort_by(self, columns, ascending=True) -> "BaseTable":
        """A view sorted by one or more columns (stable; nulls last).

        Parameters
        ----------
        columns : str or list of str
        ascending : bool or list of bool, one per column
        """
        names = [columns] if isinstance(columns, str) else list(columns)
        orders = [ascending] * len(names) if isinstance(ascending, bool) else list(ascending)
        if len(orders) != len(names):
            raise ValueError(f"ascending has {len(orders)} entries for {len(names)} columns")
        positions = self._all_positions()
        first = self._frame.column(names[0])
        if len(names) == 1 and first.kind in ("int64", "float64", "bool") and not first.has_nulls:
            # one plain number key: a radix sort of the values, NaN last both ways
            values = first.data if positions is None else first.data[positions]
            wide = np.float64 if first.kind == "float64" else np.int64
            order = kernels.stable_argsort(values.astype(wide, copy=False),
                                           descending=not orders[0])
        elif len(names) == 1 and first.kind == "string" and not first.has_nulls and orders[0]:
            rows = np.arange(len(first)) if positions is None else positions
            order, _ = kernels.string_ranks(*first.text, rows)
        else:
            keys = [_sort_key(self._frame.column(n), positions, asc)
                    for n, asc in zip(names, orders)]
            order = np.lexsort(keys[::-1]) if len(keys) > 1 else kernels.stable_argsort(keys[0])
        return self._view(order if positions is None else positions[order])

    def _column_values(self, name: str):
        return compared_values(self._frame.column(name), self._all_positions())

    def filter(self, predicate, marks: dict | None = None) -> "BaseTable":
        """A view of the rows where ``predicate`` holds: a boolean mask (array, list or
        boolean array object) or an expression such as ``"age > 30 and club == 'A'"``.
        ``marks`` (name -> function giving a row mask) adds names an expression may use
        on their own, such as the graph view's ``selected``."""
        if isinstance(predicate, str):
            mask = query.evaluate(predicate, self._column_values, self.nrows, marks)
        else:
            mask = np.asarray(predicate)
            if mask.size == 0:
                mask = mask.astype(bool)
            if mask.dtype != bool:
                raise TypeError(f"filter takes a boolean mask or an expression string, "
                                f"got values of dtype {mask.dtype}")
        return self._view(self._positions(_as_rows(self.nrows, mask)))

    # group-by (groggy.groupby installs the maker: GroupBy is a type above this layer)
    _grouper = None

    def group_by(self, by):
        """The rows grouped by column ``by`` (or a list of columns): a
        :class:`~groggy.groupby.GroupBy` with ``agg``, ``size``, iteration and ``table``.

        Examples
        --------
        >>> import groggy as gg
        >>> t = gg.table({"k": ["a", "b", "a"], "x": [1, 2, 3]})
        >>> t.group_by("k").agg({"x": "sum"}).to_dict()
        {'k': ['a', 'b'], 'x': [4, 2]}
        """
        return self._grouper(self._owner_or_self(), by)

    # export ----------------------------------------------------------------
    def to_pandas(self):
        """A pandas DataFrame (nullable dtypes where a column has nulls)."""
        pd = require("pandas", "to_pandas")
        positions = self._all_positions()
        data = {}
        for name in self._frame.names:
            data[name] = _to_series(self._frame.column(name), positions, pd)
        return pd.DataFrame(data)

    def to_csv(self, path, **kwargs) -> None:
        """Write the view as CSV (via pandas; keyword arguments go to ``DataFrame.to_csv``)."""
        kwargs.setdefault("index", False)
        self.to_pandas().to_csv(path, **kwargs)

    def to_parquet(self, path, **kwargs) -> None:
        """Write the view as a Parquet file (pyarrow; see :mod:`groggy.io.parquet`)."""
        from groggy.io import parquet
        parquet.write_table(self, path, **kwargs)

    def to_json(self, path=None):
        """The view's columns as JSON (``{column: [values]}``, null for nulls): the text,
        or written to ``path``."""
        import json
        text = json.dumps(self.to_dict())
        if path is None:
            return text
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return None

    def to_dict(self) -> dict:
        positions = self._all_positions()
        return {n: self._frame.column(n).to_list(positions) for n in self._frame.names}


def _to_series(column, positions, pd):
    rows = np.arange(len(column)) if positions is None else positions
    if column.kind in ("string", "object"):
        return pd.Series(column.to_list(rows), dtype=object)
    data = column.data if positions is None else column.data[positions]
    valid = column.valid
    if valid is None or (valid if positions is None else valid[positions]).all():
        return pd.Series(np.asarray(data))
    mask = ~np.asarray(valid if positions is None else valid[positions])
    # masked arrays keep a real NaN apart from a null
    masked = {"int64": pd.arrays.IntegerArray, "float64": pd.arrays.FloatingArray,
              "bool": pd.arrays.BooleanArray}[column.kind]
    return pd.Series(masked(np.array(data), mask))


class BaseArray(_View, metaclass=ABCMeta):
    """One column, seen through an optional row-index view; displayed as a one-column
    table. Every specialized array type delegates to this class.

    Examples
    --------
    >>> import groggy as gg
    >>> gg.array([1.0, 2.0, 4.0]).to_list()
    [1.0, 2.0, 4.0]
    """

    def __init__(self, column, rows=None, name: str = "BaseArray", config=None):
        self._column = column
        self._rows = None if rows is None else np.asarray(rows, dtype=np.int64)
        self._name = name
        self._config = config

    def _view(self, rows) -> "BaseArray":
        return BaseArray(self._column, rows, self._name, self._config)

    @property
    def name(self) -> str:
        """Name of the column this array shows."""
        return self._column.name

    @property
    def kind(self) -> str:
        """``int64``, ``float64``, ``bool``, ``string`` or ``object``."""
        return self._column.kind

    def __len__(self) -> int:
        return len(self._column) if self._rows is None else int(self._rows.shape[0])

    def __contains__(self, value) -> bool:
        return value in self.to_list()

    def __iter__(self):
        n = len(self)
        for start in range(0, n, 4096):
            yield from self._column.to_list(self._positions(np.arange(start, min(start + 4096, n))))

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            pos = self._positions(np.array([_index(len(self), key)]))
            return self._column.to_list(pos)[0]
        return self._view(self._positions(_as_rows(len(self), key)))

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.to_numpy(), dtype=dtype)

    # display ---------------------------------------------------------------
    def _display_shape(self):
        return (len(self), 1)

    def _stream_parts(self):
        return [self._column], self._rows, len(self)

    def _display_title(self) -> str:
        return f"{self._name}[{len(self)}]"

    def _display_footer(self) -> str:
        return _count(len(self), "value")

    def _display_columns(self, col_idx):
        return [self.name], [self.kind]

    def _display_cells(self, row_idx, col_idx):
        return [self._column.to_list(self._positions(row_idx))]

    # DataSource protocol ---------------------------------------------------
    def total_rows(self) -> int:
        return len(self)

    def total_cols(self) -> int:
        return 1

    def column_names(self) -> list:
        return [self.name]

    def column_types(self) -> list:
        return [self.kind]

    def get_schema(self) -> dict:
        return {self.name: self.kind}

    def supports_streaming(self) -> bool:
        return True

    def get_window(self, start: int, count: int) -> DataWindow:
        if start < 0 or count < 0:
            raise ValueError(f"window start and count must be >= 0, got {start}, {count}")
        stop = min(len(self), start + count)
        values = self._column.to_list(self._positions(np.arange(min(start, stop), stop)))
        return DataWindow([self.name], [[v] for v in values], self.get_schema(), len(self), start)

    # values ----------------------------------------------------------------
    def head(self, n: int = 5) -> "BaseArray":
        return self._view(self._positions(np.arange(min(n, len(self)))))

    def tail(self, n: int = 5) -> "BaseArray":
        n = min(n, len(self))
        return self._view(self._positions(np.arange(len(self) - n, len(self))))

    def to_list(self) -> list:
        """Python values, None for nulls."""
        return self._column.to_list(self._all_positions())

    def to_numpy(self) -> np.ndarray:
        """NumPy values: float NaN for numeric nulls, object arrays for strings/objects."""
        col, positions = self._column, self._all_positions()
        if col.kind in ("string", "object"):
            return np.array(self.to_list(), dtype=object)
        if col.has_nulls:
            return col.numeric(positions)
        return np.asarray(col.data if positions is None else col.data[positions])

    @property
    def values(self) -> np.ndarray:
        """Same as :meth:`to_numpy`."""
        return self.to_numpy()

    def is_null(self) -> np.ndarray:
        """Boolean mask, True where the value is null."""
        valid = self._column.valid
        if valid is None:
            return np.zeros(len(self), dtype=bool)
        positions = self._all_positions()
        return ~np.asarray(valid if positions is None else valid[positions])

    # comparisons and masks ------------------------------------------------
    # Every comparison gives a boolean mask array (no nulls): a null compares False under
    # every operator, != included. Masks combine with & | ^ ~ and select rows anywhere.
    __hash__ = None  # == gives a mask, so arrays cannot be hashed

    def _values(self) -> tuple:
        return compared_values(self._column, self._all_positions())

    def _mask_array(self, mask: np.ndarray) -> "BaseArray":
        return BaseArray(ArrayColumn(self.name, np.asarray(mask, dtype=bool)),
                         config=self._config)

    def _compare(self, op: str, other) -> "BaseArray":
        if isinstance(other, Specialized):
            other = other._base
        if isinstance(other, BaseArray):
            other = other._values()
        elif isinstance(other, np.ndarray) and other.ndim == 0:
            other = other.item()
        elif isinstance(other, (list, tuple, np.ndarray)):
            arr = np.asarray(other)
            arr = arr.astype(object) if arr.dtype.kind in "US" else arr
            other = (arr, None) if len(arr) == len(self) else arr
        if isinstance(other, np.ndarray):
            raise ValueError(f"cannot compare {len(self)} values of {self.name!r} with "
                             f"{other.size}")
        return self._mask_array(query.compare(self._values(), op, other, self.name))

    def __eq__(self, other):
        return self._compare("==", other)

    def __ne__(self, other):
        return self._compare("!=", other)

    def __lt__(self, other):
        return self._compare("<", other)

    def __le__(self, other):
        return self._compare("<=", other)

    def __gt__(self, other):
        return self._compare(">", other)

    def __ge__(self, other):
        return self._compare(">=", other)

    def contains(self, text: str) -> "BaseArray":
        """Mask: which strings contain ``text`` (a plain substring, not a pattern)."""
        return self._compare("contains", text)

    def startswith(self, text: str) -> "BaseArray":
        """Mask: which strings start with ``text``."""
        return self._compare("startswith", text)

    def endswith(self, text: str) -> "BaseArray":
        """Mask: which strings end with ``text``."""
        return self._compare("endswith", text)

    def isin(self, values) -> "BaseArray":
        """Mask: which values are among ``values`` (None among them selects nulls).

        Examples
        --------
        >>> import groggy as gg
        >>> gg.array(["a", "b", None]).isin(["b", None]).to_list()
        [False, True, True]
        """
        values = list(values)
        wanted = list(dict.fromkeys(v for v in values if v is not None))
        with_nulls = any(v is None for v in values)
        column = self._values()
        if self.kind in ("int64", "float64", "bool") and all(map(query.is_number, wanted)):
            mask = np.isin(column[0], wanted) & ~self.is_null()  # one hashed/sorted pass
        else:  # one kernel pass per wanted string (or a clear error for a wrong kind)
            mask = np.zeros(len(self), dtype=bool)
            for v in wanted:
                mask |= query.compare(column, "==", v, self.name)
        if with_nulls:
            mask |= self.is_null()
        return self._mask_array(mask)

    def isnull(self) -> "BaseArray":
        """Mask: True where the value is null."""
        return self._mask_array(self.is_null())

    def notnull(self) -> "BaseArray":
        """Mask: True where the value is not null."""
        return self._mask_array(~self.is_null())

    def _truth(self, name: str = "a mask") -> np.ndarray:
        if self.kind != "bool":
            raise TypeError(f"& | ^ ~ combine boolean masks; {self.name!r} holds {self.kind} "
                            f"(compare it first, e.g. {self.name} > 0)")
        return self.to_numpy() == 1  # a null in a boolean column counts as False

    def _logic(self, other, op) -> "BaseArray":
        if isinstance(other, Specialized):
            other = other._base
        theirs = other._truth() if isinstance(other, BaseArray) else np.asarray(other)
        if theirs.dtype != bool:
            raise TypeError(f"& | ^ combine boolean masks; got values of dtype {theirs.dtype}")
        if theirs.ndim and theirs.shape != (len(self),):
            raise ValueError(f"cannot combine a mask of {len(self)} values with one of "
                             f"{theirs.size}")
        return self._mask_array(op(self._truth(), theirs))

    def __and__(self, other):
        return self._logic(other, np.logical_and)

    def __or__(self, other):
        return self._logic(other, np.logical_or)

    def __xor__(self, other):
        return self._logic(other, np.logical_xor)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self):
        return self._mask_array(~self._truth())

    def __bool__(self):
        # `if name == "Carol":` must not pass silently because the array is not empty
        raise ValueError(f"the truth value of an array of {len(self)} values is ambiguous; "
                         "use .any(), .all() or len()")

    def any(self) -> bool:
        """Whether any value of a boolean array is True (nulls count as False)."""
        return bool(self._truth().any())

    def all(self) -> bool:
        """Whether every value of a boolean array is True (nulls count as False)."""
        return bool(self._truth().all())

    # statistics of every kind ------------------------------------------------
    def _present_rows(self) -> np.ndarray:
        """Rows (into the column) of the values that are neither null nor NaN."""
        rows = np.arange(len(self._column)) if self._rows is None else self._rows
        keep = ~self.is_null()
        if self.kind == "float64":
            keep &= ~np.isnan(self._column.data[rows])
        return rows if keep.all() else rows[keep]

    def count(self) -> int:
        """Number of values that are neither null nor NaN."""
        return int(self._present_rows().size)

    @property
    def dtype(self) -> str:
        """The kind of the values, as :attr:`kind` (``int64``, ``float64``, ``bool``,
        ``string`` or ``object``)."""
        return self.kind

    def is_empty(self) -> bool:
        """Whether the array has no values at all (nulls count as values)."""
        return len(self) == 0

    def first(self):
        """The first value that is neither null nor NaN (None if there is none), as the
        group-by aggregation ``first``."""
        rows = self._present_rows()
        return self._column.to_list(rows[:1])[0] if rows.size else None

    def last(self):
        """The last value that is neither null nor NaN (None if there is none)."""
        rows = self._present_rows()
        return self._column.to_list(rows[-1:])[0] if rows.size else None

    def _distinct(self) -> tuple:
        """(distinct present values, sorted, as a column; how often each occurs)."""
        rows, col = self._present_rows(), self._column
        if self.kind == "string":  # ranked on the bytes: only the distinct values decode
            _, codes = kernels.string_ranks(*col.text, rows)
            _, first, counts = np.unique(codes, return_index=True, return_counts=True)
            return col.gather(rows[first]), counts
        if self.kind == "object":
            raise TypeError(f"{self.name!r} holds objects, which have no order or statistics")
        values, counts = np.unique(col.data[rows], return_counts=True)
        return ArrayColumn(self.name, values), counts

    def unique(self) -> "BaseArray":
        """Distinct values, sorted, without nulls and NaN."""
        return BaseArray(self._distinct()[0], config=self._config)

    def nunique(self) -> int:
        """Number of distinct values, without nulls and NaN (as pandas counts them)."""
        return int(self._distinct()[1].size)

    def value_counts(self) -> BaseTable:
        """Each distinct value (nulls and NaN left out) and how often it occurs, most
        common first; ties in value order."""
        values, counts = self._distinct()
        order = np.argsort(-counts, kind="stable")
        return BaseTable(ColumnsFrame({self.name: _taken(values, order),
                                       "count": ArrayColumn("count", counts[order])},
                                      counts.size), config=self._config)

    def _extreme(self, largest: bool):
        if self.kind in ("int64", "float64", "bool"):  # one pass, no sort
            values = self._column.data[self._present_rows()]
            return (values.max() if largest else values.min()).item() if values.size else None
        values = self._distinct()[0]
        return values.to_list([len(values) - 1 if largest else 0])[0] if len(values) else None

    def min(self):
        """The smallest value (strings in code point order); None if there is none."""
        return self._extreme(largest=False)

    def max(self):
        """The largest value (strings in code point order); None if there is none."""
        return self._extreme(largest=True)

    def to_pandas(self):
        pd = require("pandas", "to_pandas")
        return _to_series(self._column, self._all_positions(), pd).rename(self.name)

    def to_table(self) -> BaseTable:
        """This array as a one-column table."""
        return BaseTable(ColumnsFrame({self.name: self._column}, len(self._column)),
                         self._rows, config=self._config)


def _taken(column, order: np.ndarray):
    """A column of ``column``'s values in ``order``."""
    if isinstance(column, ArrayColumn):
        return ArrayColumn(column.name, column.data[order])
    return column.gather(order)


def table(data: dict, name: str = "BaseTable") -> BaseTable:
    """A table from a dict of columns (lists with None for nulls, or NumPy arrays).

    Examples
    --------
    >>> import groggy as gg
    >>> gg.table({"x": [1, None, 3]}).shape
    (3, 1)
    """
    lengths = {len(v) for v in data.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns differ in length: {sorted(lengths)}")
    columns = {str(k): Column.from_values(str(k), v) for k, v in data.items()}
    return BaseTable(ColumnsFrame(columns, lengths.pop() if lengths else 0), name=name)


def array_column(name: str, values) -> object:
    """A column-like over ``values`` (NumPy results, or a list with None for nulls)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iufb":
        return ArrayColumn(name, values)
    return Column.from_values(name, values)
