"""Graph kernels (groggy.kernels and the Graph methods over them).

Tiny hand-computed cases, then networkx and NumPy brute force as oracles on
hypothesis-generated graphs (empty, one node, isolated nodes, self-loops, duplicate
edges), metamorphic checks (read-only and memory-mapped inputs, edge order), and bad
inputs, which must raise ValueError/TypeError and never crash the interpreter.
"""
import subprocess
import sys
import textwrap

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg
from groggy import kernels

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


@st.composite
def graphs(draw, max_nodes=10, max_edges=25):
    """(n, sources, targets) with every endpoint in [0, n)."""
    n = draw(st.integers(0, max_nodes))
    if n == 0:
        return 0, np.empty(0, np.int64), np.empty(0, np.int64)
    m = draw(st.integers(0, max_edges))
    node = st.integers(0, n - 1)
    src = draw(st.lists(node, min_size=m, max_size=m))
    dst = draw(st.lists(node, min_size=m, max_size=m))
    return n, np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)


def nx_graph(n, src, dst, directed=False):
    G = nx.MultiDiGraph() if directed else nx.MultiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(src.tolist(), dst.tolist()))
    return G


def gg_graph(n, src, dst, directed=False):
    g = gg.Graph(directed=directed)
    g.add_nodes(n)
    g.add_edges(src, dst)
    return g


# --------------------------------------------------------------------------- hand cases

def test_degree_hand_cases():
    assert kernels.degree([0, 0], [1, 2], 3).tolist() == [2, 1, 1]
    assert kernels.degree([0, 0], [1, 2], 3, "out").tolist() == [2, 0, 0]
    assert kernels.degree([0, 0], [1, 2], 3, "in").tolist() == [0, 1, 1]
    assert kernels.degree([1], [1], 2).tolist() == [0, 2]  # a self-loop counts twice
    assert kernels.degree([], [], 0).tolist() == []
    assert kernels.degree([], [], 3).tolist() == [0, 0, 0]


def test_build_csr_hand_cases():
    indptr, indices, eids = kernels.build_csr([0, 1, 1], [1, 2, 1], 3, both_ways=True)
    assert indptr.tolist() == [0, 1, 4, 5]
    # node 1: edge 0 back to 0, edge 1 to 2, its self-loop once; node 2: edge 1 back to 1
    assert indices.tolist() == [1, 0, 2, 1, 1]
    assert eids.tolist() == [0, 0, 1, 2, 1]
    indptr, indices, eids = kernels.build_csr([0, 1, 1], [1, 2, 1], 3, both_ways=False)
    assert indptr.tolist() == [0, 1, 3, 3]
    assert indices.tolist() == [1, 2, 1] and eids.tolist() == [0, 1, 2]
    indptr, indices, eids = kernels.build_csr([], [], 0, both_ways=True)
    assert indptr.tolist() == [0] and indices.size == 0 and eids.size == 0


def test_component_labels_hand_cases():
    labels, count = kernels.component_labels([0, 3], [1, 4], 5)
    assert labels.tolist() == [0, 0, 1, 2, 2] and count == 3
    labels, count = kernels.component_labels([4, 2], [2, 0], 5)
    assert labels.tolist() == [0, 1, 0, 2, 0] and count == 3
    labels, count = kernels.component_labels([], [], 0)
    assert labels.tolist() == [] and count == 0
    labels, count = kernels.component_labels([0], [0], 1)
    assert labels.tolist() == [0] and count == 1


def test_bfs_hand_cases():
    indptr, indices, _ = kernels.build_csr([0, 1], [1, 2], 4, both_ways=True)
    order, dist = kernels.bfs(indptr, indices, 0)
    assert order.tolist() == [0, 1, 2] and dist.tolist() == [0, 1, 2, -1]
    order, dist = kernels.bfs(indptr, indices, 2, max_depth=1)
    assert order.tolist() == [2, 1] and dist.tolist() == [-1, 1, 0, -1]
    order, dist = kernels.bfs(indptr, indices, 3)
    assert order.tolist() == [3] and dist.tolist() == [-1, -1, -1, 0]
    order, dist = kernels.bfs([0, 1], [0], 0)  # one node with a self-loop
    assert order.tolist() == [0] and dist.tolist() == [0]


# --------------------------------------------------------------------------- oracles

@SETTINGS
@given(graphs())
def test_degree_matches_bincount_and_networkx(graph):
    n, src, dst = graph
    out_ = np.bincount(src, minlength=n)
    in_ = np.bincount(dst, minlength=n)
    np.testing.assert_array_equal(kernels.degree(src, dst, n, "out"), out_)
    np.testing.assert_array_equal(kernels.degree(src, dst, n, "in"), in_)
    np.testing.assert_array_equal(kernels.degree(src, dst, n), out_ + in_)
    G = nx_graph(n, src, dst)
    assert kernels.degree(src, dst, n).tolist() == [G.degree(v) for v in range(n)]


@SETTINGS
@given(graphs(), st.booleans())
def test_csr_holds_every_edge_at_the_right_rows(graph, both_ways):
    n, src, dst = graph
    indptr, indices, eids = kernels.build_csr(src, dst, n, both_ways=both_ways)
    assert indptr.shape == (n + 1,) and indptr[0] == 0
    assert np.all(np.diff(indptr) >= 0)
    assert indices.shape == eids.shape == (indptr[-1],)
    for v in range(n):
        row = slice(indptr[v], indptr[v + 1])
        # brute force: edges leaving v (and, both ways, entering v, self-loops once)
        expected = [(e, int(dst[e])) for e in range(src.size) if src[e] == v]
        if both_ways:
            expected += [(e, int(src[e])) for e in range(src.size)
                         if dst[e] == v and src[e] != v]
        expected.sort()
        got = list(zip(eids[row].tolist(), indices[row].tolist()))
        assert got == expected  # edge ids in insertion order within a row
    if n:
        G = nx_graph(n, src, dst, directed=not both_ways)
        for v in range(n):
            nbrs = indices[indptr[v]:indptr[v + 1]]
            assert sorted(set(nbrs.tolist())) == sorted(G.neighbors(v))


def _partition(labels):
    groups = {}
    for v, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(v)
    return groups


@SETTINGS
@given(graphs())
def test_components_match_networkx(graph):
    n, src, dst = graph
    labels, count = kernels.component_labels(src, dst, n)
    assert labels.shape == (n,)
    groups = _partition(labels)
    expected = list(nx.connected_components(nx_graph(n, src, dst)))
    assert count == len(expected) == len(groups)
    assert sorted(map(sorted, groups.values())) == sorted(map(sorted, expected))
    # dense labels, numbered in order of each component's smallest node
    assert sorted(groups) == list(range(count))
    assert [min(groups[i]) for i in range(count)] == sorted(min(c) for c in expected)


@SETTINGS
@given(graphs(), st.booleans(), st.data())
def test_bfs_distances_match_networkx(graph, directed, data):
    n, src, dst = graph
    if n == 0:
        return
    source = data.draw(st.integers(0, n - 1))
    max_depth = data.draw(st.none() | st.integers(0, 3))
    indptr, indices, _ = kernels.build_csr(src, dst, n, both_ways=not directed)
    order, dist = kernels.bfs(indptr, indices, source, max_depth)
    G = nx_graph(n, src, dst, directed=directed)
    expected = nx.single_source_shortest_path_length(G, source, cutoff=max_depth)
    assert dist.tolist() == [expected.get(v, -1) for v in range(n)]
    assert order[0] == source
    assert sorted(order.tolist()) == sorted(expected)
    assert np.all(np.diff(dist[order]) >= 0)  # visit order is breadth first


@SETTINGS
@given(graphs(), st.booleans())
def test_graph_methods_match_networkx(graph, directed):
    n, src, dst = graph
    g = gg_graph(n, src, dst, directed)
    G = nx_graph(n, src, dst, directed)
    assert g.degree().to_list() == [G.degree(v) for v in range(n)]
    if directed:
        assert g.in_degree().to_list() == [G.in_degree(v) for v in range(n)]
        assert g.out_degree().to_list() == [G.out_degree(v) for v in range(n)]
        expected = nx.weakly_connected_components(G)
    else:
        expected = nx.connected_components(G)
    comps = g.connected_components()
    assert sorted(c.node_ids().to_list() for c in comps) == sorted(sorted(c) for c in expected)
    assert sum(c.edge_count() for c in comps) == src.size
    assert comps.sizes().to_list() == [c.node_count() for c in comps]
    for v in range(n):
        assert g.neighbors(v) == sorted(G.neighbors(v))
        reached = nx.descendants(G, v) | {v} if directed else nx.node_connected_component(G, v)
        assert g.bfs(v).node_ids().to_list() == sorted(reached)
    np.testing.assert_array_equal(g.adjacency_matrix().to_numpy(),
                                  nx.to_numpy_array(G, nodelist=range(n)))


# --------------------------------------------------------------------------- metamorphic

@SETTINGS
@given(graphs(), st.randoms(use_true_random=False))
def test_edge_order_does_not_change_degree_or_components(graph, rnd):
    n, src, dst = graph
    perm = list(range(src.size))
    rnd.shuffle(perm)
    labels, count = kernels.component_labels(src, dst, n)
    labels2, count2 = kernels.component_labels(src[perm], dst[perm], n)
    np.testing.assert_array_equal(labels, labels2)  # numbering depends on nodes only
    np.testing.assert_array_equal(kernels.degree(src, dst, n),
                                  kernels.degree(src[perm], dst[perm], n))
    # an undirected edge reversed is the same edge
    np.testing.assert_array_equal(kernels.component_labels(dst, src, n)[0], labels)


def test_read_only_and_non_contiguous_inputs_work():
    src = np.array([0, 1, 2, 2], dtype=np.int64)
    dst = np.array([1, 2, 0, 3], dtype=np.int64)
    ro_src, ro_dst = src.copy(), dst.copy()
    ro_src.setflags(write=False)
    ro_dst.setflags(write=False)
    assert kernels.degree(ro_src, ro_dst, 4).tolist() == kernels.degree(src, dst, 4).tolist()
    a = kernels.build_csr(ro_src, ro_dst, 4, True)
    b = kernels.build_csr(src, dst, 4, True)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    indptr, indices, _ = a
    indptr.setflags(write=False)
    indices.setflags(write=False)
    assert kernels.bfs(indptr, indices, 0)[1].tolist() == [0, 1, 1, 2]
    wide = np.zeros(8, dtype=np.int64)
    wide[::2] = src
    assert kernels.degree(wide[::2], dst, 4).tolist() == kernels.degree(src, dst, 4).tolist()
    assert kernels.degree(src.astype(np.int32), dst.astype(np.uint8), 4).tolist() == \
        kernels.degree(src, dst, 4).tolist()


def test_memory_mapped_graph_gives_the_same_results(tmp_path):
    rng = np.random.default_rng(7)
    n = 200
    src, dst = rng.integers(0, n, 300), rng.integers(0, n, 300)
    g = gg_graph(n, src, dst)
    g.save(tmp_path / "g.groggy")
    m = gg.open(tmp_path / "g.groggy")
    assert m.degree().to_list() == g.degree().to_list()
    labels = g.connected_components().labels().to_list()
    assert m.connected_components().labels().to_list() == labels
    assert m.bfs(0).node_ids().to_list() == g.bfs(0).node_ids().to_list()
    np.testing.assert_array_equal(m.adjacency_matrix().to_numpy(), g.adjacency_matrix().to_numpy())
    assert [m.neighbors(v) for v in range(n)] == [g.neighbors(v) for v in range(n)]


# --------------------------------------------------------------------------- bad inputs

@pytest.mark.parametrize("call, error", [
    (lambda: kernels.degree([0, 5], [1, 1], 3), ValueError),
    (lambda: kernels.degree([0, -1], [1, 1], 3), ValueError),
    (lambda: kernels.degree([0], [1, 2], 3), ValueError),
    (lambda: kernels.degree([[0]], [[1]], 3), ValueError),
    (lambda: kernels.degree([0.5], [1], 3), TypeError),
    (lambda: kernels.degree(["a"], [1], 3), TypeError),
    (lambda: kernels.degree(np.array([True]), np.array([False]), 2), TypeError),
    (lambda: kernels.degree([0], [0], 1, mode="both"), ValueError),
    (lambda: kernels.degree([0], [0], 0), ValueError),
    (lambda: kernels.build_csr([0], [3], 3, True), ValueError),
    (lambda: kernels.build_csr([0.0], [1.0], 2, True), TypeError),
    (lambda: kernels.build_csr([0, 1], [1], 2, False), ValueError),
    (lambda: kernels.component_labels([0], [9], 2), ValueError),
    (lambda: kernels.component_labels([-3], [0], 2), ValueError),
    (lambda: kernels.component_labels(np.array([2**63 - 1], dtype=np.uint64), [0], 2), ValueError),
    (lambda: kernels.bfs([0], [], 0), ValueError),
    (lambda: kernels.bfs([0, 1], [0], 1), ValueError),
    (lambda: kernels.bfs([0, 1], [0], -1), ValueError),
    (lambda: kernels.bfs([0, 1], [0], 0, max_depth=-1), ValueError),
    (lambda: kernels.bfs([0, 1.0], [0], 0), TypeError),
])
def test_bad_inputs_raise(call, error):
    with pytest.raises(error):
        call()


@SETTINGS
@given(st.integers(0, 6), st.lists(st.integers(-3, 9), max_size=6),
       st.lists(st.integers(-3, 9), max_size=6))
def test_validated_kernels_never_crash_on_arbitrary_ids(n, src, dst):
    for call in (lambda: kernels.degree(src, dst, n), lambda: kernels.build_csr(src, dst, n, True),
                 lambda: kernels.component_labels(src, dst, n)):
        try:
            call()
        except ValueError:
            ok = len(src) != len(dst) or any(not 0 <= v < n for v in src + dst)
            assert ok, "raised on valid input"


# A CSR handed to bfs by a caller can be inconsistent; the kernel runs with bounds checks
# off, so the wrapper must reject it. Run each case in a child interpreter so that a
# segfault fails this test instead of killing the test run.
@pytest.mark.parametrize("indptr, indices", [
    ([0, 1], [10**12]),          # neighbour id far out of range
    ([0, 1], [5]),               # neighbour id just out of range
    ([0, 1], [-7]),              # negative neighbour id
    ([0, 10**9], [0]),           # indptr points past indices
    ([0, 2], [0]),               # indptr one past the end of indices
])
def test_bfs_rejects_inconsistent_csr_without_crashing(indptr, indices):
    code = textwrap.dedent(f"""
        from groggy import kernels
        try:
            kernels.bfs({indptr!r}, {indices!r}, 0)
        except ValueError:
            print("ValueError")
        else:
            print("returned")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, f"interpreter crashed (exit {proc.returncode}): {proc.stderr}"
    assert proc.stdout.strip() == "ValueError"


def test_bfs_source_must_be_an_integer():
    indptr, indices, _ = kernels.build_csr([0], [1], 2, True)
    with pytest.raises(TypeError):
        kernels.bfs(indptr, indices, 0.5)


def test_graph_level_bad_inputs():
    g = gg_graph(3, np.array([0]), np.array([1]))
    with pytest.raises(KeyError):
        g.degree(3)
    with pytest.raises(TypeError):
        g.degree(1.5)
    with pytest.raises(ValueError):
        g.bfs(0, max_depth=-2)
    with pytest.raises(ValueError, match="no nodes"):
        gg.Graph().connected_components().largest_component()
