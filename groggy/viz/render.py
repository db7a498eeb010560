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
from groggy.viz.ends import (UNIT_CORNERS, arrow_bases, arrow_size, arrowheads,
                              directions, reach)
from groggy.viz.fit import edge_width_for, fitted_node_size, margin, median
from groggy.viz.labels import CELL, label_order, occupancy, place_labels
from groggy.viz.node_sprites import NodePass, NodeStamper
from groggy.viz.png import encode_png
from groggy.viz.polylines import polyline_legs
from groggy.viz.skia_paths import dots_path, polygons_path, quads_path, segments_path
from groggy.viz.style import (SHAPES, Style, default_node_size, edge_style, node_sizes,
                              node_style, parse_color, with_alpha)
from groggy.viz.text import glyph_outline, halo_paint

FORMATS = ("png", "svg", "pdf")
FONT_FILE = Path(__file__).with_name("fonts") / "DejaVuSans.ttf"
MAX_PIXELS = 1 << 28          # a PNG larger than this (1 GiB of RGBA) is refused
ARROW_EDGES = 20_000          # arrowheads only while at most this many edges are drawn
HEAD_ALPHA = 0.7              # arrowheads of thinned-out edges keep at least this opacity
EDGES_PER_PATH = 250_000      # edges are drawn in paths of at most this many
TITLE_SIZE, LEGEND_SIZE = 14.0, 9.0
RASTER_THREADS = min(os.cpu_count() or 1, 4)  # row bands drawn at once by _raster
OUTLINE_MIN = 6.0             # nodes smaller than this (points across) get no outline
LEGEND_ROWS = 12              # categories listed in the legend; the rest are counted
HALO_SHARE, HALO_MIN, HALO_MAX = 0.15, 0.4, 1.5   # node halo: share of the diameter, bounds


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
    down), centred, with one scale on both axes (``keep_aspect``) or each axis filling
    the box (layered layouts); ``view`` (xmin, ymin, xmax, ymax) is the part of the
    layout shown (default: all of it).

    Examples
    --------
    >>> f = Frame(np.array([[0.0, 0.0], [2.0, 1.0]]), (10, 10, 110, 110))
    >>> f.points(np.array([[0.0, 0.0], [2.0, 1.0]])).tolist()
    [[10.0, 85.0], [110.0, 35.0]]
    >>> f = Frame(np.array([[0.0, 0.0], [2.0, 1.0]]), (10, 10, 110, 110), keep_aspect=False)
    >>> f.points(np.array([[0.0, 0.0], [2.0, 1.0]])).tolist()
    [[10.0, 110.0], [110.0, 10.0]]
    """

    def __init__(self, positions: np.ndarray, box: tuple, view: tuple | None = None,
                 keep_aspect: bool = True):
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
        self.scale = np.full(2, min(fit) if fit else 1.0)
        if not keep_aspect:     # each axis with a spread fills its side of the box
            self.scale = np.where(span > 0, room / np.where(span > 0, span, 1), self.scale)
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
                 height: float, style: Style, bends: tuple | None = None):
        self.theme, self.width, self.height, self.style = theme, width, height, style
        n, m = graph.n, graph.sources.shape[0]
        self.nodes = node_style(graph, style, theme, default_node_size(n, width, height))
        self.edges = edge_style(graph, style, theme, 0.0 if m > 5000 else 1.0)
        self.background = parse_color(theme["background"])
        self.ink = parse_color(theme["label"])
        self.legend = self.nodes.legend
        self.legend_box = self._legend_size() if self.legend is not None else (0.0, 0.0)
        # bend points are part of the drawing: the frame fits them too
        self.frame = self._fit(graph, positions, None if bends is None else bends[1])
        if style.edge_width is None:        # edges thinner than small nodes
            self.edges.widths = np.minimum(self.edges.widths,
                                           edge_width_for(1.0, self.nodes.sizes))
        self.xy = self.frame.points(positions)
        # edges routed through points (layered layouts): (offsets, page points), see
        # bent_legs
        self.bends = None if bends is None else (bends[0], self.frame.points(bends[1]))
        self.directed = graph.directed
        self.sources, self.targets = graph.sources, graph.targets

    # -------------------------------------------------------------- fitting
    def drawing_box(self) -> tuple:
        """(left, top, right, bottom) the layout is fitted into: the page less the
        margin, the title's band and the legend's column (so the legend never covers
        the drawing); node radii come off it in :meth:`_fit`."""
        pad = margin(self.width, self.height)
        top = pad + (TITLE_SIZE * 1.8 if self.style.title else 0.0)
        right = self.width - pad - (self.legend_box[0] + 8.0 if self.legend_box[0] else 0.0)
        return pad, top, max(right, pad + 1.0), max(self.height - pad, top + 1.0)

    def _fit(self, graph, positions: np.ndarray, bend_points=None) -> Frame:
        """The frame of the drawing. When ``node_size`` is not a number, the default
        diameter is picked from the density of the layout fitted into the box (see
        ``fit.py``) and the node sizes set from it; then the box loses the largest
        radius on every side so that no node pokes out of the margin."""
        style, box = self.style, self.drawing_box()
        aspect = style.keep_aspect is not False
        spread = positions if bend_points is None else np.vstack([positions, bend_points])
        if style.node_size is None or isinstance(style.node_size, str):
            xy = Frame(spread, box, style.viewport, aspect).points(positions)
            inside = ((xy >= box[:2]) & (xy <= box[2:])).all(1)
            self.nodes.sizes = node_sizes(graph, style, fitted_node_size(xy[inside], box))
        radius = float(self.nodes.sizes.max()) / 2 if graph.n else 0.0
        r = min(radius, 0.25 * min(box[2] - box[0], box[3] - box[1]))
        return Frame(spread, (box[0] + r, box[1] + r, box[2] - r, box[3] - r),
                     style.viewport, aspect)

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
        self.draw_halos(canvas, one_by_one)
        if self.arrowheads is not None:
            self.draw_arrows(canvas, *self.arrowheads)
        self.draw_nodes(canvas, one_by_one, stamps)
        if self.nodes.labels is not None or self.edges.labels is not None:
            self.draw_labels(canvas)
        if self.legend is not None:
            self.draw_legend(canvas)
        if self.style.title:
            font = _font(TITLE_SIZE)
            w = font.measureText(self.style.title)
            canvas.drawString(self.style.title, (self.width - w) / 2, 8.0 + TITLE_SIZE,
                              font, _paint(self.ink))

    def draw_edges(self, canvas: skia.Canvas, hairlines=None) -> None:
        """The edges' lines, cut back to the nodes' outlines; with arrows, each line
        stops under its arrowhead, which :meth:`draw` draws over the halos
        (``self.arrowheads``)."""
        keep, a, b = self.visible_edges()
        self.arrowheads = self.lines = None
        if keep.size == 0:
            return
        colors, widths = self.edges.colors[keep], self.edges.widths[keep]
        alpha = 1.0
        if self.style.edge_color is None:   # thin out the ink of dense drawings
            ink = float((np.hypot(*(b - a).T) * np.maximum(widths, 0.5)).sum())
            alpha = min(1.0, max(0.08, 0.5 * self.width * self.height / max(ink, 1e-9)))
            colors = with_alpha(colors, alpha)
        control = (a + b) / 2 + (b - a)[:, ::-1] * np.array([0.2, -0.2]) \
            if self.style.curved and self.bends is None else None
        last = None
        if self.bends is None:
            a, b, cut = self.cut_to_outlines(keep, a, b, control)
            keep, a, b, colors, widths = keep[cut], a[cut], b[cut], colors[cut], widths[cut]
            control = None if control is None else control[cut]
        else:                              # polylines: one segment per leg of an edge
            at, a, b, last = self.bent_legs(keep, a, b)
            keep, colors, widths = keep[at], colors[at], widths[at]
        widths = np.round(widths * 4) / 4
        if (self.style.arrows if self.style.arrows is not None else self.directed) and \
                0 < keep.size <= ARROW_EDGES:
            tail = a if control is None else control
            tip = slice(None) if last is None else last      # arrowheads on last legs
            # as long as the edge's width asks, never longer than the target is wide
            sizes = arrow_size(widths[tip], self.nodes.sizes[self.targets[keep[tip]]])
            # heads less thinned than lines: small, they would fade out of sight
            heads = with_alpha(self.edges.colors[keep[tip]], max(alpha, HEAD_ALPHA))
            self.arrowheads = (tail[tip], b[tip], heads, sizes)
            b = b.copy()
            b[tip] = arrow_bases(tail[tip], b[tip], sizes)
        cap = skia.Paint.kRound_Cap if self.style.curved else skia.Paint.kButt_Cap
        self.lines = (a, b, control, colors, widths)        # for the stubs over halos
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

    # ---------------------------------------------------------- edges with bend points
    def bent_legs(self, keep: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple:
        """The edges ``keep`` (from ``a`` to ``b`` on the page) as the legs of their
        polylines (``polylines.polyline_legs``), each edge's first leg starting on its
        source's outline and its last leg ending on its target's (inner ends are bends)."""
        at, sa, sb, last = polyline_legs(keep, a, b, *self.bends)
        first = np.ones(at.size, dtype=bool)
        first[1:] = at[1:] != at[:-1]
        starts, ends, _ = self.cut_to_outlines(keep[at], sa, sb)
        return (at, np.where(first[:, None], starts, sa), np.where(last[:, None], ends, sb),
                last)

    def draw_arrows(self, canvas, tail, tip, colors, sizes) -> None:
        """Arrowheads ``sizes`` long whose tips are ``tip`` (on the target's outline),
        pointing away from ``tail``."""
        corners, ok = arrowheads(tail, tip, sizes)
        col = colors[ok]
        for first, rows in _groups(col):
            canvas.drawPath(polygons_path(corners[rows]), _paint(col[first]))

    # -------------------------------------------------------------- outlines, halos
    def cut_to_outlines(self, keep, a, b, control=None) -> tuple:
        """(starts, ends, mask) of the edges ``keep`` from ``a`` to ``b``: each end
        moved onto its node's outline (along the curve's tangent when ``control`` bends
        it); edges between touching nodes have nothing left and are masked out."""
        src, dst = self.sources[keep], self.targets[keep]
        out_a = directions(a, b if control is None else control)
        into_b = directions(a if control is None else control, b)
        radii, pad, shapes = self.nodes.sizes / 2, self.outline_pad(), self.nodes.shapes
        ra = reach(shapes[src], radii[src], out_a, pad[src])
        rb = reach(shapes[dst], radii[dst], -into_b, pad[dst])
        starts, ends = a + out_a * ra[:, None], b - into_b * rb[:, None]
        return starts, ends, np.hypot(*(b - a).T) > ra + rb

    @functools.cached_property
    def outline(self) -> tuple:
        """(paint or None, smallest outlined diameter) of the nodes' outlines in the
        theme's ``node_stroke``. A stroke that stands out from the background (black
        on white in ``publication``) outlines every node, however small: it is what
        shows a white node at all; a stroke in the background's colour (a separating
        ring) only nodes of at least ``OUTLINE_MIN`` points."""
        stroke, rows = parse_color(self.theme["node_stroke"]), self.visible_nodes()
        least = 0.0 if self.contrasting else OUTLINE_MIN
        sizes = self.nodes.sizes[rows]
        if not stroke >> 24 or rows.size == 0 or sizes.max() < least:
            return None, least
        width = float(np.clip(0.1 * median(sizes), 0.6 if self.contrasting else 0.5,
                              1.5))
        return _paint(stroke, width), least

    @property
    def contrasting(self) -> bool:
        stroke = parse_color(self.theme["node_stroke"])
        return bool(stroke >> 24) and stroke != self.background

    def outline_pad(self) -> np.ndarray:
        """Per node, how far its outline's stroke reaches out of its shape."""
        paint, least = self.outline
        ring = paint.getStrokeWidth() / 2 if paint is not None else 0.0
        return np.where(self.nodes.sizes >= least, ring, 0.0)

    def outline_radii(self) -> np.ndarray:
        """Per node, the distance from its centre to the outer side of its outline
        (for a circle; a polygon's sides lie :meth:`outline_pad` out of its own)."""
        return self.nodes.sizes / 2 + self.outline_pad()

    def draw_halos(self, canvas: skia.Canvas, one_by_one: bool) -> None:
        """A thin ring of background colour around every node, over the edges and under
        the nodes, so that a node stays readable where edges cross it; drawn where the
        outline stands out from an opaque background (``publication``)."""
        rows = self.visible_nodes()
        if not self.contrasting or self.background >> 24 != 0xFF or rows.size == 0:
            return
        halo = float(min(HALO_MAX, HALO_SHARE * median(self.nodes.sizes[rows])))
        if halo < HALO_MIN:
            return
        radii = np.round((self.outline_radii()[rows] + halo) * 4) / 4
        xy, shapes, paint = self.xy[rows], self.nodes.shapes[rows], _paint(self.background)
        for first, group in _groups(shapes, radii):
            shape, r = SHAPES[shapes[first]], float(radii[first])
            if shape != "circle":
                path = polygons_path(xy[group, None, :] + UNIT_CORNERS[shape] * r)
            elif one_by_one:          # SVG: real circles (a zero-length dot may not show)
                path = skia.Path()
                for x, y in xy[group].tolist():
                    path.addCircle(x, y, r)
            else:
                canvas.drawPath(dots_path(xy[group]), _paint(self.background, 2 * r,
                                                             skia.Paint.kRound_Cap))
                continue
            canvas.drawPath(path, paint)
        self.draw_stubs(canvas, halo)

    def draw_stubs(self, canvas: skia.Canvas, halo: float) -> None:
        """The first ``halo`` points of every edge at both ends again, over the halos:
        a halo hides the edges that cross a node, not those that meet it."""
        if self.lines is None:
            return
        a, b, control, colors, widths = self.lines
        stub = np.minimum(halo + 0.5, 0.5 * np.hypot(*(b - a).T))[:, None]
        ends = (a, b)
        towards = (b, a) if control is None else (control, control)
        for first, rows in _groups(colors, widths):
            paint = _paint(colors[first], widths[first])
            for end, toward in zip(ends, towards):
                e = end[rows]
                canvas.drawPath(segments_path(e, e + directions(e, toward[rows]) * stub[rows]),
                                paint)

    def draw_nodes(self, canvas: skia.Canvas, one_by_one: bool, stamps=None) -> None:
        """``stamps`` (the PNG's ``NodeStamper``), when given, draws the batched passes
        by stamping pre-rendered masks into the pixels, falling back to Skia pass by
        pass where a mask would not fit (see ``node_sprites.py``)."""
        rows = self.visible_nodes()
        outline = self.outline[0]
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
            if outline is not None and 2 * r >= self.outline[1]:
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
        ringed = (size >= self.outline[1]) & (outline is not None)
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

    def label_anchors(self) -> tuple:
        """(texts, anchor points, anchor sizes, rows in placing order): the nodes', or
        the edges' at their midpoints when ``label`` names an edge attribute."""
        if self.nodes.labels is not None:
            labels, xy, sizes = self.nodes.labels, self.xy, self.nodes.sizes
            shown = self.visible_nodes()
        else:
            labels = self.edges.labels
            shown, a, b = self.visible_edges()
            xy = np.zeros((len(labels), 2))
            xy[shown] = (a + b) / 2
            sizes = np.zeros(len(labels))
        return labels, xy, sizes, label_order(xy, sizes,
                                              [i for i in shown.tolist() if labels[i]])

    def draw_labels(self, canvas: skia.Canvas) -> None:
        """The labels that fit without overlapping (the rule of ``labels.py``), each
        over a halo of the background's colour."""
        labels, xy, sizes, rows = self.label_anchors()
        visible = self.visible_nodes()
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
        taken = occupancy(self.width, self.height, self.xy[visible],
                          self.nodes.sizes[visible] / 2, blocked)
        widths = [font.measureText(labels[i]) for i in rows.tolist()]
        paint = _paint(self.ink)
        halo = halo_paint(self.background, self.style.font_size) \
            if self.background >> 24 == 0xFF else None     # none on a transparent page
        for i, x0, y0 in place_labels(rows, xy, sizes, widths, ascent + descent,
                                      (self.width, self.height), taken):
            if halo is not None:
                canvas.drawPath(glyph_outline(font, labels[i], x0, y0 + ascent), halo)
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


_UNIT_ARRAYS = UNIT_CORNERS     # the shapes' corners live with their outlines (ends.py)
_UNIT = {k: v.tolist() for k, v in UNIT_CORNERS.items() if k != "square"}


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
    return encode_png(raster(scene, dpi, stamped), dpi=dpi)


def raster(scene: Scene, dpi: float | None = None, stamped: bool = True,
           threads: int = RASTER_THREADS) -> np.ndarray:
    """The PNG's pixels: an ``(h, w, 4)`` array of straight RGBA (``threads``: the
    kernels' threads)."""
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
                          np.ascontiguousarray(colors, dtype=np.uint32), threads)
    stamps = NodeStamper(pixels.view(np.uint32)[..., 0], scale, draw_pass,
                         threads) if stamped else None
    scene.draw(canvas, hairlines=hairlines, stamps=stamps)
    return surface.makeImageSnapshot().toarray(colorType=skia.kRGBA_8888_ColorType,
                                               alphaType=skia.kUnpremul_AlphaType)


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
                 style: Style | None = None, bends: tuple | None = None) -> bytes:
    """The file bytes of ``graph`` (a ``GraphInput``) drawn at ``positions`` (``(n, 2)``,
    row i for node i of ``graph``). ``bends``, when given, is ``(offsets, points)``:
    edge ``e`` of ``graph`` is drawn as a polyline through ``points[offsets[e]:offsets[e
    + 1]]`` (layout coordinates).

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
    scene = Scene(graph, positions, palette, float(width), float(height), style or Style(),
                  bends)
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


__all__ = ["FORMATS", "Frame", "Scene", "check_format", "encode_scene", "pixel_size", "raster",
           "render_graph", "typeface"]
