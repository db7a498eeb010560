# String column kernels: a column is int64 offsets (length n+1) + UTF-8 bytes.
# groggy.kernels checks that every gathered span lies inside data before calling.
from libc.stdint cimport int8_t, int64_t, uint8_t
from libc.string cimport memcmp, memcpy


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


cdef inline uint8_t _fold(uint8_t c) noexcept nogil:
    return c + 32 if 65 <= c <= 90 else c


def contains_rows(const int64_t[::1] offsets, const uint8_t[::1] data,
                  const int64_t[::1] rows, const uint8_t[::1] needle, bint fold_case,
                  uint8_t[::1] out):
    """out[i] |= 1 where the text of rows[i] contains needle (ASCII case folded if asked)."""
    cdef Py_ssize_t i, k, m = needle.shape[0]
    cdef int64_t start, stop, at
    cdef bint hit
    with nogil:
        for i in range(rows.shape[0]):
            if out[i]:
                continue
            start = offsets[rows[i]]
            stop = offsets[rows[i] + 1]
            if m == 0:
                out[i] = 1
                continue
            at = start
            while at + m <= stop:
                hit = True
                for k in range(m):
                    if (_fold(data[at + k]) if fold_case else data[at + k]) != needle[k]:
                        hit = False
                        break
                if hit:
                    out[i] = 1
                    break
                at += 1


def equal_rows(const int64_t[::1] offsets, const uint8_t[::1] data, const int64_t[::1] rows,
               const uint8_t[::1] needle, uint8_t[::1] out):
    """out[i] = 1 where the text of rows[i] is exactly needle."""
    cdef Py_ssize_t i, m = needle.shape[0]
    cdef int64_t start, length
    with nogil:
        for i in range(rows.shape[0]):
            start = offsets[rows[i]]
            length = offsets[rows[i] + 1] - start
            out[i] = length == m and (m == 0 or memcmp(&data[start], &needle[0], m) == 0)


def compare_rows(const int64_t[::1] offsets, const uint8_t[::1] data, const int64_t[::1] rows,
                 const uint8_t[::1] needle, int8_t[::1] out):
    """out[i] = -1, 0 or 1 as the text of rows[i] sorts before, equal to or after needle
    (UTF-8 byte order, which is code point order; a prefix sorts first)."""
    cdef Py_ssize_t i, m = needle.shape[0]
    cdef int64_t start, length, common
    cdef int c
    with nogil:
        for i in range(rows.shape[0]):
            start = offsets[rows[i]]
            length = offsets[rows[i] + 1] - start
            common = length if length < m else m
            c = memcmp(&data[start], &needle[0], common) if common > 0 else 0
            if c == 0:
                c = (length > m) - (length < m)
            out[i] = (c > 0) - (c < 0)


def affix_rows(const int64_t[::1] offsets, const uint8_t[::1] data, const int64_t[::1] rows,
               const uint8_t[::1] needle, bint at_end, uint8_t[::1] out):
    """out[i] = 1 where the text of rows[i] starts (or, at_end, ends) with needle."""
    cdef Py_ssize_t i, m = needle.shape[0]
    cdef int64_t start, length
    with nogil:
        for i in range(rows.shape[0]):
            start = offsets[rows[i]]
            length = offsets[rows[i] + 1] - start
            if length < m:
                out[i] = 0
            elif m == 0:
                out[i] = 1
            else:
                out[i] = memcmp(&data[start + length - m if at_end else start],
                                &needle[0], m) == 0
