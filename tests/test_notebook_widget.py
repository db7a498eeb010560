"""The graph view as a notebook widget (groggy/web/widget.py): the page's modules
bundled into one anywidget module, talking over the kernel's comm.

- The bundle holds every module the graph page imports and parses as a module.
- A notebook executed headless by a real kernel (nbclient) displays the widget.
- The same notebook opened in a real JupyterLab server (started here) in Chromium, its
  cells run there: the widget draws the graph (pixels where nodes are), hover and
  click answer through the comm, and a selection made in Python reaches the page.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest


pytest.importorskip("anywidget", reason="the notebook widget needs groggy[jupyter]")
nbformat = pytest.importorskip("nbformat")

from groggy.web.app import STATIC           # noqa: E402
from groggy.web.widget import bundle, module_order   # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WAIT_MS = 120_000

CELLS = [
    "import groggy as gg\n"
    "g = gg.generators.karate_club()\n"
    "view = g.viz.interactive(layout='circular', node_color='club')",
    "view",
]


def kernel_env() -> dict:
    """The kernel imports this checkout's groggy."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).strip(os.pathsep)
    return env


def write_notebook(path: Path, cells=CELLS) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def test_bundle_holds_every_module_the_page_imports():
    page = (STATIC / "graph.html").read_text()
    src = bundle("graph.js", "graph.html", "widget.js")
    order = module_order("graph.js")
    # every module the page preloads is in the bundle, each after its imports
    for name in re.findall(r'modulepreload" href="static/([\w.-]+)"', page):
        assert f"// ---- {name}" in src, name
    assert order[-1] == "graph.js" and order.index("socket.js") < order.index("host.js")
    assert "\nimport " not in src and "\nexport " not in src.replace("\nexport default", "")
    node = shutil.which("node")
    if node:   # parses and loads as an ES module (nothing runs until render)
        out = subprocess.run([node, "--input-type=module", "-e",
                              f"const m = await import('data:text/javascript,' + "
                              f"encodeURIComponent({json.dumps(src)})); "
                              f"console.log(Object.keys(m.default).join())"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and out.stdout.strip() == "render", out.stderr


def test_nbclient_executes_a_notebook_that_shows_the_widget(tmp_path):
    from nbclient import NotebookClient
    nb = nbformat.read(write_notebook(tmp_path / "view.ipynb"), as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute(env=kernel_env())
    shown = nb.cells[1].outputs
    assert shown and shown[0]["output_type"] == "execute_result", shown
    data = shown[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in data, sorted(data)
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A real JupyterLab server on 127.0.0.1 with window.jupyterapp exposed."""
    root = tmp_path_factory.mktemp("lab")
    port, token = free_port(), "groggy-test-token"
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.disable_check_xsrf=True",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate"] + (["--allow-root"] if os.geteuid() == 0 else []),
        env=kernel_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("JupyterLab did not start: "
                                   + proc.stderr.read().decode()[-2000:])
            time.sleep(0.3)
    yield root, base, token
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_notebook_in_lab(browser, base, token, name):
    """A page of JupyterLab with notebook ``name`` open and all its cells run."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # a workspace of its own: JupyterLab would otherwise reopen the last test's notebook
    page.goto(f"{base}/lab/workspaces/{name.split('.')[0]}/tree/{name}?reset&token={token}")
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')")
    # this notebook is the current one, and its kernel is up, before the cells run
    page.wait_for_function("(name) => { const w = window.jupyterapp.shell.currentWidget;"
                           " return w && w.context && w.context.path === name &&"
                           " w.sessionContext && w.sessionContext.session &&"
                           " w.sessionContext.session.kernel &&"
                           " w.sessionContext.session.kernel.connectionStatus === 'connected'; }",
                           arg=name)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    return page, errors


def screenshot(locator) -> np.ndarray:
    from PIL import Image
    import io
    shot = locator.screenshot()
    ARTIFACTS.mkdir(exist_ok=True)
    return shot, np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)


ARTIFACTS = ROOT / "tests" / "artifacts"
HOOK = "document.querySelector('.gg-widget').groggy"


def test_graph_widget_in_jupyterlab_draws_and_answers(jupyterlab, browser):
    root, base, token = jupyterlab
    write_notebook(root / "graph.ipynb", CELLS + ["view.select([0]); view.selected()"])
    page, errors = run_notebook_in_lab(browser, base, token, "graph.ipynb")
    try:
        page.wait_for_selector(".gg-widget canvas.gg-graph-canvas")
        page.wait_for_function(f"() => {HOOK} && {HOOK}.graph")
        page.evaluate(f"() => {HOOK}.graph.ready")
        stats = page.evaluate(f"() => {HOOK}.graph.stats()")
        assert (stats["nodes"], stats["edges"]) == (34, 78), stats
        widget = page.locator(".gg-widget")
        widget.scroll_into_view_if_needed()
        page.evaluate(f"() => {HOOK}.graph.painted()")
        # drawn pixels where the page puts nodes, the theme's background far from them
        shot, img = screenshot(widget)
        box = widget.bounding_box()
        bg = img[-5, 5]
        drawn = 0
        for node in range(34):
            at = page.evaluate(f"(id) => {HOOK}.graph.screenPosition(id)", node)
            assert at is not None, node
            x, y = int(at["x"] - box["x"]), int(at["y"] - box["y"])
            drawn += np.abs(img[y, x] - bg).sum() > 60
            # hover and click go to the server and back over the comm
            got = page.evaluate(f"([x, y]) => {HOOK}.graph.nodeAt(x, y)", [at["x"], at["y"]])
            assert got == node
        assert drawn >= 30, drawn
        # the third cell selected node 0 from Python: the page highlights it
        page.wait_for_function(f"() => {HOOK}.graph.selected().includes(0)")
        (ARTIFACTS / "notebook-graph-widget.png").write_bytes(shot)
        # not the notebook's page: the widget's theme class sits on its own element
        assert page.evaluate("() => document.body.className.includes('gg-theme')") is False
        assert not errors, errors
    finally:
        page.close()


def test_table_widget_in_jupyterlab_streams_rows(jupyterlab, browser):
    root, base, token = jupyterlab
    write_notebook(root / "table.ipynb", [
        "import numpy as np, groggy as gg\n"
        "t = gg.table({'x': np.arange(1_000_000), 'half': np.arange(1_000_000) / 2})\n"
        "view = t.interactive()",
        "view",
    ])
    page, errors = run_notebook_in_lab(browser, base, token, "table.ipynb")
    try:
        page.wait_for_selector(".gg-widget .gg-app")
        page.wait_for_function(f"() => {HOOK} && {HOOK}.ready")
        page.evaluate(f"() => {HOOK}.ready")
        assert page.evaluate(f"() => {HOOK}.state().totalRows") == 1_000_000
        rows = page.evaluate(f"() => {HOOK}.scrollToRow(765432).then(() => {HOOK}.visibleRows())")
        first = rows[0]
        assert first[0] == 765432 and first[1:3] == ["765432", "382716.0"], first
        widget = page.locator(".gg-widget")
        widget.scroll_into_view_if_needed()
        shot, _ = screenshot(widget)
        (ARTIFACTS / "notebook-table-widget.png").write_bytes(shot)
        assert not errors, errors
    finally:
        page.close()


GRAPH_HOOK = "document.querySelector('.gg-widget .gg-graph-canvas').closest('.gg-widget').groggy"
TABLE_HOOK = "document.querySelector('.gg-widget .gg-app').closest('.gg-widget').groggy"


def test_widget_exports_and_links_in_jupyterlab(jupyterlab, browser):
    """The graph widget and its linked table widget (view.tables()) in one notebook: the
    Export menu and Export CSV save files sent over the comm (a browser download), the
    graph's Rows shows the selected nodes' rows in the table widget, and a row's context
    action flies the graph to its node."""
    from PIL import Image
    import io
    root, base, token = jupyterlab
    write_notebook(root / "links.ipynb", CELLS + ["view.tables()"])
    page, errors = run_notebook_in_lab(browser, base, token, "links.ipynb")
    try:
        page.wait_for_selector(".gg-widget canvas.gg-graph-canvas")
        page.wait_for_selector(".gg-widget .gg-app")
        page.wait_for_function(f"() => {GRAPH_HOOK} && {GRAPH_HOOK}.graph && {TABLE_HOOK}")
        page.evaluate(f"() => Promise.all([{GRAPH_HOOK}.graph.ready, {TABLE_HOOK}.ready])")
        graph = page.locator(".gg-widget", has=page.locator(".gg-graph-canvas"))
        table = page.locator(".gg-widget", has=page.locator(".gg-app"))
        assert graph.locator(".gg-graph-export").is_visible()
        assert table.locator(".gg-export").is_visible()

        # Export -> PNG: the current view, at the view's size, saved as a download
        graph.scroll_into_view_if_needed()
        page.evaluate(f"() => {GRAPH_HOOK}.graph.painted()")
        view = page.evaluate(f"() => {GRAPH_HOOK}.graph.viewport()")
        with page.expect_download() as got:
            graph.locator(".gg-graph-export").select_option("png")
        assert got.value.suggested_filename == "graph.png"
        png = Image.open(got.value.path())
        png.load()
        assert png.size == (view["width"], view["height"]), (png.size, view)
        pixels = np.asarray(png.convert("RGB")).astype(int)
        assert (np.abs(pixels - pixels[2, 2]).sum(axis=2) > 60).sum() > 500  # nodes drawn
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "notebook-widget-export.png").write_bytes(Path(got.value.path()).read_bytes())

        # select three nodes in the graph, then its Rows: the table widget shows their rows
        page.evaluate(f"() => {GRAPH_HOOK}.graph.select([0, 33, 5])")
        graph.locator(".gg-graph-rows").click()
        page.wait_for_function(f"() => {TABLE_HOOK}.state().filter === 'selected' &&"
                               f" {TABLE_HOOK}.state().totalRows === 3")
        page.wait_for_function(f"() => {TABLE_HOOK}.visibleRows().length === 3")
        ids = [row[1] for row in page.evaluate(f"() => {TABLE_HOOK}.visibleRows()")]
        assert ids == ["0", "5", "33"], ids

        # Export CSV: those rows, as pandas writes them
        table.scroll_into_view_if_needed()
        with page.expect_download() as got:
            table.locator(".gg-export").click()
        assert got.value.suggested_filename == "nodes.csv"
        import groggy as gg
        frame = gg.generators.karate_club().nodes.table().to_pandas()
        expected = frame[frame.node_id.isin([0, 5, 33])].to_csv(index=False,
                                                                 lineterminator="\r\n")
        assert Path(got.value.path()).read_bytes().decode() == expected

        # a click on a node in the graph: the filtered table follows the new selection
        graph.scroll_into_view_if_needed()
        at = page.evaluate(f"() => {GRAPH_HOOK}.graph.screenPosition(2)")
        page.mouse.click(at["x"], at["y"])
        page.wait_for_function(f"() => {TABLE_HOOK}.state().totalRows === 1 &&"
                               f" {TABLE_HOOK}.visibleRows().length === 1 &&"
                               f" {TABLE_HOOK}.visibleRows()[0][1] === '2'")

        # Tables: all the nodes again; a row's context action flies the graph to its node
        graph.locator(".gg-graph-link:not(.gg-graph-rows)").click()
        page.wait_for_function(f"() => {TABLE_HOOK}.state().totalRows === 34 &&"
                               f" {TABLE_HOOK}.state().filter === ''")
        table.scroll_into_view_if_needed()
        page.evaluate(f"() => {TABLE_HOOK}.scrollToRow(20)")
        row = table.locator(".gg-row", has_text="Officer").first
        target = int(row.locator("[data-col]").first.inner_text())
        row.locator("[data-col]").first.click(button="right")
        menu = page.locator(".gg-context-menu a")
        assert menu.inner_text() == f"Show node {target} in the graph"
        menu.click()
        page.wait_for_function(f"(id) => {GRAPH_HOOK}.graph.selected().join() === String(id)",
                               arg=target)
        # flown there: the node in the middle of the view
        spot = page.evaluate(f"(id) => {GRAPH_HOOK}.graph.position(id)", target)
        now = page.evaluate(f"() => {GRAPH_HOOK}.graph.viewport()")
        assert abs(now["cx"] - spot[0]) < 1e-3 * abs(spot[0]) + 1e-6, (now, spot)
        assert now["zoom"] > view["zoom"]
        graph.scroll_into_view_if_needed()
        page.evaluate(f"() => {GRAPH_HOOK}.graph.painted()")
        (ARTIFACTS / "notebook-linked-graph.png").write_bytes(graph.screenshot())
        table.scroll_into_view_if_needed()
        (ARTIFACTS / "notebook-linked-table.png").write_bytes(table.screenshot())
        assert not errors, errors
    finally:
        page.close()
