"""Specialized table types over a graph's columns: hooks and delegation only."""
from __future__ import annotations

import numpy as np

from groggy import removal
from groggy.arrays import EdgesArray, NodesArray, Typed
from groggy.foundation import BaseTable, table
from groggy.frame import ColumnsFrame, RangeColumn
from groggy.upstream import call_only

NODE_ID = "node_id"
EDGE_ID, SOURCE, TARGET = "edge_id", "source", "target"


def node_frame(graph) -> ColumnsFrame:
    n = graph._nodes.length
    return ColumnsFrame({NODE_ID: RangeColumn(NODE_ID, n), **graph._nodes.columns}, n)


def edge_frame(graph) -> ColumnsFrame:
    m = graph._edges.length
    return ColumnsFrame({EDGE_ID: RangeColumn(EDGE_ID, m), SOURCE: graph._src,
                         TARGET: graph._dst, **graph._edges.columns}, m)


def _rows_to_refresh(table):
    """None for a table of every (live) row of its graph, which follows additions and
    removals; else its own rows (a filter or subgraph), removed ones then left out."""
    rows = table._base._rows
    return None if rows is None or rows is table.__dict__.get("_whole") else rows


class Table(Typed, foundation=BaseTable):
    """A free-standing table (``gg.table(...)``, ``value_counts()``): numeric columns come
    out as :class:`~groggy.arrays.NumArray`.

    Examples
    --------
    >>> import groggy as gg
    >>> t = gg.table({"x": [1, 5, 9], "name": ["a", "b", "c"]})
    >>> t[t["x"] > 2]["name"].to_list()
    ['b', 'c']
    """


Typed._table_type = Table


def make_table(data: dict) -> Table:
    """A :class:`Table` from a dict of columns (lists with None for nulls, or NumPy arrays).

    Examples
    --------
    >>> import groggy as gg
    >>> gg.table({"x": [1, None, 3]}).shape
    (3, 1)
    """
    return Table._of(table(data))


class NodesTable(Typed, foundation=BaseTable):
    """The nodes of a graph or subgraph as a table: ``node_id`` first, then attributes.

    A view: making it copies no column data.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes([{"age": 30}, {"age": 40}])
    >>> g.nodes.table().filter("age > 35").node_ids().to_list()
    [1]
    """

    _element_kind = "node"   # its columns' positions are node ids (groggy.origin)

    @classmethod
    def _for(cls, graph, rows=None):
        live = removal.live_rows(graph, "node", rows)   # removed nodes are no rows
        return cls._of(BaseTable(node_frame(graph), live, cls.__name__), _graph=graph,
                       _whole=live if rows is None else None)

    def _refreshed(self):
        return NodesTable._for(self._graph, _rows_to_refresh(self))

    def _viz_source(self):
        rows = self._base._rows
        return self._graph if rows is None else self._graph.nodes[np.unique(rows)]

    @call_only
    def node_ids(self) -> NodesArray:
        """Ids of the rows of this table, in table order."""
        return NodesArray._of(self["node_id"]._base, _graph=self._graph)


class EdgesTable(Typed, foundation=BaseTable):
    """The edges of a graph or subgraph as a table: ``edge_id``, ``source``, ``target``,
    then attributes.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
    >>> g.edges.table().sources().to_list()
    [0, 1]
    """

    _element_kind = "edge"   # its columns' positions are edge ids (groggy.origin)

    @classmethod
    def _for(cls, graph, rows=None):
        live = removal.live_rows(graph, "edge", rows)   # removed edges are no rows
        return cls._of(BaseTable(edge_frame(graph), live, cls.__name__), _graph=graph,
                       _whole=live if rows is None else None)

    def _refreshed(self):
        return EdgesTable._for(self._graph, _rows_to_refresh(self))

    def _viz_source(self):
        rows = self._base._rows
        return self._graph if rows is None else self._graph.edges[np.unique(rows)]

    @call_only
    def edge_ids(self) -> EdgesArray:
        return EdgesArray._of(self["edge_id"]._base, _graph=self._graph)

    @call_only
    def sources(self) -> NodesArray:
        """Source node of each row (a method, as upstream)."""
        return NodesArray._of(self["source"]._base, _graph=self._graph)

    @call_only
    def targets(self) -> NodesArray:
        """Target node of each row (a method, as upstream)."""
        return NodesArray._of(self["target"]._base, _graph=self._graph)


class GraphTable(Typed, foundation=BaseTable):
    """Nodes and edges tables together (``g.table()``). Displays a summary of both;
    ``.nodes`` and ``.edges`` are the two tables.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(2); _ = g.add_edge(0, 1)
    >>> g.table().edges.nrows
    1
    """

    @classmethod
    def _for(cls, graph, node_rows=None, edge_rows=None):
        nodes = NodesTable._for(graph, node_rows)
        edges = EdgesTable._for(graph, edge_rows)
        summary = table({"table": ["nodes", "edges"], "rows": [nodes.nrows, edges.nrows],
                         "cols": [nodes.ncols, edges.ncols],
                         "columns": [", ".join(nodes.columns), ", ".join(edges.columns)]})
        return cls._of(BaseTable(summary._frame, None, cls.__name__),
                       nodes=nodes, edges=edges, _graph=graph)

    def _viz_source(self):
        from groggy.subgraph import Subgraph
        nodes, edges = self.nodes._base._rows, self.edges._base._rows
        if nodes is None and edges is None:
            return self._graph
        return Subgraph(self._graph, np.asarray(self.nodes.node_ids()),
                        np.asarray(self.edges.edge_ids()))

    def _served_tables(self) -> dict:
        """What ``interactive()`` shows: the nodes and the edges table, as two tabs."""
        return {"nodes": self.nodes, "edges": self.edges}

    def save_bundle(self, path):
        """Upstream's ``GraphTable.save_bundle``: the graph of these tables saved as a
        groggy store (see :mod:`groggy.io.bundle`)."""
        return self.to_graph().save(path)

    @classmethod
    def load_bundle(cls, path) -> "GraphTable":
        """Upstream's ``GraphTable.load_bundle``: a stored graph's tables (memory-mapped;
        ``.to_graph()`` gives a graph you can change)."""
        from groggy.graph import open_graph
        return open_graph(path).table()

    def to_graph(self):
        """A new in-memory graph of these nodes and edges (ids renumbered from 0)."""
        from groggy.subgraph import Subgraph
        return Subgraph(self._graph, np.asarray(self.nodes.node_ids()),
                        np.asarray(self.edges.edge_ids())).to_graph()
