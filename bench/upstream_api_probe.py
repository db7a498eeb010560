"""How many of upstream groggy's documented calls run on this groggy.

Each call below is spelled as upstream groggy 0.5 (rollingstorms/groggy) documents it in
its README, quickstart and guides (graph-core, accessors, subgraphs, tables, arrays,
matrices), run on the quickstart's graph. A call "works" when it runs without raising;
the probe does not judge the result (the tests do that). Prints one line per failure
and the total.

    python bench/upstream_api_probe.py [--json]
"""
import contextlib
import io
import json
import sys

import groggy as gr

# the quickstart's graph; every call gets a fresh copy
SETUP = """
g = gr.Graph()
alice = g.add_node(name="Alice", age=29, role="Engineer")
bob = g.add_node(name="Bob", age=55, role="Manager", club="Purple")
carol = g.add_node(name="Carol", age=31, role="Analyst", club="Blue")
dave = g.add_node(name="Dave", age=42, club="Blue")
g.add_edge(alice, bob, weight=5)
g.add_edge(alice, carol, weight=2)
g.add_edge(bob, carol, weight=1)
g.add_edge(carol, dave, weight=3)
nodes, edges = g.nodes.table(), g.edges.table()
sub = g.nodes[[0, 1, 2]]
ages = g.nodes["age"]
"""

CALLS = [
    # README and quickstart
    "len(g.nodes)", "len(g.edges)", "g.nodes.table().head()", "g.edges.table().head()",
    "g.nodes[g.nodes['club'] == 'Purple']", "g.nodes[g.nodes['age'] < 30]",
    "g.connected_components(inplace=True, label='component')",
    "g.nodes['age'].nunique()", "print(g.table())", "gr.generators.karate_club()",
    "g.nodes.set_attrs({alice: {'is_start': True}})",
    "g.edges.set_attrs({0: {'strength': 0.9}})",
    "gr.GraphTable(nodes=nodes, edges=edges).to_graph()",
    "nodes.to_pandas()", "g.nodes[:2]", "g.nodes[[1, 2]]",
    "g.subgraph(nodes=sub.node_ids())", "g.nodes[[0, 2]].to_graph()",
    "g.nodes['name'].head()", "g.nodes['age'].mean()",
    "g.edges[g.edges['weight'] > 2]", "len(g.nodes['club'].unique())",
    "g.view()", "gr.generators.complete_graph(5)", "gr.generators.path_graph(10)",
    "gr.generators.erdos_renyi(n=100, p=0.05)",
    # graph core
    "g.node_count()", "g.edge_count()", "g.contains_node(alice)", "g.contains_edge(0)",
    "g.has_edge(0)", "g.degree()", "g.degree(alice)", "g.add_nodes([{'name': 'E'}])",
    "g.add_edges([(0, 3)])", "g.adjacency_matrix()", "g.adj()", "g.laplacian_matrix()",
    "g.to_matrix()", "g.connected_components().sorted_by_size()",
    "g.shortest_path(alice, dave)", "g.is_connected()", "g.density()",
    "g.node_ids", "g.edge_ids", "g.edge_endpoints(0)", "g.neighbors(alice)",
    "g.remove_node(dave)", "g.remove_edge(0)", "g['age']",
    # accessors
    "g.nodes.ids()", "g.edges.ids()", "g.nodes[alice]['name']", "g.nodes.all()",
    "g.nodes.attributes", "g.edges.sources()", "g.edges.targets()", "list(g.nodes)",
    "g.nodes.matrix()", "g.edges.weight_matrix()", "g.nodes.filter('age > 30')",
    # subgraphs
    "sub.node_ids()", "sub.edge_ids()", "sub.node_count()", "sub.edge_count()",
    "sub.table()", "sub.to_graph()", "sub.adjacency_matrix()", "sub.to_matrix()",
    "sub.degree()", "sub.connected_components()", "sub.density()", "sub.is_connected()",
    "sub.neighborhood(alice, 1)", "sub.is_empty()", "sub.in_degree()", "sub.out_degree()",
    "sub.nodes.table()",
    # tables
    "nodes.shape()", "nodes.nrows()", "nodes.ncols()", "nodes.shape", "nodes.nrows",
    "nodes.head(2)", "nodes.tail(2)", "nodes.sort_by('age')", "nodes.select(['name'])",
    "nodes.node_ids()", "edges.edge_ids()", "edges.sources()", "edges.targets()",
    "nodes.group_by('club')", "nodes.is_empty()", "nodes.to_csv('/tmp/_probe_nodes.csv')",
    "g.table().nodes", "g.table().edges", "nodes.drop_columns(['role'])",
    # arrays
    "ages.sum()", "ages.max()", "ages.min()", "ages.std()", "ages.to_list()",
    "ages.unique()", "ages.first()", "ages.last()", "ages.count()", "ages.var()",
    # matrices
    "g.adjacency_matrix().shape()", "g.adjacency_matrix().sum()",
    "g.adjacency_matrix().transpose()", "g.adjacency_matrix().to_numpy()",
    "g.adjacency_matrix().dense()", "g.adjacency_matrix().is_symmetric()",
    "g.adjacency_matrix().is_square()", "g.adjacency_matrix().is_sparse()",
    "g.adjacency_matrix().mean()", "g.adjacency_matrix().matmul(g.adjacency_matrix())",
    "g.laplacian_matrix(True)", "g.adjacency_matrix().sum_axis(1)",
    "gr.matrix([[1, 0], [0, 1]])",
]


def run(call: str):
    namespace = {"gr": gr}
    exec(SETUP, namespace)  # noqa: S102 - a fixed, local script
    try:
        with contextlib.redirect_stdout(io.StringIO()):   # print(...) calls stay quiet
            exec(call, namespace)  # noqa: S102
    except Exception as e:  # noqa: BLE001 - the error is what we report
        return f"{type(e).__name__}: {str(e).splitlines()[0][:100] if str(e) else ''}"
    return None


def main() -> None:
    failures = {call: err for call in CALLS if (err := run(call)) is not None}
    works = len(CALLS) - len(failures)
    if "--json" in sys.argv:
        print(json.dumps({"works": works, "total": len(CALLS), "failures": failures}))
        return
    for call, err in failures.items():
        print(f"FAIL {call:55s} {err}")
    print(f"{works} of {len(CALLS)} upstream calls work")


if __name__ == "__main__":
    main()
