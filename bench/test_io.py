"""Loading and saving the benchmark graph (1M nodes / 5M edges times GROGGY_BENCH_SCALE).

Targets: ``gg.from_pandas`` within 2x of building from the NumPy arrays
(``g.add_nodes``/``g.add_edges``); Parquet write and read within 1.5x of pyarrow
writing / reading the same columns (a ready ``pyarrow.Table`` written with
``pq.write_table``; ``pq.read_table`` of the same files). Each case prints its first
call and its steady state (best of the rounds).
"""
import time

import numpy as np
import pytest

import benchlib

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="session")
def frames(graph_data):
    """The benchmark graph as pandas frames: node keys are a shuffled permutation (for
    the ``node_id`` case); ``label`` is an object column of str, as pandas reads text."""
    rng = np.random.default_rng(benchlib.SEED)
    keys = rng.permutation(graph_data.n) + 10_000_000
    nodes = pd.DataFrame({"age": graph_data.nodes["age"], "score": graph_data.nodes["score"],
                          "label": graph_data.nodes["label"].astype(object)})
    edges = pd.DataFrame({"source": graph_data.src, "target": graph_data.dst,
                          **graph_data.edges})
    keyed_nodes = nodes.assign(key=keys)
    keyed_edges = edges.assign(source=keys[graph_data.src], target=keys[graph_data.dst])
    return nodes, edges, keyed_nodes, keyed_edges


def timed(benchmark, fn, rounds: int = 3):
    """Run ``fn`` once (the first call, timed here), then the benchmark's rounds."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    benchmark.pedantic(fn, rounds=rounds)
    benchmark.extra_info["first_call_s"] = first
    return first


def report(benchmark, group, case, first, label=None):
    best = benchlib.record(benchmark, group, case)
    if best is not None:
        benchlib.say(f"[{group}] {label or case}: first call {benchlib.fmt_time(first)}, "
                     f"steady {benchlib.fmt_time(best)}")


@pytest.mark.parametrize("case", ["numpy", "pandas_keys", "groggy"])  # groggy last
def test_from_pandas(benchmark, graph_data, frames, case):
    import groggy as gg
    nodes, edges, keyed_nodes, keyed_edges = frames
    run = {"numpy": lambda: benchlib.build_groggy(graph_data),
           "pandas_keys": lambda: gg.from_pandas(keyed_nodes, keyed_edges, node_id="key"),
           "groggy": lambda: gg.from_pandas(nodes, edges)}[case]
    benchmark.group = "from_pandas"
    first = timed(benchmark, run)
    report(benchmark, "from_pandas", case, first)
    if case == "groggy":
        what = f"from_pandas {graph_data.size()} vs add_nodes/add_edges from NumPy"
        benchlib.speedup(benchmark, "from_pandas", "numpy", 0.5, what)
        benchlib.speedup(benchmark, "from_pandas", "numpy", None,
                         what + " (node keys mapped)", ours="pandas_keys")


@pytest.fixture(scope="session")
def parquet_setup(graph_data, tmp_path_factory):
    """The graph, the same columns as ready pyarrow tables, and a directory."""
    g = benchlib.build_groggy(graph_data)
    nodes = pa.table({"node_id": np.arange(graph_data.n), "age": graph_data.nodes["age"],
                      "score": graph_data.nodes["score"],
                      "label": pa.array(graph_data.nodes["label"].tolist(), pa.large_string())})
    edges = pa.table({"edge_id": np.arange(graph_data.m), "source": graph_data.src,
                      "target": graph_data.dst, **graph_data.edges})
    return g, nodes, edges, tmp_path_factory.mktemp("parquet")


@pytest.mark.parametrize("engine", ["pyarrow", "groggy"])
def test_parquet_write(benchmark, graph_data, parquet_setup, engine):
    g, nodes, edges, d = parquet_setup
    n, e = d / f"{engine}-n.parquet", d / f"{engine}-e.parquet"

    def pyarrow_write():
        pq.write_table(nodes, n)
        pq.write_table(edges, e)

    run = {"pyarrow": pyarrow_write, "groggy": lambda: g.to_parquet(n, e)}[engine]
    benchmark.group = "parquet_write"
    first = timed(benchmark, run)
    report(benchmark, "parquet_write", engine, first)
    if engine == "groggy":
        assert pq.read_table(n).equals(pq.read_table(d / "pyarrow-n.parquet"))
        benchlib.speedup(benchmark, "parquet_write", "pyarrow", 1 / 1.5,
                         f"Parquet write {graph_data.size()}")


@pytest.mark.parametrize("engine", ["pyarrow", "groggy"])
def test_parquet_read(benchmark, graph_data, parquet_setup, engine):
    import groggy as gg
    g, nodes, edges, d = parquet_setup
    n, e = d / "r-n.parquet", d / "r-e.parquet"
    if not n.exists():
        g.to_parquet(n, e)

    def pyarrow_read():
        return pq.read_table(n), pq.read_table(e)

    run = {"pyarrow": pyarrow_read, "groggy": lambda: gg.from_parquet(n, e)}[engine]
    benchmark.group = "parquet_read"
    first = timed(benchmark, run)
    report(benchmark, "parquet_read", engine, first)
    if engine == "groggy":
        back = gg.from_parquet(n, e)
        assert back.edge_count() == graph_data.m
        assert np.array_equal(back.edges.sources().to_numpy(), graph_data.src)
        benchlib.speedup(benchmark, "parquet_read", "pyarrow", 1 / 1.5,
                         f"Parquet read {graph_data.size()}")


# --------------------------------------------------------------------------- generators
N_SMALL = max(1000, round(100_000 * benchlib.SCALE))   # what networkx builds in seconds
DEG = 10
# networkx's block model walks every pair of nodes (minutes at 100k): a smaller size
SMALL = {"stochastic_block_model": max(1000, round(10_000 * benchlib.SCALE))}


def _generators(n: int):
    import groggy as gg
    gen = gg.generators
    r = float(np.sqrt(DEG / (np.pi * n)))
    return {
        "erdos_renyi": lambda: gen.erdos_renyi(n, DEG / (n - 1), seed=1),
        "barabasi_albert": lambda: gen.barabasi_albert(n, DEG // 2, seed=1),
        "watts_strogatz": lambda: gen.watts_strogatz(n, DEG, 0.1, seed=1),
        "stochastic_block_model": lambda: gen.stochastic_block_model(
            [n // 4] * 4, np.where(np.eye(4, dtype=bool), 4 * DEG * 0.8 / n,
                                   4 * DEG * 0.2 / (3 * n)), seed=1),
        "random_geometric": lambda: gen.random_geometric(n, r, seed=1),
        "random_tree": lambda: gen.random_tree(n, seed=1),
    }


def _nx_generators(n: int):
    import networkx as nx
    r = float(np.sqrt(DEG / (np.pi * n)))
    p_in, p_out = 4 * DEG * 0.8 / n, 4 * DEG * 0.2 / (3 * n)
    return {
        "erdos_renyi": lambda: nx.fast_gnp_random_graph(n, DEG / (n - 1), seed=1),
        "barabasi_albert": lambda: nx.barabasi_albert_graph(n, DEG // 2, seed=1),
        "watts_strogatz": lambda: nx.watts_strogatz_graph(n, DEG, 0.1, seed=1),
        "stochastic_block_model": lambda: nx.stochastic_block_model(
            [n // 4] * 4, np.where(np.eye(4, dtype=bool), p_in, p_out).tolist(), seed=1),
        "random_geometric": lambda: nx.random_geometric_graph(n, r, seed=1),
        "random_tree": lambda: nx.random_labeled_tree(n, seed=1),
    }


@pytest.mark.parametrize("name", list(_generators(1000)))
@pytest.mark.parametrize("case", ["networkx", "groggy_small", "groggy"])
def test_generators(benchmark, name, case):
    pytest.importorskip("networkx")
    group = f"gen_{name}"
    small = SMALL.get(name, N_SMALL)
    n = benchlib.N_NODES if case == "groggy" else small
    make = (_nx_generators if case == "networkx" else _generators)(n)[name]
    benchmark.group = group
    first = timed(benchmark, make, rounds=1 if case == "networkx" else 3)
    report(benchmark, group, case, first, f"{case} ({n:,} nodes)")
    if case == "groggy":
        benchlib.speedup(benchmark, group, "networkx", None,
                         f"{name} at {small:,} nodes", ours="groggy_small")
