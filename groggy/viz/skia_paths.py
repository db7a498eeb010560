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

_MOVE, _LINE, _QUAD, _CLOSE = 0, 1, 2, 5   # SkPath verbs
_VERSION_BITS = 5            # the header's first word for a plain path (version 5)


def _serialized(points: np.ndarray, verbs: np.ndarray) -> bytes:
    header = np.array([_VERSION_BITS, points.shape[0], 0, verbs.size], dtype="<i4")
    pad = b"\0" * (-verbs.size % 4)
    return (header.tobytes() + np.ascontiguousarray(points, dtype="<f4").tobytes() +
            verbs.tobytes() + pad)


def _polygon_verbs(k: int, m: int) -> np.ndarray:
    return np.tile(np.array([_MOVE] + [_LINE] * (m - 1) + [_CLOSE], np.uint8), k)


def _slow_path(points: np.ndarray) -> skia.Path:
    path = skia.Path()
    for k, (x, y) in enumerate(points.tolist()):
        (path.moveTo if k % 2 == 0 else path.lineTo)(x, y)
    return path


def _slow_polygons(corners: np.ndarray) -> skia.Path:
    path = skia.Path()
    for polygon in corners.tolist():
        path.addPoly([skia.Point(x, y) for x, y in polygon], True)
    return path


def _slow_quads(points: np.ndarray) -> skia.Path:
    path = skia.Path()
    for x0, y0, x1, y1, x2, y2 in points.reshape(-1, 6).tolist():
        path.moveTo(x0, y0)
        path.quadTo(x1, y1, x2, y2)
    return path


def _read(data: bytes) -> skia.Path | None:
    path = skia.Path()
    try:
        used = path.readFromMemory(data)
    except Exception:  # a Skia that refuses the buffer: build point by point
        return None
    return path if used == len(data) else None


@functools.lru_cache(maxsize=None)
def _fast_path_works() -> bool:
    probe = np.array([[1.5, -2], [3, 4.25], [5, 6], [5, 6]], dtype=np.float32)
    lines = _read(_serialized(probe, np.tile(np.array([_MOVE, _LINE], np.uint8), 2)))
    polygons = _read(_serialized(probe[:3], _polygon_verbs(1, 3)))
    quads = _read(_serialized(probe[:3], np.array([_MOVE, _QUAD], np.uint8)))
    return lines is not None and polygons is not None and quads is not None and \
        bytes(lines.serialize()) == bytes(_slow_path(probe).serialize()) and \
        bytes(polygons.serialize()) == bytes(_slow_polygons(probe[None, :3]).serialize()) \
        and bytes(quads.serialize()) == bytes(_slow_quads(probe[:3]).serialize())


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


def polygons_path(corners: np.ndarray) -> skia.Path:
    """One path of closed polygons: ``corners`` is ``(k, m, 2)``, the ``m`` corners of
    each of ``k`` polygons (filled, they draw in one call: arrowheads, node markers).

    Examples
    --------
    >>> import numpy as np
    >>> p = polygons_path(np.array([[[0.0, 0.0], [4.0, 0.0], [0.0, 3.0]]]))
    >>> p.countPoints(), p.countVerbs(), p.isLastContourClosed()
    (3, 4, True)
    """
    corners = np.asarray(corners, dtype=np.float32)
    k, m = corners.shape[:2]
    if not _fast_path_works():
        return _slow_polygons(corners)
    if k == 0:
        return skia.Path()
    data = _serialized(corners.reshape(-1, 2), _polygon_verbs(k, m))
    path = _read(data)
    return path if path is not None else _slow_polygons(corners)


def quads_path(starts: np.ndarray, controls: np.ndarray, ends: np.ndarray) -> skia.Path:
    """One path of quadratic Bézier curves ``starts[i] -> ends[i]`` bent towards
    ``controls[i]`` (curved edges), each ``(k, 2)``.

    Examples
    --------
    >>> import numpy as np
    >>> p = quads_path(np.zeros((1, 2)), np.array([[1.0, 1.0]]), np.array([[2.0, 0.0]]))
    >>> p.countPoints(), p.countVerbs(), tuple(p.getPoint(2))
    (3, 2, (2.0, 0.0))
    """
    points = np.empty((3 * len(starts), 2), dtype=np.float32)
    points[0::3], points[1::3], points[2::3] = starts, controls, ends
    if not _fast_path_works():
        return _slow_quads(points)
    if len(starts) == 0:
        return skia.Path()
    path = _read(_serialized(points, np.tile(np.array([_MOVE, _QUAD], np.uint8),
                                             len(starts))))
    return path if path is not None else _slow_quads(points)
