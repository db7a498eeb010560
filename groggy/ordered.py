"""Physically ordered copies of a view's columns, for a sorted or filtered view whose
windows are served long.

A window of a view with a row index reads every row of every column at a scattered
place: ~1,300 cache and TLB misses for 100 rows of 10 columns of a memory-mapped 1M-row
table, 4x the time of a window of contiguous rows. Once a view has served enough windows
to be worth it, its encoder gathers the view's rows of every column, in view order, into
new arrays (in the background: windows keep being served by the row index meanwhile) and
reads windows from them as contiguous rows. The copies of one process share a byte
budget; a view that would not fit keeps its row index.
"""
from __future__ import annotations

import threading

import numpy as np

from groggy import kernels

SERVED_LONG = 32            # windows of a view with a row index before its copy is made
BUDGET_BYTES = 512 << 20    # ordered copies alive in this process at once, in bytes

_lock = threading.Lock()
_reserved = 0


def copy_bytes(buffers, rows: np.ndarray) -> int:
    """Bytes an ordered copy of ``buffers`` (see ``gather``) at ``rows`` takes, text
    estimated at each string column's mean bytes per row."""
    n, total = rows.size, 0
    for kind, data, valid, _length in buffers:
        if kind == "string":
            offsets, text = data
            per_row = text.size / max(1, offsets.size - 1)
            total += 8 * (n + 1) + int(per_row * n)
        else:
            total += n if kind == "bool" else 8 * n
        total += 0 if valid is None else n
    return total


def reserve(nbytes: int) -> bool:
    """Take ``nbytes`` of the budget; False (nothing taken) when they do not fit."""
    global _reserved
    with _lock:
        if _reserved + nbytes > BUDGET_BYTES:
            return False
        _reserved += nbytes
        return True


def release(nbytes: int) -> None:
    global _reserved
    with _lock:
        _reserved -= nbytes


def gather(buffers, rows: np.ndarray) -> list:
    """The column buffers of a view taken at ``rows``, in that order.

    ``buffers`` has one ``(kind, data, valid, length)`` per column, as the window encoder
    reads them: ``kind`` "position" (the row's own position, no data), "string" (data is
    ``(offsets, text)``) or a fixed-width kind (data is the values). Positions come back
    as an "int64" column holding ``rows``."""
    out = []
    for kind, data, valid, _length in buffers:
        taken = None if valid is None else np.take(valid, rows)
        if kind == "position":
            out.append(("int64", rows, None, rows.size))
        elif kind == "string":
            out.append(("string", kernels.gather_strings(*data, rows), taken, rows.size))
        else:
            out.append((kind, np.take(data, rows), taken, rows.size))
    return out
