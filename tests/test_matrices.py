"""Graph matrices against networkx (adjacency, Laplacian, normalized Laplacian) and the
Matrix operations against NumPy / scipy on the dense matrix, on hypothesis graphs with
parallel edges, self-loops, isolated nodes and both directions."""
import networkx as nx
import numpy as np
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


@st.composite
def graphs(draw, max_nodes=8):
    """(groggy graph, networkx multigraph with the same edges and weights)."""
    n = draw(st.integers(1, max_nodes))
    directed = draw(st.booleans())
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.integers(1, 4)), max_size=3 * n))
    g = gg.Graph(directed=directed)
    g.add_nodes(n)
    if edges:
        g.add_edges([(u, v, {"w": float(w)}) for u, v, w in edges])
    G = nx.MultiDiGraph() if directed else nx.MultiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from((u, v, {"w": float(w)}) for u, v, w in edges)
    return g, G


def dense(sp):
    return np.asarray(sp.toarray() if hasattr(sp, "toarray") else sp)


@SETTINGS
@given(graphs(), st.sampled_from([None, "w"]))
def test_adjacency_matches_networkx(pair, weight):
    g, G = pair
    weight = weight if g.edge_count() else None   # an edgeless graph has no "w" (KeyError)
    expect = dense(nx.adjacency_matrix(G, nodelist=range(len(G)), weight=weight or "_none"))
    A = g.adjacency_matrix(weight=weight)
    assert A.shape == expect.shape
    np.testing.assert_array_equal(A.to_numpy(), expect)
    np.testing.assert_array_equal(dense(A.to_scipy()), expect)
    assert A.nnz == g.edge_count() * (1 if g.is_directed else 2) - (
        0 if g.is_directed else sum(1 for u, v, _ in G.edges(keys=True) if u == v))


@SETTINGS
@given(graphs(), st.sampled_from([None, "w"]))
def test_laplacians_match_networkx(pair, weight):
    g, G = pair
    weight = weight if g.edge_count() else None
    w = weight or "_none"  # networkx counts a missing weight as 1
    expect = dense(nx.laplacian_matrix(G, nodelist=range(len(G)), weight=w))
    np.testing.assert_allclose(g.laplacian_matrix(weight=weight).to_numpy(), expect)
    expect = dense(nx.normalized_laplacian_matrix(G, nodelist=range(len(G)), weight=w))
    np.testing.assert_allclose(g.laplacian_matrix(normalized=True, weight=weight).to_numpy(),
                               expect, atol=1e-12)


@SETTINGS
@given(graphs(), st.data())
def test_subgraph_matrices_are_the_induced_graphs(pair, data):
    g, G = pair
    if not g.edge_count():
        g.add_edge(0, 0, w=1.0); G.add_edge(0, 0, w=1.0)
    keep = sorted(data.draw(st.sets(st.integers(0, g.node_count() - 1), min_size=1)))
    sub = g.nodes[keep]
    H = G.subgraph(keep)
    expect = dense(nx.adjacency_matrix(H, nodelist=keep, weight="w"))
    np.testing.assert_array_equal(sub.adjacency_matrix("w").to_numpy(), expect)
    np.testing.assert_array_equal(sub.to_matrix().to_numpy(),
                                  dense(nx.adjacency_matrix(H, nodelist=keep, weight=None)))
    np.testing.assert_allclose(sub.laplacian_matrix().to_numpy(),
                               dense(nx.laplacian_matrix(H, nodelist=keep, weight=None)))


@SETTINGS
@given(graphs(), st.data())
def test_matrix_operations_match_numpy(pair, data):
    g, _ = pair
    A = g.adjacency_matrix(weight="w" if g.edge_count() else None)
    D = A.to_numpy()
    assert A.sum() == D.sum()
    np.testing.assert_array_equal(A.sum(axis=0).to_numpy(), D.sum(axis=0))
    np.testing.assert_array_equal(A.sum(axis=1).to_numpy(), D.sum(axis=1))
    np.testing.assert_allclose(A.mean(axis=1).to_numpy(), D.mean(axis=1))
    assert A.mean() == pytest.approx(D.mean())
    np.testing.assert_array_equal(A.transpose().to_numpy(), D.T)
    np.testing.assert_array_equal(A.T.to_numpy(), D.T)
    assert A.is_symmetric() == bool((D == D.T).all())
    x = np.array(data.draw(st.lists(st.integers(-3, 3), min_size=len(D), max_size=len(D))))
    np.testing.assert_allclose((A @ x).to_numpy(), D @ x)
    np.testing.assert_allclose(A @ np.stack([x, 2 * x], 1), D @ np.stack([x, 2 * x], 1))
    np.testing.assert_allclose((A @ A).to_numpy(), D @ D)
    np.testing.assert_allclose((A @ A.T).to_numpy(), D @ D.T)
    i, j = data.draw(st.integers(0, len(D) - 1)), data.draw(st.integers(0, len(D) - 1))
    assert A.get(i, j) == D[i, j]
    # a view (rows and columns chosen) converts only what it shows
    rows = data.draw(st.lists(st.integers(0, len(D) - 1), min_size=1, unique=True))
    view = A[rows].select([str(c) for c in rows])
    np.testing.assert_array_equal(view.to_numpy(), D[np.ix_(rows, rows)])
    np.testing.assert_array_equal(view.sum(axis=1).to_numpy(), D[np.ix_(rows, rows)].sum(1))


def test_self_loops_and_parallel_edges_count_as_networkx_does():
    g = gg.Graph(); g.add_nodes(3)
    g.add_edges([(0, 0), (0, 1), (0, 1), (1, 2)])
    A = g.adjacency_matrix()
    # the self-loop is one diagonal entry of 1; the two parallel edges add up to 2
    assert A.to_numpy().tolist() == [[1, 2, 0], [2, 0, 1], [0, 1, 0]]
    assert A.nnz == 7            # stored entries: the loop once, each other edge twice
    L = g.laplacian_matrix()
    # degree is the row sum of A (3 for node 0: the loop counts once), unlike g.degree()
    assert L.to_numpy().tolist() == [[2, -2, 0], [-2, 3, -1], [0, -1, 1]]
    assert g.degree().to_list() == [4, 3, 1]


def test_matrix_types_dtypes_and_upstream_spellings():
    g = gg.Graph(); g.add_nodes(3)
    g.add_edges([(0, 1, {"w": 2}), (1, 2, {"w": None})])
    assert g.adjacency_matrix().dtype == "int64"
    assert g.adjacency_matrix("w").dtype == "int64"          # an int weight stays int
    assert g.adjacency_matrix("w").to_numpy()[1, 2] == 1     # a null weight counts as 1
    assert g.laplacian_matrix(normalized=True).dtype == "float64"
    A = g.adj()
    assert A.shape == (3, 3) and A.shape() == (3, 3) and A.nrows() == 3
    assert A.is_square() and A.is_sparse() and A.is_symmetric()
    assert A.sum_axis(1).to_list() == [1, 2, 1]
    np.testing.assert_array_equal(A.dense(), A.to_numpy())
    assert A.matmul_vec([1, 1, 1]).to_list() == [1.0, 2.0, 1.0]
    assert isinstance(A.to_scipy(), scipy.sparse.csr_array)
    assert g.edges.weight_matrix("w").to_numpy().tolist() == [[0, 2, 0], [2, 0, 1], [0, 1, 0]]


def test_attribute_matrices():
    g = gg.Graph()
    g.add_nodes({"x": [1, 2, 3], "y": [0.5, None, 2.0], "name": ["a", "b", "c"]})
    M = g.nodes.matrix()                       # every numeric attribute
    assert M.columns == ["x", "y"]
    np.testing.assert_array_equal(M.to_numpy(), [[1, 0.5], [2, np.nan], [3, 2.0]])
    assert g.nodes[[0, 2]].nodes.matrix("x").to_numpy().tolist() == [[1.0], [3.0]]
    assert M.sum(axis=0).to_list()[0] == 6
    with pytest.raises(TypeError, match="'name' holds strings"):
        g.nodes.matrix(["name"])
    with pytest.raises(KeyError, match="no attribute 'z'"):
        g.nodes.matrix(["z"])


def test_bad_input_is_named():
    g = gg.Graph(); g.add_nodes(2); g.add_edge(0, 1, label="a")
    with pytest.raises(KeyError, match="no attribute 'weight'.*edge attributes are"):
        g.adjacency_matrix(weight="weight")
    with pytest.raises(TypeError, match="'label' is a string attribute"):
        g.laplacian_matrix(weight="label")
    A = g.adjacency_matrix()
    with pytest.raises(ValueError, match="cannot multiply a 2 x 2 matrix by an operand of "
                                         "shape \\(3,\\)"):
        A @ np.ones(3)
    with pytest.raises(ValueError, match="axis must be 0"):
        A.sum(axis=2)
    with pytest.raises(IndexError, match="outside this 2 x 2 matrix"):
        A.get(2, 0)


def test_a_million_node_matrix_stays_sparse():
    n = 1_000_000
    g = gg.Graph(); g.add_nodes(n)
    rng = np.random.default_rng(1)
    g.add_edges(rng.integers(0, n, 2 * n), rng.integers(0, n, 2 * n))
    A = g.adjacency_matrix()
    assert A.shape == (n, n)
    deg = A.sum(axis=1).to_numpy()
    np.testing.assert_array_equal(deg, A @ np.ones(n))
    assert deg.sum() == A.nnz
    with pytest.raises(MemoryError, match="use to_scipy"):
        A.to_numpy()
    assert A.head(3).select(["0", "1"]).to_numpy().shape == (3, 2)


@SETTINGS
@given(st.lists(st.lists(st.integers(-2, 2), min_size=3, max_size=3), min_size=1, max_size=4))
def test_matrix_from_data_matches_numpy(rows):
    D = np.array(rows)
    for m in (gg.matrix(rows), gg.matrix(D), gg.matrix(scipy.sparse.csr_array(D))):
        np.testing.assert_array_equal(m.to_numpy(), D)
        np.testing.assert_array_equal(m.sum(axis=0).to_numpy(), D.sum(0))
        np.testing.assert_array_equal((m @ m.T).to_numpy(), D @ D.T)
    np.testing.assert_array_equal(gg.Matrix.identity(3).to_numpy(), np.eye(3))
    with pytest.raises(ValueError, match="2-D data"):
        gg.matrix([1, 2])
    with pytest.raises(TypeError, match="did not come from a graph"):
        gg.matrix(rows).viz.render(format="svg")
