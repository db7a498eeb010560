"""One connection's bounded send queue.

Tornado buffers every write in memory until the socket takes it, without a bound: a
client that sends requests but never reads its replies would grow the server without end.
An ``Outbox`` hands Tornado one reply at a time and keeps the rest here, where it can
count them and drop what is no longer wanted:

- a reply put with a ``key`` supersedes the queued, not yet started, replies with the same
  key (the latest scroll position, the latest totals: older ones would only be redrawn);
- when more than ``limit`` bytes wait behind a reply the client has not taken, the client
  is not reading: the connection is closed, with one log line;
- a write on a connection that closed meanwhile ends the queue quietly.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque

from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

MAX_QUEUED_BYTES = 8 << 20
_CLOSED = (WebSocketClosedError, StreamClosedError)
log = logging.getLogger("groggy.web")


class Outbox:
    """Replies waiting to be written on one WebSocket.

    ``write(payload)`` writes one text (``str``) or binary (``bytes``) message and returns
    an awaitable that finishes once the socket has taken it; ``close(code, reason)`` closes
    the connection.
    """

    def __init__(self, write, close, limit: int = MAX_QUEUED_BYTES):
        self._write, self._close, self.limit = write, close, limit
        self._queue: deque = deque()   # (key, payloads, bytes), oldest first
        self.queued_bytes = 0
        self._writer: asyncio.Task | None = None
        self.closed = False

    def put(self, payloads: list, key: str | None = None) -> None:
        """Queue the messages of one reply, in order; they are written together."""
        if self.closed or not payloads:
            return
        if key is not None and any(entry[0] == key for entry in self._queue):
            self._queue = deque(entry for entry in self._queue if entry[0] != key)
            self.queued_bytes = sum(entry[2] for entry in self._queue)
        size = sum(len(p) for p in payloads)
        self._queue.append((key, payloads, size))
        self.queued_bytes += size
        if self._writer is None:
            self._writer = asyncio.ensure_future(self._drain())
        elif self.queued_bytes > self.limit:
            log.warning("closing a WebSocket whose client does not read its replies "
                        "(%d bytes waiting, limit %d)", self.queued_bytes, self.limit)
            self.shut()
            self._close(1008, "the client does not read its replies")

    def shut(self) -> None:
        """Drop everything queued; later puts are ignored (the connection is gone)."""
        self.closed = True
        self._queue.clear()
        self.queued_bytes = 0

    async def _drain(self) -> None:
        try:
            while self._queue and not self.closed:
                _, payloads, size = self._queue.popleft()
                self.queued_bytes -= size
                if not await self._send(payloads):
                    self.shut()
        finally:
            self._writer = None

    async def _send(self, payloads) -> bool:
        """Write one reply and wait until the socket took it; False if the connection
        closed meanwhile. Every write's outcome is collected (none is left unretrieved)."""
        writes = []
        try:
            for payload in payloads:
                writes.append(self._write(payload))
        except _CLOSED:
            pass
        results = await asyncio.gather(*writes, return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        for exc in failed:
            if not isinstance(exc, _CLOSED):
                log.error("writing to a WebSocket failed", exc_info=exc)
        return len(writes) == len(payloads) and not failed
