"""``DistributedTable``: a Dask DataFrame with groggy's table operations, each run on
the cluster's workers: ``filter`` (the grammar of :meth:`groggy.BaseTable.filter`,
evaluated per partition by groggy's own evaluator), ``group_by(...).agg(...)`` and
``stats()``. Row-wise results stay Dask objects (lazy); small answers (group-by
tables, statistics) come back as groggy tables."""
from __future__ import annotations

import numpy as np

from groggy import query
from groggy.dask import aggregate, cluster, quantile


def _partition_values(df, name: str):
    """A pandas column as the filter evaluator takes it: (values, valid)."""
    from groggy.foundation import compared_values
    from groggy.io.pandas import column_from_series
    if name not in df.columns:
        raise KeyError(f"no column {name!r}; columns are {[str(c) for c in df.columns]}")
    return compared_values(column_from_series(name, df[name]), None)


def filter_partition(df, expr: str):
    """The rows of one partition where ``expr`` holds (run on a worker)."""
    mask = query.evaluate(expr, lambda name: _partition_values(df, name), len(df))
    return df[mask]


def groggy_table(df):
    """A small pandas DataFrame as a groggy :class:`~groggy.Table` (nullable dtypes
    become nulls)."""
    from groggy.foundation import BaseTable
    from groggy.frame import ColumnsFrame
    from groggy.io.pandas import column_from_series
    from groggy.tables import Table
    columns = {str(c): column_from_series(str(c), df[c]) for c in df.columns}
    return Table._of(BaseTable(ColumnsFrame(columns, len(df))))


class DistributedTable:
    """Rows held by a Dask cluster: ``frame`` is the Dask DataFrame (index: the global
    row position when the table was read from a store), ``client`` the
    ``distributed.Client`` that runs its operations.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, groggy.dask as gd
    >>> from distributed import Client, LocalCluster
    >>> client = Client(LocalCluster(processes=False, dashboard_address=None))
    >>> df = pd.DataFrame({"club": ["a", "b", "a", None], "age": [30, 40, 50, 60]})
    >>> t = gd.table(dd.from_pandas(df, npartitions=2), client=client)
    >>> t.filter("age >= 40 and club == 'a'").compute()["age"].tolist()
    [50]
    >>> t.group_by("club").agg({"age": "max"}).to_dict()
    {'club': ['a', 'b'], 'age': [50, 40]}
    >>> client.cluster.close(); client.close()
    """

    def __init__(self, frame, client=None):
        import dask.dataframe as dd
        if not isinstance(frame, dd.DataFrame):
            raise TypeError(f"a DistributedTable holds a dask DataFrame, got "
                            f"{type(frame).__name__}")
        self.frame, self._client = frame, client

    @property
    def client(self):
        """The ``distributed.Client`` (the default one, or a new LocalCluster's, when
        none was given)."""
        self._client = cluster.client_for(self._client)
        return self._client

    # ---------------------------------------------------------------- shape
    @property
    def columns(self) -> list:
        return [str(c) for c in self.frame.columns]

    @property
    def npartitions(self) -> int:
        return self.frame.npartitions

    def partition_lengths(self) -> list:
        """The number of rows of each partition (computed on the workers)."""
        lengths = self.frame.map_partitions(len, meta=(None, "int64"))
        return [int(n) for n in cluster.result(self.client, lengths, "lengths")]

    def __len__(self) -> int:
        return sum(self.partition_lengths())

    @property
    def nrows(self) -> int:
        return len(self)

    def __repr__(self) -> str:
        return (f"DistributedTable({self.npartitions} partitions, columns "
                f"{self.columns})")

    def __getitem__(self, key):
        """A column as a Dask Series, or several as a DistributedTable."""
        if isinstance(key, str):
            return self.frame[key]
        return DistributedTable(self.frame[list(key)], self._client)

    # ---------------------------------------------------------------- results
    def compute(self):
        """Every row as one pandas DataFrame on the client (only for what fits)."""
        return cluster.result(self.client, self.frame, "compute")

    def head(self, n: int = 5):
        """The first ``n`` rows as a pandas DataFrame."""
        first = self.frame.head(n, npartitions=-1, compute=False)
        return cluster.result(self.client, first, "head")

    def to_table(self):
        """Every row as an in-process groggy Table (only for what fits)."""
        return groggy_table(self.compute().reset_index(drop=True))

    def interactive(self, **kwargs):
        """The table in the browser, a window of rows at a time from the workers (sort,
        filter and search run on the cluster); keywords as
        :func:`groggy.dask.serve.interactive`. Returns the view (``url``, ``close()``)."""
        from groggy.dask.serve import interactive
        kwargs.setdefault("client", self.client)
        return interactive(self.frame, **kwargs)

    # ---------------------------------------------------------------- operations
    def filter(self, expr: str) -> "DistributedTable":
        """The rows where ``expr`` holds (lazy): the grammar of
        :meth:`groggy.BaseTable.filter` (``"age >= 30 and club == 'A'"``), checked
        here against the columns' kinds, then run on each partition by its worker."""
        if not isinstance(expr, str):
            raise TypeError(f"filter takes an expression string, got {type(expr).__name__}")
        meta = self.frame._meta
        filter_partition(meta, expr)   # a bad expression fails here, before any work
        return DistributedTable(self.frame.map_partitions(filter_partition, expr,
                                                          meta=meta), self._client)

    def group_by(self, by) -> aggregate.DistributedGroupBy:
        """The rows grouped by column ``by`` (or a list): ``agg`` and ``size`` as in
        :class:`groggy.GroupBy`, answered as groggy tables."""
        return aggregate.DistributedGroupBy(self, by)

    def _grouped(self, keys, outputs, ddof, size=False):
        work = aggregate.plan(self.frame, keys, outputs, ddof, size)
        return groggy_table(cluster.result(self.client, work, "group_by"))

    def stats(self, quantiles=(0.5,)):
        """One row per number (or bool) column: ``count`` (values neither null nor
        NaN), ``nulls``, ``sum``, ``mean``, ``std`` (ddof 0), ``min``, ``max``, as
        ``t[col].count()``, ``.sum()``, ... give them in-process, then one column per
        quantile in ``quantiles``, exact (see :meth:`quantile`): ``median`` for 0.5
        (``NumArray.median()``), ``q25`` for 0.25, ...; ``quantiles=()`` for none."""
        qs = quantile.checked(quantiles)
        work = aggregate.stats_plan(self.frame)
        answer = cluster.result(self.client, work, "stats")
        if qs:
            kinds = dict(zip(answer["column"], answer["kind"]))
            found = quantile.quantiles(self.frame, self.client, kinds,
                                       ["median" if q == 0.5 else q for q in qs])
            for i, q in enumerate(qs):
                answer[quantile.column_name(q)] = pd_floats([found[c][i] for c in kinds])
        return groggy_table(answer)

    describe = stats

    def quantile(self, column: str, q=0.5):
        """The exact ``q`` quantile (or a list, for a list of ``q``) of a number column,
        nulls and NaN skipped: ``np.quantile`` of its values (linear interpolation),
        None without values. A few passes over the partitions (histograms of the
        values, then the few values near the rank): no partition's values go to the
        client, and the answer is exact, not Dask's approximation.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd, groggy.dask as gd
        >>> from distributed import Client, LocalCluster
        >>> client = Client(LocalCluster(processes=False, dashboard_address=None))
        >>> df = pd.DataFrame({"x": [4.0, None, 1.0, 2.0, float("nan"), 3.0]})
        >>> t = gd.table(dd.from_pandas(df, npartitions=3), client=client)
        >>> t.quantile("x", 0.5), t.quantile("x", [0, 0.25, 1]), t.median("x")
        (2.5, [1.0, 1.75, 4.0], 2.5)
        >>> client.cluster.close(); client.close()
        """
        many = np.ndim(q) > 0
        qs = quantile.checked(q if many else [q])
        found = quantile.quantiles(self.frame, self.client, self._number(column), qs)
        return found[column] if many else found[column][0]

    def median(self, column: str):
        """The exact median of a number column (``NumArray.median()`` in-process)."""
        return quantile.quantiles(self.frame, self.client, self._number(column),
                                  ["median"])[column][0]

    def _number(self, column: str) -> dict:
        """{column: kind} of a number or bool column, or a clear error."""
        kinds = {c: d.kind for c, d in aggregate.described_columns(self.frame._meta).items()}
        if column not in kinds:
            raise KeyError(f"no column {column!r}; columns are {list(kinds)}")
        if kinds[column] not in ("int64", "float64", "bool"):
            raise TypeError(f"column {column!r} holds {kinds[column]}; quantiles take "
                            f"numbers or booleans")
        return {column: kinds[column]}


def pd_floats(values: list):
    import pandas as pd
    return pd.array(values, dtype="Float64")


def table(frame, client=None) -> DistributedTable:
    """A Dask DataFrame as a :class:`DistributedTable` run by ``client`` (see
    :func:`groggy.dask.cluster.client_for`)."""
    return DistributedTable(frame, client)
