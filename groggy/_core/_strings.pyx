# String column kernels: a column is int64 offsets (length n+1) + UTF-8 bytes.
# groggy.kernels checks that every gathered span lies inside data before calling.
from libc.stdint cimport int64_t, uint8_t
from libc.string cimport memcpy


def gather_bytes(const int64_t[::1] offsets, const uint8_t[::1] data,
                 const int64_t[::1] rows, const int64_t[::1] out_offsets,
                 uint8_t[::1] out_data):
    """Copy the byte spans of rows into out_data at out_offsets (already the prefix sum
    of the gathered lengths)."""
    cdef Py_ssize_t i
    cdef int64_t start, length
    with nogil:
        for i in range(rows.shape[0]):
            start = offsets[rows[i]]
            length = offsets[rows[i] + 1] - start
            if length > 0:
                memcpy(&out_data[out_offsets[i]], &data[start], length)


def decode_rows(const int64_t[::1] offsets, const uint8_t[::1] data,
                const int64_t[::1] rows):
    """Python str for each row (used only for shown or exported cells)."""
    cdef Py_ssize_t i, n = rows.shape[0]
    cdef int64_t start, stop
    cdef list out = [None] * n
    cdef const uint8_t* base = &data[0] if data.shape[0] > 0 else NULL
    for i in range(n):
        start = offsets[rows[i]]
        stop = offsets[rows[i] + 1]
        if stop > start:
            out[i] = (<const char*>base)[start:stop].decode("utf-8", "replace")
        else:
            out[i] = ""
    return out
