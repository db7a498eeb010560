"""``python -m groggy bench`` (the real CLI, in a subprocess): a ``--size tiny`` report
holds a table for every area whose ratios are numbers; a peer that is not installed is
listed as skipped; engines that disagree on an answer fail the run. No timing decides
anything here."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from groggy.bench.areas import AREAS

ROOT = Path(__file__).resolve().parents[1]


def bench(out: Path, *args, env=None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "groggy", "bench", "--out", str(out), *args],
                          capture_output=True, text=True, env=environ, timeout=300)


def md_tables(text: str) -> dict:
    """{area: [{column: cell}, ...]} of the report's Markdown tables."""
    tables, area, header = {}, None, None
    for line in text.splitlines():
        heading = re.match(r"## .* \(`(\w+)`\)$", line)
        if heading:
            area, header = heading.group(1), None
            tables[area] = []
        elif line.startswith("|") and area:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if header is None:
                header = cells
            elif not set(line) <= set("|-"):
                tables[area].append(dict(zip(header, cells)))
    return tables


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "report"
    done = bench(out, "--size", "tiny")
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done


def test_tiny_report_has_every_area_with_numeric_ratios(tiny):
    out, done = tiny
    assert f"report: {out}/report.md" in done.stdout
    text = (out / "report.md").read_text()
    tables = md_tables(text)
    assert set(tables) == set(AREAS)
    ratios = []
    for area, rows in tables.items():
        assert rows, f"the {area} table is empty"
        for row in rows:
            for column, cell in row.items():
                if column.startswith("ratio vs") and cell != "-":
                    assert re.fullmatch(r"\d+\.\d\dx", cell), (area, column, cell)
                    ratios.append(float(cell[:-1]))
    assert len(ratios) >= 10 and all(r > 0 for r in ratios)
    data = json.loads((out / "report.json").read_text())
    assert data["ok"] and {r["area"] for r in data["rows"]} == set(AREAS)
    for row in data["rows"]:
        for peer, cell in row["peers"].items():
            assert (cell["ratio"] is None) == (cell["timing"] is None), (row["name"], peer)
    # the machine, at the start and the end, and every peer's version or why not
    assert re.search(r"cores: \d+, memory: [\d.]+ GB", text)
    assert re.search(r"load average .* at the start, .* at the end", text)
    assert "- networkx: " in text and "- pandas: " in text
    html = (out / "report.html").read_text()
    assert html.count("<table>") == len(AREAS) and "style=" not in html
    for plot in ("build", "components", "layout", "export"):
        png = (out / f"plot-{plot}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and f"plot-{plot}.png" in html


def test_absent_peer_is_listed_as_skipped(tmp_path):
    out = tmp_path / "report"
    done = bench(out, "--size", "tiny", "--only", "graph",
                 env={"GROGGY_BENCH_PEER_MODULES": "networkx=groggy_no_such_peer"})
    assert done.returncode == 0, done.stderr
    text = (out / "report.md").read_text()
    assert "- networkx: skipped: not installed (No module named 'groggy_no_such_peer'" in text
    rows = md_tables(text)["graph"]
    build = [r for r in rows if r["benchmark"].startswith("build")]
    assert build and all(r["networkx"].startswith("skipped") for r in build)
    assert all(r["ratio vs networkx"] == "-" for r in build)
    data = json.loads((out / "report.json").read_text())
    for row in data["rows"]:
        if "networkx" in row["peers"]:
            assert "groggy_no_such_peer" in row["peers"]["networkx"]["skipped"]


def test_engines_disagreeing_fail_the_run(tmp_path):
    out = tmp_path / "report"
    done = bench(out, "--size", "tiny", "--only", "graph",
                 env={"GROGGY_BENCH_WRONG_ANSWER": "components"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "WRONG ANSWER in graph: components 1k" in done.stderr
    assert "groggy and networkx disagree" in done.stderr
    text = (out / "report.md").read_text()
    assert "FAILED: WRONG ANSWER in graph: components 1k" in text
    data = json.loads((out / "report.json").read_text())
    assert not data["ok"] and data["wrong"][0][:2] == ["graph", "components 1k"]
    # the other benchmarks of the area still ran and are in the report
    assert any(r["name"].startswith("build") for r in data["rows"])


def test_bad_arguments_fail_before_any_benchmark(tmp_path):
    done = bench(tmp_path / "r", "--size", "huge")
    assert done.returncode == 2 and "invalid choice: 'huge'" in done.stderr
    done = bench(tmp_path / "r", "--only", "graphs")
    assert done.returncode == 2 and "invalid choice: 'graphs'" in done.stderr
    assert not (tmp_path / "r").exists()
