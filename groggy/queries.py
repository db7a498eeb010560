"""Questions asked of a graph or a subgraph: density, connectivity, shortest paths,
traversals, neighbourhoods and components.

Every question runs over a :class:`Scope`, the nodes and edges it may use (a whole
graph, or a subgraph's id arrays), on CSR adjacency in local indices, and answers with
sorted global id arrays; ``Graph`` and ``Subgraph`` wrap the answers in their own types.
"""
from __future__ import annotations

import numpy as np

from groggy import kernels, removal

_NUMERIC = ("int64", "float64", "bool")


class Scope:
    """The nodes and edges a question may use.

    ``nodes`` and ``edges`` are sorted global id arrays, or None for every node / edge
    of ``graph``. The adjacency is built once per scope and mode (cached here; a whole
    graph's scope lives in the graph's cache, dropped when its topology changes).
    """

    def __init__(self, graph, nodes=None, edges=None, what: str = "graph"):
        self.graph, self.nodes, self.edges, self.what = graph, nodes, edges, what
        self._adjacency: dict = {}

    @classmethod
    def of(cls, graph) -> "Scope":
        """The whole graph's scope (cached with the graph's topology)."""
        scope = graph._cache.get("scope")
        if scope is None:
            # after removals, the graph is the subgraph of its live ids
            scope = graph._cache["scope"] = cls(graph, removal.live_ids(graph, "node"),
                                                removal.live_ids(graph, "edge"))
        return scope

    # sizes and ids ------------------------------------------------------------
    @property
    def directed(self) -> bool:
        return self.graph.is_directed

    def node_count(self) -> int:
        return self.graph.node_count() if self.nodes is None else int(self.nodes.size)

    def edge_count(self) -> int:
        return self.graph.edge_count() if self.edges is None else int(self.edges.size)

    def local(self, node, what: str = "node") -> int:
        """The local index of global node id ``node``; a KeyError names an unknown one."""
        if not isinstance(node, (int, np.integer)) or isinstance(node, bool):
            raise TypeError(f"{what} must be an int node id, got {node!r}")
        if self.nodes is None:
            return _named(self.graph, node, what)
        i = int(np.searchsorted(self.nodes, node))
        if i >= self.nodes.size or self.nodes[i] != node:
            raise KeyError(self._missing(node, what))
        return i

    def _missing(self, node, what: str) -> str:
        if self.what == "graph":     # the live ids of a graph with removals
            return f"{what} {node}: {removal.missing(self.graph, 'node', node)}"
        return f"{what} {node} is not a node of this {self.what}"

    def locals(self, nodes, what: str = "node") -> np.ndarray:
        """Local indices of an iterable of global node ids."""
        ids = np.asarray(list(nodes) if not isinstance(nodes, np.ndarray) else nodes)
        if ids.size and ids.dtype.kind not in "iu":
            raise TypeError(f"{what}s must be int node ids, got {ids.dtype} values")
        ids = ids.astype(np.int64).ravel()
        if self.nodes is None:
            n = self.graph.node_count()
            bad = ids[(ids < 0) | (ids >= n)]
            if bad.size:
                raise KeyError(f"{what} {int(bad[0])} does not exist (graph has {n} nodes)")
            return ids
        pos = np.minimum(np.searchsorted(self.nodes, ids), max(self.nodes.size - 1, 0))
        bad = ids[self.nodes[pos] != ids] if self.nodes.size else ids
        if bad.size:
            raise KeyError(self._missing(int(bad[0]), what))
        return pos

    def global_ids(self, local: np.ndarray) -> np.ndarray:
        return np.asarray(local, dtype=np.int64) if self.nodes is None else self.nodes[local]

    def ends(self) -> tuple:
        """(sources, targets) of this scope's edges, as local node indices."""
        g = self.graph
        if self.edges is None:
            return g._src.data, g._dst.data
        src, dst = g._src.data[self.edges], g._dst.data[self.edges]
        if self.nodes is None:
            return src, dst
        local = []
        for ends in (src, dst):
            pos = np.searchsorted(self.nodes, ends)
            if ends.size and (pos.max() >= self.nodes.size or
                              (self.nodes[np.minimum(pos, self.nodes.size - 1)] != ends).any()):
                raise ValueError(f"this {self.what} has an edge whose end is not one of its "
                                 "nodes")
            local.append(pos)
        return local[0], local[1]

    def adjacency(self, mode: str) -> kernels.Adjacency:
        """CSR adjacency in local indices: mode "out" follows edge direction (in a
        directed graph), "all" follows edges both ways."""
        mode = mode if self.directed else "all"
        adj = self._adjacency.get(mode)
        if adj is None:
            if self.nodes is None and self.edges is None:
                adj = kernels.Adjacency(*self.graph._csr(mode), trusted=True)
            else:
                src, dst = self.ends()
                indptr, indices, slots = kernels.build_csr(src, dst, self.node_count(),
                                                           both_ways=mode == "all")
                eids = slots if self.edges is None else self.edges[slots]
                adj = kernels.Adjacency(indptr, indices, eids, trusted=True)
            self._adjacency[mode] = adj
        return adj

    def weights(self, weight: str) -> np.ndarray:
        """Edge attribute ``weight`` as float64 per edge id, checked to have no nulls
        among this scope's edges."""
        store = self.graph._edges
        if not isinstance(weight, str):
            raise TypeError(f"weight names an edge attribute, got {weight!r}")
        if weight not in store:
            raise KeyError(f"unknown edge attribute {weight!r} for weights; edge attributes "
                           f"are {store.names()}")
        col = store.column(weight)
        if col.kind not in _NUMERIC:
            raise TypeError(f"edge attribute {weight!r} holds {col.kind} values, not numbers")
        valid = col.valid
        if valid is not None:
            missing = ~valid if self.edges is None else ~valid[self.edges]
            if missing.any():
                i = int(np.flatnonzero(missing)[0])
                e = i if self.edges is None else int(self.edges[i])
                raise ValueError(f"edge {e} has no {weight!r} (null); give every edge a "
                                 "weight")
        return np.asarray(col.data, dtype=np.float64)


def _named(graph, node, what: str) -> int:
    n = graph.node_count()
    if not 0 <= node < n:
        raise KeyError(f"{what} {node} does not exist (graph has {n} nodes)")
    return int(node)


# ---------------------------------------------------------------------- measures
def density(scope: Scope) -> float:
    """Edges over possible edges: ``2m / (n(n-1))`` undirected, ``m / (n(n-1))``
    directed (every edge counts, self-loops and parallel edges too, as in networkx);
    0.0 with fewer than two nodes."""
    n, m = scope.node_count(), scope.edge_count()
    if n < 2:
        return 0.0
    return (1 if scope.directed else 2) * m / (n * (n - 1))


def is_connected(scope: Scope) -> bool:
    """Whether every node reaches every other, ignoring edge direction (weakly
    connected, for a directed graph). A scope with no nodes is not connected."""
    n = scope.node_count()
    if n == 0:
        return False
    return kernels.reach(scope.adjacency("all"), [0]).size == n


# ---------------------------------------------------------------------- paths
def shortest_path(scope: Scope, source, target, weight=None):
    """(nodes, edges) of a shortest path from ``source`` to ``target``, global ids in
    path order (fewest hops, or least total ``weight``, an edge attribute, by
    Dijkstra), following edge direction in a directed graph; None if there is none."""
    s, t = scope.local(source, "source"), scope.local(target, "target")
    adj = scope.adjacency("out")
    if weight is None:
        found = kernels.path_hops(adj, s, t)
    else:
        found = kernels.path_weighted(adj, scope.weights(weight), s, t, scope.edges)
    if found is None:
        return None
    _, nodes, edges = found
    return scope.global_ids(np.array(nodes, dtype=np.int64)), np.array(edges, dtype=np.int64)


def has_path(scope: Scope, source, target) -> bool:
    """Whether ``target`` can be reached from ``source`` (along edge direction)."""
    s, t = scope.local(source, "source"), scope.local(target, "target")
    return kernels.path_hops(scope.adjacency("out"), s, t) is not None


def traverse(scope: Scope, start, max_depth=None, kind: str = "bfs") -> np.ndarray:
    """Global ids of the nodes reached from ``start`` in visit order (breadth- or
    depth-first, along edge direction), no deeper than ``max_depth`` hops."""
    s = scope.local(start, "start")
    adj = scope.adjacency("out")
    order = kernels.reach(adj, [s], max_depth) if kind == "bfs" else kernels.dfs(adj, s, max_depth)
    return scope.global_ids(order)


def neighborhoods(scope: Scope, centers, depth: int = 1, checked: bool = False) -> list:
    """For each center, the sorted global ids of the nodes within ``depth`` hops of it
    (along edge direction, as networkx's ``ego_graph``). ``checked``: the centers are
    known local indices already."""
    _check_depth(depth)
    adj = scope.adjacency("out")
    local = np.asarray(centers, dtype=np.int64) if checked else scope.locals(centers, "center")
    return [np.sort(scope.global_ids(kernels.reach(adj, c, depth)))
            for c in local.reshape(-1, 1)]


def grow(scope: Scope, nodes, depth: int = 1) -> np.ndarray:
    """Sorted global ids of ``nodes`` and every node within ``depth`` hops of one."""
    _check_depth(depth)
    local = scope.locals(nodes)
    return np.sort(scope.global_ids(kernels.reach(scope.adjacency("out"), local, depth)))


def _check_depth(depth) -> None:
    if not isinstance(depth, (int, np.integer)) or isinstance(depth, bool) or depth < 0:
        raise ValueError(f"depth must be an int >= 0, got {depth!r}")


# ---------------------------------------------------------------------- components
def component_labels(scope: Scope) -> tuple:
    """(labels aligned with the scope's nodes, count): weakly connected components,
    numbered in order of their smallest node."""
    src, dst = scope.ends()
    return kernels.component_labels(src, dst, scope.node_count())
