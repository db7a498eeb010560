"""The graph view's server side: a :class:`GraphServer` (the table server plus the
``/TOKEN/graph`` page and its socket), one :class:`GraphSession` per connection, and the
:class:`VizHandle` that ``viz.interactive()`` returns. The graph is sent once, as binary
frames of typed arrays; everything else is small JSON (docs/protocol.md, "Graph view")."""
from __future__ import annotations

import concurrent.futures
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import tornado.ioloop
import tornado.web

from groggy.themes import THEMES
from groggy.viz.layout import Layout
from groggy.viz.view_export import first_view_jpeg
from groggy.web.app import STATIC, SocketHandler, _Guarded
from groggy.web.browser import BrowserInterface, LinkedTables
from groggy.web.graphactions import (ACTION_KINDS, GraphExportHandler, canvas_side,
                                     handle_action)
from groggy.web.graphtiles import (TILE_KINDS, draw_ahead, node_brief, tile_replies,
                                   tiled_init)
from groggy.web.graphwire import (bends_frame, edge_frame, frame, ids_frame,
                                  palette_frames, position_frame)
from groggy.web.protocol import ProtocolError, _int, _theme, node_rows
from groggy.web.server import _COALESCE_SECONDS, Server

_ENCODER = ThreadPoolExecutor(1, thread_name_prefix="groggy-graph-encode")
# first views drawn for pages that draw on the CPU (their own thread: a GraphInit being
# encoded does not wait for one, nor one for it)
_FIRST_VIEWS = ThreadPoolExecutor(1, thread_name_prefix="groggy-graph-first-view")
LAYOUTS = ["force_directed", "hierarchical", "circular", "grid"]   # the page's choices
MAX_SELECT = 10_000    # ids in one Select message (the 64 KiB message cap holds fewer)
PREVIEW_EVERY = 0.5    # s: a layout built for the page shows its coarse stages this often
PROGRESS_EVERY = 0.1   # s: and reports its progress at most this often
# nodes + edges from which a page drawing on the CPU is sent a drawing of its first view
# (SwiftShader draws 10k nodes / 50k edges in ~0.5 s, the server in ~0.07 s)
FIRST_VIEW_ABOVE = 20_000
# and up to which: the server draws ~1 s per million (6.5 s for the 1M / 5M demo's
# layout, on one core); above, the drawing and the page's own vectors (which only a
# raised tiles_above gives so large a graph) take as long, and a drawing can't be stopped
FIRST_VIEW_AT_MOST = 2_000_000


def _finished(value) -> concurrent.futures.Future:
    """A future that already holds ``value`` (the wire, where it was encoded at once)."""
    done = concurrent.futures.Future()
    done.set_result(value)
    return done


# ---------------------------------------------------------------------- wire format
class GraphWire:
    """The scene's geometry as frames (graphwire.py), encoded once and kept: positions,
    edges (sorted: ``edge_order`` maps the page's edge numbers to the scene's) and ids."""

    def __init__(self, scene):
        self.geometry, self.edge_order = [], None
        self.positions = scene.positions        # what was encoded (see GraphServer.wire)
        if scene.tiles is not None:     # a tiled view sends what is in view (graphtiles.py)
            return
        self.geometry = [position_frame(scene.positions, scene.bounds)]
        edges, self.edge_order = edge_frame(scene.edges, scene.n, scene.graph.directed)
        self.geometry.append(edges)
        if not scene.ids_are_rows:
            self.geometry.append(ids_frame(scene.node_ids))
        if scene.bends is not None:      # a layered layout's long edges
            self.geometry.append(bends_frame(*scene.bends, self.edge_order, scene.bounds))

    def look_frames(self, look) -> list:
        out = [*palette_frames(look.colors, (b"NPAL", b"NCIX", b"NCOL")),
               *palette_frames(look.sizes.astype("<f4"), (b"NSZP", b"NSZI", b"NSIZ"))]
        per_edge = [(look.edge_colors, (b"EPAL", b"ECIX", b"ECOL")),
                    (None if look.edge_widths is None else look.edge_widths.astype("<f4"),
                     (b"EWPL", b"EWIX", b"EWID"))]
        for values, tags in per_edge:
            if values is not None:       # in the page's edge order
                out += palette_frames(values if self.edge_order is None
                                      else values[self.edge_order], tags)
        # -- shapes and labels (graph page features)
        if look.shapes is not None:
            out.append(frame(b"NSHP", len(look.shapes), look.shapes))
        if look.labels is not None:
            out.append(labels_frame(look.labels))
        return out


def labels_frame(labels: list) -> bytes:
    """``NLAB``: u32 offsets (n + 1) into the UTF-8 text of every label (empty: none)."""
    texts = [(t or "").encode("utf-8") for t in labels]
    offsets = np.zeros(len(texts) + 1, dtype="<u4")
    np.cumsum([len(t) for t in texts], out=offsets[1:])
    return frame(b"NLAB", len(texts), offsets) + b"".join(texts)


def look_message(kind: str, look, frames: list, rid=None) -> dict:
    return {"type": kind, "request_id": rid, "theme": look.theme,
            "colors": look.page_colors, "legend": look.legend,
            "edge_color": look.edge_color, "label": look.label,
            "font_size": look.font_size, "frames": [f[:4].decode() for f in frames]}


_KINDS = {
    "GraphHello": lambda m: {"theme": _theme(m, "GraphHello")},
    "NodeInfo": lambda m: {"node": _int(m, "node", "NodeInfo")},
    "Select": lambda m: {"nodes": node_rows(m, "Select", MAX_SELECT)},
    "ThemeChange": lambda m: {"theme": _theme(m, "ThemeChange", required=True)},
    "Ping": lambda m: {},
    **TILE_KINDS,        # large graphs: Viewport, Tile, NodeAt (graphtiles.py)
    **ACTION_KINDS,      # FindNode, MoveNode, SetLayout, ShowLabels (graphactions.py)
}
# server -> page only: LayoutProgress (done, total) while gg.serve lays the graph out


# ---------------------------------------------------------------------- session
class GraphSession:
    """One page's graph view: its look (theme) and its answers; no networking."""

    kinds = _KINDS
    source = None        # shows no table: table pushes pass it by
    graph_page = True

    def __init__(self, server: "GraphServer"):
        self.server, self.scene = server, server.scene
        # None until the server's scene is built (gg.serve lays the graph out on demand)
        self.look = self.scene.look if self.scene else None
        self.theme = self.look.theme if self.look else server.theme

    def _row(self, row: int, kind: str, rid) -> int:
        if row >= self.scene.n:
            raise ProtocolError(f"{kind}: node row {row} is out of range (the view has "
                                f"{self.scene.n:,} nodes)", kind, rid)
        return row

    def handle(self, msg: dict) -> list:
        kind, rid = msg["type"], msg["request_id"]
        if kind == "Ping":
            return [{"type": "Pong", "request_id": rid}]
        if kind == "GraphHello":
            if self.scene is None:           # the layout is still being computed
                self.theme = msg["theme"] or self.theme
                return [self.server.start_building(rid)]
            if msg["theme"] and msg["theme"] != self.look.theme:
                self.look = self.scene.styled(msg["theme"], base=self.look)
            return self._when_encoded(self.initial, rid)
        if self.scene is None:
            raise ProtocolError(f"{kind}: the graph is still being laid out", kind, rid)
        if kind in TILE_KINDS:
            return tile_replies(self, msg, frame)
        if kind == "NodeInfo":
            row = self._row(msg["node"], kind, rid)
            info = self.scene.node_info(row)
            if self.scene.tiles is not None:     # the page of a tiled view lacks positions
                info.update(brief=node_brief(self, row))
            return [{"type": "NodeInfo", "request_id": rid, **info}]
        if kind == "Select":
            rows = list(dict.fromkeys(self._row(r, kind, rid) for r in msg["nodes"]))
            ids = self.scene.node_ids[rows].tolist() if rows else []
            self.server.set_selected(ids)
            return [{"type": "Selected", "request_id": rid, "nodes": rows, "ids": ids}]
        if kind == "ThemeChange":
            return self._when_encoded(self.restyled,
                                      self.scene.styled(msg["theme"], base=self.look), rid)
        if kind in ACTION_KINDS:
            return handle_action(self, msg)
        raise ProtocolError(f"unhandled message type {kind!r}", kind, rid)

    def _when_encoded(self, answer, *args):
        """``answer(*args)`` now, or a future of it from the encoder thread when the wire
        is still being encoded or must be encoded again (the loop never waits for it)."""
        if self.server.wire_ready():
            return answer(*args)
        return _ENCODER.submit(answer, *args)

    def initial(self, rid=None) -> list:
        scene, look = self.scene, self.look
        if scene.tiles is not None:
            return [tiled_init(self, self._init_head(look_message("GraphInit", look, [], rid)))]
        wire = self.server.wire
        frames = [*wire.geometry, *wire.look_frames(look)]
        return [self._init_head(look_message("GraphInit", look, frames, rid)), *frames]

    def _init_head(self, head: dict) -> dict:
        scene = self.scene
        head.update(nodes=scene.n, edges=scene.m, directed=scene.graph.directed,
                    bounds=scene.bounds, themes=list(THEMES),
                    attributes=scene.attribute_names(),
                    selected=self._selected_rows(), layout=scene.layout_name,
                    layouts=LAYOUTS)
        return head

    def restyled(self, look, rid=None, kind="ThemeChange") -> list:
        self.look, self.theme = look, look.theme
        # a tiled view's page asks for tiles and vectors in the new look itself
        frames = self.server.wire.look_frames(look) if self.scene.tiles is None else []
        return [look_message(kind, look, frames, rid), *frames]

    def _selected_rows(self) -> list:
        out = []
        for node_id in self.server.selected:
            try:
                out.append(self.scene.row_of(node_id))
            except ValueError:
                pass
        return out


# ---------------------------------------------------------------------- handlers
class GraphPageHandler(_Guarded, tornado.web.RequestHandler):
    def get(self, token):
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish((STATIC / "graph.html").read_bytes())


class FirstViewHandler(_Guarded, tornado.web.RequestHandler):
    """``GET /TOKEN/graph/first-view?width=&height=``: the drawing a page that draws on
    the CPU shows while it draws its first frame (docs/protocol.md, "The first view on a
    CPU renderer"). Asked over HTTP as soon as the page is parsed, before its socket is
    open: the drawing is on its way ~0.1 s sooner."""

    def initialize(self):
        self.gone = threading.Event()    # the page has left

    def on_connection_close(self):
        self.gone.set()

    async def get(self, token):
        self.set_header("Cache-Control", "no-store")
        try:
            width, height = (canvas_side(self, name) for name in ("width", "height"))
        except ValueError as exc:
            self.set_status(400)
            self.finish(f"no first view: {exc}\n")
            return
        server = self.settings["groggy"]
        # one drawing at a time for every server of the process: none is queued where
        # there is none to draw, and one whose page has left while it waited is skipped
        # (either would hold up the next page's)
        drawn = None if server.first_view_scene() is None else \
            await tornado.ioloop.IOLoop.current().run_in_executor(
                _FIRST_VIEWS, _unless_gone, self.gone, server.first_view, width, height)
        if drawn is None:
            self.set_status(204)      # the page's own first frame is quick: none
            self.finish()
            return
        jpeg, (cx, cy, zoom) = drawn
        self.set_header("Content-Type", "image/jpeg")
        self.set_header("X-Groggy-View", json.dumps({"cx": cx, "cy": cy, "zoom": zoom,
                                                     "width": width, "height": height}))
        self.finish(jpeg)


def _unless_gone(gone: threading.Event, draw, *args):
    return None if gone.is_set() else draw(*args)


class GraphSocketHandler(SocketHandler):
    """The table socket's checks (token, Host, Origin, size cap), with a graph session."""

    def open(self, token):
        super().open(token)
        self.session = GraphSession(self.settings["groggy"])


# ---------------------------------------------------------------------- server, handle
class GraphServer(Server):
    """A :class:`Server` that also serves the graph view of ``scene`` at ``/TOKEN/graph``
    (its root still shows the nodes table)."""

    extra_routes = ((r"/graph", GraphPageHandler), (r"/graph/ws", GraphSocketHandler),
                    (r"/graph/export", GraphExportHandler),
                    (r"/graph/first-view", FirstViewHandler))
    graph_view = True

    def __init__(self, scene=None, build=None, sources=None, **kwargs):
        """``scene``: a prepared :class:`GraphScene`; or ``build(progress, preview)``,
        which makes one when the first graph page asks (``progress(done, total)`` reports
        on a long layout, ``preview(scene)`` shows its coarse stages), for servers whose
        tables come first (``gg.serve``)."""
        self.scene, self._build, self._building = scene, build, None
        self._build_at_start = False     # build_soon() before the server ran
        self.selected: list = []
        self._pending_topology = None     # set while a graph change waits to be shown
        self._progress = (0, 0)
        self._staged = None        # layout_seq when a stage of the build was shown
        self._wire = None
        self.layout_seq = 0          # layout switches started (the newest one wins)
        if scene is not None:
            # encoded on a worker thread while the browser loads the page (NumPy and the
            # kernels release the GIL); the first GraphHello waits for it
            self._wire = _ENCODER.submit(GraphWire, scene)
            draw_ahead(scene)
            kwargs.setdefault("theme", scene.look.theme)
        super().__init__(sources or {"nodes": scene.nodes_table}, **kwargs)
        if "nodes" in self.sources:    # the filter "selected" in the nodes table
            self.sources["nodes"].marks["selected"] = self._selected_rows_mask

    def _selected_rows_mask(self) -> np.ndarray:
        table = self.sources["nodes"].obj
        return np.isin(np.asarray(table.node_ids(), dtype=np.int64), self.selected)

    def set_selected(self, ids: list) -> None:
        """The graph selection changed: tables filtered by it follow."""
        self.selected = ids
        if "nodes" in self.sources:
            self._call(self._mark_dirty, ("nodes",))

    def wire_ready(self) -> bool:
        """Whether :attr:`wire` answers at once (nothing to wait for nor to encode)."""
        return self.scene.tiles is not None or (
            self._wire.done() and self._wire.result().positions is self.scene.positions)

    @property
    def wire(self) -> GraphWire:
        """The scene's frames (waits for the encoding started with the server; encodes
        again after the positions changed: a layout switch, a dragged node)."""
        wire = self._wire.result()
        if wire.positions is not self.scene.positions and self.scene.tiles is None:
            wire = GraphWire(self.scene)
            self._wire = _finished(wire)
        return wire

    def first_view_scene(self):
        """The scene a page that draws on the CPU gets a drawing of first (docs/protocol.md,
        "The first view on a CPU renderer"); None where the page's own first frame is
        quick (fewer than FIRST_VIEW_ABOVE nodes + edges) or the drawing as slow (more
        than FIRST_VIEW_AT_MOST), where it shows tiles, for an empty graph, or while the
        layout is being built (its stages show instead)."""
        scene = self.scene
        if scene is None or scene.tiles is not None or scene.n == 0 or \
                not FIRST_VIEW_ABOVE <= scene.n + scene.m <= FIRST_VIEW_AT_MOST:
            return None
        return scene

    def first_view(self, width: int, height: int):
        """(JPEG, (cx, cy, zoom)) of the view a page fits to a ``width`` x ``height``
        canvas, in the server's look; None where :meth:`first_view_scene` is."""
        scene = self.first_view_scene()
        return None if scene is None else first_view_jpeg(scene, scene.look, width, height)

    @property
    def url(self) -> str:
        """The graph page for ``interactive()``; the tables (with a Graph tab) for a
        server that builds its graph on demand (``gg.serve``)."""
        return super().url + ("" if self._build else "graph")

    # ------------------------------------------------------------------ building
    def start_building(self, rid=None) -> dict:
        """On the loop: lay the graph out (once) for the pages that wait; their answer
        is a ``LayoutProgress`` now and the ``GraphInit`` when the scene is ready."""
        if self._building is None:
            last = [0.0, 0.0]     # the last progress report, the last preview

            def progress(done, total):      # on the encoder thread, throttled
                now = time.monotonic()
                if now - last[0] >= PROGRESS_EVERY or done == total:
                    last[0] = now
                    self._call(self._report_progress, done, total)

            started = time.monotonic()

            def preview(scene):   # on the encoder thread: a coarse stage of the layout
                now = time.monotonic()
                if now - max(started, last[1]) >= PREVIEW_EVERY:
                    last[1] = now
                    wire = GraphWire(scene) if self.scene is None else None
                    self._call(self._show_stage, scene, wire)

            def build():
                scene = self._build(progress, preview)
                return scene, GraphWire(scene)
            self._building = _ENCODER.submit(build)
            self._building.add_done_callback(lambda f: self._call(self._show_scene, f))
        done, total = self._progress
        return {"type": "LayoutProgress", "request_id": rid, "done": done, "total": total}

    def build_soon(self) -> None:
        """Start building the graph view now (from any thread; before the server runs:
        as it starts), not when the first graph page asks: for a graph whose layout is
        stored, so the page finds it ready."""
        if self.loop is None:
            self._build_at_start = True
        else:
            self._call(self.start_building)

    def _start_http(self) -> None:
        super()._start_http()          # on the loop's thread, the loop made
        if self._build_at_start:
            self.start_building()

    def _show_stage(self, scene, wire) -> None:
        """On the loop: a coarse stage of the layout being built. The first is shown as
        the graph; later ones, and the finished layout, move its nodes (``Positions``),
        unless the user switched layouts meanwhile."""
        if self.scene is None:
            self._staged = self.layout_seq
            self._show_scene(_finished((scene, wire)))
        elif self._staged == self.layout_seq:
            self._adopt(scene)

    def _adopt(self, scene) -> None:
        """``scene`` (the same graph and look, new positions) replaces the shown one,
        unless the graph changed since (the update laid the new graph out already)."""
        if scene.graph is not self.scene.graph:
            return
        self.scene = scene
        for conn in self._graph_pages():
            conn.session.scene = scene
        self._push_positions(scene, scene.layout_name)

    def _report_progress(self, done: int, total: int) -> None:
        self._progress = (done, total)
        if self.scene is None or self._staged is not None:   # before the build ends
            self._send_graph(lambda session: [{"type": "LayoutProgress", "request_id": None,
                                               "done": done, "total": total}])

    # ------------------------------------------------------------------ live graph
    def _watch_graphs(self) -> None:
        super()._watch_graphs()
        if self.scene is not None:
            self._watch_scene()

    def _watch_scene(self) -> None:
        graph = self.scene.live_graph
        if graph is not None:
            self._unsubscribe.append(graph.on_change(
                lambda event: self._call(self._graph_changed, event)))

    def _graph_changed(self, event: dict) -> None:
        """On the loop: gather the changes of a short while into one update."""
        first = self._pending_topology is None
        topology = event.get("type", "") in ("nodes_added", "edges_added",
                                             "nodes_removed", "edges_removed")
        self._pending_topology = bool(self._pending_topology) or topology
        if first:
            self.loop.call_later(_COALESCE_SECONDS, self._update_scene)

    def _update_scene(self) -> None:
        topology, self._pending_topology = self._pending_topology, None
        scene = self.scene

        def rebuild():   # on the encoder thread: a layout update may take a while
            new = scene.updated(topology)
            return new, GraphWire(new)

        def done(future):
            self._call(self._show_scene, future)
        _ENCODER.submit(rebuild).add_done_callback(done)

    def _show_scene(self, future) -> None:
        try:
            scene, wire = future.result()
        except Exception as exc:   # the graph changed into one the view cannot show
            if self.scene is None:  # the first build failed: a reload tries again
                self._building = None
            if future is self._building:
                self._staged = None
            self._send_graph(lambda session: [{"type": "Error", "request_id": None,
                                               "for": "GraphUpdate", "message": str(exc)}])
            return
        if self._staged is not None and future is self._building:   # the staged build ends
            staged, self._staged = self._staged, None
            if staged == self.layout_seq:
                self._wire = _finished(wire)
                self._adopt(scene)
            return
        first = self.scene is None
        self.scene, self._wire = scene, _finished(wire)
        draw_ahead(scene)
        if first:
            self._watch_scene()
        looks = {scene.look.theme: scene.look}
        for conn in list(self.connections):
            session = conn.session
            if isinstance(session, GraphSession):
                theme = session.look.theme if session.look else session.theme
                if theme not in looks:
                    looks[theme] = scene.styled(theme, base=scene.look)
                session.scene, session.look = scene, looks[theme]
                conn.send(session.initial())

    def _push_graph(self, replies_for) -> None:
        """Send ``replies_for(session)`` to every graph page, on the server's loop."""
        self._call(self._send_graph, replies_for)

    def _send_graph(self, replies_for) -> None:
        """:meth:`_push_graph` from the loop itself: sent now, in order with the rest."""
        for conn in self._graph_pages():
            conn.send(replies_for(conn.session))

    def _graph_pages(self) -> list:
        """The connections of the graph pages (not the table pages)."""
        return [c for c in list(self.connections) if isinstance(c.session, GraphSession)]

    def restyle(self, look, kind: str) -> None:
        self.scene.look = look
        self.theme = look.theme
        self._push_graph(lambda session: session.restyled(look, kind=kind))

    def broadcast_theme(self, theme: str) -> None:
        super().broadcast_theme(theme)      # the table pages
        if self.scene is not None:
            self.restyle(self.scene.styled(theme, base=self.scene.look), "ThemeChange")

    def set_positions(self, positions, name: str, requester=None, rid=None,
                      bends=None) -> None:
        """New positions for every node (a layout switch; ``bends`` where its edges
        bend): kept in the scene and pushed to every page as ``Positions`` (the
        requester's copy carries ``rid``)."""
        scene = self.scene
        scene.set_positions(positions, name, bends)
        self._call(self._push_positions, scene, name, requester, rid)

    def _push_positions(self, scene, name: str, requester=None, rid=None) -> None:
        if scene.tiles is not None:
            # -- a tiled view: new positions are a new tile scheme (bounds, tiles, bends
            # drawn in them); its pages start again from a GraphInit, as on a reconnect
            self._send_graph(lambda session: session.initial(
                rid if session is requester else None))
            return
        frames = [position_frame(scene.positions, scene.bounds)]
        if scene.bends is not None:      # the new layout's long edges bend
            frames.append(bends_frame(*scene.bends, self._wire.result().edge_order,
                                      scene.bounds))
        head = {"type": "Positions", "request_id": None, "layout": name,
                "bounds": scene.bounds, "frames": [f[:4].decode() for f in frames]}
        self._send_graph(lambda session: [
            {**head, "request_id": rid if session is requester else None}, *frames])

    def show_node(self, node_id: int, kind: str, rid) -> int:
        """On the loop: every graph page flies to node ``node_id`` and selects it (a
        table row's context action, in a notebook widget); how many pages were told."""
        if self.scene is None:
            raise ProtocolError(f"{kind}: the graph is still being laid out", kind, rid)
        try:
            row = self.scene.row_of(node_id)
        except ValueError:
            raise ProtocolError(f"{kind}: no node {node_id} in the graph view", kind, rid) \
                from None
        pages = self._graph_pages()
        if not pages:
            raise ProtocolError(f"{kind}: no graph view of this graph is shown; display "
                                "the view in a notebook cell", kind, rid)
        for conn in pages:
            conn.send([{"type": "FlyTo", "request_id": None, "node": row, "id": node_id}])
        return len(pages)

    def push_selection(self, ids: list) -> None:
        rows = [self.scene.row_of(v) for v in ids]
        self.set_selected(ids)
        self._push_graph(lambda session: [{"type": "Select", "request_id": None,
                                           "nodes": rows}])


class VizHandle(BrowserInterface):
    """A running graph view, returned by ``viz.interactive()``.

    ``url`` (token included), ``port``, ``is_running()``, ``close()`` and ``with``
    blocks as for a table view; ``set_style(**style)`` and ``set_theme(name)`` restyle
    every open page; ``select(node_ids)`` selects nodes in them and ``selected()``
    gives the node ids last selected in a page (or by ``select``).

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
    >>> with g.viz.interactive(layout="grid") as view:
    ...     view.select([2]); view.selected()
    [2]
    """

    widget_view = "graph"     # in a notebook: the graph view's widget

    def set_style(self, **style) -> None:
        """Change style keywords (those of ``export``; None restores a default)."""
        scene = self._server.scene
        self._server.restyle(scene.styled(base=scene.look, **style), "StyleChange")

    def set_theme(self, name: str) -> None:
        """Switch every open page to theme ``name`` (node colours follow its palette)."""
        self._server.broadcast_theme(name)

    def select(self, node_ids) -> None:
        """Select these nodes (their neighbours are highlighted) in every open page."""
        ids = [int(v) for v in np.asarray(list(node_ids), dtype=np.int64).tolist()]
        for v in ids:
            self._server.scene.row_of(v)         # unknown ids fail here, not in a page
        self._server.push_selection(list(dict.fromkeys(ids)))

    def selected(self) -> list:
        return list(self._server.selected)

    # -- layout switch and node positions (graph page features)
    def set_layout(self, layout, **params) -> None:
        """Lay the view out again with ``layout`` (an algorithm name, computed here with
        ``params``, or a ``Layout``); every open page moves its nodes and refits.
        ``ValueError`` for an unknown name (nothing changes)."""
        positions, name, bends = self._server.scene.laid_out(layout, params or None)
        self._server.set_positions(positions, name, bends=bends)

    def positions(self):
        """The view's node positions now (after drags in a page, or a layout switch),
        as a ``Layout`` aligned with the view's node ids."""
        scene = self._server.scene
        return Layout(scene.positions, scene.node_ids, scene.layout_name or "moved", {})

    # -- the graph's nodes table, linked to this view (a second notebook widget)
    def tables(self):
        """The nodes table of this view's graph, linked to the view: its filter
        ``selected`` keeps the rows of the nodes selected here, the view's Rows and
        Tables buttons show them, and a row's context action flies the view to its node.
        In a notebook, show it in a cell of its own (a widget, like the view).

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
        >>> with g.viz.interactive(layout="grid") as view:
        ...     view.tables().get_total_rows()
        3
        """
        if getattr(self, "_tables", None) is None:
            self._tables = LinkedTables(self._server, self.use_widget)
        return self._tables

    def __repr__(self) -> str:
        scene = self._server.scene
        state = "running" if self.is_running() else "stopped"
        return f"VizHandle({self.url!r}, {scene.n:,} nodes, {scene.m:,} edges, {state})"


def serve_scene(scene, port: int = 0, host: str = "127.0.0.1", open_browser: bool = False,
                widget: bool = True) -> VizHandle:
    """Start a graph server for a prepared scene (``groggy.viz.interactive``)."""
    return VizHandle(GraphServer(scene, port=port, host=host), open_browser, widget)

