"""Streaming windows: the binary frame encoder (WindowEncoder, over the Cython window
kernel) and decode_frame against the Python get_window oracle, computed columns,
memory-mapped == in-memory, VirtualScrollManager, a damaged store (in a child
interpreter, so a segfault fails the test instead of killing pytest), and
strings_contain against Python's ``in``."""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import groggy as gg
from groggy.kernels import strings_contain
from groggy.streaming import VirtualScrollManager, WindowEncoder, decode_frame

from conftest import generation, no_fsync, same

WIRE = {"int64": "int64", "float64": "float64", "bool": "bool", "string": "string",
        "object": "string"}


def pad8(n: int) -> int:
    return (n + 7) & ~7


def display(v):
    """What an ``object`` cell becomes on the wire: its display text."""
    if v is None or isinstance(v, (int, float, bool, str)):
        return v
    return v._cell_text() if hasattr(v, "_cell_text") else str(v)


def check_frame(frame: bytes, view, start: int, count: int, request_id=-1, version=0):
    """Decode ``frame`` and compare everything in it with the view's own get_window."""
    d = decode_frame(frame)
    n = view.total_rows()
    first = min(start, n)
    expected = [[display(v) for v in row] for row in view.get_window(start, count).rows]
    assert d["offset"] == first
    assert d["count"] == len(expected) == max(0, min(count, n - first))
    assert d["total_rows"] == n
    assert d["request_id"] == request_id and d["version"] == version
    assert d["kinds"] == [WIRE[k] for k in view.column_types()]
    assert same(d["rows"], expected), (d["rows"], expected)
    # the layout: sections padded to 8, nothing after the last one
    ncols = struct.unpack_from("<I", frame, 4)[0]
    has_nulls = [frame[48 + 8 * j + 1] for j in range(ncols)]
    assert all(frame[48 + 8 * j + 2:48 + 8 * j + 8] == bytes(6) for j in range(ncols))
    size = 48 + 8 * ncols
    for kind, values, nulls in zip(d["kinds"], d["columns"], has_nulls):
        if kind in ("int64", "float64"):
            size += 8 * d["count"]
        elif kind == "bool":
            size += pad8(d["count"])
        else:
            size += pad8(4 * (d["count"] + 1)) + pad8(sum(len((v or "").encode())
                                                          for v in values))
        if nulls:
            size += pad8(d["count"])
    assert len(frame) == size
    return d


# --------------------------------------------------------------------------- strategies

VALUES = {
    "int64": st.integers(-2**63, 2**63 - 1),
    "float64": st.floats(allow_nan=True, allow_infinity=True),
    "bool": st.booleans(),
    "string": st.one_of(st.just(""), st.text(max_size=8),
                        st.sampled_from(["Zoë 🚀", "日本語", "ß", "a\x00b", "\u212a"])),
}


@st.composite
def columns(draw, n: int) -> dict:
    kinds = draw(st.lists(st.sampled_from(list(VALUES)), min_size=1, max_size=4))
    return {f"c{j}_{kind}": draw(st.lists(st.one_of(st.none(), VALUES[kind]),
                                          min_size=n, max_size=n))
            for j, kind in enumerate(kinds)}


@st.composite
def views(draw):
    """A table and a view of it: plain, sorted, filtered, sliced, or sorted + filtered."""
    n = draw(st.integers(0, 40))
    t = gg.table(draw(columns(n)))
    how = draw(st.sampled_from(["plain", "sorted", "filtered", "sliced", "both"]))
    if how in ("sorted", "both") and n:
        names = draw(st.lists(st.sampled_from(t.columns), min_size=1, max_size=2,
                              unique=True))
        t = t.sort_by(names, [draw(st.booleans()) for _ in names])
    if how in ("filtered", "both"):
        t = t.filter(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)),
                              dtype=bool))
    if how == "sliced":
        t = t[draw(st.integers(0, n)):draw(st.integers(0, n))]
    return t


# --------------------------------------------------------------------------- encoder

def test_hand_computed_frame():
    t = gg.table({"x": [1, None, 3], "f": [0.5, 2.0, None], "b": [True, False, None],
                  "s": ["a", "", None]})
    frame = WindowEncoder(t).encode(1, 5, request_id=7, version=9)
    assert frame[:4] == b"GGW1"
    assert struct.unpack_from("<Iqqqqq", frame, 4) == (4, 7, 1, 2, 3, 9)
    # descriptors: kind code, has_nulls
    assert [tuple(frame[48 + 8 * j:48 + 8 * j + 2]) for j in range(4)] == \
        [(1, 1), (2, 1), (3, 1), (4, 1)]
    d = check_frame(frame, t, 1, 5, 7, 9)
    assert d["rows"] == [[None, 2.0, False, ""], [3, None, None, None]]
    pos = 48 + 32
    assert struct.unpack_from("<qq", frame, pos) == (0, 3)       # int64 (null holds 0)
    assert frame[pos + 16:pos + 24] == bytes([0, 1]) + bytes(6)  # its validity, padded


def test_no_nulls_no_validity_section():
    t = gg.table({"x": [1, 2, 3]})
    frame = WindowEncoder(t).encode(0, 3)
    assert frame[49] == 0 and len(frame) == 48 + 8 + 24


@given(views(), st.integers(0, 50), st.integers(0, 50), st.integers(-1, 2**40),
       st.integers(0, 2**40))
def test_encoder_matches_get_window(view, start, count, request_id, version):
    frame = WindowEncoder(view).encode(start, count, request_id, version)
    check_frame(frame, view, start, count, request_id, version)


def test_start_past_the_end_gives_an_empty_frame():
    t = gg.table({"x": [1, 2, 3], "s": ["a", "b", "c"]})
    d = check_frame(WindowEncoder(t).encode(10, 5), t, 10, 5)
    assert d["offset"] == 3 and d["count"] == 0 and d["rows"] == []
    empty = gg.table({"x": []})
    assert check_frame(WindowEncoder(empty).encode(0, 10), empty, 0, 10)["count"] == 0


@pytest.mark.parametrize("bad", [-1, 1.5, "0", None])
def test_encoder_refuses_bad_start_and_count(bad):
    enc = WindowEncoder(gg.table({"x": [1, 2]}))
    with pytest.raises(ValueError):
        enc.encode(bad, 1)
    with pytest.raises(ValueError):
        enc.encode(0, bad)


def test_decode_frame_refuses_foreign_bytes():
    with pytest.raises(ValueError, match="magic"):
        decode_frame(b"XXXX" + bytes(44))


# --------------------------------------------------------------------------- ordered copy

@given(views(), st.integers(0, 50), st.integers(0, 50))
def test_ordered_copy_serves_the_same_frames(view, start, count):
    """After copy_after windows, a view with a row index is read from a copy of its rows
    in view order (groggy.ordered): every frame equals the row-index frame."""
    copied, through_index = WindowEncoder(view, copy_after=1), WindowEncoder(view, None)
    first = copied.encode(start, count, 3, 4)
    rows = view._base._rows
    assert copied.wait_copied(30) == (rows is not None and len(rows) > 0 and copied._direct)
    assert first == through_index.encode(start, count, 3, 4)
    for a in range(0, view.total_rows() + 2, 3):
        frame = copied.encode(a, count)
        assert frame == through_index.encode(a, count)
        check_frame(frame, view, a, count)


def test_ordered_copy_of_a_mapped_view_and_its_budget(scratch, monkeypatch):
    from groggy import ordered
    g = gg.Graph()
    g.add_nodes({"x": [5, 3, None, 3, 1] * 20, "s": ["b", "a", None, "é", ""] * 20})
    with no_fsync():
        path = g.save(scratch() / "g.groggy")
    view = gg.open(path).nodes.table().sort_by("x", False)
    want = [WindowEncoder(view, None).encode(a, 7) for a in range(0, 100, 7)]
    enc = WindowEncoder(view, copy_after=2)
    assert not enc.wait_copied(0)                   # nothing served yet: no copy started
    enc.encode(0, 1)
    assert not enc.wait_copied(0)                   # one window: still none asked for
    enc.encode(0, 1)
    assert enc.wait_copied(30)
    assert [enc.encode(a, 7) for a in range(0, 100, 7)] == want
    monkeypatch.setattr(ordered, "BUDGET_BYTES", 0)   # no room: the row index stays
    tight = WindowEncoder(view, copy_after=1)
    tight.encode(0, 1)
    assert not tight.wait_copied(30)
    assert [tight.encode(a, 7) for a in range(0, 100, 7)] == want
    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError, match="copy_after"):
            WindowEncoder(view, copy_after=bad)


# --------------------------------------------------------------------------- computed

def small_graph():
    g = gg.Graph()
    g.add_nodes({"age": [30, None, 25, 41, 7, 19], "name": ["a", "b", None, "d", "é", ""]})
    g.add_edges([0, 1, 3, 4], [1, 2, 4, 4], weight=[0.5, None, 2.0, 1.0])
    return g


def all_windows(view, step=2):
    n = view.total_rows()
    enc = WindowEncoder(view)
    for start in range(0, n + 2, step):
        for count in (0, 1, step, n + 1):
            check_frame(enc.encode(start, count), view, start, count)


def test_components_array_streams_display_text():
    comps = small_graph().connected_components()
    d = check_frame(WindowEncoder(comps).encode(0, 10), comps, 0, 10)
    assert d["kinds"] == ["string"]
    texts = [r[0] for r in d["rows"]]
    assert texts[:2] == ["3 nodes, 2 edges", "2 nodes, 2 edges"]
    assert texts[2].startswith("1 node") and texts[2].endswith("0 edges") and len(texts) == 3
    all_windows(comps, 1)
    all_windows(comps[[2, 0]], 1)
    all_windows(comps.sizes())
    all_windows(comps.tables(), 1)


def test_matrix_streams_its_columns():
    g = small_graph()
    m = g.adjacency_matrix()
    d = check_frame(WindowEncoder(m).encode(0, 6), m, 0, 6)
    assert np.array(d["rows"]).tolist() == m.to_numpy().astype(np.int64).tolist()
    all_windows(m)
    all_windows(m[[5, 0, 3]], 1)


def test_node_and_edge_tables_stream_their_id_columns():
    g = small_graph()
    nodes = g.nodes.table()
    d = check_frame(WindowEncoder(nodes).encode(0, 10), nodes, 0, 10)
    assert [r[0] for r in d["rows"]] == list(range(6))
    for view in (nodes, nodes.sort_by("age", False), nodes.filter("age > 20"),
                 nodes.sort_by("name"), g.edges.table(), g.edges.table().sort_by("weight"),
                 g.degree(), g.nodes["age"]):
        all_windows(view)
    ids = [r[0] for r in decode_frame(WindowEncoder(nodes.sort_by("age", False))
                                      .encode(0, 10))["rows"]]
    assert ids == [3, 0, 2, 5, 4, 1]


def test_subgraph_tables_stream():
    g = small_graph()
    for sg in (g.nodes[[1, 2, 4]], g.bfs(0), g.connected_components()[1],
               g.nodes.filter("age >= 25")):
        gt = sg.table()
        all_windows(gt.nodes, 1)
        all_windows(gt.edges, 1)
        all_windows(gt, 1)
    sub = g.nodes[[1, 2, 4]].table().nodes
    assert [r[0] for r in decode_frame(WindowEncoder(sub).encode(0, 9))["rows"]] == [1, 2, 4]


# --------------------------------------------------------------------------- memory map

@st.composite
def graphs(draw):
    n = draw(st.integers(1, 30))
    g = gg.Graph(directed=draw(st.booleans()))
    g.add_nodes(draw(columns(n)))
    m = draw(st.integers(0, 30))
    ends = st.lists(st.integers(0, n - 1), min_size=m, max_size=m)
    g.add_edges(draw(ends), draw(ends), w=draw(st.lists(
        st.one_of(st.none(), VALUES["float64"]), min_size=m, max_size=m)))
    return g


@given(graphs(), st.data())
def test_memory_mapped_frames_equal_in_memory_frames(scratch, g, data):
    with no_fsync():
        path = g.save(scratch() / "g.groggy")
    mapped = gg.open(path)
    col = next(iter(mapped._nodes.columns.values()))
    assert isinstance(col.offsets if col.kind == "string" else col.data, np.memmap)
    n = g.node_count()
    name = data.draw(st.sampled_from(g.nodes.table().columns))
    asc = data.draw(st.booleans())
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    for make in (lambda t: t, lambda t: t.sort_by(name, asc), lambda t: t.filter(mask),
                 lambda t: t.filter(mask).sort_by(name, asc)):
        a, b = make(g.nodes.table()), make(mapped.nodes.table())
        start = data.draw(st.integers(0, n))
        assert WindowEncoder(a).encode(start, n) == WindowEncoder(b).encode(start, n)
        check_frame(WindowEncoder(b).encode(start, n), b, start, n)
    for a, b in ((g.edges.table(), mapped.edges.table()),
                 (g.edges.table().sort_by("w"), mapped.edges.table().sort_by("w"))):
        assert WindowEncoder(a).encode(0, 40) == WindowEncoder(b).encode(0, 40)


# --------------------------------------------------------------------------- scrolling

def numbered(n: int):
    return gg.table({"x": np.arange(n) * 10, "s": [f"r{i}" for i in range(n)]})


@given(st.integers(0, 1200), st.integers(0, 1500), st.integers(1, 300),
       st.integers(1, 260))
def test_scroll_blocks_are_aligned_and_cover_the_window(n, offset, size, prefetch):
    t = numbered(n)
    vsm = VirtualScrollManager(t, window_size=50, prefetch=prefetch)
    frames = [decode_frame(f) for f in vsm.handle_scroll(offset, size)]
    assert frames
    for d in frames:
        assert d["offset"] % prefetch == 0
        assert d["count"] == max(0, min(prefetch, n - d["offset"]))
        assert d["rows"] == [[10 * i, f"r{i}"] for i in range(d["offset"],
                                                                 d["offset"] + d["count"])]
    covered = [r for d in frames for r in range(d["offset"], d["offset"] + d["count"])]
    assert covered == sorted(set(covered))                 # no block twice, in order
    assert np.diff([d["offset"] for d in frames]).tolist() == [prefetch] * (len(frames) - 1)
    wanted = set(range(offset, min(offset + size, n)))
    assert wanted <= set(covered)
    if offset >= n > 0:  # past the end: the block holding the last row
        assert n - 1 in covered
    assert vsm.offset == offset


def test_cache_hit_returns_the_identical_bytes_object():
    vsm = VirtualScrollManager(numbered(1000), prefetch=100, cache_size=2)
    first = vsm.handle_scroll(150)
    again = vsm.handle_scroll(150)
    assert len(first) == 1 and again[0] is first[0]
    assert vsm.block(1) is first[0]
    vsm.block(2)
    vsm.block(3)                           # evicts block 1 (LRU of 2)
    fresh = vsm.block(1)
    assert fresh is not first[0] and fresh == first[0]


def test_request_id_is_patched_without_touching_the_cache():
    vsm = VirtualScrollManager(numbered(500), prefetch=100, version=5)
    plain = vsm.handle_scroll(120, 100)
    tagged = vsm.handle_scroll(120, 100, request_id=2**40 + 3)
    assert len(plain) == len(tagged) == 2
    for p, t in zip(plain, tagged):
        assert decode_frame(t)["request_id"] == 2**40 + 3
        assert decode_frame(t)["version"] == 5
        assert t[:8] == p[:8] and t[16:] == p[16:]
    assert all(decode_frame(f)["request_id"] == -1 for f in vsm.handle_scroll(120, 100))
    assert vsm.handle_scroll(120, 100)[0] is plain[0]


@pytest.mark.parametrize("bad", [-1, -10**9, 1.0, "3", None, [1]])
def test_handle_scroll_refuses_bad_offsets(bad):
    vsm = VirtualScrollManager(numbered(10))
    with pytest.raises(ValueError):
        vsm.handle_scroll(bad)
    assert vsm.offset == 0


def test_visible_window_and_empty_source():
    t = numbered(300)
    vsm = VirtualScrollManager(t, window_size=7)
    vsm.handle_scroll(290)
    assert vsm.visible_window().rows == t.get_window(290, 7).rows
    assert vsm.total_rows == 300
    empty = VirtualScrollManager(gg.table({"x": []}))
    (frame,) = empty.handle_scroll(0)
    assert decode_frame(frame)["count"] == 0
    with pytest.raises(ValueError):
        VirtualScrollManager(t, window_size=0)
    with pytest.raises(ValueError):
        VirtualScrollManager(t, prefetch=0)


# --------------------------------------------------------------------------- damaged store

CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    import groggy as gg
    from groggy.kernels import strings_contain
    from groggy.streaming import VirtualScrollManager, WindowEncoder, decode_frame

    path, offsets_file = sys.argv[1], sys.argv[2]
    g = gg.open(path)
    t = g.nodes.table()
    col = g._nodes.columns["name"]
    nbytes = int(col.offsets[-1])
    views = [t, t.sort_by("rank"), t[::-1], t.filter("rank > 1"), t.select(["name"])]
    raw = np.load(offsets_file, mmap_mode="r+")       # the same file the store maps
    rng = np.random.default_rng(0)
    big = np.iinfo(np.int64)
    choices = np.array([big.min, big.max, -1, 0, 1, nbytes, nbytes + 1, 2**31, 2**32 + 1,
                        -2**32], dtype=np.int64)
    for trial in range(300):
        middle = raw.shape[0] - 2
        if trial % 2:
            raw[1:-1] = rng.choice(choices, middle)
        else:
            raw[1:-1] = rng.integers(-3 * nbytes, 3 * nbytes + 1, middle)
        raw.flush()
        assert int(col.offsets[1]) == int(raw[1])      # the store sees the damage
        for view in views:
            n = view.total_rows()
            enc = WindowEncoder(view)
            for start in range(n + 1):
                for count in (1, 2, n):
                    d = decode_frame(enc.encode(start, count))
                    assert d["count"] == max(0, min(count, n - start))
                    for values, kind in zip(d["columns"], d["kinds"]):
                        if kind == "string":
                            assert all(v is None or len(v.encode()) <= 3 * nbytes
                                       for v in values)
            vsm = VirtualScrollManager(view, window_size=2, prefetch=2)
            for offset in range(n):
                vsm.handle_scroll(offset)
        try:
            strings_contain(col.offsets, col.utf8, np.arange(len(col)), "a", True)
        except ValueError:
            pass
    print("survived", trial + 1)
""")


def test_damaged_string_offsets_never_crash_the_kernel(store):
    gen = generation(store)
    m = json.loads((gen / "manifest.json").read_text())
    spec = next(c for c in m["nodes"]["columns"] if c["name"] == "name")
    proc = subprocess.run([sys.executable, "-c", CHILD, str(store),
                           str(gen / spec["files"]["offsets"])],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr[-3000:])
    assert "survived 300" in proc.stdout


# --------------------------------------------------------------------------- strings_contain

def encode(strings):
    blobs = [s.encode("utf-8") for s in strings]
    offsets = np.array([0, *np.cumsum([len(b) for b in blobs])], dtype=np.int64)
    return offsets, np.frombuffer(b"".join(blobs), dtype=np.uint8)


def ascii_lower(s: str) -> str:
    return s.translate({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})


TEXT = st.text(alphabet=st.sampled_from("abcABCxyzXYZ é É ßẞ🚀日本\u212a"), max_size=8)


@st.composite
def haystacks(draw):
    strings = draw(st.lists(st.one_of(TEXT, st.text(max_size=6)), max_size=20))
    rows = draw(st.lists(st.integers(0, len(strings) - 1), max_size=25)) if strings else []
    if strings and draw(st.booleans()):  # a needle cut from one of the strings
        s = draw(st.sampled_from(strings))
        a = draw(st.integers(0, len(s)))
        needle = s[a:draw(st.integers(a, len(s)))]
        if draw(st.booleans()):
            needle = needle.swapcase()
    else:
        needle = draw(TEXT)
    return strings, rows, needle


@given(haystacks(), st.booleans())
def test_strings_contain_matches_python_in(case, ignore_case):
    strings, rows, needle = case
    offsets, data = encode(strings)
    got = strings_contain(offsets, data, rows, needle, ignore_case=ignore_case)
    if ignore_case:
        expected = [ascii_lower(needle) in ascii_lower(strings[r]) for r in rows]
    else:
        expected = [needle in strings[r] for r in rows]
    assert got.dtype == bool and got.tolist() == expected


@pytest.mark.parametrize("text", ["É", "ÉCOLE", "ΣΑ", "Zoë", "ẞ", "日本"])
def test_ignore_case_finds_the_text_itself(text):
    offsets, data = encode([text, text.lower(), "x"])
    got = strings_contain(offsets, data, [0, 1, 2], text, ignore_case=True).tolist()
    same_lower = ascii_lower(text) == text.lower()
    assert got == [True, same_lower, False]


def test_ignore_case_folds_ascii_only():
    offsets, data = encode(["k", "K", "é", "É"])
    assert strings_contain(offsets, data, [0, 1, 2, 3], "K", True).tolist() == \
        [True, True, False, False]
    # the Kelvin sign is not an ASCII letter: it must not fold to "k"
    assert strings_contain(offsets, data, [0, 1, 2, 3], "\u212a", True).tolist() == \
        [False, False, False, False]


def test_strings_contain_ors_into_out_and_checks_its_input():
    offsets, data = encode(["abc", "xyz", ""])
    out = np.array([False, False, True])
    assert strings_contain(offsets, data, [0, 1, 2], "y", out=out) is out
    assert out.tolist() == [False, True, True]
    assert strings_contain(offsets, data, [0, 1, 2], "").tolist() == [True, True, True]
    with pytest.raises(ValueError):
        strings_contain(offsets, data, [0, 1], "a", out=np.zeros(3, dtype=bool))
    with pytest.raises(IndexError):
        strings_contain(offsets, data, [3], "a")
    with pytest.raises(ValueError):
        strings_contain(np.array([0, 9, 3, 3]), data, [0], "a")
