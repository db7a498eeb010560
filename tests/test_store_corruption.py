"""Damaged stores: every one is a groggy.StoreError that names the offending file,
never a crash and never silently wrong data."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import groggy as gg

from conftest import read_all

# Every file of the sample store, by role, so the tests do not hard-code file names:
# (part, column name, key in the column's "files"), or ("edges", "source"|"target", None).
FILES = [
    ("nodes", "age", "data"), ("nodes", "age", "valid"),
    ("nodes", "score", "data"), ("nodes", "score", "valid"),
    ("nodes", "flag", "data"), ("nodes", "flag", "valid"),
    ("nodes", "name", "offsets"), ("nodes", "name", "bytes"), ("nodes", "name", "valid"),
    ("nodes", "rank", "data"),
    ("edges", "source", None), ("edges", "target", None),
    ("edges", "weight", "data"),
    ("edges", "label", "offsets"), ("edges", "label", "bytes"), ("edges", "label", "valid"),
]
FILE_IDS = [f"{part}.{name}" + (f".{key}" if key else "") for part, name, key in FILES]


def manifest(path) -> dict:
    return json.loads((path / "manifest.json").read_text())


def write_manifest(path, m) -> None:
    (path / "manifest.json").write_text(json.dumps(m))


def column_spec(m, part, name) -> dict:
    return next(c for c in m[part]["columns"] if c["name"] == name)


def relpath(path, role) -> str:
    part, name, key = role
    m = manifest(path)
    return m["edges"][name] if key is None else column_spec(m, part, name)["files"][key]


def store_error(path, verify=False) -> str:
    """Open ``path``, expecting a StoreError; its message."""
    with pytest.raises(gg.StoreError) as info:
        gg.open(path, verify=verify)
    return str(info.value)


def test_every_file_of_the_sample_store_is_covered(store):
    listed = {relpath(store, role) for role in FILES}
    assert listed == set(manifest(store)["checksums"])
    on_disk = {str(p.relative_to(store)) for p in store.rglob("*") if p.is_file()}
    assert on_disk == listed | {"manifest.json"}


# --------------------------------------------------------------------------- files

@pytest.mark.parametrize("role", FILES, ids=FILE_IDS)
def test_truncated_file_is_named(store, role):
    rel = relpath(store, role)
    f = store / rel
    data = f.read_bytes()
    for cut in sorted({0, len(data) // 2, len(data) - 1}):
        f.write_bytes(data[:cut])
        assert rel in store_error(store), cut
        assert rel in store_error(store, verify=True), cut


@pytest.mark.parametrize("role", FILES, ids=FILE_IDS)
def test_deleted_file_is_named(store, role):
    rel = relpath(store, role)
    (store / rel).unlink()
    assert rel in store_error(store)
    assert rel in store_error(store, verify=True)


@pytest.mark.parametrize("role", FILES, ids=FILE_IDS)
def test_file_with_bytes_appended_is_named(store, role):
    rel = relpath(store, role)
    with open(store / rel, "ab") as fh:
        fh.write(b"\x00" * 8)
    assert rel in store_error(store)
    assert rel in store_error(store, verify=True)


def test_manifest_with_bytes_appended_is_named(store):
    with open(store / "manifest.json", "ab") as fh:
        fh.write(b"garbage")
    assert "manifest.json" in store_error(store)


def test_deleted_manifest_is_named(store):
    (store / "manifest.json").unlink()
    assert "manifest.json" in store_error(store)


def test_missing_path_is_named(tmp_path):
    assert "nowhere.groggy" in store_error(tmp_path / "nowhere.groggy")


def test_path_that_is_a_file_is_a_store_error(tmp_path):
    (tmp_path / "plain.txt").write_text("hello")
    assert "plain.txt" in store_error(tmp_path / "plain.txt")


def test_empty_directory_is_not_a_store(tmp_path):
    assert "manifest.json" in store_error(tmp_path)


REPLACEMENTS = {
    "other dtype": lambda: np.zeros(6, dtype=np.float32),
    "too short": lambda: np.zeros(5, dtype=np.int64),
    "two-dimensional": lambda: np.zeros((6, 1), dtype=np.int64),
    "fortran order": lambda: np.asfortranarray(np.zeros((2, 3), dtype=np.int64)),
    "pickled objects": lambda: np.array([1, "x", None, 2, 3, 4], dtype=object),
}


@pytest.mark.parametrize("make", REPLACEMENTS.values(), ids=REPLACEMENTS.keys())
def test_data_file_replaced_by_another_array_is_named(store, make):
    rel = relpath(store, ("nodes", "rank", "data"))
    np.save(store / rel, make(), allow_pickle=True)
    assert rel in store_error(store)


# --------------------------------------------------------------------------- string offsets

@pytest.mark.parametrize("column", ["name", "label"])
@pytest.mark.parametrize("index,delta", [(-1, 1), (-1, -1), (0, 1)])
def test_string_offsets_not_spanning_the_bytes_are_named(store, column, index, delta):
    part = "nodes" if column == "name" else "edges"
    rel = relpath(store, (part, column, "offsets"))
    offsets = np.load(store / rel)
    offsets[index] += delta
    np.save(store / rel, offsets)  # same size: only the values are wrong
    assert rel in store_error(store)


def test_scrambled_middle_offsets_fail_on_read_and_on_verify(store):
    rel = relpath(store, ("nodes", "name", "offsets"))
    offsets = np.load(store / rel)
    offsets[1], offsets[2] = offsets[2] + 3, offsets[1]   # a span runs backwards
    np.save(store / rel, offsets)
    assert rel in store_error(store, verify=True)
    h = gg.open(store)  # open reads no column data, so it cannot see this...
    with pytest.raises((gg.StoreError, ValueError)):
        h.nodes["name"].to_list()  # ...but a read must not return garbage or crash


# --------------------------------------------------------------------------- manifest

def edit_manifest(path, edit):
    m = manifest(path)
    edit(m)
    write_manifest(path, m)


def test_manifest_that_is_not_json_is_named(store):
    (store / "manifest.json").write_text("{not json")
    assert "manifest.json" in store_error(store)


@pytest.mark.parametrize("text", ["[]", "null", '"groggy"', "42"])
def test_manifest_that_is_not_an_object_is_named(store, text):
    (store / "manifest.json").write_text(text)
    assert "manifest.json" in store_error(store)


@pytest.mark.parametrize("version", [99, 2])
def test_newer_format_version_says_upgrade(store, version):
    edit_manifest(store, lambda m: m.update(version=version))
    msg = store_error(store)
    assert "manifest.json" in msg and str(version) in msg
    assert "upgrade" in msg and "version" in msg


@pytest.mark.parametrize("version", [0, -1, "1", None, 1.5])
def test_invalid_format_version_is_named(store, version):
    edit_manifest(store, lambda m: m.update(version=version))
    assert "manifest.json" in store_error(store)


def test_wrong_format_name_is_named(store):
    edit_manifest(store, lambda m: m.update(format="parquet"))
    assert "manifest.json" in store_error(store)


def drop(keys):
    def edit(m):
        d = m
        for k in keys[:-1]:
            d = d[k]
        del d[keys[-1]]
    return edit


# node columns 0 and 3 of the sample are "age" (int64) and "name" (string)
MISSING = [("format",), ("version",), ("directed",), ("node_count",), ("edge_count",),
           ("nodes",), ("edges",), ("nodes", "columns"), ("edges", "columns"),
           ("edges", "source"), ("edges", "target"),
           ("nodes", "columns", 0, "name"), ("nodes", "columns", 0, "kind"),
           ("nodes", "columns", 0, "length"), ("nodes", "columns", 0, "files"),
           ("nodes", "columns", 0, "files", "data"), ("nodes", "columns", 3, "files", "bytes"),
           ("nodes", "columns", 3, "files", "offsets")]


@pytest.mark.parametrize("keys", MISSING, ids=["/".join(map(str, k)) for k in MISSING])
def test_missing_manifest_key_is_named(store, keys):
    edit_manifest(store, drop(keys))
    msg = store_error(store)
    assert "manifest.json" in msg, msg


def test_wrong_column_length_names_manifest_and_column(store):
    edit_manifest(store, lambda m: column_spec(m, "nodes", "rank").update(length=5))
    msg = store_error(store)
    assert "manifest.json" in msg and "rank" in msg


def test_wrong_node_count_is_caught(store):
    edit_manifest(store, lambda m: m.update(node_count=7))
    assert "manifest.json" in store_error(store)


def test_wrong_count_and_lengths_name_a_data_file(store):
    def edit(m):
        m["edge_count"] = 6
        for c in m["edges"]["columns"]:
            c["length"] = 6
    edit_manifest(store, edit)
    msg = store_error(store)
    assert any(f in msg for f in manifest(store)["checksums"]), msg
    assert "expected" in msg


@pytest.mark.parametrize("column,kind", [("age", "float64"), ("rank", "bool"),
                                         ("score", "int64"), ("flag", "int64")])
def test_kind_that_does_not_match_the_data_file_is_named(store, column, kind):
    # kind and dtype agree with each other, not with the file on disk
    edit_manifest(store, lambda m: column_spec(m, "nodes", column).update(kind=kind, dtype=kind))
    assert relpath(store, ("nodes", column, "data")) in store_error(store)


@pytest.mark.parametrize("column,kind", [("age", "string"), ("name", "int64"),
                                         ("age", "complex128"), ("age", "")])
def test_kind_that_does_not_fit_the_files_names_the_manifest(store, column, kind):
    edit_manifest(store, lambda m: column_spec(m, "nodes", column).update(kind=kind))
    msg = store_error(store)
    assert "manifest.json" in msg and column in msg


@pytest.mark.parametrize("column,dtype", [("age", "float32"), ("score", "int64"),
                                          ("name", "int64"), ("flag", "nonsense")])
def test_dtype_that_contradicts_the_kind_names_the_manifest(store, column, dtype):
    edit_manifest(store, lambda m: column_spec(m, "nodes", column).update(dtype=dtype))
    msg = store_error(store)
    assert "manifest.json" in msg and column in msg


def test_edited_checksum_size_is_caught(store):
    rel = relpath(store, ("nodes", "rank", "data"))
    edit_manifest(store, lambda m: m["checksums"][rel].update(size=1))
    assert rel in store_error(store)


# Values of the wrong JSON type anywhere in the manifest: a StoreError naming the
# manifest, not a TypeError / AttributeError from deep inside open.
MANGLED = {
    "columns not a list": lambda m: m["nodes"].update(columns=5),
    "column not an object": lambda m: m["nodes"]["columns"].__setitem__(0, "age"),
    "files not an object": lambda m: m["nodes"]["columns"][0].update(files=["x"]),
    "file path not a string": lambda m: m["nodes"]["columns"][0]["files"].update(data=5),
    "bytes path not a string": lambda m: m["nodes"]["columns"][3]["files"].update(bytes=5),
    "source path not a string": lambda m: m["edges"].update(source=5),
    "column name not a string": lambda m: m["nodes"]["columns"][0].update(name=["age"]),
    "column name a number": lambda m: m["nodes"]["columns"][0].update(name=5),
    "checksums not an object": lambda m: m.update(checksums=[]),
    "checksum entry not an object": lambda m: m["checksums"].update(
        {m["nodes"]["columns"][3]["files"]["bytes"]: "abc"}),
    "node_count not a number": lambda m: m.update(node_count="six"),
    "node_count negative": lambda m: m.update(node_count=-1),
    "nodes not an object": lambda m: m.update(nodes=[]),
    "duplicate column name": lambda m: m["nodes"]["columns"].append(m["nodes"]["columns"][0]),
}


@pytest.mark.parametrize("mangle", MANGLED.values(), ids=MANGLED.keys())
def test_mangled_manifest_is_a_store_error_naming_it(store, mangle):
    edit_manifest(store, mangle)
    assert "manifest.json" in store_error(store)


MANGLED_CHECKSUMS = {
    "checksums not an object": lambda m, rel: m.update(checksums=[]),
    "entry not an object": lambda m, rel: m["checksums"].update({rel: "abc"}),
    "crc32 missing": lambda m, rel: m["checksums"][rel].pop("crc32"),
    "crc32 not a number": lambda m, rel: m["checksums"][rel].update(crc32=None),
}


@pytest.mark.parametrize("mangle", MANGLED_CHECKSUMS.values(), ids=MANGLED_CHECKSUMS.keys())
def test_mangled_checksums_fail_verify_naming_the_manifest(store, mangle):
    rel = relpath(store, ("nodes", "rank", "data"))
    edit_manifest(store, lambda m: mangle(m, rel))
    msg = store_error(store, verify=True)
    assert "manifest.json" in msg or rel in msg, msg


@pytest.mark.parametrize("absolute", [False, True], ids=["relative ../", "absolute"])
def test_manifest_paths_must_stay_inside_the_store(store, absolute):
    # open must not read a file outside its directory, however well it fits
    foreign = store.parent / "foreign.npy"
    shutil.copy(store / relpath(store, ("edges", "source", None)), foreign)
    ref = str(foreign) if absolute else "../foreign.npy"
    edit_manifest(store, lambda m: m["edges"].update(source=ref))
    assert "manifest.json" in store_error(store)


def test_verify_checks_every_file_even_without_a_checksum_entry(store):
    # dropping a file's checksum entry must not let verify=True skip that file
    rel = relpath(store, ("nodes", "rank", "data"))
    f = store / rel
    data = bytearray(f.read_bytes())
    data[-1] ^= 0xFF
    f.write_bytes(bytes(data))
    edit_manifest(store, lambda m: m["checksums"].pop(rel))
    msg = store_error(store, verify=True)
    assert rel in msg or "manifest.json" in msg


# --------------------------------------------------------------------------- flipped bytes

@given(role=st.sampled_from(FILES), where=st.floats(0, 1, exclude_max=True),
       mask=st.integers(1, 255))
def test_any_flipped_byte_fails_verify_and_never_crashes_a_read(scratch, saved_sample, role,
                                                                where, mask):
    path = shutil.copytree(saved_sample, scratch() / "g.groggy")
    rel = relpath(path, role)
    data = bytearray((path / rel).read_bytes())
    pos = int(where * len(data))
    data[pos] ^= mask
    (path / rel).write_bytes(bytes(data))

    assert rel in store_error(path, verify=True)
    try:  # without verify: an error or plausible values, never a crash or a stray exception
        read_all(gg.open(path))
    except (gg.StoreError, ValueError, IndexError):
        pass
