"""``DistributedTable``: a Dask DataFrame with groggy's table operations, each run on
the cluster's workers: ``filter`` (the grammar of :meth:`groggy.BaseTable.filter`,
evaluated per partition by groggy's own evaluator), ``group_by(...).agg(...)`` and
``stats()``. Row-wise results stay Dask objects (lazy); small answers (group-by
tables, statistics) come back as groggy tables."""
from __future__ import annotations

from groggy import query
from groggy.dask import aggregate, cluster


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

    def stats(self):
        """One row per number (or bool) column: ``count`` (values neither null nor
        NaN), ``nulls``, ``sum``, ``mean``, ``std`` (ddof 0), ``min``, ``max``, as
        ``t[col].count()``, ``.sum()``, ... give them in-process."""
        work = aggregate.stats_plan(self.frame)
        return groggy_table(cluster.result(self.client, work, "stats"))

    describe = stats


def table(frame, client=None) -> DistributedTable:
    """A Dask DataFrame as a :class:`DistributedTable` run by ``client`` (see
    :func:`groggy.dask.cluster.client_for`)."""
    return DistributedTable(frame, client)
