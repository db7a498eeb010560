"""Fixtures shared by the benchmarks: the fixed-seed graph as arrays and as stored
groggy graphs (the full one and a 1k-node one), the 10-column streaming table as arrays
and as a stored groggy table, and headless Chromium; each built once per session."""
from __future__ import annotations

import pytest

import benchlib
from groggy.web.chromium import MISSING


@pytest.fixture(scope="session")
def graph_data() -> benchlib.GraphData:
    """The benchmark graph: 1M nodes / 5M edges times GROGGY_BENCH_SCALE."""
    return benchlib.make_graph_data(benchlib.N_NODES, benchlib.N_EDGES)


@pytest.fixture(scope="session")
def stored_graph(graph_data, tmp_path_factory):
    """Path of the benchmark graph saved by groggy."""
    path = tmp_path_factory.mktemp("store") / "big.groggy"
    benchlib.build_groggy(graph_data).save(path)
    return path


@pytest.fixture(scope="session")
def small_stored_graph(tmp_path_factory):
    """Path of a 1k-node / 5k-edge graph of the same shape, whatever the scale."""
    path = tmp_path_factory.mktemp("store") / "small.groggy"
    benchlib.build_groggy(benchlib.make_graph_data(1_000, 5_000)).save(path)
    return path


@pytest.fixture(scope="session")
def table_data() -> dict:
    """The streaming benchmarks' 9 attribute columns, N_NODES rows (NumPy arrays)."""
    return benchlib.make_table_data(benchlib.N_NODES)


@pytest.fixture(scope="session")
def columns(table_data) -> dict:
    """The streaming table as the peers load it: node_id + ``table_data``."""
    return benchlib.table_columns(table_data)


@pytest.fixture(scope="session")
def stored_table(table_data, tmp_path_factory):
    """Path of an edgeless graph whose nodes table is the 10-column streaming table
    (node_id + ``table_data``), saved by groggy; open it with ``gg.open``."""
    import groggy as gg
    path = tmp_path_factory.mktemp("store") / "table.groggy"
    g = gg.Graph()
    g.add_nodes(table_data)
    g.save(path)
    return path


def _launch(args):
    """Headless Chromium through Playwright (skips when either is missing)."""
    import os
    sync_api = pytest.importorskip("playwright.sync_api")
    if not benchlib.CHROMIUM:
        pytest.skip(MISSING)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=benchlib.CHROMIUM, args=args)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium, GPU off (the table pages draw no WebGL)."""
    yield from _launch(benchlib.CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def webgl_chromium():
    """Headless Chromium with WebGL2 on SwiftShader (the graph view)."""
    yield from _launch(benchlib.CHROMIUM_WEBGL_ARGS)


def pytest_report_header(config):
    return (f"groggy bench: GROGGY_BENCH_SCALE={benchlib.SCALE:g} -> "
            f"{benchlib.N_NODES:,} nodes / {benchlib.N_EDGES:,} edges")


def pytest_terminal_summary(terminalreporter):
    if benchlib.LINES:
        terminalreporter.section("groggy vs peers")
        for line in benchlib.LINES:
            terminalreporter.write_line(line)
