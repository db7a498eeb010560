"""A WebSocket client of the groggy server (docs/protocol.md) for benchmarks: sends one
message and reads exactly the replies that answer it. Used by ``python -m groggy bench``
and by the pytest-benchmark suites in ``bench/``."""
from __future__ import annotations

import json
import struct

HEADER = struct.Struct("<4sIqqqqq")  # the binary DataUpdate header (docs/protocol.md)


def frame_header(frame: bytes) -> dict:
    magic, ncols, request_id, offset, count, total, version = HEADER.unpack_from(frame, 0)
    if magic != b"GGW1":
        raise ValueError(f"not a groggy window frame (magic {magic!r})")
    return {"request_id": request_id, "offset": offset, "count": count, "total_rows": total}


def ws_url(page_url: str) -> str:
    """The WebSocket address of a server's page URL (``http://127.0.0.1:P/TOKEN/``)."""
    return "ws" + page_url[len("http"):] + "ws"


class GroggyClient:
    """One websocket-client connection to a groggy server (docs/protocol.md), sending a
    message and reading exactly the replies that answer it: the JSON reply, if any, then
    the binary frames covering the rows it asked for. No Origin header (a non-browser
    client), like any script would connect.
    """

    def __init__(self, page_url: str, timeout: float = 60):
        import websocket
        self.ws = websocket.create_connection(ws_url(page_url), timeout=timeout,
                                              suppress_origin=True)
        self._rid = 0
        self.total_rows = 0
        self.window_size = 50

    def close(self) -> None:
        self.ws.close()

    def _recv(self):
        import websocket
        opcode, data = self.ws.recv_data()
        if opcode == websocket.ABNF.OPCODE_BINARY:
            return data
        msg = json.loads(data)
        if msg.get("type") == "Error":
            raise RuntimeError(f"server answered Error: {msg}")
        return msg

    def call(self, msg: dict) -> tuple:
        """Send ``msg``; (JSON replies, frames) that answer it."""
        self._rid += 1
        rid = self._rid
        kind = msg["type"]
        self.ws.send(json.dumps({**msg, "request_id": rid}))
        replies, frames = [], []
        if kind == "Ping":
            while True:
                r = self._recv()
                if isinstance(r, dict) and r.get("type") == "Pong" and r["request_id"] == rid:
                    return [r], []
        if kind in ("Hello", "Open", "Sort", "Filter"):
            while True:  # the JSON reply first, then the frames at the view's offset
                r = self._recv()
                # (a table on a cluster reports Progress first: not the reply)
                if isinstance(r, dict) and r.get("request_id") == rid \
                        and r.get("type") != "Progress":
                    replies.append(r)
                    break
            self.total_rows = replies[0]["total_rows"]
            if kind == "Hello":
                self.window_size = msg.get("window_size", 50)
            start, size = replies[0].get("offset", 0), self.window_size
        elif kind == "ScrollRequest":
            start, size = msg["offset"], msg.get("window_size", 50)
        else:
            raise ValueError(f"GroggyClient.call does not know how {kind} is answered")
        end = min(start + size, self.total_rows)
        covered = start
        while covered < end:
            r = self._recv()
            if isinstance(r, (bytes, bytearray)):
                h = frame_header(r)
                if h["request_id"] != rid:
                    continue  # an older answer or a push: not ours
                frames.append(r)
                covered = max(covered, h["offset"] + h["count"])
        return replies, frames


class PerspectiveServer:
    """perspective-python's own Tornado WebSocket handler (``/ws``) serving one table
    named ``bench`` made from ``columns``, in a background thread like groggy's server.
    ``routes``: more Tornado routes (the viewer page and its assets)."""

    def __init__(self, columns: dict, routes=()):
        import asyncio
        import threading

        import perspective
        import pyarrow as pa
        import tornado.httpserver
        import tornado.netutil
        import tornado.web
        from perspective.handlers.tornado import PerspectiveTornadoHandler

        self.server = perspective.Server()
        self.table = self.server.new_local_client().table(pa.table(columns), name="bench")
        app = tornado.web.Application(
            [(r"/ws", PerspectiveTornadoHandler, {"perspective_server": self.server}),
             *routes], websocket_max_message_size=64 << 20)
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        ready = threading.Event()

        def run():
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self.http = tornado.httpserver.HTTPServer(app, max_buffer_size=64 << 20)
            self.http.add_sockets(sockets)
            ready.set()
            self.loop.run_forever()
            self.loop.close()

        self.thread = threading.Thread(target=run, name="perspective-server", daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self) -> None:
        def halt():
            self.http.stop()
            self.loop.stop()
        self.loop.call_soon_threadsafe(halt)
        self.thread.join(10)


def perspective_client(page_url: str, timeout: float = 60):
    """A synchronous perspective-python ``Client`` speaking to a ``PerspectiveServer``
    over WebSocket (websocket-client): every request is sent and its one reply read
    before the call returns. Returns (client, the websocket to close)."""
    import perspective
    import websocket
    ws = websocket.create_connection(ws_url(page_url), timeout=timeout, suppress_origin=True)

    def send(msg):
        ws.send_binary(bytes(msg))
        client.handle_response(ws.recv())

    client = perspective.Client(send)
    return client, ws
