"""A slow, bit-by-bit reader of the graph view's frames (docs/protocol.md, "Graph view"),
written from the document and independent of groggy/web/graphwire.py and graph-wire.js:
the oracle the encoders are tested against."""
from __future__ import annotations

import numpy as np

STEPS = (1 << 24) - 1


def bits_of(data: bytes):
    for byte in data:
        for i in range(7, -1, -1):
            yield (byte >> i) & 1


def rice_decode(data: bytes, count: int, k: int) -> list:
    bits = bits_of(data)
    take = lambda n: sum(next(bits) << (n - 1 - i) for i in range(n))  # noqa: E731
    out = []
    for _ in range(count):
        q = 0
        while q < 9 and next(bits):
            q += 1
        out.append(take(48) if q == 9 else (q << k) | take(k))
    return out


def points24(body: bytes, count: int, bounds) -> np.ndarray:
    """``count`` points of 3-byte x and y steps within ``bounds``."""
    b = np.frombuffer(body, np.uint8, 6 * count).reshape(count, 2, 3).astype(np.int64)
    steps = b[..., 0] | (b[..., 1] << 8) | (b[..., 2] << 16)
    x0, y0, x1, y1 = bounds
    return np.array([x0, y0]) + steps / STEPS * np.array([x1 - x0, y1 - y0])


def decode(frames: dict, head: dict) -> dict:
    """``frames``: tag -> (count, body) -> arrays by meaning (positions, edges, ...)."""
    out = {}
    if "NPQ3" in frames:
        count, body = frames["NPQ3"]
        out["positions"] = points24(body, count, head["bounds"])
    if "EBND" in frames:      # bent edges: (page edge number, its bends source first)
        count, body = frames["EBND"]
        length = int.from_bytes(body[:4], "little")
        codes = rice_decode(body[5:4 + length], 2 * count, body[4])
        edges = np.cumsum(np.array(codes[0::2], dtype=np.int64) + 1) - 1
        many = np.array(codes[1::2], dtype=np.int64) + 1
        pts = points24(body[4 + length:], int(many.sum()), head["bounds"])
        ends = np.cumsum(many)
        out["bends"] = {int(e): pts[end - k:end] for e, k, end in zip(edges, many, ends)}
    if "EDGR" in frames:
        count, body = frames["EDGR"]
        n, key, pairs = head["nodes"], 0, []
        for gap in rice_decode(body[1:], count, body[0]):
            key += gap
            pairs.append(divmod(key, n))
        out["edges"] = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    if "NIDR" in frames:
        count, body = frames["NIDR"]
        out["ids"] = np.cumsum(np.array(rice_decode(body[1:], count, body[0])) + 1) - 1
    for name, (pal, idx, full, kind, width) in {
            "colors": ("NPAL", "NCIX", "NCOL", np.uint8, 4),
            "sizes": ("NSZP", "NSZI", "NSIZ", "<f4", 1),
            "edge_colors": ("EPAL", "ECIX", "ECOL", np.uint8, 4)}.items():
        if full in frames:
            out[name] = np.frombuffer(frames[full][1], kind).reshape(-1, width).squeeze(-1) \
                if width == 1 else np.frombuffer(frames[full][1], kind).reshape(-1, width)
        elif idx in frames:
            table = np.frombuffer(frames[pal][1], kind).reshape(frames[pal][0], width)
            count, body = frames[idx]
            index = np.frombuffer(body, np.uint8) if body else np.zeros(count, np.int64)
            values = table[index]
            out[name] = values[:, 0] if width == 1 else values
    return out
