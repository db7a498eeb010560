"""Where an edge meets a node: the node shapes' corners, the distance from a node's
centre to its outline along a direction, and edges cut back to the outlines of their
two nodes (so an edge never runs under a hollow node, and an arrowhead's tip touches
the outline it points at). Pure NumPy over whole arrays of edges.
"""
from __future__ import annotations

import numpy as np

from groggy.viz.style import SHAPES

# corners of each polygon shape for a node of radius 1, page coordinates (y down)
UNIT_CORNERS = {
    "square": np.array([(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]),
    "triangle": np.array([(0.0, -1.15), (1.0, 0.58), (-1.0, 0.58)]),
    "diamond": np.array([(0.0, -1.2), (1.2, 0.0), (0.0, 1.2), (-1.2, 0.0)]),
}


def _sides(corners: np.ndarray) -> tuple:
    """(outward unit normals, their offsets) of a convex polygon around the origin:
    the polygon is every p with normals @ p <= offsets."""
    edge = np.roll(corners, -1, 0) - corners
    normal = np.stack([edge[:, 1], -edge[:, 0]], 1)
    normal /= np.hypot(normal[:, 0], normal[:, 1])[:, None]
    offset = (normal * corners).sum(1)
    flip = offset < 0               # corners given clockwise: turn the normals out
    normal[flip] *= -1
    return normal, np.abs(offset)


_SIDES = {name: _sides(c) for name, c in UNIT_CORNERS.items()}


def reach(shapes: np.ndarray, radii: np.ndarray, unit: np.ndarray, pad=0.0) -> np.ndarray:
    """Distance from each node's centre to its outline along ``unit`` (``(k, 2)`` unit
    vectors, page coordinates): ``radii`` for circles, the first side of the polygon
    the ray leaves through for the other shapes; ``pad`` (per node or one number)
    moves the outline out by that much (the outer half of a stroked outline).

    Examples
    --------
    >>> u = np.array([[1.0, 0.0], [np.sqrt(0.5), np.sqrt(0.5)], [1.0, 0.0]])
    >>> reach(np.array([0, 1, 3]), np.array([2.0, 2.0, 1.0]), u).round(3).tolist()
    [2.0, 2.828, 1.2]
    >>> reach(np.array([0, 1]), np.array([2.0, 2.0]), u[:2], pad=0.5).round(3).tolist()
    [2.5, 3.536]
    """
    radii = np.asarray(radii, dtype=np.float64)
    pad = np.broadcast_to(np.asarray(pad, dtype=np.float64), radii.shape)
    out = radii + pad
    shapes = np.asarray(shapes)
    for name, (normal, offset) in _SIDES.items():
        rows = np.flatnonzero(shapes == SHAPES.index(name))
        if rows.size == 0:
            continue
        along = unit[rows] @ normal.T            # (k, sides): how fast the ray nears each
        side = radii[rows, None] * offset + pad[rows, None]   # each side's distance
        with np.errstate(divide="ignore"):
            t = np.where(along > 1e-12, side / np.maximum(along, 1e-12), np.inf)
        out[rows] = t.min(1)
    return out


def cut_to_outlines(a: np.ndarray, b: np.ndarray, reach_a, reach_b) -> tuple:
    """Segments ``a -> b`` cut back by ``reach_a`` at the start and ``reach_b`` at the
    end: (new starts, new ends, a mask of the segments still longer than nothing, i.e.
    whose nodes do not touch). Callers pass reaches from :func:`reach`.

    Examples
    --------
    >>> s, e, keep = cut_to_outlines(np.array([[0.0, 0.0], [0.0, 0.0]]),
    ...                              np.array([[10.0, 0.0], [1.0, 0.0]]), 2.0, 3.0)
    >>> s[0].tolist(), e[0].tolist(), keep.tolist()
    ([2.0, 0.0], [7.0, 0.0], [True, False])
    """
    length = np.hypot(*(b - a).T)
    unit = directions(a, b)
    ra = np.broadcast_to(np.asarray(reach_a, dtype=np.float64), length.shape)
    rb = np.broadcast_to(np.asarray(reach_b, dtype=np.float64), length.shape)
    return a + unit * ra[:, None], b - unit * rb[:, None], length > ra + rb


def directions(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unit vectors from ``a`` towards ``b`` (zero where they coincide)."""
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    return d / np.maximum(length, 1e-12)[:, None]


def arrow_size(widths: np.ndarray, diameters: np.ndarray) -> np.ndarray:
    """The length (points) of the arrowheads of edges ``widths`` points wide whose
    targets are ``diameters`` points across: ``4 + 2.5 * width`` where the target has
    room for it, never longer than the target's diameter (so a dense drawing's small
    nodes are not dwarfed by their arrowheads; its edges are thinner than its nodes, see
    ``fit.edge_width_for``, so the head still stands out of its line).

    Examples
    --------
    >>> arrow_size(np.array([1.0, 1.0, 0.0]), np.array([20.0, 2.0, 20.0])).tolist()
    [6.5, 2.0, 4.0]
    """
    return np.minimum(4.0 + 2.5 * np.asarray(widths, dtype=np.float64),
                      np.asarray(diameters, dtype=np.float64))


def arrowheads(tail: np.ndarray, tip: np.ndarray, sizes: np.ndarray) -> tuple:
    """(``(k, 3, 2)`` triangle corners, mask of the edges long enough for one): each
    triangle's first corner is ``tip`` (on the target's outline), pointing away from
    ``tail``, ``sizes`` long (:func:`arrow_size`) and 0.9 of that wide.

    Examples
    --------
    >>> corners, ok = arrowheads(np.array([[0.0, 0.0]]), np.array([[10.0, 0.0]]),
    ...                          np.array([4.0]))
    >>> corners.round(2).tolist(), ok.tolist()
    ([[[10.0, 0.0], [6.0, 1.8], [6.0, -1.8]]], [True])
    """
    size = np.asarray(sizes, dtype=np.float64)
    ok = (np.hypot(*(tip - tail).T) > size) & (size > 0)
    unit, size = directions(tail[ok], tip[ok]), size[ok, None]
    base = tip[ok] - unit * size
    side = unit[:, ::-1] * np.array([-1.0, 1.0]) * (size * 0.45)
    return np.stack([tip[ok], base + side, base - side], 1), ok


def arrow_bases(tail: np.ndarray, tip: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``tip`` moved back to the base of its arrowhead (``sizes`` long) where one fits
    (the edge's line stops there, so a thick line does not poke out around the head's
    point)."""
    size = np.asarray(sizes, dtype=np.float64)
    ok = (np.hypot(*(tip - tail).T) > size) & (size > 0)
    return np.where(ok[:, None], tip - directions(tail, tip) * size[:, None], tip)
