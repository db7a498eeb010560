# distutils: language = c++
# Sorting string columns on their UTF-8 bytes (byte order is code point order), without
# decoding a Python str per row. groggy.kernels checks every span before calling.
from libc.stdint cimport int64_t, uint8_t, uint64_t
from libc.stdlib cimport calloc, free
from libc.string cimport memcmp, memcpy
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


# Stable sorts of fixed-width numbers: an LSD radix sort of order-preserving unsigned
# keys, with (key, position) pairs moved together so no pass gathers at random. Only the
# digits that differ between the least and the greatest key are sorted, and a pass whose
# digit is the same for every key is skipped: 1M int64 below 1e9 take 3 passes.
cdef enum:
    DIGIT = 11
    BUCKETS = 1 << DIGIT


cdef int _radix(uint64_t* key, int64_t* pos, uint64_t* key2, int64_t* pos2,
                Py_ssize_t n, uint64_t low, uint64_t high) noexcept nogil:
    """Sort pos[:n] by key[:n] - low (every key in [low, high]); the result ends in pos.
    key2/pos2 are scratch of n entries. Returns -1 when out of memory."""
    cdef uint64_t span = high - low
    cdef int digits = 0, p
    while digits * DIGIT < 64 and (span >> (digits * DIGIT)) != 0:
        digits += 1
    if digits == 0:
        return 0
    # every pass's histogram in one read of the keys
    cdef int64_t* count = <int64_t*>calloc(digits * BUCKETS, sizeof(int64_t))
    if count == NULL:
        return -1
    cdef int64_t* c
    cdef int64_t total, m
    cdef Py_ssize_t i, d
    cdef uint64_t k
    cdef uint64_t* tk
    cdef int64_t* tp
    cdef bint moved = False
    for i in range(n):
        k = key[i] - low
        for p in range(digits):
            count[p * BUCKETS + ((k >> (p * DIGIT)) & (BUCKETS - 1))] += 1
    for p in range(digits):
        c = count + p * BUCKETS
        if c[((key[0] - low) >> (p * DIGIT)) & (BUCKETS - 1)] == n:
            continue  # the same digit everywhere: nothing moves
        total = 0
        for d in range(BUCKETS):
            m = c[d]
            c[d] = total
            total += m
        for i in range(n):
            d = ((key[i] - low) >> (p * DIGIT)) & (BUCKETS - 1)
            key2[c[d]] = key[i]
            pos2[c[d]] = pos[i]
            c[d] += 1
        tk = key; key = key2; key2 = tk
        tp = pos; pos = pos2; pos2 = tp
        moved = not moved
    free(count)
    if moved:  # the sorted pairs are in the caller's scratch: copy the order back
        memcpy(pos2, pos, n * sizeof(int64_t))
    return 0


cdef inline uint64_t _float_key(double v, bint descending) noexcept nogil:
    """Unsigned key in float order; -0.0 as 0.0; every NaN greatest in both directions."""
    cdef uint64_t bits
    if v != v:
        return ~(<uint64_t>0)
    v = v + 0.0
    memcpy(&bits, &v, 8)
    bits = ~bits if bits >> 63 else bits | (<uint64_t>1 << 63)
    if descending:  # keep the all-ones key for NaN alone: finite keys never reach it
        bits = (~(<uint64_t>0) - 1) - bits
    return bits


def argsort_numbers(values, bint descending, int64_t[::1] order, uint64_t[::1] keys,
                    uint64_t[::1] scratch_keys, int64_t[::1] scratch_order):
    """Stable argsort of an int64 or float64 array (``values``, C-contiguous) into
    ``order``; the three other arrays are scratch of the same length. Floats: NaN last in
    both directions."""
    cdef const int64_t[::1] ints
    cdef const double[::1] floats
    cdef Py_ssize_t n = order.shape[0], i
    cdef uint64_t k, low = ~(<uint64_t>0), high = 0
    cdef bint is_float = values.dtype.kind == "f"
    cdef int failed = 0
    if n == 0:
        return
    if is_float:
        floats = values
    else:
        ints = values
    with nogil:
        for i in range(n):
            if is_float:
                k = _float_key(floats[i], descending)
            else:
                k = <uint64_t>ints[i] ^ (<uint64_t>1 << 63)
                if descending:
                    k = ~k
            keys[i] = k
            order[i] = i
            if k < low:
                low = k
            if k > high:
                high = k
        failed = _radix(&keys[0], &order[0], &scratch_keys[0], &scratch_order[0], n, low, high)
    if failed:
        raise MemoryError()
