"""Layouts with their quality figures: groggy's force layout (Barnes-Hut, Cython)
against networkx ``spring_layout(iterations=50)`` and igraph Fruchterman-Reingold
(``niter=500``) on a stochastic block model graph (5 edges per node, 20 blocks), every
engine's positions scored the same way by ``groggy.viz.metrics.quality``: normalized
stress (lower is better), neighbourhood preservation (higher) and block purity (higher:
the blocks come out as clusters). Same graph and calls as bench/test_layout.py."""
from __future__ import annotations

import numpy as np

from groggy.bench.checks import expect, groggy_answer
from groggy.bench.data import make_sbm
from groggy.bench.results import Row
from groggy.bench.sizes import label

TITLE = "Layouts"
QUALITY = {"normalized_stress": "stress", "neighborhood_preservation": "NP",
           "block_purity": "purity"}


def sbm_graph(ctx, n):
    """(the SBM arrays, the groggy graph with a ``block`` column): made once per size."""
    def make():
        import groggy as gg
        sbm = make_sbm(n, 5 * n, 20)
        g = gg.Graph()
        g.add_nodes({"block": sbm.block})
        g.add_edges(sbm.src, sbm.dst)
        return sbm, g
    return ctx.once(("sbm", n), make)


def _edges(sbm):
    return list(zip(sbm.src.tolist(), sbm.dst.tolist()))


def force(ctx, n):
    from groggy.viz import metrics
    sbm, g = sbm_graph(ctx, n)
    gi = g.viz.graph_input()

    def score(cell, positions, engine):
        positions = np.asarray(positions, dtype=float)
        got = (positions.shape, bool(np.isfinite(positions).all()))
        expect(f"{engine}: one finite position per node",
               groggy_answer("layout", got) if engine == "groggy" else got, ((n, 2), True))
        q = metrics.quality(gi, positions, sbm.block, pairs=2000, sample=min(n, 2000))
        cell.figures = {QUALITY[k]: round(float(v), 3) for k, v in q.items() if k in QUALITY}

    mine, layout = ctx.groggy(lambda: g.viz.compute_layout("force_directed"), rounds=3)
    score(mine, layout.node_positions, "groggy")

    def networkx(nx):
        G = nx.Graph()
        G.add_nodes_from(range(n))
        G.add_edges_from(_edges(sbm))

        def run():
            pos = nx.spring_layout(G, iterations=50, seed=0)
            return np.array([pos[i] for i in range(n)])
        return run

    def igraph(ig):
        G = ig.Graph(n, _edges(sbm))
        return lambda: np.asarray(G.layout_fruchterman_reingold(niter=500).coords)

    peers = {}
    for peer, setup in (("networkx", networkx), ("igraph", igraph)):
        peers[peer], positions = ctx.peer(peer, setup, n, cap=f"{peer}-layout", rounds=1)
        if positions is not None:
            score(peers[peer], positions, peer)
    return Row("layout", "force layout (SBM, 20 blocks)", sbm.size(), n, mine, peers,
               {"igraph": 10}, "positions: finite, one per node; quality scored alike",
               plot="layout")


def cases(size):
    return [(f"force layout {label(n)}", lambda ctx, n=n: force(ctx, n)) for n in size.layout]
