"""Columns to and from Apache Arrow (pyarrow, an optional extra: ``pip install
'groggy[arrow]'``), the base of the Parquet and fast CSV readers.

A groggy string column is int64 offsets + UTF-8 bytes, which is Arrow's ``large_string``
layout: strings cross in both directions as whole buffers, never one Python object per
value. Null masks become validity bitmaps and back.
"""
from __future__ import annotations

import numpy as np

from groggy.errors import require

_ARROW_KINDS = {"int64": "int64", "float64": "float64", "bool": "bool_"}


def _pa():
    return require("pyarrow", "Arrow / Parquet I/O")


# --------------------------------------------------------------------------- reading

def _validity(arr) -> np.ndarray | None:
    """The bool mask (False: null) of an Arrow array, or None when it has no nulls."""
    if arr.null_count == 0:
        return None
    bitmap = arr.buffers()[0]
    bits = np.frombuffer(bitmap, dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little", count=arr.offset + len(arr))[arr.offset:] \
        .astype(bool)


def column_from_arrow(name: str, arr):
    """One Arrow array (or chunked array) as a groggy column.

    Examples
    --------
    >>> import pyarrow as pa
    >>> column_from_arrow("s", pa.array(["a", None, "ccc"])).to_list()
    ['a', None, 'ccc']
    >>> column_from_arrow("x", pa.array([1.5, None])).to_list()
    [1.5, None]
    """
    pa = _pa()
    from groggy.io import build
    if isinstance(arr, pa.ChunkedArray):
        t = arr.type.value_type if pa.types.is_dictionary(arr.type) else arr.type
        # decode chunk by chunk: each may have its own dictionary
        chunks = [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c
                  for c in arr.chunks]
        arr = (pa.array([], t) if not chunks else
               chunks[0] if len(chunks) == 1 else pa.concat_arrays(chunks))
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    t = arr.type
    if pa.types.is_null(t):  # a column of nulls only (e.g. an empty CSV column)
        return build.fixed_column(name, np.full(len(arr), np.nan), np.zeros(len(arr), bool))
    valid = _validity(arr)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        if not pa.types.is_large_string(t):
            arr = arr.cast(pa.large_string())
        _, offsets_buf, data_buf = arr.buffers()
        offsets = np.frombuffer(offsets_buf, dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
        data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None \
            else np.empty(0, np.uint8)
        start, end = int(offsets[0]), int(offsets[-1])
        # copies: the graph must own its buffers, not pyarrow's
        return build.string_column(name, offsets - start, np.array(data[start:end]), valid)
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t):
        if pa.types.is_boolean(t):
            values = arr.fill_null(False).to_numpy(zero_copy_only=False)
        elif arr.null_count:
            values = arr.fill_null(0).to_numpy()
        else:
            values = arr.to_numpy()
        return build.fixed_column(name, values, valid)
    raise TypeError(f"column {name!r}: cannot store Arrow type {t}; groggy columns hold "
                    "int, float, bool or str")


def _key_array(table, name: str, what: str, origin: str):
    if name not in table.column_names:
        raise KeyError(f"{origin} has no column {name!r}; its columns are "
                       f"{table.column_names}")
    col = table.column(name)
    if col.null_count:
        raise ValueError(f"{what} column {name!r} of {origin} has {col.null_count} nulls; "
                         f"every {'node key' if what == 'nodes' else 'edge endpoint'} "
                         f"needs a value")
    return col  # chunked: to_numpy() joins the chunks in one copy when there are several


def _positions(keys, values, column: str, key: str) -> np.ndarray:
    """Positions of ``values`` in ``keys`` (Arrow arrays), through Arrow's own hash."""
    import pyarrow.compute as pc
    from groggy.io import build
    if isinstance(keys, _pa().ChunkedArray):
        keys = keys.combine_chunks()
    if keys.type != values.type:
        try:
            values = values.cast(keys.type)
        except Exception:
            raise TypeError(f"edge column {column!r} holds {values.type} but node key "
                            f"column {key!r} holds {keys.type}") from None
    pos = pc.index_in(values, value_set=keys)
    if pos.null_count:
        missing = pc.filter(values, pc.is_null(pos)).to_pylist()
        raise build.missing_ids_error(column, missing, key)
    return pos.to_numpy().astype(np.int64)


def graph_from_arrow(nodes, edges, source: str = "source", target: str = "target",
                     node_id: str | None = None, directed: bool = False,
                     origin: tuple = ("the nodes table", "the edges table")):
    """A graph from Arrow tables (either may be None), with :func:`gg.from_pandas`'s
    rules for ``node_id``, ``edge_id`` and nodes made from endpoints. ``origin`` names
    the two inputs in error messages (file names, for the file readers)."""
    pa = _pa()
    import pyarrow.compute as pc
    from groggy.io import build
    if edges is None:
        edges = pa.table({source: pa.array([], pa.int64()), target: pa.array([], pa.int64())})
    src = _key_array(edges, source, "edges", origin[1])
    dst = _key_array(edges, target, "edges", origin[1])
    edge_cols = {n: column_from_arrow(n, edges.column(n)) for n in edges.column_names
                 if n not in (source, target, "edge_id")}
    if nodes is None:
        if (pa.types.is_integer(src.type) and pa.types.is_integer(dst.type)
                and (len(src) == 0 or min(pc.min(src).as_py(), pc.min(dst).as_py()) >= 0)):
            n = 0 if len(src) == 0 else max(pc.max(src).as_py(), pc.max(dst).as_py()) + 1
            return build.assemble(n, {}, src.to_numpy(), dst.to_numpy(), edge_cols, directed)
        if src.type != dst.type:
            dst = dst.cast(src.type)
        distinct = pc.unique(pa.chunked_array(src.chunks + dst.chunks))
        keys = distinct.take(pc.sort_indices(distinct))
        attr = node_id or build.KEY_ATTR
        node_cols = {attr: column_from_arrow(attr, keys)}
        return build.assemble(len(keys), node_cols, _positions(keys, src, source, attr),
                              _positions(keys, dst, target, attr), edge_cols, directed)
    if node_id is None and "node_id" in nodes.column_names:
        node_id = "node_id"
    if node_id is not None:
        keys = _key_array(nodes, node_id, "nodes", origin[0])
        if pa.types.is_integer(keys.type) and pa.types.is_integer(src.type) \
                and pa.types.is_integer(dst.type):  # NumPy's lookup table is faster
            src_pos, dst_pos = build.key_positions(keys.to_numpy(), src.to_numpy(),
                                                   dst.to_numpy(), source, target, node_id)
        else:
            if pc.count_distinct(keys).as_py() != len(keys):
                build.check_unique(keys.to_numpy(zero_copy_only=False), node_id)
            src_pos = _positions(keys, src, source, node_id)
            dst_pos = _positions(keys, dst, target, node_id)
    else:
        src_pos, dst_pos = src.to_numpy(), dst.to_numpy()
    node_cols = {n: column_from_arrow(n, nodes.column(n)) for n in nodes.column_names
                 if n != "node_id"}
    return build.assemble(nodes.num_rows, node_cols, src_pos, dst_pos, edge_cols, directed)


# --------------------------------------------------------------------------- writing

def arrow_from_column(column, positions=None):
    """An Arrow array of a groggy column (at ``positions``, default every row): fixed
    kinds from their NumPy buffer, strings as ``large_string`` over offsets + bytes.

    Examples
    --------
    >>> from groggy.storage import Column
    >>> arrow_from_column(Column.from_values("s", ["a", None, "b"])).to_pylist()
    ['a', None, 'b']
    """
    pa = _pa()
    valid = column.valid
    if positions is not None and valid is not None:
        valid = valid[positions]
    if valid is not None and valid.all():
        valid = None
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    nulls = 0 if valid is None else int(valid.size - np.count_nonzero(valid))
    if column.kind == "string":
        offsets, utf8 = column.text
        if positions is not None:
            from groggy import kernels
            offsets, utf8 = kernels.gather_strings(offsets, utf8, positions)
        elif offsets[0] != 0:
            utf8, offsets = utf8[offsets[0]:], offsets - offsets[0]
        n = offsets.shape[0] - 1
        return pa.LargeStringArray.from_buffers(
            n, pa.py_buffer(np.ascontiguousarray(offsets, dtype=np.int64)),
            pa.py_buffer(np.ascontiguousarray(utf8)), bitmap, nulls)
    if column.kind not in _ARROW_KINDS:
        raise TypeError(f"column {column.name!r} of kind {column.kind} cannot be written")
    data = column.data if positions is None else column.data[positions]
    if column.kind == "bool":
        return pa.array(np.asarray(data), mask=None if valid is None else ~valid)
    data = np.ascontiguousarray(data)
    arrow_type = getattr(pa, _ARROW_KINDS[column.kind])()
    return pa.Array.from_buffers(arrow_type, data.shape[0], [bitmap, pa.py_buffer(data)],
                                 nulls)


def table_to_arrow(table):
    """A groggy table (any ``BaseTable`` view) as a ``pyarrow.Table``."""
    pa = _pa()
    table = getattr(table, "_base", table)  # a specialized table holds its foundation
    positions = table._all_positions()
    frame = table._frame
    arrays = [arrow_from_column(frame.column(n), positions) for n in frame.names]
    return pa.table(arrays, names=list(frame.names))
