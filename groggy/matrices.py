"""Matrices of a graph or subgraph: adjacency, Laplacian, attribute matrices.

All are sparse :class:`~groggy.matrix.Matrix` objects built from the adjacency CSR, so a
million-node graph costs memory in proportion to its edges, never n x n. Entries follow
networkx's ``adjacency_matrix`` / ``laplacian_matrix`` / ``normalized_laplacian_matrix``:

* parallel edges are separate stored entries whose values add up (``to_numpy``,
  ``to_scipy``, ``sum`` and ``@`` all sum them);
* a self-loop on ``v`` is one entry ``A[v, v]`` of its weight, in directed and
  undirected graphs alike;
* the Laplacian's degree is the row sum of ``A`` (out-degree in a directed graph, a
  self-loop counted once), not ``g.degree()``, which counts a self-loop twice;
* a null weight counts as 1 (networkx's default for an edge without the attribute).
"""
from __future__ import annotations

import numpy as np

from groggy import kernels


def structure(source):
    """(graph, n, indptr, indices, edge ids) of the adjacency of a Graph or Subgraph; rows
    and columns are the source's nodes in id order, numbered 0..n-1."""
    graph = getattr(source, "_graph", source)
    if graph is source:
        indptr, indices, eids = graph._csr("out")
        return graph, graph.node_count(), indptr, indices, eids
    nodes, edges = source._node_ids, source._edges()
    s = np.searchsorted(nodes, graph._src.data[edges])
    t = np.searchsorted(nodes, graph._dst.data[edges])
    indptr, indices, local = kernels.build_csr(s, t, int(nodes.size),
                                               both_ways=not graph.is_directed)
    return graph, int(nodes.size), indptr, indices, edges[local]


def edge_weights(graph, weight, eids) -> np.ndarray:
    """Values of edge attribute ``weight`` at ``eids`` (ones when ``weight`` is None);
    nulls count as 1, like networkx's default for a missing weight."""
    if weight is None:
        return np.ones(eids.size, dtype=np.int64)
    if not isinstance(weight, str):
        raise TypeError(f"weight names an edge attribute, got {weight!r}")
    if weight not in graph._edges:
        raise KeyError(f"weight={weight!r}: the edges have no attribute {weight!r}; edge "
                       f"attributes are {graph._edges.names()}")
    column = graph._edges.column(weight)
    if column.kind == "string":
        raise TypeError(f"weight={weight!r} is a string attribute; a weight must be numeric")
    values, valid = column.take(eids)
    values = np.asarray(values, dtype=np.float64 if column.kind == "float64" else np.int64)
    if valid is not None:
        values = np.where(valid, values, 1)
    return values


def adjacency(source, weight=None):
    """The adjacency ``Matrix`` of a Graph or Subgraph (see the module notes)."""
    from groggy.matrix import Matrix
    graph, n, indptr, indices, eids = structure(source)
    m = Matrix._from_csr(indptr, indices, edge_weights(graph, weight, eids), (n, n))
    m._graph = source
    return m


def laplacian(source, normalized: bool = False, weight=None):
    """``D - A`` (or ``I``-like ``D^-1/2 (D - A) D^-1/2`` when ``normalized``) as a
    ``Matrix``; D holds the row sums of A. An isolated node has a zero row in both (as
    in networkx)."""
    from groggy.matrix import Matrix
    graph, n, indptr, indices, eids = structure(source)
    a = edge_weights(graph, weight, eids)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    degree = np.bincount(rows, weights=a, minlength=n)
    if normalized:
        with np.errstate(divide="ignore"):
            scale = 1.0 / np.sqrt(degree)
        scale[~np.isfinite(scale)] = 0.0
        off = -a * scale[rows] * scale[indices]
        diag = degree * scale * scale
    else:
        off = -a
        diag = degree if a.dtype.kind == "f" else degree.astype(np.int64)
    # each row: its diagonal entry first, then the negated adjacency entries, so entry
    # k of row r moves r + 1 places along
    new_indptr = indptr + np.arange(n + 1, dtype=np.int64)
    at_diag, total = new_indptr[:-1], int(new_indptr[-1])
    moved = np.arange(indices.size, dtype=np.int64) + rows + 1
    new_indices = np.empty(total, dtype=np.int64)
    data = np.empty(total, dtype=np.result_type(off.dtype, diag.dtype))
    new_indices[at_diag], data[at_diag] = np.arange(n), diag
    new_indices[moved], data[moved] = indices, off
    m = Matrix._from_csr(new_indptr, new_indices, data, (n, n))
    m._graph = source
    return m


def attribute_matrix(accessor, columns=None):
    """Node or edge attributes as a dense-valued ``Matrix`` (one row per element of the
    accessor, one column per attribute, float64 with NaN for nulls)."""
    from groggy.matrix import Matrix
    store = accessor._store()
    if columns is None:
        columns = [n for n in store.names() if store.column(n).kind != "string"]
    elif isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    for name in columns:
        if name not in store:
            raise KeyError(f"no attribute {name!r}; attributes are {store.names()}")
        if store.column(name).kind == "string":
            raise TypeError(f"attribute {name!r} holds strings; a matrix takes numeric "
                            "attributes only")
    rows = accessor._rows
    n, k = (accessor._total() if rows is None else int(rows.size)), len(columns)
    values = np.empty((n, k), dtype=np.float64)
    for j, name in enumerate(columns):
        values[:, j] = store.column(name).numeric(rows)
    indptr = np.arange(0, n * k + 1, max(k, 1), dtype=np.int64) if k else np.zeros(n + 1,
                                                                                   np.int64)
    indices = np.tile(np.arange(k, dtype=np.int64), n)
    m = Matrix._from_csr(indptr, indices, values.ravel(), (n, k), names=columns)
    m._graph = accessor._graph if rows is None else accessor._subgraph(rows)
    return m


class MatrixMethods:
    """The matrix calls of Graph and Subgraph (mixed into both)."""

    def adjacency_matrix(self, weight: str | None = None):
        """The n x n adjacency as a sparse :class:`~groggy.Matrix`, rows and columns in
        node id order (a subgraph's nodes renumbered 0..). ``weight`` names a numeric
        edge attribute to use as values (null counts as 1). Parallel edges are separate
        entries that add up; a self-loop is one diagonal entry (as in networkx).

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(3)
        >>> _ = g.add_edges([(0, 1, {"w": 2.5}), (1, 2, {"w": 1.0})])
        >>> g.adjacency_matrix(weight="w").to_numpy().tolist()
        [[0.0, 2.5, 0.0], [2.5, 0.0, 1.0], [0.0, 1.0, 0.0]]
        """
        return adjacency(self, weight)

    adj = adjacency_matrix  # upstream's short name

    def to_matrix(self):
        """The adjacency matrix (``adjacency_matrix()``); node attributes as a matrix are
        ``g.nodes.matrix(cols)``."""
        return adjacency(self)

    def laplacian_matrix(self, normalized: bool = False, weight: str | None = None):
        """The Laplacian ``D - A`` as a sparse :class:`~groggy.Matrix`, D the row sums of
        the adjacency (out-degree in a directed graph); ``normalized=True`` gives
        ``D^-1/2 (D - A) D^-1/2``. Matches networkx's ``laplacian_matrix`` and
        ``normalized_laplacian_matrix``.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
        >>> g.laplacian_matrix().to_numpy().tolist()
        [[1, -1, 0], [-1, 2, -1], [0, -1, 1]]
        """
        return laplacian(self, normalized, weight)


class AccessorMatrixMethods:
    """``g.nodes.matrix(cols)`` / ``g.edges.matrix(cols)`` (mixed into the accessors)."""

    def matrix(self, columns=None):
        """Attributes as a :class:`~groggy.Matrix`: one row per element here, one column
        per attribute named in ``columns`` (default: every numeric one), float64 with
        NaN for nulls.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes({"x": [1, 2], "y": [0.5, None]})
        >>> g.nodes.matrix(["x", "y"]).to_numpy().tolist()
        [[1.0, 0.5], [2.0, nan]]
        """
        return attribute_matrix(self, columns)


class WeightMatrixMethod:
    """``g.edges.weight_matrix(attr)`` (mixed into the edges accessor)."""

    def weight_matrix(self, weight: str = "weight"):
        """The adjacency of these edges weighted by edge attribute ``weight`` (n x n over
        the graph's nodes, or over these edges' endpoints); see
        ``Graph.adjacency_matrix``."""
        source = self._graph if self._rows is None else self._subgraph(self._rows)
        return adjacency(source, weight)
