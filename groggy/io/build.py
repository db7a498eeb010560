"""What every reader shares: typed columns from arrays, node keys mapped to positions,
and the graph assembled last, so a bad input raises before any graph exists.

Readers turn their format into :class:`~groggy.storage.Column` objects here and hand
them to :func:`assemble`, which checks names and endpoints and then builds the graph in
one go (no per-row work, no change events, nothing half-built).
"""
from __future__ import annotations

import numpy as np

from groggy import storage
from groggy.graph import RESERVED_EDGE_ATTRS, RESERVED_NODE_ATTRS, Graph, _check_names
from groggy.storage import Column, ColumnStore

#: the default attribute that keeps node keys when nodes come from edge endpoints
KEY_ATTR = "id"
_SHOWN = 5  # how many offending values an error message lists


# --------------------------------------------------------------------------- columns

def fixed_column(name: str, values: np.ndarray, valid: np.ndarray | None = None) -> Column:
    """An in-memory column over a copy of ``values`` (int, uint, float or bool NumPy
    array); ``valid`` is False where a value is null (None or all True: no nulls).

    Examples
    --------
    >>> import numpy as np
    >>> fixed_column("x", np.array([1, 2, 3]), np.array([True, False, True])).to_list()
    [1, None, 3]
    """
    kind = storage.infer_kind(values, name)
    if kind == "string":
        raise TypeError(f"column {name!r}: fixed_column takes numbers or bools")
    data = np.array(values, dtype=storage._FIXED_DTYPES[kind])  # a copy: the graph owns it
    valid = _mask(valid, data.shape[0])
    if valid is not None:
        data[~valid] = {"int64": 0, "float64": np.nan, "bool": False}[kind]
    return Column(name, kind, data.shape[0], data=data, valid=valid)


def string_column(name: str, offsets: np.ndarray, utf8: np.ndarray,
                  valid: np.ndarray | None = None) -> Column:
    """A string column over int64 offsets and UTF-8 bytes (taken as they are)."""
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    utf8 = np.ascontiguousarray(utf8, dtype=np.uint8)
    n = offsets.shape[0] - 1
    return Column(name, "string", n, data=utf8, valid=_mask(valid, n), offsets=offsets)


def text_column(name: str, strings, valid: np.ndarray | None = None) -> Column:
    """A string column from a sequence of str (nulls may hold anything when ``valid``
    marks them): one join and one encode, no per-value work in Python beyond ``len``."""
    strings = list(strings) if valid is None else \
        [s if ok else "" for s, ok in zip(strings, valid.tolist())]
    offsets, utf8 = storage._encode(strings)
    return string_column(name, offsets, utf8, valid)


def _mask(valid, n: int):
    if valid is None:
        return None
    valid = np.asarray(valid, dtype=bool)
    if valid.shape != (n,):
        raise ValueError(f"null mask has shape {valid.shape}, expected ({n},)")
    return None if valid.all() else np.array(valid)


# --------------------------------------------------------------------------- keys

def _listed(values) -> str:
    values = list(values)
    shown = ", ".join(repr(v.item() if isinstance(v, np.generic) else v)
                      for v in values[:_SHOWN])
    more = f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else ""
    return shown + more


def missing_ids_error(column: str, missing, key: str | None) -> KeyError:
    """The error for edge endpoints that name no node."""
    where = f"the node key column {key!r}" if key else "the node positions 0..n-1"
    return KeyError(f"edge column {column!r} names nodes that do not exist in {where}: "
                    f"{_listed(missing)}")


def check_unique(keys: np.ndarray, key: str) -> None:
    """Raise naming a repeated node key."""
    if keys.dtype == object:  # strings: a hash says "unique" without sorting Python objects
        try:
            import pandas as pd
            if pd.Index(keys).is_unique:
                return
        except ImportError:
            pass
    order = np.argsort(keys, kind="stable")
    s = keys[order]
    dup = np.flatnonzero(s[1:] == s[:-1])
    if dup.size:
        raise ValueError(f"node key column {key!r} repeats keys: "
                         f"{_listed(np.unique(s[dup + 1]))}; each node needs its own key")


def _is_int(a: np.ndarray) -> bool:
    return a.dtype.kind in "iu"


def map_keys(keys: np.ndarray, values: np.ndarray, column: str, key: str) -> np.ndarray:
    """Positions in ``keys`` (unique node keys) of each of ``values`` (edge endpoints).

    Integer keys that span a small range go through a lookup table; others through a
    hash index (pandas) or a sorted search. Raises ``KeyError`` naming missing values.

    Examples
    --------
    >>> import numpy as np
    >>> map_keys(np.array([30, 10, 20]), np.array([10, 30, 30]), "source", "id").tolist()
    [1, 0, 0]
    """
    values = np.asarray(values)
    if values.size == 0:
        return np.empty(0, dtype=np.int64)
    if _is_int(keys) and _is_int(values) and keys.size:
        lo, hi = int(keys.min()), int(keys.max())
        if hi - lo <= 4 * keys.size + 1024:
            lut = np.full(hi - lo + 1, -1, dtype=np.int64)
            lut[keys - lo] = np.arange(keys.size, dtype=np.int64)
            if values.min() >= lo and values.max() <= hi:  # the usual case: one gather
                return _found(lut[values - lo], values, column, key)
            inside = (values >= lo) & (values <= hi)
            pos = np.full(values.shape[0], -1, dtype=np.int64)
            pos[inside] = lut[values[inside] - lo]
            return _found(pos, values, column, key)
    try:
        import pandas as pd
    except ImportError:
        pd = None
    if pd is not None:
        pos = pd.Index(keys).get_indexer(values).astype(np.int64, copy=False)
        return _found(pos, values, column, key)
    order = np.argsort(keys, kind="stable")
    at = np.clip(np.searchsorted(keys, values, sorter=order), 0, max(keys.size - 1, 0))
    pos = order[at] if keys.size else np.full(values.shape[0], -1, dtype=np.int64)
    pos = np.where(keys[pos] == values if keys.size else False, pos, -1)
    return _found(pos.astype(np.int64), values, column, key)


def key_positions(keys: np.ndarray, src, dst, source: str, target: str, key: str):
    """Both endpoint columns mapped through the node keys (checked unique): positions.
    Keys 0..n-1 in order (what groggy's own writers store) map to themselves."""
    keys = np.asarray(keys)
    n = keys.size
    if (_is_int(keys) and n and keys[0] == 0 and keys[-1] == n - 1
            and np.array_equal(keys, np.arange(n))):
        out = []
        for v, col in ((np.asarray(src), source), (np.asarray(dst), target)):
            inside = _is_int(v) and (v.size == 0 or (v.min() >= 0 and v.max() < n))
            out.append(v if inside else map_keys(keys, v, col, key))
        return tuple(out)
    check_unique(keys, key)
    return map_keys(keys, src, source, key), map_keys(keys, dst, target, key)


def _found(pos: np.ndarray, values: np.ndarray, column: str, key: str) -> np.ndarray:
    bad = pos < 0
    if bad.any():
        raise missing_ids_error(column, values[bad], key)
    return pos


def check_positions(values: np.ndarray, n: int, column: str) -> np.ndarray:
    """Edge endpoints given as node positions: integers in 0..n-1, or a clear error."""
    values = np.asarray(values)
    if values.size and not _is_int(values):
        raise TypeError(f"edge column {column!r} holds {values.dtype} values; without a "
                        f"node key column (node_id=...) endpoints must be integer "
                        f"node positions 0..{n - 1}")
    values = values.astype(np.int64, copy=False)
    bad = (values < 0) | (values >= n)
    if bad.any():
        raise missing_ids_error(column, values[bad], None)
    return values


def keys_from_endpoints(src: np.ndarray, dst: np.ndarray):
    """Nodes made from edge endpoints: (keys or None, n). Non-negative integer endpoints
    are node positions themselves (keys None, n = max + 1); anything else becomes the
    sorted distinct values, one node each."""
    both = np.concatenate([np.asarray(src), np.asarray(dst)])
    if both.size == 0:
        return None, 0
    if _is_int(both) and both.min() >= 0:
        return None, int(both.max()) + 1
    return np.unique(both), None


# --------------------------------------------------------------------------- graph

def assemble(n: int, node_cols: dict, src: np.ndarray, dst: np.ndarray, edge_cols: dict,
             directed: bool = False) -> Graph:
    """A new graph from finished columns: ``n`` nodes, edges ``src[i] -> dst[i]`` as
    node positions (checked), attribute columns of the right lengths (checked)."""
    _check_names(node_cols, RESERVED_NODE_ATTRS, "node")
    _check_names(edge_cols, RESERVED_EDGE_ATTRS, "edge")
    src = check_positions(src, n, "source")
    dst = check_positions(dst, n, "target")
    if src.shape != dst.shape:
        raise ValueError(f"sources and targets differ in length: {src.size} != {dst.size}")
    for cols, count, what in ((node_cols, n, "node"), (edge_cols, src.size, "edge")):
        for name, col in cols.items():
            if len(col) != count:
                raise ValueError(f"{what} column {name!r} has {len(col)} values for "
                                 f"{count} {what}s")
    g = Graph(directed=directed)
    g._nodes = _store(n, node_cols)
    g._edges = _store(int(src.size), edge_cols)
    g._src = Column("source", "int64", src.size, data=_owned(src))
    g._dst = Column("target", "int64", dst.size, data=_owned(dst))
    return g


def _owned(a: np.ndarray) -> np.ndarray:
    """``a`` as an int64 array the graph may keep: copied unless it is a fresh,
    writable array of its own (positions computed here)."""
    if a.dtype == np.int64 and a.flags.writeable and a.flags.c_contiguous and a.base is None:
        return a
    return np.array(a, dtype=np.int64)


def _store(length: int, cols: dict) -> ColumnStore:
    store = ColumnStore(length)
    for name, col in cols.items():
        col.name = name
        store.columns[name] = col
    return store
