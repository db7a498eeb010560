"""The graph view in the browser, Python side: ``viz.interactive()`` resolves the layout
and the look (colours, sizes, legend) with the static renderer's own code, so the page
and an exported figure agree, and hands the result to a server. Nothing here networks:
the one import of ``groggy.web`` is inside :func:`interactive`, the declared seam."""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from groggy.layouts import check_positions
from groggy.themes import get_theme
from groggy.viz.export import bends_for, layout_object, positions_for
from groggy.viz.layout import GraphInput, Layout, get_algorithm
from groggy.viz.spatial import bounds_of
from groggy.viz.tiles import VECTOR_BUDGET, TileMaker
from groggy.viz.style import (Style, default_node_size, edge_style, node_style,
                              parse_color)

TILES_ABOVE = 100_000    # larger graphs are shown as tiles, then vectors once few are in view

# the theme entries the page needs to draw (the rest reach it through themes.css)
PAGE_COLORS = ("background", "foreground", "node", "node_stroke", "edge", "label",
               "accent", "muted", "border", "header_bg")


def rgba_bytes(argb) -> np.ndarray:
    """``uint32`` ARGB colours as an ``(n, 4)`` ``uint8`` RGBA array (WebGL's order).

    Examples
    --------
    >>> rgba_bytes(np.array([0x80FF2010], dtype=np.uint32)).tolist()
    [[255, 32, 16, 128]]
    """
    c = np.asarray(argb, dtype=np.uint32).reshape(-1)
    return np.stack([(c >> 16) & 255, (c >> 8) & 255, c & 255, c >> 24], -1).astype(np.uint8)


def css_color(argb: int) -> str:
    """``#rrggbbaa`` of an ARGB integer.

    Examples
    --------
    >>> css_color(0xFF1A73E8)
    '#1a73e8ff'
    """
    argb = int(argb)
    return f"#{(argb >> 16) & 255:02x}{(argb >> 8) & 255:02x}{argb & 255:02x}{argb >> 24:02x}"


def page_colors(theme: str) -> dict:
    """The theme's drawing colours as ``#rrggbbaa`` (``transparent`` included)."""
    tokens = get_theme(theme)
    return {key: css_color(parse_color(tokens[key])) for key in PAGE_COLORS}


def json_value(value):
    """A stored value as JSON can carry it (JSON has no NaN or infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, np.generic):
        return json_value(value.item())
    return value


@dataclass(frozen=True)
class Look:
    """Everything the page draws that style and theme decide. Replaced whole (never
    changed in place), so a server thread reading it sees one look or the other."""

    theme: str
    style: dict                  # the style keywords as given
    colors: np.ndarray           # (n, 4) uint8 RGBA
    sizes: np.ndarray            # (n,) float32 diameters in CSS px at the fitted view
    edge_colors: np.ndarray | None   # (m, 4) uint8 RGBA, or None: all edges edge_color
    edge_color: str              # #rrggbbaa
    legend: dict | None
    label: str | None            # the node attribute named by ``label``
    page_colors: dict            # the theme's drawing colours (see page_colors)
    shapes: np.ndarray | None = None       # (n,) uint8 index into SHAPES, or None: circles
    edge_widths: np.ndarray | None = None  # (m,) float32 widths, or None: hairlines
    labels: list | None = None             # text per node (None: none), or None: labels off
    font_size: float = 9.0                 # label text size, CSS px at the fitted view


class GraphScene:
    """A graph prepared for the page: positions and edges (fixed for the view's life)
    and the :class:`Look` that ``styled`` makes (replaced whole on a change).

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes({"club": ["a", "b"]}); _ = g.add_edge(0, 1)
    >>> scene = build_scene(g.viz, "circular", "light", None, {"node_color": "club"})
    >>> scene.n, scene.m, scene.look.colors.shape, scene.look.legend["title"]
    (2, 1, (2, 4), 'club')
    """

    def __init__(self, graph: GraphInput, positions: np.ndarray, nodes_table=None):
        self.graph = graph
        self.n, self.m = graph.n, int(graph.sources.shape[0])
        self.positions = np.ascontiguousarray(positions, dtype=np.float32)
        self.node_ids = np.asarray(graph.node_ids, dtype=np.int64)
        self.ids_are_rows = bool(np.array_equal(self.node_ids, np.arange(self.n)))
        self.nodes_table = nodes_table
        self.look: Look | None = None
        self.viz = None               # the VizModule it came from (for updated())
        self.layout = None            # how its positions were made: a name or a Layout
        self.layout_params = None
        self.layout_name = None       # the algorithm of the positions, for the page
        self.search = None            # a NodeSearch, made on the first search
        self.tiles: TileMaker | None = None    # set for a large graph (tiles_above)
        self.tiles_above = TILES_ABOVE
        # (offsets, points): edges routed through bend points (a layered layout), or None
        self.bends = None

    @functools.cached_property
    def edges(self) -> np.ndarray:
        """``(m, 2)`` uint32 rows, for a page sent the whole graph (a tiled scene never
        needs them: at 5M edges, making them costs a third of a second)."""
        return np.stack([self.graph.sources, self.graph.targets], -1).astype(np.uint32)

    @functools.cached_property
    def bounds(self) -> list:
        if self.bends is None or self.bends[1].shape[0] == 0:
            return list(bounds_of(self.positions))      # set_positions() forgets it
        return list(bounds_of(np.vstack([self.positions, self.bends[1]])))   # bends drawn too

    def styled(self, theme: str | None = None, base: Look | None = None, **style) -> Look:
        """A new look: ``base`` (default: none) with ``theme`` and ``style`` changed (a
        keyword set to None goes back to its default). The scene is not changed."""
        theme = theme or (base.theme if base else "light")
        merged = {**(base.style if base else {}), **style}
        merged = {k: v for k, v in merged.items() if v is not None}
        tokens = get_theme(theme)
        options = Style.from_kwargs(merged, "interactive")
        g = self.graph
        nodes = node_style(g, options, tokens, default_node_size(self.n, 800, 600))
        edges = edge_style(g, options, tokens, 1.0)
        uniform = self.m == 0 or bool((edges.colors == edges.colors[0]).all())
        edge_color = parse_color(tokens["edge"]) if self.m == 0 else int(edges.colors[0])
        shapes = nodes.shapes.astype(np.uint8) if (nodes.shapes != 0).any() else None
        widths = None if options.edge_width is None else \
            np.ascontiguousarray(edges.widths, dtype=np.float32)
        return Look(theme, merged, rgba_bytes(nodes.colors),
                    np.ascontiguousarray(nodes.sizes, dtype=np.float32),
                    None if uniform else rgba_bytes(edges.colors), css_color(edge_color),
                    legend_json(nodes.legend), options.label, page_colors(theme),
                    shapes, widths, nodes.labels, float(options.font_size))

    def laid_out(self, layout, params: dict | None = None) -> tuple:
        """(positions, algorithm name, bends) of ``layout`` (a name, computed now with
        ``params``, or a ``Layout``) for this view's nodes (bends: see
        ``export.bends_for``); the scene is not changed. ``ValueError`` for an unknown
        name or a position that is not finite."""
        if self.viz is None:
            raise RuntimeError("this scene was not built from a graph (build_scene)")
        made = layout_object(self.viz, layout, params)
        positions = positions_for(made, self.node_ids)
        check_positions(positions, self.node_ids)
        name = layout if isinstance(layout, str) else layout.algorithm
        return (np.ascontiguousarray(positions, dtype=np.float32), name,
                bends_for(made, self.graph))

    def set_positions(self, positions: np.ndarray, layout=None, bends=None) -> None:
        """New positions (a layout switch, a dragged node): replaced whole, so a reader
        sees the old ones or the new ones; the bounds and a tiled view's index follow.
        ``layout`` (a name or Layout) says how they were made, for later updates, and
        ``bends`` where its edges bend (a drag, without ``layout``, keeps the bends)."""
        if layout is not None:
            self.bends = bends
        self.positions = np.ascontiguousarray(positions, dtype=np.float32)
        self.__dict__.pop("bounds", None)             # a cached_property
        if layout is not None:
            self.layout, self.layout_params = layout, None
            self.layout_name = layout if isinstance(layout, str) else layout.algorithm
        if self.tiles is not None:
            self.use_tiles_above(self.tiles_above)

    def move_node(self, row: int, x: float, y: float) -> None:
        """Put one node at (x, y) (a drag in the page)."""
        positions = self.positions.copy()
        positions[row] = (x, y)
        self.set_positions(positions)

    @property
    def live_graph(self):
        """The in-memory graph whose changes this scene should follow, or None."""
        source = self.viz._owner._viz_source() if self.viz is not None else None
        graph = getattr(source, "_graph", source)
        return graph if hasattr(graph, "on_change") else None

    def updated(self, topology: bool) -> "GraphScene":
        """The scene after its graph changed: attribute writes restyle it; added nodes or
        edges also move it, existing nodes keeping their place (a force layout is
        continued with ``update_layout``, a named other layout recomputed)."""
        graph = self.viz.graph_input()
        positions, bends = self.positions, self.bends
        if topology:
            before = Layout(self.positions, self.node_ids, "view", {})
            if isinstance(self.layout, str) and get_algorithm(self.layout).name != "force_directed":
                after = self.viz.compute_layout(self.layout, **(self.layout_params or {}))
            else:
                after = self.viz.update_layout(before, progress=False)
            positions, bends = positions_for(after, graph.node_ids), bends_for(after, graph)
            check_positions(positions, graph.node_ids)
        scene = GraphScene(graph, positions, self.nodes_table)
        scene.bends = bends
        scene.viz, scene.layout, scene.layout_params = self.viz, self.layout, self.layout_params
        scene.layout_name = self.layout_name
        scene.look = scene.styled(base=self.look)
        scene.use_tiles_above(self.tiles_above)
        return scene

    def use_tiles_above(self, tiles_above: int) -> None:
        """Above ``tiles_above`` nodes, draw tiles from a spatial index (vectors once a
        fifth of the threshold is in view: 20,000 by default)."""
        self.tiles_above = tiles_above
        self.tiles = None if self.n <= tiles_above else TileMaker(
            self.positions, np.ascontiguousarray(self.graph.sources, dtype=np.uint32),
            np.ascontiguousarray(self.graph.targets, dtype=np.uint32), self.bounds,
            min(VECTOR_BUDGET, max(tiles_above // 5, 1)), self.bends)

    def row_of(self, node_id) -> int:
        """The row (0..n-1) of a node id; ``ValueError`` if the view does not show it."""
        if isinstance(node_id, (bool, np.bool_)) or not isinstance(node_id, (int, np.integer)):
            raise TypeError(f"node ids are integers, got {node_id!r}")
        if self.ids_are_rows:
            row = int(node_id) if 0 <= node_id < self.n else -1
        else:
            at = int(np.searchsorted(self.node_ids, node_id))
            row = at if at < self.n and self.node_ids[at] == node_id else -1
        if row < 0:
            raise ValueError(f"node {node_id} is not in this view ({self.n:,} nodes)")
        return row

    def node_label(self, row: int, look: Look):
        """The value of ``look``'s label attribute at ``row`` (None without one)."""
        if look.label is None:
            return None
        return json_value(self.graph.attribute.value(look.label, row))

    def attribute_names(self) -> list:
        return self.graph.attribute.names()

    def node_info(self, row: int) -> dict:
        """The node at ``row``: its id, its label and every attribute (nulls left out)."""
        values = {name: json_value(v) for name, v in self.graph.attribute.row(row).items()
                  if v is not None}
        label = self.look.label if self.look else None
        return {"node": row, "id": int(self.node_ids[row]),
                "label": None if label is None else self.node_label(row, self.look),
                "attributes": values}


def legend_json(legend) -> dict | None:
    if legend is None:
        return None
    if legend.entries is not None:
        return {"title": legend.title, "entries": [
            {"text": text, "color": css_color(argb)} for text, argb, _ in legend.entries]}
    low, high, stops = legend.ramp
    return {"title": legend.title, "ramp": {"low": json_value(low), "high": json_value(high),
                                            "stops": [css_color(c) for c in stops]}}


def build_scene(viz, layout, theme: str, layout_params, style: dict,
                tiles_above: int = TILES_ABOVE, progress=None, preview=None) -> GraphScene:
    """Check every argument, lay the graph out and resolve its look; no server yet.
    Above ``tiles_above`` nodes the scene gets a spatial index and draws tiles;
    ``progress(done, total)`` hears from a force layout computed here, and
    ``preview(scene)`` gets a scene of each of its coarse stages (vector scenes only:
    a tiled one would draw every stage's tiles)."""
    if not isinstance(tiles_above, int) or isinstance(tiles_above, bool) or tiles_above < 0:
        raise ValueError(f"tiles_above must be an int >= 0 (a node count), got "
                         f"{tiles_above!r}")
    get_theme(theme)
    Style.from_kwargs(style, "interactive")     # unknown keywords fail before a layout
    graph = viz.graph_input()
    nodes, looks = _nodes_table(viz), []

    def scene_at(positions, bends=None) -> GraphScene:
        check_positions(positions, graph.node_ids)
        scene = GraphScene(graph, positions, nodes)
        scene.bends = bends
        scene.viz, scene.layout, scene.layout_params = viz, layout, layout_params
        scene.layout_name = layout if isinstance(layout, str) else layout.algorithm
        if not looks:               # the look does not depend on the positions
            looks.append(scene.styled(theme, **style))
        scene.look = looks[0]
        scene.use_tiles_above(tiles_above)
        return scene
    params = layout_params
    if (progress or preview) and computes_force(viz, layout, layout_params):
        params = dict(layout_params or {})
        if progress:
            params["progress"] = progress
        if preview and graph.n <= tiles_above:
            params["snapshot"] = lambda stage: preview(scene_at(stage))
    made = layout_object(viz, layout, params)
    return scene_at(positions_for(made, graph.node_ids), bends_for(made, graph))


def computes_force(viz, layout, layout_params) -> bool:
    """Whether ``layout`` means computing a force layout now (not a stored one)."""
    if not isinstance(layout, str) or get_algorithm(layout).name != "force_directed":
        return False
    stored = viz.stored_layouts()
    return layout_params is not None or stored is None or layout not in stored


def _nodes_table(viz):
    """The nodes table the server also offers at its root (the table view)."""
    source = viz._owner._viz_source()
    nodes = getattr(source, "nodes", None)
    return nodes.table() if nodes is not None and hasattr(nodes, "table") else None


def interactive(viz, layout="force_directed", theme: str = "light", port: int = 0,
                open_browser: bool = False, layout_params: dict | None = None,
                host: str = "127.0.0.1", tiles_above: int = TILES_ABOVE, widget: bool = True,
                **style):
    """Serve the graph view (see ``VizModule.interactive``)."""
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an int in 0..65535, got {port!r}")
    scene = build_scene(viz, layout, theme, layout_params, style, tiles_above)
    from groggy.web.graphview import serve_scene   # the declared seam up into web
    return serve_scene(scene, port=port, host=host, open_browser=open_browser, widget=widget)
