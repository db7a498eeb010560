"""Specialized array types: hooks and delegation only (see groggy.foundation)."""
from __future__ import annotations

import numpy as np

from groggy.foundation import BaseArray, BaseTable, Specialized, array_column, table
from groggy.frame import ObjectColumn
from groggy.origin import DrawsItsGraph, Origin, derived_origin

_NUMERIC = ("int64", "float64", "bool")


class Typed(Specialized, DrawsItsGraph):
    """Root of groggy's specialized types: numeric arrays that come out of any
    operation are :class:`NumArray`, so statistics and masks work everywhere."""

    __slots__ = ()

    @classmethod
    def _of(cls, base, **state):
        """An instance over ``base`` (a foundation object, or a specialized one to re-type),
        seen through a fresh view so that no other object's name changes."""
        if isinstance(base, Specialized):
            base = base._base
        base = base._view(base._rows)
        obj = object.__new__(cls)
        base._name = cls.__name__
        base._owner = obj  # the foundation serves its owner, not itself (interactive)
        obj._base = base
        obj.__dict__.update(state)
        return obj

    @classmethod
    def _from_maker(cls, count: int, make, name: str = "value", **state):
        """An array of ``count`` objects, object ``i`` made by ``make(i)`` when first read."""
        return cls._of(BaseArray(ObjectColumn(name, count, make)), **state)

    def _refreshed(self):
        """This object re-read after its graph changed (live views); most types are fixed."""
        return self

    def _cell_text(self) -> str:
        """How this object reads inside another table's cell (its title line)."""
        return self._base._display_title()

    _table_type = None  # the free-standing table type (groggy.tables registers it)

    def _wrap_result(self, result):
        out = self._typed_result(result)
        if out is not result:
            derived_origin(self, out)   # it draws the graph this object came from
        return out

    def _typed_result(self, result):
        if type(result) is BaseArray and result._column is not getattr(self._base, "_column",
                                                                         None):
            # a new column (a mask, a statistic's values) is typed by its kind, not as us
            return _typed(result)
        if type(result) is BaseTable and self._foundation is BaseArray:
            return Typed._table_type._of(result)  # e.g. value_counts()
        result = super()._wrap_result(result)
        return _typed(result) if type(result) is BaseArray else result


def _typed(base: BaseArray):
    """A foundation array as the specialized type of its kind."""
    if base.kind in _NUMERIC:
        return NumArray._of(base)
    return StrArray._of(base) if base.kind == "string" else base


def graph_array(values, name: str, graph, what: str = "node", ids=None):
    """An array whose rows are ``graph``'s nodes (or edges): ``ids[i]`` is row i's element
    (None: row i is element i); its ``viz`` draws them coloured by the values."""
    out = array(values, name)
    out._origin = Origin(graph, what, ids, quantity=True)   # a measure: a colour ramp
    return out


def array(values, name: str = "values") -> "NumArray | StrArray":
    """An array from a list (None for nulls) or a NumPy array.

    Examples
    --------
    >>> import groggy as gg
    >>> gg.array([1, 2, None]).mean()
    1.5
    """
    return _typed(BaseArray(array_column(name, values)))


def _operand(other):
    if isinstance(other, BaseArray):
        return other.to_numpy()
    return other


class NumArray(Typed, foundation=BaseArray):
    """Numbers or booleans: statistics that skip nulls, comparisons that give masks,
    ``&``, ``|``, ``~`` on masks.

    Examples
    --------
    >>> import groggy as gg
    >>> a = gg.array([1, 5, 9])
    >>> a[(a > 2) & (a < 9)].to_list()
    [5]
    """

    def _present(self) -> np.ndarray:
        """The values that are neither null nor NaN, in the column's own dtype (statistics
        skip both, as pandas does by default)."""
        return np.asarray(self._base._column.data[self._base._present_rows()])

    def _like(self, values: np.ndarray, nulls: np.ndarray | None = None) -> "NumArray":
        """A new array of ``values`` (nulls where ``nulls`` is True), named like this one."""
        if nulls is not None and nulls.any():
            values = [None if null else v for v, null in zip(values.tolist(), nulls.tolist())]
        out = NumArray._of(BaseArray(array_column(self.name, values)))
        derived_origin(self, out)
        return out

    def _filled(self) -> tuple:
        """(values in the column's own dtype with nulls zeroed, null mask)."""
        values, nulls = self.to_numpy(), self.is_null()
        if nulls.any() and self.kind != "float64":
            values = np.where(nulls, 0, values).astype(np.int64 if self.kind == "int64" else bool)
        return values, nulls

    # statistics (count, min, max, unique, nunique, value_counts: every kind has them)
    def sum(self):
        return self._present().sum().item()

    def mean(self):
        v = self._present()
        return float(v.mean()) if v.size else None

    def std(self, ddof: int = 0):
        v = self._present()
        return float(v.std(ddof=ddof)) if v.size > ddof else None

    def var(self, ddof: int = 0):
        """Variance of the values that are not null (``ddof`` as :meth:`std`)."""
        v = self._present()
        return float(v.var(ddof=ddof)) if v.size > ddof else None

    def median(self):
        v = self._present()
        return float(np.median(v)) if v.size else None

    def _arith(self, other, op):
        values, nulls = self._filled()
        if isinstance(other, NumArray):
            other_values, other_nulls = other._filled()
            nulls = nulls | other_nulls
        else:
            other_values = _operand(other)
        return self._like(op(values, other_values), nulls)

    def __add__(self, other):
        return self._arith(other, np.add)

    def __sub__(self, other):
        return self._arith(other, np.subtract)

    def __mul__(self, other):
        return self._arith(other, np.multiply)

    def __truediv__(self, other):
        return self._arith(other, np.true_divide)

    __radd__, __rmul__ = __add__, __mul__


class StrArray(Typed, foundation=BaseArray):
    """Strings: comparisons (code point order), ``contains``, ``startswith``,
    ``endswith`` and ``isin`` give masks, run on the UTF-8 bytes without decoding.

    Examples
    --------
    >>> import groggy as gg
    >>> names = gg.array(["Ann", "Bob", None, "Abe"])
    >>> names[names.startswith("A") & (names != "Abe")].to_list()
    ['Ann']
    """


class NodesArray(NumArray):
    """Node ids (from ``g.nodes.ids()`` or ``table.node_ids()``)."""

    def _viz_source(self):
        return self.subgraph()

    def subgraph(self):
        """The subgraph induced by these nodes."""
        return self._graph.nodes[self.to_numpy()]


class EdgesArray(NumArray):
    """Edge ids (from ``g.edges.ids()`` or ``table.edge_ids()``)."""

    def _viz_source(self):
        return self.subgraph()

    def subgraph(self):
        """The subgraph made of these edges and their endpoints."""
        return self._graph.edges[self.to_numpy()]


class SubgraphArray(Typed, foundation=BaseArray):
    """An array of subgraphs; ``arr[i]`` is a :class:`~groggy.subgraph.Subgraph`."""

    def node_counts(self) -> NumArray:
        return array(np.array([sg.node_count() for sg in self], dtype=np.int64), "nodes")

    def tables(self) -> "TableArray":
        """The node table of every subgraph."""
        return TableArray._from_maker(len(self), lambda i: self[i].nodes.table(), "table",
                                      _made_from=self)

    # ---- per-subgraph questions (logic in groggy.groupwise and groggy.queries) ----
    def _parent_graph(self):
        graph = getattr(self, "_graph", None)
        if graph is None:
            if len(self) == 0:
                raise ValueError("this array holds no subgraph, so it knows no graph")
            graph = self[0]._graph
        return graph

    def _membership(self) -> tuple:
        """(owner, node): node ids of every subgraph here, and which one (0..len-1)."""
        ids = [sg._node_ids for sg in self]
        owner = np.repeat(np.arange(len(ids), dtype=np.int64), [a.size for a in ids])
        return owner, (np.concatenate(ids) if ids else np.empty(0, np.int64))

    def sample(self, k: int, seed=None) -> "SubgraphArray":
        """``k`` subgraphs drawn at random without replacement (all, if there are
        fewer), kept in array order; ``seed`` makes the draw repeatable."""
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 0:
            raise ValueError(f"sample(k) needs an int k >= 0, got {k!r}")
        picks = np.random.default_rng(seed).choice(len(self), min(k, len(self)), replace=False)
        return self[np.sort(picks)]

    def filter(self, predicate) -> "SubgraphArray":
        """The subgraphs for which ``predicate(subgraph)`` is true."""
        return self[np.array([bool(predicate(sg)) for sg in self], dtype=bool)]

    def table(self) -> "TableArray":
        """The table (nodes and edges) of every subgraph."""
        return TableArray._from_maker(len(self), lambda i: self[i].table(), "table")

    def agg(self, aggs=None, **named):
        """One row per subgraph here (its position, ``size`` = its node count, then one
        column per aggregate of node attributes): ``aggs`` is ``{"age": "mean"}`` or
        ``{"mean_age": ("mean", "age")}``, and ``name=("function", "attribute")``
        keywords add more. Functions: count, sum, mean, min, max, std (ddof=1, as
        pandas), nunique, first, last; nulls and NaN are skipped.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes({"age": [20, 30, 40, 50, 60]})
        >>> _ = g.add_edges([(0, 1), (3, 4)])
        >>> t = g.connected_components().agg({"age": "mean"}, oldest=("max", "age"))
        >>> t["size"].to_list(), t["age"].to_list(), t["oldest"].to_list()
        ([2, 1, 2], [25.0, 40.0, 55.0], [30, 40, 60])
        """
        from groggy import groupwise
        spec = groupwise.parse_spec(aggs or {}) + [(k, *v) for k, v in named.items()]
        owner, members = self._membership()
        data = {self.name: np.arange(len(self), dtype=np.int64),
                "size": np.bincount(owner, minlength=len(self)).astype(np.int64)}
        data.update(groupwise.aggregate(self._parent_graph()._nodes, owner, members, len(self), spec))
        return Typed._table_type._of(table(data))

    def collapse(self, node_aggs=None, edge_aggs=None, include_edge_count: bool = True):
        """A new graph with one meta-node per subgraph here (node ``i`` is subgraph
        ``i``: ``size`` and the ``node_aggs`` aggregates, in the spec of :meth:`agg`),
        and one edge per pair of subgraphs that edges of the graph join (``edge_count``
        and ``edge_aggs`` over those edges). The subgraphs must share no node.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes({"age": [20, 30, 40, 50]})
        >>> _ = g.add_edges([(0, 1), (1, 2), (2, 3)], )
        >>> parts = g.subgraph(nodes=range(4), edges=[0, 2]).connected_components()
        >>> meta = parts.collapse(node_aggs={"age": "mean"})
        >>> meta.nodes["age"].to_list(), meta.edges["edge_count"].to_list()
        ([25.0, 45.0], [1])
        """
        from groggy import groupwise
        owner, members = self._membership()
        return groupwise.collapse(self._parent_graph(), owner, members, len(self), node_aggs,
                                  edge_aggs, include_edge_count)

    def neighborhood(self, depth: int = 1) -> "SubgraphArray":
        """Every subgraph here grown by ``depth`` hops in the whole graph (along edge
        direction), as induced subgraphs."""
        from groggy import queries
        graph = self._parent_graph()
        scope = queries.Scope.of(graph)
        return SubgraphArray._from_maker(
            len(self), lambda i: graph.nodes[queries.grow(scope, self[i]._node_ids, depth)],
            "neighborhood", _graph=graph)


class ComponentsArray(SubgraphArray):
    """Connected components, largest first is *not* implied: component ``i`` is the one
    holding the ``i``-th smallest of the components' smallest node ids.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(5); _ = g.add_edges([(0, 1), (3, 4)])
    >>> comps = g.connected_components()
    >>> len(comps), comps.sizes().to_list(), comps[1].node_ids().to_list()
    (3, [2, 1, 2], [2])
    """

    def _viz_source(self):
        return self._view   # the graph or subgraph whose components these are

    def _membership(self) -> tuple:
        # from the labels: no subgraph is made
        rank = np.full(self._sizes.size, -1, dtype=np.int64)
        rank[self._components()] = np.arange(len(self))
        owner = rank[self._labels]
        keep = np.flatnonzero(owner >= 0)
        return owner[keep], self._scope.global_ids(keep)

    def _components(self) -> np.ndarray:
        """Component numbers in this array (all of them, or those of a slice or mask)."""
        return self._base._positions(np.arange(len(self)))

    def labels(self) -> NumArray:
        """Component number of every live node of the graph (of the subgraph, if these
        are a subgraph's components), in node id order."""
        return array(self._labels, "component")

    def sizes(self) -> NumArray:
        """Number of nodes in each component of this array."""
        return array(self._sizes[self._components()], "size")

    def sorted_by_size(self) -> "SubgraphArray":
        """The components, largest first (ties in component order), as upstream."""
        order = np.argsort(-self._sizes[self._components()], kind="stable")
        return SubgraphArray._from_maker(len(order), lambda i: self[int(order[i])],
                                         "component")

    def largest_component(self):
        """The subgraph of the component with the most nodes (the first, on ties)."""
        if len(self) == 0:
            raise ValueError("there are no components here (the graph has no nodes, or the "
                             "selection is empty)")
        return self[int(np.argmax(self._sizes[self._components()]))]


class TableArray(Typed, foundation=BaseArray):
    """An array of tables; ``arr[i]`` is a table."""
