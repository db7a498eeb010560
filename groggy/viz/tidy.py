"""Tidy drawings of trees and forests, and the radial form of any layered drawing.

When the layers of a graph (``hierarchical.assign_layers``, so the roots are the ones
the hierarchical layout picks) make it a forest whose every edge joins a node to its
one parent on the layer above, the hierarchical layout draws it as Reingold and Tilford
asked: parents centred over their children, subtrees never overlapping, identical
subtrees drawn identically and as narrow as the rest allows. The x coordinates come
from Walker's algorithm in the linear-time form of Buchheim, Juenger and Leipert (the
kernel ``groggy/_core/_tidy.pyx``, iterative, so depth is no limit).

``radial_positions`` turns a layered drawing (x along a layer, a layer number) into
evenly spaced rings around the root: layer k on ring k, the x order kept as the angle,
the rings far enough apart that no two nodes of a ring come closer than the node
spacing.
"""
from __future__ import annotations

import numpy as np

from groggy._core import _tidy

__all__ = ["forest_parents", "tidy_x", "radial_positions"]


def forest_parents(layer: np.ndarray, src: np.ndarray, dst: np.ndarray,
                   n: int) -> np.ndarray | None:
    """The parent of every node (-1 at a root) if, ignoring self-loops, repeated edges
    and edge direction, the graph is a forest whose every edge joins consecutive layers
    and every node has at most one neighbour on the layer above; else None.

    Examples
    --------
    >>> forest_parents(np.array([0, 1, 1, 2]), np.array([0, 0, 2]), np.array([1, 2, 3]),
    ...                4).tolist()
    [-1, 0, 0, 2]
    >>> print(forest_parents(np.array([0, 1, 1]), np.array([0, 0, 1]), np.array([1, 2, 2]),
    ...                      3))   # a triangle
    None
    """
    keep = src != dst
    a, b = src[keep], dst[keep]
    upper = np.where(layer[a] <= layer[b], a, b)
    lower = np.where(layer[a] <= layer[b], b, a)
    pairs = np.sort(upper * np.int64(n) + lower)     # np.unique hashes: 100x slower here
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if pairs.size else pairs
    upper, lower = pairs // n, pairs % n
    if (layer[lower] - layer[upper] != 1).any():
        return None                                   # an edge within or across layers
    parent = np.full(n, -1, dtype=np.int64)
    if np.bincount(lower, minlength=n).max(initial=0) > 1:
        return None                                   # a node with two parents
    parent[lower] = upper
    # one parent each and every edge going down a layer: no cycle is possible, so the
    # graph is a forest
    return parent


def tidy_x(parent: np.ndarray, layer: np.ndarray, distance: float) -> np.ndarray:
    """x of every node of the forest ``parent`` (-1 at roots): each tree tidy, with
    siblings in node order, nodes of one layer at least ``distance`` apart within a
    tree. Trees overlap each other; the caller places them side by side.

    Examples
    --------
    >>> tidy_x(np.array([-1, 0, 0, 1, 1, 2]), np.array([0, 1, 1, 2, 2, 2]), 1.0).tolist()
    [1.25, 0.5, 2.0, 0.0, 1.0, 2.0]
    """
    n = parent.size
    child = np.flatnonzero(parent >= 0)
    by_parent = child[np.argsort(parent[child], kind="stable")]   # siblings in id order
    child_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(parent[child], minlength=n), out=child_ptr[1:])
    number = np.zeros(n, dtype=np.int64)
    number[by_parent] = np.arange(by_parent.size) - child_ptr[parent[by_parent]]
    # bottom up: deepest layer first; within a layer grouped by parent, siblings in order
    order = np.lexsort((np.arange(n), parent, -layer)).astype(np.int64)
    x = np.empty(n)
    ints = [np.empty(n, dtype=np.int64) for _ in range(3)]
    floats = [np.empty(n) for _ in range(4)]
    _tidy.tidy_x(child_ptr, np.ascontiguousarray(by_parent, dtype=np.int64), parent, number,
                 order, float(distance), x, *ints, *floats)
    return x


def radial_positions(x: np.ndarray, layer: np.ndarray, node_spacing: float,
                     layer_spacing: float) -> np.ndarray:
    """Rings from a layered drawing: the x range (and one gap of ``node_spacing``, so the
    ends do not meet) wraps once around the circle clockwise from the top, and layer k
    sits on ring k of evenly spaced rings, the centre being ring 0 when layer 0 is one
    node (else the rings start one step out). The step is ``layer_spacing``, or more
    where a ring needs it so that neighbours on it stay ``node_spacing`` apart.

    Examples
    --------
    >>> pos = radial_positions(np.array([1.0, 0.0, 1.0, 2.0]), np.array([0, 1, 1, 1]),
    ...                        1.0, 1.0)
    >>> np.round(np.hypot(*pos.T), 3).tolist()
    [0.0, 1.0, 1.0, 1.0]
    """
    if x.size == 0:
        return np.zeros((0, 2))
    span = float(x.max() - x.min()) + node_spacing
    angle = 2 * np.pi * (x - x.min()) / span
    layers = int(layer.max()) + 1
    ring = np.arange(layers) + (0 if np.count_nonzero(layer == 0) == 1 else 1)
    step = layer_spacing
    order = np.lexsort((angle, layer))
    starts = np.searchsorted(layer[order], np.arange(layers))
    ends = np.r_[starts[1:], order.size]
    for k in range(layers):
        around = angle[order[starts[k]:ends[k]]]
        if around.size > 1:
            gaps = np.diff(np.r_[around, around[0] + 2 * np.pi])
            half = min(float(gaps.min()), np.pi) / 2
            if half > 0:     # equal angles happen only for nodes at one x: nothing helps
                step = max(step, node_spacing / (2 * np.sin(half)) / ring[k] * (1 + 1e-9))
    r = ring[layer] * step
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)]) + 0.0
