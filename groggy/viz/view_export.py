"""The graph page's "export this view": the static renderer's drawing of a graph view's
scene, at the page's camera (centre, zoom, canvas size, node scale) and with its look, so
that the file shows what the page shows, node for node."""
from __future__ import annotations

import numpy as np

from groggy.themes import get_theme
from groggy.viz.render import Scene, check_format, encode_scene
from groggy.viz.style import Style

MAX_SIDE = 4096          # CSS px (= PNG pixels, = SVG/PDF points) of an exported view


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
    for name, side in (("width", width), ("height", height)):
        if not (isinstance(side, int) and 1 <= side <= MAX_SIDE):
            raise ValueError(f"{name} must be an int in 1..{MAX_SIDE}, got {side!r}")
    if not all(np.isfinite([cx, cy, zoom, node_scale])) or zoom <= 0 or node_scale <= 0:
        raise ValueError("cx, cy must be finite and zoom, node_scale positive")
    style = dict(look.style)
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
    return encode_scene(drawing, format)
