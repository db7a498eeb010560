"""Damaged stores: every one is a groggy.StoreError that names the offending file,
never a crash and never silently wrong data, with the default open (checks at open, and
the full checks on a column's first read) as with verify=True."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import groggy as gg

from groggy.store.manifest import signed

from conftest import flip, generation, make_sample_graph, read_all, same

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
    return json.loads((generation(path) / "manifest.json").read_text())


def write_manifest(path, m) -> None:
    """Write ``m`` with a valid signature: the manifest a buggy writer could produce,
    which the checks of its contents must catch."""
    (generation(path) / "manifest.json").write_text(json.dumps(signed(m)))


def write_unsigned(path, m) -> None:
    """Write ``m`` keeping its old signature: a hand edit of the manifest alone."""
    (generation(path) / "manifest.json").write_text(json.dumps(m))


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
    gen = generation(store)
    on_disk = {str(p.relative_to(gen)) for p in gen.rglob("*") if p.is_file()}
    assert on_disk == listed | {"manifest.json"}
    assert sorted(p.name for p in store.iterdir()) == ["CURRENT", gen.name]


# --------------------------------------------------------------------------- files

@pytest.mark.parametrize("role", FILES, ids=FILE_IDS)
def test_truncated_file_is_named(store, role):
    rel = relpath(store, role)
    f = generation(store) / rel
    data = f.read_bytes()
    for cut in sorted({0, len(data) // 2, len(data) - 1}):
        f.write_bytes(data[:cut])
        assert rel in store_error(store), cut
        assert rel in store_error(store, verify=True), cut


@pytest.mark.parametrize("role", FILES, ids=FILE_IDS)
def test_deleted_file_is_named(store, role):
    rel = relpath(store, role)
    (generation(store) / rel).unlink()
    assert rel in store_error(store)
    assert rel in store_error(store, verify=True)


@pytest.mark.parametrize("role", FILES, ids=FILE_IDS)
def test_file_with_bytes_appended_is_named(store, role):
    rel = relpath(store, role)
    with open(generation(store) / rel, "ab") as fh:
        fh.write(b"\x00" * 8)
    assert rel in store_error(store)
    assert rel in store_error(store, verify=True)


def test_manifest_with_bytes_appended_is_named(store):
    with open(generation(store) / "manifest.json", "ab") as fh:
        fh.write(b"garbage")
    assert "manifest.json" in store_error(store)


def test_deleted_manifest_is_named(store):
    (generation(store) / "manifest.json").unlink()
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
    np.save(generation(store) / rel, make(), allow_pickle=True)
    assert rel in store_error(store)


# --------------------------------------------------------------------------- string offsets

@pytest.mark.parametrize("column", ["name", "label"])
@pytest.mark.parametrize("index,delta", [(-1, 1), (-1, -1), (0, 1)])
def test_string_offsets_not_spanning_the_bytes_are_named(store, column, index, delta):
    part = "nodes" if column == "name" else "edges"
    rel = relpath(store, (part, column, "offsets"))
    offsets = np.load(generation(store) / rel)
    offsets[index] += delta
    np.save(generation(store) / rel, offsets)  # same size: only the values are wrong
    assert rel in store_error(store)


def test_scrambled_middle_offsets_fail_on_read_and_on_verify(store):
    rel = relpath(store, ("nodes", "name", "offsets"))
    offsets = np.load(generation(store) / rel)
    offsets[1], offsets[2] = offsets[2] + 3, offsets[1]   # a span runs backwards
    np.save(generation(store) / rel, offsets)
    assert rel in store_error(store, verify=True)
    h = gg.open(store)  # open reads no column data, so it cannot see this...
    assert h.nodes["age"].to_list() == [30, None, 25, -7, 2**62, 0]  # other columns read
    for _ in range(2):  # ...but the first read of the column fails, and every later one
        with pytest.raises(gg.StoreError, match=rel):
            h.nodes["name"].to_list()


# --------------------------------------------------------------------------- manifest

def edit_manifest(path, edit):
    m = manifest(path)
    edit(m)
    write_manifest(path, m)


def test_manifest_that_is_not_json_is_named(store):
    (generation(store) / "manifest.json").write_text("{not json")
    assert "manifest.json" in store_error(store)


@pytest.mark.parametrize("text", ["[]", "null", '"groggy"', "42"])
def test_manifest_that_is_not_an_object_is_named(store, text):
    (generation(store) / "manifest.json").write_text(text)
    assert "manifest.json" in store_error(store)


@pytest.mark.parametrize("version", [99, 4])
def test_newer_format_version_says_upgrade(store, version):
    edit_manifest(store, lambda m: m.update(version=version))
    msg = store_error(store)
    assert "manifest.json" in msg and str(version) in msg
    assert "upgrade" in msg and "version" in msg


@pytest.mark.parametrize("version", [0, -1, "1", None, 1.5, 1])
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
    foreign = store / "foreign.npy"
    shutil.copy(generation(store) / relpath(store, ("edges", "source", None)), foreign)
    ref = str(foreign) if absolute else "../foreign.npy"
    edit_manifest(store, lambda m: m["edges"].update(source=ref))
    assert "manifest.json" in store_error(store)


def test_verify_checks_every_file_even_without_a_checksum_entry(store):
    # dropping a file's checksum entry must not let verify=True skip that file
    rel = relpath(store, ("nodes", "rank", "data"))
    flip(generation(store) / rel, -1, 0xFF)
    edit_manifest(store, lambda m: m["checksums"].pop(rel))
    msg = store_error(store, verify=True)
    assert rel in msg or "manifest.json" in msg


# --------------------------------------------------------------------------- flipped bytes

@given(role=st.sampled_from(FILES), where=st.floats(0, 1, exclude_max=True),
       mask=st.integers(1, 255))
def test_any_flipped_byte_fails_verify_and_fails_or_reads_right_by_default(
        scratch, saved_sample, role, where, mask):
    path = shutil.copytree(saved_sample, scratch() / "g.groggy")
    rel = relpath(path, role)
    f = generation(path) / rel
    data = bytearray(f.read_bytes())
    pos = int(where * len(data))
    data[pos] ^= mask
    f.write_bytes(bytes(data))

    assert rel in store_error(path, verify=True)
    try:  # the default open: an error naming the file, or the right values; nothing else
        got = read_all(gg.open(path))
    except gg.StoreError as exc:
        assert rel in str(exc)
    else:
        assert same(got, read_all(make_sample_graph()))


# --------------------------------------------------------------------------- manifest edits

def _swap_ends(m):
    m["edges"]["source"], m["edges"]["target"] = m["edges"]["target"], m["edges"]["source"]


def _drop_mask(m):
    spec = column_spec(m, "nodes", "age")
    m["checksums"].pop(spec["files"].pop("valid"))


HAND_EDITS = {
    "reverse the edges": _swap_ends,
    "make it undirected": lambda m: m.update(directed=not m["directed"]),
    "turn nulls into values": _drop_mask,
    "rename a column": lambda m: column_spec(m, "nodes", "age").update(name="years"),
    "swap two columns' files": lambda m: (
        column_spec(m, "nodes", "age")["files"].update(
            data=column_spec(m, "nodes", "rank")["files"]["data"])),
    "drop a column": lambda m: m["nodes"]["columns"].pop(),
    "edit a checksum": lambda m: next(iter(m["checksums"].values())).update(crc32=1),
}


@pytest.mark.parametrize("edit", HAND_EDITS.values(), ids=HAND_EDITS.keys())
def test_editing_only_the_manifest_is_caught_at_every_open(store, edit):
    m = manifest(store)
    edit(m)
    write_unsigned(store, m)
    for verify in (False, True):
        msg = store_error(store, verify=verify)
        assert "manifest.json" in msg and "checksum" in msg, msg


def test_removing_the_manifest_signature_is_caught(store):
    m = manifest(store)
    del m["manifest_sha256"]
    write_unsigned(store, m)
    assert "manifest_sha256" in store_error(store)


def test_reindenting_the_manifest_changes_nothing(store, sample_graph):
    # the signature covers the contents, not the layout of the text
    write_unsigned(store, manifest(store))
    assert same(read_all(gg.open(store)), read_all(sample_graph))


def test_a_manifest_from_another_generation_is_caught(store):
    gen = generation(store)
    other = store / "gen-7"
    shutil.copytree(gen, other)
    (store / "CURRENT").write_text("gen-7\n")
    assert "gen-7" in store_error(store) and "generation" in store_error(store)


# --------------------------------------------------------------------------- CURRENT

@pytest.mark.parametrize("text", ["", "gen-", "gen-0", "gen-1x", "../gen-1", "gen-1\n\n",
                                  " gen-1", "\xff"])
def test_a_malformed_current_pointer_is_named(store, text):
    (store / "CURRENT").write_bytes(text.encode("latin-1"))
    assert "CURRENT" in store_error(store)


def test_current_naming_a_missing_generation_is_named(store):
    (store / "CURRENT").write_text("gen-9\n")
    msg = store_error(store)
    assert "CURRENT" in msg and "gen-9" in msg


def test_a_missing_current_pointer_is_named(store):
    (store / "CURRENT").unlink()
    assert "CURRENT" in store_error(store)


def test_a_removed_generation_is_named(store):
    shutil.rmtree(generation(store))
    assert "gen-1" in store_error(store)


# --------------------------------------------------------------------------- structure

def rewrite(path, rel, data: bytes) -> None:
    """Replace a file and record its new size and CRC in a re-signed manifest: only the
    structural checks can catch what is wrong with it now."""
    import zlib
    (generation(path) / rel).write_bytes(data)
    m = manifest(path)
    m["checksums"][rel] = {"size": len(data), "crc32": zlib.crc32(data)}
    write_manifest(path, m)


def npy_bytes(arr) -> bytes:
    import io
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def test_string_offsets_that_go_down_are_caught_with_a_valid_checksum(store):
    rel = relpath(store, ("nodes", "name", "offsets"))
    offsets = np.load(generation(store) / rel)
    offsets[1] = offsets[4]   # row 2 now starts before row 1; still 0 .. size at the ends
    rewrite(store, rel, npy_bytes(offsets))
    h = gg.open(store)
    with pytest.raises(gg.StoreError, match="go down at row 1") as info:
        h.nodes.table().to_dict()
    assert rel in str(info.value)
    assert rel in store_error(store, verify=True)


@pytest.mark.parametrize("role", [("nodes", "age", "valid"), ("nodes", "flag", "data"),
                                  ("edges", "label", "valid")])
def test_a_mask_byte_other_than_0_and_1_is_caught_with_a_valid_checksum(store, role):
    rel = relpath(store, role)
    arr = np.load(generation(store) / rel)
    raw = bytearray(npy_bytes(arr))
    raw[-1] = 2   # a bool that numpy would read as True
    rewrite(store, rel, bytes(raw))
    with pytest.raises(gg.StoreError, match="only 0 and 1") as info:
        read_all(gg.open(store))
    assert rel in str(info.value)
    assert rel in store_error(store, verify=True)


@pytest.mark.parametrize("end", ["source", "target"])
@pytest.mark.parametrize("value", [-1, 6, 2**62])
def test_edge_ends_outside_the_nodes_are_caught_with_a_valid_checksum(store, end, value):
    rel = relpath(store, ("edges", end, None))
    ends = np.load(generation(store) / rel)
    ends[3] = value
    rewrite(store, rel, npy_bytes(ends))
    h = gg.open(store)
    assert h.nodes["name"].to_list()[0] == "Alice"  # node columns are unaffected
    for read in (lambda: h.degree(), lambda: h.edges.table().to_dict(),
                 lambda: h.connected_components()):
        with pytest.raises(gg.StoreError, match="edge end") as info:
            read()
        assert rel in str(info.value)


def test_a_column_is_checked_once_then_read_freely(store, sample_graph):
    h = gg.open(store)
    col = h._nodes.column("name")
    assert col._check is not None           # nothing read at open
    assert col.to_list() == sample_graph.nodes["name"].to_list()
    assert col._check is None               # checked on the first read, not again
    assert h._nodes.column("age")._check is not None
    again = gg.open(store)._nodes.column("name")
    again.to_list()  # same generation in this process: remembered, and still correct
    assert again.to_list() == col.to_list()


def test_a_flipped_data_value_is_caught_on_first_read_without_verify(store):
    # a structurally perfect change (one int64 age) only a checksum can see
    rel = relpath(store, ("nodes", "rank", "data"))
    flip(generation(store) / rel, -8)
    h = gg.open(store)
    assert h.node_count() == 6
    with pytest.raises(gg.StoreError, match="checksum") as info:
        h.nodes["rank"].to_list()
    assert rel in str(info.value)
    with pytest.raises(gg.StoreError):
        h.nodes.table().sort_by("rank")


# --------------------------------------------------------------------------- version 1

V1 = Path(__file__).parent / "data" / "store-v1"


def test_a_version_1_store_opens_and_verifies(sample_graph):
    # written by groggy 0.1.0 before generations: flat, manifest.json at the top
    assert (V1 / "manifest.json").is_file() and not (V1 / "CURRENT").exists()
    assert same(read_all(gg.open(V1)), read_all(sample_graph))
    assert same(read_all(gg.open(V1, verify=True)), read_all(sample_graph))


def test_a_damaged_version_1_store_is_named(tmp_path):
    path = Path(shutil.copytree(V1, tmp_path / "old.groggy"))
    rel = "nodes/0003_name.utf8"
    flip(path / rel, 0, 0x20)
    h = gg.open(path)
    with pytest.raises(gg.StoreError, match=rel):
        h.nodes["name"].to_list()


def test_saving_over_a_version_1_store_converts_it(tmp_path, sample_graph):
    from conftest import assert_clean
    path = Path(shutil.copytree(V1, tmp_path / "old.groggy"))
    h = gg.open(path)
    h.save(path)  # over its own store, while mapped
    assert_clean(path)
    assert same(read_all(gg.open(path, verify=True)), read_all(sample_graph))
    assert same(read_all(h), read_all(sample_graph))  # the old maps still read
