"""Names inside a store directory: the ``CURRENT`` pointer, ``gen-<n>`` generations, the
flat version-1 layout, and the leftovers a crashed save can leave behind.

Also the two file-system helpers every writer needs: fsync of a directory and a removal
that reports each unlink to the save's step hook (so tests can kill it half way).
"""
from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from groggy.errors import StoreError

try:
    import fcntl
except ImportError:  # not POSIX: saves are not serialised against each other
    fcntl = None

CURRENT = "CURRENT"
CURRENT_TMP = ".CURRENT.tmp-"         # a pointer being written (renamed onto CURRENT)
GEN_RE = re.compile(r"gen-([1-9][0-9]*)")
FLAT_NAMES = ("manifest.json", "nodes", "edges")   # a version-1 store, flat at the top
POINTER_RE = re.compile(r"(gen-[1-9][0-9]*)\n?")
# a stored layout's name, which names its file layouts/<name>.npy: no separators, not
# hidden, short enough for any file system
LAYOUT_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
BEND_PARTS = ("edge_ids", "offsets", "points")   # files of a layout's bends


def bends_dir(name: str) -> str:
    """The folder holding a stored layout's bend points: ``layouts/<name>.bends`` (a
    directory, so no layout name can collide with its files)."""
    return f"layouts/{name}.bends"


def gen_name(n: int) -> str:
    return f"gen-{n}"


def gen_number(name: str) -> int | None:
    m = GEN_RE.fullmatch(name)
    return int(m.group(1)) if m else None


def read_pointer(root: Path) -> str | None:
    """The generation ``CURRENT`` names, or None when there is no ``CURRENT`` (a version-1
    store, or no store). A malformed pointer is a StoreError."""
    f = root / CURRENT
    try:
        raw = f.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StoreError(f"{f}: expected a file naming the current generation, "
                         "found a directory") from None
    except OSError as exc:
        raise StoreError(f"{f}: cannot read the current-generation pointer ({exc})") from None
    m = POINTER_RE.fullmatch(raw.decode("ascii", "replace"))
    if m is None:
        raise StoreError(f"{f}: expected a generation name like 'gen-3', found {raw[:40]!r}")
    return m.group(1)


def generations(root: Path) -> dict[int, Path]:
    """Every ``gen-<n>`` directory under ``root``, by number."""
    out = {}
    try:
        entries = list(os.scandir(root))
    except FileNotFoundError:
        return out
    for e in entries:
        n = gen_number(e.name)
        if n is not None:
            out[n] = Path(e.path)
    return out


def is_leftover_name(name: str) -> bool:
    """A name only groggy's save creates inside a store directory."""
    return gen_number(name) is not None or name.startswith(CURRENT_TMP)


def leftovers(root: Path, current: str | None) -> list[Path]:
    """What crashed or superseded saves left inside ``root``: generations other than
    ``current``, pointer temp files, and (once ``CURRENT`` exists) the flat files of a
    version-1 store that a save converted."""
    out = []
    for e in sorted(os.scandir(root), key=lambda e: e.name):
        if e.name == current or e.name == CURRENT:
            continue
        if is_leftover_name(e.name) or (current is not None and e.name in FLAT_NAMES):
            out.append(Path(e.path))
    return out


def sibling_leftovers(root: Path) -> list[Path]:
    """``.<name>.tmp-*`` and ``.<name>.old-*`` beside ``root``: what the version-1 save
    (temporary directory, two renames) left when it was killed."""
    parent, stem = root.parent, f".{root.name}."
    try:
        entries = list(os.scandir(parent))
    except FileNotFoundError:
        return []
    return sorted(Path(e.path) for e in entries
                  if e.name.startswith(stem + "tmp-") or e.name.startswith(stem + "old-"))


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_tree(path: Path, step=lambda what: None) -> None:
    """Remove a file or a directory tree bottom-up, calling ``step`` before each unlink
    (rmtree gives no such seam). Missing entries are fine: a concurrent repair may race."""
    try:
        if not path.is_dir() or path.is_symlink():
            step(f"unlink {path.name}")
            path.unlink(missing_ok=True)
            return
        for top, dirs, files in os.walk(path, topdown=False):
            for name in files:
                step(f"unlink {name}")
                Path(top, name).unlink(missing_ok=True)
            for name in dirs:
                step(f"rmdir {name}")
                _rmdir(Path(top, name))
        step(f"rmdir {path.name}")
        _rmdir(path)
    except FileNotFoundError:
        pass


def _rmdir(path: Path) -> None:
    try:
        os.rmdir(path)
    except FileNotFoundError:
        pass


@contextlib.contextmanager
def exclusive(root: Path):
    """Hold an exclusive lock on the store directory while writing or repairing it, so a
    second save (or a repair) cannot take a generation still being written for a leftover.
    Readers take no lock."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
