"""Visualization: layouts (force-directed, hierarchical, circular, grid), metrics, and
static drawings (PNG, SVG, PDF with skia: ``obj.viz.export``)."""
from groggy.viz import force, simple  # noqa: F401  (they register their layouts)
from groggy.viz import hierarchical  # noqa: F401  (registers its layout)
# the renderer (skia, ~30-50 ms to import) loads with groggy, not on first use: the
# first export (or first view drawn for a page) in a process costs what the next ones do
from groggy.viz.export import StaticImage
from groggy.viz.layout import GraphInput, Layout, LayoutAlgorithm, algorithms, register
from groggy.viz.module import VizModule

__all__ = ["GraphInput", "Layout", "LayoutAlgorithm", "StaticImage", "VizModule",
           "algorithms", "register"]
