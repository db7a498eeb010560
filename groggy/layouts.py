"""Layouts kept with a graph: the ``Layout`` result type (node positions aligned with node
ids) and ``g.layouts``, the mapping of name -> Layout that ``g.save`` writes into the store
(``layouts/<name>.npy``) and ``gg.open`` maps back.

This module sits in the graph layer (it needs only NumPy), so a graph can hold layouts
without importing the visualization services that compute them.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from groggy import removal
from groggy.store.layout import LAYOUT_NAME_RE

STORED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class Layout:
    """Positions of nodes: ``node_positions`` is an ``(n, 2)`` float array aligned with
    ``node_ids``; ``layout[node_id]`` is one node's position.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2)])
    >>> lay = g.viz.compute_layout("circular")
    >>> lay.node_positions.shape, lay.algorithm
    ((4, 2), 'circular')
    """

    def __init__(self, positions: np.ndarray, node_ids: np.ndarray, algorithm: str,
                 params: dict, edge_bends: "EdgeBends | None" = None):
        self.node_positions = np.ascontiguousarray(positions, dtype=np.float64)
        self.node_ids = np.asarray(node_ids, dtype=np.int64)
        self.algorithm, self.params = algorithm, dict(params)
        self.edge_bends = edge_bends      # where edges bend (layered layouts), or None
        self._index = None

    def __len__(self) -> int:
        return self.node_positions.shape[0]

    @property
    def bounds(self) -> tuple:
        """(xmin, ymin, xmax, ymax); zeros for an empty layout."""
        if len(self) == 0:
            return (0.0, 0.0, 0.0, 0.0)
        lo, hi = self.node_positions.min(0), self.node_positions.max(0)
        return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))

    def __getitem__(self, node_id) -> np.ndarray:
        i = np.searchsorted(self.node_ids, node_id) if self._sorted() else None
        if i is None or i >= len(self) or self.node_ids[i] != node_id:
            if self._index is None:
                self._index = {int(v): k for k, v in enumerate(self.node_ids.tolist())}
            if node_id not in self._index:
                raise KeyError(f"node {node_id} is not in this layout")
            i = self._index[node_id]
        return self.node_positions[i]

    def _sorted(self) -> bool:
        ids = self.node_ids
        return ids.size < 2 or bool((ids[1:] > ids[:-1]).all())

    def __repr__(self) -> str:
        x0, y0, x1, y1 = self.bounds
        return (f"Layout({self.algorithm}, {len(self):,} nodes, "
                f"bounds=({x0:.3g}, {y0:.3g})..({x1:.3g}, {y1:.3g}))")


class EdgeBends(NamedTuple):
    """Points that edges pass through between their ends (a layered layout routes an
    edge spanning k layers through k - 1 of them), CSR style: edge ``edge_ids[i]`` bends
    at ``points[offsets[i]:offsets[i + 1]]``, listed from its source to its target.
    Edges not listed are straight.

    Examples
    --------
    >>> bends = EdgeBends(np.array([4, 7]), np.array([0, 0, 2]),
    ...                   np.array([[0.0, -1.0], [0.0, -2.0]]))
    >>> offsets, points = bends.for_edges(np.array([7, 5]))
    >>> offsets.tolist(), points.tolist()
    ([0, 2, 2], [[0.0, -1.0], [0.0, -2.0]])
    """
    edge_ids: np.ndarray
    offsets: np.ndarray
    points: np.ndarray

    def for_edges(self, edge_ids: np.ndarray) -> tuple:
        """(offsets, points) for ``edge_ids`` in that order; unknown edges get none."""
        ids, edge_ids = self.edge_ids, np.asarray(edge_ids, dtype=np.int64)
        if ids.shape == edge_ids.shape and np.array_equal(ids, edge_ids):
            return self.offsets, self.points
        if ids.size == 0:
            return np.zeros(edge_ids.size + 1, dtype=np.int64), self.points[:0]
        order = np.argsort(ids, kind="stable")
        row = order[np.minimum(np.searchsorted(ids, edge_ids, sorter=order), ids.size - 1)]
        found = ids[row] == edge_ids
        counts = np.where(found, self.offsets[row + 1] - self.offsets[row], 0)
        offsets = np.zeros(edge_ids.size + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        take = np.repeat(self.offsets[row], counts) + \
            (np.arange(offsets[-1]) - np.repeat(offsets[:-1], counts))
        return offsets, self.points[take]


def positions_for(layout: Layout, node_ids: np.ndarray) -> np.ndarray:
    """The rows of ``layout`` for ``node_ids`` (a layout of a whole graph serves any
    part of it); ``ValueError`` naming nodes the layout does not hold.

    Examples
    --------
    >>> lay = Layout(np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]]), np.array([0, 1, 2]),
    ...              "fixed", {})
    >>> positions_for(lay, np.array([2, 0])).tolist()
    [[3.0, 4.0], [0.0, 0.0]]
    """
    ids = layout.node_ids
    if ids.shape == node_ids.shape and np.array_equal(ids, node_ids):
        return layout.node_positions
    order = np.argsort(ids, kind="stable")
    at = np.minimum(np.searchsorted(ids, node_ids, sorter=order), max(ids.size - 1, 0))
    found = ids[order[at]] == node_ids if ids.size else np.zeros(node_ids.size, bool)
    if not found.all():
        missing = node_ids[~found][:5].tolist()
        raise ValueError(f"the layout has no position for node(s) {missing} "
                         f"({int((~found).sum())} missing); compute it with "
                         f"obj.viz.compute_layout() on this object or on its graph")
    return layout.node_positions[order[at]]


def check_positions(positions: np.ndarray, node_ids: np.ndarray) -> None:
    """``ValueError`` naming the first node whose position is NaN or infinite."""
    bad = ~np.isfinite(positions).all(1)
    if bad.any():
        first = int(node_ids[np.argmax(bad)])
        raise ValueError(f"the layout gives node {first} a position that is not a finite "
                         f"number ({int(bad.sum())} such node(s)); fix or recompute the "
                         f"layout (obj.viz.compute_layout())")


def place_unknown(pos: np.ndarray, known: np.ndarray, indptr: np.ndarray,
                  indices: np.ndarray, seed: int = 0) -> None:
    """Give the rows of ``pos`` not ``known`` a position in place: the mean of their
    known neighbours (undirected CSR ``indptr``/``indices``), or the centre of the known
    ones, plus a tiny deterministic jitter so that no two new nodes coincide.

    Examples
    --------
    >>> pos = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 0.0]])
    >>> indptr, indices = np.array([0, 1, 2, 4]), np.array([2, 2, 0, 1])
    >>> place_unknown(pos, np.array([True, True, False]), indptr, indices)
    >>> (np.round(pos[2], 2) + 0.0).tolist()
    [1.0, 0.0]
    """
    centre = pos[known].mean(0) if known.any() else np.zeros(2)
    rng = np.random.default_rng(seed)
    for v in np.flatnonzero(~known).tolist():
        placed = [u for u in indices[indptr[v]:indptr[v + 1]].tolist() if known[u]]
        pos[v] = (pos[placed].mean(0) if placed else centre) + rng.normal(0, 1e-3, 2)


def check_name(name) -> str:
    """A stored layout's name: it becomes the file ``layouts/<name>.npy``, so letters,
    digits, ``_``, ``-`` and ``.`` only, not starting with ``.`` or ``-``, at most 64."""
    if not isinstance(name, str) or not LAYOUT_NAME_RE.fullmatch(name):
        raise ValueError(f"layout name {name!r} is not a safe file name: use letters, "
                         "digits, '_', '-' and '.', starting with a letter, digit or '_', "
                         "at most 64 characters (e.g. 'force_directed')")
    return name


def json_params(params: dict) -> dict:
    """The parameters JSON can carry (what a store's manifest keeps): the rest, such as
    arrays and callbacks, are left out.

    Examples
    --------
    >>> json_params({"seed": 1, "theta": 1.2, "initial_positions": np.zeros(2),
    ...              "progress": print, "bad": float("nan")})
    {'seed': 1, 'theta': 1.2}
    """
    out = {}
    for key, value in params.items():
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            continue
        if isinstance(key, str) and (value is None or isinstance(value, (bool, int, float, str))):
            out[key] = value
    return out


class Stored(NamedTuple):
    """One stored layout: ``positions`` ``(k, 2)`` float32 or float64 for nodes 0..k-1
    (k below the node count once nodes were added), and where it came from."""
    positions: np.ndarray
    algorithm: str
    params: dict
    check: object = None     # the store's first-read check (CRC-32 and finiteness), or None
    origin: object = None    # (generation directory, relative file) it was mapped from
    bends: object = None     # EdgeBends of a layered layout, or None


class Layouts(Mapping):
    """``g.layouts``: layouts kept with the graph, by name.

    ``g.layouts[name] = layout`` takes a :class:`Layout` of the graph's nodes (any order)
    or an ``(n, 2)`` array of floats aligned with node ids 0..n-1; wrong shapes,
    non-finite positions (the node is named) and names that are not safe file names are
    refused. ``g.save`` writes them, ``gg.open`` maps them, and ``viz.interactive(layout=
    name)`` / ``viz.export(..., layout=name)`` use a stored layout instead of computing.

    Nodes added after a layout was stored keep the stored positions of the others
    unchanged: on the next read each new node is placed at the mean of its placed
    neighbours (or at the centre), and that extended layout is kept. Refine it with
    ``g.layouts[name] = g.viz.update_layout(g.layouts[name])``.

    Examples
    --------
    >>> import numpy as np, groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
    >>> g.layouts["line"] = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    >>> _ = g.viz.compute_layout("circular", store=True)
    >>> sorted(g.layouts), "line" in g.layouts, g.layouts["line"][2].tolist()
    (['circular', 'line'], True, [2.0, 0.0])
    >>> del g.layouts["circular"]; len(g.layouts)
    1
    """

    def __init__(self, graph):
        self._graph = graph
        self._entries: dict[str, Stored] = {}

    # ------------------------------------------------------------------ reading
    def __getitem__(self, name) -> Layout:
        entry = self._entry(name)
        live = removal.live_ids(self._graph, "node")   # rows are kept for removed ids
        if live is not None:
            return Layout(entry.positions[live], live, entry.algorithm, entry.params,
                          entry.bends)
        n = self._graph.node_count()
        return Layout(entry.positions, np.arange(n, dtype=np.int64), entry.algorithm,
                      entry.params, entry.bends)

    def _entry(self, name) -> Stored:
        """The entry for ``name``, checked (first read of a mapped file) and brought up
        to the graph's node count."""
        try:
            entry = self._entries[name]
        except (KeyError, TypeError):
            raise KeyError(f"no stored layout {name!r}; stored: {sorted(self._entries)}"
                           ) from None
        if entry.check is not None:
            entry.check()
            entry = self._entries[name] = entry._replace(check=None)
        n, k = self._graph._nodes.length, entry.positions.shape[0]
        if k < n:
            entry = self._entries[name] = self._extended(entry, n)
        return entry

    def _extended(self, entry: Stored, n: int) -> Stored:
        k = entry.positions.shape[0]
        pos = np.zeros((n, 2), dtype=np.float64)
        pos[:k] = entry.positions
        indptr, indices, _ = self._graph._csr("all")
        place_unknown(pos, np.arange(n) < k, indptr, indices)
        return Stored(pos.astype(entry.positions.dtype), entry.algorithm, entry.params,
                      bends=entry.bends)

    def __contains__(self, name) -> bool:
        return isinstance(name, str) and name in self._entries

    def __iter__(self):
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def describe(self) -> str:
        """One line naming each stored layout, its algorithm and dtype (reads no data).

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(2)
        >>> _ = g.viz.compute_layout("grid", store="tidy"); g.layouts.describe()
        'tidy (grid, float64)'
        """
        return ", ".join(f"{name} ({e.algorithm}, {e.positions.dtype})"
                         for name, e in self._entries.items())

    def __repr__(self) -> str:
        return f"Layouts({self.describe()})"

    # ------------------------------------------------------------------ writing
    def __setitem__(self, name, value) -> None:
        check_name(name)
        clash = [k for k in self._entries if k.lower() == name.lower() and k != name]
        if clash:
            raise ValueError(f"layout name {name!r} differs from the stored {clash[0]!r} "
                             "only by case, and both would be one file on case-insensitive "
                             f"file systems; delete {clash[0]!r} first or pick another name")
        self._entries[name] = self._coerce(value)

    def __delitem__(self, name) -> None:
        if name not in self:
            raise KeyError(f"no stored layout {name!r}; stored: {sorted(self._entries)}")
        del self._entries[name]

    def _coerce(self, value) -> Stored:
        n = self._graph.node_count()
        live = removal.live_ids(self._graph, "node")
        ids = np.arange(n, dtype=np.int64) if live is None else live
        bends = None
        if isinstance(value, Layout):
            positions = positions_for(value, ids)
            algorithm, params = value.algorithm, json_params(value.params)
            bends = value.edge_bends     # keyed by edge id: valid for the graph as it is
        else:
            positions = np.asarray(value)
            if positions.dtype.kind not in "fiu":
                raise TypeError(f"a stored layout is a Layout or an (n, 2) array of numbers; "
                                f"got {type(value).__name__} of dtype {positions.dtype}")
            algorithm, params = "custom", {}
        if positions.shape != (n, 2):
            raise ValueError(f"a layout of this graph has shape ({n}, 2) (one x, y row per "
                             f"node, in node id order); got shape {positions.shape}")
        dtype = positions.dtype if positions.dtype in STORED_DTYPES else np.float64
        positions = np.array(positions, dtype=dtype)   # a copy: later edits do not leak in
        check_positions(positions, ids)
        if live is not None:   # stored by id: removed ids keep a row (at the origin)
            full = np.zeros((self._graph._nodes.length, 2), dtype=dtype)
            full[live] = positions
            positions = full
        positions.flags.writeable = False
        return Stored(positions, algorithm, params, bends=bends)

    # ------------------------------------------------------------------ for the store
    def _load(self, name: str, stored: Stored) -> None:
        """Take a layout mapped from a store (already checked against the manifest)."""
        self._entries[name] = stored

    def _current(self) -> dict:
        """Every entry, brought up to the node count (what a save writes)."""
        return {name: self._entry(name) for name in list(self._entries)}

    def _copy_to(self, graph) -> "Layouts":
        out = Layouts(graph)
        for name in self._entries:
            e = self._entry(name)
            out._entries[name] = Stored(np.array(e.positions), e.algorithm, dict(e.params),
                                        bends=e.bends)
        return out


class SubgraphLayouts(Mapping):
    """``sg.layouts``: the graph's stored layouts restricted to a subgraph's nodes
    (read-only; store layouts on the graph).

    Examples
    --------
    >>> import numpy as np, groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(3)
    >>> g.layouts["line"] = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    >>> lay = g.nodes[[0, 2]].layouts["line"]
    >>> lay.node_ids.tolist(), lay.node_positions.tolist()
    ([0, 2], [[0.0, 0.0], [2.0, 0.0]])
    """

    def __init__(self, layouts: Layouts, node_ids: np.ndarray):
        self._layouts, self._node_ids = layouts, node_ids

    def __getitem__(self, name) -> Layout:
        full = self._layouts[name]
        return Layout(positions_for(full, self._node_ids), self._node_ids, full.algorithm,
                      full.params, full.edge_bends)

    def __contains__(self, name) -> bool:
        return name in self._layouts

    def __iter__(self):
        return iter(self._layouts)

    def __len__(self) -> int:
        return len(self._layouts)

    def __setitem__(self, name, value):
        raise TypeError("a subgraph's layouts are read-only views of its graph's; store "
                        "a layout of the whole graph with g.layouts[name] = layout")

    def __delitem__(self, name):
        self.__setitem__(name, None)

    def __repr__(self) -> str:
        return f"SubgraphLayouts({', '.join(self)}; {self._node_ids.size:,} nodes)"

