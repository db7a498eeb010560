"""CSV files: ``gg.from_csv`` (pyarrow's multithreaded reader when installed, else
pandas) and, on every table, ``to_csv``."""
from __future__ import annotations

from groggy.errors import require
from groggy.io import files
from groggy.io.pandas import upstream_keywords

_UPSTREAM_PATHS = {"nodes_filepath": "nodes_path", "edges_filepath": "edges_path"}


def from_csv(nodes_path=None, edges_path=None, source: str = "source",
             target: str = "target", node_id: str | None = None, directed: bool = False,
             engine: str = "auto", read_options: dict | None = None, **kwargs):
    """A graph from a nodes CSV file and an edges CSV file (either may be None), with
    the rules of :func:`groggy.from_pandas` for ``source``, ``target`` and ``node_id``.

    Parameters
    ----------
    nodes_path, edges_path : str or Path, optional
        The files (upstream's ``nodes_filepath=`` / ``edges_filepath=`` work too, as do
        ``node_id_column=``, ``source_id_column=``, ``target_id_column=``).
    engine : {"auto", "pyarrow", "pandas"}
        Who parses: ``"auto"`` takes pyarrow when it is installed.
    read_options : dict, optional
        Keyword arguments for ``pandas.read_csv`` (engine "pandas" only).

    Raises
    ------
    FileNotFoundError
        A file does not exist (named).
    KeyError
        A named column is missing from its file, or an edge names a missing node.

    Examples
    --------
    >>> import tempfile, os, groggy as gg
    >>> d = tempfile.mkdtemp()
    >>> with open(os.path.join(d, "people.csv"), "w") as f:
    ...     _ = f.write("name,age\\nann,31\\nbob,\\n")
    >>> with open(os.path.join(d, "knows.csv"), "w") as f:
    ...     _ = f.write("from,to\\nann,bob\\n")
    >>> g = gg.from_csv(os.path.join(d, "people.csv"), os.path.join(d, "knows.csv"),
    ...                 source="from", target="to", node_id="name")
    >>> g.nodes["age"].to_list(), g.edge_endpoints(0)
    ([31, None], (0, 1))
    """
    for name in list(kwargs):
        if name in _UPSTREAM_PATHS:
            value = kwargs.pop(name)
            if _UPSTREAM_PATHS[name] == "nodes_path":
                nodes_path = value
            else:
                edges_path = value
    names = upstream_keywords(kwargs, {"node_id": node_id, "source": source,
                                       "target": target})
    nodes_path, edges_path = files.pair(nodes_path, edges_path, "CSV")
    if engine not in ("auto", "pyarrow", "pandas"):
        raise ValueError(f"unknown engine {engine!r}; expected 'auto', 'pyarrow' or 'pandas'")
    if engine == "auto":
        try:
            import pyarrow.csv  # noqa: F401
            engine = "pandas" if read_options else "pyarrow"
        except ImportError:
            engine = "pandas"
    if engine == "pyarrow":
        from groggy.io import arrow
        pacsv = require("pyarrow.csv", "from_csv(engine='pyarrow')")
        # an empty cell is a null in every column, as pandas reads it
        convert = pacsv.ConvertOptions(strings_can_be_null=True)
        read = (lambda p: None if p is None else pacsv.read_csv(str(p),
                                                                 convert_options=convert))
        return arrow.graph_from_arrow(read(nodes_path), read(edges_path), names["source"],
                                      names["target"], names["node_id"], directed,
                                      files.origin(nodes_path, edges_path))
    pd = require("pandas", "from_csv")
    from groggy.io.pandas import from_pandas
    # nullable dtypes: an empty cell in an int column is a null, not a float NaN
    options = {"dtype_backend": "numpy_nullable", **(read_options or {})}
    read = (lambda p: None if p is None else pd.read_csv(p, **options))
    frames = read(nodes_path), read(edges_path)
    try:
        return from_pandas(*frames, names["source"], names["target"], names["node_id"],
                           directed)
    except KeyError as exc:  # say which file lacks the column
        raise KeyError(f"{exc.args[0]} (reading {str(nodes_path)!r} and "
                       f"{str(edges_path)!r})") from None
