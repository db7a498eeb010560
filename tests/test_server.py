"""The streaming server, end to end: a real Tornado server on 127.0.0.1, a real WebSocket
client (websocket-client), real HTTP requests and a real ``python -m groggy serve``.

Sort, filter, search and export are checked against pandas on the same data; bad
messages of every sort (hypothesis) must each get an Error while the connection and the
server keep working."""
from __future__ import annotations

import csv
import http.client
import io
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pandas as pd
import pytest
import websocket
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import groggy as gg
from groggy.web import BrowserInterface, Server
from groggy.web.protocol import MAX_FRAME_BYTES, MAX_MESSAGE_BYTES

from web_helpers import (TIMEOUT, Client, big_graph, expected_big_row, frames, http_get,
                         messages, mixed_table, rows_of, ws_url)

N_BIG = 1_000_000
THEMES = ["sleek", "light", "dark", "publication", "minimal"]


def fixture_settings(**kwargs):
    """Hypothesis settings for tests that reuse one connection across examples."""
    return settings(suppress_health_check=[HealthCheck.function_scoped_fixture], **kwargs)


@pytest.fixture(scope="module")
def mixed():
    return mixed_table()


@pytest.fixture(scope="module")
def mixed_df(mixed):
    return mixed.to_pandas()


@pytest.fixture(scope="module")
def server(mixed):
    """One server for the module: a 1M-row nodes table and the mixed table."""
    s = Server({"big": big_graph(N_BIG).nodes.table(), "mixed": mixed}).start()
    yield s
    s.stop()


@pytest.fixture
def client(server):
    with Client(server.url) as c:
        yield c


def all_rows(c: Client, total: int) -> dict:
    """Every row of the client's current view, asked in windows of 2000."""
    rows = {}
    for offset in range(0, total, 2000):
        rows.update(rows_of(c.exchange({"type": "ScrollRequest", "offset": offset,
                                        "window_size": 2000})))
    assert sorted(rows) == list(range(total))
    return rows


def ids_of_view(c: Client, total: int) -> list:
    rows = all_rows(c, total)
    return [rows[i][0] for i in range(total)]


def single(replies, kind: str) -> dict:
    found = [m for m in messages(replies) if m["type"] == kind]
    assert len(found) == 1, replies
    return found[0]


# --------------------------------------------------------------------------- hello, scroll

def test_hello_gives_initial_data_and_the_first_block(client):
    init, blocks = client.hello(source="big", request_id=3)
    assert init["type"] == "InitialData" and init["request_id"] == 3
    assert init["source"] == "big" and init["sources"] == ["big", "mixed"]
    assert init["columns"] == [{"name": "node_id", "kind": "int64"},
                               {"name": "i", "kind": "int64"},
                               {"name": "f", "kind": "float64"},
                               {"name": "s", "kind": "string"}]
    assert init["total_rows"] == init["source_rows"] == N_BIG
    assert init["sort"] == [] and init["filter"] == "" and init["offset"] == 0
    assert init["theme"] == "sleek" and sorted(init["themes"]) == sorted(THEMES)
    block = init["block_size"]
    assert len(blocks) == 1 and blocks[0]["offset"] == 0 and blocks[0]["count"] == block
    assert blocks[0]["request_id"] == 3 and blocks[0]["total_rows"] == N_BIG
    assert blocks[0]["rows"] == [expected_big_row(i) for i in range(block)]


def test_hello_defaults_to_the_first_source_and_restores_an_offset(client):
    init, blocks = client.hello(offset=123_456, window_size=300)
    assert init["source"] == "big" and init["offset"] == 123_456
    rows = rows_of(blocks)
    assert all(rows[i] == expected_big_row(i) for i in range(123_456, 123_756))


@given(offset=st.integers(0, N_BIG - 1), size=st.integers(1, 2000),
       request_id=st.integers(-2**53, 2**53))
@fixture_settings()
def test_scroll_requests_return_the_right_rows(client, offset, size, request_id):
    client.hello(source="big")
    replies = client.exchange({"type": "ScrollRequest", "offset": offset,
                               "window_size": size, "request_id": request_id})
    assert messages(replies) == []
    rows = rows_of(replies)
    wanted = range(offset, min(offset + size, N_BIG))
    assert all(rows[i] == expected_big_row(i) for i in wanted)
    for f in frames(replies):
        assert f["request_id"] == request_id and f["total_rows"] == N_BIG
        assert f["offset"] % 200 == 0


def test_scroll_to_the_last_row(client):
    client.hello(source="big")
    rows = rows_of(client.exchange({"type": "ScrollRequest", "offset": N_BIG - 1,
                                    "window_size": 50}))
    assert rows[N_BIG - 1] == expected_big_row(N_BIG - 1)
    assert max(rows) == N_BIG - 1


def test_sort_a_million_rows(client):
    client.hello(source="big")
    replies = client.exchange({"type": "Sort", "keys": [{"column": "f", "ascending": False}]})
    changed = single(replies, "ViewChanged")
    assert changed["total_rows"] == N_BIG and changed["sort"] == [
        {"column": "f", "ascending": False}]
    rows = rows_of(replies)
    assert rows[0] == expected_big_row(N_BIG - 1) and rows[1] == expected_big_row(N_BIG - 2)
    rows = rows_of(client.exchange({"type": "ScrollRequest", "offset": N_BIG - 3}))
    assert [rows[i][0] for i in range(N_BIG - 3, N_BIG)] == [2, 1, 0]
    # ties keep their original order: i == 0 exactly for the multiples of 1000
    replies = client.exchange({"type": "Sort", "keys": [{"column": "i", "ascending": True}]})
    rows = rows_of(replies)
    assert [rows[k][0] for k in range(200)] == list(range(0, 200_000, 1000))


# --------------------------------------------------------------------------- sort, filter

SORT_COLUMNS = ["age", "score", "ok", "name", "id"]


def pandas_sorted(df, keys):
    if not keys:
        return df
    return df.sort_values([k["column"] for k in keys], ascending=[k["ascending"] for k in keys],
                          kind="stable", na_position="last")


@given(keys=st.lists(st.fixed_dictionaries({"column": st.sampled_from(SORT_COLUMNS),
                                            "ascending": st.booleans()}),
                     max_size=3, unique_by=lambda k: k["column"]))
@fixture_settings(max_examples=15)
def test_sort_matches_pandas(client, mixed_df, keys):
    client.hello(source="mixed")
    replies = client.exchange({"type": "Sort", "keys": keys, "request_id": 9})
    changed = single(replies, "ViewChanged")
    assert changed["request_id"] == 9 and changed["sort"] == keys
    assert changed["offset"] == 0 and changed["total_rows"] == len(mixed_df)
    assert rows_of(replies)[0][0] == int(pandas_sorted(mixed_df, keys)["id"].iloc[0])
    assert ids_of_view(client, len(mixed_df)) == pandas_sorted(mixed_df, keys)["id"].tolist()


def pandas_mask(df, kind, a, b, text):
    if kind == "range":
        return ((df["age"] >= a) & (df["age"] < b)).fillna(False)
    if kind == "score":
        return (df["score"] > a / 3).fillna(False)
    if kind == "equal":
        return (df["name"] == text).fillna(False).astype(bool)
    if kind == "contains":
        return df["name"].str.contains(text, regex=False).fillna(False).astype(bool)
    if kind == "bool":
        return (df["ok"] == True).fillna(False)  # noqa: E712 - a nullable boolean column
    if kind == "null":
        return df["age"].isna()
    if kind == "or":
        return (((df["age"] < a) & (df["age"] >= 0)).fillna(False)
                | df["name"].str.contains(text, regex=False).fillna(False).astype(bool))
    raise AssertionError(kind)


def expression(kind, a, b, text):
    quoted = "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return {"range": f"age >= {a} and age < {b}", "score": f"score > {a / 3}",
            "equal": f"name == {quoted}", "contains": f"name contains {quoted}",
            "bool": "ok == true", "null": "age == null",
            "or": f"(age < {a} and age >= 0) or name contains {quoted}"}[kind]


FILTERS = st.tuples(st.sampled_from(["range", "score", "equal", "contains", "bool", "null",
                                     "or"]),
                    st.integers(-10, 70), st.integers(-10, 70),
                    st.sampled_from(["oslo", "Oslo", "nn", "ann", "Zoë", "日本", "", "x,y",
                                     'q"', "e-M", "nothing"]))


@given(flt=FILTERS, keys=st.lists(st.fixed_dictionaries(
    {"column": st.sampled_from(SORT_COLUMNS), "ascending": st.booleans()}),
    max_size=2, unique_by=lambda k: k["column"]))
@fixture_settings(max_examples=20)
def test_filter_and_sort_match_pandas(client, mixed_df, flt, keys):
    client.hello(source="mixed", sort=keys)
    text = expression(*flt)
    replies = client.exchange({"type": "Filter", "expression": text, "request_id": 4})
    changed = single(replies, "ViewChanged")
    expected = pandas_sorted(mixed_df[pandas_mask(mixed_df, *flt)], keys)
    assert changed["filter"] == text and changed["sort"] == keys
    assert changed["total_rows"] == len(expected)
    assert changed["source_rows"] == len(mixed_df)
    assert ids_of_view(client, len(expected)) == expected["id"].tolist()
    # clearing the filter keeps the sort
    replies = client.exchange({"type": "Filter", "expression": ""})
    assert single(replies, "ViewChanged")["total_rows"] == len(mixed_df)
    assert rows_of(replies)[0][0] == int(pandas_sorted(mixed_df, keys)["id"].iloc[0])


def test_hello_restores_sort_and_filter(client, mixed_df):
    keys = [{"column": "name", "ascending": False}, {"column": "age", "ascending": True}]
    init, blocks = client.hello(source="mixed", sort=keys, filter="age >= 20", offset=40)
    expected = pandas_sorted(mixed_df[(mixed_df["age"] >= 20).fillna(False)], keys)
    assert init["sort"] == keys and init["filter"] == "age >= 20" and init["offset"] == 40
    assert init["total_rows"] == len(expected)
    rows = rows_of(blocks)
    assert [rows[i][0] for i in range(40, 90)] == expected["id"].tolist()[40:90]


# --------------------------------------------------------------------------- search

def ascii_lower(s):
    return s.translate({c: c + 32 for c in range(65, 91)})


@pytest.mark.parametrize("text", ["ann", "OSLO", "日本", "x,y", "zzz"])
def test_search_finds_rows_of_the_view(client, mixed_df, text):
    keys = [{"column": "age", "ascending": True}]
    client.hello(source="mixed", sort=keys, filter="score > -5")
    view = pandas_sorted(mixed_df[(mixed_df["score"] > -5).fillna(False)], keys)
    hits = [i for i, name in enumerate(view["name"].tolist())
            if name is not None and ascii_lower(text) in ascii_lower(name)]
    for start, backwards in ((0, False), (len(view) // 2, False), (len(view) // 2, True),
                             (len(view) - 1, False), (0, True)):
        replies = client.exchange({"type": "Search", "text": text, "from": start,
                                   "backwards": backwards, "request_id": 12})
        result = single(replies, "SearchResult")
        assert result["request_id"] == 12 and result["text"] == text
        assert result["count"] == len(hits)
        if not hits:
            assert result["row"] is None
        elif backwards:
            before = [h for h in hits if h <= start]
            assert result["row"] == (before[-1] if before else hits[-1])
        else:
            after = [h for h in hits if h >= start]
            assert result["row"] == (after[0] if after else hits[0])


# --------------------------------------------------------------------------- open, theme

def test_open_another_source(client, mixed):
    client.hello(source="big", sort=[{"column": "i", "ascending": False}], filter="i < 30")
    replies = client.exchange({"type": "Open", "source": "mixed", "request_id": 1})
    init = single(replies, "InitialData")
    assert init["source"] == "mixed" and init["request_id"] == 1
    assert init["sort"] == [] and init["filter"] == "" and init["offset"] == 0
    assert init["total_rows"] == mixed.nrows
    assert [c["name"] for c in init["columns"]] == mixed.columns
    rows = rows_of(replies)
    assert [rows[i] for i in range(50)] == mixed.get_window(0, 50).rows
    init = single(client.exchange({"type": "Open", "source": "big"}), "InitialData")
    assert init["total_rows"] == N_BIG and init["filter"] == ""


@pytest.mark.parametrize("theme", THEMES)
def test_theme_change_is_echoed(client, theme):
    client.hello()
    reply = single(client.exchange({"type": "ThemeChange", "theme": theme,
                                    "request_id": 2}), "ThemeChange")
    assert reply == {"type": "ThemeChange", "theme": theme, "request_id": 2}
    init = single(client.exchange({"type": "Open", "source": "mixed"}), "InitialData")
    assert init["theme"] == theme


def test_two_connections_keep_their_own_views(server):
    with Client(server.url) as a, Client(server.url) as b:
        a.hello(source="big", sort=[{"column": "f", "ascending": False}])
        b.hello(source="big", filter="f >= 124999.875")
        assert rows_of(a.exchange({"type": "ScrollRequest", "offset": 0}))[0][0] == N_BIG - 1
        assert rows_of(b.exchange({"type": "ScrollRequest", "offset": 0})) == {
            0: expected_big_row(999_999)}


# --------------------------------------------------------------------------- bad messages

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                    max_leaves=12)
TYPES = ["Hello", "Open", "ScrollRequest", "Sort", "Filter", "Search", "ThemeChange", "Ping"]
NOT_INT = st.one_of(st.floats(), st.text(max_size=5), st.booleans(), st.none(),
                    st.lists(st.integers(), max_size=2), st.integers(max_value=-1),
                    st.integers(min_value=2**53 + 1))
NOT_BOOL = st.one_of(st.integers(), st.text(max_size=3), st.none(), st.floats())
NOT_TEXT = st.one_of(st.integers(), st.floats(), st.booleans(), st.lists(st.text(), max_size=2),
                     st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
BAD_FILTERS = st.sampled_from(["age >>> 3", "nosuch == 1", "name contains 3", "age == 'x'",
                               "(age > 1", "age > 1 and", "and", "age 3", "'x' == age",
                               "age < null", "ok contains 'a'", "x" * 10_001,
                               "(" * 400 + "age > 1" + ")" * 400, "not " * 1200 + "age > 1"])
BAD_KEYS = st.one_of(
    NOT_TEXT.filter(lambda v: not isinstance(v, list)),
    st.lists(st.fixed_dictionaries({"column": st.sampled_from(["nope", "AGE", ""])}),
             min_size=1, max_size=2),
    st.lists(st.fixed_dictionaries({"column": st.sampled_from(SORT_COLUMNS),
                                    "ascending": NOT_BOOL}), min_size=1, max_size=2),
    st.lists(st.fixed_dictionaries({"column": NOT_TEXT}), min_size=1, max_size=2),
    st.just([{"column": "age"}] * 17),
    st.lists(st.integers(), min_size=1, max_size=2),
)


def bad(kind, **fields):
    return st.fixed_dictionaries({"type": st.just(kind), **fields})


BAD_MESSAGES = st.one_of(
    bad("ScrollRequest", offset=NOT_INT),
    bad("ScrollRequest", offset=st.integers(3000, 2**53)),            # past the last row
    bad("ScrollRequest", offset=st.just(0),
        window_size=st.one_of(NOT_INT, st.just(0), st.integers(2001, 10**6))),
    bad("Sort", keys=BAD_KEYS),
    bad("Filter", expression=st.one_of(NOT_TEXT, BAD_FILTERS)),
    bad("Search", text=st.one_of(NOT_TEXT, st.just("y" * 1001))),
    bad("Search", text=st.just("a"), **{"from": NOT_INT}),
    bad("Search", text=st.just("a"), backwards=NOT_BOOL),
    bad("ThemeChange", theme=st.one_of(NOT_TEXT, st.text(max_size=8).filter(
        lambda t: t not in THEMES))),
    bad("Open", source=st.one_of(NOT_TEXT, st.sampled_from(["nope", "", "Big", "x" * 300]))),
    bad("Hello", source=st.one_of(NOT_TEXT, st.just("nope"))),
    bad("Hello", offset=NOT_INT),
    bad("Hello", window_size=st.one_of(NOT_INT, st.just(0), st.just(2001))),
    bad("Hello", source=st.just("mixed"), sort=BAD_KEYS),
    bad("Hello", source=st.just("mixed"), filter=BAD_FILTERS),
    bad("Hello", theme=st.text(max_size=5).filter(lambda t: t and t not in THEMES)),
    bad("Ping", request_id=st.one_of(st.text(max_size=4), st.floats(), st.booleans(),
                                     st.integers(min_value=2**53 + 1), st.lists(st.none()))),
    st.fixed_dictionaries({"type": st.one_of(st.text(max_size=12).filter(
        lambda t: t not in TYPES), NOT_TEXT)}),
    st.dictionaries(st.text(max_size=6).filter(lambda k: k != "type"), JSON, max_size=4),
)


def expect_error(c: Client, msg) -> dict:
    """Send ``msg``; exactly one reply, an Error; the connection still answers Pings."""
    replies = c.exchange(msg)
    assert len(replies) == 1, (msg, replies)
    (error,) = replies
    assert error["type"] == "Error" and isinstance(error["message"], str) and error["message"]
    assert len(error["message"]) < 2000
    # a client's mistake is named as such, not reported as a server bug
    assert not error["message"].startswith("internal error"), (msg, error)
    return error


def view_snapshot(c: Client) -> dict:
    return rows_of(c.exchange({"type": "ScrollRequest", "offset": 0, "window_size": 20}))


@given(msg=BAD_MESSAGES, request_id=st.one_of(st.none(), st.integers(-2**53, 2**53)))
@fixture_settings(max_examples=120)
def test_bad_messages_get_an_error_and_change_nothing(server, bad_client, msg, request_id):
    before = bad_client.before
    if request_id is not None and "request_id" not in msg:
        msg = {**msg, "request_id": request_id}
    error = expect_error(bad_client, msg)
    if isinstance(msg.get("type"), str) and msg["type"] in TYPES:
        assert error["for"] == msg["type"], (msg, error)
        if "request_id" in msg and msg["request_id"] == request_id:
            assert error["request_id"] == request_id, (msg, error)
    assert view_snapshot(bad_client) == before


@pytest.fixture(scope="module")
def bad_client(server):
    """One connection for all the bad messages: it must survive every one of them."""
    with Client(server.url) as c:
        c.hello(source="mixed", sort=[{"column": "age", "ascending": False}],
                filter="age > 10")
        c.before = view_snapshot(c)
        yield c


@given(text=st.one_of(st.text(max_size=30), st.binary(max_size=30).map(
    lambda b: b.decode("latin-1"))), value=JSON)
@fixture_settings(max_examples=60)
def test_garbage_text_and_json_values_get_an_error(bad_client, text, value):
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        expect_error(bad_client, text)
    if not isinstance(value, dict):
        expect_error(bad_client, json.dumps(value))
    assert view_snapshot(bad_client) == bad_client.before


@pytest.mark.parametrize("size", [MAX_MESSAGE_BYTES + 1, 512 * 1024, MAX_FRAME_BYTES])
def test_oversized_messages_get_an_error(bad_client, size):
    ping = {"type": "Ping", "pad": ""}
    ping["pad"] = "p" * (size - len(json.dumps(ping)))
    text = json.dumps(ping)
    assert len(text.encode()) == size
    error = expect_error(bad_client, text)
    assert "limit" in error["message"]


def test_oversized_in_bytes_but_not_in_characters_gets_an_error(bad_client):
    # 25,000 three-byte characters: 75 KB on the wire, over the 64 KiB limit
    text = json.dumps({"type": "Ping", "pad": "日" * 25_000}, ensure_ascii=False)
    assert len(text.encode()) > 64 * 1024 > len(text)
    expect_error(bad_client, text)


def test_binary_messages_get_an_error(bad_client):
    bad_client.ws.send_binary(b"\x00\x01binary")
    assert bad_client.sync()[0]["type"] == "Error"


def test_a_message_over_the_frame_cap_closes_only_that_connection(server, bad_client):
    with Client(server.url) as c:
        c.hello()
        with pytest.raises((websocket.WebSocketException, ConnectionError, OSError)):
            c.send("x" * (MAX_FRAME_BYTES + 1))
            for _ in range(5):
                c.sync()
    assert view_snapshot(bad_client) == bad_client.before
    with Client(server.url) as c:
        assert c.hello()[0]["type"] == "InitialData"


def test_a_frame_announced_over_the_cap_is_closed_with_1009(server):
    # the server reads a frame's header, sees the length and closes at once with 1009
    # ("message too big"), as docs/protocol.md says; a client that sent only the header
    # has nothing unread on the server, so the close frame reaches it
    with Client(server.url) as c:
        c.hello()
        header = bytes([0x81, 0x80 | 127]) + (MAX_FRAME_BYTES + 1).to_bytes(8, "big")
        c.ws.sock.sendall(header + b"mask")
        opcode, data = c.ws.recv_data(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
        assert int.from_bytes(data[:2], "big") == 1009, data
    with Client(server.url) as c:
        assert c.hello()[0]["type"] == "InitialData"


def test_messages_before_hello_get_an_error(server):
    with Client(server.url) as c:
        for msg in ({"type": "ScrollRequest", "offset": 0}, {"type": "Sort", "keys": []},
                    {"type": "Filter", "expression": "age > 1"},
                    {"type": "Search", "text": "a"}):
            assert expect_error(c, msg)["for"] == msg["type"]
        assert c.hello()[0]["type"] == "InitialData"


def test_a_refused_hello_changes_nothing(server):
    with Client(server.url) as c:
        c.hello(source="mixed", window_size=20)
        error = expect_error(c, {"type": "Hello", "source": "mixed", "theme": "dark",
                                 "filter": "age >>> 1", "request_id": 5})
        assert error["for"] == "Hello" and error["request_id"] == 5
        assert not error["message"].startswith("internal error"), error
        init = single(c.exchange({"type": "Open", "source": "mixed"}), "InitialData")
        assert init["theme"] == "sleek"


def test_an_open_of_an_unknown_source_names_the_message(server):
    with Client(server.url) as c:
        c.hello()
        error = expect_error(c, {"type": "Open", "source": "nope", "request_id": 8})
        assert "nope" in error["message"] and "mixed" in error["message"]
        assert error["for"] == "Open" and error["request_id"] == 8


# --------------------------------------------------------------------------- security

def test_token_is_required_everywhere(server):
    base = f"http://127.0.0.1:{server.port}"
    good = server.url
    assert http_get(good)[0] == 200
    assert http_get(good + "static/app.js")[0] == 200
    assert http_get(good + "themes.css")[0] == 200
    assert http_get(good + "export.csv?source=mixed")[0] == 200
    secret = b"row999"  # a value of the big table: must never leak
    for token in ("wrong", server.token[:-1], server.token + "x", "%00"):
        for path in ("/", "/static/app.js", "/themes.css", "/export.csv?source=big", "/ws"):
            status, _, body = http_get(f"{base}/{token}{path}")
            assert status == 403, (token, path, status)
            assert secret not in body and b"gg-theme" not in body
    for path in ("/", "/static/app.js", "/themes.css", "/export.csv?source=big", "/ws"):
        status, _, body = http_get(base + path)
        assert status in (403, 404), (path, status)
        assert secret not in body and b"gg-theme" not in body and b"import" not in body
    for url in (f"ws://127.0.0.1:{server.port}/wrong/ws", f"ws://127.0.0.1:{server.port}/ws"):
        with pytest.raises(websocket.WebSocketBadStatusException) as info:
            websocket.create_connection(url, timeout=TIMEOUT)
        assert info.value.status_code in (403, 404)


def test_static_files_cannot_escape_their_directory(server):
    for path in ("static/../server.py", "static/..%2fserver.py", "static/%2e%2e/app.py",
                 "static//etc/passwd", "static/../../__init__.py"):
        status, _, body = http_get(server.url + path)
        assert status in (403, 404), (path, status)
        assert b"import" not in body


def test_foreign_origins_are_refused(server):
    url = ws_url(server.url)
    port = server.port
    for origin in ("http://evil.example", f"http://127.0.0.1:{port + 1}",
                   "null", f"http://127.0.0.1.evil.example:{port}",
                   f"http://localhost.evil.example:{port}",
                   # not the page's own scheme, or another name than the page was asked by
                   f"https://127.0.0.1:{port}", f"ws://127.0.0.1:{port}",
                   f"http://localhost:{port}", f"http://127.0.0.1:{port}/",
                   f"HTTP://127.0.0.1:{port}", "http://127.0.0.1"):
        with pytest.raises(websocket.WebSocketBadStatusException) as info:
            websocket.create_connection(url, origin=origin, timeout=TIMEOUT)
        assert info.value.status_code == 403, origin
    for host in ("127.0.0.1", "localhost"):
        with Client(server.url, origin=f"http://{host}:{port}", host=f"{host}:{port}") as c:
            assert c.hello()[0]["type"] == "InitialData"
    with Client(server.url, suppress_origin=True) as c:   # non-browser clients
        assert c.hello()[0]["type"] == "InitialData"


@pytest.mark.parametrize("site", ["same-origin", "same-site", "none"])
def test_sec_fetch_site_does_not_bypass_the_origin_check(server, site):
    for origin in ("http://evil.example", f"https://127.0.0.1:{server.port}"):
        with pytest.raises(websocket.WebSocketBadStatusException) as info:
            websocket.create_connection(ws_url(server.url), origin=origin, timeout=TIMEOUT,
                                        header=[f"Sec-Fetch-Site: {site}"])
        assert info.value.status_code == 403, (site, origin)


def test_a_rebound_host_name_is_refused(server):
    # DNS rebinding: a page at http://evil.example:PORT whose name now resolves to
    # 127.0.0.1 sends Origin and Host both evil.example:PORT; the Origin is still foreign
    origin = f"http://evil.example:{server.port}"
    with pytest.raises(websocket.WebSocketBadStatusException) as info:
        websocket.create_connection(ws_url(server.url), origin=origin,
                                    host=f"evil.example:{server.port}", timeout=TIMEOUT)
    assert info.value.status_code == 403


def test_a_foreign_host_header_is_refused_over_http(server):
    for path in ("", "static/app.js", "themes.css", "export.csv?source=mixed"):
        request = urllib.request.Request(server.url + path,
                                         headers={"Host": f"evil.example:{server.port}"})
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request, timeout=TIMEOUT)
        assert info.value.code == 403, path
    request = urllib.request.Request(server.url, headers={"Host": f"localhost:{server.port}"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
        assert reply.status == 200


@pytest.mark.parametrize("token", ["?", "has/slash", "sp ace", "dot.", "a%2F"])
def test_a_bad_fixed_token_is_refused(mixed, token):
    with pytest.raises(ValueError):
        Server({"mixed": mixed}, token=token)


def test_a_taken_port_is_a_clear_groggy_error(server, mixed):
    with pytest.raises(gg.GroggyError) as info:
        Server({"t": mixed}, port=server.port)
    message = str(info.value)
    assert str(server.port) in message and "in use" in message and "port=0" in message
    with pytest.raises(gg.GroggyError):
        mixed.interactive(port=server.port)
    assert http_get(server.url)[0] == 200


def test_binds_loopback_only(server):
    assert server.host == "127.0.0.1"
    assert all(s.getsockname()[0] == "127.0.0.1" for s in server._sockets)


# --------------------------------------------------------------------------- export

def csv_rows(df) -> list:
    out = []
    for row in df.astype(object).itertuples(index=False):
        out.append(["" if pd.isna(v) else str(v.item() if hasattr(v, "item") else v)
                    for v in row])
    return out


EXPORTS = [
    ([], "", lambda df: df["id"] >= 0),
    ([{"column": "name", "ascending": True}], "age >= 18 and age < 40",
     lambda df: ((df["age"] >= 18) & (df["age"] < 40)).fillna(False)),
    ([{"column": "score", "ascending": False}, {"column": "id", "ascending": True}],
     "name contains 'nn' or ok == true",
     lambda df: (df["name"].str.contains("nn", regex=False).fillna(False).astype(bool)
                 | (df["ok"] == True).fillna(False))),  # noqa: E712
    ([{"column": "ok", "ascending": True}], "name == 'x,y' or name contains '\"'",
     lambda df: ((df["name"] == "x,y").astype(bool)
                 | df["name"].str.contains('"', regex=False).fillna(False).astype(bool))),
]


@pytest.mark.parametrize("keys,flt,mask", EXPORTS)
def test_export_csv_equals_pandas(server, mixed_df, keys, flt, mask):
    query = urllib.parse.urlencode({"source": "mixed", "sort": json.dumps(keys), "filter": flt})
    status, headers, body = http_get(server.url + "export.csv?" + query)
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert 'filename="mixed.csv"' in headers.get("Content-Disposition", "")
    got = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    expected = pandas_sorted(mixed_df[mask(mixed_df)], keys)
    assert 0 < len(expected) and got[0] == list(mixed_df.columns)
    assert got[1:] == csv_rows(expected)


def test_export_of_a_million_rows_streams(server):
    query = urllib.parse.urlencode({"source": "big", "filter": "f >= 100000"})
    status, _, body = http_get(server.url + "export.csv?" + query)
    lines = body.decode().splitlines()
    assert status == 200 and len(lines) == 1 + 200_000
    assert lines[1] == "800000,0,100000.0,row800000"
    assert lines[-1] == "999999,81,124999.875,row999999"


@pytest.mark.parametrize("query", ["source=nope", "source=mixed&sort=notjson",
                                   "source=mixed&sort=%5B%7B%22column%22%3A%22zz%22%7D%5D",
                                   "source=mixed&filter=age%3E%3E%3E1",
                                   "source=mixed&sort=%7B%7D",
                                   "source=mixed&" + urllib.parse.urlencode(
                                       {"filter": "(" * 400 + "age > 1" + ")" * 400})],
                         ids=["source", "sort-json", "sort-column", "filter", "sort-object",
                              "deep-filter"])
def test_bad_export_requests_are_400(server, query):
    status, _, body = http_get(server.url + "export.csv?" + query)
    assert status == 400 and body.startswith(b"cannot export")


# --------------------------------------------------------------------------- live updates

@pytest.fixture
def live():
    g = gg.Graph()
    g.add_nodes({"x": list(range(10)), "name": [f"n{i}" for i in range(10)]})
    g.add_edges(list(range(9)), list(range(1, 10)), w=[float(i) for i in range(9)])
    view = gg.serve(g, open_browser=False)
    yield g, view
    view.close()


def test_add_nodes_pushes_new_totals_and_rows(live):
    g, view = live
    with Client(view.url) as nodes, Client(view.url) as top:
        nodes.hello(source="nodes", window_size=5)
        top.hello(source="nodes", filter="x >= 5", sort=[{"column": "x", "ascending": False}])
        nodes.exchange({"type": "ScrollRequest", "offset": 4, "window_size": 5})
        g.add_nodes({"x": [100, 3], "name": ["new", "three"]})
        changed = nodes.wait_for("TotalChanged")
        assert changed["total_rows"] == changed["source_rows"] == 12
        assert changed["offset"] == 4                      # the page keeps its place
        rows = rows_of(nodes.exchange({"type": "ScrollRequest", "offset": 4,
                                       "window_size": 10}))
        assert rows[10] == [10, 100, "new"] and rows[11] == [11, 3, "three"]
        assert rows[4] == [4, 4, "n4"]
        # a sorted, filtered view keeps its sort and filter
        changed = top.wait_for("TotalChanged")
        assert changed["total_rows"] == 6 and changed["source_rows"] == 12
        assert changed["filter"] == "x >= 5"
        assert changed["sort"] == [{"column": "x", "ascending": False}]
        rows = rows_of(top.exchange({"type": "ScrollRequest", "offset": 0}))
        assert [rows[i][1] for i in range(6)] == [100, 9, 8, 7, 6, 5] and len(rows) == 6


def test_add_edges_pushes_new_totals_and_rows(live):
    g, view = live
    with Client(view.url) as edges:
        edges.hello(source="edges")
        g.add_nodes(2)
        edges.wait_for("TotalChanged")   # every source of the graph is refreshed
        g.add_edges([(10, 11), (0, 11)])
        changed = edges.wait_for("TotalChanged")
        assert changed["total_rows"] == changed["source_rows"] == 11
        rows = rows_of(edges.exchange({"type": "ScrollRequest", "offset": 8}))
        assert rows[8] == [8, 8, 9, 8.0]
        assert rows[9] == [9, 10, 11, None] and rows[10] == [10, 0, 11, None]


def test_attribute_writes_push_and_resent_blocks_show_them(live):
    g, view = live
    with Client(view.url) as nodes, Client(view.url) as top:
        nodes.hello(source="nodes")
        top.hello(source="nodes", filter="x >= 5", sort=[{"column": "x", "ascending": False}])
        g.set_node_attr(2, "x", 999)
        assert nodes.wait_for("TotalChanged")["total_rows"] == 10
        assert rows_of(nodes.exchange({"type": "ScrollRequest", "offset": 0}))[2] == \
            [2, 999, "n2"]
        assert top.wait_for("TotalChanged")["total_rows"] == 6
        rows = rows_of(top.exchange({"type": "ScrollRequest", "offset": 0}))
        assert rows[0] == [2, 999, "n2"] and len(rows) == 6
        g.set_node_attrs({"name": {0: "zero", 9: None}})
        nodes.wait_for("TotalChanged")
        rows = rows_of(nodes.exchange({"type": "ScrollRequest", "offset": 0}))
        assert rows[0] == [0, 0, "zero"] and rows[9] == [9, 9, None]


def test_a_refused_scroll_does_not_move_the_view(live):
    g, view = live
    with Client(view.url) as nodes:
        nodes.hello(source="nodes")
        nodes.exchange({"type": "ScrollRequest", "offset": 3})
        expect_error(nodes, {"type": "ScrollRequest", "offset": 500})
        g.add_nodes(1)
        assert nodes.wait_for("TotalChanged")["offset"] == 3


def test_frames_after_a_change_carry_a_new_view_version(live):
    g, view = live
    with Client(view.url) as c:
        _, blocks = c.hello(source="nodes")
        g.set_node_attr(0, "name", "changed")
        c.wait_for("TotalChanged")
        (after,) = frames(c.exchange({"type": "ScrollRequest", "offset": 0}))
        assert after["version"] != blocks[0]["version"]
        assert after["rows"][0] == [0, 0, "changed"]


# --------------------------------------------------------------------------- BrowserInterface

def test_browser_interface(mixed):
    with mixed.interactive(theme="dark") as view:
        assert isinstance(view, BrowserInterface) and view.is_running()
        assert view.url == f"http://127.0.0.1:{view.port}/{view.server.token}/"
        assert view.get_total_rows() == mixed.nrows
        assert view.get_data_window(10, 3).rows == mixed.get_window(10, 3).rows
        assert "running" in repr(view)
        html = view._repr_html_()
        assert "<iframe" in html and f'src="{view.url}"' in html
        with Client(view.url) as a, Client(view.url) as b:
            assert a.hello()[0]["theme"] == "dark"
            b.hello()
            view.set_theme("publication")
            for c in (a, b):
                assert c.wait_for("ThemeChange")["theme"] == "publication"
            with pytest.raises(ValueError):
                view.set_theme("nope")
        with Client(view.url) as c:
            assert c.hello()[0]["theme"] == "publication"
        url = view.url
    assert not view.is_running() and "stopped" in repr(view)
    with pytest.raises(OSError):
        http_get(url, timeout=5)
    view.close()  # idempotent


def test_graph_interactive_and_serve(tmp_path, sample_graph):
    path = sample_graph.save(tmp_path / "g.groggy")
    view = gg.serve(path, open_browser=False)
    try:
        assert view.get_total_rows("nodes") == 6 and view.get_total_rows("edges") == 5
        with Client(view.url) as c:
            init, blocks = c.hello(source="edges")
            assert init["sources"] == ["nodes", "edges"]
            assert blocks[0]["rows"] == gg.open(path).edges.table().get_window(0, 10).rows
    finally:
        view.close()


# --------------------------------------------------------------------------- CLI, restart

def read_url(proc, timeout: float) -> str:
    """The URL the child prints (its stdout is read by a thread, so a silent child
    fails the test after ``timeout`` instead of hanging it)."""
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True
                     ).start()
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if "serving at " in line:
            return line.split("serving at ", 1)[1].strip()
    raise AssertionError(f"no URL printed; output: {seen}, exit: {proc.poll()}")


def test_cli_serve_prints_a_url_that_serves(tmp_path, sample_graph):
    path = sample_graph.save(tmp_path / "g.groggy")
    proc = subprocess.Popen([sys.executable, "-m", "groggy", "serve", str(path), "--no-browser",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        url = read_url(proc, 60)
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        status, _, body = http_get(url)
        assert status == 200 and b"<html" in body.lower()
        with Client(url) as c:
            init, blocks = c.hello()
            assert init["sources"] == ["nodes", "edges"] and init["total_rows"] == 6
            assert blocks[0]["rows"][3] == [3, -7, 3.25, True, "Zoë 🚀", 2]
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.mark.parametrize("how", ["option", "environment"])
def test_cli_serve_with_a_fixed_token(tmp_path, sample_graph, how):
    path = sample_graph.save(tmp_path / "g.groggy")
    token = "fixed-Token_123"
    args = [sys.executable, "-m", "groggy", "serve", str(path), "--no-browser"]
    env = dict(os.environ)
    if how == "option":
        args += ["--token", token]
    else:
        env["GROGGY_TOKEN"] = token
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        url = read_url(proc, 60)
        assert url.endswith(f"/{token}/")
        assert http_get(url)[0] == 200
    finally:
        proc.terminate()
        assert proc.wait(30) is not None


def test_cli_serve_of_a_missing_store_fails_cleanly(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "groggy", "serve", str(tmp_path / "nope"),
                           "--no-browser"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "error:" in proc.stderr and "Traceback" not in proc.stderr


def test_reconnect_after_the_server_restarts_on_the_same_port(mixed, mixed_df):
    first = Server({"mixed": mixed}).start()
    port = first.port
    keys = [{"column": "score", "ascending": True}]
    c = Client(first.url)
    init, _ = c.hello(sort=keys, filter="age < 30")
    c.exchange({"type": "ScrollRequest", "offset": 300})
    first.stop()
    assert not first.is_running()
    with pytest.raises((websocket.WebSocketException, ConnectionError, OSError)):
        for _ in range(3):
            c.sync()
    c.close()
    second = Server({"mixed": mixed}, port=port).start()
    try:
        assert second.port == port
        with Client(second.url) as c:
            init, blocks = c.hello(sort=keys, filter="age < 30", offset=300)
            expected = pandas_sorted(mixed_df[(mixed_df["age"] < 30).fillna(False)], keys)
            assert init["offset"] == 300 and init["sort"] == keys
            assert init["filter"] == "age < 30" and init["total_rows"] == len(expected)
            rows = rows_of(blocks)
            assert [rows[i][0] for i in range(300, 350)] == expected["id"].tolist()[300:350]
    finally:
        second.stop()


def test_stop_frees_the_port(mixed):
    s = Server({"mixed": mixed}).start()
    port = s.port
    s.stop()
    s.stop()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_stop_closes_open_http_connections(mixed):
    # a browser keeps its HTTP connection alive between requests; after stop() the next
    # request on it must fail at once (connection closed), not hang on a dead server
    s = Server({"mixed": mixed}).start()
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    try:
        conn.request("GET", f"/{s.token}/")
        reply = conn.getresponse()
        reply.read()
        assert reply.status == 200
        s.stop()
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            conn.request("GET", f"/{s.token}/")
            conn.getresponse()
    finally:
        conn.close()
        s.stop()


def own_address():
    """This machine's address on its network (not loopback), or None."""
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))     # no packet is sent: this picks the route's source
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_serving_beyond_this_machine_warns_loudly_and_works(capsys):
    with gg.table({"x": [1, 2]}).interactive() as local:
        assert "not only on this machine" not in capsys.readouterr().err
    address = own_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    with gg.table({"x": [1, 2]}).interactive(host=address) as view:
        err = capsys.readouterr().err
        assert f"serving on {address}, not only on this machine" in err
        assert "token" in err and "not encrypted" in err
        assert view.url.startswith(f"http://{address}:")
        status, _ = http_get(view.url)[:2]
        assert status == 200
        assert local.is_running() is False
