"""Validation of client messages (docs/protocol.md). Every failure is a ProtocolError
whose text says which field was wrong and what was expected."""
from __future__ import annotations

import json
import re

from groggy.themes import THEMES

MAX_MESSAGE_BYTES = 64 * 1024     # larger messages get an Error; the connection lives on
MAX_FRAME_BYTES = 1024 * 1024     # larger frames close the connection (code 1009)
MAX_DEPTH = 16                    # JSON nesting of a message (the deepest valid one: 3)
MAX_WINDOW = 2000
MAX_TEXT = 10_000
MAX_ERROR_TEXT = 1000             # an Error's message is cut to this many characters
_MAX_ID = 2 ** 53


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _MAX_ID


def _shown(value) -> str:
    """``repr(value)`` for an Error, cut short (a value may be 64 KB long)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class ProtocolError(ValueError):
    """A client message that cannot be carried out; the text goes back in an Error."""

    def __init__(self, message: str, kind: str | None = None, request_id=None):
        super().__init__(message)
        self.kind, self.request_id = kind, request_id


def _int(msg, key, kind, low=0, high=_MAX_ID, default=None):
    value = msg.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ProtocolError(f"{kind}.{key} must be an int in {low}..{high}, got {_shown(value)}")
    return value


def node_rows(msg, kind, limit: int) -> list:
    """``msg["nodes"]``: a list of at most ``limit`` node rows (ints >= 0)."""
    nodes = msg.get("nodes")
    if not isinstance(nodes, list) or len(nodes) > limit or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in nodes):
        raise ProtocolError(f"{kind}.nodes must be a list of at most {limit:,} node "
                            f"rows (ints >= 0)")
    return nodes


def _text(msg, key, kind, default=None, limit=MAX_TEXT):
    value = msg.get(key, default)
    if not isinstance(value, str) or len(value) > limit:
        raise ProtocolError(f"{kind}.{key} must be a string of at most {limit} characters, "
                            f"got {type(value).__name__}")
    return value


def _bool(msg, key, kind, default=None):
    value = msg.get(key, default)
    if not isinstance(value, bool):
        raise ProtocolError(f"{kind}.{key} must be true or false, got {_shown(value)}")
    return value


def _sort_keys(msg, kind):
    keys = msg.get("keys" if kind == "Sort" else "sort", [])
    if keys is None:
        keys = []
    if not isinstance(keys, list) or len(keys) > 16:
        raise ProtocolError(f"{kind} keys must be a list of at most 16 "
                            "{\"column\": name, \"ascending\": bool}")
    out = []
    for key in keys:
        if not isinstance(key, dict) or not isinstance(key.get("column"), str):
            raise ProtocolError(f"{kind}: each sort key needs a \"column\" name, got {_shown(key)}")
        out.append({"column": key["column"],
                    "ascending": _bool(key, "ascending", kind + " key", default=True)})
    return out


def _theme(msg, kind, required=False):
    theme = msg.get("theme")
    if (theme is None and required) or (theme is not None and
                                         (not isinstance(theme, str) or theme not in THEMES)):
        raise ProtocolError(f"{kind}.theme must be one of {sorted(THEMES)}, got {_shown(theme)}")
    return theme


def _hello(msg):
    source = msg.get("source")
    if source is not None and not isinstance(source, str):
        raise ProtocolError(f"Hello.source must be a string, got {_shown(source)}")
    return {"source": source, "offset": _int(msg, "offset", "Hello", default=0),
            "window_size": _int(msg, "window_size", "Hello", 1, MAX_WINDOW, default=50),
            "sort": _sort_keys(msg, "Hello"),
            "filter": _text(msg, "filter", "Hello", default="") if msg.get("filter") else "",
            "search": _text(msg, "search", "Hello", default="") if msg.get("search") else "",
            "theme": _theme(msg, "Hello")}


_FIELDS = {
    "Hello": _hello,
    "Open": lambda m: {"source": _text(m, "source", "Open", limit=200)},
    "ScrollRequest": lambda m: {"offset": _int(m, "offset", "ScrollRequest"),
                                "window_size": _int(m, "window_size", "ScrollRequest", 1,
                                                    MAX_WINDOW, default=50)},
    "Sort": lambda m: {"keys": _sort_keys(m, "Sort")},
    "Filter": lambda m: {"expression": _text(m, "expression", "Filter", default="")},
    "Search": lambda m: {"text": _text(m, "text", "Search", limit=1000),
                         "from": _int(m, "from", "Search", default=0),
                         "backwards": _bool(m, "backwards", "Search", default=False)},
    "ThemeChange": lambda m: {"theme": _theme(m, "ThemeChange", required=True)},
    "Ping": lambda m: {},
    # -- a notebook widget, which has no HTTP address: the CSV as a message, and the
    # -- row's context action "show this node in the graph" (groggy/web/downloads.py)
    "ExportCsv": lambda m: {},
    "ShowNode": lambda m: {"node": _int(m, "node", "ShowNode", -_MAX_ID)},
}


class _NotJson:
    """Stands in for NaN / Infinity while parsing, so that the Error can still name the
    message type and request_id (found by _check_values)."""

    def __init__(self, name: str):
        self.name = name


def _check_values(value) -> None:
    """Every container at most MAX_DEPTH deep, every string valid Unicode (JSON's \\u
    escapes can spell a lone surrogate, which no text encoding accepts)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, _NotJson):
            raise ProtocolError(f"{item.name} is not a JSON value")
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError as exc:
                    raise ProtocolError(f"message holds a lone surrogate "
                                        f"({item[exc.start]!a}); strings must be valid "
                                        "Unicode") from None
        elif isinstance(item, (list, dict)):
            if depth > MAX_DEPTH:
                raise ProtocolError(f"message nests too deep; at most {MAX_DEPTH} levels")
            children = item if isinstance(item, list) else [*item.keys(), *item.values()]
            stack.extend((child, depth + 1) for child in children)


_PARSE_DEPTH = 256     # deeper than MAX_DEPTH, so that a parsed message's Error names its type
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _nests_deeper(raw: str, limit: int) -> bool:
    """Whether JSON text ``raw`` opens more than ``limit`` containers inside each other
    (strings skipped; an unfinished message counts what it opened)."""
    if raw.count("[") + raw.count("{") <= limit:     # the usual message: no scan
        return False
    depth = 0
    for m in _BRACKET.finditer(_JSON_STRING.sub("", raw)):
        depth += 1 if m.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def parse(raw, kinds: dict | None = None) -> dict:
    """A checked message ``{"type", "request_id", ...fields}`` from a WebSocket frame;
    ``kinds`` (type -> field checker) replaces the table view's message types."""
    kinds = kinds or _FIELDS
    if isinstance(raw, bytes):
        raise ProtocolError("binary messages are not accepted; send JSON text")
    size = len(raw) if len(raw) * 4 <= MAX_MESSAGE_BYTES else len(raw.encode("utf-8", "replace"))
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {size:,} bytes is over the {MAX_MESSAGE_BYTES:,} limit")
    # json.loads fails on deep nesting only at the interpreter's recursion limit, which a
    # library may have raised: refuse what is far too deep here, the same way always
    if _nests_deeper(raw, _PARSE_DEPTH):
        raise ProtocolError(f"message nests too deep; at most {MAX_DEPTH} levels")
    try:
        msg = json.loads(raw, parse_constant=_NotJson)
    except RecursionError:
        raise ProtocolError(f"message nests too deep; at most {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise ProtocolError(f"message is not JSON ({exc})") from None
    if not isinstance(msg, dict):
        raise ProtocolError(f"message must be a JSON object, got {type(msg).__name__}")
    # what an Error can name, read before anything else is trusted
    raw_kind, request_id = msg.get("type"), msg.get("request_id")
    kind = raw_kind if isinstance(raw_kind, str) and raw_kind in kinds else None
    try:
        _check_values(msg)
        if request_id is not None and not _is_id(request_id):
            raise ProtocolError(f"request_id must be an int, got {_shown(request_id)}")
        if kind is None:
            raise ProtocolError(f"unknown message type {_shown(raw_kind)}; expected one of "
                                f"{sorted(kinds)}")
        fields = kinds[kind](msg)
    except ProtocolError as exc:
        raise ProtocolError(str(exc), kind, request_id if _is_id(request_id) else None) \
            from None
    return {"type": kind, "request_id": request_id, **fields}
