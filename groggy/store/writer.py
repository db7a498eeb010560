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
from groggy.store.manifest import FORMAT_NAME, FORMAT_VERSION, encode, listed_files

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


def _write_column(root: Path, part: str, i: int, col: Column, checksums: dict) -> dict:
    stem = f"{part}/{_safe_name(i, col.name)}"
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


def _write_generation(gen: Path, directed: bool, nodes: ColumnStore, edges: ColumnStore,
                      sources, targets, layouts: dict,
                      origin, removed=None) -> None:
    """Every file of one generation, fsynced, and the directories holding them. With
    ``origin`` (the generation a mapped, unchangeable graph was opened from, still on
    disk) the column files are linked from it instead of written again."""
    _step("mkdir nodes, edges")
    (gen / "nodes").mkdir()
    (gen / "edges").mkdir()
    dirs = [gen / "nodes", gen / "edges"]
    checksums: dict = {}
    dead = {}   # part -> removed ids (a mapped graph's are its store's, linked below)
    if _reusable(origin):
        base, old = origin
        if old.get("removed"):
            (gen / "removed").mkdir()
            dirs.append(gen / "removed")
        dead = {part: entry["count"] for part, entry in old.get("removed", {}).items()}
        for rel in listed_files(old):
            _link(gen, base / rel, rel)
            checksums[rel] = dict(old["checksums"][rel])
        node_cols, edge_cols = old["nodes"]["columns"], old["edges"]["columns"]
    else:
        node_cols = [_write_column(gen, "nodes", i, c, checksums)
                     for i, c in enumerate(nodes.columns.values())]
        for rel, ends in (("edges/source.npy", sources), ("edges/target.npy", targets)):
            # a Column's data is read (and first checked) only here, not when linking
            _write_file(gen, rel, ends.data if isinstance(ends, Column) else ends, False,
                        checksums)
        edge_cols = [_write_column(gen, "edges", i, c, checksums)
                     for i, c in enumerate(edges.columns.values())]
        ids = {} if removed is None else {"nodes": removed.nodes, "edges": removed.edges}
        ids = {part: arr for part, arr in ids.items() if arr.size}
        if ids:
            _step("mkdir removed")
            (gen / "removed").mkdir()
            dirs.append(gen / "removed")
        for part, arr in ids.items():
            _write_file(gen, f"removed/{part}.npy", arr.astype(np.int64), False, checksums)
            dead[part] = int(arr.size)
    manifest = {
        "format": FORMAT_NAME, "version": FORMAT_VERSION, "generation": gen.name,
        "directed": bool(directed), "node_count": int(nodes.length),
        "edge_count": int(edges.length), "nodes": {"columns": node_cols},
        "edges": {"source": "edges/source.npy", "target": "edges/target.npy",
                  "columns": edge_cols},
        "checksums": checksums,
    }
    if dead:    # absent otherwise: a store without removals is what older groggy wrote
        manifest["removed"] = {part: {"file": f"removed/{part}.npy", "count": count}
                               for part, count in dead.items()}
    if layouts:  # absent otherwise: a store without layouts stays what older groggy wrote
        _step("mkdir layouts")
        (gen / "layouts").mkdir()
        dirs.append(gen / "layouts")
        manifest["layouts"] = _write_layouts(gen, layouts, checksums)
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
               origin=None, removed=None) -> Path:
    """Write a graph as a new generation of the store at ``path`` and make it current.

    ``sources``, ``targets``: the edge ends, arrays or Columns.
    ``layouts``: name -> ``groggy.layouts.Stored`` (positions for every node).
    ``origin``: (generation directory, manifest) of the store a read-only graph was
    mapped from; its column files are linked rather than rewritten, so storing a layout
    in a large store costs the layout's bytes only.
    ``removed``: a ``groggy.removal.Removed`` (or None): the removed ids, written to
    ``removed/nodes.npy`` and ``removed/edges.npy``; rows stay, so ids are stable."""
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
                                  origin, removed)
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
