"""Saving a graph: a new generation directory, written and fsynced in full, then an
atomic switch of ``CURRENT``, then removal of what is no longer current.

At every instant the store opens as the old graph or the new one: nothing a reader can
reach is ever changed in place, and ``CURRENT`` changes by one rename.
"""
from __future__ import annotations

import json
import os
import re
import uuid
import zlib
from pathlib import Path

import numpy as np

from groggy.errors import StoreError
from groggy.storage import Column, ColumnStore
from groggy.store import layout
from groggy.store.manifest import (FORMAT_NAME, FORMAT_VERSION, PARTITIONED_VERSION, encode,
                                   listed_files)

# Test seam: when set, called with a short label ("write nodes/0000_age.npy", "fsync ...",
# "rename CURRENT", "unlink ...") before each write, fsync, rename and unlink a save does.
# The crash tests set it to kill the process at step k. Nothing else should set it.
step_hook = None


def _step(what: str) -> None:
    hook = step_hook
    if hook is not None:
        hook(what)


class _ChecksumFile:
    """Counts and CRCs every byte written through it (so save reads nothing back)."""

    def __init__(self, fh, rel: str):
        self.fh, self.rel, self.crc, self.size = fh, rel, 0, 0

    def write(self, b) -> int:
        _step(f"write {self.rel}")
        self.crc = zlib.crc32(b, self.crc)
        self.size += len(b)
        return self.fh.write(b)


def _safe_name(i: int, name: str) -> str:
    return f"{i:04d}_{re.sub(r'[^A-Za-z0-9_.-]', '_', name)[:48]}"


def _write_file(root: Path, rel: str, arr: np.ndarray, raw: bool, checksums: dict) -> None:
    _step(f"create {rel}")
    with open(root / rel, "xb") as fh:  # "x": a generation is new, nothing is overwritten
        out = _ChecksumFile(fh, rel)
        if raw:
            view = memoryview(np.ascontiguousarray(arr)).cast("B")
            for start in range(0, len(view), 1 << 24):
                out.write(view[start:start + (1 << 24)])
        else:
            np.lib.format.write_array(out, np.ascontiguousarray(arr), allow_pickle=False)
        fh.flush()
        _step(f"fsync {rel}")
        os.fsync(fh.fileno())
    checksums[rel] = {"size": out.size, "crc32": out.crc}


def _write_column(root: Path, folder: str, i: int, col: Column, checksums: dict) -> dict:
    stem = f"{folder}/{_safe_name(i, col.name)}"
    files = {}
    if col.kind == "string":
        files["offsets"] = f"{stem}.offsets.npy"
        files["bytes"] = f"{stem}.utf8"
        _write_file(root, files["offsets"], col.offsets, False, checksums)
        _write_file(root, files["bytes"], col.utf8, True, checksums)
    else:
        files["data"] = f"{stem}.npy"
        _write_file(root, files["data"], col.data, False, checksums)
    if col.has_nulls:
        files["valid"] = f"{stem}.valid.npy"
        _write_file(root, files["valid"], col.valid, False, checksums)
    return {"name": col.name, "kind": col.kind, "dtype": str(col.dtype) if col.kind != "string"
            else "utf8", "length": len(col), "files": files}


def _link(root: Path, source: Path, rel: str) -> None:
    """Put the file ``source`` (of an older generation, never changed once written) at
    ``rel`` in the new generation: a hard link where the file system allows one, else a
    copy, fsynced. Its size and checksum stay the manifest's: bytes altered since they
    were written are caught on read, never laundered into a new checksum."""
    _step(f"link {rel}")
    try:
        os.link(source, root / rel)
        return
    except FileNotFoundError:
        raise StoreError(f"{source}: file is missing (removed since the graph was opened); "
                         "save a copy instead: g.copy().save(path)") from None
    except OSError:
        pass  # no hard links here (FAT, some network file systems): copy the bytes
    _step(f"create {rel}")
    with open(source, "rb") as src, open(root / rel, "xb") as fh:
        while block := src.read(1 << 24):
            _step(f"write {rel}")
            fh.write(block)
        fh.flush()
        _step(f"fsync {rel}")
        os.fsync(fh.fileno())


def _reusable(origin) -> bool:
    """Whether ``origin`` (the generation directory a mapped graph came from, and its
    manifest) is still on disk as it was opened, so its files can be linked."""
    if origin is None:
        return False
    base, manifest = origin
    try:
        return json.loads((base / "manifest.json").read_bytes()) == manifest
    except (OSError, ValueError):
        return False


def _write_layouts(gen: Path, layouts: dict, checksums: dict) -> list:
    """``layouts/<name>.npy`` for each stored layout: linked from the generation it was
    mapped from when it is unchanged, else written; returns the manifest entries."""
    entries = []
    for name, stored in layouts.items():
        rel = f"layouts/{name}.npy"
        origin = stored.origin
        if origin is not None and _reusable(origin[:2]):
            base, manifest, old_rel = origin
            _link(gen, base / old_rel, rel)
            checksums[rel] = dict(manifest["checksums"][old_rel])
        else:
            _write_file(gen, rel, stored.positions, False, checksums)
        entry = {"name": name, "file": rel, "dtype": str(stored.positions.dtype),
                 "length": int(stored.positions.shape[0]),
                 "algorithm": stored.algorithm, "params": stored.params}
        if stored.bends is not None:    # absent otherwise, as older groggy wrote it
            entry["bends"] = _write_bends(gen, name, stored.bends, checksums)
        entries.append(entry)
    return entries


def _write_bends(gen: Path, name: str, bends, checksums: dict) -> dict:
    """``layouts/<name>.bends/{edge_ids,offsets,points}.npy``: where a layered layout's
    edges bend (``groggy.layouts.EdgeBends``); returns the manifest entry."""
    folder = layout.bends_dir(name)
    _step(f"mkdir {folder}")
    (gen / folder).mkdir()
    parts = {"edge_ids": np.asarray(bends.edge_ids, dtype=np.int64),
             "offsets": np.asarray(bends.offsets, dtype=np.int64),
             "points": np.asarray(bends.points, dtype=np.float64)}
    for part, arr in parts.items():
        _write_file(gen, f"{folder}/{part}.npy", arr, False, checksums)
    _fsync_dir(gen / folder)
    return {"edges": int(parts["edge_ids"].size), "points": int(parts["points"].shape[0])}


def _fsync_dir(path: Path) -> None:
    _step(f"fsync directory {path.name}")
    layout.fsync_dir(path)


def write_piece(gen: Path, folder: str, columns, ends, checksums: dict) -> dict:
    """The files of one part or partition under ``gen/folder`` (which exists): each column
    of ``columns`` (Columns), and for edges ``ends`` (source, target: arrays or Columns).
    Returns the manifest entry without its rows."""
    piece = {"columns": [_write_column(gen, folder, i, c, checksums)
                         for i, c in enumerate(columns)]}
    if ends is not None:
        for role, arr in zip(("source", "target"), ends):
            rel = f"{folder}/{role}.npy"
            # a Column's data is read (and first checked) only here, not when linking
            _write_file(gen, rel, arr.data if isinstance(arr, Column) else arr, False,
                        checksums)
            piece[role] = rel
    return piece


def _mkdir(gen: Path, folder: str) -> Path:
    _step(f"mkdir {folder}")
    (gen / folder).mkdir()
    return gen / folder


def _bounds(count: int, k: int) -> list:
    """``k`` row ranges covering ``0 .. count``, the first ``count % k`` one row longer
    (as ``numpy.array_split`` cuts)."""
    size, extra = divmod(count, k)
    cuts = np.cumsum([0] + [size + (i < extra) for i in range(k)]).tolist()
    return list(zip(cuts[:-1], cuts[1:]))


def _write_partitioned(gen: Path, k: int, nodes: ColumnStore, edges: ColumnStore, sources,
                       targets, checksums: dict, dirs: list) -> tuple:
    """Nodes and edges as ``k`` row-range partitions each: the manifest's nodes and edges."""
    out = []
    for part, store, ends in (("nodes", nodes, None), ("edges", edges, (sources, targets))):
        pieces = []
        for i, (a, b) in enumerate(_bounds(store.length, k)):
            folder = partition_folder(part, i)
            dirs.append(_mkdir(gen, folder))
            rows = np.arange(a, b, dtype=np.int64)
            piece = write_piece(gen, folder, [c.gather(rows) for c in store.columns.values()],
                                None if ends is None else [e.data[a:b] for e in ends], checksums)
            pieces.append({"rows": [a, b], **piece})
        out.append(partitioned_entry(pieces))
    return tuple(out)


def partition_folder(part: str, index: int) -> str:
    return f"{part}/p{index:05d}"


def partitioned_entry(pieces: list) -> dict:
    """A partitioned part's manifest entry: the schema (the first partition's columns,
    which every partition repeats) and the partitions."""
    schema = [{key: spec[key] for key in ("name", "kind", "dtype")}
              for spec in pieces[0]["columns"]] if pieces else []
    return {"columns": schema, "partitions": pieces}


def _write_generation(gen: Path, directed: bool, nodes: ColumnStore, edges: ColumnStore,
                      sources, targets, layouts: dict,
                      origin, removed=None, partitions: int | None = None) -> None:
    """Every file of one generation, fsynced, and the directories holding them. With
    ``origin`` (the generation a mapped, unchangeable graph was opened from, still on
    disk) the column files are linked instead of written again, partitions and all,
    unless ``partitions`` (a count) asks to split nodes and edges into row ranges."""
    dirs = [_mkdir(gen, "nodes"), _mkdir(gen, "edges")]
    checksums: dict = {}
    dead = {}   # part -> removed ids (a mapped graph's are its store's, linked below)
    version = FORMAT_VERSION
    linked = partitions is None and _reusable(origin)
    if linked:
        base, old = origin
        dead = {part: entry["count"] for part, entry in old.get("removed", {}).items()}
        folders = {Path(rel).parent.as_posix() for rel in listed_files(old)}
        for folder in sorted(folders - {"nodes", "edges"}):   # removed/, partitions
            dirs.append(_mkdir(gen, folder))
        for rel in listed_files(old):
            _link(gen, base / rel, rel)
            checksums[rel] = dict(old["checksums"][rel])
        node_entry, edge_entry = old["nodes"], old["edges"]
        if old["version"] == PARTITIONED_VERSION:
            version = PARTITIONED_VERSION
    elif partitions is not None:
        node_entry, edge_entry = _write_partitioned(gen, partitions, nodes, edges, sources,
                                                    targets, checksums, dirs)
        version = PARTITIONED_VERSION
    else:
        node_entry = write_piece(gen, "nodes", nodes.columns.values(), None, checksums)
        edge_entry = write_piece(gen, "edges", edges.columns.values(), (sources, targets),
                                 checksums)
    if removed is not None and not linked:     # a linked store's are linked above
        dead.update(write_removed(gen, {"nodes": removed.nodes, "edges": removed.edges},
                                  checksums, dirs))
    manifest = {
        "format": FORMAT_NAME, "version": version, "generation": gen.name,
        "directed": bool(directed), "node_count": int(nodes.length),
        "edge_count": int(edges.length), "nodes": node_entry, "edges": edge_entry,
        "checksums": checksums,
    }
    add_removed(manifest, dead)
    finish_generation(gen, manifest, layouts, dirs)


def write_removed(gen: Path, ids: dict, checksums: dict, dirs: list) -> dict:
    """``removed/<part>.npy`` for each part with removed ids (sorted, distinct int64):
    {part: count} of what was written (nothing, not even the folder, for none)."""
    ids = {part: arr for part, arr in ids.items() if arr.size}
    if ids:
        dirs.append(_mkdir(gen, "removed"))
    for part, arr in ids.items():
        _write_file(gen, f"removed/{part}.npy", arr.astype(np.int64), False, checksums)
    return {part: int(arr.size) for part, arr in ids.items()}


def add_removed(manifest: dict, dead: dict) -> None:
    """The manifest's ``removed`` entry for {part: count}; absent when nothing was
    removed, so a store without removals is what older groggy wrote."""
    if dead:
        manifest["removed"] = {part: {"file": f"removed/{part}.npy", "count": count}
                               for part, count in dead.items()}


def finish_generation(gen: Path, manifest: dict, layouts: dict, dirs: list) -> None:
    """The stored layouts, then ``manifest.json`` (signed), fsynced, then every directory
    in ``dirs`` and the generation itself."""
    if layouts:  # absent otherwise: a store without layouts stays what older groggy wrote
        dirs.append(_mkdir(gen, "layouts"))
        manifest["layouts"] = _write_layouts(gen, layouts, manifest["checksums"])
    _step("create manifest.json")
    with open(gen / "manifest.json", "xb") as fh:
        _step("write manifest.json")
        fh.write(encode(manifest))
        fh.flush()
        _step("fsync manifest.json")
        os.fsync(fh.fileno())
    for d in (*dirs, gen):
        _fsync_dir(d)


def _switch(root: Path, name: str) -> None:
    """Point ``CURRENT`` at generation ``name``: a temporary file, fsync, rename over
    ``CURRENT``, fsync the store directory (so the rename itself is durable)."""
    tmp = root / f"{layout.CURRENT_TMP}{uuid.uuid4().hex[:8]}"
    try:
        _step("create CURRENT temp")
        with open(tmp, "xb") as fh:
            _step("write CURRENT temp")
            fh.write(f"{name}\n".encode("ascii"))
            fh.flush()
            _step("fsync CURRENT temp")
            os.fsync(fh.fileno())
        _step("rename CURRENT")
        os.replace(tmp, root / layout.CURRENT)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(root)


def _new_generation(root: Path) -> Path:
    """A new, empty ``gen-<n>`` with n above every generation present (a name is never
    reused while any reader might still hold it)."""
    n = max(layout.generations(root), default=0) + 1
    while True:
        gen = root / layout.gen_name(n)
        try:
            _step(f"mkdir {gen.name}")
            gen.mkdir()
            return gen
        except FileExistsError:
            n += 1


def _check_target(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} exists and is not a directory; refusing to replace it")
    if not root.is_dir():
        return
    names = [e.name for e in os.scandir(root)]
    if layout.CURRENT in names or "manifest.json" in names:
        return
    if all(layout.is_leftover_name(n) for n in names):  # empty, or a crashed first save
        return
    raise StoreError(f"{root} exists and is not a groggy store (no CURRENT or manifest.json); "
                     "refusing to replace it")


def remove_leftovers(root: Path, current: str) -> None:
    """Remove old generations, crashed saves' leftovers and a converted version-1 store's
    flat files, inside ``root`` and beside it. Never touches ``current``."""
    for p in layout.leftovers(root, current) + layout.sibling_leftovers(root):
        layout.remove_tree(p, _step)


def save_store(path, directed: bool, nodes: ColumnStore, edges: ColumnStore,
               sources, targets, layouts: dict | None = None,
               origin=None, removed=None, partitions: int | None = None) -> Path:
    """Write a graph as a new generation of the store at ``path`` and make it current.

    ``sources``, ``targets``: the edge ends, arrays or Columns.
    ``layouts``: name -> ``groggy.layouts.Stored`` (positions for every node).
    ``origin``: (generation directory, manifest) of the store a read-only graph was
    mapped from; its column files are linked rather than rewritten, so storing a layout
    in a large store costs the layout's bytes only.
    ``removed``: a ``groggy.removal.Removed`` (or None): the removed ids, written to
    ``removed/nodes.npy`` and ``removed/edges.npy``; rows stay, so ids are stable.
    ``partitions``: write nodes and edges as this many row-range partitions each
    (format version 3); ignored when ``origin`` lets the files be linked."""
    root = Path(path)
    _check_target(root)
    created = not root.exists()
    try:
        if created:
            root.mkdir(parents=True)
            layout.fsync_dir(root.parent)
        with layout.exclusive(root):
            gen = _new_generation(root)
            try:
                _write_generation(gen, directed, nodes, edges, sources, targets, layouts or {},
                                  origin, removed, partitions)
                _fsync_dir(root)
                _switch(root, gen.name)
            except BaseException:
                if _pointer_or_none(root) != gen.name:  # not current: nobody can see it
                    layout.remove_tree(gen)
                raise
            try:
                remove_leftovers(root, gen.name)
            except OSError:
                pass  # the new graph is saved; the next save or verify --repair cleans up
    except BaseException:
        if created:
            try:
                os.rmdir(root)  # only if empty: a failed first save leaves nothing
            except OSError:
                pass
        raise
    return root


def _pointer_or_none(root: Path) -> str | None:
    try:
        return layout.read_pointer(root)
    except StoreError:
        return None
