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

    def __init__(self, indptr, indices, data, shape):
        self.indptr, self.indices, self.data, self.shape = indptr, indices, data, shape
        self.length = shape[0]
        self.names = LazyNames(shape[1])
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
    def _from_csr(cls, indptr, indices, data, shape):
        frame = MatrixFrame(indptr, indices, data, shape)
        return cls._of(BaseTable(frame, None, cls.__name__), _csr=frame)

    def _triplets(self):
        """(row, col, value) of the stored entries inside this view, in view coordinates."""
        f = self._csr
        rows = self._base._positions(np.arange(self.nrows))
        starts, counts = f.indptr[rows], f.indptr[rows + 1] - f.indptr[rows]
        # the entry numbers of the chosen rows, row after row
        entry = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) \
            + np.arange(int(counts.sum()))
        view_row = np.repeat(np.arange(rows.size), counts)
        col_of = np.full(f.shape[1], -1, dtype=np.int64)
        col_of[[int(c) for c in self.columns]] = np.arange(self.ncols)
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
        """The dense matrix of this view (duplicate entries summed)."""
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
