"""Hierarchical layout (groggy.viz.hierarchical and g.viz.compute_layout("hierarchical")).

Invariants on hypothesis-generated graphs (edges point down the layers, no overlaps
within a layer, the feedback arc set really breaks every cycle), tiny hand-made cases
(trees, directions, components), degenerate inputs, bad parameters, and the public
API over in-memory, table and memory-mapped graphs.
"""
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg
from groggy import kernels
from groggy._core import _hier
from groggy.viz.hierarchical import assign_layers, feedback_arcs, hierarchical_layout

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


def make_graph(n, edges, directed=True) -> gg.Graph:
    g = gg.Graph(directed=directed)
    g.add_nodes(n)
    if len(edges):
        g.add_edges([(int(a), int(b)) for a, b in edges])
    return g


def layout(g, **params) -> np.ndarray:
    return g.viz.compute_layout("hierarchical", **params).node_positions


@st.composite
def dags(draw, max_nodes=25, max_edges=50):
    """A DAG with shuffled node numbers (so id order is not a topological order),
    possibly with multi-edges and self-loops (which a layout ignores)."""
    n = draw(st.integers(1, max_nodes))
    rank = np.array(draw(st.permutations(range(n))))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                          max_size=max_edges))
    edges = [(a, b) if rank[a] <= rank[b] else (b, a) for a, b in pairs]
    return n, edges


@st.composite
def digraphs(draw, max_nodes=20, max_edges=50):
    n = draw(st.integers(1, max_nodes))
    node = st.integers(0, n - 1)
    return n, draw(st.lists(st.tuples(node, node), max_size=max_edges))


def check_no_overlap(pos, spacing):
    """Nodes that share a y never come closer than ``spacing`` along x."""
    for y in np.unique(pos[:, 1]):
        xs = np.sort(pos[pos[:, 1] == y, 0])
        assert (np.diff(xs) >= spacing - 1e-9).all(), (y, xs)


def crossings(pos, edges):
    """Crossings among edges joining adjacent layers of a top-down drawing."""
    e = [(a, b) for a, b in edges if a != b]
    count = 0
    for i, (a, b) in enumerate(e):
        for c, d in e[i + 1:]:
            if pos[a, 1] == pos[c, 1] and pos[b, 1] == pos[d, 1] and len({a, b, c, d}) == 4:
                count += (pos[a, 0] - pos[c, 0]) * (pos[b, 0] - pos[d, 0]) < 0
    return count


# --------------------------------------------------------------------------- invariants

@SETTINGS
@given(dags(), st.floats(0.1, 5), st.integers(0, 4))
def test_every_dag_edge_points_down(data, spacing, sweeps):
    n, edges = data
    g = make_graph(n, edges)
    pos = layout(g, layer_spacing=spacing, node_spacing=spacing, sweeps=sweeps)
    assert pos.shape == (n, 2) and np.isfinite(pos).all()
    for a, b in edges:
        if a != b:
            assert pos[a, 1] > pos[b, 1], (a, b)
    layers = -pos[:, 1] / spacing                      # y = -layer * layer_spacing
    assert np.allclose(layers, np.round(layers)) and layers.min() == 0
    check_no_overlap(pos, spacing)
    assert feedback_arcs([a for a, _ in edges], [b for _, b in edges], n).sum() == 0


@SETTINGS
@given(digraphs())
def test_cycles_are_broken_by_a_small_feedback_arc_set(data):
    n, edges = data
    src = np.array([a for a, _ in edges], dtype=np.int64)
    dst = np.array([b for _, b in edges], dtype=np.int64)
    flip = feedback_arcs(src, dst, n)
    loops = src == dst
    assert not flip[loops].any()
    assert flip.sum() <= (~loops).sum() / 2            # greedy never reverses more than half
    # reversing the set leaves a DAG
    dag = nx.DiGraph()
    dag.add_nodes_from(range(n))
    dag.add_edges_from((b, a) if f else (a, b) for a, b, f in zip(src, dst, flip) if a != b)
    assert nx.is_directed_acyclic_graph(dag)
    pos = layout(make_graph(n, edges))
    for a, b, f in zip(src, dst, flip):
        if a != b:
            assert (pos[a, 1] < pos[b, 1]) if f else (pos[a, 1] > pos[b, 1]), (a, b, f)
    check_no_overlap(pos, 1.0)


def test_feedback_arcs_of_cycles():
    # one 5-cycle needs exactly one reversal; two 2-cycles need one each
    assert feedback_arcs([0, 1, 2, 3, 4], [1, 2, 3, 4, 0], 5).sum() == 1
    assert feedback_arcs([0, 1, 2, 3], [1, 0, 3, 2], 4).sum() == 2
    assert feedback_arcs([], [], 0).tolist() == []
    with pytest.raises(ValueError, match="not a node id"):
        feedback_arcs([0], [7], 3)


@SETTINGS
@given(st.integers(1, 40), st.randoms(use_true_random=False), st.booleans())
def test_tree_children_one_layer_below_parents_and_no_crossings(n, rnd, directed):
    parent = [rnd.randrange(i) for i in range(1, n)]
    edges = list(zip(parent, range(1, n)))
    g = make_graph(n, edges, directed=directed)
    pos = layout(g, layer_spacing=2.0)
    for p, c in edges:
        assert pos[c, 1] == pos[p, 1] - 2.0
    assert crossings(pos, edges) == 0
    check_no_overlap(pos, 1.0)


def test_parent_is_centred_over_its_children():
    g = make_graph(4, [(0, 1), (0, 2), (0, 3)])
    pos = layout(g)
    assert pos[1:, 1].tolist() == [-1, -1, -1]
    assert pos[0, 0] == pytest.approx(pos[1:, 0].mean())
    assert np.diff(np.sort(pos[1:, 0])) == pytest.approx([1, 1])


@st.composite
def two_layers(draw):
    top, bottom = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    edges = draw(st.lists(st.tuples(st.integers(0, top - 1), st.integers(top, top + bottom - 1)),
                          min_size=1, max_size=30, unique=True))
    return top, bottom, edges


@SETTINGS
@given(two_layers())
def test_crossing_count_and_sweeps_against_brute_force(data):
    top, bottom, edges = data
    n = top + bottom
    src = np.array([a for a, _ in edges], dtype=np.int64)
    dst = np.array([b for _, b in edges], dtype=np.int64)
    # the kernel's count of the id order, with no sweeps, is the brute-force count
    group_ptr = np.array([0, top, n], dtype=np.int64)
    nodes = np.arange(n, dtype=np.int64)
    pos = np.r_[np.arange(top), np.arange(bottom)].astype(np.int64)
    up_ptr, up_idx, _ = kernels.build_csr(dst, src, n, both_ways=False)
    down_ptr, down_idx, _ = kernels.build_csr(src, dst, n, both_ways=False)
    scratch = (np.empty(2 * max(top, bottom)), np.empty(max(top, bottom) + 1, np.int64),
               np.empty(n, np.int64))
    count = _hier.barycenter_sweeps(group_ptr, nodes.copy(), pos.copy(), up_ptr, up_idx,
                                    down_ptr, down_idx, 0, *scratch)
    ids = np.column_stack([np.arange(n), np.zeros(n)]).astype(float)
    ids[:, 1] = np.where(np.arange(n) < top, 0, -1)
    assert count == crossings(ids, edges)
    # sweeps keep the best ordering seen, so they never add crossings
    g = make_graph(n, edges)
    swept = crossings(layout(g, sweeps=8), edges)
    assert swept <= crossings(layout(g, sweeps=0), edges) and swept <= count


def test_matchings_are_untangled():
    rng = np.random.default_rng(3)
    k = 12
    perm = rng.permutation(k)
    edges = [(i, k + int(perm[i])) for i in range(k)]
    pos = layout(make_graph(2 * k, edges))
    assert crossings(pos, edges) == 0


def test_many_long_edges_stay_within_the_dummy_budget():
    # a long path with an edge from its head to every node: ~n^2/2 dummy slots wanted
    n = 300
    edges = [(i, i + 1) for i in range(n - 1)] + [(0, i) for i in range(2, n)]
    pos = layout(make_graph(n, edges))
    assert all(pos[a, 1] > pos[b, 1] for a, b in edges)
    check_no_overlap(pos, 1.0)


def test_undirected_and_rooted_layers_are_bfs_depths():
    rng = np.random.default_rng(0)
    n = 30
    edges = [tuple(e) for e in rng.integers(0, n, (45, 2))]
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    for directed in (False, True):
        g = make_graph(n, edges, directed=directed)
        layers = assign_layers(g.viz.graph_input(), root=[5])
        depth = nx.single_source_shortest_path_length(G, 5)
        for v in range(n):
            if v in depth:
                assert layers[v] == depth[v]
        pos = layout(g, root=5)
        assert np.allclose(-pos[:, 1], layers)
    # no root: each component starts from its smallest node
    und = make_graph(n, edges, directed=False)
    layers = assign_layers(und.viz.graph_input())
    for comp in nx.connected_components(G):
        depth = nx.single_source_shortest_path_length(G, min(comp))
        assert all(layers[v] == depth[v] for v in comp)


def test_root_is_a_node_id_not_a_row():
    g = make_graph(8, [(5, 6), (6, 7)], directed=False)
    sub = g.nodes[[5, 6, 7]]
    lay = sub.viz.compute_layout("hierarchical", root=7)
    assert lay.node_ids.tolist() == [5, 6, 7]
    assert [lay[v][1] for v in (5, 6, 7)] == [-2, -1, 0]
    with pytest.raises(ValueError, match="root 0 is not a node"):
        sub.viz.compute_layout("hierarchical", root=0)


def test_directions_rotate_the_top_down_drawing():
    g = make_graph(6, [(0, 1), (0, 2), (1, 3), (2, 4), (2, 5)])
    x, y = layout(g, layer_spacing=2.0).T
    turned = {"left-right": (-y, x), "bottom-up": (-x, -y), "right-left": (y, -x)}
    for direction, (tx, ty) in turned.items():
        pos = layout(g, direction=direction, layer_spacing=2.0)
        assert np.allclose(pos, np.column_stack([tx, ty])), direction
    lr = layout(g, direction="left-right")
    assert all(lr[a, 0] < lr[b, 0] for a, b in [(0, 1), (1, 3)])   # layers go right


def test_components_sit_side_by_side():
    g = make_graph(7, [(0, 1), (0, 2), (3, 4), (4, 5)])      # and node 6 alone
    pos = layout(g, node_spacing=1.5)
    spans = [(pos[list(c), 0].min(), pos[list(c), 0].max()) for c in ([0, 1, 2], [3, 4, 5], [6])]
    for (_, hi), (lo, _) in zip(spans, spans[1:]):
        assert lo - hi >= 1.5
    check_no_overlap(pos, 1.5)


def test_deterministic_and_independent_of_repeats():
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 60, (2, 150))
    edges = [(int(u), int(v)) for u, v in zip(a, b)]
    g = make_graph(60, edges)
    first = layout(g)
    assert np.array_equal(first, layout(g))
    assert np.array_equal(first, layout(make_graph(60, edges)))
    # duplicates and self-loops change nothing in a DAG
    dag = [(min(u, v), max(u, v)) for u, v in edges if u != v]
    base = layout(make_graph(60, dag))
    noisy = dag + dag[:20] + [(i, i) for i in range(0, 60, 7)]
    assert np.array_equal(base, layout(make_graph(60, noisy)))


# --------------------------------------------------------------------------- degenerate

@pytest.mark.parametrize("directed", [True, False])
def test_degenerate_graphs(directed):
    assert layout(make_graph(0, [], directed)).shape == (0, 2)
    assert layout(make_graph(1, [], directed)).tolist() == [[0.0, 0.0]]
    assert layout(make_graph(1, [(0, 0), (0, 0)], directed)).tolist() == [[0.0, 0.0]]
    pos = layout(make_graph(2, [(0, 1)] * 5 + [(1, 1)], directed))
    assert pos.tolist() == [[0.0, 0.0], [0.0, -1.0]]
    pos = layout(make_graph(3, [], directed))                 # isolated nodes: one row
    assert pos[:, 1].tolist() == [0, 0, 0]
    check_no_overlap(pos, 1.0)


def test_two_cycle_and_self_loop():
    pos = layout(make_graph(2, [(0, 1), (1, 0), (0, 0)]))
    assert pos[0, 1] != pos[1, 1] and pos[0, 0] == pos[1, 0]


# --------------------------------------------------------------------------- parameters

@pytest.mark.parametrize("params, name", [
    ({"direction": "diagonal"}, "direction"),
    ({"direction": None}, "direction"),
    ({"layer_spacing": -1.0}, "layer_spacing"),
    ({"layer_spacing": 0}, "layer_spacing"),
    ({"node_spacing": -2}, "node_spacing"),
    ({"node_spacing": float("nan")}, "node_spacing"),
    ({"node_spacing": "1"}, "node_spacing"),
    ({"sweeps": -1}, "sweeps"),
    ({"sweeps": 1.5}, "sweeps"),
    ({"root": 99}, "root"),
    ({"root": "a"}, "root"),
    ({"colour": "red"}, "colour"),
])
def test_bad_parameters_name_themselves(params, name):
    g = make_graph(3, [(0, 1)])
    with pytest.raises(ValueError, match=name):
        g.viz.compute_layout("hierarchical", **params)


# --------------------------------------------------------------------------- public API

def test_public_api_aliases_tables_and_memory_maps(tmp_path):
    g = make_graph(6, [(0, 1), (0, 2), (2, 3), (3, 4), (1, 4), (4, 5)])
    lay = g.viz.compute_layout("hierarchical", direction="left-right")
    assert lay.algorithm == "hierarchical" and lay.params["direction"] == "left-right"
    assert lay.node_positions.shape == (6, 2)
    for alias in ("sugiyama", "layered", "tree"):
        assert np.array_equal(g.viz.compute_layout(alias).node_positions, layout(g))
    from_table = g.nodes.table().viz().compute_layout("hierarchical", direction="left-right")
    assert np.array_equal(from_table.node_positions, lay.node_positions)
    h = gg.open(g.save(tmp_path / "g.groggy"))
    mapped = h.viz.compute_layout("hierarchical", direction="left-right")
    assert np.array_equal(mapped.node_positions, lay.node_positions)
    assert np.array_equal(h.nodes.table().viz().compute_layout("hierarchical").node_positions,
                          layout(g))


def test_direct_function_on_a_graph_input():
    g = make_graph(3, [(0, 1), (1, 2)])
    pos = hierarchical_layout(g.viz.graph_input(), layer_spacing=3.0)
    assert pos[:, 1].tolist() == [0.0, -3.0, -6.0]


def test_large_dag_and_tree_are_fast_and_valid():
    rng = np.random.default_rng(0)
    n = 5000
    a, b = rng.integers(0, n, (2, 15000))
    keep = a != b
    src, dst = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    g = gg.Graph(directed=True)
    g.add_nodes(n)
    g.add_edges(src, dst)
    pos = layout(g)
    assert (pos[src, 1] > pos[dst, 1]).all()
    parent = (rng.random(n - 1) * np.arange(1, n)).astype(np.int64)
    t = gg.Graph()
    t.add_nodes(n)
    t.add_edges(parent, np.arange(1, n))
    pos = layout(t)
    assert (pos[np.arange(1, n), 1] == pos[parent, 1] - 1).all()
