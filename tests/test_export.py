"""Static export (PNG, SVG, PDF through skia): each format checked for real (PNG decoded
by Skia and its pixels read where the nodes must be, SVG parsed as XML and opened in
Chromium, PDF opened with pypdf and its text read), golden images per theme, the
styling from attributes, the delegated path of every type, bad input, and the CLI.

Layouts are given as fixed ``Layout`` objects (or the cheap circular/grid algorithms), so
that what is tested is the renderer, not a force layout."""
from __future__ import annotations

import inspect
import io
import os
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import skia

import groggy as gg
from groggy.foundation import BaseArray, BaseTable
from groggy.themes import THEMES
from groggy.viz import Layout
from groggy.viz.export import StaticImage
from groggy.web.chromium import HEADLESS_ARGS, MISSING, find_chromium

GOLDEN = Path(__file__).with_name("golden")
SVG = "{http://www.w3.org/2000/svg}"
CHROMIUM = find_chromium()


# --------------------------------------------------------------------------- helpers

def rgb(hex_colour: str) -> tuple:
    h = hex_colour.lstrip("#")
    return tuple(int(h[k:k + 2], 16) for k in (0, 2, 4))


def decode(png: bytes) -> np.ndarray:
    """(h, w, 4) RGBA, decoded by Skia (not by groggy's encoder)."""
    image = skia.Image.MakeFromEncoded(skia.Data.MakeWithCopy(png))
    assert image is not None, "not a decodable PNG"
    return image.toarray(colorType=skia.kRGBA_8888_ColorType,
                         alphaType=skia.kUnpremul_AlphaType)


def near(pixel, colour, tol=3) -> bool:
    return all(abs(int(p) - c) <= tol for p, c in zip(pixel[:3], colour))


def svg_shapes(data: bytes) -> dict:
    """Filled shapes of an SVG by tag (``ellipse``, ``rect``, ``path``), and its texts."""
    root = ET.fromstring(data)
    out: dict = {"texts": []}
    for el in root.iter():
        tag = el.tag.replace(SVG, "")
        if tag == "text":
            out["texts"].append("".join(el.itertext()).strip())
        elif el.get("fill", "black") != "none":
            out.setdefault(tag, []).append(el)
    return out


def square_graph(directed=False) -> tuple:
    """4 nodes at the corners of a square (layout fixed), a cycle of edges."""
    g = gg.Graph(directed=directed)
    g.add_nodes({"club": ["x", "y", "x", "y"], "score": [0.0, 1.0, 2.0, 4.0],
                 "name": ["Ann", "Bob", "Cid", "Dee"]})
    g.add_edges([0, 1, 2, 3], [1, 2, 3, 0], weight=[1.0, 2.0, 3.0, 4.0])
    layout = Layout(np.array([[-1.0, 1.0], [1.0, 1.0], [1.0, -1.0], [-1.0, -1.0]]),
                    np.arange(4), "fixed", {})
    return g, layout


# The page geometry the docstrings promise: layout fitted into the page less a margin of
# (largest node radius + 8) points on every side, y up. With 200 x 200 points and
# 20-point nodes the margin is 18, so the corners land at 18 and 182.
CORNERS = {0: (18, 18), 1: (182, 18), 2: (182, 182), 3: (18, 182)}


@pytest.fixture(scope="module")
def square():
    return square_graph()


@pytest.fixture(scope="module")
def karate():
    """A small fixed graph for golden images: two clubs, labels, weights."""
    rng = np.random.default_rng(7)
    n = 16
    g = gg.Graph()
    g.add_nodes({"club": ["a" if i < 8 else "b" for i in range(n)],
                 "name": [f"v{i}" for i in range(n)]})
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)
             if (i < 8) == (j < 8) and rng.random() < 0.35 or rng.random() < 0.04]
    src, dst = zip(*pairs)
    g.add_edges(list(src), list(dst), weight=rng.random(len(pairs)).tolist())
    angle = np.arange(n) * 2 * np.pi / 8                          # two rings of 8
    shift = np.where(np.arange(n) < 8, -1.3, 1.3)
    pos = np.stack([np.cos(angle) + shift, np.sin(angle)], 1)
    return g, Layout(pos, np.arange(n), "fixed", {})


# --------------------------------------------------------------------------- PNG

@pytest.mark.parametrize("theme", sorted(THEMES))
def test_png_has_the_right_size_and_node_pixels_in_theme_colours(square, theme):
    g, layout = square
    png = g.viz.render("png", layout=layout, theme=theme, width=200, height=200, dpi=144,
                       node_size=20, legend=False)
    img = decode(png)
    assert img.shape == (400, 400, 4)
    node = rgb(THEMES[theme]["node"])
    for x, y in CORNERS.values():
        assert near(img[2 * y, 2 * x], node), (theme, x, y, img[2 * y, 2 * x])
        assert img[2 * y, 2 * x, 3] == 255
    corner = img[2, 2]
    if THEMES[theme]["background"] == "transparent":
        assert corner[3] == 0
    else:
        assert near(corner, rgb(THEMES[theme]["background"])) and corner[3] == 255
    # the middle of the square is empty page: no node, no edge
    assert not near(img[200, 200], node)


def test_png_pixel_size_follows_dpi_and_records_it(square):
    g, layout = square
    png = g.viz.render(layout=layout, width=101, height=50, dpi=100)
    assert decode(png).shape[:2] == (69, 140)      # round(50 * 100/72), round(101 * 100/72)
    at = png.index(b"pHYs")
    ppm_x, ppm_y, unit = struct.unpack(">IIB", png[at + 4:at + 13])
    assert (ppm_x, ppm_y, unit) == (3937, 3937, 1)      # 100 dpi in pixels per metre
    assert decode(g.viz.render(layout=layout, width=101, height=50)).shape[:2] == (50, 101)


def test_categorical_colours_take_the_palette_in_sorted_order(square):
    g, layout = square
    img = decode(g.viz.render(layout=layout, width=200, height=200, node_size=20,
                              node_color="club", legend=False))
    palette = [rgb(c) for c in THEMES["light"]["palette"].split(",")]
    for i, club in enumerate(["x", "y", "x", "y"]):
        x, y = CORNERS[i]
        assert near(img[y, x], palette["xy".index(club)])


def test_continuous_colours_span_the_ramp(square):
    g, layout = square
    img = decode(g.viz.render(layout=layout, width=200, height=200, node_size=20,
                              node_color="score", legend=False, theme="dark"))
    stops = [rgb(c) for c in THEMES["dark"]["colormap"].split(",")]
    assert near(img[CORNERS[0][1], CORNERS[0][0]], stops[0])     # score 0: the low end
    assert near(img[CORNERS[3][1], CORNERS[3][0]], stops[-1])    # score 4: the high end
    mid = img[CORNERS[1][1], CORNERS[1][0]]                       # score 1: in between
    assert not near(mid, stops[0]) and not near(mid, stops[-1])


def test_node_size_by_degree_within_the_range():
    g = gg.Graph()
    g.add_nodes(4)
    g.add_edges([0, 0, 0], [1, 2, 3])                           # a star: 0 has degree 3
    layout = Layout(np.array([[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [0.0, -1.0]]),
                    np.arange(4), "fixed", {})
    img = decode(g.viz.render(layout=layout, width=300, height=300, node_size="degree",
                              size_range=(4, 40), edge_width=0.0))
    node = rgb(THEMES["light"]["node"])
    # margin = 20 + 9 (3% of 300) = 29; x spans -1..1 over 29..271 (121 points per
    # unit), y spans -1..0 around the middle, so node 0 sits at (150, 150 - 60.5) and
    # node 1 at (271, 89.5); node 0 has a 40-point diameter, node 1 a 4-point one
    assert near(img[89, 150 + 16], node) and near(img[89 - 16, 150], node)
    assert near(img[89, 270], node) and not near(img[89 - 6, 271], node)


def test_edge_width_from_an_attribute():
    g = gg.Graph()
    g.add_nodes(4)
    g.add_edges([0, 2], [1, 3], weight=[1.0, 5.0])
    layout = Layout(np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 2.0], [4.0, 2.0]]),
                    np.arange(4), "fixed", {})
    img = decode(g.viz.render(layout=layout, width=400, height=200, node_size=2,
                              edge_width="weight", width_range=(1, 9),
                              edge_color="#000000"))
    column = img[:, 200, 0]                                      # red channel down x = 200
    dark = np.flatnonzero(column < 128)
    runs = np.split(dark, np.flatnonzero(np.diff(dark) > 1) + 1)
    widths = sorted(len(r) for r in runs)
    assert len(runs) == 2 and widths[0] <= 2 and 8 <= widths[1] <= 10


def test_publication_is_black_and_white_with_shapes_per_category(square):
    g, layout = square
    img = decode(g.viz.render(layout=layout, theme="publication", node_color="club",
                              label="name", title="Fig. 1", width=300, height=200))
    assert (img[..., 0] == img[..., 1]).all() and (img[..., 1] == img[..., 2]).all()
    shapes = svg_shapes(g.viz.render("svg", layout=layout, theme="publication",
                                     node_color="club", legend=False))
    assert len(shapes.get("ellipse", [])) == 2 and len(shapes.get("rect", [])) == 1 + 2


# --------------------------------------------------------------------------- golden

def similar(a: np.ndarray, b: np.ndarray) -> bool:
    """Same size, mean channel difference under 1.5 and under 0.5% of pixels off by
    more than 48 in some channel (room for anti-aliasing differences between Skias)."""
    if a.shape != b.shape:
        return False
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16))
    return diff.mean() < 1.5 and (diff.max(-1) > 48).mean() < 0.005


def golden_render(karate, theme):
    g, layout = karate
    return g.viz.render(layout=layout, theme=theme, width=320, height=240, dpi=96,
                        node_color="club", label="name", edge_width="weight",
                        title="groggy", node_size="degree", size_range=(6, 14))


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_golden_image(karate, theme):
    png = golden_render(karate, theme)
    path = GOLDEN / f"{theme}.png"
    if os.environ.get("GROGGY_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(png)
    assert path.is_file(), f"{path} is missing; run with GROGGY_UPDATE_GOLDEN=1 once"
    assert similar(decode(png), decode(path.read_bytes())), \
        f"the {theme} drawing differs from {path}"


def test_golden_comparison_can_fail(karate):
    light = decode(golden_render(karate, "light"))
    assert not similar(light, decode((GOLDEN / "sleek.png").read_bytes()))
    assert not similar(light, decode((GOLDEN / "dark.png").read_bytes()))
    g, layout = karate
    moved = Layout(layout.node_positions * [1.0, 0.8], layout.node_ids, "fixed", {})
    other = g.viz.render(layout=moved, theme="light", width=320, height=240, dpi=96,
                         node_color="club", label="name", edge_width="weight",
                         title="groggy", node_size="degree", size_range=(6, 14))
    assert not similar(decode(other), decode((GOLDEN / "light.png").read_bytes()))


# --------------------------------------------------------------------------- SVG, PDF

def test_svg_parses_with_one_filled_shape_per_node(square):
    g, layout = square
    data = g.viz.render("svg", layout=layout, label="name", legend=False, width=300,
                        height=200)
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 300 200"
    shapes = svg_shapes(data)
    assert len(shapes["ellipse"]) == 4
    assert sorted(shapes["texts"]) == ["Ann", "Bob", "Cid", "Dee"]
    squares = svg_shapes(g.viz.render("svg", layout=layout, node_shape="square",
                                      legend=False))
    assert len(squares["rect"]) == 1 + 4                          # the page, the nodes
    triangles = svg_shapes(g.viz.render("svg", layout=layout, node_shape="triangle",
                                        theme="minimal"))
    assert "ellipse" not in triangles and len(triangles["path"]) == 4


def test_pdf_opens_with_its_labels_as_text(square):
    pypdf = pytest.importorskip("pypdf")
    g, layout = square
    data = g.viz.render("pdf", layout=layout, label="name", node_color="club",
                        title="Four nodes", width=300, height=200)
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (300.0, 200.0)
    text = page.extract_text()
    for word in ["Ann", "Bob", "Cid", "Dee", "Four nodes", "club"]:
        assert word in text
    fonts = str(page["/Resources"]["/Font"].get_object().values())
    assert b"DejaVu" in data or "DejaVu" in fonts


def test_svg_opens_in_chromium(square, tmp_path, playwright_driver):
    assert CHROMIUM, MISSING
    g, layout = square
    path = g.viz.export(tmp_path / "g.svg", layout=layout, width=200, height=200,
                        node_size=20, label="name", legend=False)
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=HEADLESS_ARGS + ["--disable-gpu"])
    try:
        page = browser.new_page(viewport={"width": 200, "height": 200})
        page.goto(path.as_uri())
        boxes = page.evaluate("[...document.querySelectorAll('text')]"
                              ".map(t => t.getBBox().width)")
        shot = page.screenshot()
    finally:
        browser.close()
    assert len(boxes) == 4 and min(boxes) > 5
    img = decode(shot)
    node = rgb(THEMES["light"]["node"])
    for x, y in CORNERS.values():
        assert near(img[y, x], node, tol=6)


# --------------------------------------------------------------------------- options

def test_labels_that_do_not_fit_are_left_out():
    g = gg.Graph()
    g.add_nodes({"name": [f"node-{i}" for i in range(30)]})
    pos = np.zeros((30, 2))
    pos[1:, 0] = np.linspace(0, 1e-3, 29)                         # all on one spot
    pos[0] = [10.0, 10.0]
    data = g.viz.render("svg", layout=Layout(pos, np.arange(30), "fixed", {}),
                        label="name", width=400, height=300)
    texts = svg_shapes(data)["texts"]
    assert "node-0" in texts and 2 <= len(texts) <= 6            # a few around the pile


def test_labels_default_off_for_large_graphs_unless_asked():
    n = 1500
    g = gg.Graph()
    g.add_nodes({"name": [f"n{i}" for i in range(n)]})
    layout = Layout(np.random.default_rng(1).random((n, 2)), np.arange(n), "fixed", {})
    assert svg_shapes(g.viz.render("svg", layout=layout, label="name"))["texts"] == []
    shown = svg_shapes(g.viz.render("svg", layout=layout, label="name",
                                    show_labels=True))["texts"]
    assert 20 < len(shown) < n                                   # only those that fit


def test_arrows_for_directed_graphs_and_curved_edges():
    g, layout = square_graph(directed=True)
    edge = THEMES["light"]["edge"].upper()

    def arrowheads(data):   # filled paths in the edge colour
        return [p for p in svg_shapes(data).get("path", [])
                if p.get("fill", "").upper() in (edge, "#AAA")]
    assert len(arrowheads(g.viz.render("svg", layout=layout))) == 1
    assert arrowheads(g.viz.render("svg", layout=layout, arrows=False)) == []
    undirected, _ = square_graph()
    assert arrowheads(undirected.viz.render("svg", layout=layout)) == []
    root = ET.fromstring(g.viz.render("svg", layout=layout, curved=True, arrows=False))
    strokes = [p.get("d") for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert strokes and all("Q" in d for d in strokes)


def test_png_hairline_edges_keep_their_arrowheads():
    # above 5,000 edges the PNG draws hairlines with its own kernel; arrows stay
    rng = np.random.default_rng(4)
    g = gg.Graph(directed=True)
    g.add_nodes(3000)
    g.add_edges(rng.integers(0, 3000, 6000), rng.integers(0, 3000, 6000))
    # nodes spread out at their default size (an arrowhead is never longer than its
    # target is wide: where nodes overlap, as on a circle of 3,000, they cover it)
    layout = Layout(rng.random((3000, 2)), np.arange(3000), "fixed", {})
    style = dict(layout=layout, edge_color="#000000")   # opaque ink
    with_arrows = decode(g.viz.render(**style))
    without = decode(g.viz.render(**style, arrows=False))
    assert (np.abs(with_arrows.astype(int) - without.astype(int)).max(-1) > 48).mean() > 5e-4


def test_viewport_culls_what_is_outside(square):
    g, layout = square
    data = g.viz.render("svg", layout=layout, viewport=(0.5, 0.5, 1.5, 1.5), legend=False)
    assert len(svg_shapes(data)["ellipse"]) == 1                  # only node 1 is inside


def test_title_and_legend_are_drawn(square):
    g, layout = square
    texts = svg_shapes(g.viz.render("svg", layout=layout, node_color="club",
                                    title="Clubs"))["texts"]
    assert {"Clubs", "club", "x", "y"} <= set(texts)
    assert "club" not in svg_shapes(g.viz.render("svg", layout=layout, node_color="club",
                                                 legend=False))["texts"]


def test_large_graph_renders_quickly():
    n, m = 20_000, 100_000
    rng = np.random.default_rng(3)
    g = gg.Graph()
    g.add_nodes({"block": rng.integers(0, 8, n)})
    src = rng.integers(0, n, m)
    g.add_edges(src, (src + rng.integers(1, 50, m)) % n)
    layout = Layout(rng.normal(size=(n, 2)), np.arange(n), "fixed", {})
    start = time.perf_counter()
    png = g.viz.render(layout=layout, width=1200, height=900, node_color="block")
    assert time.perf_counter() - start < 10
    img = decode(png)
    assert img.shape == (900, 1200, 4)
    background = (img[..., :3] == 255).all(-1)
    assert 0.05 < 1 - background.mean() < 0.95                   # ink, but not a blot


# --------------------------------------------------------------------------- layouts

def test_one_layout_exported_many_times(square, tmp_path):
    g, layout = square
    a = g.viz.export(tmp_path / "a.png", layout=layout)
    b = g.viz.static_viz(tmp_path / "b.png", layout=layout)
    assert a.read_bytes() == b.read_bytes() == g.viz.render(layout=layout)
    # a layout of the whole graph serves a part of it
    part = g.nodes[[1, 2]]
    shapes = svg_shapes(part.viz.render("svg", layout=layout, legend=False))
    assert len(shapes["ellipse"]) == 2


def test_layout_by_name_and_params(square):
    g, _ = square
    grid = g.viz.compute_layout("grid", spacing=3.0)
    assert g.viz.render(layout="grid", layout_params={"spacing": 3.0}) == \
        g.viz.render(layout=grid)
    with pytest.raises(ValueError, match="unknown layout algorithm 'nope'"):
        g.viz.render(layout="nope")
    with pytest.raises(ValueError, match="layout_params"):
        g.viz.render(layout=grid, layout_params={"spacing": 1.0})
    with pytest.raises(TypeError, match="layout must be"):
        g.viz.render(layout=3)


def test_layout_missing_nodes_is_an_error(square):
    g, _ = square
    small = Layout(np.zeros((2, 2)), np.array([0, 1]), "fixed", {})
    with pytest.raises(ValueError, match=r"no position for node\(s\) \[2, 3\]"):
        g.viz.render(layout=small)


def test_show_static_displays_in_notebooks(square):
    g, layout = square
    img = g.viz.show_static(layout=layout, width=120, height=90, dpi=144)
    assert isinstance(img, StaticImage) and img._repr_svg_() is None
    assert decode(img._repr_png_()).shape[:2] == (180, 240)
    svg = g.viz.show_static("svg", layout=layout)
    assert svg._repr_png_() is None and svg._repr_svg_().lstrip().startswith("<?xml")


# --------------------------------------------------------------------------- delegation

def delegated_objects(g):
    """Every kind of object with ``viz``, and the nodes each should draw."""
    sub = g.nodes[[0, 1, 2]]
    return {
        "Graph": (g, 6), "Subgraph": (sub, 3),
        "NodesTable": (g.nodes.table(), 6), "EdgesTable": (g.edges.table(), 6),
        "GraphTable": (g.table(), 6), "Matrix": (g.adjacency_matrix(), 6),
        "NodesArray": (g.nodes.ids(), 6), "EdgesArray": (g.edges.ids(), 6),
        "ComponentsArray": (g.connected_components(), 6),
        "NodesTable[:2]": (g.nodes.table().head(2), 2),
        "EdgesTable[:1]": (g.edges.table().head(1), 2),
        "sub NodesTable": (sub.nodes.table(), 3),
    }


@pytest.fixture(scope="module")
def six():
    g = gg.Graph()
    g.add_nodes({"club": list("aabbcc")})
    g.add_edges([0, 1, 2, 3, 4], [1, 2, 3, 4, 5])
    return g, g.viz.compute_layout("circular")


@pytest.mark.parametrize("name", [
    "Graph", "Subgraph", "NodesTable", "EdgesTable", "GraphTable", "Matrix", "NodesArray",
    "EdgesArray", "ComponentsArray", "NodesTable[:2]", "EdgesTable[:1]", "sub NodesTable"])
def test_every_type_exports_through_the_delegated_path(six, name, tmp_path):
    g, layout = six
    obj, nodes = delegated_objects(g)[name]
    if not isinstance(obj, (gg.Graph, type(g.nodes[[0]]))):
        foundation = BaseTable if isinstance(obj, BaseTable) else BaseArray
        attr = inspect.getattr_static(type(obj), "viz")
        assert getattr(attr.fget, "__delegated_from__", None) is foundation
    out = obj.viz.export(tmp_path / "g.svg", layout=layout, node_color="club", legend=False)
    assert len(svg_shapes(out.read_bytes())["ellipse"]) == nodes
    assert decode(obj.viz().render(layout=layout, width=50, height=40)).shape == (40, 50, 4)


@pytest.mark.parametrize("make", [lambda g: gg.array([1, 2]), lambda g: gg.table({"x": [1]})],
                         ids=["NumArray", "Table"])
def test_objects_without_a_graph_say_so(six, make):
    # (arrays taken from a graph, such as g.degree(), draw it: tests/test_viz_origin.py)
    with pytest.raises(TypeError, match="did not come from a graph, so there is nothing"):
        make(six[0]).viz.render(layout="circular")


# --------------------------------------------------------------------------- bad input

def test_format_from_the_extension(square, tmp_path):
    g, layout = square
    assert g.viz.export(tmp_path / "a.PDF", layout=layout).read_bytes()[:5] == b"%PDF-"
    assert g.viz.export(tmp_path / "a.svg", layout=layout).read_bytes()[:5] == b"<?xml"
    out = g.viz.export(tmp_path / "a.img", format="png", layout=layout)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name, kwargs, error, match", [
    ("a.jpg", {}, ValueError, r"cannot tell the format from 'a.jpg'"),
    ("a.png", {"format": "gif"}, ValueError,
     r"unknown format 'gif'; choose one of \['png', 'svg', 'pdf'\]"),
    ("a.png", {"theme": "neon"}, ValueError,
     r"unknown theme 'neon'; choose one of \['dark'"),
    ("a.png", {"node_colour": "club"}, TypeError,
     r"unknown style argument\(s\) \['node_colour'\]"),
    ("a.png", {"node_color": "age"}, ValueError,
     r"node_color='age' is neither a colour nor an attribute: the nodes have no "
     r"attribute 'age'; attributes are \['club', 'score', 'name'\]"),
    ("a.png", {"node_size": "age"}, ValueError,
     r"node_size='age': the nodes have no attribute 'age'"),
    ("a.png", {"edge_width": "w"}, ValueError,
     r"edge_width='w': the edges have no attribute 'w'; attributes are \['weight'\]"),
    ("a.png", {"label": "nick"}, ValueError, r"label='nick': the nodes have no attribute 'nick'"),
    ("a.png", {"node_shape": "star"}, ValueError, r"unknown node_shape 'star'"),
    ("a.png", {"node_size": "name"}, ValueError, "holds strings"),
    ("a.png", {"width": 0}, ValueError, "positive"),
    ("a.png", {"dpi": 100_000}, ValueError, "pixels"),
    ("no/a.png", {}, FileNotFoundError, "the directory .*no does not exist"),
    (".", {"format": "png"}, IsADirectoryError, "is a directory"),
])
def test_bad_input_is_a_clear_error_and_leaves_no_file(square, tmp_path, name, kwargs,
                                                       error, match):
    g, layout = square
    with pytest.raises(error, match=match):
        g.viz.export(tmp_path / name, layout=layout, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(square, tmp_path,
                                                             monkeypatch):
    g, layout = square
    target = tmp_path / "g.png"
    target.write_bytes(b"old")

    def broken(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="cannot write the PNG to .*No space left"):
        g.viz.export(target, layout=layout)
    assert target.read_bytes() == b"old" and sorted(tmp_path.iterdir()) == [target]


# --------------------------------------------------------------------------- font, CLI

def test_the_shipped_font_is_used():
    from groggy.viz import render
    assert render.FONT_FILE.is_file() and (render.FONT_FILE.parent / "LICENSE").is_file()
    assert render.typeface().getFamilyName() == "DejaVu Sans"


def test_cli_renders_a_stored_graph(square, tmp_path):
    g, _ = square
    store = g.save(tmp_path / "g.groggy")
    out = tmp_path / "g.png"
    cmd = [sys.executable, "-m", "groggy", "render", str(store), str(out), "--layout",
           "circular", "--theme", "dark", "--width", "300", "--height", "200", "--dpi",
           "144", "--node-color", "club", "--node-size", "degree", "--label", "name",
           "--title", "Four"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout and done.stderr == ""
    img = decode(out.read_bytes())
    assert img.shape == (400, 600, 4) and near(img[1, 1], rgb(THEMES["dark"]["background"]))
    bad = subprocess.run(cmd[:5] + [str(tmp_path / "x.png"), "--layout", "circular",
                                    "--node-color", "nope"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "node_color='nope'" in bad.stderr
    assert not (tmp_path / "x.png").exists()
