"""The benchmark data, the same for the report (``python -m groggy bench``) and the
pytest-benchmark suites in ``bench/`` (which import it from here): the fixed-seed random
graph and block-model graph as NumPy arrays, the 10-column streaming table, and each
engine's builder taking those arrays in the input form it takes fastest (measured: see
bench/README.md)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEED = 20240601


@dataclass
class GraphData:
    """An undirected simple graph as NumPy arrays: no self-loops, no repeated pairs."""

    n: int
    m: int
    nodes: dict   # age int64, score float64, label str (NumPy unicode array)
    src: np.ndarray
    dst: np.ndarray
    edges: dict   # weight float64, kind int64

    def size(self) -> str:
        return f"{self.n:,} nodes / {self.m:,} edges"


def make_graph_data(n: int, m: int, seed: int = SEED) -> GraphData:
    """A uniform random simple graph with attribute columns, the same for every seed."""
    rng = np.random.default_rng(seed)
    if m > n * (n - 1) // 2:
        raise ValueError(f"{m} edges do not fit in a simple graph of {n} nodes")
    keys = np.empty(0, dtype=np.int64)
    while keys.size < m:  # draw pairs, drop self-loops and repeats, until there are enough
        u = rng.integers(0, n, size=m + m // 10 + 100)
        v = rng.integers(0, n, size=u.size)
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        keep = lo != hi
        keys = np.unique(np.concatenate([keys, lo[keep] * n + hi[keep]]))
    keys = rng.permutation(keys)[:m]  # random edge order, not sorted
    lo, hi = keys // n, keys % n
    flip = rng.random(m) < 0.5
    src, dst = np.where(flip, hi, lo), np.where(flip, lo, hi)
    nodes = {"age": rng.integers(0, 100, size=n),
             "score": rng.random(n),
             "label": np.char.add("node-", np.arange(n).astype(str))}
    edges = {"weight": rng.random(m), "kind": rng.integers(0, 5, size=m)}
    return GraphData(n, m, nodes, src, dst, edges)


@dataclass
class BlockGraph:
    """A stochastic block model graph as NumPy arrays: ``block[i]`` is node i's block;
    undirected, simple (no self-loops, no repeated pairs), edges in random order."""

    n: int
    m: int
    k: int
    block: np.ndarray | None
    src: np.ndarray
    dst: np.ndarray
    truth: np.ndarray | None = None   # true (n, 2) positions (random geometric graphs)

    def size(self) -> str:
        return f"{self.n:,} nodes / {self.m:,} edges / {self.k} blocks"

    def intra_share(self) -> float:
        return float((self.block[self.src] == self.block[self.dst]).mean())


def make_sbm(n: int, m: int, k: int = 20, intra: float = 0.8,
             seed: int = SEED) -> BlockGraph:
    """A stochastic block model graph with ``k`` blocks of (nearly) equal size, nodes
    assigned to blocks at random (a node's id says nothing about its block), exactly
    ``round(intra * m)`` edges inside blocks (both ends drawn uniformly in one block,
    the block uniformly) and the rest between blocks (two uniform nodes of different
    blocks). The same graph for the same arguments."""
    rng = np.random.default_rng(seed)
    size = n // k
    if size < 2 or (n - 1) * n // 2 < m:
        raise ValueError(f"an SBM of {n} nodes in {k} blocks cannot hold {m} edges")
    block = rng.permutation(np.arange(n, dtype=np.int64) % k)
    members = np.argsort(block, kind="stable")          # nodes grouped by block
    start = np.searchsorted(block[members], np.arange(k + 1))
    count = np.diff(start)
    m_in = round(intra * m)
    if m_in > (count * (count - 1) // 2).sum():
        raise ValueError(f"{m_in} edges do not fit inside {k} blocks of {n} nodes")

    def fill(want: int, draw) -> np.ndarray:
        keys = np.empty(0, dtype=np.int64)
        while keys.size < want:  # draw pairs, drop self-loops and repeats, until enough
            u, v = draw(want - keys.size + (want - keys.size) // 10 + 100)
            lo, hi = np.minimum(u, v), np.maximum(u, v)
            keep = lo != hi
            keys = np.unique(np.concatenate([keys, lo[keep] * n + hi[keep]]))
        return rng.permutation(keys)[:want]

    def inside(size_: int):
        b = rng.integers(0, k, size=size_)
        u = members[start[b] + rng.integers(0, count[b])]
        v = members[start[b] + rng.integers(0, count[b])]
        return u, v

    def between(size_: int):
        u = rng.integers(0, n, size=size_)
        v = rng.integers(0, n, size=size_)
        other = block[u] != block[v]
        return u[other], v[other]

    keys = rng.permutation(np.concatenate([fill(m_in, inside), fill(m - m_in, between)]))
    lo, hi = keys // n, keys % n
    flip = rng.random(m) < 0.5
    return BlockGraph(n, m, k, block, np.where(flip, hi, lo), np.where(flip, lo, hi))


# The streaming benchmarks serve one table of n rows and 10 columns: ``node_id`` (the row
# position, which every nodes table starts with) and the 9 attribute columns below, stored
# by groggy as the node columns of an edgeless graph and opened memory-mapped.

CITIES = np.array(["Lisbon", "Osaka", "Lagos", "Quito", "Oslo", "Pune", "Tucson", "Graz"])


def make_table_data(n: int, seed: int = SEED) -> dict:
    """The 9 attribute columns: 2 int64, 3 float64, 2 str, 2 bool (10 with node_id)."""
    rng = np.random.default_rng(seed)
    return {
        "age": rng.integers(0, 100, size=n),                       # int64, many ties
        "visits": rng.integers(0, 1_000_000_000, size=n),          # int64, wide range
        "score": rng.random(n),                                     # float64 in [0, 1)
        "ratio": rng.normal(size=n),                                # float64, signed
        "balance": np.round(rng.gamma(2.0, 100.0, size=n), 2),     # float64, 2 decimals
        "label": _compact(np.char.add("user-", rng.permutation(n).astype(str))),  # unique
        "city": CITIES[rng.integers(0, CITIES.size, size=n)],      # str, 8 values
        "active": rng.random(n) < 0.5,                              # bool
        "verified": rng.random(n) < 0.1,                            # bool
    }


def _compact(strings: np.ndarray) -> np.ndarray:
    """The same strings in the narrowest NumPy unicode dtype (what ``np.array(list)``
    gives; a wider one would slow NumPy's string sort down for nothing)."""
    return strings.astype(f"<U{max(1, int(np.char.str_len(strings).max()))}")


def table_columns(data: dict) -> dict:
    """The 10 columns of the benchmark table in order: node_id, then ``data``."""
    n = next(iter(data.values())).size
    return {"node_id": np.arange(n, dtype=np.int64), **data}


# --------------------------------------------------------------------------- builders
# Each takes the NumPy arrays and returns a graph with every attribute column, using the
# input form that engine takes fastest (measured: see README.md).

def build_groggy(data: GraphData):
    import groggy as gg
    g = gg.Graph()
    g.add_nodes(data.nodes)
    g.add_edges(data.src, data.dst, **data.edges)
    return g


def build_igraph(data: GraphData, attrs: bool = True):
    import igraph
    # a list of tuples is ~2.5x faster for igraph than an (m, 2) NumPy array
    g = igraph.Graph(data.n, list(zip(data.src.tolist(), data.dst.tolist())))
    if attrs:
        for name, values in data.nodes.items():
            g.vs[name] = values.tolist()
        for name, values in data.edges.items():
            g.es[name] = values.tolist()
    return g


def build_networkx(data: GraphData, attrs: bool = True):
    import networkx as nx
    g = nx.Graph()
    if not attrs:
        g.add_nodes_from(range(data.n))
        g.add_edges_from(zip(data.src.tolist(), data.dst.tolist()))
        return g
    names, cols = list(data.nodes), [c.tolist() for c in data.nodes.values()]
    g.add_nodes_from((i, dict(zip(names, row))) for i, row in enumerate(zip(*cols)))
    names, cols = list(data.edges), [c.tolist() for c in data.edges.values()]
    g.add_edges_from((u, v, dict(zip(names, row)))
                     for u, v, *row in zip(data.src.tolist(), data.dst.tolist(), *cols))
    return g


def expected_rows(columns: dict, order, start: int, count: int) -> list:
    """Rows ``[start, start + count)`` of the table viewed in ``order`` (None: stored
    order), as lists of Python values: what every engine must serve."""
    n = next(iter(columns.values())).size
    idx = np.arange(start, min(start + count, n))
    if order is not None:
        idx = order[idx]
    return [list(r) for r in zip(*(c[idx].tolist() for c in columns.values()))]


def rows_equal(got, want, atol: float = 0.0) -> bool:
    """Rows of Python values equal; floats within ``atol`` (absolute) when atol > 0."""
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if len(g) != len(w):
            return False
        for a, b in zip(g, w):
            if isinstance(b, float) and not isinstance(b, bool):
                if not (a == b or abs(a - b) <= atol):
                    return False
            elif a != b:
                return False
    return True


def fresh_offsets(n_rows: int, count: int, block: int, window: int, seed: int,
                  gap: int = 0) -> list:
    """Up to ``count`` random offsets whose window ``[o, o + window)`` lies inside one
    ``block``-row block that no other offset touches, nor its ``gap`` neighbours on each
    side (so every request is a cache miss for a server and a page that cache blocks).
    Fewer when the table has too few blocks."""
    rng = np.random.default_rng(seed)
    nblocks = n_rows // block
    used = np.zeros(nblocks, dtype=bool)
    used[:1 + gap] = True  # block 0 (and its neighbours) is what a page first shows
    out = []
    for b in rng.permutation(nblocks).tolist():
        lo, hi = max(0, b - gap), min(nblocks, b + gap + 1)
        if used[lo:hi].any():
            continue
        used[lo:hi] = True
        out.append(b * block + int(rng.integers(0, block - window + 1)))
        if len(out) == count:
            break
    return out
