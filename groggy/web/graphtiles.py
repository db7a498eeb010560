"""The graph view's large-graph messages (docs/protocol.md, "Large graphs"): a page that
shows a graph of more than ``tiles_above`` nodes never receives the whole graph. It
asks, for its viewport, either for raster tiles (many nodes in view) or for the nodes
in view and the edges that cross it, as vectors (few nodes in view), and asks which
node is under the pointer. The drawing and the spatial index are
:class:`groggy.viz.tiles.TileMaker`'s; this module validates and answers."""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from groggy.viz.tiles import MAX_LEVEL
from groggy.web.graphwire import bends_frame
from groggy.web.protocol import ProtocolError, _int, _shown, node_rows

EDGE_BUDGET = 250_000       # vectors: at most this many edges
MAX_NEIGHBORS_OF = 100      # nodes whose neighbours one Neighbors message asks for
PAD = 0.25                  # vectors cover the view and this much of it on each side
_NO_BUDGET = 2 ** 53        # a Viewport without a budget of its own: the server's holds
# tiles are drawn here, not on the IO loop: a first view asks for a dozen at once, and
# the loop keeps answering (hover, pans) and sending each tile as soon as it is drawn
_DRAWER = ThreadPoolExecutor(min(4, os.cpu_count() or 1), thread_name_prefix="groggy-tiles")
# the overview tiles of a new view, drawn before its page asks (a thread of their own:
# a page's requests for other tiles do not queue behind them)
_AHEAD = ThreadPoolExecutor(1, thread_name_prefix="groggy-tiles-ahead")


def _number(msg, key, kind, positive=False) -> float:
    value = msg.get(key)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and \
        math.isfinite(value) and (value > 0 or not positive)
    if not ok:
        raise ProtocolError(f"{kind}.{key} must be a finite number"
                            f"{' > 0' if positive else ''}, got {_shown(value)}")
    return float(value)


def _box(msg, kind) -> tuple:
    box = msg.get("box")
    if not isinstance(box, list) or len(box) != 4 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in box) or box[0] > box[2] or box[1] > box[3]:
        raise ProtocolError(f"{kind}.box must be [xmin, ymin, xmax, ymax] (finite numbers, "
                            f"min <= max), got {_shown(box)}")
    return tuple(float(v) for v in box)


def _view(msg, kind) -> dict:
    return {"zoom": _number(msg, "zoom", kind, True), "fit": _number(msg, "fit", kind, True)}


TILE_KINDS = {
    "Viewport": lambda m: {"box": _box(m, "Viewport"), **_view(m, "Viewport"),
                           "budget": _int(m, "budget", "Viewport", 1, default=_NO_BUDGET)},
    "Tile": lambda m: {"z": _int(m, "z", "Tile", 0, MAX_LEVEL), "x": _int(m, "x", "Tile"),
                       "y": _int(m, "y", "Tile"),
                       "fit": _number(m, "fit", "Tile", True)},
    "NodeAt": lambda m: {"x": _number(m, "x", "NodeAt"), "y": _number(m, "y", "NodeAt"),
                         **_view(m, "NodeAt")},
    "Neighbors": lambda m: {"nodes": node_rows(m, "Neighbors", MAX_NEIGHBORS_OF)},
}


def _needs_tiles(session, kind, rid):
    if session.scene.tiles is None:
        raise ProtocolError(f"{kind}: this view sends the whole graph ({session.scene.n:,} "
                            f"nodes); it has no tiles", kind, rid)
    return session.scene.tiles


def tile_replies(session, msg: dict, frame) -> list:
    """The answer to a Viewport, Tile or NodeAt message (``frame`` makes binary frames):
    replies, or for a Tile a future of them (SocketHandler sends them when it is done)."""
    kind, rid = msg["type"], msg["request_id"]
    maker = _needs_tiles(session, kind, rid)
    if kind == "Tile":
        z, x, y = msg["z"], msg["x"], msg["y"]
        if x >= 2 ** z or y >= 2 ** z:
            raise ProtocolError(f"Tile: x and y must be in 0..{2 ** z - 1} at level {z}, got "
                                f"x={x}, y={y}", kind, rid)
        look = session.look

        def draw() -> list:
            png = maker.tile_png(look, msg["fit"], z, x, y)
            return [{"type": "Tile", "request_id": rid, "z": z, "x": x, "y": y,
                     "theme": look.theme, "frames": ["TILE"]},
                    frame(b"TILE", len(png), np.frombuffer(png, np.uint8))]
        return _DRAWER.submit(draw)
    if kind == "NodeAt":
        row = maker.node_at(session.look, msg["x"], msg["y"], msg["zoom"], msg["fit"])
        return [{"type": "NodeAt", "request_id": rid, **node_brief(session, row)}]
    if kind == "Neighbors":
        return neighbor_replies(session, msg, frame)
    return viewport_replies(session, maker, msg, frame)


def node_brief(session, row) -> dict:
    """What the page needs to draw one node it has not been sent (hover, selection)."""
    if row is None:
        return {"node": None}
    scene, look = session.scene, session.look
    x, y = scene.positions[row].tolist()
    return {"node": int(row), "id": int(scene.node_ids[row]), "position": [x, y],
            "size": float(look.sizes[row]), "color": look.colors[row].tolist()}


def viewport_replies(session, maker, msg, frame) -> list:
    """Tiles or vectors for the box: vectors once at most ``maker.vector_budget`` nodes
    (or the page's own ``budget``, if lower) are in it (those of a margin around it
    too, unless that holds far more)."""
    rid, box = msg["request_id"], msg["box"]
    count = maker.nodes.grid.count(box)
    head = {"type": "Viewport", "request_id": rid, "box": list(box)}
    budget = min(maker.vector_budget, msg["budget"])
    if count > budget:
        return [{**head, "mode": "tiles", "count": count}]
    rows = maker.in_view(box)
    # a margin around the view, so that a small pan needs no new answer
    w, h = (box[2] - box[0]) * PAD, (box[3] - box[1]) * PAD
    padded = (box[0] - w, box[1] - h, box[2] + w, box[3] + h)
    more = maker.in_view(padded)
    if more.size <= 3 * budget:
        box, rows, head["box"] = padded, more, list(padded)
    edges = maker.edges_of_nodes_in(box)[:EDGE_BUDGET]
    # the nodes in view, and the far ends of the edges that leave it
    return vector_replies(session, {**head, "mode": "vector", "count": count}, rows,
                          edges, frame)


def neighbor_replies(session, msg, frame) -> list:
    """The nodes asked for with their neighbours (successors in a directed graph, as
    ``g.neighbors``) and the edges between them, as vectors: what a tiled overview
    draws over its tiles to highlight a selection (at most ``EDGE_BUDGET`` edges)."""
    scene, rid = session.scene, msg["request_id"]
    rows = np.asarray(msg["nodes"], dtype=np.int64)
    if rows.size and rows.max() >= scene.n:
        raise ProtocolError(f"Neighbors: node row {int(rows.max())} is out of range (the "
                            f"view has {scene.n:,} nodes)", "Neighbors", rid)
    indptr, _, edge_ids = scene.graph.csr()
    edges = np.unique(np.concatenate([np.zeros(0, np.int64)] + [
        edge_ids[indptr[r]:indptr[r + 1]] for r in rows.tolist()]).astype(np.int64))
    if scene.graph.directed:
        edges = edges[np.isin(scene.graph.sources[edges], rows)]
    head = {"type": "Neighbors", "request_id": rid, "of": rows.tolist(),
            "total_edges": int(edges.size)}
    return vector_replies(session, head, rows, edges[:EDGE_BUDGET], frame)


def vector_replies(session, head: dict, rows: np.ndarray, edges: np.ndarray, frame) -> list:
    """``head`` and the frames of the nodes ``rows``, the edges ``edges`` and the nodes
    at their ends: positions, look and, where ids are not rows, ids."""
    scene, look = session.scene, session.look
    src, dst = scene.graph.sources[edges], scene.graph.targets[edges]
    nodes = np.union1d(rows, np.concatenate([src, dst])).astype(np.int64)
    local = np.stack([np.searchsorted(nodes, src), np.searchsorted(nodes, dst)], -1)
    frames = [frame(b"VROW", nodes.size, nodes.astype("<u4")),
              frame(b"VPOS", nodes.size, scene.positions[nodes].astype("<f4")),
              frame(b"VCOL", nodes.size, look.colors[nodes]),
              frame(b"VSIZ", nodes.size, look.sizes[nodes].astype("<f4")),
              frame(b"VEDG", edges.size, local.astype("<u4"))]
    if look.edge_colors is not None:
        frames.append(frame(b"VECO", edges.size, look.edge_colors[edges]))
    if not scene.ids_are_rows:
        frames.append(frame(b"VIDS", nodes.size, scene.node_ids[nodes].astype("<f8")))
    # long edges of a layered layout: their bends, as the whole-graph view gets them
    # (EBND, edge numbers in VEDG's order, points within the scene's bounds)
    offsets = None if scene.bends is None else scene.bends[0]
    if offsets is not None and edges.size and (offsets[edges + 1] > offsets[edges]).any():
        frames.append(bends_frame(*scene.bends, edges, scene.bounds))
        head = {**head, "bounds": scene.bounds}
    return [{**head, "nodes": int(nodes.size), "edges": int(edges.size),
             "frames": [f[:4].decode() for f in frames]}, *frames]


def draw_ahead(scene) -> None:
    """Start drawing the overview tiles that a page opening on ``scene`` asks for first
    (TileMaker.warm_tiles), while the browser loads the page."""
    maker = scene.tiles
    if maker is None:
        return
    for z, x, y in maker.warm_tiles(scene.look):
        _AHEAD.submit(maker.tile_png, scene.look, maker.scheme.px_per_unit(z), z, x, y)


def tiled_init(session, head: dict) -> dict:
    """GraphInit of a tiled view: the tile scheme instead of the graph's arrays."""
    maker = session.scene.tiles
    return {**head, "tiles": {**maker.scheme.as_json(), "vector_budget": maker.vector_budget,
                          "ids_are_rows": session.scene.ids_are_rows}}
