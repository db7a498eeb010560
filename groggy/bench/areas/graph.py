"""Store and graph building: building the benchmark graph from NumPy arrays, saving it
and opening it, and its connected components (on the opened, memory-mapped graph), at
every size of the run's sweep, against networkx and igraph (and pandas CSV for the
store). Same targets as bench/test_build.py, test_open.py, test_components.py."""
from __future__ import annotations

from groggy.bench.checks import agree, groggy_answer
from groggy.bench.data import build_groggy, build_igraph, build_networkx, make_graph_data
from groggy.bench.results import Row
from groggy.bench.sizes import label

TITLE = "Store and graph building"


def graph_data(ctx, n):
    """The benchmark graph of ``n`` nodes and 5n edges as arrays, made once per run."""
    return ctx.once(("graph", n), lambda: make_graph_data(n, 5 * n))


def _stored(ctx, n):
    def save():
        path = ctx.tmp / f"graph-{n}.groggy"
        build_groggy(graph_data(ctx, n)).save(path)
        return path
    return ctx.once(("graph-store", n), save)


def build(ctx, n):
    data = graph_data(ctx, n)
    mine, g = ctx.groggy(lambda: build_groggy(data), rounds=3)
    answers = {"groggy": groggy_answer("build", (g.node_count(), g.edge_count()))}
    peers = {}
    peers["networkx"], G = ctx.peer("networkx", lambda nx: lambda: build_networkx(data), n,
                                    rounds=1)
    if G is not None:
        answers["networkx"] = (G.number_of_nodes(), G.number_of_edges())
    peers["igraph"], G = ctx.peer("igraph", lambda ig: lambda: build_igraph(data), n)
    if G is not None:
        answers["igraph"] = (G.vcount(), G.ecount())
    check = agree("node and edge counts", answers)
    return Row("graph", "build from NumPy (3 node, 2 edge columns)", data.size(), n, mine,
               peers, {"networkx": 5, "igraph": 1}, check, plot="build")


def store(ctx, n):
    """Open the saved graph against pandas reading the same columns from CSV."""
    import groggy as gg
    data = graph_data(ctx, n)
    path = _stored(ctx, n)
    mine, g = ctx.groggy(lambda: gg.open(path))
    answers = {"groggy": groggy_answer("open", (g.node_count(), g.edge_count(),
                                                int(g.nodes["age"].to_numpy().sum())))}

    def csv_reader(pd):
        nodes, edges = ctx.tmp / f"nodes-{n}.csv", ctx.tmp / f"edges-{n}.csv"
        pd.DataFrame(data.nodes).to_csv(nodes, index=False)
        pd.DataFrame({"source": data.src, "target": data.dst, **data.edges}).to_csv(
            edges, index=False)
        return lambda: (pd.read_csv(nodes), pd.read_csv(edges))

    cell, frames = ctx.peer("pandas", csv_reader, n)
    if frames is not None:
        answers["pandas"] = (len(frames[0]), len(frames[1]), int(frames[0]["age"].sum()))
    check = agree("counts and the sum of age", answers)
    return Row("graph", "open the stored graph (gg.open vs pandas.read_csv)", data.size(), n,
               mine, {"pandas": cell}, {"pandas": 100}, check)


def components(ctx, n):
    import groggy as gg
    data = graph_data(ctx, n)
    g = gg.open(_stored(ctx, n))
    mine, count = ctx.groggy(lambda: len(g.connected_components()))
    answers = {"groggy": groggy_answer("components", count)}
    peers = {}

    def networkx(nx):
        G = build_networkx(data, attrs=False)
        return lambda: len(list(nx.connected_components(G)))

    def igraph(ig):
        G = build_igraph(data, attrs=False)
        return lambda: len(G.connected_components())

    for peer, setup in (("networkx", networkx), ("igraph", igraph)):
        peers[peer], theirs = ctx.peer(peer, setup, n, rounds=3)
        if theirs is not None:
            answers[peer] = theirs
    check = agree(f"{count:,} component" + ("s" if count != 1 else ""), answers)
    return Row("graph", "connected components (opened graph)", data.size(), n, mine, peers,
               {"networkx": 10, "igraph": 0.5}, check, plot="components")


def cases(size):
    out = []
    for n in size.sweep:
        out += [(f"build {label(n)}", lambda ctx, n=n: build(ctx, n)),
                (f"components {label(n)}", lambda ctx, n=n: components(ctx, n))]
    n = size.sweep[-1]
    out.append((f"open {label(n)}", lambda ctx: store(ctx, n)))
    return out
