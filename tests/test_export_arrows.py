"""Arrowheads sized for the drawing (issue 12), in SVG, PNG and PDF: on a dense DAG
(2,000 nodes, the gallery's size) every arrowhead is no longer than its target is wide,
wider than its edge's line (so it shows), and its tip sits on the target's outline; the
PNG's arrows add ink only next to the nodes they point at; big nodes keep full-size
heads. Oracles: the SVG's own paths and the PDF's content stream (each head a filled
triangle), the renderer's scene geometry for the node sizes and positions, a
brute-force point-on-outline distance and the PNG's pixels with and without arrows."""
from __future__ import annotations

import importlib.util
import io
import xml.etree.ElementTree as ET

from pathlib import Path

import numpy as np
import pypdf
import pytest

import groggy as gg
from groggy.themes import get_theme
from groggy.viz.export import bends_for, positions_for
from groggy.viz.fit import keeps_aspect
from groggy.viz.render import Scene
from groggy.viz.spatial import PointGrid
from groggy.viz.style import SHAPES, Style
from test_export_fit import SVG, decode, on_outline, svg_paths

W, H = 600.0, 450.0            # the gallery's page
EDGE = "#404040"


def gallery():
    """docs/make_gallery.py, whose ``dag`` draws the gallery's DAG (30 ranks, 1-2
    parents up to 3 ranks above each node: long edges bend)."""
    spec = importlib.util.spec_from_file_location(
        "make_gallery", Path(__file__).resolve().parents[1] / "docs" / "make_gallery.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scene_and_svg(g, layout, **style):
    graph = g.viz.graph_input()
    options = Style.from_kwargs(dict(style))
    options.keep_aspect = keeps_aspect(layout.algorithm)
    scene = Scene(graph, positions_for(layout, graph.node_ids), get_theme("light"), W, H,
                  options, bends_for(layout, graph))
    return scene, g.viz.render("svg", layout=layout, width=W, height=H, **style)


def heads_of(svg: bytes) -> list:
    """(tip, base corners) of every filled triangle in the edge colour."""
    return [(pts[0], pts[1:3]) for fill, _, pts in svg_paths(svg)
            if fill and fill.upper() == EDGE and len(pts) == 4]


def line_widths(svg: bytes) -> set:
    """The stroke widths of the edges' lines."""
    return {float(p.get("stroke-width", "1")) for p in ET.fromstring(svg).iter(f"{SVG}path")
            if p.get("fill") == "none" and (p.get("stroke") or "").upper() == EDGE}


@pytest.fixture(scope="module")
def dense_dag():
    g = gallery().dag(2000)
    return g, g.viz.compute_layout("hierarchical")


def test_arrowheads_of_a_dense_dag_fit_their_targets(dense_dag):
    g, layout = dense_dag
    scene, svg = scene_and_svg(g, layout, edge_color=EDGE)
    assert layout.edge_bends is not None                    # long edges bend
    sizes, xy = scene.nodes.sizes, scene.xy
    radii, pads = sizes / 2, scene.outline_pad()
    heads = heads_of(svg)
    m = int(g.viz.graph_input().sources.shape[0])
    assert len(heads) == m                                  # every edge has its head
    widths = line_widths(svg)
    assert widths and max(widths) < sizes.min()             # edges thinner than nodes
    dst = np.asarray(g.viz.graph_input().targets)
    pointed = np.zeros(g.node_count(), dtype=np.int64)
    for tip, base in heads:
        # the node whose outline the tip lies on: one of the targets (brute force)
        d = np.hypot(*(xy - tip).T)
        k = int(np.argmin(np.abs(d - radii - pads)))
        assert on_outline(tip, xy[k], SHAPES[scene.nodes.shapes[k]], radii[k], pads[k]) \
            < 0.05, (tip, k)
        pointed[k] += 1
        length = np.hypot(*(base.mean(0) - tip))
        assert length <= sizes[k] + 1e-3, (length, sizes[k])     # (the SVG's rounding)
        # wide enough to stand out of its line
        assert np.hypot(*(base[0] - base[1])) >= 1.5 * max(widths)
    # each node is pointed at once per edge into it
    assert pointed.tolist() == np.bincount(dst, minlength=g.node_count()).tolist()


def test_png_arrows_add_ink_only_next_to_the_nodes(dense_dag):
    g, layout = dense_dag
    scene, _ = scene_and_svg(g, layout, edge_color=EDGE)
    style = dict(layout=layout, width=W, height=H, edge_color=EDGE)
    on, off = (decode(g.viz.render(**style, arrows=a))[..., :3].astype(int)
               for a in (True, False))
    ys, xs = np.nonzero(np.abs(on - off).max(-1) > 24)
    # the arrows show (heads 1.6 px long at this density: a pixel or two each, shared
    # where edges meet)
    assert xs.size > int(g.viz.graph_input().sources.shape[0]) // 4
    # each changed pixel (centre) is within a node's radius + outline + one head length
    # (at most its diameter) + a pixel of anti-aliasing of some node's centre
    reach = scene.nodes.sizes / 2 + scene.outline_pad() + scene.nodes.sizes + 1.5
    px = np.stack([xs + 0.5, ys + 0.5], -1)
    grid = PointGrid(scene.xy)
    far = 0
    for p in px:
        near = grid.within((p[0] - 8, p[1] - 8, p[0] + 8, p[1] + 8))
        if not (np.hypot(*(scene.xy[near] - p).T) <= reach[near]).any():
            far += 1
    assert far == 0, far


def test_big_nodes_keep_full_size_arrowheads():
    g = gg.Graph(directed=True)
    g.add_nodes(3)
    g.add_edges([(0, 1), (1, 2)])
    layout = g.viz.compute_layout("hierarchical")
    scene, svg = scene_and_svg(g, layout, edge_color=EDGE, node_size=20, edge_width=1.0)
    heads = heads_of(svg)
    assert len(heads) == 2
    for tip, base in heads:
        assert np.hypot(*(base.mean(0) - tip)) == pytest.approx(4.0 + 2.5 * 1.0, abs=0.01)


def pdf_filled_triangles(pdf: bytes) -> list:
    """(fill colour as r, g, b, corners) of every three-cornered subpath the PDF's page
    fills: its content stream read operator by operator (``m``/``l`` build subpaths,
    ``rg`` sets the fill colour, ``f`` fills, a stroke ends the path)."""
    ops = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode(
        "latin1").split()
    out, path, stack, fill = [], [], [], None
    for op in ops:
        if op in ("m", "l"):
            point = (float(stack[-2]), float(stack[-1]))
            path.append([point]) if op == "m" else path[-1].append(point)
        elif op == "rg":
            fill = tuple(float(v) for v in stack[-3:])
        elif op in ("f", "f*"):
            for sub in path:        # closed by a line back to the first corner, or not
                if len(sub) == 4 and sub[3] == sub[0]:
                    sub = sub[:3]
                if len(sub) == 3:
                    out.append((fill, np.array(sub)))
            path = []
        elif op in ("S", "s", "n", "B", "b"):
            path = []
        if op.isalpha() or op.startswith("/"):
            stack = []
        else:
            stack.append(op)
    return out


def test_pdf_arrowheads_fit_their_targets(dense_dag):
    g, layout = dense_dag
    scene, _ = scene_and_svg(g, layout, edge_color=EDGE)
    pdf = g.viz.render("pdf", layout=layout, width=W, height=H, edge_color=EDGE)
    grey = round(0x40 / 255, 3)
    heads = [t for colour, t in pdf_filled_triangles(pdf)
             if np.allclose(colour, grey, atol=0.002)]
    assert len(heads) == int(g.viz.graph_input().sources.shape[0])
    tips = []
    for t in heads:
        # the tip: the corner opposite the shortest side (the base)
        sides = [np.hypot(*(t[(i + 1) % 3] - t[(i + 2) % 3])) for i in range(3)]
        tip = int(np.argmin(sides))
        length = np.hypot(*(t[tip] - (t[(tip + 1) % 3] + t[(tip + 2) % 3]) / 2))
        assert length <= scene.nodes.sizes.max() + 1e-3, length
        tips.append(t[tip])
    # every tip on a node's outline (the page's y runs down in both: same coordinates)
    tips = np.array(tips)
    d = np.hypot(*(tips[:, None, :] - scene.xy[None, :, :]).transpose(2, 0, 1))
    gap = np.abs(d - (scene.nodes.sizes / 2 + scene.outline_pad())[None, :]).min(1)
    assert gap.max() < 0.01, gap.max()
