"""Arrays and tables that came from a graph remember it, so ``.viz`` draws that graph.

An array taken from a graph (``g.degree()``, ``g.nodes["age"]``, a mask or sum made
from one, a slice of one) keeps an :class:`Origin`: the graph, whether its rows are
nodes or edges, and which element each row is. ``arr.viz.export(...)`` then draws the
elements the array covers (all of the graph, or the subgraph of its rows) coloured by
the array. A table made from such an array (``value_counts()``) draws the same thing.
"""
from __future__ import annotations

import numpy as np


class Origin:
    """The graph an array came from: ``what`` is "node" or "edge"; ``ids[p]`` is the
    element at column position ``p`` (``ids`` None: position p is element p);
    ``quantity``: its values are a measure of the graph (a degree), coloured on a ramp
    even when they are few whole numbers."""

    __slots__ = ("graph", "what", "ids", "quantity")

    def __init__(self, graph, what: str, ids=None, quantity: bool = False):
        self.graph, self.what, self.quantity = graph, what, quantity
        self.ids = None if ids is None else np.asarray(ids, dtype=np.int64)

    def element_ids(self, base) -> np.ndarray:
        """Element id of each row of ``base`` (a foundation array over the column)."""
        positions = base._positions(np.arange(len(base)))
        return positions if self.ids is None else self.ids[positions]

    def _total(self) -> int:
        g = self.graph
        return g.node_count() if self.what == "node" else g.edge_count()

    def source(self, base):
        """The Graph (every element, in id order) or the Subgraph of the rows of ``base``."""
        ids = self.element_ids(base)
        total = self._total()
        if ids.size == total and np.array_equal(np.sort(ids), np.arange(total)):
            return self.graph
        accessor = self.graph.nodes if self.what == "node" else self.graph.edges
        return accessor[np.unique(ids)]

    def colour(self, base, source):
        """(what, name, values aligned with ``source``'s nodes or edges) of ``base``:
        float64 with NaN where an element has no row, or an object array of str/None."""
        ids = self.element_ids(base)
        if self.what == "node":
            order = np.arange(self._total()) if source is self.graph else source._node_ids
        else:
            order = np.arange(self._total()) if source is self.graph else source._edges()
        at = np.searchsorted(order, ids)
        if base.kind == "string":
            out = np.full(order.size, None, dtype=object)
            out[at] = np.array(base.to_list(), dtype=object)
        else:
            out = np.full(order.size, np.nan)
            values = base.to_numpy().astype(np.float64)
            values[base.is_null()] = np.nan
            out[at] = values
        kind = "float64" if self.quantity and base.kind == "int64" else base.kind
        return self.what, base.name, out, kind


class DrawsItsGraph:
    """``_viz_source`` / ``_viz_colour`` for every specialized type (mixed into
    ``Typed``): the graph of its :class:`Origin`, of the object it was made from
    (``_made_from``), or a clear error when it has none."""

    def _origin_holder(self):
        seen = self
        while "_origin" not in seen.__dict__:
            made_from = seen.__dict__.get("_made_from")
            if made_from is None:
                return None
            seen = made_from
        return seen

    def _viz_source(self):
        holder = self._origin_holder()
        if holder is None:
            made_from = self.__dict__.get("_made_from")
            if made_from is not None and hasattr(made_from, "_viz_source"):
                return made_from._viz_source()
            raise TypeError(
                f"this {type(self).__name__} did not come from a graph, so there is nothing "
                "to draw; draw a graph or subgraph, or an array or table taken from one "
                "(g.degree(), g.nodes['attr'], g.nodes.table(), ...)")
        return holder._origin.source(holder._base)

    def _viz_colour(self, source):
        """What an array colours its drawing by: (what, name, values, kind), or None."""
        holder = self._origin_holder()
        if holder is None or holder._base.kind not in ("int64", "float64", "bool", "string"):
            return None
        return holder._origin.colour(holder._base, source)


def derived_origin(parent, result) -> None:
    """Let ``result`` (a new array or table made from ``parent``) draw ``parent``'s graph:
    a column of a nodes or edges table, or an element-wise result of an array with an
    Origin, gets an Origin of its own (so it colours the drawing); anything else made
    from an object that draws a graph (``value_counts()``, ``unique()``) draws that."""
    if not isinstance(result, DrawsItsGraph) or _draws_own_graph(result) or \
            "_origin" in result.__dict__ or "_made_from" in result.__dict__:
        return   # it knows its graph already (a view copies its parent's)
    base, pbase = result._base, parent._base
    array_like = hasattr(base, "_column") and len(base) == len(parent)
    kind = getattr(type(parent), "_element_kind", None)
    holder = parent._origin_holder() if isinstance(parent, DrawsItsGraph) else None
    if kind is not None and array_like and (base._rows is None) == (pbase._rows is None):
        result._origin = Origin(parent._graph, kind)   # table positions are element ids
    elif holder is parent and array_like and base._rows is None:
        origin = parent._origin
        ids = origin.ids if pbase._rows is None else origin.element_ids(pbase)
        result._origin = Origin(origin.graph, origin.what, ids, origin.quantity)
    elif holder is not None or _draws_own_graph(parent):
        result._made_from = parent


def _draws_own_graph(obj) -> bool:
    own = getattr(type(obj), "_viz_source", None)
    return own is not None and own is not DrawsItsGraph._viz_source
