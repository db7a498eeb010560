"""Sparse matrices shown and streamed as tables (``g.adjacency_matrix()``)."""
from __future__ import annotations

import numpy as np

from groggy.arrays import Typed
from groggy.errors import require
from groggy.foundation import BaseTable
from groggy.frame import ColumnsFrame, LazyNames


class _MatrixColumn:
    """Column ``j`` of a CSR matrix, read only where asked."""

    valid = None
    has_nulls = False

    def __init__(self, frame: "MatrixFrame", j: int):
        self._frame, self._j, self.name = frame, j, str(j)
        self.kind = "int64" if frame.data.dtype.kind in "iu" else "float64"

    def __len__(self) -> int:
        return self._frame.length

    @property
    def data(self) -> np.ndarray:
        f = self._frame
        hit = f.indices == self._j
        out = np.bincount(f.row_of_entry()[hit], weights=f.data[hit], minlength=f.length)
        return out.astype(np.int64) if self.kind == "int64" else out

    def take(self, rows):
        f, out = self._frame, []
        for r in np.asarray(rows, dtype=np.int64).tolist():
            lo, hi = f.indptr[r], f.indptr[r + 1]
            out.append(f.data[lo:hi][f.indices[lo:hi] == self._j].sum())
        dtype = np.int64 if self.kind == "int64" else np.float64
        return np.array(out, dtype=dtype), None

    def to_list(self, rows=None):
        return (self.data if rows is None else self.take(rows)[0]).tolist()

    def numeric(self, rows=None):
        return (self.data if rows is None else self.take(rows)[0]).astype(np.float64)


class MatrixFrame:
    """A CSR matrix (indptr, indices, data) seen as columns named "0".."n-1"."""

    def __init__(self, indptr, indices, data, shape, names=None):
        self.indptr, self.indices, self.data, self.shape = indptr, indices, data, shape
        self.length = shape[0]
        self.names = LazyNames(shape[1]) if names is None else list(names)
        self._rows = None

    def row_of_entry(self) -> np.ndarray:
        if self._rows is None:
            self._rows = np.repeat(np.arange(self.length), np.diff(self.indptr))
        return self._rows

    def column(self, name):
        return _MatrixColumn(self, self.names.index(str(name)))

    def has(self, name) -> bool:
        return str(name) in self.names

    def select(self, names) -> ColumnsFrame:
        return ColumnsFrame({str(n): self.column(n) for n in names}, self.length)


class Matrix(Typed, foundation=BaseTable):
    """A sparse matrix; displays like a table, converts with ``to_numpy``/``to_scipy``.
    Views (``head``, slicing, ``select``) convert only the rows and columns they show.

    Examples
    --------
    >>> import groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes(3); _ = g.add_edge(0, 1)
    >>> g.adjacency_matrix().to_numpy().tolist()
    [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    """

    @classmethod
    def _from_csr(cls, indptr, indices, data, shape, names=None):
        frame = MatrixFrame(indptr, indices, data, shape, names)
        return cls._of(BaseTable(frame, None, cls.__name__), _csr=frame)

    @classmethod
    def identity(cls, n: int) -> "Matrix":
        """The n x n identity (upstream's ``GraphMatrix.identity``)."""
        ids = np.arange(int(n), dtype=np.int64)
        return cls._from_triplets(ids, ids, np.ones(ids.size, dtype=np.int64), (int(n), int(n)))

    @classmethod
    def _from_triplets(cls, rows, cols, values, shape, names=None):
        """A matrix of the entries (rows[i], cols[i]) = values[i] (repeats add up)."""
        order = np.argsort(rows, kind="stable")
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=shape[0]))])
        return cls._from_csr(indptr.astype(np.int64), np.asarray(cols, np.int64)[order],
                             np.asarray(values)[order], shape, names)

    def _triplets(self):
        """(row, col, value) of the stored entries inside this view, in view coordinates."""
        f = self._csr
        if self._base._rows is None and self._base._frame is f:  # the whole matrix
            return f.row_of_entry(), f.indices, f.data
        rows = self._base._positions(np.arange(self.nrows))
        starts, counts = f.indptr[rows], f.indptr[rows + 1] - f.indptr[rows]
        # the entry numbers of the chosen rows, row after row
        entry = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) \
            + np.arange(int(counts.sum()))
        view_row = np.repeat(np.arange(rows.size), counts)
        col_of = np.full(f.shape[1], -1, dtype=np.int64)
        col_of[[f.names.index(c) for c in self.columns]] = np.arange(self.ncols)
        view_col = col_of[f.indices[entry]]
        keep = view_col >= 0
        return view_row[keep], view_col[keep], f.data[entry[keep]]

    def _viz_source(self):
        graph = getattr(self, "_graph", None)
        if graph is None:
            raise TypeError("this matrix did not come from a graph; nothing to lay out")
        return graph

    @property
    def nnz(self) -> int:
        """Stored entries in this view (parallel edges are separate entries)."""
        return int(self._triplets()[0].size)

    def to_numpy(self) -> np.ndarray:
        """The dense matrix of this view (duplicate entries summed). Refused past
        ``DENSE_LIMIT`` cells: use ``to_scipy``, ``@`` or a slice (``m.head(100)``)."""
        cells = self.nrows * self.ncols
        if cells > DENSE_LIMIT:
            raise MemoryError(f"a dense {self.nrows:,} x {self.ncols:,} matrix has {cells:,} "
                              "cells; use to_scipy(), m @ x, sum(axis=...) or a slice "
                              "such as m.head(1000)")
        r, c, v = self._triplets()
        out = np.zeros(self.shape, dtype=self._csr.data.dtype)
        np.add.at(out, (r, c), v)
        return out

    def to_scipy(self):
        """A ``scipy.sparse.csr_array`` of this view (duplicate entries summed)."""
        sparse = require("scipy.sparse", "to_scipy")
        r, c, v = self._triplets()
        m = sparse.coo_array((v, (r, c)), shape=self.shape).tocsr()
        m.sum_duplicates()
        return m

    # ------------------------------------------------------------------ operations
    # Every operation works on the stored entries of this view (O(nnz)), never densely.

    def dense(self) -> np.ndarray:
        """The dense NumPy array (``to_numpy()``)."""
        return self.to_numpy()

    @property
    def dtype(self) -> str:
        """The NumPy dtype of the values: ``int64`` or ``float64``."""
        return str(self._csr.data.dtype)

    def is_sparse(self) -> bool:
        """Always True: a groggy matrix stores only its entries."""
        return True

    def is_square(self) -> bool:
        return self.nrows == self.ncols

    def is_symmetric(self) -> bool:
        """Whether the matrix equals its transpose (duplicate entries summed first)."""
        if not self.is_square():
            return False
        r, c, v = _summed(*self._triplets(), self.shape)
        rt, ct, vt = _summed(c, r, v, self.shape)
        return bool(np.array_equal(r, rt) and np.array_equal(c, ct) and np.array_equal(v, vt))

    def transpose(self) -> "Matrix":
        """The transpose, as a new sparse matrix."""
        r, c, v = self._triplets()
        out = Matrix._from_triplets(c, r, v, (self.ncols, self.nrows))
        out._graph = getattr(self, "_graph", None)
        return out

    @property
    def T(self) -> "Matrix":  # noqa: N802 - NumPy's spelling
        return self.transpose()

    def sum(self, axis: int | None = None):
        """The sum of all entries (``axis=None``), of each column (``axis=0``) or of each
        row (``axis=1``), as NumPy counts axes; the sums are a ``NumArray``."""
        r, c, v = self._triplets()
        if axis is None:
            return v.sum().item()
        index, length = _axis_index(axis, r, c, self.shape)
        out = np.bincount(index, weights=v, minlength=length)
        return _num(out.astype(np.int64) if v.dtype.kind in "iu" else out, "sum")

    def sum_axis(self, axis: int):
        """upstream's name for ``sum(axis)``."""
        return self.sum(axis)

    def mean(self, axis: int | None = None):
        """The mean over all cells (zeros included, as NumPy's on the dense matrix), or
        per column (``axis=0``) or row (``axis=1``)."""
        total = self.sum(axis)
        if axis is None:
            cells = self.nrows * self.ncols
            return total / cells if cells else None
        count = self.nrows if _axis_number(axis) == 0 else self.ncols
        return _num(total.to_numpy() / count if count else total.to_numpy() * np.nan, "mean")

    def get(self, row: int, col: int):
        """The value at (row, col) of this view (0 where nothing is stored)."""
        for i, n in ((row, self.nrows), (col, self.ncols)):
            if not isinstance(i, (int, np.integer)) or not -n <= i < n:
                raise IndexError(f"({row}, {col}) is outside this {self.nrows} x "
                                 f"{self.ncols} matrix")
        r, c, v = self._triplets()
        hit = (r == row % self.nrows) & (c == col % self.ncols)
        return v[hit].sum().item()

    def __matmul__(self, other):
        """``m @ x``: a vector (list, NumPy array, ``NumArray``) gives a ``NumArray``; a
        2-D NumPy array a NumPy array; another ``Matrix`` a sparse ``Matrix``."""
        r, c, v = self._triplets()
        if isinstance(other, Matrix):
            return _sparse_product(self, other)
        x = np.asarray(other)
        if x.ndim not in (1, 2) or x.shape[0] != self.ncols:
            raise ValueError(f"cannot multiply a {self.nrows} x {self.ncols} matrix by an "
                             f"operand of shape {x.shape}")
        if x.dtype.kind not in "iufb":
            raise TypeError(f"m @ x needs numbers, got {x.dtype} values")
        if x.ndim == 1:
            out = np.bincount(r, weights=v * x[c], minlength=self.nrows)
            return _num(out, "product")
        out = np.zeros((self.nrows, x.shape[1]), dtype=np.result_type(v, x, np.float64))
        np.add.at(out, r, v[:, None] * x[c])
        return out

    def matmul(self, other):
        """upstream's name for ``self @ other``."""
        return self @ other

    matmul_vec = matmul


DENSE_LIMIT = 1 << 27   # cells to_numpy will build (1 GiB of float64)


def _axis_number(axis) -> int:
    if axis not in (0, 1, -1, -2) or isinstance(axis, bool):
        raise ValueError(f"axis must be 0 (per column), 1 (per row) or None, got {axis!r}")
    return axis % 2


def _axis_index(axis, r, c, shape):
    return (c, shape[1]) if _axis_number(axis) == 0 else (r, shape[0])


def _num(values: np.ndarray, name: str):
    from groggy.arrays import array
    return array(values, name)


def _summed(r, c, v, shape):
    """The entries with duplicates added and zeros dropped, in row-major order."""
    key = r.astype(np.int64) * shape[1] + c
    uniq, inverse = np.unique(key, return_inverse=True)
    total = np.zeros(uniq.size, dtype=v.dtype)
    np.add.at(total, inverse, v)
    keep = total != 0
    return uniq[keep] // max(shape[1], 1), uniq[keep] % max(shape[1], 1), total[keep]


def _sparse_product(a: "Matrix", b: "Matrix") -> "Matrix":
    """``a @ b`` by joining each entry (i, k) of a with row k of b: O(work), no dense."""
    if a.ncols != b.nrows:
        raise ValueError(f"cannot multiply a {a.nrows} x {a.ncols} matrix by a "
                         f"{b.nrows} x {b.ncols} one")
    ar, ac, av = a._triplets()
    br, bc, bv = b._triplets()
    order = np.argsort(br, kind="stable")
    bc, bv = bc[order], bv[order]
    starts = np.concatenate([[0], np.cumsum(np.bincount(br, minlength=b.nrows))])
    counts = (starts[1:] - starts[:-1])[ac]
    before = np.concatenate([np.zeros(1, np.int64), np.cumsum(counts)[:-1]])
    first = np.repeat(starts[ac] - before[:counts.size], counts)
    entry = first + np.arange(int(counts.sum()))
    r, c, v = _summed(np.repeat(ar, counts), bc[entry], np.repeat(av, counts) * bv[entry],
                      (a.nrows, b.ncols))
    return Matrix._from_triplets(r, c, v, (a.nrows, b.ncols))


def matrix(data) -> Matrix:
    """A :class:`Matrix` of nested lists, a 2-D NumPy array or a scipy sparse matrix;
    zeros are not stored.

    Examples
    --------
    >>> import groggy as gg
    >>> gg.matrix([[1, 0], [2, 3]]).sum(axis=0).to_list()
    [3, 3]
    """
    if hasattr(data, "tocoo"):   # scipy.sparse, without importing it
        coo = data.tocoo()
        r, c, v = np.asarray(coo.row), np.asarray(coo.col), np.asarray(coo.data)
        shape = tuple(coo.shape)
    else:
        dense = np.asarray(data)
        if dense.ndim != 2:
            raise ValueError(f"a matrix needs 2-D data, got shape {dense.shape}")
        r, c = np.nonzero(dense)
        v, shape = dense[r, c], dense.shape
    if v.dtype.kind not in "iufb":
        raise TypeError(f"a matrix holds numbers, got {v.dtype} values")
    v = v.astype(np.int64 if v.dtype.kind in "iub" else np.float64)
    return Matrix._from_triplets(r.astype(np.int64), c.astype(np.int64), v, shape)
