"""``DistributedGraph``: a graph whose nodes and edges are Dask DataFrames, and
``open``, which reads one from a partitioned groggy store or from Parquet datasets."""
from __future__ import annotations

from groggy.dask import cluster, removed
from groggy.dask.table import DistributedTable


class DistributedGraph:
    """A graph held by a Dask cluster.

    ``nodes`` and ``edges`` are Dask DataFrames whose index is the global row position
    (a node's position is its id; ``edges`` has int64 ``source`` and ``target`` node
    positions). Per-node results (``degree``, ``connected_components``) are lazy Dask
    Series aligned with ``nodes``; ``table("nodes").group_by(...)``, ``stats()`` and
    friends answer with small groggy tables.

    ``removed``: {"nodes"/"edges": sorted removed ids} of a store with removals (read by
    ``open``): the frames hold the live rows only, and ids stay the store's.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, groggy.dask as gd
    >>> from distributed import Client, LocalCluster
    >>> client = Client(LocalCluster(processes=False, dashboard_address=None))
    >>> nodes = dd.from_pandas(pd.DataFrame({"age": [30, 40, 50, 60]}), npartitions=2)
    >>> edges = dd.from_pandas(pd.DataFrame({"source": [0, 2], "target": [1, 3]}),
    ...                        npartitions=2)
    >>> g = gd.DistributedGraph(nodes, edges, client=client)
    >>> g.degree().compute().tolist()
    [1, 1, 1, 1]
    >>> g.connected_components().compute().tolist()
    [0, 0, 2, 2]
    >>> client.cluster.close(); client.close()
    """

    def __init__(self, nodes, edges, directed: bool = False, client=None,
                 node_ranges=None, edge_ranges=None, origin: str = "dask", removed=None):
        import dask.dataframe as dd
        for frame, what in ((nodes, "nodes"), (edges, "edges")):
            if not isinstance(frame, dd.DataFrame):
                raise TypeError(f"{what} must be a dask DataFrame, got {type(frame).__name__}")
        for end in ("source", "target"):
            if end not in edges.columns:
                raise KeyError(f"edges need a {end!r} column of node positions; columns "
                               f"are {list(edges.columns)}")
        self.nodes, self.edges, self.directed = nodes, edges, bool(directed)
        self._client, self._origin = client, origin
        self._ranges = {"nodes": node_ranges, "edges": edge_ranges}
        self._removed = {part: None if ids is None or not len(ids) else ids
                         for part, ids in (removed or {}).items()}

    @property
    def client(self):
        self._client = cluster.client_for(self._client)
        return self._client

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return (f"DistributedGraph({kind}, {self.nodes.npartitions} node and "
                f"{self.edges.npartitions} edge partitions, from {self._origin})")

    # ---------------------------------------------------------------- shape
    def ranges(self, what: str = "nodes") -> list:
        """[(start, stop), ...]: the rows of each partition of ``nodes`` or ``edges``
        (from the store's manifest, or counted once on the workers)."""
        if self._ranges[what] is None:
            lengths = self.table(what).partition_lengths()
            starts = [0]
            for n in lengths:
                starts.append(starts[-1] + n)
            self._ranges[what] = list(zip(starts[:-1], starts[1:]))
        return self._ranges[what]

    def removed_ids(self, what: str = "nodes"):
        """The sorted removed ids of ``nodes`` or ``edges`` (None: none removed)."""
        return self._removed.get(what)

    def gone(self, what: str = "nodes") -> list:
        """Per partition of ``what``: its removed ids (None: none removed at all)."""
        ids = self.removed_ids(what)
        return [None] * len(self.ranges(what)) if ids is None else \
            removed.by_range(ids, self.ranges(what))

    def node_count(self) -> int:
        """Live nodes (rows less removed ids), as ``Graph.node_count()``."""
        r, ids = self.ranges("nodes"), self.removed_ids("nodes")
        return (r[-1][1] if r else 0) - (0 if ids is None else len(ids))

    def edge_count(self) -> int:
        r, ids = self.ranges("edges"), self.removed_ids("edges")
        return (r[-1][1] if r else 0) - (0 if ids is None else len(ids))

    def table(self, what: str = "nodes") -> DistributedTable:
        """``nodes`` or ``edges`` as a :class:`DistributedTable` (filter, group_by,
        stats)."""
        if what not in ("nodes", "edges"):
            raise ValueError(f"table takes 'nodes' or 'edges', got {what!r}")
        return DistributedTable(getattr(self, what), self._client)

    def filter_nodes(self, expr: str) -> DistributedTable:
        """The node rows where ``expr`` holds (lazy; the grammar of ``BaseTable.filter``)."""
        return self.table("nodes").filter(expr)

    def filter_edges(self, expr: str) -> DistributedTable:
        """The edge rows where ``expr`` holds (lazy)."""
        return self.table("edges").filter(expr)

    # ---------------------------------------------------------------- graph operations
    def degree(self, mode: str = "all"):
        """Each node's degree as a lazy Dask Series (index: node position), as
        ``Graph.degree()`` in-process: ``mode`` ``"all"``, ``"out"`` or ``"in"`` (the
        last two for directed graphs); a self-loop adds 2."""
        from groggy.dask import degree
        if mode not in ("all", "out", "in"):
            raise ValueError(f"mode must be 'all', 'out' or 'in', got {mode!r}")
        return degree.degrees(self.edges, self.ranges("nodes"),
                              mode if self.directed else "all", self.gone("nodes"))

    def in_degree(self):
        return self.degree("in")

    def out_degree(self):
        return self.degree("out")

    def connected_components(self, split_every: int = 8):
        """Each node's weakly connected component as a lazy Dask Series (index: node
        position); a component's label is its smallest node position. See
        :mod:`groggy.dask.components` for how it runs."""
        from groggy.dask import components
        return components.component_labels(self.edges, self.ranges("nodes"), split_every,
                                           self.gone("nodes"))

    def with_node_columns(self, **columns) -> "DistributedGraph":
        """A graph with more node columns: ``g.with_node_columns(component=
        g.connected_components())`` (Dask Series aligned with ``nodes``, partition by
        partition)."""
        nodes = _with_columns(self.nodes, columns)
        return DistributedGraph(nodes, self.edges, self.directed, self._client,
                                self._ranges["nodes"], self._ranges["edges"], self._origin,
                                self._removed)

    # ---------------------------------------------------------------- writing
    def save(self, path):
        """Write the graph as a partitioned groggy store at ``path`` (one partition per
        Dask partition): the workers write the partition files, the client commits the
        manifest; on any failure ``path`` keeps its previous contents. Returns the path.
        """
        from groggy.dask import write
        return write.save(self, path)


def _attach(df, *series, names=()):
    return df.assign(**{name: s.to_numpy() for name, s in zip(names, series)})


def _with_columns(frame, columns: dict):
    import dask.dataframe as dd
    for name, series in columns.items():
        if not isinstance(series, dd.Series) or series.npartitions != frame.npartitions:
            raise ValueError(f"column {name!r}: expected a dask Series with "
                             f"{frame.npartitions} partitions (one per node partition)")
    names = tuple(columns)
    meta = _attach(frame._meta, *[s._meta for s in columns.values()], names=names)
    return dd.map_partitions(_attach, frame, *columns.values(), names=names, meta=meta,
                             align_dataframes=False)


def open(path=None, client=None, *, nodes=None, edges=None, source: str = "source",  # noqa: A001
         target: str = "target", directed: bool = False,
         storage_options: dict | None = None) -> DistributedGraph:
    """A stored graph as a :class:`DistributedGraph`, read lazily by the workers.

    ``gg.dask.open(path)``: a groggy store (partitioned or not); one Dask partition per
    store partition, each read from its memory-mapped files by the worker that needs
    it (nothing passes through the client). ``gg.dask.open(nodes="dir_or_glob",
    edges="...", source="src", target="dst")``: Parquet datasets, one partition per
    file, whose edge ends are integer node positions.

    ``client``: a ``distributed.Client`` (``Client("tcp://scheduler:8786")``); by
    default the current client, else a new ``LocalCluster``. Every worker must reach
    ``path`` (or the Parquet files) at the same path.

    ``path`` (or ``nodes``/``edges``) may be a URL fsspec opens: ``s3://bucket/g.groggy``
    (``pip install s3fs``), ``gs://...``, ``file:///...``; ``storage_options`` are the
    file system's keywords (credentials, ``client_kwargs={"endpoint_url": ...}``). The
    client reads the manifest (and lists the files' sizes); each worker fetches its
    partitions' files (checked against their CRC-32s) into its own memory.
    """
    from groggy.dask import read
    if path is not None:
        if nodes is not None or edges is not None:
            raise TypeError("give a store path, or nodes= and edges= Parquet datasets, "
                            "not both")
        return read.open_store(path, client, storage_options)
    if edges is None:
        raise TypeError("gg.dask.open takes a store path, or edges= (and nodes=) Parquet "
                        "datasets")
    return read.open_parquet(nodes, edges, source, target, directed, client,
                             storage_options)
