"""``group_by(...).agg(...)`` and column statistics on a Dask DataFrame, with groggy's
aggregations and groggy's answers (null keys dropped, nulls and NaN skipped, groups in
key order, ``std`` with ``ddof=0`` unless asked).

Each partition is reduced on its worker to a small partial result per group (counts,
sums, sums of squared deviations, extremes, first and last values, distinct values for
``nunique``); partials merge in a tree (``groggy.dask.reduce``) and the last task turns
them into the answer, so the client receives one row per group and nothing else.
"""
from __future__ import annotations

import numpy as np

from groggy import grouping
from groggy.groupby import _key_names, plan_outputs

# what each aggregation needs from a partition
_NEEDS = {"count": {"count"}, "sum": {"sum"}, "mean": {"count", "sum"},
          "std": {"count", "sum", "m2"}, "min": {"min"}, "max": {"max"},
          "first": {"first"}, "last": {"last"}, "nunique": set()}
_MERGE = {"count": "sum", "sum": "sum", "min": "min", "max": "max", "first": "first",
          "last": "last"}
_ALL = "__groggy_all__"   # the one key of a statistics "group-by"


def kind_of(dtype) -> str:
    """groggy's kind for a pandas dtype (nullable ones included)."""
    import pandas as pd
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int64"
    if pd.api.types.is_float_dtype(dtype):
        return "float64"
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        return "string"
    return "object"


class _Described:
    """A column as ``grouping.check_applies`` sees it: a name and a kind."""

    def __init__(self, name: str, kind: str):
        self.name, self.kind = name, kind


def described_columns(meta) -> dict:
    return {str(c): _Described(str(c), kind_of(meta[c].dtype)) for c in meta.columns}


def _needs(outputs) -> dict:
    needs = {}
    for _, column, fn in outputs:
        needs.setdefault(column, set()).update(_NEEDS[fn])
    return needs


def _distinct(outputs) -> list:
    return sorted({column for _, column, fn in outputs if fn == "nunique"})


# ------------------------------------------------------------------ on the workers

def partial(df, keys: list, needs: dict, distinct: list) -> dict:
    """One partition's partial result: group sizes, per-column statistics (pandas skips
    nulls and NaN in each) and, for ``nunique``, the distinct (key, value) pairs."""
    import pandas as pd
    df = df.dropna(subset=keys)
    groups = df.groupby(keys, sort=False)
    out = {"size": groups.size().rename("size").to_frame()}
    for column, stats in needs.items():
        values = groups[column]
        frame = {stat: getattr(values, stat)() for stat in
                 ("count", "sum", "min", "max", "first", "last") if stat in stats}
        if "m2" in stats:
            frame["m2"] = values.var(ddof=0).fillna(0.0) * frame["count"]
        out[column] = (pd.DataFrame(frame) if frame else out["size"].iloc[:, :0])
    for column in distinct:
        out[("distinct", column)] = df[keys + [column]].dropna(subset=[column]) \
            .drop_duplicates()
    return out


def merge(partials: list) -> dict:
    """Partials of consecutive partitions (in order) as one partial of them all."""
    import pandas as pd
    if len(partials) == 1:
        return partials[0]
    out = {}
    for name in partials[0]:
        frames = [p[name] for p in partials]
        if isinstance(name, tuple):   # distinct pairs
            out[name] = pd.concat(frames, ignore_index=True).drop_duplicates()
            continue
        both = pd.concat(frames)
        levels = list(range(both.index.nlevels))
        groups = both.groupby(level=levels, sort=False)
        if name == "size":
            out[name] = groups.sum()
            continue
        merged = {stat: getattr(groups[stat], _MERGE[stat])()
                  for stat in both.columns if stat in _MERGE}
        if "m2" in both.columns:   # Chan et al.: within-part spread + between-part spread
            means = both["sum"] / both["count"]
            total = groups["sum"].transform("sum") / groups["count"].transform("sum")
            # a part without values of the column (count 0) adds nothing
            spread = both["m2"] + (both["count"] * (means - total) ** 2).where(
                both["count"] > 0, 0.0)
            merged["m2"] = spread.groupby(level=levels, sort=False).sum()
        out[name] = pd.DataFrame(merged) if merged else both.iloc[:0]
    return out


def finish(partial_all: dict, keys: list, outputs: list, kinds: dict, ddof: int,
           size: bool = False):
    """The answer as a pandas DataFrame: the key columns in key order, then each output
    column in groggy's kind (nullable pandas dtypes), then ``size`` if asked."""
    import pandas as pd
    groups = partial_all["size"].sort_index()
    index = groups.index
    table = {}
    for level, key in enumerate(keys):
        values = index.get_level_values(level) if index.nlevels > 1 else index
        table[key] = _as_kind(pd.Series(np.asarray(values, dtype=object)), kinds[key])
    for out, column, fn in outputs:
        table[out] = _output(partial_all, column, fn, index, keys, kinds[column], ddof)
    if size:
        table["size"] = groups["size"].to_numpy()
    return pd.DataFrame({k: pd.Series(v).reset_index(drop=True) for k, v in table.items()})


def _output(partial_all, column, fn, index, keys, kind, ddof):
    import pandas as pd
    if fn == "nunique":
        pairs = partial_all[("distinct", column)]
        counts = pairs.groupby(keys, sort=False).size() if len(pairs) else pd.Series(
            [], dtype=np.int64)
        return _aligned(counts, index).fillna(0).astype(np.int64).to_numpy()
    stats = partial_all[column]
    if fn in ("count", "sum"):
        values = _aligned(stats[fn], index)
        if fn == "count" or kind in ("int64", "bool"):
            return values.fillna(0).astype(np.int64).to_numpy()
        return values.fillna(0.0).astype(np.float64).to_numpy()
    if fn in ("mean", "std"):
        count = _aligned(stats["count"], index).fillna(0).to_numpy(dtype=np.float64)
        total = _aligned(stats["sum"], index).fillna(0).to_numpy(dtype=np.float64)
        if fn == "mean":
            values, present = total / np.maximum(count, 1), count > 0
        else:
            m2 = _aligned(stats["m2"], index).fillna(0).to_numpy(dtype=np.float64)
            values, present = np.sqrt(m2 / np.maximum(count - ddof, 1)), count > ddof
        return pd.array(np.where(present, values, np.nan), dtype="Float64")
    return _as_kind(_aligned(stats[fn], index), kind)


def _aligned(series, index):
    """``series`` (indexed by group key) in the order of ``index``, NaN where absent."""
    if len(series) == 0:
        import pandas as pd
        return pd.Series([np.nan] * len(index), dtype=object)
    return series.reindex(index)


def _as_kind(series, kind: str):
    """Values of one groggy kind as a nullable pandas array (nulls where missing)."""
    import pandas as pd
    dtype = {"int64": "Int64", "float64": "Float64", "bool": "boolean"}.get(kind)
    values = series.astype(object).where(series.notna(), None)
    if dtype is None:
        return pd.array(values.tolist(), dtype=object)
    return pd.array(values.tolist(), dtype=dtype)


# ------------------------------------------------------------------ on the client

class DistributedGroupBy:
    """Rows of a distributed table grouped by key columns (made by
    :meth:`DistributedTable.group_by`). ``agg`` takes what the in-process
    :meth:`groggy.GroupBy.agg` takes (``count sum mean std min max nunique first last``)
    and gives the same table; ``size()`` the rows of each group."""

    def __init__(self, table, by):
        self._table, self._keys = table, _key_names(by)
        self._columns = described_columns(table.frame._meta)
        for key in self._keys:
            self._column(key)

    def _column(self, name: str):
        if name not in self._columns:
            raise KeyError(f"no column {name!r}; columns are {list(self._columns)}")
        return self._columns[name]

    def _values(self) -> list:
        return [n for n in self._columns if n not in self._keys]

    def agg(self, spec=None, /, ddof: int = 0, **named):
        """One row per group (a groggy Table): the keys, then the aggregations.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd, groggy.dask as gd
        >>> from distributed import Client, LocalCluster
        >>> client = Client(LocalCluster(processes=False, dashboard_address=None))
        >>> df = pd.DataFrame({"k": [1, 1, 2, 2], "x": [1.0, 3.0, None, 5.0]})
        >>> t = gd.table(dd.from_pandas(df, npartitions=2), client=client)
        >>> t.group_by("k").agg({"x": ["mean", "count"]}).to_dict()
        {'k': [1, 2], 'x_mean': [2.0, 5.0], 'x_count': [2, 1]}
        >>> client.cluster.close(); client.close()
        """
        outputs = plan_outputs(spec, named, self._keys, self._values(), self._column)
        return self._table._grouped(self._keys, outputs, ddof)

    aggregate = agg

    def size(self):
        """The key columns and ``size``: the number of rows of each group."""
        return self._table._grouped(self._keys, [], 0, size=True)


def plan(frame, keys: list, outputs: list, ddof: int, size: bool = False):
    """The ``Delayed`` answer (a pandas DataFrame) of a group-by over ``frame``."""
    from groggy.dask import reduce
    from dask import delayed
    kinds = {name: c.kind for name, c in described_columns(frame._meta).items()}
    needs, distinct = _needs(outputs), _distinct(outputs)
    columns = list(dict.fromkeys(keys + list(needs) + distinct))
    parts = reduce.per_partition(partial, frame[columns], keys, needs, distinct,
                                 name="groggy-group-by")
    meta = partial(frame._meta[columns], keys, needs, distinct)
    whole = reduce.tree(parts, merge, lambda: meta)
    return delayed(finish)(whole, keys, outputs, kinds, ddof, size)


def stats_plan(frame):
    """The ``Delayed`` statistics of every number column: one row per column with its
    count (values neither null nor NaN), nulls, sum, mean, std, min and max."""
    from dask import delayed
    kinds = {name: c.kind for name, c in described_columns(frame._meta).items()}
    numbers = [n for n, k in kinds.items() if k in ("int64", "float64", "bool")]
    outputs = [(f"{n}\0{fn}", n, fn) for n in numbers
               for fn in ("count", "sum", "mean", "std", "min", "max")]
    framed = frame[numbers].assign(**{_ALL: 0})   # one group: every row
    answer = plan(framed, [_ALL], outputs, 0, size=True)
    return delayed(_stats_table)(answer, numbers, kinds)


def _stats_table(answer, numbers: list, kinds: dict):
    import pandas as pd
    rows = int(answer["size"].iloc[0]) if len(answer) else 0
    table = {"column": numbers, "kind": [kinds[n] for n in numbers]}
    for fn in ("count", "nulls", "sum", "mean", "std", "min", "max"):
        looked = "count" if fn == "nulls" else fn
        values = [_single(answer, f"{n}\0{looked}", looked) for n in numbers]
        if fn == "nulls":
            values = [rows - v for v in values]
        table[fn] = pd.array(values, dtype="Int64" if fn in ("count", "nulls") else "Float64")
    return pd.DataFrame(table)


def _single(answer, name: str, fn: str):
    """The one group's value of an output (a table without rows has no group)."""
    import pandas as pd
    if len(answer) == 0:
        return 0 if fn in ("count", "sum") else None
    value = answer[name].iloc[0]
    return None if value is pd.NA else value
