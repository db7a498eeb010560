# The window kernel: encodes rows [start, start+count) of a view into the binary
# DataUpdate frame of docs/protocol.md, reading straight from the column buffers (memory
# maps included) through an optional row index. No Python object is made per cell.
# groggy.streaming builds the plan and checks every row index before the kernel runs.
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.mem cimport PyMem_Calloc, PyMem_Free
from libc.stdint cimport int64_t, uint8_t, uint32_t
from libc.string cimport memcpy, memset

cdef enum:
    W_INT64 = 1
    W_FLOAT64 = 2
    W_BOOL = 3
    W_STRING = 4
    W_POSITION = 5      # the view row's position in its column store (node/edge id)

cdef Py_ssize_t HEADER = 48


cdef inline Py_ssize_t pad8(Py_ssize_t n) noexcept nogil:
    return (n + 7) & ~7


cdef class WindowPlan:
    """Pointers to the columns of one view, ready for repeated window encodes."""
    cdef Py_ssize_t ncols
    cdef Py_ssize_t nrows
    cdef int* kinds
    cdef const uint8_t** data
    cdef const int64_t** offsets
    cdef int64_t* nbytes
    cdef const uint8_t** valid
    cdef const int64_t* rows
    cdef list keep

    def __cinit__(self, Py_ssize_t ncols, Py_ssize_t nrows):
        self.ncols = ncols
        self.nrows = nrows
        self.kinds = <int*>PyMem_Calloc(max(ncols, 1), sizeof(int))
        self.data = <const uint8_t**>PyMem_Calloc(max(ncols, 1), sizeof(void*))
        self.offsets = <const int64_t**>PyMem_Calloc(max(ncols, 1), sizeof(void*))
        self.nbytes = <int64_t*>PyMem_Calloc(max(ncols, 1), sizeof(int64_t))
        self.valid = <const uint8_t**>PyMem_Calloc(max(ncols, 1), sizeof(void*))
        self.rows = NULL
        self.keep = []
        if not (self.kinds and self.data and self.offsets and self.nbytes and self.valid):
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self.kinds)
        PyMem_Free(<void*>self.data)
        PyMem_Free(<void*>self.offsets)
        PyMem_Free(self.nbytes)
        PyMem_Free(<void*>self.valid)

    def set_rows(self, const int64_t[::1] rows):
        self.keep.append(rows)
        self.rows = &rows[0] if rows.shape[0] > 0 else NULL

    def set_fixed(self, Py_ssize_t j, int kind, const uint8_t[::1] raw):
        self.keep.append(raw)
        self.kinds[j] = kind
        self.data[j] = &raw[0] if raw.shape[0] > 0 else NULL

    def set_string(self, Py_ssize_t j, const int64_t[::1] offsets, const uint8_t[::1] text):
        self.keep.append(offsets)
        self.keep.append(text)
        self.kinds[j] = W_STRING
        self.offsets[j] = &offsets[0]
        self.data[j] = &text[0] if text.shape[0] > 0 else NULL
        self.nbytes[j] = text.shape[0]

    def set_position(self, Py_ssize_t j):
        self.kinds[j] = W_POSITION

    def set_valid(self, Py_ssize_t j, const uint8_t[::1] valid):
        self.keep.append(valid)
        self.valid[j] = &valid[0] if valid.shape[0] > 0 else NULL

    cdef inline int64_t _row(self, Py_ssize_t i) noexcept nogil:
        return self.rows[i] if self.rows != NULL else i

    cdef inline void _span(self, Py_ssize_t j, int64_t r, int64_t* a, int64_t* b) noexcept nogil:
        # clamp to the text buffer: a damaged offsets file can never read outside it
        cdef int64_t n = self.nbytes[j]
        a[0] = self.offsets[j][r]
        b[0] = self.offsets[j][r + 1]
        if a[0] < 0:
            a[0] = 0
        if a[0] > n:
            a[0] = n
        if b[0] < a[0]:
            b[0] = a[0]
        if b[0] > n:
            b[0] = n

    cpdef Py_ssize_t size(self, Py_ssize_t start, Py_ssize_t count):
        """Bytes of the frame for rows [start, start+count)."""
        cdef Py_ssize_t j, i, total = HEADER + 8 * self.ncols
        cdef int64_t a, b
        with nogil:
            for j in range(self.ncols):
                if self.kinds[j] == W_BOOL:
                    total += pad8(count)
                elif self.kinds[j] == W_STRING:
                    total += pad8(4 * (count + 1))
                    b = 0
                    for i in range(start, start + count):
                        self._span(j, self._row(i), &a, &b)
                        total += b - a
                    total = pad8(total)
                else:
                    total += 8 * count
                if self.valid[j] != NULL:
                    total += pad8(count)
        return total

    def frame(self, Py_ssize_t start, Py_ssize_t count, int64_t request_id,
              int64_t total_rows, int64_t version):
        """The frame of rows [start, start+count) as a new bytes object. The caller has
        checked 0 <= start <= start + count <= the view's rows."""
        cdef Py_ssize_t n = self.size(start, count)
        cdef bytes out = PyBytes_FromStringAndSize(NULL, n)
        cdef uint8_t* o = <uint8_t*>PyBytes_AS_STRING(out)
        with nogil:
            memset(o, 0, n)
            self._fill(start, count, request_id, total_rows, version, o)
        return out

    cdef void _fill(self, Py_ssize_t start, Py_ssize_t count, int64_t request_id,
                    int64_t total_rows, int64_t version, uint8_t* o) noexcept nogil:
        cdef Py_ssize_t j, i, pos, text_at
        cdef int64_t r, a, b, v
        cdef uint32_t u32
        cdef int wire
        memcpy(o, b"GGW1", 4)
        u32 = <uint32_t>self.ncols
        memcpy(o + 4, &u32, 4)
        memcpy(o + 8, &request_id, 8)
        v = start
        memcpy(o + 16, &v, 8)
        v = count
        memcpy(o + 24, &v, 8)
        memcpy(o + 32, &total_rows, 8)
        memcpy(o + 40, &version, 8)
        pos = HEADER
        for j in range(self.ncols):
            wire = W_INT64 if self.kinds[j] == W_POSITION else self.kinds[j]
            o[pos] = <uint8_t>wire
            o[pos + 1] = 1 if self.valid[j] != NULL else 0
            pos += 8
        for j in range(self.ncols):
            if self.kinds[j] == W_POSITION:
                for i in range(count):
                    r = self._row(start + i)
                    memcpy(o + pos + 8 * i, &r, 8)
                pos += 8 * count
            elif self.kinds[j] == W_INT64 or self.kinds[j] == W_FLOAT64:
                for i in range(count):
                    memcpy(o + pos + 8 * i, self.data[j] + 8 * self._row(start + i), 8)
                pos += 8 * count
            elif self.kinds[j] == W_BOOL:
                for i in range(count):
                    o[pos + i] = 1 if self.data[j][self._row(start + i)] else 0
                pos += pad8(count)
            else:
                text_at = pos + pad8(4 * (count + 1))
                u32 = 0
                memcpy(o + pos, &u32, 4)
                for i in range(count):
                    self._span(j, self._row(start + i), &a, &b)
                    if b > a:
                        memcpy(o + text_at + u32, self.data[j] + a, b - a)
                    u32 += <uint32_t>(b - a)
                    memcpy(o + pos + 4 * (i + 1), &u32, 4)
                pos = pad8(text_at + u32)
            if self.valid[j] != NULL:
                for i in range(count):
                    o[pos + i] = 1 if self.valid[j][self._row(start + i)] else 0
                pos += pad8(count)
