"""Fixtures shared by the benchmarks: the fixed-seed graph as arrays and as stored
groggy graphs (the full one and a 1k-node one), built once per session."""
from __future__ import annotations

import pytest

import benchlib


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


def pytest_report_header(config):
    return (f"groggy bench: GROGGY_BENCH_SCALE={benchlib.SCALE:g} -> "
            f"{benchlib.N_NODES:,} nodes / {benchlib.N_EDGES:,} edges")


def pytest_terminal_summary(terminalreporter):
    if benchlib.LINES:
        terminalreporter.section("groggy vs peers")
        for line in benchlib.LINES:
            terminalreporter.write_line(line)
