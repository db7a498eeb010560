"""The browser over a Dask DataFrame: ``groggy.dask.interactive(ddf)`` and
``gg.serve(ddf)``. The page is the one of every groggy table; the rows stay on the
cluster (``groggy.dask.source``)."""
from __future__ import annotations

import threading

from groggy.dask.source import DaskSource, connect
from groggy.web import BrowserInterface, Server
from groggy.web.sources import Views

VIEWS_KEPT = 4     # sorted/filtered views persisted on the workers at once, per server


def is_dask_frame(obj) -> bool:
    """Whether ``obj`` is a Dask DataFrame or Series (without importing dask)."""
    return type(obj).__module__.split(".")[0] == "dask" and hasattr(obj, "npartitions")


class DaskView(BrowserInterface):
    """A running browser view of a Dask DataFrame; closing it also closes the Dask
    client (and ``LocalCluster``) it started, if it started one."""

    def __init__(self, server, open_browser=False, widget=True, owned_client=None):
        self._owned = owned_client
        super().__init__(server, open_browser, widget)

    @property
    def source(self) -> DaskSource:
        return next(iter(self._server.sources.values())).obj

    def close(self) -> None:
        super().close()
        if self._owned is not None:    # (a LocalCluster it started closes with it)
            owned, self._owned = self._owned, None
            owned.close()


def interactive(ddf, client=None, port: int = 0, theme: str = "sleek",
                open_browser: bool = False, host: str = "127.0.0.1", token: str | None = None,
                widget: bool = True, name: str = "table") -> DaskView:
    """Open a Dask DataFrame in the browser: the page of ``table.interactive()``, with
    the rows fetched from the workers a window at a time, and sort, filter and search
    run on the cluster (the page shows their progress and stays usable meanwhile).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame (or Series)
        Columns of int, float, bool or string dtype. Persist it first
        (``ddf = ddf.persist()``) to read windows from the workers' memory instead of
        recomputing their partitions.
    client : distributed.Client, str or None
        The cluster to run on: a Client, a scheduler address (``"tcp://host:8786"``), or
        None for the current default Client, else a new ``LocalCluster`` on this machine
        (closed with the view).
    port, theme, open_browser, host, token, widget
        As for ``table.interactive()`` and ``groggy.serve``.
    name : str
        The source's name on the page.

    Returns
    -------
    DaskView
        A :class:`~groggy.web.BrowserInterface`: ``url``, ``close()``, a context
        manager. The rows are counted on the cluster in the background from the start;
        the page shows the count's progress.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from distributed import Client
    >>> client = Client(processes=False, dashboard_address=None)
    >>> ddf = dd.from_pandas(pd.DataFrame({"x": range(10)}), npartitions=3)
    >>> with interactive(ddf, client=client) as view:
    ...     view.get_total_rows(), view.get_data_window(4, 2).rows
    (10, [[4], [5]])
    >>> client.close()
    """
    if not is_dask_frame(ddf):
        raise TypeError(f"groggy.dask.interactive shows a Dask DataFrame, got "
                        f"{type(ddf).__module__}.{type(ddf).__name__}")
    if not hasattr(ddf, "columns"):       # a Series: one column
        ddf = ddf.to_frame()
    source = DaskSource(ddf, client=None)   # the columns are checked before any cluster
    client, owned = connect(client)
    source.client = client
    try:
        server = Server({name: source}, port=port, host=host, theme=theme, token=token)
    except BaseException:
        if owned:
            client.close()
        raise
    server.views = Views(VIEWS_KEPT)
    # the rows are counted from now on: the page shows the count's progress when it asks
    threading.Thread(target=_count_quietly, args=(source,), daemon=True,
                     name="groggy-dask-count").start()
    return DaskView(server, open_browser, widget, client if owned else None)


def _count_quietly(source: DaskSource) -> None:
    try:
        source.prepare()
    except Exception:   # the page's own request tries again and shows the error
        pass


def serve_frame(ddf, port: int = 0, open_browser: bool = True, theme: str = "sleek",
                host: str = "127.0.0.1", token: str | None = None, verify: bool = True,
                client=None, name: str = "table") -> DaskView:
    """``gg.serve(ddf)``: :func:`interactive` with ``gg.serve``'s defaults (the page
    opens in the browser). ``verify`` concerns stored graphs and is ignored here."""
    return interactive(ddf, client=client, port=port, theme=theme,
                       open_browser=open_browser, host=host, token=token, name=name)
