"""The graph page's requests beyond looking: find a node (search box), move a node
(drag), switch the layout (computed in a thread, so the server keeps answering), and
the HTTP route that exports the current view through the static renderer. Messages are
checked here, as ``protocol.parse`` checks the table's (docs/protocol.md, "Graph view")."""
from __future__ import annotations

import math
import threading

import tornado.web
from tornado.ioloop import IOLoop

from groggy.themes import THEMES
from groggy.viz.layout import algorithms, get_algorithm
from groggy.viz.node_search import MAX_MATCHES, NodeSearch
from groggy.viz.render import FORMATS
from groggy.viz.view_export import MAX_SIDE, render_view
from groggy.web.app import _Guarded
from groggy.web.downloads import file_reply, in_worker, too_big, MAX_FILE_BYTES
from groggy.web.protocol import ProtocolError, _bool, _int, _text, _theme

MAX_COORD = 1e15          # |x|, |y| of a dragged node, in layout units
MAX_LAYOUT_PARAMS = 16
MEDIA = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


def _number(msg, key, kind, low=-MAX_COORD, high=MAX_COORD):
    value = msg.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or not low <= value <= high:
        raise ProtocolError(f"{kind}.{key} must be a finite number in {low:g}..{high:g}, "
                            f"got {value!r}"[:200])
    return float(value)


def _scalar(value) -> bool:
    return isinstance(value, (bool, int, str)) or (isinstance(value, float) and
                                                   math.isfinite(value))


def _layout(msg):
    name = _text(msg, "layout", "SetLayout", limit=100)
    try:
        get_algorithm(name)
    except ValueError:
        raise ProtocolError(f"SetLayout.layout must be one of {algorithms()}, got "
                            f"{name!r}") from None
    params = msg.get("params") or {}
    if not isinstance(params, dict) or len(params) > MAX_LAYOUT_PARAMS or not all(
            _scalar(v) for v in params.values()):
        raise ProtocolError("SetLayout.params must be an object of at most "
                            f"{MAX_LAYOUT_PARAMS} numbers, strings or booleans")
    return {"layout": name, "params": params}


def _export_view(m):
    """``ExportView``: the fields of ``/TOKEN/graph/export``, as JSON values."""
    kind = "ExportView"
    fmt = m.get("format")
    if not isinstance(fmt, str) or fmt not in FORMATS:
        raise ProtocolError(f"{kind}.format must be one of {list(FORMATS)}, got {fmt!r}"[:200])
    labels = m.get("labels")
    if labels is not None and not isinstance(labels, bool):
        raise ProtocolError(f"{kind}.labels must be true, false or null, got {labels!r}"[:200])
    return {"format": fmt, "cx": _number(m, "cx", kind), "cy": _number(m, "cy", kind),
            "zoom": _number(m, "zoom", kind, 1e-12, 1e12),
            "width": _int(m, "width", kind, 1, MAX_SIDE),
            "height": _int(m, "height", kind, 1, MAX_SIDE),
            "node_scale": _number(m, "scale", kind, 0.01, 100) if "scale" in m else 1.0,
            "theme": _theme(m, kind), "show_labels": labels}


def draw_view(scene, base, args: dict) -> bytes:
    """The file of the view ``args`` describe (those of ``ExportView``): ``base``'s
    look, in ``args["theme"]`` when another theme is asked for."""
    args = dict(args)
    theme, fmt = args.pop("theme"), args.pop("format")
    look = base if theme in (None, base.theme) else scene.styled(theme, base=base)
    return render_view(scene, look, fmt, **args)


ACTION_KINDS = {
    "FindNode": lambda m: {"text": _text(m, "text", "FindNode", limit=200),
                           "limit": _int(m, "limit", "FindNode", 1, MAX_MATCHES,
                                         default=20)},
    "MoveNode": lambda m: {"node": _int(m, "node", "MoveNode"),
                           "x": _number(m, "x", "MoveNode"),
                           "y": _number(m, "y", "MoveNode")},
    "SetLayout": _layout,
    "ShowLabels": lambda m: {"show": _bool(m, "show", "ShowLabels")},
    # a notebook widget, which has no HTTP address: the drawing as a message, and the
    # link to the tables (docs/protocol.md, "In a notebook")
    "ExportView": _export_view,
    "ShowRows": lambda m: {"selected": _bool(m, "selected", "ShowRows")},
}


def handle_action(session, msg: dict) -> list:
    """The replies to one of ``ACTION_KINDS`` (a layout switch replies later, pushed)."""
    kind, rid, scene = msg["type"], msg["request_id"], session.scene
    if kind == "FindNode":
        if scene.search is None:
            scene.search = NodeSearch(scene.graph)
        try:
            matches = scene.search.find(msg["text"], session.look.label, msg["limit"])
        except ValueError as exc:
            raise ProtocolError(f"FindNode: {exc}", kind, rid) from None
        for m in matches:
            m["label"] = scene.node_label(m["node"], session.look)
        return [{"type": "Found", "request_id": rid, "text": msg["text"],
                 "matches": matches}]
    if kind == "MoveNode":
        row = session._row(msg["node"], kind, rid)
        scene.move_node(row, msg["x"], msg["y"])
        moved = {"type": "Moved", "request_id": None, "node": row, "x": msg["x"],
                 "y": msg["y"]}
        session.server._push_graph(lambda other: [] if other is session else [moved])
        return [{**moved, "request_id": rid}]
    if kind == "ShowLabels":      # this page only: its look with labels on or off
        look = scene.styled(base=session.look, show_labels=msg["show"])
        return session.restyled(look, rid, kind="StyleChange")
    if kind == "SetLayout":
        start_layout(session.server, msg["layout"], msg["params"], session, rid)
        return []
    if kind == "ExportView":
        return in_worker(lambda: view_file(scene, session.look, msg))
    if kind == "ShowRows":
        return [show_rows(session.server, msg["selected"], rid)]
    raise ProtocolError(f"unhandled message type {kind!r}", kind, rid)


def view_file(scene, look, msg: dict) -> list:
    """On a worker thread: ``ViewFile`` and the drawing as its ``FILE`` frame."""
    kind, rid = msg["type"], msg["request_id"]
    args = {k: v for k, v in msg.items() if k not in ("type", "request_id")}
    data = draw_view(scene, look, args)
    if len(data) > MAX_FILE_BYTES:
        raise too_big(kind, rid, f"the {args['format'].upper()} of this view")
    return file_reply({"type": "ViewFile", "request_id": rid, "format": args["format"],
                       "name": f"graph.{args['format']}", "media": MEDIA[args["format"]]},
                      data)


def show_rows(server, selected: bool, rid) -> dict:
    """Every table page of this server shows the nodes table (its rows of the selected
    nodes, with ``selected``): the graph widget's Tables and Rows, where a page has
    links. An ``Error`` when no table is shown."""
    push = {"type": "ShowRows", "request_id": None, "source": "nodes",
            "filter": "selected" if selected else ""}
    tables = [conn for conn in list(server.connections)
              if not getattr(conn.session, "graph_page", False)]
    if "nodes" not in server.sources or not tables:
        raise ProtocolError("ShowRows: no table of this graph is shown; display "
                            "view.tables() in a notebook cell", "ShowRows", rid)
    for conn in tables:
        conn.send([push])
    return {"type": "RowsShown", "request_id": rid, "tables": len(tables)}


def start_layout(server, layout, params, session=None, rid=None) -> None:
    """Compute ``layout`` in a thread, then push the new positions to every page (the
    requester's copy carries ``rid``); a failure is an Error to the requester."""
    server.layout_seq += 1
    seq = server.layout_seq

    def work():
        try:
            positions, name, bends = server.scene.laid_out(layout, params)
        except (ValueError, TypeError) as exc:
            if session is not None:
                server._push_graph(lambda s: [] if s is not session else [
                    {"type": "Error", "message": f"SetLayout: {exc}"[:1000],
                     "for": "SetLayout", "request_id": rid}])
            return
        if seq == server.layout_seq:          # a newer switch supersedes this one
            server.set_positions(positions, name, session, rid, bends)

    threading.Thread(target=work, name="groggy-layout", daemon=True).start()


def canvas_side(handler, name: str) -> int:
    """The query argument ``name`` of a request for a drawing of the page's canvas: an
    int in 1..MAX_SIDE (CSS px), else ``ValueError`` naming it."""
    raw = handler.get_argument(name, "")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SIDE:
        raise ValueError(f"{name} must be an int in 1..{MAX_SIDE}, got {raw!r}")
    return int(raw)


class GraphExportHandler(_Guarded, tornado.web.RequestHandler):
    """``GET /TOKEN/graph/export?format=&cx=&cy=&zoom=&width=&height=&scale=&theme=
    &labels=``: the page's current view as a PNG, SVG or PDF file (a download)."""

    def _float(self, name, low, high, default=None):
        raw = self.get_argument(name, None)
        try:
            value = float(raw) if raw is not None else default
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"{name} must be a number in {low:g}..{high:g}, got {raw!r}")
        return value

    def _args(self) -> dict:
        fmt = self.get_argument("format", "png")
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {list(FORMATS)}, got {fmt!r}")
        sides = {name: canvas_side(self, name) for name in ("width", "height")}
        theme = self.get_argument("theme", None)
        if theme is not None and theme not in THEMES:
            raise ValueError(f"theme must be one of {sorted(THEMES)}, got {theme!r}")
        labels = self.get_argument("labels", None)
        if labels not in (None, "0", "1"):
            raise ValueError(f"labels must be 0 or 1, got {labels!r}")
        return {"format": fmt, "cx": self._float("cx", -MAX_COORD, MAX_COORD),
                "cy": self._float("cy", -MAX_COORD, MAX_COORD),
                "zoom": self._float("zoom", 1e-12, 1e12),
                "node_scale": self._float("scale", 0.01, 100, default=1.0),
                "show_labels": None if labels is None else labels == "1",
                "theme": theme, **sides}

    async def get(self, token):
        server = self.settings["groggy"]
        try:
            args = self._args()
        except ValueError as exc:
            self.set_status(400)
            self.finish(f"cannot export: {exc}\n")
            return
        scene, fmt = server.scene, args["format"]
        data = await IOLoop.current().run_in_executor(
            None, lambda: draw_view(scene, scene.look, args))
        self.set_header("Content-Type", MEDIA[fmt])
        self.set_header("Content-Disposition", f'attachment; filename="graph.{fmt}"')
        self.set_header("Cache-Control", "no-store")
        self.finish(data)
