"""Shared test setup: hypothesis profiles, a sample graph with every column kind, a saved
store of it, and small helpers for comparing values and file contents.

Hypothesis profiles (choose with HYPOTHESIS_PROFILE=name):
  groggy    (default) 50 examples, derandomized, no example database: deterministic runs
  thorough  500 random examples, for hunting bugs locally
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

import groggy as gg

settings.register_profile("groggy", max_examples=50, deadline=None, derandomize=True,
                          database=None, print_blob=True)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "groggy"))


# --------------------------------------------------------------------------- helpers

def same(a, b) -> bool:
    """Deep equality where NaN equals NaN and scalar types must match (1 is not 1.0,
    True is not 1): the values a column gives back are exactly the values put in."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def snapshot(root) -> dict:
    """Every file under ``root`` as {relative path: bytes}."""
    root = Path(root)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def generation(path) -> Path:
    """The current generation directory of the store at ``path``."""
    path = Path(path)
    return path / (path / "CURRENT").read_text().strip()


def assert_clean(path) -> None:
    """The store at ``path`` holds exactly CURRENT and the generation it names, that
    generation exactly its manifest and the files listed, and nothing lies beside it."""
    path = Path(path)
    gen = generation(path)
    assert sorted(os.listdir(path)) == sorted(["CURRENT", gen.name]), os.listdir(path)
    listed = set(json.loads((gen / "manifest.json").read_text())["checksums"])
    on_disk = {str(p.relative_to(gen)) for p in gen.rglob("*") if p.is_file()}
    assert on_disk == listed | {"manifest.json"}, on_disk ^ (listed | {"manifest.json"})
    beside = [p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.")]
    assert beside == [], beside


def flip(f, pos: int = -1, mask: int = 0x01) -> None:
    """XOR the byte at ``pos`` of file ``f`` with ``mask``."""
    f = Path(f)
    data = bytearray(f.read_bytes())
    data[pos] ^= mask
    f.write_bytes(bytes(data))


def save_recording_steps(graph, path) -> list:
    """Save ``graph`` to ``path`` and return the labels of every step of the save (each
    create, write, fsync, rename and unlink: the writer's step hook)."""
    from groggy.store import writer
    steps = []
    writer.step_hook = steps.append
    try:
        graph.save(path)
    finally:
        writer.step_hook = None
    return steps


@contextlib.contextmanager
def no_fsync():
    """Skip fsync while saving many small stores in hypothesis loops (it only matters
    for a machine crash, which no test here simulates; it costs ~50 ms a store)."""
    real = os.fsync
    os.fsync = lambda fd: None
    try:
        yield
    finally:
        os.fsync = real


def read_all(g) -> dict:
    """Everything a reader asks of a graph, as plain Python values."""
    n = g.node_count()
    out = {
        "directed": g.is_directed,
        "counts": (n, g.edge_count()),
        "nodes": g.nodes.table().to_dict(),
        "edges": g.edges.table().to_dict(),
        "degree": g.degree().to_list(),
        "labels": g.connected_components().labels().to_list(),
        "sizes": g.connected_components().sizes().to_list(),
        "neighbors": [g.neighbors(v) for v in range(n)],
    }
    if g.is_directed:
        out["in"] = g.in_degree().to_list()
        out["out"] = g.out_degree().to_list()
    return out


# --------------------------------------------------------------------------- sample

SAMPLE_NODES = {
    "age": [30, None, 25, -7, 2**62, 0],                      # int64 with nulls
    "score": [1.5, None, -2.0, 3.25, 1e300, 0.5],             # float64 with nulls
    "flag": [True, False, None, True, False, True],           # bool with nulls
    "name": ["Alice", "", None, "Zoë 🚀", "日本語", "xxx"],    # string: empty, null, unicode
    "rank": [5, 4, 3, 2, 1, 0],                               # int64, no nulls
}
SAMPLE_EDGES = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 4)]        # a triangle, a self-loop
SAMPLE_EDGE_ATTRS = {
    "weight": [0.5, 1.0, 2.0, -1.0, 0.0],                     # float64, no nulls
    "label": ["a", None, "", "ß", "edge"],                    # string with nulls
}


def make_sample_graph(directed: bool = False) -> gg.Graph:
    g = gg.Graph(directed=directed)
    g.add_nodes(SAMPLE_NODES)
    src, dst = zip(*SAMPLE_EDGES)
    g.add_edges(list(src), list(dst), **SAMPLE_EDGE_ATTRS)
    return g


def make_other_graph() -> gg.Graph:
    """A graph unlike the sample in every respect: directed, other columns and sizes."""
    g = gg.Graph(directed=True)
    g.add_nodes({"other": ["x", None, "z"], "n": [1.5, 2.5, None]})
    g.add_edges([2], [0], w=[7])
    return g


def make_twin_graph(seed: int, n: int = 300, m: int = 900) -> gg.Graph:
    """Graphs of one shape (same counts, columns and kinds) and different values for each
    seed: a reader that mixed the files of two of them would find no size or header
    to complain about, only wrong values."""
    rng = np.random.default_rng(seed)
    words = np.array(["alpha", "beta", "", "Zoë", "日本", "gamma"])

    def nulls(values):
        return [None if rng.random() < 0.1 else v for v in values]
    g = gg.Graph()
    g.add_nodes({"age": nulls(rng.integers(0, 99, n).tolist()),
                 "score": nulls(rng.random(n).tolist()),
                 "flag": nulls((rng.random(n) < 0.5).tolist()),
                 "name": nulls([f"{w}{seed}" for w in rng.choice(words, n)])})
    g.add_edges(rng.integers(0, n, m), rng.integers(0, n, m),
                weight=rng.random(m), label=nulls(rng.choice(words, m).tolist()))
    return g


@pytest.fixture(scope="session")
def playwright_driver():
    """The session's one Playwright (its sync API cannot run twice at once in a process)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """One Chromium for every graph-page and widget test: launched once, not per module;
    tests open their pages in contexts of their own and close them."""
    from web_helpers import launch_chromium
    yield from launch_chromium(playwright_driver)


@pytest.fixture(scope="session")
def scratch(tmp_path_factory):
    """Makes a new empty directory per call (hypothesis examples cannot share tmp_path)."""
    base = tmp_path_factory.mktemp("scratch")
    return lambda: Path(tempfile.mkdtemp(dir=base))


@pytest.fixture
def sample_graph() -> gg.Graph:
    return make_sample_graph()


@pytest.fixture(scope="session")
def saved_sample(tmp_path_factory) -> Path:
    """The sample graph saved once per session; tests must not change it (use ``store``)."""
    return make_sample_graph().save(tmp_path_factory.mktemp("sample") / "g.groggy")


@pytest.fixture
def store(tmp_path, saved_sample) -> Path:
    """A private copy of the saved sample store, free to damage."""
    return Path(shutil.copytree(saved_sample, tmp_path / "g.groggy"))
