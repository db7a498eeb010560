"""Force-directed layout: Barnes-Hut repulsion, linear edge springs and gravity, run on
a hierarchy of coarsened graphs so that large graphs settle in few fine iterations.

Forces (ForceAtlas2-like, with node mass = degree + 1): repulsion ``m_i m_j / d``,
attraction ``w d`` along each edge, gravity ``gravity * m_i`` toward the centre.
"""
from __future__ import annotations

import os

import numpy as np

from groggy import kernels
from groggy._core import _layout
from groggy.progress import Progress
from groggy.viz.layout import GraphInput, register

_COARSEST = 80          # stop coarsening below this many nodes
_MIN_SHRINK = 0.85      # or when a round removes fewer than 15% of the nodes
_PARALLEL_FROM = 4000   # nodes from which the kernels use more than one thread
_GROWTH = 1.0           # each coarser level runs this many times the iterations of the next
_COARSEST_ITERATIONS = 200


class _Level:
    """One graph of the hierarchy: CSR with edge weights and node masses."""

    def __init__(self, n, src, dst, weight, mass):
        self.n, self.mass = n, mass
        self.src, self.dst, self.weight = src, dst, weight
        keep = src != dst
        s, t, w = src[keep], dst[keep], weight[keep]
        self.indptr, self.indices, eids = kernels.build_csr(s, t, n, both_ways=True)
        self.csr_weight = np.ascontiguousarray(w[eids]) if eids.size else np.zeros(0)
        self.degree = np.diff(self.indptr)


def _coarsen(level: _Level, rng) -> tuple:
    """A coarser level by matching neighbours, and the map fine node -> coarse node."""
    match = np.full(level.n, -1, dtype=np.int64)
    order = rng.permutation(level.n).astype(np.int64)
    _layout.match_neighbors(level.indptr, level.indices, order, level.degree, match)
    ids = np.arange(level.n, dtype=np.int64)
    leader = np.where(match >= 0, np.minimum(ids, match), ids)
    _, coarse = np.unique(leader, return_inverse=True)
    nc = int(coarse.max()) + 1 if level.n else 0
    cs, ct = coarse[level.src], coarse[level.dst]
    keep = cs != ct
    lo, hi = np.minimum(cs[keep], ct[keep]), np.maximum(cs[keep], ct[keep])
    key, inverse = np.unique(lo * nc + hi, return_inverse=True)
    weight = np.bincount(inverse, weights=level.weight[keep], minlength=key.size)
    mass = np.bincount(coarse, weights=level.mass, minlength=nc)
    return _Level(nc, key // nc, key % nc, weight, mass), coarse


class _Relaxer:
    """Runs force iterations on one level, reusing its buffers."""

    def __init__(self, level: _Level, theta: float, gravity: float, threads: int):
        # below a few thousand nodes a parallel region costs more than it saves
        threads = threads if level.n >= _PARALLEL_FROM else 1
        self.level, self.theta, self.gravity, self.threads = level, theta, gravity, threads
        self._allocate(_layout.tree_capacity(level.n))
        self.force = np.empty((level.n, 2))
        self.moved = np.empty(level.n)
        self.order = np.empty(level.n, dtype=np.int64)

    def _allocate(self, cap: int) -> None:
        self.cells = [np.empty(cap) for _ in range(6)]
        self.child = np.empty((cap, 4), dtype=np.int64)
        self.point = np.empty(cap, dtype=np.int64)

    def _build(self, pos: np.ndarray) -> None:
        """The quadtree of ``pos``, growing the cell arrays when points crowd together."""
        while _layout.build_quadtree(pos, self.level.mass, *self.cells, self.child,
                                     self.point) < 0:
            self._allocate(2 * self.point.size)

    def run(self, pos: np.ndarray, iterations: int, temperature: float, tick=None) -> None:
        lv = self.level
        for it in range(iterations):
            self.force.fill(0.0)
            self._build(pos)
            cx, cy, cm, half, mx, my = self.cells
            _layout.spatial_order(self.child, self.point, self.order)
            _layout.repulsion(pos, lv.mass, cm, mx, my, half, self.child, self.theta, 1.0,
                              self.threads, self.force, self.order)
            _layout.attraction(pos, lv.indptr, lv.indices, lv.csr_weight, 1.0, self.threads,
                               self.force)
            if self.gravity > 0:
                centre = pos - (lv.mass @ pos) / lv.mass.sum()
                dist = np.sqrt((centre ** 2).sum(1)) + 1e-9
                self.force -= (self.gravity * lv.mass / dist)[:, None] * centre
            # linear cooling: big moves early, fine adjustments late
            cap = temperature * (1.0 - it / max(iterations, 1)) + 1e-3 * temperature
            _layout.move(pos, self.force, lv.mass, 0.5, cap, self.moved)
            if tick:
                tick()


class ForceDirected:
    """Multilevel Barnes-Hut force-directed layout (see the module docstring)."""

    name, aliases = "force_directed", ("force", "spring", "fr", "forceatlas")
    defaults = {"iterations": 12, "theta": 1.2, "gravity": 1.0, "seed": 0,
                "initial_positions": None, "threads": 0, "progress": None}

    def compute(self, graph: GraphInput, iterations, theta, gravity, seed, initial_positions,
                threads, progress) -> np.ndarray:
        n = graph.n
        iterations = _check_count("iterations", iterations)
        if not (isinstance(theta, (int, float)) and 0 <= theta <= 2):
            raise ValueError(f"theta must be a number in 0..2, got {theta!r}")
        if not (isinstance(gravity, (int, float)) and np.isfinite(gravity) and gravity >= 0):
            raise ValueError(f"gravity must be a number >= 0, got {gravity!r}")
        threads = _check_count("threads", threads) or (os.cpu_count() or 1)
        rng = np.random.default_rng(seed)
        if n == 0:
            return np.zeros((0, 2))
        if n == 1:
            return np.zeros((1, 2)) if initial_positions is None else \
                _initial(initial_positions, 1).copy()
        fine = _Level(n, graph.sources, graph.targets, np.ones(graph.sources.size),
                      np.zeros(0))
        fine.mass = fine.degree.astype(np.float64) + 1.0
        if initial_positions is not None:
            pos = _initial(initial_positions, n).copy()
            if (np.ptp(pos, axis=0) == 0).all():  # all on one spot: spread a little
                pos += rng.normal(0, 1e-3, pos.shape)
            with _bar(progress, n, iterations) as tick:
                # moves on the scale of an edge: a refinement, not a new layout
                _Relaxer(fine, theta, gravity, threads).run(
                    pos, iterations, 2.0 * _edge_scale(pos, fine), tick)
            return pos
        levels, maps = [fine], []
        while levels[-1].n > _COARSEST:
            coarse, mapping = _coarsen(levels[-1], rng)
            if coarse.n > _MIN_SHRINK * levels[-1].n:
                break
            levels.append(coarse)
            maps.append(mapping)
        top = levels[-1]
        pos = rng.uniform(-1, 1, (top.n, 2)) * np.sqrt(top.mass.sum())
        # every level but the coarsest gets `iterations` (times _GROWTH per level up):
        # the coarse levels settle the large-scale shape, the fine ones only adjust it
        steps = [min(4 * iterations, int(iterations * _GROWTH ** d)) for d in range(len(levels))]
        total = _COARSEST_ITERATIONS + sum(steps[:-1])
        with _bar(progress, n, total) as tick:
            _Relaxer(top, theta, gravity, threads).run(pos, _COARSEST_ITERATIONS,
                                                       0.5 * _extent(pos), tick)
            for depth in range(len(levels) - 2, -1, -1):
                level = levels[depth]
                parent = pos[maps[depth]]
                # matched pairs start apart by a fraction of the typical edge length
                spread = _edge_scale(pos, levels[depth + 1]) * 0.1
                pos = np.ascontiguousarray(parent + rng.normal(0, spread, (level.n, 2)))
                _Relaxer(level, theta, gravity, threads).run(
                    pos, steps[depth], 2.0 * _edge_scale(pos, level), tick)
        return pos


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
    """Median edge length of ``level`` at ``pos`` (its scale for moves and jitter)."""
    if level.src.size == 0:
        return _extent(pos) / np.sqrt(level.n)
    take = slice(0, min(level.src.size, 20000))
    d = np.sqrt(((pos[level.src[take]] - pos[level.dst[take]]) ** 2).sum(1))
    return float(np.median(d)) + 1e-9


class _bar:
    """Progress for long layouts: a callback(done, total), True/False, or None (a bar
    on a terminal for large graphs)."""

    def __init__(self, progress, n: int, total: int):
        self.callback = progress if callable(progress) else None
        show = (n >= 100_000) if progress is None else (progress is True)
        self.bar = Progress("force layout", total, enabled=None if show else False)
        self.total, self.done = total, 0

    def __enter__(self):
        self.bar.__enter__()

        def tick():
            self.done += 1
            self.bar.advance()
            if self.callback:
                self.callback(self.done, self.total)
        return tick

    def __exit__(self, *exc):
        self.bar.__exit__(*exc)


register(ForceDirected())
