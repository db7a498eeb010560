"""Arrays and tables taken from a graph draw that graph (groggy.origin): each drawing is
compared with the one the graph itself makes when told the same thing explicitly (the
array stored as an attribute, the subgraph of the rows), byte for byte."""
import numpy as np
import pytest

import groggy as gg

SVG = dict(format="svg", width=300, height=200)


@pytest.fixture
def g():
    g = gg.Graph()
    g.add_nodes({"club": ["a", "b", "a", "c", "b", "a"], "age": [20, 31, 42, 53, 64, 75]})
    g.add_edges([(0, 1, {"w": 1.0}), (1, 2, {"w": 2.0}), (2, 3, {"w": 0.5}),
                 (3, 4, {"w": 4.0}), (4, 5, {"w": 1.5}), (5, 0, {"w": 3.0}), (0, 3)])
    return g


@pytest.fixture
def lay(g):
    return g.viz.compute_layout("circular")


def with_attr(g, name, values, what="node"):
    """g's nodes and edges holding only ``values`` as attribute ``name`` (the explicit
    drawing of what an array draws by itself)."""
    h = gg.Graph(directed=g.is_directed)
    h.add_nodes(g.node_count())
    h.add_edges(g.edges.sources().to_numpy(), g.edges.targets().to_numpy())
    (h.nodes if what == "node" else h.edges)[name] = list(values)
    return h


def test_degree_draws_the_graph_coloured_by_degree(g, lay):
    # a degree is a measure: a colour ramp, as a float attribute gets (an int attribute
    # with few small values would be categories)
    expect = with_attr(g, "degree", map(float, g.degree().to_list())).viz.render(
        layout=lay, node_color="degree", **SVG)
    assert g.degree().viz.render(layout=lay, **SVG) == expect
    # a colour given wins over the array's
    assert g.degree().viz.render(layout=lay, node_color="club", **SVG) == \
        g.viz.render(layout=lay, node_color="club", **SVG)


def test_attribute_columns_and_their_slices_draw_their_rows(g, lay):
    assert g.nodes["club"].viz.render(layout=lay, **SVG) == \
        g.viz.render(layout=lay, node_color="club", **SVG)
    older = g.nodes.table().filter("age > 40")
    assert older["age"].viz.render(layout=lay, **SVG) == \
        g.nodes.filter("age > 40").viz.render(layout=lay, node_color="age", **SVG)
    sorted_ages = g.nodes.table().sort_by("age", ascending=False)["age"].head(3)
    assert sorted_ages.viz.render(layout=lay, **SVG) == \
        g.nodes[[3, 4, 5]].viz.render(layout=lay, node_color="age", **SVG)


def test_results_made_from_an_array_keep_its_graph(g, lay):
    deg = g.degree()
    doubled = with_attr(g, "degree", [2.0 * d for d in deg.to_list()])
    assert (deg * 2).viz.render(layout=lay, **SVG) == \
        doubled.viz.render(layout=lay, node_color="degree", **SVG)
    mask = g.nodes["age"] > 40
    expect = with_attr(g, "age", (np.array(g.nodes["age"].to_list()) > 40).tolist())
    assert mask.viz.render(layout=lay, **SVG) == \
        expect.viz.render(layout=lay, node_color="age", **SVG)
    sub = g.nodes[[1, 2, 3]]
    h = with_attr(g, "degree", [None, *map(float, sub.degree().to_list()), None, None])
    assert sub.degree().viz.render(layout=lay, **SVG) == \
        h.nodes[[1, 2, 3]].viz.render(layout=lay, node_color="degree", **SVG)


def test_value_counts_tables_and_matrices_draw_their_graph(g, lay):
    assert g.nodes["club"].value_counts().viz.render(layout=lay, **SVG) == \
        g.viz.render(layout=lay, node_color="club", **SVG)
    comps = g.connected_components()
    assert comps.tables().viz.render(layout=lay, **SVG) == g.viz.render(layout=lay, **SVG)
    assert g.adjacency_matrix().viz.render(layout=lay, **SVG) == \
        g.viz.render(layout=lay, **SVG)


def test_edge_columns_colour_the_edges(g, lay):
    assert g.edges["w"].viz.render(layout=lay, **SVG) == \
        g.viz.render(layout=lay, edge_color="w", **SVG)


def test_node_id_and_edge_id_are_attributes_for_drawing(g, lay):
    ids = with_attr(g, "node_iX", range(g.node_count()))   # a name as long as node_id
    assert g.viz.render(layout=lay, label="node_id", **SVG) == \
        ids.viz.render(layout=lay, label="node_iX", **SVG)
    eids = with_attr(g, "eid", range(g.edge_count()), "edge")
    assert g.viz.render(layout=lay, edge_color="edge_id", **SVG) == \
        eids.viz.render(layout=lay, edge_color="eid", **SVG)
    assert g.viz.render(layout=lay, node_color="node_id", **SVG) == \
        ids.viz.render(layout=lay, node_color="node_iX", **SVG).replace(b"node_iX",
                                                                        b"node_id")


def test_node_id_label_in_the_interactive_view(g):
    with g.viz.interactive(layout="circular", label="node_id") as view:
        scene = view._server.scene
        assert [scene.node_label(r, scene.look) for r in range(6)] == [0, 1, 2, 3, 4, 5]
        assert scene.node_info(4)["label"] == 4
    with g.nodes[[2, 5]].viz.interactive(layout="circular", label="node_id") as view:
        scene = view._server.scene
        assert [scene.node_label(r, scene.look) for r in range(2)] == [2, 5]


def test_arrays_without_a_graph_say_so():
    for obj in (gg.array([1, 2, 3]), gg.table({"x": [1]}), gg.array([1, 2]).value_counts()):
        with pytest.raises(TypeError, match="did not come from a graph, so there is "
                                            "nothing to draw"):
            obj.viz.render(**SVG)
