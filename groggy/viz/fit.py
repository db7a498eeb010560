"""Fitting a layout to the page: the margin, the default node diameter picked from how
densely the fitted drawing packs its nodes, and where edges meet a node's outline.

A drawing fills the page less a margin; layered layouts (``hierarchical``) fill each
axis on its own, so a wide, shallow tree spreads its layers down the whole page instead
of being a thin band. The default diameter is a fraction of the typical distance from a
node to its nearest neighbour on the page (so neighbours do not overlap), bounded by the
page area per node and by a share of the page (so a 30-node graph does not draw discs
the size of a fist), and never below one point (so a 100k-node drawing keeps its dots).
"""
from __future__ import annotations

import numpy as np

MARGIN_SHARE = 0.03       # margin: this share of the page's shorter side (at least 8 pt)
MARGIN_MIN = 8.0
SPACING_SHARE = 0.6       # default diameter: this share of the typical neighbour distance
PAGE_SHARE = 1 / 30       # ... at most this share of the page's shorter side
SIZE_MIN = 1.0            # ... and at least this many points
SPACING_SAMPLE = 600      # nodes whose nearest neighbour is looked up
SPACING_POINTS = 20_000   # ... among at most this many nodes (a random part of the rest)
PER_CELL = 16             # ... looking at at most this many nodes of each cell
LAYERED = ("hierarchical",)   # layouts whose axes are filled separately
EDGE_SHARE = 0.4          # default edge width: at most this share of the median diameter


def margin(width: float, height: float) -> float:
    """The blank border (points) around the drawing, before node radii.

    Examples
    --------
    >>> margin(800, 600), margin(100, 100)
    (18.0, 8.0)
    """
    return max(MARGIN_MIN, MARGIN_SHARE * min(width, height))


def keeps_aspect(algorithm: str | None) -> bool:
    """Whether a layout made by ``algorithm`` is drawn with one scale on both axes
    (distances mean something) or each axis filling the page (layers).

    Examples
    --------
    >>> keeps_aspect("force_directed"), keeps_aspect("hierarchical")
    (True, False)
    """
    return algorithm not in LAYERED


def typical_spacing(xy: np.ndarray, sample: int = SPACING_SAMPLE) -> float:
    """The median distance from a node to its nearest other node (positive distances
    only: nodes on one spot say nothing about the room around them), over an evenly
    spaced sample of at most ``sample`` nodes; ``inf`` with fewer than two places.

    Examples
    --------
    >>> typical_spacing(np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 5.0], [3.0, 5.0]]))
    1.0
    >>> typical_spacing(np.zeros((3, 2)))
    inf
    """
    xy = np.asarray(xy, dtype=np.float64)
    n = xy.shape[0]
    if n < 2:
        return float("inf")
    shrink = 1.0
    if n > SPACING_POINTS:   # a random part of a huge drawing: spacing grows as 1/sqrt(density)
        xy = xy[np.random.default_rng(0).choice(n, SPACING_POINTS, replace=False)]
        shrink, n = float(np.sqrt(SPACING_POINTS / n)), SPACING_POINTS
    rows = np.unique(np.linspace(0, n - 1, min(n, sample)).astype(np.int64))
    lo, span = xy.min(0), np.ptp(xy, 0)
    # cells start at a quarter of the spacing of nodes spread evenly over the middle
    # 80% of the drawing, and double until most sampled nodes find a neighbour
    q = np.quantile(xy, [0.1, 0.9], axis=0)
    middle = q[1] - q[0]
    cell = max(float(np.sqrt(middle[0] * middle[1] / (0.64 * n))),
               float(middle.max()) / n, 1e-12) / 4       # (a line of nodes: its length)
    while True:
        nearest = _nearest_within(xy, rows, lo, cell)
        if np.isfinite(nearest).sum() * 2 > rows.size or cell > span.max():
            break
        cell *= 2
    found = np.isfinite(nearest)
    if not found.any():
        return float("inf")
    # the unresolved are further than ``cell``: they count as large in the median
    return shrink * median(nearest if found.sum() * 2 > rows.size else nearest[found])


def _nearest_within(xy: np.ndarray, rows: np.ndarray, lo: np.ndarray,
                    cell: float) -> np.ndarray:
    """Distance from each of ``rows`` to its nearest other point if that is at most
    ``cell`` away, else inf: the points are bucketed in square cells of side ``cell``
    and each row looks in its cell and the eight around it (all rows at once), at no
    more than ``PER_CELL`` points of each (in a crowded cell any of them is near)."""
    at = np.floor((xy - lo) / cell).astype(np.int64)
    side = int(at[:, 0].max()) + 3
    key = (at[:, 1] + 1) * side + at[:, 0] + 1      # a border of empty cells all round
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    around = [key[rows] + dy * side + dx for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    firsts = [np.searchsorted(sorted_key, want, "left") for want in around]
    counts = [np.minimum(np.searchsorted(sorted_key, want, "right") - first, PER_CELL)
              for want, first in zip(around, firsts)]
    best = np.full(rows.size, np.inf)
    for first, count in zip(firsts, counts):
        which = np.repeat(np.arange(rows.size), count)
        offset = np.arange(which.size) - np.repeat(np.cumsum(count) - count, count)
        other = order[first[which] + offset]
        d = np.hypot(*(xy[other] - xy[rows[which]]).T)
        d[d == 0] = np.inf
        np.minimum.at(best, which, d)
    best[best > cell] = np.inf                     # something nearer may lie further out
    return best


def fitted_node_size(xy: np.ndarray, box: tuple) -> float:
    """The default node diameter (points) of nodes drawn at ``xy`` (page points) inside
    ``box`` ``(left, top, right, bottom)``: ``SPACING_SHARE`` of the typical spacing,
    at most the area per node's side and ``PAGE_SHARE`` of the box's shorter side, at
    least ``SIZE_MIN``.

    Examples
    --------
    >>> ring = np.stack([np.cos(np.arange(30) / 30 * 2 * np.pi),
    ...                  np.sin(np.arange(30) / 30 * 2 * np.pi)], 1) * 250 + 300
    >>> round(fitted_node_size(ring, (0, 0, 600, 600)), 1)   # 30 nodes: the page bound
    20.0
    >>> fitted_node_size(np.random.default_rng(0).random((10**5, 2)) * 600, (0, 0, 600, 600))
    1.0
    """
    left, top, right, bottom = box
    w, h = max(right - left, 1.0), max(bottom - top, 1.0)
    n = max(int(np.asarray(xy).shape[0]), 1)
    size = min(SPACING_SHARE * typical_spacing(xy), np.sqrt(w * h / n),
               PAGE_SHARE * min(w, h))
    return float(max(SIZE_MIN, size))


def relative_range(default: float) -> tuple:
    """``size_range`` when none is given: half to twice the default diameter, so
    ``node_size="degree"`` keeps the drawing's scale.

    Examples
    --------
    >>> relative_range(10.0)
    (5.0, 20.0)
    """
    return max(SIZE_MIN, 0.5 * default), 2.0 * default


def edge_width_for(default: float, diameters: np.ndarray) -> float:
    """The default edge width (points) beside nodes ``diameters`` across: ``default``,
    thinner where the nodes are small (at most ``EDGE_SHARE`` of their median diameter,
    so that a dense drawing's edges stay thinner than its nodes and its arrowheads,
    no longer than a node, still stand out of their lines); a hairline (0) stays one.

    Examples
    --------
    >>> edge_width_for(1.0, np.array([10.0, 12.0])), edge_width_for(1.0, np.array([2.0]))
    (1.0, 0.8)
    >>> edge_width_for(0.0, np.array([1.5]))
    0.0
    """
    if diameters.size == 0:
        return float(default)
    return float(min(default, EDGE_SHARE * median(np.asarray(diameters, dtype=np.float64))))


def median(values: np.ndarray) -> float:
    """The median of a non-empty array. ``np.median`` imports ``numpy.ma`` on its first
    call, 60-100 ms that a process's first export would pay.

    Examples
    --------
    >>> median(np.array([3.0, 1.0, 2.0])), median(np.array([4.0, 1.0, 2.0, 3.0]))
    (2.0, 2.5)
    """
    k = values.size // 2
    part = np.partition(values, [k - 1, k] if values.size % 2 == 0 else [k])
    return float(part[k]) if values.size % 2 else float((part[k - 1] + part[k]) / 2)
