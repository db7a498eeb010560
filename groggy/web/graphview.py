"""The graph view's server side: a :class:`GraphServer` (the table server plus the
``/TOKEN/graph`` page and its socket), one :class:`GraphSession` per connection, and the
:class:`VizHandle` that ``viz.interactive()`` returns. The graph is sent once, as binary
frames of typed arrays; everything else is small JSON (docs/protocol.md, "Graph view")."""
from __future__ import annotations

import struct

import numpy as np
import tornado.web

from groggy.themes import THEMES
from groggy.viz.layout import Layout
from groggy.web.app import STATIC, SocketHandler, _Guarded
from groggy.web.browser import BrowserInterface
from groggy.web.graphactions import ACTION_KINDS, GraphExportHandler, handle_action
from groggy.web.protocol import ProtocolError, _int, _theme
from groggy.web.server import Server

LAYOUTS = ["force_directed", "hierarchical", "circular", "grid"]   # the page's choices
MAX_SELECT = 10_000    # ids in one Select message (the 64 KiB message cap holds fewer)


# ---------------------------------------------------------------------- wire format
def frame(tag: bytes, count: int, data: np.ndarray) -> bytes:
    """A binary frame: 4 ASCII bytes naming the array, its item count (uint32 little
    endian), then the array's bytes (little endian), 8-byte aligned for typed arrays.

    Examples
    --------
    >>> frame(b"NSIZ", 2, np.array([1.5, 2.0], dtype="<f4")).hex()
    '4e53495a020000000000c03f00000040'
    """
    return tag + struct.pack("<I", count) + np.ascontiguousarray(data).tobytes()


def positions_frames(scene) -> list:
    """The node positions on the wire (the one place their encoding lives)."""
    return [frame(b"NPOS", scene.n, scene.positions.astype("<f4"))]


def labels_frame(labels: list) -> bytes:
    """``NLAB``: u32 offsets (n + 1) into the UTF-8 text of every label (empty: none)."""
    texts = [(t or "").encode("utf-8") for t in labels]
    offsets = np.zeros(len(texts) + 1, dtype="<u4")
    np.cumsum([len(t) for t in texts], out=offsets[1:])
    return frame(b"NLAB", len(texts), offsets) + b"".join(texts)


def look_frames(scene, look) -> list:
    out = [frame(b"NCOL", scene.n, look.colors),
           frame(b"NSIZ", scene.n, look.sizes.astype("<f4"))]
    if look.edge_colors is not None:
        out.append(frame(b"ECOL", scene.m, look.edge_colors))
    # -- shapes, edge widths, labels (graph page features)
    if look.shapes is not None:
        out.append(frame(b"NSHP", scene.n, look.shapes))
    if look.edge_widths is not None:
        out.append(frame(b"EWID", scene.m, look.edge_widths.astype("<f4")))
    if look.labels is not None:
        out.append(labels_frame(look.labels))
    return out


def look_message(kind: str, look, frames: list, rid=None) -> dict:
    return {"type": kind, "request_id": rid, "theme": look.theme,
            "colors": look.page_colors, "legend": look.legend,
            "edge_color": look.edge_color, "label": look.label,
            "font_size": look.font_size, "frames": [f[:4].decode() for f in frames]}


def _rows(msg, kind):
    nodes = msg.get("nodes")
    if not isinstance(nodes, list) or len(nodes) > MAX_SELECT or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in nodes):
        raise ProtocolError(f"{kind}.nodes must be a list of at most {MAX_SELECT:,} node "
                            f"rows (ints >= 0)")
    return nodes


_KINDS = {
    "GraphHello": lambda m: {"theme": _theme(m, "GraphHello")},
    "NodeInfo": lambda m: {"node": _int(m, "node", "NodeInfo")},
    "Select": lambda m: {"nodes": _rows(m, "Select")},
    "ThemeChange": lambda m: {"theme": _theme(m, "ThemeChange", required=True)},
    "Ping": lambda m: {},
    **ACTION_KINDS,          # FindNode, MoveNode, SetLayout, ShowLabels (graphactions.py)
}


# ---------------------------------------------------------------------- session
class GraphSession:
    """One page's graph view: its look (theme) and its answers; no networking."""

    kinds = _KINDS
    source = None        # shows no table: table pushes pass it by

    def __init__(self, server: "GraphServer"):
        self.server, self.scene = server, server.scene
        self.look = self.scene.look
        self.theme = self.look.theme

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
            if msg["theme"] and msg["theme"] != self.look.theme:
                self.look = self.scene.styled(msg["theme"], base=self.look)
            return self.initial(rid)
        if kind == "NodeInfo":
            return [{"type": "NodeInfo", "request_id": rid,
                     **self.scene.node_info(self._row(msg["node"], kind, rid))}]
        if kind == "Select":
            rows = list(dict.fromkeys(self._row(r, kind, rid) for r in msg["nodes"]))
            ids = self.scene.node_ids[rows].tolist() if rows else []
            self.server.selected = ids
            return [{"type": "Selected", "request_id": rid, "nodes": rows, "ids": ids}]
        if kind == "ThemeChange":
            return self.restyled(self.scene.styled(msg["theme"], base=self.look), rid)
        if kind in ACTION_KINDS:
            return handle_action(self, msg)
        raise ProtocolError(f"unhandled message type {kind!r}", kind, rid)

    def initial(self, rid=None) -> list:
        scene, look = self.scene, self.look
        frames = [*positions_frames(scene),
                  frame(b"EDGE", scene.m, scene.edges.astype("<u4")),
                  *look_frames(scene, look)]
        if not scene.ids_are_rows:
            frames.append(frame(b"NIDS", scene.n, scene.node_ids.astype("<f8")))
        head = look_message("GraphInit", look, frames, rid)
        head.update(nodes=scene.n, edges=scene.m, directed=scene.graph.directed,
                    bounds=scene.bounds, themes=list(THEMES),
                    attributes=scene.attribute_names(),
                    selected=self._selected_rows(), layout=scene.layout_name,
                    layouts=LAYOUTS)
        return [head, *frames]

    def restyled(self, look, rid=None, kind="ThemeChange") -> list:
        self.look, self.theme = look, look.theme
        frames = look_frames(self.scene, look)
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
                    (r"/graph/export", GraphExportHandler))

    def __init__(self, scene, **kwargs):
        self.scene = scene
        self.selected: list = []
        self.layout_seq = 0          # layout switches started (the newest one wins)
        super().__init__({"nodes": scene.nodes_table}, theme=scene.look.theme, **kwargs)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/{self.token}/graph"

    def _push_graph(self, replies_for) -> None:
        """Send ``replies_for(session)`` to every graph page, on the server's loop."""
        def push():
            for conn in list(self.connections):
                if isinstance(conn.session, GraphSession):
                    conn.send(replies_for(conn.session))
        self._call(push)

    def restyle(self, look, kind: str) -> None:
        self.scene.look = look
        self.theme = look.theme
        self._push_graph(lambda session: session.restyled(look, kind=kind))

    def broadcast_theme(self, theme: str) -> None:
        self.restyle(self.scene.styled(theme, base=self.scene.look), "ThemeChange")

    def set_positions(self, positions, name: str, requester=None, rid=None) -> None:
        """New positions for every node (a layout switch): kept in the scene and pushed
        to every page as ``Positions`` (the requester's copy carries ``rid``)."""
        scene = self.scene
        scene.positions, scene.layout_name = positions, name

        def push():
            head = {"type": "Positions", "request_id": None, "layout": name,
                    "bounds": scene.bounds, "frames": ["NPOS"]}
            frames = positions_frames(scene)
            for conn in list(self.connections):
                if isinstance(conn.session, GraphSession):
                    mine = conn.session is requester
                    conn.send([{**head, "request_id": rid if mine else None}, *frames])
        self._call(push)

    def push_selection(self, ids: list) -> None:
        self.selected = ids
        rows = [self.scene.row_of(v) for v in ids]
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
        positions, name = self._server.scene.laid_out(layout, params or None)
        self._server.set_positions(positions, name)

    def positions(self):
        """The view's node positions now (after drags in a page, or a layout switch),
        as a ``Layout`` aligned with the view's node ids."""
        scene = self._server.scene
        return Layout(scene.positions, scene.node_ids, scene.layout_name or "moved", {})

    def __repr__(self) -> str:
        scene = self._server.scene
        state = "running" if self.is_running() else "stopped"
        return f"VizHandle({self.url!r}, {scene.n:,} nodes, {scene.m:,} edges, {state})"


def serve_scene(scene, port: int = 0, host: str = "127.0.0.1",
                open_browser: bool = False) -> VizHandle:
    """Start a graph server for a prepared scene (``groggy.viz.interactive``)."""
    return VizHandle(GraphServer(scene, port=port, host=host), open_browser)
