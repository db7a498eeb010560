"""Connected components of a graph or a subgraph as a ``ComponentsArray`` whose
subgraphs keep the graph's own ids (a subgraph's components are subgraphs of the same
graph, not of a renumbered copy)."""
from __future__ import annotations

import numpy as np

from groggy import queries
from groggy.arrays import ComponentsArray
from groggy.graph import RESERVED_NODE_ATTRS
from groggy.subgraph import Subgraph


def connected_components(view, scope: queries.Scope, inplace: bool = False,
                         label: str = "component") -> ComponentsArray:
    """Weakly connected components of ``scope``; ``view`` is the Graph or Subgraph
    asked (what the array draws). With ``inplace``, write each node's component
    number to node attribute ``label`` (only the scope's nodes are written)."""
    graph = scope.graph
    labels, count = queries.component_labels(scope)
    if inplace:
        if not isinstance(label, str):
            raise TypeError(f"label names a node attribute, got {label!r}")
        ids = np.arange(graph.node_count(), dtype=np.int64) if scope.nodes is None \
            else scope.nodes
        graph._set_attr(graph._nodes, RESERVED_NODE_ATTRS, "node", "node_attrs", label, ids, labels)
    sizes = np.bincount(labels, minlength=count)
    groups = {}

    def make(i):
        if not groups:   # grouped once, when the first component is read
            groups["nodes"] = scope.global_ids(np.argsort(labels, kind="stable"))
            groups["bounds"] = np.concatenate([[0], np.cumsum(sizes)])
            src, _ = scope.ends()
            edge_labels = labels[src] if src.size else labels[:0]
            order = np.argsort(edge_labels, kind="stable")
            groups["edges"] = order if scope.edges is None else scope.edges[order]
            groups["ebounds"] = np.concatenate(
                [[0], np.cumsum(np.bincount(edge_labels, minlength=count))])
        b, eb = groups["bounds"], groups["ebounds"]
        return Subgraph(graph, groups["nodes"][b[i]:b[i + 1]],
                        groups["edges"][eb[i]:eb[i + 1]])

    return ComponentsArray._from_maker(count, make, "component", _labels=labels,
                                       _sizes=sizes, _graph=graph, _view=view,
                                       _scope=scope)

