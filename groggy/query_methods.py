"""The questions ``Graph`` and ``Subgraph`` both answer, written once: each class gives
its :class:`~groggy.queries.Scope` (the nodes and edges a question may use) and its
parent graph, and inherits these methods.

A subgraph's questions stay inside it (a path uses its edges only), except
``neighborhood``, which expands into the whole graph, as upstream groggy's does.
"""
from __future__ import annotations

import numpy as np

from groggy import queries
from groggy.upstream import call_only


class QueryMethods:
    """Mixed into ``Graph`` and ``Subgraph``; see the module."""

    __slots__ = ()

    def _scope(self) -> queries.Scope:
        raise NotImplementedError

    def _parent(self):
        """The Graph whose ids this object's ids are."""
        raise NotImplementedError

    def _make_subgraph(self, nodes, edges=None):
        from groggy.subgraph import Subgraph
        return Subgraph(self._parent(), nodes, edges)

    # ------------------------------------------------------------------ ids
    @call_only
    def node_ids(self):
        """The node ids here, sorted (a ``NodesArray``; a method on every type, as
        upstream)."""
        return self.nodes.ids()

    @call_only
    def edge_ids(self):
        """The edge ids here, sorted (an ``EdgesArray``)."""
        return self.edges.ids()

    # ------------------------------------------------------------------ membership
    def contains_edge(self, edge) -> bool:
        """Whether edge id ``edge`` is here (upstream's spelling: an edge id, not two
        node ids; for those use :meth:`has_edge_between`)."""
        if not isinstance(edge, (int, np.integer)) or isinstance(edge, bool):
            return False
        edges = self._scope().edges
        if edges is None:
            return 0 <= edge < self._parent().edge_count()
        i = int(np.searchsorted(edges, edge))
        return i < edges.size and int(edges[i]) == edge

    def has_edge_between(self, source, target) -> bool:
        """Whether an edge here joins ``source`` to ``target`` (either way, if
        undirected); False when either is not a node here.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(directed=True); _ = g.add_nodes(3); _ = g.add_edge(0, 1)
        >>> g.has_edge_between(0, 1), g.has_edge_between(1, 0), g.contains_edge(0)
        (True, False, True)
        """
        scope = self._scope()
        try:
            u, v = scope.local(source), scope.local(target)
        except (KeyError, TypeError):
            return False
        adj = scope.adjacency("out")
        return bool((adj.indices[adj.indptr[u]:adj.indptr[u + 1]] == v).any())

    # ------------------------------------------------------------------ selections
    def subgraph(self, nodes=None, edges=None):
        """A subgraph of these ids: ``nodes`` alone gives the induced subgraph,
        ``edges`` alone those edges and their ends, both: exactly those nodes and edges
        (every edge's ends must be among the nodes).

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2), (2, 3)])
        >>> g.subgraph(nodes=[0, 1, 2]).edge_ids().to_list()
        [0, 1]
        >>> g.subgraph(edges=[2]).node_ids().to_list()
        [2, 3]
        >>> g.subgraph(nodes=[0, 1, 2], edges=[0]).edge_count()
        1
        """
        if nodes is None and edges is None:
            raise TypeError("subgraph() needs nodes=, edges= or both")
        if edges is None:
            return self.nodes[_ids(nodes)]
        sub = self.edges[_ids(edges)]
        if nodes is None:
            return sub
        chosen = self.nodes[_ids(nodes)]
        outside = np.setdiff1d(sub.node_ids().to_numpy(), chosen.node_ids().to_numpy())
        if outside.size:
            raise ValueError(f"an edge ends at node {int(outside[0])}, which is not among "
                             "the nodes given")
        return self._make_subgraph(chosen._node_ids, sub._edges())

    induced_subgraph = subgraph

    def subgraph_from_edges(self, edges):
        """The subgraph of ``edges`` and their ends (upstream's name)."""
        return self.subgraph(edges=edges)

    def filter_nodes(self, expr):
        """The induced subgraph of the nodes where ``expr`` holds: an expression of
        the table filter grammar (``"age >= 30 and club == 'A'"``) or a boolean mask.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes({"age": [20, 40, 50]}); _ = g.add_edge(1, 2)
        >>> g.filter_nodes("age > 30").edge_count()
        1
        """
        return self.nodes.filter(expr)

    def filter_edges(self, expr):
        """The subgraph of the edges where ``expr`` holds, with their ends."""
        return self.edges.filter(expr)

    # ------------------------------------------------------------------ measures
    def density(self) -> float:
        """Edges over possible edges, ``2m / (n(n-1))`` (``m / (n(n-1))`` if directed);
        0.0 with fewer than two nodes.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2), (2, 3)])
        >>> g.density()
        0.5
        """
        return queries.density(self._scope())

    def is_connected(self) -> bool:
        """Whether every node reaches every other ignoring direction (weakly connected,
        if directed); False with no nodes."""
        return queries.is_connected(self._scope())

    # ------------------------------------------------------------------ paths
    def shortest_path(self, source, target, weight=None, *, weight_attribute=None):
        """A shortest path from ``source`` to ``target`` as a subgraph of its nodes and
        the edges it takes (None when there is none).

        Parameters
        ----------
        source, target : int
            Node ids.
        weight : str, optional
            An edge attribute of non-negative numbers: the least total weight
            (Dijkstra); default the fewest edges (breadth-first search).
            ``weight_attribute`` is upstream's name for it.

        Raises
        ------
        KeyError
            ``source`` or ``target`` is not a node here, or ``weight`` is no edge
            attribute.
        ValueError
            A weight is negative, NaN or null.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(4)
        >>> _ = g.add_edges([0, 1, 0], [1, 3, 3], w=[1.0, 1.0, 5.0])
        >>> g.shortest_path(0, 3).edge_ids().to_list()
        [2]
        >>> p = g.shortest_path(0, 3, weight="w")
        >>> p.node_ids().to_list(), p.edges["w"].sum()
        ([0, 1, 3], 2.0)
        >>> print(g.shortest_path(0, 2))
        None
        """
        if weight_attribute is not None:
            if weight is not None:
                raise TypeError("give weight= or weight_attribute=, not both")
            weight = weight_attribute
        found = queries.shortest_path(self._scope(), source, target, weight)
        if found is None:
            return None
        nodes, edges = found
        return self._make_subgraph(np.sort(nodes), np.sort(edges))

    def has_path(self, source, target) -> bool:
        """Whether ``target`` can be reached from ``source`` (along edge direction)."""
        return queries.has_path(self._scope(), source, target)

    def _traversal(self, kind, start, max_depth, inplace, attr_name):
        order = queries.traverse(self._scope(), start, max_depth, kind)
        if inplace:
            from groggy.graph import RESERVED_NODE_ATTRS   # graph imports this module
            g = self._parent()
            g._set_attr(g._nodes, RESERVED_NODE_ATTRS, "node", "node_attrs",
                        attr_name or f"{kind}_order", order, np.arange(order.size))
        return self._make_subgraph(np.sort(order))

    def bfs(self, start, max_depth=None, inplace: bool = False, attr_name=None):
        """The subgraph (induced) of the nodes reached from ``start`` breadth-first,
        along edge direction, up to ``max_depth`` hops. With ``inplace``, each reached
        node's visit position is written to node attribute ``attr_name`` (default
        ``"bfs_order"``; unreached nodes stay null).

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2), (0, 3)])
        >>> g.bfs(0, max_depth=1).node_ids().to_list()
        [0, 1, 3]
        >>> _ = g.bfs(0, inplace=True)
        >>> g.nodes["bfs_order"].to_list()
        [0, 1, 3, 2]
        """
        return self._traversal("bfs", start, max_depth, inplace, attr_name)

    def dfs(self, start, max_depth=None, inplace: bool = False, attr_name=None):
        """As :meth:`bfs`, depth-first (neighbours in edge order, as networkx's
        ``dfs_preorder_nodes``); ``attr_name`` defaults to ``"dfs_order"``.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2), (0, 3)])
        >>> _ = g.dfs(0, inplace=True)
        >>> g.nodes["dfs_order"].to_list()
        [0, 1, 2, 3]
        """
        return self._traversal("dfs", start, max_depth, inplace, attr_name)

    # ------------------------------------------------------------------ neighbourhoods
    def neighborhood(self, center_nodes=None, depth: int = 1, *, radius=None, hops=None):
        """The ``depth``-hop neighbourhood of each center node, in the whole graph (a
        subgraph's centers default to all its nodes): a ``SubgraphArray`` with one
        induced subgraph per center, in center order. Edges are followed along their
        direction (as networkx's ``ego_graph``). ``radius`` and ``hops`` are upstream's
        names for ``depth``.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(5); _ = g.add_edges([(0, 1), (1, 2), (2, 3)])
        >>> [sg.node_ids().to_list() for sg in g.neighborhood([0, 4], depth=2)]
        [[0, 1, 2], [4]]
        """
        from groggy.arrays import SubgraphArray
        for alias in (radius, hops):
            if alias is not None:
                depth = alias
        scope = self._scope()
        if center_nodes is None:
            if scope.nodes is None and self._parent() is self:
                raise TypeError("neighborhood() of a graph needs center_nodes")
            centers = scope.global_ids(np.arange(scope.node_count()))
        else:
            single = isinstance(center_nodes, (int, np.integer))
            centers = scope.global_ids(scope.locals([center_nodes] if single else
                                                    center_nodes, "center"))
        found = queries.neighborhoods(queries.Scope.of(self._parent()), centers, depth,
                                      checked=True)
        return SubgraphArray._from_maker(len(found), lambda i: self._make_subgraph(found[i]),
                                         "neighborhood", _graph=self._parent())

    # ------------------------------------------------------------------ components
    def connected_components(self, inplace: bool = False, label: str = "component"):
        """Weakly connected components (a ``ComponentsArray`` of subgraphs of the same
        graph). With ``inplace``, write each node's component number to node attribute
        ``label``.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(5); _ = g.add_edges([(0, 1), (3, 4)])
        >>> len(g.connected_components(inplace=True, label="comp"))
        3
        >>> g.nodes["comp"].to_list()
        [0, 0, 1, 2, 2]
        """
        from groggy.components import connected_components
        return connected_components(self, self._scope(), inplace, label)


def _ids(values) -> np.ndarray:
    """Ids (or a mask) from a list, an array or a groggy array."""
    arr = np.asarray(values.to_numpy() if hasattr(values, "to_numpy") else values)
    if arr.dtype == bool or arr.size:
        return arr
    return np.empty(0, dtype=np.int64)
