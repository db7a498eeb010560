"""The Python handle on a served table: ``BrowserInterface``, and ``serve``."""
from __future__ import annotations

from html import escape
from pathlib import Path

from groggy.web.server import Server


class BrowserInterface:
    """A running browser view of one or more tables.

    Returned by ``table.interactive()`` and ``groggy.serve()``. The server runs in a
    background thread, so the Python prompt stays free; it stops with :meth:`close`, at
    the end of a ``with`` block, or when the process ends.

    Examples
    --------
    >>> import groggy as gg
    >>> with gg.table({"x": [1, 2, 3]}).interactive() as view:
    ...     view.get_total_rows(), view.get_data_window(1, 5).rows
    (3, [[2], [3]])
    """

    def __init__(self, server: Server, open_browser: bool = False, widget: bool = True):
        self._server = server.start()
        self.use_widget = widget   # in a notebook: the widget; False: the page in an iframe
        if open_browser:
            server.open_browser()

    @property
    def url(self) -> str:
        """The page's address, token included."""
        return self._server.url

    def get_url(self) -> str:
        """:attr:`url`."""
        return self.url

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def server(self) -> Server:
        return self._server

    def is_running(self) -> bool:
        return self._server.is_running()

    def _first(self):
        return next(iter(self._server.sources.values())).obj

    def get_total_rows(self, source: str | None = None) -> int:
        return self._server.source(source).obj.total_rows()

    def get_data_window(self, offset: int, size: int, source: str | None = None):
        """Rows ``offset .. offset+size`` of a source as a ``DataWindow`` (what a page at
        that offset shows, before its own sort or filter)."""
        return self._server.source(source).obj.get_window(offset, size)

    def set_theme(self, name: str) -> None:
        """Switch every open page (and new ones) to theme ``name``."""
        self._server.broadcast_theme(name)

    def close(self) -> None:
        self._server.stop()

    def wait(self) -> None:
        """Block until Ctrl+C (for scripts that only serve), then close."""
        try:
            self._server._thread.join()
        except KeyboardInterrupt:
            pass
        finally:
            self.close()

    def __enter__(self) -> "BrowserInterface":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "running" if self.is_running() else "stopped"
        return f"BrowserInterface({self.url!r}, {state})"

    widget_view = "table"  # which view the widget shows (groggy/web/widget.py)
    _widget = None

    def widget(self):
        """The view as a notebook widget: the page's own front end talking over the
        kernel's comm (anywidget, ``pip install 'groggy[jupyter]'``), so it works where
        the kernel runs on another machine (JupyterHub, Colab, VS Code remote)."""
        if self._widget is None:
            from groggy.web.widget import view_widget
            self._widget = view_widget(self.widget_view, self._server)
        return self._widget

    def _repr_mimebundle_(self, **kwargs):
        if self.use_widget and in_kernel() and widget_installed():
            return self.widget()._repr_mimebundle_(**kwargs)
        return {"text/html": self._repr_html_(), "text/plain": repr(self)}

    def _repr_html_(self) -> str:
        # in a notebook without the widget: the page inline
        return (f'<iframe src="{escape(self.url)}" style="width:100%;height:520px;'
                f'border:1px solid #ddd;border-radius:4px"></iframe>'
                f'<div style="font-size:11px"><a href="{escape(self.url)}" target="_blank">'
                f"open in a new tab</a></div>")


class LinkedTables(BrowserInterface):
    """The nodes table of a running graph view, served by the graph view's own server
    (``VizHandle.tables()``), so the two are linked: the table's filter ``selected``
    keeps the rows of the nodes selected in the graph, the graph's Rows and Tables
    buttons show them here, and a node row's context action flies the graph to that
    node. Closing it closes the graph view too (one server)."""

    def __init__(self, server: Server, widget: bool = True):
        self._server, self.use_widget = server, widget     # already running

    @property
    def url(self) -> str:
        """The table page (the graph view's server, without ``graph``)."""
        return Server.url.fget(self._server)

    def __repr__(self) -> str:
        return "LinkedTables" + super().__repr__()[len("BrowserInterface"):]


def in_kernel() -> bool:
    """Whether this is a Jupyter kernel (a notebook shows widgets), not a terminal."""
    import sys
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return shell is not None and hasattr(shell, "kernel")


def widget_installed() -> bool:
    import importlib.util
    return importlib.util.find_spec("anywidget") is not None


def serve(path_or_graph, port: int = 0, open_browser: bool = True, theme: str = "sleek",
          host: str = "127.0.0.1", token: str | None = None,
          verify: bool = True) -> BrowserInterface:
    """Browse a stored graph (memory-mapped, not loaded) or an in-memory graph.

    Serves the nodes table and the edges table on one page, in a background thread, and
    the graph view at ``URL + "graph"`` (the page's Graph tab). With a layout stored as
    ``force_directed`` (``python -m groggy layout PATH`` stores one), the graph view is
    prepared at once, in the background; without one, the graph is laid out when the
    graph view is first opened, the page showing its progress.

    Parameters
    ----------
    path_or_graph : str, Path or Graph
        A directory written by ``Graph.save``, or a graph.
    port : int
        0 (default) picks a free port.
    open_browser : bool
        Open the page in the default browser.
    theme : str
        ``sleek``, ``light``, ``dark``, ``publication`` or ``minimal``.
    token : str, optional
        Fix the URL's access token (default: random, or ``$GROGGY_TOKEN``).
    verify : bool
        For a stored graph: check every file (checksums and structure) before serving,
        with a progress bar on large stores; False skips that (each column is still
        checked the first time it is read).

    Returns
    -------
    BrowserInterface
        Its ``url`` carries the access token; ``wait()`` blocks until Ctrl+C.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes({"x": [1, 2]}); _ = g.add_edge(0, 1)
    >>> view = gg.serve(g, open_browser=False)
    >>> view.get_total_rows("edges")
    1
    >>> view.close()
    """
    from groggy.graph import Graph, open_graph
    graph = (path_or_graph if isinstance(path_or_graph, Graph)
             else open_graph(Path(path_or_graph), verify=verify))
    return BrowserInterface(graph_server(graph, port, host, theme, token), open_browser)


def graph_server(graph, port: int = 0, host: str = "127.0.0.1", theme: str = "sleek",
                 token: str | None = None):
    """The server of ``serve`` and ``python -m groggy serve`` (not started): the nodes
    and edges tables, and the graph view, built when a graph page first asks, or at once
    when the graph has a stored force layout."""
    from groggy.viz.interactive import build_scene, computes_force
    from groggy.web.graphview import GraphServer

    # when a graph page first asks: the stored layout, or one computed then
    def build(progress, preview):
        return build_scene(graph.viz, "force_directed", theme, None, {},
                           progress=progress, preview=preview)
    server = GraphServer(build=build, port=port, host=host, theme=theme, token=token,
                         sources={"nodes": graph.nodes.table(), "edges": graph.edges.table()})
    if not computes_force(graph.viz, "force_directed", None):
        # nothing to compute: the graph view is made while the browser loads a page
        # (a layout to compute waits until a graph page asks: it may never be opened)
        server.build_soon()
    return server
