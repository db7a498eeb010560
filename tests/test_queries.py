"""Asking a graph questions: paths, traversals, neighbourhoods, density, connectivity,
components and per-component aggregates, against networkx (and pandas) as oracles on
hypothesis-drawn graphs, directed and undirected, with self-loops and parallel edges."""
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg
from groggy import kernels


# --------------------------------------------------------------------------- graphs
@st.composite
def graphs(draw, max_nodes=12, max_edges=30):
    """(groggy graph, networkx multigraph twin): same ids, same edges in the same order,
    edge attribute ``w`` (non-negative), node attributes ``x`` (float, some null) and
    ``tag`` (str)."""
    directed = draw(st.booleans())
    n = draw(st.integers(1, max_nodes))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                          max_size=max_edges))
    w = draw(st.lists(st.integers(0, 9), min_size=len(pairs), max_size=len(pairs)))
    x = draw(st.lists(st.one_of(st.none(), st.integers(-5, 5).map(float)), min_size=n,
                      max_size=n))
    tag = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    g = gg.Graph(directed=directed)
    g.add_nodes({"x": x, "tag": tag})
    g.add_edges(np.array([p[0] for p in pairs], dtype=np.int64),
                np.array([p[1] for p in pairs], dtype=np.int64), w=np.array(w, dtype=float))
    G = nx.MultiDiGraph() if directed else nx.MultiGraph()
    G.add_nodes_from(range(n))
    for (u, v), wt in zip(pairs, w):
        G.add_edge(u, v, w=float(wt))
    return g, G


def _path_ok(G, sg, s, t, length, weighted):
    """The subgraph's edges form a walk from s to t of the given length."""
    g = sg._graph
    edges = sg.edge_ids().to_list()
    H = nx.MultiDiGraph() if G.is_directed() else nx.MultiGraph()
    H.add_nodes_from(sg.node_ids().to_list())
    for e in edges:
        H.add_edge(*g.edge_endpoints(e))
    assert s in H and t in H and nx.has_path(H, s, t)
    if weighted:
        total = sum(g.get_edge_attr(e, "w") for e in edges)
        assert math.isclose(total, length)
    else:
        assert len(edges) == length and sg.node_count() == length + 1


# --------------------------------------------------------------------------- paths
@settings(max_examples=150, deadline=None)
@given(graphs(), st.data())
def test_shortest_paths_match_networkx(pair, data):
    g, G = pair
    s = data.draw(st.integers(0, g.node_count() - 1))
    t = data.draw(st.integers(0, g.node_count() - 1))
    assert g.has_path(s, t) == nx.has_path(G, s, t)
    for weight in (None, "w"):
        path = g.shortest_path(s, t, weight=weight)
        if not nx.has_path(G, s, t):
            assert path is None
            continue
        want = nx.shortest_path_length(G, s, t, weight=weight)
        _path_ok(G, path, s, t, want, weight is not None)


@settings(max_examples=80, deadline=None)
@given(graphs(), st.data())
def test_paths_inside_a_subgraph_use_its_edges_only(pair, data):
    g, G = pair
    keep = data.draw(st.lists(st.integers(0, g.node_count() - 1), min_size=1, unique=True))
    sg = g.nodes[keep]
    H = G.subgraph(keep)
    s, t = data.draw(st.sampled_from(sorted(keep))), data.draw(st.sampled_from(sorted(keep)))
    assert sg.has_path(s, t) == nx.has_path(H, s, t)
    path = sg.shortest_path(s, t, weight="w")
    if path is None:
        assert not nx.has_path(H, s, t)
    else:
        _path_ok(H, path, s, t, nx.shortest_path_length(H, s, t, weight="w"), True)
        assert set(path.edge_ids().to_list()) <= set(sg.edge_ids().to_list())
    assert math.isclose(sg.density(), nx.density(H))
    assert sg.is_connected() == nx.is_weakly_connected(H) if H.is_directed() \
        else sg.is_connected() == nx.is_connected(H)


def test_shortest_path_hand_made():
    g = gg.Graph(directed=True)
    g.add_nodes(5)
    g.add_edges([0, 1, 0, 3], [1, 2, 2, 4], cost=[1.0, 1.0, 5.0, 1.0])
    assert g.shortest_path(0, 2).edge_ids().to_list() == [2]
    assert g.shortest_path(0, 2, weight="cost").edge_ids().to_list() == [0, 1]
    assert g.shortest_path(0, 2, weight_attribute="cost").node_ids().to_list() == [0, 1, 2]
    assert g.shortest_path(2, 0) is None and not g.has_path(2, 0)
    assert g.shortest_path(3, 3).node_ids().to_list() == [3]
    assert type(g.shortest_path(0, 1)).__name__ == "Subgraph"


# --------------------------------------------------------------------------- traversals
def _valid_dfs(G, order):
    """Each next node hangs off the deepest node on the current path that still had an
    unvisited neighbour (the definition of a depth-first preorder)."""
    succ = G.successors if G.is_directed() else G.neighbors
    seen, stack = {order[0]}, [order[0]]
    for v in order[1:]:
        while v not in set(succ(stack[-1])):
            assert set(succ(stack[-1])) <= seen, "left a node with unvisited neighbours"
            stack.pop()
        seen.add(v)
        stack.append(v)
    return True


@settings(max_examples=150, deadline=None)
@given(graphs(), st.data())
def test_bfs_and_dfs_orders(pair, data):
    g, G = pair
    s = data.draw(st.integers(0, g.node_count() - 1))
    depth = data.draw(st.one_of(st.none(), st.integers(0, 3)))
    g.dfs(s, max_depth=depth, inplace=True)
    g.bfs(s, max_depth=depth, inplace=True, attr_name="b")
    dfs = g.nodes["dfs_order"].to_list()
    bfs = g.nodes["b"].to_list()
    d_order = sorted((p, v) for v, p in enumerate(dfs) if p is not None)
    b_order = sorted((p, v) for v, p in enumerate(bfs) if p is not None)
    d_order, b_order = [v for _, v in d_order], [v for _, v in b_order]
    reach = nx.single_source_shortest_path_length(G, s, cutoff=depth)
    assert set(d_order) == set(b_order) == set(reach)
    assert d_order[0] == b_order[0] == s
    # the same orders networkx gives for the same adjacency order, and valid on their own
    # (networkx reads depth_limit=0 as no limit; ours stays at the start)
    if depth != 0:
        assert d_order == list(nx.dfs_preorder_nodes(G, s, depth_limit=depth))
        assert b_order == [s] + [v for _, v in nx.bfs_edges(G, s, depth_limit=depth)]
    if depth is None:
        assert _valid_dfs(G, d_order)
    dist = [reach[v] for v in b_order]
    assert dist == sorted(dist)
    assert g.bfs(s, max_depth=depth).node_ids().to_list() == sorted(reach)
    assert g.dfs(s, max_depth=depth).node_ids().to_list() == sorted(reach)


def test_traversals_of_a_subgraph_stay_inside():
    g = gg.Graph()
    g.add_nodes(5)
    g.add_edges([(0, 1), (1, 2), (2, 3), (0, 4), (4, 3)])
    sg = g.nodes[[0, 1, 2, 3]]
    assert sg.bfs(0).node_ids().to_list() == [0, 1, 2, 3]
    assert sg.dfs(3, max_depth=1).node_ids().to_list() == [2, 3]
    assert sg.shortest_path(0, 3).edge_count() == 3        # not through 4
    assert g.shortest_path(0, 3).edge_count() == 2
    with pytest.raises(KeyError, match="start 4 is not a node of this subgraph"):
        sg.bfs(4)


# --------------------------------------------------------------------------- measures
@settings(max_examples=150, deadline=None)
@given(graphs())
def test_density_and_connectivity(pair):
    g, G = pair
    assert math.isclose(g.density(), nx.density(G))
    connected = nx.is_weakly_connected(G) if G.is_directed() else nx.is_connected(G)
    assert g.is_connected() == connected
    assert math.isclose(g.view().density(), g.density())


def test_empty_and_single_node():
    g = gg.Graph()
    assert g.density() == 0.0 and not g.is_connected()
    g.add_node()
    assert g.density() == 0.0 and g.is_connected()
    assert len(g.connected_components()) == 1


# --------------------------------------------------------------------------- neighbourhoods
@settings(max_examples=120, deadline=None)
@given(graphs(), st.data())
def test_neighborhoods_match_ego_graphs(pair, data):
    g, G = pair
    centers = data.draw(st.lists(st.integers(0, g.node_count() - 1), min_size=1, max_size=4))
    depth = data.draw(st.integers(0, 3))
    hoods = g.neighborhood(centers, depth=depth)
    assert len(hoods) == len(centers)
    for c, sg in zip(centers, hoods):
        ego = nx.ego_graph(G, c, radius=depth)
        assert sg.node_ids().to_list() == sorted(ego)
        assert sg.edge_count() == ego.number_of_edges()
    # a subgraph's neighbourhoods expand into the whole graph
    sub = g.nodes[sorted(set(centers))]
    for c, sg in zip(sorted(set(centers)), sub.neighborhood(depth=depth)):
        assert sg.node_ids().to_list() == sorted(nx.ego_graph(G, c, radius=depth))
    # a subgraph array's neighbourhood grows each subgraph by depth hops
    grown = g.connected_components().neighborhood(depth)
    for comp, sg in zip(g.connected_components(), grown):
        want = set()
        for v in comp.node_ids().to_list():
            want |= set(nx.ego_graph(G, v, radius=depth))
        assert sg.node_ids().to_list() == sorted(want)


def test_neighborhood_upstream_spellings():
    g = gg.Graph()
    g.add_nodes(4)
    g.add_edges([(0, 1), (1, 2), (2, 3)])
    assert g.neighborhood(1)[0].node_ids().to_list() == [0, 1, 2]
    assert g.neighborhood([0], radius=2)[0].node_ids().to_list() == [0, 1, 2]
    assert g.nodes[[0]].neighborhood(hops=3)[0].node_count() == 4
    assert isinstance(g.neighborhood([0, 3]), gg.SubgraphArray)


# --------------------------------------------------------------------------- components
@settings(max_examples=120, deadline=None)
@given(graphs())
def test_component_labels_match_networkx(pair):
    g, G = pair
    comps = g.connected_components(inplace=True, label="comp")
    labels = g.nodes["comp"].to_list()
    parts = nx.weakly_connected_components(G) if G.is_directed() else nx.connected_components(G)
    want = {frozenset(p) for p in parts}
    got = {}
    for v, label in enumerate(labels):
        got.setdefault(label, set()).add(v)
    assert {frozenset(p) for p in got.values()} == want
    firsts = [min(got[i]) for i in range(len(got))]
    assert firsts == sorted(firsts)        # numbered in order of their smallest node
    assert [c.node_ids().to_list() for c in comps] == [sorted(got[i]) for i in range(len(got))]
    assert comps.labels().to_list() == labels


def test_subgraph_components_keep_graph_ids():
    g = gg.Graph()
    g.add_nodes({"x": [0, 1, 2, 3, 4, 5]})
    g.add_edges([(0, 1), (1, 2), (3, 4), (4, 5)])
    sg = g.nodes[[1, 2, 4, 5]]
    comps = sg.connected_components(inplace=True, label="part")
    assert [c.node_ids().to_list() for c in comps] == [[1, 2], [4, 5]]
    assert [c.edge_ids().to_list() for c in comps] == [[1], [3]]
    assert g.nodes["part"].to_list() == [None, 0, 0, None, 1, 1]
    assert comps.viz is not None and comps._viz_source() is sg


# --------------------------------------------------------------------------- arrays
@settings(max_examples=80, deadline=None)
@given(graphs())
def test_component_aggregates_match_pandas(pair):
    g, G = pair
    comps = g.connected_components(inplace=True)
    spec = {"x": "mean", "total": ("sum", "x"), "lo": ("min", "x"), "hi": ("max", "x"),
            "n": ("count", "x"), "sd": ("std", "x"), "kinds": ("nunique", "tag"),
            "first_tag": ("first", "tag"), "last_x": ("last", "x"), "size2": "count"}
    got = comps.agg(spec)
    df = pd.DataFrame({"c": g.nodes["component"].to_list(), "x": g.nodes["x"].to_list(),
                       "tag": g.nodes["tag"].to_list()})
    grouped = df.groupby("c")
    want = pd.DataFrame({"x": grouped["x"].mean(), "total": grouped["x"].sum(),
                         "lo": grouped["x"].min(), "hi": grouped["x"].max(),
                         "n": grouped["x"].count(), "sd": grouped["x"].std(ddof=0),
                         "kinds": grouped["tag"].nunique(), "first_tag": grouped["tag"].first(),
                         "last_x": grouped["x"].last(), "size2": grouped.size()})
    assert got["component"].to_list() == list(range(len(comps)))
    assert got["size"].to_list() == comps.sizes().to_list() == want["size2"].tolist()
    for col in want.columns:
        a, b = got[col].to_list(), want[col].tolist()
        for u, v in zip(a, b):
            if pd.isna(v):
                assert u is None, (col, a, b)
            else:
                assert u == pytest.approx(v), (col, a, b)


@settings(max_examples=80, deadline=None)
@given(graphs(), st.data())
def test_collapse_matches_the_quotient_graph(pair, data):
    g, G = pair
    kept = data.draw(st.lists(st.booleans(), min_size=g.edge_count(), max_size=g.edge_count()))
    parts = g.subgraph(nodes=range(g.node_count()),
                       edges=[e for e, k in enumerate(kept) if k]).connected_components()
    meta = parts.collapse(node_aggs={"x": "sum"}, edge_aggs={"w": "sum"})
    blocks = [frozenset(c.node_ids().to_list()) for c in parts]
    Q = nx.quotient_graph(nx.DiGraph(G) if G.is_directed() else nx.Graph(G), blocks,
                          relabel=False)
    index = {b: i for i, b in enumerate(blocks)}
    want = {(index[a], index[b]) for a, b in Q.edges() if a != b}
    if not G.is_directed():
        want = {(min(p), max(p)) for p in want}
    got = list(zip(meta.edges.sources().to_list(), meta.edges.targets().to_list()))
    assert sorted(got) == sorted(want) and len(got) == len(set(got))
    assert meta.node_count() == len(blocks) == Q.number_of_nodes()
    assert meta.nodes["size"].to_list() == [len(b) for b in blocks]
    # edge_count and the weight sums against the original edges
    place = {v: index[b] for b in blocks for v in b}
    counts, sums = {}, {}
    for u, v, d in G.edges(data=True):
        a, b = place[u], place[v]
        if a == b:
            continue
        key = (a, b) if G.is_directed() else (min(a, b), max(a, b))
        counts[key] = counts.get(key, 0) + 1
        sums[key] = sums.get(key, 0.0) + d["w"]
    for i, key in enumerate(got):
        assert meta.edges["edge_count"].to_list()[i] == counts[key]
        assert meta.edges["w"].to_list()[i] == pytest.approx(sums[key])


def test_subgraph_array_sample_filter_table():
    g = gg.Graph()
    g.add_nodes({"x": list(range(9))})
    g.add_edges([(0, 1), (2, 3), (3, 4), (5, 6)])
    comps = g.connected_components()
    assert len(comps) == 5
    picked = comps.sample(3, seed=1)
    assert len(picked) == 3 and len({sg.node_ids().to_list()[0] for sg in picked}) == 3
    assert picked.sample(3, seed=2).agg()["size"].to_list() == picked.sizes().to_list()
    assert len(comps.sample(99)) == 5
    big = comps.filter(lambda sg: sg.node_count() > 1)
    assert [sg.node_ids().to_list() for sg in big] == [[0, 1], [2, 3, 4], [5, 6]]
    assert big.agg({"x": "sum"})["x"].to_list() == [1, 9, 11]
    tables = comps.table()
    assert isinstance(tables, gg.TableArray) and len(tables) == 5
    assert big.collapse().node_count() == 3


# --------------------------------------------------------------------------- accessors
def test_graph_and_accessor_calls():
    g = gg.Graph()
    g.add_nodes({"age": [20, 30, 40]})
    g.add_edges([(0, 1), (1, 2)], )
    assert g.node_ids().to_list() == [0, 1, 2] and g.edge_ids().to_list() == [0, 1]
    assert g["age"].to_list() == [20, 30, 40]
    assert g.contains_edge(1) and not g.contains_edge(2) and not g.contains_edge("x")
    assert g.has_edge_between(1, 0) and not g.has_edge_between(0, 2)
    assert not g.has_edge_between(0, 99)
    assert g.nodes.all().node_count() == 3 and g.edges.all().edge_count() == 2
    assert g.nodes.attributes == ["age"] and g.edges.attributes == []
    g.nodes.set_attrs({0: {"name": "a"}, 2: {"name": "c"}})
    g.edges.set_attrs({1: {"w": 2.5}})
    g.edges.set_attrs({"w": {0: 1.5}})
    assert g.nodes["name"].to_list() == ["a", None, "c"]
    assert g.edges["w"].to_list() == [1.5, 2.5]
    v = g.view()
    assert (v.node_count(), v.edge_count()) == (3, 2)
    assert g.filter_nodes("age >= 30").node_ids().to_list() == [1, 2]
    assert g.filter_edges("w > 2").edge_ids().to_list() == [1]
    assert g.subgraph(nodes=[0, 1]).edge_ids().to_list() == [0]
    assert list(g) == [0, 1, 2] and 2 in g and 3 not in g
    sub = g.nodes[[0, 1]]
    assert sub.degree(1) == 1 and sub.degree([0, 1]).to_list() == [1, 1]
    assert sub.contains_edge(0) and not sub.contains_edge(1)
    assert sub.has_edge_between(0, 1) and not sub.has_edge_between(1, 2)


# --------------------------------------------------------------------------- bad input
def test_bad_input_names_what_was_wrong():
    g = gg.Graph()
    g.add_nodes(3)
    g.add_edges([0, 1], [1, 2], w=[1.0, -2.0])
    with pytest.raises(KeyError, match="source 7 does not exist"):
        g.shortest_path(7, 0)
    with pytest.raises(KeyError, match="target 9"):
        g.has_path(0, 9)
    with pytest.raises(ValueError, match=r"edge 1 has weight -2\.0"):
        g.shortest_path(0, 2, weight="w")
    with pytest.raises(KeyError, match="unknown edge attribute 'cost'"):
        g.shortest_path(0, 2, weight="cost")
    with pytest.raises(KeyError, match="center 5"):
        g.neighborhood([5])
    with pytest.raises(ValueError, match="depth must be"):
        g.neighborhood([0], depth=-1)
    comps = g.connected_components()
    with pytest.raises(ValueError, match="unknown aggregation 'avg'"):
        comps.agg({"w": "avg"})
    with pytest.raises(KeyError, match="unknown attribute 'age'"):
        comps.agg({"age": "mean"})
    with pytest.raises(KeyError, match="set_attrs: node 8"):
        g.nodes.set_attrs({8: {"a": 1}})
    with pytest.raises(ValueError, match="not among the nodes"):
        g.subgraph(nodes=[0], edges=[0])
    g.set_edge_attr(1, "w", None)
    with pytest.raises(ValueError, match="edge 1 has no 'w'"):
        g.shortest_path(0, 2, weight="w")
    overlapping = gg.SubgraphArray._from_maker(2, lambda i: g.nodes[[0, 1]])
    with pytest.raises(ValueError, match="node 0 is in more than one"):
        overlapping.collapse()


# --------------------------------------------------------------------------- kernels
@settings(max_examples=100, deadline=None)
@given(pair=graphs(), data=st.data())
def test_path_kernels_on_a_memory_mapped_graph_match_in_memory(pair, data, tmp_path_factory):
    g, _ = pair
    h = gg.open(g.save(tmp_path_factory.mktemp("q") / "g.groggy"))
    s = data.draw(st.integers(0, g.node_count() - 1))
    t = data.draw(st.integers(0, g.node_count() - 1))
    for weight in (None, "w"):
        a, b = g.shortest_path(s, t, weight=weight), h.shortest_path(s, t, weight=weight)
        assert (a is None) == (b is None)
        if a is not None:
            assert a.edge_ids().to_list() == b.edge_ids().to_list()
    assert g.neighborhood([s], 2)[0].node_ids().to_list() == \
        h.neighborhood([s], 2)[0].node_ids().to_list()


def test_kernel_wrappers_check_their_input():
    adj = kernels.Adjacency(*kernels.build_csr([0], [1], 2, both_ways=True))
    with pytest.raises(ValueError, match="source 5 is not a node id"):
        kernels.path_hops(adj, 5, 0)
    with pytest.raises(ValueError, match="one value per edge id"):
        kernels.path_weighted(adj, [], 0, 1)
    with pytest.raises(ValueError, match="weight nan"):
        kernels.path_weighted(adj, [float("nan")], 0, 1)
    with pytest.raises(ValueError, match="indptr must never decrease"):
        kernels.Adjacency([0, 2, 1], [1, 0], [0, 0])
    # scratch arrays come back reset: a second query sees a clean slate
    assert kernels.path_hops(adj, 0, 1) == kernels.path_hops(adj, 0, 1) == (1, [0, 1], [0])
    assert kernels.reach(adj, [1], 0).tolist() == [1]
    assert kernels.dfs(adj, 1).tolist() == [1, 0]
