"""Graphs from pandas DataFrames and back: ``gg.from_pandas`` and ``g.to_pandas``.

Columns move as whole arrays: numbers and bools as NumPy buffers, nullable dtypes
(``Int64``, ``Float64``, ``boolean``, ``pd.NA``) and NaN/None in object columns as null
masks, categoricals as their categories gathered by code, strings (object, ``string``
or Arrow-backed) as offsets + UTF-8 bytes.
"""
from __future__ import annotations

import numpy as np

from groggy.errors import require
from groggy.io import build

# upstream spells the key columns this way (gr.from_pandas(df, node_id_column=...))
UPSTREAM_NAMES = {"node_id_column": "node_id", "source_id_column": "source",
                  "target_id_column": "target"}


def upstream_keywords(kwargs: dict, given: dict) -> dict:
    """Fold upstream's keyword names into ours; refuse unknown keywords by name."""
    out = dict(given)
    for name, value in kwargs.items():
        if name not in UPSTREAM_NAMES:
            raise TypeError(f"unexpected keyword argument {name!r}")
        out[UPSTREAM_NAMES[name]] = value
    return out


# --------------------------------------------------------------------------- columns

def column_from_series(name: str, series):
    """One pandas Series as a groggy column (a :class:`~groggy.storage.Column`).

    Examples
    --------
    >>> import pandas as pd
    >>> column_from_series("x", pd.Series([1, None, 3], dtype="Int64")).to_list()
    [1, None, 3]
    >>> column_from_series("s", pd.Series(["a", None, "c"])).to_list()
    ['a', None, 'c']
    """
    pd = require("pandas", "from_pandas")
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _categorical(name, series, pd)
    arrow = _arrow_array(series, pd)
    if arrow is not None:
        from groggy.io import arrow as arrow_io
        return arrow_io.column_from_arrow(name, arrow)
    if isinstance(dtype, np.dtype) and dtype.kind in "iufb":
        # plain NumPy: no nulls to find (a float NaN is a value, as in NumPy)
        return build.fixed_column(name, series.to_numpy())
    if dtype.kind in "iufb":  # nullable extension dtypes: Int64, Float64, boolean
        valid = ~series.isna().to_numpy()
        fill = {"b": False, "f": np.nan}.get(dtype.kind, 0)
        kind = {"b": bool, "f": np.float64}.get(dtype.kind, np.int64)
        return build.fixed_column(name, series.to_numpy(dtype=kind, na_value=fill), valid)
    if dtype.kind in "OU" or isinstance(dtype, pd.StringDtype):
        return _objects(name, series, pd)
    raise TypeError(f"column {name!r}: cannot store pandas dtype {dtype}; groggy columns "
                    f"hold int, float, bool or str (convert it first, e.g. "
                    f"df[{name!r}].astype(str))")


def _arrow_array(series, pd):
    """The pyarrow array behind an Arrow-backed Series, else None."""
    values = series.array
    data = getattr(values, "_pa_array", None)
    if data is None:
        return None
    return data.combine_chunks() if hasattr(data, "combine_chunks") else data


def _objects(name: str, series, pd):
    """An object or ``string`` column: strings, or Python numbers with None/NaN nulls."""
    valid = ~series.isna().to_numpy()
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    values = series.to_numpy(dtype=object)
    if inferred in ("string", "empty"):
        if inferred == "empty" and valid.any():
            raise TypeError(f"column {name!r}: cannot read its values")
        return build.text_column(name, values, valid)
    # numbers or bools in an object column (few and small in practice): Python values
    from groggy.storage import Column
    listed = [v if ok else None for v, ok in zip(values.tolist(), valid.tolist())]
    return Column.from_values(name, listed)


def _categorical(name: str, series, pd):
    """Categories converted once, then gathered by code (-1 is null)."""
    codes = series.cat.codes.to_numpy().astype(np.int64)
    valid = codes >= 0
    cats = series.cat.categories
    if len(cats) == 0:
        return build.text_column(name, [""] * len(series), np.zeros(len(series), bool))
    safe = np.where(valid, codes, 0)
    if cats.dtype.kind in "iufb":
        return build.fixed_column(name, cats.to_numpy()[safe], valid)
    cat_col = column_from_series(name, pd.Series(cats))
    if cat_col.kind != "string":
        raise TypeError(f"column {name!r}: categories of dtype {cats.dtype} are not "
                        "numbers or strings")
    from groggy import kernels
    offsets, utf8 = kernels.gather_strings(*cat_col.text, safe)
    return build.string_column(name, offsets, utf8, valid)


def columns_from_frame(df, skip=(), what="node") -> dict:
    return {str(name): column_from_series(str(name), df[name])
            for name in df.columns if name not in skip}


# --------------------------------------------------------------------------- graphs

def _column(df, name: str, what: str):
    if name not in df.columns:
        raise KeyError(f"the {what} frame has no column {name!r}; its columns are "
                       f"{[str(c) for c in df.columns]}")
    series = df[name]
    if series.isna().any():
        row = int(np.flatnonzero(series.isna().to_numpy())[0])
        raise ValueError(f"{what} column {name!r} is null at row {row}; every "
                         f"{'node key' if what == 'nodes' else 'edge endpoint'} needs a value")
    return series.to_numpy()


def from_pandas(nodes_df=None, edges_df=None, source: str = "source",
                target: str = "target", node_id: str | None = None,
                directed: bool = False, table_type: str | None = None, **kwargs):
    """A graph from a nodes DataFrame and an edges DataFrame.

    Parameters
    ----------
    nodes_df : pandas.DataFrame or None
        One row per node; every column (but ``node_id``) becomes a node attribute.
        Nulls of nullable dtypes (``Int64``, ``Float64``, ``boolean``, ``string``),
        ``pd.NA`` and None/NaN in object columns become groggy nulls; a NaN in a plain
        ``float64`` column stays a NaN value (``df.convert_dtypes()`` turns those into
        nulls first).
        None: the nodes are the edge endpoints.
    edges_df : pandas.DataFrame or None
        One row per edge; ``source`` and ``target`` name the endpoints, every other
        column becomes an edge attribute (an ``edge_id`` column is dropped: edge ids
        are row positions).
    source, target : str
        The endpoint columns of ``edges_df``.
    node_id : str, optional
        The column of ``nodes_df`` holding node keys (ints or strings) that the
        endpoints refer to; mapped in one vectorised pass. Without it (and without a
        ``node_id`` column, which is used when present), endpoints are node positions
        0..n-1. With ``nodes_df`` None, non-integer endpoints become nodes whose keys
        go to the attribute ``node_id`` (default ``"id"``).
    directed : bool
        Whether the graph's edges have a direction.
    table_type : {"base", "nodes", "edges"}, optional
        Upstream's single-frame form ``from_pandas(df, table_type=...)``: return that
        table instead of a graph. Upstream's ``node_id_column``, ``source_id_column``
        and ``target_id_column`` keywords are accepted too.

    Raises
    ------
    KeyError
        A named column is missing, or an endpoint names no node (the message lists it).
    ValueError
        Node keys repeat, or a key or endpoint is null.

    Examples
    --------
    >>> import pandas as pd, groggy as gg
    >>> people = pd.DataFrame({"name": ["ann", "bob", "cy"],
    ...                        "age": pd.array([31, None, 40], dtype="Int64")})
    >>> knows = pd.DataFrame({"source": ["ann", "bob"], "target": ["bob", "cy"],
    ...                       "since": [2019, 2021]})
    >>> g = gg.from_pandas(people, knows, node_id="name")
    >>> g.node_count(), g.edge_count(), g.get_node_attr(1, "age")
    (3, 2, None)
    >>> g.edges.table().to_pandas()[["source", "target", "since"]].values.tolist()
    [[0, 1, 2019], [1, 2, 2021]]
    """
    names = upstream_keywords(kwargs, {"node_id": node_id, "source": source,
                                       "target": target})
    node_id, source, target = names["node_id"], names["source"], names["target"]
    if table_type is not None:
        return _table(nodes_df, edges_df, table_type, node_id, source, target, directed)
    pd = require("pandas", "from_pandas")
    for frame, what in ((nodes_df, "nodes_df"), (edges_df, "edges_df")):
        if frame is not None and not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{what} must be a pandas DataFrame or None, "
                            f"got {type(frame).__name__}")
    if edges_df is None:
        edges_df = pd.DataFrame({source: np.empty(0, np.int64), target: np.empty(0, np.int64)})
    src, dst = _column(edges_df, source, "edges"), _column(edges_df, target, "edges")
    edge_cols = columns_from_frame(edges_df, skip={source, target, "edge_id"})
    if nodes_df is None:
        keys, n = build.keys_from_endpoints(src, dst)
        node_cols = {}
        if keys is not None:
            n = keys.size
            attr = node_id or build.KEY_ATTR
            node_cols[attr] = column_from_series(attr, pd.Series(keys))
            src = build.map_keys(keys, src, source, attr)
            dst = build.map_keys(keys, dst, target, attr)
        return build.assemble(n, node_cols, src, dst, edge_cols, directed)
    if node_id is None and "node_id" in nodes_df.columns:
        node_id = "node_id"
    if node_id is not None:
        keys = _column(nodes_df, node_id, "nodes")
        src, dst = build.key_positions(keys, src, dst, source, target, node_id)
    node_cols = columns_from_frame(nodes_df, skip={"node_id"})
    return build.assemble(len(nodes_df), node_cols, src, dst, edge_cols, directed)


def _table(nodes_df, edges_df, table_type, node_id, source, target, directed):
    """Upstream's ``from_pandas(df, table_type=...)``: a table, not a graph."""
    if edges_df is not None:
        raise TypeError("table_type= takes one DataFrame: from_pandas(df, table_type=...)")
    if table_type == "base":
        from groggy.tables import make_table
        return make_table({str(c): column_from_series(str(c), nodes_df[c]).to_list()
                           for c in nodes_df.columns})
    if table_type == "nodes":
        return from_pandas(nodes_df, None, node_id=node_id, directed=directed).nodes.table()
    if table_type == "edges":
        return from_pandas(None, nodes_df, source, target, directed=directed).edges.table()
    raise ValueError(f"unknown table_type {table_type!r}; expected 'base', 'nodes' or 'edges'")


def to_pandas(graph) -> tuple:
    """``(nodes_df, edges_df)``: the graph's two tables as DataFrames, with ``node_id``,
    ``edge_id``, ``source`` and ``target`` columns; ``gg.from_pandas(*g.to_pandas())``
    gives the graph back.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes({"x": [1, 2]}); _ = g.add_edge(0, 1)
    >>> nodes, edges = g.to_pandas()
    >>> list(nodes.columns), list(edges.columns)
    (['node_id', 'x'], ['edge_id', 'source', 'target'])
    """
    return graph.nodes.table().to_pandas(), graph.edges.table().to_pandas()
