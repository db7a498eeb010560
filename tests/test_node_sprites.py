"""Stamped PNG nodes (groggy/viz/node_sprites.py and ``_raster.stamp``) against the
references they replace: the stamp kernel against a NumPy source-over blend, the coverage
masks against a supersampled disc, and whole drawings against the same scene drawn by
Skia pass by pass (``render._png(..., stamped=False)``) and against an oracle (the same
scene drawn 4x finer by Skia and averaged): shapes, outlines, per-node colours and sizes,
nodes partly off the page, huge and zero sizes, NaN positions, several dpi."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

skia = pytest.importorskip("skia")

import groggy as gg  # noqa: E402
from groggy._core import _raster  # noqa: E402
from groggy.themes import get_theme  # noqa: E402
from groggy.viz import render  # noqa: E402
import groggy.viz.node_sprites as node_sprites  # noqa: E402
from groggy.viz.node_sprites import (MAX_SIDE, PHASES, NodePass, mask_side,  # noqa: E402
                                     render_cells)
from groggy.viz.style import SHAPES, Style  # noqa: E402


# --------------------------------------------------------------------------- the kernel

def blend_reference(img, mask, left, top, argb):
    """Source-over of ``argb`` at coverage mask/255 onto premultiplied BGRA pixels, in
    floating point."""
    out = img.astype(float)
    a = ((argb >> 24) & 255) / 255
    src = np.array([argb & 255, (argb >> 8) & 255, (argb >> 16) & 255, 255], float) * a
    src[3] = 255 * a
    h, w = img.shape[:2]
    side = mask.shape[0]
    for i in range(side):
        for j in range(side):
            y, x = top + i, left + j
            if 0 <= y < h and 0 <= x < w:
                c = mask[i, j] / 255
                out[y, x] = out[y, x] * (1 - a * c) + src * c
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9), st.integers(-12, 30), st.integers(-12, 30),
       st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_stamp_blends_like_source_over_and_clips_to_the_image(side, left, top, argb, seed):
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (20, 24, 4), dtype=np.uint8)
    img[..., :3] = np.minimum(img[..., :3], img[..., 3:])      # valid premultiplied
    mask = rng.integers(0, 256, (side, side), dtype=np.uint8)
    mask[0, 0], mask[-1, -1] = 0, 255
    want = blend_reference(img, mask, left, top, argb)
    ours = img.copy()
    masks = np.concatenate([np.zeros(5, np.uint8), mask.ravel()])  # a mask not at 0
    _raster.stamp(ours.view(np.uint32)[..., 0], masks, np.array([5]), np.array([side]),
                  np.array([left]), np.array([top]), np.array([argb], np.uint32))
    assert np.abs(ours - want).max() <= 3          # 8-bit fixed point, truncated
    assert (ours[..., :3] <= ours[..., 3:]).all()                  # still premultiplied


def test_stamps_are_blended_in_order():
    img = np.zeros((4, 4, 4), np.uint8)
    full = np.full(4, 255, np.uint8)
    # red then blue on the same pixels: blue on top; the other order: red on top
    for colors, bgr in (([0xFFFF0000, 0xFF0000FF], (255, 0, 0)),
                        ([0xFF0000FF, 0xFFFF0000], (0, 0, 255))):
        _raster.stamp(img.view(np.uint32)[..., 0], full, np.array([0, 0]),
                      np.array([2, 2]), np.array([1, 1]), np.array([1, 1]),
                      np.array(colors, np.uint32))
        assert tuple(img[1, 1, :3]) == bgr and tuple(img[2, 2, :3]) == bgr
        assert tuple(img[0, 0]) == (0, 0, 0, 0)


def test_stamp_refuses_a_mask_outside_the_buffer():
    img = np.zeros((4, 4), np.uint32)
    with pytest.raises(ValueError, match="outside the mask buffer"):
        _raster.stamp(img, np.zeros(8, np.uint8), np.array([0]), np.array([3]),
                      np.array([0]), np.array([0]), np.array([0xFF000000], np.uint32))
    with pytest.raises(ValueError, match="one offset, side"):
        _raster.stamp(img, np.zeros(8, np.uint8), np.array([0]), np.array([1, 1]),
                      np.array([0]), np.array([0]), np.array([0xFF000000], np.uint32))


# --------------------------------------------------------------------------- the masks

def supersampled_disc(side, cx, cy, r, k=16):
    """Coverage (0-255) of each pixel of a side x side grid by the disc of radius r at
    (cx, cy), from k x k samples per pixel."""
    s = (np.arange(side * k) + 0.5) / k
    inside = (s[None, :] - cx) ** 2 + (s[:, None] - cy) ** 2 <= r * r
    return inside.reshape(side, k, side, k).mean((1, 3)) * 255


@pytest.mark.parametrize("diameter,scale", [(3.9, 1.0), (8.3, 1.0), (6.0, 2.0),
                                            (12.0, 1.5), (1.0, 1.0)])
def test_disc_masks_match_a_supersampled_disc_at_every_phase(diameter, scale):
    p = NodePass("dot", "circle", diameter, 0.0, 0xFF000000, np.arange(1), diameter / 2)
    side, centre = mask_side(diameter / 2 * scale)
    cells = render_cells(p, side, centre, np.array([scale, scale]), render.draw_pass)
    cells = cells.reshape(PHASES, PHASES, side, side).astype(float)
    r = diameter / 2 * scale
    for a in range(PHASES):
        for b in range(PHASES):
            # the true disc on a grid 2 pixels wider all round: none of it is cut off
            want = supersampled_disc(side + 4, centre + 2 + b / PHASES,
                                     centre + 2 + a / PHASES, r)
            got = cells[a, b]
            assert abs(got.sum() - want.sum()) <= 0.02 * want.sum() + 40   # same ink
            assert np.abs(got - want[2:-2, 2:-2]).max() <= 24, (a, b)     # same place


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-20, 1120), st.integers(-20, 330), st.integers(0, 3),
                          st.integers(0, 2**32 - 1)), max_size=60), st.integers(1, 4))
def test_any_thread_count_stamps_the_same_pixels(stamps, threads):
    """Bands of rows drawn on several threads: the same pixels as one thread, in order."""
    rng = np.random.default_rng(len(stamps))
    masks = rng.integers(0, 256, 4 * 100, dtype=np.uint8)
    sides = np.array([1, 4, 7, 10], np.int64)
    offsets = np.array([0, 1, 17, 66], np.int64)
    k = np.array([s[2] for s in stamps], np.int64)
    args = (masks, offsets[k], sides[k], np.array([s[0] for s in stamps], np.int64),
            np.array([s[1] for s in stamps], np.int64),
            np.array([s[3] for s in stamps], np.uint32))
    one, many = np.zeros((300, 1100), np.uint32), np.zeros((300, 1100), np.uint32)  # 6 bands
    _raster.stamp(one, *args, 1)
    _raster.stamp(many, *args, threads)
    assert np.array_equal(one, many)


# --------------------------------------------------------------------------- drawings

@pytest.fixture
def stamp_all(monkeypatch):
    """Stamp every pass that fits, however few its nodes (small scenes below)."""
    monkeypatch.setattr(node_sprites, "MIN_NODES", 1)


def scene_of(n, seed, width=220, height=160, theme="light", size=None, positions=None,
             colors=None, shapes=None, edges=False):
    rng = np.random.default_rng(seed)
    g = gg.Graph()
    g.add_nodes(n)
    if edges and n > 1:
        g.add_edges(list(range(n - 1)), list(range(1, n)))
    pos = rng.uniform(0, 1, (n, 2)) if positions is None else np.asarray(positions, float)
    scene = render.Scene(g.viz.graph_input(), pos, get_theme(theme), width, height,
                         Style(node_size=size))
    if colors is not None:
        scene.nodes.colors = np.asarray(colors, np.uint32)
    if shapes is not None:
        scene.nodes.shapes = np.asarray(shapes)
    return scene


def premultiplied(png: bytes) -> np.ndarray:
    image = skia.Image.MakeFromEncoded(skia.Data.MakeWithCopy(png))
    return image.toarray(colorType=skia.kRGBA_8888_ColorType,
                         alphaType=skia.kPremul_AlphaType).astype(float)


def truth(scene, dpi, k=4):
    """The oracle: the scene drawn by Skia alone k times finer, averaged over k x k
    blocks (near the exact coverage; Skia's 1x antialiasing snaps edges to 1/4 pixel).
    Hairline edges would be k times thinner there: the scenes compared have none."""
    big = premultiplied(render._png(scene, (dpi or 72.0) * k, stamped=False))
    h, w = big.shape[0] // k, big.shape[1] // k
    return big[:h * k, :w * k].reshape(h, k, w, k, 4).mean((1, 3))


def compare(scene, dpi=None):
    """(stamped, Skia-only, oracle) premultiplied RGBA of one scene."""
    ours = premultiplied(render._png(scene, dpi))
    old = premultiplied(render._png(scene, dpi, stamped=False))
    return ours, old, truth(scene, dpi)


def assert_close(scene, dpi=None):
    """The stamped nodes are at least as close to the oracle as Skia's own drawing
    (a mask displaces a node by at most 1/16 pixel, and is itself supersampled), and
    close to Skia's drawing everywhere: an edge pixel may differ by what Skia's 1/4-pixel
    snapping moves, a node's centre not at all."""
    ours, old, exact = compare(scene, dpi)
    assert ours.shape == old.shape == exact.shape
    assert (ours != old).any()                          # stamped: not Skia's pixels
    err_ours, err_old = np.abs(ours - exact), np.abs(old - exact)
    assert err_ours.mean() <= 1.1 * err_old.mean() + 0.02, (err_ours.mean(), err_old.mean())
    # worst pixel: thin rings (0.5-0.6 pt) where many overlap, each mask 1/16 px off
    assert err_ours.max() <= max(err_old.max(), 48) + 16, (err_ours.max(), err_old.max())
    assert np.abs(ours - old).max() <= 100
    w, h = ours.shape[1], ours.shape[0]
    px = scene.xy * [w / scene.width, h / scene.height]
    r = scene.nodes.sizes * w / scene.width / 2 + 2      # with the outline, in pixels
    with np.errstate(invalid="ignore"):                 # NaN positions: never apart
        apart = np.hypot(*(px[:, None] - px[None]).transpose(2, 0, 1)) >= \
            r[:, None] + r[None]
    np.fill_diagonal(apart, True)
    alone = np.flatnonzero(apart.all(1) & (r >= 5) & np.isfinite(px).all(1) &
                           (px >= 0).all(1) & (px < [w, h]).all(1))
    cx, cy = np.floor(px[alone]).astype(int).T        # a pixel well inside each node
    assert np.abs(ours[cy, cx] - old[cy, cx]).max(initial=0) <= 3
    return ours, old, alone.size


@pytest.mark.parametrize("theme", ["light", "dark", "publication", "minimal"])
@pytest.mark.parametrize("dpi", [None, 180])
def test_stamped_nodes_look_like_skia_nodes(stamp_all, theme, dpi):
    """Per-node colours, sizes and all four shapes, outlined (sizes >= 6) and not."""
    n = 60
    rng = np.random.default_rng(5)
    scene = scene_of(n, 1, theme=theme,
                     colors=rng.choice([0xFF1F77B4, 0xFFD62728, 0xFF2CA02C, 0xFF000000], n),
                     shapes=rng.integers(0, len(SHAPES), n))
    scene.nodes.sizes = rng.choice([2.0, 4.5, 6.0, 9.25, 14.0], n)
    assert assert_close(scene, dpi)[2] >= 5        # centres of lone nodes compared


def test_default_style_dense_drawing_matches(stamp_all):
    """Many small outlined discs of one colour, overlapping, as the default style
    draws a 2,000-node graph on a 400 x 300 page."""
    assert_close(scene_of(2000, 2, width=400, height=300))


def test_node_partly_off_the_page_is_clipped_like_skia(stamp_all):
    # the frame fits the layout to the page, so a viewport puts nodes across its edges
    pos = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.5]])
    scene = scene_of(5, 0, width=100, height=80, size=14.0, positions=pos)
    scene.frame = render.Frame(pos, (0, 0, 100, 80), (0.05, 0.05, 0.95, 0.95))
    scene.xy = scene.frame.points(pos)
    ours = assert_close(scene)[0]
    assert ours[0, 0, 3] > 0 and ours[-1, -1, 3] > 0           # the corner nodes, cut


def test_huge_nodes_are_left_to_skia_and_drawn_exactly_as_before(stamp_all):
    scene = scene_of(4, 3, width=300, height=300, size=120.0)
    assert 120 > MAX_SIDE                                        # wider than any mask
    ours, old, _ = compare(scene)
    assert np.array_equal(ours, old)


def test_translucent_fills_are_left_to_skia(stamp_all):
    scene = scene_of(50, 4, size=10.0, colors=np.full(50, 0x80D62728, np.uint32),
                     theme="minimal")                            # no outline
    ours, old, _ = compare(scene)
    assert np.array_equal(ours, old)
    ringed = scene_of(50, 4, size=10.0, colors=np.full(50, 0x80D62728, np.uint32))
    ringed.theme = {**ringed.theme, "node_stroke": "#000000"}   # opaque rings: stamped
    assert_close(ringed)


def test_zero_and_tiny_sizes(stamp_all):
    ours, old, _ = compare(scene_of(30, 6, size=0.0))
    assert np.array_equal(ours, old)
    assert_close(scene_of(30, 6, size=0.3))


def test_nan_positions_are_not_drawn_and_do_not_crash(stamp_all):
    scene = scene_of(20, 8, size=8.0)
    scene.xy[3] = np.nan                          # a node whose position is unknown
    scene.xy[7, 0] = np.inf
    assert_close(scene)


def test_few_nodes_are_drawn_by_skia_alone():
    """An atlas costs ~1,000 nodes' worth of Skia drawing: a small graph skips it."""
    ours, old, _ = compare(scene_of(50, 9, size=10.0))
    assert np.array_equal(ours, old)


def test_public_render_uses_the_stamps():
    """g.viz.render's PNG is the stamped drawing (edges and all), not Skia's."""
    g = gg.Graph()
    g.add_nodes({"kind": [i % 3 for i in range(900)]})     # 300 nodes of each colour
    g.add_edges(list(range(899)), list(range(1, 900)))
    layout = g.viz.compute_layout("circular")
    png = g.viz.render("png", layout=layout, width=600, height=600, node_color="kind",
                       node_size=7, legend=False)
    scene = render.Scene(g.viz.graph_input(), layout.node_positions, get_theme("light"),
                         600.0, 600.0, Style(node_color="kind", node_size=7, legend=False))
    assert np.array_equal(premultiplied(png), premultiplied(render._png(scene, None)))
    old = premultiplied(render._png(scene, None, stamped=False))
    assert 0 < np.abs(premultiplied(png) - old).max() <= 100
