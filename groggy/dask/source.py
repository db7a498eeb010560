"""A Dask DataFrame as a groggy DataSource: the browser over a table no single process
holds.

The partition lengths are counted once on the cluster; a window of rows ``[a, b)`` is
located by their running sums and fetched as a slice of only the partitions it
touches, cut on the workers that hold them (``groggy.dask.partition.rows``), so only the
window's rows reach the client. Filters (the grammar of ``BaseTable.filter``) and sorts
run on the cluster and are persisted there: a view is its own Dask DataFrame, with its
own lengths. Windows go through the server's usual :class:`VirtualScrollManager` (block
cache, binary frames): the source's columns make their window's cells as small groggy
columns (``window``), which the window encoder takes as they are.

Cluster work blocks the calling thread; the web server calls it off its loop
(``groggy.web.remote``) and forwards ``prepare``'s progress to the page.
"""
from __future__ import annotations

import threading
import time

import numpy as np
from cachetools import LRUCache

from groggy.dask import partition
from groggy.foundation import DataWindow
from groggy.io.pandas import column_from_series

REPORT_EVERY = 0.1    # s between two progress reports of one computation


def connect(client=None):
    """(client, owned): ``client`` itself (a ``distributed.Client``), a new Client of a
    scheduler address (``"tcp://host:8786"``), the current default Client when None is
    given and one exists, else a new ``LocalCluster`` on this machine (one worker process
    per core, no dashboard). ``owned`` says whether the caller should close it."""
    from distributed import Client, default_client
    if isinstance(client, Client):
        return client, False
    if isinstance(client, str):
        return Client(client), True
    if client is not None:
        raise TypeError(f"client must be a distributed.Client, a scheduler address or "
                        f"None, got {type(client).__name__}")
    try:
        return default_client(), False
    except ValueError:   # no client yet: a cluster of this machine's cores, which
        return Client(dashboard_address=None), True   # closing the client closes


def column_kinds(meta) -> list:
    """The groggy kind of every column of an (empty) pandas frame; a TypeError naming the
    column whose dtype groggy cannot show."""
    names = [str(c) for c in meta.columns]
    if len(set(names)) != len(names):
        raise ValueError(f"column names must be unique, got {names}")
    return [column_from_series(name, meta[col]).kind for name, col in zip(names, meta.columns)]


def _is_future(part) -> bool:
    from distributed import Future
    return isinstance(part, Future)


class DaskSource:
    """A Dask DataFrame served by groggy (``groggy.dask.interactive``, ``gg.serve``).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    client : distributed.Client
    persist : bool
        Keep the frame's partitions on the workers (views made by a sort or a filter);
        the frame given is read as it is (persist it first for the fastest windows).
    task : str
        What :meth:`prepare` reports while it works ("counting rows", "sorting"...).
    """

    remote = True      # cluster work blocks: the server runs it off its loop

    def __init__(self, ddf, client, persist: bool = False, task: str = "counting rows"):
        self.ddf, self.client, self.task, self._persist = ddf, client, task, persist
        self._meta = ddf._meta
        self._names = [str(c) for c in self._meta.columns]
        self._kinds = column_kinds(self._meta)
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._listeners: list = []
        self._running = False
        self._failure = None
        self._parts = None          # one Future (held on the workers) or Delayed each
        self._ends = None           # running sum of the partition lengths
        self._windows: LRUCache = LRUCache(maxsize=8)   # (start, stop) -> pandas frame
        self._windows_lock = threading.Lock()

    # ------------------------------------------------------------------ cluster work
    def prepare(self, progress=None) -> None:
        """Count the partitions' rows on the cluster (persisting a view first), once;
        ``progress(task, done, total)`` is called meanwhile (total 0: not known yet).
        A caller that comes while another thread counts waits for it, with progress."""
        with self._lock:
            if self._done.is_set():
                return
            if progress is not None:
                self._listeners.append(progress)
            first = not self._running
            self._running = True
        if not first:
            self._done.wait()
            if self._failure is not None:
                raise self._failure
            return
        try:
            self._count()
            self._done.set()
        except BaseException as exc:
            with self._lock:     # the next caller tries again (a worker may have died)
                self._failure, self._running = exc, False
                self._done.set()
                self._done = threading.Event()
            raise
        finally:
            self._listeners = []

    def _report(self, done: int, total: int) -> None:
        for listener in list(self._listeners):
            try:
                listener(self.task, done, total)
            except Exception:   # a page that went away must not stop the work
                pass

    def _count(self) -> None:
        from distributed import futures_of
        ddf = self.ddf
        self._report(0, 0)
        if self._persist:       # a sort samples its keys here, before any partition runs
            ddf = self.client.persist(ddf)
        held = {f.key: f for f in futures_of(ddf)}
        keys = ddf.__dask_keys__()
        parts = ([held[k] for k in keys] if keys and all(k in held for k in keys)
                 else ddf.to_delayed())
        self.ddf, self._parts = ddf, parts
        lengths = self._gather(self._each(len, parts))
        self._ends = np.cumsum(np.asarray(lengths, dtype=np.int64))

    def _each(self, fn, parts) -> list:
        """Futures of ``fn(partition)`` for every partition, submitted in one batch."""
        if parts and all(_is_future(p) for p in parts):
            return self.client.map(fn, parts)
        from dask import delayed
        return self.client.compute([delayed(fn)(p) for p in parts])

    def _submit(self, fn, part, *args):
        """``fn(partition, *args)`` on the worker that holds the partition."""
        if _is_future(part):
            return self.client.submit(fn, part, *args)
        from dask import delayed
        return self.client.compute(delayed(fn)(part, *args))

    def _gather(self, futures) -> list:
        from distributed import as_completed
        total, done, last = len(futures), 0, time.monotonic()
        self._report(0, total)
        for _ in as_completed(futures):
            done += 1
            now = time.monotonic()
            if now - last >= REPORT_EVERY or done == total:
                last = now
                self._report(done, total)
        return self.client.gather(futures)

    # ------------------------------------------------------------------ the DataSource protocol
    @property
    def nrows(self) -> int:
        self.prepare()
        return int(self._ends[-1]) if len(self._ends) else 0

    def total_rows(self) -> int:
        return self.nrows

    def total_cols(self) -> int:
        return len(self._names)

    def column_names(self) -> list:
        return list(self._names)

    def column_types(self) -> list:
        return list(self._kinds)

    def get_schema(self) -> dict:
        return dict(zip(self._names, self._kinds))

    def supports_streaming(self) -> bool:
        return True

    def frame(self, start: int, stop: int):
        """Rows ``[start, stop)`` of the view as a pandas frame, fetched from the workers
        that hold them (only the partitions the rows are in), kept in a small LRU."""
        import pandas as pd
        stop = min(stop, self.nrows)
        start = min(start, stop)
        key = (start, stop)
        with self._windows_lock:
            got = self._windows.get(key)
        if got is not None:
            return got
        if start == stop:
            return self._meta
        ends = self._ends
        p = int(np.searchsorted(ends, start, side="right"))
        futures = []
        while p < len(ends) and start < stop:
            first = int(ends[p - 1]) if p else 0
            if ends[p] > first:      # empty partitions give no rows
                lo, hi = start - first, min(stop, int(ends[p])) - first
                futures.append(self._submit(partition.rows, self._parts[p], lo, hi))
                start = first + hi
            p += 1
        pieces = self.client.gather(futures)
        got = pieces[0] if len(pieces) == 1 else pd.concat(pieces)
        with self._windows_lock:
            self._windows[key] = got
        return got

    def get_window(self, start: int, count: int) -> DataWindow:
        """Rows ``start .. start+count`` (clipped) as Python values (None for nulls)."""
        if start < 0 or count < 0:
            raise ValueError(f"window start and count must be >= 0, got {start}, {count}")
        df = self.frame(start, start + count)
        cols = [column_from_series(n, df[c]).to_list() for n, c in zip(self._names, df.columns)]
        return DataWindow(self.column_names(), [list(r) for r in zip(*cols)],
                          self.get_schema(), self.nrows, start)

    def _stream_parts(self):
        """(column-likes, no row index, rows) for the window encoder."""
        self.prepare()
        columns = [_WindowColumn(self, name, kind, col)
                   for name, kind, col in zip(self._names, self._kinds, self._meta.columns)]
        return columns, None, self.nrows

    # ------------------------------------------------------------------ views
    def filter(self, expression, marks: dict | None = None) -> "DaskSource":
        """The rows where ``expression`` holds (the grammar of ``BaseTable.filter``),
        selected on the workers. The expression is checked on the frame's empty meta
        first: a bad one fails here, before the cluster does any work."""
        if not isinstance(expression, str):
            raise TypeError(f"a distributed table filters by an expression string, got "
                            f"{type(expression).__name__}")
        if marks:
            raise ValueError(f"filter names {sorted(marks)} are not available on a "
                             "distributed table")
        partition.filter_mask(self._meta, expression)
        view = self.ddf.map_partitions(partition.filtered, expression, meta=self._meta)
        return DaskSource(view, self.client, persist=True, task="filtering")

    def sort_by(self, columns, ascending=True) -> "DaskSource":
        """The rows sorted by one or more columns on the cluster (nulls last)."""
        names = [columns] if isinstance(columns, str) else list(columns)
        orders = [ascending] * len(names) if isinstance(ascending, bool) else list(ascending)
        if len(orders) != len(names) or not names:
            raise ValueError(f"ascending has {len(orders)} entries for {len(names)} columns")
        for name in names:
            if name not in self._names:
                raise ValueError(f"cannot sort by {name!r}: no such column; columns are "
                                 f"{self._names}")
        by = [self._meta.columns[self._names.index(n)] for n in names]
        view = self.ddf.sort_values(by=by, ascending=orders, na_position="last")
        # a filtered view not persisted yet is filtered in the same pass
        task = "filtering and sorting" if self._persist and not self._done.is_set() \
            else "sorting"
        return DaskSource(view, self.client, persist=True, task=task)

    def search(self, text: str, start: int, backwards: bool = False, progress=None) -> tuple:
        """(view row of the first match at or after ``start`` (at or before it,
        backwards; wrapping around), or None; the number of matching rows): rows where a
        string column contains ``text``, ASCII case ignored, found on the workers."""
        self.prepare()
        ends = self._ends
        here = int(np.searchsorted(ends, start, side="right"))
        firsts = np.concatenate([[0], ends[:-1]])
        futures = [self._submit(partition.search_hits, part, text,
                                start - int(firsts[p]) if p == here else -1)
                   for p, part in enumerate(self._parts)]
        listeners, self._listeners = self._listeners, [progress] if progress else []
        task, self.task = self.task, "searching"
        try:
            hits = self._gather(futures)
        finally:
            self._listeners, self.task = listeners, task
        count = sum(h[0] for h in hits)
        if count == 0:
            return None, 0
        found = [p for p, h in enumerate(hits) if h[0]]
        if here < len(hits) and hits[here][4 if backwards else 3] >= 0:
            return int(firsts[here]) + hits[here][4 if backwards else 3], count
        if backwards:   # the last match before this partition, else the view's last one
            p = max([q for q in found if q < here], default=found[-1])
            return int(firsts[p]) + hits[p][2], count
        p = min([q for q in found if q > here], default=found[0])
        return int(firsts[p]) + hits[p][1], count

    def __repr__(self) -> str:
        rows = f"{self.nrows:,} rows" if self._done.is_set() else "rows not counted yet"
        return (f"DaskSource({self.ddf.npartitions} partitions, {rows}, "
                f"columns {self._names})")


class _WindowColumn:
    """One column of a :class:`DaskSource` as the window encoder sees it: its cells of a
    window are made from the rows fetched for that window (once for every column)."""

    def __init__(self, source: DaskSource, name: str, kind: str, label):
        self.source, self.name, self.kind, self._label = source, name, kind, label

    def __len__(self) -> int:
        return self.source.nrows

    def window(self, positions: np.ndarray):
        """The cells at ``positions`` (consecutive view rows) as a groggy column."""
        if positions.size == 0:
            return column_from_series(self.name, self.source._meta[self._label])
        start = int(positions[0])
        df = self.source.frame(start, int(positions[-1]) + 1)
        return column_from_series(self.name, df[self._label].iloc[positions - start])
