"""Saving a graph: a new generation directory, written and fsynced in full, then an
atomic switch of ``CURRENT``, then removal of what is no longer current.

At every instant the store opens as the old graph or the new one: nothing a reader can
reach is ever changed in place, and ``CURRENT`` changes by one rename.
"""
from __future__ import annotations

import os
import re
import uuid
import zlib
from pathlib import Path

import numpy as np

from groggy.errors import StoreError
from groggy.storage import Column, ColumnStore
from groggy.store import layout
from groggy.store.manifest import FORMAT_NAME, FORMAT_VERSION, encode

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


def _fsync_dir(path: Path) -> None:
    _step(f"fsync directory {path.name}")
    layout.fsync_dir(path)


def _write_generation(gen: Path, directed: bool, nodes: ColumnStore, edges: ColumnStore,
                      sources: np.ndarray, targets: np.ndarray) -> None:
    """Every file of one generation, fsynced, and the directories holding them."""
    _step("mkdir nodes, edges")
    (gen / "nodes").mkdir()
    (gen / "edges").mkdir()
    checksums: dict = {}
    node_cols = [_write_column(gen, "nodes", i, c, checksums)
                 for i, c in enumerate(nodes.columns.values())]
    _write_file(gen, "edges/source.npy", sources, False, checksums)
    _write_file(gen, "edges/target.npy", targets, False, checksums)
    edge_cols = [_write_column(gen, "edges", i, c, checksums)
                 for i, c in enumerate(edges.columns.values())]
    manifest = {
        "format": FORMAT_NAME, "version": FORMAT_VERSION, "generation": gen.name,
        "directed": bool(directed), "node_count": int(nodes.length),
        "edge_count": int(edges.length), "nodes": {"columns": node_cols},
        "edges": {"source": "edges/source.npy", "target": "edges/target.npy",
                  "columns": edge_cols},
        "checksums": checksums,
    }
    _step("create manifest.json")
    with open(gen / "manifest.json", "xb") as fh:
        _step("write manifest.json")
        fh.write(encode(manifest))
        fh.flush()
        _step("fsync manifest.json")
        os.fsync(fh.fileno())
    for d in (gen / "nodes", gen / "edges", gen):
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
               sources: np.ndarray, targets: np.ndarray) -> Path:
    """Write a graph as a new generation of the store at ``path`` and make it current."""
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
                _write_generation(gen, directed, nodes, edges, sources, targets)
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
