"""Display settings, global and per object."""
from __future__ import annotations

from dataclasses import dataclass, replace

from groggy.themes import get_theme


@dataclass(frozen=True)
class DisplayConfig:
    """How tables, arrays and matrices are shown.

    Parameters
    ----------
    max_rows : int
        Rows shown at most; beyond it the first and last halves are shown around ``⋮``.
    max_cols : int
        Columns shown at most; beyond it the first and last ones around ``⋯``.
    max_cell_width : int
        Characters per cell before it is cut with ``…``.
    precision : int
        Digits after the point for floats.
    theme : str
        HTML theme: ``sleek``, ``light``, ``dark``, ``publication`` or ``minimal``.

    Examples
    --------
    >>> DisplayConfig(max_rows=4).max_rows
    4
    """

    max_rows: int = 10
    max_cols: int = 8
    max_cell_width: int = 24
    precision: int = 3
    theme: str = "sleek"

    def __post_init__(self):
        for field in ("max_rows", "max_cols", "max_cell_width"):
            value = getattr(self, field)
            if not isinstance(value, int) or value < (2 if field != "max_cell_width" else 4):
                raise ValueError(f"DisplayConfig.{field} must be an int >= "
                                 f"{2 if field != 'max_cell_width' else 4}, got {value!r}")
        if not isinstance(self.precision, int) or not 0 <= self.precision <= 17:
            raise ValueError(f"DisplayConfig.precision must be an int in 0..17, got {self.precision!r}")
        get_theme(self.theme)

    def updated(self, **changes) -> "DisplayConfig":
        return replace(self, **changes)


_global = DisplayConfig()


def get_display_config() -> DisplayConfig:
    """The global display settings."""
    return _global


def set_display_config(config: DisplayConfig | None = None, **changes) -> DisplayConfig:
    """Change the global display settings; returns the new settings.

    Examples
    --------
    >>> old = get_display_config()
    >>> set_display_config(max_rows=6).max_rows
    6
    >>> _ = set_display_config(old)
    """
    global _global
    _global = (config or _global).updated(**changes)
    return _global
