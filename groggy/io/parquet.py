"""Parquet files (pyarrow, an optional extra): ``g.to_parquet``, ``gg.from_parquet``
and ``table.to_parquet``. Columns cross as Arrow buffers (see :mod:`groggy.io.arrow`)."""
from __future__ import annotations

from groggy.errors import require
from groggy.io import arrow, files


def _pq():
    return require("pyarrow.parquet", "Parquet I/O")


def write_table(table, path, **kwargs) -> None:
    """Write a groggy table (any ``BaseTable`` view) to a Parquet file; keyword
    arguments go to ``pyarrow.parquet.write_table`` (``compression=...``)."""
    _pq().write_table(arrow.table_to_arrow(table), str(path), **kwargs)


def to_parquet(graph, nodes_path, edges_path, **kwargs) -> None:
    """Write the nodes table (``node_id`` + attributes) and the edges table (``edge_id``,
    ``source``, ``target`` + attributes) as two Parquet files;
    ``gg.from_parquet(nodes_path, edges_path)`` reads the graph back.

    Examples
    --------
    >>> import tempfile, os, groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes({"name": ["a", None, "c"]})
    >>> _ = g.add_edges([0, 1], [1, 2], w=[0.5, 1.5])
    >>> d = tempfile.mkdtemp()
    >>> g.to_parquet(os.path.join(d, "n.parquet"), os.path.join(d, "e.parquet"))
    >>> h = gg.from_parquet(os.path.join(d, "n.parquet"), os.path.join(d, "e.parquet"))
    >>> h.nodes["name"].to_list(), h.edges["w"].to_list()
    (['a', None, 'c'], [0.5, 1.5])
    """
    write_table(graph.nodes.table(), nodes_path, **kwargs)
    write_table(graph.edges.table(), edges_path, **kwargs)


def from_parquet(nodes_path=None, edges_path=None, source: str = "source",
                 target: str = "target", node_id: str | None = None,
                 directed: bool = False, columns: dict | None = None):
    """A graph from a nodes Parquet file and an edges Parquet file (either may be None),
    with the rules of :func:`groggy.from_pandas` for ``source``, ``target`` and
    ``node_id``. ``columns``: ``{"nodes": [...], "edges": [...]}`` reads only those
    attribute columns. Raises as :func:`groggy.from_csv` does: ``FileNotFoundError``
    naming a missing file, ``KeyError`` naming a missing column or node.
    """
    nodes_path, edges_path = files.pair(nodes_path, edges_path, "Parquet")
    pq = _pq()
    columns = columns or {}

    def read(path, keep, always, skip=()):
        if path is None:
            return None
        present = pq.read_schema(str(path)).names
        names = ([c for c in present if c not in skip] if keep is None
                 else list(dict.fromkeys([*always, *keep])))
        if keep is not None:
            missing = [c for c in names if c not in present]
            if missing:
                raise KeyError(f"Parquet file {str(path)!r} has no column {missing[0]!r}; "
                               f"its columns are {present}")
        return pq.read_table(str(path), columns=names)

    node_key = [node_id] if node_id else []
    nodes = read(nodes_path, columns.get("nodes"), node_key)
    # edge ids are row positions: a stored edge_id column is not even read
    edges = read(edges_path, columns.get("edges"), [source, target], skip={"edge_id"})
    return arrow.graph_from_arrow(nodes, edges, source, target, node_id, directed,
                                  files.origin(nodes_path, edges_path))
