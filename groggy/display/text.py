"""Box-drawn text tables for ``repr`` and ``str``."""
from __future__ import annotations

from groggy.display.config import DisplayConfig
from groggy.display.sample import (KIND_LABELS, NUMERIC_KINDS, clean_text, display_width,
                                   sample, truncate)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def render_text(source, config: DisplayConfig) -> str:
    """The text table of a table, array or matrix (see :func:`groggy.display.sample.sample`)."""
    s = sample(source, config)
    if not s.names:  # nothing to draw a box around
        return f"{s.title}\n(no columns)\n{s.footer}"
    header = ["⋯" if n is None else truncate(clean_text(str(n)), config.max_cell_width)
              for n in s.names]
    dtypes = ["" if k is None else KIND_LABELS.get(k, k) for k in s.kinds]
    body = [row for row in s.rows if row is not None]
    widths = [max([display_width(header[j]), len(dtypes[j])] +
                  [display_width(r[j]) for r in body]) for j in range(len(header))]
    right = [k in NUMERIC_KINDS for k in s.kinds]

    def line(cells):
        return "│ " + " │ ".join(_pad(c, w, r) for c, w, r in zip(cells, widths, right)) + " │"

    def rule(left, mid, end):
        return left + mid.join("─" * (w + 2) for w in widths) + end

    out = [s.title, rule("╭", "┬", "╮"), line(header), line(dtypes), rule("├", "┼", "┤")]
    out += [line(["⋮"] * len(widths) if row is None else row) for row in s.rows]
    out += [rule("╰", "┴", "╯"), s.footer]
    return "\n".join(out)
