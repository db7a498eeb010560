"""Which node labels are drawn, and where: one rule for the static renderer
(``render.py``) and the browser page (``static/graph-labels.js`` repeats it, and a test
checks the page against :func:`place_labels`).

Labels go by node size, largest first, then the least crowded first (nodes in the same
24-unit cell of the drawing), then by row; each is tried below, above, right and left of
its node and placed at the first spot that overlaps no node and no label already placed
(on a grid of 2-unit cells) and stays on the page; the rest are left out."""
from __future__ import annotations

import numpy as np

LABEL_CANDIDATES = 5000       # labels considered at most (the largest nodes first)
CROWD_CELL = 24.0             # nodes in one cell of this side count as a crowd
CELL = 2.0                    # the occupancy grid's cell


def label_order(xy: np.ndarray, sizes: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``rows`` (the visible nodes that have a label) in the order labels are tried.

    Examples
    --------
    >>> xy = np.array([[0.0, 0.0], [1.0, 1.0], [100.0, 0.0]])
    >>> label_order(xy, np.array([4.0, 4.0, 4.0]), np.array([0, 1, 2])).tolist()
    [2, 0, 1]
    """
    rows = np.asarray(rows, dtype=np.int64)
    if rows.size == 0:
        return rows
    cells = np.floor(xy[rows] / CROWD_CELL).astype(np.int64)
    _, where, count = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
    crowd = count[where.ravel()]
    return rows[np.lexsort((rows, crowd, -sizes[rows]))][:LABEL_CANDIDATES]


def occupancy(width: float, height: float, xy: np.ndarray, radii: np.ndarray,
              blocked=()) -> np.ndarray:
    """The grid of taken cells: every node's box, and each ``(x, y, w, h)`` of
    ``blocked`` (a title, a legend)."""
    taken = np.zeros((int(height / CELL) + 2, int(width / CELL) + 2), bool)
    lo = np.floor((xy - radii[:, None]) / CELL).clip(0).astype(np.int64)
    hi = np.floor((xy + radii[:, None]) / CELL).astype(np.int64) + 1
    for (x0, y0), (x1, y1) in zip(lo.tolist(), hi.tolist()):
        taken[y0:y1, x0:x1] = True
    for x0, y0, w, h in blocked:
        taken[max(int(y0 / CELL), 0):int((y0 + h) / CELL) + 2,
              max(int(x0 / CELL), 0):int((x0 + w) / CELL) + 2] = True
    return taken


def place_labels(order, xy: np.ndarray, sizes: np.ndarray, widths, height: float,
                 page: tuple, taken: np.ndarray) -> list:
    """``[(row, x0, y0)]``: the top-left corner of each label placed, in ``order``;
    ``widths[k]`` is the width of the k-th label of ``order``, ``height`` the text's
    (ascent + descent), ``page`` the (width, height) of the drawing. ``taken`` (see
    :func:`occupancy`) is marked as labels are placed.

    Examples
    --------
    >>> xy = np.array([[50.0, 50.0], [52.0, 50.0]])
    >>> taken = occupancy(100, 100, xy, np.array([2.0, 2.0]))
    >>> place_labels([0, 1], xy, np.array([4.0, 4.0]), [20, 20], 8, (100, 100), taken)
    [(0, 40.0, 54.0), (1, 42.0, 38.0)]
    """
    placed = []
    for k, i in enumerate(list(order)):
        (x, y), gap, w = xy[i].tolist(), float(sizes[i]) / 2 + CELL, float(widths[k])
        h = float(height)
        for x0, y0 in ((x - w / 2, y + gap), (x - w / 2, y - gap - h),
                       (x + gap, y - h / 2), (x - gap - w, y - h / 2)):
            if x0 < 0 or y0 < 0 or x0 + w > page[0] or y0 + h > page[1]:
                continue
            box = (slice(int(y0 / CELL), int((y0 + h) / CELL) + 1),
                   slice(int(x0 / CELL), int((x0 + w) / CELL) + 1))
            if not taken[box].any():
                taken[box] = True
                placed.append((int(i), float(x0), float(y0)))
                break
    return placed
