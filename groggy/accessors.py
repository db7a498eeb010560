"""``g.nodes`` and ``g.edges``: indexing, attribute columns, filtering, tables."""
from __future__ import annotations

import numpy as np

from groggy import groupby, removal
from groggy.arrays import EdgesArray, NodesArray
from groggy.foundation import BaseArray
from groggy.matrices import AccessorMatrixMethods, WeightMatrixMethod
from groggy.tables import EdgesTable, NodesTable
from groggy.upstream import call_only


class _ElementView:
    """One node or edge: ``view["attr"]``, ``view["attr"] = v``, ``view.attrs()``."""

    _what = ""

    def __init__(self, graph, i: int):
        self._graph, self.id = graph, i

    def _store(self):
        return self._graph._nodes if self._what == "node" else self._graph._edges

    def __getitem__(self, attr: str):
        store = self._store()
        if attr not in store:
            raise KeyError(f"{self._what} {self.id} has no attribute {attr!r}; "
                           f"attributes are {store.names()}")
        return store.column(attr).to_list([self.id])[0]

    def get(self, attr: str, default=None):
        store = self._store()
        value = store.column(attr).to_list([self.id])[0] if attr in store else None
        return default if value is None else value

    def __setitem__(self, attr: str, value) -> None:
        setter = self._graph.set_node_attr if self._what == "node" else self._graph.set_edge_attr
        setter(self.id, attr, value)

    def attrs(self) -> dict:
        """Every non-null attribute of this element."""
        store = self._store()
        values = {n: c.to_list([self.id])[0] for n, c in store.columns.items()}
        return {k: v for k, v in values.items() if v is not None}

    def __eq__(self, other):
        return type(other) is type(self) and other._graph is self._graph and other.id == self.id

    def __hash__(self):
        return hash((type(self), id(self._graph), self.id))


class NodeView(_ElementView):
    _what = "node"

    def degree(self) -> int:
        return self._graph.degree(self.id)

    def neighbors(self) -> list:
        return self._graph.neighbors(self.id)

    def __repr__(self) -> str:
        return f"Node({self.id}, {self.attrs()})"


class EdgeView(_ElementView):
    _what = "edge"

    @property
    def source(self) -> int:
        return self._graph.edge_endpoints(self.id)[0]

    @property
    def target(self) -> int:
        return self._graph.edge_endpoints(self.id)[1]

    def __repr__(self) -> str:
        return f"Edge({self.id}: {self.source} -> {self.target}, {self.attrs()})"


def _selection(key, total: int, rows) -> np.ndarray:
    """Element ids chosen by a slice, id list/array, boolean mask or id array object."""
    universe = np.arange(total, dtype=np.int64) if rows is None else rows
    if isinstance(key, slice):
        return universe[key]
    arr = np.asarray(key)
    if arr.dtype == bool:
        if arr.shape != universe.shape:
            raise IndexError(f"boolean mask has length {arr.size}, expected {universe.size}")
        return universe[arr]
    ids = arr.astype(np.int64).ravel() if arr.size else np.empty(0, np.int64)
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError(f"select elements with ids, a slice or a boolean mask, not {arr.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= total):
        bad = int(ids[(ids < 0) | (ids >= total)][0])
        raise KeyError(f"id {bad} does not exist (there are {total})")
    if rows is not None and not np.isin(ids, rows).all():
        raise KeyError(f"id {int(ids[~np.isin(ids, rows)][0])} is not here (removed, or "
                       "outside this subgraph)")
    return ids


class _Accessor(AccessorMatrixMethods):
    _table_type = None
    _ids_type = None
    _view_type = None

    def __init__(self, graph, rows=None):
        self._graph = graph
        self._rows = rows  # None: every element of the graph

    def _total(self) -> int:
        raise NotImplementedError

    def __len__(self) -> int:
        return self._total() if self._rows is None else int(self._rows.size)

    def __iter__(self):
        return iter(range(self._total()) if self._rows is None else self._rows.tolist())

    def __contains__(self, i) -> bool:
        if not isinstance(i, (int, np.integer)) or not 0 <= i < self._total():
            return False
        return self._rows is None or bool(np.isin(i, self._rows))

    def table(self):
        """This accessor's elements as a table (a view: no column data is copied)."""
        return self._table_type._for(self._graph, self._rows)

    def ids(self):
        return self._ids_type._of(self.table()[self._id_name]._base, _graph=self._graph)

    def attribute_names(self) -> list:
        return self._store().names()

    # ---- upstream's accessor calls (all, attributes, set_attrs) ----
    @property
    def attributes(self) -> list:
        """Attribute names (as :meth:`attribute_names`; upstream's property)."""
        return self.attribute_names()

    def all(self):
        """Every element here as a subgraph."""
        return self._subgraph(np.arange(self._total(), dtype=np.int64)
                              if self._rows is None else self._rows)

    def set_attrs(self, attrs: dict) -> None:
        """Write many attributes at once, all or none: ``{id: {attr: value}}`` or
        ``{attr: {id: value}}``. Every id must be an element here.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(2)
        >>> g.nodes.set_attrs({0: {"name": "a"}, 1: {"name": "b", "age": 3}})
        >>> g.nodes["name"].to_list(), g.nodes["age"].to_list()
        (['a', 'b'], [None, 3])
        """
        what = self._view_type._what
        if not isinstance(attrs, dict):
            raise TypeError(f"set_attrs takes a dict, got {type(attrs).__name__}")
        if all(isinstance(k, str) for k in attrs):
            by_attr = attrs
        elif all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in attrs):
            by_attr = {}
            for i, row in attrs.items():
                if not isinstance(row, dict):
                    raise TypeError(f"set_attrs: the attributes of {what} {i} must be a dict "
                                    f"of name: value, got {row!r}")
                for name, value in row.items():
                    by_attr.setdefault(name, {})[i] = value
        else:
            raise TypeError(f"set_attrs keys are all {what} ids ({{id: {{attr: value}}}}) or "
                            "all attribute names ({attr: {id: value}})")
        for mapping in by_attr.values():
            if not isinstance(mapping, dict):
                raise TypeError(f"set_attrs: expected {{id: value}} per attribute, got "
                                f"{mapping!r}")
            for i in mapping:
                if i not in self:
                    raise KeyError(f"set_attrs: {what} {i!r} does not exist here")
        setter = self._graph.set_node_attrs if what == "node" else self._graph.set_edge_attrs
        setter(by_attr)

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.table()[key]
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if key not in self:
                what = self._view_type._what
                if removal.is_removed(self._graph, what, int(key)):
                    raise KeyError(removal.missing(self._graph, what, key))
                raise KeyError(f"{what} {key} does not exist here")
            return self._view_type(self._graph, int(key))
        if isinstance(key, BaseArray):
            key = np.asarray(key)
        return self._subgraph(_selection(key, self._total(), self._rows))

    def __setitem__(self, attr: str, values) -> None:
        """Set attribute ``attr`` of every element here: one value or one per element."""
        if not isinstance(attr, str):
            raise TypeError("assign attributes by name: g.nodes['attr'] = values")
        ids = np.arange(self._total(), dtype=np.int64) if self._rows is None else self._rows
        if np.isscalar(values) or values is None:
            values = [values] * ids.size
        elif len(values) != ids.size:
            raise ValueError(f"{len(values)} values for {ids.size} elements of {attr!r}")
        self._graph._set_attr(self._store(), self._reserved(), self._view_type._what,
                              f"{self._view_type._what}_attrs", attr, ids, values)

    def group_by(self, by):
        """These elements grouped by attribute ``by`` (or a list of them): a
        :class:`~groggy.groupby.GroupBy` whose groups are subgraphs."""
        return groupby.group_elements(self, by)

    def filter(self, predicate):
        """The subgraph of elements where ``predicate`` holds (an expression such as
        ``"age > 30"`` or a boolean mask)."""
        table = self.table().filter(predicate)
        return self._subgraph(np.asarray(table[self._id_name].to_numpy(), dtype=np.int64))


class NodesAccessor(_Accessor):
    _table_type, _ids_type, _view_type, _id_name = NodesTable, NodesArray, NodeView, "node_id"

    def _total(self):   # ids ever used; removed ones are left out of rows
        return self._graph._nodes.length

    def _store(self):
        return self._graph._nodes

    def _reserved(self):
        from groggy.graph import RESERVED_NODE_ATTRS
        return RESERVED_NODE_ATTRS

    def _subgraph(self, ids):
        from groggy.subgraph import Subgraph
        return Subgraph(self._graph, np.unique(ids))


class EdgesAccessor(_Accessor, WeightMatrixMethod):
    _table_type, _ids_type, _view_type, _id_name = EdgesTable, EdgesArray, EdgeView, "edge_id"

    def _total(self):
        return self._graph._edges.length

    def _store(self):
        return self._graph._edges

    def _reserved(self):
        from groggy.graph import RESERVED_EDGE_ATTRS
        return RESERVED_EDGE_ATTRS

    def _subgraph(self, ids):
        from groggy.subgraph import Subgraph
        ids = np.unique(ids)
        g = self._graph
        nodes = np.unique(np.concatenate([g._src.data[ids], g._dst.data[ids]]))
        return Subgraph(g, nodes, ids)

    @call_only
    def sources(self) -> NodesArray:
        """Source node of every edge here (a method, as upstream)."""
        return self.table().sources()

    @call_only
    def targets(self) -> NodesArray:
        """Target node of every edge here (a method, as upstream)."""
        return self.table().targets()
