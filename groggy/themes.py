"""The one theme system: named palettes that feed notebook HTML, the web page and the
static renderer alike. Add a theme here and every surface gets it."""
from __future__ import annotations

THEMES: dict[str, dict[str, str]] = {
    "sleek": {
        "background": "#ffffff", "foreground": "#1f2933", "header_bg": "#f4f6f8",
        "header_fg": "#323f4b", "border": "#d9e2ec", "stripe": "#fafbfc",
        "muted": "#7b8794", "accent": "#3e7cb1", "number": "#102a43", "null": "#b0b8c1",
        "font": "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
        "mono": "'SFMono-Regular', Menlo, Consolas, monospace",
    },
    "light": {
        "background": "#ffffff", "foreground": "#222222", "header_bg": "#eeeeee",
        "header_fg": "#111111", "border": "#cccccc", "stripe": "#f7f7f7",
        "muted": "#777777", "accent": "#1a73e8", "number": "#222222", "null": "#aaaaaa",
        "font": "Helvetica, Arial, sans-serif", "mono": "Menlo, Consolas, monospace",
    },
    "dark": {
        "background": "#1e1e1e", "foreground": "#d4d4d4", "header_bg": "#2d2d2d",
        "header_fg": "#e8e8e8", "border": "#3c3c3c", "stripe": "#252526",
        "muted": "#8a8a8a", "accent": "#4fc1ff", "number": "#b5cea8", "null": "#6a6a6a",
        "font": "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
        "mono": "'SFMono-Regular', Menlo, Consolas, monospace",
    },
    "publication": {
        "background": "#ffffff", "foreground": "#000000", "header_bg": "#ffffff",
        "header_fg": "#000000", "border": "#000000", "stripe": "#ffffff",
        "muted": "#444444", "accent": "#000000", "number": "#000000", "null": "#666666",
        "font": "'Times New Roman', Times, serif", "mono": "'Courier New', monospace",
    },
    "minimal": {
        "background": "transparent", "foreground": "inherit", "header_bg": "transparent",
        "header_fg": "inherit", "border": "#e0e0e0", "stripe": "transparent",
        "muted": "#999999", "accent": "inherit", "number": "inherit", "null": "#bbbbbb",
        "font": "inherit", "mono": "monospace",
    },
}

DEFAULT_THEME = "sleek"


def get_theme(name: str) -> dict[str, str]:
    """The palette of theme ``name``.

    Examples
    --------
    >>> get_theme("dark")["background"]
    '#1e1e1e'
    """
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}; choose one of {sorted(THEMES)}") from None
