"""Writing a distributed graph back as a partitioned groggy store: each worker writes
the partitions it holds straight into the new generation
(``partitioned.write_partition`` on a slot reserved by the client), and the client,
once every partition is written, adopts the small entries and commits the manifest.
Any failure (a task's error, edge ends outside the nodes, a dead worker) aborts the
writer: the store at ``path`` stays as it was, and the new generation is removed."""
from __future__ import annotations

from pathlib import Path

from groggy.dask import removed


def write_nodes(df, slot, rows=None, gone=None) -> dict:
    """One node partition's files (on a worker): every column of ``df``; with removed
    ids ``gone``, every row of ``rows`` (start, stop), a removed one as nulls."""
    from groggy.store import partitioned
    if gone is not None:
        df = removed.expand(df, *rows, gone)
    return partitioned.write_partition(slot, df.reset_index(drop=True))


def write_edges(df, slot, rows=None, gone=None) -> dict:
    """One edge partition's files (on a worker): ends, then the other columns."""
    from groggy.store import partitioned
    if gone is not None:
        df = removed.expand(df, *rows, gone)
    attrs = df.drop(columns=["source", "target"]).reset_index(drop=True)
    return partitioned.write_partition(slot, attrs, df["source"].to_numpy(),
                                       df["target"].to_numpy())


def save(graph, path) -> Path:
    """Write ``graph`` (a DistributedGraph) as a partitioned store at ``path``, one
    store partition per Dask partition; returns the path."""
    import distributed
    from dask import delayed
    from dask.base import tokenize
    from groggy.dask import cluster
    from groggy.store import remote
    from groggy.store.partitioned import StoreWriter
    if remote.is_url(path):
        raise ValueError(f"cannot save to {path}: groggy writes stores to a file system "
                         f"path (local or shared by the workers), not to a URL; save to a "
                         f"shared path, then copy the directory to the object store (it "
                         f"opens from there with gg.dask.open(url))")
    client = graph.client
    with StoreWriter(path, directed=graph.directed) as writer:
        jobs = []
        for part, write in (("nodes", write_nodes), ("edges", write_edges)):
            ids = graph.removed_ids(part)
            if ids is not None:   # the same ids: removed rows written back as nulls
                writer.remove(part, ids)
                rows, gone = graph.ranges(part), graph.gone(part)
            for i, piece in enumerate(getattr(graph, part).to_delayed()):
                slot = writer.reserve(part)   # keyed by partition: failures name it
                key = (f"groggy-save-{part}-{tokenize(piece.key, slot)}", i)
                more = () if ids is None else (rows[i], gone[i])
                jobs.append((slot, delayed(write)(piece, slot, *more, dask_key_name=key)))
        futures = client.compute([job for _, job in jobs])
        try:
            # every task ends (written or failed) before the writer may remove the
            # generation: no worker is left writing into a directory being deleted
            distributed.wait(futures)
            with cluster.named_failures("save"):
                entries = client.gather(futures)
        finally:   # forgotten by the cluster: a lost worker never reruns a write
            client.cancel(futures)
        for (slot, _), entry in zip(jobs, entries):
            writer.adopt(slot, entry)
    return Path(path)
