"""Circular and grid layouts."""
from __future__ import annotations

import numpy as np

from groggy.viz.layout import GraphInput, register


class Circular:
    """Nodes on a circle in id order; ``group_by`` puts each attribute value's nodes on
    one arc, with a gap between arcs."""

    name, aliases = "circular", ("circle",)
    defaults = {"radius": 1.0, "group_by": None}

    def compute(self, graph: GraphInput, radius: float, group_by) -> np.ndarray:
        n = graph.n
        if not np.isfinite(radius) or radius <= 0:
            raise ValueError(f"radius must be a positive number, got {radius!r}")
        if n == 0:
            return np.zeros((0, 2))
        if group_by is None:
            slots = np.arange(n, dtype=np.float64)
            total = n
        else:
            values = graph.attribute(group_by)
            _, group = np.unique(values.astype(str) if values.dtype == object else values,
                                 return_inverse=True)
            order = np.argsort(group, kind="stable")
            slots = np.empty(n)
            # one empty slot between groups keeps the arcs apart
            slots[order] = np.arange(n) + group[order]
            total = n + group.max() + 1
        angle = 2 * np.pi * slots / total
        return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


class Grid:
    """Nodes on a square grid in id order, ``spacing`` apart, row by row."""

    name, aliases = "grid", ()
    defaults = {"spacing": 1.0, "columns": None}

    def compute(self, graph: GraphInput, spacing: float, columns) -> np.ndarray:
        n = graph.n
        if not np.isfinite(spacing) or spacing <= 0:
            raise ValueError(f"spacing must be a positive number, got {spacing!r}")
        cols = max(1, int(np.ceil(np.sqrt(n)))) if columns is None else int(columns)
        if cols < 1:
            raise ValueError(f"columns must be >= 1, got {columns!r}")
        i = np.arange(n)
        return np.column_stack([(i % cols) * spacing, -(i // cols) * spacing]).astype(np.float64)


register(Circular())
register(Grid())
