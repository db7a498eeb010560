"""groggy on a Dask cluster (``pip install 'groggy[dask]'``).

``gg.dask.open(path)`` opens a partitioned groggy store (or Parquet datasets) as a
:class:`DistributedGraph` whose nodes and edges are Dask DataFrames, read by the workers
from the store's files; degree, group-by, filters, statistics and connected components
run as Dask graphs, and ``save`` writes a partitioned store from the workers.
Modules: ``cluster`` (the client), ``graph``, ``table``, ``aggregate``, ``components``,
``quantile`` (exact quantiles), ``read`` (partitions as pandas, local or at a URL),
``removed`` (a store's removed rows), ``write``, ``reduce`` (merge trees); in the browser:
``source`` (a Dask DataFrame as a DataSource), ``partition`` (its worker functions),
``serve`` (``interactive(ddf)``, behind ``gg.serve(ddf)``).
"""
try:
    import dask.dataframe  # noqa: F401
    import distributed  # noqa: F401
except ImportError as exc:   # groggy itself imports without them; gg.dask needs both
    raise ImportError(f"groggy.dask needs dask[dataframe] and distributed ({exc}): "
                      f"pip install 'groggy[dask]'") from exc

from groggy.dask.graph import DistributedGraph, open  # noqa: A004,E402
from groggy.dask.serve import interactive  # noqa: E402
from groggy.dask.table import DistributedTable, table  # noqa: E402

__all__ = ["open", "DistributedGraph", "DistributedTable", "table", "interactive"]
