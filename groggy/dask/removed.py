"""Removed rows on Dask. A store keeps a removed element's row (ids stay stable) and
lists its id (``removed/nodes.npy``, ``removed/edges.npy``); on the cluster each
partition drops the removed ids in its row range as it is read, so every operation sees
the live rows only, at the same positions (ids) as ``gg.open`` gives them."""
from __future__ import annotations

import numpy as np


def by_range(ids, ranges: list) -> list:
    """The sorted global ``ids`` cut by row ranges: one array per partition."""
    ids = np.asarray(ids if ids is not None else (), dtype=np.int64)
    cuts = np.searchsorted(ids, [a for a, _ in ranges] + [ranges[-1][1] if ranges else 0])
    return [ids[a:b] for a, b in zip(cuts[:-1], cuts[1:])]


def keep(start: int, stop: int, gone) -> np.ndarray | None:
    """Mask over rows ``start..stop-1``: False at the removed ids ``gone`` (global, in
    range); None when nothing there was removed."""
    if gone is None or len(gone) == 0:
        return None
    mask = np.ones(stop - start, dtype=bool)
    mask[np.asarray(gone) - start] = False
    return mask


def live(start: int, stop: int, gone) -> np.ndarray:
    """The live positions of rows ``start..stop-1``."""
    positions = np.arange(start, stop, dtype=np.int64)
    mask = keep(start, stop, gone)
    return positions if mask is None else positions[mask]


_HOLDS_NULL = {"int64": "Int64", "bool": "boolean"}   # dtypes that cannot hold a null


def expand(df, start: int, stop: int, gone):
    """A live partition back to every row ``start..stop-1`` (for writing a store with the
    same ids): a removed row is a null in each column (edge ends 0: a removed edge's ends
    are never read)."""
    import pandas as pd
    if gone is None or len(gone) == 0:
        return df
    df = df.astype({c: _HOLDS_NULL[str(t)] for c, t in df.dtypes.items()
                    if str(t) in _HOLDS_NULL and c not in ("source", "target")})
    full = df.reindex(pd.RangeIndex(start, stop))
    for end in ("source", "target"):
        if end in full.columns:
            full[end] = full[end].fillna(0).astype(np.int64)
    return full
