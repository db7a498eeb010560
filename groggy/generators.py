"""Graph generators: classic families and random models, vectorised with NumPy.

Every random generator takes ``seed`` (an int, a ``numpy.random.Generator`` or None)
and builds the whole edge list as arrays, so a million nodes take seconds. Names and
parameters follow upstream groggy where it has the generator, networkx otherwise; the
deterministic families give networkx's graph (same edges), except that
``star_graph(n)`` has ``n`` nodes in all, as upstream (networkx's ``star_graph(n)``
has ``n + 1``). Keyword arguments ``**node_attrs`` set one value on every node, as
upstream.

Examples
--------
>>> import groggy as gg
>>> g = gg.generators.karate_club()
>>> g.node_count(), g.edge_count(), g.get_node_attr(0, "club")
(34, 78, 'Mr. Hi')
>>> gg.generators.erdos_renyi(1000, 0.01, seed=1).node_count()
1000
"""
from __future__ import annotations

import math

import numpy as np

from groggy.graph import Graph

__all__ = ["karate_club", "complete_graph", "path_graph", "cycle_graph", "star_graph",
           "grid_graph", "tree", "erdos_renyi", "barabasi_albert", "watts_strogatz",
           "stochastic_block_model", "random_geometric", "random_tree"]


# --------------------------------------------------------------------------- helpers

def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _count(n, what: str = "n") -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise ValueError(f"{what} must be a non-negative int, got {n!r}")
    return int(n)


def _prob(p, what: str = "p") -> float:
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"{what} must be a probability in [0, 1], got {p!r}")
    return float(p)


def _graph(n: int, src, dst, directed: bool = False, nodes: dict | None = None,
           edges: dict | None = None, node_attrs: dict | None = None) -> Graph:
    """The graph of ``n`` nodes and edges ``src -> dst`` with attribute columns;
    ``node_attrs`` are constants given to every node."""
    g = Graph(directed=directed)
    cols = dict(nodes or {})
    for name, value in (node_attrs or {}).items():
        cols[name] = [value] * n
    g.add_nodes(cols if cols else n)
    g.add_edges(np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64),
                **(edges or {}))
    return g


def _pair_index_to_nodes(k: np.ndarray, n: int, directed: bool):
    """Decode pair numbers: undirected pairs (i < j) are numbered by j then i
    (k = j(j-1)/2 + i); directed pairs (i != j) by i then j."""
    if directed:
        i = k // (n - 1)
        r = k - i * (n - 1)
        return i, r + (r >= i)
    j = np.floor((1.0 + np.sqrt(1.0 + 8.0 * k.astype(np.float64))) / 2.0).astype(np.int64)
    # the float root can be one off for huge k: settle j exactly
    j -= (j * (j - 1) // 2) > k
    j += ((j + 1) * j // 2) <= k
    return k - j * (j - 1) // 2, j


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """Distinct values, sorted (a sort and a compare: NumPy's hashing unique is much
    slower on millions of int64)."""
    a = np.sort(a)
    keep = np.ones(a.size, dtype=bool)
    keep[1:] = a[1:] != a[:-1]
    return a[keep]


def _distinct(rng: np.random.Generator, total: int, count: int) -> np.ndarray:
    """``count`` distinct integers drawn uniformly from ``range(total)``, sorted."""
    if count > total:
        raise ValueError(f"cannot draw {count} distinct pairs from {total}")
    if count > total // 3:  # dense: a permutation prefix is cheaper than rejection
        return np.sort(rng.permutation(total)[:count])
    got = np.empty(0, dtype=np.int64)
    while got.size < count:
        need = count - got.size
        got = _sorted_unique(np.concatenate(
            [got, rng.integers(0, total, size=need + need // 8 + 16)]))
    # drop a uniform random set of the extras (the rest stay sorted)
    return np.delete(got, rng.choice(got.size, got.size - count, replace=False))


def _random_pairs(rng, n: int, p: float | None, m: int | None, directed: bool):
    """G(n, p) (each pair independently with probability p) or G(n, m) (m distinct pairs
    uniformly) as (src, dst). G(n, p) draws the edge count from its binomial law, then
    that many distinct pairs: the same distribution, in time linear in the edges."""
    total = n * (n - 1) if directed else n * (n - 1) // 2
    if m is None:
        m = int(rng.binomial(total, p)) if total else 0
    k = _distinct(rng, total, m)
    return _pair_index_to_nodes(k, n, directed)


# --------------------------------------------------------------------------- families

# Zachary's karate club (the dataset networkx ships): edges (u < v) with their
# interaction counts as "weight", and each member's club after the split.
_KARATE_EDGES = (
    "0-1:4 0-2:5 0-3:3 0-4:3 0-5:3 0-6:3 0-7:2 0-8:2 0-10:2 0-11:3 0-12:1 0-13:3 0-17:2 "
    "0-19:2 0-21:2 0-31:2 1-2:6 1-3:3 1-7:4 1-13:5 1-17:1 1-19:2 1-21:2 1-30:2 2-3:3 "
    "2-7:4 2-8:5 2-9:1 2-13:3 2-27:2 2-28:2 2-32:2 3-7:3 3-12:3 3-13:3 4-6:2 4-10:3 5-6:5 "
    "5-10:3 5-16:3 6-16:3 8-30:3 8-32:3 8-33:4 9-33:2 13-33:3 14-32:3 14-33:2 15-32:3 "
    "15-33:4 18-32:1 18-33:2 19-33:1 20-32:3 20-33:1 22-32:2 22-33:3 23-25:5 23-27:4 "
    "23-29:3 23-32:5 23-33:4 24-25:2 24-27:3 24-31:2 25-31:7 26-29:4 26-33:2 27-33:4 "
    "28-31:2 28-33:2 29-32:4 29-33:2 30-32:3 30-33:3 31-32:4 31-33:4 32-33:5")
_OFFICER = {9, 14, 15, 18, 20, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33}


def karate_club() -> Graph:
    """Zachary's karate club: 34 members, 78 friendships, exactly networkx's
    ``karate_club_graph()``: node attribute ``club`` (``"Mr. Hi"`` or ``"Officer"``)
    and edge attribute ``weight``.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.generators.karate_club()
    >>> g.degree(33), g.get_node_attr(33, "club")
    (17, 'Officer')
    """
    parts = [e.replace("-", ":").split(":") for e in _KARATE_EDGES.split()]
    src, dst, weight = (np.array(c, dtype=np.int64) for c in zip(*parts))
    clubs = ["Officer" if i in _OFFICER else "Mr. Hi" for i in range(34)]
    return _graph(34, src, dst, nodes={"club": clubs}, edges={"weight": weight})


def complete_graph(n: int, directed: bool = False, **node_attrs) -> Graph:
    """Every pair of the ``n`` nodes joined (both ways if ``directed``).

    Examples
    --------
    >>> import groggy as gg
    >>> gg.generators.complete_graph(5).edge_count()
    10
    """
    n = _count(n)
    if directed:
        i, j = np.nonzero(~np.eye(n, dtype=bool))
    else:
        i, j = np.triu_indices(n, 1)
    return _graph(n, i, j, directed, node_attrs=node_attrs)


def path_graph(n: int, directed: bool = False, **node_attrs) -> Graph:
    """Nodes 0..n-1 in a line: edges (i, i + 1).

    Examples
    --------
    >>> import groggy as gg
    >>> gg.generators.path_graph(4).edge_endpoints(2)
    (2, 3)
    """
    n = _count(n)
    i = np.arange(max(n - 1, 0), dtype=np.int64)
    return _graph(n, i, i + 1, directed, node_attrs=node_attrs)


def cycle_graph(n: int, directed: bool = False, **node_attrs) -> Graph:
    """Nodes 0..n-1 in a ring: edges (i, i + 1) and (n - 1, 0); as networkx, one node
    has a self-loop and two nodes one edge.

    Examples
    --------
    >>> import groggy as gg
    >>> gg.generators.cycle_graph(5).edge_count()
    5
    """
    n = _count(n)
    i = np.arange(n, dtype=np.int64)
    j = (i + 1) % max(n, 1)
    if n == 2 and not directed:
        i, j = i[:1], j[:1]
    return _graph(n, i, j, directed, node_attrs=node_attrs)


def star_graph(n: int, **node_attrs) -> Graph:
    """Node 0 joined to each of nodes 1..n-1 (``n`` nodes in all, as upstream; it is
    networkx's ``star_graph(n - 1)``).

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.generators.star_graph(5)
    >>> g.node_count(), g.degree(0)
    (5, 4)
    """
    n = _count(n)
    leaves = np.arange(1, max(n, 1), dtype=np.int64)
    return _graph(n, np.zeros_like(leaves), leaves, node_attrs=node_attrs)


def grid_graph(dims, periodic: bool = False, **node_attrs) -> Graph:
    """A lattice with ``dims = [width, height]`` (or more dimensions): node ids run over
    the last coordinate fastest, and coordinates are node attributes ``x``, ``y``
    (``z``; ``d3``... beyond three). Edges join nodes one step apart along one axis;
    ``periodic`` wraps each axis into a ring. ``grid_graph([w, h])`` is networkx's
    ``grid_2d_graph(w, h)`` with node ``(x, y)`` at id ``x * h + y``.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.generators.grid_graph([3, 4])
    >>> g.node_count(), g.edge_count(), g.get_node_attr(5, "x"), g.get_node_attr(5, "y")
    (12, 17, 1, 1)
    """
    dims = [_count(d, "a grid dimension") for d in dims]
    if not dims:
        raise ValueError("grid_graph needs at least one dimension")
    n = int(np.prod(dims))
    ids = np.arange(n, dtype=np.int64).reshape(dims)
    src, dst = [], []
    for axis, size in enumerate(dims):
        if size < 2:
            continue
        src.append(np.delete(ids, size - 1, axis=axis).ravel())
        dst.append(np.delete(ids, 0, axis=axis).ravel())
        if periodic and size > 2:
            src.append(np.take(ids, size - 1, axis=axis).ravel())
            dst.append(np.take(ids, 0, axis=axis).ravel())
    coords = np.unravel_index(np.arange(n), dims)
    names = ["x", "y", "z"] + [f"d{i}" for i in range(3, len(dims))]
    nodes = {names[a]: coords[a].astype(np.int64) for a in range(len(dims))}
    empty = np.empty(0, dtype=np.int64)
    return _graph(n, np.concatenate(src) if src else empty,
                  np.concatenate(dst) if dst else empty, nodes=nodes, node_attrs=node_attrs)


def tree(n: int, branching_factor: int = 2, **node_attrs) -> Graph:
    """A complete ``branching_factor``-ary tree of ``n`` nodes (upstream's ``tree``):
    node i's parent is ``(i - 1) // branching_factor``; node attribute ``level``.

    Examples
    --------
    >>> import groggy as gg
    >>> gg.generators.tree(7).nodes["level"].to_list()
    [0, 1, 1, 2, 2, 2, 2]
    """
    n, b = _count(n), _count(branching_factor, "branching_factor")
    if b < 1:
        raise ValueError("branching_factor must be at least 1")
    child = np.arange(1, max(n, 1), dtype=np.int64)
    parent = (child - 1) // b
    level = np.zeros(n, dtype=np.int64)
    for start, stop in _levels(n, b):  # one slice per level: a node is one below its parent
        level[start:stop] = level[(np.arange(start, stop) - 1) // b] + 1
    return _graph(n, parent, child, nodes={"level": level}, node_attrs=node_attrs)


def _levels(n: int, b: int):
    """Index ranges of the tree levels below the root."""
    start, width = 1, b
    while start < n:
        yield start, min(n, start + width)
        start, width = start + width, width * b if b > 1 else 1


# --------------------------------------------------------------------------- random

def erdos_renyi(n: int, p: float | None = None, directed: bool = False, seed=None,
                m: int | None = None, **node_attrs) -> Graph:
    """The random graph G(n, p): each pair of distinct nodes joined with probability
    ``p``; or G(n, m) with ``m=`` (exactly ``m`` distinct pairs, uniformly).

    The edge count is drawn from its binomial law and that many distinct pairs are
    sampled at once (like networkx's geometric-skip ``fast_gnp_random_graph``, time
    grows with the edges, not with n²): a sparse million-node graph takes seconds.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.generators.erdos_renyi(100, m=250, seed=3)
    >>> g.edge_count()
    250
    """
    n = _count(n)
    if (p is None) == (m is None):
        raise ValueError("give exactly one of p (G(n, p)) and m (G(n, m))")
    if p is not None:
        p = _prob(p)
    else:
        m = _count(m, "m")
    src, dst = _random_pairs(_rng(seed), n, p, m, directed)
    return _graph(n, src, dst, directed, node_attrs=node_attrs)


def barabasi_albert(n: int, m: int, seed=None, **node_attrs) -> Graph:
    """Preferential attachment (networkx's model): a star of ``m + 1`` nodes, then each
    new node joins ``m`` distinct earlier nodes, each chosen with probability
    proportional to its degree. ``m * (n - m)`` edges.

    All choices are made at once: a new edge's target is a copy of a uniformly chosen
    endpoint of the edges before it (which is choosing by degree), and the chains of
    copies are resolved by pointer jumping; a repeated target is redrawn.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.generators.barabasi_albert(1000, 3, seed=1)
    >>> g.edge_count(), int(g.degree().to_numpy().min())
    (2991, 3)
    """
    n, m = _count(n), _count(m, "m")
    if not 1 <= m < n:
        raise ValueError(f"barabasi_albert needs 1 <= m < n, got m={m}, n={n}")
    rng = _rng(seed)
    new = n - m - 1                        # nodes that attach after the star
    e = m + new * m                        # edges: the star's, then m per new node
    # endpoint slots: slot 2k is edge k's source, slot 2k + 1 its target
    slots = np.empty(2 * e, dtype=np.int64)
    known = np.zeros(2 * e, dtype=bool)
    slots[0:2 * m:2], slots[1:2 * m:2] = 0, np.arange(1, m + 1)
    known[:2 * m] = True
    node_of = np.repeat(np.arange(m + 1, n, dtype=np.int64), m)     # source per new edge
    slots[2 * m::2], known[2 * m::2] = node_of, True
    first_edge = m + (node_of - m - 1) * m  # the edge where each source's block starts
    pointer = np.arange(2 * e, dtype=np.int64)   # known slots point to themselves
    draw = lambda edges: (rng.random(edges.size) * 2 * first_edge[edges]).astype(np.int64)  # noqa: E731
    new_edges = np.arange(new * m, dtype=np.int64)
    pointer[2 * (m + new_edges) + 1] = draw(new_edges)
    value = _follow(slots, known, pointer)
    for _ in range(1000):
        block = value[2 * m + 1::2].reshape(new, m)
        order = np.sort(block, axis=1)
        dup_rows = np.flatnonzero((order[:, 1:] == order[:, :-1]).any(axis=1))
        if dup_rows.size == 0:
            break
        # redraw every later copy of a repeated target in its block (few: repeats are
        # rare); a redrawn target copies a slot's current value, and the few edges that
        # had copied the old target keep it, which changes no degree law
        rows = block[dup_rows]
        later = np.zeros_like(rows, dtype=bool)
        for c in range(1, m):
            later[:, c] = (rows[:, :c] == rows[:, c:c + 1]).any(axis=1)
        redo = (dup_rows[:, None] * m + np.arange(m))[later]
        value[2 * (m + redo) + 1] = value[draw(redo)]
    else:
        raise RuntimeError("barabasi_albert: repeated targets did not clear")
    targets = value[2 * m + 1::2]
    src = np.concatenate([np.zeros(m, np.int64), node_of])
    dst = np.concatenate([np.arange(1, m + 1, dtype=np.int64), targets])
    return _graph(n, src, dst, node_attrs=node_attrs)


def _follow(slots, known, pointer) -> np.ndarray:
    """Every slot's value: a known slot holds its own, any other copies the slot its
    pointer names (an earlier one). Pointer jumping: each round a slot either reaches a
    known slot or skips to its pointer's pointer, so chains shrink geometrically."""
    value, ok, ptr = slots.copy(), known.copy(), pointer.copy()
    todo = np.flatnonzero(~ok)
    while todo.size:
        p = ptr[todo]
        hit = ok[p]
        value[todo[hit]] = value[p[hit]]
        ok[todo[hit]] = True
        todo = todo[~hit]
        ptr[todo] = ptr[ptr[todo]]
    return value


def watts_strogatz(n: int, k: int, p: float, seed=None, **node_attrs) -> Graph:
    """Small world (networkx's model): a ring where each node joins its ``k // 2``
    nearest neighbours on each side, then each edge ``(u, v)`` is rewired with
    probability ``p`` to ``(u, w)``, ``w`` uniform, avoiding self-loops and repeated
    edges. ``n * (k // 2)`` edges.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.generators.watts_strogatz(100, 4, 0.1, seed=2)
    >>> g.edge_count()
    200
    """
    n, k, p = _count(n), _count(k, "k"), _prob(p)
    if k >= n and n > 0:
        raise ValueError(f"watts_strogatz needs k < n, got k={k}, n={n}")
    rng = _rng(seed)
    half = k // 2
    u = np.tile(np.arange(n, dtype=np.int64), half)
    v = (u + np.repeat(np.arange(1, half + 1, dtype=np.int64), n)) % max(n, 1)
    pending = np.flatnonzero(rng.random(u.size) < p)   # the edges being rewired
    original = v.copy()
    for _ in range(100):
        if pending.size == 0:
            break
        v[pending] = rng.integers(0, n, size=pending.size)
        moving = np.zeros(u.size, dtype=bool)
        moving[pending] = True
        keys = np.minimum(u, v) * n + np.maximum(u, v)
        # within a repeated pair the settled edge comes first and keeps it
        order = np.lexsort((moving, keys))
        repeat = np.zeros(u.size, dtype=bool)
        repeat[order[1:]] = keys[order][1:] == keys[order][:-1]
        pending = np.flatnonzero(moving & (repeat | (u == v)))
    v[pending] = original[pending]  # no free target found (nearly complete graphs)
    return _graph(n, u, v, node_attrs=node_attrs)


def stochastic_block_model(sizes, p, directed: bool = False, seed=None,
                           **node_attrs) -> Graph:
    """Blocks of ``sizes[i]`` nodes; a pair in blocks (r, s) is joined with probability
    ``p[r][s]`` (networkx's ``stochastic_block_model``, no self-loops). Nodes are
    numbered block by block; node attribute ``block`` says which.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.generators.stochastic_block_model([50, 50], [[0.2, 0.01], [0.01, 0.2]], seed=4)
    >>> g.node_count(), sorted(set(g.nodes["block"].to_list()))
    (100, [0, 1])
    """
    sizes = [_count(s, "a block size") for s in sizes]
    p = np.asarray(p, dtype=np.float64)
    b = len(sizes)
    if p.shape != (b, b):
        raise ValueError(f"p must be a {b} x {b} matrix of probabilities, got shape {p.shape}")
    if ((p < 0) | (p > 1)).any():
        raise ValueError("p holds a value outside [0, 1]")
    if not directed and not np.allclose(p, p.T):
        raise ValueError("p must be symmetric for an undirected graph")
    rng = _rng(seed)
    start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    src, dst = [], []
    for r in range(b):
        for s in range(b if directed else r + 1):
            if s == r:  # inside a block: G(n, p) on its nodes
                i, j = _random_pairs(rng, sizes[r], p[r, r], None, directed)
            else:       # between blocks: each of the sizes[r] * sizes[s] pairs
                total = sizes[r] * sizes[s]
                picked = _distinct(rng, total, int(rng.binomial(total, p[r, s])) if total else 0)
                i, j = picked // max(sizes[s], 1), picked % max(sizes[s], 1)
            src.append(i + start[r])
            dst.append(j + start[s])
    block = np.repeat(np.arange(b, dtype=np.int64), sizes)
    return _graph(int(start[-1]), np.concatenate(src) if src else [],
                  np.concatenate(dst) if dst else [], directed, nodes={"block": block},
                  node_attrs=node_attrs)


def random_geometric(n: int, radius: float, dim: int = 2, seed=None,
                     **node_attrs) -> Graph:
    """``n`` points uniform in the unit square (cube, for ``dim=3``), joined when at
    most ``radius`` apart (networkx's ``random_geometric_graph``). The true positions are
    node attributes ``x``, ``y`` (``z``): a yardstick for layouts.

    Pairs are found through a grid of cells ``radius`` wide, comparing each cell with
    itself and its neighbours, in chunks of bounded memory.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.generators.random_geometric(500, 0.08, seed=5)
    >>> import numpy as np
    >>> x, y = g.nodes["x"].to_numpy(), g.nodes["y"].to_numpy()
    >>> u, v = g.edge_endpoints(0)
    >>> bool(np.hypot(x[u] - x[v], y[u] - y[v]) <= 0.08)
    True
    """
    n, dim = _count(n), _count(dim, "dim")
    if dim not in (1, 2, 3):
        raise ValueError(f"random_geometric supports dim 1, 2 or 3, got {dim}")
    if not radius > 0:
        raise ValueError(f"radius must be positive, got {radius!r}")
    rng = _rng(seed)
    pos = rng.random((n, dim))
    src, dst = _close_pairs(pos, float(radius))
    names = ["x", "y", "z"][:dim]
    nodes = {name: pos[:, a].copy() for a, name in enumerate(names)}
    return _graph(n, src, dst, nodes=nodes, node_attrs=node_attrs)


def _close_pairs(pos: np.ndarray, radius: float):
    """Pairs (i < j) of rows of ``pos`` at most ``radius`` apart, via a cell grid."""
    n, dim = pos.shape
    if n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # cells at least radius wide, and not many more cells than points
    cells_per_axis = max(1, min(int(1.0 / radius), int((4 * n) ** (1.0 / dim))))
    cell = np.minimum((pos * cells_per_axis).astype(np.int64), cells_per_axis - 1)
    key = np.ravel_multi_index(cell.T, (cells_per_axis,) * dim)
    order = np.argsort(key, kind="stable")
    skey = key[order]
    ncells = cells_per_axis ** dim
    bounds = np.searchsorted(skey, np.arange(ncells + 1))
    # half of the neighbour offsets (and the cell itself), so each pair is seen once
    offsets = [np.array(o) - 1 for o in np.ndindex(*(3,) * dim)]
    offsets = [o for o in offsets if tuple(o.tolist()) >= (0,) * dim]
    r2 = radius * radius
    # work on points sorted by cell: a cell's points are one contiguous run, so the
    # candidate gathers walk memory in order
    axes = [np.ascontiguousarray(pos[order, a]) for a in range(dim)]
    scell = cell[order]
    src, dst = [], []
    chunk = max(1, 4_000_000 // max(1, int(np.diff(bounds).mean() * len(offsets)) + 1))
    for lo in range(0, n, chunk):
        rows = np.arange(lo, min(n, lo + chunk), dtype=np.int64)
        rcell = scell[lo:lo + chunk]
        for off in offsets:
            ncell = rcell + off
            inside = ((ncell >= 0) & (ncell < cells_per_axis)).all(axis=1)
            a = rows[inside]
            nkey = np.ravel_multi_index(ncell[inside].T, (cells_per_axis,) * dim)
            first = bounds[nkey]
            counts = bounds[nkey + 1] - first
            total = int(counts.sum())
            if total == 0:
                continue
            ai = np.repeat(a, counts)
            bj = np.repeat(first - (np.cumsum(counts) - counts), counts)
            bj += np.arange(total, dtype=np.int64)
            if not off.any():  # the cell itself: each pair once
                keep = ai < bj
                ai, bj = ai[keep], bj[keep]
            d2 = np.zeros(ai.size)
            for x in axes:
                d2 += np.square(x[ai] - x[bj])
            close = d2 <= r2
            src.append(order[ai[close]])
            dst.append(order[bj[close]])
    i, j = np.concatenate(src), np.concatenate(dst)
    return np.minimum(i, j), np.maximum(i, j)


def random_tree(n: int, seed=None, **node_attrs) -> Graph:
    """A uniformly random labelled tree on ``n`` nodes (every one of the n^(n-2) trees
    equally likely, as networkx's ``random_labeled_tree``), built by the Aldous-Broder
    walk on the complete graph: a walk of uniform random steps, where each node's edge
    joins it to the node the walk came from when it first arrived. Vectorised in
    batches of steps; the walk needs about ``n ln n`` steps.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.generators.random_tree(1000, seed=6)
    >>> g.edge_count(), len(g.connected_components())
    (999, 1)
    """
    n = _count(n)
    rng = _rng(seed)
    if n < 2:
        return _graph(n, [], [], node_attrs=node_attrs)
    seen = np.zeros(n, dtype=bool)
    parent = np.full(n, -1, dtype=np.int64)
    prev = int(rng.integers(0, n))
    seen[prev] = True
    left = n - 1
    while left:
        # reaching `left` given nodes of n takes about n * H(left) steps; batches of at
        # most 4M steps bound the memory
        steps = min(4_000_000, max(1024, int(n * (math.log(left) + 1.0))))
        walk = rng.integers(0, n, size=steps)
        came_from = np.concatenate([[prev], walk[:-1]])
        # each node's first step in this batch: assigning in reverse, the earliest wins
        first = np.full(n, -1, dtype=np.int64)
        first[walk[::-1]] = np.arange(steps - 1, -1, -1, dtype=np.int64)
        nodes = np.flatnonzero((first >= 0) & ~seen)
        parent[nodes] = came_from[first[nodes]]
        seen[nodes] = True
        left -= nodes.size
        prev = int(walk[-1])
    child = np.flatnonzero(parent >= 0)
    return _graph(n, parent[child], child, node_attrs=node_attrs)
