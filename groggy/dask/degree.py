"""Degree on a Dask cluster, aligned with the nodes without a join: each edge
partition counts its ends and cuts the counts by node partition; each node partition
adds its pieces from every edge partition. Only (node, count) pairs of nodes that have
edges move between workers."""
from __future__ import annotations

import numpy as np

from groggy.dask import removed


def counted(edges, mode: str, starts: np.ndarray) -> list:
    """Per node partition: (nodes, counts) of this edge partition's ends ("all": both,
    "out": sources, "in": targets) that fall in it; ``starts`` are the node
    partitions' first positions, then the node count."""
    src, dst = edges["source"].to_numpy(np.int64), edges["target"].to_numpy(np.int64)
    ends = {"out": src, "in": dst}.get(mode)
    if ends is None:
        ends = np.concatenate([src, dst])   # a self-loop counts twice, as in-process
    nodes, counts = np.unique(ends, return_counts=True)
    cut = np.searchsorted(nodes, starts)
    return [(nodes[a:b], counts[a:b]) for a, b in zip(cut[:-1], cut[1:])]


def block(pieces: list, start: int, stop: int, gone=None):
    """The degree of nodes ``start..stop-1`` (less the removed ids ``gone``) from every
    edge partition's piece of them."""
    import pandas as pd
    out = np.zeros(stop - start, dtype=np.int64)
    for nodes, counts in pieces:
        np.add.at(out, nodes - start, counts)
    keep = removed.keep(start, stop, gone)
    if keep is not None:
        return pd.Series(out[keep], index=removed.live(start, stop, gone), name="degree")
    return pd.Series(out, index=pd.RangeIndex(start, stop), name="degree")


def degrees(edges, node_ranges: list, mode: str = "all", gone: list | None = None):
    """A Dask Series: each node's degree, index = node position (lazy); ``gone[j]``: the
    removed nodes of node partition ``j``, left out."""
    from dask import delayed
    from groggy.dask import reduce
    starts = np.array([a for a, _ in node_ranges] + [node_ranges[-1][1] if node_ranges
                                                      else 0], dtype=np.int64)
    pieces = reduce.per_partition(counted, edges[["source", "target"]], mode, starts,
                                  name="groggy-degree")
    # piece j is taken out where it was counted: a node block receives only its own
    gone = gone or [None] * len(node_ranges)
    blocks = [delayed(block)([p[j] for p in pieces], a, b, gone[j])
              for j, (a, b) in enumerate(node_ranges)]
    return reduce.node_series(blocks, node_ranges, "degree")
