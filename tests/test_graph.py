"""Graph API: building, attributes, errors, accessors, structure, networkx interop, events."""
import sys

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg


@pytest.fixture
def people():
    """Four people, three edges; Dan has no age."""
    g = gg.Graph()
    g.add_nodes([
        {"name": "Ann", "age": 31, "club": "A"},
        {"name": "Bob", "age": 25, "club": "B"},
        {"name": "Cid", "age": 47, "club": "A"},
        {"name": "Dan", "club": "B"},
    ])
    g.add_edges([(0, 1, {"weight": 0.5}), (1, 2, {"weight": 2.0}), (2, 3)])
    return g


def nodes_dict(g):
    return g.nodes.table().to_dict()


# --------------------------------------------------------------------------- adding nodes

def test_add_node_returns_dense_ids_in_insertion_order():
    g = gg.Graph()
    assert [g.add_node() for _ in range(3)] == [0, 1, 2]
    assert g.add_nodes(2) == [3, 4]
    assert g.add_nodes([{"a": 1}]) == [5]
    assert g.add_nodes({"a": np.array([7, 8])}) == [6, 7]
    assert g.node_count() == len(g) == len(g.nodes) == 8
    assert g.nodes.ids().to_list() == list(range(8))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.integers(0, 4),
                          st.lists(st.fixed_dictionaries({}, optional={"x": st.integers(0, 9)}),
                                   max_size=4)),
                max_size=6))
def test_ids_are_dense_over_any_sequence_of_additions(batches):
    g = gg.Graph()
    expected_next = 0
    for batch in batches:
        ids = g.add_nodes(batch)
        size = batch if isinstance(batch, int) else len(batch)
        assert ids == list(range(expected_next, expected_next + size))
        expected_next += size
    assert g.node_count() == expected_next


def test_add_nodes_count_makes_nodes_without_attributes():
    g = gg.Graph()
    assert g.add_nodes(0) == []
    g.add_nodes(3)
    assert nodes_dict(g) == {"node_id": [0, 1, 2]}


def test_add_nodes_list_of_dicts_fills_missing_keys_with_nulls():
    g = gg.Graph()
    g.add_nodes([{"a": 1, "s": "x"}, {"b": True}, {}])
    assert nodes_dict(g) == {"node_id": [0, 1, 2], "a": [1, None, None],
                             "s": ["x", None, None], "b": [None, True, None]}


def test_add_nodes_dict_of_columns_lists_and_numpy():
    g = gg.Graph()
    g.add_nodes({"age": np.array([30, 40], dtype=np.int32),
                 "score": np.array([0.5, 1.5]),
                 "ok": np.array([True, False]),
                 "name": ["a", None]})
    t = g.nodes.table()
    assert t.get_schema() == {"node_id": "int64", "age": "int64", "score": "float64",
                              "ok": "bool", "name": "string"}
    assert t.to_dict() == {"node_id": [0, 1], "age": [30, 40], "score": [0.5, 1.5],
                           "ok": [True, False], "name": ["a", None]}


def test_later_batches_extend_columns_and_backfill_nulls():
    g = gg.Graph()
    g.add_nodes([{"a": 1}, {"a": 2}])
    g.add_nodes({"b": ["x"]})
    g.add_nodes(1)
    assert nodes_dict(g) == {"node_id": [0, 1, 2, 3], "a": [1, 2, None, None],
                             "b": [None, None, "x", None]}


def test_float_into_int_column_widens_it():
    g = gg.Graph()
    g.add_nodes([{"a": 1}, {"a": 2}])
    g.add_nodes([{"a": 2.5}])
    assert g.nodes["a"].kind == "float64"
    assert g.nodes["a"].to_list() == [1.0, 2.0, 2.5]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.fixed_dictionaries({}, optional={
    "i": st.integers(-10**6, 10**6),
    "f": st.floats(-1e6, 1e6, allow_nan=False),
    "b": st.booleans(),
    "s": st.text(max_size=5),
}), max_size=8))
def test_attribute_rows_round_trip(rows):
    g = gg.Graph()
    g.add_nodes(rows)
    d = nodes_dict(g)
    for key in ("i", "f", "b", "s"):
        if any(key in r for r in rows):
            assert d[key] == [r.get(key) for r in rows]
        else:
            assert key not in d
    for i, r in enumerate(rows):
        assert g.nodes[i].attrs() == r


# --------------------------------------------------------------------------- adding edges

def _edges_of(g):
    t = g.edges.table()
    return list(zip(t.sources().to_list(), t.targets().to_list()))


def test_add_edge_forms():
    g = gg.Graph()
    g.add_nodes(4)
    assert g.add_edge(0, 1, w=1.0) == 0
    assert g.add_edges([(1, 2), (2, 3)]) == [1, 2]
    assert g.add_edges([(3, 0, {"w": 4.0})]) == [3]
    assert g.add_edges([{"source": 0, "target": 2, "w": 5.0}, {"source": 1, "target": 3}]) == [4, 5]
    assert g.add_edges(np.array([[2, 1], [3, 3]])) == [6, 7]
    assert g.add_edges(np.array([0, 1]), np.array([3, 0]), w=np.array([9.0, 10.0])) == [8, 9]
    assert g.add_edges([0], [0]) == [10]
    assert g.add_edges([]) == []
    assert _edges_of(g) == [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (1, 3), (2, 1), (3, 3),
                            (0, 3), (1, 0), (0, 0)]
    assert g.edges["w"].to_list() == [1.0, None, None, 4.0, 5.0, None, None, None, 9.0, 10.0,
                                      None]
    assert g.edge_count() == len(g.edges) == 11
    assert g.edges.ids().to_list() == list(range(11))
    assert g.edge_endpoints(3) == (3, 0)


def test_sources_and_targets():
    g = gg.Graph(directed=True)
    g.add_nodes(3)
    g.add_edges([(2, 0), (0, 1), (1, 1)])
    assert isinstance(g.edges.sources(), gg.NodesArray)
    assert g.edges.sources().to_list() == [2, 0, 1]
    assert g.edges.targets().to_list() == [0, 1, 1]
    assert g.edges[1].source == 0 and g.edges[1].target == 1


@pytest.mark.parametrize("edges", [
    [(0, 99)],
    [(0, 1), (99, 0)],
    [{"source": 0, "target": 99}],
    np.array([[0, 99]]),
])
def test_edge_to_unknown_node_is_keyerror_naming_it(edges):
    g = gg.Graph()
    g.add_nodes(3)
    with pytest.raises(KeyError, match="99"):
        g.add_edges(edges)
    assert g.edge_count() == 0


def test_unknown_node_in_arrays_and_add_edge():
    g = gg.Graph()
    g.add_nodes(3)
    with pytest.raises(KeyError, match="-1"):
        g.add_edges(np.array([0, -1]), np.array([1, 2]))
    with pytest.raises(KeyError, match="7"):
        g.add_edge(7, 0)
    assert g.edge_count() == 0


@pytest.mark.parametrize("bad", [(0, 1.0), (True, 1), ("a", 1), (None, 1)])
def test_non_int_endpoint_is_typeerror(bad):
    g = gg.Graph()
    g.add_nodes(2)
    with pytest.raises(TypeError):
        g.add_edges([bad])


def test_edge_array_errors():
    g = gg.Graph()
    g.add_nodes(3)
    with pytest.raises(TypeError, match="float"):
        g.add_edges(np.array([[0.0, 1.5]]))
    with pytest.raises(ValueError, match="shape"):
        g.add_edges(np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="length"):
        g.add_edges(np.array([0]), np.array([1, 2]))
    with pytest.raises(ValueError, match="source"):
        g.add_edges([{"target": 1}])


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("nodes", [
    [{"mixed": 1}, {"mixed": "x"}],
    {"mixed": [1, "x"]},
    [{"mixed": True}, {"mixed": 2.0}],
])
def test_mixed_kinds_in_a_column_is_typeerror_naming_the_column(nodes):
    g = gg.Graph()
    g.add_nodes([{"keep": 1}])
    with pytest.raises(TypeError, match="mixed"):
        g.add_nodes(nodes)
    # a bad batch leaves the graph untouched
    assert g.node_count() == 1
    assert nodes_dict(g) == {"node_id": [0], "keep": [1]}


def test_wrong_kind_for_an_existing_column_names_it():
    g = gg.Graph()
    g.add_nodes([{"age": 3}])
    with pytest.raises(TypeError, match="age"):
        g.add_nodes([{"age": "old"}])
    with pytest.raises(TypeError, match="age"):
        g.set_node_attr(0, "age", "old")
    g.add_nodes(1)
    g.add_edge(0, 1, w=1.0)
    with pytest.raises(TypeError, match="w"):
        g.add_edges([(1, 0, {"w": "heavy"})])
    assert g.node_count() == 2 and g.edge_count() == 1


def test_unstorable_value_is_typeerror():
    g = gg.Graph()
    with pytest.raises(TypeError, match="obj"):
        g.add_nodes([{"obj": object()}])


def test_reserved_names_are_refused():
    g = gg.Graph()
    g.add_nodes(2)
    with pytest.raises(ValueError, match="node_id"):
        g.add_node(node_id=5)
    with pytest.raises(ValueError, match="node_id"):
        g.add_nodes({"node_id": [1]})
    with pytest.raises(ValueError, match="node_id"):
        g.set_node_attr(0, "node_id", 1)
    with pytest.raises(ValueError, match="node_id"):
        g.nodes["node_id"] = 1
    for name in ("edge_id", "source", "target"):
        with pytest.raises(ValueError, match=name):
            g.add_edges([0], [1], **{name: [1]})
    with pytest.raises(ValueError, match="edge_id"):
        g.add_edges([{"source": 0, "target": 1, "edge_id": 4}])
    assert g.node_count() == 2 and g.edge_count() == 0


def test_other_bad_inputs():
    g = gg.Graph()
    with pytest.raises(ValueError):
        g.add_nodes(-1)
    with pytest.raises(TypeError):
        g.add_nodes([1, 2])
    with pytest.raises(ValueError, match="length"):
        g.add_nodes({"a": [1, 2], "b": [1]})
    with pytest.raises(TypeError):
        g.add_nodes([{1: "x"}])
    assert g.node_count() == 0


# --------------------------------------------------------------------------- attributes

def test_get_and_set_single_attributes(people):
    g = people
    assert g.get_node_attr(0, "name") == "Ann"
    assert g.get_node_attr(3, "age") is None
    assert g.get_node_attr(3, "age", default=-1) == -1
    assert g.get_node_attr(0, "nope", default="d") == "d"
    g.set_node_attr(3, "age", 60)
    assert g.get_node_attr(3, "age") == 60
    g.set_node_attr(0, "age", None)
    assert g.get_node_attr(0, "age") is None
    assert g.get_edge_attr(0, "weight") == 0.5
    assert g.get_edge_attr(2, "weight") is None
    g.set_edge_attr(2, "weight", 3.0)
    assert g.edges["weight"].to_list() == [0.5, 2.0, 3.0]


def test_setting_a_new_attribute_leaves_others_null(people):
    people.set_node_attr(1, "rank", 7)
    assert people.nodes["rank"].to_list() == [None, 7, None, None]
    people.set_edge_attr(0, "label", "x")
    assert people.edges["label"].to_list() == ["x", None, None]


def test_bulk_attributes(people):
    g = people
    g.set_node_attrs({"age": {3: 19, 0: 32}, "tag": {1: "t"}})
    assert g.nodes["age"].to_list() == [32, 25, 47, 19]
    assert g.get_node_attrs([0, 1], "tag") == {"tag": {1: "t"}}
    assert g.get_node_attrs([2, 3], ["age", "club"]) == {"age": {2: 47, 3: 19},
                                                         "club": {2: "A", 3: "B"}}
    assert set(g.get_node_attrs([0])) == {"name", "age", "club", "tag"}
    g.set_edge_attrs({"weight": {2: 1.0}})
    assert g.get_edge_attrs([0, 2]) == {"weight": {0: 0.5, 2: 1.0}}


def test_string_attribute_writes_in_place_keep_other_rows(people):
    people.set_node_attrs({"name": {1: "Bobby", 3: ""}})
    assert people.nodes["name"].to_list() == ["Ann", "Bobby", "Cid", ""]


def test_accessor_column_assignment(people):
    g = people
    g.nodes["score"] = [1.0, 2.0, 3.0, 4.0]
    assert g.nodes["score"].to_list() == [1.0, 2.0, 3.0, 4.0]
    g.nodes["flag"] = True
    assert g.nodes["flag"].to_list() == [True] * 4
    g.nodes[[1, 2]].nodes["flag"] = False
    assert g.nodes["flag"].to_list() == [True, False, False, True]
    with pytest.raises(ValueError, match="flag"):
        g.nodes["flag"] = [True, False]
    g.edges["w2"] = [1, 2, 3]
    assert g.edges["w2"].to_list() == [1, 2, 3]


def test_element_views(people):
    g = people
    ann = g.nodes[0]
    assert ann["name"] == "Ann" and ann.get("age") == 31
    assert g.nodes[3].get("age", 0) == 0
    with pytest.raises(KeyError, match="nope"):
        ann["nope"]
    ann["age"] = 32
    assert g.get_node_attr(0, "age") == 32
    assert ann.degree() == 1 and ann.neighbors() == [1]
    e = g.edges[1]
    assert (e.source, e.target, e["weight"]) == (1, 2, 2.0)
    assert g.nodes[np.int64(1)] == g.nodes[1]


def test_missing_ids_are_keyerrors(people):
    g = people
    for call in (lambda: g.get_node_attr(9, "age"), lambda: g.set_node_attr(9, "a", 1),
                 lambda: g.get_edge_attr(9, "w"), lambda: g.nodes[9], lambda: g.edges[9],
                 lambda: g.nodes[[0, 9]], lambda: g.degree(9), lambda: g.neighbors(9),
                 lambda: g.bfs(9), lambda: g.edge_endpoints(9),
                 lambda: g.set_node_attrs({"a": {9: 1}})):
        with pytest.raises(KeyError, match="9"):
            call()
    with pytest.raises(KeyError, match="nope"):
        g.nodes["nope"]
    with pytest.raises(TypeError):
        g.get_node_attr("0", "age")


# --------------------------------------------------------------------------- accessors

def test_nodes_by_slice_list_mask_and_attribute(people):
    g = people
    assert g.nodes[1:3].node_ids().to_list() == [1, 2]
    assert g.nodes[-2:].node_ids().to_list() == [2, 3]
    assert g.nodes[::2].node_ids().to_list() == [0, 2]
    assert g.nodes[[3, 0]].node_ids().to_list() == [0, 3]
    assert g.nodes[np.array([2])].node_ids().to_list() == [2]
    assert g.nodes[[]].node_count() == 0
    assert g.nodes[[True, False, True, False]].node_ids().to_list() == [0, 2]
    assert g.nodes[np.array([False] * 4)].node_count() == 0
    age = g.nodes["age"]
    assert isinstance(age, gg.NumArray)
    assert age.to_list() == [31, 25, 47, None]
    assert g.nodes["name"].to_list() == ["Ann", "Bob", "Cid", "Dan"]
    with pytest.raises(IndexError):
        g.nodes[[True, False]]


def test_numarray_mask_selects_nodes(people):
    g = people
    adults = g.nodes["age"] > 30
    assert adults.to_list() == [True, False, True, False]
    assert g.nodes[adults].node_ids().to_list() == [0, 2]
    both = (g.nodes["age"] > 30) & (g.degree() > 1)
    assert g.nodes[both].node_ids().to_list() == [2]


def test_edges_by_id_slice_mask_and_attribute(people):
    g = people
    sg = g.edges[[0, 2]]
    assert sg.edge_ids().to_list() == [0, 2]
    assert sg.node_ids().to_list() == [0, 1, 2, 3]
    assert g.edges[1:].edge_ids().to_list() == [1, 2]
    assert g.edges[[False, True, False]].node_ids().to_list() == [1, 2]
    assert g.edges["weight"].to_list() == [0.5, 2.0, None]


def test_filter(people):
    g = people
    sg = g.nodes.filter("age > 30")
    assert isinstance(sg, gg.Subgraph)
    assert sg.node_ids().to_list() == [0, 2]
    assert g.nodes.filter("club == 'B' or age == null").node_ids().to_list() == [1, 3]
    assert g.nodes.filter(np.array([False, True, True, False])).node_ids().to_list() == [1, 2]
    assert g.edges.filter("weight >= 1").edge_ids().to_list() == [1]
    assert g.edges.filter("weight == null").edge_ids().to_list() == [2]
    assert g.nodes.filter("age > 100").node_count() == 0


def test_subgraph_accessors_stay_inside(people):
    g = people
    sg = g.nodes[[1, 2, 3]]
    assert len(sg.nodes) == 3 and list(sg.nodes) == [1, 2, 3]
    assert 0 not in sg.nodes and 2 in sg.nodes
    assert sg.nodes["age"].to_list() == [25, 47, None]
    assert sg.nodes.filter("age > 30").node_ids().to_list() == [2]
    assert sg.nodes[sg.nodes["age"] > 30].node_ids().to_list() == [2]
    assert sg.edge_ids().to_list() == [1, 2]
    with pytest.raises(KeyError):
        sg.nodes[[0]]
    with pytest.raises(KeyError):
        sg.nodes[0]


def test_subgraph_basics(people):
    g = people
    sg = g.nodes[[0, 1, 2]]
    assert (sg.node_count(), sg.edge_count(), len(sg)) == (3, 2, 3)
    assert 1 in sg and 3 not in sg
    assert sg.degree().to_list() == [1, 2, 1]
    assert sg.nodes.table().to_dict()["name"] == ["Ann", "Bob", "Cid"]
    assert sg.table().edges.edge_ids().to_list() == [0, 1]
    h = sg.to_graph()
    assert isinstance(h, gg.Graph) and h.node_count() == 3 and h.edge_count() == 2
    assert h.nodes["name"].to_list() == ["Ann", "Bob", "Cid"]
    assert h.edges["weight"].to_list() == [0.5, 2.0]
    assert _edges_of(h) == [(0, 1), (1, 2)]
    assert repr(sg).splitlines()[0] == "Subgraph(nodes=3, edges=2)"


def test_subgraph_to_graph_renumbers(people):
    h = people.nodes[[2, 3]].to_graph()
    assert _edges_of(h) == [(0, 1)]
    assert h.nodes["name"].to_list() == ["Cid", "Dan"]
    assert people.nodes[[2, 3]].connected_components().sizes().to_list() == [2]


def test_tables_made_before_growth_keep_their_rows(people):
    t = people.nodes.table()
    people.add_nodes([{"name": "Eve", "age": 20}])
    assert t.nrows == 4 and t["name"].to_list() == ["Ann", "Bob", "Cid", "Dan"]
    assert people.nodes.table().nrows == 5


# --------------------------------------------------------------------------- structure

def test_degree_undirected_with_self_loops_and_multi_edges():
    g = gg.Graph()
    g.add_nodes(4)
    g.add_edges([(0, 1), (0, 1), (1, 1), (2, 3)])
    assert g.degree().to_list() == [2, 4, 1, 1]
    assert g.degree(1) == 4 and isinstance(g.degree(1), int)
    assert g.degree([3, 1]).to_list() == [1, 4]
    assert g.in_degree().to_list() == g.out_degree().to_list() == [2, 4, 1, 1]
    assert g.degree().to_list() == [d for _, d in sorted(g.to_networkx().degree())]
    assert g.neighbors(1) == [0, 1] and g.neighbors(0) == [1]
    assert g.has_edge(1, 0) and g.has_edge(1, 1) and not g.has_edge(0, 2)


def test_degree_directed():
    g = gg.Graph(directed=True)
    g.add_nodes(3)
    g.add_edges([(0, 1), (0, 2), (2, 0), (1, 1)])
    assert g.out_degree().to_list() == [2, 1, 1]
    assert g.in_degree().to_list() == [1, 2, 1]
    assert g.degree().to_list() == [3, 3, 2]
    assert g.out_degree(0) == 2 and g.in_degree(0) == 1
    G = g.to_networkx()
    assert g.in_degree().to_list() == [d for _, d in sorted(G.in_degree())]
    assert g.out_degree().to_list() == [d for _, d in sorted(G.out_degree())]
    assert g.neighbors(0) == [1, 2] and g.neighbors(2) == [0]
    assert g.has_edge(2, 0) and not g.has_edge(1, 0)


def test_degree_updates_after_mutation():
    g = gg.Graph()
    g.add_nodes(2)
    assert g.degree().to_list() == [0, 0]
    g.add_edge(0, 1)
    assert g.degree().to_list() == [1, 1]
    g.add_nodes(1)
    g.add_edge(2, 2)
    assert g.degree().to_list() == [1, 1, 2]
    assert g.neighbors(2) == [2]


def test_bfs():
    g = gg.Graph()
    g.add_nodes(6)
    g.add_edges([(0, 1), (1, 2), (2, 3), (4, 5)])
    assert g.bfs(1).node_ids().to_list() == [0, 1, 2, 3]
    assert g.bfs(1, max_depth=1).node_ids().to_list() == [0, 1, 2]
    assert g.bfs(0, max_depth=0).node_ids().to_list() == [0]
    assert g.bfs(5).node_ids().to_list() == [4, 5]
    assert g.bfs(0).edge_ids().to_list() == [0, 1, 2]
    with pytest.raises(ValueError):
        g.bfs(0, max_depth=-1)
    d = gg.Graph(directed=True)
    d.add_nodes(3)
    d.add_edges([(0, 1), (2, 1)])
    assert d.bfs(0).node_ids().to_list() == [0, 1]
    assert d.bfs(1).node_ids().to_list() == [1]


def test_connected_components_of_graph():
    g = gg.Graph()
    g.add_nodes(6)
    g.add_edges([(0, 1), (1, 2), (4, 5)])
    comps = g.connected_components()
    assert isinstance(comps, gg.ComponentsArray)
    assert len(comps) == 3
    assert [c.node_ids().to_list() for c in comps] == [[0, 1, 2], [3], [4, 5]]
    assert [c.edge_ids().to_list() for c in comps] == [[0, 1], [], [2]]


# --------------------------------------------------------------------------- networkx, matrices

def _nx_graph_equal(G, H):
    """Same nodes with same data, same multiset of edges with same data."""
    def edges(X):
        out = []
        for u, v, d in X.edges(data=True):
            if not X.is_directed():
                u, v = min(u, v), max(u, v)
            out.append((u, v, tuple(sorted(d.items()))))
        return sorted(out)
    return (type(G) is type(H) and dict(G.nodes(data=True)) == dict(H.nodes(data=True))
            and edges(G) == edges(H))


@pytest.mark.parametrize("directed", [False, True])
def test_networkx_round_trip(directed):
    g = gg.Graph(directed=directed)
    g.add_nodes([{"name": "a", "x": 1}, {"name": "b"}, {"x": 3}])
    g.add_edges([(0, 1, {"w": 1.5}), (1, 2), (2, 0, {"w": -1.0})])
    G = g.to_networkx()
    assert type(G) is (nx.DiGraph if directed else nx.Graph)
    assert dict(G.nodes(data=True)) == {0: {"name": "a", "x": 1}, 1: {"name": "b"}, 2: {"x": 3}}
    h = gg.Graph.from_networkx(G)
    assert h.is_directed == directed
    assert _nx_graph_equal(h.to_networkx(), G)
    assert h.nodes["x"].to_list() == [1, None, 3]


def test_networkx_multigraph_round_trip():
    g = gg.Graph()
    g.add_nodes(3)
    g.add_edges([(0, 1), (0, 1), (2, 2)])
    G = g.to_networkx()
    assert isinstance(G, nx.MultiGraph) and G.number_of_edges() == 3
    h = gg.from_networkx(G)
    assert h.edge_count() == 3 and h.degree().to_list() == [2, 2, 2]


def test_from_networkx_karate_and_keys():
    K = nx.karate_club_graph()
    g = gg.from_networkx(K)
    assert (g.node_count(), g.edge_count()) == (34, 78)
    assert g.nodes["club"].to_list() == [K.nodes[i]["club"] for i in range(34)]
    assert _nx_graph_equal(g.to_networkx(), K)
    h = gg.from_networkx(nx.path_graph(["x", "y", "z"]))
    assert h.nodes["nx_id"].to_list() == ["x", "y", "z"]
    assert h.neighbors(1) == [0, 2]


@pytest.mark.parametrize("directed", [False, True])
def test_adjacency_matrix_matches_networkx(directed):
    g = gg.Graph(directed=directed)
    g.add_nodes(5)
    g.add_edges([(0, 1), (0, 1), (1, 2), (3, 3), (4, 0), (2, 1)])
    A = g.adjacency_matrix()
    assert isinstance(A, gg.Matrix) and A.shape == (5, 5)
    expected = nx.to_numpy_array(g.to_networkx(), nodelist=range(5))
    np.testing.assert_array_equal(A.to_numpy(), expected)
    S = A.to_scipy()
    np.testing.assert_array_equal(S.toarray(), expected)
    assert S.nnz == np.count_nonzero(expected)


def test_adjacency_matrix_of_empty_graph():
    A = gg.Graph().adjacency_matrix()
    assert A.shape == (0, 0) and A.to_numpy().shape == (0, 0) and A.nnz == 0


# --------------------------------------------------------------------------- events

def test_on_change_events_and_unsubscribe():
    g = gg.Graph()
    events = []
    stop = g.on_change(events.append)
    g.add_nodes(2)
    g.add_edge(0, 1, w=1.0)
    g.set_node_attr(1, "x", 5)
    g.nodes["y"] = 1
    g.set_edge_attrs({"w": {0: 2.0}})
    stop()
    g.add_nodes(1)
    assert [e["type"] for e in events] == ["nodes_added", "edges_added", "node_attrs",
                                           "node_attrs", "edge_attrs"]
    assert events[0] == {"type": "nodes_added", "start": 0, "count": 2}
    assert events[1] == {"type": "edges_added", "start": 0, "count": 1}
    assert events[2]["attr"] == "x" and list(events[2]["ids"]) == [1]
    assert list(events[3]["ids"]) == [0, 1]
    assert events[4]["attr"] == "w" and list(events[4]["ids"]) == [0]


def test_failed_mutation_emits_no_event():
    g = gg.Graph()
    g.add_nodes(1)
    events = []
    g.on_change(events.append)
    with pytest.raises(KeyError):
        g.add_edge(0, 5)
    with pytest.raises(TypeError):
        g.add_nodes([{"a": 1}, {"a": "x"}])
    assert events == []


def test_copy_is_independent(people):
    h = people.copy()
    h.set_node_attr(0, "name", "Zed")
    h.add_edge(0, 3)
    assert people.get_node_attr(0, "name") == "Ann" and people.edge_count() == 3
    assert h.get_node_attr(0, "name") == "Zed" and h.edge_count() == 4


def test_graph_repr(people):
    assert repr(people).splitlines()[0] == "Graph(nodes=4, edges=3, directed=False)"


@pytest.mark.parametrize("module,call", [
    ("pandas", lambda g: g.nodes.table().to_pandas()),
    ("pandas", lambda g: g.nodes["w"].to_pandas()),
    ("networkx", lambda g: g.to_networkx()),
    ("scipy", lambda g: g.adjacency_matrix().to_scipy()),
])
def test_a_missing_optional_dependency_says_how_to_install_it(monkeypatch, module, call):
    g = gg.Graph()
    g.add_nodes({"w": [1.0, 2.0]})
    g.add_edge(0, 1)
    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.setitem(sys.modules, name, None)   # import of it now fails
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=rf"needs {module}.*pip install {module}"):
        call(g)
