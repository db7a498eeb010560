# Graph kernels over int64 edge columns. Inputs are validated by groggy.kernels:
# every endpoint is in [0, n) and every output has the documented length.
from libc.stdint cimport int64_t


def degree_count(const int64_t[::1] ends, int64_t[::1] out):
    """out[v] += number of times v occurs in ends."""
    cdef Py_ssize_t i
    with nogil:
        for i in range(ends.shape[0]):
            out[ends[i]] += 1


def csr_fill(const int64_t[::1] src, const int64_t[::1] dst, bint both_ways,
             int64_t[::1] indptr, int64_t[::1] cursor,
             int64_t[::1] indices, int64_t[::1] edge_ids):
    """Counting-sort edges into CSR. indptr is already the prefix sum of degrees;
    cursor is a scratch copy of indptr[:-1]."""
    cdef Py_ssize_t e, slot
    cdef int64_t u, v
    with nogil:
        for e in range(src.shape[0]):
            u = src[e]
            v = dst[e]
            slot = cursor[u]
            indices[slot] = v
            edge_ids[slot] = e
            cursor[u] += 1
            if both_ways and u != v:
                slot = cursor[v]
                indices[slot] = u
                edge_ids[slot] = e
                cursor[v] += 1


cdef inline int64_t _find(int64_t[::1] parent, int64_t x) noexcept nogil:
    # path halving: every visited node points to its grandparent
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def union_find_labels(const int64_t[::1] src, const int64_t[::1] dst,
                      int64_t[::1] parent, int64_t[::1] labels):
    """Weakly connected components. parent is scratch of length n; labels (length n)
    receives dense component numbers, numbered in order of each component's smallest
    node. Returns the number of components."""
    cdef Py_ssize_t n = parent.shape[0]
    cdef Py_ssize_t i, e
    cdef int64_t a, b, count = 0
    with nogil:
        for i in range(n):
            parent[i] = i
        for e in range(src.shape[0]):
            a = _find(parent, src[e])
            b = _find(parent, dst[e])
            if a != b:
                # the smaller root wins, so every root is its component's smallest node
                if a < b:
                    parent[b] = a
                else:
                    parent[a] = b
        for i in range(n):
            a = _find(parent, i)
            if a == i:
                labels[i] = count
                count += 1
            else:
                labels[i] = labels[a]
    return count
