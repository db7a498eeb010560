"""groggy: a graph data engine for million-row, in-process analysis.

>>> import groggy as gg
>>> g = gg.Graph()
>>> _ = g.add_nodes({"age": [30, 40, 50]})
>>> _ = g.add_edges([(0, 1), (1, 2)])
>>> g.nodes.table().shape
(3, 2)
"""
import os as _os

# idle OpenMP threads sleep instead of spinning: layouts run many short parallel loops,
# and spinning threads fight the rest of the machine (set OMP_WAIT_POLICY to override)
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from groggy.arrays import (ComponentsArray, EdgesArray, NodesArray, NumArray, StrArray,
                           SubgraphArray, TableArray, array)
from groggy.display import DisplayConfig, get_display_config, set_display_config
from groggy.errors import GroggyError, ReadOnlyError, StoreError
from groggy.foundation import BaseArray, BaseTable, DataWindow
from groggy.graph import Graph, open_graph
from groggy.groupby import GroupBy
from groggy.matrix import Matrix, matrix
from groggy.store import StoreWriter
from groggy.subgraph import Subgraph
from groggy.tables import EdgesTable, GraphTable, NodesTable, Table
from groggy.tables import make_table as table

from groggy.web import BrowserInterface
from groggy.web import serve as _serve_graph


# -- gg.serve(ddf): a Dask DataFrame is served by groggy.dask, imported only then
def serve(path_or_graph, *args, **kwargs):
    if type(path_or_graph).__module__.split(".")[0] == "dask":
        from groggy.dask.serve import serve_frame
        return serve_frame(path_or_graph, *args, **kwargs)
    return _serve_graph(path_or_graph, *args, **kwargs)


serve.__doc__ = _serve_graph.__doc__ + """
    A Dask DataFrame (``gg.serve(ddf, client=...)``) is served as one table whose rows
    stay on the cluster: see :func:`groggy.dask.serve.interactive`.
    """
serve.__wrapped__ = _serve_graph
# -- end gg.serve(ddf)

open = open_graph  # noqa: A001 - gg.open(path) is the documented name
from_networkx = Graph.from_networkx

# loading and saving data (groggy.io), generators
from groggy import generators
from groggy.io.bundle import load_bundle
from groggy.io.csv import from_csv
from groggy.io.dict import from_dict
from groggy.io.json import from_json
from groggy.io.pandas import from_pandas
from groggy.io.parquet import from_parquet
# force-layout models (issue 12): the layouts load with groggy (not the renderer), so the
# first g.viz.compute_layout in a process costs what the next ones do
from groggy import viz as _viz  # noqa: F401,E402

__version__ = "0.1.0"

__all__ = [
    "Graph", "open", "open_graph", "from_networkx", "table", "array",
    "BaseTable", "BaseArray", "Table", "NodesTable", "EdgesTable", "GraphTable", "NumArray",
    "StrArray", "NodesArray", "EdgesArray", "ComponentsArray", "SubgraphArray", "TableArray", "Matrix",
    "matrix",
    "Subgraph", "DataWindow", "DisplayConfig", "get_display_config", "set_display_config",
    "GroggyError", "StoreError", "ReadOnlyError", "serve", "BrowserInterface",
    "GroupBy", "generators", "from_pandas", "from_csv", "from_dict", "from_json", "from_parquet",
    "load_bundle", "StoreWriter",
]


# --- groggy.dask (issue 14): graphs on a Dask cluster, imported on first use of gg.dask,
# so that groggy imports without dask installed
def __getattr__(name):
    if name == "dask":
        import importlib
        return importlib.import_module("groggy.dask")
    raise AttributeError(f"module 'groggy' has no attribute {name!r}")
