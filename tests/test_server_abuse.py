"""The server under abuse, end to end: a real Tornado server on 127.0.0.1, real sockets.

- every HTTP request gets a deliberate status (never 500) and the security headers;
- no WebSocket message, however malformed, gets "internal error" (protocol fuzz; the
  count is ``GROGGY_FUZZ_MESSAGES``, 1,500 by default, 10,000 for the issue's run);
- each connection's send queue is bounded: superseded scroll replies are dropped, a
  client that does not read is closed, writes on closed sockets are handled;
- the log never holds the token;
- docs/protocol.md lists what the server handles and the limits it enforces.
"""
from __future__ import annotations

import gc
import http.client
import json
import logging
import math
import os
import re
import socket
import time
from pathlib import Path

import pytest
import websocket
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groggy.web import Server
from groggy.web import protocol
from groggy.web.outbox import MAX_QUEUED_BYTES

from web_helpers import TIMEOUT, Client, big_graph, expected_big_row, mixed_table, rows_of

N_ROWS = 50_000
PROTOCOL_MD = Path(__file__).resolve().parents[1] / "docs" / "protocol.md"
SECURITY_HEADERS = ("Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options")


@pytest.fixture(scope="module")
def server():
    s = Server({"big": big_graph(N_ROWS).nodes.table(), "mixed": mixed_table()}).start()
    yield s
    s.stop()


class LogCapture(logging.Handler):
    """Every record of every logger, formatted with its traceback, while installed."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list = []

    def emit(self, record):
        self.lines.append(self.format(record))

    LOGGERS = ("", "tornado.access", "tornado.application", "tornado.general")

    def __enter__(self):
        self._levels = {name: logging.getLogger(name).level for name in self.LOGGERS}
        for name in self.LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger().removeHandler(self)
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def request(server, method: str, path: str, headers=None, host: str | None = None):
    """(status, headers, body) of one raw HTTP request; ``path`` is sent as it is."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host or f"127.0.0.1:{server.port}")
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        reply = conn.getresponse()
        return reply.status, dict(reply.getheaders()), reply.read()
    finally:
        conn.close()


def wait_until(predicate, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the server did not get there in time"
        time.sleep(0.02)


# --------------------------------------------------------------------------- HTTP

def test_head_of_a_static_file_answers_like_get(server):
    status, headers, body = request(server, "HEAD", f"/{server.token}/static/index.html")
    assert status == 200 and body == b""
    get_status, get_headers, get_body = request(server, "GET",
                                                f"/{server.token}/static/index.html")
    assert get_status == 200 and int(headers["Content-Length"]) == len(get_body)


@pytest.mark.parametrize("path", ["%00", "app.js%00", "%00/../app.js", "%ff", "%c0%ae%c0%ae/",
                                  "", ".", "..", "nosuch.js", "%2e%2e%2fserver.py",
                                  "app.js/", "static/app.js", "/etc/passwd", "a" * 5000])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_odd_static_paths_get_a_deliberate_status(server, path, method):
    status, headers, body = request(server, method, f"/{server.token}/static/{path}")
    assert status in (400, 404), (path, status)
    assert b"import" not in body and b"Traceback" not in body


URL_PIECES = st.sampled_from(["", "/", "static/", "static/app.js", "themes.css", "ws",
                              "export.csv", "export.csv?source=mixed", "?source=mixed",
                              "%00", "%ff", "%2e%2e/", "../", "//", "?", "#", "%", "%zz",
                              "export.csv?sort=%7B", "export.csv?filter=%00",
                              "export.csv?source=%ff", "static/%ff.js", ";x", "~"])
METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH",
                           "TRACE", "CONNECT", "FOO"])


@given(method=METHODS, token=st.sampled_from(["good", "bad", "none", "nul"]),
       pieces=st.lists(URL_PIECES, max_size=3),
       host=st.sampled_from(["good", "localhost", "evil", "bad-port"]),
       origin=st.sampled_from([None, "good", "https", "evil", "null"]),
       fetch_site=st.sampled_from([None, "same-origin", "cross-site", "none"]))
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_http_request_gets_a_deliberate_status_and_the_headers(
        server, method, token, pieces, host, origin, fetch_site):
    port = server.port
    token = {"good": server.token, "bad": "wrong", "none": "", "nul": "%00"}[token]
    host = {"good": f"127.0.0.1:{port}", "localhost": f"localhost:{port}",
            "evil": f"evil.example:{port}", "bad-port": f"127.0.0.1:{port + 1}"}[host]
    headers = {}
    if origin is not None:
        headers["Origin"] = {"good": f"http://{host}", "https": f"https://{host}",
                             "evil": "http://evil.example", "null": "null"}[origin]
    if fetch_site is not None:
        headers["Sec-Fetch-Site"] = fetch_site
    if method in ("POST", "PUT", "PATCH"):
        headers["Content-Length"] = "0"
    path = "/" + token + "/" + "".join(pieces)
    status, got, _ = request(server, method, path, headers, host)
    assert status < 500, (method, path, host, headers, status)
    for name in SECURITY_HEADERS:
        assert name in got, (method, path, status, name)


def test_security_headers_on_every_kind_of_response(server):
    base = f"/{server.token}"
    cases = {"page": (f"{base}/", 200), "redirect": (base, 302),
             "static": (f"{base}/static/app.js", 200), "themes": (f"{base}/themes.css", 200),
             "export": (f"{base}/export.csv?source=mixed", 200),
             "bad export": (f"{base}/export.csv?source=nope", 400),
             "wrong token": ("/wrong/", 403), "no route": (f"{base}/nosuch", 404),
             "plain GET of the socket": (f"{base}/ws", 400)}
    for what, (path, expected) in cases.items():
        status, headers, _ = request(server, "GET", path)
        assert status == expected, (what, status)
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp, what
        assert re.search(r"frame-ancestors 'self' [^;]*http://localhost:\*", csp), what
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, what
        assert headers["Referrer-Policy"] == "no-referrer", what
        assert headers["X-Content-Type-Options"] == "nosniff", what
        assert "X-Frame-Options" not in headers, what  # would forbid notebook frames
    status, headers, _ = request(server, "POST", f"{base}/", {"Content-Length": "0"})
    assert status == 405 and "Content-Security-Policy" in headers
    # the WebSocket handshake's answer too
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}{base}/ws", timeout=TIMEOUT)
    try:
        assert "content-security-policy" in ws.getheaders()
    finally:
        ws.close()


# --------------------------------------------------------------------------- the log

def test_the_log_never_holds_the_token(server):
    token, port = server.token, server.port
    base = f"/{token}"
    with LogCapture() as log:
        for path in (f"{base}/nosuch", f"{base}/static/%00", f"{base}/static/%ff",
                     f"{base}/static/nosuch.js", f"{base}/export.csv?source=nope",
                     f"{base}/export.csv?filter=%ff", f"{base}/ws", f"{base}%ff/",
                     f"/{token[:-1]}/", f"/{token}x/static/app.js", f"{base}/"):
            request(server, "GET", path)
        request(server, "HEAD", f"{base}/static/index.html")
        request(server, "POST", f"{base}/export.csv", {"Content-Length": "0"})
        request(server, "GET", f"{base}/", host=f"evil.example:{port}")
        for origin in ("http://evil.example", f"https://127.0.0.1:{port}"):
            request(server, "GET", f"{base}/ws", {"Origin": origin, "Upgrade": "websocket",
                                                  "Connection": "Upgrade"})
        with Client(server.url) as c:
            c.hello()
            c.exchange('{"type": "Search", "text": "\\ud800"}')
            c.exchange("[" * 3000 + "]" * 3000)
            c.exchange({"type": "Open", "source": token})
        abrupt = Client(server.url)
        abrupt.send({"type": "Hello", "window_size": 2000})
        abrupt.ws.sock.close()
        wait_until(lambda: "404 GET /TOKEN/nosuch" in log.text)
    assert "404 GET /TOKEN/nosuch" in log.text   # the capture does see the access log
    assert "403 GET /TOKEN/" in log.text
    for secret in (token, token[:-1], token[1:]):
        assert secret not in log.text


# --------------------------------------------------------------------------- send queue

def scroll_requests(count: int, size: int = protocol.MAX_WINDOW) -> list:
    return [{"type": "ScrollRequest", "offset": (k * 7919) % (N_ROWS - size), "window_size":
             size, "request_id": k} for k in range(count)]


def a_client_that_does_not_read(server) -> Client:
    c = Client(server.url)
    c.ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.hello(source="big")
    return c


def test_superseded_scroll_replies_are_dropped_and_the_latest_wins(server):
    c = a_client_that_does_not_read(server)
    try:
        sent = scroll_requests(300)
        for msg in sent:
            c.send(msg)
        c.ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)  # read at speed
        replies = c.sync()
    finally:
        c.close()
    answered = sorted({r["request_id"] for r in replies if "kinds" in r})
    assert [r for r in replies if "type" in r] == []
    # far more replies were asked for than the socket's buffers hold: the ones waiting
    # behind them were superseded, and the last request was answered, completely
    assert 0 < len(answered) < len(sent) and answered[-1] == sent[-1]["request_id"]
    last = sent[-1]
    rows = rows_of([r for r in replies if r["request_id"] == last["request_id"]])
    wanted = range(last["offset"], last["offset"] + last["window_size"])
    assert all(rows[k] == expected_big_row(k) for k in wanted)


def test_a_client_that_does_not_read_is_closed_with_one_log_line(server):
    with LogCapture() as log:
        c = a_client_that_does_not_read(server)
        before = len(server.connections)
        try:
            # Hellos are not superseded: their replies (~90 KB each) pile up until the
            # limit, well before 4x the limit has been asked for
            hello = json.dumps({"type": "Hello", "source": "big", "window_size": 2000})
            for _ in range(4 * MAX_QUEUED_BYTES // 90_000):
                c.send(hello)
            # read at speed now: what the buffers held, then the close frame
            c.ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            opcode = None
            while opcode != websocket.ABNF.OPCODE_CLOSE:
                opcode, data = c.ws.recv_data(control_frame=True)
            assert int.from_bytes(data[:2], "big") == 1008, data
            wait_until(lambda: len(server.connections) < before)
        finally:
            c.ws.sock.close()
    closing = [line for line in log.lines if "does not read" in line]
    assert len(closing) == 1, closing
    with Client(server.url) as other:
        assert other.hello()[0]["type"] == "InitialData"


def test_writes_to_a_closed_socket_are_handled(server):
    with LogCapture() as log:
        for _ in range(3):
            c = a_client_that_does_not_read(server)
            before = len(server.connections)
            for msg in scroll_requests(100):
                c.send(msg)
            c.send({"type": "Hello", "source": "big", "window_size": 2000})
            c.ws.sock.shutdown(socket.SHUT_RDWR)
            c.ws.sock.close()
            wait_until(lambda: len(server.connections) < before)
        time.sleep(0.2)
        gc.collect()   # an unretrieved failed write is reported when it is collected
    problems = [line for line in log.lines if line.startswith(("ERROR", "CRITICAL"))
                or "never retrieved" in line or "Traceback" in line]
    assert problems == []
    with Client(server.url) as other:
        assert other.hello()[0]["type"] == "InitialData"


# --------------------------------------------------------------------------- protocol fuzz

FUZZ_MESSAGES = int(os.environ.get("GROGGY_FUZZ_MESSAGES", "1500"))
BATCH = 10
TYPES = ["Hello", "Open", "ScrollRequest", "Sort", "Filter", "Search", "ThemeChange", "Ping",
         "ExportCsv", "ShowNode"]
FIELDS = ["source", "offset", "window_size", "sort", "filter", "search", "theme", "keys",
          "expression", "text", "from", "backwards", "request_id", "type", "column",
          "ascending", "node"]
COLUMNS = ["node_id", "i", "f", "s", "id", "age", "score", "ok", "name", "nope", "", "AGE"]
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
TEXT = st.one_of(st.text(max_size=12), st.sampled_from(COLUMNS + TYPES),
                 st.lists(st.one_of(st.characters(), SURROGATES), max_size=6).map("".join),
                 st.sampled_from(["age > 3", "name contains 'a'", "i < 100 and s == 'row7'",
                                  "f >= 1e308", "nope == 1", "(((", "age >>> 1",
                                  "not not name == null", "s contains '\ud800'", "sleek",
                                  "dark", "big", "mixed"]))
NUMBERS = st.one_of(st.integers(), st.integers(-2**70, 2**70), st.floats(),
                    st.sampled_from([0, 1, -1, 2**53, 2**53 + 1, -2**63, 2**64, N_ROWS - 1,
                                     N_ROWS, math.nan, math.inf, -math.inf, 1e308, -0.0]))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)


def containers(inner):
    keys = st.one_of(st.sampled_from(FIELDS), TEXT)
    return st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4)


VALUES = st.recursive(SCALARS, containers, max_leaves=10)
SORT_KEYS = st.lists(st.fixed_dictionaries({"column": st.one_of(st.sampled_from(COLUMNS),
                                                                VALUES)},
                                           optional={"ascending": VALUES}), max_size=3)
MESSAGE = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(TYPES), st.sampled_from(TYPES).map(str.lower), TEXT,
                       VALUES)},
    optional={name: st.one_of(VALUES, SORT_KEYS) if name in ("sort", "keys") else VALUES
              for name in FIELDS if name != "type"})


def nested(depth: int) -> str:
    return '{"type": "Ping", "x": ' + "[" * depth + "]" * depth + "}"


def wire(value) -> str:
    # NaN and Infinity as Python writes them: not JSON, a client's mistake to answer
    return json.dumps(value, allow_nan=True)


FRAME = st.one_of(
    MESSAGE.map(wire),
    VALUES.map(wire),
    st.text(max_size=40),                                     # not JSON, mostly
    st.integers(1, 4000).map(nested),                         # deep nesting
    st.integers(1, 4000).map(lambda d: "[" * d),              # deep and unfinished
    st.sampled_from(['{"type": "Search", "text": "\\ud800"}', '{"\\udfff": 1}',
                     '{"type": "Ping", "request_id": NaN}', '{"type": "Ping"} x',
                     '{"type": "ScrollRequest", "offset": ' + "9" * 5000 + "}",
                     '{"type": "Ping", "pad": "' + "p" * (protocol.MAX_MESSAGE_BYTES) + '"}',
                     "\ufeff{}", "", " ", "null", '"Ping"', "1e999999"]),
    st.binary(max_size=64),                                   # a binary frame
)


@pytest.fixture(scope="module")
def fuzz_client(server):
    with Client(server.url) as c:
        c.hello(source="mixed")
        c.counts = {"messages": 0, "errors": 0}
        yield c


@given(frames=st.lists(FRAME, min_size=BATCH, max_size=BATCH))
@settings(max_examples=math.ceil(FUZZ_MESSAGES / BATCH),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
def test_protocol_fuzz(fuzz_client, frames):
    c = fuzz_client
    for frame in frames:
        if isinstance(frame, bytes):
            c.ws.send_binary(frame)
        else:
            c.send(frame)
    replies = c.sync()   # the Pong after them: the connection and the server live
    c.counts["messages"] += len(frames)
    errors = [r for r in replies if isinstance(r, dict) and r.get("type") == "Error"]
    c.counts["errors"] += len(errors)
    for error in errors:
        assert isinstance(error["message"], str) and error["message"], error
        assert len(error["message"]) <= protocol.MAX_ERROR_TEXT + 1, error
        assert not error["message"].startswith("internal error"), (frames, error)


def test_after_the_fuzz_a_valid_request_is_answered(server, fuzz_client):
    print(f"\nprotocol fuzz: {fuzz_client.counts['messages']:,} messages, "
          f"{fuzz_client.counts['errors']:,} Error replies, 0 internal errors")
    assert fuzz_client.counts["messages"] >= FUZZ_MESSAGES
    for c in (fuzz_client, Client(server.url)):
        init, blocks = c.hello(source="big", offset=12_345, window_size=100)
        assert init["type"] == "InitialData" and init["total_rows"] == N_ROWS
        rows = rows_of(blocks)
        assert all(rows[k] == expected_big_row(k) for k in range(12_345, 12_445))
        c.close()


@pytest.mark.parametrize("frame,says,kind", [
    ('{"type": "Search", "text": "\\ud800", "request_id": 4}', "lone surrogate", "Search"),
    ('{"type": "Filter", "expression": "s == \'\\udfff\'"}', "lone surrogate", "Filter"),
    ('{"\\ud83d": 1}', "lone surrogate", None),
    ("[" * 1000 + "]" * 1000, "nests too deep", None),
    (nested(17), "nests too deep", "Ping"),
    ('{"type": "Ping", "x": ' + "[" * 30_000, "nests too deep", None),
    ('{"type": "ScrollRequest", "offset": NaN}', "NaN is not a JSON value", "ScrollRequest"),
    ('{"type": "ScrollRequest", "offset": 1, "window_size": -Infinity}', "-Infinity",
     "ScrollRequest"),
    ('[NaN]', "must be a JSON object", None),
])
def test_malformed_messages_get_an_error_that_names_the_problem(server, frame, says, kind):
    with Client(server.url) as c:
        c.hello()
        (error,) = c.exchange(frame)
        assert error["type"] == "Error" and says in error["message"], error
        assert error["for"] == kind
        assert c.hello()[0]["type"] == "InitialData"


def test_a_text_frame_that_is_not_utf8_drops_only_that_connection(server):
    with Client(server.url) as c:
        c.hello()
        with pytest.raises((websocket.WebSocketException, ConnectionError, OSError)):
            c.ws.send(b"\xff\xfe", opcode=websocket.ABNF.OPCODE_TEXT)
            c.sync()
    with Client(server.url) as c:
        assert c.hello()[0]["type"] == "InitialData"


# --------------------------------------------------------------------------- the document

def doc_table(title: str) -> list:
    """The rows (lists of cells) of the first table after the heading ``title``."""
    text = PROTOCOL_MD.read_text()
    section = text[text.index(title):]
    rows, started = [], False
    for line in section.splitlines()[1:]:
        if line.startswith("|"):
            started = True
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if not set(cells[0]) <= set("- "):
                rows.append(cells)
        elif started:
            break
    return rows[1:]   # without the header row


def first_code(cell: str) -> str:
    return re.search(r"`([^`]+)`", cell).group(1)


def test_the_document_lists_exactly_the_messages_the_server_handles(server):
    documented = [first_code(row[0]) for row in doc_table("## Client → server")]
    assert sorted(documented) == sorted(protocol._FIELDS) == sorted(TYPES)
    minimal = {"Open": {"source": "mixed"}, "ScrollRequest": {"offset": 0},
               "Sort": {"keys": []}, "Filter": {"expression": ""}, "Search": {"text": "a"},
               "ThemeChange": {"theme": "dark"}}
    with Client(server.url) as c:
        for kind in ["Hello"] + documented:
            if kind == "ShowNode":   # needs a graph view: tests/test_widget_links.py
                continue
            replies = c.exchange({"type": kind, **minimal.get(kind, {}), "request_id": 7})
            assert not any(r.get("type") == "Error" for r in replies if "type" in r), \
                (kind, replies)


def _sent_types(paths) -> set:
    return set(re.findall(r'"type": "(\w+)"', "\n".join(p.read_text() for p in paths)))


def test_the_document_lists_exactly_the_replies_the_server_sends():
    documented = {first_code(row[0]) for row in doc_table("## Server → client (JSON)")}
    web = Path(protocol.__file__).parent
    graph_view = ("graphview.py", "graphtiles.py", "graphactions.py")  # in "Graph view"
    sent = _sent_types(p for p in web.glob("*.py") if p.name not in graph_view)
    assert documented == sent


def test_the_graph_view_section_lists_its_messages_and_replies():
    from groggy.web import graphactions, graphtiles, graphview
    text = PROTOCOL_MD.read_text()
    section = text[text.index("## Graph view"):]
    asked = section[section.index("### Client → server"):section.index("### Server → client")]
    documented = {first_code(line.split("|")[1]) for line in asked.splitlines()
                  if line.startswith("| `")}
    assert documented == set(graphview._KINDS)
    for kind in _sent_types([Path(graphview.__file__), Path(graphtiles.__file__),
                             Path(graphactions.__file__)]):
        assert f"`{kind}`" in section, kind


def test_the_documented_limits_are_the_enforced_ones():
    limits = {row[0]: row[1] for row in doc_table("## Limits")}

    def number(name: str) -> int:
        return int(re.search(r"([\d,]+)", limits[name]).group(1).replace(",", ""))

    assert number("message") == protocol.MAX_MESSAGE_BYTES
    assert number("frame") == protocol.MAX_FRAME_BYTES
    assert number("nesting") == protocol.MAX_DEPTH
    assert number("window_size") == 1 and limits["window_size"].endswith(
        f"{protocol.MAX_WINDOW:,}")
    assert number("Error text") == protocol.MAX_ERROR_TEXT
    assert number("replies waiting") == MAX_QUEUED_BYTES


def test_nesting_limits_hold_whatever_the_interpreters_recursion_limit():
    """A library (anywidget sets 3000) may raise the recursion limit: deep messages and
    filters must still fail the same way, by our limits, not by a RecursionError."""
    import sys

    import groggy as gg
    from groggy.query import MAX_NESTING
    from groggy.web.protocol import ProtocolError, parse
    table = gg.table({"age": [1, 5, 9]})
    old = sys.getrecursionlimit()
    try:
        for limit in (old, 20_000):
            sys.setrecursionlimit(limit)
            with pytest.raises(ProtocolError, match="nests too deep"):
                parse("[" * 900 + "]" * 900)
            ok = "(" * MAX_NESTING + "age > 1" + ")" * MAX_NESTING
            assert table.filter(ok).nrows == 2
            with pytest.raises(ValueError, match="nested too deeply"):
                table.filter("(" + ok + ")")
            with pytest.raises(ValueError, match="nested too deeply"):
                table.filter("not " * (MAX_NESTING + 1) + "age > 1")
    finally:
        sys.setrecursionlimit(old)
