"""Helpers for the server and browser tests: a small WebSocket client over
websocket-client, HTTP GET, and the tables the tests serve."""
from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request

import numpy as np
import websocket

import groggy as gg
from groggy.streaming import decode_frame
from groggy.web.chromium import HEADLESS_ARGS, MISSING, find_chromium

TIMEOUT = 30  # seconds any single reply may take; generous, it never decides a pass
CHROMIUM = find_chromium()   # /usr/bin/chromium, or found on the PATH


# The graph pages' Chromium: WebGL through SwiftShader. The 2D canvas is drawn in software,
# as on a machine without WebGL (where the page falls back to its canvas renderer): through
# SwiftShader one frame of 50k edges took 15 s of a loaded 2-core machine, in software 1 s.
GRAPH_ARGS = HEADLESS_ARGS + ["--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                              "--disable-accelerated-2d-canvas"]
# the table pages' Chromium: no GPU at all
TABLE_ARGS = HEADLESS_ARGS + ["--disable-gpu"]


def launch_chromium(playwright, args=GRAPH_ARGS):
    """Yield Chromium launched with ``args`` by ``playwright`` (the session's driver, the
    ``playwright_driver`` fixture: Playwright's sync API runs once per process); closes it
    after. Without Chromium the browser tests fail (CI installs it)."""
    assert CHROMIUM, MISSING
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


def ws_url(base_url: str) -> str:
    """The WebSocket address of a page URL (``http://127.0.0.1:P/TOKEN/``)."""
    return "ws" + base_url[len("http"):] + "ws"


def http_get(url: str, timeout: float = TIMEOUT):
    """(status, headers, body bytes) of a GET, 4xx/5xx included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


class Client:
    """One WebSocket connection speaking docs/protocol.md.

    ``exchange(msg)`` sends ``msg`` and then a Ping, and returns every reply that came
    before the Pong (JSON as dicts, binary frames decoded), so a test gets the complete
    answer to one message without knowing how many frames it has.
    """

    _ids = itertools.count(1_000_000)

    def __init__(self, base_url: str, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        self.ws = websocket.create_connection(ws_url(base_url), **kwargs)
        self.pushed: list = []   # replies read while waiting for something else

    def send(self, msg) -> None:
        self.ws.send(msg if isinstance(msg, str) else json.dumps(msg))

    def recv(self):
        opcode, data = self.ws.recv_data()
        if opcode == websocket.ABNF.OPCODE_BINARY:
            if data[:4] == b"FILE":    # a file sent as a message (ExportCsv, ExportView)
                return {"file": data[8:], "count": int.from_bytes(data[4:8], "little")}
            return decode_frame(data)
        if opcode == websocket.ABNF.OPCODE_TEXT:
            return json.loads(data.decode("utf-8"))
        raise ConnectionError(f"unexpected WebSocket opcode {opcode}")

    def exchange(self, msg) -> list:
        self.send(msg)
        return self.sync()

    def sync(self) -> list:
        """Everything the server sends before the Pong to a Ping sent now."""
        rid = next(self._ids)
        self.send({"type": "Ping", "request_id": rid})
        out = []
        while True:
            reply = self.recv()
            if isinstance(reply, dict) and reply.get("type") == "Pong" \
                    and reply.get("request_id") == rid:
                return out
            out.append(reply)

    def wait_for(self, kind: str) -> dict:
        """The next JSON message of type ``kind`` (others are kept in ``pushed``)."""
        while True:
            reply = self.recv()
            if isinstance(reply, dict) and reply.get("type") == kind:
                return reply
            self.pushed.append(reply)

    def hello(self, **fields) -> tuple:
        """(InitialData, decoded frames) for a Hello with ``fields``."""
        replies = self.exchange({"type": "Hello", **fields})
        return replies[0], replies[1:]

    def close(self) -> None:
        self.ws.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def frames(replies) -> list:
    return [r for r in replies if isinstance(r, dict) and "kinds" in r]


def messages(replies) -> list:
    return [r for r in replies if isinstance(r, dict) and "type" in r]


def rows_of(replies) -> dict:
    """{view row: row values} from the binary frames among ``replies``."""
    out = {}
    for f in frames(replies):
        for i, row in enumerate(f["rows"]):
            out[f["offset"] + i] = row
    return out


def big_graph(n: int = 1_000_000) -> gg.Graph:
    """A graph of ``n`` nodes with an int, a float and a string column, built from NumPy
    arrays (about a second for a million rows): see :func:`expected_big_row`. The int
    column has many ties (1000 values), so sorting by it shows whether sorts are stable."""
    g = gg.Graph()
    ids = np.arange(n, dtype=np.int64)
    g.add_nodes({"i": ids * 7919 % 1000, "f": ids / 8.0,
                 "s": np.char.add("row", ids.astype(str))})
    return g


def expected_big_row(k: int) -> list:
    """Row ``k`` of ``big_graph().nodes.table()``: node_id, i, f, s."""
    return [k, k * 7919 % 1000, k / 8.0, f"row{k}"]


def mixed_table(n: int = 3000, seed: int = 7):
    """A table with nulls in every kind of column, ties, unicode and empty strings, and
    an ``id`` column (0..n-1) to follow rows through sorts and filters."""
    rng = np.random.default_rng(seed)
    words = ["Alice", "bob", "", "Zoë 🚀", "日本語", "ann", "Ann-Marie", "oslo", "Oslo",
             "x,y", 'q"uote']

    def nulls(values, p=0.1):
        return [None if rng.random() < p else v for v in values]

    return gg.table({
        "id": np.arange(n),
        "age": nulls(rng.integers(-5, 60, n).tolist()),
        "score": nulls(np.round(rng.normal(0, 10, n), 2).tolist()),
        "ok": nulls(rng.random(n).__lt__(0.5).tolist()),
        "name": nulls([words[k] for k in rng.integers(0, len(words), n)]),
    })


# every Content-Security-Policy violation of the page, kept where the test can read it
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`));
"""


def csp_violations(page) -> list:
    return page.evaluate("() => window.__cspViolations")


class WatchedPages:
    """Pages in their own contexts whose uncaught errors and Content-Security-Policy
    violations are collected; ``close()`` fails the test if there were any."""

    def __init__(self, browser, wait_ms: int):
        self.browser, self.wait_ms = browser, wait_ms
        self.contexts, self.pages, self.errors = [], [], []

    def new(self, width: int, height: int):
        ctx = self.browser.new_context(viewport={"width": width, "height": height})
        self.contexts.append(ctx)
        page = ctx.new_page()
        self.pages.append(page)
        page.set_default_timeout(self.wait_ms)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", lambda msg: self.errors.append(msg.text)
                if "Content Security Policy" in msg.text else None)
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        return page

    def close(self) -> None:
        for page in self.pages:
            if not page.is_closed():
                self.errors.extend(csp_violations(page))
        for ctx in self.contexts:
            ctx.close()
        assert self.errors == [], self.errors
