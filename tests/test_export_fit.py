"""Figures that fill the page: fitting (coverage and margin, from the PNG's pixels and
from the scene's geometry), default node sizes from the drawing's density, edges and
arrowheads ending on node outlines (against a brute-force point-on-outline oracle), the
publication theme's greys (every pixel R = G = B), halos, the legend's reserved column,
numeric colours on a ramp, ``node_id`` / ``edge_id`` labels and the file mode."""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import skia

import groggy as gg
from groggy.themes import get_theme
from groggy.viz import Layout
from groggy.viz.ends import UNIT_CORNERS
from groggy.viz.fit import keeps_aspect, margin
from groggy.viz.render import Scene
from groggy.viz.style import SHAPES, Style, parse_color

SVG = "{http://www.w3.org/2000/svg}"


def decode(png: bytes) -> np.ndarray:
    image = skia.Image.MakeFromEncoded(skia.Data.MakeWithCopy(png))
    assert image is not None
    return image.toarray(colorType=skia.kRGBA_8888_ColorType,
                         alphaType=skia.kUnpremul_AlphaType)


def ink_box(img: np.ndarray, background=(255, 255, 255)) -> tuple:
    """(x0, y0, x1, y1) of the pixels that differ from the background."""
    ink = np.abs(img[..., :3].astype(int) - np.array(background)).max(-1) > 8
    ys, xs = np.nonzero(ink)
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def scene_of(g, layout, theme="light", width=800.0, height=600.0, **style) -> Scene:
    """The scene ``render`` draws (same fitting, an array's colours), for its geometry."""
    options = Style.from_kwargs(g.viz._coloured(style))
    if options.keep_aspect is None:
        options.keep_aspect = keeps_aspect(layout.algorithm)
    graph = g.viz.graph_input()
    return Scene(graph, layout.node_positions, get_theme(theme), width, height, options)


@pytest.fixture(scope="module")
def karate():
    g = gg.generators.karate_club()
    return g, g.viz.compute_layout(seed=3)


@pytest.fixture(scope="module")
def tree():
    g = gg.generators.tree(200)
    return g, g.viz.compute_layout("hierarchical")


# --------------------------------------------------------------------------- fitting

@pytest.mark.parametrize("which", ["karate", "tree"])
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_the_drawing_fills_the_page_inside_the_margin(which, fmt, karate, tree):
    g, layout = {"karate": karate, "tree": tree}[which]
    w, h = 800, 600
    pad = margin(w, h)
    if fmt == "png":
        x0, y0, x1, y1 = ink_box(decode(g.viz.render(layout=layout, width=w, height=h)))
    else:   # the nodes' circles in the SVG, with their radii
        root = ET.fromstring(g.viz.render("svg", layout=layout, width=w, height=h))
        circles = [(float(e.get("cx")), float(e.get("cy")), float(e.get("rx")))
                   for e in root.iter(f"{SVG}ellipse") if e.get("fill") != "none"]
        assert len(circles) == g.node_count()
        c = np.array(circles)
        x0, y0 = (c[:, :2] - c[:, 2:]).min(0)
        x1, y1 = (c[:, :2] + c[:, 2:]).max(0)
    assert max((x1 - x0) / w, (y1 - y0) / h) >= 0.8, (x0, y0, x1, y1)
    assert x0 >= pad - 1 and y0 >= pad - 1 and x1 <= w - pad + 1 and y1 <= h - pad + 1
    if which == "tree":   # layers spread down the page too: no thin band
        assert (x1 - x0) / w >= 0.8 and (y1 - y0) / h >= 0.8


def test_a_tree_drawn_left_right_fills_the_page_too(tree):
    g, _ = tree
    layout = g.viz.compute_layout("hierarchical", direction="left-right")
    s = scene_of(g, layout, "publication")
    span = s.xy.max(0) - s.xy.min(0)
    assert span[0] >= 0.8 * 800 - 2 * s.nodes.sizes.max() and span[1] >= 0.8 * 600 - 40


def test_keep_aspect_keeps_distances_and_can_be_switched(tree):
    g, layout = tree
    kept = scene_of(g, layout, keep_aspect=True)
    assert kept.frame.scale[0] == kept.frame.scale[1]
    filled = scene_of(g, layout)
    assert filled.frame.scale[1] > 2 * filled.frame.scale[0]   # 7 layers, 100 leaves


# --------------------------------------------------------------------------- sizes

def test_every_node_of_a_200_node_tree_is_visible_at_the_default_size(tree):
    g, layout = tree
    for theme in ("light", "publication", "dark"):
        s = scene_of(g, layout, theme)
        img = decode(g.viz.render(layout=layout, theme=theme))
        bg = np.array(img[1, 1, :3], dtype=int)
        px = np.round(s.xy).astype(int)
        at = img[px[:, 1], px[:, 0], :3].astype(int)
        assert (np.abs(at - bg).max(1) > 40).all(), theme
        # neighbours in a layer do not overlap: centres at least a diameter apart
        d = np.hypot(*(s.xy[:, None, :] - s.xy[None, :, :]).transpose(2, 0, 1))
        np.fill_diagonal(d, np.inf)
        assert (d.min(1) >= s.nodes.sizes).all()
        assert s.nodes.sizes[0] >= 3.0


def test_default_sizes_follow_the_density(karate):
    g, layout = karate
    small = scene_of(g, layout).nodes.sizes[0]
    assert 10.0 <= small <= 600 / 25                       # 34 nodes: large, bounded
    rng = np.random.default_rng(5)
    n = 100_000
    big = gg.Graph()
    big.add_nodes(n)
    big.add_edges(rng.integers(0, n, 2000), rng.integers(0, n, 2000))
    spread = Layout(rng.random((n, 2)), np.arange(n), "fixed", {})
    tiny = scene_of(big, spread).nodes.sizes[0]
    assert 1.0 <= tiny <= 2.0                               # dots, never zero
    img = decode(big.viz.render(layout=spread))
    ink = np.abs(img[..., :3].astype(int) - 255).max(-1) > 8
    assert 0.2 < ink.mean() < 0.95                          # dots, not a blot


def test_degree_sizes_scale_from_the_default(karate):
    g, layout = karate
    default = scene_of(g, layout).nodes.sizes[0]
    sizes = scene_of(g, layout, node_size="degree").nodes.sizes
    deg = np.array(g.degree().to_list())
    assert sizes.min() == pytest.approx(0.5 * default, rel=0.02)
    assert sizes.max() == pytest.approx(2.0 * default, rel=0.02)
    assert sizes[deg.argmax()] == sizes.max() and sizes[deg.argmin()] == sizes.min()


# --------------------------------------------------------------------------- outlines

def on_outline(point, centre, shape: str, r: float, pad: float) -> float:
    """How far ``point`` is from the outer side of a node's outline: the shape of
    radius ``r`` stroked ``2 * pad`` wide with mitred corners (Skia's default join).
    A polygon stroked so is the intersection of its sides' half-planes, each moved out
    by ``pad``: ``point`` is on its boundary when the largest signed distance to them
    is zero."""
    if shape == "circle":
        return abs(np.hypot(*(point - centre)) - (r + pad))
    corners = UNIT_CORNERS[shape] * r
    worst = -np.inf
    for p, q in zip(corners, np.roll(corners, -1, 0)):
        normal = np.array([q[1] - p[1], p[0] - q[0]]) / np.hypot(*(q - p))
        if np.dot(normal, p) < 0:
            normal = -normal                                    # pointing out
        worst = max(worst, np.dot(point - centre, normal) - (np.dot(normal, p) + pad))
    return abs(worst)


def svg_paths(data: bytes) -> list:
    """(fill, stroke, points) of every subpath of the SVG's paths."""
    root = ET.fromstring(data)
    return [(p.get("fill"), p.get("stroke"),
             np.array(re.findall(r"-?[\d.]+(?:e-?\d+)?", part), float).reshape(-1, 2))
            for p in root.iter(f"{SVG}path") if p.get("d")
            for part in p.get("d").split("M")[1:]]


@pytest.mark.parametrize("theme", ["light", "publication"])
def test_arrowheads_and_edges_end_on_the_node_outlines(theme):
    rng = np.random.default_rng(2)
    g = gg.Graph(directed=True)
    g.add_nodes({"kind": [f"k{i % 4}" for i in range(12)]})
    src = np.arange(12)
    g.add_edges(src, (src + 5) % 12)
    layout = Layout(rng.random((12, 2)) * 10, np.arange(12), "fixed", {})
    style = dict(node_color="kind", legend=False, node_size=18, edge_color="#7a7a7a")
    s = scene_of(g, layout, theme, **style)
    data = g.viz.render("svg", layout=layout, theme=theme, **style)
    radii, pads, shapes = s.nodes.sizes / 2, s.outline_pad(), s.nodes.shapes
    assert pads.min() > 0.3                                      # outlined nodes
    tips = [pts[0] for fill, _, pts in svg_paths(data)
            if fill and fill.upper() == "#7A7A7A" and len(pts) == 4]
    assert len(tips) == 12
    def off(point, k):
        return on_outline(point, s.xy[k], SHAPES[shapes[k]], radii[k], pads[k])
    for i in range(12):   # edge i -> (i + 5) % 12: its tip on the target's outline
        j = (i + 5) % 12
        assert min(off(tip, j) for tip in tips) < 0.05, (i, j)
    lines = [pts for fill, stroke, pts in svg_paths(data)
             if fill == "none" and stroke and stroke.upper() == "#7A7A7A" and
             np.hypot(*(pts[1] - pts[0])) > 3]        # not the stubs over the halos
    starts = np.array([pts[0] for pts in lines])
    assert len(starts) == 12
    for i in range(12):   # and its line starts on the source's outline
        assert min(off(start, i) for start in starts) < 0.05, i


# --------------------------------------------------------------------------- publication

def grey_only(img: np.ndarray) -> bool:
    return bool((img[..., 0] == img[..., 1]).all() and (img[..., 1] == img[..., 2]).all())


@pytest.mark.parametrize("style", [
    dict(node_color="block"), dict(node_color="block", node_size="degree"),
    dict(node_color="block", node_size=4), dict(node_color="score", label="name"),
    dict(node_color="block", curved=True, title="Fig. 2", label="name", edge_width=1.5),
], ids=["categories", "degree", "size4", "ramp", "curved"])
def test_publication_pngs_hold_only_greys(style):
    rng = np.random.default_rng(11)
    n = 60
    g = gg.Graph(directed=True)
    g.add_nodes({"block": [f"b{i % 9}" for i in range(n)], "score": rng.random(n).tolist(),
                 "name": [f"n{i}" for i in range(n)]})
    g.add_edges(rng.integers(0, n, 150), rng.integers(0, n, 150))
    layout = g.viz.compute_layout(seed=1)
    for dpi in (None, 150):
        img = decode(g.viz.render(layout=layout, theme="publication", dpi=dpi, **style))
        assert grey_only(img), style
    assert len(np.unique(img[..., 0])) > 20                      # anti-aliased, yet grey


def test_publication_categories_differ_by_shape_and_grey_and_stay_outlined():
    g = gg.Graph()
    g.add_nodes({"c": [f"c{i:02d}" for i in range(20)]})
    layout = Layout(np.stack([np.arange(20) % 5, np.arange(20) // 5], 1).astype(float),
                    np.arange(20), "fixed", {})
    s = scene_of(g, layout, "publication", node_color="c", node_size=4, legend=False)
    pairs = set(zip(s.nodes.shapes.tolist(), s.nodes.colors.tolist()))
    assert len(pairs) == 20                                      # 20 distinct looks
    assert all(c & 0xFFFFFF in (0, 0xFFFFFF) or grey_only(
        np.array([[[(c >> 16) & 255, (c >> 8) & 255, c & 255]]])) for c in s.nodes.colors)
    # a white 4-point node keeps a dark outline: the ring around its centre is dark
    img = decode(g.viz.render(layout=layout, theme="publication", node_color="c",
                              node_size=4, legend=False, dpi=288))
    k = 1                                                        # "c01": white
    assert s.nodes.colors[k] & 0xFFFFFF == 0xFFFFFF
    x, y = np.round(s.xy[k] * 4).astype(int)
    row = img[y, x - 12:x + 13, 0].astype(int)
    assert row[12] > 200 and row[:12].min() < 100 and row[13:].min() < 100


def test_publication_nodes_have_a_halo_over_crossing_edges():
    g = gg.Graph()
    g.add_nodes(3)
    g.add_edge(0, 1)                               # passes right under node 2
    layout = Layout(np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 0.0]]), np.arange(3),
                    "fixed", {})
    s = scene_of(g, layout, "publication", node_size=12, edge_width=2)
    img = decode(g.viz.render(layout=layout, theme="publication", node_size=12,
                              edge_width=2, dpi=288))
    x, y = np.round(s.xy[2] * 4).astype(int)
    r = s.outline_radii()[2] * 4
    gap = img[y, int(x + r + 2), 0]                # just outside node 2's outline: halo
    assert gap > 200, gap
    assert img[y, int(x + r + 20), 0] < 128        # further on: the edge


# --------------------------------------------------------------------------- labels, legend

def test_labels_have_a_halo_in_every_theme_with_a_page(karate):
    g, layout = karate
    for theme in ("light", "dark", "sleek", "publication"):
        data = g.viz.render("svg", layout=layout, theme=theme, label="node_id")
        root = ET.fromstring(data)
        texts = [t for t in root.iter(f"{SVG}text")]
        bg = parse_color(get_theme(theme)["background"])
        halos = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none" and
                 parse_color(p.get("stroke") or "transparent") == bg and
                 float(p.get("stroke-width", 0)) > 2]
        assert len(texts) == g.node_count() and len(halos) == len(texts), theme
        assert sorted(int("".join(t.itertext())) for t in texts) == \
            list(range(g.node_count()))


def test_the_legend_never_covers_the_drawing(karate):
    g, layout = karate
    for width in (800, 400):
        s = scene_of(g, layout, width=width, height=300, node_color="club",
                     node_size="degree")
        x, y, w, h = s.legend_rect()
        r = s.outline_radii()
        right = (s.xy[:, 0] + r).max()
        assert right <= x, (right, x)
        assert (s.xy[:, 1] - r).min() >= 0 and (s.xy[:, 1] + r).max() <= 300


def test_node_and_edge_ids_as_labels(karate):
    g, layout = karate
    texts = [t for t in ET.fromstring(g.viz.render(
        "svg", layout=layout, label="node_id")).iter(f"{SVG}text")]
    assert len(texts) == g.node_count()
    edge_texts = ["".join(t.itertext()) for t in ET.fromstring(g.viz.render(
        "svg", layout=layout, label="edge_id", width=1600, height=1200)).iter(f"{SVG}text")]
    assert len(edge_texts) > g.edge_count() // 2
    assert set(map(int, edge_texts)) <= set(range(g.edge_count()))


# --------------------------------------------------------------------------- colour

def test_numeric_arrays_are_coloured_on_a_ramp(karate):
    g, layout = karate
    deg = g.degree()
    img = decode(deg.viz.render(layout=layout, legend=False, dpi=144))
    values = np.array(deg.to_list(), dtype=float)
    stops = [parse_color(c) for c in get_theme("light")["colormap"].split(",")]
    s = scene_of(g, layout, legend=False)
    lo, hi = int(values.argmin()), int(values.argmax())
    for k, stop in ((lo, stops[0]), (hi, stops[-1])):   # the ends of the ramp
        x, y = np.round(s.xy[k] * 2).astype(int)
        want = [(stop >> 16) & 255, (stop >> 8) & 255, stop & 255]
        assert np.abs(img[y, x, :3].astype(int) - want).max() <= 3
    # with a legend: a scale, not a list of categories
    tree = gg.generators.tree(15)                       # degrees 1..3: still a ramp
    legend = scene_of(tree.degree(), tree.viz.compute_layout("circular")).legend
    assert legend.ramp is not None and legend.entries is None


def test_integer_attributes_are_categories_only_when_they_are_codes():
    g = gg.Graph()
    g.add_nodes({"age": [30, 41, 77, 30], "block": [0, 1, 2, 1]})
    layout = Layout(np.random.default_rng(0).random((4, 2)), np.arange(4), "fixed", {})
    assert scene_of(g, layout, node_color="age").legend.ramp is not None
    assert scene_of(g, layout, node_color="block").legend.entries is not None
    assert scene_of(g, layout, node_color="node_id").legend.entries is not None


# --------------------------------------------------------------------------- files

@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_exported_files_honour_the_umask(karate, tmp_path, umask):
    g, layout = karate
    old = os.umask(umask)
    try:
        out = g.viz.export(tmp_path / "g.svg", layout=layout)
        saved = g.save(tmp_path / "g.groggy")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    manifest = next(saved.rglob("manifest.json"))
    assert out.stat().st_mode & 0o777 == manifest.stat().st_mode & 0o777
