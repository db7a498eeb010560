"""JSON files: ``g.to_json`` and ``gg.from_json``, in the shape of ``g.to_dict()``
(one list per column, null for nulls; a float NaN is written as ``NaN``, as Python's
json module does)."""
from __future__ import annotations

import json
from pathlib import Path

from groggy.io import dict as dict_io
from groggy.io import files


def to_json(graph, path=None, indent=None) -> str | None:
    """Write the graph as JSON to ``path``, or return the text when ``path`` is None.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(directed=True); _ = g.add_nodes({"name": ["a", "b"]})
    >>> _ = g.add_edge(0, 1)
    >>> text = g.to_json()
    >>> h = gg.from_json(text)
    >>> h.is_directed, h.nodes["name"].to_list(), h.edge_endpoints(0)
    (True, ['a', 'b'], (0, 1))
    """
    text = json.dumps(dict_io.to_dict(graph), indent=indent)
    if path is None:
        return text
    Path(path).write_text(text, encoding="utf-8")
    return None


def from_json(source, node_id: str | None = None, source_column: str = "source",
              target_column: str = "target", **kwargs):
    """A graph from a JSON file (a path) or JSON text in the shape of ``g.to_dict()``:
    ``{"directed": ..., "nodes": {...} or [...], "edges": {...} or [...]}``.

    Raises
    ------
    FileNotFoundError
        ``source`` is neither JSON text nor an existing file.
    ValueError
        The text is not valid JSON (the message gives the position).
    """
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        text, where = source, "the JSON text"
    else:
        path = files.existing(source, "JSON")
        text, where = path.read_text(encoding="utf-8"), f"JSON file {str(path)!r}"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not ({"nodes", "edges"} & set(data)):
        raise ValueError(f"{where} holds no graph: expected an object with 'nodes' "
                         "and/or 'edges'")
    return dict_io.from_dict(data, node_id=node_id, source=source_column,
                             target=target_column, **kwargs)
