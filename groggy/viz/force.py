"""Force-directed layout: Barnes-Hut repulsion, edge springs and gravity, run on a
hierarchy of coarsened graphs so that large graphs settle in few fine iterations.

Two models share the machinery (a coarse node's mass is the sum of its nodes', an
edge's weight the sum of the edges it stands for; ``weight`` multiplies every pull):

- ``default`` (Fruchterman-Reingold-like; a node's mass is 1): repulsion ``m_i m_j / d``,
  attraction ``w d^2`` along each edge, gravity ``gravity * m_i`` toward the centre. The
  springs grow with the square of the length, so long edges are pulled in harder than
  with linear springs: edge lengths come out even and the large-scale geometry right,
  but the few long edges between communities pull them into each other. So the last
  3 of the finest level's iterations (at most half of them) *gather*: every edge pulls with the constant
  force a median-length edge had (LinLog's attraction, repulsion unchanged) and moves
  are capped at 0.7 edge lengths, shrinking. Communities draw together locally while
  the shape set by the springs stays (a mesh's edges are all near the median, so its
  forces hardly change).
- ``linlog`` (Noack's edge-repulsion LinLog energy, as ForceAtlas2's LinLog mode): a
  node's mass is its degree + 1, so hubs push harder; each edge pulls with a force of
  constant size ``w``. Its minimum energy places groups of densely connected nodes
  apart from each other, in proportion to how few edges join them (it follows
  modularity), at the cost of even edge lengths.
"""
from __future__ import annotations

import os

import numpy as np

from groggy import kernels
from groggy._core import _layout
from groggy.progress import Progress
from groggy.viz.layout import GraphInput, register

_COARSEST = 80          # stop coarsening below this many nodes
_MIN_SHRINK = 0.85      # or when a matching round removes fewer than 15% of the nodes
_ROUNDS = 2             # matching rounds per level: each level has ~1/4 of the nodes
_PARALLEL_FROM = 2000   # nodes from which the kernels use more than one thread
# points a quadtree leaf holds. Leaves of 4 or 8 (pushing exactly when opened) cut the
# 1M block model's repulsion CPU by ~10% / ~17% and the fine tree's memory by 3/4, but
# the 100k block model's purity fell (8 seeds: 0.626 -> 0.612 with 4; 4 seeds: 0.630 ->
# 0.584 with 8), so one point a leaf, as the forces were calibrated with.
_LEAF_SIZE = 1
_COARSEST_ITERATIONS = 200
_GATHER = 3             # the finest level's last iterations (at most half) gather
_GATHER_REACH = 0.7     # the first gathering move: at most this many edge lengths



class _Model:
    """What a force model changes: the attraction's power of the distance, whether a
    node's mass (its repulsion and inertia) is its degree + 1, the matching that builds
    the coarse levels (heavy edges first, or lowest degree first), the default gravity,
    and whether the finest level ends with gathering iterations."""

    def __init__(self, power: float, degree_mass: bool, heavy: bool, gravity: float,
                 gather: bool):
        self.power, self.degree_mass, self.heavy = power, degree_mass, heavy
        self.gravity, self.gather = gravity, gather

    def repulsion(self, level) -> float:
        """The repulsion's strength on ``level``. With degree masses, 1 / sqrt(total
        mass) balances the pulls (about the degree) and gravity at a drawing about
        sqrt(total mass) wide, the size the coarsest level starts at."""
        return 1.0 / np.sqrt(level.mass.sum()) if self.degree_mass else 1.0

    def step(self, level) -> float:
        """Force-to-move factor. LinLog's forces per unit mass are about 1 whatever the
        drawing's size, so its step grows with that size (sqrt of the total mass) and
        the temperature alone bounds the moves; the default's springs scale with the
        drawing already."""
        return 0.5 * (np.sqrt(level.mass.sum()) if self.degree_mass else 1.0)


# Measured on the benchmark's 10k-node / 50k-edge block model (purity, k=10) and a
# 10k random geometric graph (normalized stress): default 0.62 / 0.0084 (0.31 / 0.0077
# without gathering), linlog 0.96 / 0.39. Linear springs throughout trade one for the
# other (0.52-0.58 / 0.011-0.017 over seeds), as do lower powers; more gathering (more
# iterations or reach) buys purity for stress: 3 of 10 iterations at reach 1.0 give
# 0.67 / 0.0087, 4 at 0.7 give 0.68 / 0.0086, 2 at 1.0 give 0.57 / 0.0084.
MODELS = {"default": _Model(power=2, degree_mass=False, heavy=False, gravity=1.0,
                            gather=True),
          "linlog": _Model(power=0, degree_mass=True, heavy=True, gravity=0.3,
                           gather=False)}


class _Level:
    """One graph of the hierarchy: CSR (both ways) with edge weights, and node masses."""

    def __init__(self, n, indptr, indices, weight, mass):
        self.n, self.indptr, self.indices, self.csr_weight = n, indptr, indices, weight
        self.mass = mass
        self.degree = np.diff(indptr)

    @classmethod
    def from_edges(cls, n, src, dst, weight, model: _Model):
        keep = src != dst
        indptr, indices, eids = kernels.build_csr(src[keep], dst[keep], n, both_ways=True)
        csr_weight = np.ones(indices.size) if weight is None else weight[keep][eids]
        # degree masses count edges, not their weights (as ForceAtlas2): a heavy edge
        # pulls harder without making its ends push everything else away
        mass = 1.0 + np.diff(indptr) if model.degree_mass else np.ones(n)
        return cls(n, indptr, indices, csr_weight, mass)


def _coarsen(level: _Level, rng, heavy: bool, threads: int) -> tuple:
    """A coarser level by matching neighbours, and the map fine node -> coarse node."""
    n = level.n
    match = np.full(n, -1, dtype=np.int64)
    order = rng.permutation(n).astype(np.int64)
    if heavy:
        _layout.match_neighbors(level.indptr, level.indices, order, level.degree, match,
                                level.csr_weight, level.mass)
    else:
        _layout.match_neighbors(level.indptr, level.indices, order, level.degree, match)
    ids = np.arange(n, dtype=np.int64)
    leader = np.where(match >= 0, np.minimum(ids, match), ids)
    # coarse ids numbered in the order of their leaders (a linear pass, no sort)
    rank = np.cumsum(leader == ids) - 1
    coarse = rank[leader]
    nc = int(rank[-1]) + 1
    indptr = np.empty(nc + 1, dtype=np.int64)
    indices = np.empty(level.indices.size, dtype=np.int64)
    weight = np.empty(level.indices.size)
    nnz = _layout.coarse_graph(level.indptr, level.indices, level.csr_weight, coarse, nc,
                               indptr, indices, weight,
                               threads if level.n >= _PARALLEL_FROM else 1)
    mass = np.bincount(coarse, weights=level.mass, minlength=nc)
    # shrunk in place (a copy would cost as much again as the whole coarse graph: at
    # 1M nodes, fresh pages for ~10M entries)
    indices.resize(nnz, refcheck=False)
    weight.resize(nnz, refcheck=False)
    return _Level(nc, indptr, indices, weight, mass), coarse


class _Relaxer:
    """Runs force iterations on one level, reusing its buffers."""

    def __init__(self, level: _Level, theta: float, gravity: float, threads: int,
                 model: _Model):
        # below a few thousand nodes a parallel region costs more than it saves
        threads = threads if level.n >= _PARALLEL_FROM else 1
        self.level, self.theta, self.gravity, self.threads = level, theta, gravity, threads
        self.power, self.strength = model.power, model.repulsion(level)
        self.step = model.step(level)
        self._allocate(_layout.tree_capacity(level.n, _LEAF_SIZE))
        self.force = np.empty((level.n, 2))
        self.moved = np.empty(level.n)
        # the points in the last tree's spatial order (each build starts from it), and
        # their positions and masses in that order
        self.order = np.arange(level.n, dtype=np.int64)
        self.bodies = np.empty((level.n, 3))
        self.pull = 1.0        # the attraction's factor (gather changes it)
        self.leaves = None     # while gathering: nodes of one edge, which keep FR's pull

    def _allocate(self, cap: int) -> None:
        self.cells = [np.empty(cap) for _ in range(6)]
        self.child = np.empty((cap, 4), dtype=np.int64)

    def _build(self, pos: np.ndarray) -> None:
        """The quadtree of ``pos``, growing the cell arrays when points crowd together."""
        while _layout.build_quadtree(pos, self.level.mass, *self.cells, self.child,
                                     self.order, self.bodies, _LEAF_SIZE,
                                     self.threads) < 0:
            self._allocate(2 * len(self.child))

    def run(self, pos: np.ndarray, iterations: int, temperature: float, tick=None) -> None:
        lv = self.level
        for it in range(iterations):
            self.force.fill(0.0)
            self._build(pos)
            cx, cy, cm, half, mx, my = self.cells
            _layout.repulsion(self.bodies, self.order, cm, mx, my, half, self.child,
                              self.theta, self.strength, self.threads, self.force)
            _layout.attraction(pos, lv.indptr, lv.indices, lv.csr_weight, self.pull,
                               self.threads, self.force, self.power)
            if self.leaves is not None:
                self._hold_leaves(pos)
            if self.gravity > 0:
                _layout.gravity(pos, lv.mass, self.gravity, self.force)
            # linear cooling: big moves early, fine adjustments late
            cap = temperature * (1.0 - it / max(iterations, 1)) + 1e-3 * temperature
            _layout.move(pos, self.force, lv.mass, self.step, cap, self.moved)
            if tick:
                tick()

    def gather(self, pos: np.ndarray, iterations: int, reach: float, tick=None) -> None:
        """Final iterations in which every edge pulls with the same force (the one a
        median-length edge had), moves capped at ``reach`` median edge lengths. The
        few long edges between densely knit groups no longer pull the groups into each
        other, so the groups draw apart; inside a mesh, whose edges are all about the
        median, the forces hardly change and neither does the geometry."""
        if iterations == 0:
            return
        lv = self.level
        scale = _edge_scale(pos, lv)
        self.power, self.pull = 0, scale * scale
        # a node of one edge has nothing to gather with, and under a constant pull the
        # repulsion would push it out: its edge keeps the spring's pull w d^2
        leaves = np.flatnonzero(lv.degree == 1)
        first = lv.indptr[leaves]
        self.leaves = (leaves, lv.indices[first], lv.csr_weight[first])
        self.run(pos, iterations, reach * scale, tick)

    def _hold_leaves(self, pos: np.ndarray) -> None:
        """Add to each leaf's constant pull what makes it the spring's, w d^2 (when
        longer)."""
        leaves, other, weight = self.leaves
        delta = pos[other] - pos[leaves]
        d = np.sqrt((delta * delta).sum(1))
        extra = weight * np.maximum(d * d - self.pull, 0.0) / np.maximum(d, 1e-12)
        self.force[leaves] += extra[:, None] * delta


_STRAY = 3.0  # median distances from the centre beyond which a node is reined in


class ForceDirected:
    """Multilevel Barnes-Hut force-directed layout (see the module docstring)."""

    name, aliases = "force_directed", ("force", "spring", "fr", "forceatlas")
    defaults = {"model": "default", "weight": None, "iterations": 10, "theta": 1.2,
                "gravity": None, "seed": 0, "initial_positions": None, "threads": 0,
                "progress": None, "snapshot": None}

    def compute(self, graph: GraphInput, model, weight, iterations, theta, gravity, seed,
                initial_positions, threads, progress, snapshot) -> np.ndarray:
        n = graph.n
        if not isinstance(model, str) or model not in MODELS:
            raise ValueError(f"unknown force model {model!r}; choose one of "
                             f"{sorted(MODELS)}")
        model = MODELS[model]
        weights = _edge_weights(graph, weight)
        gravity = model.gravity if gravity is None else gravity
        iterations = _check_count("iterations", iterations)
        if not (isinstance(theta, (int, float)) and 0 <= theta <= 2):
            raise ValueError(f"theta must be a number in 0..2, got {theta!r}")
        if not (isinstance(gravity, (int, float)) and np.isfinite(gravity) and gravity >= 0):
            raise ValueError(f"gravity must be a number >= 0, got {gravity!r}")
        threads = _check_count("threads", threads) or (os.cpu_count() or 1)
        if snapshot is not None and not callable(snapshot):
            raise ValueError(f"snapshot must be a callable or None, got {snapshot!r}")
        rng = np.random.default_rng(seed)
        if n == 0:
            return np.zeros((0, 2))
        if n == 1:
            return np.zeros((1, 2)) if initial_positions is None else \
                _initial(initial_positions, 1).copy()
        fine = _Level.from_edges(n, graph.sources, graph.targets, weights, model)
        final = min(_GATHER, iterations // 2) if model.gather else 0
        if initial_positions is not None:
            pos = _initial(initial_positions, n).copy()
            if (np.ptp(pos, axis=0) == 0).all():  # all on one spot: spread a little
                pos += rng.normal(0, 1e-3, pos.shape)
            with _Work(progress, n) as work:
                cost = _cost(fine)
                # moves on the scale of an edge: a refinement, not a new layout
                relax = _Relaxer(fine, theta, gravity, threads, model)
                work.stage(1.0, iterations * cost)
                relax.run(pos, iterations - final, 2.0 * _edge_scale(pos, fine),
                          lambda: work.tick(cost))
                relax.gather(pos, final, _GATHER_REACH, lambda: work.tick(cost))
            return pos
        with _Work(progress, n) as work:
            pos = self._multilevel(fine, work, model, iterations, final, theta, gravity,
                                   threads, rng, snapshot)
        _rein_strays(pos)
        return pos

    @staticmethod
    def _multilevel(fine: _Level, work: "_Work", model: _Model, iterations: int, final: int,
                    theta: float, gravity: float, threads: int, rng, snapshot) -> np.ndarray:
        # the bar's first share is the coarsening's (about one fine iteration's work),
        # against an estimate of the rest: each coarser level has ~1/4 of the nodes
        coarsening = _cost(fine)
        estimate = coarsening + iterations * _cost(fine) * 4 / 3
        work.stage(coarsening / estimate, 1)
        levels, maps = [fine], []
        while levels[-1].n > _COARSEST:
            coarse, mapping = levels[-1], None
            for _ in range(_ROUNDS):
                smaller, step = _coarsen(coarse, rng, model.heavy, threads)
                if smaller.n > _MIN_SHRINK * coarse.n:
                    break
                coarse, mapping = smaller, step if mapping is None else step[mapping]
            if mapping is None:
                break
            levels.append(coarse)
            maps.append(mapping)
            if coarse.n > _MIN_SHRINK ** _ROUNDS * levels[-2].n:
                break
        work.tick(1)
        top = levels[-1]
        pos = rng.uniform(-1, 1, (top.n, 2)) * np.sqrt(top.mass.sum())
        # every level but the coarsest gets `iterations`: the coarse levels settle the
        # large-scale shape, the fine ones only adjust it
        relaxing = _COARSEST_ITERATIONS * _cost(top) + \
            iterations * sum(_cost(level) for level in levels[:-1]) + \
            (final * _cost(top) if len(levels) == 1 else 0)   # a lone level gathers on top
        work.stage(1.0, relaxing)
        relax = _Relaxer(top, theta, gravity, threads, model)
        relax.run(pos, _COARSEST_ITERATIONS, 0.5 * _extent(pos),
                  lambda: work.tick(_cost(top)))
        for depth in range(len(levels) - 2, -1, -1):
            if snapshot is not None:
                snapshot(_expand(pos, maps, depth + 1))
            level = levels[depth]
            # the nodes of a cluster start apart by a fraction of the typical edge
            spread = _edge_scale(pos, levels[depth + 1]) * 0.1
            pos = np.ascontiguousarray(pos[maps[depth]] +
                                       rng.normal(0, spread, (level.n, 2)))
            rank = np.empty(relax.order.size, dtype=np.int64)
            rank[relax.order] = np.arange(relax.order.size)
            relax = _Relaxer(level, theta, gravity, threads, model)
            # first tree: from the coarse level's spatial order, spread to its nodes
            relax.order = np.argsort(rank[maps[depth]], kind="stable")
            cost = _cost(level)
            # the finest level ends with the gathering iterations
            last = final if depth == 0 else 0
            relax.run(pos, iterations - last, 2.0 * _edge_scale(pos, level),
                      lambda: work.tick(cost))
        relax.gather(pos, final, _GATHER_REACH, lambda: work.tick(_cost(fine)))
        return pos


def _expand(pos: np.ndarray, maps: list, depth: int) -> np.ndarray:
    """Every fine node at the position of its cluster on level ``depth`` (a preview of
    the layout while the finer levels are still to come)."""
    cluster = maps[0]
    for step in maps[1:depth]:
        cluster = step[cluster]
    return pos[cluster]


def _rein_strays(pos: np.ndarray) -> None:
    """Bring nodes flung far out back to a rim at ``_STRAY`` median distances from the
    centre, in their own direction. Isolated and barely attached nodes feel the whole
    graph's repulsion and almost no pull (at 100k nodes a few land 170 median distances
    out), and one such node would shrink the rest of a drawing to a dot."""
    centre = np.median(pos, axis=0)
    d = np.sqrt(((pos - centre) ** 2).sum(1))
    limit = _STRAY * float(np.median(d))
    far = d > limit
    if limit > 0 and far.any():
        pos[far] = centre + (pos[far] - centre) * (limit / d[far])[:, None]


def _edge_weights(graph: GraphInput, weight) -> np.ndarray | None:
    """The edge attribute ``weight`` in edge order (None: every edge weighs 1), checked:
    a pull must be a positive, finite number on every edge."""
    if weight is None:
        return None
    if not isinstance(weight, str):
        raise ValueError(f"weight must be the name of a numeric edge attribute, got "
                         f"{weight!r}")
    if graph.edge_attribute is None:
        raise ValueError(f"weight={weight!r}: this graph input has no edge attributes")
    try:
        values = graph.edge_attribute(weight)
    except KeyError as e:
        raise ValueError(f"weight={weight!r}: {e.args[0]}") from None
    if values.dtype != np.float64:
        raise ValueError(f"weight={weight!r} must be a numeric edge attribute, it holds "
                         f"strings")
    bad = ~(np.isfinite(values) & (values > 0))
    if bad.any():
        raise ValueError(f"weight={weight!r} must be a positive finite number on every "
                         f"edge; {int(bad.sum())} edges are not (the first is edge row "
                         f"{int(np.argmax(bad))}: {values[np.argmax(bad)]!r})")
    return values


def _check_count(name: str, value) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be an int >= 0, got {value!r}")
    return int(value)


def _initial(positions, n: int) -> np.ndarray:
    arr = np.asarray(positions, dtype=np.float64)
    if arr.shape != (n, 2):
        raise ValueError(f"initial_positions must have shape ({n}, 2), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError("initial_positions holds NaN or infinite values")
    return np.ascontiguousarray(arr)


def _extent(pos: np.ndarray) -> float:
    return float(np.ptp(pos, axis=0).max()) + 1e-9


def _edge_scale(pos: np.ndarray, level: _Level) -> float:
    """Median edge length of ``level`` at ``pos`` (its scale for moves and jitter), from
    a strided sample of a few thousand edges."""
    nnz = level.indices.size
    if nnz == 0:
        return _extent(pos) / np.sqrt(level.n)
    k = np.arange(0, nnz, max(1, nnz // 4000))
    rows = np.searchsorted(level.indptr, k, side="right") - 1
    d = np.sqrt(((pos[rows] - pos[level.indices[k]]) ** 2).sum(1))
    return float(np.median(d)) + 1e-9


def _cost(level: _Level) -> int:
    """One iteration's work on ``level``, in the units the progress counts: the quadtree
    repulsion (n log n) dominates; an edge's pull costs about a sixteenth of a node's
    tree walk (per-level times of a 200k-node layout)."""
    return int(level.n * np.log2(level.n + 1)) + level.indices.size // 16 + 1


class _Work:
    """A layout's progress in proportion to its work, reported to a callback(done,
    total) or a bar (``progress``: a callable, True/False, or None: a bar on a terminal
    or in a notebook for graphs of 100k nodes or more). The layout runs in stages
    (coarsening, then relaxing the levels, the finest ending with gathering); each takes
    its ``share`` of what is left of the bar and is split over its own ``work`` units, so
    the bar moves about as fast as time passes."""

    UNITS = 10_000   # the bar's length: fine enough for every stage's share

    def __init__(self, progress, n: int):
        self.callback = progress if callable(progress) else None
        # True: always (plain lines when piped); None: on a terminal, for large graphs
        enabled = progress is True or (None if progress is None and n >= 100_000 else False)
        self.bar = Progress("force layout", self.UNITS, enabled=enabled)
        self.start = self.end = self.done = 0
        self.scale = self.inside = 0.0

    def __enter__(self) -> "_Work":
        self.bar.__enter__()
        return self

    def stage(self, share: float, work: float) -> None:
        """The next stage: ``share`` (0..1) of the rest of the bar, over ``work`` units."""
        self.start = self.end
        self.end = self.start + round(min(max(share, 0.0), 1.0) * (self.UNITS - self.start))
        self.scale, self.inside = (self.end - self.start) / max(work, 1e-9), 0.0

    def tick(self, work: float = 1.0) -> None:
        self.inside += work
        self._report(min(self.end, self.start + int(self.inside * self.scale)))

    def _report(self, done: int) -> None:
        if done <= self.done:
            return
        self.done = done
        self.bar.advance_to(done)
        if self.callback:
            self.callback(done, self.UNITS)

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self._report(self.UNITS)   # the last stage's rounding
        self.bar.__exit__(*exc)


class ForceAtlas2(ForceDirected):
    """``forceatlas2``: the force layout with ``model="linlog"`` by default."""

    name, aliases = "forceatlas2", ("fa2",)
    defaults = {**ForceDirected.defaults, "model": "linlog"}


register(ForceDirected())
register(ForceAtlas2())
