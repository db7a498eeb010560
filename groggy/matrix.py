"""Sparse matrices shown and streamed as tables (``g.adjacency_matrix()``)."""
from __future__ import annotations

import numpy as np

from groggy.arrays import Typed
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
        footer = f"{shape[0]:,} × {shape[1]:,} sparse, {int(data.sum()) if data.size else 0:,} " \
                 f"total over {indices.size:,} stored entries"
        return cls._of(BaseTable(frame, None, cls.__name__, footer=footer), _csr=frame)

    @property
    def nnz(self) -> int:
        """Stored entries (a multi-edge is one entry per edge until converted)."""
        return int(self._csr.indices.size)

    def to_numpy(self) -> np.ndarray:
        """The dense matrix (duplicate entries summed)."""
        f = self._csr
        out = np.zeros(f.shape, dtype=f.data.dtype)
        np.add.at(out, (f.row_of_entry(), f.indices), f.data)
        return out

    def to_scipy(self):
        """A ``scipy.sparse.csr_array`` (duplicate entries summed)."""
        from scipy import sparse
        f = self._csr
        m = sparse.csr_array((f.data, f.indices, f.indptr), shape=f.shape)
        m.sum_duplicates()
        return m
