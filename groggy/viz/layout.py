"""Layouts: the result type, the input every algorithm reads, and the registry."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from groggy import kernels


@dataclass
class GraphInput:
    """What a layout algorithm (and the renderer) reads: ``n`` nodes numbered 0..n-1
    (row i is node ``node_ids[i]`` of the graph) and the edges between them in that
    numbering. ``attribute(name)`` and ``edge_attribute(name)`` give a node or edge
    attribute in that order (float64 with NaN for nulls, or an object array of str/None),
    and raise ``KeyError`` naming the attributes there are."""

    n: int
    sources: np.ndarray
    targets: np.ndarray
    directed: bool
    node_ids: np.ndarray
    attribute: Callable[[str], np.ndarray] = field(repr=False)
    _csr: tuple | None = field(default=None, repr=False)
    edge_attribute: Callable[[str], np.ndarray] | None = field(default=None, repr=False)

    def csr(self):
        """Undirected adjacency (indptr, indices, edge_ids), built once."""
        if self._csr is None:
            self._csr = kernels.build_csr(self.sources, self.targets, self.n, both_ways=True)
        return self._csr


class Layout:
    """Positions of nodes: ``node_positions`` is an ``(n, 2)`` float array aligned with
    ``node_ids``; ``layout[node_id]`` is one node's position.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(4); _ = g.add_edges([(0, 1), (1, 2)])
    >>> lay = g.viz.compute_layout("circular")
    >>> lay.node_positions.shape, lay.algorithm
    ((4, 2), 'circular')
    """

    def __init__(self, positions: np.ndarray, node_ids: np.ndarray, algorithm: str,
                 params: dict):
        self.node_positions = np.ascontiguousarray(positions, dtype=np.float64)
        self.node_ids = np.asarray(node_ids, dtype=np.int64)
        self.algorithm, self.params = algorithm, dict(params)
        self._index = None

    def __len__(self) -> int:
        return self.node_positions.shape[0]

    @property
    def bounds(self) -> tuple:
        """(xmin, ymin, xmax, ymax); zeros for an empty layout."""
        if len(self) == 0:
            return (0.0, 0.0, 0.0, 0.0)
        lo, hi = self.node_positions.min(0), self.node_positions.max(0)
        return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))

    def __getitem__(self, node_id) -> np.ndarray:
        i = np.searchsorted(self.node_ids, node_id) if self._sorted() else None
        if i is None or i >= len(self) or self.node_ids[i] != node_id:
            if self._index is None:
                self._index = {int(v): k for k, v in enumerate(self.node_ids.tolist())}
            if node_id not in self._index:
                raise KeyError(f"node {node_id} is not in this layout")
            i = self._index[node_id]
        return self.node_positions[i]

    def _sorted(self) -> bool:
        ids = self.node_ids
        return ids.size < 2 or bool((ids[1:] > ids[:-1]).all())

    def __repr__(self) -> str:
        x0, y0, x1, y1 = self.bounds
        return (f"Layout({self.algorithm}, {len(self):,} nodes, "
                f"bounds=({x0:.3g}, {y0:.3g})..({x1:.3g}, {y1:.3g}))")


class LayoutAlgorithm(Protocol):
    """A layout: ``name``, ``aliases`` and ``compute(graph, **params) -> (n, 2) array``.
    ``defaults`` lists the parameters it takes, with their default values."""

    name: str
    aliases: tuple
    defaults: dict

    def compute(self, graph: GraphInput, **params) -> np.ndarray: ...


_REGISTRY: dict = {}


def register(algorithm) -> None:
    """Make ``algorithm`` available to ``compute_layout`` under its name and aliases."""
    for name in (algorithm.name, *algorithm.aliases):
        _REGISTRY[name] = algorithm


def get_algorithm(name: str):
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        names = sorted({a.name for a in _REGISTRY.values()})
        raise ValueError(f"unknown layout algorithm {name!r}; choose one of {names} "
                         f"(aliases: {sorted(set(_REGISTRY) - set(names))})") from None


def algorithms() -> list:
    return sorted({a.name for a in _REGISTRY.values()})


def check_params(algorithm, params: dict) -> dict:
    """The algorithm's defaults updated with ``params``; unknown names are an error."""
    unknown = set(params) - set(algorithm.defaults)
    if unknown:
        raise ValueError(f"{algorithm.name} does not take {sorted(unknown)}; it takes "
                         f"{sorted(algorithm.defaults)}")
    return {**algorithm.defaults, **params}
