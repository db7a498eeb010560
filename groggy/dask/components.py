"""Connected components on a Dask cluster: a union-find per edge partition, merged in a
tree, never every edge in one place.

Each edge partition's worker runs groggy's union-find kernel over the nodes its edges
touch and keeps one pair per touched node: (node, smallest node of its local
component). Pairs are edges too (a node and its representative are connected), so two
partitions' pairs merge by the same union-find, and the merged pairs name the smallest
node of the merged component. At the root every touched node has its global
representative; the root's pairs are cut by node partition, and each node partition
looks its nodes up in its piece (a node no edge touches is its own component). Labels
are canonical: a component's label is its smallest node position. The largest result
is the root's pairs (one per node that has an edge), which stays on its worker;
nothing goes to the client.
"""
from __future__ import annotations

import functools

import numpy as np

from groggy import kernels
from groggy.dask import removed


def pairs(sources: np.ndarray, targets: np.ndarray, n: int | None = None) -> tuple:
    """(touched nodes, sorted; the smallest node of each one's component) of the graph
    of these edges. With ``n`` (the node count) and ends numerous enough (a quarter of
    ``n`` or more), the union-find runs over all ``n`` positions, which costs O(n) and
    no sort; otherwise over the touched nodes only, found by sorting the ends.

    Examples
    --------
    >>> nodes, reps = pairs(np.array([5, 9, 7]), np.array([9, 2, 8]))
    >>> nodes.tolist(), reps.tolist()
    ([2, 5, 7, 8, 9], [2, 2, 7, 7, 2])
    >>> [a.tolist() for a in pairs(np.array([5, 9, 7]), np.array([9, 2, 8]), n=10)]
    [[2, 5, 7, 8, 9], [2, 2, 7, 7, 2]]
    """
    ends = np.concatenate([np.asarray(sources, np.int64), np.asarray(targets, np.int64)])
    m = len(sources)
    if n is not None and 4 * ends.size >= n:
        labels, _ = kernels.component_labels(ends[:m], ends[m:], n)
        touched = np.zeros(n, dtype=bool)
        touched[ends] = True
        nodes = np.flatnonzero(touched)
        return nodes, _smallest(labels)[nodes]
    nodes, compact = np.unique(ends, return_inverse=True)
    labels, _ = kernels.component_labels(compact[:m], compact[m:], nodes.size)
    return nodes, nodes[_smallest(labels)]


def _smallest(labels: np.ndarray) -> np.ndarray:
    """Each position's smallest position with the same label, for labels numbered in
    order of their smallest position (``kernels.component_labels``): a label's first
    position is where the running maximum of the labels goes up."""
    if labels.size == 0:
        return labels
    first = np.empty(labels.size, dtype=bool)
    first[0] = True
    np.greater(labels[1:], np.maximum.accumulate(labels)[:-1], out=first[1:])
    return np.flatnonzero(first)[labels]


def edge_pairs(edges, n: int | None = None) -> tuple:
    """``pairs`` of one edge partition (a pandas DataFrame with source and target)."""
    return pairs(edges["source"].to_numpy(np.int64), edges["target"].to_numpy(np.int64), n)


def merge(parts: list, n: int | None = None) -> tuple:
    """The pairs of several partitions' pairs together (a node and its representative
    are an edge)."""
    if len(parts) == 1:
        return parts[0]
    return pairs(np.concatenate([p for p, _ in parts]), np.concatenate([r for _, r in parts]),
                 n)


def _empty() -> tuple:
    return np.empty(0, np.int64), np.empty(0, np.int64)


def by_range(root: tuple, ranges: list) -> list:
    """The pairs cut by node partition (the nodes are sorted)."""
    nodes, reps = root
    cuts = np.searchsorted(nodes, [a for a, _ in ranges] + [ranges[-1][1]])
    return [(nodes[a:b], reps[a:b]) for a, b in zip(cuts[:-1], cuts[1:])]


def labels_block(root: tuple, start: int, stop: int, gone=None):
    """The component label of nodes ``start..stop-1`` less the removed ids ``gone`` (a
    pandas Series), from the pairs of (at least) those nodes."""
    import pandas as pd
    nodes, reps = root
    positions = removed.live(start, stop, gone)
    at = np.minimum(np.searchsorted(nodes, positions), max(nodes.size - 1, 0))
    found = nodes[at] == positions if nodes.size else np.zeros(positions.size, bool)
    labels = np.where(found, reps[at] if nodes.size else positions, positions)
    index = pd.RangeIndex(start, stop) if positions.size == stop - start else positions
    return pd.Series(labels, index=index, name="component")


def component_labels(edges, node_ranges: list, split_every: int = 8,
                     gone: list | None = None):
    """A Dask Series: each node's component label (its component's smallest node),
    index = node position, one partition per node partition (lazy); ``gone[j]``: the
    removed nodes of node partition ``j``, left out."""
    from dask import delayed
    from groggy.dask import reduce
    n = node_ranges[-1][1] if node_ranges else 0
    parts = reduce.per_partition(edge_pairs, edges[["source", "target"]], n,
                                 name="groggy-components")
    root = reduce.tree(parts, functools.partial(merge, n=n), _empty, split_every)
    # cut where it was merged: each node partition receives only its own nodes' pairs
    cut = delayed(by_range, nout=len(node_ranges))(root, node_ranges)
    gone = gone or [None] * len(node_ranges)
    blocks = [delayed(labels_block)(cut[j], a, b, gone[j])
              for j, (a, b) in enumerate(node_ranges)]
    return reduce.node_series(blocks, node_ranges, "component")
