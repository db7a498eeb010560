"""Partitioned stores: nodes and edges as row-range partitions, one directory of ``.npy``
files per partition (manifest version 3), so that each Dask worker reads its own.

``describe`` and ``read_partition`` read one partition of any store (an unpartitioned
one is a single partition); ``StoreWriter`` writes a store a partition at a time, from
one process or, through ``reserve`` / ``write_partition`` / ``adopt``, from many.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from groggy.errors import StoreError
from groggy.storage import ColumnStore
from groggy.store import layout, remote, writer
from groggy.store.manifest import FORMAT_NAME, PARTITIONED_VERSION, pieces
from groggy.store.reader import _open_removed, _pointer, _Vanished, open_piece, read_manifest

PARTS = ("nodes", "edges")


class Part(NamedTuple):
    schema: list           # [(name, kind), ...]
    ranges: list           # [(start, stop), ...]: one per partition, in row order
    pieces: list           # the manifest's partition entries


class StoreInfo(NamedTuple):
    location: Path         # the generation directory: tasks read there, never elsewhere
                           # (a remote.RemotePath for a store at a URL)
    directed: bool
    node_count: int
    edge_count: int
    nodes: Part
    edges: Part
    removed: dict          # "nodes"/"edges" -> sorted removed ids (absent: none)
    manifest: dict


def describe(path, storage_options: dict | None = None) -> StoreInfo:
    """The partitions of the store at ``path`` (its current generation, read once; a
    store written without partitions is one partition). ``path`` may be a URL that
    fsspec opens (``s3://bucket/g.groggy``, with ``storage_options`` for its file
    system): the partitions are then fetched, not mapped (``groggy.store.remote``).

    Examples
    --------
    >>> import tempfile, os, groggy as gg
    >>> from groggy.store import partitioned
    >>> g = gg.generators.karate_club()
    >>> path = g.save(os.path.join(tempfile.mkdtemp(), "k.groggy"), partitions=3)
    >>> info = partitioned.describe(path)
    >>> info.nodes.ranges, info.edges.ranges
    ([(0, 12), (12, 23), (23, 34)], [(0, 26), (26, 52), (52, 78)])
    >>> cols = partitioned.read_partition(info, "edges", 1, ["source", "target"])
    >>> cols["source"].data[:3].tolist()
    [2, 2, 2]
    """
    root = remote.locate(path, storage_options) if remote.is_url(path) else Path(path)
    if not root.is_dir():
        raise StoreError(f"{root}: {'is not a directory' if root.exists() else 'no such graph directory'}")
    try:
        base, manifest = read_manifest(root, _pointer(root))
    except _Vanished as gone:
        raise StoreError(str(gone)) from None
    parts = {}
    for part in PARTS:
        entries = pieces(manifest, part)
        parts[part] = Part([(c["name"], c["kind"]) for c in manifest[part]["columns"]],
                           [tuple(p["rows"]) for p in entries], entries)
    counts = {"nodes": manifest["node_count"], "edges": manifest["edge_count"]}
    removed = _open_removed(base, manifest.get("removed", {}), counts, manifest["checksums"])
    return StoreInfo(base, manifest["directed"], counts["nodes"], counts["edges"],
                     parts["nodes"], parts["edges"], removed, manifest)


def read_partition(info: StoreInfo, part: str, index: int, columns=None) -> dict:
    """Partition ``index`` of ``part`` ("nodes" or "edges") as ``{name: Column}``, mapped
    read-only from ``info.location`` and checked (CRC-32 and structure) on first read;
    edges include "source" and "target", global node positions. ``columns`` picks some."""
    if part not in PARTS:
        raise ValueError(f"part must be 'nodes' or 'edges', got {part!r}")
    entries = getattr(info, part).pieces
    if not isinstance(index, (int, np.integer)) or not 0 <= index < len(entries):
        raise IndexError(f"{info.location}: {part} has partitions 0..{len(entries) - 1}, "
                         f"asked for {index!r}")
    try:
        cols, _ = open_piece(info.location, part, entries[index], info.manifest["checksums"],
                             info.node_count, None if columns is None else set(columns))
    except StoreError as exc:
        raise StoreError(f"{part} partition {index}: {exc}") from None
    except Exception as exc:   # a vanished file (the generation was replaced) and the like
        raise StoreError(f"{part} partition {index} of {info.location}: {exc}") from None
    if columns is None:
        return cols
    missing = [c for c in columns if c not in cols]
    if missing:
        raise KeyError(f"{part} has no column {missing[0]!r}; its columns are {list(cols)}")
    return {c: cols[c] for c in columns}


# --------------------------------------------------------------------------- writing

class Slot(NamedTuple):
    """Where one partition goes: picklable, so a worker can write it."""
    generation: str        # the pending generation's directory
    part: str
    index: int


def _store_of(attrs, what: str) -> ColumnStore:
    """``attrs`` (a whole number of rows without attributes, a dict of equal-length
    sequences, or a pandas DataFrame) as an in-memory ColumnStore."""
    if isinstance(attrs, (int, np.integer)) and not isinstance(attrs, bool):
        if attrs < 0:
            raise ValueError(f"{what}: a row count must be >= 0, got {attrs}")
        return ColumnStore(int(attrs))
    if hasattr(attrs, "columns") and hasattr(attrs, "iloc"):     # a pandas DataFrame
        from groggy.io.pandas import columns_from_frame    # pandas only when given one
        store = ColumnStore(len(attrs))
        store.columns.update(columns_from_frame(attrs))
        return store
    if not isinstance(attrs, dict):
        raise TypeError(f"{what}: expected a row count, a dict of columns or a pandas "
                        f"DataFrame, got {type(attrs).__name__}")
    lengths = {name: len(values) for name, values in attrs.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"{what}: columns have different lengths {lengths}")
    store = ColumnStore(0)
    store.add_rows(next(iter(lengths.values()), 0), attrs)
    return store


def _ends(values, role: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise TypeError(f"edge {role}s must be a 1-d array of whole numbers (node "
                        f"positions), got {arr.dtype} of shape {arr.shape}")
    return np.ascontiguousarray(arr, dtype=np.int64)


def write_partition(slot: Slot, attrs=None, source=None, target=None) -> dict:
    """Write one partition's files into ``slot`` (from ``StoreWriter.reserve``), on any
    process that sees the store's directory; returns the entry to pass to
    ``StoreWriter.adopt``. Nodes: ``attrs`` is a row count, a dict of columns or a
    DataFrame. Edges: ``source`` and ``target`` (global node positions) and optional
    ``attrs`` with one value per edge."""
    what = f"{slot.part} partition {slot.index}"
    if slot.part == "edges":
        if source is None or target is None:
            raise TypeError(f"{what}: edges need source and target")
        ends = (_ends(source, "source"), _ends(target, "target"))
        if ends[0].size != ends[1].size:
            raise ValueError(f"{what}: {ends[0].size} sources but {ends[1].size} targets")
        store = _store_of(ends[0].size if attrs is None else attrs, what)
        if store.length != ends[0].size:
            raise ValueError(f"{what}: {store.length} attribute rows for {ends[0].size} edges")
    else:
        if source is not None or target is not None:
            raise TypeError(f"{what}: nodes take no source or target")
        ends, store = None, _store_of(0 if attrs is None else attrs, what)
    gen, folder = Path(slot.generation), writer.partition_folder(slot.part, slot.index)
    try:
        (gen / folder).mkdir()
    except FileExistsError:
        raise StoreError(f"{what} was already written into {gen}") from None
    checksums: dict = {}
    piece = writer.write_piece(gen, folder, list(store.columns.values()), ends, checksums)
    layout.fsync_dir(gen / folder)
    span = (int(min(e.min() for e in ends)), int(max(e.max() for e in ends))) \
        if ends is not None and ends[0].size else None
    return {"slot": tuple(slot), "length": store.length, "piece": piece,
            "checksums": checksums, "ends": span}


class StoreWriter:
    """Write a graph a partition at a time: nothing is visible at ``path`` until
    :meth:`commit` (at the end of a ``with`` block), which makes the new generation
    current atomically; an error, or :meth:`abort`, leaves the store as it was.

    Every node partition has the same columns (names and kinds); so does every edge
    partition. Edge ends are global node positions, checked at commit against the
    number of nodes written.

    Examples
    --------
    >>> import tempfile, os, numpy as np, groggy as gg
    >>> path = os.path.join(tempfile.mkdtemp(), "big.groggy")
    >>> with gg.StoreWriter(path) as w:
    ...     w.add_nodes({"age": np.array([30, 41])})
    ...     w.add_nodes({"age": np.array([25])})
    ...     w.add_edges(np.array([0, 1]), np.array([1, 2]), {"w": [0.5, 2.0]})
    >>> g = gg.open(path)
    >>> g.node_count(), g.edge_count(), g.nodes["age"].to_list()
    (3, 2, [30, 41, 25])
    """

    def __init__(self, path, directed: bool = False):
        self.path, self.directed = Path(path), bool(directed)
        writer._check_target(self.path)
        self._created = not self.path.exists()
        self._entries: dict = {"nodes": {}, "edges": {}}
        self._next = {"nodes": 0, "edges": 0}
        self._removed = {part: np.empty(0, np.int64) for part in PARTS}
        self._lock = contextlib.ExitStack()
        if self._created:
            self.path.mkdir(parents=True)
            layout.fsync_dir(self.path.parent)
        try:
            self._lock.enter_context(layout.exclusive(self.path))
            self._gen = writer._new_generation(self.path)
            for part in PARTS:
                (self._gen / part).mkdir()
        except BaseException:
            self._release(remove=True)
            raise
        self._open = True

    # partitions ------------------------------------------------------------
    def reserve(self, part: str) -> Slot:
        """The next partition of ``part`` ("nodes" or "edges"), for
        :func:`write_partition` to fill, here or on a worker; rows follow reserve order."""
        self._check_open()
        if part not in PARTS:
            raise ValueError(f"part must be 'nodes' or 'edges', got {part!r}")
        slot = Slot(str(self._gen), part, self._next[part])
        self._next[part] += 1
        return slot

    def adopt(self, slot: Slot, entry: dict) -> None:
        """Take the partition a :func:`write_partition` call wrote into ``slot``."""
        self._check_open()
        slot = Slot(*slot)
        if slot.generation != str(self._gen) or tuple(entry.get("slot", ())) != tuple(slot):
            raise StoreError(f"{slot.part} partition {slot.index}: the entry belongs to "
                             "another slot or writer")
        if slot.index in self._entries[slot.part]:
            raise StoreError(f"{slot.part} partition {slot.index} was adopted twice")
        self._entries[slot.part][slot.index] = entry

    def add_nodes(self, attrs=0) -> None:
        """One node partition: a row count, a dict of columns or a pandas DataFrame."""
        slot = self.reserve("nodes")
        self.adopt(slot, write_partition(slot, attrs))

    def add_edges(self, source, target, attrs=None) -> None:
        """One edge partition: ``source`` and ``target`` node positions, ``attrs``."""
        slot = self.reserve("edges")
        self.adopt(slot, write_partition(slot, attrs, source, target))

    def remove(self, part: str, ids) -> None:
        """Mark rows ``ids`` (global positions) of ``part`` removed, as ``g.remove_nodes``
        does in-process: the rows stay in the files, readers leave them out, and ids stay
        stable. Checked at commit against the rows written."""
        self._check_open()
        if part not in PARTS:
            raise ValueError(f"part must be 'nodes' or 'edges', got {part!r}")
        ids = np.asarray(ids)
        if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
            raise TypeError(f"removed {part}: expected a 1-d array of row positions, got "
                            f"{ids.dtype} of shape {ids.shape}")
        self._removed[part] = np.union1d(self._removed[part], ids.astype(np.int64))

    # the end ---------------------------------------------------------------
    def commit(self) -> Path:
        """Check the partitions, write the manifest and make the store current."""
        self._check_open()
        try:
            manifest, dirs = self._manifest()
            writer.add_removed(manifest, writer.write_removed(
                self._gen, self._removed, manifest["checksums"], dirs))
            writer.finish_generation(self._gen, manifest, {}, dirs)
            layout.fsync_dir(self.path)
            writer._switch(self.path, self._gen.name)
        except BaseException:
            self.abort()
            raise
        self._open = False
        try:
            writer.remove_leftovers(self.path, self._gen.name)
        except OSError:
            pass  # the store is written; the next save or verify --repair cleans up
        self._release(remove=False)
        return self.path

    def abort(self) -> None:
        """Discard every partition written: the store stays as it was."""
        if self._open:
            self._open = False
            self._release(remove=True)

    def __enter__(self) -> "StoreWriter":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()

    # internals -------------------------------------------------------------
    def _check_open(self) -> None:
        if not getattr(self, "_open", False):
            raise StoreError(f"{self.path}: this StoreWriter was committed or aborted")

    def _release(self, remove: bool) -> None:
        if remove and getattr(self, "_gen", None) is not None:
            layout.remove_tree(self._gen)
        self._lock.close()
        if remove and self._created:
            with contextlib.suppress(OSError):
                os.rmdir(self.path)     # only if empty: a failed first write leaves nothing

    def _manifest(self) -> tuple:
        checksums, counts, entries, dirs = {}, {}, {}, [self._gen / p for p in PARTS]
        for part in PARTS:
            missing = sorted(set(range(self._next[part])) - set(self._entries[part]))
            if missing:
                raise StoreError(f"{part} partition {missing[0]} was reserved but never "
                                 "adopted; write it or abort")
            pieces_, start = [], 0
            for index in range(self._next[part]):
                entry = self._entries[part][index]
                checksums.update(entry["checksums"])
                stop = start + entry["length"]
                pieces_.append({"rows": [start, stop], **entry["piece"]})
                dirs.append(self._gen / writer.partition_folder(part, index))
                start = stop
            counts[part] = start
            entries[part] = self._same_columns(part, pieces_)
        for index, entry in sorted(self._entries["edges"].items()):
            span = entry["ends"]
            if span is not None and (span[0] < 0 or span[1] >= counts["nodes"]):
                raise StoreError(f"edges partition {index}: edge ends run {span[0]}..{span[1]}"
                                 f", outside the node positions 0..{counts['nodes'] - 1}")
        for part, ids in self._removed.items():
            if ids.size and (ids[0] < 0 or ids[-1] >= counts[part]):
                raise StoreError(f"removed {part} ids run {ids[0]}..{ids[-1]}, outside the "
                                 f"{counts[part]} {part} rows written")
        manifest = {"format": FORMAT_NAME, "version": PARTITIONED_VERSION,
                    "generation": self._gen.name, "directed": self.directed,
                    "node_count": counts["nodes"], "edge_count": counts["edges"],
                    "nodes": entries["nodes"], "edges": entries["edges"],
                    "checksums": checksums}
        return manifest, dirs

    @staticmethod
    def _same_columns(part: str, pieces_: list) -> dict:
        entry = writer.partitioned_entry(pieces_)
        want = [(c["name"], c["kind"]) for c in entry["columns"]]
        for index, piece in enumerate(pieces_):
            found = [(c["name"], c["kind"]) for c in piece["columns"]]
            if found != want:
                raise StoreError(f"{part} partition {index} has columns {found}, but "
                                 f"partition 0 has {want}; every partition needs the same "
                                 "columns in the same order, of the same kinds")
        return entry
