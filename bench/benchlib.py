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
import subprocess
import sys

import numpy as np

# the data, builders, clients and browser set-up live in the package, shared with
# `python -m groggy bench`
from groggy.bench.browser import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_WEBGL_ARGS  # noqa: F401
from groggy.bench.data import (CITIES, SEED, BlockGraph, GraphData,  # noqa: F401
                               build_groggy, build_igraph, build_networkx, make_graph_data,
                               make_sbm, make_table_data, table_columns,
                               expected_rows, fresh_offsets, rows_equal)
from groggy.bench.timing import fmt_time  # noqa: F401
from groggy.bench.wsclient import (HEADER, GroggyClient, PerspectiveServer,  # noqa: F401
                                   frame_header, perspective_client, ws_url)

SCALE = float(os.environ.get("GROGGY_BENCH_SCALE", "1.0"))
N_NODES = max(100, round(1_000_000 * SCALE))
N_EDGES = max(500, round(5_000_000 * SCALE))

# best time in seconds per group and case name, and the report lines, for this session
TIMES: dict[str, dict[str, float]] = {}
LINES: list[str] = []


# --------------------------------------------------------------------------- data
# (the graph and block-model generators are in groggy.bench.data)

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


# --------------------------------------------------------------------------- reporting

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
