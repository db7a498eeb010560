"""Visualization: layouts (force-directed, hierarchical, circular, grid), metrics, and
static drawings (PNG, SVG, PDF with skia: ``obj.viz.export``)."""
from groggy.viz import force, simple  # noqa: F401  (they register their layouts)
from groggy.viz import hierarchical  # noqa: F401  (registers its layout)
from groggy.viz.layout import GraphInput, Layout, LayoutAlgorithm, algorithms, register
from groggy.viz.module import VizModule


def __getattr__(name):
    # the renderer (skia) loads on first use, not with the layouts: a first
    # compute_layout in a process costs no more than the next ones
    if name == "StaticImage":
        from groggy.viz.export import StaticImage
        return StaticImage
    raise AttributeError(f"module 'groggy.viz' has no attribute {name!r}")

__all__ = ["GraphInput", "Layout", "LayoutAlgorithm", "StaticImage", "VizModule",
           "algorithms", "register"]
