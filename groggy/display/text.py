"""Box-drawn text tables for ``repr`` and ``str``."""
from __future__ import annotations

from groggy.display.config import DisplayConfig
from groggy.display.sample import NUMERIC_KINDS, sample

_KIND_LABEL = {"int64": "int64", "float64": "float64", "bool": "bool", "string": "str",
               "object": "object"}


def render_text(source, config: DisplayConfig) -> str:
    """The text table of a table, array or matrix (see :func:`groggy.display.sample.sample`)."""
    s = sample(source, config)
    header = ["⋯" if n is None else str(n) for n in s.names]
    header = [h if len(h) <= config.max_cell_width else h[: config.max_cell_width - 1] + "…"
              for h in header]
    dtypes = ["" if k is None else _KIND_LABEL.get(k, k) for k in s.kinds]
    body = [row for row in s.rows if row is not None]
    widths = [max([len(header[j]), len(dtypes[j])] + [len(r[j]) for r in body])
              for j in range(len(header))]
    right = [k in NUMERIC_KINDS for k in s.kinds]

    def line(cells, align_right=None):
        parts = []
        for j, cell in enumerate(cells):
            if align_right and align_right[j]:
                parts.append(cell.rjust(widths[j]))
            else:
                parts.append(cell.ljust(widths[j]))
        return "│ " + " │ ".join(parts) + " │"

    def rule(left, mid, end):
        return left + mid.join("─" * (w + 2) for w in widths) + end

    out = [s.title, rule("╭", "┬", "╮"), line(header), line(dtypes), rule("├", "┼", "┤")]
    for row in s.rows:
        if row is None:
            out.append(line(["⋮" for _ in widths], right))
        else:
            out.append(line(row, right))
    out.append(rule("╰", "┴", "╯"))
    out.append(s.footer)
    return "\n".join(out)
