"""The Tornado application: thin handlers that check the token (and the Origin), then
hand everything to a Session or a Source. No exception escapes into Tornado."""
from __future__ import annotations

import csv
import hmac
import io
import json
import logging
from pathlib import Path
from urllib.parse import urlparse

import tornado.web
import tornado.websocket

from groggy.themes import THEMES
from groggy.web.protocol import ProtocolError, parse
from groggy.web.session import Session

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("groggy.web")


class _Guarded:
    """Token check shared by every handler: the token is the first path segment."""

    def _token_ok(self, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self.settings["groggy"].token.encode())

    def _host_ok(self) -> bool:
        # a page on another site whose name was re-pointed at 127.0.0.1 (DNS rebinding)
        # arrives with its own Host header: only our own addresses are served
        server = self.settings["groggy"]
        allowed = {f"{name}:{server.port}" for name in ("127.0.0.1", "localhost", server.host)}
        return self.request.host in allowed

    def prepare(self):
        token = self.path_args[0] if self.path_args else ""
        if not self._host_ok():
            self.set_status(403)
            self.finish("forbidden: unexpected Host header\n")
        elif not self._token_ok(token):
            self.set_status(403)
            self.finish("forbidden: the URL's token is missing or wrong\n")


class PageHandler(_Guarded, tornado.web.RequestHandler):
    def get(self, token):
        if not self.request.path.endswith("/"):  # relative URLs need the slash
            self.redirect(self.request.path + "/" + (f"?{self.request.query}"
                                                     if self.request.query else ""))
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish((STATIC / "index.html").read_bytes())


class StaticHandler(_Guarded, tornado.web.StaticFileHandler):
    def initialize(self):
        super().initialize(path=str(STATIC))

    def get(self, token, path, include_body=True):
        return super().get(path, include_body)

    def set_extra_headers(self, path):
        self.set_header("Cache-Control", "no-cache")


class ThemesHandler(_Guarded, tornado.web.RequestHandler):
    def get(self, token):
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.finish(themes_css())


def themes_css() -> str:
    """Each theme as CSS custom properties on ``.gg-theme-NAME`` (one source of truth)."""
    blocks = []
    for name, tokens in THEMES.items():
        props = ";".join(f"--gg-{key.replace('_', '-')}:{value}" for key, value in tokens.items())
        blocks.append(f".gg-theme-{name}{{{props}}}")
    return "\n".join(blocks) + "\n"


class ExportHandler(_Guarded, tornado.web.RequestHandler):
    """The current view (source, sort, filter) as CSV, streamed in chunks."""

    CHUNK = 20_000

    async def get(self, token):
        server = self.settings["groggy"]
        try:
            source = server.source(self.get_argument("source", None))
            sort = json.loads(self.get_argument("sort", "[]"))
            if not isinstance(sort, list) or not all(
                    isinstance(k, dict) and isinstance(k.get("column"), str) for k in sort):
                raise ValueError("sort must be a JSON list of {\"column\", \"ascending\"}")
            sort = [{"column": k["column"], "ascending": bool(k.get("ascending", True))}
                    for k in sort]
            view = server.views.get(source, self.get_argument("filter", ""), sort)
        except (ValueError, KeyError, TypeError) as exc:
            self.set_status(400)
            self.finish(f"cannot export: {exc}\n")
            return
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="{source.name}.csv"')
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(view.column_names())
        total = view.total_rows()
        for start in range(0, total, self.CHUNK):
            window = view.get_window(start, self.CHUNK)
            writer.writerows(["" if v is None else v for v in row] for row in window.rows)
            self.write(out.getvalue())
            out.seek(0)
            out.truncate()
            await self.flush()
        self.write(out.getvalue())
        self.finish()


class SocketHandler(_Guarded, tornado.websocket.WebSocketHandler):
    def check_origin(self, origin: str) -> bool:
        parsed = urlparse(origin)
        port = self.settings["groggy"].port
        return parsed.scheme == "http" and parsed.hostname in ("127.0.0.1", "localhost") \
            and parsed.port == port

    def open(self, token):
        # replies are often two frames (JSON + binary): without this, Nagle's algorithm
        # and delayed ACKs hold the second one back ~40 ms
        self.set_nodelay(True)
        server = self.settings["groggy"]
        self.session = Session(server)
        server.connections.add(self)

    def on_message(self, raw):
        msg = None
        try:
            msg = parse(raw, getattr(self.session, "kinds", None))
            replies = self.session.handle(msg)
        except ProtocolError as exc:
            replies = [{"type": "Error", "message": str(exc),
                        "for": exc.kind or (msg and msg["type"]),
                        "request_id": exc.request_id if exc.request_id is not None
                        else msg and msg["request_id"]}]
        except Exception as exc:  # a bug of ours: say so, keep the connection
            log.exception("error handling %r", raw[:200] if isinstance(raw, str) else raw[:20])
            replies = [{"type": "Error", "message": f"internal error: {exc}",
                        "for": msg and msg.get("type"),
                        "request_id": msg and msg.get("request_id")}]
        self.send(replies)

    def send(self, replies) -> None:
        for reply in replies:
            try:
                if isinstance(reply, bytes):
                    self.write_message(reply, binary=True)
                else:
                    self.write_message(json.dumps(reply))
            except tornado.websocket.WebSocketClosedError:
                return

    def on_close(self):
        self.settings["groggy"].connections.discard(self)


def make_app(server) -> tornado.web.Application:
    token = r"/([^/]+)"
    return tornado.web.Application(
        [(token + r"/?", PageHandler),
         (token + r"/static/(.*)", StaticHandler),
         (token + r"/themes\.css", ThemesHandler),
         (token + r"/export\.csv", ExportHandler),
         (token + r"/ws", SocketHandler)]
        # views a server adds (the graph view), behind the same token checks
        + [(token + path, handler) for path, handler in getattr(server, "extra_routes", ())],
        groggy=server,
        # frames over this close the connection; smaller ones over the protocol's own
        # 64 KiB limit get an Error reply and the connection lives on
        websocket_max_message_size=4 * 1024 * 1024,
        websocket_ping_interval=20,
    )
