"""What runs on the Dask workers, one pandas partition at a time: a slice of rows, a
filter (the grammar of ``BaseTable.filter``, evaluated by ``groggy.query`` on the
partition's columns as groggy columns) and a text search. Workers import groggy to run
these (a worker process of a ``LocalCluster`` does; on a real cluster install groggy on
the workers too)."""
from __future__ import annotations

import numpy as np

from groggy import kernels, query
from groggy.foundation import compared_values
from groggy.io.pandas import column_from_series


def rows(df, lo: int, hi: int):
    """Rows ``[lo, hi)`` of a partition: only they travel back to the client."""
    return df.iloc[lo:hi]


def filter_mask(df, expression: str) -> np.ndarray:
    """Row mask of ``expression`` over a partition (a bad expression raises ValueError,
    an unknown column KeyError, as ``BaseTable.filter`` does)."""
    def values_of(name):
        if name not in df.columns:
            raise KeyError(f"no column {name!r}; columns are {[str(c) for c in df.columns]}")
        return compared_values(column_from_series(name, df[name]), None)
    return query.evaluate(expression, values_of, len(df))


def filtered(df, expression: str):
    return df[filter_mask(df, expression)]


def search_hits(df, text: str, local: int) -> tuple:
    """(count, first, last, first at or after ``local``, last at or before it) of the rows
    where a string column contains ``text`` (ASCII case ignored); -1 where none."""
    mask = np.zeros(len(df), dtype=bool)
    every = np.arange(len(df), dtype=np.int64)
    for name in df.columns:
        col = column_from_series(str(name), df[name])
        if col.kind == "string":
            kernels.strings_contain(*col.text, every, text, True, out=mask)
    hits = np.flatnonzero(mask)
    if hits.size == 0:
        return 0, -1, -1, -1, -1
    after = hits[hits >= local]
    before = hits[hits <= local]
    return (int(hits.size), int(hits[0]), int(hits[-1]),
            int(after[0]) if local >= 0 and after.size else -1,
            int(before[-1]) if local >= 0 and before.size else -1)
