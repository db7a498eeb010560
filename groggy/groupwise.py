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

from groggy import kernels

FUNCTIONS = ("count", "sum", "mean", "min", "max", "std", "nunique", "first", "last")
_NUMERIC_ONLY = ("sum", "mean", "min", "max", "std")


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
    sample standard deviation (ddof=1, as pandas' ``groupby().std()``).

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
    if col.kind == "string" and fn in _NUMERIC_ONLY:
        raise TypeError(f"cannot take the {fn} of {col.name!r}: it holds strings")
    valid = col.valid
    present = np.ones(rows.size, dtype=bool) if valid is None else valid[rows].copy()
    if col.kind == "float64":
        present &= ~np.isnan(col.data[rows])
    o, r = owner[present], rows[present]
    count = np.bincount(o, minlength=k).astype(np.int64)
    if fn == "count":
        return count
    if fn in ("first", "last"):
        pick = np.full(k, -1 if fn == "last" else np.iinfo(np.int64).max, dtype=np.int64)
        (np.maximum if fn == "last" else np.minimum).at(pick, o, r)
        values = col.to_list(np.where(count > 0, pick, 0))
        return [v if c else None for v, c in zip(values, count.tolist())]
    if fn == "nunique":
        codes = kernels.string_ranks(*col.text, r)[1] if col.kind == "string" \
            else np.unique(col.data[r], return_inverse=True)[1].ravel()
        span = int(codes.max()) + 1 if codes.size else 1
        pairs = np.unique(o * span + codes)
        return np.bincount(pairs // span, minlength=k).astype(np.int64)
    x = col.data[r]
    if fn in ("min", "max"):
        fill = np.inf if fn == "min" else -np.inf
        best = np.full(k, fill)
        (np.minimum if fn == "min" else np.maximum).at(best, o, x.astype(np.float64))
        return _nullable(best, count > 0, col.kind)
    total = np.bincount(o, weights=x.astype(np.float64), minlength=k)
    if fn == "sum":
        return total.astype(np.int64) if col.kind == "int64" else total
    mean = np.divide(total, count, out=np.zeros(k), where=count > 0)
    if fn == "mean":
        return _nullable(mean, count > 0, "float64")
    dev = np.bincount(o, weights=(x - mean[o]) ** 2, minlength=k)
    std = np.sqrt(np.divide(dev, count - 1, out=np.zeros(k), where=count > 1))
    return _nullable(std, count > 1, "float64")


def _nullable(values: np.ndarray, ok: np.ndarray, kind: str):
    """``values`` in the column's kind, as a list with None where ``ok`` is False."""
    if kind == "int64":
        values = np.where(ok, values, 0).astype(np.int64)
    elif kind == "bool":
        values = np.where(ok, values, 0).astype(bool)
    if ok.all():
        return values
    return [v if good else None for v, good in zip(values.tolist(), ok.tolist())]


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
