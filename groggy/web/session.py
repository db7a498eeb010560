"""One connection's state and its answers to messages. No networking here: ``handle``
takes a checked message and returns what to send (dicts as JSON, bytes as binary)."""
from __future__ import annotations

import numpy as np

from groggy.streaming import VirtualScrollManager
from groggy.themes import THEMES
from groggy.web.downloads import export_csv
from groggy.web.protocol import ProtocolError


class Session:
    def __init__(self, server):
        self.server = server
        self.source = None
        self.sort: list = []
        self.filter = ""
        self.search = ""
        self.theme = server.theme
        self.offset = 0
        self.window_size = 50
        self.scroll: VirtualScrollManager | None = None
        self.view = None
        self._search_hits = None  # (text, view version, rows)

    # ------------------------------------------------------------------ views
    def _open(self, name, sort, expression, offset) -> None:
        source = self.server.source(name)
        view = self.server.views.get(source, expression, sort)  # raises before any change
        self.source, self.sort, self.filter, self.view = source, sort, expression, view
        self.scroll = VirtualScrollManager(view, self.window_size, self.server.block_size,
                                           version=self._version())
        self.offset = min(offset, max(0, self.scroll.total_rows - 1))
        self._search_hits = None

    def _reopen(self, name, sort, expression, offset, kind, rid) -> None:
        """:meth:`_open`, with a bad source, column or filter reported as a ProtocolError
        (and nothing changed)."""
        try:
            self._open(name, sort, expression, offset)
        except ProtocolError as exc:
            raise ProtocolError(str(exc), kind, rid) from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ProtocolError(str(exc).strip('"'), kind, rid) from None

    def _version(self) -> int:
        # a new number whenever the rows a frame would show can change
        return self.server.next_version()

    def _blocks(self, offset, size, request_id) -> list:
        return self.scroll.handle_scroll(offset, size, request_id if request_id is not None else -1)

    def _view_state(self) -> dict:
        return {"total_rows": self.scroll.total_rows, "source_rows": self.source.obj.total_rows(),
                "sort": self.sort, "filter": self.filter, "offset": self.offset}

    def initial_data(self, request_id=None) -> dict:
        return {"type": "InitialData", "request_id": request_id, "source": self.source.name,
                "sources": self.server.source_names(), "columns": self.source.columns(),
                "search": self.search, "theme": self.theme, "themes": list(THEMES),
                "block_size": self.server.block_size,
                "graph_view": self.server.graph_view,
                # a table on a cluster has no CSV export: every row would pass through here
                "exportable": not getattr(self.source.obj, "remote", False),
                **self._view_state()}

    # ------------------------------------------------------------------ messages
    def handle(self, msg: dict) -> list:
        kind, rid = msg["type"], msg["request_id"]
        if kind == "Ping":
            return [{"type": "Pong", "request_id": rid}]
        if kind == "Hello":
            self._reopen(msg["source"], msg["sort"], msg["filter"], msg["offset"], kind, rid)
            # only a Hello that worked changes the rest of the state
            self.window_size, self.search = msg["window_size"], msg["search"]
            self.theme = msg["theme"] or self.theme
            return [self.initial_data(rid), *self._blocks(self.offset, self.window_size, rid)]
        if kind == "Open":
            self._reopen(msg["source"], [], "", 0, kind, rid)
            self.search = ""
            return [self.initial_data(rid), *self._blocks(self.offset, self.window_size, rid)]
        if self.scroll is None:
            raise ProtocolError(f"send Hello before {kind}", kind, rid)
        if kind == "ScrollRequest":
            if msg["offset"] >= max(self.scroll.total_rows, 1):
                raise ProtocolError(f"ScrollRequest.offset {msg['offset']} is past the last row "
                                    f"({self.scroll.total_rows} rows)", kind, rid)
            self.offset = msg["offset"]
            return self._blocks(self.offset, msg["window_size"], rid)
        if kind in ("Sort", "Filter"):
            sort = msg["keys"] if kind == "Sort" else self.sort
            expression = msg["expression"] if kind == "Filter" else self.filter
            self._reopen(self.source.name, sort, expression, 0, kind, rid)
            return [{"type": "ViewChanged", "request_id": rid, **self._view_state()},
                    *self._blocks(0, self.window_size, rid)]
        if kind == "Search":
            return [self._search(msg["text"], msg["from"], msg["backwards"], rid)]
        if kind == "ThemeChange":
            self.theme = msg["theme"]
            return [{"type": "ThemeChange", "request_id": rid, "theme": self.theme}]
        # -- a notebook widget's download and link to the graph view
        if kind == "ExportCsv":
            return export_csv(self, rid)
        if kind == "ShowNode":
            pages = self.server.show_node(msg["node"], kind, rid)
            return [{"type": "NodeShown", "request_id": rid, "node": msg["node"],
                     "pages": pages}]
        raise ProtocolError(f"unhandled message type {kind!r}", kind, rid)

    def _search(self, text, start, backwards, rid) -> dict:
        self.search = text
        if not text:
            return {"type": "SearchResult", "request_id": rid, "text": text, "row": None, "count": 0}
        key = (text, self.scroll.version)
        if self._search_hits is None or self._search_hits[0] != key:
            from groggy.web.sources import search_rows
            self._search_hits = (key, search_rows(self.view, text))
        hits = self._search_hits[1]
        if backwards:
            i = np.searchsorted(hits, start, side="right") - 1
            row = int(hits[i]) if i >= 0 else (int(hits[-1]) if hits.size else None)
        else:
            i = np.searchsorted(hits, start, side="left")
            row = int(hits[i]) if i < hits.size else (int(hits[0]) if hits.size else None)
        return {"type": "SearchResult", "request_id": rid, "text": text, "row": row,
                "count": int(hits.size)}

    # ------------------------------------------------------------------ live updates
    def data_changed(self) -> list:
        """The source changed: rebuild the view with the same sort and filter."""
        try:
            self._open(self.source.name, self.sort, self.filter, self.offset)
        except (ValueError, KeyError, TypeError):  # the filter no longer applies: drop it
            self._open(self.source.name, [], "", self.offset)
        return [{"type": "TotalChanged", "request_id": None, **self._view_state()}]
