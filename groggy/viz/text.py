"""Label halos: the outline of a string's glyphs as one path, stroked in the background
colour under the text so that a label stays readable over edges and nodes. A path, not
a second copy of the text: an SVG or a PDF still holds each label once, as text that can
be searched and selected."""
from __future__ import annotations

import skia

HALO_SHARE = 0.28           # the halo's stroke width, as a share of the font size


_GLYPHS: dict = {}          # (typeface id, size, glyph) -> its outline at the origin
_GLYPHS_MAX = 4096


def _glyph(font: skia.Font, glyph: int) -> skia.Path | None:
    key = (font.getTypeface().uniqueID(), font.getSize(), glyph)
    if key not in _GLYPHS:
        if len(_GLYPHS) >= _GLYPHS_MAX:
            _GLYPHS.clear()
        _GLYPHS[key] = font.getPath(glyph)
    return _GLYPHS[key]


def glyph_outline(font: skia.Font, text: str, x: float, y: float) -> skia.Path:
    """The outline of ``text`` set in ``font`` with its baseline starting at (x, y).

    Examples
    --------
    >>> from groggy.viz.render import _font
    >>> box = glyph_outline(_font(10.0), "Ab", 5.0, 20.0).computeTightBounds()
    >>> 5.0 <= box.left() < 6.0, 12.0 < box.top() < 13.0, round(box.bottom())
    (True, True, 20)
    """
    glyphs = font.textToGlyphs(text)
    path = skia.Path()
    for glyph, at in zip(glyphs, font.getXPos(glyphs, x)):
        outline = _glyph(font, glyph)
        if outline is not None:
            path.addPath(outline, at, y)
    return path


def halo_paint(argb: int, font_size: float) -> skia.Paint:
    """The stroke that draws a halo of colour ``argb`` around text of ``font_size``."""
    paint = skia.Paint(AntiAlias=True, Color=int(argb), Style=skia.Paint.kStroke_Style,
                       StrokeWidth=HALO_SHARE * font_size)
    paint.setStrokeJoin(skia.Paint.kRound_Join)
    return paint
