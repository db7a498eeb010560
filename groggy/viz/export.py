"""Static export, once for every table, array and graph: the layout (computed by name or
given), the drawing (``render.py``) and the file, written atomically. ``VizModule``'s
``export``, ``static_viz``, ``render`` and ``show_static`` only call these."""
from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from pathlib import Path

import numpy as np

from groggy.themes import get_theme
from groggy.layouts import Layout, positions_for
from groggy.viz.fit import keeps_aspect
from groggy.viz.render import FORMATS, check_format, pixel_size, render_graph
from groggy.viz.style import Style


def resolve_layout(viz, layout, layout_params, node_ids: np.ndarray) -> np.ndarray:
    """Positions of ``node_ids`` from ``layout``: the name of a layout stored with the
    graph (``g.layouts``; used as it is unless ``layout_params`` ask for a new one), an
    algorithm name (computed now with ``layout_params``) or a :class:`Layout`."""
    return positions_for(layout_object(viz, layout, layout_params), node_ids)


def layout_object(viz, layout, layout_params) -> Layout:
    """The :class:`Layout` that ``layout`` names (see :func:`resolve_layout`)."""
    if isinstance(layout, Layout):
        if layout_params:
            raise ValueError("layout_params go with a layout name, not a computed Layout")
    elif isinstance(layout, str):
        stored = viz.stored_layouts()
        if stored is not None and layout in stored and not layout_params:
            layout = stored[layout]
        else:
            layout = viz.compute_layout(layout, **(layout_params or {}))
    else:
        raise TypeError(f"layout must be an algorithm name or a Layout, got "
                        f"{type(layout).__name__}")
    return layout


def render(viz, format: str = "png", layout="force_directed", theme: str = "light",
           width: float = 800, height: float = 600, dpi: float | None = None,
           layout_params: dict | None = None, _where: str = "render", **style) -> bytes:
    """The bytes of the drawing (see ``VizModule.render``)."""
    check_format(format)
    get_theme(theme)
    options = Style.from_kwargs(style, _where)
    graph = viz.graph_input()
    made = layout_object(viz, layout, layout_params)
    if options.keep_aspect is None:       # layers fill the page; distances keep their shape
        options.keep_aspect = keeps_aspect(made.algorithm)
    positions = positions_for(made, graph.node_ids)
    return render_graph(graph, positions, format, theme, width, height, dpi, options,
                        bends=bends_for(made, graph))


def bends_for(layout, graph) -> tuple | None:
    """``(offsets, points)`` of the edges of ``graph`` (a GraphInput) that ``layout``
    routes through bend points (edge ``e`` bends at ``points[offsets[e]:offsets[e +
    1]]``), or None when its edges are straight."""
    if getattr(layout, "edge_bends", None) is None:
        return None
    return layout.edge_bends.for_edges(graph.edge_attribute("edge_id"))


def format_of(path: Path, format: str | None) -> str:
    """The format asked, or the one the file name's extension names.

    Examples
    --------
    >>> format_of(Path("fig.PDF"), None), format_of(Path("fig.out"), "svg")
    ('pdf', 'svg')
    """
    if format is not None:
        return check_format(format)
    ext = path.suffix.lower().lstrip(".")
    if ext not in FORMATS:
        raise ValueError(f"cannot tell the format from {path.name!r}; name the file "
                         f"*.png, *.svg or *.pdf, or pass format= one of {list(FORMATS)}")
    return ext


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary sibling of ``path`` and rename it into place: on
    any error nothing is left at ``path`` (or what was there stays). The file is
    created as the store creates its files (``open(..., "xb")`` under a fresh name), so
    its mode follows the umask (0644 under the usual 022), not ``mkstemp``'s 0600.

    Examples
    --------
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     target = Path(tmp) / "a.bin"
    ...     write_atomic(target, b"data")
    ...     target.read_bytes(), sorted(p.name for p in Path(tmp).iterdir())
    (b'data', ['a.bin'])
    """
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        with open(tmp, "xb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _check_writable(path: Path, fmt: str) -> None:
    what = f"cannot write the {fmt.upper()} to {path}"
    if path.is_dir():
        raise IsADirectoryError(f"{what}: it is a directory; give a file name")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"{what}: the directory {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise PermissionError(f"{what}: the directory {path.parent} is not writable")


def export(viz, path, format: str | None = None, layout="force_directed",
           theme: str = "light", width: float = 800, height: float = 600,
           dpi: float | None = None, **style) -> Path:
    """Render and write the file (see ``VizModule.export``)."""
    path = Path(path)
    fmt = format_of(path, format)
    _check_writable(path, fmt)
    data = render(viz, fmt, layout, theme, width, height, dpi, _where="export", **style)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write the {fmt.upper()} to {path}: "
                                 f"{exc.strerror}") from exc
    return path


class StaticImage:
    """A rendered drawing that shows itself in a notebook (PNG through ``_repr_png_``,
    SVG through ``_repr_svg_``): ``data`` holds the file's bytes, ``save(path)`` writes
    them.

    Examples
    --------
    >>> img = StaticImage(b"<svg/>", "svg", 100, 50)
    >>> img, img._repr_svg_(), img._repr_png_()
    (StaticImage(svg, 100 x 50, 6 bytes), '<svg/>', None)
    """

    def __init__(self, data: bytes, format: str, width: int, height: int):
        self.data, self.format, self.width, self.height = data, format, width, height

    def _repr_png_(self):
        return self.data if self.format == "png" else None

    def _repr_svg_(self):
        return self.data.decode("utf-8") if self.format == "svg" else None

    def save(self, path) -> Path:
        """Write the bytes to ``path`` (atomically)."""
        path = Path(path)
        write_atomic(path, self.data)
        return path

    def __repr__(self) -> str:
        return (f"StaticImage({self.format}, {self.width} x {self.height}, "
                f"{len(self.data):,} bytes)")


def show_static(viz, format: str = "png", width: float = 800, height: float = 600,
                dpi: float | None = None, **kwargs) -> StaticImage:
    """``render`` wrapped for notebook display (see ``VizModule.show_static``)."""
    data = render(viz, format, width=width, height=height, dpi=dpi, _where="show_static",
                  **kwargs)
    w, h = pixel_size(width, height, dpi) if format == "png" else (width, height)
    return StaticImage(data, format, w, h)
