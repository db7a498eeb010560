"""Opening a store: read ``CURRENT`` once, map every file of that one generation, check
at open what costs nothing, and check the rest the first time each column is read.

At open (no column data read): the manifest's own checksum and shape, every file's
size against the manifest, ``.npy`` headers (dtype, shape, C order) against the
manifest, and the first and last string offset against the size of the bytes file.

On the first read of a column (one pass over its files, remembered per generation in
this process): the CRC-32 of each of its files, string offsets non-decreasing, null
masks and bool data only bytes 0 and 1, edge ends within ``0 .. node_count - 1``.
``verify=True`` runs those for every column at open.
"""
from __future__ import annotations

import io
import os
import stat
import threading
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from groggy.errors import StoreError
from groggy.progress import Progress
from groggy.storage import _FIXED_DTYPES, Column, ColumnStore
from groggy.store import layout
from groggy.store.manifest import parse, pieces

ATTEMPTS = 10           # re-reads of CURRENT when saves keep replacing the generation
_CHUNK = 1 << 25        # CRC in 32 MiB steps, so progress can be shown
_checked: set = set()   # columns whose full checks passed, by the identity of their files
_checked_lock = threading.Lock()
stats = {"retries": 0}  # opens that found their generation replaced and started again


class _Vanished(Exception):
    """A file of the generation being opened is gone: corruption, or a save replaced it."""


class _File(NamedTuple):
    path: Path
    raw: np.ndarray        # the whole file, mapped read-only
    ident: tuple           # (device, inode, size, mtime, ctime): one file of one generation
    crc32: int


class Check(NamedTuple):
    """The full checks of one column, run once before its data is first read."""
    label: str
    nbytes: int
    run: object            # run(progress=None) -> None, raises StoreError


class Opened(NamedTuple):
    directed: bool
    nodes: ColumnStore
    edges: ColumnStore
    sources: Column
    targets: Column
    location: Path         # the generation directory (the store itself for version 1)
    manifest: dict
    checks: list
    layouts: dict = {}     # name -> (positions (n, 2) mapped, manifest entry, check, bends)
    removed: dict = {}     # "nodes"/"edges" -> sorted removed ids (absent: none removed)


# --------------------------------------------------------------------------- files

def _map(base: Path, rel: str, checksums: dict) -> _File:
    """Open one listed file, check its size against the manifest and map all of it (a
    file of a store at a URL: fetch all of it)."""
    f = base / rel
    if not isinstance(f, Path):
        return _fetched(f, checksums[rel])
    try:
        fh = open(f, "rb")
    except FileNotFoundError:
        raise _Vanished(f"{f}: file is missing (the manifest lists it)") from None
    except OSError as exc:
        raise StoreError(f"{f}: cannot open the file ({exc})") from None
    with fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise StoreError(f"{f}: expected a regular file")
        expected = checksums[rel]["size"]
        if st.st_size != expected:
            raise StoreError(f"{f}: expected {expected} bytes (the manifest's size), found "
                             f"{st.st_size} (truncated or altered)")
        raw = (np.memmap(fh, dtype=np.uint8, mode="r", shape=(st.st_size,)) if st.st_size
               else np.empty(0, dtype=np.uint8))
    # ctime too: no one can set it, so a new file on a reused inode never passes as checked
    return _File(f, raw, (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns),
                 checksums[rel]["crc32"])


def _fetched(f, listed: dict) -> _File:
    """A file of a store at a URL (``groggy.store.remote.RemotePath``), read whole."""
    try:
        data = f.read_bytes()
    except FileNotFoundError:
        raise _Vanished(f"{f}: file is missing (the manifest lists it)") from None
    except OSError as exc:
        raise StoreError(f"{f}: cannot read the file ({exc})") from None
    if len(data) != listed["size"]:
        raise StoreError(f"{f}: expected {listed['size']} bytes (the manifest's size), "
                         f"found {len(data)} (truncated or altered)")
    return _File(f, np.frombuffer(data, dtype=np.uint8), f.identity(), listed["crc32"])


def _header_bytes(raw: np.ndarray) -> bytes:
    """The magic and header of a mapped .npy file, and no data byte (open reads no
    column data): 10 + a 2-byte length (format 1.0), or 12 + a 4-byte length (2.0)."""
    fixed = 12 if raw.size >= 12 and int(raw[6]) >= 2 else 10
    if raw.size < fixed:
        raise ValueError(f"only {raw.size} bytes")
    size = int.from_bytes(bytes(raw[8:fixed]), "little")
    if fixed + size > min(raw.size, 1 << 20):
        raise ValueError(f"a header of {size} bytes does not fit the file")
    return bytes(raw[:fixed + size])


def _npy(file: _File, dtype: np.dtype, length: int, width: int | None = None) -> np.ndarray:
    """The array of a mapped .npy file, after checking its header against the manifest:
    ``length`` values, or ``length`` rows of ``width`` values."""
    try:
        head = io.BytesIO(_header_bytes(file.raw))
        version = np.lib.format.read_magic(head)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"unsupported .npy version {version}")
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, fortran, found = read_header(head)
        start = head.tell()
    except Exception as exc:
        raise StoreError(f"{file.path}: not a readable .npy file ({exc})") from None
    want = (length,) if width is None else (length, width)
    if found != dtype or shape != want or fortran:
        raise StoreError(f"{file.path}: expected {dtype} of shape {want}, "
                         f"found {found} of shape {shape}")
    count = length * (width or 1)
    expected = start + count * dtype.itemsize
    if file.raw.size != expected or start % 16:
        raise StoreError(f"{file.path}: expected a {start}-byte header and {count} values "
                         f"({expected} bytes), found {file.raw.size} bytes")
    if count == 0:
        return np.empty(want, dtype=dtype)
    return file.raw[start:].view(dtype).reshape(want)


def _crc(file: _File, progress) -> None:
    crc, raw = 0, file.raw
    for start in range(0, raw.size, _CHUNK):
        chunk = raw[start:start + _CHUNK]
        crc = zlib.crc32(chunk, crc)
        if progress is not None:
            progress(chunk.size)
    if crc != file.crc32:
        raise StoreError(f"{file.path}: checksum {crc:#010x} does not match the manifest's "
                         f"{file.crc32:#010x}; the file was altered")


# --------------------------------------------------------------------------- full checks

def _only_zero_one(file: _File, arr: np.ndarray, what: str) -> None:
    bytes_ = arr.view(np.uint8)
    bad = bytes_ > 1
    if bad.any():
        i = int(np.argmax(bad))
        raise StoreError(f"{file.path}: byte {int(bytes_[i])} at row {i}; {what} holds only "
                         "0 and 1")


def _monotonic(file: _File, offsets: np.ndarray) -> None:
    down = offsets[1:] < offsets[:-1]
    if down.any():
        i = int(np.argmax(down))
        raise StoreError(f"{file.path}: string offsets go down at row {i} "
                         f"({int(offsets[i])} then {int(offsets[i + 1])}); expected "
                         "non-decreasing offsets")


def _within(file: _File, ends: np.ndarray, n: int) -> None:
    if ends.size == 0:
        return
    lo, hi = int(ends.min()), int(ends.max())
    if lo < 0 or hi >= n:
        i = int(np.argmax((ends < 0) | (ends >= n)))
        raise StoreError(f"{file.path}: edge end {int(ends[i])} at edge {i} is outside the "
                         f"node positions 0..{n - 1}")


def _check(label: str, files: list, structure) -> Check:
    """A check of ``files`` (CRC-32 each, then ``structure()``), remembered once passed."""
    key = tuple(f.ident for f in files)

    def run(progress=None):
        if key in _checked:
            if progress is not None:
                progress(sum(f.raw.size for f in files))
            return
        for f in files:
            _crc(f, progress)
        structure()
        with _checked_lock:
            _checked.add(key)
    return Check(label, sum(f.raw.size for f in files), run)


# --------------------------------------------------------------------------- columns

def _open_column(base: Path, part: str, spec: dict, length: int, checksums: dict):
    """Map one column (its manifest entry already checked); returns (column, check)."""
    name, kind, files = spec["name"], spec["kind"], spec["files"]
    mapped, checks = [], []
    valid = None
    if "valid" in files:
        vf = _map(base, files["valid"], checksums)
        valid = _npy(vf, np.dtype(bool), length)
        mapped.append(vf)
        checks.append(lambda: _only_zero_one(vf, valid, "a null mask"))
    if kind == "string":
        of, bf = _map(base, files["offsets"], checksums), _map(base, files["bytes"], checksums)
        offsets = _npy(of, np.dtype(np.int64), length + 1)
        if int(offsets[0]) != 0 or int(offsets[-1]) != bf.raw.size:
            raise StoreError(f"{of.path}: offsets run from {int(offsets[0])} to "
                             f"{int(offsets[-1])}, expected 0 to {bf.raw.size} (the size of "
                             f"{files['bytes']})")
        mapped += [of, bf]
        checks.append(lambda: _monotonic(of, offsets))
        lazy = _check(f"{part} column {name!r}", mapped, lambda: [c() for c in checks])
        col = Column(name, kind, length, data=bf.raw, valid=valid, offsets=offsets,
                     readonly=True, check=lazy.run)
        return col, lazy
    df = _map(base, files["data"], checksums)
    data = _npy(df, _FIXED_DTYPES[kind], length)
    mapped.append(df)
    if kind == "bool":
        checks.append(lambda: _only_zero_one(df, data, "a bool column"))
    lazy = _check(f"{part} column {name!r}", mapped, lambda: [c() for c in checks])
    col = Column(name, kind, length, data=data, valid=valid, readonly=True, check=lazy.run)
    return col, lazy


def _open_ends(base: Path, rel: str, role: str, m: int, n: int, checksums: dict):
    f = _map(base, rel, checksums)
    ends = _npy(f, np.dtype(np.int64), m)
    lazy = _check(f"edge {role}s", [f], lambda: _within(f, ends, n))
    return Column(role, "int64", m, data=ends, readonly=True, check=lazy.run), lazy


def _finite(file: _File, positions: np.ndarray) -> None:
    bad = ~np.isfinite(positions).all(1)
    if bad.any():
        i = int(np.argmax(bad))
        raise StoreError(f"{file.path}: node {i} has position {positions[i].tolist()}; a "
                         "stored layout holds finite numbers only")


def _open_layout(base: Path, entry: dict, n: int, checksums: dict):
    """Map one stored layout (its manifest entry already checked): (positions, check,
    bends: (edge_ids, offsets, points) or None)."""
    f = _map(base, entry["file"], checksums)
    positions = _npy(f, np.dtype(entry["dtype"]), n, 2)
    if "bends" not in entry:
        return positions, _check(f"layout {entry['name']!r}", [f],
                                 lambda: _finite(f, positions)), None
    folder, counts = layout.bends_dir(entry["name"]), entry["bends"]
    files = {part: _map(base, f"{folder}/{part}.npy", checksums) for part in layout.BEND_PARTS}
    bends = (_npy(files["edge_ids"], np.dtype(np.int64), counts["edges"]),
             _npy(files["offsets"], np.dtype(np.int64), counts["edges"] + 1),
             _npy(files["points"], np.dtype(np.float64), counts["points"], 2))

    def structure():
        _finite(f, positions)
        _bends_fit(files["offsets"], bends)
    return positions, _check(f"layout {entry['name']!r}", [f, *files.values()],
                             structure), bends


def _bends_fit(file: _File, bends: tuple) -> None:
    _, offsets, points = bends
    if offsets[0] != 0 or offsets[-1] != points.shape[0] or (np.diff(offsets) < 0).any():
        raise StoreError(f"{file.path}: bend offsets must rise from 0 to the number of "
                         f"points ({points.shape[0]})")
    if not np.isfinite(points).all():
        raise StoreError(f"{file.path}: a bend point is not a finite number")


def _open_removed(base: Path, entries: dict, counts: dict, checksums: dict):
    """The removed ids by part, read and fully checked now (they decide every count and
    table); empty for a store without removals."""
    ids = {}
    for part, entry in entries.items():
        f = _map(base, entry["file"], checksums)
        arr = _npy(f, np.dtype(np.int64), entry["count"])
        _crc(f, None)
        if arr.size and (arr[0] < 0 or arr[-1] >= counts[part] or (np.diff(arr) <= 0).any()):
            raise StoreError(f"{f.path}: removed {part} ids must be sorted, distinct and in "
                             f"0..{counts[part] - 1}")
        ids[part] = np.array(arr)
    return ids


def open_piece(base: Path, part: str, piece: dict, checksums: dict, n: int,
               only=None):
    """Map one partition (or the whole of an unpartitioned part): ({name: Column}, checks);
    edges get their ends as columns "source" and "target" (global node positions, checked
    to lie in ``0 .. n - 1``). ``only``: the names to open (None: all)."""
    length = piece["rows"][1] - piece["rows"][0]
    cols, checks = {}, []
    for spec in piece["columns"]:
        if only is None or spec["name"] in only:
            cols[spec["name"]], check = _open_column(base, part, spec, length, checksums)
            checks.append(check)
    if part == "edges":
        for role in ("source", "target"):
            if only is None or role in only:
                cols[role], check = _open_ends(base, piece[role], role, length, n, checksums)
                checks.append(check)
    return cols, checks


def joined(name: str, kind: str, columns: list) -> Column:
    """One read-only column over the partitions' columns, in row order: the piece itself
    when there is one (still a map), else a column that concatenates the pieces (each
    checked first) the first time its data is read."""
    if len(columns) == 1:
        return columns[0]
    if not columns:
        return Column(name, kind, 0, readonly=True)
    length = sum(len(c) for c in columns)

    def load():
        if kind == "string":
            texts = [c.text for c in columns]
            starts = np.cumsum([0] + [int(offs[-1]) for offs, _ in texts])
            offsets = np.concatenate([np.zeros(1, dtype=np.int64)] + [
                offs[1:] + start for (offs, _), start in zip(texts, starts)])
            data = (offsets, np.concatenate([text for _, text in texts]))
        else:
            data = np.concatenate([c.data for c in columns])
        masks = [c.valid for c in columns]
        valid = None if all(v is None for v in masks) else np.concatenate(
            [np.ones(len(c), dtype=bool) if v is None else v for c, v in zip(columns, masks)])
        return data, valid
    return Column(name, kind, length, readonly=True, check=load)


def read_manifest(root: Path, pointer: str | None) -> tuple:
    """(the generation directory ``pointer`` names, or ``root`` for version 1; its
    checked manifest). A missing manifest is ``_Vanished`` (a save may have replaced
    the generation)."""
    base = root if pointer is None else root / pointer
    mf = base / "manifest.json"
    try:
        raw = mf.read_bytes()
    except FileNotFoundError:
        if pointer is None:
            raise _Vanished(f"{mf}: file is missing; {root} is not a groggy store") from None
        raise _Vanished(f"{root / layout.CURRENT} names {pointer}, but {mf} is missing") \
            from None
    except OSError as exc:
        raise StoreError(f"{mf}: cannot read the manifest ({exc})") from None
    return base, parse(mf, raw, 1 if pointer is None else 2, pointer)


def _open_generation(root: Path, pointer: str | None) -> Opened:
    base, manifest = read_manifest(root, pointer)
    n, m, checksums = manifest["node_count"], manifest["edge_count"], manifest["checksums"]
    nodes, edges = ColumnStore(n, readonly=True), ColumnStore(m, readonly=True)
    checks = []
    for store, part in ((nodes, "nodes"), (edges, "edges")):
        opened = [open_piece(base, part, piece, checksums, n) for piece in pieces(manifest, part)]
        for spec in manifest[part]["columns"]:
            store.columns[spec["name"]] = joined(spec["name"], spec["kind"],
                                                 [cols[spec["name"]] for cols, _ in opened])
        if part == "edges":
            ends = [joined(role, "int64", [cols[role] for cols, _ in opened])
                    for role in ("source", "target")]
        checks += [check for _, piece_checks in opened for check in piece_checks]
    layouts = {}
    for entry in manifest.get("layouts", []):
        positions, check, bends = _open_layout(base, entry, n, checksums)
        layouts[entry["name"]] = (positions, entry, check, bends)
        checks.append(check)
    return Opened(manifest["directed"], nodes, edges, ends[0], ends[1], base, manifest, checks,
                  layouts, _open_removed(base, manifest.get("removed", {}),
                                         {"nodes": n, "edges": m}, checksums))


# --------------------------------------------------------------------------- open

PROGRESS_BYTES = 64 << 20  # checking less than this is too quick for a progress bar


def progress_bar(checks: list, progress: bool | None) -> Progress:
    """A progress bar over the bytes ``checks`` read: shown if ``progress``, or by default
    on a terminal when there are ``PROGRESS_BYTES`` or more."""
    total = sum(check.nbytes for check in checks)
    enabled = progress if progress is not None else (None if total >= PROGRESS_BYTES
                                                     else False)
    return Progress("verifying", total=total, enabled=enabled)


def _pointer(root: Path) -> str | None:
    """The current generation's name, or None for a version-1 (flat) store."""
    current = layout.read_pointer(root)
    if current is None and not (root / "manifest.json").is_file():
        current = layout.read_pointer(root)  # a save converting a v1 store may have just switched
        if current is None:
            raise StoreError(f"{root / 'manifest.json'}: file is missing and there is no "
                             f"{layout.CURRENT}; {root} is not a groggy store")
    return current


def open_store(path, verify: bool = False, progress: bool | None = None) -> Opened:
    """Map the current generation of a store read-only.

    ``verify`` runs every column's full checks (CRC-32 and structure) now instead of on
    first read, with a progress bar if ``progress`` (default: on a terminal, for stores
    of 64 MiB or more).

    Examples
    --------
    >>> import tempfile, os, groggy as gg
    >>> from groggy.store import open_store
    >>> g = gg.Graph(); _ = g.add_nodes({"x": [1, 2]}); _ = g.add_edge(0, 1)
    >>> path = g.save(os.path.join(tempfile.mkdtemp(), "g.groggy"))
    >>> opened = open_store(path)
    >>> opened.location.name, opened.nodes.column("x").to_list(), len(opened.checks)
    ('gen-1', [1, 2], 3)
    """
    root = Path(path)
    if not root.is_dir():
        what = "is not a directory" if root.exists() else "no such graph directory"
        raise StoreError(f"{root}: {what}")
    for _ in range(ATTEMPTS):
        pointer = _pointer(root)
        try:
            opened = _open_generation(root, pointer)
        except _Vanished as gone:
            if _pointer(root) == pointer:  # not replaced by a save: really missing
                raise StoreError(str(gone)) from None
            stats["retries"] += 1
            continue  # a save switched generations while we opened: open the new one
        if verify:
            with progress_bar(opened.checks, progress) as bar:
                for check in opened.checks:
                    check.run(bar.advance)
        return opened
    raise StoreError(f"{root}: the store was replaced {ATTEMPTS} times while it was being "
                     "opened (is a process saving over it in a loop?); try again")
