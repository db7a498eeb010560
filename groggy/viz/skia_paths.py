"""NumPy coordinates to ``skia.Path`` without a Python object per point.

skia-python takes points only as sequences of ``skia.Point``; building those costs
~1 µs each, so 100k edges would spend 0.1 s before drawing. A path's serialized form is
a small header, the float32 points and one byte per verb, so we write that buffer with
NumPy and let Skia read it. Whether the layout we write is the one this Skia reads is
checked once, against a path built point by point; if it is not, we build point by point.
"""
from __future__ import annotations

import functools

import numpy as np
import skia

_MOVE, _LINE = 0, 1          # SkPath verbs
_VERSION_BITS = 5            # the header's first word for a plain path (version 5)


def _serialized(points: np.ndarray, verbs: np.ndarray) -> bytes:
    n = points.shape[0]
    header = np.array([_VERSION_BITS, n, 0, n], dtype="<i4")
    pad = b"\0" * (-n % 4)
    return (header.tobytes() + np.ascontiguousarray(points, dtype="<f4").tobytes() +
            verbs.tobytes() + pad)


def _slow_path(points: np.ndarray) -> skia.Path:
    path = skia.Path()
    for k, (x, y) in enumerate(points.tolist()):
        (path.moveTo if k % 2 == 0 else path.lineTo)(x, y)
    return path


@functools.lru_cache(maxsize=None)
def _fast_path_works() -> bool:
    probe = np.array([[1.5, -2], [3, 4.25], [5, 6], [5, 6]], dtype=np.float32)
    fast = skia.Path()
    data = _serialized(probe, np.tile(np.array([_MOVE, _LINE], np.uint8), 2))
    try:
        used = fast.readFromMemory(data)
    except Exception:  # a Skia that refuses the buffer: build point by point
        return False
    return used == len(data) and bytes(fast.serialize()) == \
        bytes(_slow_path(probe).serialize())


def segments_path(starts: np.ndarray, ends: np.ndarray) -> skia.Path:
    """One path of straight segments ``starts[i] -> ends[i]`` (``(k, 2)`` arrays).
    A segment whose two ends coincide draws as a dot when stroked with a round cap.

    Examples
    --------
    >>> import numpy as np
    >>> p = segments_path(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0]]))
    >>> p.countPoints(), tuple(p.getPoint(1))
    (2, (3.0, 4.0))
    """
    points = np.empty((2 * len(starts), 2), dtype=np.float32)
    points[0::2], points[1::2] = starts, ends
    if not _fast_path_works():
        return _slow_path(points)
    path = skia.Path()
    if len(points):
        data = _serialized(points, np.tile(np.array([_MOVE, _LINE], np.uint8), len(starts)))
        if path.readFromMemory(data) != len(data):
            return _slow_path(points)
    return path


def dots_path(centres: np.ndarray) -> skia.Path:
    """Zero-length segments at ``centres``: stroked with a round cap of width ``d`` they
    are filled circles of diameter ``d`` (square cap: squares), drawn in one call."""
    return segments_path(centres, centres)
