"""Layout quality measures (groggy.viz.metrics): hand-computed tiny cases, brute-force
oracles on small random layouts (with and without SciPy), and bad input."""
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg
from groggy.viz import metrics
from groggy.viz.metrics import (block_purity, edge_length_cv, neighborhood_preservation,
                                normalized_stress, quality)

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


def make_graph(n, edges, directed=False) -> gg.Graph:
    g = gg.Graph(directed=directed)
    g.add_nodes(n)
    if len(edges):
        g.add_edges([(int(a), int(b)) for a, b in edges])
    return g


def path(n):
    return make_graph(n, [(i, i + 1) for i in range(n - 1)])


def polygon(n, radius=3.0):
    angle = 2 * np.pi * np.arange(n) / n
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


@pytest.fixture(params=["scipy", "numpy"])
def backend(request, monkeypatch):
    """Run a test with the KD-tree and with the NumPy fallback."""
    if request.param == "numpy":
        monkeypatch.setattr(metrics, "cKDTree", None)
    return request.param


# --------------------------------------------------------------------------- tiny cases

def test_path_on_a_line(backend):
    g = path(6)
    line = np.column_stack([np.arange(6) * 2.5, np.zeros(6)])
    assert normalized_stress(g, line) == pytest.approx(0, abs=1e-12)
    assert neighborhood_preservation(g, line) == 1.0
    assert edge_length_cv(g, line) == pytest.approx(0, abs=1e-12)
    # the same path folded back on itself: far from its graph distances
    folded = np.column_stack([[0, 1, 2, 1, 0, 1], [0, 0, 0, 0.1, 0.1, 0.1]])
    assert normalized_stress(g, folded) > 0.1


def test_stress_by_hand():
    # path 0-1-2 drawn with lengths 1 and 3: d = (1, 1, 2), D = (1, 3, 4), r = D/d = (1, 3, 2)
    # a = sum(r) / sum(r^2) = 6/14; stress = mean((a r - 1)^2)
    g = path(3)
    r = np.array([1.0, 3.0, 2.0])
    a = r.sum() / (r * r).sum()
    want = np.mean((a * r - 1) ** 2)
    assert normalized_stress(g, [[0, 0], [1, 0], [4, 0]]) == pytest.approx(want)


def test_stress_ignores_scale_and_other_components():
    g = make_graph(5, [(0, 1), (1, 2), (3, 4)])
    pos = np.array([[0, 0], [1, 0], [2, 0], [-50, 9], [-49, 9.0]])   # 3-4 far from 0-1-2
    assert normalized_stress(g, pos) == pytest.approx(0, abs=1e-12)
    assert normalized_stress(g, pos * 7.5) == pytest.approx(0, abs=1e-12)
    assert np.isnan(normalized_stress(make_graph(3, []), np.zeros((3, 2))))
    assert normalized_stress(g, np.zeros((5, 2))) == 1.0   # everything on one point


def test_polygon_cycle_has_equal_edges():
    n = 12
    g = make_graph(n, [(i, (i + 1) % n) for i in range(n)])
    assert edge_length_cv(g, polygon(n)) == pytest.approx(0, abs=1e-12)
    pos = polygon(n)
    pos[0] *= 2
    assert edge_length_cv(g, pos) > 0.1


def test_edge_length_cv_by_hand_and_degenerate():
    g = make_graph(3, [(0, 1), (1, 2), (2, 2)])           # the self-loop does not count
    assert edge_length_cv(g, [[0, 0], [1, 0], [4, 0]]) == pytest.approx(0.5)
    assert np.isnan(edge_length_cv(make_graph(2, []), np.zeros((2, 2))))
    assert np.isnan(edge_length_cv(g, np.zeros((3, 2))))


def test_neighbourhood_preservation_by_hand(backend):
    # star 0-{1,2,3}: the centre's 3 nearest are its 3 leaves (3/3); leaf 2's nearest is
    # the centre (1/1), but leaves 1 and 3 are drawn next to each other (0/1 each)
    g = make_graph(4, [(0, 1), (0, 2), (0, 3)])
    pos = np.array([[0, 0], [1, 0], [-1, 0], [1.2, 0.1]])
    assert neighborhood_preservation(g, pos) == pytest.approx((1 + 0 + 1 + 0) / 4)
    assert np.isnan(neighborhood_preservation(make_graph(3, [(1, 1)]), np.zeros((3, 2))))


def test_block_purity_separated_and_random(backend):
    rng = np.random.default_rng(0)
    blocks = np.repeat([0, 1], 100)
    far = np.concatenate([rng.normal(0, 1, (100, 2)), rng.normal(100, 1, (100, 2))])
    assert block_purity(far, blocks) == 1.0
    assert block_purity(far, blocks.astype(str).astype(object)) == 1.0
    mixed = rng.normal(0, 1, (200, 2))
    assert block_purity(mixed, blocks) < 0.65
    assert block_purity(far, blocks, k=500) == pytest.approx(99 / 199)   # k capped at n - 1
    assert np.isnan(block_purity([[0, 0]], [0]))
    assert block_purity(far, blocks, sample=20) == 1.0


def test_coincident_points_do_not_count_themselves(backend):
    pos = np.zeros((4, 2))                        # four nodes on one point
    assert block_purity(pos, [0, 0, 1, 1], k=3) == pytest.approx(1 / 3)


def test_quality_collects_everything():
    g = path(5)
    line = np.column_stack([np.arange(5.0), np.zeros(5)])
    q = quality(g, line)
    assert set(q) == {"normalized_stress", "neighborhood_preservation", "edge_length_cv"}
    q = quality(g.viz.graph_input(), g.viz.compute_layout("grid"), blocks=[0, 0, 0, 1, 1])
    assert set(q) >= {"block_purity"} and all(isinstance(v, float) for v in q.values())


def test_layouts_and_tables_are_accepted():
    g = make_graph(6, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)], directed=True)
    lay = g.viz.compute_layout("hierarchical")
    # a directed path laid out in layers is a straight vertical line
    assert normalized_stress(g, lay) == pytest.approx(0, abs=1e-12)
    assert neighborhood_preservation(g.nodes.table(), lay) == 1.0


# --------------------------------------------------------------------------- oracles

@st.composite
def drawn_graphs(draw):
    n = draw(st.integers(2, 25))
    node = st.integers(0, n - 1)
    edges = draw(st.lists(st.tuples(node, node), max_size=40))
    coord = st.floats(-10, 10, allow_nan=False).map(lambda v: round(v, 3))
    pos = np.array(draw(st.lists(st.tuples(coord, coord), min_size=n, max_size=n)))
    return n, edges, pos


def brute_preservation(n, edges, pos):
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((a, b) for a, b in edges if a != b)
    shares = []
    for v in range(n):
        k = G.degree(v)
        if k == 0:
            continue
        d = np.hypot(*(pos - pos[v]).T)
        d[v] = np.inf
        kth = np.sort(d)[k - 1]
        if (d == kth).sum() > 1:
            return None                           # a tie at the k-th place: ambiguous
        near = set(np.flatnonzero(d <= kth).tolist())
        shares.append(len(near & set(G[v])) / k)
    return np.mean(shares) if shares else np.nan


def brute_stress(n, edges, pos):
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    r = []
    for i, lengths in nx.all_pairs_shortest_path_length(G):
        for j, d in lengths.items():
            if i < j:
                r.append(np.hypot(*(pos[i] - pos[j])) / d)
    if not r:
        return np.nan
    r = np.array(r)
    a = r.sum() / (r * r).sum() if (r * r).sum() else 0.0
    return np.mean((a * r - 1) ** 2)


@SETTINGS
@given(drawn_graphs(), st.booleans())
def test_against_brute_force(data, with_scipy):
    n, edges, pos = data
    g = make_graph(n, edges)
    if not with_scipy:
        saved, metrics.cKDTree = metrics.cKDTree, None
    try:
        want = brute_preservation(n, edges, pos)
        if want is not None:
            got = neighborhood_preservation(g, pos)
            assert (np.isnan(got) and np.isnan(want)) or got == pytest.approx(want)
        got, want = normalized_stress(g, pos), brute_stress(n, edges, pos)
        assert (np.isnan(got) and np.isnan(want)) or got == pytest.approx(want, abs=1e-12)
        assert np.isnan(got) or 0 <= got <= 1
    finally:
        if not with_scipy:
            metrics.cKDTree = saved


def test_sampling_is_deterministic_and_close():
    rng = np.random.default_rng(2)
    n = 400
    a, b = rng.integers(0, n, (2, 1200))
    g = make_graph(n, list(zip(a, b)))
    pos = rng.normal(size=(n, 2))
    full = normalized_stress(g, pos, pairs=n * n)
    sampled = normalized_stress(g, pos, pairs=3000, seed=1)
    assert sampled == normalized_stress(g, pos, pairs=3000, seed=1)
    assert sampled == pytest.approx(full, abs=0.05)
    assert neighborhood_preservation(g, pos, sample=50) == \
        neighborhood_preservation(g, pos, sample=50)


# --------------------------------------------------------------------------- bad input

def test_bad_input_is_a_value_error():
    g = path(4)
    with pytest.raises(ValueError, match=r"positions must have shape \(4, 2\)"):
        normalized_stress(g, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="positions must have shape"):
        neighborhood_preservation(g, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="positions must have shape"):
        edge_length_cv(g, np.zeros(8))
    with pytest.raises(ValueError, match="NaN"):
        edge_length_cv(g, np.full((4, 2), np.nan))
    with pytest.raises(ValueError, match="blocks must have one label per node"):
        block_purity(np.zeros((4, 2)), [0, 1])
    with pytest.raises(ValueError, match="positions must have shape"):
        quality(g, np.zeros((5, 2)))
    with pytest.raises(ValueError, match="pairs"):
        normalized_stress(g, np.zeros((4, 2)), pairs=0)
    with pytest.raises(ValueError, match="sample"):
        neighborhood_preservation(g, np.zeros((4, 2)), sample=-1)
    with pytest.raises(ValueError, match="k must"):
        block_purity(np.zeros((4, 2)), [0, 0, 1, 1], k=0)
    with pytest.raises(TypeError, match="GraphInput"):
        edge_length_cv([[0, 1]], np.zeros((2, 2)))
