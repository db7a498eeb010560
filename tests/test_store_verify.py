"""``python -m groggy verify [--repair] PATH``: every problem named, leftovers of crashed
saves listed and removed by --repair, never the current generation, and a store that
a crashed version-1 save left in a ``.old-*`` folder moved back."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import groggy as gg
from groggy.__main__ import main

from conftest import (assert_clean, flip, generation, make_sample_graph, read_all, same,
                      snapshot)

V1 = Path(__file__).parent / "data" / "store-v1"


def verify(capsys, *args) -> tuple:
    code = main(["verify", *map(str, args)])
    return code, capsys.readouterr().out


def add_leftovers(store: Path) -> list:
    """What crashed saves leave: a half-written generation, a pointer temp file, and the
    version-1 save's temporary and old directories beside the store."""
    stale = store / "gen-7"
    (stale / "nodes").mkdir(parents=True)
    (stale / "nodes" / "0000_age.npy").write_bytes(b"\x93NUMPY partial")
    (store / ".CURRENT.tmp-1234abcd").write_text("gen-7\n")
    tmp = store.parent / f".{store.name}.tmp-0badc0de"
    shutil.copytree(V1, tmp)
    old = store.parent / f".{store.name}.old-0ddba11"
    shutil.copytree(V1, old)
    return [stale, store / ".CURRENT.tmp-1234abcd", tmp, old]


def test_a_healthy_store_passes(store, capsys):
    code, out = verify(capsys, store)
    assert code == 0 and "OK" in out and "gen-1" in out and "6 nodes, 5 edges" in out


def test_a_version_1_store_passes(capsys):
    code, out = verify(capsys, V1)
    assert code == 0 and "OK" in out and "version-1" in out


def test_every_damaged_file_is_listed(store, capsys):
    gen = generation(store)
    victims = [next(gen.glob("nodes/*rank.npy")), next(gen.glob("edges/*label.utf8"))]
    for f in victims:
        flip(f)
    code, out = verify(capsys, store)
    assert code == 1 and "DAMAGED" in out
    for f in victims:
        assert str(f) in out
    assert "checksum" in out


def test_leftovers_are_listed_and_removed_by_repair_never_the_current_one(store, capsys,
                                                                           sample_graph):
    current = snapshot(generation(store))
    left = add_leftovers(store)
    code, out = verify(capsys, store)
    assert code == 0 and "OK" in out
    for p in left:
        assert str(p) in out
    assert all(p.exists() for p in left)  # listing removes nothing
    code, out = verify(capsys, "--repair", store)
    assert code == 0
    for p in left:
        assert f"removed {p}" in out and not p.exists()
    assert_clean(store)
    assert snapshot(generation(store)) == current
    assert same(read_all(gg.open(store, verify=True)), read_all(sample_graph))


def test_repair_removes_nothing_while_the_current_generation_is_damaged(store, capsys):
    left = add_leftovers(store)
    flip(next(generation(store).glob("nodes/*age.npy")))
    code, out = verify(capsys, "--repair", store)
    assert code == 1 and "DAMAGED" in out and "nothing removed" in out
    assert all(p.exists() for p in left)


def test_repair_restores_a_store_a_crashed_version_1_save_left_aside(tmp_path, capsys,
                                                                     sample_graph):
    # the old save renamed the store to .old-*, then died before renaming .tmp-* into place
    path = tmp_path / "g.groggy"
    old = tmp_path / ".g.groggy.old-1a2b3c4d"
    shutil.copytree(V1, old)
    partial = tmp_path / ".g.groggy.tmp-5e6f7a8b"
    shutil.copytree(V1, partial)
    (partial / "manifest.json").unlink()   # died while writing: no manifest yet
    code, out = verify(capsys, path)
    assert code == 1 and str(old) in out and "--repair moves it back" in out
    code, out = verify(capsys, "--repair", path)
    assert code == 0 and f"restored {path} from {old}" in out and f"removed {partial}" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.groggy"]
    assert same(read_all(gg.open(path, verify=True)), read_all(sample_graph))


def test_a_version_1_store_with_a_crashed_conversion_is_repaired(tmp_path, capsys,
                                                                 sample_graph):
    path = Path(shutil.copytree(V1, tmp_path / "g.groggy"))
    (path / "gen-1" / "nodes").mkdir(parents=True)   # the conversion died before CURRENT
    code, out = verify(capsys, "--repair", path)
    assert code == 0 and f"removed {path / 'gen-1'}" in out
    assert sorted(p.name for p in path.iterdir()) == ["edges", "manifest.json", "nodes"]
    assert same(read_all(gg.open(path)), read_all(sample_graph))


def test_a_lost_current_pointer_gets_a_hint_and_no_removal(store, capsys):
    (store / "CURRENT").unlink()
    code, out = verify(capsys, "--repair", store)
    assert code == 1 and "gen-1 is a complete generation" in out
    assert (store / "gen-1").is_dir()


def test_a_missing_path_is_damaged_not_a_crash(tmp_path, capsys):
    code, out = verify(capsys, tmp_path / "nowhere.groggy")
    assert code == 1 and "nowhere.groggy" in out


def test_the_next_save_removes_leftovers_too(store):
    add_leftovers(store)
    make_sample_graph().save(store)
    assert_clean(store)


def test_serve_no_verify_skips_the_check(store):
    flip(next(generation(store).glob("nodes/*rank.npy")))  # only a checksum sees this
    proc = subprocess.Popen([sys.executable, "-m", "groggy", "serve", str(store),
                             "--no-browser", "--no-verify"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        assert any("serving at" in line for line in lines), (lines, proc.stderr.read())
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("verify_flag", [[], ["--verify"]])
def test_info_opens_and_shows_a_store(store, capsys, verify_flag):
    assert main(["info", str(store), *verify_flag]) == 0
    assert "Alice" in capsys.readouterr().out


def test_verify_can_show_a_progress_bar(store, capsys):
    gg.open(store, verify=True, progress=True)
    err = capsys.readouterr().err
    assert "verifying" in err and "100%" in err
    gg.open(store, verify=True)  # a small store: no bar by default
    assert capsys.readouterr().err == ""


def test_a_damage_found_on_first_read_is_a_deliberate_error_in_the_page(store):
    # served without verify, the damage shows on the first read of the column: the page
    # gets an Error naming the file (not "internal error") and the CSV export a 400
    import urllib.error
    import urllib.request

    from web_helpers import Client, messages
    flip(next(generation(store).glob("nodes/*rank.npy")))
    view = gg.serve(store, open_browser=False, verify=False)
    try:
        with Client(view.url) as c:
            errors = [m for m in messages(c.exchange({"type": "Hello", "source": "nodes"}))
                      if m["type"] == "Error"]
            assert errors and "rank" in errors[0]["message"], errors
            assert not errors[0]["message"].startswith("internal error")
            assert c.exchange({"type": "Ping"})  # the connection lives on
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(view.url + "export.csv?source=nodes", timeout=30)
        assert caught.value.code == 400 and b"rank" in caught.value.read()
    finally:
        view.close()
