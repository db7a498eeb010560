"""A tree of merges over Dask ``Delayed`` values: partition results combined a few at a
time on the workers, level after level, so no single task (and not the client) receives
every partition's result at once."""
from __future__ import annotations


def per_partition(fn, frame, *args, name: str) -> list:
    """``fn(partition, *args)`` for each partition of a Dask DataFrame, as ``Delayed``
    values keyed ``(name-<token>, i)``: a failure names partition ``i``, as it does
    for Dask's own per-partition tasks."""
    from dask import delayed
    from dask.base import tokenize
    parts = frame.to_delayed()
    token = tokenize(*[p.key for p in parts], *args)
    return [delayed(fn)(p, *args, dask_key_name=(f"{name}-{token}", i))
            for i, p in enumerate(parts)]


def tree(parts: list, merge, empty, split_every: int = 8):
    """One ``Delayed``: ``merge(list_of_results)`` applied level by level over ``parts``
    (Delayed values, in partition order; each merge keeps that order), or ``empty()``
    when there are no parts."""
    from dask import delayed
    level = list(parts)
    if not level:
        return delayed(empty)()
    while len(level) > 1:
        level = [delayed(merge)(level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    return level[0]


def node_series(blocks: list, ranges: list, name: str, dtype="int64"):
    """A Dask Series aligned with the nodes: ``blocks[j]`` (a ``Delayed`` pandas Series)
    holds the values of node partition ``j``, whose rows are ``ranges[j]``; the index is
    the node position, with known divisions."""
    import dask.dataframe as dd
    import pandas as pd
    meta = pd.Series([], dtype=dtype, name=name, index=pd.RangeIndex(0, 0))
    return dd.from_delayed(blocks, meta=meta, divisions=divisions(ranges),
                           verify_meta=False)


def divisions(ranges: list) -> tuple:
    """Dask divisions of partitions holding rows ``ranges`` (contiguous, in order):
    each partition's first position, then the last row's. An empty partition
    anywhere but the end is expressed exactly (its division repeats the next one's);
    empty partitions at the end would claim the last row, so they make the divisions
    unknown."""
    total = ranges[-1][1] if ranges else 0
    if total == 0 or ranges[-1][0] == ranges[-1][1]:
        return (None,) * (len(ranges) + 1)
    return tuple(start for start, _ in ranges) + (total - 1,)
