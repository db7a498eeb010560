"""Filled nodes of a PNG stamped from pre-rendered coverage masks instead of rasterized
one by one by Skia.

Skia rasterizes every node's path: ~13 µs per 8-pixel disc, 0.13 s for 10k outlined
nodes. Nodes of one pass (``NodePass``: one shape, size and colour) differ only in where
they sit, so each pass's shape is drawn once by Skia itself, by the same ``draw_pass``
that draws the vector formats, into an alpha-only atlas of ``PHASES`` x ``PHASES`` cells:
the shape at every sub-pixel offset of 1/``PHASES`` pixel. Then ``_raster.stamp`` blends
the cell of each node's rounded position into the pixels in the pass's colour, in the
passes' order. A mask serves every colour, so an atlas is built once per shape, size and
outline width in a render; a node is displaced by at most 1/(2 * ``PHASES``) pixel.

Passes that would not look the same stamped, or would not be faster, are left to Skia, in
their turn: translucent colours (Skia blends the union of a pass's overlapping shapes
once; stamps blend each), masks wider than ``MAX_SIDE`` pixels (few such nodes fit on a
page, and their atlas would cost more than drawing them) and atlases fewer than
``MIN_NODES`` nodes would use (a small graph: drawing it is cheaper than the atlas).
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np
import skia

from groggy._core import _raster

PHASES = 8          # sub-pixel offsets per axis; positions are rounded to 1/8 pixel
MAX_SIDE = 64       # masks wider than this many pixels are drawn by Skia instead
SUPERSAMPLE = 4     # masks are drawn this many times finer, then averaged
MIN_NODES = 200     # an atlas (PHASES**2 shapes drawn 16x finer: ~1,000 nodes' worth of
                    # Skia's pixels) is made for at least this many nodes, else Skia draws


class NodePass(NamedTuple):
    """One batched draw of nodes: ``kind`` "dot" (a round-capped zero-length stroke of
    diameter ``width``), "fill" (polygon ``shape`` of diameter ``width``) or "stroke"
    (its outline, ``ring`` wide); ``color`` ARGB; ``rows`` the nodes; ``reach`` how far
    the ink goes from a node's centre along x or y, in points (before antialiasing)."""
    kind: str
    shape: str
    width: float
    ring: float
    color: int
    rows: np.ndarray
    reach: float


def _key(p: NodePass) -> tuple:
    """What an atlas depends on: every colour of a shape and size shares one."""
    return p.kind, p.shape, p.width, p.ring


class _Atlas(NamedTuple):
    offset: int      # where its first cell starts in the mask buffer
    side: int        # pixels across a cell
    centre: int      # pixel of a cell a node's centre is rounded into (plus its phase)


class NodeStamper:
    """Draws ``NodePass``es into ``pixels`` ((h, w) uint32 premultiplied BGRA, the
    Skia surface's own memory) for a canvas scaled by ``scale`` (pixels per point in x
    and y), stamping where it can (on ``threads`` threads) and calling
    ``draw_pass(canvas, p, xy)`` (Skia) where it cannot. Both write the same pixels at
    once, so the order holds."""

    def __init__(self, pixels: np.ndarray, scale, draw_pass: Callable, threads: int = 1):
        self.pixels, self.draw_pass, self.threads = pixels, draw_pass, threads
        self.scale = np.asarray(scale, dtype=np.float64)
        self.atlases: dict = {}
        self.masks: list = []
        self.mask_bytes = 0

    def fits(self, p: NodePass) -> bool:
        return (p.color >> 24) == 255 and self._side(p.reach)[0] <= MAX_SIDE

    def _side(self, reach: float) -> tuple:
        return mask_side(reach * float(self.scale.max()))

    def draw(self, canvas: skia.Canvas, passes: list, xy: np.ndarray) -> None:
        """Draw ``passes`` of nodes at ``xy`` (page points, all nodes) in order."""
        uses: dict = {}                     # nodes that would share each atlas
        for p in passes:
            if self.fits(p):
                uses[_key(p)] = uses.get(_key(p), 0) + len(p.rows)
        pending = []
        for p in passes:
            if uses.get(_key(p), 0) >= MIN_NODES:
                pending.append(self._stamps(p, xy[p.rows]))
                continue
            self._flush(pending)
            pending = []
            self.draw_pass(canvas, p, xy[p.rows])
        self._flush(pending)

    def _atlas(self, p: NodePass) -> _Atlas:
        key = _key(p)
        atlas = self.atlases.get(key)
        if atlas is None:
            side, centre = self._side(p.reach)
            cells = render_cells(p, side, centre, self.scale, self.draw_pass)
            atlas = self.atlases[key] = _Atlas(self.mask_bytes, side, centre)
            self.masks.append(cells)
            self.mask_bytes += cells.size
        return atlas

    def _stamps(self, p: NodePass, xy: np.ndarray) -> tuple:
        atlas = self._atlas(p)
        q = np.floor(xy * self.scale * PHASES + 0.5).astype(np.int64)
        whole, phase = np.divmod(q, PHASES)
        corner = whole - atlas.centre
        offsets = atlas.offset + (phase[:, 1] * PHASES + phase[:, 0]) * atlas.side ** 2
        k = len(xy)
        return (offsets, np.full(k, atlas.side, np.int64), corner[:, 0], corner[:, 1],
                np.full(k, p.color, np.uint32))

    def _flush(self, pending: list) -> None:
        if not pending:
            return
        masks = np.concatenate(self.masks) if len(self.masks) > 1 else self.masks[0]
        self.masks = [masks]
        offsets, sides, lefts, tops, colors = (np.ascontiguousarray(np.concatenate(c))
                                               for c in zip(*pending))
        _raster.stamp(self.pixels, masks, offsets, sides, lefts, tops, colors, self.threads)


def mask_side(reach_px: float) -> tuple:
    """(side, centre) of the cells for a shape reaching ``reach_px`` pixels from its
    centre: a centre at ``centre + phase`` (phase < 1) leaves the ink inside the cell,
    with 1/4 pixel to spare for Skia's edge snapping.

    Examples
    --------
    >>> mask_side(4.15)            # an 8.3-pixel disc: 12 x 12 cells, centre at pixel 5
    (12, 5)
    """
    centre = math.ceil(reach_px + 0.25)
    return 2 * centre + 2, centre


def render_cells(p: NodePass, side: int, centre: int, scale: np.ndarray,
                 draw_pass: Callable) -> np.ndarray:
    """The coverage masks of pass ``p`` at every sub-pixel phase, drawn by Skia
    (``draw_pass``) in one call: ``PHASES**2`` cells of ``side`` x ``side`` bytes,
    cell ``phase_y * PHASES + phase_x`` holding the shape centred at pixel
    ``(centre + phase_x / PHASES, centre + phase_y / PHASES)``, flattened.

    Drawn ``SUPERSAMPLE`` times finer and averaged: Skia's antialiasing puts edges on a
    1/4-pixel grid (a disc drawn directly is off the true coverage by up to ~70/255 at
    some edge pixels, depending on where it sits); averaged, the masks are within ~20.

    Examples
    --------
    >>> from groggy.viz.render import draw_pass
    >>> p = NodePass("dot", "circle", 4.0, 0.0, 0xFF000000, np.arange(1), 2.0)
    >>> cells = render_cells(p, 6, 2, np.array([1.0, 1.0]), draw_pass).reshape(8, 8, 6, 6)
    >>> cells[0, 0, 2, 2], cells[0, 0, 5, 5]     # phase 0: covered centre, empty corner
    (np.uint8(255), np.uint8(0))
    """
    k = SUPERSAMPLE
    grid = np.zeros((PHASES * side * k, PHASES * side * k), dtype=np.uint8)
    surface = skia.Surface(grid, colorType=skia.kAlpha_8_ColorType,
                           alphaType=skia.kPremul_AlphaType)
    canvas = surface.getCanvas()
    canvas.scale(*(scale * k).tolist())
    steps = np.arange(PHASES)
    px = steps * side + centre + steps / PHASES     # cell b's centre, phase b along x
    cx, cy = np.meshgrid(px, px)                    # row a: phase a along y
    centres = np.stack([cx.ravel(), cy.ravel()], 1) / scale
    draw_pass(canvas, p._replace(color=0xFF000000), centres)   # alpha is coverage
    cells = grid.reshape(PHASES, side, k, PHASES, side, k).sum((2, 5), dtype=np.uint32)
    cells = (cells + k * k // 2) // (k * k)
    return np.ascontiguousarray(cells.transpose(0, 2, 1, 3), dtype=np.uint8).reshape(-1)
