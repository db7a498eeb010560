"""``viz``: the visualization entry point shared by every table, array and graph."""
from __future__ import annotations

import numpy as np

from groggy import removal
from groggy.layouts import EdgeBends, Layouts, check_name, place_unknown
from groggy.viz.layout import Drawing, GraphInput, Layout, check_params, get_algorithm


def graph_input(source, colour=None) -> GraphInput:
    """The layout input of a Graph, or of a Subgraph (its nodes and its edges).
    ``colour`` is (what, name, values, kind) of an array drawn with it: its values read
    as the attribute ``name`` of the nodes or edges (see groggy.origin)."""
    graph = getattr(source, "_graph", source)
    src, dst = graph._src.data, graph._dst.data
    if graph is source and graph._removed is None:
        nodes = np.arange(graph.node_count(), dtype=np.int64)
        edges = None        # every edge, in order: the reader takes the whole column
        s, t = np.asarray(src), np.asarray(dst)
    else:   # a subgraph, or a graph with removals: its live nodes and edges
        nodes, edges = ((source._node_ids, source._edges()) if graph is not source else
                        (removal.live_ids(graph, "node"), removal.live_ids(graph, "edge")))
        s = np.searchsorted(nodes, src[edges])
        t = np.searchsorted(nodes, dst[edges])

    extra = {"node": {"node_id": (nodes, "int64")}, "edge": {}}
    extra["edge"]["edge_id"] = (np.arange(graph.edge_count()) if edges is None else edges,
                                "int64")
    if colour is not None:
        what, name, values, kind = colour
        extra[what].setdefault(name, (values, kind))
    return GraphInput(int(nodes.size), np.ascontiguousarray(s, dtype=np.int64),
                      np.ascontiguousarray(t, dtype=np.int64), graph.is_directed, nodes,
                      AttributeReader(graph._nodes, nodes, extra["node"]),
                      edge_attribute=AttributeReader(graph._edges, edges, extra["edge"]))


def _edge_bends(graph: GraphInput, drawing: Drawing) -> EdgeBends | None:
    """A drawing's bend points keyed by edge id (None when no edge bends)."""
    if drawing.bend_points.shape[0] == 0:
        return None
    edge_ids = graph.edge_attribute("edge_id").astype(np.int64)
    return EdgeBends(edge_ids, np.asarray(drawing.bend_offsets, dtype=np.int64),
                     np.asarray(drawing.bend_points, dtype=np.float64))


class AttributeReader:
    """``reader(name)``: an attribute at the given rows (``None``: all of them), float64
    with NaN for nulls or an object array of str/None; ``reader.kind(name)``: its column kind (``int64``,
    ``float64``, ``bool``, ``string``). Unknown names raise ``KeyError``.

    ``extra`` holds values that are not stored columns, already at these rows, by name:
    the ids (``node_id`` / ``edge_id``, usable as label and colour; reserved names, so no
    stored attribute has them) and the values of the array being drawn, which stand in
    for a stored attribute of the same name (a mask ``age > 40`` keeps the name ``age``)."""

    def __init__(self, store, rows: np.ndarray | None, extra: dict | None = None):
        self._store, self._rows = store, rows
        self._extra = dict(extra or {})

    def __call__(self, name: str) -> np.ndarray:
        if name in self._extra:
            values, kind = self._extra[name]
            return values if kind == "string" else np.asarray(values, dtype=np.float64)
        column = self._store.column(name)
        if column.kind == "string":
            return np.array(column.to_list(self._rows), dtype=object)
        return column.numeric(self._rows)

    def kind(self, name: str) -> str:
        if name in self._extra:
            return self._extra[name][1]
        return self._store.column(name).kind

    def names(self) -> list:
        return list(self._store.names())

    def row(self, i: int) -> dict:
        """Every attribute of the ``i``-th row read here, as Python values (None: null)."""
        at = np.array([i if self._rows is None else self._rows[i]], dtype=np.int64)
        return {name: self._store.column(name).to_list(at)[0] for name in self.names()}

    def value(self, name: str, i: int):
        """Attribute ``name`` (stored, or an id or a drawn array's value) of the ``i``-th
        row read here, as a Python value (None: null)."""
        if name in self._extra:
            values, kind = self._extra[name]
            value = values[i]
            if kind == "string":
                return value
            value = float(value)
            return None if np.isnan(value) else (int(value) if kind == "int64" else value)
        at = np.array([i if self._rows is None else self._rows[i]], dtype=np.int64)
        return self._store.column(name).to_list(at)[0] if name in self._store else None


class VizModule:
    """Layouts and drawings of the graph data behind an object: ``compute_layout``,
    ``update_layout``; ``export`` (PNG, SVG, PDF files), ``render`` (their bytes),
    ``show_static`` (a notebook image).

    ``obj.viz`` and ``obj.viz()`` give the same module.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
    >>> g.nodes.table().viz().compute_layout("grid").node_positions.tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.0, -1.0]]
    """

    def __init__(self, owner):
        self._owner = owner

    def __call__(self) -> "VizModule":
        return self

    def __repr__(self) -> str:
        return f"VizModule({type(self._owner).__name__})"

    def graph_input(self) -> GraphInput:
        source = getattr(self._owner, "_viz_source", None)
        if source is None:
            raise TypeError(f"{type(self._owner).__name__} holds no graph to lay out; use "
                            "a graph, a subgraph, or a table or array that came from one")
        drawn = source()
        colour = getattr(self._owner, "_viz_colour", None)
        return graph_input(drawn, colour(drawn) if colour is not None else None)

    def _coloured(self, style: dict) -> dict:
        """``style`` with the drawn array as the node (or edge) colour unless one is
        given: ``g.degree().viz.export(...)`` colours nodes by degree."""
        colour = getattr(self._owner, "_viz_colour", None)
        if colour is None:
            return style
        found = colour(self._owner._viz_source())
        role = None if found is None else f"{found[0]}_color"
        if role is None or role in style:
            return style
        return {**style, role: found[1]}

    def compute_layout(self, algorithm: str = "force_directed", store=False,
                       **params) -> Layout:
        """Lay out the graph behind this object.

        Parameters
        ----------
        algorithm : str
            ``force_directed`` (aliases ``force``, ``spring``), ``hierarchical``,
            ``circular`` or ``grid``.
        store : bool or str
            Keep the result with the graph (``g.layouts``, written by ``g.save``):
            ``True`` under the algorithm's name, or a string naming it. Only a layout
            of a whole graph can be stored.
        **params
            The algorithm's parameters (an unknown one is an error).

        Returns
        -------
        Layout
            ``node_positions`` aligned with ``node_ids``; ``layout[node_id]``.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
        >>> _ = g.viz.compute_layout("grid", store="tidy")
        >>> list(g.layouts), g.layouts["tidy"].algorithm
        (['tidy'], 'grid')
        """
        algo = get_algorithm(algorithm)
        full = check_params(algo, params)
        target = self._store_target(store, algo.name)
        graph = self.graph_input()
        result = algo.compute(graph, **full)
        bends = _edge_bends(graph, result) if isinstance(result, Drawing) else None
        if isinstance(result, Drawing):
            result = result.positions
        positions = np.asarray(result, dtype=np.float64)
        if positions.shape != (graph.n, 2) or not np.isfinite(positions).all():
            raise RuntimeError(f"{algo.name} produced invalid positions "
                               f"(shape {positions.shape}); this is a groggy bug")
        shown = {k: v for k, v in full.items() if not callable(v) and
                 not isinstance(v, np.ndarray)}
        layout = Layout(positions, graph.node_ids, algo.name, shown, bends)
        if target is not None:
            target[0][target[1]] = layout
        return layout

    def stored_layouts(self):
        """The layouts kept with the graph behind this object (``g.layouts``, or a
        subgraph's read-only view of them), or None when it holds no graph."""
        source = getattr(self._owner, "_viz_source", None)
        return None if source is None else getattr(source(), "layouts", None)

    def _store_target(self, store, default_name: str):
        """(g.layouts, name) that ``compute_layout(store=...)`` writes to, checked before
        any work; None when not storing."""
        if store is False or store is None:
            return None
        name = default_name if store is True else store
        check_name(name)
        layouts = self.stored_layouts()
        if not isinstance(layouts, Layouts):
            raise TypeError(f"store= keeps a layout of a whole graph; this "
                            f"{type(self._owner).__name__} shows part of one (compute it on "
                            "the graph, or store the result yourself)")
        return layouts, name

    def update_layout(self, layout: Layout, iterations: int = 20, seed: int = 0,
                      **params) -> Layout:
        """Continue a force layout after nodes or edges were added.

        Nodes of ``layout`` start where they were; a new node starts at the mean of its
        already placed neighbours (or near the centre), and a short refinement moves
        everything only on the scale of an edge, so the picture stays recognisable.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(30); _ = g.add_edges([(i, i + 1) for i in range(29)])
        >>> first = g.viz.compute_layout()
        >>> _ = g.add_node(); _ = g.add_edge(29, 30)
        >>> g.viz.update_layout(first).node_positions.shape
        (31, 2)
        """
        if not isinstance(layout, Layout):
            raise TypeError(f"update_layout takes a Layout, got {type(layout).__name__}")
        graph = self.graph_input()
        old = {int(v): i for i, v in enumerate(layout.node_ids.tolist())}
        at = np.array([old.get(int(v), -1) for v in graph.node_ids.tolist()], dtype=np.int64)
        known = at >= 0
        pos = np.zeros((graph.n, 2))
        pos[known] = layout.node_positions[at[known]]
        indptr, indices, _ = graph.csr()
        place_unknown(pos, known, indptr, indices, seed)
        return self.compute_layout("force_directed", initial_positions=pos,
                                   iterations=iterations, seed=seed, **params)

    def export(self, path, format: str | None = None, layout="force_directed",
               theme: str = "light", width: float = 800, height: float = 600,
               dpi: float | None = None, **style):
        """Draw the graph behind this object into a PNG, SVG or PDF file.

        Parameters
        ----------
        path : str or Path
            The file to write. It is written whole or not at all (through a temporary
            sibling file), and an error leaves nothing new behind.
        format : {"png", "svg", "pdf"}, optional
            Default: from the extension of ``path``.
        layout : str or Layout
            The name of a layout stored with the graph (``g.layouts``; the default
            ``"force_directed"`` is the stored one when there is one), an algorithm name
            (computed now; its parameters in ``layout_params={...}``, which also ask for
            a new computation over a stored name) or a :class:`Layout` already computed,
            so that one layout serves many drawings. A layout of a whole graph also
            serves its subgraphs and tables.
        theme : str
            ``light``, ``dark``, ``sleek``, ``publication`` (greys only, categories
            by shape and grey, outlined nodes on a halo) or ``minimal`` (transparent
            background); see ``groggy.themes``.
        width, height : float
            Page size in points (1/72 inch). A PNG is ``round(width * dpi / 72)`` x
            ``round(height * dpi / 72)`` pixels; SVG and PDF are vector, ``dpi`` aside.
            The drawing is fitted to the page less a margin (layered layouts fill both
            axes), and without ``node_size`` the node size is picked from how densely
            the fitted nodes sit.
        dpi : float, optional
            PNG resolution (default 72: one pixel per point); 300 for print.
        **style
            ``node_color`` (node attribute: categories get the theme's palette and a
            legend, numbers its colour ramp; or a colour), ``node_size`` (attribute,
            ``"degree"`` or diameter in points), ``size_range=(min, max)`` (default:
            half to twice the default size),
            ``node_shape`` (``circle``, ``square``, ``triangle``, ``diamond``),
            ``edge_width`` (edge attribute or points; 0 is a hairline),
            ``width_range``, ``edge_color`` (edge attribute or colour), ``label`` (node
            or edge attribute, ``node_id`` and ``edge_id`` too), ``show_labels``,
            ``font_size``, ``title``, ``legend``, ``keep_aspect``,
            ``arrows`` (default: directed graph), ``curved``, ``viewport=(xmin, ymin,
            xmax, ymax)``, ``layout_params``. See :class:`groggy.viz.style.Style`.

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        ValueError
            Unknown format, theme, layout, shape, or an attribute the graph lacks.
        TypeError
            An unknown style argument.
        OSError
            The file cannot be written there.

        Examples
        --------
        >>> import tempfile, os, groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes({"club": ["a", "b", "a"]})
        >>> _ = g.add_edges([(0, 1), (1, 2)])
        >>> lay = g.viz.compute_layout("circular")
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     out = g.nodes.table().viz.export(os.path.join(tmp, "g.svg"), layout=lay,
        ...                                      node_color="club", label="club")
        ...     out.name, out.read_bytes()[:5]
        ('g.svg', b'<?xml')
        """
        from groggy.viz import export as _export  # the renderer loads on first use
        return _export.export(self, path, format, layout, theme, width, height, dpi,
                              **self._coloured(style))

    static_viz = export

    def interactive(self, layout="force_directed", theme: str = "light", port: int = 0,
                    open_browser: bool = False, layout_params: dict | None = None,
                    host: str = "127.0.0.1", widget: bool = True, **style):
        """Open the graph in the browser: a WebGL drawing (Canvas 2D where WebGL2 is
        missing) that zooms, pans, shows a node's attributes on hover and its
        neighbours on click, served from a background thread.

        Parameters
        ----------
        layout : str or Layout
            The name of a layout stored with the graph (``g.layouts``; so a stored
            ``"force_directed"`` is what the default serves), an algorithm name
            (computed now, with ``layout_params``) or a computed :class:`Layout` (NaN
            positions are refused, naming the node).
        theme : str
            ``light``, ``dark``, ``sleek``, ``publication`` or ``minimal``.
        port : int
            0 (default) picks a free port.
        open_browser : bool
            Open the page in the default browser; otherwise use the handle's ``url``.
        widget : bool
            In a Jupyter notebook, the handle displays as a widget that talks over the
            kernel's own channel (``pip install 'groggy[jupyter]'``; works with remote
            kernels: JupyterHub, Colab, VS Code); False shows the page in an iframe
            instead, which needs the browser to reach this machine's port.
        tiles_above : int
            Graphs with more nodes than this (default 100,000) are shown as a map: raster
            tiles drawn by the server where many nodes are in view, the nodes and their
            edges as vectors once few are (see the README, "Large graphs").
        **style
            The style keywords of :meth:`export` (``node_color``, ``node_size``,
            ``edge_color``, ``label``, ...), resolved by the same code, so the page and
            an exported figure show the same colours, sizes and legend. This first
            version draws every node as a disc and every edge 1 px wide.

        Returns
        -------
        groggy.web.graphview.VizHandle
            ``url``, ``port``, ``is_running()``, ``set_style()``, ``set_theme()``,
            ``select()``, ``selected()``, ``close()``; a context manager.

        Raises
        ------
        ValueError, TypeError
            An unknown layout, theme or style argument, or a layout with NaN positions,
            before any server starts.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes({"club": ["a", "b", "a"]})
        >>> _ = g.add_edges([(0, 1), (1, 2)])
        >>> with g.viz.interactive(layout="circular", node_color="club") as view:
        ...     view.url.endswith("/graph"), view.selected()
        (True, [])
        """
        from groggy.viz import interactive as _interactive
        return _interactive.interactive(self, layout, theme, port, open_browser,
                                        layout_params, host, widget=widget,
                                        **self._coloured(style))

    def render(self, format: str = "png", layout="force_directed", theme: str = "light",
               width: float = 800, height: float = 600, dpi: float | None = None,
               **style) -> bytes:
        """The bytes of the PNG, SVG or PDF that :meth:`export` would write.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
        >>> png = g.viz.render(layout="grid", width=200, height=100, dpi=144)
        >>> png[1:4], int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        (b'PNG', 400, 200)
        >>> g.viz.render("pdf", layout="grid")[:5]
        b'%PDF-'
        """
        from groggy.viz import export as _export
        return _export.render(self, format, layout, theme, width, height, dpi,
                              **self._coloured(style))

    def show_static(self, format: str = "png", width: float = 800, height: float = 600,
                    dpi: float | None = None, **kwargs):
        """The drawing as a :class:`~groggy.viz.export.StaticImage`, which a notebook
        shows (PNG by default, or SVG); it takes the arguments of :meth:`render`.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(2); _ = g.add_edge(0, 1)
        >>> g.viz.show_static(layout="circular", width=120, height=90)  # doctest: +ELLIPSIS
        StaticImage(png, 120 x 90, ... bytes)
        """
        from groggy.viz import export as _export
        return _export.show_static(self, format, width, height, dpi, **kwargs)
