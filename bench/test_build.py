"""Build the benchmark graph (3 node and 2 edge attribute columns) from NumPy arrays.

Targets: groggy >= 5x faster than networkx; faster than igraph.
"""
import pytest

import benchlib

BUILDERS = {"networkx": benchlib.build_networkx, "igraph": benchlib.build_igraph,
            "groggy": benchlib.build_groggy}
ROUNDS = {"networkx": 1, "igraph": 3, "groggy": 3}


@pytest.mark.parametrize("engine", list(BUILDERS))  # groggy last: it reports the ratios
def test_build(benchmark, graph_data, engine):
    benchmark.group = "build"
    g = benchmark.pedantic(BUILDERS[engine], args=(graph_data,), rounds=ROUNDS[engine])
    del g
    benchlib.record(benchmark, "build", engine)
    if engine == "groggy":
        what = f"build {graph_data.size()} from NumPy"
        benchlib.speedup(benchmark, "build", "networkx", 5, what)
        benchlib.speedup(benchmark, "build", "igraph", 1, what)
