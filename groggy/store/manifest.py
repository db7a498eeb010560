"""The manifest: what a generation holds (counts, columns, files, their sizes and CRC-32s)
and, from version 2 on, a SHA-256 of itself, so that editing it alone is caught at open."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from groggy.errors import StoreError
from groggy.storage import KINDS
from groggy.store.layout import BEND_PARTS, LAYOUT_NAME_RE, bends_dir

FORMAT_NAME = "groggy"
FORMAT_VERSION = 2       # version 1: flat, no manifest checksum; still read
PARTITIONED_VERSION = 3  # nodes and edges in row-range partitions (only such stores)
SIGNATURE = "manifest_sha256"

_COLUMN_FILES = {"string": ({"offsets", "bytes"}, {"valid"}),
                 "int64": ({"data"}, {"valid"}), "float64": ({"data"}, {"valid"}),
                 "bool": ({"data"}, {"valid"})}


def _digest(manifest: dict) -> str:
    """SHA-256 of the canonical JSON of every key but the signature itself (so the check
    does not depend on how the file was indented)."""
    body = {k: v for k, v in manifest.items() if k != SIGNATURE}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def signed(manifest: dict) -> dict:
    """``manifest`` with its signature added (what save writes)."""
    return {**manifest, SIGNATURE: _digest(manifest)}


def encode(manifest: dict) -> bytes:
    return json.dumps(signed(manifest), indent=1).encode("utf-8")


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_path(mf: Path, rel, checksums: dict) -> None:
    if not isinstance(rel, str) or not rel or Path(rel).is_absolute() or ".." in Path(rel).parts:
        raise StoreError(f"{mf}: file path {rel!r} is not a relative path inside the store")
    if rel not in checksums:
        raise StoreError(f"{mf}: no size and checksum for {rel}")


def _objects(mf: Path, entries, where: str, what: str) -> list:
    """``entries``, checked to be a list of JSON objects."""
    if not isinstance(entries, list):
        raise StoreError(f"{mf}: {where} must be a list, found {type(entries).__name__}")
    for entry in entries:
        if not isinstance(entry, dict):
            raise StoreError(f"{mf}: {what} must be an object, found {entry!r}")
    return entries


def _check_columns(mf: Path, part: str, specs, length: int, checksums: dict) -> None:
    seen = set()
    for spec in _objects(mf, specs, f"{part}.columns", f"a {part} column entry"):
        name, kind, files = spec.get("name"), spec.get("kind"), spec.get("files")
        if not isinstance(name, str) or name in seen:
            raise StoreError(f"{mf}: {part} column name {name!r} is not a string or is "
                             "listed twice")
        seen.add(name)
        if kind not in KINDS:
            raise StoreError(f"{mf}: {part} column {name!r} has unknown kind {kind!r}; "
                             f"expected one of {KINDS}")
        dtype = "utf8" if kind == "string" else kind
        if spec.get("dtype") != dtype:
            raise StoreError(f"{mf}: {part} column {name!r} of kind {kind} must have dtype "
                             f"{dtype!r}, found {spec.get('dtype')!r}")
        if spec.get("length") != length:
            raise StoreError(f"{mf}: {part} column {name!r} has length {spec.get('length')!r}, "
                             f"expected {length}")
        required, optional = _COLUMN_FILES[kind]
        if not isinstance(files, dict) or not required <= set(files) <= required | optional:
            raise StoreError(f"{mf}: {part} column {name!r} must list files "
                             f"{sorted(required)} (and optionally 'valid'), found {files!r}")
        for rel in files.values():
            _check_path(mf, rel, checksums)


def parse(mf: Path, raw: bytes, version: int, generation: str | None) -> dict:
    """Check a manifest's bytes: JSON, format, ``version`` (what the layout it was found
    in implies), its signature (version 2), the generation it names, and the shape of
    every entry. Returns the manifest."""
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StoreError(f"{mf}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise StoreError(f"{mf}: expected a JSON object, found {type(manifest).__name__}")
    if manifest.get("format") != FORMAT_NAME:
        raise StoreError(f"{mf}: format is {manifest.get('format')!r}, expected {FORMAT_NAME!r}")
    found = manifest.get("version")
    if not _is_count(found) or found < 1:
        raise StoreError(f"{mf}: format version {found!r} is not a version number")
    if found > PARTITIONED_VERSION:
        raise StoreError(f"{mf}: format version {found!r} is not readable by this groggy "
                         f"(reads versions 1..{PARTITIONED_VERSION}); upgrade groggy")
    if found == PARTITIONED_VERSION and version == 2:
        version = found     # a generation directory holds version 2 or 3
    if found != version:
        where = "a generation directory" if version == 2 else "the flat version-1 layout"
        raise StoreError(f"{mf}: format version {found!r} found in {where}, "
                         f"expected version {version}")
    if version >= 2:
        _check_signature(mf, manifest, generation)
    _check_body(mf, manifest)
    return manifest


def _check_signature(mf: Path, manifest: dict, generation: str | None) -> None:
    stored = manifest.get(SIGNATURE)
    if not isinstance(stored, str):
        raise StoreError(f"{mf}: no {SIGNATURE} entry; the manifest is incomplete or altered")
    actual = _digest(manifest)
    if stored != actual:
        raise StoreError(f"{mf}: manifest checksum is {actual[:16]}..., the manifest says "
                         f"{stored[:16]}...; the manifest was altered")
    if generation is not None and manifest.get("generation") != generation:
        raise StoreError(f"{mf}: manifest belongs to generation "
                         f"{manifest.get('generation')!r}, expected {generation!r}")


def _check_body(mf: Path, manifest: dict) -> None:
    n, m = manifest.get("node_count"), manifest.get("edge_count")
    if not (_is_count(n) and _is_count(m)):
        raise StoreError(f"{mf}: node_count and edge_count must be whole numbers >= 0, "
                         f"found {n!r} and {m!r}")
    if not isinstance(manifest.get("directed"), bool):
        raise StoreError(f"{mf}: directed must be true or false, found {manifest.get('directed')!r}")
    checksums = manifest.get("checksums")
    if not isinstance(checksums, dict) or not all(
            isinstance(v, dict) and _is_count(v.get("size")) and _is_count(v.get("crc32"))
            for v in checksums.values()):
        raise StoreError(f"{mf}: checksums must map each file to {{size, crc32}} numbers")
    nodes, edges = manifest.get("nodes"), manifest.get("edges")
    if not isinstance(nodes, dict) or not isinstance(edges, dict):
        raise StoreError(f"{mf}: nodes and edges must be objects")
    if manifest["version"] == PARTITIONED_VERSION:
        _check_partitions(mf, "nodes", nodes, n, checksums)
        _check_partitions(mf, "edges", edges, m, checksums)
    else:
        _check_columns(mf, "nodes", nodes.get("columns"), n, checksums)
        _check_columns(mf, "edges", edges.get("columns"), m, checksums)
        for key in ("source", "target"):
            _check_path(mf, edges.get(key), checksums)
    _check_layouts(mf, manifest.get("layouts", []), n, checksums)
    _check_removed(mf, manifest.get("removed", {}), {"nodes": n, "edges": m}, checksums)


def _check_partitions(mf: Path, part: str, entry: dict, count: int, checksums: dict) -> None:
    """A partitioned part: a schema (name, kind, dtype per column) and partitions whose
    row ranges run contiguously from 0 to ``count``, each listing the schema's columns
    in order (and, for edges, its ends)."""
    schema = _objects(mf, entry.get("columns"), f"{part}.columns", f"a {part} column entry")
    names = [(c.get("name"), c.get("kind"), c.get("dtype")) for c in schema]
    if len({name for name, _, _ in names}) != len(names):
        raise StoreError(f"{mf}: {part} lists a column twice")
    end = 0
    for i, piece in enumerate(_objects(mf, entry.get("partitions"), f"{part}.partitions",
                                       f"a {part} partition")):
        rows = piece.get("rows")
        if (not isinstance(rows, list) or len(rows) != 2 or not all(map(_is_count, rows))
                or rows[0] != end or rows[1] < rows[0]):
            raise StoreError(f"{mf}: {part} partition {i} has rows {rows!r}; expected "
                             f"[{end}, stop] with stop >= {end} (partitions follow each "
                             "other from row 0)")
        end = rows[1]
        _check_columns(mf, f"{part} partition {i}", piece.get("columns"), end - rows[0],
                       checksums)
        found = [(c["name"], c["kind"], c["dtype"]) for c in piece["columns"]]
        if found != names:
            raise StoreError(f"{mf}: {part} partition {i} has columns "
                             f"{[c[:2] for c in found]}, expected the schema's "
                             f"{[c[:2] for c in names]}")
        if part == "edges":
            for key in ("source", "target"):
                _check_path(mf, piece.get(key), checksums)
    if end != count:
        raise StoreError(f"{mf}: {part} partitions end at row {end}, expected {count}")


def _check_removed(mf: Path, removed, counts: dict, checksums: dict) -> None:
    """Removed ids (absent when nothing was removed): ``removed/<part>.npy`` holds the
    sorted removed ids of nodes or edges, at most one per row."""
    if not isinstance(removed, dict) or not set(removed) <= {"nodes", "edges"}:
        raise StoreError(f"{mf}: removed must be an object with 'nodes' and/or 'edges'")
    for part, entry in removed.items():
        if (not isinstance(entry, dict) or entry.get("file") != f"removed/{part}.npy"
                or not _is_count(entry.get("count")) or entry["count"] > counts[part]):
            raise StoreError(f"{mf}: removed {part} must be {{file: 'removed/{part}.npy', "
                             f"count: 0..{counts[part]}}}, found {entry!r}")
        _check_path(mf, entry["file"], checksums)


def _check_layouts(mf: Path, entries, n: int, checksums: dict) -> None:
    """Stored layouts (absent before groggy kept layouts): a safe unique name, the file
    ``layouts/<name>.npy``, float32 or float64, one row per node."""
    seen = set()
    for entry in _objects(mf, entries, "layouts", "a layout entry"):
        name = entry.get("name")
        if (not isinstance(name, str) or not LAYOUT_NAME_RE.fullmatch(name)
                or name.lower() in seen):
            raise StoreError(f"{mf}: layout name {name!r} is not a safe file name or is "
                             "listed twice")
        seen.add(name.lower())
        if entry.get("file") != f"layouts/{name}.npy":
            raise StoreError(f"{mf}: layout {name!r} must be in layouts/{name}.npy, found "
                             f"{entry.get('file')!r}")
        _check_path(mf, entry["file"], checksums)
        if entry.get("dtype") not in ("float32", "float64"):
            raise StoreError(f"{mf}: layout {name!r} has dtype {entry.get('dtype')!r}, "
                             "expected 'float32' or 'float64'")
        if entry.get("length") != n:
            raise StoreError(f"{mf}: layout {name!r} has {entry.get('length')!r} rows, "
                             f"expected one per node ({n}); it belongs to another graph")
        if not isinstance(entry.get("algorithm"), str) or not isinstance(
                entry.get("params"), dict):
            raise StoreError(f"{mf}: layout {name!r} needs an algorithm name and a params "
                             "object")
        if "bends" in entry:          # absent in stores written before layouts bent edges
            _check_bends(mf, name, entry["bends"], checksums)


def _check_bends(mf: Path, name: str, bends, checksums: dict) -> None:
    counts = [bends.get(k) for k in ("edges", "points")] if isinstance(bends, dict) else []
    if len(counts) != 2 or not all(isinstance(c, int) and not isinstance(c, bool) and c >= 0
                                   for c in counts):
        raise StoreError(f"{mf}: layout {name!r} has bends {bends!r}; expected "
                         "{'edges': count, 'points': count}")
    for part in BEND_PARTS:
        _check_path(mf, f"{bends_dir(name)}/{part}.npy", checksums)


def pieces(manifest: dict, part: str) -> list:
    """The partitions of ``part`` of a checked manifest as dicts with ``rows`` and
    ``columns`` (and ``source``/``target`` for edges): one for an unpartitioned store."""
    entry = manifest[part]
    if "partitions" in entry:
        return entry["partitions"]
    count = manifest["node_count" if part == "nodes" else "edge_count"]
    return [{**entry, "rows": [0, count]}]


def piece_files(piece: dict) -> list:
    """The files of one partition entry (or unpartitioned part): its edge ends, if
    any, then its columns' files."""
    return [piece[key] for key in ("source", "target") if key in piece] + [
        rel for spec in piece["columns"] for rel in spec["files"].values()]


def listed_files(manifest: dict) -> list:
    """Every data file a (checked) manifest lists, partition by partition."""
    return [rel for part in ("nodes", "edges") for piece in pieces(manifest, part)
            for rel in piece_files(piece)] + [
        entry["file"] for entry in manifest.get("removed", {}).values()]
