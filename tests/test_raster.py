"""The PNG renderer's hairline kernel (groggy._core._raster) against Skia's own
antialiased hairlines, and its invariants: same pixels on any thread count, exact
coverage on axis-aligned lines, nothing drawn outside the image, no crash on wild input."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

skia = pytest.importorskip("skia")

from groggy._core import _raster  # noqa: E402
from groggy.viz.skia_paths import segments_path  # noqa: E402

GREY = 0xFF404040


def canvas(h=60, w=80) -> np.ndarray:
    return np.full((h, w, 4), 255, dtype=np.uint8)   # opaque white, BGRA


def draw(img, starts, ends, color=GREY, threads=1) -> np.ndarray:
    starts, ends = np.asarray(starts, float).reshape(-1, 2), np.asarray(ends, float).reshape(-1, 2)
    colors = np.full(len(starts), color, dtype=np.uint32)
    _raster.hairlines(img.view(np.uint32)[..., 0], starts, ends, colors, threads)
    return img


def test_horizontal_line_covers_its_row_exactly():
    img = draw(canvas(), [[10.0, 20.5]], [[50.0, 20.5]])
    assert (img[20, 10:50, :3] == 0x40).all()            # full coverage, exact colour
    assert (img[19, :, :3] == 255).all() and (img[21, :, :3] == 255).all()
    assert (img[20, :10, :3] == 255).all() and (img[20, 50:, :3] == 255).all()


def test_half_covered_rows_share_the_ink():
    img = draw(canvas(), [[5.0, 20.0]], [[60.0, 20.0]])   # on the border of rows 19, 20
    ink = 255 - img[19:21, 10:50, 0].astype(int)
    assert np.abs(ink - (255 - 0x40) / 2).max() <= 1


def test_transparent_colour_blends_over_the_background():
    img = draw(canvas(), [[0.0, 5.5]], [[80.0, 5.5]], color=0x80000000)  # half black
    assert np.abs(img[5, :, :3].astype(int) - 127).max() <= 1 and (img[5, :, 3] == 255).all()


def skia_hairlines(starts, ends, h=60, w=80) -> np.ndarray:
    img = canvas(h, w)
    surface = skia.Surface(img, colorType=skia.kBGRA_8888_ColorType,
                           alphaType=skia.kPremul_AlphaType)
    paint = skia.Paint(AntiAlias=True, Color=GREY, Style=skia.Paint.kStroke_Style,
                       StrokeWidth=0)
    surface.getCanvas().drawPath(segments_path(starts, ends), paint)
    return img


def test_matches_skia_hairlines():
    rng = np.random.default_rng(3)
    starts, ends = rng.uniform(-10, 90, (40, 2)), rng.uniform(-10, 90, (40, 2))
    ours = draw(canvas(), starts, ends).astype(int)
    theirs = skia_hairlines(starts, ends).astype(int)
    ink_ours, ink_theirs = (255 - ours[..., 0]).sum(), (255 - theirs[..., 0]).sum()
    assert abs(ink_ours - ink_theirs) < 0.05 * ink_theirs       # the same amount of ink
    assert np.abs(ours - theirs).mean() < 3.0                   # in the same places


coordinate = st.one_of(st.floats(-200, 300), st.sampled_from(
    [float("nan"), float("inf"), -float("inf"), 1e300, -1e18, 0.0, 79.999, 80.0]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(coordinate, coordinate, coordinate, coordinate), max_size=25),
       st.integers(1, 4))
def test_any_thread_count_draws_the_same_pixels(segments, threads):
    arr = np.array(segments, dtype=float).reshape(-1, 4)
    colors = np.full(len(arr), 0xC0306090, dtype=np.uint32)
    one, many = canvas(300, 80), canvas(300, 80)
    _raster.hairlines(one.view(np.uint32)[..., 0], arr[:, :2].copy(), arr[:, 2:].copy(),
                      colors, 1)
    _raster.hairlines(many.view(np.uint32)[..., 0], arr[:, :2].copy(), arr[:, 2:].copy(),
                      colors, threads)
    assert np.array_equal(one, many)
    assert (one[..., 3] == 255).all()          # alpha stays opaque, no channel overflow


def _blend(px: int, c8: int, color: int) -> int:
    """The kernel's blend, written out channel by channel: dst * (1 - a) + src * c, with
    c = c8 / 256, a = c * alpha, src the colour premultiplied by its alpha."""
    alpha = color >> 24
    if c8 == 0:
        return px
    keep = 256 - ((alpha * c8) >> 8)
    out = 0
    for shift in (0, 8, 16, 24):
        src = alpha if shift == 24 else ((color >> shift) & 255) * alpha // 255
        out |= ((((px >> shift) & 255) * keep >> 8) + (src * c8 >> 8)) << shift
    return out


def reference_hairlines(img: np.ndarray, starts, ends, colors) -> None:
    """The hairline rule in plain Python (the oracle for _raster.hairlines): band by band
    of rows, each segment in order, a Wu line stepped along its major axis in 16.16 fixed
    point from the band's first step, the ends weighed by the share of the pixel they
    cover, every pixel clipped to the band."""
    h, w = img.shape
    band_rows = _raster._bands(0, h, w)[0]
    for ya in range(0, h, band_rows):
        yb = min(h, ya + band_rows)
        for (x0, y0), (x1, y1), color in zip(starts, ends, colors):
            lo_row, hi_row = min(y0, y1) - 2, max(y0, y1) + 2
            if not (lo_row < h + band_rows and hi_row >= 0) or \
                    not all(abs(v) < 1e15 for v in (x0, y0, x1, y1)):
                continue
            x0, y0, x1, y1 = x0 - 0.5, y0 - 0.5, x1 - 0.5, y1 - 0.5
            steep = abs(y1 - y0) > abs(x1 - x0)
            if steep:
                x0, y0, x1, y1 = y0, x0, y1, x1
            if x0 > x1:
                x0, y0, x1, y1 = x1, y1, x0, y0
            g = (y1 - y0) / (x1 - x0) if x1 - x0 > 1e-12 else 0.0
            lo, hi, mlo, mhi = (ya, yb - 1, 0, w - 1) if steep else (0, w - 1, ya, yb - 1)
            if g != 0.0:
                a, b = (mlo - 1.0 - y0) / g + x0, (mhi + 1.0 - y0) / g + x0
                lo, hi = max(lo, np.floor(min(a, b))), min(hi, np.ceil(max(a, b)))
            elif y0 < mlo - 1.0 or y0 > mhi + 1.0:
                continue
            lo, hi = int(max(lo, np.floor(x0 + 0.5))), int(min(hi, np.floor(x1 + 0.5)))
            yf = int(np.floor((y0 + g * (lo - x0)) * 65536.0))
            gf = int(np.floor(g * 65536.0 + 0.5))
            for i in range(lo, hi + 1):
                w8 = 256
                if i - 1.0 < x0 or i + 1.0 > x1:
                    weight = min(x1, i + 0.5) - max(x0, i - 0.5)
                    w8 = int(min(weight, 1.0) * 256.0 + 0.5) if weight > 0 else 0
                t, f8 = yf >> 16, (yf >> 8) & 255
                yf += gf
                for minor, c8 in ((t, ((256 - f8) * w8) >> 8), (t + 1, (f8 * w8) >> 8)):
                    if mlo <= minor <= mhi:
                        r, c = (i, minor) if steep else (minor, i)
                        img[r, c] = _blend(int(img[r, c]), c8, int(color))


COLOURS = [0xFF404040, 0xC0306090, 0x20FF0000, 0x00123456]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-60, 1100), st.floats(-60, 260), st.floats(-60, 1100),
                          st.floats(-60, 260), st.sampled_from(COLOURS)), max_size=8))
def test_matches_the_rule_written_out_pixel_for_pixel(segments):
    """Bit for bit against reference_hairlines, on a 1024 px wide image of four bands
    (hypothesis: the edge values; a seeded run below: the ordinary ones)."""
    rows = np.array([s[:4] for s in segments], dtype=float).reshape(-1, 4)
    colors = np.array([s[4] for s in segments], dtype=np.uint32)
    assert_matches_the_rule(rows, colors)


def test_matches_the_rule_on_random_segments():
    rng = np.random.default_rng(11)
    rows = np.column_stack([rng.uniform(-60, 1100, 60), rng.uniform(-60, 260, 60),
                            rng.uniform(-60, 1100, 60), rng.uniform(-60, 260, 60)])
    assert_matches_the_rule(rows, rng.choice(np.array(COLOURS, dtype=np.uint32), 60))


def assert_matches_the_rule(rows: np.ndarray, colors: np.ndarray) -> None:
    ours = canvas(200, 1024)
    ours[::7, ::5] = (10, 200, 30, 255)        # not a plain background
    theirs = ours.view(np.uint32)[..., 0].copy()
    _raster.hairlines(ours.view(np.uint32)[..., 0], rows[:, :2].copy(), rows[:, 2:].copy(),
                      colors, 2)
    reference_hairlines(theirs, rows[:, :2], rows[:, 2:], colors)
    assert np.array_equal(ours.view(np.uint32)[..., 0], theirs)


def test_rejects_mismatched_inputs():
    img = canvas()
    with pytest.raises(ValueError, match="colours"):
        _raster.hairlines(img.view(np.uint32)[..., 0], np.zeros((2, 2)), np.zeros((2, 2)),
                          np.zeros(3, dtype=np.uint32))
    draw(img, np.zeros((0, 2)), np.zeros((0, 2)))     # nothing to draw is fine
    assert (img == 255).all()


# ---------------------------------------------------------------- splat (tiny tile nodes)
def splat_by_hand(img, x, y, pixels, rows, left, top, k):
    """The rule of ``_raster.splat``, one node at a time: a 2 x 2 block centred on the
    node's pixel coordinates, skipped unless wholly inside, later rows on top."""
    h, w = img.shape
    for i in (range(len(x)) if rows is None else rows):
        px, py = (float(x[i]) - left) * k, (top - float(y[i])) * k
        if not (np.isfinite(px) and np.isfinite(py)):
            continue
        c, r = int(np.floor(px - 0.5)), int(np.floor(py - 0.5))
        if 0 <= c <= w - 2 and 0 <= r <= h - 2:
            img[r:r + 2, c:c + 2] = pixels[i]
    return img


@settings(max_examples=60, deadline=None)
@given(points=st.lists(st.tuples(st.floats(-3, 23, width=32), st.floats(-3, 23, width=32)),
                       max_size=60),
       subset=st.booleans(), dtype=st.sampled_from([np.float32, np.float64]),
       k=st.sampled_from([1.0, 0.5, 2.0, 1.3]))
def test_splat_matches_the_rule_node_by_node(points, subset, dtype, k):
    x = np.array([p[0] for p in points], dtype=dtype)
    y = np.array([p[1] for p in points], dtype=dtype)
    pixels = np.arange(1, len(points) + 1, dtype=np.uint32) * np.uint32(0x01030507)
    rows = np.arange(0, len(points), 2, dtype=np.int64) if subset else None
    ours = np.zeros((16, 20), dtype=np.uint32)
    _raster.splat(ours, x, y, pixels, rows, 0.5, 18.0, k)
    want = splat_by_hand(np.zeros((16, 20), dtype=np.uint32), x, y, pixels, rows, 0.5,
                         18.0, k)
    assert (ours == want).all()


def test_splat_skips_nan_and_rejects_bad_rows():
    img = np.zeros((8, 8), dtype=np.uint32)
    x = np.array([np.nan, 3.0, np.inf]); y = np.array([1.0, np.nan, 2.0])
    _raster.splat(img, x, y, np.ones(3, np.uint32), None, 0.0, 8.0, 1.0)
    assert not img.any()
    with pytest.raises(ValueError, match="row 3 is not a node"):
        _raster.splat(img, x, y, np.ones(3, np.uint32), np.array([0, 3]), 0.0, 8.0, 1.0)
    with pytest.raises(ValueError, match="one x, y and pixel per node"):
        _raster.splat(img, x, y, np.ones(2, np.uint32), None, 0.0, 8.0, 1.0)
    with pytest.raises(TypeError, match="'pixels' must not be None"):
        _raster.splat(img, x, y, None, None, 0.0, 8.0, 1.0)
