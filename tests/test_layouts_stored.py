"""Layouts kept with the graph: ``g.layouts`` in memory, written by ``g.save`` as
``layouts/<name>.npy``, mapped by ``gg.open`` with the columns' lazy checks, found by
``verify``, added to a store by linking its columns, and used by the viz entry points."""
from __future__ import annotations

import json
import os
import subprocess
import time
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import groggy as gg
from groggy.__main__ import main
from groggy.layouts import Layout

from conftest import (flip, generation, make_sample_graph, no_fsync, read_all, same,
                      save_recording_steps)


def path_graph(n: int = 6) -> gg.Graph:
    g = gg.Graph()
    g.add_nodes({"x": list(range(n))})
    g.add_edges([(i, i + 1) for i in range(n - 1)])
    return g


def line(n: int, dtype=np.float64) -> np.ndarray:
    return np.stack([np.arange(n) * 1.5, np.arange(n) ** 2 / 7], 1).astype(dtype)


# --------------------------------------------------------------------------- in memory

def test_set_get_delete_iterate():
    g = path_graph()
    g.layouts["line"] = line(6)
    lay = g.layouts["line"]
    assert isinstance(lay, Layout) and lay.algorithm == "custom"
    assert np.array_equal(lay.node_positions, line(6)) and lay.node_ids.tolist() == list(range(6))
    circ = g.viz.compute_layout("circular", store=True)
    assert list(g.layouts) == ["line", "circular"] and len(g.layouts) == 2
    assert "circular" in g.layouts and "grid" not in g.layouts and 3 not in g.layouts
    assert np.array_equal(g.layouts["circular"].node_positions, circ.node_positions)
    assert g.layouts["circular"].algorithm == "circular"
    g.viz.compute_layout("grid", store="tidy")
    assert g.layouts["tidy"].algorithm == "grid"
    del g.layouts["line"]
    assert list(g.layouts) == ["circular", "tidy"]
    with pytest.raises(KeyError, match="no stored layout 'line'.*circular"):
        g.layouts["line"]
    with pytest.raises(KeyError, match="no stored layout"):
        del g.layouts["line"]


def test_the_stored_copy_does_not_follow_later_edits_of_the_array():
    g = path_graph(3)
    pos = line(3)
    g.layouts["a"] = pos
    pos[0] = 99
    assert g.layouts["a"].node_positions[0].tolist() == [0.0, 0.0]
    with pytest.raises(ValueError):
        g.layouts["a"].node_positions[0, 0] = 1.0      # what the mapping hands out is frozen


def test_a_layout_in_another_node_order_is_aligned():
    g = path_graph(4)
    lay = Layout(line(4)[::-1], np.array([3, 2, 1, 0]), "mine", {"k": 1})
    g.layouts["rev"] = lay
    assert np.array_equal(g.layouts["rev"].node_positions, line(4))
    assert g.layouts["rev"].params == {"k": 1}


@pytest.mark.parametrize("value, error, match", [
    (np.zeros((5, 2)), ValueError, r"shape \(6, 2\).*got shape \(5, 2\)"),
    (np.zeros((6, 3)), ValueError, r"got shape \(6, 3\)"),
    (np.zeros(12), ValueError, r"got shape \(12,\)"),
    (np.array([["a", "b"]] * 6), TypeError, "array of numbers"),
    (np.zeros((6, 2), dtype=bool), TypeError, "array of numbers"),
    ("force_directed", TypeError, "array of numbers"),
])
def test_wrong_values_are_refused(value, error, match):
    g = path_graph()
    with pytest.raises(error, match=match):
        g.layouts["bad"] = value
    assert "bad" not in g.layouts


def test_non_finite_positions_are_refused_naming_the_node():
    g = path_graph()
    pos = line(6)
    pos[4, 1] = np.nan
    pos[5, 0] = np.inf
    with pytest.raises(ValueError, match=r"node 4 .*not a finite.*2 such"):
        g.layouts["bad"] = pos
    lay = Layout(pos, np.arange(6), "x", {})
    with pytest.raises(ValueError, match="node 4"):
        g.layouts["bad"] = lay


def test_a_layout_missing_nodes_is_refused_naming_them():
    g = path_graph()
    part = g.nodes[[0, 1, 2]].viz.compute_layout("circular")
    with pytest.raises(ValueError, match=r"no position for node\(s\) \[3, 4, 5\]"):
        g.layouts["part"] = part


@pytest.mark.parametrize("name", ["", ".hidden", "-x", "a/b", "..", "a\\b", "x" * 65, "é",
                                  "a b", None, 3])
def test_names_must_be_safe_file_names(name):
    g = path_graph()
    with pytest.raises(ValueError, match="safe file name"):
        g.layouts[name] = line(6)
    with pytest.raises(ValueError, match="safe file name"):
        g.viz.compute_layout("grid", store=name if name is not None else "a/b")


def test_names_differing_only_by_case_are_refused():
    g = path_graph()
    g.layouts["Force"] = line(6)
    with pytest.raises(ValueError, match="only by case"):
        g.layouts["force"] = line(6)
    g.layouts["Force"] = line(6) * 2            # replacing the same name is fine
    assert g.layouts["Force"].node_positions[1, 0] == 3.0


def test_a_subgraph_sees_the_layouts_restricted_to_its_nodes():
    g = path_graph(8)
    full = g.viz.compute_layout("force_directed", store=True, seed=3)
    sg = g.nodes[[1, 4, 6]]
    assert list(sg.layouts) == ["force_directed"] and len(sg.layouts) == 1
    part = sg.layouts["force_directed"]
    assert part.node_ids.tolist() == [1, 4, 6]
    for v in (1, 4, 6):
        assert part[v].tolist() == full[v].tolist()
    comp = g.connected_components()[0]
    assert np.array_equal(comp.layouts["force_directed"].node_positions,
                          full.node_positions[comp.node_ids().to_list()])
    with pytest.raises(TypeError, match="read-only"):
        sg.layouts["x"] = part
    with pytest.raises(TypeError, match="read-only"):
        del sg.layouts["force_directed"]
    with pytest.raises(TypeError, match="whole graph"):
        sg.viz.compute_layout("grid", store=True)


def test_to_graph_carries_the_layouts_renumbered():
    g = path_graph(6)
    g.viz.compute_layout("circular", store=True)
    g.layouts["line"] = line(6, np.float32)
    h = g.nodes[[1, 3, 4]].to_graph()
    assert list(h.layouts) == ["circular", "line"]
    assert np.array_equal(h.layouts["line"].node_positions, line(6, np.float32)[[1, 3, 4]])
    assert h.layouts["circular"].algorithm == "circular"
    assert np.array_equal(h.layouts["circular"].node_positions,
                          g.layouts["circular"].node_positions[[1, 3, 4]])


def test_nodes_added_later_are_placed_beside_their_neighbours_the_rest_unchanged():
    g = path_graph(5)
    g.layouts["line"] = line(5)
    new = g.add_nodes(2)
    g.add_edges([(new[0], 0), (new[0], 4)])           # new[0] between nodes 0 and 4
    lay = g.layouts["line"]
    assert lay.node_positions.shape == (7, 2) and lay.node_ids.tolist() == list(range(7))
    assert np.array_equal(lay.node_positions[:5], line(5))   # stored positions never move
    mean04 = (line(5)[0] + line(5)[4]) / 2
    assert np.abs(lay.node_positions[5] - mean04).max() < 0.01
    centre = line(5).mean(0)                                   # no neighbour: the centre
    assert np.abs(lay.node_positions[6] - centre).max() < 0.01
    assert np.array_equal(g.layouts["line"].node_positions, lay.node_positions)  # kept
    assert g.nodes[[5, 6]].layouts["line"].node_positions.shape == (2, 2)


def test_copy_carries_the_layouts_independently():
    g = path_graph(4)
    g.layouts["line"] = line(4)
    c = g.copy()
    del g.layouts["line"]
    assert list(c.layouts) == ["line"] and np.array_equal(c.layouts["line"].node_positions,
                                                          line(4))


# --------------------------------------------------------------------------- the store

def saved_with_layouts(tmp_path) -> tuple:
    g = make_sample_graph()
    g.layouts["force_directed"] = g.viz.compute_layout("force_directed", seed=2)
    g.layouts["flat32"] = line(g.node_count(), np.float32)
    path = g.save(tmp_path / "g.groggy")
    return g, path


def test_round_trip_memory_and_mmap(tmp_path):
    g, path = saved_with_layouts(tmp_path)
    gen = generation(path)
    manifest = json.loads((gen / "manifest.json").read_text())
    entries = {e["name"]: e for e in manifest["layouts"]}
    assert entries["force_directed"]["dtype"] == "float64"
    assert entries["flat32"] == {"name": "flat32", "file": "layouts/flat32.npy",
                                 "dtype": "float32", "length": 6, "algorithm": "custom",
                                 "params": {}}
    assert entries["force_directed"]["params"]["seed"] == 2
    for name in ("force_directed", "flat32"):
        assert f"layouts/{name}.npy" in manifest["checksums"]
        # plain .npy: NumPy reads it without groggy
        raw = np.load(gen / "layouts" / f"{name}.npy")
        assert raw.shape == (6, 2)
        assert np.array_equal(raw, g.layouts[name].node_positions)
    opened = gg.open(path)
    assert list(opened.layouts) == ["force_directed", "flat32"]
    lay = opened.layouts["force_directed"]
    assert isinstance(lay.node_positions.base, np.memmap) or isinstance(
        lay.node_positions, np.memmap)                      # float64: mapped, not read
    assert np.array_equal(lay.node_positions, g.layouts["force_directed"].node_positions)
    assert lay.algorithm == "force_directed" and lay.params == g.layouts["force_directed"].params
    assert np.array_equal(opened.layouts["flat32"].node_positions, line(6, np.float32))
    again = gg.open(opened.copy().save(tmp_path / "copy.groggy"))   # in memory and back
    assert np.array_equal(again.layouts["flat32"].node_positions, line(6, np.float32))


def test_a_store_without_layouts_opens_and_has_none(tmp_path):
    path = path_graph().save(tmp_path / "g.groggy")
    manifest = json.loads((generation(path) / "manifest.json").read_text())
    assert "layouts" not in manifest              # what older groggy wrote, byte for byte
    assert len(gg.open(path).layouts) == 0
    v1 = gg.open(Path(__file__).parent / "data" / "store-v1")
    assert list(v1.layouts) == []


def test_a_corrupted_layout_is_caught_on_first_read_and_by_verify(tmp_path, capsys):
    _, path = saved_with_layouts(tmp_path)
    f = generation(path) / "layouts" / "force_directed.npy"
    flip(f, -3)
    g = gg.open(path)                                      # open reads no layout data
    assert g.nodes["rank"].to_list() == [5, 4, 3, 2, 1, 0]
    assert np.array_equal(g.layouts["flat32"].node_positions, line(6, np.float32))
    with pytest.raises(gg.StoreError, match=r"force_directed\.npy: checksum"):
        g.layouts["force_directed"]
    with pytest.raises(gg.StoreError, match=r"force_directed\.npy"):
        g.viz.export(tmp_path / "x.svg")           # the default uses the stored layout
    code = main(["verify", str(path)])
    out = capsys.readouterr().out
    assert code == 1 and "DAMAGED" in out and str(f) in out and "layout 'force_directed'" in out


@pytest.mark.parametrize("damage, message", [
    (lambda f: f.unlink(), "file is missing"),
    (lambda f: f.write_bytes(f.read_bytes()[:-8]), "expected .* bytes"),
])
def test_a_missing_or_truncated_layout_file_fails_the_open_naming_it(tmp_path, damage,
                                                                      message):
    _, path = saved_with_layouts(tmp_path)
    f = generation(path) / "layouts" / "flat32.npy"
    damage(f)
    with pytest.raises(gg.StoreError, match=rf"flat32\.npy: {message}"):
        gg.open(path)


def test_a_stored_nan_is_caught_even_with_a_matching_checksum(tmp_path):
    path = path_graph(3).save(tmp_path / "g.groggy")
    g = gg.open(path)
    g.layouts["l"] = line(3)
    g.save(path)
    gen = generation(path)
    f = gen / "layouts" / "l.npy"
    arr = np.load(f)
    arr[1, 1] = np.nan
    f.unlink()                   # a new file, not an edit of the linked one
    np.save(f, arr)
    manifest = json.loads((gen / "manifest.json").read_text())
    import zlib
    from groggy.store.manifest import encode
    manifest["checksums"]["layouts/l.npy"] = {"size": f.stat().st_size,
                                              "crc32": zlib.crc32(f.read_bytes())}
    del manifest["manifest_sha256"]
    (gen / "manifest.json").write_bytes(encode(manifest))
    with pytest.raises(gg.StoreError, match=r"l\.npy: node 1 has position"):
        gg.open(path).layouts["l"]


def test_a_layout_of_another_length_in_the_manifest_is_refused(tmp_path):
    _, path = saved_with_layouts(tmp_path)
    gen = generation(path)
    manifest = json.loads((gen / "manifest.json").read_text())
    from groggy.store.manifest import encode
    manifest["layouts"][0]["length"] = 5
    del manifest["manifest_sha256"]
    (gen / "manifest.json").write_bytes(encode(manifest))
    with pytest.raises(gg.StoreError, match="has 5 rows, expected one per node"):
        gg.open(path)


def test_storing_a_layout_links_the_columns_instead_of_rewriting_them(tmp_path):
    path = make_sample_graph().save(tmp_path / "g.groggy")
    before = generation(path)
    inodes = {str(p.relative_to(before)): p.stat().st_ino
              for p in before.rglob("*.npy")} | {
        str(p.relative_to(before)): p.stat().st_ino for p in before.rglob("*.utf8")}
    g = gg.open(path)
    g.viz.compute_layout("circular", store=True)
    steps = save_recording_steps(g, path)
    after = generation(path)
    assert after != before and not before.exists()
    for rel, ino in inodes.items():
        assert (after / rel).stat().st_ino == ino, rel     # the same file, not a copy
    assert not [s for s in steps if s.startswith(("write nodes/", "write edges/"))]
    assert "write layouts/circular.npy" in steps
    got = gg.open(path, verify=True)
    assert same(read_all(got), read_all(make_sample_graph()))
    assert np.array_equal(got.layouts["circular"].node_positions,
                          g.layouts["circular"].node_positions)
    # a second layout: the first one is linked too
    got.layouts["line"] = line(6)
    first = (after / "layouts" / "circular.npy").stat().st_ino
    got.save(path)
    assert (generation(path) / "layouts" / "circular.npy").stat().st_ino == first
    assert list(gg.open(path, verify=True).layouts) == ["circular", "line"]


def test_a_mapped_graph_saved_twice_in_a_row_still_saves(tmp_path):
    """The generation it was opened from is gone after the first save: the second one
    writes from the mapped data instead of linking."""
    path = make_sample_graph().save(tmp_path / "g.groggy")
    g = gg.open(path)
    g.layouts["a"] = line(6)
    g.save(path)
    g.layouts["b"] = line(6) * 2
    g.save(path)
    got = gg.open(path, verify=True)
    assert same(read_all(got), read_all(make_sample_graph()))
    assert np.array_equal(got.layouts["b"].node_positions, line(6) * 2)


# --------------------------------------------------------------------------- CLI

def run_cli(*args, timeout=120, tty=False) -> subprocess.CompletedProcess:
    """``python -m groggy ARGS`` in a new process; with ``tty`` its stderr is a terminal
    (where progress bars show), read back into ``stderr``."""
    cmd = [sys.executable, "-m", "groggy", *map(str, args)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    if not tty:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    import pty
    import select
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, env=env)
    # the parent keeps the terminal open until the child is done: Linux drops what is
    # still unread on a terminal whose last writer hung up
    chunks, deadline = [], time.monotonic() + timeout
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            chunks.append(os.read(master, 65536))
        elif proc.poll() is not None or time.monotonic() > deadline:
            break
    os.close(slave)
    os.close(master)
    out = proc.stdout.read().decode()
    proc.wait(timeout=timeout)
    return subprocess.CompletedProcess(cmd, proc.returncode, out,
                                       b"".join(chunks).decode(errors="replace"))


def test_cli_layout_stores_a_layout_and_info_lists_it(tmp_path):
    g = gg.Graph()
    g.add_nodes(300)
    rng = np.random.default_rng(1)
    g.add_edges(rng.integers(0, 300, 900), rng.integers(0, 300, 900))
    path = g.save(tmp_path / "g.groggy")
    done = run_cli("layout", path, "--layout-param", "seed=4", "--layout-param",
                   "iterations=5", tty=True)
    assert done.returncode == 0, done.stderr
    assert "stored layout 'force_directed'" in done.stdout
    assert "force layout" in done.stderr and "100%" in done.stderr      # the progress bar
    done = run_cli("layout", path, "--algorithm", "circular", "--name", "ring")
    assert done.returncode == 0, done.stderr
    opened = gg.open(path, verify=True)
    assert list(opened.layouts) == ["force_directed", "ring"]
    expected = g.viz.compute_layout("force_directed", seed=4, iterations=5)
    assert np.allclose(opened.layouts["force_directed"].node_positions,
                       expected.node_positions)
    assert np.array_equal(opened.layouts["ring"].node_positions,
                          g.viz.compute_layout("circular").node_positions)
    info = run_cli("info", path)
    assert info.returncode == 0, info.stderr
    assert "stored layouts: force_directed (force_directed, float64), ring (circular, " \
        "float64)" in info.stdout
    assert run_cli("verify", path).returncode == 0


@pytest.mark.parametrize("args, message", [
    (["--algorithm", "spiral"], "unknown layout algorithm 'spiral'"),
    (["--name", "../up"], "not a safe file name"),
    (["--layout-param", "warp=9"], "does not take ['warp']"),
    (["--layout-param", "seed"], "NAME=VALUE"),
])
def test_cli_layout_bad_input_is_a_clear_error(tmp_path, args, message):
    path = path_graph().save(tmp_path / "g.groggy")
    done = run_cli("layout", path, *args)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert len(gg.open(path).layouts) == 0


# --------------------------------------------------------------------------- use

def test_a_stored_layout_is_what_export_and_render_use(tmp_path):
    g = path_graph()
    g.layouts["force_directed"] = line(6)
    stored = g.viz.render("svg", layout="force_directed")
    given = g.viz.render("svg", layout=Layout(line(6), np.arange(6), "x", {}))
    computed = g.viz.render("svg", layout=g.viz.compute_layout("force_directed"))
    assert stored == given and stored != computed
    # layout_params ask for a new computation, not the stored one
    assert g.viz.render("svg", layout="force_directed", layout_params={"seed": 0}) == computed
    # a subgraph draws with its rows of the stored layout
    sg = g.nodes[[0, 2, 3]]
    assert sg.viz.render("svg", layout="force_directed") == sg.viz.render(
        "svg", layout=Layout(line(6)[[0, 2, 3]], np.array([0, 2, 3]), "x", {}))


def test_the_render_command_draws_with_the_stored_layout(tmp_path, capsys):
    g = path_graph()
    g.layouts["force_directed"] = line(6)
    path = g.save(tmp_path / "g.groggy")
    assert main(["render", str(path), str(tmp_path / "cli.svg")]) == 0
    g.viz.export(tmp_path / "api.svg", layout=Layout(line(6), np.arange(6), "x", {}))
    assert (tmp_path / "cli.svg").read_bytes() == (tmp_path / "api.svg").read_bytes()


def test_a_stored_layout_is_what_interactive_serves(tmp_path):
    g = path_graph()
    path = g.save(tmp_path / "g.groggy")
    opened = gg.open(path)
    opened.layouts["force_directed"] = line(6) * 10
    opened.save(path)
    served = gg.open(path)
    with served.viz.interactive() as view:
        scene = view._server.scene
        assert np.array_equal(scene.positions, (line(6) * 10).astype(np.float32))


ARTIFACTS = Path(__file__).parent / "artifacts"


def spiral(n: int) -> np.ndarray:
    """A layout no algorithm makes: an Archimedean spiral, node 0 at the centre."""
    t = np.linspace(0, 6 * np.pi, n)
    return np.stack([t * np.cos(t), t * np.sin(t)], 1)


def test_the_page_draws_the_stored_layout_of_an_opened_store(tmp_path, browser):
    """``gg.open(path).viz.interactive()`` (default layout "force_directed") serves the
    stored "force_directed" positions: every node is where the page's camera puts those
    exact positions, and not where a computed force layout would put it."""
    from web_helpers import WatchedPages
    n = 150
    g = gg.Graph()
    g.add_nodes({"k": list(range(n))})
    g.add_edges([(i, i + 1) for i in range(n - 1)])
    g.layouts["force_directed"] = spiral(n)
    path = g.save(tmp_path / "spiral.groggy")
    opened = gg.open(path)
    computed = opened.viz.compute_layout("force_directed").node_positions
    watched = WatchedPages(browser, 60_000)
    with opened.viz.interactive(node_size=6) as view:
        assert np.array_equal(view._server.scene.positions, spiral(n).astype(np.float32))
        page = watched.new(900, 700)
        page.goto(view.url)
        page.wait_for_function("() => window.groggy && window.groggy.graph")
        page.evaluate("() => window.groggy.graph.ready")
        vp = page.evaluate("() => window.groggy.graph.viewport()")
        box = page.locator(".gg-graph-canvas").bounding_box()
        shown = np.array([[p["x"], p["y"]] for p in page.evaluate(
            f"() => Array.from({{length: {n}}}, (_, i) => "
            "window.groggy.graph.screenPosition(i))")])
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "stored-layout-spiral.png"))
    watched.close()

    def on_screen(pos):
        return np.stack([(pos[:, 0] - vp["cx"]) * vp["zoom"] + box["x"] + box["width"] / 2,
                         (vp["cy"] - pos[:, 1]) * vp["zoom"] + box["y"] + box["height"] / 2], 1)
    assert np.abs(shown - on_screen(spiral(n))).max() < 0.5
    # the check can fail: a computed layout, fitted the same way, lands elsewhere
    scale = np.ptp(spiral(n), 0).max() / np.ptp(computed, 0).max()
    fitted = (computed - computed.mean(0)) * scale
    assert np.abs(shown - on_screen(fitted + spiral(n).mean(0))).max() > 20


# --------------------------------------------------------------------------- the demo

def test_the_cached_demo_is_stored_with_its_force_layout(tmp_path, monkeypatch):
    from groggy.demo import cached_demo, demo_graph
    monkeypatch.setenv("GROGGY_CACHE", str(tmp_path))
    g = cached_demo(400, 1500, progress=False)
    assert list(g.layouts) == ["force_directed"]
    expected = demo_graph(400, 1500, progress=False).viz.compute_layout(
        "force_directed", seed=7).node_positions
    assert np.array_equal(g.layouts["force_directed"].node_positions, expected)
    path = tmp_path / "demo-400-1500-7.groggy"
    current = (path / "CURRENT").read_text()
    again = cached_demo(400, 1500, progress=False)           # from the cache: no new save
    assert (path / "CURRENT").read_text() == current
    assert np.array_equal(again.layouts["force_directed"].node_positions, expected)
    with again.viz.interactive() as view:                    # served with the stored one
        assert np.array_equal(view._server.scene.positions, expected.astype(np.float32))


def test_a_cached_demo_from_before_layouts_gets_one_on_first_use(tmp_path, monkeypatch):
    from groggy.demo import cached_demo, demo_graph
    monkeypatch.setenv("GROGGY_CACHE", str(tmp_path))
    path = tmp_path / "demo-300-900-7.groggy"
    old = demo_graph(300, 900, progress=False)
    old.save(path)                                           # what older groggy cached
    column = next((generation(path) / "nodes").glob("*name.utf8"))
    inode = column.stat().st_ino
    g = cached_demo(300, 900, progress=False)
    assert np.array_equal(g.layouts["force_directed"].node_positions,
                          old.viz.compute_layout("force_directed", seed=7).node_positions)
    assert same(read_all(g), read_all(old))
    assert (generation(path) / "nodes" / column.name).stat().st_ino == inode   # linked
    done = run_cli("demo", "--nodes", 300, "--edges", 900)
    assert done.returncode == 0, done.stderr
    assert gg.open(path).layouts["force_directed"].node_positions.shape == (300, 2)


# --------------------------------------------------------------------------- property

NAMES = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True)


@st.composite
def layouts_of(draw):
    n = draw(st.integers(0, 30))
    names = draw(st.lists(NAMES, max_size=4, unique_by=str.lower))
    arrays = [draw(hnp.arrays(draw(st.sampled_from([np.float32, np.float64])), (n, 2),
                              elements=st.floats(allow_nan=False, allow_infinity=False,
                                                        width=32)))
              for _ in names]
    return n, dict(zip(names, arrays))


@given(layouts_of())
def test_any_layouts_round_trip_through_memory_and_the_store(tmp_path_factory, case):
    n, layouts = case
    g = gg.Graph()
    g.add_nodes(n)
    for name, arr in layouts.items():
        g.layouts[name] = arr
    with no_fsync():
        path = g.save(tmp_path_factory.mktemp("rt") / "g.groggy")
        opened = gg.open(path, verify=True)
        assert list(opened.layouts) == list(layouts)
        for name, arr in layouts.items():
            for got in (g.layouts[name], opened.layouts[name]):
                assert np.array_equal(got.node_positions, arr.astype(np.float64))
            raw = np.load(generation(path) / "layouts" / f"{name}.npy")   # NumPy alone
            assert raw.dtype == arr.dtype and np.array_equal(raw, arr)
        # stored again through the mapped graph (linked): still the same
        if layouts:
            opened.save(path)
            again = gg.open(path, verify=True)
            assert all(np.array_equal(again.layouts[k].node_positions, v.astype(np.float64))
                       for k, v in layouts.items())
