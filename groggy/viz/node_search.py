"""Finding nodes of a graph view by what a user types: a node id, a prefix of the label
attribute or of any string attribute, or ``name=value`` for one attribute. Pure NumPy
over the view's rows; the page's search box asks the server, which answers with this."""
from __future__ import annotations

import re

import numpy as np

MAX_MATCHES = 50
_KEYWORD = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*=\s*(.*?)\s*$", re.S)


class NodeSearch:
    """Searches the rows of a graph (a ``GraphInput``); lowered string columns are built
    on first use and kept (the view's nodes do not change).

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes({"name": ["Ann", "bob", "Anna"], "age": [3, 4, 3]})
    >>> s = NodeSearch(g.viz.graph_input())
    >>> [(m["id"], m["value"]) for m in s.find("an", label="name")]
    [(0, 'Ann'), (2, 'Anna')]
    >>> [m["id"] for m in s.find("age=3")], [m["attribute"] for m in s.find("1")]
    ([0, 2], ['id'])
    """

    def __init__(self, graph):
        self.graph = graph
        self._lowered: dict = {}

    def _strings(self, name: str) -> np.ndarray:
        if name not in self._lowered:
            values = self.graph.attribute(name)
            self._lowered[name] = (values, np.array(
                ["" if v is None else str(v).casefold() for v in values.tolist()], dtype=str))
        return self._lowered[name]

    def _kind(self, name: str) -> str:
        return self.graph.attribute.kind(name)

    def find(self, text: str, label: str | None = None, limit: int = MAX_MATCHES) -> list:
        """Up to ``limit`` matches ``{node (row), id, attribute, value}``, best first: the
        node whose id is ``text``, then label prefixes, then other string attributes';
        ``name=value`` searches that attribute only (a prefix of a string, or equal to a
        number). ``ValueError`` for an attribute the nodes do not have."""
        keyword = _KEYWORD.match(text)
        if keyword:
            return self._by_attribute(keyword.group(1), keyword.group(2), limit)
        text = text.strip()
        if not text:
            return []
        out, seen = [], set()

        def take(rows, name, values):
            for r in rows.tolist():
                if len(out) >= limit:
                    return
                if r not in seen:
                    seen.add(r)
                    out.append(self._match(r, name, values[r]))

        ids = self.graph.node_ids
        if re.fullmatch(r"[+-]?\d{1,18}", text):
            take(np.flatnonzero(ids == int(text)), "id", ids)
        names = self.graph.attribute.names()
        strings = [n for n in names if self._kind(n) == "string"]
        for name in ([label] if label in strings else []) + [n for n in strings if n != label]:
            values, lowered = self._strings(name)
            take(np.flatnonzero(np.char.startswith(lowered, text.casefold())), name, values)
        return out

    def _by_attribute(self, name: str, value: str, limit: int) -> list:
        names = self.graph.attribute.names()
        if name not in names:
            raise ValueError(f"no node attribute {name!r}; the nodes have {names}")
        if self._kind(name) == "string":
            values, lowered = self._strings(name)
            rows = np.flatnonzero(np.char.startswith(lowered, value.casefold()))
        else:
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"{name} holds numbers; {value!r} is not one") from None
            values = self.graph.attribute(name)
            rows = np.flatnonzero(values == number)
        return [self._match(r, name, values[r]) for r in rows[:limit].tolist()]

    def _match(self, row: int, name: str, value) -> dict:
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return {"node": row, "id": int(self.graph.node_ids[row]), "attribute": name,
                "value": value}
