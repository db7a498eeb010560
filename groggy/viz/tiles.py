"""Raster tiles of a large graph view: the layout's square cut into 256 px tiles, level
``z`` having ``2**z`` tiles a side (x to the right, y downwards, as web maps do), drawn
with the page's look (colours, sizes, theme, the node growth of ``Camera.nodeScale``),
and the queries the page makes when it shows tiles: which nodes and edges are in a box,
which node is under a point. One :class:`TileMaker` per view; tiles are cached (LRU) by
look and tile and encoded with the fast PNG path.
"""
from __future__ import annotations

import concurrent.futures
import math
import threading

import numpy as np
import skia
from cachetools import LRUCache

from groggy._core import _raster
from groggy.viz.png import encode_png
from groggy.viz.polylines import polyline_legs
from groggy.viz.render import RASTER_THREADS, _groups, _paint
from groggy.viz.skia_paths import dots_path
from groggy.viz.spatial import EdgeIndex, NodeIndex
from groggy.viz.style import parse_color, with_alpha

TILE_PX = 256
MAX_LEVEL = 24               # deepest tile level the page may ask for
CACHED_TILES = 1024          # PNGs kept (a tile of a dense drawing is ~50-150 KB)
VECTOR_BUDGET = 20_000       # nodes in view sent as vectors at most (the default)
TILE_EDGES = 25_000          # edges drawn in one tile at most: denser tiles draw a sample
SAMPLE_STRIDES = (8, 64, 512)  # the samples kept: one edge in 8, in 64, in 512
INDEX_DELAY_S = 2.0          # the full edge index of a large view is built this much later
WARM_LEVELS = (2, 1)         # overview levels a page opening on the whole graph asks for
                             # (2 for a window about 1000 px high: drawn first)
SPLAT_RADIUS = 1.5           # nodes this small (px) are written as pixels, not paths


def node_scale(zoom: float, fit: float) -> float:
    """How much bigger than their style size nodes are drawn at ``zoom`` when ``fit`` is
    the zoom that fits the graph: the page's rule (graph-view.js, ``nodeScale``).

    Examples
    --------
    >>> node_scale(4.0, 1.0), node_scale(0.01, 1.0), node_scale(1000.0, 1.0)
    (2.0, 0.6, 8.0)
    """
    return min(max(math.sqrt(zoom / fit), 0.6), 8.0)


def radii_px(sizes: np.ndarray, scale: float) -> np.ndarray:
    """Drawn node radii in px (at least 1, as on the page)."""
    return np.maximum(sizes * (0.5 * scale), 1.0)


def quantized_fit(fit: float) -> float:
    """``fit`` rounded to 1/8 of an octave, so pages of near sizes share tiles."""
    return 2.0 ** (round(math.log2(fit) * 8) / 8)


def rgba_to_argb(rgba: np.ndarray) -> np.ndarray:
    c = np.asarray(rgba, dtype=np.uint32).reshape(-1, 4)
    return (c[:, 3] << 24) | (c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2]


def premultiplied(argb: np.ndarray) -> np.ndarray:
    """ARGB colours as premultiplied BGRA pixels (read as little-endian uint32)."""
    argb = np.asarray(argb, dtype=np.uint32)
    a = argb >> 24
    out = a << 24
    for shift in (16, 8, 0):
        out |= ((((argb >> shift) & 255) * a + 127) // 255) << shift
    return out


class TileScheme:
    """The layout's bounds as a square of side ``side`` whose top-left corner is
    ``(x0, top)``; tile (z, x, y) is one of its ``4**z`` parts.

    Examples
    --------
    >>> s = TileScheme([0.0, 0.0, 4.0, 2.0], margin=0)
    >>> s.box(1, 1, 0), s.px_per_unit(1)
    ((2.0, 1.0, 4.0, 3.0), 128.0)
    """

    def __init__(self, bounds, margin: float = 0.05):
        x0, y0, x1, y1 = (float(v) for v in bounds)
        # a margin, so that the discs of the outermost nodes are inside the tiles too
        self.side = (max(x1 - x0, y1 - y0) or 1.0) * (1 + 2 * margin)
        # centre the bounds in the square
        self.x0 = (x0 + x1) / 2 - self.side / 2
        self.top = (y0 + y1) / 2 + self.side / 2

    def box(self, z: int, x: int, y: int) -> tuple:
        step = self.side / 2 ** z
        return (self.x0 + x * step, self.top - (y + 1) * step,
                self.x0 + (x + 1) * step, self.top - y * step)

    def px_per_unit(self, z: int) -> float:
        return TILE_PX * 2 ** z / self.side

    def as_json(self) -> dict:
        return {"x0": self.x0, "top": self.top, "side": self.side, "size": TILE_PX,
                "max_level": MAX_LEVEL}


class TileMaker:
    """The spatial index of one view's layout and the tiles drawn from it.

    ``positions`` (``(n, 2)``) and ``sources``/``targets`` (edge rows) never change; the
    look (colours, sizes, theme) comes with every call, so a restyle draws new tiles.
    ``bends`` (``(offsets, points)``, see ``export.bends_for``), when given, routes edges
    through bend points: tiles draw, and the index finds, the segments of their
    polylines, as the exporters and the vector view draw them.
    """

    def __init__(self, positions: np.ndarray, sources: np.ndarray, targets: np.ndarray,
                 bounds, vector_budget: int = VECTOR_BUDGET, bends: tuple | None = None):
        self.positions = positions
        self.vector_budget = vector_budget
        self.nodes = NodeIndex(positions, bounds)
        self.sources, self.targets, self.bounds = sources, targets, bounds
        self.m = int(sources.shape[0])
        self.bends = bends
        # what tiles draw and the edge index holds: segments from seg_xy[seg_src] to
        # seg_xy[seg_dst], of edge seg_edge (None: one segment per edge, its own row)
        self.seg_xy, self.seg_src, self.seg_dst, self.seg_edge = \
            positions, sources, targets, None
        if bends is not None and bends[1].shape[0]:
            self._use_polylines(*bends)
        # one column per axis: gathers of (n, 2) rows are several times slower
        self.seg_x, self.seg_y = (np.ascontiguousarray(self.seg_xy[:, c]) for c in (0, 1))
        # nested samples of the edges for tiles that cross too many to draw them all:
        # stride -> segment rows, finest first; an edge in one sample is in every finer
        # one, with all its segments. A multiplicative hash spreads the picks over the
        # edge list (uint32 arithmetic wraps: the product is taken mod 2**32)
        spread = np.arange(self.m, dtype=np.uint32) * np.uint32(2654435761)
        if self.seg_edge is not None:
            spread = spread[self.seg_edge]
        self._picks = [(stride, np.flatnonzero(spread < np.uint32(2 ** 32 // stride)))
                       for stride in SAMPLE_STRIDES]
        self._picks = {stride: rows for stride, rows in self._picks
                       if rows.size >= TILE_EDGES}        # stride -> segment rows
        # each sample's index is built when a tile first draws from it; the coarsest
        # now (it estimates how many edges a tile crosses)
        self._sampled, self._sample_lock = {}, threading.Lock()
        self.scheme = TileScheme(bounds)
        x0, y0, x1, y1 = bounds
        self._area = max((x1 - x0) * (y1 - y0), 1e-12)
        coarse = max(self._picks) if self._picks else None
        self._edge_length = None if coarse is None else \
            coarse * _total_length(self._sample(coarse))
        # the index of every edge: built on a thread, a moment after the page opened,
        # when the samples can draw the first (coarse) tiles meanwhile, so that a large
        # view opens without waiting (nor sharing the CPU with it)
        self._edges, self._edges_built = None, threading.Event()
        self._index_lock = threading.Lock()
        if self._picks:
            later = threading.Timer(INDEX_DELAY_S, lambda: self.edges)
            later.name, later.daemon = "groggy-tile-index", True
            later.start()
        else:
            self._build_edges()
        self.cache = LRUCache(maxsize=CACHED_TILES)
        self._node_pixels = None
        self._drawing = {}          # key -> future of a tile being drawn
        self._lock = threading.Lock()

    def _use_polylines(self, offsets: np.ndarray, points: np.ndarray) -> None:
        every = np.arange(self.m)
        at, starts, ends, _ = polyline_legs(every, self.positions[self.sources],
                                            self.positions[self.targets], offsets, points)
        legs = at.size
        self.seg_xy = np.concatenate([starts, ends]).astype(np.float32)
        self.seg_src = np.arange(legs, dtype=np.int64)
        self.seg_dst = self.seg_src + legs
        self.seg_edge = at

    def edge_rows(self, segments: np.ndarray) -> np.ndarray:
        """The edge rows of ``segments`` (rows of the edge index), ascending, once each."""
        return segments if self.seg_edge is None else np.unique(self.seg_edge[segments])

    def _sample(self, stride: int) -> EdgeIndex:
        """The index of the sample of one edge in ``stride`` (built on first use)."""
        with self._sample_lock:
            index = self._sampled.get(stride)
            if index is None:
                rows = self._picks[stride]
                index = self._sampled[stride] = EdgeIndex(
                    self.seg_xy, self.seg_src[rows], self.seg_dst[rows], self.bounds)
        return index

    def _build_edges(self) -> None:
        if self._edges_built.is_set():
            return
        self._edges = EdgeIndex(self.seg_xy, self.seg_src, self.seg_dst, self.bounds)
        if self._edge_length is None:
            self._edge_length = _total_length(self._edges)
        self._edges_built.set()

    @property
    def edges(self) -> EdgeIndex:
        """The index of every edge's segments (built now if its thread has not yet)."""
        with self._index_lock:
            self._build_edges()
        return self._edges

    # ---------------------------------------------------------------- queries
    def node_at(self, look, x: float, y: float, zoom: float, fit: float):
        """The node row under layout point (x, y) at ``zoom`` (or None)."""
        scale = node_scale(zoom, fit)
        reach = max(float(look.sizes.max()) * 0.5 * scale, 1.0) if look.sizes.size else 1.0
        return self.nodes.node_at(x, y, zoom, lambda rows: radii_px(look.sizes[rows], scale),
                                  reach_px=reach)

    def in_view(self, box) -> np.ndarray:
        return self.nodes.grid.within(box)

    def edges_of_nodes_in(self, box) -> np.ndarray:
        """Rows of the edges with an end inside ``box`` (not those only passing through)."""
        rows = self.edge_rows(self.edges.crossing(box))
        x, y = self.nodes.grid.x, self.nodes.grid.y
        inside = np.zeros(rows.size, dtype=bool)
        for ends in (self.sources[rows], self.targets[rows]):
            inside |= (x[ends] >= box[0]) & (x[ends] <= box[2]) & \
                (y[ends] >= box[1]) & (y[ends] <= box[3])
        return rows[inside]

    # ---------------------------------------------------------------- tiles
    @staticmethod
    def look_key(look) -> tuple:
        return look.theme, repr(sorted(look.style.items()))

    def tile_png(self, look, fit: float, z: int, x: int, y: int) -> bytes:
        """The PNG of tile (z, x, y) in ``look`` for a page whose fitted zoom is ``fit``
        (drawn once: a second request for a tile being drawn waits for it)."""
        fit = quantized_fit(fit)
        key = (self.look_key(look), self._scale_key(look, fit, z), z, x, y)
        with self._lock:
            hit = self.cache.get(key)
            if hit is not None:
                return hit
            pending = self._drawing.get(key)
            mine = pending is None
            if mine:
                pending = self._drawing[key] = concurrent.futures.Future()
        if not mine:
            return pending.result()
        try:
            png = encode_png(self.draw(look, fit, z, x, y))
            with self._lock:
                self.cache[key] = png
            pending.set_result(png)
            return png
        except BaseException as exc:
            pending.set_exception(exc)
            raise
        finally:
            with self._lock:
                del self._drawing[key]

    def _scale_key(self, look, fit: float, z: int):
        """What the tile's pixels take from ``fit``: the nodes' growth, unless every node
        is drawn at the 1 px least radius anyway (usual in a large graph), then nothing."""
        scale = node_scale(self.scheme.px_per_unit(z), fit)
        if look.sizes.size == 0 or float(look.sizes.max()) * 0.5 * scale <= 1.0:
            return None
        return fit

    def warm_tiles(self, look, levels=WARM_LEVELS) -> list:
        """The (z, x, y) of the overview tiles a page opening on the whole graph asks
        for first, when they do not depend on its size (see _scale_key): drawn ahead."""
        mid = lambda z, x, y: (x - (2 ** z - 1) / 2) ** 2 + (y - (2 ** z - 1) / 2) ** 2
        return [tile for z in levels
                if self._scale_key(look, self.scheme.px_per_unit(z), z) is None
                # the middle first, as the page asks for them
                for tile in sorted(((z, x, y) for y in range(2 ** z) for x in range(2 ** z)),
                                   key=lambda t: mid(*t))]

    def draw(self, look, fit: float, z: int, x: int, y: int) -> np.ndarray:
        """Tile (z, x, y) as an ``(256, 256, 4)`` RGBA array."""
        box = self.scheme.box(z, x, y)
        k = self.scheme.px_per_unit(z)
        # premultiplied BGRA with a border of one pixel all round: tiny nodes at the
        # tile's edge are written into it (no bounds test per node), then cut off
        side = TILE_PX + 2
        pixels = np.zeros((side, side, 4), dtype=np.uint8)
        surface = skia.Surface(pixels, colorType=skia.kBGRA_8888_ColorType,
                               alphaType=skia.kPremul_AlphaType)
        canvas = surface.getCanvas()
        canvas.drawColor(parse_color(look.page_colors["background"]))
        canvas.translate(1, 1)

        def to_px(xy):     # tile pixels, (0, 0) the top left corner of the tile
            return np.stack([(xy[:, 0] - box[0]) * k, (box[3] - xy[:, 1]) * k], -1)

        self._draw_edges(look, box, k, pixels)
        self._draw_nodes(look, box, k, node_scale(k, fit), to_px, pixels, canvas)
        rgba = surface.makeImageSnapshot().toarray(colorType=skia.kRGBA_8888_ColorType,
                                                   alphaType=skia.kUnpremul_AlphaType)
        return np.ascontiguousarray(rgba[1:-1, 1:-1])

    def _tile_edges(self, box) -> tuple:
        """(segment rows to draw in ``box``, 1 in how many edges they are): all, or
        the finest sample that keeps a tile under TILE_EDGES edges."""
        if self._picks:
            coarse = max(self._picks)
            crossing = self._sample(coarse).estimate(box) * coarse  # about how many cross
            if crossing > TILE_EDGES:
                fits = [s for s in self._picks if crossing / s <= TILE_EDGES]
                want = fits[0] if fits else coarse
                return self._picks[want][self._sample(want).crossing(box)], want
        return self.edges.crossing(box), 1

    def _pixel_points(self, points: np.ndarray, box, k: float) -> np.ndarray:
        """``(len(points), 2)`` pixel coordinates of segment points ``points`` in the
        bordered image of the tile whose box is ``box``, at ``k`` pixels a unit."""
        out = np.empty((points.size, 2))
        out[:, 0] = (self.seg_x[points] - box[0]) * k + 1.0
        out[:, 1] = (box[3] - self.seg_y[points]) * k + 1.0
        return out

    def _draw_edges(self, look, box, k, pixels) -> None:
        pad = 1.0 / k
        rows, stride = self._tile_edges((box[0] - pad, box[1] - pad, box[2] + pad,
                                         box[3] + pad))
        if rows.size == 0:
            return
        a, b = (self._pixel_points(ends, box, k) for ends in (self.seg_src[rows],
                                                               self.seg_dst[rows]))
        if look.edge_colors is not None:
            edges = rows if self.seg_edge is None else self.seg_edge[rows]
            colors = rgba_to_argb(look.edge_colors[edges])
        else:
            colors = np.full(rows.size, parse_color(look.edge_color), dtype=np.uint32)
        if look.style.get("edge_color") is None:
            # thin out the ink of dense drawings, with the export renderer's rule
            # (render.Scene.draw_edges): the whole layout at this level's scale; a
            # sample of 1 edge in `stride` is drawn `stride` times stronger
            ink = 0.5 * self._edge_length * k
            alpha = min(1.0, max(0.08, 0.5 * self._area * k * k / max(ink, 1e-9)))
            colors = with_alpha(colors, min(1.0, alpha * stride))
        _raster.hairlines(pixels.view(np.uint32)[..., 0], np.ascontiguousarray(a),
                          np.ascontiguousarray(b), np.ascontiguousarray(colors, np.uint32),
                          RASTER_THREADS)

    def _pixels(self, look) -> np.ndarray:
        """Every node's colour as a premultiplied pixel, for ``_raster.splat`` (kept for
        the look that was drawn last: every tile of a look uses them)."""
        kept = self._node_pixels         # one (colours, pixels) pair: tiles draw on threads
        if kept is None or kept[0] is not look.colors:
            kept = self._node_pixels = (look.colors, premultiplied(rgba_to_argb(look.colors)))
        return kept[1]

    def _draw_nodes(self, look, box, k, scale, to_px, pixels, canvas) -> None:
        if look.sizes.size == 0:
            return
        largest = float(radii_px(look.sizes.max(), scale))
        reach = (largest + 2) / k
        near = (box[0] - reach, box[1] - reach, box[2] + reach, box[3] + reach)
        img = pixels.view(np.uint32)[..., 0]
        grid = self.nodes.grid
        # the bordered image's left and top edges, in layout units
        left, top = box[0] - 1.0 / k, box[3] + 1.0 / k
        if largest <= SPLAT_RADIUS:
            # every node tiny (an overview): written as pixels, no gather. Where the
            # tile holds many of them, one scan of every node beats sorting the
            # grid's candidates into row order
            near_rows = grid.candidates(near)
            rows = None if near_rows.size * 8 > grid.x.size else np.sort(near_rows)
            _raster.splat(img, grid.x, grid.y, self._pixels(look), rows, left, top, k)
            return
        rows = grid.within(near)
        if rows.size == 0:
            return
        xy = to_px(self.positions[rows])
        r = radii_px(look.sizes[rows], scale)
        colors = rgba_to_argb(look.colors[rows])
        small = r <= SPLAT_RADIUS
        # tiny nodes: a 2 x 2 block of their colour around the centre (row order: a
        # later node covers an earlier one, as on the page)
        if small.any():
            _raster.splat(img, grid.x, grid.y, self._pixels(look), rows[small], left, top, k)
        big = np.flatnonzero(~small)
        if big.size == 0:
            return
        stroke = parse_color(look.page_colors["node_stroke"])
        diameter = np.round(r[big] * 8) / 4
        if stroke >> 24:        # the outline: a wider dot under the fill (r > 3, as on the page)
            ringed = big[r[big] > 3]
            for first, group in _groups(diameter[r[big] > 3]):
                canvas.drawPath(dots_path(xy[ringed[group]]),
                                _paint(stroke, float(np.round(r[ringed[group[0]]] * 8) / 4),
                                       skia.Paint.kRound_Cap))
        inner = diameter - np.where((r[big] > 3) & bool(stroke >> 24), 2.0, 0.0)
        for first, group in _groups(colors[big], inner):
            canvas.drawPath(dots_path(xy[big[group]]),
                            _paint(colors[big[first]], float(inner[first]),
                                   skia.Paint.kRound_Cap))


def _total_length(index: EdgeIndex) -> float:
    """Summed length (layout units, at least) of the edges of ``index``."""
    return float(np.hypot(index.hix - index.lox, index.hiy - index.loy).sum())
