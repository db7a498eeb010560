"""Visualization: layouts (force-directed, hierarchical, circular, grid) and metrics."""
from groggy.viz import force, simple  # noqa: F401  (they register their layouts)
from groggy.viz import hierarchical  # noqa: F401  (registers its layout)
from groggy.viz.layout import GraphInput, Layout, LayoutAlgorithm, algorithms, register
from groggy.viz.module import VizModule

__all__ = ["GraphInput", "Layout", "LayoutAlgorithm", "VizModule", "algorithms", "register"]
