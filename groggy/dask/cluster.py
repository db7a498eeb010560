"""The Dask client groggy's distributed operations run on.

``gg.dask.open(path, client=Client("tcp://scheduler:8786"))`` runs on that scheduler's
workers; without ``client`` groggy uses the current default client (the last
``distributed.Client`` made in this process), and without one it starts a
``LocalCluster`` on this machine (one worker process per core), kept for the life of the
process. Every machine of a cluster must reach the store at the same path (a shared
file system): the workers, not the client, read the partition files.
"""
from __future__ import annotations

import contextlib

_started = {}   # the LocalCluster groggy started, and its client (reused by later calls)


def client_for(client=None):
    """The ``distributed.Client`` to run on: ``client`` if given, else the default
    client, else a new ``LocalCluster``'s.

    Examples
    --------
    >>> from distributed import Client, LocalCluster
    >>> from groggy.dask.cluster import client_for
    >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as lc:
    ...     with Client(lc) as c:
    ...         client_for() is c
    True
    """
    import distributed
    if client is not None:
        if not isinstance(client, distributed.Client):
            raise TypeError(f"client must be a distributed.Client, got "
                            f"{type(client).__name__}; e.g. Client('tcp://host:8786')")
        return client
    try:
        return distributed.get_client()
    except ValueError:   # no client in this process: start a cluster here
        pass
    if "client" not in _started or _started["client"].status != "running":
        cluster = distributed.LocalCluster(dashboard_address=None)
        _started["cluster"], _started["client"] = cluster, distributed.Client(cluster)
    return _started["client"]


@contextlib.contextmanager
def named_failures(what: str):
    """Around a wait for results: a task whose workers kept dying (Dask reruns a
    task a dead worker held, up to ``distributed.scheduler.allowed-failures`` times)
    becomes a ``GroggyError`` naming the partition the task worked on."""
    import distributed
    try:
        yield
    except distributed.KilledWorker as exc:
        from groggy.errors import GroggyError
        key = getattr(exc, "task", exc.args[0] if exc.args else None)
        part = key[1] if isinstance(key, tuple) and len(key) > 1 else "?"
        raise GroggyError(f"{what}: the workers computing partition {part} died (task "
                          f"{key!r}) more often than Dask retries a task; nothing was "
                          f"produced") from exc


def result(client, work, what: str):
    """Compute ``work`` (a Dask collection or ``Delayed``) on ``client`` and gather its
    (small) result, failures named by :func:`named_failures`."""
    with named_failures(what):
        return client.compute(work).result()
