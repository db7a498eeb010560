"""The page in a real browser: Playwright drives Debian's Chromium against a real groggy
server holding a million rows. What the page shows is read through the page's test hook
(``window.groggy``) and the DOM cells (``data-row`` / ``data-col``), and compared with
the data (and with pandas for sorts and filters).

Chromium is required: without it these tests fail (CI installs it)."""
from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np
import pytest

import groggy as gg
from groggy.web import Server

from web_helpers import (RECORD_CSP_VIOLATIONS, TABLE_ARGS, WatchedPages, big_graph,
                         csp_violations, expected_big_row, http_get, launch_chromium)

WAIT_MS = 60_000   # generous: a slow CI machine must not fail a correct page
N = 1_000_000


@pytest.fixture(scope="module")
def browser(playwright_driver):
    yield from launch_chromium(playwright_driver, TABLE_ARGS)


@pytest.fixture(scope="module")
def big():
    """(graph, served view, pandas frame of the nodes table) of a million nodes."""
    g = big_graph(N)
    g.add_edges(np.arange(0, 2000, 2), np.arange(1, 2000, 2), w=np.linspace(0, 1, 1000))
    view = gg.serve(g, open_browser=False)
    yield g, view, g.nodes.table().to_pandas()
    view.close()


@pytest.fixture
def open_page(browser):
    """open_page(url) -> a page showing ``url`` with its first rows painted. Uncaught
    errors in the page, and anything its Content-Security-Policy blocked, fail the test."""
    watched = WatchedPages(browser, WAIT_MS)

    def opener(url):
        page = watched.new(1280, 800)
        page.goto(url)
        page.wait_for_function("() => window.groggy !== undefined")
        page.evaluate("() => window.groggy.ready")
        return page

    yield opener
    watched.close()


# --------------------------------------------------------------------------- helpers

def state(page) -> dict:
    return page.evaluate("() => window.groggy.state()")


def visible(page) -> list:
    """visibleRows() after the page has painted what it knows now (a state change is
    painted at the next animation frame)."""
    return page.evaluate("""() => new Promise((resolve) => requestAnimationFrame(
        () => requestAnimationFrame(() => resolve(window.groggy.visibleRows()))))""")


def scroll_to(page, row: int) -> None:
    page.evaluate("(n) => window.groggy.scrollToRow(n)", row)


def wait_state(page, js_condition: str, arg=None) -> None:
    """Wait until ``js_condition`` (an expression over ``s``, the page state, and
    ``arg``) holds and the page has rows painted for it."""
    page.wait_for_function(
        f"(arg) => {{ const s = window.groggy.state(); return !s.busy && ({js_condition}); }}",
        arg=arg)


def cell_matches(text: str, value) -> bool:
    """Whether a cell's text shows ``value`` (floats are padded to aligned decimals)."""
    if value is None:
        return text == "null"
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, int):
        return text.replace(",", "") == str(value)
    if isinstance(value, float):
        return math.isclose(float(text), value, rel_tol=1e-6, abs_tol=1e-6)
    return text == value


def assert_rows(shown: list, expected: dict) -> None:
    """``shown``: visibleRows() output; ``expected``: view row -> row values."""
    assert shown, "no rows painted"
    for row in shown:
        r, cells = row[0], row[1:]
        values = expected[r]
        assert len(cells) == len(values), (r, cells, values)
        assert all(cell_matches(t, v) for t, v in zip(cells, values)), (r, cells, values)


def dom_rows(page) -> dict:
    """{view row: cell texts} read from the painted DOM (data-row / data-col)."""
    return page.evaluate("""() => {
        const out = {};
        for (const row of document.querySelectorAll('.gg-row[data-row]')) {
            const r = Number(row.getAttribute('data-row'));
            if (r < 0 || row.classList.contains('gg-pending') || row.style.display === 'none')
                continue;
            out[r] = [...row.querySelectorAll('[data-col]')].map(c => c.textContent);
        }
        return out;
    }""")


def header(page, name: str):
    """The header cell of column ``name`` (clicking it sorts)."""
    return page.locator(".gg-hcell[data-col]").filter(
        has=page.locator(f'.gg-hname:text-is("{name}")'))


def type_filter(page, text: str) -> None:
    """Type ``text`` into the page's filter box and press Enter."""
    box = page.locator(".gg-filter input")
    box.fill(text)
    box.press("Enter")


def pandas_rows(df, positions) -> dict:
    """{view row: [node_id, i, f, s]} of the pandas frame at ``positions``."""
    sub = df.iloc[list(positions)]
    return {p: [int(a), int(b), float(c), d] for p, (a, b, c, d) in
            zip(positions, sub[["node_id", "i", "f", "s"]].itertuples(index=False))}


def restarted(server: Server, sources: dict) -> Server:
    """A new server on the same port with the same token, so that open pages, which keep
    their URL, can reconnect."""
    return Server(sources, port=server.port, token=server.token).start()


# --------------------------------------------------------------------------- scrolling

def test_first_rows_and_header(big, open_page):
    g, view, _ = big
    page = open_page(view.url)
    s = state(page)
    assert s["source"] == "nodes" and s["totalRows"] == s["sourceRows"] == N
    assert s["connected"] and s["sort"] == [] and s["filter"] == "" and s["offset"] == 0
    names = page.locator(".gg-hcell[data-col] .gg-hname").all_inner_texts()
    assert names == ["node_id", "i", "f", "s"]
    shown = visible(page)
    assert shown[0][0] == 0 and len(shown) >= 10
    assert_rows(shown, {r: expected_big_row(r) for r in range(len(shown))})
    assert "of 1,000,000" in page.inner_text(".gg-counter")


def test_scroll_to_the_middle_and_the_end(big, open_page):
    g, view, _ = big
    page = open_page(view.url)
    for target in (500_000, 123_457, N - 1):
        scroll_to(page, target)
        shown = visible(page)
        assert target in [r[0] for r in shown]
        assert_rows(shown, {r: expected_big_row(r) for r in range(shown[0][0], N)})
        dom = dom_rows(page)
        assert_rows([[r, *cells] for r, cells in ((int(k), v) for k, v in dom.items())],
                    {r: expected_big_row(r) for r in map(int, dom)})
    assert visible(page)[-1][0] == N - 1
    assert "1,000,000 of 1,000,000" in page.inner_text(".gg-counter")


def test_a_jump_moves_the_scrollbar_once_its_rows_are_painted(big, open_page):
    """A jump to rows not held changes nothing on screen until they arrive, not even
    the scroll position; after their paint the scrollbar is where the row is, and a
    drag of the scrollbar (a native scroll) still moves the view."""
    g, view, _ = big
    page = open_page(view.url)
    jump = page.evaluate("""async (n) => {
        const g = window.groggy, sc = document.querySelector('.gg-scroller');
        const frame = () => new Promise((r) => requestAnimationFrame(r));
        const before = sc.scrollTop;
        const painted = g.scrollToRow(n);
        await null;   // scrollToRow has run (a microtask); no answer can be in yet
        const meanwhile = sc.scrollTop;
        const got = await painted;
        await frame(); await frame();
        return { before, meanwhile, got, after: sc.scrollTop / (sc.scrollHeight - sc.clientHeight),
                 rows: g.visibleRows().length };
    }""", 600_000)
    assert jump["got"] == 600_000 and jump["meanwhile"] == jump["before"] == 0
    assert jump["after"] == pytest.approx(600_000 / (N - jump["rows"]), abs=2e-3)
    # the user drags the scrollbar to a quarter: the view follows
    page.evaluate("() => { const sc = document.querySelector('.gg-scroller');"
                  " sc.scrollTop = (sc.scrollHeight - sc.clientHeight) / 4; }")
    page.wait_for_function("() => { const s = window.groggy.state(); const v = window.groggy."
                           "visibleRows(); return !s.busy && v.length > 5 && "
                           "Math.abs(v[0][0] - 250000) < 100; }")
    shown = visible(page)
    assert_rows(shown, {r: expected_big_row(r) for r in range(shown[0][0], shown[-1][0] + 1)})


def test_keyboard_and_wheel_scrolling(big, open_page):
    g, view, _ = big
    page = open_page(view.url)
    page.locator('.gg-row[data-row="3"] [data-col="1"]').click()
    page.keyboard.press("Control+End")
    page.wait_for_function(f"() => window.groggy.visibleRows().some(r => r[0] === {N - 1})")
    assert_rows(visible(page), {r: expected_big_row(r) for r in range(N - 100, N)})
    page.keyboard.press("Control+Home")
    page.wait_for_function("() => window.groggy.visibleRows().some(r => r[0] === 0)")
    page.mouse.move(400, 400)
    for _ in range(5):
        page.mouse.wheel(0, 2000)
    page.wait_for_function("() => window.groggy.state().offset > 50")
    page.wait_for_function("() => { const v = window.groggy.visibleRows();"
                           " return v.length > 5 && v[0][0] === window.groggy.state().offset; }")
    shown = visible(page)
    assert_rows(shown, {r: expected_big_row(r) for r in range(shown[0][0], shown[-1][0] + 1)})


# --------------------------------------------------------------------------- sort, filter

def test_click_a_header_to_sort(big, open_page):
    g, view, df = big
    page = open_page(view.url)
    scroll_to(page, 400_000)
    header(page, "i").click()
    wait_state(page, "s.sort.length === 1 && s.sort[0].column === 'i' && s.sort[0].ascending")
    page.wait_for_function("() => window.groggy.visibleRows().length > 5")
    order = df.sort_values("i", kind="stable", na_position="last")
    shown = visible(page)
    assert shown[0][0] == state(page)["offset"]
    assert_rows(shown, pandas_rows(order, range(shown[0][0], shown[-1][0] + 1)))
    scroll_to(page, 0)
    shown = visible(page)
    assert shown[0][0] == 0 and [int(r[1]) for r in shown[:3]] == [0, 1000, 2000]
    assert_rows(shown, pandas_rows(order, range(len(shown))))
    assert page.locator(".gg-hcell.gg-sorted").count() == 1

    header(page, "s").click()                                        # a new key: s ascending
    wait_state(page, "s.sort.length === 1 && s.sort[0].column === 's' && s.sort[0].ascending")
    header(page, "s").click()                                        # s descending
    wait_state(page, "s.sort.length === 1 && s.sort[0].column === 's' && !s.sort[0].ascending")
    page.wait_for_function("() => window.groggy.visibleRows().length > 5")
    order = df.sort_values("s", ascending=False, kind="stable")
    scroll_to(page, 0)
    shown = visible(page)
    assert shown[0][4] == "row999999"
    assert_rows(shown, pandas_rows(order, range(len(shown))))
    scroll_to(page, N - 1)
    shown = visible(page)
    assert_rows(shown, pandas_rows(order, range(shown[0][0], N)))

    header(page, "s").click()                                        # back to no sort
    wait_state(page, "s.sort.length === 0")
    scroll_to(page, 0)
    assert_rows(visible(page), {r: expected_big_row(r) for r in range(200)})


def test_shift_click_adds_a_sort_key(big, open_page):
    g, view, df = big
    page = open_page(view.url)
    header(page, "i").click()
    wait_state(page, "s.sort.length === 1")
    header(page, "f").click(modifiers=["Shift"])
    header(page, "f").click(modifiers=["Shift"])
    wait_state(page, "s.sort.length === 2 && s.sort[1].column === 'f' && !s.sort[1].ascending")
    scroll_to(page, 0)
    order = df.sort_values(["i", "f"], ascending=[True, False], kind="stable")
    shown = visible(page)
    assert_rows(shown, pandas_rows(order, range(len(shown))))


def test_type_a_filter(big, open_page):
    g, view, df = big
    page = open_page(view.url)
    text = "i < 3 and f >= 1000 or s contains 'row77777'"
    type_filter(page, text)
    mask = ((df["i"] < 3) & (df["f"] >= 1000)) | df["s"].str.contains("row77777", regex=False)
    expected = df[mask]
    wait_state(page, "s.filter === arg.text && s.totalRows === arg.n",
               {"text": text, "n": len(expected)})
    assert state(page)["sourceRows"] == N
    page.wait_for_function("() => window.groggy.visibleRows().length > 5")
    shown = visible(page)
    assert_rows(shown, pandas_rows(expected, range(len(shown))))
    scroll_to(page, len(expected) - 1)
    shown = visible(page)
    assert_rows(shown, pandas_rows(expected, range(shown[0][0], len(expected))))
    counter = page.inner_text(".gg-counter")
    assert f"of {len(expected):,}" in counter and "filtered from 1,000,000" in counter

    # filter and sort combine
    header(page, "f").click()
    header(page, "f").click()
    wait_state(page, "s.sort.length === 1 && !s.sort[0].ascending && s.totalRows === arg",
               len(expected))
    scroll_to(page, 0)
    order = expected.sort_values("f", ascending=False, kind="stable")
    shown = visible(page)
    assert_rows(shown, pandas_rows(order, range(len(shown))))

    # a filter that does not parse: an error shown, the view unchanged
    type_filter(page, "i >>> 3")
    page.wait_for_function("() => document.querySelector('.gg-filter-error').textContent"
                           " !== ''")
    s = state(page)
    assert s["filter"] == text and s["totalRows"] == len(expected)

    # clearing it shows everything again, still sorted
    page.locator(".gg-filter .gg-clear").click()
    wait_state(page, "s.filter === '' && s.totalRows === arg", N)
    scroll_to(page, 0)
    assert_rows(visible(page), {r: expected_big_row(N - 1 - r) for r in range(200)})


def test_search_moves_to_the_match(big, open_page):
    g, view, _ = big
    page = open_page(view.url)
    box = page.locator(".gg-search input")
    box.fill("ROW654321")
    box.press("Enter")
    wait_state(page, "s.searchRow === 654321")
    page.wait_for_function("() => window.groggy.visibleRows().some(r => r[0] === 654321)")
    assert page.locator('.gg-row[data-row="654321"] [data-col="3"]').inner_text() == "row654321"


def test_open_the_edges_source(big, open_page):
    g, view, _ = big
    page = open_page(view.url)
    page.locator('.gg-tab[data-source="edges"]').click()
    wait_state(page, "s.source === 'edges' && s.totalRows === 1000")
    page.wait_for_function("() => window.groggy.visibleRows().length > 5")
    w = np.linspace(0, 1, 1000)
    assert_rows(visible(page), {k: [k, 2 * k, 2 * k + 1, float(w[k])] for k in range(1000)})
    names = page.locator(".gg-hcell[data-col] .gg-hname").all_inner_texts()
    assert names == ["edge_id", "source", "target", "w"]


# --------------------------------------------------------------------------- theme, export, copy

def body_theme(page) -> str:
    return page.evaluate("() => document.body.className")


def test_theme_switch_changes_the_body_class(big, open_page):
    g, view, _ = big
    page = open_page(view.url)
    assert "gg-theme-sleek" in body_theme(page).split()
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    page.select_option(".gg-theme-select", "dark")
    page.wait_for_function("() => document.body.classList.contains('gg-theme-dark')")
    assert "gg-theme-sleek" not in body_theme(page).split()
    assert state(page)["theme"] == "dark"
    dark = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert dark != background and dark == "rgb(30, 30, 30)"       # #1e1e1e from themes.py
    # Python pushes a theme to the open page
    try:
        view.set_theme("publication")
        page.wait_for_function("() => document.body.classList.contains('gg-theme-publication')")
        assert "gg-theme-dark" not in body_theme(page).split()
        page.reload()
        page.evaluate("() => window.groggy.ready")
        assert "gg-theme-publication" in body_theme(page).split()
    finally:
        view.set_theme("sleek")


def test_export_link_downloads_the_view(big, open_page):
    g, view, df = big
    page = open_page(view.url)
    type_filter(page, "i == 7 and f < 5000")
    header(page, "f").click()
    header(page, "f").click()
    wait_state(page, "s.filter !== '' && s.sort.length === 1 && !s.sort[0].ascending")
    assert page.locator(".gg-export").is_visible()
    href = page.locator(".gg-export").get_attribute("href")
    body = page.evaluate("(href) => fetch(href).then(r => r.text())", href)
    expected = df[(df["i"] == 7) & (df["f"] < 5000)].sort_values("f", ascending=False)
    lines = body.splitlines()
    assert lines[0] == "node_id,i,f,s" and len(lines) == 1 + len(expected) > 1
    assert lines[1:] == [f"{a},{b},{c!r},{d}" for a, b, c, d in
                         expected[["node_id", "i", "f", "s"]].itertuples(index=False)]
    with page.expect_download() as info:
        page.locator(".gg-export").click()
    path = info.value.path()
    assert Path(path).read_bytes().decode() == body


def test_copy_selected_cells(big, open_page):
    g, view, _ = big
    page = open_page(view.url)
    page.locator('.gg-row[data-row="2"] [data-col="1"]').click()
    page.locator('.gg-row[data-row="4"] [data-col="3"]').click(modifiers=["Shift"])
    page.keyboard.press("Control+C")
    if page.evaluate("() => window.groggy.lastCopy") == "":
        page.evaluate("() => document.execCommand('copy')")   # headless: no native Ctrl+C
    page.wait_for_function("() => window.groggy.lastCopy !== ''")
    rows = [expected_big_row(r)[1:] for r in (2, 3, 4)]
    assert page.evaluate("() => window.groggy.lastCopy") == \
        "\n".join("\t".join(str(v) for v in row) for row in rows)


# --------------------------------------------------------------------------- live, reconnect

@pytest.fixture
def growing():
    g = big_graph(100_000)
    view = gg.serve(g, open_browser=False)
    yield g, view
    view.close()


def test_graph_mutations_reach_the_page(growing, open_page):
    g, view = growing
    page = open_page(view.url)
    scroll_to(page, 50_000)
    before = visible(page)
    g.add_nodes({"i": np.full(1000, 5), "f": np.full(1000, -1.5),
                 "s": np.array([f"new{k}" for k in range(1000)])})
    wait_state(page, "s.totalRows === 101000 && s.sourceRows === 101000")
    page.wait_for_function("() => document.querySelector('.gg-counter').textContent"
                           ".includes('of 101,000')")
    assert state(page)["offset"] == 50_000                        # no jump
    page.wait_for_function("() => window.groggy.visibleRows().length > 5")
    assert visible(page)[0][0] == before[0][0] == 50_000
    assert_rows(visible(page), {r: expected_big_row(r) for r in range(50_000, 51_000)})

    g.set_node_attr(50_001, "s", "changed")
    page.wait_for_function("() => window.groggy.visibleRows().some("
                           "r => r[0] === 50001 && r[4] === 'changed')")
    assert state(page)["offset"] == 50_000

    scroll_to(page, 100_999)
    shown = visible(page)
    assert_rows(shown, {r: ([r, 5, -1.5, f"new{r - 100_000}"] if r >= 100_000
                            else expected_big_row(r)) for r in range(shown[0][0], 101_000)})


def test_a_sorted_filtered_page_keeps_its_view_on_mutation(growing, open_page):
    g, view = growing
    page = open_page(view.url)
    type_filter(page, "i == 5")
    header(page, "f").click()
    header(page, "f").click()
    wait_state(page, "s.filter === 'i == 5' && s.sort.length === 1 && !s.sort[0].ascending")
    n = state(page)["totalRows"]
    g.add_nodes({"i": [5, 6], "f": [1e9, 2e9], "s": ["top", "other"]})
    wait_state(page, "s.totalRows === arg", n + 1)
    s = state(page)
    assert s["filter"] == "i == 5" and s["sort"] == [{"column": "f", "ascending": False}]
    scroll_to(page, 0)
    page.wait_for_function("() => window.groggy.visibleRows().some(r => r[0] === 0)")
    assert_rows(visible(page)[:1], {0: [100_000, 5, 1e9, "top"]})


def test_reconnect_after_a_restart_restores_scroll_sort_and_filter(browser, open_page):
    g = big_graph(200_000)
    sources = {"nodes": g.nodes.table(), "edges": g.edges.table()}
    first = Server(sources).start()
    second = None
    try:
        page = open_page(first.url)
        type_filter(page, "i < 500")
        header(page, "s").click()
        wait_state(page, "s.filter === 'i < 500' && s.sort.length === 1")
        scroll_to(page, 40_000)
        df = g.nodes.table().to_pandas()
        order = df[df["i"] < 500].sort_values("s", kind="stable")
        assert_rows(visible(page), pandas_rows(order, range(40_000, 40_100)))

        first.stop()
        page.wait_for_function("() => !window.groggy.state().connected")
        page.wait_for_function("() => document.body.classList.contains('gg-offline')")
        second = restarted(first, sources)
        wait_state(page, "s.connected && s.filter === 'i < 500' && s.sort.length === 1"
                         " && s.sort[0].column === 's' && s.totalRows === arg", len(order))
        page.wait_for_function("() => window.groggy.visibleRows().length > 5")
        assert state(page)["offset"] == 40_000
        assert page.locator(".gg-filter input").input_value() == "i < 500"
        shown = visible(page)
        assert shown[0][0] == 40_000
        assert_rows(shown, pandas_rows(order, range(40_000, 40_100)))
        assert len(second.connections) == 1
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_a_restart_with_a_new_token_says_so(open_page):
    g = big_graph(1000)
    sources = {"nodes": g.nodes.table()}
    first = Server(sources, token="first-token").start()
    second = None
    try:
        page = open_page(first.url)
        first.stop()
        second = Server(sources, port=first.port, token="second-token").start()
        assert http_get(first.url)[0] == 403
        page.wait_for_function("() => document.querySelector('.gg-conn-text').textContent"
                               ".includes('new URL')")
        assert not state(page)["connected"]
    finally:
        first.stop()
        if second is not None:
            second.stop()


# --------------------------------------------------------------------------- security headers

def test_the_page_runs_under_its_content_security_policy(big, browser, open_page):
    _, view, _ = big
    page = open_page(view.url)
    # the page does its work (rows, a sort, a theme) with nothing blocked (open_page
    # fails the test on any violation) ...
    header(page, "f").click()
    wait_state(page, "s.sort.length === 1")
    page.select_option(".gg-theme-select", "dark")
    page.wait_for_function("() => document.body.classList.contains('gg-theme-dark')")
    assert csp_violations(page) == []
    # ... and the policy is in force: an injected inline script is refused and reported
    ctx = browser.new_context()
    try:
        other = ctx.new_page()
        other.add_init_script(RECORD_CSP_VIOLATIONS)
        other.goto(view.url)
        other.wait_for_function("() => window.groggy !== undefined")
        other.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__injected = 1'; document.body.append(s); }""")
        other.wait_for_function("() => window.__cspViolations.length > 0")
        assert other.evaluate("() => window.__injected") is None
        assert "script-src" in csp_violations(other)[0]
    finally:
        ctx.close()


class NotebookPage:
    """A page on another local origin (like a Jupyter notebook) that frames ``url``."""

    def __init__(self, address: str, url: str):
        import http.server
        import threading
        html = f'<!doctype html><iframe src="{url}" width="900" height="500"></iframe>'.encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(html)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer((address, 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("parent,allowed", [("localhost", True), ("127.0.0.1", True),
                                            ("127.0.0.2", False)])
def test_a_notebook_on_this_machine_may_frame_the_page(big, browser, parent, allowed):
    # frame-ancestors names this machine's origins: http://localhost:*, http://127.0.0.1:*
    # (Jupyter's); a page elsewhere (here 127.0.0.2, another origin) may not frame it
    _, view, _ = big
    notebook = NotebookPage("127.0.0.1" if parent == "localhost" else parent, view.url)
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.set_default_timeout(WAIT_MS)
        refused = []
        page.on("console", lambda msg: refused.append(msg.text)
                if "frame-ancestors" in msg.text else None)
        page.goto(f"http://{parent}:{notebook.port}/")
        if allowed:
            frame = page.frame_locator("iframe")
            frame.locator(".gg-row[data-row='0']").first.wait_for()
            assert refused == []
            (child,) = [f for f in page.frames if f.url.startswith(view.url)]
            child.wait_for_function("() => window.groggy !== undefined")
            child.evaluate("() => window.groggy.ready")
            assert child.evaluate("() => window.groggy.visibleRows()")[0][0] == 0
        else:
            page.wait_for_function("() => true")
            deadline = time.monotonic() + WAIT_MS / 1000
            while not refused and time.monotonic() < deadline:
                page.wait_for_timeout(100)
            assert refused and "frame-ancestors" in refused[0]
            assert not any(f.url.startswith(view.url) and f.evaluate(
                "() => window.groggy !== undefined") for f in page.frames[1:])
    finally:
        ctx.close()
        notebook.close()
