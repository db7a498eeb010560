"""The one theme system: named palettes that feed notebook HTML, the web page and the
static renderer alike. Add a theme here and every surface gets it.

The graph keys (used by the skia renderer, and exported to the web page as CSS custom
properties like the others): ``node`` fill, ``node_stroke`` outline, ``edge``, ``label``
text, ``palette`` (comma-separated categorical colours), ``colormap`` (comma-separated
stops of the continuous colour ramp, low to high) and ``shapes`` ("yes": categories also
get distinct node shapes, for black-and-white print). Colours are ``#rrggbb``,
``#rrggbbaa`` or ``transparent``."""
from __future__ import annotations

THEMES: dict[str, dict[str, str]] = {
    "sleek": {
        "background": "#ffffff", "foreground": "#1f2933", "header_bg": "#f4f6f8",
        "header_fg": "#323f4b", "border": "#d9e2ec", "stripe": "#fafbfc",
        "muted": "#7b8794", "accent": "#3e7cb1", "number": "#102a43", "null": "#b0b8c1",
        "font": "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
        "mono": "'SFMono-Regular', Menlo, Consolas, monospace",
        "node": "#3e7cb1", "node_stroke": "#ffffff", "edge": "#9fb3c8", "label": "#1f2933",
        "palette": "#3e7cb1,#e4572e,#29a36a,#f3a712,#8e5ea2,#17a2b8,#d1495b,#6c757d,"
                   "#9bc53d,#b07c47",
        "colormap": "#23395b,#2e7c8f,#5cb87a,#e9d758", "shapes": "no",
    },
    "light": {
        "background": "#ffffff", "foreground": "#222222", "header_bg": "#eeeeee",
        "header_fg": "#111111", "border": "#cccccc", "stripe": "#f7f7f7",
        "muted": "#777777", "accent": "#1a73e8", "number": "#222222", "null": "#aaaaaa",
        "font": "Helvetica, Arial, sans-serif", "mono": "Menlo, Consolas, monospace",
        "node": "#1a73e8", "node_stroke": "#ffffff", "edge": "#aaaaaa", "label": "#222222",
        "palette": "#1a73e8,#e8710a,#1e8e3e,#d93025,#9334e6,#12a4af,#f9ab00,#5f6368,"
                   "#c5221f,#7cb342",
        "colormap": "#202a6b,#1b7fa6,#4cc38a,#f4e04d", "shapes": "no",
    },
    "dark": {
        "background": "#1e1e1e", "foreground": "#d4d4d4", "header_bg": "#2d2d2d",
        "header_fg": "#e8e8e8", "border": "#3c3c3c", "stripe": "#252526",
        "muted": "#8a8a8a", "accent": "#4fc1ff", "number": "#b5cea8", "null": "#6a6a6a",
        "font": "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
        "mono": "'SFMono-Regular', Menlo, Consolas, monospace",
        "node": "#4fc1ff", "node_stroke": "#1e1e1e", "edge": "#5c5c5c", "label": "#d4d4d4",
        "palette": "#4fc1ff,#ff8c5a,#6ad08f,#ffd166,#c39bd3,#48e5c2,#ff6b81,#b0b7bf,"
                   "#c5e478,#e0a370",
        "colormap": "#3b2f7a,#2f8fb0,#5fd0a0,#f5e663", "shapes": "no",
    },
    "publication": {
        "background": "#ffffff", "foreground": "#000000", "header_bg": "#ffffff",
        "header_fg": "#000000", "border": "#000000", "stripe": "#ffffff",
        "muted": "#444444", "accent": "#000000", "number": "#000000", "null": "#666666",
        "font": "'Times New Roman', Times, serif", "mono": "'Courier New', monospace",
        "node": "#000000", "node_stroke": "#000000", "edge": "#666666", "label": "#000000",
        "palette": "#000000,#ffffff,#808080,#c8c8c8,#404040", "colormap": "#f2f2f2,#000000",
        "shapes": "yes",
    },
    "minimal": {
        "background": "transparent", "foreground": "inherit", "header_bg": "transparent",
        "header_fg": "inherit", "border": "#e0e0e0", "stripe": "transparent",
        "muted": "#999999", "accent": "inherit", "number": "inherit", "null": "#bbbbbb",
        "font": "inherit", "mono": "monospace",
        "node": "#555555", "node_stroke": "transparent", "edge": "#c8c8c8",
        "label": "#333333",
        "palette": "#5b7083,#c0846b,#7a9e7e,#c9a66b,#8d7aa6,#6fa3a8,#b56576,#9a9a9a",
        "colormap": "#d8dde3,#2f4858", "shapes": "no",
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
