"""A subgraph: a set of node ids and a set of edge ids over a parent graph (no copies)."""
from __future__ import annotations

import numpy as np

from groggy import groupby, removal
from groggy.layouts import Layout, SubgraphLayouts
from groggy.matrices import MatrixMethods
from groggy.queries import Scope
from groggy.query_methods import QueryMethods
from groggy.summary import GraphSummary


class Subgraph(QueryMethods, MatrixMethods, GraphSummary):
    """Nodes and edges of a parent graph, as sorted id arrays.

    Made by ``g.nodes[...]`` (the induced subgraph), ``g.edges[...]``, ``filter``,
    ``bfs`` and components. ``to_graph()`` materialises a new graph.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2), (2, 3)])
    >>> sg = g.nodes[[0, 1, 2]]
    >>> sg.node_count(), sg.edge_count()
    (3, 2)
    """

    def __init__(self, graph, nodes, edges=None):
        self._graph = graph
        self._ids = np.asarray(nodes, dtype=np.int64)
        self._edge_ids = None if edges is None else np.asarray(edges, dtype=np.int64)
        self._removed = graph._removed     # the graph's removals when these ids were read

    @property
    def _node_ids(self) -> np.ndarray:
        self._drop_removed()
        return self._ids

    def _drop_removed(self) -> None:
        """Leave out what the graph removed since this subgraph was made (removal makes
        a new record, so a changed one means new removals)."""
        g = self._graph
        if g._removed is not self._removed:
            self._removed, self._query_scope = g._removed, None
            self._ids = removal.live_rows(g, "node", self._ids)
            if self._edge_ids is not None:
                self._edge_ids = removal.live_rows(g, "edge", self._edge_ids)

    def _edges(self) -> np.ndarray:
        self._drop_removed()
        if self._edge_ids is None:  # induced: every edge with both ends inside
            g = self._graph
            inside = np.zeros(g._nodes.length, dtype=bool)
            inside[self._node_ids] = True
            keep = inside[g._src.data] & inside[g._dst.data]
            live = removal.live_mask(g, "edge")   # None unless edges were removed
            self._edge_ids = np.flatnonzero(keep if live is None else keep & live)
        return self._edge_ids

    def node_count(self) -> int:
        return int(self._node_ids.size)

    def edge_count(self) -> int:
        return int(self._edges().size)

    def __len__(self) -> int:
        return self.node_count()

    def __contains__(self, node) -> bool:
        i = np.searchsorted(self._node_ids, node)
        return bool(i < self._node_ids.size and self._node_ids[i] == node)

    def _summary_line(self) -> str:
        return f"Subgraph(nodes={self.node_count():,}, edges={self.edge_count():,})"

    def _cell_text(self) -> str:
        n, m = self.node_count(), self.edge_count()
        return f"{n:,} node{'' if n == 1 else 's'}, {m:,} edge{'' if m == 1 else 's'}"

    @property
    def viz(self):
        """Layouts and drawings of this subgraph: ``sg.viz.compute_layout(...)``,
        ``sg.viz.export(path)``."""
        from groggy.viz import VizModule
        return VizModule(self)

    def _viz_source(self):
        return self

    @property
    def layouts(self) -> SubgraphLayouts:
        """The graph's stored layouts restricted to this subgraph's nodes (read-only)."""
        return SubgraphLayouts(self._graph.layouts, self._node_ids)

    def interactive(self, **kwargs):
        """The graph view in the browser; takes the arguments of
        :meth:`groggy.viz.VizModule.interactive` and returns its ``VizHandle``."""
        return self.viz.interactive(**kwargs)

    @property
    def nodes(self):
        from groggy.accessors import NodesAccessor
        return NodesAccessor(self._graph, self._node_ids)

    @property
    def edges(self):
        from groggy.accessors import EdgesAccessor
        return EdgesAccessor(self._graph, self._edges())

    def group_by(self, by, element_type: str = "nodes"):
        """This subgraph's nodes (or edges: ``element_type="edges"``) grouped by
        attribute ``by``: a :class:`~groggy.groupby.GroupBy` of subgraphs."""
        return groupby.group_subgraph(self, by, element_type)

    def table(self):
        from groggy.tables import GraphTable
        return GraphTable._for(self._graph, self._node_ids, self._edges())

    def degree(self, nodes=None, mode: str = "all"):
        """Degree counting only this subgraph's edges: of one node (an int), or of
        several or all nodes (a ``NumArray``, all in node id order). ``mode`` is
        ``"all"``, ``"out"`` or ``"in"`` (the last two count edge ends by direction in
        a directed graph, as :meth:`Graph.degree`)."""
        from groggy.arrays import graph_array
        if mode not in ("all", "out", "in"):
            raise ValueError(f"mode must be 'all', 'out' or 'in', got {mode!r}")
        g, e = self._graph, self._edges()
        ends = [g._src.data[e], g._dst.data[e]]
        if g.is_directed and mode != "all":
            ends = ends[:1] if mode == "out" else ends[1:]
        local = np.searchsorted(self._node_ids, np.concatenate(ends))
        deg = np.bincount(local, minlength=self.node_count()).astype(np.int64)
        if nodes is None:
            return graph_array(deg, "degree", g, ids=self._node_ids)
        if isinstance(nodes, (int, np.integer)):
            return int(deg[self._scope().local(nodes)])
        local = self._scope().locals(nodes)
        return graph_array(deg[local], "degree", g, ids=self._node_ids[local])

    def in_degree(self, nodes=None):
        return self.degree(nodes, "in")

    def out_degree(self, nodes=None):
        return self.degree(nodes, "out")

    def is_empty(self) -> bool:
        """Whether this subgraph has no nodes."""
        return self.node_count() == 0

    def to_graph(self):
        """A new in-memory graph of this subgraph, ids renumbered 0.. in id order."""
        from groggy.graph import Graph
        g, e = self._graph, self._edges()
        out = Graph(g.is_directed)
        out._nodes = g._nodes.gather(self._node_ids)
        out._edges = g._edges.gather(e)
        remap = np.searchsorted(self._node_ids, g._src.data[e]), \
            np.searchsorted(self._node_ids, g._dst.data[e])
        out._src.append(remap[0].astype(np.int64))
        out._dst.append(remap[1].astype(np.int64))
        rows = np.arange(self.node_count(), dtype=np.int64)
        for name, lay in self.layouts.items():   # the stored layouts, renumbered too
            out.layouts[name] = Layout(lay.node_positions, rows, lay.algorithm, lay.params)
        return out

    # questions (density, paths, components, ...): groggy.query_methods
    def _scope(self) -> Scope:
        if getattr(self, "_query_scope", None) is None:
            self._query_scope = Scope(self._graph, self._node_ids, self._edges(), "subgraph")
        return self._query_scope

    def _parent(self):
        return self._graph

