"""Groggy's views in a notebook (JupyterLab, Notebook 7, VS Code, Colab): anywidgets
whose front end is the page's own ES modules (the graph view's, or the tables') and
whose transport is the kernel's comm, so nothing has to reach a port on the user's
machine. Needs ``groggy[jupyter]``.

The front end is bundled here, without a build step: each module of the page becomes a
function (its imports read from the modules before it), all of them inside one function
that widget.js calls once per rendered output, so that every output has its own state.
The server side is the one the page talks to: a session per output (a
:class:`GraphSession` or a table :class:`Session`), fed the same messages through
:func:`groggy.web.app.respond`.
"""
from __future__ import annotations

import functools
import json
import re
import threading

from groggy.web.app import STATIC, respond, themes_css
from groggy.web.graphview import GraphSession

# the module syntax the page's modules use (a test bundles every one of them)
_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w.-]+)";[ \t]*$', re.M)
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|class|const|let)\s+([\w$]+)", re.M)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)


def _module_var(name: str) -> str:
    return "__m_" + re.sub(r"\W", "_", name)


def module_order(entry: str) -> list:
    """The page modules ``entry`` imports, directly or not, each after its imports."""
    order: list = []

    def visit(name: str, path: tuple) -> None:
        if name in path:
            raise ValueError(f"the page's modules import each other in a circle: "
                             f"{' -> '.join(path + (name,))}")
        if name in order:
            return
        for _, dep in _IMPORT.findall((STATIC / name).read_text(encoding="utf-8")):
            visit(dep, path + (name,))
        order.append(name)
    visit(entry, ())
    return order


def bundle(entry: str, page: str, tail: str) -> str:
    """One ES module: ``entry`` and its imports as ``__groggyView(host)``, the markup of
    ``page`` as ``__GROGGY_BODY__``, then ``tail`` (which exports the widget)."""
    parts = ["function __groggyView(__GROGGY_HOST__) {"]
    for name in module_order(entry):
        src = (STATIC / name).read_text(encoding="utf-8")
        names = _EXPORT.findall(src)
        body = _IMPORT.sub(lambda m: f"const {{{m.group(1)}}} = {_module_var(m.group(2))};", src)
        body = re.sub(r"^export\s+", "", body, flags=re.M)
        parts.append(f"// ---- {name}\nconst {_module_var(name)} = (() => {{\n{body}\n"
                     f"return {{ {', '.join(names)} }};\n}})();")
    parts.append("}")
    markup = (STATIC / page).read_text(encoding="utf-8")
    parts.append(f"const __GROGGY_BODY__ = {json.dumps(_BODY.search(markup).group(1).strip())};")
    parts.append((STATIC / tail).read_text(encoding="utf-8"))
    return "\n".join(parts)


# the two views a notebook shows: entry module, page (for its markup), style sheet
VIEWS = {"graph": ("graph.js", "graph.html", "graph.css"),
         "table": ("app.js", "index.html", "groggy.css")}


@functools.lru_cache(maxsize=None)
def front_end(view: str) -> tuple:
    """(ES module, CSS) of the widget of ``view``."""
    entry, page, css = VIEWS[view]
    return (bundle(entry, page, "widget.js"),
            (STATIC / css).read_text(encoding="utf-8") + themes_css())


class CommConnection:
    """One rendered output of a widget, as the server sees a page: its own session; its
    replies go back over the comm, tagged with the output's ``view``."""

    def __init__(self, widget, view: str):
        self.widget, self.view = widget, view
        self.session = widget.new_session(self)

    def send(self, replies, supersede=None) -> None:   # on the server's loop
        with self.widget._sending:      # one reply's messages stay together
            for reply in replies:
                if isinstance(reply, bytes):
                    self.widget.send({"view": self.view, "frame": 1}, buffers=[reply])
                else:
                    self.widget.send({"view": self.view, "text": json.dumps(reply)})


def view_widget(view: str, server):
    """The anywidget showing ``server``'s ``view`` ("graph" or "table"), in its theme."""
    return _widget_classes()[view](server, theme=server.theme)


@functools.lru_cache(maxsize=1)
def _widget_classes() -> dict:
    try:
        import anywidget
        import traitlets
    except ImportError as exc:
        raise ImportError("the notebook widget needs anywidget: pip install 'groggy[jupyter]' "
                          "(or show the view in a page: widget=False)") from exc

    class ViewWidget(anywidget.AnyWidget):
        """A groggy view whose page talks over this widget's comm."""
        theme = traitlets.Unicode("light").tag(sync=True)

        def __init__(self, server, **kwargs):
            super().__init__(**kwargs)
            self.server, self._views, self._sending = server, {}, threading.Lock()
            self.on_msg(self._received)

        def _received(self, _widget, content, _buffers) -> None:   # the kernel's thread
            view = str(content.get("view", ""))[:64]
            if content.get("closed"):
                conn = self._views.pop(view, None)
                if conn is not None:
                    self.server._call(self.server.connections.discard, conn)
                return
            conn = self._views.get(view)
            if conn is None:
                conn = self._views[view] = CommConnection(self, view)
                self.server._call(self.server.connections.add, conn)
            self.server._call(respond, conn, self.server, content.get("text", ""))

    class GraphWidget(ViewWidget):
        _esm, _css = front_end("graph")

        def new_session(self, conn):
            return GraphSession(self.server)

    class TableWidget(ViewWidget):
        _esm, _css = front_end("table")

        def new_session(self, conn):
            # the server's choice, as for a page: off the loop for a table on a cluster
            return self.server.new_session(conn)

    return {"graph": GraphWidget, "table": TableWidget}
