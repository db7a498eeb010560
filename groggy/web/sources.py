"""The tables a server shows, their versions, and the sorted/filtered views of them."""
from __future__ import annotations

import threading

import numpy as np
from cachetools import LRUCache

from groggy import kernels


def is_remote(obj) -> bool:
    """Whether a served object computes elsewhere (its work must leave the loop)."""
    return bool(getattr(obj, "remote", False))


class Source:
    """One named table or array. ``refresh()`` re-reads it after the graph behind it
    changed (new rows appear); ``version`` counts the changes."""

    def __init__(self, name: str, obj):
        self.name = name
        self.obj = obj
        self.version = 0
        self.graph = getattr(obj, "_graph", None)
        # name -> function giving a row mask, for filters such as "selected" (set by a
        # server that knows the marks; a change of them must refresh() the source)
        self.marks: dict = {}

    def refresh(self) -> None:
        remake = getattr(self.obj, "_refreshed", None)
        self.obj = remake() if remake else self.obj
        self.version += 1

    def columns(self) -> list:
        return [{"name": n, "kind": k} for n, k in
                zip(self.obj.column_names(), self.obj.column_types())]


def _view_key(source: Source, expression: str, sort: list) -> tuple:
    return (source.name, source.version, expression,
            tuple((k["column"], k["ascending"]) for k in sort))


class Views:
    """Sorted and filtered views, shared by every connection and kept in an LRU cache
    (a view of a million rows is an 8 MB row index)."""

    def __init__(self, size: int = 16):
        self._cache: LRUCache = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, source: Source, expression: str, sort: list):
        key = _view_key(source, expression, sort)
        with self._lock:
            view = self._cache.get(key)
        if view is None:
            view = source.obj
            if expression.strip():
                view = view.filter(expression, source.marks or None)
            if sort:
                names = view.column_names()
                for k in sort:
                    if k["column"] not in names:
                        raise ValueError(f"cannot sort by {k['column']!r}: no such column; "
                                         f"columns are {names}")
                view = view.sort_by([k["column"] for k in sort], [k["ascending"] for k in sort])
            with self._lock:
                self._cache[key] = view
        return view

    def forget(self, source_name: str) -> None:
        with self._lock:
            for key in [k for k in self._cache if k[0] == source_name]:
                del self._cache[key]


def search_rows(view, text: str) -> np.ndarray:
    """View rows (ascending) where any string column contains ``text``, ignoring ASCII case."""
    base = getattr(view, "_base", view)
    columns, rows, nrows = base._stream_parts()
    positions = np.arange(nrows, dtype=np.int64) if rows is None else rows
    mask = np.zeros(nrows, dtype=bool)
    for col in columns:
        if col.kind == "string" and hasattr(col, "text"):
            kernels.strings_contain(*col.text, positions, text, True, out=mask)
    return np.flatnonzero(mask)
