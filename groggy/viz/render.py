"""The static renderer: a graph and its node positions drawn with skia-python to PNG, SVG
or PDF. One drawing routine serves the three formats; only the canvas differs.

Sizes are in points (1/72 inch). A PNG is ``round(width * dpi / 72)`` by
``round(height * dpi / 72)`` pixels with the drawing scaled to match; SVG and PDF pages
are ``width`` x ``height`` points. Text uses the DejaVu Sans font shipped in
``groggy/viz/fonts`` (never a font of the machine), so a PNG or PDF looks the same
everywhere; an SVG names the font family ``'DejaVu Sans', sans-serif`` and gives every
glyph its position, so a browser without DejaVu Sans draws a close sans-serif.

Large graphs: edges are batched into one path per colour and width (hairlines by
default once edges are many), edges and nodes off the canvas are culled, labels are
placed greedily by node size and only where they do not overlap, and the work is NumPy
over whole arrays: a 100k-node / 500k-edge PNG takes one to two seconds.
"""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import numpy as np
import skia

from groggy._core import _raster

from groggy.themes import get_theme
from groggy.viz.labels import CELL, label_order, occupancy, place_labels
from groggy.viz.node_sprites import NodePass, NodeStamper
from groggy.viz.png import encode_png
from groggy.viz.skia_paths import dots_path, polygons_path, quads_path, segments_path
from groggy.viz.style import (SHAPES, Style, default_node_size, edge_style, node_style,
                              parse_color, with_alpha)

FORMATS = ("png", "svg", "pdf")
FONT_FILE = Path(__file__).with_name("fonts") / "DejaVuSans.ttf"
MAX_PIXELS = 1 << 28          # a PNG larger than this (1 GiB of RGBA) is refused
ARROW_EDGES = 20_000          # arrowheads only while at most this many edges are drawn
EDGES_PER_PATH = 250_000      # edges are drawn in paths of at most this many
TITLE_SIZE, LEGEND_SIZE = 14.0, 9.0
RASTER_THREADS = min(os.cpu_count() or 1, 4)  # row bands drawn at once by _raster
OUTLINE_MIN = 6.0             # nodes smaller than this (points across) get no outline
LEGEND_ROWS = 12              # categories listed in the legend; the rest are counted


@functools.lru_cache(maxsize=None)
def typeface() -> skia.Typeface:
    """The shipped DejaVu Sans typeface, loaded by a font manager that knows no system
    font (so nothing of the machine's fontconfig is consulted)."""
    face = skia.FontMgr.New_Custom_Empty().makeFromFile(str(FONT_FILE))
    if face is None:
        raise RuntimeError(f"cannot load the font {FONT_FILE}; reinstall groggy")
    return face


def _font(size: float) -> skia.Font:
    font = skia.Font(typeface(), size)
    font.setEdging(skia.Font.Edging.kAntiAlias)
    font.setSubpixel(True)
    return font


class Frame:
    """Where layout coordinates land on the page: ``points(xy)`` maps ``(n, 2)`` layout
    positions (y up) into the drawing box ``(left, top, right, bottom)`` of the page (y
    down), keeping the aspect ratio and centring; ``view`` (xmin, ymin, xmax, ymax) is
    the part of the layout shown (default: all of it).

    Examples
    --------
    >>> f = Frame(np.array([[0.0, 0.0], [2.0, 1.0]]), (10, 10, 110, 110))
    >>> f.points(np.array([[0.0, 0.0], [2.0, 1.0]])).tolist()
    [[10.0, 85.0], [110.0, 35.0]]
    """

    def __init__(self, positions: np.ndarray, box: tuple, view: tuple | None = None):
        if view is None:
            lo = positions.min(0) if len(positions) else np.zeros(2)
            hi = positions.max(0) if len(positions) else np.zeros(2)
        else:
            lo, hi = np.array(view[:2], dtype=float), np.array(view[2:], dtype=float)
            if not (np.isfinite([*lo, *hi]).all() and (hi >= lo).all()):
                raise ValueError(f"viewport must be (xmin, ymin, xmax, ymax) with min <= "
                                 f"max, got {view!r}")
        left, top, right, bottom = box
        span = hi - lo
        room = np.array([max(right - left, 1e-9), max(bottom - top, 1e-9)])
        fit = [room[k] / span[k] for k in range(2) if span[k] > 0]
        self.scale = min(fit) if fit else 1.0
        self.mid = (lo + hi) / 2
        self.centre = np.array([(left + right) / 2, (top + bottom) / 2])

    def points(self, xy: np.ndarray) -> np.ndarray:
        out = (xy - self.mid) * self.scale
        out[:, 1] *= -1
        return out + self.centre


def _paint(argb: int, stroke: float | None = None, cap=skia.Paint.kButt_Cap) -> skia.Paint:
    paint = skia.Paint(AntiAlias=True, Color=int(argb))
    if stroke is not None:
        paint.setStyle(skia.Paint.kStroke_Style)
        paint.setStrokeWidth(float(stroke))
        paint.setStrokeCap(cap)
    return paint


def _median(values: np.ndarray) -> float:
    """The median of a non-empty array. ``np.median`` imports ``numpy.ma`` on its first
    call, 60-100 ms that a process's first export would pay.

    Examples
    --------
    >>> _median(np.array([3.0, 1.0, 2.0])), _median(np.array([4.0, 1.0, 2.0, 3.0]))
    (2.0, 2.5)
    """
    k = values.size // 2
    part = np.partition(values, [k - 1, k] if values.size % 2 == 0 else [k])
    return float(part[k]) if values.size % 2 else float((part[k - 1] + part[k]) / 2)


def _groups(*keys: np.ndarray):
    """(first index of each group, indices of each group) for rows equal in all keys."""
    if keys[0].size == 0:
        return
    code = np.zeros(keys[0].size, dtype=np.int64)
    for key in keys:  # one small integer code per distinct combination of the keys
        values, inverse = np.unique(np.asarray(key), return_inverse=True)
        code = code * values.size + inverse.ravel()
    order = np.argsort(code, kind="stable")
    cuts = np.flatnonzero(np.diff(code[order])) + 1
    for rows in np.split(order, cuts):
        yield rows[0], rows


class Scene:
    """Everything to draw, in page coordinates (points), computed once per render."""

    def __init__(self, graph, positions: np.ndarray, theme: dict, width: float,
                 height: float, style: Style):
        self.theme, self.width, self.height, self.style = theme, width, height, style
        n, m = graph.n, graph.sources.shape[0]
        self.nodes = node_style(graph, style, theme, default_node_size(n, width, height))
        self.edges = edge_style(graph, style, theme, 0.0 if m > 5000 else 1.0)
        self.background = parse_color(theme["background"])
        self.ink = parse_color(theme["label"])
        self.legend = self.nodes.legend
        self.legend_box = self._legend_size() if self.legend is not None else (0.0, 0.0)
        radius = float(self.nodes.sizes.max()) / 2 if n else 0.0
        pad = min(radius + 8.0, 0.25 * min(width, height))
        top = pad + (TITLE_SIZE * 1.8 if style.title else 0.0)
        right = width - pad - (self.legend_box[0] + 8.0 if self.legend_box[0] else 0.0)
        self.frame = Frame(positions, (pad, top, max(right, pad), height - pad),
                           style.viewport)
        self.xy = self.frame.points(positions)
        self.directed = graph.directed
        self.sources, self.targets = graph.sources, graph.targets

    # -------------------------------------------------------------- geometry
    def visible_nodes(self) -> np.ndarray:
        r = self.nodes.sizes / 2
        x, y = self.xy[:, 0], self.xy[:, 1]
        return np.flatnonzero((x + r >= 0) & (x - r <= self.width) & (y + r >= 0) &
                              (y - r <= self.height) & (self.nodes.sizes > 0))

    def visible_edges(self) -> tuple:
        """(edge rows, their start points, their end points) of the edges whose box
        meets the page and that are longer than a speck (self-loops are not drawn)."""
        a, b = self.xy[self.sources], self.xy[self.targets]
        x0, x1 = np.minimum(a[:, 0], b[:, 0]), np.maximum(a[:, 0], b[:, 0])
        y0, y1 = np.minimum(a[:, 1], b[:, 1]), np.maximum(a[:, 1], b[:, 1])
        keep = np.flatnonzero((x1 >= 0) & (x0 <= self.width) & (y1 >= 0) &
                              (y0 <= self.height) & ((x1 - x0) + (y1 - y0) > 0.05))
        return keep, a[keep], b[keep]

    def _legend_size(self) -> tuple:
        font, legend = _font(LEGEND_SIZE), self.legend
        rows = [legend.title] + [t for t, _, _ in legend.entries[:LEGEND_ROWS]] \
            if legend.entries else [legend.title, f"{legend.ramp[1]:.4g}",
                                    f"{legend.ramp[0]:.4g}"]
        if legend.entries and len(legend.entries) > LEGEND_ROWS:
            rows.append(f"+{len(legend.entries) - LEGEND_ROWS} more")
        text = max(font.measureText(r) for r in rows)
        if legend.entries:
            return text + LEGEND_SIZE * 2.6, LEGEND_SIZE * 1.5 * len(rows) + LEGEND_SIZE
        return max(text, font.measureText(legend.title)) + LEGEND_SIZE * 3, \
            LEGEND_SIZE * 13

    # -------------------------------------------------------------- drawing
    def draw(self, canvas: skia.Canvas, one_by_one: bool = False, hairlines=None,
             stamps=None) -> None:
        """Draw everything; ``one_by_one`` draws each node as its own element (SVG: one
        element per node), otherwise nodes of one colour, shape and size go in one path.
        ``hairlines(starts, ends, colors)``, when given, draws the straight hairline
        edges instead of Skia (the PNG's own rasterizer); ``stamps``, when given, draws
        the nodes (``draw_nodes``)."""
        if self.background >> 24:
            canvas.drawRect(skia.Rect.MakeWH(self.width, self.height),
                            _paint(self.background))
        self.draw_edges(canvas, hairlines)
        self.draw_nodes(canvas, one_by_one, stamps)
        if self.nodes.labels is not None:
            self.draw_labels(canvas)
        if self.legend is not None:
            self.draw_legend(canvas)
        if self.style.title:
            font = _font(TITLE_SIZE)
            w = font.measureText(self.style.title)
            canvas.drawString(self.style.title, (self.width - w) / 2, 8.0 + TITLE_SIZE,
                              font, _paint(self.ink))

    def draw_edges(self, canvas: skia.Canvas, hairlines=None) -> None:
        keep, a, b = self.visible_edges()
        if keep.size == 0:
            return
        colors, widths = self.edges.colors[keep], self.edges.widths[keep]
        if self.style.edge_color is None:   # thin out the ink of dense drawings
            ink = float((np.hypot(*(b - a).T) * np.maximum(widths, 0.5)).sum())
            colors = with_alpha(colors, min(1.0, max(0.08, 0.5 * self.width * self.height
                                                     / max(ink, 1e-9))))
        control = (a + b) / 2 + (b - a)[:, ::-1] * np.array([0.2, -0.2]) \
            if self.style.curved else None
        widths = np.round(widths * 4) / 4
        cap = skia.Paint.kRound_Cap if self.style.curved else skia.Paint.kButt_Cap
        by_kernel = hairlines is not None and control is None
        if by_kernel:
            thin = widths == 0
            hairlines(a[thin], b[thin], colors[thin])
        for first, rows in _groups(colors, widths):
            if by_kernel and widths[first] == 0:
                continue                    # the hairlines are drawn already
            paint = _paint(colors[first], widths[first], cap)
            for at in range(0, rows.size, EDGES_PER_PATH):
                part = rows[at:at + EDGES_PER_PATH]
                canvas.drawPath(segments_path(a[part], b[part]) if control is None else
                                quads_path(a[part], control[part], b[part]), paint)
        if (self.style.arrows if self.style.arrows is not None else self.directed) and \
                keep.size <= ARROW_EDGES:
            tail = a if control is None else control
            self.draw_arrows(canvas, tail, b, self.targets[keep], colors, widths)

    def draw_arrows(self, canvas, tail, tip, targets, colors, widths) -> None:
        d = tip - tail
        length = np.hypot(d[:, 0], d[:, 1])
        size = 4.0 + 2.5 * widths
        reach = self.nodes.sizes[targets] / 2 + size
        ok = length > reach + 1e-9
        unit = d[ok] / length[ok, None]
        point = tip[ok] - unit * (self.nodes.sizes[targets[ok], None] / 2)
        base = point - unit * size[ok, None]
        side = unit[:, ::-1] * np.array([-1.0, 1.0]) * (size[ok, None] * 0.45)
        corners = np.stack([point, base + side, base - side], 1)
        col = colors[ok]
        for first, rows in _groups(col):
            canvas.drawPath(polygons_path(corners[rows]), _paint(col[first]))

    def draw_nodes(self, canvas: skia.Canvas, one_by_one: bool, stamps=None) -> None:
        """``stamps`` (the PNG's ``NodeStamper``), when given, draws the batched passes
        by stamping pre-rendered masks into the pixels, falling back to Skia pass by
        pass where a mask would not fit (see ``node_sprites.py``)."""
        rows = self.visible_nodes()
        nodes = self.nodes
        stroke = parse_color(self.theme["node_stroke"])
        outline = None
        if stroke >> 24 and rows.size and nodes.sizes[rows].max() >= OUTLINE_MIN:
            width = float(np.clip(0.08 * _median(nodes.sizes[rows]), 0.5, 1.5))
            outline = _paint(stroke, width)
        if one_by_one:
            self._draw_each_node(canvas, rows, outline)
            return
        passes = self.node_passes(rows, outline)
        if stamps is not None:
            stamps.draw(canvas, passes, self.xy)
        else:
            for p in passes:
                draw_pass(canvas, p, self.xy[p.rows])

    def _draw_each_node(self, canvas, rows, outline) -> None:
        nodes, fill, current = self.nodes, _paint(0), None
        xs, ys = self.xy[rows, 0].tolist(), self.xy[rows, 1].tolist()
        rs = (nodes.sizes[rows] / 2).tolist()
        colors, shapes = nodes.colors[rows].tolist(), nodes.shapes[rows].tolist()
        for x, y, r, c, s in zip(xs, ys, rs, colors, shapes):
            if c != current:
                fill.setColor(c)
                current = c
            _shape(canvas, SHAPES[s], x, y, r, fill)
            if outline is not None and 2 * r >= OUTLINE_MIN:
                _shape(canvas, SHAPES[s], x, y, r, outline)

    def node_passes(self, rows, outline) -> list:
        """The batched node drawing as ``NodePass``es, in drawing order: one per colour,
        shape and size (sizes to 1/4 point). Circles are zero-length segments with round
        caps; an outlined circle is a dot of the outline's outer diameter under a dot of
        its inner one, the same rings as drawing each node's outline over its fill."""
        nodes, passes = self.nodes, []
        colors, shapes = nodes.colors[rows], nodes.shapes[rows]
        size = np.round(nodes.sizes[rows] * 4) / 4
        ring = outline.getStrokeWidth() if outline is not None else 0.0
        ringed = (size >= OUTLINE_MIN) & (outline is not None)
        circle = shapes == SHAPES.index("circle")
        if outline is not None:
            under = np.flatnonzero(circle & ringed)
            for first, group in _groups(size[under]):
                d = float(size[under[first]]) + ring
                passes.append(NodePass("dot", "circle", d, 0.0, outline.getColor(),
                                       rows[under[group]], d / 2))
        for first, group in _groups(colors, shapes, size):
            d = float(size[first]) - (ring if ringed[first] else 0.0)
            shape, color = SHAPES[shapes[first]], int(colors[first])
            if shape == "circle":
                if d > 0:
                    passes.append(NodePass("dot", shape, d, 0.0, color, rows[group], d / 2))
                continue
            half = float(size[first]) / 2 * _REACH[shape]
            passes.append(NodePass("fill", shape, float(size[first]), 0.0, color,
                                   rows[group], half))
            if ringed[first]:   # a miter join reaches at most one stroke width further
                passes.append(NodePass("stroke", shape, float(size[first]), ring,
                                       outline.getColor(), rows[group], half + ring))
        return passes

    def draw_labels(self, canvas: skia.Canvas) -> None:
        """The labels that fit without overlapping (the rule of ``labels.py``)."""
        labels, sizes = self.nodes.labels, self.nodes.sizes
        visible = self.visible_nodes()
        rows = label_order(self.xy, sizes, [i for i in visible.tolist() if labels[i]])
        if rows.size == 0:
            return
        font = _font(self.style.font_size)
        metrics = font.getMetrics()
        ascent, descent = -metrics.fAscent, metrics.fDescent
        blocked = []
        if self.style.title:                                  # keep clear of the title
            blocked.append((0.0, 0.0, self.width, TITLE_SIZE * 1.8 - CELL))
        if self.legend is not None:                           # and of the legend
            blocked.append(self.legend_rect())
        taken = occupancy(self.width, self.height, self.xy[visible], sizes[visible] / 2,
                          blocked)
        widths = [font.measureText(labels[i]) for i in rows.tolist()]
        paint = _paint(self.ink)
        for i, x0, y0 in place_labels(rows, self.xy, sizes, widths, ascent + descent,
                                      (self.width, self.height), taken):
            canvas.drawString(labels[i], x0, y0 + ascent, font, paint)

    def legend_rect(self) -> tuple:
        """(x, y, width, height) of the legend: the top right corner, under a title."""
        w, h = self.legend_box
        top = 8.0 + (TITLE_SIZE * 1.8 if self.style.title else 0.0)
        return self.width - w - 8.0, top, w, h

    def draw_legend(self, canvas: skia.Canvas) -> None:
        legend, font = self.legend, _font(LEGEND_SIZE)
        x0, y0, w, h = self.legend_rect()
        if self.background >> 24:
            canvas.drawRect(skia.Rect.MakeXYWH(x0, y0, w, h), _paint(self.background))
        canvas.drawRect(skia.Rect.MakeXYWH(x0, y0, w, h),
                        _paint(parse_color(self.theme["border"]), 0.75))
        ink, line = _paint(self.ink), LEGEND_SIZE * 1.5
        left, y = x0 + LEGEND_SIZE * 0.6, y0 + LEGEND_SIZE * 0.5 + LEGEND_SIZE
        canvas.drawString(legend.title, left, y, font, ink)
        if legend.entries:
            stroke = parse_color(self.theme["node_stroke"])
            outline = _paint(stroke, 0.75) if stroke >> 24 else None
            r = LEGEND_SIZE * 0.4
            for text, color, shape in legend.entries[:LEGEND_ROWS]:
                y += line
                _shape(canvas, SHAPES[shape], left + r, y - r * 0.9, r, _paint(color))
                if outline is not None:
                    _shape(canvas, SHAPES[shape], left + r, y - r * 0.9, r, outline)
                canvas.drawString(text, left + LEGEND_SIZE * 1.6, y, font, ink)
            if len(legend.entries) > LEGEND_ROWS:
                canvas.drawString(f"+{len(legend.entries) - LEGEND_ROWS} more", left,
                                  y + line, font, ink)
            return
        lo, hi, stops = legend.ramp
        top, bottom = y + LEGEND_SIZE * 0.8, y0 + h - LEGEND_SIZE * 0.8
        bar = skia.Rect.MakeLTRB(left, top, left + LEGEND_SIZE, bottom)
        shader = skia.GradientShader.MakeLinear(
            [skia.Point(left, bottom), skia.Point(left, top)], [int(c) for c in stops])
        canvas.drawRect(bar, skia.Paint(AntiAlias=True, Shader=shader))
        text_x = left + LEGEND_SIZE * 1.5
        canvas.drawString(f"{hi:.4g}", text_x, top + LEGEND_SIZE * 0.8, font, ink)
        canvas.drawString(f"{lo:.4g}", text_x, bottom, font, ink)


_UNIT = {"triangle": [(0.0, -1.15), (1.0, 0.58), (-1.0, 0.58)],
         "diamond": [(0.0, -1.2), (1.2, 0.0), (0.0, 1.2), (-1.2, 0.0)]}
_UNIT_ARRAYS = {"square": np.array([(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]),
                **{k: np.array(v) for k, v in _UNIT.items()}}


_REACH = {k: float(np.abs(v).max()) for k, v in _UNIT_ARRAYS.items()}


def draw_pass(canvas: skia.Canvas, p: NodePass, xy: np.ndarray) -> None:
    """One batched node pass drawn by Skia at ``xy`` (page points, one row per node)."""
    if p.kind == "dot":
        canvas.drawPath(dots_path(xy), _paint(p.color, p.width, skia.Paint.kRound_Cap))
        return
    path = polygons_path(xy[:, None, :] + _UNIT_ARRAYS[p.shape] * (p.width / 2))
    canvas.drawPath(path, _paint(p.color) if p.kind == "fill" else _paint(p.color, p.ring))


def _shape(canvas: skia.Canvas, shape: str, x: float, y: float, r: float,
           paint: skia.Paint) -> None:
    if shape == "circle":
        canvas.drawCircle(x, y, r, paint)
    elif shape == "square":
        canvas.drawRect(skia.Rect.MakeLTRB(x - r, y - r, x + r, y + r), paint)
    else:
        canvas.drawPath(skia.Path.Polygon([skia.Point(x + u * r, y + v * r)
                                           for u, v in _UNIT[shape]], True), paint)


# ------------------------------------------------------------------ formats

def pixel_size(width: float, height: float, dpi: float | None) -> tuple:
    """The PNG size in pixels of a ``width`` x ``height`` point drawing at ``dpi``.

    Examples
    --------
    >>> pixel_size(800, 600, None), pixel_size(800, 600, 300)
    ((800, 600), (3333, 2500))
    """
    scale = (dpi or 72.0) / 72.0
    return max(1, round(width * scale)), max(1, round(height * scale))


def _png(scene: Scene, dpi: float | None, stamped: bool = True) -> bytes:
    """``stamped=False`` draws the nodes with Skia alone (the tests' reference)."""
    w, h = pixel_size(scene.width, scene.height, dpi)
    if w * h > MAX_PIXELS:
        raise ValueError(f"a {w} x {h} PNG is more than {MAX_PIXELS:,} pixels; lower "
                         f"width, height or dpi")
    pixels = np.zeros((h, w, 4), dtype=np.uint8)   # Skia's native order: BGRA, premultiplied
    surface = skia.Surface(pixels, colorType=skia.kBGRA_8888_ColorType,
                           alphaType=skia.kPremul_AlphaType)
    canvas = surface.getCanvas()
    scale = np.array([w / scene.width, h / scene.height])
    canvas.scale(*scale.tolist())

    def hairlines(starts, ends, colors):
        _raster.hairlines(pixels.view(np.uint32)[..., 0], starts * scale, ends * scale,
                          np.ascontiguousarray(colors, dtype=np.uint32), RASTER_THREADS)
    stamps = NodeStamper(pixels.view(np.uint32)[..., 0], scale, draw_pass,
                         RASTER_THREADS) if stamped else None
    scene.draw(canvas, hairlines=hairlines, stamps=stamps)
    rgba = surface.makeImageSnapshot().toarray(colorType=skia.kRGBA_8888_ColorType,
                                               alphaType=skia.kUnpremul_AlphaType)
    return encode_png(rgba, dpi=dpi)


def _svg(scene: Scene) -> bytes:
    stream = skia.DynamicMemoryWStream()
    canvas = skia.SVGCanvas.Make(skia.Rect.MakeWH(scene.width, scene.height), stream)
    scene.draw(canvas, one_by_one=True)
    del canvas                      # flushes the document into the stream
    text = bytes(stream.detachAsData()).decode("utf-8")
    # a trailing separator in skia's glyph position lists is not valid SVG
    text = re.sub(r'( [xy]="[^"]*?),\s*"', r'\1"', text)
    text = text.replace('font-family="DejaVu Sans"',
                        "font-family=\"'DejaVu Sans', sans-serif\"")
    text = text.replace("<svg ", f'<svg viewBox="0 0 {scene.width:g} {scene.height:g}" ', 1)
    return text.encode("utf-8")


def _pdf(scene: Scene, dpi: float | None) -> bytes:
    stream = skia.DynamicMemoryWStream()
    meta = {"Title": scene.style.title or "graph", "Creator": "groggy", "Producer": "skia"}
    if dpi:
        meta["RasterDPI"] = float(dpi)
    doc = skia.PDF.MakeDocument(stream, **meta)
    canvas = doc.beginPage(scene.width, scene.height)
    scene.draw(canvas)
    doc.endPage()
    doc.close()
    return bytes(stream.detachAsData())


def render_graph(graph, positions: np.ndarray, format: str = "png", theme: str = "light",
                 width: float = 800, height: float = 600, dpi: float | None = None,
                 style: Style | None = None) -> bytes:
    """The file bytes of ``graph`` (a ``GraphInput``) drawn at ``positions`` (``(n, 2)``,
    row i for node i of ``graph``).

    Examples
    --------
    >>> import numpy as np, groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
    >>> png = render_graph(g.viz.graph_input(), np.array([[0., 0.], [1., 0.], [1., 1.]]),
    ...                    width=100, height=80, dpi=144)
    >>> png[:4], int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    (b'\\x89PNG', 200, 160)
    """
    check_format(format)
    palette = get_theme(theme)
    if not (float(width) > 0 and float(height) > 0):
        raise ValueError(f"width and height must be positive points, got {width!r} x "
                         f"{height!r}")
    if dpi is not None and not float(dpi) > 0:
        raise ValueError(f"dpi must be positive, got {dpi!r}")
    positions = np.asarray(positions, dtype=np.float64)
    if positions.shape != (graph.n, 2):
        raise ValueError(f"positions must be ({graph.n}, 2) for this graph, got "
                         f"{positions.shape}")
    scene = Scene(graph, positions, palette, float(width), float(height), style or Style())
    return encode_scene(scene, format, dpi)


def encode_scene(scene: Scene, format: str, dpi: float | None = None) -> bytes:
    """The file bytes of a prepared :class:`Scene` (``render_graph``'s last step; the
    graph page's export adjusts a scene to its camera first)."""
    if format == "png":
        return _png(scene, dpi)
    return _svg(scene) if format == "svg" else _pdf(scene, dpi)


def check_format(format) -> str:
    """``format`` if it is one of ``FORMATS``, else a ``ValueError`` listing them.

    Examples
    --------
    >>> check_format("svg")
    'svg'
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of {list(FORMATS)}")
    return format


__all__ = ["FORMATS", "Frame", "Scene", "check_format", "encode_scene", "pixel_size", "render_graph",
           "typeface"]
