"""Per-subgraph aggregates of attributes, and collapsing subgraphs into meta-nodes.

A set of subgraphs is given as a membership: ``owner[i]`` is the subgraph (0..k-1) that
row ``members[i]`` belongs to. Aggregates are NumPy reductions over that pairing
(``bincount`` and ``ufunc.at``), one pass per output, no Python loop over rows.

Aggregation specs follow upstream groggy's ``collapse(node_aggs=...)``: a dict
``{output: function}`` (the output names the attribute too) or
``{output: (function, attribute)}``, or a list of ``(output, function)`` /
``(output, function, attribute)`` tuples. ``"count"`` of a name that is no attribute
counts the rows (``{"size": "count"}``).
"""
from __future__ import annotations

import numpy as np

from groggy.grouping import Grouping

FUNCTIONS = ("count", "sum", "mean", "min", "max", "std", "nunique", "first", "last")


def parse_spec(spec, what: str = "node_aggs") -> list:
    """``[(output, function, attribute)]`` from an aggregation spec (see the module)."""
    if isinstance(spec, dict):
        items = [(out, *(value if isinstance(value, tuple) else (value, out)))
                 for out, value in spec.items()]
    elif isinstance(spec, (list, tuple)):
        items = []
        for item in spec:
            if not isinstance(item, tuple) or len(item) not in (2, 3):
                raise ValueError(f"{what}: cannot read {item!r}; give (output, function) "
                                 "or (output, function, attribute)")
            items.append(item if len(item) == 3 else (item[0], item[1], item[0]))
    else:
        raise TypeError(f"{what} must be a dict or a list of tuples, got {type(spec).__name__}")
    for out, fn, attr in items:
        if not isinstance(out, str) or not isinstance(attr, str):
            raise TypeError(f"{what}: output and attribute names are str, got {out!r}, "
                            f"{attr!r}")
        if fn not in FUNCTIONS:
            raise ValueError(f"{what}: unknown aggregation {fn!r} for {out!r}; use one of "
                             f"{', '.join(FUNCTIONS)}")
    return items


def aggregate(store, owner: np.ndarray, rows: np.ndarray, k: int, spec,
              what: str = "node_aggs") -> dict:
    """``{output: values}``, one value per group 0..k-1, over the columns of ``store``
    (a ColumnStore) at ``rows``. Nulls and NaN are skipped (as pandas does); a group with
    no value gets null, except ``count`` / ``nunique`` (0) and ``sum`` (0). ``std`` is the
    population standard deviation (ddof=0), as in ``group_by`` and ``NumArray.std``.

    Examples
    --------
    >>> from groggy.storage import ColumnStore
    >>> store = ColumnStore(); store.add_rows(4, {"x": [1.0, 2.0, None, 7.0]})
    >>> out = aggregate(store, np.array([0, 0, 1, 1]), np.arange(4), 2,
    ...                 {"x": "mean", "size": "count", "top": ("max", "x")})
    >>> out["x"].tolist(), out["size"].tolist(), out["top"].tolist()
    ([1.5, 7.0], [2, 2], [2.0, 7.0])
    """
    out = {}
    for name, fn, attr in parse_spec(spec, what):
        if attr not in store:
            if fn == "count":
                out[name] = np.bincount(owner, minlength=k).astype(np.int64)
                continue
            raise KeyError(f"{what}: unknown attribute {attr!r} (for output {name!r}); "
                           f"attributes are {store.names()}")
        out[name] = _reduce(store.column(attr), owner, rows, k, fn)
    return out


def _reduce(col, owner, rows, k, fn):
    """One value per group (None: null), by the group-by kernels (groggy.grouping)."""
    out = Grouping.of_codes(rows, owner, k).aggregate(col, fn, col.name)
    return out.data if out.valid is None and out.kind != "string" else out.to_list()


def collapse(graph, owner: np.ndarray, members: np.ndarray, k: int, node_aggs=None,
             edge_aggs=None, include_edge_count: bool = True):
    """A new graph of ``type(graph)`` with one meta-node per group (node ``i`` is group
    ``i``) holding ``size`` (its node count) and ``node_aggs``, and one edge per pair of
    groups that some edge of ``graph`` joins (per ordered pair, if directed) holding
    ``edge_count`` (how many) and ``edge_aggs``. Edges inside one group and edges to
    nodes in no group are left out. Groups must not share nodes."""
    place = np.full(graph.node_count(), -1, dtype=np.int64)
    place[members] = owner
    if np.bincount(members, minlength=graph.node_count()).max(initial=0) > 1:
        twice = int(np.flatnonzero(np.bincount(members) > 1)[0])
        raise ValueError(f"node {twice} is in more than one of the subgraphs; collapse "
                         "needs subgraphs that share no node")
    node_attrs = {"size": np.bincount(owner, minlength=k).astype(np.int64)}
    node_attrs.update(aggregate(graph._nodes, owner, members, k, node_aggs or {}))
    a, b = place[graph._src.data], place[graph._dst.data]
    between = np.flatnonzero((a >= 0) & (b >= 0) & (a != b))
    a, b = a[between], b[between]
    if not graph.is_directed:
        a, b = np.minimum(a, b), np.maximum(a, b)
    pairs, pair_of = np.unique(a * k + b, return_inverse=True)
    pair_of = pair_of.ravel()
    edge_attrs = {"edge_count": np.bincount(pair_of, minlength=pairs.size).astype(np.int64)} \
        if include_edge_count else {}
    edge_attrs.update(aggregate(graph._edges, pair_of, between, pairs.size, edge_aggs or {},
                                "edge_aggs"))
    out = type(graph)(graph.is_directed)
    out.add_nodes(node_attrs if node_attrs else k)
    out.add_edges(pairs // max(k, 1), pairs % max(k, 1), **edge_attrs)
    return out
