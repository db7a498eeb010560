"""What a display shows: the cut-down grid of cells, read from the source only where
shown, so showing 10 rows costs the same as showing 10 million."""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import numpy as np

from groggy.display.config import DisplayConfig

NUMERIC_KINDS = ("int64", "float64")
KIND_LABELS = {"int64": "int64", "float64": "float64", "bool": "bool", "string": "str",
               "object": "object"}


@dataclass
class DisplaySample:
    title: str
    names: list          # shown column names; None marks the cut (⋯)
    kinds: list          # matching column kinds; None at the cut
    rows: list           # rows of formatted cell strings; None marks the cut (⋮)
    footer: str


def _split(total: int, limit: int) -> tuple[list[int], bool]:
    """Indices to show out of ``total``: all, or the first and last halves of ``limit``."""
    if total <= limit:
        return list(range(total)), False
    head = (limit + 1) // 2
    tail = limit - head
    return list(range(head)) + list(range(total - tail, total)), True


class NullText(str):
    """The text of a null cell, told apart from a string that reads "null"."""


NULL = NullText("null")


def format_cell(value, kind: str, config: DisplayConfig) -> str:
    if value is None:
        return NULL
    if kind == "float64" or isinstance(value, float):
        v = float(value)
        if math.isnan(v):
            text = "NaN"
        elif v != 0 and (abs(v) >= 1e12 or abs(v) < 10 ** -config.precision):
            text = f"{v:.{config.precision}e}"
        else:
            text = f"{v:.{config.precision}f}"
    else:
        cell_text = getattr(value, "_cell_text", None)
        text = clean_text(cell_text() if cell_text else str(value))
    return truncate(text, config.max_cell_width)


_VISIBLE = {"\n": "↵", "\t": "→"}


def clean_text(text: str) -> str:
    """Text with control and line-breaking characters made visible, so a cell can
    neither break the table's box nor send escape codes to a terminal."""
    if text.isprintable():
        return text
    return "".join(_VISIBLE.get(ch, ch) if ch.isprintable() or ch == " " else
                   _VISIBLE.get(ch, f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
                   for ch in text)


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (East Asian wide characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else
               0 if unicodedata.combining(ch) else 1 for ch in text)


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, ending in … when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def sample(source, config: DisplayConfig) -> DisplaySample:
    """Build the sample of ``source``, which provides ``_display_title()``,
    ``_display_footer()``, ``_display_shape()``, ``_display_columns(cols)`` ->
    (names, kinds) and ``_display_cells(rows, cols)`` -> list of value lists per column."""
    nrows, ncols = source._display_shape()
    row_idx, row_cut = _split(nrows, config.max_rows)
    col_idx, col_cut = _split(ncols, config.max_cols)
    names, kinds = source._display_columns(col_idx)
    columns = source._display_cells(np.asarray(row_idx, dtype=np.int64), col_idx)
    cells = [[format_cell(v, kind, config) for v in col] for col, kind in zip(columns, kinds)]
    rows = [[col[r] for col in cells] for r in range(len(row_idx))]
    names, kinds = list(names), list(kinds)
    if col_cut:
        half = (config.max_cols + 1) // 2
        names.insert(half, None)
        kinds.insert(half, None)
        for row in rows:
            row.insert(half, "⋯")
    if row_cut:
        rows.insert((config.max_rows + 1) // 2, None)
    return DisplaySample(source._display_title(), names, kinds, rows, source._display_footer())
