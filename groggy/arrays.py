"""Specialized array types: hooks and delegation only (see groggy.foundation)."""
from __future__ import annotations

import numpy as np

from groggy.foundation import BaseArray, BaseTable, Specialized, array_column, table
from groggy.frame import ObjectColumn

_NUMERIC = ("int64", "float64", "bool")


class Typed(Specialized):
    """Root of groggy's specialized types: numeric arrays that come out of any
    operation are :class:`NumArray`, so statistics and masks work everywhere."""

    __slots__ = ()

    @classmethod
    def _of(cls, base, **state):
        obj = object.__new__(cls)
        base._name = cls.__name__
        obj._base = base
        obj.__dict__.update(state)
        return obj

    def _wrap_result(self, result):
        result = super()._wrap_result(result)
        if type(result) is BaseArray and result.kind in _NUMERIC:
            return NumArray._of(result)
        return result


def array(values, name: str = "values") -> "NumArray | BaseArray":
    """An array from a list (None for nulls) or a NumPy array.

    Examples
    --------
    >>> import groggy as gg
    >>> gg.array([1, 2, None]).mean()
    1.5
    """
    base = BaseArray(array_column(name, values))
    return NumArray._of(base) if base.kind in _NUMERIC else base


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

    __hash__ = None  # == gives a mask, so arrays cannot be hashed

    def _present(self) -> np.ndarray:
        """The non-null values, in the column's own dtype."""
        values, nulls = self.to_numpy(), self.is_null()
        if nulls.any():
            values = values[~nulls]
            if self.kind == "int64":
                values = values.astype(np.int64)
        return values

    def _like(self, values: np.ndarray, name: str | None = None) -> "NumArray":
        return NumArray._of(BaseArray(array_column(name or self.name, values)))

    # statistics
    def count(self) -> int:
        """Number of non-null values."""
        return int(self._present().size)

    def sum(self):
        return self._present().sum().item()

    def mean(self):
        v = self._present()
        return float(v.mean()) if v.size else None

    def std(self, ddof: int = 0):
        v = self._present()
        return float(v.std(ddof=ddof)) if v.size > ddof else None

    def min(self):
        v = self._present()
        return v.min().item() if v.size else None

    def max(self):
        v = self._present()
        return v.max().item() if v.size else None

    def median(self):
        v = self._present()
        return float(np.median(v)) if v.size else None

    def unique(self) -> "NumArray":
        """Distinct non-null values, sorted."""
        return self._like(np.unique(self._present()))

    def value_counts(self) -> BaseTable:
        """A table of each distinct non-null value and how often it occurs, most common first."""
        values, counts = np.unique(self._present(), return_counts=True)
        order = np.argsort(-counts, kind="stable")
        return table({self.name: values[order], "count": counts[order]}, name="ValueCounts")

    # masks and arithmetic
    def _compare(self, other, op) -> "NumArray":
        mask = op(self.to_numpy(), _operand(other)) & ~self.is_null()
        return self._like(np.asarray(mask, dtype=bool))

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    def _mask_op(self, other, op) -> "NumArray":
        if self.kind != "bool":
            raise TypeError(f"& | ~ combine boolean masks; {self.name!r} holds {self.kind}")
        return self._like(op(self.to_numpy().astype(bool), np.asarray(_operand(other), dtype=bool)))

    def __and__(self, other):
        return self._mask_op(other, np.logical_and)

    def __or__(self, other):
        return self._mask_op(other, np.logical_or)

    def __invert__(self):
        if self.kind != "bool":
            raise TypeError(f"~ inverts a boolean mask; {self.name!r} holds {self.kind}")
        return self._like(~self.to_numpy().astype(bool))

    def _arith(self, other, op):
        return self._like(op(self.to_numpy(), _operand(other)))

    def __add__(self, other):
        return self._arith(other, np.add)

    def __sub__(self, other):
        return self._arith(other, np.subtract)

    def __mul__(self, other):
        return self._arith(other, np.multiply)

    def __truediv__(self, other):
        return self._arith(other, np.true_divide)

    __radd__, __rmul__ = __add__, __mul__


class NodesArray(NumArray):
    """Node ids (from ``g.nodes.ids()`` or ``table.node_ids()``)."""

    def subgraph(self):
        """The subgraph induced by these nodes."""
        return self._graph.nodes[self.to_numpy()]


class EdgesArray(NumArray):
    """Edge ids (from ``g.edges.ids()`` or ``table.edge_ids()``)."""

    def subgraph(self):
        """The subgraph made of these edges and their endpoints."""
        return self._graph.edges[self.to_numpy()]


class SubgraphArray(Typed, foundation=BaseArray):
    """An array of subgraphs; ``arr[i]`` is a :class:`~groggy.subgraph.Subgraph`."""

    @classmethod
    def _from_maker(cls, count: int, make, name: str = "subgraph", **state):
        return cls._of(BaseArray(ObjectColumn(name, count, make)), **state)

    def node_counts(self) -> NumArray:
        return array(np.array([sg.node_count() for sg in self], dtype=np.int64), "nodes")

    def tables(self) -> "TableArray":
        """The node table of every subgraph."""
        return TableArray._from_maker(len(self), lambda i: self[i].nodes.table(), "table")


class ComponentsArray(SubgraphArray):
    """Connected components, largest first is *not* implied: component ``i`` is the one
    holding the ``i``-th smallest of the components' smallest node ids.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(5); _ = g.add_edges([(0, 1), (3, 4)])
    >>> comps = g.connected_components()
    >>> len(comps), comps.sizes().to_list(), comps[1].node_ids.to_list()
    (3, [2, 1, 2], [2])
    """

    def labels(self) -> NumArray:
        """Component number of every node, aligned with node ids."""
        return array(self._labels, "component")

    def sizes(self) -> NumArray:
        """Number of nodes in each component."""
        return array(self._sizes, "size")

    def largest_component(self):
        """The subgraph of the component with the most nodes (the first, on ties)."""
        if len(self) == 0:
            raise ValueError("the graph has no nodes, so it has no components")
        return self[int(np.argmax(self._sizes))]


class TableArray(Typed, foundation=BaseArray):
    """An array of tables; ``arr[i]`` is a table."""
