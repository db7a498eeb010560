"""Writes a Run as ``report.md``, ``report.html`` (the same tables, and the plots),
``report.json`` (every figure, for scripts), ``summary.md`` (one line per benchmark, the
README's table) and ``plot-<name>.png`` (time against size)."""
from __future__ import annotations

import html
import json
from pathlib import Path

from groggy.bench.areas import area
from groggy.bench.timing import fmt_time

PLOTS = {"build": "Build from NumPy", "components": "Connected components",
         "layout": "Force layout", "export": "PNG export"}


# --------------------------------------------------------------------------- cells

def _figures(cell) -> str:
    return ", ".join(f"{k} {v}" for k, v in cell.figures.items())


def _time(cell) -> str:
    t = cell.timing
    if t is None:
        return "skipped"
    what = f"{fmt_time(t.steady)}"
    if t.label == "p50":
        what += f" p50 of {t.runs}"
    elif t.runs:
        what += f" best of {t.runs}"
    else:
        what += " (1 run)"
    return what + (f" ({_figures(cell)})" if cell.figures else "")


def _target(row, peer) -> str:
    need = row.targets.get(peer)
    if need is None:
        return ""
    met = row.met(peer)
    state = "not measured" if met is None else ("MET" if met else "NOT MET")
    return f"{peer} >= {need:.3g}x: {state}"


def _peers(rows) -> list:
    seen = []
    for row in rows:
        seen += [p for p in row.peers if p not in seen]
    return seen


def table(rows) -> tuple:
    """(header, body rows as lists of text, skipped notes) of one area's table."""
    peers = _peers(rows)
    header = ["benchmark", "size", "groggy first", "groggy steady"]
    for p in peers:
        header += [p, f"ratio vs {p}"]
    header += ["target", "check"]
    body, notes = [], {}
    for row in rows:
        g = row.groggy
        line = [row.name, row.size,
                fmt_time(g.timing.first) if g.timing else "skipped", _time(g)]
        if g.skipped:
            notes.setdefault(f"groggy ({row.name})", g.skipped)
        for p in peers:
            cell = row.peers.get(p)
            if cell is None:
                line += ["-", "-"]
                continue
            if cell.skipped:
                notes.setdefault(p, cell.skipped)
                line += [f"skipped ({p}: see below)", "-"]
                continue
            ratio = row.ratio(p)
            line += [_time(cell), "-" if ratio is None else f"{ratio:.2f}x"]
        line += ["; ".join(filter(None, (_target(row, p) for p in peers))) or "none",
                 row.check]
        body.append(line)
    return header, body, notes


# --------------------------------------------------------------------------- markdown

def _md_table(header, body) -> list:
    esc = [[c.replace("|", "\\|") for c in r] for r in [header, *body]]
    return (["| " + " | ".join(esc[0]) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(r) + " |" for r in esc[1:]])


def _machine_lines(run) -> list:
    m = run.machine
    lines = [f"- cores: {m['cores']}, memory: {m['memory']}, {m['platform']}",
             f"- load average (1 / 5 / 15 min): {m['load_start']} at the start, "
             f"{m.get('load_end', '?')} at the end",
             f"- Python {m['python']}, groggy {m['groggy']}"]
    lines += [f"- {p}: {v}" for p, v in m["peers"].items()]
    return lines


def _status(run) -> str:
    if run.ok:
        return "every answer checked across engines: OK"
    parts = [f"WRONG ANSWER in {a}: {c}: {msg}" for a, c, msg in run.wrong]
    parts += [f"ERROR in {a}: {c}: {msg.splitlines()[0]}" for a, c, msg in run.errors]
    return "FAILED: " + "; ".join(parts)


def markdown(run, plots: dict) -> str:
    out = [f"# groggy benchmark report (--size {run.size})", "",
           f"`{run.command or 'python -m groggy bench --size ' + run.size}`: "
           f"{run.seconds:.0f} s wall time. {_status(run)}.", "",
           "Ratios are speed-ups: the peer's steady time over groggy's (above 1: groggy "
           "is faster). Steady: the best of the calls after the first (p50 for request "
           "latencies).", "", "## Machine", "", *_machine_lines(run)]
    for name in run.areas:
        rows = [r for r in run.rows if r.area == name]
        out += ["", f"## {area(name).TITLE} (`{name}`)", ""]
        if rows:
            header, body, notes = table(rows)
            out += _md_table(header, body)
            if notes:
                out += ["", "Skipped:"] + [f"- {p}: {why}" for p, why in notes.items()]
        failed = [f for f in run.wrong + run.errors if f[0] == name]
        out += [f"- **{c} failed**: {msg.splitlines()[0]}" for _, c, msg in failed]
    if plots:
        out += ["", "## Time against size", ""]
        out += [f"![{PLOTS[k]}]({p.name})" for k, p in plots.items()]
    return "\n".join(out) + "\n"


def summary(run) -> str:
    """The short table (one line per benchmark: groggy's steady time, each measured
    peer's and the speed-up) that the README carries."""
    lines = ["| area | benchmark | size | groggy | peers (speed-up) |", "|---|---|---|---|---|"]
    for row in run.rows:
        if row.groggy.timing is None:
            continue
        peers = ", ".join(f"{p} {fmt_time(c.timing.steady)} ({row.ratio(p):.1f}x)"
                          for p, c in row.peers.items() if c.timing is not None)
        lines.append(f"| {row.area} | {row.name} | {row.size} | "
                     f"{fmt_time(row.groggy.timing.steady)} | {peers or '-'} |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- HTML

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1400px;
       color: #1d2330; padding: 0 1em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; width: 100%; }
th, td { border: 1px solid #d5d9e0; padding: 4px 8px; text-align: left;
         vertical-align: top; }
th { background: #eef1f6; }
td.ratio { font-variant-numeric: tabular-nums; font-weight: 600; }
td.skipped { color: #8a8f99; font-style: italic; }
.ok { color: #17723a; } .fail { color: #b3261e; font-weight: 700; }
.plots { display: flex; flex-wrap: wrap; gap: 1em; }
.plots img { width: 560px; border: 1px solid #d5d9e0; }
ul.notes { color: #5b616b; }
"""


def _html_table(header, body) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    rows = []
    for line in body:
        cells = []
        for h, c in zip(header, line):
            cls = ("ratio" if h.startswith("ratio") and c != "-" else
                   "skipped" if c.startswith("skipped") else "")
            cells.append(f"<td class=\"{cls}\">{html.escape(c)}</td>" if cls else
                         f"<td>{html.escape(c)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def page(run, plots: dict) -> str:
    status_cls = "ok" if run.ok else "fail"
    parts = [f"<h1>groggy benchmark report (--size {html.escape(run.size)})</h1>",
             f"<p><code>{html.escape(run.command or 'python -m groggy bench')}</code>: "
             f"{run.seconds:.0f} s wall time. <span class=\"{status_cls}\">"
             f"{html.escape(_status(run))}</span></p>",
             "<p>Ratios are speed-ups: the peer's steady time over groggy's (above 1: "
             "groggy is faster).</p>", "<h2>Machine</h2><ul>"]
    parts += [f"<li>{html.escape(line[2:])}</li>" for line in _machine_lines(run)]
    parts.append("</ul>")
    for name in run.areas:
        rows = [r for r in run.rows if r.area == name]
        parts.append(f"<h2>{html.escape(area(name).TITLE)} ({name})</h2>")
        if rows:
            header, body, notes = table(rows)
            parts.append(_html_table(header, body))
            if notes:
                parts.append("<ul class=\"notes\">" + "".join(
                    f"<li>skipped {html.escape(p)}: {html.escape(w)}</li>"
                    for p, w in notes.items()) + "</ul>")
        for _, c, msg in [f for f in run.wrong + run.errors if f[0] == name]:
            parts.append(f"<p class=\"fail\">{html.escape(c)} failed: "
                         f"{html.escape(msg.splitlines()[0])}</p>")
    if plots:
        parts.append("<h2>Time against size</h2><div class=\"plots\">" + "".join(
            f"<img src=\"{p.name}\" alt=\"{html.escape(PLOTS[k])}\">"
            for k, p in plots.items()) + "</div>")
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>groggy benchmark report</title><style>{CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


# --------------------------------------------------------------------------- all

def write(run, out: Path) -> dict:
    """Write every file of the report into ``out``; {kind: path}."""
    from groggy.bench.plots import draw
    out.mkdir(parents=True, exist_ok=True)
    plots = draw(run.rows, out, PLOTS)
    (out / "report.md").write_text(markdown(run, plots))
    (out / "summary.md").write_text(summary(run))
    (out / "report.html").write_text(page(run, plots))
    (out / "report.json").write_text(json.dumps({
        "size": run.size, "areas": run.areas, "seconds": run.seconds, "ok": run.ok,
        "wrong": run.wrong, "errors": run.errors, "machine": run.machine,
        "rows": [r.as_dict() for r in run.rows]}, indent=1, default=str))
    return {"md": out / "report.md", "summary": out / "summary.md",
            "html": out / "report.html", "json": out / "report.json", **plots}
