# distutils: language = c++
# Sorting string columns on their UTF-8 bytes (byte order is code point order), without
# decoding a Python str per row. groggy.kernels checks every span before calling.
from libc.stdint cimport int64_t, uint8_t, uint64_t
from libc.string cimport memcmp
from libcpp.algorithm cimport sort as std_sort

# the comparator cannot carry state, so the column being sorted is module state; the GIL
# is held for the whole sort, which keeps two sorts from meeting here
cdef const int64_t* _offsets
cdef const uint8_t* _data
cdef const int64_t* _rows
cdef const uint64_t* _prefix  # first 8 bytes of each row, big-endian: most compares end here


cdef inline int _compare(int64_t i, int64_t j) noexcept nogil:
    cdef int64_t a0 = _offsets[_rows[i]], a1 = _offsets[_rows[i] + 1]
    cdef int64_t b0 = _offsets[_rows[j]], b1 = _offsets[_rows[j] + 1]
    cdef int64_t la = a1 - a0, lb = b1 - b0
    cdef int c = memcmp(_data + a0, _data + b0, la if la < lb else lb) if la and lb else 0
    if c != 0:
        return c
    return -1 if la < lb else (1 if la > lb else 0)


cdef bint _before(int64_t i, int64_t j) noexcept nogil:
    if _prefix[i] != _prefix[j]:
        return _prefix[i] < _prefix[j]
    cdef int c = _compare(i, j)
    return c < 0 or (c == 0 and i < j)  # ties keep view order: a stable sort


def string_ranks(const int64_t[::1] offsets, const uint8_t[::1] data,
                 const int64_t[::1] rows, int64_t[::1] order, int64_t[::1] codes,
                 uint64_t[::1] prefix):
    """order: view positions sorted by text (stable); codes[i]: dense rank of row i's text.
    order, codes and prefix (scratch) have one entry per row."""
    global _offsets, _data, _rows, _prefix
    cdef Py_ssize_t n = rows.shape[0], i, k
    cdef int64_t rank = 0, start, length
    cdef uint64_t key
    if n == 0:
        return 0
    cdef uint8_t empty = 0
    _offsets = &offsets[0]
    _data = &data[0] if data.shape[0] else &empty
    _rows = &rows[0]
    for i in range(n):
        order[i] = i
        start = offsets[rows[i]]
        length = offsets[rows[i] + 1] - start
        key = 0
        for k in range(8):
            key = (key << 8) | (data[start + k] if k < length else 0)
        prefix[i] = key
    _prefix = &prefix[0]
    std_sort(&order[0], &order[0] + n, _before)
    codes[order[0]] = 0
    for i in range(1, n):
        if _compare(order[i - 1], order[i]) != 0:
            rank += 1
        codes[order[i]] = rank
    return rank + 1
