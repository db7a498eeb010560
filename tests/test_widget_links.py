"""What a notebook widget asks of the server instead of an HTTP address, over a real
server's real WebSockets (the comm carries the same messages: test_notebook_widget.py):

- ``ExportCsv``: the view's CSV as a ``FILE`` frame, the bytes of ``/TOKEN/export.csv``
  and of pandas' ``to_csv`` of the same rows; refused past the size cap.
- ``ExportView``: the drawing of ``/TOKEN/graph/export`` for the same parameters, a PNG
  of the asked size; bad fields get an ``Error`` and the view keeps answering.
- ``ShowRows`` (graph page -> table pages) and ``ShowNode`` (table page -> graph pages,
  ``FlyTo``) between the views of one server (``VizHandle.tables()``).
"""
from __future__ import annotations

import io
import json
import urllib.parse

import numpy as np
import pandas as pd
import pytest
import websocket
from PIL import Image

import groggy as gg
from groggy.web import Server
from groggy.web.downloads import MAX_FILE_BYTES

from web_helpers import TIMEOUT, Client, http_get


class GraphClient(Client):
    """A graph page's WebSocket: its GraphInit read whole."""

    def __init__(self, view):
        self.ws = websocket.create_connection(
            view.url.replace("http://", "ws://") + "/ws", timeout=TIMEOUT)
        self.pushed = []
        init = self.exchange({"type": "GraphHello", "request_id": 1})
        assert init[0]["type"] == "GraphInit", init[0]

    def recv(self):
        opcode, data = self.ws.recv_data()
        if opcode == websocket.ABNF.OPCODE_BINARY:
            return {"file": data[8:]} if data[:4] == b"FILE" else {"frame": data[:4]}
        return json.loads(data.decode("utf-8"))


def file_of(client, msg: dict) -> tuple:
    """(JSON head, file bytes) answering ``msg`` (made off the loop: waited for)."""
    client.send(msg)
    head = client.wait_for({"ExportCsv": "CsvFile", "ExportView": "ViewFile"}[msg["type"]])
    body = client.recv()
    assert len(body["file"]) == head["bytes"], head
    return head, body["file"]


@pytest.fixture(scope="module")
def karate():
    g = gg.generators.karate_club()
    view = g.viz.interactive(layout="circular", node_color="club")
    yield g, view
    view.close()


def test_csv_of_the_sorted_filtered_view_is_pandas_and_the_http_export(karate):
    g, view = karate
    tables = view.tables()
    with Client(tables.url) as c:
        sort = [{"column": "club", "ascending": False}, {"column": "node_id", "ascending": False}]
        c.hello(source="nodes", sort=sort, filter="node_id >= 7")
        head, data = file_of(c, {"type": "ExportCsv", "request_id": 3})
    frame = g.nodes.table().to_pandas()
    frame = frame[frame.node_id >= 7].sort_values(["club", "node_id"], ascending=False)
    assert head["name"] == "nodes.csv" and head["rows"] == len(frame) == 27
    assert data.decode() == frame.to_csv(index=False, lineterminator="\r\n")
    q = urllib.parse.urlencode({"source": "nodes", "sort": json.dumps(sort),
                                "filter": "node_id >= 7"})
    status, _, body = http_get(tables.url + f"export.csv?{q}")
    assert status == 200 and body == data


def test_a_csv_over_the_cap_is_refused_and_the_table_keeps_answering():
    n = 1_500_000       # about 48 bytes a row: over 32 MiB
    rng = np.random.default_rng(7)
    t = gg.table({"x": np.arange(n), "y": rng.random(n), "z": rng.random(n)})
    with t.interactive() as view, Client(view.url) as c:
        c.hello()
        c.send({"type": "ExportCsv", "request_id": 4})
        error = c.wait_for("Error")
        assert error["for"] == "ExportCsv" and error["request_id"] == 4
        assert f"{MAX_FILE_BYTES:,}-byte limit" in error["message"], error
        assert c.hello()[0]["total_rows"] == n


def test_export_csv_before_hello_is_an_error():
    with gg.table({"x": [1, 2]}).interactive() as view, Client(view.url) as c:
        (error,) = c.exchange({"type": "ExportCsv", "request_id": 2})
        assert error["type"] == "Error" and "Hello" in error["message"], error


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_export_view_is_the_http_export_of_the_same_view(karate, fmt):
    _, view = karate
    params = {"format": fmt, "cx": 0.1, "cy": -0.2, "zoom": 180.0, "width": 333, "height": 211,
              "scale": 1.5, "theme": "dark", "labels": False}
    with GraphClient(view) as c:
        head, data = file_of(c, {"type": "ExportView", **params, "request_id": 5})
    assert (head["name"], head["format"]) == (f"graph.{fmt}", fmt)
    q = urllib.parse.urlencode({**params, "labels": "0"})
    status, _, body = http_get(view.url + f"/export?{q}")
    assert status == 200
    if fmt == "png":       # the same pixels (the PDF and SVG carry a creation date)
        assert body == data
        img = Image.open(io.BytesIO(data))
        assert img.size == (333, 211)
    else:
        assert data[:4] == body[:4] and abs(len(data) - len(body)) < 64


@pytest.mark.parametrize("fields,says", [
    ({"format": "gif"}, "ExportView.format"),
    ({"format": ["png"]}, "ExportView.format"),
    ({"width": 0}, "ExportView.width"),
    ({"height": 4097}, "ExportView.height"),
    ({"zoom": 0}, "ExportView.zoom"),
    ({"cx": "1"}, "ExportView.cx"),
    ({"scale": 1000}, "ExportView.scale"),
    ({"theme": "neon"}, "ExportView.theme"),
    ({"labels": "yes"}, "ExportView.labels"),
])
def test_bad_export_view_gets_an_error_and_the_view_keeps_working(karate, fields, says):
    _, view = karate
    msg = {"type": "ExportView", "format": "png", "cx": 0, "cy": 0, "zoom": 100,
           "width": 100, "height": 100, "request_id": 6, **fields}
    with GraphClient(view) as c:
        (error,) = c.exchange(msg)
        assert error["type"] == "Error" and says in error["message"], error
        assert error["for"] == "ExportView" and error["request_id"] == 6
        (info,) = c.exchange({"type": "NodeInfo", "node": 3, "request_id": 7})
        assert info["id"] == 3


def test_rows_and_show_node_link_the_views_of_one_server(karate):
    g, view = karate
    with GraphClient(view) as graph:
        # no table shown yet: the graph's Rows button is told so
        (error,) = graph.exchange({"type": "ShowRows", "selected": True, "request_id": 8})
        assert error["type"] == "Error" and "view.tables()" in error["message"]
        with Client(view.tables().url) as table:
            table.hello(source="nodes")
            graph.exchange({"type": "Select", "nodes": [0, 33, 5], "request_id": 9})
            (shown,) = graph.exchange({"type": "ShowRows", "selected": True, "request_id": 10})
            assert shown == {"type": "RowsShown", "request_id": 10, "tables": 1}
            push = table.wait_for("ShowRows")
            assert (push["source"], push["filter"]) == ("nodes", "selected")
            # the page then filters by the selection, as it does on the push
            changed = table.exchange({"type": "Filter", "expression": "selected"})[0]
            assert changed["total_rows"] == 3
            # a row's "show in the graph": the graph pages fly to the node's row
            (reply,) = table.exchange({"type": "ShowNode", "node": 21, "request_id": 11})
            assert reply == {"type": "NodeShown", "request_id": 11, "node": 21, "pages": 1}
            fly = graph.wait_for("FlyTo")
            assert (fly["node"], fly["id"]) == (21, 21)
            (error,) = table.exchange({"type": "ShowNode", "node": 34, "request_id": 12})
            assert error["type"] == "Error" and "no node 34" in error["message"]
    with Client(view.tables().url) as table:
        table.hello(source="nodes")
        (error,) = table.exchange({"type": "ShowNode", "node": 1, "request_id": 13})
        assert "no graph view of this graph is shown" in error["message"], error


def test_a_table_without_a_graph_refuses_show_node():
    server = Server({"t": gg.table({"x": [1]})}).start()
    try:
        with Client(server.url) as c:
            c.hello()
            (error,) = c.exchange({"type": "ShowNode", "node": 0, "request_id": 3})
            assert error["type"] == "Error" and "not shown beside a graph view" in error["message"]
            (error,) = c.exchange({"type": "ShowNode", "node": "0", "request_id": 4})
            assert "ShowNode.node must be an int" in error["message"]
    finally:
        server.stop()
