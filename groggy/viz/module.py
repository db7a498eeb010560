"""``viz``: the visualization entry point shared by every table, array and graph."""
from __future__ import annotations

import numpy as np

from groggy.viz.layout import GraphInput, Layout, check_params, get_algorithm


def graph_input(source) -> GraphInput:
    """The layout input of a Graph, or of a Subgraph (its nodes and its edges)."""
    graph = getattr(source, "_graph", source)
    src, dst = graph._src.data, graph._dst.data
    if graph is source:
        nodes = np.arange(graph.node_count(), dtype=np.int64)
        s, t = np.asarray(src), np.asarray(dst)
    else:
        nodes, edges = source._node_ids, source._edges()
        s = np.searchsorted(nodes, src[edges])
        t = np.searchsorted(nodes, dst[edges])
    store = graph._nodes

    def attribute(name):
        column = store.column(name)
        return np.array(column.to_list(nodes), dtype=object) if column.kind == "string" \
            else column.numeric(nodes)

    return GraphInput(int(nodes.size), np.ascontiguousarray(s, dtype=np.int64),
                      np.ascontiguousarray(t, dtype=np.int64), graph.is_directed, nodes,
                      attribute)


class VizModule:
    """Layouts (and, with the renderer, drawings) of the graph data behind an object.

    ``obj.viz`` and ``obj.viz()`` give the same module.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edges([(0, 1), (1, 2)])
    >>> g.nodes.table().viz().compute_layout("grid").node_positions.tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.0, -1.0]]
    """

    def __init__(self, owner):
        self._owner = owner

    def __call__(self) -> "VizModule":
        return self

    def __repr__(self) -> str:
        return f"VizModule({type(self._owner).__name__})"

    def graph_input(self) -> GraphInput:
        source = getattr(self._owner, "_viz_source", None)
        if source is None:
            raise TypeError(f"{type(self._owner).__name__} holds no graph to lay out; use "
                            "a graph, a subgraph, or a table or array that came from one")
        return graph_input(source())

    def compute_layout(self, algorithm: str = "force_directed", **params) -> Layout:
        """Lay out the graph behind this object.

        Parameters
        ----------
        algorithm : str
            ``force_directed`` (aliases ``force``, ``spring``), ``hierarchical``,
            ``circular`` or ``grid``.
        **params
            The algorithm's parameters (an unknown one is an error).

        Returns
        -------
        Layout
            ``node_positions`` aligned with ``node_ids``; ``layout[node_id]``.
        """
        algo = get_algorithm(algorithm)
        full = check_params(algo, params)
        graph = self.graph_input()
        positions = np.asarray(algo.compute(graph, **full), dtype=np.float64)
        if positions.shape != (graph.n, 2) or not np.isfinite(positions).all():
            raise RuntimeError(f"{algo.name} produced invalid positions "
                               f"(shape {positions.shape}); this is a groggy bug")
        shown = {k: v for k, v in full.items() if not callable(v) and
                 not isinstance(v, np.ndarray)}
        return Layout(positions, graph.node_ids, algo.name, shown)

    def update_layout(self, layout: Layout, iterations: int = 20, seed: int = 0,
                      **params) -> Layout:
        """Continue a force layout after nodes or edges were added.

        Nodes of ``layout`` start where they were; a new node starts at the mean of its
        already placed neighbours (or near the centre), and a short refinement moves
        everything only on the scale of an edge, so the picture stays recognisable.

        Examples
        --------
        >>> import groggy as gg
        >>> g = gg.Graph(); _ = g.add_nodes(30); _ = g.add_edges([(i, i + 1) for i in range(29)])
        >>> first = g.viz.compute_layout()
        >>> _ = g.add_node(); _ = g.add_edge(29, 30)
        >>> g.viz.update_layout(first).node_positions.shape
        (31, 2)
        """
        if not isinstance(layout, Layout):
            raise TypeError(f"update_layout takes a Layout, got {type(layout).__name__}")
        graph = self.graph_input()
        old = {int(v): i for i, v in enumerate(layout.node_ids.tolist())}
        at = np.array([old.get(int(v), -1) for v in graph.node_ids.tolist()], dtype=np.int64)
        known = at >= 0
        pos = np.zeros((graph.n, 2))
        pos[known] = layout.node_positions[at[known]]
        centre = pos[known].mean(0) if known.any() else np.zeros(2)
        rng = np.random.default_rng(seed)
        indptr, indices, _ = graph.csr()
        for v in np.flatnonzero(~known).tolist():
            placed = [u for u in indices[indptr[v]:indptr[v + 1]].tolist() if known[u]]
            pos[v] = (pos[placed].mean(0) if placed else centre) + rng.normal(0, 1e-3, 2)
        return self.compute_layout("force_directed", initial_positions=pos,
                                   iterations=iterations, seed=seed, **params)
