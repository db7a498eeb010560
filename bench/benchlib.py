"""Shared helpers for the benchmarks: sizes, the fixed-seed graph, the peers' builders,
and the registry that turns recorded times into printed ratio lines.

Every benchmark records its best (minimum) time under a group; when the groggy case of a
group runs (it is parametrized last), it compares itself with the peers recorded in the
same run, prints one line per comparison and stores the figures in
``benchmark.extra_info``. The lines are printed again at the end of the session.
"""
from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
from dataclasses import dataclass

import numpy as np

from groggy.web.chromium import find_chromium

SCALE = float(os.environ.get("GROGGY_BENCH_SCALE", "1.0"))
N_NODES = max(100, round(1_000_000 * SCALE))
N_EDGES = max(500, round(5_000_000 * SCALE))
SEED = 20240601

# best time in seconds per group and case name, and the report lines, for this session
TIMES: dict[str, dict[str, float]] = {}
LINES: list[str] = []


# --------------------------------------------------------------------------- data

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


def make_rgg(n: int, m: int, seed: int = SEED) -> BlockGraph:
    """A random geometric graph (``gg.generators.random_geometric``): ``n`` points uniform
    in the unit square joined when closer than the radius that gives about ``m`` edges
    (fewer by the border's share); no blocks, the true positions in ``truth``."""
    import groggy as gg
    radius = float(np.sqrt(2 * m / (np.pi * n * n)))
    g = gg.generators.random_geometric(n, radius, seed=seed)
    gi = g.viz.graph_input()
    truth = np.c_[g.nodes["x"].to_numpy(), g.nodes["y"].to_numpy()]
    return BlockGraph(n, int(gi.sources.size), 0, None, gi.sources.astype(np.int64),
                      gi.targets.astype(np.int64), truth)


def make_layered_dag(n: int, layers: int = 40, seed: int = SEED) -> tuple:
    """A random DAG of ``n`` nodes in ``layers`` layers of random sizes (ids shuffled):
    every node below layer 0 has 1-3 parents, each in the layer just above with
    probability 0.7, else 2-4 layers above (clipped to layer 0); no repeated pairs.
    Returns (src, dst, layer): edges point from a parent to its child."""
    rng = np.random.default_rng(seed)
    share = rng.uniform(0.5, 1.5, layers)
    sizes = np.maximum(1, np.floor(share / share.sum() * n).astype(np.int64))
    sizes[-1] += n - sizes.sum()
    layer = np.repeat(np.arange(layers), sizes)
    ids = rng.permutation(n)                  # node ids[j] is the j-th node in layer order
    first = np.concatenate([[0], np.cumsum(sizes)])
    child = np.flatnonzero(layer > 0)
    parents = rng.integers(1, 4, size=child.size)
    c = np.repeat(child, parents)
    up = np.where(rng.random(c.size) < 0.7, 1, rng.integers(2, 5, size=c.size))
    pl = np.maximum(layer[c] - up, 0)
    p = first[pl] + rng.integers(0, sizes[pl])
    key = np.unique(p * n + c)
    src, dst = ids[key // n], ids[key % n]
    order = rng.permutation(src.size)
    out_layer = np.empty(n, dtype=np.int64)
    out_layer[ids] = layer
    return src[order], dst[order], out_layer


def make_random_tree(n: int, seed: int = SEED) -> tuple:
    """A uniform random recursive tree (node j's parent is uniform among the nodes made
    before it), ids shuffled. Returns (src, dst, root): edges point parent -> child."""
    rng = np.random.default_rng(seed)
    j = np.arange(1, n)
    parent = np.floor(rng.random(n - 1) * j).astype(np.int64)
    ids = rng.permutation(n)
    order = rng.permutation(n - 1)
    return ids[parent][order], ids[j][order], int(ids[0])


# --------------------------------------------------------------------------- tables
# The streaming benchmarks (test_window, test_roundtrip, test_browser_paint, test_sort)
# serve one table of N_NODES rows and 10 columns: ``node_id`` (the row position, which
# every nodes table starts with) and the 9 attribute columns below, stored by groggy as
# the node columns of an edgeless graph and opened memory-mapped.

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


# --------------------------------------------------------------------------- reporting

def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def say(line: str) -> None:
    print("\n" + line, flush=True)
    LINES.append(line)


def record(benchmark, group: str, case: str, per: int = 1) -> float | None:
    """Store the best time of the benchmark that just ran; None if benchmarks are off.
    ``per``: the operations one round did (the stored time is the best round / ``per``)."""
    benchmark.extra_info["case"] = case
    if benchmark.stats is None:  # --benchmark-disable: the function ran once, untimed
        return None
    best = benchmark.stats.stats.min / per
    TIMES.setdefault(group, {})[case] = best
    benchmark.extra_info["best_s"] = best
    if per != 1:
        benchmark.extra_info["ops_per_round"] = per
    return best


def record_time(benchmark, group: str, case: str, seconds: float) -> float:
    """Store a time measured elsewhere (inside a subprocess) as the case's time in
    ``group``, as ``record`` does with pytest-benchmark's own."""
    benchmark.extra_info["case"] = case
    benchmark.extra_info["best_s"] = seconds
    TIMES.setdefault(group, {})[case] = seconds
    return seconds


def speedup(benchmark, group: str, peer: str, need: float | None, what: str,
            ours: str = "groggy") -> None:
    """Print and store the speed-up of case ``ours`` (default groggy) over ``peer`` (peer
    time / our time) in ``group``; the target is met when the speed-up is at least
    ``need`` (``None``: no target, the ratio is only reported)."""
    times = TIMES.get(group, {})
    if ours not in times or peer not in times:
        say(f"[{group}] {what}: {ours} vs {peer}: not both measured in this run")
        return
    mine, theirs = times[ours], times[peer]
    ratio = theirs / mine
    met = None if need is None else ratio >= need
    target = ("no target" if need is None else
              f"target >= {need:g}x: {'MET' if met else 'NOT MET'}")
    say(f"[{group}] {what}: {ours} {fmt_time(mine)} | {peer} {fmt_time(theirs)} | "
        f"speed-up {ratio:.2f}x ({target})")
    benchmark.extra_info.update({f"{peer}_s": theirs, f"speedup_vs_{peer}": ratio,
                                 f"target_vs_{peer}": need, f"met_vs_{peer}": met})
    if ours != "groggy":
        benchmark.extra_info[f"{ours}_s"] = mine


# --------------------------------------------------------------------------- memory
def status_bytes(field: str) -> int | None:
    """A memory figure of this process from /proc/self/status (``VmRSS``, ``VmHWM``)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def reset_peak_rss() -> bool:
    """Reset the kernel's high-water mark (``VmHWM``) to the current RSS; False where the
    kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


_RSS_PROBE = """
import json, sys, psutil
proc = psutil.Process()
import numpy, groggy as gg
before = proc.memory_info().rss
g = gg.open(sys.argv[1])
after_open = proc.memory_info().rss
text = repr(g.nodes.table())
after_repr = proc.memory_info().rss
print(json.dumps({"import": before, "open": after_open, "repr": after_repr}))
"""


def rss_after_open(path) -> dict:
    """RSS in bytes of a fresh interpreter after ``import groggy``, after ``gg.open(path)``
    and after ``repr(g.nodes.table())`` (so the numbers exclude anything built here)."""
    out = subprocess.run([sys.executable, "-c", _RSS_PROBE, str(path)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


# --------------------------------------------------------------------------- latency

def latency_stats(samples) -> dict:
    """p50, p95, p99, mean, min and max (seconds) of per-request times in seconds."""
    a = np.asarray(samples, dtype=float)
    return {"n": int(a.size), "p50": float(np.percentile(a, 50)),
            "p95": float(np.percentile(a, 95)), "p99": float(np.percentile(a, 99)),
            "mean": float(a.mean()), "min": float(a.min()), "max": float(a.max())}


def report_latency(benchmark, group: str, case: str, what: str, samples,
                   extra: str = "") -> dict:
    """Print one line with the distribution of ``samples`` (seconds), store it in
    ``benchmark.extra_info`` (keys ``group:case:p50_s`` ...) and record the p50 as the
    case's time in ``group`` (so ``speedup`` compares medians)."""
    s = latency_stats(samples)
    TIMES.setdefault(group, {})[case] = s["p50"]
    benchmark.extra_info.update({f"{group}:{case}:{k}" + ("" if k == "n" else "_s"): v
                                 for k, v in s.items()})
    say(f"[{group}] {what}: {case} p50 {fmt_time(s['p50'])} | p95 {fmt_time(s['p95'])} | "
        f"p99 {fmt_time(s['p99'])} | mean {fmt_time(s['mean'])} | max {fmt_time(s['max'])} "
        f"({s['n']:,} requests){extra}")
    return s


# --------------------------------------------------------------------------- servers

HEADER = struct.Struct("<4sIqqqqq")  # the binary DataUpdate header (docs/protocol.md)


def frame_header(frame: bytes) -> dict:
    magic, ncols, request_id, offset, count, total, version = HEADER.unpack_from(frame, 0)
    if magic != b"GGW1":
        raise ValueError(f"not a groggy window frame (magic {magic!r})")
    return {"request_id": request_id, "offset": offset, "count": count, "total_rows": total}


def ws_url(page_url: str) -> str:
    """The WebSocket address of a server's page URL (``http://127.0.0.1:P/TOKEN/``)."""
    return "ws" + page_url[len("http"):] + "ws"


class GroggyClient:
    """One websocket-client connection to a groggy server (docs/protocol.md), sending a
    message and reading exactly the replies that answer it: the JSON reply, if any, then
    the binary frames covering the rows it asked for. No Origin header (a non-browser
    client), like any script would connect.
    """

    def __init__(self, page_url: str, timeout: float = 60):
        import websocket
        self.ws = websocket.create_connection(ws_url(page_url), timeout=timeout,
                                              suppress_origin=True)
        self._rid = 0
        self.total_rows = 0
        self.window_size = 50

    def close(self) -> None:
        self.ws.close()

    def _recv(self):
        import websocket
        opcode, data = self.ws.recv_data()
        if opcode == websocket.ABNF.OPCODE_BINARY:
            return data
        msg = json.loads(data)
        if msg.get("type") == "Error":
            raise RuntimeError(f"server answered Error: {msg}")
        return msg

    def call(self, msg: dict) -> tuple:
        """Send ``msg``; (JSON replies, frames) that answer it."""
        self._rid += 1
        rid = self._rid
        kind = msg["type"]
        self.ws.send(json.dumps({**msg, "request_id": rid}))
        replies, frames = [], []
        if kind == "Ping":
            while True:
                r = self._recv()
                if isinstance(r, dict) and r.get("type") == "Pong" and r["request_id"] == rid:
                    return [r], []
        if kind in ("Hello", "Open", "Sort", "Filter"):
            while True:  # the JSON reply first, then the frames at the view's offset
                r = self._recv()
                if isinstance(r, dict) and r.get("request_id") == rid:
                    replies.append(r)
                    break
            self.total_rows = replies[0]["total_rows"]
            if kind == "Hello":
                self.window_size = msg.get("window_size", 50)
            start, size = replies[0].get("offset", 0), self.window_size
        elif kind == "ScrollRequest":
            start, size = msg["offset"], msg.get("window_size", 50)
        else:
            raise ValueError(f"GroggyClient.call does not know how {kind} is answered")
        end = min(start + size, self.total_rows)
        covered = start
        while covered < end:
            r = self._recv()
            if isinstance(r, (bytes, bytearray)):
                h = frame_header(r)
                if h["request_id"] != rid:
                    continue  # an older answer or a push: not ours
                frames.append(r)
                covered = max(covered, h["offset"] + h["count"])
        return replies, frames


class ServerProcess:
    """A groggy server in a subprocess started by ``command``, which prints
    ``serving at URL``: its own interpreter (no GIL shared with the benchmark), its own
    RSS. ``stderr``: where the child's log goes (default: with its output)."""

    def __init__(self, command: list, stderr=subprocess.STDOUT):
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr,
                                     text=True, cwd=os.path.dirname(__file__))
        self.url = None
        lines = []
        for line in self.proc.stdout:
            lines.append(line)
            if line.startswith("serving at "):
                self.url = line.split()[2]
                break
        if self.url is None:
            self.close()
            raise RuntimeError(f"{command[1:]} did not start:\n" + "".join(lines))

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()

    def rss(self) -> int:
        """The server's resident set size, bytes."""
        import psutil
        return psutil.Process(self.proc.pid).memory_info().rss

    def cpu_seconds(self) -> float:
        """CPU time the server has used (user + system), seconds."""
        import psutil
        times = psutil.Process(self.proc.pid).cpu_times()
        return times.user + times.system


class CliServer(ServerProcess):
    """``python -m groggy serve PATH --no-browser``: the real server a user starts."""

    def __init__(self, path):
        super().__init__([sys.executable, "-m", "groggy", "serve", str(path), "--no-browser"])


# --------------------------------------------------------------------------- browser

CHROMIUM = find_chromium()   # /usr/bin/chromium, or found on the PATH (None: absent)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# WebGL2 without a GPU: ANGLE on SwiftShader (the graph view draws with WebGL2)
CHROMIUM_WEBGL_ARGS = [a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + \
    ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


# --------------------------------------------------------------------------- Perspective

class PerspectiveServer:
    """perspective-python's own Tornado WebSocket handler (``/ws``) serving one table
    named ``bench`` made from ``columns``, in a background thread like groggy's server.
    ``routes``: more Tornado routes (the viewer page and its assets)."""

    def __init__(self, columns: dict, routes=()):
        import asyncio
        import threading

        import perspective
        import pyarrow as pa
        import tornado.httpserver
        import tornado.netutil
        import tornado.web
        from perspective.handlers.tornado import PerspectiveTornadoHandler

        self.server = perspective.Server()
        self.table = self.server.new_local_client().table(pa.table(columns), name="bench")
        app = tornado.web.Application(
            [(r"/ws", PerspectiveTornadoHandler, {"perspective_server": self.server}),
             *routes], websocket_max_message_size=64 << 20)
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        ready = threading.Event()

        def run():
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self.http = tornado.httpserver.HTTPServer(app, max_buffer_size=64 << 20)
            self.http.add_sockets(sockets)
            ready.set()
            self.loop.run_forever()
            self.loop.close()

        self.thread = threading.Thread(target=run, name="perspective-server", daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self) -> None:
        def halt():
            self.http.stop()
            self.loop.stop()
        self.loop.call_soon_threadsafe(halt)
        self.thread.join(10)


def perspective_client(page_url: str, timeout: float = 60):
    """A synchronous perspective-python ``Client`` speaking to a ``PerspectiveServer``
    over WebSocket (websocket-client): every request is sent and its one reply read
    before the call returns. Returns (client, the websocket to close)."""
    import perspective
    import websocket
    ws = websocket.create_connection(ws_url(page_url), timeout=timeout, suppress_origin=True)

    def send(msg):
        ws.send_binary(bytes(msg))
        client.handle_response(ws.recv())

    client = perspective.Client(send)
    return client, ws


def cell_matches(text: str, value, tolerance: float) -> bool:
    """Whether a painted cell's text shows ``value``: ints maybe grouped ("1,234"),
    floats within ``tolerance`` (absolute, relative past 1), bools as true/false."""
    if value is None:
        return text in ("null", "")
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, int):
        return text.replace(",", "").lstrip("-").isdigit() and int(text.replace(",", "")) == value
    if isinstance(value, float):
        try:
            shown = float(text.replace(",", ""))
        except ValueError:
            return False
        return abs(shown - value) <= tolerance * max(1.0, abs(value))
    return text == value


def check_painted(rows, value_of, tolerance: float) -> None:
    """Assert every painted row (a list of cell texts) shows the data:
    ``value_of(cells)`` gives the row's stored values (a list, one per cell)."""
    bad = []
    for cells in rows:
        for j, (text, value) in enumerate(zip(cells, value_of(cells))):
            if not cell_matches(text, value, tolerance):
                bad.append((cells[0], j, text, value))
    assert not bad, f"painted cells differ from the data (row, column, shown, stored): {bad[:5]}"
