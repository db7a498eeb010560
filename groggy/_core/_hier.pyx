# Hierarchical (layered) layout kernels: a greedy feedback-arc-set order, longest-path
# layering, barycenter crossing reduction and x placement. groggy.viz.hierarchical
# validates every array (CSR bounds, lengths, scratch sizes) before a kernel runs; the
# outputs and the scratch arrays are caller-allocated.
from libc.stdint cimport int64_t, uint8_t
from libc.stdlib cimport qsort


# ------------------------------------------------------------ Eades-Lin-Smyth order

cdef inline void _unlink(int64_t v, int64_t[::1] nxt, int64_t[::1] prv, int64_t[::1] head,
                         int64_t[::1] bucket) noexcept nogil:
    cdef int64_t b = bucket[v]
    if prv[v] >= 0:
        nxt[prv[v]] = nxt[v]
    else:
        head[b] = nxt[v]
    if nxt[v] >= 0:
        prv[nxt[v]] = prv[v]
    bucket[v] = -1


cdef inline int64_t _link(int64_t v, int64_t[::1] outdeg, int64_t[::1] indeg, int64_t span,
                          int64_t[::1] nxt, int64_t[::1] prv, int64_t[::1] head,
                          int64_t[::1] bucket) noexcept nogil:
    # bucket 0: sinks, 1: sources, 2 + span + (out - in): everything else
    cdef int64_t b
    if outdeg[v] == 0:
        b = 0
    elif indeg[v] == 0:
        b = 1
    else:
        b = 2 + span + outdeg[v] - indeg[v]
    bucket[v] = b
    prv[v] = -1
    nxt[v] = head[b]
    if head[b] >= 0:
        prv[head[b]] = v
    head[b] = v
    return b


cdef inline int64_t _drop_edges(int64_t first, int64_t last, const int64_t[::1] idx,
                                int64_t[::1] degree, int64_t top, int64_t[::1] outdeg,
                                int64_t[::1] indeg, int64_t span, int64_t[::1] nxt,
                                int64_t[::1] prv, int64_t[::1] head,
                                int64_t[::1] bucket) noexcept nogil:
    """The edges idx[first:last] of a removed node: each neighbour still bucketed loses
    one from ``degree`` (its indeg or its outdeg) and moves bucket. Returns the highest
    bucket now in use, at least ``top``."""
    cdef int64_t k, w, b
    for k in range(first, last):
        w = idx[k]
        if bucket[w] >= 0:
            _unlink(w, nxt, prv, head, bucket)
            degree[w] -= 1
            b = _link(w, outdeg, indeg, span, nxt, prv, head, bucket)
            if b > top:
                top = b
    return top


def greedy_order(const int64_t[::1] out_ptr, const int64_t[::1] out_idx,
                 const int64_t[::1] in_ptr, const int64_t[::1] in_idx,
                 int64_t span, int64_t[::1] outdeg, int64_t[::1] indeg,
                 int64_t[::1] nxt, int64_t[::1] prv, int64_t[::1] head,
                 int64_t[::1] bucket, int64_t[::1] order):
    """Eades-Lin-Smyth: repeatedly take sinks (to the back), sources (to the front), else
    the node with the largest out - in degree (to the front). Edges that go backwards in
    ``order`` form a feedback arc set; a DAG gets a topological order.

    outdeg/indeg hold each node's degrees (no self-loops); span is their largest sum;
    head has 2 * span + 3 entries; nxt, prv, bucket are scratch of length n."""
    cdef Py_ssize_t n = outdeg.shape[0], k
    cdef int64_t v, top = 2 * span + 2, left = 0, right = n - 1
    with nogil:
        for k in range(head.shape[0]):
            head[k] = -1
        for v in range(n):
            _link(v, outdeg, indeg, span, nxt, prv, head, bucket)
        for k in range(n):
            if head[0] >= 0:
                v = head[0]
                order[right] = v
                right -= 1
            elif head[1] >= 0:
                v = head[1]
                order[left] = v
                left += 1
            else:
                while head[top] < 0:
                    top -= 1
                v = head[top]
                order[left] = v
                left += 1
            _unlink(v, nxt, prv, head, bucket)
            # removing v changes the degrees of its remaining neighbours
            top = _drop_edges(out_ptr[v], out_ptr[v + 1], out_idx, indeg, top, outdeg,
                              indeg, span, nxt, prv, head, bucket)
            top = _drop_edges(in_ptr[v], in_ptr[v + 1], in_idx, outdeg, top, outdeg,
                              indeg, span, nxt, prv, head, bucket)


def longest_path_layers(const int64_t[::1] order, const int64_t[::1] out_ptr,
                        const int64_t[::1] out_idx, int64_t[::1] layer):
    """layer (zeros on entry) becomes each node's longest path from a source. order is a
    topological order of the edges in out_ptr/out_idx."""
    cdef Py_ssize_t i, k
    cdef int64_t u, v
    with nogil:
        for i in range(order.shape[0]):
            u = order[i]
            for k in range(out_ptr[u], out_ptr[u + 1]):
                v = out_idx[k]
                if layer[v] < layer[u] + 1:
                    layer[v] = layer[u] + 1


# ------------------------------------------------------------ crossing reduction

cdef enum:
    _TRANSPOSE_PASSES = 4     # adjacent-swap passes after each down+up sweep
    _TRANSPOSE_DEGREE = 64    # nodes with more edges on a side are not swapped

cdef int _cmp_pair(const void *a, const void *b) noexcept nogil:
    # (key, old position) pairs; old positions are distinct, so the order is total
    cdef const double *x = <const double *> a
    cdef const double *y = <const double *> b
    if x[0] < y[0]:
        return -1
    if x[0] > y[0]:
        return 1
    if x[1] < y[1]:
        return -1
    return 1 if x[1] > y[1] else 0


ctypedef fused slot_or_x:
    int64_t
    double


cdef inline double _neighbour_mean(int64_t v, const int64_t[::1] ptr,
                                   const int64_t[::1] idx,
                                   slot_or_x[::1] values) noexcept nogil:
    """Mean of ``values`` over v's neighbours in ptr/idx (v has at least one)."""
    cdef double total = 0
    cdef int64_t k
    for k in range(ptr[v], ptr[v + 1]):
        total += values[idx[k]]
    return total / (ptr[v + 1] - ptr[v])


cdef bint _sort_group(Py_ssize_t start, Py_ssize_t stop, int64_t[::1] nodes,
                      int64_t[::1] pos, const int64_t[::1] ptr, const int64_t[::1] idx,
                      double[::1] pairs) noexcept nogil:
    """Reorder one group by the barycenter of each node's neighbours in ptr/idx. A node
    without such neighbours keeps its slot; the others are sorted into the free slots
    (mixing slot numbers with barycenters, which live on another layer, would scatter
    a parent's leaf children among its siblings). Returns whether the order changed."""
    cdef Py_ssize_t i, k, size = stop - start, moving = 0
    cdef bint changed = False
    cdef int64_t v
    for i in range(size):
        v = nodes[start + i]
        if ptr[v + 1] > ptr[v]:
            pairs[2 * moving] = _neighbour_mean(v, ptr, idx, pos)
            pairs[2 * moving + 1] = i
            moving += 1
    if moving < 2:
        return False
    qsort(&pairs[0], moving, 2 * sizeof(double), _cmp_pair)
    # collect the sorted nodes in the key slots before overwriting the group
    for i in range(moving):
        pairs[2 * i] = nodes[start + <Py_ssize_t> pairs[2 * i + 1]]
    k = 0
    for i in range(size):
        v = nodes[start + i]
        if ptr[v + 1] > ptr[v]:
            v = <int64_t> pairs[2 * k]
            k += 1
            changed = changed or nodes[start + i] != v
            nodes[start + i] = v
            pos[v] = i
    return changed


cdef int64_t _crossings(Py_ssize_t start, Py_ssize_t stop, Py_ssize_t below,
                        const int64_t[::1] nodes, const int64_t[::1] pos,
                        const int64_t[::1] ptr, const int64_t[::1] idx,
                        int64_t[::1] tree) noexcept nogil:
    """Crossings between one group and the next (``below`` nodes): edges taken in the
    order of their upper ends, count earlier edges whose lower end lies further right
    (a Fenwick tree over lower positions). Edges of one upper node never cross, so a
    node's edges are all counted before any of them is inserted."""
    cdef Py_ssize_t i, k, j
    cdef int64_t v, count = 0, seen = 0, left
    for j in range(below + 1):
        tree[j] = 0
    for i in range(start, stop):
        v = nodes[i]
        for k in range(ptr[v], ptr[v + 1]):
            left = 0                               # inserted ends at positions <= this one
            j = pos[idx[k]] + 1
            while j > 0:
                left += tree[j]
                j -= j & -j
            count += seen - left
        for k in range(ptr[v], ptr[v + 1]):
            j = pos[idx[k]] + 1
            while j <= below:
                tree[j] += 1
                j += j & -j
            seen += 1
    return count


cdef int64_t _all_crossings(const int64_t[::1] group_ptr, const int64_t[::1] nodes,
                            const int64_t[::1] pos, const int64_t[::1] down_ptr,
                            const int64_t[::1] down_idx, int64_t[::1] tree) noexcept nogil:
    cdef Py_ssize_t g, groups = group_ptr.shape[0] - 1
    cdef int64_t total = 0
    for g in range(groups - 1):
        # a group whose nodes have lower neighbours is followed by the group holding them
        total += _crossings(group_ptr[g], group_ptr[g + 1], group_ptr[g + 2] - group_ptr[g + 1],
                            nodes, pos, down_ptr, down_idx, tree)
    return total


cdef inline int64_t _pair_crossings(int64_t u, int64_t v, const int64_t[::1] pos,
                                    const int64_t[::1] ptr,
                                    const int64_t[::1] idx) noexcept nogil:
    """Crossings between the edges of u and those of v (in ptr/idx) when u stands left
    of v: pairs of ends with u's end strictly right of v's."""
    cdef int64_t a, b, count = 0
    for a in range(ptr[u], ptr[u + 1]):
        for b in range(ptr[v], ptr[v + 1]):
            if pos[idx[a]] > pos[idx[b]]:
                count += 1
    return count


cdef bint _transpose(const int64_t[::1] group_ptr, int64_t[::1] nodes, int64_t[::1] pos,
                     const int64_t[::1] up_ptr, const int64_t[::1] up_idx,
                     const int64_t[::1] down_ptr, const int64_t[::1] down_idx,
                     int64_t max_degree) noexcept nogil:
    """One pass of adjacent swaps (Gansner et al.'s transpose): swap two neighbours of a
    group when that removes crossings between their own edges, the only ones a swap
    changes. Nodes with more than max_degree edges on a side are left alone (the count
    is quadratic in degree). Returns whether anything moved."""
    cdef Py_ssize_t g, i, groups = group_ptr.shape[0] - 1
    cdef int64_t u, v, here, there
    cdef bint moved = False
    for g in range(groups):
        for i in range(group_ptr[g], group_ptr[g + 1] - 1):
            u = nodes[i]
            v = nodes[i + 1]
            if up_ptr[u + 1] - up_ptr[u] > max_degree or up_ptr[v + 1] - up_ptr[v] > max_degree \
                    or down_ptr[u + 1] - down_ptr[u] > max_degree \
                    or down_ptr[v + 1] - down_ptr[v] > max_degree:
                continue
            here = _pair_crossings(u, v, pos, up_ptr, up_idx) + \
                _pair_crossings(u, v, pos, down_ptr, down_idx)
            there = _pair_crossings(v, u, pos, up_ptr, up_idx) + \
                _pair_crossings(v, u, pos, down_ptr, down_idx)
            if there < here:
                nodes[i] = v
                nodes[i + 1] = u
                pos[v] -= 1
                pos[u] += 1
                moved = True
    return moved


def barycenter_sweeps(const int64_t[::1] group_ptr, int64_t[::1] nodes, int64_t[::1] pos,
                      const int64_t[::1] up_ptr, const int64_t[::1] up_idx,
                      const int64_t[::1] down_ptr, const int64_t[::1] down_idx,
                      Py_ssize_t sweeps, double[::1] pairs, int64_t[::1] tree,
                      int64_t[::1] best):
    """``sweeps`` rounds of a down sweep (each group ordered by its upper neighbours)
    then an up sweep (by lower neighbours) then passes of adjacent swaps that remove
    crossings (transpose); the ordering with the fewest crossings seen is kept. A round that changes nothing ends the sweeps early (the next would repeat
    it). Groups are numbered so that a node's upper neighbours are in the group just
    before its own and its lower ones in the group just after. nodes lists every group's
    nodes in order; pos[v] is v's index within its group. Scratch: pairs holds 2 *
    (largest group) doubles, tree (largest group) + 1 ints, best one int per node.
    Returns the number of crossings of the result."""
    cdef Py_ssize_t groups = group_ptr.shape[0] - 1, total = nodes.shape[0], s, g, i, k
    cdef int64_t fewest, now
    cdef bint changed
    with nogil:
        fewest = _all_crossings(group_ptr, nodes, pos, down_ptr, down_idx, tree)
        for i in range(total):
            best[i] = nodes[i]
        for s in range(sweeps):
            if fewest == 0:
                break
            changed = False
            for g in range(1, groups):
                if _sort_group(group_ptr[g], group_ptr[g + 1], nodes, pos, up_ptr, up_idx,
                               pairs):
                    changed = True
            now = _all_crossings(group_ptr, nodes, pos, down_ptr, down_idx, tree)
            if now < fewest:
                fewest = now
                for i in range(total):
                    best[i] = nodes[i]
            for g in range(groups - 2, -1, -1):
                if _sort_group(group_ptr[g], group_ptr[g + 1], nodes, pos, down_ptr, down_idx,
                               pairs):
                    changed = True
            for k in range(_TRANSPOSE_PASSES):
                if not _transpose(group_ptr, nodes, pos, up_ptr, up_idx, down_ptr, down_idx,
                                  _TRANSPOSE_DEGREE):
                    break
                changed = True
            if not changed:
                break
            now = _all_crossings(group_ptr, nodes, pos, down_ptr, down_idx, tree)
            if now < fewest:
                fewest = now
                for i in range(total):
                    best[i] = nodes[i]
        for g in range(groups):
            for i in range(group_ptr[g], group_ptr[g + 1]):
                nodes[i] = best[i]
                pos[best[i]] = i - group_ptr[g]
    return fewest


# ------------------------------------------------------------ x placement (Brandes-Koepf)
#
# Brandes and Koepf, "Fast and Simple Horizontal Coordinate Assignment" (2001): each of
# four passes aligns every node with a median neighbour on the layer before it (a block
# is a vertical run of aligned nodes) and packs the blocks as close as their order
# allows; groggy.viz.coordinates runs the passes on mirrored inputs (layers bottom-up,
# each layer right to left) and balances the four results.

def mark_conflicts(const int64_t[::1] group_ptr, const int64_t[::1] nodes,
                   const int64_t[::1] pos, const int64_t[::1] up_ptr,
                   const int64_t[::1] up_idx, int64_t n_real, uint8_t[::1] marked):
    """Type 1 conflicts: marked[k] = 1 for each slot k of up_idx whose segment (upper
    neighbour, node) is not inner (not dummy to dummy) and crosses an inner segment, so
    that no alignment lets it bend a long edge. One scan per layer: between two inner
    segments of the lower layer, a segment must end on the upper layer between theirs.
    marked is zeros on entry."""
    cdef Py_ssize_t g, groups = group_ptr.shape[0] - 1, l, l1, size, start
    cdef int64_t v, w, u, k, k0, k1, inner, upper_size
    with nogil:
        for g in range(1, groups):
            start = group_ptr[g]
            size = group_ptr[g + 1] - start
            upper_size = group_ptr[g] - group_ptr[g - 1]
            k0 = 0
            l = 0
            for l1 in range(size):
                v = nodes[start + l1]
                inner = -1
                if v >= n_real:
                    for k in range(up_ptr[v], up_ptr[v + 1]):
                        if up_idx[k] >= n_real:
                            inner = up_idx[k]
                if l1 != size - 1 and inner < 0:
                    continue
                k1 = pos[inner] if inner >= 0 else upper_size - 1
                while l <= l1:
                    w = nodes[start + l]
                    for k in range(up_ptr[w], up_ptr[w + 1]):
                        u = up_idx[k]
                        if (pos[u] < k0 or pos[u] > k1) and not (w >= n_real and u >= n_real):
                            marked[k] = 1
                    l += 1
                k0 = k1


def align_blocks(const int64_t[::1] group_ptr, const int64_t[::1] nodes,
                 const int64_t[::1] pos, bint backwards, const int64_t[::1] ptr,
                 const int64_t[::1] idx, const uint8_t[::1] marked, int64_t[::1] root,
                 int64_t[::1] align):
    """Vertical alignment: groups taken in order (or ``backwards``), each group's nodes
    left to right as ``nodes`` lists them; a node joins the block of its lower median
    neighbour in ptr/idx (its neighbours on the previous group, sorted by ``pos``), else
    of its upper median, unless that segment is marked or crosses one aligned before.
    root[v] is the top of v's block; align[v] the next node down it (cyclically: the
    last points back to the root)."""
    cdef Py_ssize_t gi, g, i, groups = group_ptr.shape[0] - 1, total = root.shape[0]
    cdef int64_t v, u, k, d, m, r
    with nogil:
        for v in range(total):
            root[v] = v
            align[v] = v
        for gi in range(groups):
            g = groups - 1 - gi if backwards else gi
            r = -1
            for i in range(group_ptr[g], group_ptr[g + 1]):
                v = nodes[i]
                d = ptr[v + 1] - ptr[v]
                for m in range((d - 1) // 2, d // 2 + 1):
                    if d == 0 or align[v] != v:
                        break
                    k = ptr[v] + m
                    u = idx[k]
                    if not marked[k] and r < pos[u]:
                        align[u] = v
                        root[v] = root[u]
                        align[v] = root[v]
                        r = pos[u]


def compact_blocks(const int64_t[::1] root, const int64_t[::1] align,
                   const int64_t[::1] left, const int64_t[::1] right, double spacing,
                   bint classes, double[::1] x, int64_t[::1] sink, double[::1] shift,
                   int64_t[::1] count, int64_t[::1] queue, int64_t[::1] edge_ptr,
                   int64_t[::1] edge_from, double[::1] edge_gap):
    """Horizontal compaction: x of every node, each block as far left as the blocks left
    of it (left[v] / right[v]: v's neighbours on its layer, -1 at the ends) allow,
    ``spacing`` apart. With ``classes``, as Brandes and Koepf pack them: a block joins
    the class of the first block left of it (top down), is packed within its class, and
    each class then moves as far right as the classes right of it allow (the shifts
    taken in order of that class graph, as their erratum of 2020 requires); without,
    every block is packed from one left edge. Returns False, leaving x unfinished, if
    the class graph has a cycle. Scratch: count, queue, edge_from, edge_gap (one per
    node), edge_ptr (one more); shift one per node."""
    cdef Py_ssize_t total = root.shape[0], head = 0, tail = 0, done = 0, wanted = 0
    cdef int64_t v, w, u, b, c, k
    cdef double gap
    cdef bint ok = True
    with nogil:
        # blocks in an order where every block comes after the blocks left of it
        for v in range(total):
            count[v] = 0
        for v in range(total):
            if left[v] >= 0:
                count[root[v]] += 1
        for v in range(total):
            if root[v] == v and count[v] == 0:
                queue[tail] = v
                tail += 1
        while head < tail:
            b = queue[head]
            head += 1
            sink[b] = b
            x[b] = 0.0
            w = b
            while True:
                if left[w] >= 0:
                    u = root[left[w]]
                    if sink[b] == b and classes:
                        sink[b] = sink[u]
                    if sink[b] == sink[u] or not classes:
                        x[b] = max(x[b], x[u] + spacing)
                if right[w] >= 0:
                    c = root[right[w]]
                    count[c] -= 1
                    if count[c] == 0:
                        queue[tail] = c
                        tail += 1
                w = align[w]
                if w == b:
                    break
        if classes:
            # class edges right -> left, grouped by the right class (a counting sort)
            for v in range(total + 1):
                edge_ptr[v] = 0
            for v in range(total):
                count[v] = 0                 # now: classes right of v's class, unshifted
                shift[v] = 1e300
            for w in range(total):
                if left[w] >= 0 and sink[root[left[w]]] != sink[root[w]]:
                    edge_ptr[sink[root[w]] + 1] += 1
                    count[sink[root[left[w]]]] += 1
            for v in range(total):
                edge_ptr[v + 1] += edge_ptr[v]
                queue[v] = edge_ptr[v]       # fill cursor
            for w in range(total):
                if left[w] >= 0 and sink[root[left[w]]] != sink[root[w]]:
                    c = sink[root[w]]
                    edge_from[queue[c]] = left[w]
                    edge_gap[queue[c]] = x[root[w]] - x[root[left[w]]] - spacing
                    queue[c] += 1
            head = 0
            tail = 0
            for v in range(total):
                if root[v] == v and sink[v] == v:
                    wanted += 1
                    if count[v] == 0:
                        shift[v] = 0.0
                        queue[tail] = v
                        tail += 1
            while head < tail:
                c = queue[head]
                head += 1
                done += 1
                for k in range(edge_ptr[c], edge_ptr[c + 1]):
                    u = sink[root[edge_from[k]]]
                    gap = shift[c] + edge_gap[k]
                    if gap < shift[u]:
                        shift[u] = gap
                    count[u] -= 1
                    if count[u] == 0:
                        queue[tail] = u
                        tail += 1
            ok = done == wanted
        # members first: a root's own x changes last
        for v in range(total):
            if root[v] != v:
                x[v] = x[root[v]] + (shift[sink[root[v]]] if classes else 0.0)
        for v in range(total):
            if root[v] == v and classes:
                x[v] += shift[sink[v]]
    return ok


# ------------------------------------------------------------ x placement (least squares)
#
# The narrow alternative to Brandes-Koepf: groggy.viz.coordinates keeps whichever of the
# two is narrower for each component.

cdef inline double _omega(int64_t v, int64_t u, int64_t n_real) noexcept nogil:
    # how hard an edge pulls its ends into line (Gansner et al.): 1 between two nodes,
    # 2 from a node to a dummy, 8 between dummies, so long edges run straight
    if v < n_real and u < n_real:
        return 1.0
    if v < n_real or u < n_real:
        return 2.0
    return 8.0


cdef void _place_group(Py_ssize_t start, Py_ssize_t stop, const int64_t[::1] nodes,
                       const int64_t[::1] ptr, const int64_t[::1] idx, double spacing,
                       int64_t n_real, double[::1] x, double[::1] bsum, double[::1] bweight,
                       int64_t[::1] bcount) noexcept nogil:
    """Move one group's nodes as close as they can get (weighted least squares) to the
    weighted mean x of their neighbours in ptr/idx, keeping their order and ``spacing``
    apart. With y_i = x_i - i * spacing the constraint is y non-decreasing: weighted
    isotonic regression, solved exactly by pooling adjacent violators. A node's weight
    is the total pull of its edges (1 for a node without neighbours there)."""
    cdef Py_ssize_t i, k, size = stop - start, top = -1, j = 0
    cdef int64_t v, u
    cdef double total, w, pull, mean
    for i in range(size):
        v = nodes[start + i]
        total = 0
        pull = 0
        for k in range(ptr[v], ptr[v + 1]):
            u = idx[k]
            w = _omega(v, u, n_real)
            total += w * x[u]
            pull += w
        if pull > 0:
            mean = total / pull
        else:
            mean = x[v]
            pull = 1.0
        top += 1
        bsum[top] = (mean - i * spacing) * pull
        bweight[top] = pull
        bcount[top] = 1
        # pool while the block before has a larger mean than this one
        while top > 0 and bsum[top - 1] * bweight[top] > bsum[top] * bweight[top - 1]:
            bsum[top - 1] += bsum[top]
            bweight[top - 1] += bweight[top]
            bcount[top - 1] += bcount[top]
            top -= 1
    for k in range(top + 1):
        mean = bsum[k] / bweight[k]
        for i in range(bcount[k]):
            x[nodes[start + j]] = mean + j * spacing
            j += 1


def place_x(const int64_t[::1] group_ptr, const int64_t[::1] nodes,
            const int64_t[::1] up_ptr, const int64_t[::1] up_idx,
            const int64_t[::1] down_ptr, const int64_t[::1] down_idx,
            Py_ssize_t rounds, double spacing, int64_t n_real, double[::1] x,
            double[::1] bsum, double[::1] bweight, int64_t[::1] bcount):
    """``rounds`` of a down pass (each group centred under its upper neighbours) then an
    up pass (over its lower neighbours). Nodes numbered from n_real on are dummies. x
    holds a start placement and receives the result; bsum, bweight and bcount are
    scratch of the largest group's size."""
    cdef Py_ssize_t groups = group_ptr.shape[0] - 1, r, g
    with nogil:
        for r in range(rounds):
            for g in range(groups):
                _place_group(group_ptr[g], group_ptr[g + 1], nodes, up_ptr, up_idx, spacing,
                             n_real, x, bsum, bweight, bcount)
            for g in range(groups - 1, -1, -1):
                _place_group(group_ptr[g], group_ptr[g + 1], nodes, down_ptr, down_idx,
                             spacing, n_real, x, bsum, bweight, bcount)


cdef inline void _line_up(Py_ssize_t first, Py_ssize_t stop, double total, double lo,
                          double hi, double[::1] x) noexcept nogil:
    """Dummies first..stop-1 onto x = their mean, clamped to [lo, hi]."""
    cdef Py_ssize_t d
    cdef double at = min(max(total / (stop - first), lo), hi)
    for d in range(first, stop):
        x[d] = at


def straighten_chains(const int64_t[::1] chain_ptr, const int64_t[::1] left,
                      const int64_t[::1] right, double spacing, double lo_bound,
                      double hi_bound, double[::1] x):
    """Put the dummies of each long edge (chain c: nodes chain_ptr[c] to
    chain_ptr[c + 1] - 1, top down) on vertical lines where their layers leave room:
    the chain is cut, top down, into the longest runs whose dummies can share one x
    while each stays ``spacing`` from its neighbours on its layer (left[v] / right[v],
    -1 at the ends) and inside [lo_bound, hi_bound]; each run goes to the x nearest its
    mean. Returns the number of runs of two or more dummies."""
    cdef Py_ssize_t c, chains = chain_ptr.shape[0] - 1, d, first
    cdef int64_t runs = 0
    cdef double lo, hi, total, a, b
    with nogil:
        for c in range(chains):
            first = chain_ptr[c]
            lo, hi, total = lo_bound, hi_bound, 0.0
            for d in range(chain_ptr[c], chain_ptr[c + 1]):
                a = x[left[d]] + spacing if left[d] >= 0 else lo_bound
                b = x[right[d]] - spacing if right[d] >= 0 else hi_bound
                if max(lo, a) > min(hi, b):          # d cannot join the run: close it
                    if d - first > 1:
                        _line_up(first, d, total, lo, hi, x)
                        runs += 1
                    first, lo, hi, total = d, lo_bound, hi_bound, 0.0
                lo, hi, total = max(lo, a), min(hi, b), total + x[d]
            if chain_ptr[c + 1] - first > 1:
                _line_up(first, chain_ptr[c + 1], total, lo, hi, x)
                runs += 1
    return runs
