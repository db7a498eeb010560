# Group-by kernels: hash factorization of int64 values and of UTF-8 string spans, and
# one-pass reductions over group codes. A code of -1 skips its row (a null key or a null
# value). groggy.kernels checks every code and span before calling.
from libc.stdint cimport int64_t, uint8_t, uint64_t
from libc.stdlib cimport free, malloc
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


cdef inline uint64_t _word(const uint8_t* p, int64_t length) noexcept nogil:
    """Up to eight bytes as one little-endian word, zero-padded."""
    cdef uint64_t word = 0
    cdef int64_t j
    if length >= 8:
        memcpy(&word, p, 8)
    else:
        for j in range(length):
            word |= (<uint64_t>p[j]) << (8 * j)
    return word


cdef inline uint64_t _hash_bytes(const uint8_t* p, int64_t length) noexcept nogil:
    cdef uint64_t h = _mix(<uint64_t>length + 0x9e3779b97f4a7c15ULL)
    cdef int64_t i = 0
    while i < length:  # eight bytes a step
        h = _mix(h ^ _word(p + i, length - i))
        i += 8
    return h


# An open-addressing table (linear probing) of (hash, number) slots that doubles when
# half full: it stays as small as the distinct keys, so probes stay in cache.
cdef struct Slot:
    uint64_t hash
    int64_t code


# a distinct text's slot also holds its span and first sixteen bytes, so telling texts
# of up to sixteen bytes apart reads nothing else
cdef struct TextSlot:
    uint64_t hash
    int64_t code
    uint64_t head0
    uint64_t head1
    int64_t start
    int64_t length


ctypedef fused slot_t:
    Slot
    TextSlot


cdef slot_t* _slots(slot_t* like, uint64_t size) noexcept nogil:
    """An empty table of ``size`` slots of ``like``'s type (NULL if out of memory)."""
    cdef slot_t* slots = <slot_t*>malloc(size * sizeof(slot_t))
    cdef uint64_t j
    if slots != NULL:
        for j in range(size):
            slots[j].code = -1
    return slots


cdef slot_t* _grown(slot_t* old, uint64_t size) noexcept nogil:
    """A table of twice ``size`` slots holding ``old``'s entries (NULL if out of memory);
    ``old`` is freed either way."""
    cdef slot_t* slots = _slots(old, 2 * size)
    cdef uint64_t j, h, mask = 2 * size - 1
    if slots != NULL:
        for j in range(size):
            if old[j].code >= 0:
                h = old[j].hash & mask
                while slots[h].code >= 0:
                    h = (h + 1) & mask
                slots[h] = old[j]
    free(old)
    return slots


cdef inline bint _room(slot_t** slots, uint64_t* size, int64_t k) noexcept nogil:
    """Keep a table that holds ``k`` entries at most half full, doubling it when needed;
    False if memory ran out."""
    if 2 * k > <int64_t>size[0]:
        slots[0] = _grown(slots[0], size[0])
        size[0] *= 2
    return slots[0] != NULL


def factorize_int64(const int64_t[::1] values, const uint8_t[::1] valid, int64_t[::1] codes,
                    int64_t[::1] uniques):
    """codes[i]: number of values[i] among the distinct values in order of first appearance
    (-1 where valid[i] is 0; an empty valid: every row is valid); uniques[j]: value j.
    Returns the number of distinct values, or -1 if memory ran out."""
    cdef int64_t k
    with nogil:
        k = _factorize_int64(values, valid, codes, uniques)
    return k


cdef int64_t _factorize_int64(const int64_t[::1] values, const uint8_t[::1] valid,
                              int64_t[::1] codes, int64_t[::1] uniques) noexcept nogil:
    cdef Py_ssize_t n = values.shape[0], i
    cdef uint64_t size = 1024, h, slot
    cdef int64_t k = 0, c
    cdef bint every = valid.shape[0] == 0
    cdef Slot* slots = _slots(<Slot*>NULL, size)
    if slots == NULL:
        return -1
    for i in range(n):
        if not every and not valid[i]:
            codes[i] = -1
            continue
        h = _mix(<uint64_t>values[i])   # a bijection: equal hashes are equal values
        slot = h & (size - 1)
        while True:
            c = slots[slot].code
            if c < 0:
                slots[slot].hash = h
                slots[slot].code = k
                uniques[k] = values[i]
                codes[i] = k
                k += 1
                if not _room(&slots, &size, k):
                    return -1
                break
            if slots[slot].hash == h:
                codes[i] = c
                break
            slot = (slot + 1) & (size - 1)
    free(slots)
    return k


def factorize_strings(const int64_t[::1] offsets, const uint8_t[::1] data,
                      const int64_t[::1] rows, const uint8_t[::1] valid, int64_t[::1] codes,
                      int64_t[::1] first):
    """codes[i]: number of the text of row rows[i] among the distinct texts in order of
    first appearance (-1 where valid[i] is 0; an empty valid: every row is valid);
    first[j]: the position i where text j first appears.
    Returns the number of distinct texts, or -1 if memory ran out."""
    cdef int64_t k
    with nogil:
        k = _factorize_strings(offsets, data, rows, valid, codes, first)
    return k


cdef int64_t _factorize_strings(const int64_t[::1] offsets, const uint8_t[::1] data,
                                const int64_t[::1] rows, const uint8_t[::1] valid,
                                int64_t[::1] codes, int64_t[::1] first) noexcept nogil:
    cdef Py_ssize_t n = rows.shape[0], i
    cdef uint64_t size = 1024, h, slot, head0, head1
    cdef int64_t k = 0, c, start, length
    cdef bint every = valid.shape[0] == 0
    cdef uint8_t empty = 0
    cdef const uint8_t* base = &data[0] if data.shape[0] > 0 else &empty
    cdef const uint8_t* text
    cdef TextSlot* slots = _slots(<TextSlot*>NULL, size)
    cdef TextSlot* at
    if slots == NULL:
        return -1
    for i in range(n):
        if not every and not valid[i]:
            codes[i] = -1
            continue
        start = offsets[rows[i]]
        length = offsets[rows[i] + 1] - start
        text = base + start
        h = _hash_bytes(text, length)
        head0 = _word(text, length)
        head1 = _word(text + 8, length - 8) if length > 8 else 0
        slot = h & (size - 1)
        while True:
            at = &slots[slot]
            if at.code < 0:
                at.hash, at.code, at.head0, at.head1 = h, k, head0, head1
                at.start, at.length = start, length
                first[k] = i
                codes[i] = k
                k += 1
                if not _room(&slots, &size, k):
                    return -1
                break
            if (at.hash == h and at.length == length and at.head0 == head0
                    and at.head1 == head1 and (length <= 16 or memcmp(
                        base + at.start + 16, text + 16, length - 16) == 0)):
                codes[i] = at.code
                break
            slot = (slot + 1) & (size - 1)
    free(slots)
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


def group_nunique(const int64_t[::1] order, const int64_t[::1] codes,
                  const int64_t[::1] values, int64_t[::1] marks, int64_t[::1] counts):
    """counts[g] += number of distinct values (codes in [0, len(marks)), -1 skipped)
    among the rows of group g. order: the rows group after group (group_order), so a
    value seen in another group since is told apart by the group marked on it.
    marks: scratch, one -1 per distinct value."""
    cdef Py_ssize_t j
    cdef int64_t i, g, v
    with nogil:
        for j in range(order.shape[0]):
            i = order[j]
            g = codes[i]
            v = values[i]
            if g >= 0 and v >= 0 and marks[v] != g:
                marks[v] = g
                counts[g] += 1
