"""Corruption fuzz: random byte flips, truncations and deletions over every file of a
store with every column kind and nulls. Each case is opened and read in full by a forked
child process (so a crash would show as a signal, not take the tests down) with the
default open: it must end in a StoreError or in data equal to the original, never in
wrong data, another exception or a crash. Then the same through the server: ``serve``
refuses the store (it verifies by default), or, told not to verify, answers with errors
or the right rows, never wrong ones.

GROGGY_FUZZ_CASES sets the number of cases (default 150; the issue's figure is 1,000:
``GROGGY_FUZZ_CASES=1000 python -m pytest tests/test_store_fuzz.py -s``).
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import groggy as gg

from conftest import flip, make_twin_graph
from test_store_crash import Worker
from web_helpers import Client, messages, rows_of

CASES = int(os.environ.get("GROGGY_FUZZ_CASES", "150"))
TWIN = 3  # make_twin_graph(3): int64, float64, bool and string columns, all with nulls


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "base.groggy"
    make_twin_graph(TWIN, n=60, m=150).save(path)
    return path


def store_files(path: Path) -> list:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


def damage(path: Path, rng: random.Random) -> str:
    """Damage one file of the store at ``path`` at random; what was done."""
    rel = rng.choice(store_files(path))
    f = path / rel
    data = bytearray(f.read_bytes())
    op = rng.choices(["flip", "truncate", "delete"], weights=[6, 3, 1])[0]
    if op == "delete":
        f.unlink()
        return f"delete {rel}"
    if op == "truncate" or not data:
        cut = rng.randrange(len(data)) if data else 0
        f.write_bytes(bytes(data[:cut]))
        return f"truncate {rel} to {cut} of {len(data)} bytes"
    flips = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        pos = rng.randrange(len(data))
        mask = rng.randrange(1, 256)
        data[pos] ^= mask
        flips.append(f"{pos}^{mask:#04x}")
    f.write_bytes(bytes(data))
    return f"flip {rel} at {', '.join(flips)}"


def cases(base: Path, tmp: Path, count: int, seed: int):
    rng = random.Random(seed)
    for i in range(count):
        path = Path(shutil.copytree(base, tmp / f"case{i}.groggy"))
        yield path, damage(path, rng)


def test_damaged_stores_end_in_a_store_error_or_the_right_data(base, tmp_path):
    # the graph's own name in the worker: it rebuilds the same twin (same seed, sizes)
    worker = Worker()
    results, bad = Counter(), []
    try:
        for path, what in cases(base, tmp_path, CASES, seed=1):
            reply = worker(op="read", path=str(path), expect=[f"twin{TWIN}:60:150"])
            results[reply["result"]] += 1
            if reply["result"] not in ("StoreError", "equal"):
                bad.append((what, reply))
            shutil.rmtree(path)
    finally:
        worker.close()
    print(f"{CASES} damaged stores: {dict(results)}")
    assert bad == [], bad[:5]
    assert results["StoreError"] > CASES // 2  # the damage mostly matters


def test_a_damaged_store_read_in_a_child_is_compared_with_the_original(base, tmp_path):
    # the fuzz's judge must be able to fail: an undamaged copy reads equal, and a
    # different graph at the path reads as wrong
    worker = Worker()
    try:
        ok = worker(op="read", path=str(base), expect=[f"twin{TWIN}:60:150"])
        other = tmp_path / "other.groggy"
        make_twin_graph(TWIN + 1, n=60, m=150).save(other)
        wrong = worker(op="read", path=str(other), expect=[f"twin{TWIN}:60:150"])
    finally:
        worker.close()
    assert ok["result"] == "equal" and wrong["result"] == "wrong", (ok, wrong)


# --------------------------------------------------------------------------- serve

def expected_rows(g: gg.Graph) -> dict:
    out = {}
    for source, table in (("nodes", g.nodes.table()), ("edges", g.edges.table())):
        cols = table.to_dict()
        out[source] = [list(row) for row in zip(*cols.values())]
    return out


def served_rows(url: str, source: str, total: int):
    """Every row the server sends for ``source``, and any Error messages."""
    rows, errors = {}, []
    with Client(url) as c:
        replies = c.exchange({"type": "Hello", "source": source})
        errors += [m for m in messages(replies) if m["type"] == "Error"]
        rows.update(rows_of(replies))
        for offset in range(0, total, 500):
            replies = c.exchange({"type": "ScrollRequest", "offset": offset, "window_size": 500})
            errors += [m for m in messages(replies) if m["type"] == "Error"]
            rows.update(rows_of(replies))
    return rows, errors


def test_serve_refuses_a_damaged_store_or_serves_the_right_rows(base, tmp_path):
    original = make_twin_graph(TWIN, n=60, m=150)
    want = expected_rows(original)
    outcome = Counter()
    for path, what in cases(base, tmp_path, 40, seed=2):
        for verify in (True, False):
            try:
                view = gg.serve(path, open_browser=False, verify=verify)
            except gg.StoreError:
                outcome[f"refused (verify={verify})"] += 1
                continue
            try:
                for source in ("nodes", "edges"):
                    rows, errors = served_rows(view.url, source, len(want[source]))
                    for k, row in rows.items():
                        assert row == want[source][k], (what, source, k, row)
                    for error in errors:  # refused on purpose, not a bug of ours
                        assert not error["message"].startswith("internal error"), error
                    assert not errors or ".groggy" in errors[0]["message"], errors[0]
                    outcome["errors" if errors else "served right"] += 1
            finally:
                view.close()
    print(f"serve over 40 damaged stores: {dict(outcome)}")
    assert outcome["refused (verify=True)"] > 20


def test_the_serve_command_refuses_a_damaged_store_and_names_the_file(base, tmp_path):
    path = Path(shutil.copytree(base, tmp_path / "g.groggy"))
    gen = path / (path / "CURRENT").read_text().strip()
    victim = next(gen.glob("nodes/*.utf8"))
    flip(victim, victim.stat().st_size // 2)   # one bit of one string: only a checksum sees it
    proc = subprocess.run([sys.executable, "-m", "groggy", "serve", str(path), "--no-browser",
                           "--port", "0"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert victim.name in proc.stderr and "checksum" in proc.stderr
    assert "serving at" not in proc.stdout
