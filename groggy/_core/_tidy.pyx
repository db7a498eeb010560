# Tidy tree drawing: Walker's algorithm in the linear-time form of Buchheim, Juenger and
# Leipert ("Improving Walker's algorithm to run in linear time", 2002), without recursion
# so that a path of a million nodes draws as well as a bush. groggy.viz.tidy builds and
# validates the arrays (child lists, parents, sibling numbers, the visiting order); every
# output and scratch array is caller-allocated.
from libc.stdint cimport int64_t


cdef inline int64_t _next_left(int64_t v, const int64_t[::1] child_ptr,
                               const int64_t[::1] child_idx,
                               const int64_t[::1] thread) noexcept nogil:
    # the next node of the left contour: the first child, else the thread
    if child_ptr[v + 1] > child_ptr[v]:
        return child_idx[child_ptr[v]]
    return thread[v]


cdef inline int64_t _next_right(int64_t v, const int64_t[::1] child_ptr,
                                const int64_t[::1] child_idx,
                                const int64_t[::1] thread) noexcept nogil:
    if child_ptr[v + 1] > child_ptr[v]:
        return child_idx[child_ptr[v + 1] - 1]
    return thread[v]


cdef inline void _move_subtree(int64_t wl, int64_t wr, double amount,
                               const int64_t[::1] number, double[::1] prelim,
                               double[::1] mod, double[::1] shift,
                               double[::1] change) noexcept nogil:
    # shift the subtree of wr right; the siblings between wl and wr move by a share of it,
    # spread lazily through change/shift (applied by _execute_shifts)
    cdef double share = amount / (number[wr] - number[wl])
    change[wr] -= share
    shift[wr] += amount
    change[wl] += share
    prelim[wr] += amount
    mod[wr] += amount


cdef inline void _execute_shifts(int64_t v, const int64_t[::1] child_ptr,
                                 const int64_t[::1] child_idx, double[::1] prelim,
                                 double[::1] mod, const double[::1] shift,
                                 const double[::1] change) noexcept nogil:
    cdef double total = 0, rate = 0
    cdef int64_t k, w
    for k in range(child_ptr[v + 1] - 1, child_ptr[v] - 1, -1):
        w = child_idx[k]
        prelim[w] += total
        mod[w] += total
        rate += change[w]
        total += shift[w] + rate


cdef int64_t _apportion(int64_t v, int64_t default_ancestor, double distance,
                        const int64_t[::1] child_ptr, const int64_t[::1] child_idx,
                        const int64_t[::1] parent, const int64_t[::1] number,
                        int64_t[::1] thread, int64_t[::1] ancestor, double[::1] prelim,
                        double[::1] mod, double[::1] shift,
                        double[::1] change) noexcept nogil:
    """Push the subtree of v right until it clears the subtrees of its left siblings at
    every depth they share, walking the facing contours (inner: next to each other,
    outer: the far sides) down together; thread the shorter contour onto the longer one.
    Returns the new default ancestor."""
    cdef int64_t p = parent[v], first, vir, vor, vil, vol, a
    cdef double sir, sor, sil, sol, gap
    if number[v] == 0:
        return default_ancestor
    first = child_ptr[p]
    vir = vor = v
    vil = child_idx[first + number[v] - 1]          # the left sibling
    vol = child_idx[first]                          # the leftmost sibling
    sir, sor, sil, sol = mod[vir], mod[vor], mod[vil], mod[vol]
    while True:
        if _next_right(vil, child_ptr, child_idx, thread) < 0 or \
                _next_left(vir, child_ptr, child_idx, thread) < 0:
            break
        vil = _next_right(vil, child_ptr, child_idx, thread)
        vir = _next_left(vir, child_ptr, child_idx, thread)
        vol = _next_left(vol, child_ptr, child_idx, thread)
        vor = _next_right(vor, child_ptr, child_idx, thread)
        ancestor[vor] = v
        gap = (prelim[vil] + sil) - (prelim[vir] + sir) + distance
        if gap > 0:
            # the greatest uncommon ancestor of vil and v: vil's ancestor if it is a
            # sibling of v, else the default
            a = ancestor[vil] if parent[ancestor[vil]] == p else default_ancestor
            _move_subtree(a, v, gap, number, prelim, mod, shift, change)
            sir += gap
            sor += gap
        sil += mod[vil]
        sir += mod[vir]
        sol += mod[vol]
        sor += mod[vor]
    if _next_right(vil, child_ptr, child_idx, thread) >= 0 and \
            _next_right(vor, child_ptr, child_idx, thread) < 0:
        thread[vor] = _next_right(vil, child_ptr, child_idx, thread)
        mod[vor] += sil - sor
    if _next_left(vir, child_ptr, child_idx, thread) >= 0 and \
            _next_left(vol, child_ptr, child_idx, thread) < 0:
        thread[vol] = _next_left(vir, child_ptr, child_idx, thread)
        mod[vol] += sir - sol
        default_ancestor = v
    return default_ancestor


def tidy_x(const int64_t[::1] child_ptr, const int64_t[::1] child_idx,
           const int64_t[::1] parent, const int64_t[::1] number,
           const int64_t[::1] order, double distance, double[::1] x,
           int64_t[::1] thread, int64_t[::1] ancestor, int64_t[::1] default_ancestor,
           double[::1] prelim, double[::1] mod, double[::1] shift, double[::1] change):
    """x of every node of a forest drawn tidily, each tree with its root's subtree
    starting near 0 (the caller puts the trees side by side).

    child_ptr/child_idx list each node's children left to right; parent is -1 at a
    root; number[v] is v's index among its siblings (0 at a root). order visits every
    node after all nodes deeper than it, siblings left to right (the bottom-up first
    walk); reversed, it visits parents before children (the second walk). Scratch arrays
    have one entry per node; distance (> 0) is the least gap between two nodes of a
    layer."""
    cdef Py_ssize_t n = parent.shape[0], i, k
    cdef int64_t v, p, w, left
    cdef double mid
    with nogil:
        for v in range(n):
            thread[v] = -1
            ancestor[v] = v
            prelim[v] = mod[v] = shift[v] = change[v] = 0
            default_ancestor[v] = child_idx[child_ptr[v]] if child_ptr[v + 1] > child_ptr[v] \
                else -1
        # first walk, bottom up: a preliminary x relative to the parent, and mod, the
        # amount every descendant moves with v
        for i in range(n):
            v = order[i]
            p = parent[v]
            left = child_idx[child_ptr[p] + number[v] - 1] if number[v] > 0 else -1
            if child_ptr[v + 1] > child_ptr[v]:
                _execute_shifts(v, child_ptr, child_idx, prelim, mod, shift, change)
                mid = (prelim[child_idx[child_ptr[v]]] +
                       prelim[child_idx[child_ptr[v + 1] - 1]]) / 2
                if left >= 0:
                    prelim[v] = prelim[left] + distance
                    mod[v] = prelim[v] - mid
                else:
                    prelim[v] = mid
            elif left >= 0:
                prelim[v] = prelim[left] + distance
            if p >= 0:
                default_ancestor[p] = _apportion(v, default_ancestor[p], distance,
                                                 child_ptr, child_idx, parent, number,
                                                 thread, ancestor, prelim, mod, shift,
                                                 change)
        # second walk, top down: x = prelim + the mods of every proper ancestor (kept in
        # shift, no longer needed)
        for i in range(n - 1, -1, -1):
            v = order[i]
            p = parent[v]
            shift[v] = 0 if p < 0 else shift[p] + mod[p]
            x[v] = prelim[v] + shift[v]
