"""Layouts: the result type, the input every algorithm reads, and the registry."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple, Protocol

import numpy as np

from groggy import kernels
from groggy.layouts import Layout  # noqa: F401 - the result type lives in the graph layer


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


class Drawing(NamedTuple):
    """What ``compute`` may return instead of bare positions: the ``(n, 2)`` positions
    and the points edges bend through, CSR style over the edges of the GraphInput in its
    order: edge ``e`` passes through ``bend_points[bend_offsets[e]:bend_offsets[e + 1]]``
    from its source to its target (``bend_offsets`` has ``m + 1`` entries)."""

    positions: np.ndarray
    bend_offsets: np.ndarray
    bend_points: np.ndarray


class LayoutAlgorithm(Protocol):
    """A layout: ``name``, ``aliases`` and ``compute(graph, **params) -> (n, 2) array``
    (or a :class:`Drawing`, when edges bend). ``defaults`` lists the parameters it
    takes, with their default values."""

    name: str
    aliases: tuple
    defaults: dict

    def compute(self, graph: GraphInput, **params) -> np.ndarray | Drawing: ...


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
