# cython: cdivision=True
# Force-directed layout kernels: a quadtree over points, Barnes-Hut repulsion, edge
# attraction and the move step. groggy.viz.force checks sizes and finiteness before any
# kernel runs; outputs are caller-allocated.
from cython.parallel cimport prange, threadid
from libc.math cimport sqrt, pow
from cpython.mem cimport PyMem_Calloc, PyMem_Free
from libc.stdint cimport int64_t, uint8_t

cdef int MAX_DEPTH = 48   # deeper than this, points are one point (duplicates)
cdef int TOP_DEPTH = 3    # a parallel tree build splits the cells of this depth between threads
cdef Py_ssize_t CHUNK = 1024   # cells a thread takes at a time (a multiple of 4)

cdef extern from *:
    """
    static inline Py_ssize_t groggy_fetch_add(Py_ssize_t *p, Py_ssize_t v) {
        return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
    }
    static inline int groggy_load(int *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
    static inline void groggy_store(int *p, int v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
    """
    Py_ssize_t groggy_fetch_add(Py_ssize_t* p, Py_ssize_t v) noexcept nogil
    int groggy_load(int* p) noexcept nogil
    void groggy_store(int* p, int v) noexcept nogil
cdef Py_ssize_t NO_CHILD = -1


def tree_capacity(Py_ssize_t n, Py_ssize_t leaf_size=1):
    """Cells a quadtree over n points with up to leaf_size points a leaf usually needs;
    build_quadtree says when it needs more (points packed very closely), and the caller
    grows the arrays."""
    return 4 * n // max(leaf_size, 1) + 64


cdef struct Cells:         # the caller's cell arrays, and how many cells are in use
    double* cx
    double* cy
    double* cm
    double* half
    double* mx
    double* my
    int64_t* child         # 4 per cell
    double* body           # 3 per point: x, y, mass, in the order being built
    int64_t* order
    Py_ssize_t used        # cells handed out (in chunks, atomically)
    Py_ssize_t cap, leaf_size
    int failed             # the arrays were too small (set atomically)
    int cutoff             # depth at which cells become tasks (-1: none)
    Py_ssize_t ntasks
    int64_t task[64][3]    # cell, first point, end


cdef struct Alloc:         # one thread's chunk of cells: next free, end
    Py_ssize_t next, end


cdef Py_ssize_t _alloc4(Cells* t, Alloc* a) noexcept nogil:
    # four consecutive cells from this thread's chunk (a new chunk when it is used up:
    # a thread's cells only grow, so a cell's children come after it); -1 when full
    if a.next + 4 > a.end:
        a.next = groggy_fetch_add(&t.used, CHUNK)
        a.end = min(a.next + CHUNK, t.cap)
        if a.next + 4 > a.end:
            a.end = a.next
            groggy_store(&t.failed, 1)
            return -1
    a.next += 4
    return a.next - 4


cdef void _fill_gap(Cells* t, Alloc* a) noexcept nogil:
    # cells of a chunk left unused: empty leaves (no cell points to them)
    cdef Py_ssize_t c
    for c in range(a.next, min(a.end, t.cap)):
        t.child[4 * c] = NO_CHILD
        t.child[4 * c + 1] = 0
        t.child[4 * c + 2] = 0
        t.child[4 * c + 3] = NO_CHILD
        t.cm[c] = 0
        t.mx[c] = 0
        t.my[c] = 0
        t.cx[c] = 0
        t.cy[c] = 0
        t.half[c] = 0


def _check_permutation(const int64_t[::1] order):
    cdef Py_ssize_t n = order.shape[0], j
    cdef int64_t i
    cdef bint ok = True
    cdef uint8_t* seen = <uint8_t*>PyMem_Calloc(max(n, 1), 1)
    if seen == NULL:
        raise MemoryError()
    with nogil:
        for j in range(n):
            i = order[j]
            if i < 0 or i >= n or seen[i]:
                ok = False
                break
            seen[i] = 1
    PyMem_Free(seen)
    if not ok:
        raise ValueError("order is not a permutation of the points")


def build_quadtree(const double[:, ::1] pos, const double[::1] mass,
                   double[::1] cx, double[::1] cy, double[::1] cm, double[::1] half,
                   double[::1] mx, double[::1] my, int64_t[:, ::1] child,
                   int64_t[::1] order, double[:, ::1] bodies, Py_ssize_t leaf_size=1,
                   int threads=1):
    """Fill the cell arrays (one row per cell; cell 0 is the root) and return the number
    of cells used, or -1 if the arrays were too small. The tree is built top down, each
    cell's points split into its four quadrants in place (a cell's children are
    numbered after it), until a cell holds at most ``leaf_size`` points (or points at
    one spot, or it is at the depth limit): a leaf. Its points are
    ``order[child[c, 1]:child[c, 2]]`` (child[c, 0] is -1; child[c, 3] too); mx, my, cm
    receive each cell's centre of mass and mass.

    ``order``, a permutation of the points, is where the build starts (the last build's
    order: most splits are done already) and receives the points in the tree's
    depth-first leaf order (nearby points next to each other; a leaf's together);
    ``bodies`` (one row per point) receives their x, y and mass in that order.

    With ``threads`` > 1 the cells below depth 3 are built by the threads (the same tree
    and order; cells numbered differently, with unused cells between them: empty
    leaves)."""
    cdef Py_ssize_t n = pos.shape[0], cap = cx.shape[0], i, j, k
    cdef double minx, maxx, miny, maxy
    cdef Cells t
    cdef Alloc top
    cdef Alloc* alloc
    cdef int64_t swap[3]
    threads = max(1, threads)
    if mass.shape[0] != n or cy.shape[0] != cap or cm.shape[0] != cap or \
            half.shape[0] != cap or mx.shape[0] != cap or my.shape[0] != cap or \
            child.shape[0] != cap or child.shape[1] != 4 or order.shape[0] != n or \
            bodies.shape[0] != n or bodies.shape[1] != 3 or pos.shape[1] != 2:
        raise ValueError("build_quadtree: arrays of mismatched sizes")
    if leaf_size < 1:
        raise ValueError(f"leaf_size must be >= 1, got {leaf_size}")
    _check_permutation(order)       # it indexes pos below
    if n == 0:
        return 0
    if cap < 1:
        return -1
    t.cx = &cx[0]; t.cy = &cy[0]; t.cm = &cm[0]; t.half = &half[0]
    t.mx = &mx[0]; t.my = &my[0]; t.child = &child[0, 0]
    t.body = &bodies[0, 0]; t.order = &order[0]
    t.cap = cap
    t.leaf_size = leaf_size
    t.used = 1             # the root
    t.failed = 0
    t.cutoff = TOP_DEPTH if threads > 1 else -1
    t.ntasks = 0
    top.next = top.end = 0
    alloc = <Alloc*>PyMem_Calloc(threads, sizeof(Alloc))
    if alloc == NULL:
        raise MemoryError()
    for j in prange(n, nogil=True, num_threads=threads, schedule="static"):
        bodies[j, 0] = pos[order[j], 0]
        bodies[j, 1] = pos[order[j], 1]
        bodies[j, 2] = mass[order[j]]
    with nogil:
        minx = maxx = bodies[0, 0]
        miny = maxy = bodies[0, 1]
        for j in range(1, n):
            minx = min(minx, bodies[j, 0]); maxx = max(maxx, bodies[j, 0])
            miny = min(miny, bodies[j, 1]); maxy = max(maxy, bodies[j, 1])
        t.half[0] = max(maxx - minx, maxy - miny) * 0.5 + 1e-9
        t.cx[0] = (minx + maxx) * 0.5
        t.cy[0] = (miny + maxy) * 0.5
        _build(&t, &top, 0, n, 0, 0)
        for j in range(1, t.ntasks):       # the largest tasks first
            k = j
            while k > 0 and t.task[k][2] - t.task[k][1] > t.task[k - 1][2] - t.task[k - 1][1]:
                swap = t.task[k]; t.task[k] = t.task[k - 1]; t.task[k - 1] = swap
                k -= 1
        t.cutoff = -1
    for j in prange(t.ntasks, nogil=True, num_threads=threads, schedule="dynamic",
                    chunksize=1):
        _build(&t, &alloc[threadid()], t.task[j][1], t.task[j][2], t.task[j][0], TOP_DEPTH)
    with nogil:
        if not t.failed:
            _fill_gap(&t, &top)
            for j in range(threads):
                _fill_gap(&t, &alloc[j])
            if threads > 1:                # the cells above the tasks were not summed
                _sum_top(&t, 0, 0)
    PyMem_Free(alloc)
    return -1 if t.failed else min(t.used, cap)


cdef inline Py_ssize_t _split(Cells* t, Py_ssize_t lo, Py_ssize_t hi, double c,
                              int axis) noexcept nogil:
    # points below c (axis 0: x, 1: y) first, in place; returns where those at or above
    # begin
    cdef Py_ssize_t i = lo, j = hi - 1, k
    cdef double* b = t.body
    cdef double tmp
    cdef int64_t o
    while i <= j:
        if not (b[3 * i + axis] >= c):
            i += 1
        elif b[3 * j + axis] >= c:
            j -= 1
        else:
            for k in range(3):
                tmp = b[3 * i + k]; b[3 * i + k] = b[3 * j + k]; b[3 * j + k] = tmp
            o = t.order[i]; t.order[i] = t.order[j]; t.order[j] = o
            i += 1
            j -= 1
    return i


cdef void _build(Cells* t, Alloc* a, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t c,
                 int depth) noexcept nogil:
    # cell c (its cx, cy, half set) over points lo..hi: make it a leaf or split it into
    # quadrants q = (x >= cx) + 2 (y >= cy), then its mass and centre of mass
    cdef Py_ssize_t j, first
    cdef Py_ssize_t cut[5]
    cdef int q
    cdef bint alike = True
    cdef double m, sx, sy, h
    cdef double* b = t.body
    cdef int64_t k
    if depth == t.cutoff:          # left to the threads
        k = t.ntasks
        t.task[k][0] = c
        t.task[k][1] = lo
        t.task[k][2] = hi
        t.ntasks += 1
        return
    if hi - lo > t.leaf_size and depth < MAX_DEPTH:
        for j in range(lo + 1, hi):
            if b[3 * j] != b[3 * lo] or b[3 * j + 1] != b[3 * lo + 1]:
                alike = False
                break
    if alike or hi - lo <= t.leaf_size or depth >= MAX_DEPTH:
        t.child[4 * c] = NO_CHILD
        t.child[4 * c + 1] = lo
        t.child[4 * c + 2] = hi
        t.child[4 * c + 3] = NO_CHILD
        m = 0
        sx = 0
        sy = 0
        for j in range(lo, hi):
            m += b[3 * j + 2]
            sx += b[3 * j + 2] * b[3 * j]
            sy += b[3 * j + 2] * b[3 * j + 1]
        t.cm[c] = m
        t.mx[c] = sx / m if m > 0 else 0
        t.my[c] = sy / m if m > 0 else 0
        if hi - lo == 1:           # exactly its point, whatever the rounding
            t.mx[c] = b[3 * lo]
            t.my[c] = b[3 * lo + 1]
        return
    if groggy_load(&t.failed):
        return
    first = _alloc4(t, a)
    if first < 0:
        return
    h = t.half[c] * 0.5
    for q in range(4):
        t.child[4 * c + q] = first + q
        t.half[first + q] = h
        t.cx[first + q] = t.cx[c] + (h if q & 1 else -h)
        t.cy[first + q] = t.cy[c] + (h if q & 2 else -h)
    cut[0] = lo
    cut[4] = hi
    cut[2] = _split(t, lo, hi, t.cy[c], 1)
    cut[1] = _split(t, lo, cut[2], t.cx[c], 0)
    cut[3] = _split(t, cut[2], hi, t.cx[c], 0)
    for q in range(4):
        _build(t, a, cut[q], cut[q + 1], first + q, depth + 1)
    if t.cutoff >= 0 or groggy_load(&t.failed):
        return                     # summed by _sum_top once the threads are done
    _sum_children(t, c, first)


cdef void _sum_top(Cells* t, Py_ssize_t c, int depth) noexcept nogil:
    # mass and centre of mass of the cells above the threads' (theirs are done)
    cdef int q
    if depth == TOP_DEPTH or t.child[4 * c] == NO_CHILD:
        return
    for q in range(4):
        _sum_top(t, t.child[4 * c + q], depth + 1)
    _sum_children(t, c, t.child[4 * c])


cdef inline void _sum_children(Cells* t, Py_ssize_t c, int64_t first) noexcept nogil:
    # cell c's mass and centre of mass from its four children (cells first..first + 3)
    cdef int q
    cdef int64_t k
    cdef double m = 0, sx = 0, sy = 0
    for q in range(4):
        k = first + q
        m += t.cm[k]
        sx += t.cm[k] * t.mx[k]
        sy += t.cm[k] * t.my[k]
    t.cm[c] = m
    t.mx[c] = sx / m if m > 0 else 0
    t.my[c] = sy / m if m > 0 else 0


cdef inline void _force_on(Py_ssize_t k, const double[:, ::1] bodies, const int64_t[::1] order,
                           const double[::1] cm, const double[::1] mx, const double[::1] my,
                           const double[::1] half, const int64_t[:, ::1] child,
                           double theta2, double strength, double[:, ::1] out) noexcept nogil:
    # iterative depth-first walk for the k-th point of the tree's order; a cell far
    # enough away (size / distance < theta) acts as one body at its centre of mass, a
    # leaf that is not (or holds the point) pushes with each of its points. Coincident
    # points push nothing (no direction).
    cdef int64_t stack[256]
    cdef int top = 1
    cdef int64_t c, j
    cdef int q
    cdef double dx, dy, d2, w, fx = 0, fy = 0
    cdef double x = bodies[k, 0], y = bodies[k, 1], s = strength * bodies[k, 2]
    stack[0] = 0
    while top > 0:
        top -= 1
        c = stack[top]
        if cm[c] <= 0:
            continue
        dx = x - mx[c]
        dy = y - my[c]
        d2 = dx * dx + dy * dy
        # a point's own leaf is always opened (it must not push itself)
        if 4 * half[c] * half[c] < theta2 * d2 and \
                not (child[c, 0] == NO_CHILD and child[c, 1] <= k < child[c, 2]):
            if d2 > 1e-18:
                w = s * cm[c] / d2
                fx += w * dx
                fy += w * dy
        elif child[c, 0] == NO_CHILD:
            for j in range(child[c, 1], child[c, 2]):
                dx = x - bodies[j, 0]
                dy = y - bodies[j, 1]
                d2 = dx * dx + dy * dy
                if d2 > 1e-18:
                    w = s * bodies[j, 2] / d2
                    fx += w * dx
                    fy += w * dy
        else:
            for q in range(4):
                stack[top] = child[c, q]
                top += 1
    out[order[k], 0] += fx
    out[order[k], 1] += fy


def repulsion(const double[:, ::1] bodies, const int64_t[::1] order, const double[::1] cm,
              const double[::1] mx, const double[::1] my, const double[::1] half,
              const int64_t[:, ::1] child, double theta, double strength, int threads,
              double[:, ::1] out):
    """out[i] += the Barnes-Hut repulsion on point i: strength * m_i * m_j / d, away
    from each body j (theta 0 = every pair exactly), over the tree, ``order`` and
    ``bodies`` of build_quadtree (points visited in its order, so that neighbours walk
    the same cells one after another)."""
    cdef Py_ssize_t k, n = out.shape[0]
    cdef double theta2 = theta * theta
    if order.shape[0] != n or bodies.shape[0] != n or bodies.shape[1] != 3:
        raise ValueError("repulsion: arrays of mismatched sizes")
    _check_permutation(order)       # each point's force is written by one thread
    if n == 0:
        return
    for k in prange(n, nogil=True, num_threads=threads, schedule="guided"):
        _force_on(k, bodies, order, cm, mx, my, half, child, theta2, strength, out)


def attraction(const double[:, ::1] pos, const int64_t[::1] indptr, const int64_t[::1] indices,
               const double[::1] weight, double strength, int threads, double[:, ::1] out,
               double power=2):
    """out[v] += strength * w * d^(power - 1) * (p_u - p_v) over v's neighbours u at
    distance d: a spring of rest length 0 pulling with w * d^power. power 2 is
    Fruchterman-Reingold's pull, 1 a linear spring (ForceAtlas2's), 0 a pull of constant
    size (LinLog's; coincident ends pull nothing); other powers in 0..2 go through pow.
    weight is per CSR entry."""
    cdef Py_ssize_t v, k, n = indptr.shape[0] - 1
    cdef double fx, fy, dx, dy, f, d
    if not 0 <= power <= 2:
        raise ValueError(f"power must be in 0..2, got {power}")
    for v in prange(n, nogil=True, num_threads=threads, schedule="guided"):
        fx = 0
        fy = 0
        for k in range(indptr[v], indptr[v + 1]):
            dx = pos[indices[k], 0] - pos[v, 0]
            dy = pos[indices[k], 1] - pos[v, 1]
            if power == 2:
                f = weight[k] * sqrt(dx * dx + dy * dy)
            elif power == 1:
                f = weight[k]
            elif power == 0:    # pow(d, -1) through libm costs ~20x a division
                d = sqrt(dx * dx + dy * dy)
                f = weight[k] / d if d > 1e-12 else 0.0
            else:
                d = sqrt(dx * dx + dy * dy)
                f = weight[k] * pow(d, power - 1) if d > 1e-12 else 0.0
            fx = fx + f * dx
            fy = fy + f * dy
        out[v, 0] += strength * fx
        out[v, 1] += strength * fy


def gravity(const double[:, ::1] pos, const double[::1] mass, double strength,
            double[:, ::1] out):
    """out[i] -= strength * m_i toward the centre of mass (a pull of constant size)."""
    cdef Py_ssize_t i, n = pos.shape[0]
    cdef double total = 0, cx = 0, cy = 0, dx, dy, d
    if n == 0:
        return
    with nogil:
        for i in range(n):
            total += mass[i]
            cx += mass[i] * pos[i, 0]
            cy += mass[i] * pos[i, 1]
        cx /= total
        cy /= total
        for i in range(n):
            dx = pos[i, 0] - cx
            dy = pos[i, 1] - cy
            d = sqrt(dx * dx + dy * dy) + 1e-9
            out[i, 0] -= strength * mass[i] * dx / d
            out[i, 1] -= strength * mass[i] * dy / d


def move(double[:, ::1] pos, const double[:, ::1] force, const double[::1] mass,
         double step, double max_move, double[::1] moved):
    """p += force / mass * step, each move capped at max_move; moved[i] = its length."""
    cdef Py_ssize_t i, n = pos.shape[0]
    cdef double dx, dy, d, scale
    with nogil:
        for i in range(n):
            dx = force[i, 0] / mass[i] * step
            dy = force[i, 1] / mass[i] * step
            d = sqrt(dx * dx + dy * dy)
            scale = max_move / d if d > max_move else 1.0
            pos[i, 0] += dx * scale
            pos[i, 1] += dy * scale
            moved[i] = d * scale


def match_neighbors(const int64_t[::1] indptr, const int64_t[::1] indices,
                    const int64_t[::1] order, const int64_t[::1] degree, int64_t[::1] match,
                    const double[::1] weight=None, const double[::1] mass=None):
    """Greedy matching for coarsening: visiting nodes in ``order``, pair each unmatched
    node with an unmatched neighbour: the one of lowest degree, or, given the CSR
    ``weight`` and node ``mass``, the one with the heaviest edge for its mass
    (w / m_u: heavy-edge matching, which keeps tightly knit groups together), ties to the
    lower degree. match (all -1 on entry) gets each node's partner or stays -1."""
    cdef Py_ssize_t k, i, n = order.shape[0]
    cdef int64_t v, u, best
    cdef bint heavy = weight is not None and mass is not None
    cdef double score, best_score
    with nogil:
        for i in range(n):
            v = order[i]
            if match[v] != -1:
                continue
            best = -1
            best_score = 0
            for k in range(indptr[v], indptr[v + 1]):
                u = indices[k]
                if u == v or match[u] != -1:
                    continue
                score = weight[k] / mass[u] if heavy else 0.0
                if best == -1 or score > best_score or \
                        (score == best_score and degree[u] < degree[best]):
                    best = u
                    best_score = score
            if best != -1:
                match[v] = best
                match[best] = v


def coarse_graph(const int64_t[::1] indptr, const int64_t[::1] indices,
                 const double[::1] weight, const int64_t[::1] cluster, Py_ssize_t nc,
                 int64_t[::1] out_indptr, int64_t[::1] out_indices, double[::1] out_weight,
                 int threads=1):
    """The graph of the clusters (node i in cluster[i], ids 0..nc-1), in linear time: an
    edge between two clusters weighs the sum of the fine edges between them; edges inside
    a cluster vanish. Writes a CSR (out_indptr has nc + 1 entries, the others room for
    every fine entry) and returns its number of entries. With ``threads`` > 1 each thread
    builds a run of clusters holding about as many fine entries (the result is the
    same)."""
    cdef Py_ssize_t n = indptr.shape[0] - 1, nnz_fine = indices.shape[0]
    cdef Py_ssize_t i, c, j, t, lo, hi, dest
    cdef int64_t shift
    cdef int parts = max(1, min(threads, 64))
    cdef int64_t* start
    cdef int64_t* members
    cdef int64_t* fine       # fine entries of the clusters before c (an upper bound)
    cdef int64_t* mark
    cdef int64_t* slot
    cdef Py_ssize_t bound[65]
    cdef int64_t written[64]
    if cluster.shape[0] != n or weight.shape[0] != nnz_fine or \
            out_indptr.shape[0] != nc + 1 or out_indices.shape[0] < nnz_fine or \
            out_weight.shape[0] < nnz_fine or n < 0 or indptr[0] != 0 or \
            indptr[n] != nnz_fine:
        raise ValueError("coarse_graph: arrays of mismatched sizes")
    cdef bint ok = True
    with nogil:
        for i in range(n):
            if not 0 <= cluster[i] < nc or indptr[i] > indptr[i + 1]:
                ok = False
                break
        for j in range(nnz_fine):
            if not 0 <= indices[j] < n:
                ok = False
                break
    if not ok:
        raise ValueError("coarse_graph: a cluster id out of 0..nc-1, a node id out of "
                         "0..n-1, or indptr decreasing")
    start = <int64_t*>PyMem_Calloc(nc + 1, sizeof(int64_t))
    members = <int64_t*>PyMem_Calloc(max(n, 1), sizeof(int64_t))
    fine = <int64_t*>PyMem_Calloc(nc + 1, sizeof(int64_t))
    mark = <int64_t*>PyMem_Calloc(max(nc, 1) * parts, sizeof(int64_t))
    slot = <int64_t*>PyMem_Calloc(max(nc, 1) * parts, sizeof(int64_t))
    if start == NULL or members == NULL or fine == NULL or mark == NULL or slot == NULL:
        PyMem_Free(start); PyMem_Free(members); PyMem_Free(fine)
        PyMem_Free(mark); PyMem_Free(slot)
        raise MemoryError()
    with nogil:
        for i in range(n):                      # counting sort: members of each cluster
            start[cluster[i] + 1] += 1
            fine[cluster[i] + 1] += indptr[i + 1] - indptr[i]
        for c in range(nc):
            start[c + 1] += start[c]
            fine[c + 1] += fine[c]
        for i in range(n):
            members[start[cluster[i]]] = i
            start[cluster[i]] += 1
        for c in range(nc - 1, -1, -1):         # back to the first member of each
            start[c + 1] = start[c]
        start[0] = 0
        for j in range(max(nc, 1) * parts):
            mark[j] = -1
        # runs of clusters with about equal fine entries; run t writes from fine[bound[t]]
        bound[0] = 0
        c = 0
        for t in range(1, parts):
            while c < nc and fine[c] * parts < fine[nc] * t:
                c += 1
            bound[t] = c
        bound[parts] = nc
    for t in prange(parts, nogil=True, num_threads=parts, schedule="static", chunksize=1):
        written[t] = _coarse_run(indptr, indices, weight, cluster, start, members,
                                 mark + t * max(nc, 1), slot + t * max(nc, 1),
                                 bound[t], bound[t + 1], fine[bound[t]],
                                 out_indptr, out_indices, out_weight)
    with nogil:
        dest = written[0]                       # close the gaps between the runs
        for t in range(1, parts):
            lo = fine[bound[t]]
            shift = lo - dest
            if shift:
                for j in range(written[t]):
                    out_indices[dest + j] = out_indices[lo + j]
                    out_weight[dest + j] = out_weight[lo + j]
                for c in range(bound[t], bound[t + 1]):
                    out_indptr[c] -= shift
            dest += written[t]
        out_indptr[nc] = dest
    PyMem_Free(start); PyMem_Free(members); PyMem_Free(fine)
    PyMem_Free(mark); PyMem_Free(slot)
    return dest


cdef int64_t _coarse_run(const int64_t[::1] indptr, const int64_t[::1] indices,
                         const double[::1] weight, const int64_t[::1] cluster,
                         const int64_t* start, const int64_t* members, int64_t* mark,
                         int64_t* slot, Py_ssize_t first, Py_ssize_t last, int64_t at,
                         int64_t[::1] out_indptr, int64_t[::1] out_indices,
                         double[::1] out_weight) noexcept nogil:
    # clusters first..last-1, their entries written from ``at``; returns how many
    cdef Py_ssize_t c, j, i, k
    cdef int64_t u, nnz = at
    for c in range(first, last):
        out_indptr[c] = nnz
        for j in range(start[c], start[c + 1]):
            i = members[j]
            for k in range(indptr[i], indptr[i + 1]):
                u = cluster[indices[k]]
                if u == c:
                    continue
                if mark[u] != c:            # first edge to u from this cluster
                    mark[u] = c
                    slot[u] = nnz
                    out_indices[nnz] = u
                    out_weight[nnz] = weight[k]
                    nnz += 1
                else:
                    out_weight[slot[u]] += weight[k]
    return nnz - at
