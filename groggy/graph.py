"""The graph: dense integer ids, node and edge attribute columns, CSR adjacency built on
demand from the edge columns, and change events for live views."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from groggy import kernels, removal, storage, store
from groggy.errors import ReadOnlyError, require
from groggy.layouts import EdgeBends, Layouts, Stored
from groggy.matrices import MatrixMethods
from groggy.queries import Scope
from groggy.query_methods import QueryMethods
from groggy.storage import Column, ColumnStore
from groggy.summary import GraphSummary
from groggy.upstream import GraphUpstreamCalls

RESERVED_NODE_ATTRS = frozenset({"node_id"})
RESERVED_EDGE_ATTRS = frozenset({"edge_id", "source", "target"})


def _check_names(names, reserved, what):
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{what} attribute names must be str, got {name!r}")
        if name in reserved:
            raise ValueError(f"{name!r} is a reserved {what} column name; pick another")


def _int_array(values, what: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.size == 0:
        return np.empty(0, dtype=np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{what} must be integer node ids, got {arr.dtype} values")
    return arr.astype(np.int64).ravel()


def _checked_id(i, count: int, what: str) -> int:
    if not isinstance(i, (int, np.integer)) or isinstance(i, bool):
        raise TypeError(f"{what} ids are ints, got {i!r}")
    if not 0 <= i < count:
        raise KeyError(f"{what} {i} does not exist (graph has {count} {what}s)")
    return int(i)


def _checked_live_id(graph, i, what: str) -> int:
    """An id of a live node or edge: stable ids run to the column length, with gaps
    where elements were removed (groggy/removal.py)."""
    if graph._removed is None:
        return _checked_id(i, removal._span(graph, what), what)
    if not isinstance(i, (int, np.integer)) or isinstance(i, bool):
        raise TypeError(f"{what} ids are ints, got {i!r}")
    if not 0 <= i < removal._span(graph, what) or removal.is_removed(graph, what, int(i)):
        raise KeyError(removal.missing(graph, what, i))
    return int(i)


class Graph(QueryMethods, MatrixMethods, GraphSummary, GraphUpstreamCalls):
    """A directed or undirected graph with columnar node and edge attributes.

    Node and edge ids are dense integers from 0 in insertion order.

    Parameters
    ----------
    directed : bool
        Whether edges have a direction.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph()
    >>> a = g.add_node(name="Alice", age=30)
    >>> b = g.add_node(name="Bob", age=25)
    >>> e = g.add_edge(a, b, weight=0.5)
    >>> g.node_count(), g.edge_count(), g.get_node_attr(b, "name")
    (2, 1, 'Bob')
    """

    def __init__(self, directed: bool = False):
        self._directed = bool(directed)
        self._nodes = ColumnStore()
        self._edges = ColumnStore()
        self._src = Column.empty("source", "int64")
        self._dst = Column.empty("target", "int64")
        self._readonly_path: Path | None = None
        self._cache: dict = {}
        self._listeners: list = []
        self._layouts = Layouts(self)
        self._origin = None   # (generation directory, manifest) of a mapped graph
        self._removed = None  # removal.Removed once anything was removed, else None

    # ------------------------------------------------------------------ basics
    @property
    def is_directed(self) -> bool:
        return self._directed

    directed = is_directed

    def node_count(self) -> int:
        """Live nodes (ids of removed nodes are not reused, so ids may exceed this)."""
        gone = 0 if self._removed is None else self._removed.nodes.size
        return self._nodes.length - gone

    def edge_count(self) -> int:
        gone = 0 if self._removed is None else self._removed.edges.size
        return self._edges.length - gone

    def __len__(self) -> int:
        return self.node_count()

    def _summary_line(self) -> str:
        """The first line of ``repr(g)``; the nodes and edges tables follow it."""
        where = f", mapped from {str(self._readonly_path)!r}" if self._readonly_path else ""
        return (f"Graph(nodes={self.node_count():,}, edges={self.edge_count():,}, "
                f"directed={self._directed}{where})")

    def has_node(self, node) -> bool:
        return (isinstance(node, (int, np.integer)) and not isinstance(node, bool)
                and 0 <= node < self._nodes.length
                and not removal.is_removed(self, "node", int(node)))

    contains_node = has_node

    def _node(self, node) -> int:
        return _checked_live_id(self, node, "node")

    def _edge(self, edge) -> int:
        return _checked_live_id(self, edge, "edge")

    def edge_endpoints(self, edge) -> tuple:
        e = self._edge(edge)
        return int(self._src.data[e]), int(self._dst.data[e])

    # ------------------------------------------------------------------ change events
    def on_change(self, callback):
        """Call ``callback(event: dict)`` after every mutation; returns an unsubscribe
        function. Events: ``nodes_added``, ``edges_added``, ``node_attrs``, ``edge_attrs``,
        ``nodes_removed``, ``edges_removed`` (with the removed ``ids``)."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def _changed(self, event: dict, topology: bool) -> None:
        if topology:
            self._cache.clear()
        for callback in list(self._listeners):
            callback(event)

    def _check_writable(self) -> None:
        if self._readonly_path is not None:
            raise ReadOnlyError(f"this graph is memory-mapped read-only from "
                                f"{self._readonly_path}; call g.copy() for one you can change")

    # ------------------------------------------------------------------ nodes
    def add_node(self, **attrs) -> int:
        """Add one node with attributes; returns its id."""
        return self.add_nodes([attrs])[0]

    def add_nodes(self, nodes) -> list:
        """Add nodes: a count, a list of attribute dicts, or a dict of attribute columns
        (lists or NumPy arrays, the fast path for bulk loads). Returns the new ids.

        Examples
        --------
        >>> import numpy as np, groggy as gg
        >>> g = gg.Graph()
        >>> g.add_nodes({"age": np.array([30, 40]), "name": ["a", "b"]})
        [0, 1]
        >>> g.add_nodes(2)
        [2, 3]
        """
        self._check_writable()
        if isinstance(nodes, (int, np.integer)) and not isinstance(nodes, bool):
            if nodes < 0:
                raise ValueError(f"cannot add {nodes} nodes")
            count, attrs = int(nodes), {}
        elif isinstance(nodes, dict):
            lengths = {len(v) for v in nodes.values()}
            if len(lengths) > 1:
                raise ValueError(f"node attribute columns differ in length: {sorted(lengths)}")
            count, attrs = (lengths.pop() if lengths else 0), nodes
        else:
            nodes = list(nodes)
            if not all(isinstance(d, dict) for d in nodes):
                raise TypeError("add_nodes takes a count, a list of dicts or a dict of columns")
            keys = dict.fromkeys(k for d in nodes for k in d)
            count, attrs = len(nodes), {k: [d.get(k) for d in nodes] for k in keys}
        _check_names(attrs, RESERVED_NODE_ATTRS, "node")
        start = self._nodes.length
        self._nodes.add_rows(count, attrs)
        self._changed({"type": "nodes_added", "start": start, "count": count}, topology=True)
        return list(range(start, start + count))

    # ------------------------------------------------------------------ edges
    def add_edge(self, source, target, **attrs) -> int:
        """Add one edge with attributes; returns its id."""
        return self.add_edges([(source, target, attrs)])[0]

    def add_edges(self, edges, targets=None, /, **columns) -> list:
        """Add edges; returns the new edge ids.

        Accepts ``add_edges(sources, targets, **columns)`` with arrays (the fast path),
        an ``(m, 2)`` array, a list of ``(u, v)`` or ``(u, v, attrs)`` tuples, or a list of
        dicts with ``source`` and ``target`` keys.

        Examples
        --------
        >>> import numpy as np, groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(3)
        >>> g.add_edges(np.array([0, 1]), np.array([1, 2]), weight=np.array([0.5, 2.0]))
        [0, 1]
        >>> g.add_edges([(2, 0, {"weight": 1.0})])
        [2]
        """
        self._check_writable()
        if targets is not None:
            src, dst, attrs = _int_array(edges, "sources"), _int_array(targets, "targets"), columns
        else:
            if columns:
                raise TypeError("attribute columns go with add_edges(sources, targets, ...)")
            src, dst, attrs = self._parse_edges(edges)
        if src.shape != dst.shape:
            raise ValueError(f"sources and targets differ in length: {src.size} != {dst.size}")
        n = self._nodes.length
        for name, arr in (("source", src), ("target", dst)):
            if arr.size and (arr.min() < 0 or arr.max() >= n):
                bad = int(arr[(arr < 0) | (arr >= n)][0])
                raise KeyError(f"edge {name} {bad} is not a node (graph has {n} nodes)")
        removal.check_ends_live(self, src, dst)
        _check_names(attrs, RESERVED_EDGE_ATTRS, "edge")
        start, count = self._edges.length, int(src.size)
        self._edges.add_rows(count, attrs)
        self._src.append(src)
        self._dst.append(dst)
        self._changed({"type": "edges_added", "start": start, "count": count}, topology=True)
        return list(range(start, start + count))

    @staticmethod
    def _parse_edges(edges):
        if isinstance(edges, np.ndarray):
            if edges.ndim != 2 or edges.shape[1] != 2:
                raise ValueError(f"an edge array must have shape (m, 2), got {edges.shape}")
            return _int_array(edges[:, 0], "sources"), _int_array(edges[:, 1], "targets"), {}
        edges = list(edges)
        src, dst, rows = [], [], []
        for item in edges:
            if isinstance(item, dict):
                if "source" not in item or "target" not in item:
                    raise ValueError(f"edge dict {item!r} needs 'source' and 'target' keys")
                src.append(item["source"])
                dst.append(item["target"])
                rows.append({k: v for k, v in item.items() if k not in ("source", "target")})
            elif isinstance(item, (tuple, list)) and len(item) in (2, 3):
                src.append(item[0])
                dst.append(item[1])
                attrs = item[2] if len(item) == 3 else {}
                if not isinstance(attrs, dict):
                    raise TypeError(f"edge {item!r}: the third item must be a dict of attributes")
                rows.append(attrs)
            else:
                raise TypeError(f"cannot read edge {item!r}: give (u, v), (u, v, attrs) "
                                "or a dict with 'source' and 'target'")
        for value in src + dst:
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
                raise TypeError(f"edge endpoints are int node ids, got {value!r}")
        keys = dict.fromkeys(k for r in rows for k in r)
        attrs = {k: [r.get(k) for r in rows] for k in keys}
        return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64), attrs

    # ------------------------------------------------------------------ removal
    def remove_node(self, node) -> None:
        """Remove one node and its edges; see :meth:`remove_nodes`."""
        self.remove_nodes([node])

    def remove_nodes(self, nodes) -> None:
        """Remove nodes and every edge touching them. All or nothing: an unknown or
        already removed id, or a non-int, raises before anything changes.

        Ids stay stable: other ids do not move, and removed ids are never handed out
        again (``add_node`` continues past the highest id ever used). Tables, counts,
        degrees, components, layouts and exports leave removed elements out; reading a
        removed id raises ``KeyError``. :meth:`compact` renumbers densely.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2), (2, 3)])
        >>> g.remove_nodes([1])
        >>> g.node_count(), g.edge_count(), g.nodes.table().node_ids().to_list()
        (3, 1, [0, 2, 3])
        >>> g.add_node()
        4
        """
        self._check_writable()
        ids = removal.checked_ids(self, "node", nodes)
        edges = removal.incident_edges(self, ids) if ids.size else ids
        self._remove(ids, edges)

    def remove_edge(self, edge) -> None:
        """Remove one edge; see :meth:`remove_edges`."""
        self.remove_edges([edge])

    def remove_edges(self, edges) -> None:
        """Remove edges (their end nodes stay). All or nothing, ids stable, as
        :meth:`remove_nodes`.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
        >>> g.remove_edge(0)
        >>> g.edge_count(), g.degree().to_list(), g.edges.table().edge_ids().to_list()
        (1, [0, 1, 1], [1])
        """
        self._check_writable()
        self._remove(np.empty(0, dtype=np.int64), removal.checked_ids(self, "edge", edges))

    def _remove(self, nodes: np.ndarray, edges: np.ndarray) -> None:
        if not nodes.size and not edges.size:
            return
        removal.record(self, nodes, edges)
        self._cache.clear()
        if edges.size:
            self._changed({"type": "edges_removed", "ids": edges}, topology=True)
        if nodes.size:
            self._changed({"type": "nodes_removed", "ids": nodes}, topology=True)

    def compact(self, return_mapping: bool = False):
        """A new in-memory graph without the removed elements, ids renumbered ``0..``
        in id order (attributes and stored layouts kept). With ``return_mapping``,
        also an array giving each old node id its new id (-1: removed).

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes({"name": ["a", "b", "c"]})
        >>> _ = g.add_edges([(0, 2)]); g.remove_node(1)
        >>> h, old_to_new = g.compact(return_mapping=True)
        >>> h.nodes["name"].to_list(), h.edge_endpoints(0), old_to_new.tolist()
        (['a', 'c'], (0, 1), [0, -1, 1])
        """
        from groggy.subgraph import Subgraph
        nodes = removal.live_ids(self, "node")
        edges = removal.live_ids(self, "edge")
        if nodes is None:
            nodes = np.arange(self._nodes.length, dtype=np.int64)
        if edges is None:
            edges = np.arange(self._edges.length, dtype=np.int64)
        out = Subgraph(self, nodes, edges).to_graph()
        if not return_mapping:
            return out
        mapping = np.full(self._nodes.length, -1, dtype=np.int64)
        mapping[nodes] = np.arange(nodes.size, dtype=np.int64)
        return out, mapping

    # ------------------------------------------------------------------ attributes
    def _set_attr(self, store, reserved, what, key, name, ids, values):
        self._check_writable()
        _check_names([name], reserved, what)
        ids = np.asarray(ids, dtype=np.int64)
        store.set_values(name, ids, values)
        self._changed({"type": key, "attr": name, "ids": ids}, topology=False)

    def set_node_attr(self, node, attr: str, value) -> None:
        self._set_attr(self._nodes, RESERVED_NODE_ATTRS, "node", "node_attrs", attr,
                       [self._node(node)], [value])

    def set_edge_attr(self, edge, attr: str, value) -> None:
        self._set_attr(self._edges, RESERVED_EDGE_ATTRS, "edge", "edge_attrs", attr,
                       [self._edge(edge)], [value])

    def set_node_attrs(self, attrs: dict) -> None:
        """Bulk write: ``{attr: {node_id: value}}``.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(2)
        >>> g.set_node_attrs({"score": {0: 1.5, 1: 2.5}})
        >>> g.get_node_attr(1, "score")
        2.5
        """
        self._set_attrs(attrs, self._node, self._nodes, RESERVED_NODE_ATTRS, "node")

    def set_edge_attrs(self, attrs: dict) -> None:
        """Bulk write: ``{attr: {edge_id: value}}``."""
        self._set_attrs(attrs, self._edge, self._edges, RESERVED_EDGE_ATTRS, "edge")

    def _set_attrs(self, attrs, check_id, store, reserved, what):
        # check every id and value before writing anything: all attributes land or none
        self._check_writable()
        _check_names(attrs, reserved, what)
        planned = []
        for name, mapping in attrs.items():
            ids = [check_id(i) for i in mapping]
            values = list(mapping.values())
            kind = store.column(name).kind if name in store else storage.infer_kind(values, name)
            if kind == "int64" and storage.brings_floats(values, name):
                kind = "float64"
            storage.coerce(values, kind, name)
            planned.append((name, ids, values))
        for name, ids, values in planned:
            self._set_attr(store, reserved, what, f"{what}_attrs", name, ids, values)

    @staticmethod
    def _get_attr(store, i, attr, default):
        if attr not in store:
            return default
        value = store.column(attr).to_list([i])[0]
        return default if value is None else value

    def get_node_attr(self, node, attr: str, default=None):
        """Attribute ``attr`` of ``node``; ``default`` when unset or null."""
        return self._get_attr(self._nodes, self._node(node), attr, default)

    def get_edge_attr(self, edge, attr: str, default=None):
        return self._get_attr(self._edges, self._edge(edge), attr, default)

    @staticmethod
    def _get_attrs(store, ids, attrs):
        names = store.names() if attrs is None else ([attrs] if isinstance(attrs, str) else attrs)
        ids = np.asarray(ids, dtype=np.int64)
        out = {}
        for name in names:
            values = store.column(name).to_list(ids)
            out[name] = {i: v for i, v in zip(ids.tolist(), values) if v is not None}
        return out

    def get_node_attrs(self, nodes, attrs=None) -> dict:
        """``{attr: {node_id: value}}`` for ``nodes`` (nulls left out); every attribute
        unless ``attrs`` names some."""
        return self._get_attrs(self._nodes, [self._node(n) for n in nodes], attrs)

    def get_edge_attrs(self, edges, attrs=None) -> dict:
        return self._get_attrs(self._edges, [self._edge(e) for e in edges], attrs)

    # ------------------------------------------------------------------ accessors
    @property
    def viz(self):
        """Layouts and drawings of this graph: ``g.viz.compute_layout("force_directed")``,
        ``g.viz.export("g.png")``."""
        from groggy.viz import VizModule
        return VizModule(self)

    def _viz_source(self):
        return self

    @property
    def layouts(self) -> Layouts:
        """Layouts kept with the graph, by name (``g.layouts[name] = layout``); saved by
        :meth:`save`, mapped by ``gg.open``, used by ``viz.interactive(layout=name)``.
        See :class:`groggy.layouts.Layouts`."""
        return self._layouts

    def interactive(self, **kwargs):
        """The graph view in the browser; takes the arguments of
        :meth:`groggy.viz.VizModule.interactive` and returns its ``VizHandle``."""
        return self.viz.interactive(**kwargs)

    @property
    def nodes(self):
        """Accessor: ``g.nodes[id]``, ``g.nodes["attr"]``, ``g.nodes[mask]``, ``.table()``."""
        from groggy.accessors import NodesAccessor
        return NodesAccessor(self, removal.live_ids(self, "node"))

    @property
    def edges(self):
        """Accessor: ``g.edges[id]``, ``g.edges["attr"]``, ``.sources()``, ``.table()``."""
        from groggy.accessors import EdgesAccessor
        return EdgesAccessor(self, removal.live_ids(self, "edge"))

    def table(self):
        """Both tables (a :class:`~groggy.tables.GraphTable`); removed elements are left out."""
        from groggy.tables import GraphTable
        return GraphTable._for(self)

    graph_table = table

    # ------------------------------------------------------------------ structure
    def _csr(self, mode: str = "all"):
        """(indptr, indices, edge_ids); mode "all" follows edges both ways, "out" and "in"
        one way. Cached until the topology changes."""
        key = ("csr", mode if self._directed else "all")
        if key not in self._cache:
            src, dst, live = removal.live_ends(self)
            if key[1] == "in":
                src, dst = dst, src
            indptr, indices, eids = kernels.build_csr(src, dst, self._nodes.length,
                                                      both_ways=key[1] == "all")
            self._cache[key] = indptr, indices, (eids if live is None else live[eids])
        return self._cache[key]

    def degree(self, nodes=None, mode: str = "all"):
        """Degree of one node (an int), or of several or all nodes (a ``NumArray``).

        ``mode`` is ``"all"``, ``"out"`` or ``"in"`` (the latter two for directed graphs).
        A self-loop adds 2 to the degree of its node.
        """
        from groggy.arrays import graph_array
        key = ("degree", mode if self._directed else "all")
        if key not in self._cache:
            src, dst, _ = removal.live_ends(self)
            self._cache[key] = kernels.degree(src, dst, self._nodes.length, key[1])
        deg = self._cache[key]
        if nodes is None:   # one value per live node, in id order (as the nodes table)
            live = removal.live_ids(self, "node")
            return graph_array(deg if live is None else deg[live], "degree", self, ids=live)
        if isinstance(nodes, (int, np.integer)):
            return int(deg[self._node(nodes)])
        ids = [self._node(v) for v in nodes]
        return graph_array(deg[ids], "degree", self, ids=ids)

    def in_degree(self, nodes=None):
        return self.degree(nodes, "in")

    def out_degree(self, nodes=None):
        return self.degree(nodes, "out")

    def neighbors(self, node) -> list:
        """Sorted distinct neighbours (successors, in a directed graph)."""
        indptr, indices, _ = self._csr("out")
        v = self._node(node)
        return np.unique(indices[indptr[v]:indptr[v + 1]]).tolist()

    # ------------------------------------------------------------------ queries
    # density, paths, traversals, neighbourhoods, components: groggy.query_methods
    def _scope(self) -> Scope:
        return Scope.of(self)

    def _parent(self) -> "Graph":
        return self

    def __getitem__(self, key):
        """``g[key]`` is ``g.nodes[key]``: ``g["age"]`` is a node attribute column."""
        return self.nodes[key]

    def __iter__(self):
        return iter(self.nodes)

    def __contains__(self, node) -> bool:
        return self.has_node(node)

    def view(self):
        """The whole graph as a :class:`~groggy.subgraph.Subgraph` (no copy)."""
        return self._make_subgraph(np.arange(self.node_count(), dtype=np.int64),
                                   np.arange(self.edge_count(), dtype=np.int64))

    # ------------------------------------------------------------------ io
    def save(self, path, partitions: int | None = None) -> Path:
        """Write the graph and its stored layouts (``g.layouts``) to directory ``path`` as
        a new generation and make it current atomically: ``path`` opens as the old graph
        or the new one at every instant.

        ``partitions=k`` writes nodes and edges as ``k`` row ranges each, one directory
        of ``.npy`` files per range, for Dask workers to read one partition each
        (``groggy.dask.open``); ``gg.open`` still maps the store as one graph.

        A graph opened with ``gg.open`` cannot change, so its column files are linked
        from the generation it was opened from rather than written again: storing a
        layout in a large store writes the layout only.

        Examples
        --------
        >>> import tempfile, os, groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
        >>> path = g.save(os.path.join(tempfile.mkdtemp(), "g.groggy"))
        >>> opened = gg.open(path)
        >>> _ = opened.viz.compute_layout("circular", store=True)
        >>> _ = opened.save(path)
        >>> sorted(p.name for p in (path / "gen-2").iterdir())
        ['edges', 'layouts', 'manifest.json', 'nodes']
        >>> gg.open(path).layouts["circular"].node_positions.shape
        (3, 2)
        >>> parts = g.save(os.path.join(tempfile.mkdtemp(), "p.groggy"), partitions=2)
        >>> sorted(p.name for p in (parts / "gen-1" / "edges").iterdir())
        ['p00000', 'p00001']
        >>> gg.open(parts).edge_count()
        2
        """
        if partitions is not None and (isinstance(partitions, bool) or not isinstance(
                partitions, (int, np.integer)) or partitions < 1):
            raise ValueError(f"partitions must be a whole number >= 1, got {partitions!r}")
        return store.save_store(path, self._directed, self._nodes, self._edges,
                                self._src, self._dst, self._layouts._current(), self._origin,
                                removed=self._removed,
                                partitions=None if partitions is None else int(partitions))

    # ------------------------------------------------------------------ files (groggy.io)
    def to_pandas(self):
        """``(nodes_df, edges_df)``; see :func:`groggy.io.pandas.to_pandas`."""
        from groggy.io import pandas as io_pandas
        return io_pandas.to_pandas(self)

    def to_parquet(self, nodes_path, edges_path, **kwargs) -> None:
        """Two Parquet files; see :func:`groggy.io.parquet.to_parquet`."""
        from groggy.io import parquet
        parquet.to_parquet(self, nodes_path, edges_path, **kwargs)

    def to_json(self, path=None, indent=None):
        """JSON text, or a file; see :func:`groggy.io.json.to_json`."""
        from groggy.io import json as io_json
        return io_json.to_json(self, path, indent)

    def to_dict(self) -> dict:
        """``{"directed", "nodes", "edges"}`` columns; see :func:`groggy.io.dict.to_dict`."""
        from groggy.io import dict as io_dict
        return io_dict.to_dict(self)

    def save_bundle(self, path) -> Path:
        """Upstream's name for :meth:`save`; see :mod:`groggy.io.bundle`."""
        return self.save(path)

    def copy(self) -> "Graph":
        """An in-memory copy you can change (of a memory-mapped graph, too)."""
        g = Graph(self._directed)
        g._nodes, g._edges = self._nodes.copy(), self._edges.copy()
        g._src = Column.from_values("source", np.array(self._src.data))
        g._dst = Column.from_values("target", np.array(self._dst.data))
        g._removed = None if self._removed is None else self._removed.copy()
        g._layouts = self._layouts._copy_to(g)
        return g

    def to_networkx(self):
        """A ``networkx.Graph`` / ``DiGraph`` (MultiGraph variants if edges repeat)."""
        nx = require("networkx", "to_networkx")
        src, dst, live_edges = removal.live_ends(self)
        live_nodes = removal.live_ids(self, "node")
        pairs = np.stack([np.minimum(src, dst), np.maximum(src, dst)], 1) \
            if not self._directed else np.stack([src, dst], 1)
        multi = pairs.shape[0] != np.unique(pairs, axis=0).shape[0] if pairs.size else False
        cls = {(False, False): nx.Graph, (True, False): nx.DiGraph,
               (False, True): nx.MultiGraph, (True, True): nx.MultiDiGraph}[(self._directed, multi)]
        G = cls()
        node_cols = {n: c.to_list() for n, c in self._nodes.columns.items()}
        G.add_nodes_from((i, {k: v[i] for k, v in node_cols.items() if v[i] is not None})
                         for i in (range(self.node_count()) if live_nodes is None
                                   else live_nodes.tolist()))
        edge_cols = {n: c.to_list() for n, c in self._edges.columns.items()}
        G.add_edges_from((int(u), int(v), {k: col[e] for k, col in edge_cols.items()
                                           if col[e] is not None})
                         for e, u, v in zip(range(src.size) if live_edges is None
                                            else live_edges.tolist(), src.tolist(), dst.tolist()))
        return G

    @classmethod
    def from_networkx(cls, G) -> "Graph":
        """A groggy graph from a networkx graph; nodes are renumbered 0.. in networkx order
        and the original node keys are kept in the ``nx_id`` attribute when not 0..n-1."""
        g = cls(directed=G.is_directed())
        keys = list(G.nodes)
        index = {k: i for i, k in enumerate(keys)}
        rows = [dict(G.nodes[k]) for k in keys]
        if keys != list(range(len(keys))):
            for row, k in zip(rows, keys):
                row["nx_id"] = k if isinstance(k, (int, float, str, bool)) else str(k)
        g.add_nodes(rows)
        g.add_edges([(index[u], index[v], dict(d)) for u, v, d in G.edges(data=True)])
        return g


def open_graph(path, verify: bool = False, progress: bool | None = None) -> Graph:
    """Open a stored graph memory-mapped and read-only; reads no column data.

    Opening checks the manifest (and its own checksum), every file's size and every
    ``.npy`` header. The first read of each column checks its files' CRC-32s and
    structure (string offsets, null masks, edge ends) once; a damaged store is a
    ``groggy.StoreError`` naming the file, never silently wrong data.

    Parameters
    ----------
    path : str or Path
        A directory written by :meth:`Graph.save`.
    verify : bool
        Run every column's checks now (reads all data) instead of on first read.
    progress : bool, optional
        Show a progress bar while verifying; default: on a terminal, for stores over
        64 MiB.

    Raises
    ------
    groggy.StoreError
        A file is missing, truncated or does not match the manifest, or the format
        version is newer than this groggy reads.

    Examples
    --------
    >>> import tempfile, os, groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes({"x": [1, 2]}); _ = g.add_edge(0, 1)
    >>> path = os.path.join(tempfile.mkdtemp(), "g.groggy")
    >>> _ = g.save(path)
    >>> gg.open(path).nodes["x"].to_list()
    [1, 2]
    """
    opened = store.open_store(path, verify=verify, progress=progress)
    g = Graph(opened.directed)
    g._nodes, g._edges = opened.nodes, opened.edges
    g._src, g._dst = opened.sources, opened.targets
    g._readonly_path = Path(path)
    g._origin = (opened.location, opened.manifest)
    if opened.removed:
        g._removed = removal.Removed(**opened.removed)
    for name, (positions, entry, check, bends) in opened.layouts.items():
        g._layouts._load(name, Stored(positions, entry["algorithm"], entry["params"],
                                      check.run, (opened.location, opened.manifest,
                                                  entry["file"]),
                                      None if bends is None else EdgeBends(*bends)))
    return g
