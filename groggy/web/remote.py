"""Sessions over sources whose work runs elsewhere (a Dask cluster: ``groggy.dask``).

Such a source says so (``remote = True``); its windows, sorts and filters block while
the cluster works, for milliseconds or minutes. The server's loop must never wait for
them: a :class:`RemoteSession` answers the messages that touch the data on a worker
thread (one connection's in order, one at a time) and returns a future, which the loop
sends when done (``groggy.web.app.respond``); meanwhile other messages (``Ping``,
``ThemeChange``) and other connections are answered at once, and the work's progress
is pushed to the page as ``Progress`` messages (docs/protocol.md).
"""
from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from groggy.errors import GroggyError
from groggy.web.protocol import ProtocolError
from groggy.web.session import Session

_POOL = ThreadPoolExecutor(4, thread_name_prefix="groggy-remote")
PROGRESS_EVERY = 0.1      # s: progress messages of one task are at most this frequent
OFF_LOOP = frozenset({"Hello", "Open", "ScrollRequest", "Sort", "Filter", "Search"})
log = logging.getLogger("groggy.web")


class Serial:
    """Runs one connection's jobs on the shared pool in the order given, one at a time
    (a Scroll after a Sort reads the sorted view)."""

    def __init__(self, pool: ThreadPoolExecutor = _POOL):
        self._pool, self._tail, self._lock = pool, None, threading.Lock()

    def submit(self, fn, *args) -> concurrent.futures.Future:
        out: concurrent.futures.Future = concurrent.futures.Future()

        def run(_before=None):
            if not out.set_running_or_notify_cancel():
                return
            try:
                out.set_result(fn(*args))
            except BaseException as exc:
                out.set_exception(exc)

        with self._lock:
            before, self._tail = self._tail, out
        if before is None:
            self._pool.submit(run)
        else:
            before.add_done_callback(lambda _: self._pool.submit(run))
        return out


class RemoteSession(Session):
    """A :class:`Session` whose answers that touch the data are futures (see above).

    ``conn`` is the page's connection (``send(replies)`` on the loop), for the
    ``Progress`` pushes."""

    def __init__(self, server, conn):
        super().__init__(server)
        self.conn = conn
        self._jobs = Serial()
        self._asked = (None, None)     # (type, request_id) of the message being answered

    def handle(self, msg: dict):
        if msg["type"] not in OFF_LOOP:
            return super().handle(msg)
        return self._jobs.submit(self._answer, msg)

    def _answer(self, msg: dict) -> list:
        """On a worker thread: the answer to ``msg``; a failure of the cluster (a lost
        worker, a partition that cannot be read) is an Error naming it."""
        kind, rid = self._asked = msg["type"], msg["request_id"]
        try:
            return super().handle(msg)
        except (ProtocolError, GroggyError):
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise ProtocolError(str(exc).strip('"'), kind, rid) from None
        except Exception as exc:
            log.warning("the cluster could not answer %s: %r", kind, exc)
            raise ProtocolError(f"the cluster could not answer {kind}: "
                                f"{type(exc).__name__}: {exc}", kind, rid) from None

    def _open(self, name, sort, expression, offset) -> None:
        # the cluster's work first (rows counted, the view sorted and filtered), with
        # its progress on the page; then the usual view over the prepared source
        source = self.server.source(name)
        report = self.reporter()
        _prepare(source.obj, report)
        _prepare(self.server.views.get(source, expression, sort), report)
        super()._open(name, sort, expression, offset)

    def reporter(self):
        """``progress(task, done, total)`` for the message being answered: ``Progress``
        messages to this page, at most one every PROGRESS_EVERY seconds (the last one of
        a task always)."""
        kind, rid = self._asked
        last = [0.0, None]

        def progress(task: str, done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY and task == last[1] and done < total:
                return
            last[0], last[1] = now, task
            message = {"type": "Progress", "request_id": rid, "for": kind, "task": task,
                       "done": int(done), "total": int(total)}
            self.server._call(self.conn.send, [message])
        return progress

    def _search(self, text, start, backwards, rid) -> dict:
        search = getattr(self.view, "search", None)
        if search is None or not text:
            return super()._search(text, start, backwards, rid)
        self.search = text
        row, count = search(text, start, backwards, self.reporter())
        return {"type": "SearchResult", "request_id": rid, "text": text, "row": row,
                "count": count}


def _prepare(obj, progress) -> None:
    prepare = getattr(obj, "prepare", None)
    if prepare is not None:
        prepare(progress)
