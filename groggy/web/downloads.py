"""Files sent over the page's own connection instead of an HTTP address: a notebook
widget has no address to download from (its transport is the kernel's comm), so it asks
for the table's CSV (``ExportCsv``) or the graph's drawing (``ExportView``) as a message
and gets the file back as one binary ``FILE`` frame, which the page hands to the user as
a download (docs/protocol.md). Files are made off the server's loop and capped in size."""
from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor

from groggy.web.graphwire import frame
from groggy.web.protocol import ProtocolError
from groggy.web.sources import is_remote

MAX_FILE_BYTES = 32 * 1024 * 1024   # one file sent as a message; larger: export from Python
CSV_CHUNK_ROWS = 20_000
_MAKER = ThreadPoolExecutor(1, thread_name_prefix="groggy-downloads")
# every row of a table on a cluster would pass through this process
ON_CLUSTER = ("a table on a cluster is exported by the cluster: ddf.to_csv(...) or "
              "ddf.to_parquet(...)")


def file_reply(head: dict, data: bytes) -> list:
    """``head`` (a JSON reply) naming the file's size, then the file as a ``FILE`` frame:
    tag, u32 byte count, the bytes."""
    return [{**head, "bytes": len(data), "frames": ["FILE"]}, frame(b"FILE", len(data), data)]


def too_big(kind: str, rid, what: str) -> ProtocolError:
    return ProtocolError(f"{kind}: {what} is over the {MAX_FILE_BYTES:,}-byte limit of a "
                         f"file sent to the page; export it from Python instead", kind, rid)


def csv_chunks(view, rows: int):
    """The view as CSV text, header first, ``rows`` rows a piece."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(view.column_names())
    for start in range(0, view.total_rows(), rows):
        window = view.get_window(start, rows)
        writer.writerows(["" if v is None else v for v in row] for row in window.rows)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def csv_bytes(view, kind: str = "ExportCsv", rid=None) -> bytes:
    """The view as CSV (what ``/TOKEN/export.csv`` streams), refused past the cap."""
    parts, size = [], 0
    for text in csv_chunks(view, CSV_CHUNK_ROWS):
        data = text.encode("utf-8")
        size += len(data)
        if size > MAX_FILE_BYTES:
            raise too_big(kind, rid, f"the CSV of these {view.total_rows():,} rows")
        parts.append(data)
    return b"".join(parts)


def export_csv(session, rid):
    """The reply to ``ExportCsv``: the session's current view (source, sort, filter) as a
    ``CsvFile`` and its frame, made in a worker thread (a future)."""
    kind = "ExportCsv"
    if session.view is None:
        raise ProtocolError(f"send Hello before {kind}", kind, rid)
    source, view = session.source, session.view
    if is_remote(source.obj):
        raise ProtocolError(f"{kind}: {ON_CLUSTER}", kind, rid)

    def make():
        data = csv_bytes(view, kind, rid)
        return file_reply({"type": "CsvFile", "request_id": rid, "name": f"{source.name}.csv",
                           "media": "text/csv", "rows": view.total_rows()}, data)
    return in_worker(make)


def in_worker(make):
    """``make()`` on the downloads thread (a future), so the loop keeps answering."""
    return _MAKER.submit(make)
