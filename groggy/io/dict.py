"""Graphs from dicts of columns (``gg.from_dict``), the shape ``g.to_dict()`` and JSON
files use: ``{"directed": bool, "nodes": {column: [values]}, "edges": {column: [...]}}``
(lists of row dicts are accepted for ``nodes`` and ``edges`` too)."""
from __future__ import annotations

import numpy as np

from groggy.io import build
from groggy.io.pandas import upstream_keywords
from groggy.storage import Column


def _as_columns(part, what: str) -> dict:
    """A dict of columns from columns or from a list of row dicts."""
    if part is None:
        return {}
    if isinstance(part, dict):
        return part
    if isinstance(part, (list, tuple)) and all(isinstance(r, dict) for r in part):
        names = dict.fromkeys(k for r in part for k in r)
        return {k: [r.get(k) for r in part] for k in names}
    raise TypeError(f"{what} must be a dict of columns or a list of row dicts, "
                    f"got {type(part).__name__}")


def _keys(values, name: str, what: str) -> np.ndarray:
    values = values if isinstance(values, np.ndarray) else list(values)
    if any(v is None for v in (values.tolist() if isinstance(values, np.ndarray) else values)):
        raise ValueError(f"{what} column {name!r} has a null; every "
                         f"{'node key' if what == 'nodes' else 'edge endpoint'} needs a value")
    arr = np.asarray(values)
    if arr.dtype == object:
        raise TypeError(f"{what} column {name!r} mixes kinds of values; give ints or strings")
    return arr


def _column(cols: dict, name: str, what: str):
    if name not in cols:
        raise KeyError(f"the {what} have no column {name!r}; their columns are {list(cols)}")
    return _keys(cols[name], name, what)


def graph_from_columns(nodes, edges, source="source", target="target", node_id=None,
                       directed=False):
    """A graph from node and edge columns (dicts of lists or arrays, or lists of row
    dicts), with :func:`groggy.from_pandas`'s rules for keys and endpoints."""
    nodes, edges = _as_columns(nodes, "nodes"), _as_columns(edges, "edges")
    lengths = {what: {len(v) for v in cols.values()}
               for what, cols in (("nodes", nodes), ("edges", edges))}
    for what, found in lengths.items():
        if len(found) > 1:
            raise ValueError(f"{what} columns differ in length: {sorted(found)}")
    src = _column(edges, source, "edges") if edges else np.empty(0, np.int64)
    dst = _column(edges, target, "edges") if edges else np.empty(0, np.int64)
    edge_cols = {k: Column.from_values(k, v) for k, v in edges.items()
                 if k not in (source, target, "edge_id")}
    if not nodes:
        keys, n = build.keys_from_endpoints(src, dst)
        node_cols = {}
        if keys is not None:
            attr = node_id or build.KEY_ATTR
            n, node_cols[attr] = keys.size, Column.from_values(attr, keys)
            src, dst = (build.map_keys(keys, src, source, attr),
                        build.map_keys(keys, dst, target, attr))
        return build.assemble(n, node_cols, src, dst, edge_cols, directed)
    if node_id is None and "node_id" in nodes:
        node_id = "node_id"
    if node_id is not None:
        keys = _column(nodes, node_id, "nodes")
        src, dst = build.key_positions(keys, src, dst, source, target, node_id)
    node_cols = {k: Column.from_values(k, v) for k, v in nodes.items() if k != "node_id"}
    n = next(iter(lengths["nodes"]))
    return build.assemble(n, node_cols, src, dst, edge_cols, directed)


def from_dict(data: dict, table_type: str | None = None, *, source: str = "source",
              target: str = "target", node_id: str | None = None, directed=None,
              **kwargs):
    """A graph from ``{"nodes": ..., "edges": ..., "directed": ...}`` (what
    ``g.to_dict()`` gives), or upstream's one-table form.

    ``nodes`` and ``edges`` are dicts of columns (lists with None for nulls, or NumPy
    arrays) or lists of row dicts; keys and endpoints follow :func:`groggy.from_pandas`.
    Upstream's ``from_dict(columns, table_type="base" | "nodes" | "edges",
    node_id_column=..., source_id_column=..., target_id_column=...)`` returns that
    table; a dict without ``nodes`` / ``edges`` entries is a plain table, as upstream.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.from_dict({"nodes": {"name": ["ann", "bob"]},
    ...                   "edges": {"source": ["ann"], "target": ["bob"], "w": [2.0]}},
    ...                  node_id="name")
    >>> g.node_count(), g.edge_endpoints(0), g.edges["w"].to_list()
    (2, (0, 1), [2.0])
    >>> gg.from_dict({"x": [1, 2]}).shape
    (2, 1)
    """
    names = upstream_keywords(kwargs, {"node_id": node_id, "source": source,
                                       "target": target})
    if not isinstance(data, dict):
        raise TypeError(f"from_dict takes a dict, got {type(data).__name__}")
    graph_form = table_type is None and ("nodes" in data or "edges" in data) and all(
        isinstance(data.get(k), (dict, list, tuple, type(None))) and
        not (isinstance(data.get(k), (list, tuple)) and data.get(k) and
             not isinstance(data[k][0], dict))
        for k in ("nodes", "edges"))
    if graph_form:
        unknown = set(data) - {"nodes", "edges", "directed"}
        if unknown:
            raise KeyError(f"a graph dict has 'nodes', 'edges' and 'directed'; "
                           f"unknown entries {sorted(unknown)}")
        return graph_from_columns(data.get("nodes"), data.get("edges"), names["source"],
                                  names["target"], names["node_id"],
                                  bool(data.get("directed", False) if directed is None
                                       else directed))
    directed = bool(directed)
    kind = table_type or "base"
    if kind == "base":
        from groggy.tables import make_table
        return make_table(data)
    if kind == "nodes":
        return graph_from_columns(data, None, node_id=names["node_id"],
                                  directed=directed).nodes.table()
    if kind == "edges":
        return graph_from_columns(None, data, names["source"], names["target"],
                                  directed=directed).edges.table()
    raise ValueError(f"unknown table_type {table_type!r}; expected 'base', 'nodes' or 'edges'")


def to_dict(graph) -> dict:
    """``{"directed", "nodes", "edges"}`` with every column as a list (None for nulls);
    ``gg.from_dict(g.to_dict())`` gives the graph back.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes({"x": [1, None]}); _ = g.add_edge(0, 1)
    >>> g.to_dict()
    {'directed': False, 'nodes': {'node_id': [0, 1], 'x': [1, None]}, 'edges': {'edge_id': [0], 'source': [0], 'target': [1]}}
    """
    return {"directed": graph.is_directed, "nodes": graph.nodes.table().to_dict(),
            "edges": graph.edges.table().to_dict()}
