"""A uniform grid over 2-D points, for the graph view's large-graph mode: which nodes lie
in a box, how many, which node is under a point, and which edges cross a box.

The grid has at most 256 x 256 cells, so a cell number fits in 16 bits and NumPy's
stable sort of 16-bit keys is a radix sort: building the index of a million points is a
few tens of milliseconds, with no Python object per point. Items are kept in cell order
(cells row-major), so the cells of one grid row inside a box are one slice.
"""
from __future__ import annotations

import math

import numpy as np

MAX_SIDE = 256          # cells per axis; 256 * 256 numbers fit in uint16


def _box(box) -> tuple:
    x0, y0, x1, y1 = (float(v) for v in box)
    if not (math.isfinite(x0 + y0 + x1 + y1) and x0 <= x1 and y0 <= y1):
        raise ValueError(f"a box is (xmin, ymin, xmax, ymax) of finite numbers with "
                         f"min <= max, got {box!r}")
    return x0, y0, x1, y1


def bounds_of(xy: np.ndarray) -> tuple:
    """(xmin, ymin, xmax, ymax) of ``(n, 2)`` points, column by column (NumPy's
    ``min(axis=0)`` on two columns is a strided loop ~100x slower); zeros if empty."""
    if xy.shape[0] == 0:
        return 0.0, 0.0, 0.0, 0.0
    x, y = xy[:, 0], xy[:, 1]
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


def cells_per_side(n: int, per_cell: float) -> int:
    """Cells per axis for about ``per_cell`` points a cell (at most MAX_SIDE)."""
    return int(min(MAX_SIDE, max(1, math.ceil(math.sqrt(n / per_cell)))))


class PointGrid:
    """Points ``xy`` (``(n, 2)``) bucketed in a grid over ``bounds``.

    Examples
    --------
    >>> grid = PointGrid(np.array([[0.0, 0.0], [1.0, 1.0], [0.9, 0.1]]))
    >>> grid.within((0.5, -1, 2, 0.5)).tolist(), grid.count((-1, -1, 2, 2))
    ([2], 3)
    """

    def __init__(self, xy: np.ndarray, bounds=None, per_cell: float = 8.0,
                 side: int | None = None):
        xy = np.asarray(xy)
        self.xy = xy if xy.dtype == np.float32 else xy.astype(np.float64, copy=False)
        # one contiguous array per axis: gathers of (n, 2) rows are several times slower
        self.x, self.y = np.ascontiguousarray(self.xy[:, 0]), np.ascontiguousarray(self.xy[:, 1])
        n = self.xy.shape[0]
        x0, y0, x1, y1 = _box(bounds_of(self.xy) if bounds is None else bounds)
        self.side = side or cells_per_side(n, per_cell)
        self.x0, self.y0 = x0, y0
        self.cw = max(x1 - x0, 1e-12) / self.side
        self.ch = max(y1 - y0, 1e-12) / self.side
        key = self.cell_of(self.x, self.y).astype(np.uint16)
        self.items = np.argsort(key, kind="stable")     # radix sort: 16-bit keys
        counts = np.bincount(key, minlength=self.side * self.side)
        self.start = np.zeros(counts.size + 1, dtype=np.int64)
        np.cumsum(counts, out=self.start[1:])
        # summed counts, for counting a box without looking at its points
        table = np.zeros((self.side + 1, self.side + 1), dtype=np.int64)
        table[1:, 1:] = counts.reshape(self.side, self.side).cumsum(0).cumsum(1)
        self._table = table

    def _cols(self, x) -> np.ndarray:
        return self._cell(x, self.x0, self.cw)

    def _rows(self, y) -> np.ndarray:
        return self._cell(y, self.y0, self.ch)

    def _cell(self, v, origin: float, width: float) -> np.ndarray:
        # in the points' float type (float32: half the memory traffic); clipped before
        # the cast so that it cannot overflow
        dtype = self.xy.dtype.type
        at = (np.asarray(v, dtype=dtype) - dtype(origin)) * dtype(1.0 / width)
        return np.clip(at, 0, self.side - 1).astype(np.int32)

    def cell_of(self, x, y) -> np.ndarray:
        return self._rows(y) * self.side + self._cols(x)

    def _span(self, box) -> tuple:
        # the box in the points' own float type: the same arithmetic as theirs, so a
        # point inside the box is in a cell of the span (rounding is monotonic)
        x0, y0, x1, y1 = np.asarray(_box(box), dtype=self.xy.dtype)
        return (int(self._cols(x0)), int(self._rows(y0)), int(self._cols(x1)),
                int(self._rows(y1)))

    def candidates(self, box) -> np.ndarray:
        """Items of every cell the box touches (a superset of those inside it)."""
        c0, r0, c1, r1 = self._span(box)
        if c0 == 0 and r0 == 0 and c1 == r1 == self.side - 1:
            return self.items
        parts = [self.items[self.start[r * self.side + c0]:self.start[r * self.side + c1 + 1]]
                 for r in range(r0, r1 + 1)]
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def within(self, box) -> np.ndarray:
        """Rows of the points inside the box (edges included), in ascending order."""
        x0, y0, x1, y1 = _box(box)
        rows = self.candidates(box)
        x, y = self.x[rows], self.y[rows]
        return np.sort(rows[(x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)])

    def _total(self, ca: int, ra: int, cb: int, rb: int) -> int:
        """Points in cells ca..cb x ra..rb (from the summed counts)."""
        if ca > cb or ra > rb:
            return 0
        t = self._table
        return int(t[rb + 1, cb + 1] - t[ra, cb + 1] - t[rb + 1, ca] + t[ra, ca])

    def _cells(self, r: int, ca: int, cb: int) -> np.ndarray:
        return self.items[self.start[r * self.side + ca]:self.start[r * self.side + cb + 1]]

    def count(self, box) -> int:
        """Points inside the box: the cells it covers are counted from the summed counts,
        only the points of its border cells are looked at."""
        x0, y0, x1, y1 = _box(box)
        c0, r0, c1, r1 = self._span(box)
        border = [self._cells(r0, c0, c1)]
        if r1 > r0:
            border.append(self._cells(r1, c0, c1))
        for r in range(r0 + 1, r1):
            border.append(self._cells(r, c0, c0))
            if c1 > c0:
                border.append(self._cells(r, c1, c1))
        rows = np.concatenate(border)
        x, y = self.x[rows], self.y[rows]
        edge = int(((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)).sum())
        return self._total(c0 + 1, r0 + 1, c1 - 1, r1 - 1) + edge

class NodeIndex:
    """Node positions in a :class:`PointGrid`, with the page's hit rule: the node under a
    point is the nearest one whose drawn disc (plus ``slack`` px) holds it, ties going
    to the later row (drawn on top).

    Examples
    --------
    >>> index = NodeIndex(np.array([[0.0, 0.0], [10.0, 0.0]]))
    >>> radii = np.array([2.0, 2.0])        # px at this zoom
    >>> index.node_at(9.5, 0.5, zoom=1.0, radii_px=radii), index.node_at(5, 0, 1.0, radii)
    (1, None)
    """

    def __init__(self, xy: np.ndarray, bounds=None):
        self.grid = PointGrid(xy, bounds)
        self.xy = self.grid.xy

    def node_at(self, x: float, y: float, zoom: float, radii_px, slack: float = 2.0,
                reach_px: float | None = None):
        """``radii_px``: the drawn radii (px) of all nodes, or a function giving those of
        some rows (then ``reach_px``, the largest radius, is needed)."""
        if self.xy.shape[0] == 0:
            return None
        reach = ((float(radii_px.max()) if reach_px is None else reach_px) + slack) / zoom
        rows = self.grid.candidates((x - reach, y - reach, x + reach, y + reach))
        if rows.size == 0:
            return None
        d = np.hypot(self.grid.x[rows] - x, self.grid.y[rows] - y) * zoom
        ok = d <= (radii_px(rows) if callable(radii_px) else radii_px[rows]) + slack
        if not ok.any():
            return None
        rows, d = rows[ok], d[ok]
        best = d == d.min()
        return int(rows[best].max())


class EdgeIndex:
    """Edges (``sources``, ``targets`` rows into ``xy``) found by the boxes they cross.
    Each edge is bucketed by its middle in the finest of a few grids (256, 64, 16, 4, 1
    cells a side) whose cells are at least half as wide as the edge is long, so a box
    query looks at one ring of cells around the box in each grid.

    Examples
    --------
    >>> xy = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> index = EdgeIndex(xy, np.array([0, 2, 0]), np.array([1, 3, 3]))
    >>> index.crossing((-0.1, -0.1, 0.2, 0.2)).tolist()
    [0, 2]
    """

    def __init__(self, xy: np.ndarray, sources: np.ndarray, targets: np.ndarray,
                 bounds=None):
        self.sources = np.asarray(sources)
        self.targets = np.asarray(targets)
        self.m = self.sources.shape[0]
        xy = np.asarray(xy)
        box = _box(bounds_of(xy) if bounds is None else bounds)
        x, y = (np.ascontiguousarray(xy[:, k], dtype=np.float32) for k in (0, 1))
        ax, bx = x[self.sources], x[self.targets]
        ay, by = y[self.sources], y[self.targets]
        # each edge's box, one array per side (float32: 16 bytes an edge)
        self.lox, self.hix = np.minimum(ax, bx), np.maximum(ax, bx)
        self.loy, self.hiy = np.minimum(ay, by), np.maximum(ay, by)
        mx, my = (ax + bx) * np.float32(0.5), (ay + by) * np.float32(0.5)
        del ax, bx, ay, by
        # extent relative to the layout: which grid an edge belongs to
        reach = np.maximum((self.hix - self.lox) / np.float32(max(box[2] - box[0], 1e-12)),
                           (self.hiy - self.loy) / np.float32(max(box[3] - box[1], 1e-12)))
        self.levels = []          # (grid, edge rows in it)
        side, taken = cells_per_side(self.m, 32.0), np.zeros(self.m, dtype=bool)
        while True:
            rows = np.flatnonzero(~taken & (reach <= np.float32(2.0 / side))) \
                if side > 1 else np.flatnonzero(~taken)
            taken[rows] = True
            if rows.size:
                grid = PointGrid(np.stack([mx[rows], my[rows]], -1), box, side=side)
                self.levels.append((grid, rows))
            if side == 1:
                break
            side = max(1, side // 4)

    def estimate(self, box) -> int:
        """An upper bound of ``crossing(box).size`` from the cell counts alone."""
        x0, y0, x1, y1 = _box(box)
        total = 0
        for grid, _ in self.levels:
            c0, r0, c1, r1 = grid._span((x0 - 1.01 * grid.cw, y0 - 1.01 * grid.ch,
                                         x1 + 1.01 * grid.cw, y1 + 1.01 * grid.ch))
            total += grid._total(c0, r0, c1, r1)
        return total

    def crossing(self, box) -> np.ndarray:
        """Rows of the edges whose bounding box meets ``box``, ascending."""
        x0, y0, x1, y1 = _box(box)
        parts = []
        for grid, rows in self.levels:
            # an edge of this grid reaches at most one cell from its middle
            wide = (x0 - 1.01 * grid.cw, y0 - 1.01 * grid.ch,
                    x1 + 1.01 * grid.cw, y1 + 1.01 * grid.ch)
            parts.append(rows[grid.candidates(wide)])
        rows = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        keep = (self.hix[rows] >= x0) & (self.lox[rows] <= x1) & \
            (self.hiy[rows] >= y0) & (self.loy[rows] <= y1)
        return np.sort(rows[keep])
