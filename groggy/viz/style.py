"""Styling for the static renderer: colours, categorical palettes and colour ramps, and
the mapping from attributes to per-node colours, sizes, shapes and labels and to per-edge
colours and widths. Pure NumPy and no drawing: ``render.py`` draws what this computes.

Colours are ``uint32`` ARGB integers (what Skia takes). The palettes and ramps come from
the theme (``groggy.themes``), never from here.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from groggy.viz.fit import relative_range

SHAPES = ("circle", "square", "triangle", "diamond")
CATEGORICAL_MAX = 12      # an integer attribute with at most this many values is a category
LABEL_AUTO_NODES = 1000   # labels are shown by default up to this many nodes
_NAMES = {"black": "#000000", "white": "#ffffff", "red": "#ff0000", "green": "#008000",
          "blue": "#0000ff", "gray": "#808080", "grey": "#808080", "orange": "#ffa500",
          "purple": "#800080", "yellow": "#ffff00", "transparent": "#00000000"}


def parse_color(value) -> int:
    """An ARGB integer from ``#rgb``, ``#rrggbb``, ``#rrggbbaa``, a few names (``black``,
    ``white``, ``red``, ``grey``, ``transparent``, ...) or an ``(r, g, b[, a])`` tuple of
    0-255 integers; ``ValueError`` for anything else.

    Examples
    --------
    >>> hex(parse_color("#ff8000")), hex(parse_color("#f80")), parse_color("transparent")
    ('0xffff8000', '0xffff8800', 0)
    >>> hex(parse_color((0, 0, 255, 128)))
    '0x800000ff'
    """
    if isinstance(value, (tuple, list)) and len(value) in (3, 4) and \
            all(isinstance(c, (int, np.integer)) and 0 <= c <= 255 for c in value):
        r, g, b, a = (*value, 255) if len(value) == 3 else value
        return (int(a) << 24) | (int(r) << 16) | (int(g) << 8) | int(b)
    text = _NAMES.get(value.lower(), value) if isinstance(value, str) else None
    if text is not None and text.startswith("#"):
        digits = text[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        if len(digits) in (6, 8):
            try:
                rgba = int(digits if len(digits) == 8 else digits + "ff", 16)
            except ValueError:
                pass
            else:
                return ((rgba & 0xFF) << 24) | (rgba >> 8)
    raise ValueError(f"{value!r} is not a colour; use '#rrggbb', '#rrggbbaa', a name like "
                     f"'black', or an (r, g, b[, a]) tuple of 0-255 integers")


def color_list(spec: str) -> np.ndarray:
    """The colours of a comma-separated theme entry, as a ``uint32`` ARGB array.

    Examples
    --------
    >>> [hex(c) for c in color_list("#000000, #ff000080")]
    ['0xff000000', '0x80ff0000']
    """
    return np.array([parse_color(c.strip()) for c in spec.split(",")], dtype=np.uint32)


def with_alpha(argb, alpha) -> np.ndarray:
    """``argb`` with its alpha multiplied by ``alpha`` (0..1).

    Examples
    --------
    >>> hex(with_alpha(0xFF336699, 0.5))
    '0x80336699'
    """
    argb = np.asarray(argb, dtype=np.uint32)
    a = np.round((argb >> 24) * np.clip(alpha, 0, 1)).astype(np.uint32)
    return (argb & np.uint32(0x00FFFFFF)) | (a << np.uint32(24))


def _channels(argb: np.ndarray) -> np.ndarray:
    argb = np.asarray(argb, dtype=np.uint32)
    return np.stack([(argb >> s) & 0xFF for s in (24, 16, 8, 0)], -1).astype(np.float64)


def ramp(stops: np.ndarray, t) -> np.ndarray:
    """Colours at ``t`` (0..1) along the ramp through ``stops`` (evenly spaced, each
    channel interpolated linearly).

    Examples
    --------
    >>> [hex(c) for c in ramp(color_list("#000000,#ffffff"), [0.0, 0.5, 1.0])]
    ['0xff000000', '0xff808080', '0xffffffff']
    """
    t = np.clip(np.asarray(t, dtype=np.float64), 0.0, 1.0)
    ch = _channels(stops)
    at = np.linspace(0.0, 1.0, len(stops))
    out = np.stack([np.interp(t, at, ch[:, k]) for k in range(4)], -1)
    a, r, g, b = (np.round(out[..., k]).astype(np.uint32) for k in range(4))
    return (a << 24) | (r << 16) | (g << 8) | b


def is_grey(argb) -> bool:
    """Whether every colour of ``argb`` has equal red, green and blue."""
    ch = _channels(np.atleast_1d(argb))
    return bool((ch[:, 1] == ch[:, 2]).all() and (ch[:, 2] == ch[:, 3]).all())


def categorical_colors(k: int, palette: np.ndarray) -> np.ndarray:
    """``k`` colours: the palette first, then hues spread by golden-ratio steps beyond
    it; a palette of greys only is repeated instead (a black-and-white theme tells
    categories apart by shape and grey together, see :func:`node_style`).

    Examples
    --------
    >>> colors = categorical_colors(5, color_list("#ff0000,#0000ff"))
    >>> [hex(c) for c in colors[:2]], len(set(colors.tolist()))
    (['0xffff0000', '0xff0000ff'], 5)
    >>> [hex(c) for c in categorical_colors(3, color_list("#000000,#808080"))]
    ['0xff000000', '0xff808080', '0xff000000']
    """
    if k <= len(palette):
        return palette[:k].copy()
    if is_grey(palette):
        return palette[np.arange(k) % len(palette)]
    hue = (np.arange(k - len(palette)) * 0.618034) % 1.0   # golden-ratio steps
    turn = (np.array([5.0, 3.0, 1.0]) + hue[:, None] * 6) % 6
    rgb = 0.85 - 0.85 * 0.65 * np.clip(np.minimum(turn, 4 - turn), 0, 1)   # HSV to RGB
    rgb = np.round(rgb * 255).astype(np.uint32)
    extra = 0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
    return np.concatenate([palette, extra.astype(np.uint32)])


@dataclass
class Legend:
    """What the legend shows: ``title``; ``entries`` ``[(text, argb, shape)]`` for
    categories, or ``ramp`` ``(low, high, stops)`` for a continuous attribute."""

    title: str
    entries: list | None = None
    ramp: tuple | None = None


def _categories(values: np.ndarray) -> tuple:
    """(codes with -1 for null, the distinct values in sorted order)."""
    if values.dtype == object:
        null = np.array([v is None for v in values.tolist()], dtype=bool)
        keys = np.array([str(v) for v in values[~null].tolist()], dtype=str)
    else:
        null = np.isnan(values)
        keys = values[~null]
    codes = np.full(values.shape[0], -1, dtype=np.int64)
    if keys.size == 0:
        return codes, []
    names, inverse = np.unique(keys, return_inverse=True)
    codes[~null] = inverse
    return codes, names.tolist()


def is_categorical(values: np.ndarray, kind: str | None = None) -> bool:
    """Strings and booleans are categories, floats a colour ramp; integers are
    categories only when they look like codes (at most ``CATEGORICAL_MAX`` distinct
    values, all in ``0..CATEGORICAL_MAX``: a block, a club number), otherwise they are
    quantities (an age, a count) on the ramp. Without a column ``kind`` whole numbers
    count as integers.

    Examples
    --------
    >>> v = np.array([1.0, 2.0, 2.0])
    >>> is_categorical(v, "int64"), is_categorical(v, "float64"), is_categorical(v)
    (True, False, True)
    >>> is_categorical(np.array([30.0, 41.0, 77.0]), "int64")   # few, but not codes
    False
    """
    if values.dtype == object or kind in ("string", "bool"):
        return True
    if kind == "float64":
        return False
    finite = values[np.isfinite(values)]
    return bool(np.all(finite == np.round(finite)) and
                np.unique(finite).size <= CATEGORICAL_MAX and
                (finite.size == 0 or 0 <= finite.min() and finite.max() <= CATEGORICAL_MAX))


def _label(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def map_colors(values: np.ndarray, theme: dict, title: str,
               kind: str | None = None) -> tuple:
    """Per-item ARGB colours for an attribute, the category codes (or None for a ramp),
    and the :class:`Legend`. Nulls take the theme's ``null`` colour.

    Examples
    --------
    >>> from groggy.themes import get_theme
    >>> colors, codes, legend = map_colors(np.array(["b", "a", None], dtype=object),
    ...                                    get_theme("publication"), "club")
    >>> [hex(c) for c in colors], codes.tolist(), [e[0] for e in legend.entries]
    (['0xffffffff', '0xff000000', '0xff666666'], [1, 0, -1], ['a', 'b'])
    """
    null = parse_color(theme["null"])
    if is_categorical(values, kind):
        codes, names = _categories(values)
        table = categorical_colors(len(names), color_list(theme["palette"]))
        out = np.where(codes >= 0, table[np.maximum(codes, 0)] if names else null, null)
        if kind == "bool":
            names = [bool(v) for v in names]
        entries = [(_label(n), int(c), i) for i, (n, c) in enumerate(zip(names, table))]
        return out.astype(np.uint32), codes, Legend(title, entries=entries)
    stops = color_list(theme["colormap"])
    finite = np.isfinite(values)
    lo, hi = (float(values[finite].min()), float(values[finite].max())) if finite.any() \
        else (0.0, 0.0)
    t = np.where(finite, values - lo, 0.0) / (hi - lo) if hi > lo else \
        np.zeros_like(values)
    out = np.where(finite, ramp(stops, t), null).astype(np.uint32)
    return out, None, Legend(title, ramp=(lo, hi, stops))


def scale(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``values`` mapped linearly onto ``lo..hi`` (the smallest to ``lo``); NaN to ``lo``.

    Examples
    --------
    >>> scale(np.array([1.0, 3.0, np.nan, 2.0]), 4, 8).tolist()
    [4.0, 8.0, 4.0, 6.0]
    """
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.any():
        return np.full(values.shape, float(lo))
    vmin, vmax = values[finite].min(), values[finite].max()
    t = (values - vmin) / (vmax - vmin) if vmax > vmin else np.full(values.shape, 0.5)
    return np.where(finite, lo + (hi - lo) * t, float(lo))


@dataclass
class Style:
    """The style arguments of ``export``/``render``, with their defaults.

    node_color : attribute name or colour (default: the theme's ``node``)
    node_size : attribute name, ``"degree"`` or a diameter in points (default: picked
        by the renderer from how densely the fitted drawing packs the nodes)
    size_range : (min, max) diameter in points when ``node_size`` names an attribute
        (default: half to twice the default diameter)
    node_shape : ``circle``, ``square``, ``triangle`` or ``diamond``
    edge_width : edge attribute name or a width in points (0: hairline)
    width_range : (min, max) width in points when ``edge_width`` names an attribute
    edge_color : edge attribute name or colour (default: the theme's ``edge``)
    label : node attribute name (default: node ids, if labels are shown), or an edge
        attribute (``edge_id`` too): then the edges are labelled at their midpoints
    show_labels : default True when ``label`` is given and the graph has at most
        ``LABEL_AUTO_NODES`` nodes; labels that would overlap are left out
    font_size : label size in points
    title : text drawn at the top
    legend : default True when ``node_color`` names an attribute
    arrows : default True for a directed graph (drawn while at most 20,000 edges are
        on the page)
    curved : draw edges as arcs
    viewport : (xmin, ymin, xmax, ymax) in layout coordinates (default: the whole
        layout); what falls outside is not drawn
    keep_aspect : one scale on both axes (default), or False: each axis fills the page
        (the default for layered layouts, whose layer gap means nothing)
    """

    node_color: object = None
    node_size: object = None
    size_range: tuple | None = None
    node_shape: str | None = None
    edge_width: object = None
    width_range: tuple = (0.5, 4.0)
    edge_color: object = None
    label: str | None = None
    show_labels: bool | None = None
    font_size: float = 9.0
    title: str | None = None
    legend: bool | None = None
    arrows: bool | None = None
    curved: bool = False
    viewport: tuple | None = None
    keep_aspect: bool | None = None

    @classmethod
    def from_kwargs(cls, kwargs: dict, where: str = "export") -> "Style":
        names = [f.name for f in fields(cls)]
        unknown = sorted(set(kwargs) - set(names))
        if unknown:
            raise TypeError(f"{where}() got unknown style argument(s) {unknown}; style "
                            f"arguments are {names}")
        style = cls(**kwargs)
        if style.node_shape is not None and style.node_shape not in SHAPES:
            raise ValueError(f"unknown node_shape {style.node_shape!r}; choose one of "
                             f"{list(SHAPES)}")
        for name in ("size_range", "width_range"):
            pair = getattr(style, name)
            if pair is None and name == "size_range":
                continue
            if len(pair) != 2 or not 0 <= float(pair[0]) <= float(pair[1]):
                raise ValueError(f"{name} must be (min, max) with 0 <= min <= max, "
                                 f"got {pair!r}")
        return style


def default_node_size(n: int, width: float, height: float) -> float:
    """The node diameter (points) when ``node_size`` is not given: smaller as the page
    holds more nodes, between 1 and 12.

    Examples
    --------
    >>> default_node_size(100, 800, 600), default_node_size(10**6, 800, 600)
    (12.0, 1.0)
    """
    return float(np.clip(0.6 * np.sqrt(width * height / max(n, 1)), 1.0, 12.0))


@dataclass
class NodeStyle:
    colors: np.ndarray          # uint32 ARGB per node
    sizes: np.ndarray           # diameter in points per node
    shapes: np.ndarray          # index into SHAPES per node
    labels: list | None         # str or None per node, or None when labels are off
    legend: Legend | None


@dataclass
class EdgeStyle:
    colors: np.ndarray          # uint32 ARGB per edge
    widths: np.ndarray          # points per edge (0: hairline)
    labels: list | None = None  # str or None per edge when ``label`` names an edge attribute


def _no_attribute(role: str, name: str, what: str, exc: KeyError) -> ValueError:
    """The error for ``role=name`` naming no attribute of the ``what``s (node, edge)."""
    return ValueError(f"{role}={name!r}: the {what}s have {exc.args[0]}")


def _attribute(read, name: str, what: str, role: str):
    try:
        return read(name)
    except KeyError as exc:
        raise _no_attribute(role, name, what, exc) from None


def _color_or_attribute(read, spec, what: str, role: str, theme: dict, default: str):
    """(colours or a single colour, codes, legend) for a colour spec."""
    if spec is None:
        return parse_color(theme[default]), None, None
    if isinstance(spec, str):
        try:
            values = read(spec)
        except KeyError as exc:
            try:
                return parse_color(spec), None, None
            except ValueError:
                raise ValueError(f"{role}={spec!r} is neither a colour nor an attribute: "
                                 f"the {what}s have {exc.args[0]}") from None
        kind = getattr(read, "kind", None)
        return map_colors(values, theme, spec, kind(spec) if kind else None)
    return parse_color(spec), None, None


def node_style(graph, style: Style, theme: dict, default_size: float) -> NodeStyle:
    """Per-node colours, sizes, shapes and labels of ``graph`` (a ``GraphInput``), and
    the legend of the colours.

    Examples
    --------
    >>> import groggy as gg
    >>> from groggy.themes import get_theme
    >>> g = gg.Graph(); _ = g.add_nodes({"club": ["a", "b", "a"]}); _ = g.add_edge(0, 1)
    >>> s = node_style(g.viz.graph_input(), Style(node_color="club", node_size="degree"),
    ...                get_theme("publication"), 5.0)
    >>> [hex(c) for c in s.colors], s.sizes.tolist()   # degree: 2.5 to 10 points
    (['0xff000000', '0xffffffff', '0xff000000'], [10.0, 10.0, 2.5])
    >>> [SHAPES[k] for k in s.shapes]
    ['circle', 'square', 'circle']
    >>> [(text, shape) for text, _, shape in s.legend.entries]
    [('a', 0), ('b', 1)]
    """
    n = graph.n
    color, codes, legend = _color_or_attribute(graph.attribute, style.node_color, "node",
                                               "node_color", theme, "node")
    colors = np.full(n, color, dtype=np.uint32) if np.isscalar(color) else color
    shape = SHAPES.index(style.node_shape or "circle")
    shapes = np.full(n, shape, dtype=np.int64)
    by_category = codes is not None and style.node_shape is None and \
        theme.get("shapes") == "yes"
    if by_category:
        shapes = np.where(codes >= 0, codes % len(SHAPES), shape)
    if legend is not None and legend.entries:
        legend.entries = [(text, c, i % len(SHAPES) if by_category else shape)
                          for text, c, i in legend.entries]
    return NodeStyle(colors, node_sizes(graph, style, default_size), shapes,
                     _labels(graph, style), None if style.legend is False else legend)


def node_sizes(graph, style: Style, default: float) -> np.ndarray:
    """Per-node diameters (points): ``default`` unless ``node_size`` gives a number or
    names an attribute (or ``"degree"``), scaled into ``size_range`` (default: half to
    twice ``default``, so sized nodes keep the drawing's scale)."""
    size = style.node_size
    if size is None:
        return np.full(graph.n, float(default))
    if not isinstance(size, str):
        if not float(size) >= 0:
            raise ValueError(f"node_size must be >= 0 points, got {size!r}")
        return np.full(graph.n, float(size))
    try:
        values = graph.attribute(size)
    except KeyError as exc:
        if size != "degree":
            raise _no_attribute("node_size", size, "node", exc) from None
        values = (np.bincount(graph.sources, minlength=graph.n) +
                  np.bincount(graph.targets, minlength=graph.n)).astype(np.float64)
    if values.dtype == object:
        raise ValueError(f"node_size={size!r} holds strings; it needs numbers")
    return scale(values, *(style.size_range or relative_range(default)))


def labels_edges(graph, style: Style) -> bool:
    """Whether ``label`` names an edge attribute (``edge_id``, an edge column) that is
    not a node attribute: then the labels go on the edges, at their midpoints."""
    if style.label is None or graph.edge_attribute is None:
        return False
    for read in (graph.attribute, graph.edge_attribute):
        try:
            read(style.label)
        except KeyError:
            continue
        return read is graph.edge_attribute
    return False


def _labels(graph, style: Style, what: str = "node") -> list | None:
    """Per-node (or per-edge) label text, or None when labels are off."""
    count = graph.n if what == "node" else graph.sources.shape[0]
    show = style.show_labels
    if show is None:
        show = style.label is not None and count <= LABEL_AUTO_NODES
    if not show or labels_edges(graph, style) != (what == "edge"):
        return None
    if style.label is None:
        return [str(v) for v in graph.node_ids.tolist()]
    read = graph.attribute if what == "node" else graph.edge_attribute
    values = _attribute(read, style.label, what, "label")
    return [None if v is None or v != v else _label(v) for v in values.tolist()]


def _no_edge_attributes(name):
    raise KeyError(f"no attribute {name!r}; this graph input has no edge attributes")


def edge_style(graph, style: Style, theme: dict, default_width: float) -> EdgeStyle:
    """Per-edge colours and widths of ``graph`` (a ``GraphInput``).

    Examples
    --------
    >>> import groggy as gg
    >>> from groggy.themes import get_theme
    >>> g = gg.Graph(); _ = g.add_nodes(3)
    >>> _ = g.add_edges([0, 1], [1, 2], weight=[1.0, 3.0])
    >>> s = edge_style(g.viz.graph_input(), Style(edge_width="weight", edge_color="black"),
    ...                get_theme("light"), 1.0)
    >>> s.widths.tolist(), [hex(c) for c in s.colors]
    ([0.5, 4.0], ['0xff000000', '0xff000000'])
    """
    m = graph.sources.shape[0]
    read = graph.edge_attribute or _no_edge_attributes
    color, _, _ = _color_or_attribute(read, style.edge_color, "edge", "edge_color", theme,
                                      "edge")
    # one colour or width for every edge: a read-only view of one value, not m copies
    # (a million-edge view spent a fifth of its start-up writing them)
    colors = same(m, color, np.uint32) if np.isscalar(color) else color
    width = style.edge_width
    if width is None:
        widths = same(m, float(default_width), np.float64)
    elif isinstance(width, str):
        values = _attribute(read, width, "edge", "edge_width")
        if values.dtype == object:
            raise ValueError(f"edge_width={width!r} holds strings; it needs numbers")
        widths = scale(values, *style.width_range)
    else:
        if not float(width) >= 0:
            raise ValueError(f"edge_width must be >= 0 points, got {width!r}")
        widths = same(m, float(width), np.float64)
    return EdgeStyle(colors, widths, _labels(graph, style, "edge"))


def same(m: int, value, dtype) -> np.ndarray:
    """``m`` times ``value``, as a read-only view of one element.

    >>> a = same(3, 7, np.uint32)
    >>> a.tolist(), a.flags.writeable
    ([7, 7, 7], False)
    """
    return np.broadcast_to(np.asarray(value, dtype=dtype), (m,))
