"""Progress: every bar reaches 100% without going back, the force layout's bar gives its
levels their share of the work (not one step each), and piped output gets plain lines,
also from the real command line."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

from groggy.demo import demo_graph
from groggy.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^(?P<label>[^:\r]+):\s+(?P<percent>\d+)%\|")


def percents(text: str) -> dict:
    """label -> the percentages of its progress lines, in order."""
    seen: dict = {}
    for line in text.splitlines():
        match = LINE.match(line)
        if match:
            seen.setdefault(match["label"].strip(), []).append(int(match["percent"]))
    return seen


def assert_complete(values: list) -> None:
    assert values, "no progress lines"
    assert values == sorted(values), f"progress went back: {values}"
    assert values[-1] == 100, f"progress stopped at {values[-1]}%: {values}"


def test_piped_progress_is_plain_monotone_lines_ending_at_100():
    out = io.StringIO()       # not a terminal
    with Progress("work", total=1000, enabled=True, stream=out) as bar:
        for _ in range(250):
            bar.advance(4, note="step")
        bar.advance(10)       # past the end: clamped
    text = out.getvalue()
    assert "\r" not in text, "piped progress must be lines, not a redrawn bar"
    values = percents(text)["work"]
    assert_complete(values)
    assert len(values) >= 10, values       # at least every tenth of the way
    assert values.count(100) == 1


def test_progress_stays_silent_off_a_terminal_unless_asked():
    out = io.StringIO()
    with Progress("work", total=3, stream=out) as bar:
        bar.advance(3)
    assert out.getvalue() == ""


def test_force_layout_progress_is_in_proportion_to_the_levels_work():
    g = demo_graph(20_000, 100_000, progress=False)
    reports, at_level = [], []
    g.viz.compute_layout("force_directed", seed=1,
                         progress=lambda done, total: reports.append((done, total)),
                         snapshot=lambda pos: at_level.append(reports[-1]))
    done = [d for d, _ in reports]
    totals = {t for _, t in reports}
    assert len(totals) == 1 and done == sorted(done) and done[-1] == totals.pop()
    # the finest level (20k nodes; the next one has about 5k) does most of the work: the
    # bar must be less than half full when it starts, where one step per iteration
    # would put it at 200 + 10 * levels of 200 + 10 * (levels + 1) (over 90%)
    assert len(at_level) >= 3, "expected several coarse levels"
    last_done, total = at_level[-1]
    assert last_done / total < 0.5, (at_level, total)
    # and every level gets more of the bar than the coarser one before it
    steps = [b[0] - a[0] for a, b in zip(at_level, at_level[1:])]
    assert steps == sorted(steps), steps


def test_demo_build_progress_reaches_100(capsys):
    demo_graph(2000, 10_000, progress=True)
    assert_complete(percents(capsys.readouterr().err)["building demo graph"])


def test_serve_demo_piped_prints_progress_lines(tmp_path):
    env = {**os.environ, "GROGGY_CACHE": str(tmp_path),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "groggy", "serve", "--demo", "--nodes", "3000",
         "--edges", "15000", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        lines = [proc.stdout.readline() for _ in range(2)]
        assert any("serving at" in line for line in lines), lines
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    seen = percents(err)
    for label in ("building demo graph", "force layout", "saving"):
        assert label in seen, f"no {label!r} progress in the piped output:\n{err}"
        assert_complete(seen[label])


def test_chromium_is_found_on_the_path_when_not_at_its_debian_place(tmp_path):
    from groggy.web.chromium import find_chromium
    exe = tmp_path / "chromium"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    absent = str(tmp_path / "no-such" / "chromium")
    assert find_chromium(default=absent, path=str(tmp_path)) == str(exe)
    assert find_chromium(default=absent, path=str(tmp_path / "no-such")) is None
