"""The graph view's binary frames, made compact: the first view of a 100k-node /
500k-edge graph must fit in about 20 bytes per node, where plain float32 positions and
uint32 edge pairs take 56. Positions go as 24-bit fixed point within the layout's bounds;
edges, sorted, as Rice-coded gaps between their keys ``a * n + b``; colours and sizes as
a palette and one byte per item when they take at most 256 values. Each encoding is
undone by ``graph-wire.js``; the formats are in docs/protocol.md ("Graph view")."""
from __future__ import annotations

import struct

import numpy as np

from groggy.kernels import RICE_RAW_BITS, rice_bits, rice_encode

POSITION_STEPS = (1 << 24) - 1       # 24-bit fixed point: 1/16.7M of the layout's span
MAX_KEYED_NODES = 94_000_000         # keys a*n+b stay exact in a JS double (< 2**53)
PALETTE_MAX = 256


def frame(tag: bytes, count: int, data) -> bytes:
    """A binary frame: 4 ASCII bytes naming the array, its item count (uint32 little
    endian), then the array's bytes (little endian).

    Examples
    --------
    >>> frame(b"NSIZ", 2, np.array([1.5, 2.0], dtype="<f4")).hex()
    '4e53495a020000000000c03f00000040'
    """
    body = data if isinstance(data, bytes) else np.ascontiguousarray(data).tobytes()
    return tag + struct.pack("<I", count) + body


# ---------------------------------------------------------------------- positions
def quantize(positions: np.ndarray, bounds) -> np.ndarray:
    """Positions as 24-bit steps within ``bounds`` (an ``(n, 2)`` uint32 array)."""
    lo = np.array(bounds[:2], dtype=np.float64)
    span = np.array(bounds[2:], dtype=np.float64) - lo
    # the fraction of the span first: STEPS / span overflows for a tiny (subnormal) span
    offset = np.asarray(positions, dtype=np.float64).reshape(-1, 2) - lo
    fraction = np.divide(offset, span, out=np.zeros_like(offset), where=span > 0)
    steps = np.rint(np.clip(fraction, 0.0, 1.0) * POSITION_STEPS)
    return steps.astype(np.uint32)


def position_frame(positions: np.ndarray, bounds) -> bytes:
    """``NPQ3``: per node x then y, each 3 bytes little endian, in steps of
    ``span / (2**24 - 1)`` from the bounds' low corner (the page reads the bounds from
    the message the frame follows).

    Examples
    --------
    >>> position_frame(np.array([[0.0, 1.0], [2.0, 0.5]]), [0, 0, 2, 1])[8:].hex()
    '000000ffffffffffff000080'
    """
    steps = quantize(positions, bounds)
    return frame(b"NPQ3", steps.shape[0], _three_bytes(steps))


def _three_bytes(steps: np.ndarray) -> bytes:
    """24-bit steps (``(n, 2)`` uint32) as x then y, 3 bytes each, little endian."""
    body = steps.astype("<u4").view(np.uint8).reshape(-1, 2, 4)[:, :, :3]
    return np.ascontiguousarray(body).tobytes()


# ---------------------------------------------------------------------- bend points
def bends_frame(offsets: np.ndarray, points: np.ndarray, order, bounds) -> bytes:
    """``EBND``: the edges drawn through bend points (a layered layout's long edges),
    counted in the frame's header. Body: a uint32 byte length ``L``; ``L`` bytes of one
    byte ``k`` then Rice codes of two values per bent edge, in the page's edge order: the
    gap to its edge number from the previous bent edge's (minus one; the first from -1)
    and its number of bends minus one; then every bend, edge after edge, source to
    target, as 24-bit x and y steps within the message's bounds (as ``NPQ3``).
    ``offsets``/``points``: edge ``e`` (a scene row) bends at ``points[offsets[e]:
    offsets[e + 1]]``; ``order`` maps page edge numbers to scene rows (None: the same).

    Examples
    --------
    >>> f = bends_frame(np.array([0, 0, 2]), np.array([[0.0, 1.0], [2.0, 0.0]]), None,
    ...                 [0, 0, 2, 1])
    >>> f[:8].hex(), len(f) - 8 - 4 - int.from_bytes(f[8:12], "little")   # 1 edge, 2 bends
    ('45424e4401000000', 12)
    """
    counts = np.diff(np.asarray(offsets, dtype=np.int64))
    rows = np.arange(counts.size) if order is None else np.asarray(order, dtype=np.int64)
    bent = np.flatnonzero(counts[rows])                    # page edge numbers, ascending
    rows = rows[bent]
    many = counts[rows]
    gaps = np.diff(bent, prepend=-1) - 1
    values = np.column_stack([gaps, many - 1]).reshape(-1).astype(np.uint64)
    k = best_rice_k(values)
    codes = bytes([k]) + rice_encode(values, k)
    start = np.repeat(offsets[rows] - (np.cumsum(many) - many), many)
    take = start + np.arange(int(many.sum()))
    body = struct.pack("<I", len(codes)) + codes + _three_bytes(quantize(points[take], bounds))
    return frame(b"EBND", bent.size, body)


# ---------------------------------------------------------------------- Rice codes
def best_rice_k(values: np.ndarray) -> int:
    """The Rice parameter that codes ``values`` in the fewest bits (near log2 of the
    mean, where a geometric distribution has its optimum)."""
    if values.size == 0:
        return 0
    centre = int(np.log2(max(float(values.mean()), 1.0)))
    candidates = range(max(0, centre - 2), min(RICE_RAW_BITS - 1, centre + 3))
    return min(candidates, key=lambda k: rice_bits(values, k))


# ---------------------------------------------------------------------- edges, ids
def edge_order(edges: np.ndarray, n: int, directed: bool) -> tuple:
    """``(keys, order)``: each edge's key ``a * n + b`` (for an undirected graph ``a <=
    b``), sorted, and the order that sorts them, which is the order the page numbers the
    edges in (per-edge frames such as edge colours follow it). Ties keep edge order."""
    a = edges[:, 0].astype(np.uint64)
    b = edges[:, 1].astype(np.uint64)
    if not directed:
        a, b = np.minimum(a, b), np.maximum(a, b)
    keys = a * np.uint64(n) + b
    m = keys.shape[0]
    index_bits = max(int(m - 1).bit_length(), 1)
    if int(n) * int(n) < 1 << (64 - index_bits):
        # one plain sort of key and edge number packed in a word: 4x quicker than argsort
        packed = np.sort((keys << np.uint64(index_bits)) | np.arange(m, dtype=np.uint64))
        return packed >> np.uint64(index_bits), (packed & np.uint64((1 << index_bits) - 1)).astype(np.int64)
    order = np.argsort(keys, kind="stable")
    return keys[order], order


def edge_frame(edges: np.ndarray, n: int, directed: bool) -> tuple:
    """``(frame, order)``: ``EDGR`` (the sorted keys' gaps as Rice codes, after one byte
    giving ``k``), or plain ``EDGE`` pairs where keys would not be exact in JavaScript.
    ``order`` maps the page's edge numbers to ``edges`` rows (None: unchanged)."""
    m = int(edges.shape[0])
    if n >= MAX_KEYED_NODES:
        return frame(b"EDGE", m, np.ascontiguousarray(edges, dtype="<u4")), None
    keys, order = edge_order(edges, n, directed)
    gaps = np.diff(keys, prepend=np.uint64(0))
    k = best_rice_k(gaps)
    return frame(b"EDGR", m, bytes([k]) + rice_encode(gaps, k)), order


def ids_frame(node_ids: np.ndarray) -> bytes:
    """Node ids that are not 0..n-1: ``NIDR`` (ascending ids as Rice-coded gaps, the
    first from -1) when they ascend, else ``NIDS`` (float64 each)."""
    ids = np.asarray(node_ids, dtype=np.int64)
    if ids.size and (ids[0] < 0 or (np.diff(ids) <= 0).any() or ids[-1] >> RICE_RAW_BITS):
        return frame(b"NIDS", ids.size, ids.astype("<f8"))
    gaps = np.diff(ids, prepend=-1).astype(np.uint64) - np.uint64(1)
    k = best_rice_k(gaps)
    return frame(b"NIDR", ids.size, bytes([k]) + rice_encode(gaps, k))


# ---------------------------------------------------------------------- palettes
def palette_frames(values: np.ndarray, tags: tuple) -> list:
    """Per-item values (``(count, 4)`` uint8 colours or ``(count,)`` float32 sizes) as
    ``[palette, index]`` frames when they take at most 256 values (the index frame empty
    when they take one), else ``[full]``.
    ``tags`` is ``(palette tag, index tag, full tag)``.

    Examples
    --------
    >>> [f[:4] for f in palette_frames(np.array([1.0, 2.0, 1.0], "f4"), (b"NSZP", b"NSZI", b"NSIZ"))]
    [b'NSZP', b'NSZI']
    """
    palette_tag, index_tag, full_tag = tags
    count = values.shape[0]
    flat = values.view("<u4").reshape(-1) if values.dtype.itemsize * (
        values.size // max(count, 1)) == 4 else None
    if flat is None:
        return [frame(full_tag, count, values)]
    table, index = np.unique(flat, return_inverse=True)
    if table.size > PALETTE_MAX:
        return [frame(full_tag, count, values)]
    # one value for all: the index frame keeps its count and sends no bytes
    body = index.astype(np.uint8) if table.size > 1 else b""
    return [frame(palette_tag, table.size, table.astype("<u4")), frame(index_tag, count, body)]
