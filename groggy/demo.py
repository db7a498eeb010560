"""The built-in demo graph: people in communities, with attributes on nodes and edges."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from groggy.errors import StoreError
from groggy.graph import Graph, open_graph
from groggy.progress import Progress

_CITIES = np.array(["Lisbon", "Osaka", "Lagos", "Quito", "Oslo", "Pune", "Tucson", "Graz"])


def demo_graph(nodes: int = 1_000_000, edges: int = 5_000_000, seed: int = 7,
               progress: bool | None = None) -> Graph:
    """A reproducible social-network-like graph, built with the vectorised fast paths.

    Nodes have ``name`` (str), ``age`` (int), ``score`` (float), ``community`` (int) and
    ``city`` (str); 80% of edges join nodes of the same community. Edges have ``weight``
    (float) and ``since`` (int).

    Examples
    --------
    >>> g = demo_graph(1000, 5000, progress=False)
    >>> g.node_count(), g.edge_count(), g.nodes.table().columns[:3]
    (1000, 5000, ['node_id', 'name', 'age'])
    """
    if nodes < 1 or edges < 0:
        raise ValueError(f"a demo graph needs nodes >= 1 and edges >= 0, got {nodes}, {edges}")
    rng = np.random.default_rng(seed)
    communities = max(1, nodes // 5000)
    g = Graph()
    # the bar's stages in proportion to their time: microseconds per node or edge of
    # the names, the node columns, picking the edges and adding them (at 400k / 2M)
    work = [round(2 * nodes), round(18 * nodes), round(1.5 * edges), round(1.2 * edges)]
    with Progress("building demo graph", total=sum(work), enabled=progress) as bar:
        community = rng.integers(0, communities, nodes)
        names = [f"person-{i}" for i in range(nodes)]
        bar.advance(work[0], note="names")
        g.add_nodes({"name": names, "age": rng.integers(16, 90, nodes),
                     "score": np.round(rng.gamma(2.0, 10.0, nodes), 3),
                     "community": community, "city": _CITIES[community % len(_CITIES)]})
        bar.advance(work[1], note="nodes")
        # most edges stay inside a community: pick a source, then a target among the
        # nodes of the same community by sampling from the sorted community order
        src = rng.integers(0, nodes, edges)
        order = np.argsort(community, kind="stable")
        starts = np.searchsorted(community[order], np.arange(communities))
        sizes = np.bincount(community, minlength=communities)
        c = community[src]
        local = starts[c] + (rng.random(edges) * sizes[c]).astype(np.int64)
        dst = np.where(rng.random(edges) < 0.8, order[local], rng.integers(0, nodes, edges))
        bar.advance(work[2], note="edges")
        g.add_edges(src, dst, weight=np.round(rng.random(edges), 4),
                    since=rng.integers(2000, 2027, edges))
        bar.advance(work[3], note="done")
    return g


def cache_dir() -> Path:
    root = os.environ.get("GROGGY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "groggy")
    return Path(root)


DEMO_LAYOUT = "force_directed"


def cached_demo(nodes: int = 1_000_000, edges: int = 5_000_000, seed: int = 7,
                progress: bool | None = None) -> Graph:
    """The demo graph memory-mapped from the cache, built and saved on first use with its
    force layout stored (``g.layouts["force_directed"]``), so serving it never waits
    for a layout. A cached demo from before layouts were stored gets one on first use."""
    path = cache_dir() / f"demo-{nodes}-{edges}-{seed}.groggy"
    if path.exists():
        try:
            g = open_graph(path)
        except StoreError:
            pass  # a damaged or half-written cache: build it again
        else:
            if DEMO_LAYOUT not in g.layouts:
                _store_layout(g, path, seed, progress)
                g = open_graph(path)
            return g
    g = demo_graph(nodes, edges, seed, progress)
    _store_layout(g, path, seed, progress)
    return open_graph(path)


def _store_layout(g: Graph, path: Path, seed: int, progress: bool | None) -> None:
    """Lay the demo out (a progress bar on large graphs) and save it with the layout."""
    g.viz.compute_layout(DEMO_LAYOUT, store=True, seed=seed, progress=progress)
    with Progress("saving", total=1, enabled=progress) as bar:
        g.save(path)
        bar.advance()
