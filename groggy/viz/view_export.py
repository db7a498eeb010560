"""The graph page's "export this view": the static renderer's drawing of a graph view's
scene, at the page's camera (centre, zoom, canvas size, node scale) and with its look, so
that the file shows what the page shows, node for node."""
from __future__ import annotations

import numpy as np
import skia

from groggy.themes import get_theme
from groggy.viz.render import Scene, check_format, encode_scene, raster
from groggy.viz.style import Style

MAX_SIDE = 4096          # CSS px (= PNG pixels, = SVG/PDF points) of an exported view
PAGE_MARGIN = 24         # CSS px the page keeps free around a fitted graph (graph-view.js)
FIRST_VIEW_QUALITY = 90  # JPEG quality of a first view's stand-in


def render_view(scene, look, format: str, cx: float, cy: float, zoom: float,
                width: int, height: int, node_scale: float = 1.0,
                show_labels: bool | None = None) -> bytes:
    """The file bytes of ``scene`` (a ``GraphScene``) drawn with ``look`` where the page's
    camera puts it: layout point (x, y) lands at ``((x - cx) * zoom + width / 2,
    (cy - y) * zoom + height / 2)``; node diameters and edge widths are the look's times
    ``node_scale`` (the page's ``Camera.nodeScale()``).

    Examples
    --------
    >>> import groggy as gg
    >>> from groggy.viz.interactive import build_scene
    >>> g = gg.Graph(); _ = g.add_nodes(2); _ = g.add_edge(0, 1)
    >>> s = build_scene(g.viz, "circular", "light", None, {})
    >>> render_view(s, s.look, "svg", 0.0, 0.0, 100.0, 300, 200)[:4]
    b'<?xm'
    """
    check_format(format)
    return encode_scene(view_scene(scene, look, cx, cy, zoom, width, height, node_scale,
                                   show_labels), format)


def view_scene(scene, look, cx: float, cy: float, zoom: float, width: int, height: int,
               node_scale: float = 1.0, show_labels: bool | None = None,
               **style) -> Scene:
    """The static renderer's :class:`Scene` of :func:`render_view`'s drawing (``style``:
    keywords that override the look's)."""
    for name, side in (("width", width), ("height", height)):
        if not (isinstance(side, int) and 1 <= side <= MAX_SIDE):
            raise ValueError(f"{name} must be an int in 1..{MAX_SIDE}, got {side!r}")
    if not all(np.isfinite([cx, cy, zoom, node_scale])) or zoom <= 0 or node_scale <= 0:
        raise ValueError("cx, cy must be finite and zoom, node_scale positive")
    style = {**look.style, **style}
    if show_labels is not None:
        style["show_labels"] = show_labels
    positions = scene.positions.astype(np.float64)
    drawing = Scene(scene.graph, positions, get_theme(look.theme), float(width),
                    float(height), Style.from_kwargs(style, "export"))
    xy = (positions - np.array([cx, cy])) * zoom
    xy[:, 1] *= -1
    drawing.xy = xy + np.array([width / 2, height / 2])
    drawing.nodes.sizes = look.sizes.astype(np.float64) * node_scale
    if look.edge_widths is not None:
        drawing.edges.widths = look.edge_widths.astype(np.float64) * node_scale
    return drawing


def page_fit(bounds, width: int, height: int) -> tuple:
    """(cx, cy, zoom) of the page's camera fitted to ``bounds`` in a canvas of
    ``width`` x ``height`` CSS px (graph-view.js, ``Camera.fit``).

    Examples
    --------
    >>> page_fit([0.0, 0.0, 10.0, 5.0], 148, 100)
    (5.0, 2.5, 10.0)
    """
    x0, y0, x1, y1 = (float(v) for v in bounds)
    w, h = max(width - 2 * PAGE_MARGIN, 1), max(height - 2 * PAGE_MARGIN, 1)
    spans = [w / (x1 - x0)] if x1 > x0 else []
    spans += [h / (y1 - y0)] if y1 > y0 else []
    return (x0 + x1) / 2, (y0 + y1) / 2, min(spans) if spans else 1.0


def first_view_jpeg(scene, look, width: int, height: int) -> tuple:
    """(JPEG bytes, (cx, cy, zoom)): the page's first view of ``scene``, fitted to a
    ``width`` x ``height`` canvas, drawn by the static renderer as the page's vectors
    look (the look's own edge colour, never thinned out; straight edges without
    arrowheads, as the page draws them; no legend, no labels: the page draws those
    itself). A page that draws on the CPU shows it while its first frame of
    vectors is being drawn (docs/protocol.md, "The first view on a CPU renderer"); JPEG,
    since it is a stand-in for a second or two and a tenth of the PNG's bytes."""
    camera = page_fit(scene.bounds, width, height)
    plain = {} if look.edge_colors is not None else {"edge_color": look.edge_color}
    drawing = view_scene(scene, look, *camera, width, height, show_labels=False,
                         legend=False, arrows=False, curved=False, **plain)
    # one thread: the browser is starting the page on the same cores meanwhile, and a
    # parallel kernel waits at its barrier for whichever thread the OS set aside
    # (in page start-ups: ~170 ms a drawing at 10k with one thread, ~200 ms with two)
    image = skia.Image.fromarray(np.ascontiguousarray(raster(drawing, threads=1)),
                                 colorType=skia.kRGBA_8888_ColorType)
    return bytes(image.encodeToData(skia.kJPEG, FIRST_VIEW_QUALITY)), camera
