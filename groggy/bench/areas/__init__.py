"""The report's areas, in report order. Each module has ``TITLE`` and ``cases(size)``, a
list of (label, function(ctx) -> Row) run one after the other."""
from __future__ import annotations

import importlib

AREAS = ("graph", "tables", "groupby", "layout", "export", "streaming", "graphview")


def area(name: str):
    """The module of area ``name``."""
    if name not in AREAS:
        raise ValueError(f"no benchmark area {name!r}; the areas are {', '.join(AREAS)}")
    return importlib.import_module(f"groggy.bench.areas.{name}")
