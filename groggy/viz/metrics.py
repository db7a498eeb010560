"""Cheap measures of layout quality, by sampling: each runs in about the time of a few
BFS passes and one nearest-neighbour query, so they can be used on million-node layouts.

Every function takes the graph as a :class:`~groggy.viz.layout.GraphInput` (or any
object with ``.viz``, such as a Graph or a table from one) and the positions as an
``(n, 2)`` array or a :class:`~groggy.viz.layout.Layout`, rows aligned with the graph's
nodes.
"""
from __future__ import annotations

import numpy as np

from groggy import kernels
from groggy.viz.layout import GraphInput

try:  # a KD-tree when SciPy is there; brute force in chunks otherwise
    from scipy.spatial import cKDTree
except ImportError:  # pragma: no cover - exercised by monkeypatching in the tests
    cKDTree = None

__all__ = ["normalized_stress", "neighborhood_preservation", "edge_length_cv",
           "block_purity", "quality"]

_CHUNK_CELLS = 1 << 22    # distance-matrix cells per chunk in the NumPy fallback


def _graph(graph) -> GraphInput:
    if isinstance(graph, GraphInput):
        return graph
    viz = getattr(graph, "viz", None)
    if viz is None:
        raise TypeError(f"expected a GraphInput, or a graph or table with .viz; "
                        f"got {type(graph).__name__}")
    return viz.graph_input()


def _positions(positions, n: int | None = None) -> np.ndarray:
    pos = np.asarray(getattr(positions, "node_positions", positions), dtype=np.float64)
    if pos.ndim != 2 or pos.shape[1] != 2 or (n is not None and pos.shape[0] != n):
        want = f"({n}, 2)" if n is not None else "(n, 2)"
        raise ValueError(f"positions must have shape {want}, got {pos.shape}")
    if not np.isfinite(pos).all():
        raise ValueError("positions hold NaN or infinite values")
    return pos


def _count(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def _nearest_finder(pos: np.ndarray):
    """A function ``(rows, k) -> (len(rows), k)`` array: each row's ``k`` nearest other
    points, nearest first (k < len(pos)). Rows are taken in chunks, so memory stays
    bounded even for a hub with a huge k."""
    tree = cKDTree(pos) if cKDTree is not None else None

    def candidates(part: np.ndarray, k: int) -> np.ndarray:
        if tree is not None:
            _, idx = tree.query(pos[part], k=k + 1, workers=-1)
            return idx.reshape(part.size, k + 1)
        d = ((pos[part, None, :] - pos[None, :, :]) ** 2).sum(-1)
        near = np.argpartition(d, k, axis=1)[:, :k + 1]
        by_dist = np.take_along_axis(d, near, 1).argsort(1, kind="stable")
        return np.take_along_axis(near, by_dist, 1)

    def nearest(rows: np.ndarray, k: int) -> np.ndarray:
        out = np.empty((rows.size, k), dtype=np.int64)
        width = k + 1 if tree is not None else max(pos.shape[0], k + 1)
        step = max(1, _CHUNK_CELLS // width)
        for lo in range(0, rows.size, step):
            part = rows[lo:lo + step]
            idx = candidates(part, k)
            # drop the point itself (not always first when points coincide), keep k others
            others = idx != part[:, None]
            keep = others & (np.cumsum(others, axis=1) <= k)
            out[lo:lo + step] = idx[keep].reshape(part.size, k)
        return out

    return nearest


def _edge_keys(graph: GraphInput) -> np.ndarray:
    """Sorted (for searchsorted) keys u * n + v of the distinct neighbour pairs, both ways, no self-loops."""
    s, t, n = graph.sources, graph.targets, graph.n
    keep = s != t
    s, t = s[keep], t[keep]
    return np.unique(np.concatenate([s * n + t, t * n + s]))


def normalized_stress(graph_input, positions, pairs: int = 2000, seed: int = 0) -> float:
    """How well layout distances follow graph distances (0 is perfect, 1 is worst).

    For node pairs ``(i, j)`` at hop distance ``d_ij`` (BFS over edges taken both ways)
    and layout distance ``D_ij``, the stress is ``mean(((a * D_ij - d_ij) / d_ij) ** 2)``
    with ``a`` the least-squares best scale, so the layout's units do not matter. Pairs
    in different components are left out. All pairs are used when there are at most
    ``pairs``; otherwise about ``pairs`` pairs from ``sqrt(pairs)`` BFS sources.

    Parameters
    ----------
    graph_input : GraphInput or an object with ``.viz``
    positions : (n, 2) array or Layout
    pairs : int
        About how many pairs to sample (>= 1).
    seed : int
        Seed of the sample.

    Returns
    -------
    float
        In ``[0, 1]``; NaN when no two nodes are connected.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2), (2, 3)])
    >>> line = [[0, 0], [2, 0], [4, 0], [6, 0]]      # a path drawn straight
    >>> round(normalized_stress(g, line), 6)
    0.0
    >>> round(normalized_stress(g, [[0, 0], [1, 0], [0, 0], [1, 0]]), 3) > 0.3
    True
    """
    graph = _graph(graph_input)
    pos = _positions(positions, graph.n)
    pairs = _count("pairs", pairs, 1)
    n, rng = graph.n, np.random.default_rng(seed)
    indptr, indices, _ = graph.csr()
    if n * (n - 1) // 2 <= pairs:
        sources, per_source = np.arange(n), None
    else:
        count = min(n, max(1, int(np.sqrt(pairs))))
        sources = np.sort(rng.choice(n, size=count, replace=False))
        per_source = -(-pairs // count)
    hops, far = [], []
    for s in sources.tolist():
        _, dist = kernels.bfs(indptr, indices, s)
        if per_source is None:
            others = np.arange(s + 1, n)             # every pair once
        else:
            others = rng.choice(n, size=min(per_source, n), replace=False)
        others = others[dist[others] > 0]            # same component, not s itself
        hops.append(dist[others])
        far.append(np.hypot(*(pos[others] - pos[s]).T))
    d = np.concatenate(hops).astype(np.float64) if hops else np.zeros(0)
    D = np.concatenate(far) if far else np.zeros(0)
    if d.size == 0:
        return float("nan")
    # weights 1/d^2: minimise sum(((a D - d) / d)^2) over a
    r = D / d
    a = (r.sum() / (r * r).sum()) if (r * r).sum() > 0 else 0.0
    return float(np.mean((a * r - 1.0) ** 2))


def neighborhood_preservation(graph_input, positions, sample: int = 2000,
                              seed: int = 0) -> float:
    """Share of each node's graph neighbours that are among its nearest layout neighbours.

    For a node with ``k >= 1`` distinct neighbours (self-loops aside), take its ``k``
    nearest other nodes in the layout and count how many are graph neighbours, divided
    by ``k``; average over up to ``sample`` such nodes. 1 is perfect.

    Parameters
    ----------
    graph_input : GraphInput or an object with ``.viz``
    positions : (n, 2) array or Layout
    sample : int
        Most nodes to look at (>= 1), chosen at random.
    seed : int
        Seed of the sample.

    Returns
    -------
    float
        In ``[0, 1]``; NaN when no node has a neighbour.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2), (2, 3)])
    >>> neighborhood_preservation(g, [[0, 0], [1, 0], [2, 0], [3, 0]])
    1.0
    """
    graph = _graph(graph_input)
    pos = _positions(positions, graph.n)
    sample = _count("sample", sample, 1)
    n = graph.n
    keys = _edge_keys(graph)
    degree = np.bincount(keys // max(n, 1), minlength=n) if n else np.zeros(0, np.int64)
    rows = np.flatnonzero(degree > 0)
    if rows.size == 0:
        return float("nan")
    if rows.size > sample:
        rows = np.sort(np.random.default_rng(seed).choice(rows, size=sample, replace=False))
    nearest = _nearest_finder(pos)
    k = degree[rows]
    shares = np.empty(rows.size)
    # rows with similar k share a query (k within a factor of two): no huge padding
    scale = np.floor(np.log2(k)).astype(np.int64)
    for level in np.unique(scale):
        at = np.flatnonzero(scale == level)
        kmax = int(k[at].max())
        near = nearest(rows[at], kmax)
        counted = np.arange(kmax) < k[at, None]      # only the first k of each row
        pair = rows[at, None] * n + near
        found = keys[np.minimum(np.searchsorted(keys, pair), keys.size - 1)] == pair
        hits = found & counted
        shares[at] = hits.sum(1) / k[at]
    return float(shares.mean())


def edge_length_cv(graph_input, positions) -> float:
    """Coefficient of variation (std / mean) of edge lengths; 0 when all are equal.

    Self-loops are left out; each other edge counts once per occurrence.

    Parameters
    ----------
    graph_input : GraphInput or an object with ``.viz``
    positions : (n, 2) array or Layout

    Returns
    -------
    float
        NaN when there are no edges or every edge has length 0.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
    >>> edge_length_cv(g, [[0, 0], [1, 0], [4, 0]])     # lengths 1 and 3
    0.5
    """
    graph = _graph(graph_input)
    pos = _positions(positions, graph.n)
    keep = graph.sources != graph.targets
    s, t = graph.sources[keep], graph.targets[keep]
    length = np.hypot(*(pos[s] - pos[t]).T)
    if length.size == 0 or length.mean() == 0:
        return float("nan")
    return float(length.std() / length.mean())


def block_purity(positions, blocks, k: int = 10, sample: int | None = None,
                 seed: int = 0) -> float:
    """Share of each node's ``k`` nearest layout neighbours in its own block, averaged.

    Use it to see whether known groups (communities, labels) stay together in a layout:
    well separated groups give 1, positions unrelated to the groups give about the
    share of the largest groups.

    Parameters
    ----------
    positions : (n, 2) array or Layout
    blocks : array_like, length n
        Block label of each node (any values that compare equal within a block).
    k : int
        Neighbours per node (>= 1); at most ``n - 1`` are used.
    sample : int, optional
        Look at this many random nodes instead of all of them.
    seed : int
        Seed of the sample.

    Returns
    -------
    float
        In ``[0, 1]``; NaN for fewer than two nodes.

    Examples
    --------
    >>> pos = [[0, 0], [0, 1], [1, 0], [50, 50], [50, 51], [51, 50]]
    >>> block_purity(pos, ["a", "a", "a", "b", "b", "b"], k=2)
    1.0
    """
    pos = _positions(positions)
    n = pos.shape[0]
    labels = np.asarray(blocks)
    if labels.ndim != 1 or labels.shape[0] != n:
        raise ValueError(f"blocks must have one label per node ({n}), got shape "
                         f"{labels.shape}")
    k = _count("k", k, 1)
    if n < 2:
        return float("nan")
    _, block = np.unique(labels.astype(str) if labels.dtype == object else labels,
                         return_inverse=True)
    rows = np.arange(n)
    if sample is not None:
        sample = _count("sample", sample, 1)
        if sample < n:
            rows = np.sort(np.random.default_rng(seed).choice(n, size=sample, replace=False))
    near = _nearest_finder(pos)(rows, min(k, n - 1))
    return float((block[near] == block[rows][:, None]).mean())


def quality(graph_input, positions, blocks=None, pairs: int = 2000,
            sample: int = 2000) -> dict:
    """All the measures above, as ``{name: value}``: stress on about ``pairs`` pairs,
    neighbourhood preservation on up to ``sample`` nodes (larger: steadier figures,
    slower). ``block_purity`` is there only when ``blocks`` is given.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2), (2, 3)])
    >>> q = quality(g, [[0, 0], [1, 0], [2, 0], [3, 0]], blocks=[0, 0, 1, 1])
    >>> sorted(q)
    ['block_purity', 'edge_length_cv', 'neighborhood_preservation', 'normalized_stress']
    >>> q["edge_length_cv"], q["neighborhood_preservation"]
    (0.0, 1.0)
    """
    graph = _graph(graph_input)
    pos = _positions(positions, graph.n)
    out = {"normalized_stress": normalized_stress(graph, pos, pairs=pairs),
           "neighborhood_preservation": neighborhood_preservation(graph, pos, sample=sample),
           "edge_length_cv": edge_length_cv(graph, pos)}
    if blocks is not None:
        out["block_purity"] = block_purity(pos, blocks)
    return out
