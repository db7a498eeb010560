"""Streaming windows of rows: the binary frame encoder over the window kernel, its
decoder, and the VirtualScrollManager (visible window, prefetch blocks, LRU cache).

A *source* is any object with the DataSource protocol (every table and array type).
Frames follow docs/protocol.md.
"""
from __future__ import annotations

import struct
import threading
import weakref

import numpy as np
from cachetools import LRUCache

from groggy import ordered
from groggy._core._window import WindowPlan
from groggy.frame import RangeColumn
from groggy.storage import Column

WIRE_KINDS = {"int64": 1, "float64": 2, "bool": 3, "string": 4}
_KIND_NAMES = {v: k for k, v in WIRE_KINDS.items()}
_HEADER = struct.Struct("<4sIqqqqq")


def _parts(source):
    """(columns, rows or None, nrows) of a table or array, specialized or not."""
    base = getattr(source, "_base", source)
    return base._stream_parts()


def _is_direct(column) -> bool:
    """Whether the kernel can read the column's buffers itself."""
    return isinstance(column, (Column, RangeColumn)) or (
        hasattr(column, "data") and column.kind in ("int64", "float64", "bool")
        and isinstance(getattr(column, "data", None), np.ndarray))


def _window_column(column, positions: np.ndarray) -> Column:
    """The cells of ``column`` at ``positions`` as a small real column."""
    window = getattr(column, "window", None)
    if window is not None:  # a column held elsewhere (groggy.dask) makes its own cells
        return window(positions)
    if isinstance(column, RangeColumn):
        return Column.from_values(column.name, positions.astype(np.int64))
    if isinstance(column, Column):
        return column.gather(positions)
    values, valid = column.take(positions)
    if column.kind == "object":
        texts = [getattr(v, "_cell_text", lambda v=v: str(v))() for v in values]
        return Column.from_values(column.name, texts, "string")
    col = Column.from_values(column.name, np.asarray(values))
    if valid is not None:
        col.set(np.flatnonzero(~valid), [None] * int((~valid).sum()))
    return col


def _buffers(column) -> tuple:
    """(kind, data, valid, length) of a column as the kernel reads it: kind "position"
    for the row's own position, "string" with data (offsets, text), or a fixed kind."""
    if isinstance(column, RangeColumn):
        return "position", None, None, len(column)
    valid = column.valid
    valid = None if valid is None else np.ascontiguousarray(valid, dtype=bool)
    if column.kind == "string":
        offsets, text = column.text
        return ("string", (np.ascontiguousarray(offsets), np.ascontiguousarray(text)),
                valid, len(column))
    return column.kind, np.ascontiguousarray(column.data), valid, len(column)


def _plan(buffers, rows, nrows: int) -> WindowPlan:
    plan = WindowPlan(len(buffers), nrows)
    if rows is not None:
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        if rows.size and (rows.min() < 0 or rows.max() >= min(b[3] for b in buffers)):
            raise IndexError("the view's row index points outside its columns")
        plan.set_rows(rows)
    for j, (kind, data, valid, _length) in enumerate(buffers):
        if kind == "position":
            plan.set_position(j)
            continue
        if kind == "string":
            plan.set_string(j, *data)
        else:
            plan.set_fixed(j, WIRE_KINDS[kind], data.view(np.uint8))
        if valid is not None:
            plan.set_valid(j, valid.view(np.uint8))
    return plan


class WindowEncoder:
    """Encodes windows of one view of a source into binary frames.

    Parameters
    ----------
    source : table or array
    copy_after : int or None
        For a view with a row index (sorted, filtered): after this many windows, copy
        the view's rows in order in the background and read later windows from the
        copy (``groggy.ordered``); None keeps reading through the row index.

    Examples
    --------
    >>> import groggy as gg
    >>> t = gg.table({"x": [1, 2, 3], "s": ["a", None, "c"]})
    >>> frame = WindowEncoder(t).encode(1, 2)
    >>> decode_frame(frame)["columns"]
    [[2, 3], [None, 'c']]
    """

    def __init__(self, source, copy_after: int | None = ordered.SERVED_LONG):
        if copy_after is not None and (not isinstance(copy_after, int) or copy_after < 1):
            raise ValueError(f"copy_after must be None or an int >= 1, got {copy_after!r}")
        self.columns, self.rows, self.nrows = _parts(source)
        self.names = [c.name for c in self.columns]
        self.kinds = [c.kind for c in self.columns]
        self._direct = all(_is_direct(c) for c in self.columns)
        self._buffers = [_buffers(c) for c in self.columns] if self._direct else None
        self._plan = _plan(self._buffers, self.rows, self.nrows) if self._direct else None
        # a view with a row index served long reads from an ordered copy (groggy.ordered)
        has_index = self._direct and self.rows is not None and len(self.rows) > 0
        self._copy_after = copy_after if has_index else None
        self._served = 0
        self._copy_lock = threading.Lock()
        self._copy_thread = None
        self._copied = False

    def _start_copy(self) -> None:
        with self._copy_lock:  # once, whichever threads encode
            if self._copy_after is None:
                return
            self._copy_after = None
            self._copy_thread = threading.Thread(target=self._copy_in_order, daemon=True,
                                                 name="groggy-ordered-copy")
        self._copy_thread.start()

    def _copy_in_order(self) -> None:
        """Gather the view's rows of every column in view order (a background thread),
        then serve windows from the copy; the plan swaps in one assignment."""
        rows = np.ascontiguousarray(self.rows, dtype=np.int64)
        nbytes = ordered.copy_bytes(self._buffers, rows)
        if not ordered.reserve(nbytes):
            return
        try:
            plan = _plan(ordered.gather(self._buffers, rows), None, self.nrows)
        except BaseException:
            ordered.release(nbytes)
            raise
        weakref.finalize(self, ordered.release, nbytes)
        self._plan = plan
        self._copied = True

    def wait_copied(self, timeout: float | None = None) -> bool:
        """Whether windows come from an ordered copy of the view's rows (waiting up to
        ``timeout`` seconds for one being made; False at once when none is)."""
        if self._copy_thread is not None:
            self._copy_thread.join(timeout)
        return self._copied

    def encode(self, start: int, count: int, request_id: int = -1, version: int = 0) -> bytes:
        """The frame of view rows ``[start, start + count)`` (clipped to the view)."""
        if not isinstance(start, (int, np.integer)) or start < 0:
            raise ValueError(f"window start must be an int >= 0, got {start!r}")
        if not isinstance(count, (int, np.integer)) or count < 0:
            raise ValueError(f"window count must be an int >= 0, got {count!r}")
        start = min(int(start), self.nrows)
        count = min(int(count), self.nrows - start)
        plan, first = self._plan, start
        if self._copy_after is not None:
            self._served += 1
            if self._served >= self._copy_after:
                self._start_copy()
        if plan is None:  # computed columns: make this window's cells, then encode them
            idx = np.arange(start, start + count, dtype=np.int64)
            positions = idx if self.rows is None else self.rows[idx]
            plan, first = _plan([_buffers(_window_column(c, positions)) for c in self.columns],
                                None, count), 0
        frame = plan.frame(first, count, request_id, self.nrows, version)
        if first != start:  # the window's own plan starts at 0: write the view offset
            frame = frame[:16] + struct.pack("<q", start) + frame[24:]
        return frame


def decode_frame(frame: bytes) -> dict:
    """Read a binary DataUpdate frame back into Python values (tests, Python clients)."""
    buf = memoryview(frame)
    magic, ncols, request_id, offset, count, total, version = _HEADER.unpack_from(buf, 0)
    if magic != b"GGW1":
        raise ValueError(f"not a groggy window frame (magic {magic!r})")
    pos = _HEADER.size + 8 * ncols
    columns, kinds = [], []

    def pad(n):
        return (n + 7) & ~7

    for j in range(ncols):
        kind_code, has_nulls = buf[_HEADER.size + 8 * j], buf[_HEADER.size + 8 * j + 1]
        kind = _KIND_NAMES[kind_code]
        if kind in ("int64", "float64"):
            values = np.frombuffer(buf, dtype="<i8" if kind == "int64" else "<f8",
                                   count=count, offset=pos).tolist()
            pos += 8 * count
        elif kind == "bool":
            values = [bool(b) for b in buf[pos:pos + count]]
            pos += pad(count)
        else:
            offs = np.frombuffer(buf, dtype="<u4", count=count + 1, offset=pos)
            text_at = pos + pad(4 * (count + 1))
            values = [bytes(buf[text_at + a:text_at + b]).decode("utf-8", "replace")
                      for a, b in zip(offs[:-1].tolist(), offs[1:].tolist())]
            pos = pad(text_at + int(offs[-1]))
        if has_nulls:
            valid = buf[pos:pos + count]
            values = [v if ok else None for v, ok in zip(values, valid)]
            pos += pad(count)
        columns.append(values)
        kinds.append(kind)
    return {"request_id": request_id, "offset": offset, "count": count, "total_rows": total,
            "version": version, "kinds": kinds, "columns": columns,
            "rows": [list(r) for r in zip(*columns)] if columns else [[] for _ in range(count)]}


class VirtualScrollManager:
    """What one viewer of a source sees: the visible window, aligned prefetch blocks, and
    an LRU cache of encoded blocks, so scrolling back costs no re-encoding.

    Parameters
    ----------
    source : table or array
    window_size : int
        Rows visible at once (default 50).
    prefetch : int
        Block size in rows: every answer covers whole aligned blocks (default 200).
    cache_size : int
        Encoded blocks kept.

    Examples
    --------
    >>> import groggy as gg
    >>> vsm = VirtualScrollManager(gg.table({"x": list(range(1000))}))
    >>> [decode_frame(f)["offset"] for f in vsm.handle_scroll(390)]
    [200, 400]
    >>> vsm.visible_window().rows[0]
    [390]
    """

    def __init__(self, source, window_size: int = 50, prefetch: int = 200,
                 cache_size: int = 128, version: int = 0):
        if window_size < 1 or prefetch < 1:
            raise ValueError(f"window_size and prefetch must be >= 1, got {window_size}, {prefetch}")
        self.source, self.window_size, self.prefetch = source, window_size, prefetch
        self.version = version
        self.encoder = WindowEncoder(source)
        self.cache: LRUCache = LRUCache(maxsize=cache_size)
        self.offset = 0

    @property
    def total_rows(self) -> int:
        return self.encoder.nrows

    def blocks_for(self, offset: int, size: int | None = None) -> list:
        """Indices of the aligned blocks covering ``[offset, offset + size)``."""
        size = self.window_size if size is None else size
        last_row = max(0, min(offset + size, self.total_rows) - 1)
        first = min(offset, last_row) // self.prefetch
        return list(range(first, last_row // self.prefetch + 1))

    def block(self, index: int, request_id: int = -1) -> bytes:
        """The encoded frame of block ``index`` (from the cache when it is there)."""
        key = (self.version, index)
        frame = self.cache.get(key)
        if frame is None:
            frame = self.encoder.encode(index * self.prefetch, self.prefetch, -1, self.version)
            self.cache[key] = frame
        if request_id != -1:
            frame = frame[:8] + struct.pack("<q", request_id) + frame[16:]
        return frame

    def handle_scroll(self, offset: int, size: int | None = None, request_id: int = -1) -> list:
        """Move the visible window to ``offset``; the frames of the blocks covering it."""
        if not isinstance(offset, (int, np.integer)) or offset < 0:
            raise ValueError(f"scroll offset must be an int >= 0, got {offset!r}")
        self.offset = int(offset)
        return [self.block(i, request_id) for i in self.blocks_for(self.offset, size)]

    def visible_window(self):
        """The visible rows as a Python ``DataWindow``."""
        return self.source.get_window(self.offset, self.window_size)
