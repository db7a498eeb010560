"""String column kernels (groggy.kernels.gather_strings / decode_strings): hand cases,
a plain-Python oracle, memory-mapped == in-memory, bad rows and corrupt offsets."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from groggy.kernels import decode_strings, gather_strings


def encode(strings):
    """(offsets, bytes) of a string column, built the obvious way."""
    blobs = [s.encode("utf-8") for s in strings]
    offsets = np.array([0, *np.cumsum([len(b) for b in blobs], dtype=np.int64)],
                       dtype=np.int64)
    return offsets, np.frombuffer(b"".join(blobs), dtype=np.uint8)


def as_bytes(data) -> bytes:
    return np.asarray(data, dtype=np.uint8).tobytes()


@st.composite
def strings_and_rows(draw, max_rows=30):
    strings = draw(st.lists(st.text(max_size=10), max_size=20))
    rows = (draw(st.lists(st.integers(0, len(strings) - 1), max_size=max_rows))
            if strings else [])
    return strings, rows


# --------------------------------------------------------------------------- hand cases

def test_hand_computed_cases():
    offsets, data = encode(["a", "", "héllo", "日本"])
    out_offsets, out_data = gather_strings(offsets, data, [2, 1, 0, 2])
    assert out_offsets.tolist() == [0, 6, 6, 7, 13]
    assert as_bytes(out_data) == "héllo".encode() + b"a" + "héllo".encode()
    assert decode_strings(offsets, data, [3, 1, 0]) == ["日本", "", "a"]
    assert out_offsets.dtype == np.int64 and out_data.dtype == np.uint8


def test_degenerate_inputs():
    offsets, data = encode([])
    out_offsets, out_data = gather_strings(offsets, data, [])
    assert out_offsets.tolist() == [0] and out_data.size == 0
    assert decode_strings(offsets, data, []) == []
    only_empty = encode([""])
    assert decode_strings(*only_empty, [0, 0]) == ["", ""]
    assert gather_strings(*only_empty, [0, 0])[0].tolist() == [0, 0, 0]


def test_invalid_utf8_is_replaced_not_raised():
    offsets = np.array([0, 1, 3], dtype=np.int64)
    data = np.frombuffer(b"\xffa\xe6", dtype=np.uint8)
    assert decode_strings(offsets, data, [0, 1]) == ["\ufffd", "a\ufffd"]


# --------------------------------------------------------------------------- oracle

@given(strings_and_rows())
def test_gather_and_decode_match_python_lists(case):
    strings, rows = case
    offsets, data = encode(strings)
    expected = [strings[r] for r in rows]
    out_offsets, out_data = gather_strings(offsets, data, np.array(rows, dtype=np.int64))
    assert as_bytes(out_data) == b"".join(s.encode() for s in expected)
    assert np.array_equal(out_offsets, encode(expected)[0])
    assert decode_strings(offsets, data, rows) == expected
    assert decode_strings(out_offsets, out_data, range(len(rows))) == expected


@given(st.lists(st.integers(-3, 12), min_size=1, max_size=8), st.binary(max_size=10),
       st.lists(st.integers(0, 6), max_size=6))
def test_arbitrary_offsets_decode_like_python_slicing_or_raise_value_error(offsets, blob,
                                                                         rows):
    """Any int offsets: every requested span in bounds -> Python slicing; otherwise a
    ValueError (never a crash, never bytes from outside ``data``)."""
    offsets = np.array(offsets, dtype=np.int64)
    data = np.frombuffer(blob, dtype=np.uint8)
    rows = [r for r in rows if r < offsets.size - 1]
    spans = [(int(offsets[r]), int(offsets[r + 1])) for r in rows]
    ok = all(0 <= a <= b <= len(blob) for a, b in spans)
    if ok:
        expected = [blob[a:b] for a, b in spans]
        assert decode_strings(offsets, data, rows) == [
            b.decode("utf-8", "replace") for b in expected]
        assert as_bytes(gather_strings(offsets, data, rows)[1]) == b"".join(expected)
    else:
        with pytest.raises(ValueError):
            decode_strings(offsets, data, rows)
        with pytest.raises(ValueError):
            gather_strings(offsets, data, rows)


# --------------------------------------------------------------------------- memory maps

@given(strings_and_rows())
def test_memory_mapped_inputs_equal_in_memory_ones(scratch, case):
    strings, rows = case
    offsets, data = encode(strings)
    d = scratch()
    np.save(d / "offsets.npy", offsets)
    data.tofile(d / "data.bin")
    mapped_offsets = np.load(d / "offsets.npy", mmap_mode="r")
    mapped_data = (np.memmap(d / "data.bin", dtype=np.uint8, mode="r") if data.size
                   else np.empty(0, dtype=np.uint8))
    assert not mapped_offsets.flags.writeable
    a = gather_strings(offsets, data, rows)
    b = gather_strings(mapped_offsets, mapped_data, rows)
    assert np.array_equal(a[0], b[0]) and as_bytes(a[1]) == as_bytes(b[1])
    assert decode_strings(mapped_offsets, mapped_data, rows) == [strings[r] for r in rows]


def test_read_only_and_strided_inputs_work():
    offsets, data = encode(["ab", "", "cde"])
    ro_offsets, ro_data = offsets.copy(), data.copy()
    ro_offsets.flags.writeable = ro_data.flags.writeable = False
    strided = np.stack([offsets, -offsets], axis=1)[:, 0]       # a non-contiguous view
    rows = np.array([2, 0, 2], dtype=np.int64)[::-1]
    for offs, dat in ((ro_offsets, ro_data), (strided, data)):
        assert decode_strings(offs, dat, rows) == ["cde", "ab", "cde"]
        assert as_bytes(gather_strings(offs, dat, rows)[1]) == b"cdeabcde"


def test_other_integer_dtypes_are_accepted():
    offsets, data = encode(["ab", "c"])
    assert decode_strings(offsets.astype(np.int32), data, np.array([1, 0], np.uint8)) == [
        "c", "ab"]


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("rows", [[3], [-1], [0, 3], [2**40], [-(2**62)]])
def test_out_of_range_rows_raise_index_error(rows):
    offsets, data = encode(["a", "bb", "ccc"])
    with pytest.raises(IndexError):
        gather_strings(offsets, data, rows)
    with pytest.raises(IndexError):
        decode_strings(offsets, data, rows)


def test_any_row_of_an_empty_column_is_out_of_range():
    for offsets in (np.zeros(1, np.int64), np.zeros(0, np.int64)):
        with pytest.raises(IndexError):
            decode_strings(offsets, np.empty(0, np.uint8), [0])
        with pytest.raises(IndexError):
            gather_strings(offsets, np.empty(0, np.uint8), [0])


CORRUPT = {
    "end past the bytes": [0, 1, 4],
    "start past the bytes": [0, 5, 6],
    "negative start": [-1, 1, 3],
    "span runs backwards": [0, 2, 1],
    "huge end": [0, 1, 2**62],
    "huge negative start": [-(2**62), 1, 3],
}


@pytest.mark.parametrize("offsets", CORRUPT.values(), ids=CORRUPT.keys())
def test_corrupt_offsets_raise_value_error(offsets):
    offsets = np.array(offsets, dtype=np.int64)
    data = np.frombuffer(b"abc", dtype=np.uint8)
    with pytest.raises(ValueError, match="corrupt"):
        gather_strings(offsets, data, [0, 1])
    with pytest.raises(ValueError, match="corrupt"):
        decode_strings(offsets, data, [1, 0])


@pytest.mark.parametrize("bad", [np.array([[0, 1]]), np.array([0.0, 1.0])])
def test_offsets_of_the_wrong_shape_or_type_are_rejected(bad):
    with pytest.raises((ValueError, TypeError)):
        decode_strings(bad, np.frombuffer(b"a", np.uint8), [0])


def test_rows_must_be_integers():
    offsets, data = encode(["a"])
    with pytest.raises(TypeError):
        decode_strings(offsets, data, [0.0])
