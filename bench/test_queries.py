"""Path and neighbourhood queries on the benchmark graph (1M nodes / 5M edges times
GROGGY_BENCH_SCALE): groggy on the opened (memory-mapped) graph against igraph on the
same edges, in one run. igraph's graph is built outside the timed region.

- ``path``: fewest-hop paths between 20 random (source, target) pairs (fixed seed):
  ``g.shortest_path(s, t)`` against igraph's ``g.get_shortest_path(s, t)``.
- ``path-weighted``: the same pairs by the edge column ``weight`` (Dijkstra in both;
  igraph reads the weights from its edge attribute).
- ``hood``: the 2-hop neighbourhood of each of 100 random nodes, one call per node:
  ``g.neighborhood([v], depth=2)[0].node_count()`` against
  ``len(g.neighborhood(v, order=2))``; ``hood-batch``: the 100 nodes in one call each.
- ``*-first``: the first query on a freshly opened groggy graph (it builds the CSR then)
  and on a freshly built igraph graph; the other groups are steady state (the best of
  several rounds, per query).

Answers are checked equal (path lengths and weights, neighbourhood sizes). No target:
the issue asks for the figures beside igraph; the ratio is printed.
"""
import math

import numpy as np
import pytest

import benchlib
import groggy as gg

Q = 100            # neighbourhood queries per round
Q_PATH = 20        # path queries per round (a random pair's search covers much of the graph)
ROUNDS = 3
FIRST_ROUNDS = 2
ANSWERS: dict = {}


@pytest.fixture(scope="module")
def pairs(graph_data):
    rng = np.random.default_rng(benchlib.SEED + 7)
    return rng.integers(0, graph_data.n, size=(Q, 2)).tolist()


@pytest.fixture(scope="module")
def igraph_graph(graph_data):
    pytest.importorskip("igraph")
    g = benchlib.build_igraph(graph_data, attrs=False)
    g.es["weight"] = graph_data.edges["weight"].tolist()
    return g


@pytest.fixture(scope="module")
def groggy_graph(stored_graph):
    return gg.open(stored_graph)


# --------------------------------------------------------------------------- engines
def _igraph_path(g, s, t, weighted):
    path = g.get_shortest_path(s, t, weights="weight" if weighted else None, output="epath")
    if not path and s != t:
        return None
    return len(path), (sum(g.es[path]["weight"]) if weighted else float(len(path)))


def _groggy_path(g, s, t, weighted):
    sg = g.shortest_path(s, t, weight="weight" if weighted else None)
    if sg is None:
        return None
    return sg.edge_count(), (sg.edges["weight"].sum() if weighted else float(sg.edge_count()))


PATH = {"igraph": _igraph_path, "groggy": _groggy_path}
HOOD = {"igraph": lambda g, v: len(g.neighborhood(v, order=2)),
        "groggy": lambda g, v: g.neighborhood([v], depth=2)[0].node_count()}
HOOD_BATCH = {"igraph": lambda g, vs: [len(h) for h in g.neighborhood(vs, order=2)],
              "groggy": lambda g, vs: [sg.node_count() for sg in g.neighborhood(vs, depth=2)]}


def _same_paths(mine, theirs, weighted):
    for a, b in zip(mine, theirs):
        assert (a is None) == (b is None), (a, b)
        if a is not None:
            # equal lengths; for weights the hop counts may differ between equal-weight paths
            assert math.isclose(a[1], b[1], rel_tol=1e-9), (a, b)
            if not weighted:
                assert a[0] == b[0], (a, b)


def _report(benchmark, group, what):
    if "groggy" in benchlib.TIMES.get(group, {}):
        benchlib.speedup(benchmark, group, "igraph", None, what)


# --------------------------------------------------------------------------- steady state
@pytest.mark.parametrize("weighted", [False, True], ids=["hops", "weighted"])
@pytest.mark.parametrize("engine", ["igraph", "groggy"])   # groggy last: it reports
def test_shortest_path(benchmark, request, graph_data, pairs, engine, weighted):
    group = "path-weighted" if weighted else "path"
    benchmark.group = group
    g = request.getfixturevalue(f"{engine}_graph")
    run = PATH[engine]
    PATH[engine](g, *pairs[0], weighted)       # the first call is measured on its own
    answers = benchmark.pedantic(lambda: [run(g, s, t, weighted) for s, t in pairs[:Q_PATH]],
                                 rounds=ROUNDS)
    ANSWERS[(group, engine)] = answers
    benchlib.record(benchmark, group, engine, per=Q_PATH)
    if engine == "groggy":
        _same_paths(answers, ANSWERS[(group, "igraph")], weighted)
        _report(benchmark, group, f"shortest_path ({'weight' if weighted else 'hops'}) per "
                                  f"query on {graph_data.size()}")


@pytest.mark.parametrize("engine", ["igraph", "groggy"])
def test_neighborhood(benchmark, request, graph_data, pairs, engine):
    benchmark.group = "hood"
    g = request.getfixturevalue(f"{engine}_graph")
    centers = [s for s, _ in pairs]
    HOOD[engine](g, centers[0])
    sizes = benchmark.pedantic(lambda: [HOOD[engine](g, v) for v in centers], rounds=ROUNDS)
    ANSWERS[("hood", engine)] = sizes
    benchlib.record(benchmark, "hood", engine, per=Q)
    if engine == "groggy":
        assert sizes == ANSWERS[("hood", "igraph")]
        _report(benchmark, "hood", f"neighborhood(depth=2) per node on {graph_data.size()}")


@pytest.mark.parametrize("engine", ["igraph", "groggy"])
def test_neighborhood_batch(benchmark, request, graph_data, pairs, engine):
    benchmark.group = "hood-batch"
    g = request.getfixturevalue(f"{engine}_graph")
    centers = [s for s, _ in pairs]
    sizes = benchmark.pedantic(lambda: HOOD_BATCH[engine](g, centers), rounds=ROUNDS)
    benchlib.record(benchmark, "hood-batch", engine, per=Q)
    if engine == "groggy":
        assert sizes == ANSWERS[("hood", "igraph")]
        _report(benchmark, "hood-batch", f"neighborhood(depth=2) of {Q} nodes in one call, "
                                         f"per node, on {graph_data.size()}")


# --------------------------------------------------------------------------- first call
@pytest.mark.parametrize("query", ["path", "hood"])
@pytest.mark.parametrize("engine", ["igraph", "groggy"])
def test_first_call(benchmark, graph_data, stored_graph, pairs, engine, query):
    group = f"{query}-first"
    benchmark.group = group
    s, t = pairs[1]

    def fresh():
        if engine == "groggy":
            return (gg.open(stored_graph),), {}
        pytest.importorskip("igraph")
        return (benchlib.build_igraph(graph_data, attrs=False),), {}

    def first(g):
        return PATH[engine](g, s, t, False) if query == "path" else HOOD[engine](g, s)

    benchmark.pedantic(first, setup=fresh, rounds=FIRST_ROUNDS)
    benchlib.record(benchmark, group, engine)
    if engine == "groggy":
        _report(benchmark, group, f"first {query} query on a fresh graph of "
                                  f"{graph_data.size()}")
