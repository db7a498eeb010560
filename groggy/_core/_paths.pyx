# Path and traversal kernels over CSR adjacency (see groggy.kernels.build_csr). Inputs
# are validated by groggy.kernels: every index is in range, every output has its length.
# Scratch arrays (dist, seen) come in reset and are reset again before returning, so a
# caller can keep one of length n and a query costs what it visits, not O(n).
from libc.math cimport INFINITY
from libc.stdint cimport int64_t, uint8_t


def bfs_path(const int64_t[::1] indptr, const int64_t[::1] indices, int64_t source,
             int64_t target, int64_t[::1] dist, int64_t[::1] pred_node,
             int64_t[::1] pred_slot, int64_t[::1] order):
    """Breadth-first search from source until target is reached. dist must be -1
    everywhere (it is again on return); pred_node[v] and pred_slot[v] receive the node
    and the CSR slot by which v was reached. Returns the hop count to target, or -1 when
    it cannot be reached; the pred arrays are valid along the path only."""
    cdef Py_ssize_t head = 0, tail = 1, k
    cdef int64_t u, v, found = -1
    with nogil:
        dist[source] = 0
        order[0] = source
        if source == target:
            found = 0
        while head < tail and found < 0:
            u = order[head]
            head += 1
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                if dist[v] < 0:
                    dist[v] = dist[u] + 1
                    pred_node[v] = u
                    pred_slot[v] = k
                    order[tail] = v
                    tail += 1
                    if v == target:
                        found = dist[v]
                        break
        for k in range(tail):
            dist[order[k]] = -1
    return found


# the heap helpers take raw pointers: passing memoryviews to a function costs an
# acquisition count update per call, which dominated the whole search
cdef inline void _sift_up(double* key, int64_t* node, Py_ssize_t i) noexcept nogil:
    cdef double k = key[i]
    cdef int64_t x = node[i]
    cdef Py_ssize_t parent
    while i > 0:
        parent = (i - 1) >> 1
        if key[parent] <= k:
            break
        key[i] = key[parent]
        node[i] = node[parent]
        i = parent
    key[i] = k
    node[i] = x


cdef inline void _sift_down(double* key, int64_t* node, Py_ssize_t size) noexcept nogil:
    cdef double k = key[0]
    cdef int64_t x = node[0]
    cdef Py_ssize_t i = 0, child
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and key[child + 1] < key[child]:
            child += 1
        if key[child] >= k:
            break
        key[i] = key[child]
        node[i] = node[child]
        i = child
    key[i] = k
    node[i] = x


def dijkstra(const int64_t[::1] indptr, const int64_t[::1] indices,
             const int64_t[::1] edge_ids, const double[::1] weights, int64_t source,
             int64_t target, double[::1] dist, uint8_t[::1] done, int64_t[::1] pred_node,
             int64_t[::1] pred_slot, int64_t[::1] touched, double[::1] heap_key,
             int64_t[::1] heap_node):
    """Dijkstra from source (weights[e] >= 0 per edge id, checked by the caller) with a
    binary heap and lazy deletion, stopping when target is settled (target < 0: settle
    everything reachable). dist must be +inf and done 0 everywhere; both are reset
    before returning unless target < 0, when dist is left filled (the caller owns it).
    heap arrays need one slot per CSR entry plus one; touched one per node.
    Returns the number of nodes touched, and stores the target's distance in
    heap_key[0] (+inf when unreachable); pred_node[v] and pred_slot[v] are the node and
    the CSR slot that reached v."""
    cdef Py_ssize_t size = 1, k, ntouched = 1, i
    cdef int64_t u, v
    cdef double d, nd, found = INFINITY
    with nogil:
        dist[source] = 0.0
        touched[0] = source
        heap_key[0] = 0.0
        heap_node[0] = source
        while size > 0:
            d = heap_key[0]
            u = heap_node[0]
            size -= 1
            if size > 0:
                heap_key[0] = heap_key[size]
                heap_node[0] = heap_node[size]
                _sift_down(&heap_key[0], &heap_node[0], size)
            if done[u]:
                continue
            done[u] = 1
            if u == target:
                found = d
                break
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                if done[v]:
                    continue
                nd = d + weights[edge_ids[k]]
                if nd < dist[v]:
                    if dist[v] == INFINITY:
                        touched[ntouched] = v
                        ntouched += 1
                    dist[v] = nd
                    pred_node[v] = u
                    pred_slot[v] = k
                    heap_key[size] = nd
                    heap_node[size] = v
                    _sift_up(&heap_key[0], &heap_node[0], size)
                    size += 1
        for i in range(ntouched):
            done[touched[i]] = 0
            if target >= 0:
                dist[touched[i]] = INFINITY
        heap_key[0] = found
    return ntouched


def dfs_fill(const int64_t[::1] indptr, const int64_t[::1] indices, int64_t source,
             int64_t max_depth, uint8_t[::1] seen, int64_t[::1] stack,
             int64_t[::1] cursor, int64_t[::1] order):
    """Depth-first preorder from source, neighbours in CSR order (as networkx's
    dfs_preorder_nodes). A node deeper than max_depth (<0: no limit) is not entered.
    seen must be 0 everywhere (and is again on return); stack and cursor hold a node
    and its next CSR slot per level. Returns the number of visited nodes."""
    cdef Py_ssize_t top = 0, count = 1, k
    cdef int64_t u, v
    with nogil:
        seen[source] = 1
        order[0] = source
        stack[0] = source
        cursor[0] = indptr[source]
        while top >= 0:
            u = stack[top]
            k = cursor[top]
            if k >= indptr[u + 1] or (max_depth >= 0 and top >= max_depth):
                top -= 1
                continue
            cursor[top] = k + 1
            v = indices[k]
            if seen[v]:
                continue
            seen[v] = 1
            order[count] = v
            count += 1
            top += 1
            stack[top] = v
            cursor[top] = indptr[v]
        for k in range(count):
            seen[order[k]] = 0
    return count


def bfs_many(const int64_t[::1] indptr, const int64_t[::1] indices,
             const int64_t[::1] sources, int64_t max_depth, int64_t[::1] dist,
             int64_t[::1] order, bint reset):
    """Breadth-first search from every source at once, up to max_depth hops (<0: no
    limit). dist must be -1 everywhere; it receives the hop counts, and is -1 again on
    return if reset. order receives the reached nodes (the sources first, each once).
    Returns their number."""
    cdef Py_ssize_t head = 0, tail = 0, k, i
    cdef int64_t u, v
    with nogil:
        for i in range(sources.shape[0]):
            u = sources[i]
            if dist[u] < 0:
                dist[u] = 0
                order[tail] = u
                tail += 1
        while head < tail:
            u = order[head]
            head += 1
            if max_depth >= 0 and dist[u] >= max_depth:
                continue
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                if dist[v] < 0:
                    dist[v] = dist[u] + 1
                    order[tail] = v
                    tail += 1
        if reset:
            for k in range(tail):
                dist[order[k]] = -1
    return tail
