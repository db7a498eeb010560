"""The browser over a Dask DataFrame (``gg.serve(ddf)``, ``groggy.dask.serve``): a real
``LocalCluster`` of two worker processes, the real server, the real Chromium. Windows,
sorts, filters and searches are checked against pandas on the same data."""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import groggy as gg  # noqa: E402
from groggy.dask.serve import interactive  # noqa: E402
from test_dask_graph import client  # noqa: E402,F401  (a 2-process LocalCluster per module)
from web_helpers import Client, WatchedPages  # noqa: E402

WAIT_MS = 60_000
N = 12_000
# partition edges: one partition is empty, and blocks of 200 rows straddle partitions
EDGES = [0, 2950, 2950, 7010, N]


def make_frame() -> "pd.DataFrame":
    rng = np.random.default_rng(14)
    words = np.array(["ann", "Bob", "oslo", "Zoë", "", "dana", "Anne-Marie"], dtype=object)
    name = words[rng.integers(0, len(words), N)]
    name[rng.random(N) < 0.05] = None
    age = pd.array(rng.integers(0, 90, N), dtype="Int64")
    age[rng.random(N) < 0.1] = pd.NA
    return pd.DataFrame({"id": np.arange(N), "score": rng.permutation(N) / 8.0,
                         "name": name, "age": age, "ok": rng.random(N) < 0.5})


def _slice(frame, a, b):
    return frame.iloc[a:b]


@pytest.fixture(scope="module")
def data(client):
    """(pandas frame, the same rows as a Dask DataFrame, the view serving it)."""
    pdf = make_frame()
    ddf = dd.from_map(_slice, [pdf] * (len(EDGES) - 1), EDGES[:-1], EDGES[1:],
                      meta=pdf.iloc[:0])
    view = gg.serve(ddf, client=client, open_browser=False)
    yield pdf, ddf, view
    view.close()


def values(frame) -> dict:
    """{view row: [python values, None for nulls]} of a pandas frame in view order."""
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    return dict(enumerate(rows))


def cell_matches(text: str, value) -> bool:
    if value is None:
        return text == "null"
    if isinstance(value, (bool, np.bool_)):
        return text == ("true" if value else "false")
    if isinstance(value, (int, np.integer)):
        return text.replace(",", "") == str(value)
    if isinstance(value, float):
        return math.isclose(float(text), value, rel_tol=1e-9, abs_tol=1e-9)
    return text == value


def assert_painted(page, expected: dict) -> int:
    shown = page.evaluate("""() => new Promise((resolve) => requestAnimationFrame(
        () => requestAnimationFrame(() => resolve(window.groggy.visibleRows()))))""")
    assert shown, "no rows painted"
    for row in shown:
        r, cells = row[0], row[1:]
        assert all(cell_matches(t, v) for t, v in zip(cells, expected[r])), \
            (r, cells, expected[r])
    return len(shown)


def answer(client, msg: dict) -> tuple:
    """(JSON messages, decoded frames) answering ``msg``: up to its Error, or until its
    frames hold every row it asked for (Progress messages come first while the cluster
    works)."""
    client.send(msg)
    got, frames = [], []
    start, size = msg.get("offset", 0), msg.get("window_size", 50)
    if msg["type"] in ("Sort", "Filter"):
        start = 0
    while True:
        reply = client.recv()
        if "kinds" not in reply:
            got.append(reply)
            if reply.get("type") == "Error":
                return got, frames
            continue
        if reply["request_id"] != msg["request_id"]:
            continue
        frames.append(reply)
        held = set(rows_of(frames))
        if all(r in held for r in range(start, min(start + size, reply["total_rows"]))):
            return got, frames


def rows_of(frames) -> dict:
    return {f["offset"] + i: row for f in frames for i, row in enumerate(f["rows"])}


def same_row(got: list, want: list) -> bool:
    return all((w is None and g is None) or
               (isinstance(w, float) and math.isclose(g, w)) or g == w
               for g, w in zip(got, want)) and len(got) == len(want)


# --------------------------------------------------------------------------- the page

def test_the_page_shows_the_rows_at_a_random_offset_then_filters_and_sorts_on_the_cluster(
        data, browser):
    pdf, _, view = data
    pages = WatchedPages(browser, WAIT_MS)
    try:
        page = pages.new(1280, 800)
        page.goto(view.url)
        page.wait_for_function("() => window.groggy !== undefined")
        page.evaluate("() => window.groggy.ready")
        assert page.evaluate("() => window.groggy.state().totalRows") == N
        # no CSV link for rows that live on the cluster (the server refuses it too)
        assert not page.locator(".gg-export").is_visible()
        offset = int(np.random.default_rng().integers(0, N - 40))
        page.evaluate("(n) => window.groggy.scrollToRow(n)", offset)
        assert assert_painted(page, values(pdf)) > 10
        assert page.evaluate("() => window.groggy.visibleRows()[0][0]") == offset

        # a filter, typed in the page, runs on the workers
        page.fill(".gg-filter input", "age >= 30 and name contains 'n'")
        page.press(".gg-filter input", "Enter")
        mask = (pdf.age >= 30).fillna(False) & pdf.name.str.contains("n").fillna(False)
        page.wait_for_function("(n) => { const s = window.groggy.state(); "
                               "return !s.busy && s.filter !== '' && s.totalRows === n; }",
                               arg=int(mask.sum()))
        assert_painted(page, values(pdf[mask]))

        # a sort, clicked on the header, too: the page shows the cluster at work
        page.locator(".gg-hcell[data-col]").filter(
            has=page.locator('.gg-hname:text-is("score")')).click()
        page.wait_for_function("() => document.querySelector('.gg-loading-text')"
                               ".textContent.includes('on the cluster')")
        page.wait_for_function("() => { const s = window.groggy.state(); "
                               "return !s.busy && s.sort.length === 1; }")
        assert page.evaluate("() => document.querySelector('.gg-loading-text').textContent") \
            == "loading"
        assert_painted(page, values(pdf[mask].sort_values("score")))
        page.evaluate("(n) => window.groggy.scrollToRow(n)", int(mask.sum()) - 5)
        assert_painted(page, values(pdf[mask].sort_values("score")))
    finally:
        pages.close()


# --------------------------------------------------------------------------- the protocol

def test_windows_across_partitions_and_an_empty_one_match_pandas(data):
    pdf, _, view = data
    expected = values(pdf)
    with Client(view.url) as c:
        _, frames = answer(c, {"type": "Hello", "request_id": 1, "offset": 2900,
                               "window_size": 300})
        got = rows_of(frames)
        assert set(range(2800, 3200)) <= set(got)    # blocks across partitions 0 and 2
        assert all(same_row(got[r], expected[r]) for r in got)
        _, frames = answer(c, {"type": "ScrollRequest", "request_id": 2, "offset": N - 10,
                               "window_size": 50})
        got = rows_of(frames)
        assert max(got) == N - 1 and all(same_row(got[r], expected[r]) for r in got)
    window = view.get_data_window(7000, 20)
    assert window.total_rows == N
    assert all(same_row(row, expected[7000 + i]) for i, row in enumerate(window.rows))


def test_sort_reports_progress_and_the_server_answers_meanwhile(data):
    pdf, _, view = data
    with Client(view.url) as c:
        answer(c, {"type": "Hello", "request_id": 1})
        c.send({"type": "Sort", "request_id": 2,
                "keys": [{"column": "age", "ascending": False},
                         {"column": "score", "ascending": True}]})
        c.send({"type": "Ping", "request_id": 3})
        order = []
        while not order or order[-1] != "ViewChanged":
            reply = c.recv()
            if "type" in reply:
                order.append(reply["type"])
        assert order.index("Pong") < order.index("ViewChanged")   # the loop never waited
        assert "Progress" in order[:order.index("ViewChanged")]
        want = pdf.sort_values(["age", "score"], ascending=[False, True], na_position="last")
        expected = values(want)
        for offset in (0, 5000, N - 30):
            _, frames = answer(c, {"type": "ScrollRequest", "request_id": 10 + offset,
                                   "offset": offset, "window_size": 30})
            got = rows_of(frames)
            assert all(same_row(got[r], expected[r]) for r in range(offset, offset + 30))


def test_a_bad_filter_gets_an_error_and_the_view_keeps_working(data):
    pdf, _, view = data
    with Client(view.url) as c:
        answer(c, {"type": "Hello", "request_id": 1})
        for expression, says in (("age >>> 3", "expected a value"), ("nope > 1", "no column"),
                                 ("name > 3", "holds strings")):
            got, _ = answer(c, {"type": "Filter", "request_id": 2, "expression": expression})
            assert got[-1]["type"] == "Error" and got[-1]["for"] == "Filter", got
            assert says in got[-1]["message"]
        got, frames = answer(c, {"type": "Filter", "request_id": 3, "expression": "ok == true"})
        assert got[-1]["type"] == "ViewChanged" and got[-1]["total_rows"] == int(pdf.ok.sum())
        assert all(row[4] is True for row in rows_of(frames).values())


def test_search_runs_on_the_cluster_and_wraps_around(data):
    pdf, _, view = data
    hits = np.flatnonzero(pdf.name.str.lower().str.contains("ANNE".lower()).fillna(False))
    with Client(view.url) as c:
        answer(c, {"type": "Hello", "request_id": 1})
        for start, backwards, want in ((0, False, hits[0]), (int(hits[3]) + 1, False, hits[4]),
                                       (int(hits[-1]) + 1, False, hits[0]),
                                       (int(hits[0]) - 1, True, hits[-1]),
                                       (int(hits[5]), True, hits[5])):
            c.send({"type": "Search", "request_id": 2, "text": "ANNE", "from": start,
                    "backwards": backwards})
            result = c.wait_for("SearchResult")
            assert (result["row"], result["count"]) == (int(want), len(hits))


# --------------------------------------------------------------------------- Python API

def test_bad_input_is_refused_before_any_server_starts(client):
    with pytest.raises(TypeError, match="shows a Dask DataFrame"):
        interactive(pd.DataFrame({"x": [1]}), client=client)
    when = dd.from_pandas(pd.DataFrame({"t": pd.date_range("2020", periods=3)}), npartitions=1)
    with pytest.raises(TypeError, match="column 't'"):
        gg.serve(when, client=client)
    with pytest.raises(TypeError, match="client must be"):
        interactive(dd.from_pandas(pd.DataFrame({"x": [1]}), npartitions=1), client=42)


def test_groggy_imports_without_dask():
    code = ("import sys, groggy; bad = [m for m in ('dask', 'distributed') if m in "
            "sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
