"""Removing nodes and edges: stable ids, all-or-nothing validation, and every view of the
graph (counts, tables, degrees, neighbours, components, bfs, layouts, networkx, stores)
checked against a networkx mirror after every step of random edit sequences."""
from __future__ import annotations

import tempfile
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import groggy as gg
from groggy.errors import ReadOnlyError


def small(directed=False):
    g = gg.Graph(directed=directed)
    g.add_nodes({"x": np.arange(6) * 10, "name": list("abcdef")})
    g.add_edges(np.array([0, 1, 2, 3, 4, 0]), np.array([1, 2, 3, 4, 5, 5]),
                w=np.arange(6) / 2)
    return g


# --------------------------------------------------------------------------- basics
def test_removing_a_node_takes_its_edges_and_keeps_every_other_id():
    g = small()
    g.remove_node(2)
    assert (g.node_count(), g.edge_count()) == (5, 4)
    assert g.nodes.table().node_ids().to_list() == [0, 1, 3, 4, 5]
    assert g.nodes["name"].to_list() == list("abdef")
    assert g.edges.table().edge_ids().to_list() == [0, 3, 4, 5]
    assert g.edges.table().sources().to_list() == [0, 3, 4, 0]
    assert g.degree().to_list() == [2, 1, 1, 2, 2]
    assert g.degree(3) == 1 and g.neighbors(1) == [0]
    assert g.get_node_attr(5, "x") == 50 and g.nodes[4]["name"] == "e"
    assert g.add_node(name="g") == 6             # never a removed id
    assert g.add_edge(6, 3) == 6


def test_a_removed_id_is_a_clear_key_error_everywhere():
    g = small()
    g.remove_nodes([2])
    g.remove_edge(0)
    for call in (lambda: g.nodes[2], lambda: g.degree(2), lambda: g.neighbors(2),
                 lambda: g.get_node_attr(2, "x"), lambda: g.set_node_attr(2, "x", 1),
                 lambda: g.bfs(2), lambda: g.add_edge(2, 0)):
        with pytest.raises(KeyError, match="node 2 was removed"):
            call()
    for call in (lambda: g.edges[0], lambda: g.edge_endpoints(0),
                 lambda: g.get_edge_attr(0, "w")):
        with pytest.raises(KeyError, match="edge 0 was removed"):
            call()
    with pytest.raises(KeyError, match="id 2 is not here"):
        g.nodes[[1, 2]]
    assert not g.has_node(2) and 2 not in g.nodes and not g.has_edge(1, 2)


@pytest.mark.parametrize("bad, error, words", [
    ([0, 99], KeyError, "node 99 does not exist"),
    ([0, -1], KeyError, "node -1 does not exist"),
    ([0, "a"], TypeError, "node ids are ints"),
    ([0, 1.5], TypeError, "node ids are ints"),
    ([0, 2], KeyError, "node 2 was removed"),
])
def test_bad_input_changes_nothing(bad, error, words):
    g = small()
    g.remove_node(2)
    events = []
    g.on_change(events.append)
    before = (g.node_count(), g.edge_count(), g.degree().to_list())
    with pytest.raises(error, match=words):
        g.remove_nodes(bad)
    with pytest.raises(error, match=words.replace("node", "edge")):
        g.remove_edges(bad)
    assert (g.node_count(), g.edge_count(), g.degree().to_list()) == before
    assert events == []


def test_a_mapped_graph_is_read_only(tmp_path):
    g = gg.open(small().save(tmp_path / "g.groggy"))
    for call in (lambda: g.remove_node(0), lambda: g.remove_edges([0])):
        with pytest.raises(ReadOnlyError):
            call()


def test_removal_fires_events_with_the_ids():
    g = small()
    events = []
    g.on_change(events.append)
    g.remove_node(0)
    g.remove_edges([2])
    kinds = [(e["type"], e["ids"].tolist()) for e in events]
    assert kinds == [("edges_removed", [0, 5]), ("nodes_removed", [0]), ("edges_removed", [2])]


def test_compact_renumbers_in_id_order():
    g = small()
    g.layouts["line"] = np.column_stack([np.arange(6.0), np.zeros(6)])
    g.remove_nodes([1, 4])
    h, old_to_new = g.compact(return_mapping=True)
    assert old_to_new.tolist() == [0, -1, 1, 2, -1, 3]
    assert h.node_count() == 4 and h.nodes["name"].to_list() == list("acdf")
    assert sorted(h.edge_endpoints(e) for e in range(h.edge_count())) == [(0, 3), (1, 2)]
    assert h.layouts["line"].node_positions[:, 0].tolist() == [0.0, 2.0, 3.0, 5.0]
    assert g.compact().node_count() == 4


def test_layouts_and_drawings_skip_removed_nodes(tmp_path):
    g = small()
    g.remove_node(3)
    lay = g.viz.compute_layout("circular", store=True)
    assert lay.node_ids.tolist() == [0, 1, 2, 4, 5]
    assert g.layouts["circular"].node_ids.tolist() == [0, 1, 2, 4, 5]
    g.layouts["mine"] = np.arange(10.0).reshape(5, 2)        # one row per live node
    assert g.layouts["mine"][4].tolist() == [6.0, 7.0]
    out = g.viz.export(tmp_path / "g.svg")
    assert Path(out).exists()
    back = gg.open(g.save(tmp_path / "g.groggy"))
    assert back.layouts["mine"].node_ids.tolist() == [0, 1, 2, 4, 5]
    assert back.layouts["mine"][5].tolist() == [8.0, 9.0]


def test_a_save_keeps_removed_ids_out_and_an_old_store_opens_unchanged(tmp_path):
    g = small()
    g.save(tmp_path / "plain.groggy")
    assert not (tmp_path / "plain.groggy" / "gen-1" / "removed").exists()
    g.remove_nodes([1])
    path = g.save(tmp_path / "g.groggy")
    opened = gg.open(path, verify=True)
    assert opened.nodes.table().node_ids().to_list() == [0, 2, 3, 4, 5]
    assert opened.edge_count() == 4
    with pytest.raises(KeyError, match="node 1 was removed"):
        opened.nodes[1]
    # a mapped graph re-saved (with a layout) links its removed ids too
    opened.layouts["c"] = opened.viz.compute_layout("circular")
    again = gg.open(opened.save(path))
    assert again.node_count() == 5 and again.layouts["c"].node_ids.tolist() == [0, 2, 3, 4, 5]
    # a copy can go on: the new id is past the highest ever used
    more = again.copy()
    assert more.add_node() == 6 and more.node_count() == 6


def test_a_damaged_removed_file_is_a_store_error(tmp_path):
    g = small()
    g.remove_nodes([1, 2])
    path = g.save(tmp_path / "g.groggy")
    f = path / "gen-1" / "removed" / "nodes.npy"
    raw = bytearray(f.read_bytes())
    raw[-1] ^= 0xFF
    f.write_bytes(bytes(raw))
    with pytest.raises(gg.StoreError, match="removed/nodes.npy"):
        gg.open(path)


# --------------------------------------------------------------------------- mirror
def components_of(G) -> set:
    comps = nx.weakly_connected_components(G) if G.is_directed() else \
        nx.connected_components(G)
    return {frozenset(c) for c in comps}


class RemovalMachine(RuleBasedStateMachine):
    """Random interleavings of adds, removals and save/open round trips, each step
    compared with a networkx MultiGraph kept in step (edges keyed by groggy's edge id)."""

    @initialize(directed=st.booleans(), n=st.integers(0, 6))
    def start(self, directed, n):
        self.g = gg.Graph(directed=directed)
        self.G = nx.MultiDiGraph() if directed else nx.MultiGraph()
        self.next_node = self.next_edge = 0
        self.tmp = Path(tempfile.mkdtemp(prefix="gg-removal-"))
        self.saves = 0
        self.add_nodes(n)

    @rule(count=st.integers(0, 4))
    def add_nodes(self, count):
        ids = self.g.add_nodes({"x": list(range(self.next_node, self.next_node + count))})
        assert ids == list(range(self.next_node, self.next_node + count))
        for i in ids:
            self.G.add_node(i, x=i)
        self.next_node += count

    @rule(data=st.data())
    def add_edges(self, data):
        live = sorted(self.G.nodes)
        if not live:
            return
        pairs = data.draw(st.lists(st.tuples(st.sampled_from(live), st.sampled_from(live)),
                                   max_size=5))
        ids = self.g.add_edges([(u, v, {"w": float(u + v)}) for u, v in pairs])
        assert ids == list(range(self.next_edge, self.next_edge + len(pairs)))
        for e, (u, v) in zip(ids, pairs):
            self.G.add_edge(u, v, key=e)
        self.next_edge += len(pairs)

    @rule(data=st.data())
    def remove_nodes(self, data):
        live = sorted(self.G.nodes)
        if not live:
            return
        chosen = data.draw(st.lists(st.sampled_from(live), max_size=3))
        self.g.remove_nodes(chosen)
        self.G.remove_nodes_from(chosen)

    @rule(data=st.data())
    def remove_edges(self, data):
        live = sorted(k for _, _, k in self.G.edges(keys=True))
        if not live:
            return
        chosen = set(data.draw(st.lists(st.sampled_from(live), max_size=3)))
        self.g.remove_edges(list(chosen))
        self.G.remove_edges_from([(u, v, k) for u, v, k in self.G.edges(keys=True)
                                  if k in chosen])

    @rule(data=st.data())
    def a_bad_removal_changes_nothing(self, data):
        gone = sorted(set(range(self.next_node)) - set(self.G.nodes))
        bad = data.draw(st.sampled_from(gone + [self.next_node, -1]))
        good = sorted(self.G.nodes)[:1]
        with pytest.raises(KeyError):
            self.g.remove_nodes(good + [bad])

    @rule()
    def save_and_open(self):
        self.saves += 1
        path = self.g.save(self.tmp / f"g{self.saves}.groggy")
        opened = gg.open(path)
        self.check(opened)
        self.g = opened.copy()

    def check(self, g):
        G = self.G
        nodes = sorted(G.nodes)
        edges = sorted(G.edges(keys=True), key=lambda t: t[2])
        assert (g.node_count(), g.edge_count()) == (len(nodes), len(edges))
        table = g.nodes.table()
        assert table.node_ids().to_list() == nodes and table.nrows == len(nodes)
        assert table["x"].to_list() == nodes
        et = g.edges.table()
        assert et.edge_ids().to_list() == [k for _, _, k in edges]
        ends = {k: (u, v) for u, v, k in edges}
        for k, s, t in zip(et.edge_ids().to_list(), et.sources().to_list(), et.targets().to_list()):
            assert (s, t) == ends[k] or (not G.is_directed() and (t, s) == ends[k])
        assert g.degree().to_list() == [G.degree(v) for v in nodes]
        for v in nodes[:4]:
            succ = G.successors(v) if G.is_directed() else G.neighbors(v)
            assert g.neighbors(v) == sorted(set(succ))
            assert g.bfs(v).node_ids().to_list() == sorted(
                nx.descendants(G, v) | {v} if G.is_directed() else nx.node_connected_component(G, v))
        comps = g.connected_components()
        assert {frozenset(c.node_ids().to_list()) for c in comps} == components_of(G)
        assert sum(c.edge_count() for c in comps) == len(edges)
        H = g.to_networkx()
        assert sorted(H.nodes) == nodes and H.number_of_edges() == len(edges)
        assert sorted(g.table().nodes.node_ids().to_list()) == nodes
        for gone in sorted(set(range(self.next_node)) - set(nodes))[:2]:
            with pytest.raises(KeyError, match="was removed"):
                g.nodes[gone]

    @invariant()
    def agrees_with_networkx(self):
        self.check(self.g)


RemovalMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=12,
                                            deadline=None)
TestRemovalSequences = RemovalMachine.TestCase


def test_a_subgraph_made_before_a_removal_leaves_the_removed_out():
    g = small()
    sg, by_edges = g.nodes[[0, 1, 2, 3]], g.edges[[0, 1, 2]]
    before = (sg.node_count(), sg.edge_count(), sg.density())
    g.remove_nodes([1])
    g.remove_edge(2)
    G = g.to_networkx().subgraph([0, 2, 3])
    assert before[0] == 4
    assert sg.node_ids().to_list() == [0, 2, 3] and 1 not in sg
    assert sg.edge_count() == G.number_of_edges() and len(sg.nodes.table()) == 3
    assert all(g.contains_edge(e) for e in by_edges.edge_ids().to_list())
    assert sg.density() == pytest.approx(nx.density(G))
