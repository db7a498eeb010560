"""Semantic HTML tables for notebooks, styled by the shared theme system."""
from __future__ import annotations

from html import escape

from groggy.display.config import DisplayConfig
from groggy.display.sample import KIND_LABELS, NullText, sample
from groggy.themes import THEMES

_CELL_CLASS = {"int64": "gg-int", "float64": "gg-float", "bool": "gg-bool",
               "string": "gg-str", "object": "gg-obj"}


def theme_css(name: str) -> str:
    """CSS for one theme, scoped to ``.groggy-display.gg-theme-<name>``."""
    t = THEMES[name]
    scope = f".groggy-display.gg-theme-{name}"
    return (
        f"{scope}{{background:{t['background']};color:{t['foreground']};"
        f"font-family:{t['font']};font-size:13px;display:inline-block;max-width:100%;overflow-x:auto}}"
        f"{scope} table{{border-collapse:collapse;border:1px solid {t['border']}}}"
        f"{scope} caption{{caption-side:top;text-align:left;font-weight:600;"
        f"color:{t['header_fg']};padding:4px 0}}"
        f"{scope} th{{background:{t['header_bg']};color:{t['header_fg']};text-align:left;"
        f"padding:4px 8px;border-bottom:1px solid {t['border']}}}"
        f"{scope} tr.gg-dtype th{{color:{t['muted']};font-weight:400;font-size:11px}}"
        f"{scope} td{{padding:3px 8px;border-bottom:1px solid {t['border']};white-space:nowrap}}"
        f"{scope} tbody tr:nth-child(even){{background:{t['stripe']}}}"
        f"{scope} td.gg-int,{scope} td.gg-float{{text-align:right;font-family:{t['mono']};"
        f"color:{t['number']}}}"
        f"{scope} td.gg-null{{color:{t['null']};font-style:italic}}"
        f"{scope} .gg-cut{{color:{t['muted']};text-align:center}}"
        f"{scope} .gg-footer{{color:{t['muted']};font-size:11px;padding:4px 0}}"
    )


def render_html(source, config: DisplayConfig) -> str:
    """The notebook HTML of a table, array or matrix."""
    s = sample(source, config)
    head = "".join(
        '<th class="gg-cut">⋯</th>' if n is None
        else f'<th class="{_CELL_CLASS.get(k, "gg-obj")}">{escape(str(n))}</th>'
        for n, k in zip(s.names, s.kinds))
    dtypes = "".join('<th class="gg-cut"></th>' if k is None
                     else f"<th>{escape(KIND_LABELS.get(k, k))}</th>" for k in s.kinds)
    body = []
    for row in s.rows:
        if row is None:
            body.append('<tr class="gg-ellipsis">' + "".join(
                '<td class="gg-cut">⋮</td>' for _ in s.names) + "</tr>")
            continue
        cells = []
        for cell, k in zip(row, s.kinds):
            if k is None:
                cells.append('<td class="gg-cut">⋯</td>')
            else:
                cls = _CELL_CLASS.get(k, "gg-obj") + (" gg-null" if isinstance(cell, NullText) else "")
                cells.append(f'<td class="{cls}">{escape(cell)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="groggy-display gg-theme-{config.theme}">'
        f"<style>{theme_css(config.theme)}</style>"
        f'<table class="groggy-table"><caption>{escape(s.title)}</caption>'
        f'<thead><tr>{head}</tr><tr class="gg-dtype">{dtypes}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<div class="gg-footer">{escape(s.footer)}</div></div>'
    )
