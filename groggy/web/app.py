"""The Tornado application: thin handlers that check the Host, the token (and, for the
WebSocket, the Origin), then hand everything to a Session or a Source. Every response
carries the security headers; the log never holds the token. No exception escapes into
Tornado."""
from __future__ import annotations

import concurrent.futures
import hmac
import json
import logging
from pathlib import Path

import tornado.ioloop
import tornado.iostream
import tornado.web
import tornado.websocket

from groggy.errors import GroggyError
from groggy.themes import THEMES
from groggy.web.downloads import ON_CLUSTER, csv_chunks
from groggy.web.outbox import Outbox
from groggy.web.protocol import MAX_ERROR_TEXT, MAX_FRAME_BYTES, ProtocolError, parse
from groggy.web.sources import is_remote

STATIC = Path(__file__).parent / "static"
STATIC_FILES = frozenset(p.name for p in STATIC.iterdir() if p.is_file())
log = logging.getLogger("groggy.web")
access_log = logging.getLogger("groggy.web.access")


def redacted(path: str) -> str:
    """A request path fit for the log: its first segment (the token, or a guess at it)
    replaced by ``TOKEN``."""
    rest = path.lstrip("/").partition("/")
    return "/TOKEN" + (rest[1] + rest[2]) if rest[0] else path


def log_request(handler) -> None:
    """The access log line of a request, without its token or its query."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    access_log.log(level, "%d %s %s (%s) %.1fms", status, handler.request.method,
                   redacted(handler.request.path), handler.request.remote_ip,
                   1000 * handler.request.request_time())


def security_headers(server) -> dict:
    """Headers of every response. The page loads only its own files and talks only to its
    own server; it may be framed by itself and by pages on this machine (notebooks), so
    ``frame-ancestors`` names those instead of forbidding frames. No referrer is ever sent:
    the page's URL holds the token."""
    hosts = sorted({"127.0.0.1", "localhost", server.host})
    sockets = " ".join(f"ws://{h}:{server.port}" for h in hosts)
    frames = " ".join(f"{scheme}://{h}:*" for h in hosts for scheme in ("http", "https"))
    policy = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              f"font-src 'self'; connect-src 'self' {sockets}; base-uri 'none'; "
              f"form-action 'none'; frame-ancestors 'self' {frames} vscode-webview:")
    return {"Content-Security-Policy": policy, "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff"}


class _Guarded:
    """Shared by every handler: the security headers, a log without the token, and the
    Host and token checks (the token is the first path segment)."""

    def set_default_headers(self):
        for name, value in self.settings["groggy_headers"].items():
            self.set_header(name, value)

    def log_exception(self, typ, value, tb):
        # Tornado's own lines name the URL (and an HTTPError's text may quote a piece of
        # it): the access log line says what happened; only a bug of ours is logged here
        if not isinstance(value, tornado.web.HTTPError):
            log.error("error answering %s %s", self.request.method,
                      redacted(self.request.path), exc_info=(typ, value, tb))

    def _token_ok(self, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self.settings["groggy"].token.encode())

    def _host_ok(self) -> bool:
        # a page on another site whose name was re-pointed at 127.0.0.1 (DNS rebinding)
        # arrives with its own Host header: only our own addresses are served
        server = self.settings["groggy"]
        allowed = {f"{name}:{server.port}" for name in ("127.0.0.1", "localhost", server.host)}
        return self.request.host in allowed

    def refusal(self) -> str | None:
        """Why this request is refused (403), or None."""
        if not self._host_ok():
            return "unexpected Host header"
        if not self._token_ok(self.path_args[0] if self.path_args else ""):
            return "the URL's token is missing or wrong"
        return None

    def prepare(self):
        reason = self.refusal()
        if reason is not None:
            self.set_status(403)
            self.finish(f"forbidden: {reason}\n")


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
        # only the files that ship in static/: no path is ever handed to the file system
        # that is not one of them (a NUL, '..', a directory)
        if path not in STATIC_FILES:
            self.set_status(404)
            return self.finish("not found\n")
        return super().get(path, include_body)

    def head(self, token, path):
        return self.get(token, path, include_body=False)

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
            if is_remote(source.obj):
                raise ValueError(ON_CLUSTER)
            sort = json.loads(self.get_argument("sort", "[]"))
            if not isinstance(sort, list) or not all(
                    isinstance(k, dict) and isinstance(k.get("column"), str) for k in sort):
                raise ValueError("sort must be a JSON list of {\"column\", \"ascending\"}")
            sort = [{"column": k["column"], "ascending": bool(k.get("ascending", True))}
                    for k in sort]
            view = server.views.get(source, self.get_argument("filter", ""), sort)
        except (ValueError, KeyError, TypeError, GroggyError) as exc:
            self.set_status(400)
            self.finish(f"cannot export: {exc}\n")
            return
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="{source.name}.csv"')
        sent = False
        try:
            for chunk in csv_chunks(view, self.CHUNK):
                self.write(chunk)
                await self.flush()
                sent = True
            self.finish()
        except tornado.iostream.StreamClosedError:
            pass  # the browser went away mid-download
        except GroggyError as exc:  # a damaged store found on first read (--no-verify)
            log.warning("export refused: %s", exc)
            if sent:  # a cut connection, never a CSV that looks complete
                self.request.connection.close()
            else:
                self.clear_header("Content-Disposition")
                self.set_status(400)
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                self.finish(f"cannot export: {exc}\n")


class NotFoundHandler(_Guarded, tornado.web.RequestHandler):
    """Every URL no route matches: 404, with the headers and the log of the others."""

    def prepare(self):
        self.set_status(404)
        self.finish("not found\n")


class SocketHandler(_Guarded, tornado.websocket.WebSocketHandler):
    def refusal(self) -> str | None:
        # A browser always sends the Origin of the page; it must be this server's own page
        # (scheme, host and port, exactly as the page was asked for). Checked here, not in
        # check_origin, which Tornado skips when Origin's host:port equals Host (whatever
        # the scheme) or when Sec-Fetch-Site says same-origin. No Origin: not a browser.
        origin = self.request.headers.get("Origin")
        if origin is not None and origin != f"http://{self.request.host}":
            return "the WebSocket must be opened by the page of this server"
        return super().refusal()

    def check_origin(self, origin: str) -> bool:
        return True  # checked in prepare, for every request

    def open(self, token):
        # replies are often two frames (JSON + binary): without this, Nagle's algorithm
        # and delayed ACKs hold the second one back ~40 ms
        self.set_nodelay(True)
        server = self.settings["groggy"]
        self.session = server.new_session(self)
        self.outbox = Outbox(self._write, self.close)
        server.connections.add(self)

    def on_message(self, raw):
        respond(self, self.settings["groggy"], raw)

    def send(self, replies, supersede: str | None = None) -> None:
        """Queue one reply (its messages in order); ``supersede``: see Outbox.put."""
        self.outbox.put([r if isinstance(r, bytes) else json.dumps(r) for r in replies],
                        supersede)

    def _write(self, payload):
        return self.write_message(payload, binary=isinstance(payload, bytes))

    def on_close(self):
        self.outbox.shut()
        self.settings["groggy"].connections.discard(self)


def respond(conn, server, raw) -> None:
    """Answer one message of a page, on the server's loop, whatever carried it (this
    WebSocket, or a notebook's comm: groggy/web/widget.py). ``conn`` has the page's
    ``session`` and ``send(replies, supersede)``; a bad message gets an Error reply."""
    msg = None
    try:
        msg = parse(raw, getattr(conn.session, "kinds", None))
        replies = conn.session.handle(msg)
    except Exception as exc:
        replies = _refusal(server, exc, raw, msg)
    if isinstance(replies, concurrent.futures.Future):
        # worked out off the loop (a graph tile): sent when done, others go on meanwhile
        tornado.ioloop.IOLoop.current().add_future(
            replies, lambda done: conn.send(_result(server, done, raw, msg)))
        return
    # a newer scroll position supersedes the answer to an older one not yet sent
    conn.send(replies, "scroll" if msg and msg["type"] == "ScrollRequest" else None)


def _result(server, future, raw, msg) -> list:
    try:
        return future.result()
    except Exception as exc:
        return _refusal(server, exc, raw, msg)


def _refusal(server, exc: Exception, raw, msg) -> list:
    """The Error reply to a message that could not be answered."""
    if isinstance(exc, ProtocolError):
        return [error_reply(str(exc), exc.kind or (msg and msg["type"]),
                            exc.request_id if exc.request_id is not None
                            else msg and msg["request_id"])]
    if isinstance(exc, GroggyError):  # e.g. a damaged store found on first read
        log.warning("refused %s: %s", msg and msg.get("type"), exc)
        return [error_reply(str(exc), msg and msg.get("type"), msg and msg.get("request_id"))]
    # a bug of ours: say so, keep the connection
    shown = raw[:200] if isinstance(raw, str) else raw[:20]
    if isinstance(shown, str):  # a client may quote the URL: no token in the log
        shown = shown.replace(server.token, "TOKEN")
    log.error("error handling %r", shown, exc_info=exc)
    return [error_reply(f"internal error: {exc}", msg and msg.get("type"),
                        msg and msg.get("request_id"))]


def error_reply(message: str, kind, request_id) -> dict:
    if len(message) > MAX_ERROR_TEXT:  # a message may quote a long value
        message = message[:MAX_ERROR_TEXT] + "…"
    return {"type": "Error", "message": message, "for": kind, "request_id": request_id}


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
        default_handler_class=NotFoundHandler,
        groggy=server,
        groggy_headers=security_headers(server),
        log_function=log_request,
        # frames over this close the connection (1009); smaller ones over the protocol's
        # own 64 KiB limit get an Error reply and the connection lives on
        websocket_max_message_size=MAX_FRAME_BYTES,
        websocket_ping_interval=20,
    )
