"""``gg.serve``: the graph view beside the tables, laid out when first opened (with its
progress, or from the stored layout), and linked with the nodes table: the filter
``selected`` follows the graph's selection, and a node row's context menu flies the
graph to that node. Real server, real Chromium."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import groggy as gg

import wire_oracle
from test_graph_view import WAIT_MS, GraphClient, club_graph, wait_until
from test_server import read_url
from web_helpers import WatchedPages, http_get


def graph_url(view) -> str:
    return view.url + "graph"


def laid_out(client) -> tuple:
    """Read a page's messages until the layout is finished: ([(done, total)] progress
    reports, [(kind, positions)] of the GraphInit and Positions messages, [Errors])."""
    seen, shown, errors, head, ended = [], [], [], None, False
    while not ended:
        msg = client.recv()
        if isinstance(msg, tuple):                       # a frame of the last head
            frames[msg[0]] = msg[1:]
            if len(frames) == len(head["frames"]):
                shown.append((head["type"], wire_oracle.decode(frames, head)["positions"]))
                # the finished layout comes after the last progress report
                ended = bool(seen) and seen[-1][0] == seen[-1][1]
        elif msg["type"] == "LayoutProgress":
            seen.append((msg["done"], msg["total"]))
        elif msg["type"] == "Error":
            errors.append(msg)
        elif msg["type"] in ("GraphInit", "Positions"):
            head, frames = msg, {}
    return seen, shown, errors


def test_the_graph_is_laid_out_on_first_open_with_progress():
    g = club_graph(20_000, 40_000, seed=4)
    with gg.serve(g, open_browser=False) as view:
        assert view.server.scene is None                # serving tables never waits
        client = GraphClient(graph_url(view))
        client.send({"type": "GraphHello", "request_id": 1})
        first = client.recv()
        assert first["type"] == "LayoutProgress" and first["request_id"] == 1
        client.send({"type": "NodeInfo", "node": 0, "request_id": 2})
        seen, shown, errors = laid_out(client)
        assert errors and "still being laid out" in errors[0]["message"]
        assert seen[-1][0] == seen[-1][1] > 0                         # reached the end
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
        assert shown[0][0] == "GraphInit" and len(shown[0][1]) == 20_000
        np.testing.assert_allclose(shown[-1][1], view.server.scene.positions,
                                   atol=2e-6 * np.ptp(shown[-1][1]))
        client.close()


def test_a_long_layout_shows_its_coarse_stages_then_refines_them(monkeypatch):
    import groggy.web.graphview as graphview
    monkeypatch.setattr(graphview, "PREVIEW_EVERY", 0)   # every stage, however quick
    g = club_graph(6_000, 12_000, seed=5)
    with gg.serve(g, open_browser=False) as view:
        client = GraphClient(graph_url(view))
        client.send({"type": "GraphHello", "request_id": 1})
        seen, shown, errors = laid_out(client)
        client.close()
        final = view.server.scene.positions
    assert not errors
    kinds = [kind for kind, _ in shown]
    assert kinds[0] == "GraphInit" and len(kinds) >= 3 and set(kinds[1:]) == {"Positions"}
    # a stage puts every node of a cluster at one point: fewer distinct points than nodes
    assert len(np.unique(shown[0][1], axis=0)) < 6_000 / 2
    assert len(np.unique(final, axis=0)) == 6_000
    # the last one is the finished layout, the one the server keeps (and a layout of
    # this graph: the same call in Python gives the same positions)
    np.testing.assert_allclose(shown[-1][1], final, atol=2e-6 * np.ptp(final))
    again = g.viz.compute_layout("force_directed").node_positions
    np.testing.assert_allclose(final, again, rtol=1e-5, atol=1e-3)


def test_a_stored_layout_is_served_as_stored(tmp_path):
    g = club_graph(500, 900, seed=6)
    rng = np.random.default_rng(0)
    g.layouts["force_directed"] = rng.random((500, 2)) * 1000
    g.save(tmp_path / "g.groggy")
    with gg.serve(tmp_path / "g.groggy", open_browser=False) as view:
        client = GraphClient(graph_url(view))
        head, frames = client.reply({"type": "GraphHello", "request_id": 1})
        if head["type"] == "LayoutProgress":            # the stored layout loads quickly
            head = client.recv()
            frames = {}
            for _ in head["frames"]:
                tag, count, body = client.recv()
                frames[tag] = (count, body)
        client.close()
    got = wire_oracle.decode(frames, head)["positions"]
    want = gg.open(tmp_path / "g.groggy").layouts["force_directed"].node_positions
    np.testing.assert_allclose(got, want, atol=1000 / (1 << 23))


def test_a_stored_layout_is_prepared_before_any_graph_page_asks(tmp_path):
    # nothing to compute: the view is made while the browser loads, no page needed;
    # without a stored layout nothing is laid out until a graph page asks
    g = club_graph(500, 900, seed=8)
    g.save(tmp_path / "bare.groggy")
    g.layouts["force_directed"] = np.random.default_rng(1).random((500, 2))
    g.save(tmp_path / "laid.groggy")
    with gg.serve(tmp_path / "laid.groggy", open_browser=False) as view:
        assert wait_until(lambda: view.server.scene is not None)
        want = gg.open(tmp_path / "laid.groggy").layouts["force_directed"].node_positions
        np.testing.assert_allclose(view.server.scene.positions, want, atol=1 / (1 << 23))
    with gg.serve(tmp_path / "bare.groggy", open_browser=False) as view:
        assert not wait_until(lambda: view.server.scene is not None, timeout=1.0)


def test_tables_and_graph_are_linked(browser):
    g = club_graph(300, 500, seed=7)
    watched = WatchedPages(browser, WAIT_MS)
    with gg.serve(g, open_browser=False) as view:
        table = watched.new(1280, 800)
        table.goto(view.url)
        table.wait_for_function("() => window.groggy !== undefined")
        table.evaluate("() => window.groggy.ready")
        # the Graph tab opens the graph view, laid out on demand
        table.click(".gg-graph-tab")
        table.wait_for_function("() => window.groggy && window.groggy.graph")
        table.evaluate("() => window.groggy.graph.ready")
        assert table.evaluate("() => window.groggy.graph.stats().nodes") == 300
        graph = table
        graph.evaluate("() => window.groggy.graph.select([5, 17, 42])")
        assert wait_until(lambda: view.server.selected == [5, 17, 42])
        # Rows: the nodes table filtered to the selection
        graph.click(".gg-graph-rows")
        graph.wait_for_function("() => window.groggy && window.groggy.state")
        graph.evaluate("() => window.groggy.ready")
        rows = graph
        rows.wait_for_function("() => window.groggy.state().totalRows === 3")
        assert rows.evaluate("() => window.groggy.state().filter") == "selected"
        shown = rows.evaluate("() => window.groggy.visibleRows()")
        assert [int(r[1]) for r in shown] == [5, 17, 42]
        # a new selection in another graph page: the filtered table follows
        other = watched.new(1000, 700)
        other.goto(graph_url(view))
        other.wait_for_function("() => window.groggy && window.groggy.graph")
        other.evaluate("() => window.groggy.graph.ready")
        other.evaluate("() => window.groggy.graph.select([1, 2])")
        rows.wait_for_function("() => window.groggy.state().totalRows === 2", timeout=WAIT_MS)
        # a node row's context menu shows the node in the graph: flown to and selected
        rows.click(".gg-row [data-col]", button="right")
        link = rows.locator(".gg-context-menu a")
        assert link.inner_text() == "Show node 1 in the graph"
        link.click()
        rows.wait_for_function("() => window.groggy && window.groggy.graph")
        rows.evaluate("() => window.groggy.graph.ready")
        rows.wait_for_function("() => window.groggy.graph.selected().length === 1")
        assert rows.evaluate("() => window.groggy.graph.selected()") == [1]
        p = rows.evaluate("() => window.groggy.graph.screenPosition(1)")
        box = rows.locator(".gg-graph-canvas").bounding_box()
        assert abs(p["x"] - (box["x"] + box["width"] / 2)) < 2
        assert abs(p["y"] - (box["y"] + box["height"] / 2)) < 2
    watched.close()


def test_selected_is_an_error_where_there_is_no_graph_selection():
    g = club_graph(20, 10)
    t = g.nodes.table()
    with pytest.raises(ValueError, match="selected"):
        t.filter("selected")
    assert t.filter("selected", {"selected": lambda: np.arange(20) < 3}).nrows == 3


def test_the_page_shows_a_stage_then_moves_its_nodes_to_the_finished_layout(
        browser, monkeypatch):
    import groggy.web.graphview as graphview
    monkeypatch.setattr(graphview, "PREVIEW_EVERY", 0)
    # every progress report sent: on a fast machine the refinement after the first stage
    # can take less than the 0.1 s between reports, and the page then never says
    # "refining" (the test failed so once in six full runs)
    monkeypatch.setattr(graphview, "PROGRESS_EVERY", 0)
    g = club_graph(6_000, 12_000, seed=5)
    watched = WatchedPages(browser, WAIT_MS)
    with gg.serve(g, open_browser=False) as view:
        page = watched.new(1000, 700)
        # every status line the page shows, from the start
        page.add_init_script("""window.__statuses = [];
          new MutationObserver(() => { const el = document.querySelector('.gg-graph-status');
            if (el) window.__statuses.push(el.textContent); })
            .observe(document, { subtree: true, childList: true, characterData: true });""")
        page.goto(graph_url(view))
        page.wait_for_function("() => window.groggy && window.groggy.graph")
        page.evaluate("() => window.groggy.graph.ready")
        page.wait_for_function("() => document.querySelector('.gg-graph-status').textContent"
                               ".startsWith('6,000 nodes') && document.querySelector("
                               "'.gg-graph-progress').hidden", timeout=WAIT_MS)
        assert wait_until(lambda: view.server._staged is None)
        page.evaluate("() => window.groggy.graph.painted()")
        page.wait_for_timeout(500)                      # the move's animation (300 ms)
        statuses = page.evaluate("() => window.__statuses")
        shown = np.array(page.evaluate(
            "(n) => Array.from({length: n}, (_, i) => window.groggy.graph.position(i))", 6_000))
        final = view.server.scene.positions
    watched.close()
    assert any(s.startswith("refining the layout…") for s in statuses), statuses
    np.testing.assert_allclose(shown, final, atol=2e-6 * np.ptp(final))


def graph_init(client) -> tuple:
    """(GraphInit head, frames) for a GraphHello, past the progress of a layout."""
    head, frames = client.reply({"type": "GraphHello", "request_id": 1})
    while head["type"] == "LayoutProgress":
        head = client.recv()
    if not frames:
        for _ in head["frames"]:
            tag, count, body = client.recv()
            frames[tag] = (count, body)
    return head, frames


@pytest.mark.parametrize("stored", [True, False], ids=["stored layout", "laid out on demand"])
def test_the_command_line_serves_the_graph_view_beside_the_tables(tmp_path, stored):
    # `python -m groggy serve PATH` (and --demo) is gg.serve: the page's Graph tab works
    g = club_graph(400, 800, seed=9)
    if stored:
        g.layouts["force_directed"] = np.random.default_rng(2).random((400, 2)) * 100
    path = g.save(tmp_path / "g.groggy")
    proc = subprocess.Popen([sys.executable, "-m", "groggy", "serve", str(path),
                             "--no-browser", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        url = read_url(proc, 60)
        status, _, body = http_get(url + "graph")
        assert status == 200 and b"gg-graph-canvas" in body
        client = GraphClient(url + "graph")
        head, frames = graph_init(client)
        client.close()
        assert head["type"] == "GraphInit" and (head["nodes"], head["edges"]) == (400, 800)
        got = wire_oracle.decode(frames, head)["positions"]
        if stored:
            want = g.layouts["force_directed"].node_positions
            np.testing.assert_allclose(got, want, atol=100 / (1 << 23))
        assert http_get(url)[0] == 200                      # the tables, as before
    finally:
        proc.terminate()
        proc.wait(30)
