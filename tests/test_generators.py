"""Generators against networkx: the same graph where the family is deterministic (karate
club exactly, edge sets for the classic families, and random_geometric given its
positions), and the right statistics for the random models."""
import math

import numpy as np
import pytest

import groggy as gg

nx = pytest.importorskip("networkx")
gen = gg.generators


def edge_set(g, directed=False):
    src, dst = g.edges.sources().to_numpy(), g.edges.targets().to_numpy()
    pairs = zip(src.tolist(), dst.tolist())
    return {(u, v) if directed else frozenset((u, v)) for u, v in pairs}


def nx_edge_set(G, mapping=None, directed=False):
    f = (lambda x: x) if mapping is None else mapping.__getitem__
    return {(f(u), f(v)) if directed else frozenset((f(u), f(v))) for u, v in G.edges}


def test_karate_club_is_networkx_exactly():
    g, G = gen.karate_club(), nx.karate_club_graph()
    assert g.node_count() == G.number_of_nodes() and g.edge_count() == G.number_of_edges()
    assert g.nodes["club"].to_list() == [G.nodes[i]["club"] for i in range(34)]
    mine = {frozenset(g.edge_endpoints(e)): g.get_edge_attr(e, "weight")
            for e in range(g.edge_count())}
    theirs = {frozenset((u, v)): d["weight"] for u, v, d in G.edges(data=True)}
    assert mine == theirs


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7])
def test_classic_families_match_networkx(n):
    assert edge_set(gen.complete_graph(n)) == nx_edge_set(nx.complete_graph(n))
    assert edge_set(gen.complete_graph(n, directed=True), True) == \
        nx_edge_set(nx.complete_graph(n, nx.DiGraph), directed=True)
    assert edge_set(gen.path_graph(n)) == nx_edge_set(nx.path_graph(n))
    assert edge_set(gen.cycle_graph(n)) == nx_edge_set(nx.cycle_graph(n))
    assert gen.cycle_graph(n).edge_count() == nx.cycle_graph(n).number_of_edges()
    if n:
        star = gen.star_graph(n)
        assert star.node_count() == n
        assert edge_set(star) == nx_edge_set(nx.star_graph(n - 1))
    for g, G in ((gen.path_graph(n), nx.path_graph(n)), (gen.complete_graph(n), nx.complete_graph(n))):
        assert g.node_count() == G.number_of_nodes()


@pytest.mark.parametrize("dims", [[3, 4], [1, 5], [2, 3, 4]])
def test_grid_matches_networkx(dims):
    g = gen.grid_graph(dims)
    G = nx.grid_2d_graph(*dims) if len(dims) == 2 else nx.grid_graph(dims[::-1])
    ids = {c: int(np.ravel_multi_index(c, dims)) for c in G.nodes}
    assert edge_set(g) == nx_edge_set(G, ids)
    assert g.nodes["x"].to_list() == [c[0] for c in sorted(G.nodes)]
    periodic = gen.grid_graph(dims[:2], periodic=True)
    P = nx.grid_2d_graph(*dims[:2], periodic=True)
    assert edge_set(periodic) == nx_edge_set(P, {c: int(np.ravel_multi_index(c, dims[:2])) for c in P})


def test_tree_upstream_shape():
    g = gen.tree(10, branching_factor=3, color="red")
    assert edge_set(g) == {frozenset(((i - 1) // 3, i)) for i in range(1, 10)}
    G = g.to_networkx()
    assert [nx.shortest_path_length(G, 0, i) for i in range(10)] == g.nodes["level"].to_list()
    assert set(g.nodes["color"].to_list()) == {"red"}


def test_random_geometric_is_networkx_for_its_positions():
    for dim, n, r in ((2, 2000, 0.04), (3, 800, 0.12), (1, 300, 0.01)):
        g = gen.random_geometric(n, r, dim=dim, seed=11)
        names = ["x", "y", "z"][:dim]
        pos = np.column_stack([g.nodes[c].to_numpy() for c in names])
        assert ((0 <= pos) & (pos < 1)).all()
        G = nx.random_geometric_graph(n, r, dim=dim, pos={i: tuple(p) for i, p in enumerate(pos)})
        assert edge_set(g) == nx_edge_set(G)
        assert len(edge_set(g)) == g.edge_count()  # each pair once


def test_generators_are_seeded():
    for make in (lambda s: gen.erdos_renyi(300, 0.02, seed=s),
                 lambda s: gen.barabasi_albert(300, 2, seed=s),
                 lambda s: gen.watts_strogatz(300, 6, 0.3, seed=s),
                 lambda s: gen.random_tree(300, seed=s),
                 lambda s: gen.random_geometric(300, 0.1, seed=s),
                 lambda s: gen.stochastic_block_model([100, 200], [[0.1, 0.01], [0.01, 0.05]], seed=s)):
        assert edge_set(make(5)) == edge_set(make(5))
        assert edge_set(make(5)) != edge_set(make(6))


def _simple(g, directed=False):
    src, dst = g.edges.sources().to_numpy(), g.edges.targets().to_numpy()
    assert (src != dst).all(), "self-loop"
    assert len(edge_set(g, directed)) == g.edge_count(), "repeated edge"


def test_erdos_renyi_statistics():
    n, p = 2000, 0.004
    counts = [gen.erdos_renyi(n, p, seed=s).edge_count() for s in range(20)]
    mean, sd = n * (n - 1) / 2 * p, math.sqrt(n * (n - 1) / 2 * p * (1 - p))
    assert abs(np.mean(counts) - mean) < 4 * sd / math.sqrt(20)
    g = gen.erdos_renyi(n, p, seed=1)
    _simple(g)
    deg = g.degree().to_numpy()
    # Poisson-like degrees: variance close to the mean
    assert abs(deg.var() / deg.mean() - 1) < 0.15
    d = gen.erdos_renyi(500, 0.01, directed=True, seed=2)
    _simple(d, directed=True)
    assert abs(d.edge_count() - 500 * 499 * 0.01) < 5 * math.sqrt(500 * 499 * 0.01)
    assert gen.erdos_renyi(50, 1.0).edge_count() == 50 * 49 // 2
    assert gen.erdos_renyi(50, 0.0).edge_count() == 0
    m = gen.erdos_renyi(10**6, m=1000, seed=3)    # a huge pair space, exactly m edges
    _simple(m)
    assert m.edge_count() == 1000
    src, dst = m.edges.sources().to_numpy(), m.edges.targets().to_numpy()
    assert src.max() > 9 * 10**5 and dst.max() > 9 * 10**5


def test_barabasi_albert_statistics():
    n, m = 3000, 3
    g, G = gen.barabasi_albert(n, m, seed=4), nx.barabasi_albert_graph(n, m, seed=4)
    _simple(g)
    assert g.edge_count() == G.number_of_edges() == m * (n - m)
    ours, theirs = np.sort(g.degree().to_numpy()), np.sort([d for _, d in G.degree])
    assert ours.min() == theirs.min() == m
    # the same heavy tail: quantiles of the degree law agree
    for q in (0.5, 0.9, 0.99):
        assert abs(np.quantile(ours, q) - np.quantile(theirs, q)) <= max(2, 0.25 * np.quantile(theirs, q))
    assert ours.max() > 10 * m  # hubs exist
    # early nodes are the hubs, as in preferential attachment
    assert g.degree().to_numpy()[:10].mean() > 5 * g.degree().to_numpy()[-1000:].mean()


def test_watts_strogatz_statistics():
    n, k = 2000, 6
    lattice = gen.watts_strogatz(n, k, 0.0, seed=1)
    assert edge_set(lattice) == nx_edge_set(nx.watts_strogatz_graph(n, k, 0.0))
    g = gen.watts_strogatz(n, k, 0.2, seed=1)
    _simple(g)
    assert g.edge_count() == n * (k // 2)
    G = nx.watts_strogatz_graph(n, k, 0.2, seed=1)
    moved = len(edge_set(g) - edge_set(lattice)) / g.edge_count()
    moved_nx = len(nx_edge_set(G) - edge_set(lattice)) / G.number_of_edges()
    assert abs(moved - moved_nx) < 0.03
    c, c_nx = nx.average_clustering(g.to_networkx()), nx.average_clustering(G)
    assert abs(c - c_nx) < 0.05


def test_stochastic_block_model_statistics():
    sizes, p = [300, 500, 200], [[0.05, 0.002, 0.01], [0.002, 0.03, 0.0], [0.01, 0.0, 0.1]]
    g = gen.stochastic_block_model(sizes, p, seed=9)
    _simple(g)
    block = g.nodes["block"].to_numpy()
    assert np.bincount(block).tolist() == sizes
    src, dst = g.edges.sources().to_numpy(), g.edges.targets().to_numpy()
    for r in range(3):
        for s in range(r, 3):
            pairs = sizes[r] * (sizes[r] - 1) / 2 if r == s else sizes[r] * sizes[s]
            want = pairs * p[r][s]
            got = np.count_nonzero(((block[src] == r) & (block[dst] == s)) |
                                   ((block[src] == s) & (block[dst] == r)))
            assert abs(got - want) <= 5 * math.sqrt(want) + 1, (r, s, got, want)
    with pytest.raises(ValueError, match="symmetric"):
        gen.stochastic_block_model([2, 2], [[0.1, 0.2], [0.3, 0.1]])


def test_random_tree_is_a_uniform_tree():
    for n in (1, 2, 5, 1000):
        t = gen.random_tree(n, seed=n)
        assert t.edge_count() == max(n - 1, 0)
        if n:
            assert nx.is_tree(t.to_networkx())
    # in a uniform labelled tree a node is a leaf with probability (1 - 1/n)^(n-2) ~ 1/e
    deg = np.concatenate([gen.random_tree(2000, seed=s).degree().to_numpy() for s in range(5)])
    assert abs(np.mean(deg == 1) - math.exp(-1)) < 0.02
    # and the 3 labelled trees on 3 nodes come out about equally often
    centers = [int(np.argmax(gen.random_tree(3, seed=s).degree().to_numpy())) for s in range(600)]
    assert all(abs(c - 200) < 60 for c in np.bincount(centers, minlength=3))


@pytest.mark.parametrize("call, message", [
    (lambda: gen.erdos_renyi(10), "exactly one of p"),
    (lambda: gen.erdos_renyi(10, 1.5), "probability"),
    (lambda: gen.barabasi_albert(5, 5), "1 <= m < n"),
    (lambda: gen.watts_strogatz(5, 6, 0.1), "k < n"),
    (lambda: gen.complete_graph(-1), "non-negative"),
    (lambda: gen.random_geometric(10, 0.0), "radius"),
    (lambda: gen.stochastic_block_model([2, 3], [[0.1]]), "2 x 2"),
])
def test_bad_parameters_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
