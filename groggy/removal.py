"""Removed nodes and edges (tombstones): ids stay stable.

A graph's ids are positions in its columns. Removing an element keeps its row and
records its id in a sorted array of removed ids, so no other id moves and a removed id is
never handed out again (new rows are appended past the highest id ever used). A graph
that never removed anything holds ``None`` here and pays nothing: every check below
returns at once. Live id arrays and masks are derived on demand and cached with the
graph's topology cache.
"""
from __future__ import annotations

import numpy as np

_EMPTY = np.empty(0, dtype=np.int64)


class Removed:
    """The removed node ids and edge ids of one graph, each sorted and unique."""

    __slots__ = ("nodes", "edges")

    def __init__(self, nodes=_EMPTY, edges=_EMPTY):
        self.nodes = np.asarray(nodes, dtype=np.int64)
        self.edges = np.asarray(edges, dtype=np.int64)

    def of(self, what: str) -> np.ndarray:
        return self.nodes if what == "node" else self.edges

    def copy(self) -> "Removed":
        return Removed(self.nodes.copy(), self.edges.copy())


def _span(graph, what: str) -> int:
    """How many ids were ever handed out: the column length, removed rows included."""
    return graph._nodes.length if what == "node" else graph._edges.length


def is_removed(graph, what: str, i: int) -> bool:
    removed = graph._removed
    if removed is None:
        return False
    ids = removed.of(what)
    at = int(np.searchsorted(ids, i))
    return at < ids.size and int(ids[at]) == i


def live_mask(graph, what: str) -> np.ndarray | None:
    """A bool mask over every id ever used, True where live; None if none was removed."""
    if graph._removed is None:
        return None
    key = ("live_mask", what)
    if key not in graph._cache:
        mask = np.ones(_span(graph, what), dtype=bool)
        mask[graph._removed.of(what)] = False
        graph._cache[key] = mask
    return graph._cache[key]


def live_ids(graph, what: str) -> np.ndarray | None:
    """The sorted live ids; None if none was removed (then ids are ``0..count-1``)."""
    mask = live_mask(graph, what)
    if mask is None:
        return None
    key = ("live_ids", what)
    if key not in graph._cache:
        graph._cache[key] = np.flatnonzero(mask).astype(np.int64)
    return graph._cache[key]


def live_rows(graph, what: str, rows):
    """``rows`` (None: all) without the removed ids, for tables and accessors."""
    if graph._removed is None:
        return rows
    if rows is None:
        return live_ids(graph, what)
    rows = np.asarray(rows, dtype=np.int64)
    return rows[live_mask(graph, what)[rows]]


def missing(graph, what: str, i) -> str:
    """Why id ``i`` names no element: removed, or never made."""
    if isinstance(i, (int, np.integer)) and is_removed(graph, what, int(i)):
        return f"{what} {int(i)} was removed"
    return f"{what} {i} does not exist (ids run 0..{_span(graph, what) - 1})"


def _sorted_unique(arr: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting (numpy's hash-based unique is several times slower on
    large id arrays)."""
    arr = np.sort(arr)
    return arr[np.concatenate(([True], arr[1:] != arr[:-1]))] if arr.size else arr


def checked_ids(graph, what: str, ids) -> np.ndarray:
    """Ids to remove, as a sorted unique int64 array, after checking every one: an int,
    made by this graph, not removed. Raises before anything changes."""
    if isinstance(ids, (int, np.integer)) and not isinstance(ids, bool):
        ids = [ids]
    if isinstance(ids, np.ndarray):     # the fast path: no per-id Python work
        if ids.size and ids.dtype.kind not in "iu":
            raise TypeError(f"{what} ids are ints, got an array of {ids.dtype} values")
        arr = ids
    else:
        ids = list(ids)
        for i in ids:
            if not isinstance(i, (int, np.integer)) or isinstance(i, (bool, np.bool_)):
                raise TypeError(f"{what} ids are ints, got {i!r}")
        arr = np.array(ids, dtype=np.int64)
    if arr.size == 0:
        return _EMPTY
    arr = _sorted_unique(arr.astype(np.int64).ravel())
    span = _span(graph, what)
    outside = (arr < 0) | (arr >= span)
    if outside.any():
        raise KeyError(missing(graph, what, int(arr[outside][0])))
    if graph._removed is not None:
        gone = ~live_mask(graph, what)[arr]
        if gone.any():
            raise KeyError(missing(graph, what, int(arr[gone][0])))
    return arr


def incident_edges(graph, nodes: np.ndarray) -> np.ndarray:
    """Live edges with an end in ``nodes`` (sorted ids)."""
    hit = np.zeros(_span(graph, "node"), dtype=bool)
    hit[nodes] = True
    touch = hit[graph._src.data] | hit[graph._dst.data]
    mask = live_mask(graph, "edge")
    if mask is not None:
        touch &= mask
    return np.flatnonzero(touch).astype(np.int64)


def record(graph, nodes: np.ndarray, edges: np.ndarray) -> None:
    """Mark checked ids removed (``edges`` already holds the nodes' incident edges)."""
    removed = graph._removed or Removed()
    # disjoint sorted sets (checked ids are live): a sort merges them
    graph._removed = Removed(np.sort(np.concatenate([removed.nodes, nodes])),
                             np.sort(np.concatenate([removed.edges, edges])))


def live_ends(graph):
    """(sources, targets, edge ids) of the live edges; edge ids None when all are live."""
    src, dst = graph._src.data, graph._dst.data
    ids = live_ids(graph, "edge")
    if ids is None:
        return src, dst, None
    return src[ids], dst[ids], ids


def check_ends_live(graph, *ends) -> None:
    """A new edge may not end at a removed node."""
    mask = live_mask(graph, "node")
    if mask is None:
        return
    for arr in ends:
        dead = ~mask[arr] if arr.size else np.zeros(0, bool)
        if dead.any():
            raise KeyError(f"edge end {int(arr[dead][0])}: node {int(arr[dead][0])} "
                           "was removed")
