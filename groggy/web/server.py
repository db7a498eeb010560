"""The server: binds 127.0.0.1, makes the token, runs Tornado in a background thread (for
``interactive()``) or in the foreground (``python -m groggy serve``), and pushes graph
changes to the pages that show them."""
from __future__ import annotations

import asyncio
import errno
import ipaddress
import itertools
import os
import signal
import secrets
import socket
import sys
import threading
import webbrowser

import tornado.httpserver
import tornado.netutil

from groggy.errors import GroggyError
from groggy.themes import THEMES
from groggy.web.app import make_app
from groggy.web.protocol import ProtocolError
from groggy.web.remote import RemoteSession
from groggy.web.sources import is_remote
from groggy.web.session import Session
from groggy.web.sources import Source, Views

_COALESCE_SECONDS = 0.05  # graph changes within this time make one update


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.x, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:      # a name: only "localhost" is known to stay on this machine
        return False


def exposed_warning(host: str) -> str:
    return (f"\n*** groggy is serving on {host}, not only on this machine. Anyone who can "
            f"reach {host} and has the URL (its token) can read every table served, and "
            f"the connection is not encrypted (plain HTTP). Share the URL only over a "
            f"trusted network; in a notebook the widget needs no open port at all. ***\n")


class Server:
    """Serves named sources (tables or arrays) to browser pages.

    ``graph_view`` says whether a graph page is served beside the tables (the table page
    then offers a Graph tab, and a node row's context menu shows the node in it).

    Parameters
    ----------
    sources : dict
        Name -> table or array; the first is shown first.
    port : int
        0 picks a free port.
    host : str
        Address to bind; 127.0.0.1 unless you mean to expose the data.
    theme : str
        Initial theme of new pages.
    token : str, optional
        The access token in every URL; random unless given here or in ``$GROGGY_TOKEN``
        (keep one to let open pages reconnect after a restart).
    """

    graph_view = False

    def __init__(self, sources: dict, port: int = 0, host: str = "127.0.0.1",
                 theme: str = "sleek", block_size: int = 200, token: str | None = None):
        if not sources:
            raise ValueError("a server needs at least one source to show")
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}; choose one of {sorted(THEMES)}")
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int in 0..65535, got {port!r}")
        self.sources = {name: Source(name, obj) for name, obj in sources.items()}
        self.views = Views()
        self.theme, self.host, self.block_size = theme, host, block_size
        self.token = token or os.environ.get("GROGGY_TOKEN") or secrets.token_urlsafe(18)
        if not all(c.isalnum() or c in "-_" for c in self.token):
            raise ValueError("a token may hold only letters, digits, '-' and '_'")
        if not is_loopback(host):
            print(exposed_warning(host), file=sys.stderr, flush=True)
        self._versions = itertools.count(1)
        self.connections: set = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._http: tornado.httpserver.HTTPServer | None = None
        self._dirty: set = set()
        self._unsubscribe = []
        self._sockets = self._bind(port)
        self.port = self._sockets[0].getsockname()[1]

    def _bind(self, port: int):
        try:
            return tornado.netutil.bind_sockets(port, address=self.host, family=socket.AF_INET,
                                                reuse_port=False)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise GroggyError(f"port {port} on {self.host} is already in use; pass "
                                  "port=0 to pick a free one") from None
            raise GroggyError(f"cannot listen on {self.host}:{port}: {exc.strerror}") from None

    # ------------------------------------------------------------------ sources
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/{self.token}/"

    def next_version(self) -> int:
        return next(self._versions)

    def source_names(self) -> list:
        return list(self.sources)

    def source(self, name) -> Source:
        if name is None:
            return next(iter(self.sources.values()))
        try:
            return self.sources[name]
        except KeyError:
            raise ProtocolError(f"unknown source {name!r}; sources are {self.source_names()}") \
                from None

    def new_session(self, conn):
        """The state of a page newly connected over ``conn``: one that answers off the
        loop when a source computes elsewhere (a Dask cluster, groggy.web.remote)."""
        if any(is_remote(s.obj) for s in self.sources.values()):
            return RemoteSession(self, conn)
        return Session(self)

    def show_node(self, node_id: int, kind: str, rid) -> int:
        """A table row's "show this node in the graph": the graph pages fly to it
        (:class:`GraphServer`); a server without a graph view refuses."""
        raise ProtocolError(f"{kind}: this table is not shown beside a graph view", kind, rid)

    # ------------------------------------------------------------------ running
    def _start_http(self) -> None:
        self._http = tornado.httpserver.HTTPServer(make_app(self), max_buffer_size=8 << 20)
        self._http.add_sockets(self._sockets)
        self._watch_graphs()

    def start(self) -> "Server":
        """Serve from a background thread; returns once the server accepts connections."""
        ready = threading.Event()

        def run():
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self.loop.call_soon(lambda: (self._start_http(), ready.set()))
            self.loop.run_forever()
            self._close_connections()
            self.loop.close()

        self._thread = threading.Thread(target=run, name=f"groggy-server-{self.port}",
                                        daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def run_forever(self) -> None:
        """Serve in this thread until Ctrl+C or :meth:`stop`."""
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self._start_http()
        if threading.current_thread() is threading.main_thread():
            # `kill` (SIGTERM) stops as cleanly as Ctrl+C: pages get a close frame
            self.loop.add_signal_handler(signal.SIGTERM, self.loop.stop)
        try:
            self.loop.run_forever()
        except KeyboardInterrupt:
            pass
        finally:
            self._shutdown()
            self._close_connections()
            self.loop.close()

    def is_running(self) -> bool:
        return self._http is not None and self.loop is not None and self.loop.is_running()

    def _shutdown(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        for conn in list(self.connections):
            conn.close(1001, "server stopped")
        if self._http is not None:
            self._http.stop()
            self._stopped_http, self._http = self._http, None
        for sock in self._sockets:
            sock.close()

    def _close_connections(self) -> None:
        """After the loop stopped: close the HTTP connections browsers keep alive, so a
        page's next request fails at once instead of hanging on a dead server."""
        http = getattr(self, "_stopped_http", None)
        if http is not None:
            self.loop.run_until_complete(http.close_all_connections())
            self._stopped_http = None
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())

    def stop(self) -> None:
        """Close every connection and the listening socket; idempotent."""
        loop = self.loop
        if loop is None or loop.is_closed():
            self._shutdown()
            return
        if self._thread is not None and threading.current_thread() is not self._thread:
            done = threading.Event()

            def halt():
                self._shutdown()
                loop.stop()
                done.set()

            loop.call_soon_threadsafe(halt)
            done.wait(10)
            self._thread.join(10)
        else:
            self._shutdown()
            loop.stop()

    def open_browser(self) -> None:
        try:
            webbrowser.open(self.url)
        except webbrowser.Error:
            pass  # no browser here: the URL is printed for the user

    # ------------------------------------------------------------------ pushes
    def _call(self, fn, *args) -> None:
        """Run ``fn`` on the server's loop, from any thread."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn, *args)

    def broadcast_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}; choose one of {sorted(THEMES)}")
        self.theme = theme

        def push():
            for conn in list(self.connections):
                if getattr(conn.session, "graph_page", False):
                    continue        # a graph page gets its own restyle (graphview.py)
                conn.session.theme = theme
                conn.send([{"type": "ThemeChange", "request_id": None, "theme": theme}])

        self._call(push)

    def _watch_graphs(self) -> None:
        graphs = {}
        for source in self.sources.values():
            if source.graph is not None:
                graphs.setdefault(id(source.graph), (source.graph, []))[1].append(source.name)
        for graph, names in graphs.values():
            self._unsubscribe.append(graph.on_change(
                lambda event, names=tuple(names): self._call(self._mark_dirty, names)))

    def _mark_dirty(self, names) -> None:
        if not self._dirty:
            self.loop.call_later(_COALESCE_SECONDS, self._push_changes)
        self._dirty.update(names)

    def _push_changes(self) -> None:
        names, self._dirty = self._dirty, set()
        for name in names:
            self.sources[name].refresh()
            self.views.forget(name)
        for conn in list(self.connections):
            session = conn.session
            if session.source is not None and session.source.name in names:
                conn.send(session.data_changed(), supersede="total")
