"""Hierarchical (layered, Sugiyama-style) layout.

Steps: break cycles (reverse a greedy feedback arc set), assign layers (longest path from
the sources, or BFS depth from roots); a forest in those layers is drawn tidily
(``tidy.py``); otherwise split long edges with dummy nodes (where the edges bend),
reduce crossings with barycenter sweeps and adjacent swaps, then place each layer's
nodes ``node_spacing`` apart (``coordinates.py``: Brandes-Koepf, or least squares where
that is narrower). The hot loops are Cython kernels in ``groggy/_core/_hier.pyx``; everything
here is validation and NumPy.
"""
from __future__ import annotations

import numbers

import numpy as np

from groggy import kernels
from groggy._core import _hier
from groggy.viz import coordinates, tidy
from groggy.viz.layout import Drawing, GraphInput, register

__all__ = ["feedback_arcs", "assign_layers", "hierarchical_layout", "hierarchical_drawing",
           "DIRECTIONS"]

DIRECTIONS = ("top-down", "left-right", "bottom-up", "right-left")
_DUMMY_BUDGET = 8         # at most this many dummy nodes per node and edge (see _proper)


# --------------------------------------------------------------------------- helpers

def _edges(sources, targets, n: int) -> tuple:
    """int64 endpoints, checked to be node numbers in [0, n)."""
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 0:
        raise ValueError(f"n must be an int >= 0, got {n!r}")
    src = kernels._int64(sources, "sources")
    dst = kernels._int64(targets, "targets")
    kernels._check_endpoints(src, dst, int(n))
    return src, dst


def _one_way_csr(src: np.ndarray, dst: np.ndarray, n: int) -> tuple:
    indptr, indices, _ = kernels.build_csr(src, dst, n, both_ways=False)
    return indptr, indices


def _positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def _root_rows(graph: GraphInput, root) -> np.ndarray:
    """Rows of the node id(s) in ``root``; a ValueError names any that is not a node."""
    ids = np.atleast_1d(np.asarray(root))
    if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
        raise ValueError(f"root must be a node id or a list of node ids, got {root!r}")
    ids = ids.astype(np.int64)
    order = np.argsort(graph.node_ids, kind="stable")
    known = graph.node_ids[order]
    at = np.searchsorted(known, ids)
    found = at < known.size
    found[found] = known[at[found]] == ids[found]
    if not found.all():
        raise ValueError(f"root {int(ids[~found][0])} is not a node of this graph "
                         f"({graph.n} nodes)")
    return order[at]


# --------------------------------------------------------------------------- public steps

def feedback_arcs(sources, targets, n: int) -> np.ndarray:
    """Edges whose reversal makes a directed graph acyclic (Eades-Lin-Smyth greedy).

    Self-loops are never in the set (a layout ignores them). On a DAG the set is empty;
    on any graph it holds at most about half of the edges, usually far fewer.

    Parameters
    ----------
    sources, targets : array_like of int
        Directed edges, endpoints in ``[0, n)``; duplicates allowed.
    n : int
        Number of nodes.

    Returns
    -------
    numpy.ndarray of bool
        One flag per edge: reverse it.

    Examples
    --------
    >>> feedback_arcs([0, 1, 2, 2], [1, 2, 0, 3], 4).tolist()   # one edge of the 3-cycle
    [False, True, False, False]
    """
    src, dst = _edges(sources, targets, n)
    order = _greedy_order(src, dst, int(n))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank[src] > rank[dst]


def _greedy_order(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    keep = src != dst
    s, t = src[keep], dst[keep]
    out_ptr, out_idx = _one_way_csr(s, t, n)
    in_ptr, in_idx = _one_way_csr(t, s, n)
    outdeg, indeg = np.diff(out_ptr), np.diff(in_ptr)
    span = int((outdeg + indeg).max()) if n else 0
    order = np.empty(n, dtype=np.int64)
    scratch = [np.empty(n, dtype=np.int64) for _ in range(3)]
    _hier.greedy_order(out_ptr, out_idx, in_ptr, in_idx, span, outdeg.copy(), indeg.copy(),
                       *scratch[:2], np.empty(2 * span + 3, dtype=np.int64), scratch[2], order)
    return order


def assign_layers(graph: GraphInput, root=None) -> np.ndarray:
    """Layer of every node: 0 is the top.

    Without ``root``, a directed graph is layered by longest path from its sources after
    its feedback arcs (:func:`feedback_arcs`) are reversed, so every other edge goes from
    a lower layer to a higher one; a source then moves down to just above its highest
    successor, which shortens its edges. An undirected graph, or any graph given
    ``root``, is layered by BFS depth (edges taken both ways) from the root(s); each
    component without a root starts from its smallest node. Self-loops are ignored.

    Parameters
    ----------
    graph : GraphInput
    root : int or list of int, optional
        Node id(s) (as in ``graph.node_ids``) to put in layer 0.

    Returns
    -------
    numpy.ndarray of int64, length ``graph.n``.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(directed=True); _ = g.add_nodes(4)
    >>> _ = g.add_edges([(0, 1), (1, 2), (0, 2), (3, 2)])
    >>> assign_layers(g.viz.graph_input()).tolist()
    [0, 1, 2, 1]
    """
    n = graph.n
    src, dst = _edges(graph.sources, graph.targets, n)
    if root is None and graph.directed:
        return _longest_path_layers(src, dst, n)
    roots = np.empty(0, dtype=np.int64) if root is None else _root_rows(graph, root)
    return _bfs_layers(src, dst, n, roots)


def _longest_path_layers(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    order = _greedy_order(src, dst, n)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    keep = src != dst
    flip = rank[src] > rank[dst]
    s, t = np.where(flip, dst, src)[keep], np.where(flip, src, dst)[keep]
    out_ptr, out_idx = _one_way_csr(s, t, n)
    layer = np.zeros(n, dtype=np.int64)
    _hier.longest_path_layers(order, out_ptr, out_idx, layer)
    # pull sources down to just above their highest successor: shorter edges, fewer dummies
    is_source = np.ones(n, dtype=bool)
    is_source[t] = False
    from_source = is_source[s]
    below = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(below, s[from_source], layer[t[from_source]])
    moved = is_source & (below < np.iinfo(np.int64).max)
    layer[moved] = below[moved] - 1
    return layer


def _bfs_layers(src: np.ndarray, dst: np.ndarray, n: int, roots: np.ndarray) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    labels, count = kernels.component_labels(src, dst, n)
    has_root = np.zeros(count, dtype=bool)
    has_root[labels[roots]] = True
    _, first = np.unique(labels, return_index=True)   # smallest node of each component
    roots = np.concatenate([roots, first[~has_root]])
    # one BFS from a virtual node n joined to every root gives multi-source depths
    keep = src != dst
    s = np.concatenate([src[keep], np.full(roots.size, n, dtype=np.int64)])
    t = np.concatenate([dst[keep], roots])
    indptr, indices, _ = kernels.build_csr(s, t, n + 1, both_ways=True)
    _, dist = kernels.bfs(indptr, indices, n)
    return dist[:n] - 1


# --------------------------------------------------------------------------- the layout

def _proper(layer: np.ndarray, src: np.ndarray, dst: np.ndarray, n: int) -> tuple:
    """Edges between consecutive layers only: an edge spanning k > 1 layers becomes a
    chain through k - 1 dummy nodes (numbered n, n+1, ...). Returns (layer of every node
    including dummies, upper ends, lower ends, owner of each dummy). Same-layer edges are
    dropped; if the dummies would exceed a budget, the longest edges are left out of
    crossing reduction (they are still drawn, as straight lines)."""
    up, down = np.minimum(layer[src], layer[dst]), np.maximum(layer[src], layer[dst])
    keep = up < down
    a = np.where(layer[src] <= layer[dst], src, dst)[keep]
    b = np.where(layer[src] <= layer[dst], dst, src)[keep]
    span = (down - up)[keep]
    key = np.unique(a * n + b, return_index=True)[1]     # drop multi-edges
    a, b, span = a[key], b[key], span[key]
    extra = span - 1
    budget = _DUMMY_BUDGET * (n + a.size)
    if extra.sum() > budget:
        by_span = np.argsort(extra, kind="stable")
        within = np.cumsum(extra[by_span]) <= budget
        chosen = np.sort(by_span[within])
        a, b, extra = a[chosen], b[chosen], extra[chosen]
    dummies = int(extra.sum())
    # chain of edge e: a[e] -> d ... d -> b[e], laid out block after block
    blocks = extra + 1
    start = np.cumsum(blocks) - blocks
    first = np.zeros(int(blocks.sum()), dtype=bool)
    first[start] = True
    last = np.zeros_like(first)
    last[start + extra] = True
    dummy_ids = np.arange(n, n + dummies, dtype=np.int64)
    upper, lower = np.empty(first.size, np.int64), np.empty(first.size, np.int64)
    upper[first], upper[~first] = a, dummy_ids
    lower[last], lower[~last] = b, dummy_ids
    owner = np.repeat(a, extra)
    first_dummy = np.cumsum(extra) - extra
    step = np.arange(dummies) - np.repeat(first_dummy, extra)   # 0, 1, ... along a chain
    full_layer = np.concatenate([layer, layer[owner] + 1 + step])
    chains = (a * n + b, first_dummy, extra)     # sorted keys: which pair owns which dummies
    return full_layer, upper, lower, owner, chains


def _bends(layer: np.ndarray, src: np.ndarray, dst: np.ndarray, n: int, chains: tuple,
           points: np.ndarray) -> tuple:
    """(offsets, points) CSR over the edges: each edge whose chain has dummies bends at
    their positions (``points`` holds one row per dummy), listed from source to target."""
    keys, first_dummy, extra = chains
    down = layer[src] <= layer[dst]
    key = np.where(down, src, dst) * n + np.where(down, dst, src)
    at = np.minimum(np.searchsorted(keys, key), max(keys.size - 1, 0))
    found = (keys[at] == key) if keys.size else np.zeros(key.size, bool)
    counts = np.where(found & (src != dst), extra[at] if keys.size else 0, 0)
    offsets = np.zeros(src.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    step = np.arange(offsets[-1]) - np.repeat(offsets[:-1], counts)
    step = np.where(np.repeat(down, counts), step, np.repeat(counts, counts) - 1 - step)
    return offsets, points[np.repeat(first_dummy[at], counts) + step]


def hierarchical_layout(graph: GraphInput, direction: str = "top-down",
                        layer_spacing: float = 1.0, node_spacing: float = 1.0,
                        sweeps: int = 8, root=None, radial: bool = False,
                        placement: str = "auto") -> np.ndarray:
    """Layered drawing: every node on a layer, edges pointing down the layers.

    Layers come from :func:`assign_layers`. When they make the graph a forest (every
    edge joins a node to its one parent on the layer above: a tree drawn from its root,
    an undirected tree, or a directed out-tree), the trees are drawn tidily
    (Reingold-Tilford, by Walker's algorithm in Buchheim, Juenger and Leipert's linear
    time): each parent centred over its children, subtrees never overlapping, identical
    subtrees drawn identically, siblings in node order.

    Otherwise edges spanning several layers go through dummy nodes so that ``sweeps``
    rounds of barycenter ordering (down, then up) can untangle them; each layer's nodes
    are then placed ``node_spacing`` apart in that order (``placement``). The dummy
    positions are where those edges bend (:func:`hierarchical_drawing` returns them).
    Components sit side by side, ``2 * node_spacing`` apart. Self-loops and same-layer
    edges do not affect the drawing; multi-edges count once.

    Parameters
    ----------
    graph : GraphInput
    direction : {"top-down", "left-right", "bottom-up", "right-left"}
        Where layer 0 is. Top-down puts layer ``k`` at ``y = -k * layer_spacing``; the
        others are that drawing turned by 90, 180 and 270 degrees counter-clockwise.
    layer_spacing, node_spacing : float
        Distance between layers, and between neighbours within a layer (> 0).
    sweeps : int
        Most rounds of crossing reduction (>= 0); the ordering with the fewest crossings
        seen is kept, and a round that changes nothing ends them early.
    root : int or list of int, optional
        Layer by BFS depth from these node ids instead of by edge direction.
    radial : bool
        Rings instead of rows: layer 0 in the centre (a ring when it has several
        nodes), layer ``k`` on the ``k``-th of evenly spaced rings, spaced
        ``layer_spacing`` or more where a ring needs it so that neighbours on it stay
        ``node_spacing`` apart; the order along a layer becomes the angle, clockwise
        from the top. ``direction`` does not apply.
    placement : {"auto", "brandes-koepf", "least-squares"}
        How the layered (non-forest) drawing's x coordinates are found.
        ``"brandes-koepf"``: Brandes and Koepf's four median alignments, packed and
        balanced; a long edge runs as one vertical line through its bends unless it
        crosses another long edge, and nodes sit over their median neighbours, but a
        graph with many crossings comes out wide. ``"least-squares"``: each node as close
        as its layer's order allows to the mean x of its neighbours, starting from each
        layer packed, so the drawing stays about as wide as its widest layer; the bends
        of a long edge are then put on one line where their layers leave room.
        ``"auto"`` (default): per component, Brandes-Koepf where it is no wider than
        least squares, else least squares.

    Returns
    -------
    numpy.ndarray
        ``(graph.n, 2)`` positions.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(directed=True); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (0, 2)])
    >>> hierarchical_layout(g.viz.graph_input()).tolist()
    [[0.5, 0.0], [0.0, -1.0], [1.0, -1.0]]
    """
    return hierarchical_drawing(graph, direction, layer_spacing, node_spacing, sweeps, root,
                                radial, placement).positions


def hierarchical_drawing(graph: GraphInput, direction: str = "top-down",
                         layer_spacing: float = 1.0, node_spacing: float = 1.0,
                         sweeps: int = 8, root=None, radial: bool = False,
                         placement: str = "auto") -> Drawing:
    """:func:`hierarchical_layout` with the points where edges bend: an edge spanning
    ``k`` layers (of a drawing that is not a tidy forest) passes through ``k - 1``
    points, one on each layer between its ends, listed from source to target.

    Returns
    -------
    Drawing
        ``positions``, and ``bend_offsets`` / ``bend_points``: edge ``e`` (in
        ``graph``'s edge order) bends at ``bend_points[bend_offsets[e]:bend_offsets[e +
        1]]``.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(directed=True); _ = g.add_nodes(3)
    >>> _ = g.add_edges([(0, 1), (1, 2), (0, 2)])
    >>> d = hierarchical_drawing(g.viz.graph_input())
    >>> d.bend_offsets.tolist(), d.bend_points[:, 1].tolist()   # 0 -> 2 bends on layer 1
    ([0, 0, 0, 1], [-1.0])
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {list(DIRECTIONS)}, got {direction!r}")
    layer_spacing = _positive("layer_spacing", layer_spacing)
    node_spacing = _positive("node_spacing", node_spacing)
    if isinstance(sweeps, bool) or not isinstance(sweeps, numbers.Integral) or sweeps < 0:
        raise ValueError(f"sweeps must be an int >= 0, got {sweeps!r}")
    if not isinstance(radial, (bool, np.bool_)):
        raise ValueError(f"radial must be True or False, got {radial!r}")
    if not isinstance(placement, str) or placement not in coordinates.PLACEMENTS:
        raise ValueError(f"placement must be one of {list(coordinates.PLACEMENTS)}, "
                         f"got {placement!r}")
    n = graph.n
    layer = assign_layers(graph, root)
    src, dst = _edges(graph.sources, graph.targets, n)
    no_bends = np.zeros(src.size + 1, dtype=np.int64)
    if n == 0:
        return Drawing(np.zeros((0, 2)), no_bends, np.zeros((0, 2)))
    comp, _ = kernels.component_labels(src, dst, n)
    parent = tidy.forest_parents(layer, src, dst, n)
    if parent is not None:
        x = tidy.tidy_x(parent, layer, node_spacing)
        full_layer, full_comp, offsets, chains = layer, comp, no_bends, None
    else:
        x, full_layer, full_comp, chains = _layered_x(layer, src, dst, n, comp, sweeps,
                                                      node_spacing, placement)
    x = _side_by_side(x, full_comp, node_spacing)
    if radial:
        xy = tidy.radial_positions(x, full_layer, node_spacing, layer_spacing)
    else:
        xy = _turn(x, -full_layer * layer_spacing, direction)
    if chains is not None:
        offsets, points = _bends(layer, src, dst, n, chains, xy[n:])
    else:
        points = np.zeros((0, 2))
    return Drawing(xy[:n], offsets, points)


def _layered_x(layer, src, dst, n, comp, sweeps, node_spacing, placement) -> tuple:
    """Sugiyama's middle steps: dummies, crossing reduction, x placement. Returns x of
    every node and dummy, their layers and components, and the dummy chains."""
    full_layer, upper, lower, owner, chains = _proper(layer, src, dst, n)
    total = full_layer.size
    full_comp = np.concatenate([comp, comp[owner]])

    # groups: one per (component, layer), numbered so that upper layers come first
    _, group = np.unique(full_comp * (int(full_layer.max()) + 1) + full_layer,
                         return_inverse=True)
    nodes = np.lexsort((np.arange(total), group)).astype(np.int64)   # id order within a group
    group_ptr = np.zeros(int(group.max()) + 2, dtype=np.int64)
    np.cumsum(np.bincount(group), out=group_ptr[1:])
    pos = np.empty(total, dtype=np.int64)
    pos[nodes] = np.arange(total) - group_ptr[group[nodes]]
    # the kernels read a node's neighbours in the groups just before and after its own
    if (group[lower] != group[upper] + 1).any():
        raise RuntimeError("hierarchical layout built an edge that skips a layer; "
                           "this is a groggy bug")
    up_ptr, up_idx = _one_way_csr(lower, upper, total)
    down_ptr, down_idx = _one_way_csr(upper, lower, total)
    widest = int(np.diff(group_ptr).max())

    _hier.barycenter_sweeps(group_ptr, nodes, pos, up_ptr, up_idx, down_ptr, down_idx,
                            int(sweeps), np.empty(2 * widest),
                            np.empty(widest + 1, dtype=np.int64), np.empty(total, np.int64))
    chain_ptr = n + np.r_[0, np.cumsum(chains[2])].astype(np.int64)
    x = coordinates.layered_x(group_ptr, nodes, pos, upper, lower, n, full_comp, chain_ptr,
                              node_spacing, placement)
    return x, full_layer, full_comp, chains


def _side_by_side(x: np.ndarray, comp: np.ndarray, node_spacing: float) -> np.ndarray:
    """x with each component shifted to start ``2 * node_spacing`` after the previous
    one ends (components in label order)."""
    by_comp = np.argsort(comp, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(comp[by_comp]) != 0])
    lo = np.minimum.reduceat(x[by_comp], starts)
    hi = np.maximum.reduceat(x[by_comp], starts)
    width = hi - lo + 2 * node_spacing
    offset = np.cumsum(width) - width - lo
    return x + offset[np.searchsorted(comp[by_comp][starts], comp)]


def _turn(x: np.ndarray, y: np.ndarray, direction: str) -> np.ndarray:
    """The top-down drawing (x, y) turned so that layer 0 is where ``direction`` says."""
    if direction == "top-down":
        out = (x, y)
    elif direction == "left-right":
        out = (-y, x)
    elif direction == "bottom-up":
        out = (-x, -y)
    else:
        out = (y, -x)
    return np.column_stack(out).astype(np.float64) + 0.0   # + 0.0: no negative zeros


class Hierarchical:
    """Layered layout (Sugiyama): see :func:`hierarchical_layout`."""

    name, aliases = "hierarchical", ("sugiyama", "layered", "tree")
    defaults = {"direction": "top-down", "layer_spacing": 1.0, "node_spacing": 1.0,
                "sweeps": 8, "root": None, "radial": False, "placement": "auto"}

    def compute(self, graph: GraphInput, **params) -> Drawing:
        return hierarchical_drawing(graph, **params)


register(Hierarchical())
