"""Connected components of the benchmark graph: groggy on the opened (memory-mapped)
graph against networkx (components materialised to a list) and igraph. The peers'
graphs are built once, outside the timed region.

Targets: 10x faster than networkx; within 2x of igraph (speed-up >= 0.5).
"""
import networkx as nx
import pytest

import benchlib
import groggy as gg


@pytest.fixture(scope="module")
def networkx_graph(graph_data):
    return benchlib.build_networkx(graph_data, attrs=False)


@pytest.fixture(scope="module")
def igraph_graph(graph_data):
    return benchlib.build_igraph(graph_data, attrs=False)


@pytest.fixture(scope="module")
def groggy_graph(stored_graph):
    return gg.open(stored_graph)


RUN = {"networkx": lambda g: len(list(nx.connected_components(g))),
       "igraph": lambda g: len(g.connected_components()),
       "groggy": lambda g: len(g.connected_components())}
ROUNDS = {"networkx": 1, "igraph": 3, "groggy": 5}
COUNTS = {}


@pytest.mark.parametrize("engine", list(RUN))  # groggy last: it reports the ratios
def test_connected_components(benchmark, request, graph_data, engine):
    benchmark.group = "components"
    g = request.getfixturevalue(f"{engine}_graph")
    COUNTS[engine] = benchmark.pedantic(RUN[engine], args=(g,), rounds=ROUNDS[engine])
    benchmark.extra_info["components"] = COUNTS[engine]
    benchlib.record(benchmark, "components", engine)
    if engine == "groggy":
        assert len(set(COUNTS.values())) == 1, f"engines disagree: {COUNTS}"
        what = f"connected components of {graph_data.size()}"
        benchlib.speedup(benchmark, "components", "networkx", 10, what)
        benchlib.speedup(benchmark, "components", "igraph", 0.5, what)
