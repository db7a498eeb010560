"""Public wrappers of the Cython kernels: validate, coerce, allocate, then call.

The kernels in ``groggy._core`` run with bounds checks off; every index they will touch
is checked here first, so bad input is a ``ValueError`` and never a crash.
"""
from __future__ import annotations

import numpy as np

from groggy._core import _graph, _group, _paths, _sort, _strings, _wire

__all__ = ["degree", "build_csr", "component_labels", "bfs", "gather_strings", "decode_strings",
           "strings_contain", "strings_equal", "strings_compare", "strings_affix",
           "string_ranks", "stable_argsort", "factorize_int64", "factorize_strings", "group_count", "group_sum",
           "group_min_max", "group_first_last", "group_sq_dev", "group_order",
           "group_nunique", "Adjacency", "path_hops", "path_weighted", "dfs", "reach"]


def _int64(a, name: str) -> np.ndarray:
    arr = np.ascontiguousarray(a)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.dtype != np.int64:
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
        arr = arr.astype(np.int64)
    return arr


def _check_endpoints(src: np.ndarray, dst: np.ndarray, n: int) -> None:
    if src.shape != dst.shape:
        raise ValueError(f"sources and targets differ in length: {src.size} != {dst.size}")
    for name, arr in (("source", src), ("target", dst)):
        if arr.size and (arr.min() < 0 or arr.max() >= n):
            bad = arr[(arr < 0) | (arr >= n)][0]
            raise ValueError(f"edge {name} {int(bad)} is not a node id (graph has {n} nodes)")


def degree(sources, targets, n: int, mode: str = "all") -> np.ndarray:
    """Count edge endpoints per node.

    Parameters
    ----------
    sources, targets : array_like of int
        Edge endpoints, each in ``[0, n)``.
    n : int
        Number of nodes.
    mode : {"all", "out", "in"}
        Count both ends, only sources, or only targets.

    Returns
    -------
    numpy.ndarray of int64, length ``n``.

    Examples
    --------
    >>> degree([0, 0], [1, 2], 3).tolist()
    [2, 1, 1]
    """
    src, dst = _int64(sources, "sources"), _int64(targets, "targets")
    _check_endpoints(src, dst, n)
    if mode not in ("all", "out", "in"):
        raise ValueError(f"mode must be 'all', 'out' or 'in', got {mode!r}")
    out = np.zeros(n, dtype=np.int64)
    if mode in ("all", "out"):
        _graph.degree_count(src, out)
    if mode in ("all", "in"):
        _graph.degree_count(dst, out)
    return out


def build_csr(sources, targets, n: int, both_ways: bool):
    """Compressed sparse rows of a graph's adjacency.

    Parameters
    ----------
    sources, targets : array_like of int
        Edge endpoints in ``[0, n)``.
    n : int
        Number of nodes.
    both_ways : bool
        Store every edge at both endpoints (undirected graphs). A self-loop is stored once.

    Returns
    -------
    indptr, indices, edge_ids : numpy.ndarray of int64
        Neighbours of ``v`` are ``indices[indptr[v]:indptr[v+1]]``, reached through edges
        ``edge_ids[...]``, in edge insertion order.

    Examples
    --------
    >>> indptr, indices, eids = build_csr([0, 1], [1, 2], 3, both_ways=True)
    >>> indices[indptr[1]:indptr[2]].tolist()
    [0, 2]
    """
    src, dst = _int64(sources, "sources"), _int64(targets, "targets")
    _check_endpoints(src, dst, n)
    counts = np.zeros(n, dtype=np.int64)
    _graph.degree_count(src, counts)
    if both_ways:
        # a self-loop is stored once, so do not count its second end
        _graph.degree_count(dst[src != dst] if src.size else dst, counts)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    total = int(indptr[-1])
    indices = np.empty(total, dtype=np.int64)
    edge_ids = np.empty(total, dtype=np.int64)
    cursor = indptr[:-1].copy()
    _graph.csr_fill(src, dst, both_ways, indptr, cursor, indices, edge_ids)
    return indptr, indices, edge_ids


def component_labels(sources, targets, n: int):
    """Weakly connected components by union-find.

    Returns
    -------
    labels : numpy.ndarray of int64
        Component number of each node; components are numbered in order of their
        smallest node.
    count : int

    Examples
    --------
    >>> labels, count = component_labels([0, 3], [1, 4], 5)
    >>> labels.tolist(), count
    ([0, 0, 1, 2, 2], 3)
    """
    src, dst = _int64(sources, "sources"), _int64(targets, "targets")
    _check_endpoints(src, dst, n)
    parent = np.empty(n, dtype=np.int64)
    labels = np.empty(n, dtype=np.int64)
    count = _graph.union_find_labels(src, dst, parent, labels)
    return labels, int(count)


def _check_csr(indptr: np.ndarray, indices: np.ndarray) -> None:
    """CSR arrays a kernel can walk without leaving them."""
    if indptr.size == 0 or indptr[0] != 0:
        raise ValueError("indptr must start with 0 (and have n + 1 entries)")
    if (np.diff(indptr) < 0).any():
        raise ValueError("indptr must never decrease")
    if indptr[-1] > indices.size:
        raise ValueError(f"indptr ends at {int(indptr[-1])} but there are {indices.size} indices")
    n = indptr.size - 1
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        raise ValueError(f"indices must be node ids in [0, {n})")


def bfs(indptr, indices, source: int, max_depth: int | None = None):
    """Breadth-first search over CSR adjacency (see :func:`build_csr`).

    Returns
    -------
    order : numpy.ndarray of int64
        Reached nodes in visit order, ``source`` first.
    dist : numpy.ndarray of int64
        Hop distance of every node from ``source``; -1 where unreached.

    Examples
    --------
    >>> indptr, indices, _ = build_csr([0, 1], [1, 2], 4, both_ways=True)
    >>> order, dist = bfs(indptr, indices, 0)
    >>> order.tolist(), dist.tolist()
    ([0, 1, 2], [0, 1, 2, -1])
    """
    indptr, indices = _int64(indptr, "indptr"), _int64(indices, "indices")
    _check_csr(indptr, indices)
    n = indptr.size - 1
    if not isinstance(source, (int, np.integer)) or isinstance(source, bool):
        raise TypeError(f"source must be an int node id, got {source!r}")
    if not 0 <= source < n:
        raise ValueError(f"source {source} is not a node id (graph has {n} nodes)")
    if max_depth is not None and max_depth < 0:
        raise ValueError(f"max_depth must be >= 0, got {max_depth}")
    dist = np.full(n, -1, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    count = _paths.bfs_many(indptr, indices, np.array([source], dtype=np.int64),
                            -1 if max_depth is None else max_depth, dist, order, False)
    return order[:count].copy(), dist


def _check_spans(offsets: np.ndarray, nbytes: int, rows: np.ndarray) -> None:
    if rows.size == 0:
        return
    if rows.min() < 0 or rows.max() >= offsets.size - 1:
        raise IndexError(f"row out of range for a string column of {offsets.size - 1} rows")
    starts, stops = offsets[rows], offsets[rows + 1]
    if (starts < 0).any() or (stops < starts).any() or (stops > nbytes).any():
        raise ValueError("string column offsets are corrupt: a span falls outside its bytes")


def _string_args(offsets, data, rows) -> tuple:
    """A string column's offsets, bytes and the rows to read, checked for the kernels."""
    offsets = _int64(offsets, "offsets")
    data = np.ascontiguousarray(data, dtype=np.uint8)
    rows = _int64(rows, "rows")
    _check_spans(offsets, data.size, rows)
    return offsets, data, rows


def gather_strings(offsets, data, rows):
    """Take rows of a string column into a new offsets + bytes pair.

    Examples
    --------
    >>> offs, data = gather_strings(np.array([0, 1, 3]), np.frombuffer(b"abc", np.uint8), [1, 1])
    >>> offs.tolist(), bytes(data)
    ([0, 2, 4], b'bcbc')
    """
    offsets, data, rows = _string_args(offsets, data, rows)
    out_offsets = np.zeros(rows.size + 1, dtype=np.int64)
    if rows.size:
        np.cumsum(offsets[rows + 1] - offsets[rows], out=out_offsets[1:])
    out_data = np.empty(int(out_offsets[-1]), dtype=np.uint8)
    _strings.gather_bytes(offsets, data, rows, out_offsets, out_data)
    return out_offsets, out_data


def decode_strings(offsets, data, rows) -> list:
    """Decode rows of a string column to Python ``str`` (invalid UTF-8 is replaced).

    Examples
    --------
    >>> decode_strings(np.array([0, 1, 3]), np.frombuffer(b"abc", np.uint8), [1, 0])
    ['bc', 'a']
    """
    offsets, data, rows = _string_args(offsets, data, rows)
    return _strings.decode_rows(offsets, data, rows)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def strings_contain(offsets, data, rows, needle: str, ignore_case: bool = False,
                    out=None) -> np.ndarray:
    """Boolean mask: which rows of a string column contain ``needle``.

    ``ignore_case`` folds ASCII letters only. ``out`` (bool, one per row) is or-ed into,
    so several columns can share one mask.

    Examples
    --------
    >>> offs, data = np.array([0, 3, 6]), np.frombuffer(b"abcXYZ", np.uint8)
    >>> strings_contain(offs, data, [0, 1], "xy", ignore_case=True).tolist()
    [False, True]
    """
    offsets, data, rows = _string_args(offsets, data, rows)
    text = needle.translate(_ASCII_LOWER) if ignore_case else needle
    pattern = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if out is None:
        out = np.zeros(rows.size, dtype=bool)
    elif out.shape != (rows.size,) or out.dtype != bool:
        raise ValueError(f"out must be a bool array of {rows.size} entries")
    _strings.contains_rows(offsets, data, rows, pattern, ignore_case, out.view(np.uint8))
    return out


def strings_equal(offsets, data, rows, text: str) -> np.ndarray:
    """Boolean mask: which rows of a string column are exactly ``text``.

    Examples
    --------
    >>> offs, data = np.array([0, 2, 4]), np.frombuffer(b"abab", np.uint8)
    >>> strings_equal(offs, data, [0, 1], "ab").tolist()
    [True, True]
    """
    offsets, data, rows = _string_args(offsets, data, rows)
    out = np.zeros(rows.size, dtype=bool)
    _strings.equal_rows(offsets, data, rows, np.frombuffer(text.encode("utf-8"), np.uint8),
                        out.view(np.uint8))
    return out


def strings_compare(offsets, data, rows, text: str) -> np.ndarray:
    """-1, 0 or 1 per row as its text sorts before, equal to or after ``text`` (code
    point order, as Python compares ``str``), without decoding.

    Examples
    --------
    >>> offs, data = np.array([0, 1, 3, 5]), np.frombuffer(b"aabac", np.uint8)
    >>> strings_compare(offs, data, [0, 1, 2], "ab").tolist()   # "a", "ab", "ac"
    [-1, 0, 1]
    """
    offsets, data, rows = _string_args(offsets, data, rows)
    out = np.empty(rows.size, dtype=np.int8)
    _strings.compare_rows(offsets, data, rows, np.frombuffer(text.encode("utf-8"), np.uint8),
                          out)
    return out


def strings_affix(offsets, data, rows, text: str, at_end: bool = False) -> np.ndarray:
    """Boolean mask: which rows start with ``text`` (or end with it, ``at_end``).

    Examples
    --------
    >>> offs, data = np.array([0, 3, 5]), np.frombuffer(b"abcbc", np.uint8)
    >>> strings_affix(offs, data, [0, 1], "bc", at_end=True).tolist()
    [True, True]
    """
    offsets, data, rows = _string_args(offsets, data, rows)
    out = np.zeros(rows.size, dtype=bool)
    _strings.affix_rows(offsets, data, rows, np.frombuffer(text.encode("utf-8"), np.uint8),
                        at_end, out.view(np.uint8))
    return out


def stable_argsort(values, descending: bool = False) -> np.ndarray:
    """Stable argsort of int64 or float64 values (a radix sort: as fast as NumPy's
    default, unstable argsort, where NumPy's stable one is a timsort for 64-bit numbers).

    Equal values keep their order in both directions; -0.0 equals 0.0; NaN goes last in
    both directions (as pandas puts it).

    Examples
    --------
    >>> stable_argsort(np.array([3, 1, 3, 2])).tolist()
    [1, 3, 0, 2]
    >>> stable_argsort(np.array([0.5, np.nan, -1.0, 0.5]), descending=True).tolist()
    [0, 3, 2, 1]
    """
    values = np.ascontiguousarray(values)
    if values.ndim != 1 or values.dtype not in (np.int64, np.float64):
        raise TypeError(f"stable_argsort takes a 1-d int64 or float64 array, "
                        f"got {values.ndim}-d {values.dtype}")
    n = values.size
    order = np.empty(n, dtype=np.int64)
    _sort.argsort_numbers(values, bool(descending), order, np.empty(n, dtype=np.uint64),
                          np.empty(n, dtype=np.uint64), np.empty(n, dtype=np.int64))
    return order


_FIXED_SORT_BYTES = 256 << 20  # beyond this a fixed-width copy costs too much memory


def string_ranks(offsets, data, rows):
    """Sort rows of a string column by their text (UTF-8 byte order, which is code point
    order), without decoding.

    Returns
    -------
    order : numpy.ndarray of int64
        Positions into ``rows``, sorted by text; ties keep their order (stable).
    codes : numpy.ndarray of int64
        Dense rank of each row's text (equal texts, equal codes).

    Examples
    --------
    >>> offs, data = np.array([0, 1, 3, 4]), np.frombuffer(b"bab" b"a", np.uint8)
    >>> order, codes = string_ranks(offs, data, [0, 1, 2])
    >>> order.tolist(), codes.tolist()   # "b", "ab", "a"
    ([2, 1, 0], [2, 1, 0])
    """
    offsets, data, rows = _string_args(offsets, data, rows)
    lengths = offsets[rows + 1] - offsets[rows] if rows.size else np.empty(0, np.int64)
    width = int(lengths.max()) if rows.size else 0
    if 0 < width and rows.size * width <= _FIXED_SORT_BYTES:
        # fixed-width bytes sort in NumPy; trailing NULs, which fixed-width bytes drop,
        # are told apart by the length as the second key
        fixed = np.zeros((rows.size, width), dtype=np.uint8)
        _strings.gather_bytes(offsets, data, rows, np.arange(rows.size) * width,
                              fixed.reshape(-1))   # row i at byte i * width
        text = fixed.view(f"S{width}").ravel()
        nul_free = not (data[offsets[0]:offsets[-1]] == 0).any()
        order = np.argsort(text, kind="stable") if nul_free else np.lexsort((lengths, text))
        ordered_text, ordered_len = text[order], lengths[order]
        new = np.ones(rows.size, dtype=bool)
        new[1:] = (ordered_text[1:] != ordered_text[:-1]) | (ordered_len[1:] != ordered_len[:-1])
        codes = np.empty(rows.size, dtype=np.int64)
        codes[order] = np.cumsum(new) - 1
        return order, codes
    order = np.empty(rows.size, dtype=np.int64)
    codes = np.empty(rows.size, dtype=np.int64)
    _sort.string_ranks(offsets, data, rows, order, codes, np.empty(rows.size, dtype=np.uint64))
    return order, codes


# ---------------------------------------------------------------------- group-by

def _valid_bytes(valid, n: int) -> np.ndarray:
    """A validity mask as the kernels read it (empty: every row is valid)."""
    if valid is None:
        return np.empty(0, dtype=np.uint8)
    mask = np.ascontiguousarray(valid, dtype=bool)
    if mask.shape != (n,):
        raise ValueError(f"valid must hold one bool per row ({n}), got shape {mask.shape}")
    return mask.view(np.uint8)


def factorize_int64(values, valid=None):
    """Number the distinct values, in order of first appearance, by hashing (O(n)).

    Returns
    -------
    codes : numpy.ndarray of int64
        The number of each row's value; -1 where ``valid`` is False.
    uniques : numpy.ndarray of int64
        The distinct values, ``uniques[codes[i]] == values[i]``.

    Examples
    --------
    >>> codes, uniques = factorize_int64([7, 3, 7, 9], valid=[True, True, True, False])
    >>> codes.tolist(), uniques.tolist()
    ([0, 1, 0, -1], [7, 3])
    """
    values = _int64(values, "values")
    codes = np.empty(values.size, dtype=np.int64)
    uniques = np.empty(values.size, dtype=np.int64)
    k = _group.factorize_int64(values, _valid_bytes(valid, values.size), codes, uniques)
    if k < 0:
        raise MemoryError(f"no memory for a hash table of {values.size:,} values")
    return codes, uniques[:k].copy()


def factorize_strings(offsets, data, rows, valid=None):
    """Number the distinct texts of rows of a string column, in order of first
    appearance, hashing the UTF-8 bytes (no ``str`` is made).

    Returns
    -------
    codes : numpy.ndarray of int64
        The number of each row's text; -1 where ``valid`` is False.
    first : numpy.ndarray of int64
        For each distinct text, the position in ``rows`` where it first appears.

    Examples
    --------
    >>> offs, data = np.array([0, 1, 2, 3]), np.frombuffer(b"bab", np.uint8)
    >>> codes, first = factorize_strings(offs, data, [0, 1, 2, 0])
    >>> codes.tolist(), first.tolist()
    ([0, 1, 0, 0], [0, 1])
    """
    offsets, data, rows = _string_args(offsets, data, rows)
    codes = np.empty(rows.size, dtype=np.int64)
    first = np.empty(rows.size, dtype=np.int64)
    k = _group.factorize_strings(offsets, data, rows, _valid_bytes(valid, rows.size), codes,
                                 first)
    if k < 0:
        raise MemoryError(f"no memory for a hash table of {rows.size:,} strings")
    return codes, first[:k].copy()


def _group_codes(codes, ngroups: int, n: int | None = None) -> np.ndarray:
    """Group codes a reduction may follow: each -1 (skip) or a group in ``[0, ngroups)``."""
    codes = _int64(codes, "codes")
    if n is not None and codes.size != n:
        raise ValueError(f"{codes.size} group codes for {n} values")
    if codes.size and (codes.min() < -1 or codes.max() >= ngroups):
        raise ValueError(f"group codes must be -1 or in [0, {ngroups})")
    return codes


def _group_values(values) -> np.ndarray:
    """Values as a reduction kernel reads them: int64, float64 or bool bytes."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {arr.shape}")
    if arr.dtype == bool:
        return np.ascontiguousarray(arr).view(np.uint8)
    if arr.dtype.kind in "iu":
        return np.ascontiguousarray(arr, dtype=np.int64)
    if arr.dtype.kind == "f":
        return np.ascontiguousarray(arr, dtype=np.float64)
    raise TypeError(f"group reductions take numbers or booleans, got dtype {arr.dtype}")


def group_count(codes, ngroups: int) -> np.ndarray:
    """Rows per group (rows with code -1 are not counted).

    Examples
    --------
    >>> group_count([0, 1, -1, 1], 3).tolist()
    [1, 2, 0]
    """
    counts = np.zeros(ngroups, dtype=np.int64)
    _group.group_count(_group_codes(codes, ngroups), counts)
    return counts


def group_sum(codes, values, ngroups: int) -> np.ndarray:
    """Sum of each group's values: int64 for integers and booleans (wrapping on overflow
    as NumPy does), float64 for floats (compensated summation, as pandas sums).

    Examples
    --------
    >>> group_sum([0, 1, 0, -1], [1, 2, 3, 4], 2).tolist()
    [4, 2]
    """
    vals = _group_values(values)
    codes = _group_codes(codes, ngroups, vals.size)
    if vals.dtype == np.float64:
        sums = np.zeros(ngroups, dtype=np.float64)
        _group.group_sum_float(codes, vals, sums, np.zeros(ngroups, dtype=np.float64))
    else:
        sums = np.zeros(ngroups, dtype=np.int64)
        _group.group_sum_int(codes, vals, sums)
    return sums


def group_sq_dev(codes, values, means) -> np.ndarray:
    """Sum of squared deviations from ``means[g]`` over each group's values.

    Examples
    --------
    >>> group_sq_dev([0, 0, 1], [1.0, 3.0, 5.0], [2.0, 5.0]).tolist()
    [2.0, 0.0]
    """
    means = np.ascontiguousarray(means, dtype=np.float64)
    vals = np.ascontiguousarray(values, dtype=np.float64)
    out = np.zeros(means.size, dtype=np.float64)
    _group.group_sq_dev(_group_codes(codes, means.size, vals.size), vals, means, out)
    return out


def group_min_max(codes, values, ngroups: int):
    """Smallest and largest value of each group, in the values' dtype.

    Returns
    -------
    mins, maxs : numpy.ndarray
    seen : numpy.ndarray of bool
        False for a group without values (its min and max are meaningless).

    Examples
    --------
    >>> mins, maxs, seen = group_min_max([0, 0, 1, -1], [4, 2, 7, 0], 3)
    >>> mins[seen].tolist(), maxs[seen].tolist(), seen.tolist()
    ([2, 7], [4, 7], [True, True, False])
    """
    vals = _group_values(values)
    codes = _group_codes(codes, ngroups, vals.size)
    mins, maxs = np.zeros(ngroups, dtype=vals.dtype), np.zeros(ngroups, dtype=vals.dtype)
    seen = np.zeros(ngroups, dtype=np.uint8)
    _group.group_min_max(codes, vals, mins, maxs, seen)
    if vals.dtype == np.uint8:
        mins, maxs = mins.view(bool), maxs.view(bool)
    return mins, maxs, seen.view(bool)


def group_first_last(codes, ngroups: int):
    """First and last row of each group (-1 for a group without rows).

    Examples
    --------
    >>> first, last = group_first_last([1, 0, 1, -1], 3)
    >>> first.tolist(), last.tolist()
    ([1, 0, -1], [1, 2, -1])
    """
    codes = _group_codes(codes, ngroups)
    first = np.full(ngroups, -1, dtype=np.int64)
    last = np.full(ngroups, -1, dtype=np.int64)
    _group.group_first_last(codes, first, last)
    return first, last


def group_order(codes, ngroups: int):
    """Rows grouped: group 0's rows, then group 1's, ..., each in row order (a counting
    sort, O(n)); rows with code -1 are left out.

    Returns
    -------
    order : numpy.ndarray of int64
    starts : numpy.ndarray of int64
        ``ngroups + 1`` entries: group g is ``order[starts[g]:starts[g + 1]]``.

    Examples
    --------
    >>> order, starts = group_order([1, 0, 1, -1], 2)
    >>> order.tolist(), starts.tolist()
    ([1, 0, 2], [0, 1, 3])
    """
    codes = _group_codes(codes, ngroups)
    starts = np.zeros(ngroups + 1, dtype=np.int64)
    np.cumsum(group_count(codes, ngroups), out=starts[1:])
    order = np.empty(int(starts[-1]), dtype=np.int64)
    _group.group_order(codes, starts[:-1].copy(), order)
    return order, starts


def group_nunique(order, codes, values, ngroups: int, nvalues: int) -> np.ndarray:
    """Distinct values per group: ``values`` are codes in ``[0, nvalues)`` (-1: skip),
    ``order`` the rows group after group as :func:`group_order` gives them. O(n).

    Examples
    --------
    >>> codes, values = np.array([0, 1, 0, 0]), np.array([2, 2, 2, 0])
    >>> group_nunique(group_order(codes, 2)[0], codes, values, 2, 3).tolist()
    [2, 1]
    """
    codes = _group_codes(codes, ngroups)
    values = _group_codes(values, nvalues, codes.size)
    order = _int64(order, "order")
    if order.size and (order.min() < 0 or order.max() >= codes.size):
        raise ValueError(f"order must hold rows in [0, {codes.size})")
    counts = np.zeros(ngroups, dtype=np.int64)
    _group.group_nunique(order, codes, values, np.full(nvalues, -1, dtype=np.int64), counts)
    return counts


# ---------------------------------------------------------------------- bit codes
RICE_RAW_BITS = 48   # _wire.pyx: a quotient of 9 or more escapes to a raw 48-bit value


def _rice_args(values, k: int) -> np.ndarray:
    v = np.ascontiguousarray(values, dtype=np.uint64)
    if not 0 <= int(k) < RICE_RAW_BITS:
        raise ValueError(f"the Rice parameter must be in 0..{RICE_RAW_BITS - 1}, got {k}")
    if v.size and int(v.max()) >> RICE_RAW_BITS:
        raise ValueError(f"a value of {int(v.max())} does not fit the {RICE_RAW_BITS}-bit escape")
    return v


def rice_bits(values, k: int) -> int:
    """Length in bits of ``values`` as Rice codes with parameter ``k``."""
    return int(_wire.rice_bits(_rice_args(values, k), int(k)))


def rice_encode(values, k: int) -> bytes:
    """``values`` (< 2**48) as Rice codes with parameter ``k``, most significant bit first:
    the quotient ``v >> k`` in unary (ones closed by a zero), then ``k`` low bits; a
    quotient of 9 or more is written as 9 ones and the value in 48 bits. Eight zero bytes
    pad the end, so a reader may look ahead.

    Examples
    --------
    >>> rice_encode(np.array([0, 5, 1]), 1).hex()   # 00 1101 01, then the padding
    '350000000000000000'
    """
    v = _rice_args(values, k)
    out = np.zeros((rice_bits(v, k) + 7) // 8 + 8, dtype=np.uint8)
    _wire.rice_encode(v, int(k), out)
    return out.tobytes()


# ---------------------------------------------------------------------- paths
class Adjacency:
    """CSR adjacency checked once, for many path and traversal queries.

    Each query costs what it visits, not O(n + m): the CSR is validated here, not per
    call, and the O(n) scratch arrays the kernels need are kept here and handed back
    reset by the kernels.

    Parameters
    ----------
    indptr, indices, edge_ids : array_like of int
        As returned by :func:`build_csr`: the neighbours of ``v`` are
        ``indices[indptr[v]:indptr[v+1]]``, reached through edges ``edge_ids[...]``.
    trusted : bool
        Skip the checks (the arrays come straight from :func:`build_csr`).

    Examples
    --------
    >>> adj = Adjacency(*build_csr([0, 1], [1, 2], 3, both_ways=True))
    >>> path_hops(adj, 0, 2)
    (2, [0, 1, 2], [0, 1])
    """

    def __init__(self, indptr, indices, edge_ids, trusted: bool = False):
        self.indptr, self.indices = _int64(indptr, "indptr"), _int64(indices, "indices")
        self.edge_ids = _int64(edge_ids, "edge_ids")
        if not trusted:
            _check_csr(self.indptr, self.indices)
            if self.edge_ids.shape != self.indices.shape:
                raise ValueError(f"edge_ids has {self.edge_ids.size} entries, indices "
                                 f"{self.indices.size}")
            if self.edge_ids.size and self.edge_ids.min() < 0:
                raise ValueError("edge ids must be >= 0")
        self.n = self.indptr.size - 1
        self.edge_bound = int(self.edge_ids.max()) + 1 if self.edge_ids.size else 0
        self._scratch: dict = {}

    def _take(self, name: str, dtype, fill) -> np.ndarray:
        # popped, so two threads never share one; _give puts it back once reset
        arr = self._scratch.pop(name, None)
        return np.full(self.n, fill, dtype=dtype) if arr is None else arr

    def _give(self, name: str, arr: np.ndarray) -> None:
        self._scratch[name] = arr

    def _buffers(self, *specs) -> list:
        """Output buffers of n entries (dtype per spec) that need no reset: kept between
        queries, since fresh ones cost a page fault per page a query touches."""
        return [self._take(f"buf{i}-{np.dtype(dt).str}", dt, 0) for i, dt in enumerate(specs)]

    def _return(self, buffers: list) -> None:
        for i, arr in enumerate(buffers):
            self._give(f"buf{i}-{arr.dtype.str}", arr)

    def node(self, v, what: str = "node") -> int:
        """``v`` checked as a node index of this adjacency."""
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
            raise TypeError(f"{what} must be an int node id, got {v!r}")
        if not 0 <= v < self.n:
            raise ValueError(f"{what} {v} is not a node id (there are {self.n} nodes)")
        return int(v)


def _traced(adj: Adjacency, pred_node, pred_slot, source: int, target: int):
    """(nodes, edges) of the path the predecessor arrays record, source first."""
    nodes, slots = [target], []
    while nodes[-1] != source:
        v = nodes[-1]
        slots.append(int(pred_slot[v]))
        nodes.append(int(pred_node[v]))
    return nodes[::-1], adj.edge_ids[np.array(slots[::-1], dtype=np.int64)].tolist()


def path_hops(adj: Adjacency, source, target):
    """A fewest-hop path by breadth-first search that stops at ``target``.

    Returns
    -------
    (hops, nodes, edges) or None
        The hop count, the nodes from ``source`` to ``target`` and the edge ids between
        them; None when ``target`` cannot be reached.

    Examples
    --------
    >>> adj = Adjacency(*build_csr([0, 1, 0], [1, 2, 2], 3, both_ways=False))
    >>> path_hops(adj, 0, 2), path_hops(adj, 2, 0)
    ((1, [0, 2], [2]), None)
    """
    s, t = adj.node(source, "source"), adj.node(target, "target")
    dist = adj._take("dist", np.int64, -1)
    bufs = pred_node, pred_slot, order = adj._buffers(np.int64, np.int64, np.int64)
    try:
        hops = _paths.bfs_path(adj.indptr, adj.indices, s, t, dist, pred_node, pred_slot,
                               order)
        return None if hops < 0 else (int(hops),) + _traced(adj, pred_node, pred_slot, s, t)
    finally:
        adj._give("dist", dist)
        adj._return(bufs)


def _checked_weights(adj: Adjacency, weights, edges=None) -> np.ndarray:
    w = np.ascontiguousarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size < adj.edge_bound:
        raise ValueError(f"weights must hold one value per edge id (at least "
                         f"{adj.edge_bound}), got shape {w.shape}")
    seen = w if edges is None else w[edges]
    bad = ~(seen >= 0)   # negative or NaN
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        e = i if edges is None else int(edges[i])
        raise ValueError(f"edge {e} has weight {float(seen[i])}; shortest paths need weights "
                         ">= 0 (Dijkstra)")
    return w


def path_weighted(adj: Adjacency, weights, source, target, edges=None):
    """A least-weight path by Dijkstra that stops once ``target`` is settled.

    Parameters
    ----------
    weights : array_like of float
        One weight per edge id, each >= 0.
    edges : array_like of int, optional
        The edge ids ``adj`` reaches (to check only their weights); default all.

    Returns
    -------
    (length, nodes, edges) or None

    Examples
    --------
    >>> adj = Adjacency(*build_csr([0, 1, 0], [1, 2, 2], 3, both_ways=True))
    >>> path_weighted(adj, [1.0, 1.0, 5.0], 0, 2)
    (2.0, [0, 1, 2], [0, 1])
    """
    s, t = adj.node(source, "source"), adj.node(target, "target")
    w = _checked_weights(adj, weights, edges)
    dist, done = adj._take("fdist", np.float64, np.inf), adj._take("done", np.uint8, 0)
    bufs = pred_node, pred_slot, touched = adj._buffers(np.int64, np.int64, np.int64)
    heap_key = np.empty(adj.indices.size + 1, dtype=np.float64)
    heap_node = np.empty(adj.indices.size + 1, dtype=np.int64)
    try:
        _paths.dijkstra(adj.indptr, adj.indices, adj.edge_ids, w, s, t, dist, done,
                        pred_node, pred_slot, touched, heap_key, heap_node)
        length = float(heap_key[0])
        if length == np.inf:
            return None
        return (length,) + _traced(adj, pred_node, pred_slot, s, t)
    finally:
        adj._give("fdist", dist)
        adj._give("done", done)
        adj._return(bufs)


def dfs(adj: Adjacency, source, max_depth: int | None = None) -> np.ndarray:
    """Depth-first preorder from ``source``, neighbours in CSR order (networkx's
    ``dfs_preorder_nodes`` order), entering no node deeper than ``max_depth`` hops.

    Examples
    --------
    >>> adj = Adjacency(*build_csr([0, 0, 1], [1, 2, 3], 4, both_ways=True))
    >>> dfs(adj, 0).tolist(), dfs(adj, 0, max_depth=1).tolist()
    ([0, 1, 3, 2], [0, 1, 2])
    """
    s = adj.node(source, "start")
    if max_depth is not None and max_depth < 0:
        raise ValueError(f"max_depth must be >= 0, got {max_depth}")
    seen = adj._take("seen", np.uint8, 0)
    bufs = stack, cursor, order = adj._buffers(np.int64, np.int64, np.int64)
    try:
        count = _paths.dfs_fill(adj.indptr, adj.indices, s,
                                -1 if max_depth is None else max_depth, seen, stack, cursor,
                                order)
        return order[:count].copy()
    finally:
        adj._give("seen", seen)
        adj._return(bufs)


def reach(adj: Adjacency, sources, max_depth: int | None = None) -> np.ndarray:
    """Nodes within ``max_depth`` hops of any of ``sources`` (all reachable when None),
    in breadth-first order, the sources first.

    Examples
    --------
    >>> adj = Adjacency(*build_csr([0, 1, 2], [1, 2, 3], 5, both_ways=True))
    >>> reach(adj, [0, 4], max_depth=1).tolist()
    [0, 4, 1]
    """
    src = _int64(np.atleast_1d(sources), "sources")
    if src.size and (src.min() < 0 or src.max() >= adj.n):
        bad = int(src[(src < 0) | (src >= adj.n)][0])
        raise ValueError(f"source {bad} is not a node id (there are {adj.n} nodes)")
    if max_depth is not None and max_depth < 0:
        raise ValueError(f"max_depth must be >= 0, got {max_depth}")
    dist = adj._take("dist", np.int64, -1)
    bufs = [order] = adj._buffers(np.int64)
    try:
        count = _paths.bfs_many(adj.indptr, adj.indices, src,
                                -1 if max_depth is None else max_depth, dist, order, True)
        return order[:count].copy()
    finally:
        adj._give("dist", dist)
        adj._return(bufs)
