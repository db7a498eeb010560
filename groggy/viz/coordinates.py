"""x coordinates of a layered drawing: Brandes and Koepf's, or least squares.

Brandes-Koepf ("Fast and Simple Horizontal Coordinate Assignment", 2001): four passes
each align every node with a median neighbour on the layer above (top-down passes) or
below (bottom-up), scanning each layer left to right or right to left, so that vertical
runs of aligned nodes (blocks) form, and inner segments of long edges (dummy to dummy)
win every conflict: long edges run straight. Each pass packs its blocks ``spacing``
apart; the final x of a node is the mean of the two medians of its four candidates,
after the passes are moved to share the narrowest one's left edge (left-to-right
passes) or right edge (right-to-left passes). Least squares: each layer packed, then
pulled toward neighbours, then long edges straightened where there is room; narrower
on graphs with many crossings. The order of each layer and the spacing survive every
step of both. Kernels: ``groggy/_core/_hier.pyx``.
"""
from __future__ import annotations

import numpy as np

from groggy import kernels
from groggy._core import _hier

__all__ = ["layered_x", "brandes_koepf_x", "least_squares_x", "PLACEMENTS"]

_PLACEMENT_ROUNDS = 4     # down+up passes of pulling nodes toward their neighbours
_STRAIGHTEN_ROUNDS = 2    # passes over the long edges (one straightened makes room)


PLACEMENTS = ("auto", "brandes-koepf", "least-squares")


def layered_x(group_ptr: np.ndarray, nodes: np.ndarray, pos: np.ndarray,
              upper: np.ndarray, lower: np.ndarray, n_real: int, comp: np.ndarray,
              chain_ptr: np.ndarray, spacing: float, placement: str = "auto") -> np.ndarray:
    """x of every node and dummy by ``placement``: "auto" takes, per component,
    Brandes-Koepf's drawing (:func:`brandes_koepf_x`) where it is no wider than the
    least-squares one (:func:`least_squares_x`), else the latter. Arguments as for those
    two.

    Examples
    --------
    >>> import numpy as np     # 0 over 2 and 3, 1 over 4; edges 0-2, 0-3, 1-4
    >>> layers, order, slot = np.array([0, 2, 5]), np.arange(5), np.array([0, 1, 0, 1, 2])
    >>> ups, downs, one = np.array([0, 0, 1]), np.array([2, 3, 4]), np.zeros(5, np.int64)
    >>> layered_x(layers, order, slot, ups, downs, 5, one, np.array([5]), 1.0).tolist()
    [0.5, 2.0, 0.0, 1.0, 2.0]
    """
    if placement != "least-squares":
        bk = brandes_koepf_x(group_ptr, nodes, pos, upper, lower, n_real, comp, spacing)
        if placement == "brandes-koepf":
            return bk
    ls = least_squares_x(group_ptr, nodes, pos, upper, lower, n_real, chain_ptr, spacing)
    if placement == "least-squares":
        return ls
    labels, which = np.unique(comp, return_inverse=True)
    keep_bk = _extent(bk, which, labels.size) <= _extent(ls, which, labels.size) + 1e-9
    return np.where(keep_bk[which], bk, ls)


def _extent(x: np.ndarray, which: np.ndarray, k: int) -> np.ndarray:
    lo, hi = _ends(x, which, k)
    return hi - lo


def _ends(x: np.ndarray, which: np.ndarray, k: int) -> tuple:
    """(least, largest) x of each of the ``k`` groups that ``which`` numbers."""
    lo, hi = np.full(k, np.inf), np.full(k, -np.inf)
    np.minimum.at(lo, which, x)
    np.maximum.at(hi, which, x)
    return lo, hi


def least_squares_x(group_ptr: np.ndarray, nodes: np.ndarray, pos: np.ndarray,
                    upper: np.ndarray, lower: np.ndarray, n_real: int,
                    chain_ptr: np.ndarray, spacing: float) -> np.ndarray:
    """A narrow drawing: each layer packed ``spacing`` apart, then rounds that move every
    layer's nodes as close as they can get (weighted least squares, order and spacing
    kept) to the mean x of their neighbours, long edges pulled hardest; last, the
    dummies of each long edge (chain c: nodes ``chain_ptr[c]`` to ``chain_ptr[c + 1] -
    1``) go onto one vertical line where their layers leave room, within the drawing's
    extent.

    Examples
    --------
    >>> import numpy as np     # 0 over 2 and 3, 1 over 4; edges 0-2, 0-3, 1-4
    >>> layers, order, slot = np.array([0, 2, 5]), np.arange(5), np.array([0, 1, 0, 1, 2])
    >>> ups, downs, one = np.array([0, 0, 1]), np.array([2, 3, 4]), np.zeros(5, np.int64)
    >>> x = least_squares_x(layers, order, slot, ups, downs, 5, np.array([5]), 1.0)
    >>> np.round(x, 2).tolist()
    [-0.17, 1.33, -0.67, 0.33, 1.33]
    """
    total = pos.size
    up_ptr, up_idx, _ = kernels.build_csr(lower, upper, total, both_ways=False)
    down_ptr, down_idx, _ = kernels.build_csr(upper, lower, total, both_ways=False)
    widest = int(np.diff(group_ptr).max())
    x = pos.astype(np.float64) * spacing
    _hier.place_x(group_ptr, nodes, up_ptr, up_idx, down_ptr, down_idx, _PLACEMENT_ROUNDS,
                  spacing, n_real, x, np.empty(widest), np.empty(widest),
                  np.empty(widest, dtype=np.int64))
    left, right = _neighbours(nodes, group_ptr)
    lo, hi = float(x.min()), float(x.max())
    for _ in range(_STRAIGHTEN_ROUNDS):
        _hier.straighten_chains(chain_ptr, left, right, spacing, lo, hi, x)
    return x


def _sorted_neighbours(ptr: np.ndarray, idx: np.ndarray, key: np.ndarray) -> np.ndarray:
    """idx with each node's neighbour list sorted by ``key`` of the neighbour."""
    owner = np.repeat(np.arange(ptr.size - 1), np.diff(ptr))
    return np.lexsort((key[idx], owner))


def brandes_koepf_x(group_ptr: np.ndarray, nodes: np.ndarray, pos: np.ndarray,
                    upper: np.ndarray, lower: np.ndarray, n_real: int, comp: np.ndarray,
                    spacing: float) -> np.ndarray:
    """x of every node and dummy (nodes numbered from ``n_real`` on are dummies).

    group_ptr/nodes list each group's (one layer of one component) nodes left to right,
    groups of a component top to bottom; pos[v] is v's index in its group; edges
    (upper[e], lower[e]) join consecutive groups; comp[v] is v's component.

    Examples
    --------
    >>> import numpy as np     # 0 over 2 and 3, 1 over 4; edges 0-2, 0-3, 1-4
    >>> layers, order, slot = np.array([0, 2, 5]), np.arange(5), np.array([0, 1, 0, 1, 2])
    >>> ups, downs, one = np.array([0, 0, 1]), np.array([2, 3, 4]), np.zeros(5, np.int64)
    >>> brandes_koepf_x(layers, order, slot, ups, downs, 5, one, 1.0).tolist()
    [0.5, 2.0, 0.0, 1.0, 2.0]
    """
    total = pos.size
    sizes = np.diff(group_ptr)
    group = np.repeat(np.arange(sizes.size), sizes)            # group of nodes[i]
    mirror = np.empty_like(nodes)                              # each group right to left
    mirror[:] = nodes[group_ptr[group] + group_ptr[group + 1] - 1 - np.arange(total)]
    mirrored_pos = np.empty_like(pos)
    mirrored_pos[nodes] = sizes[group] - 1 - pos[nodes]
    up_ptr, up_idx, up_edge = kernels.build_csr(lower, upper, total, both_ways=False)
    down_ptr, down_idx, down_edge = kernels.build_csr(upper, lower, total, both_ways=False)
    marked_up = np.zeros(up_idx.size, dtype=np.uint8)
    _hier.mark_conflicts(group_ptr, nodes, pos, up_ptr, up_idx, n_real, marked_up)
    marked = np.zeros(upper.size, dtype=np.uint8)              # per edge
    marked[up_edge] = marked_up

    scratch = _Scratch(total)
    candidates = []
    for backwards, (ptr, idx, edge) in ((False, (up_ptr, up_idx, up_edge)),
                                        (True, (down_ptr, down_idx, down_edge))):
        for leftward, order, where in ((False, nodes, pos), (True, mirror, mirrored_pos)):
            by_pos = _sorted_neighbours(ptr, idx, where)
            _hier.align_blocks(group_ptr, order, where, backwards, ptr, idx[by_pos],
                               marked[edge[by_pos]], scratch.root, scratch.align)
            x = scratch.compact(order, group_ptr, spacing)
            candidates.append(-x if leftward else x)
    return _balance(np.array(candidates), comp)


def _neighbours(order: np.ndarray, group_ptr: np.ndarray) -> tuple:
    """(left, right): each node's neighbours on its layer in ``order``, -1 at the ends."""
    total = order.size
    left = np.full(total, -1, dtype=np.int64)
    right = np.full(total, -1, dtype=np.int64)
    inside = np.ones(total, dtype=bool)                    # not the last of its group
    inside[group_ptr[1:] - 1] = False
    left[order[1:][inside[:-1]]] = order[:-1][inside[:-1]]
    right[order[:-1][inside[:-1]]] = order[1:][inside[:-1]]
    return left, right


class _Scratch:
    """Arrays the kernels fill, allocated once for the four passes."""

    def __init__(self, total: int):
        self.root = np.empty(total, dtype=np.int64)
        self.align = np.empty(total, dtype=np.int64)
        self.ints = [np.empty(total, dtype=np.int64) for _ in range(4)]
        self.edge_ptr = np.empty(total + 1, dtype=np.int64)
        self.floats = [np.empty(total) for _ in range(2)]

    def compact(self, order: np.ndarray, group_ptr: np.ndarray, spacing: float) -> np.ndarray:
        total = order.size
        left, right = _neighbours(order, group_ptr)
        x = np.empty(total)
        sink, count, queue, edge_from = self.ints
        shift, edge_gap = self.floats
        for classes in (True, False):
            # a cyclic class graph (never seen) falls back to packing from one edge
            if _hier.compact_blocks(self.root, self.align, left, right, spacing, classes,
                                    x, sink, shift, count, queue, self.edge_ptr, edge_from,
                                    edge_gap):
                return x
        raise RuntimeError("Brandes-Koepf compaction failed; this is a groggy bug")


def _balance(candidates: np.ndarray, comp: np.ndarray) -> np.ndarray:
    """Mean of the two middle candidates per node, after moving each candidate
    (per component) to the narrowest one's left edge (passes 0 and 2, left to right) or
    right edge (1 and 3)."""
    labels, comp = np.unique(comp, return_inverse=True)
    k = labels.size
    lo, hi = np.array([_ends(candidates[c], comp, k) for c in range(4)]).transpose(1, 0, 2)
    narrowest = np.argmin(hi - lo, axis=0)
    cols = np.arange(k)
    target_lo, target_hi = lo[narrowest, cols], hi[narrowest, cols]
    moved = np.empty_like(candidates)
    for c in range(4):
        delta = (target_lo - lo[c]) if c % 2 == 0 else (target_hi - hi[c])
        moved[c] = candidates[c] + delta[comp]
    moved.sort(axis=0)
    return (moved[1] + moved[2]) / 2
