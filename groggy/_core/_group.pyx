# Group-by kernels: hash factorization of int64 values and of UTF-8 string spans, and
# one-pass reductions over group codes. A code of -1 skips its row (a null key or a null
# value). groggy.kernels checks every code and span before calling.
from libc.stdint cimport int64_t, uint8_t, uint64_t
from libc.string cimport memcmp, memcpy

ctypedef fused value_t:
    int64_t
    double
    uint8_t

ctypedef fused count_t:
    int64_t
    uint8_t


cdef inline uint64_t _mix(uint64_t x) noexcept nogil:
    # splitmix64's finaliser: every input bit moves every output bit, so sequential keys
    # spread over the table
    x ^= x >> 30
    x *= 0xbf58476d1ce4e5b9ULL
    x ^= x >> 27
    x *= 0x94d049bb133111ebULL
    x ^= x >> 31
    return x


cdef inline uint64_t _hash_bytes(const uint8_t* p, int64_t length) noexcept nogil:
    cdef uint64_t h = _mix(<uint64_t>length + 0x9e3779b97f4a7c15ULL), word
    cdef int64_t i = 0
    while i + 8 <= length:  # eight bytes a step
        memcpy(&word, p + i, 8)
        h = _mix(h ^ word)
        i += 8
    if i < length:
        word = 0
        memcpy(&word, p + i, length - i)
        h = _mix(h ^ word)
    return h


def factorize_int64(const int64_t[::1] values, const uint8_t[::1] valid, int64_t[::1] codes,
                    int64_t[::1] uniques, int64_t[::1] slots):
    """codes[i]: number of values[i] among the distinct values in order of first appearance
    (-1 where valid[i] is 0; an empty valid: every row is valid); uniques[j]: value j.
    slots: scratch, a power of two above len(values) entries, all -1.
    Returns the number of distinct values."""
    cdef Py_ssize_t n = values.shape[0], i
    cdef uint64_t mask = <uint64_t>slots.shape[0] - 1, h
    cdef int64_t k = 0, s, v
    cdef bint every = valid.shape[0] == 0
    with nogil:
        for i in range(n):
            if not every and not valid[i]:
                codes[i] = -1
                continue
            v = values[i]
            h = _mix(<uint64_t>v) & mask
            while True:  # linear probing
                s = slots[h]
                if s < 0:
                    slots[h] = k
                    uniques[k] = v
                    codes[i] = k
                    k += 1
                    break
                if uniques[s] == v:
                    codes[i] = s
                    break
                h = (h + 1) & mask
    return k


def factorize_strings(const int64_t[::1] offsets, const uint8_t[::1] data,
                      const int64_t[::1] rows, const uint8_t[::1] valid, int64_t[::1] codes,
                      int64_t[::1] first, uint64_t[::1] hashes, int64_t[::1] slots):
    """codes[i]: number of the text of row rows[i] among the distinct texts in order of
    first appearance (-1 where valid[i] is 0; an empty valid: every row is valid);
    first[j]: the position i where text j first appears. hashes: scratch, one per row;
    slots: scratch, a power of two above len(rows) entries, all -1.
    Returns the number of distinct texts."""
    cdef Py_ssize_t n = rows.shape[0], i
    cdef uint64_t mask = <uint64_t>slots.shape[0] - 1, h, slot
    cdef int64_t k = 0, s, start, length, other, other_length
    cdef bint every = valid.shape[0] == 0
    cdef uint8_t empty = 0
    cdef const uint8_t* base = &data[0] if data.shape[0] > 0 else &empty
    with nogil:
        for i in range(n):
            if not every and not valid[i]:
                codes[i] = -1
                continue
            start = offsets[rows[i]]
            length = offsets[rows[i] + 1] - start
            h = _hash_bytes(base + start, length)
            slot = h & mask
            while True:
                s = slots[slot]
                if s < 0:
                    slots[slot] = k
                    hashes[k] = h
                    first[k] = i
                    codes[i] = k
                    k += 1
                    break
                if hashes[s] == h:
                    other = offsets[rows[first[s]]]
                    other_length = offsets[rows[first[s]] + 1] - other
                    if other_length == length and (
                            length == 0 or memcmp(base + other, base + start, length) == 0):
                        codes[i] = s
                        break
                slot = (slot + 1) & mask
    return k


def group_count(const int64_t[::1] codes, int64_t[::1] counts):
    """counts[g] += number of rows of group g."""
    cdef Py_ssize_t i
    with nogil:
        for i in range(codes.shape[0]):
            if codes[i] >= 0:
                counts[codes[i]] += 1


def group_sum_int(const int64_t[::1] codes, const count_t[::1] values, int64_t[::1] sums):
    """sums[g] += the values of group g (int64 arithmetic, wrapping as NumPy does)."""
    cdef Py_ssize_t i
    with nogil:
        for i in range(codes.shape[0]):
            if codes[i] >= 0:
                sums[codes[i]] += values[i]


def group_sum_float(const int64_t[::1] codes, const double[::1] values, double[::1] sums,
                    double[::1] compensation):
    """sums[g] += the values of group g, compensated (Kahan, as pandas sums); compensation:
    scratch, one zero per group."""
    cdef Py_ssize_t i
    cdef int64_t g
    cdef double y, t
    with nogil:
        for i in range(codes.shape[0]):
            g = codes[i]
            if g >= 0:
                y = values[i] - compensation[g]
                t = sums[g] + y
                compensation[g] = (t - sums[g]) - y
                sums[g] = t


def group_sq_dev(const int64_t[::1] codes, const double[::1] values, const double[::1] means,
                 double[::1] out):
    """out[g] += (value - means[g])**2 over the values of group g (the second pass of a
    variance: stable where sum-of-squares minus square-of-sum is not)."""
    cdef Py_ssize_t i
    cdef int64_t g
    cdef double d
    with nogil:
        for i in range(codes.shape[0]):
            g = codes[i]
            if g >= 0:
                d = values[i] - means[g]
                out[g] += d * d


def group_min_max(const int64_t[::1] codes, const value_t[::1] values, value_t[::1] mins,
                  value_t[::1] maxs, uint8_t[::1] seen):
    """mins[g], maxs[g]: the smallest and largest value of group g; seen[g] = 1 if the
    group has any (seen: zeros)."""
    cdef Py_ssize_t i
    cdef int64_t g
    with nogil:
        for i in range(codes.shape[0]):
            g = codes[i]
            if g < 0:
                continue
            if not seen[g]:
                seen[g] = 1
                mins[g] = values[i]
                maxs[g] = values[i]
            elif values[i] < mins[g]:
                mins[g] = values[i]
            elif values[i] > maxs[g]:
                maxs[g] = values[i]


def group_first_last(const int64_t[::1] codes, int64_t[::1] first, int64_t[::1] last):
    """first[g], last[g]: the first and last row of group g (first, last: all -1)."""
    cdef Py_ssize_t i
    cdef int64_t g
    with nogil:
        for i in range(codes.shape[0]):
            g = codes[i]
            if g >= 0:
                if first[g] < 0:
                    first[g] = i
                last[g] = i


def group_order(const int64_t[::1] codes, int64_t[::1] cursor, int64_t[::1] order):
    """A counting sort: order[cursor[g]++] = i for each row i of group g, in row order
    (cursor: where each group starts)."""
    cdef Py_ssize_t i
    cdef int64_t g
    with nogil:
        for i in range(codes.shape[0]):
            g = codes[i]
            if g >= 0:
                order[cursor[g]] = i
                cursor[g] += 1
