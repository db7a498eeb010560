"""Partitions read by the workers: a groggy store's partitions (from their memory-mapped
``.npy`` files) or Parquet files, as Dask DataFrames made with ``dd.from_map`` (one
task per partition; the client reads manifests and Parquet footers, never rows).

The index of every partition is the global row position, so the frames have known
divisions (``groggy.dask.reduce.divisions``).
"""
from __future__ import annotations

import glob
import os

import numpy as np

from groggy.dask import reduce, removed
from groggy.store import remote
from groggy.store.manifest import piece_files

_STRINGS = "string[pyarrow]"   # what dask turns object columns of strings into
_KINDS = {"int64": "int64", "float64": "float64", "bool": "bool", "string": _STRINGS}
_NULLABLE = {"int64": "Int64", "float64": "Float64", "bool": "boolean", "string": _STRINGS}


class PartitionReader:
    """Reads one partition on a worker: ``reader(i, columns)`` is partition ``i`` as a
    pandas DataFrame indexed by global row position. Dask passes ``columns``: only
    those a computation uses are read (``source`` and ``target`` for degree)."""

    def __init__(self, load, ranges: list, dtypes: dict, part: str):
        self.load, self.ranges, self.dtypes, self.part = load, ranges, dtypes, part

    def meta(self):
        import pandas as pd
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in self.dtypes.items()},
                            index=pd.RangeIndex(0, 0))

    def __call__(self, i: int, gone=None, columns=None):
        import pandas as pd
        columns = list(self.dtypes) if columns is None else list(columns)
        start, stop = self.ranges[i]
        df = self.load(i, columns)
        if len(df) != stop - start:
            from groggy.errors import StoreError
            raise StoreError(f"{self.part} partition {i}: {len(df)} rows read, where "
                             f"{stop - start} were expected (rows {start}..{stop})")
        df.index = pd.RangeIndex(start, stop)
        mask = removed.keep(start, stop, gone)   # the removed ids in this partition
        if mask is not None:
            df = df[mask]
        return df.astype({c: self.dtypes[c] for c in columns}, copy=False)


def frame(reader: PartitionReader, gone: list | None = None):
    """The Dask DataFrame of every partition ``reader`` reads, without the removed ids
    ``gone[i]`` of partition ``i`` (global positions; None: nothing removed)."""
    import dask.dataframe as dd
    if not reader.ranges:   # a store written without partitions: one empty partition
        return dd.from_pandas(reader.meta(), npartitions=1)
    iterables = [range(len(reader.ranges))] + ([gone] if gone is not None else [])
    return dd.from_map(reader, *iterables, meta=reader.meta(),
                       divisions=reduce.divisions(reader.ranges), label=f"groggy-{reader.part}",
                       enforce_metadata=False)


# ------------------------------------------------------------------ Parquet

def parquet_files(spec, what: str, storage_options=None) -> list:
    """The files of a Parquet dataset: a file, a directory (its ``*.parquet``) or a glob
    pattern, in name order; a URL (``s3://bucket/nodes/``) is listed through fsspec
    and its files are URLs too."""
    if remote.is_url(spec):
        where = remote.locate(spec, storage_options)
        fs, root = where.fs, where.path
        if fs.isdir(root):
            found = fs.glob(root + "/*.parquet")
        else:
            found = fs.glob(root) if any(ch in root for ch in "*?[") else \
                [root] * fs.isfile(root)
        files = sorted(fs.unstrip_protocol(f) for f in found)
        if not files:
            raise FileNotFoundError(f"{what}: no Parquet files at {spec!r}")
        return files
    spec = os.fspath(spec)
    if os.path.isdir(spec):
        files = sorted(glob.glob(os.path.join(spec, "*.parquet")))
    elif any(ch in spec for ch in "*?["):
        files = sorted(glob.glob(spec))
    else:
        files = [spec] if os.path.exists(spec) else []
    if not files:
        raise FileNotFoundError(f"{what}: no Parquet files at {spec!r}")
    return files


def _kind(arrow_type) -> str | None:
    import pyarrow as pa
    t = arrow_type
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t):
        return "int64"
    if pa.types.is_floating(t):
        return "float64"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_dictionary(t):
        return _kind(t.value_type)
    return None


def _footer(path: str, storage_options=None):
    """The ``pyarrow.parquet.ParquetFile`` of a local file or a URL."""
    import pyarrow.parquet as pq
    if not remote.is_url(path):
        return pq.ParquetFile(path)
    where = remote.locate(path, storage_options)
    return pq.ParquetFile(where.fs.open(where.path, "rb"))


def parquet_layout(files: list, what: str, ends=(), storage_options=None) -> tuple:
    """(row ranges, {column: pandas dtype}) of a Parquet dataset, from the footers;
    every file must have the same columns of kinds groggy stores, and ``ends``
    columns must hold integers."""
    ranges, start, kinds, nullable = [], 0, None, set()
    for path in files:
        meta = _footer(path, storage_options)
        schema = meta.schema_arrow
        found = {}
        for field in schema:
            kind = _kind(field.type)
            if kind is None:
                raise TypeError(f"{what} column {field.name!r} in {path} holds "
                                f"{field.type}; groggy stores int, float, bool and string "
                                f"columns")
            found[field.name] = kind
        for end in ends:
            if end not in found:
                raise KeyError(f"{what}: {path} has no column {end!r}; its columns are "
                               f"{list(found)}")
            if found[end] != "int64":
                raise TypeError(f"{what} column {end!r} in {path} holds "
                                f"{schema.field(end).type}; edge ends must be integer "
                                f"node positions")
        if kinds is not None and found != kinds:
            raise ValueError(f"{what}: {path} has columns {found}, but {files[0]} has "
                             f"{kinds}; every file of a dataset needs the same columns")
        kinds = found
        rows = meta.metadata.num_rows
        for i in range(meta.metadata.num_row_groups):
            group = meta.metadata.row_group(i)
            for j in range(group.num_columns):
                stats = group.column(j).statistics
                if stats is None or stats.null_count is None or stats.null_count > 0:
                    nullable.add(group.column(j).path_in_schema)
        ranges.append((start, start + rows))
        start += rows
    dtypes = {name: (_NULLABLE if name in nullable else _KINDS)[kind]
              for name, kind in kinds.items()}
    return ranges, dtypes


class ParquetLoad:
    """Loads Parquet file ``files[i]`` on a worker; edge ends are renamed ``source`` and
    ``target`` and checked to be node positions below ``node_count``."""

    def __init__(self, files: list, rename: dict, node_count: int | None = None,
                 storage_options=None):
        self.files, self.rename, self.node_count = files, rename, node_count
        self.storage_options = storage_options

    def __call__(self, i: int, columns: list):
        import pandas as pd
        back = {new: old for old, new in self.rename.items()}
        options = ({"storage_options": self.storage_options}
                   if remote.is_url(self.files[i]) and self.storage_options else {})
        df = pd.read_parquet(self.files[i], columns=[back.get(c, c) for c in columns],
                             **options)
        df = df.rename(columns=self.rename)
        if self.node_count is not None:
            for end in ("source", "target"):
                if end in df.columns:
                    self._check(df[end], end, i)
        return df

    def _check(self, values, end: str, i: int):
        name = {v: k for k, v in self.rename.items()}.get(end, end)
        if values.isna().any():
            raise ValueError(f"edges column {name!r} in {self.files[i]} has a null at "
                             f"row {int(np.flatnonzero(values.isna())[0])}")
        bad = (values < 0) | (values >= self.node_count)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(f"edges column {name!r} in {self.files[i]} row {row}: "
                             f"{values.iloc[row]} is not a node position (0.."
                             f"{self.node_count - 1})")


def open_parquet(nodes, edges, source: str, target: str, directed: bool, client,
                 storage_options=None):
    from groggy.dask.graph import DistributedGraph
    if nodes is None:
        raise TypeError("gg.dask.open(edges=...) needs nodes= too (the nodes' Parquet "
                        "dataset: its row positions are the node ids)")
    so = storage_options
    node_files, edge_files = parquet_files(nodes, "nodes", so), parquet_files(edges, "edges", so)
    node_ranges, node_dtypes = parquet_layout(node_files, "nodes", (), so)
    edge_ranges, edge_dtypes = parquet_layout(edge_files, "edges", (source, target), so)
    rename = {source: "source", target: "target"}
    edge_dtypes = {rename.get(c, c): ("int64" if c in rename else t)
                   for c, t in edge_dtypes.items()}
    n = node_ranges[-1][1] if node_ranges else 0
    node_frame = frame(PartitionReader(ParquetLoad(node_files, {}, None, so), node_ranges,
                                       node_dtypes, "nodes"))
    edge_frame = frame(PartitionReader(ParquetLoad(edge_files, rename, n, so), edge_ranges,
                                       edge_dtypes, "edges"))
    return DistributedGraph(node_frame, edge_frame, directed, client, node_ranges,
                            edge_ranges, origin="parquet")


# ------------------------------------------------------------------ groggy stores

def _series(column):
    """A mapped groggy column as a pandas Series: numbers as views of the map (masked
    arrays where there are nulls), strings as Arrow strings over offsets + bytes."""
    import pandas as pd
    if column.kind == "string":
        from groggy.io.arrow import arrow_from_column
        return pd.Series(arrow_from_column(column).cast("string").to_pandas(
            types_mapper=lambda _: pd.StringDtype("pyarrow")))
    from groggy.foundation import _to_series
    return _to_series(column, None, pd)


class StoreLoad:
    """Loads partition ``i`` of ``part`` on a worker, through
    ``partitioned.read_partition`` over a copy of the store's description that holds
    only what partition ``i`` needs (tasks stay small however many partitions)."""

    def __init__(self, info, part: str):
        entries = getattr(info, part).pieces
        self.part, self.infos = part, []
        for i, entry in enumerate(entries):
            files = set(piece_files(entry))
            sums = {k: v for k, v in info.manifest["checksums"].items() if k in files}
            only = [None] * len(entries)
            only[i] = entry
            self.infos.append(info._replace(
                manifest={"checksums": sums},
                **{part: getattr(info, part)._replace(pieces=only)}))

    def __call__(self, i: int, columns: list):
        import pandas as pd
        from groggy.store import partitioned
        from groggy.errors import StoreError
        cols = partitioned.read_partition(self.infos[i], self.part, i, columns)
        try:   # a column's checksum is checked as its data is first read
            return pd.DataFrame({name: _series(col) for name, col in cols.items()})
        except StoreError as exc:
            if f"{self.part} partition {i}" in str(exc):
                raise
            raise StoreError(f"{self.part} partition {i}: {exc}") from None


def _store_dtypes(info, part: str) -> dict:
    """{column: pandas dtype}: nullable where any partition has nulls (a ``valid`` file)."""
    nullable = {c["name"] for entry in getattr(info, part).pieces
                for c in entry["columns"] if "valid" in c.get("files", {})}
    dtypes = {}
    if part == "edges":
        dtypes = {"source": "int64", "target": "int64"}
    for name, kind in getattr(info, part).schema:
        if kind in _KINDS:
            dtypes[name] = (_NULLABLE if name in nullable else _KINDS)[kind]
        else:
            from groggy.errors import StoreError
            raise StoreError(f"{info.location}: {part} column {name!r} holds {kind}, "
                             f"which groggy.dask does not read")
    return dtypes


def check_files(info) -> None:
    """Every file the manifest lists is there, of the listed size: a missing or
    truncated partition is named before any work starts."""
    from groggy.errors import StoreError
    sums = info.manifest["checksums"]
    listed = info.location.sizes() if remote.is_remote(info.location) else None
    for part in ("nodes", "edges"):
        for i, entry in enumerate(getattr(info, part).pieces):
            for rel in piece_files(entry):
                path = info.location / rel
                try:
                    size = path.stat().st_size if listed is None else listed[rel]
                except (FileNotFoundError, KeyError):
                    raise StoreError(f"{part} partition {i}: {path} is missing (the "
                                     f"manifest lists it)") from None
                want = sums.get(rel, {}).get("size")
                if want is not None and size != want:
                    raise StoreError(f"{part} partition {i}: {path} has {size} bytes, "
                                     f"the manifest says {want}")


def open_store(path, client, storage_options=None):
    from groggy.dask.graph import DistributedGraph
    from groggy.store import partitioned
    info = partitioned.describe(path, storage_options)
    check_files(info)
    frames, gone = {}, {}
    for part in ("nodes", "edges"):
        ranges = getattr(info, part).ranges
        ids = (info.removed or {}).get(part)
        gone[part] = None if ids is None or not len(ids) else np.asarray(ids, np.int64)
        frames[part] = frame(PartitionReader(StoreLoad(info, part), ranges,
                                             _store_dtypes(info, part), part),
                             None if gone[part] is None else removed.by_range(ids, ranges))
    return DistributedGraph(frames["nodes"], frames["edges"], info.directed, client,
                            info.nodes.ranges or [(0, 0)], info.edges.ranges or [(0, 0)],
                            origin=str(path), removed=gone)
