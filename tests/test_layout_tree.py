"""Tidy trees, radial drawings and bent edges of the hierarchical layout.

Every check is geometry computed by brute force from the drawing: no two nodes of a
layer closer than the node spacing, every parent centred over its children, identical
subtrees drawn identically, rings growing outward without overlaps, DAG edges pointing
one way with one bend per layer crossed, and bends drawn by the exporters.
"""
import io

import networkx as nx
import numpy as np
import pytest
import skia
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg
from groggy.layouts import EdgeBends
from groggy.themes import get_theme
from groggy.viz.hierarchical import assign_layers, hierarchical_drawing
from groggy.viz.render import Scene
from groggy.viz.style import Style
from groggy.viz.tidy import forest_parents, radial_positions, tidy_x
from test_layout_hierarchical import make_graph

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)
EPS = 1e-9


@st.composite
def trees(draw, max_nodes=40):
    """(n, parent -> child edges, root): a random recursive tree with shuffled ids."""
    n = draw(st.integers(1, max_nodes))
    label = np.array(draw(st.permutations(range(n))))
    parent = [draw(st.integers(0, i - 1)) for i in range(1, n)]
    edges = [(int(label[p]), int(label[c])) for c, p in enumerate(parent, start=1)]
    return n, edges, int(label[0])


def children_of(n, edges):
    kids = [[] for _ in range(n)]
    for p, c in edges:
        kids[p].append(c)
    return [sorted(k) for k in kids]


def check_tidy(pos, edges, n, spacing=1.0, layer_spacing=1.0):
    kids = children_of(n, edges)
    # every edge points down one layer
    for p, c in edges:
        assert pos[c, 1] == pytest.approx(pos[p, 1] - layer_spacing, abs=EPS)
    # no two nodes of a layer closer than the spacing (every pair, brute force)
    for i in range(n):
        for j in range(i + 1, n):
            if abs(pos[i, 1] - pos[j, 1]) < EPS:
                assert abs(pos[i, 0] - pos[j, 0]) >= spacing - EPS, (i, j, pos[i], pos[j])
    for p in range(n):
        if kids[p]:
            xs = pos[kids[p], 0]
            # centred over its children, exactly (up to rounding) ...
            assert pos[p, 0] == pytest.approx((xs.min() + xs.max()) / 2, abs=EPS)
            # ... which stand in node order
            assert (np.diff(xs) > 0).all()


def subtree_shapes(pos, n, edges):
    """{ordered shape of a subtree: [relative drawing of each subtree of that shape]}"""
    kids = children_of(n, edges)
    shape, order = {}, {}
    has_parent = {c for _, c in edges}
    stack = [(r, False) for r in range(n) if r not in has_parent]
    while stack:                                   # post-order, no recursion
        v, done = stack.pop()
        if not done:
            stack.append((v, True))
            stack.extend((c, False) for c in reversed(kids[v]))
            continue
        shape[v] = "(" + "".join(shape[c] for c in kids[v]) + ")"
        order[v] = [v] + [w for c in kids[v] for w in order[c]]
    out = {}
    for v in range(n):
        out.setdefault(shape[v], []).append(pos[order[v]] - pos[v])
    return out


# --------------------------------------------------------------------------- tidy trees

@SETTINGS
@given(trees(), st.booleans(), st.floats(0.25, 4), st.floats(0.25, 4))
def test_tidy_tree_geometry(data, directed, spacing, layer_spacing):
    n, edges, root = data
    g = make_graph(n, edges, directed)
    params = {"node_spacing": spacing, "layer_spacing": layer_spacing}
    if not directed:
        params["root"] = root                     # undirected: name the root
    lay = g.viz.compute_layout("hierarchical", **params)
    pos = lay.node_positions
    assert lay.edge_bends is None                 # tree edges join consecutive layers
    check_tidy(pos, edges, n, spacing, layer_spacing)
    for drawings in subtree_shapes(pos, n, edges).values():
        for other in drawings[1:]:
            assert np.allclose(other, drawings[0], atol=1e-7)
    assert pos[root, 1] == 0.0


def test_tidy_tree_is_walkers_drawing_of_a_hand_case():
    # a root with children 1 (two leaves) and 2 (three leaves): the 5 leaves sit 1 apart
    edges = [(0, 1), (0, 2), (1, 3), (1, 4), (2, 5), (2, 6), (2, 7)]
    pos = make_graph(8, edges).viz.compute_layout("hierarchical").node_positions
    assert pos[[3, 4, 5, 6, 7], 0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert pos[[1, 2], 0].tolist() == [0.5, 3.0]
    assert pos[0, 0] == 1.75
    # a subtree is pushed apart only as far as its widest shared layer needs, and the
    # siblings between two pushed subtrees are spread evenly (Walker's apportion)
    edges = [(0, 1), (0, 2), (0, 3), (1, 4), (1, 5), (1, 6), (3, 7), (3, 8), (3, 9)]
    pos = make_graph(10, edges).viz.compute_layout("hierarchical").node_positions
    assert pos[[4, 5, 6, 7, 8, 9], 0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert pos[[1, 2, 3], 0].tolist() == [1.0, 2.5, 4.0]


def test_forests_sit_side_by_side_and_isolated_nodes_in_a_row():
    edges = [(0, 1), (0, 2), (3, 4), (4, 5), (4, 6)]
    pos = make_graph(8, edges).viz.compute_layout("hierarchical").node_positions
    check_tidy(pos, edges, 8)
    spans = [(pos[c, 0].min(), pos[c, 0].max()) for c in ([0, 1, 2], [3, 4, 5, 6], [7])]
    for (_, hi), (lo, _) in zip(spans, spans[1:]):
        assert lo - hi == pytest.approx(2.0)


def test_undirected_tree_roots_are_the_apis_roots():
    edges = [(0, 1), (1, 2), (1, 3), (3, 4)]
    g = make_graph(5, edges, directed=False)
    pos = g.viz.compute_layout("hierarchical").node_positions   # root: smallest node
    check_tidy(pos, edges, 5)
    pos = g.viz.compute_layout("hierarchical", root=3).node_positions
    rooted = [(3, 1), (3, 4), (1, 0), (1, 2)]
    check_tidy(pos, rooted, 5)
    assert pos[3, 1] == 0


def test_graphs_that_are_not_forests_in_their_layers_take_the_layered_path():
    assert forest_parents(np.array([0, 1, 1, 2]), np.array([0, 0, 1, 2]),
                          np.array([1, 2, 3, 3]), 4) is None          # a diamond
    # two roots in one tree: the middle node would have two parents
    layer = np.array([0, 1, 0])
    assert forest_parents(layer, np.array([0, 2]), np.array([1, 1]), 3) is None
    # an edge across two layers
    assert forest_parents(np.array([0, 2]), np.array([0]), np.array([1]), 2) is None


@pytest.mark.parametrize("shape", ["path", "random", "star", "binary"])
def test_large_trees_have_no_depth_limit(shape):
    n = 100_000
    rng = np.random.default_rng(0)
    if shape == "path":
        parent = np.arange(-1, n - 1)
    elif shape == "random":
        parent = np.r_[-1, (rng.random(n - 1) * np.arange(1, n)).astype(np.int64)]
    elif shape == "star":
        parent = np.r_[-1, np.zeros(n - 1, dtype=np.int64)]
    else:
        parent = np.r_[-1, (np.arange(1, n) - 1) // 2]
    g = gg.Graph(directed=True)
    g.add_nodes(n)
    g.add_edges(parent[1:], np.arange(1, n))
    pos = g.viz.compute_layout("hierarchical").node_positions
    child = np.arange(1, n)
    assert (pos[child, 1] == pos[parent[1:], 1] - 1).all()
    # parent centred over its first and last child (children are in id order here)
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    np.minimum.at(lo, parent[1:], pos[child, 0])
    np.maximum.at(hi, parent[1:], pos[child, 0])
    inner = np.isfinite(lo)
    assert np.allclose(pos[inner, 0], (lo[inner] + hi[inner]) / 2, atol=1e-6)
    order = np.lexsort((pos[:, 0], pos[:, 1]))          # no overlaps on any layer
    same = np.diff(pos[order, 1]) == 0
    assert (np.diff(pos[order, 0])[same] >= 1 - 1e-6).all()


def test_tidy_x_kernel_on_its_own():
    x = tidy_x(np.array([-1, 0, 0, 1, 1, 2]), np.array([0, 1, 1, 2, 2, 2]), 2.0)
    assert x.tolist() == [2.5, 1.0, 4.0, 0.0, 2.0, 4.0]


# --------------------------------------------------------------------------- radial

@SETTINGS
@given(trees(), st.floats(0.5, 3), st.floats(0.5, 3))
def test_radial_tree_rings_grow_outward_without_overlaps(data, spacing, layer_spacing):
    n, edges, root = data
    g = make_graph(n, edges)
    pos = g.viz.compute_layout("hierarchical", radial=True, node_spacing=spacing,
                               layer_spacing=layer_spacing).node_positions
    r = np.hypot(pos[:, 0], pos[:, 1])
    assert r[root] == 0
    for p, c in edges:
        assert r[c] >= r[p] + layer_spacing - EPS          # children further out
    depth = nx.single_source_shortest_path_length(nx.DiGraph(edges), root) if edges else {0: 0}
    for v in range(n):                                      # one ring per layer
        same = [u for u in range(n) if depth[u] == depth[v]]
        assert np.allclose(r[same], r[v])
    least = min(spacing, layer_spacing)
    for i in range(n):
        for j in range(i + 1, n):
            assert np.hypot(*(pos[i] - pos[j])) >= least - 1e-7, (i, j)


def test_radial_keeps_the_order_along_a_layer_as_the_angle():
    pos = radial_positions(np.array([1.5, 0.0, 1.0, 2.0, 3.0]), np.array([0, 1, 1, 1, 1]),
                           1.0, 1.0)
    angle = np.arctan2(pos[1:, 0], pos[1:, 1]) % (2 * np.pi)   # clockwise from the top
    assert (np.diff(angle) > 0).all() and angle[0] == 0
    assert np.hypot(*pos[0]) == 0


def test_radial_forest_puts_the_roots_on_a_ring():
    pos = make_graph(4, [(0, 1), (2, 3)]).viz.compute_layout(
        "hierarchical", radial=True).node_positions
    r = np.hypot(pos[:, 0], pos[:, 1])
    assert r[0] == pytest.approx(r[2]) and r[0] >= 1 and (r[[1, 3]] >= r[0] + 1 - EPS).all()
    assert np.hypot(*(pos[0] - pos[2])) >= 1 - EPS


# --------------------------------------------------------------------------- DAGs: bends

@st.composite
def digraphs(draw, max_nodes=20, max_edges=45, acyclic=True):
    n = draw(st.integers(2, max_nodes))
    rank = np.array(draw(st.permutations(range(n))))
    node = st.integers(0, n - 1)
    pairs = draw(st.lists(st.tuples(node, node), min_size=1, max_size=max_edges))
    if acyclic:
        pairs = [(a, b) if rank[a] <= rank[b] else (b, a) for a, b in pairs]
    return n, pairs


def check_bends(g, lay, spacing):
    """Every edge spanning k layers bends k - 1 times, once on each layer between its
    ends, in order from source to target; no other edge bends."""
    inp = g.viz.graph_input()
    pos, bends = lay.node_positions, lay.edge_bends
    offsets, points = (bends.for_edges(np.arange(inp.sources.size)) if bends is not None
                       else (np.zeros(inp.sources.size + 1, np.int64), np.zeros((0, 2))))
    layer_of = np.round(-pos[:, 1] / spacing).astype(int)
    for e, (a, b) in enumerate(zip(inp.sources.tolist(), inp.targets.tolist())):
        here = points[offsets[e]:offsets[e + 1]]
        span = abs(layer_of[a] - layer_of[b])
        if a == b or span <= 1:
            assert here.shape[0] == 0, (a, b)
            continue
        assert here.shape[0] == span - 1, (a, b, here)
        step = 1 if layer_of[b] > layer_of[a] else -1
        want = -spacing * np.arange(layer_of[a] + step, layer_of[b], step)
        assert np.allclose(here[:, 1], want), (a, b, here)    # each bend on its layer's y
    return offsets, points


@SETTINGS
@given(digraphs(), st.floats(0.5, 3))
def test_dag_edges_point_one_way_and_long_edges_bend_on_each_layer(data, spacing):
    n, edges = data
    g = make_graph(n, edges)
    lay = g.viz.compute_layout("hierarchical", layer_spacing=spacing)
    pos = lay.node_positions
    for a, b in edges:
        if a != b:
            assert pos[a, 1] > pos[b, 1]
    offsets, points = check_bends(g, lay, spacing)
    # bends sit apart from each other and from the nodes of their layer (repeated edges
    # share their bends)
    every = np.vstack([pos, np.unique(points, axis=0)])
    for y in np.unique(every[:, 1]):
        xs = np.sort(every[np.abs(every[:, 1] - y) < 1e-9, 0])
        assert (np.diff(xs) >= 1 - 1e-9).all()


@SETTINGS
@given(digraphs(acyclic=False))
def test_cyclic_graphs_bend_from_source_to_target(data):
    n, edges = data
    g = make_graph(n, edges)
    check_bends(g, g.viz.compute_layout("hierarchical"), 1.0)


@pytest.mark.parametrize("placement", ["auto", "brandes-koepf", "least-squares"])
def test_long_edges_run_straight(placement):
    # 0 -> 1 -> 2 -> 3 -> 4 and 0 -> 4: the chain and the long edge side by side, the
    # long edge's bends in one vertical line (least squares straightens it afterwards)
    edges = [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4), (0, 5), (5, 4)]
    lay = make_graph(6, edges).viz.compute_layout("hierarchical", placement=placement)
    bends = lay.edge_bends
    offsets, points = bends.for_edges(np.array([4]))
    assert points.shape == (3, 2) and np.ptp(points[:, 0]) < 1e-9


def test_least_squares_straightens_the_runs_that_have_room():
    # a long edge 0 -> 6 beside a chain, with four nodes hanging from 2 and pulling the
    # lower bends aside: the least-squares pulls leave them off the line of the upper
    # ones (5, 5, 5, 4.34, 4.34); the layers have room, so all five end on one line
    edges = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (0, 6),
             (2, 7), (2, 8), (2, 9), (2, 10), (7, 4), (10, 4)]
    g = make_graph(11, edges)
    lay = g.viz.compute_layout("hierarchical", placement="least-squares")
    pos = lay.node_positions
    check_no_overlap_layers(pos, lay)
    offsets, points = lay.edge_bends.for_edges(np.array([6]))
    assert points.shape == (5, 2)
    assert np.ptp(points[:, 0]) < 1e-9


def check_no_overlap_layers(pos, lay):
    points = lay.edge_bends.points
    every = np.vstack([pos, np.unique(points, axis=0)])
    for y in np.unique(every[:, 1]):
        xs = np.sort(every[np.abs(every[:, 1] - y) < 1e-9, 0])
        assert (np.diff(xs) >= 1 - 1e-9).all()


def inner_segments(pos, offsets, points, edges):
    """Dummy-to-dummy pieces of every long edge, once per node pair: ((x_up, y_up),
    (x_down, y_down)) rows."""
    seen, rows = set(), []
    for e, (a, b) in enumerate(edges):
        here = points[offsets[e]:offsets[e + 1]]
        if here.shape[0] < 2 or (a, b) in seen:
            continue
        seen.add((a, b))
        if here[0, 1] < here[-1, 1]:
            here = here[::-1]
        rows.extend(np.hstack([here[:-1], here[1:]]))
    return np.array(rows).reshape(-1, 4)


@SETTINGS
@given(digraphs(max_nodes=24, max_edges=50), st.floats(0.5, 3))
def test_brandes_koepf_runs_long_edges_straight(data, spacing):
    # Brandes and Koepf align every inner segment (bend to bend) that no other inner
    # segment crosses, in all four passes, so it is vertical in the balanced drawing
    n, edges = data
    g = make_graph(n, edges)
    lay = g.viz.compute_layout("hierarchical", placement="brandes-koepf",
                               node_spacing=spacing)
    pos = lay.node_positions
    offsets, points = check_bends(g, lay, 1.0)
    inp = g.viz.graph_input()
    seg = inner_segments(pos, offsets, points,
                         list(zip(inp.sources.tolist(), inp.targets.tolist())))
    for i, (x0, y0, x1, y1) in enumerate(seg):
        same = (np.abs(seg[:, 1] - y0) < EPS) & (np.arange(len(seg)) != i)
        crossed = ((seg[same, 0] - x0) * (seg[same, 2] - x1) < -EPS).any()
        if not crossed:
            assert abs(x1 - x0) < 1e-9, (x0, y0, x1, y1)
    # order and spacing survive the balancing: nodes and bends of a layer stay apart
    every = np.vstack([pos, np.unique(points, axis=0)])
    for y in np.unique(every[:, 1]):
        xs = np.sort(every[np.abs(every[:, 1] - y) < 1e-9, 0])
        assert (np.diff(xs) >= spacing - 1e-9).all()


def layered_dag(seed, n=300, layers=12):
    """A random layered DAG (fixed seed): each node below the top layer gets 1-3
    parents, most on the layer just above, some 2-4 layers up (long edges)."""
    rng = np.random.default_rng(seed)
    layer = np.sort(rng.integers(0, layers, n))
    edges = []
    for v in range(n):
        for _ in range(int(rng.integers(1, 4)) if layer[v] else 0):
            up = layer[v] - (1 if rng.random() < 0.7 else int(rng.integers(2, 5)))
            above = np.flatnonzero(layer == max(up, 0))
            if above.size and layer[above[0]] < layer[v]:
                edges.append((int(rng.choice(above)), v))
    return make_graph(n, edges)


def width(g, placement):
    pos = g.viz.compute_layout("hierarchical", placement=placement).node_positions
    return np.ptp(pos[:, 0])


@pytest.mark.parametrize("seed", range(6))
def test_default_placement_is_never_wider_than_the_old_least_squares_one(seed):
    # the old placement (least squares, before Brandes-Koepf) is still "least-squares";
    # the default takes Brandes-Koepf per component only where it is no wider
    g = layered_dag(seed)
    auto, old, bk = (width(g, p) for p in ("auto", "least-squares", "brandes-koepf"))
    assert auto <= old + 1e-9 and auto <= max(bk, old) + 1e-9


def test_default_placement_takes_brandes_koepf_where_it_is_narrower():
    # 0 -> 3 -> 4 -> 6 with 3 -> 6 beside it, 0 and 1 -> 5: Brandes-Koepf packs this
    # one narrower than least squares, so the default draws it
    g = make_graph(7, [(0, 3), (0, 5), (1, 5), (3, 4), (3, 6), (4, 6)])
    assert width(g, "brandes-koepf") < width(g, "least-squares")
    auto = g.viz.compute_layout("hierarchical").node_positions
    bk = g.viz.compute_layout("hierarchical", placement="brandes-koepf").node_positions
    assert np.allclose(auto, bk)
    with pytest.raises(ValueError, match="placement must be one of"):
        g.viz.compute_layout("hierarchical", placement="dot")


def test_bends_turn_with_the_direction_and_follow_edge_ids():
    edges = [(3, 4), (0, 1), (1, 2), (0, 2)]
    g = make_graph(5, edges)
    down = g.viz.compute_layout("hierarchical").edge_bends
    right = g.viz.compute_layout("hierarchical", direction="left-right").edge_bends
    assert down.edge_ids.tolist() == [0, 1, 2, 3]
    assert down.offsets.tolist() == [0, 0, 0, 0, 1]
    assert np.allclose(right.points, down.points[:, ::-1] * [-1, 1])
    assert right.points[0, 0] == 1.0                      # layer 1, to the right
    # after a removal the edge ids stay the graph's
    g.remove_edge(0)
    lay = g.viz.compute_layout("hierarchical")
    assert lay.edge_bends.edge_ids.tolist() == [1, 2, 3]
    assert lay.edge_bends.for_edges(np.array([3]))[1].shape == (1, 2)


def test_edge_bends_for_edges_selects_and_reorders():
    bends = EdgeBends(np.array([5, 2, 9]), np.array([0, 1, 1, 3]),
                      np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    offsets, points = bends.for_edges(np.array([9, 4, 5]))
    assert offsets.tolist() == [0, 2, 2, 3]
    assert points.tolist() == [[2.0, 3.0], [4.0, 5.0], [0.0, 1.0]]
    offsets, points = EdgeBends(np.zeros(0, np.int64), np.zeros(1, np.int64),
                                np.zeros((0, 2))).for_edges(np.array([1, 2]))
    assert offsets.tolist() == [0, 0, 0] and points.shape == (0, 2)


def test_bad_radial_is_named():
    with pytest.raises(ValueError, match="radial"):
        make_graph(2, [(0, 1)]).viz.compute_layout("hierarchical", radial="yes")


def test_assign_layers_unchanged_for_trees():
    g = make_graph(4, [(0, 1), (1, 2), (0, 3)])
    assert assign_layers(g.viz.graph_input()).tolist() == [0, 1, 2, 1]
    d = hierarchical_drawing(g.viz.graph_input())
    assert d.bend_offsets.tolist() == [0, 0, 0, 0] and d.bend_points.shape == (0, 2)


# --------------------------------------------------------------------------- drawing

def png_pixels(data: bytes) -> np.ndarray:
    return skia.Image.MakeFromEncoded(data).toarray(colorType=skia.kRGBA_8888_ColorType)


def test_exported_edges_pass_through_their_bends():
    # 0 -> 1 -> 2 -> 3 and 0 -> 3 beside it: the long edge is drawn through its bends,
    # not as the straight line from 0 to 3 (which would run over the chain)
    edges = [(0, 1), (1, 2), (2, 3), (0, 3)]
    g = make_graph(4, edges)
    lay = g.viz.compute_layout("hierarchical")
    offsets, points = lay.edge_bends.for_edges(np.array([3]))
    assert points.shape == (2, 2)
    w, h = 400, 300
    # as the export draws it: a layered layout fills the page (no aspect kept)
    style = Style(node_size=4, edge_width=2, arrows=False, keep_aspect=False)
    inp = g.viz.graph_input()
    bends = lay.edge_bends.for_edges(np.arange(len(edges)))
    scene = Scene(inp, lay.node_positions, get_theme("light"), w, h, style, bends)
    page_bends = scene.frame.points(points)
    straight = scene.frame.points(lay.node_positions[[0, 3]]).mean(0)
    png = png_pixels(g.viz.render(layout=lay, width=w, height=h, node_size=4, edge_width=2,
                                  arrows=False))
    background = png[2, 2]
    for x, y in page_bends:
        assert (png[int(round(y)), int(round(x))] != background).any()
    # the straight chord from 0 to 3 misses the bends, so nothing is drawn at its middle
    if np.min(np.hypot(*(page_bends - straight).T)) > 6:
        assert (png[int(round(straight[1])), int(round(straight[0]))] == background).all()
    for fmt in ("svg", "pdf"):
        assert len(g.viz.render(fmt, layout=lay)) > 0
    svg = g.viz.render("svg", layout=lay).decode()
    assert f"{page_bends[0][0]:.0f}" in svg or "path" in svg


def test_subgraph_export_with_a_whole_graph_layout_uses_its_bends():
    edges = [(0, 1), (1, 2), (0, 2), (2, 3)]
    g = make_graph(4, edges)
    lay = g.viz.compute_layout("hierarchical")
    sub = g.nodes[[0, 1, 2]]
    out = png_pixels(sub.viz.render(layout=lay, width=200, height=200))
    assert out.shape == (200, 200, 4)
    buf = io.BytesIO(g.viz.render("pdf", layout=lay))
    assert buf.getvalue()[:5] == b"%PDF-"


# --------------------------------------------------------------------------- stored

def test_bends_are_saved_and_mapped_back_with_a_stored_layout(tmp_path):
    edges = [(0, 1), (1, 2), (2, 3), (0, 3), (0, 2)]
    g = make_graph(4, edges)
    lay = g.viz.compute_layout("hierarchical", store="layers")
    g.layouts["plain"] = lay.node_positions                 # no bends: none stored
    path = g.save(tmp_path / "g.groggy")
    h = gg.open(path)
    back = h.layouts["layers"]
    assert h.layouts["plain"].edge_bends is None
    for got, want in zip(back.edge_bends, lay.edge_bends):
        assert np.array_equal(got, want)
    # and they are drawn: the PNG from the stored layout is the PNG from the computed one
    assert h.viz.render(layout="layers") == g.viz.render(layout=lay)
    # a second save of the opened graph keeps them
    h2 = gg.open(h.copy().save(tmp_path / "again.groggy"))
    assert np.array_equal(h2.layouts["layers"].edge_bends.points, lay.edge_bends.points)
    # a subgraph's view of the stored layout keeps them (keyed by edge id)
    assert h.nodes[[0, 2, 3]].layouts["layers"].edge_bends is not None


def test_a_flipped_byte_in_stored_bends_is_a_store_error(tmp_path):
    g = make_graph(3, [(0, 1), (1, 2), (0, 2)])
    g.viz.compute_layout("hierarchical", store=True)
    path = g.save(tmp_path / "g.groggy")
    gen = next(p for p in path.iterdir() if p.name.startswith("gen-"))
    points = gen / "layouts" / "hierarchical.bends" / "points.npy"
    data = bytearray(points.read_bytes())
    data[-1] ^= 0xFF
    points.write_bytes(bytes(data))
    with pytest.raises(gg.StoreError, match="points.npy"):
        gg.open(path).layouts["hierarchical"]
