"""Edges routed through bend points (a layered layout's long edges) as the segments of
their polylines: source, bends..., target. One routine for every drawing that takes
bends: the static exporters (render.Scene) and the browser view's tiles (tiles.py).
"""
from __future__ import annotations

import numpy as np


def polyline_legs(keep: np.ndarray, a: np.ndarray, b: np.ndarray, offsets: np.ndarray,
                  points: np.ndarray) -> tuple:
    """The edges ``keep`` (edge rows, from ``a`` to ``b``) as chains of segments through
    their bend points (edge ``e`` bends at ``points[offsets[e]:offsets[e + 1]]``, in the
    coordinates of ``a`` and ``b``): (index into ``keep`` of each segment's edge, segment
    starts, segment ends, whether it is its edge's last leg). Straight edges are one leg.

    Examples
    --------
    >>> at, s, e, last = polyline_legs(np.array([0, 1]), np.array([[0.0, 0], [5, 5]]),
    ...                                np.array([[0.0, 3], [6, 6]]), np.array([0, 2, 2]),
    ...                                np.array([[1.0, 1], [1, 2]]))
    >>> at.tolist(), s.tolist(), e.tolist(), last.tolist()
    ([0, 0, 0, 1], [[0.0, 0.0], [1.0, 1.0], [1.0, 2.0], [5.0, 5.0]], \
[[1.0, 1.0], [1.0, 2.0], [0.0, 3.0], [6.0, 6.0]], [False, False, True, True])
    """
    keep = np.asarray(keep, dtype=np.int64)
    first = offsets[keep]
    count = offsets[keep + 1] - first                   # bends of each edge
    size = count + 2                                    # chain: a, bends..., b
    start = np.cumsum(size) - size
    chain = np.empty((int(size.sum()), 2))
    chain[start] = a
    chain[start + size - 1] = b
    inner = np.ones(chain.shape[0], dtype=bool)
    inner[start] = inner[start + size - 1] = False
    step = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    chain[inner] = points[np.repeat(first, count) + step]
    legs = np.ones(chain.shape[0], dtype=bool)
    legs[start + size - 1] = False                      # no leg starts at an edge's end
    at = np.repeat(np.arange(keep.size), count + 1)
    last = np.zeros(at.size, dtype=bool)
    last[np.cumsum(count + 1) - 1] = True
    begin = np.flatnonzero(legs)
    return at, chain[begin], chain[begin + 1], last
