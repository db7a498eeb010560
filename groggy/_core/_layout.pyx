# cython: cdivision=True
# Force-directed layout kernels: a quadtree over points, Barnes-Hut repulsion, edge
# attraction and the move step. groggy.viz.force checks sizes and finiteness before any
# kernel runs; outputs are caller-allocated.
from cython.parallel cimport prange
from libc.math cimport sqrt, pow
from cpython.mem cimport PyMem_Calloc, PyMem_Malloc, PyMem_Free
from libc.stdint cimport int64_t, uint8_t

cdef int MAX_DEPTH = 48   # deeper than this, points are one point (duplicates)
cdef Py_ssize_t NO_CHILD = -1


def tree_capacity(Py_ssize_t n):
    """Cells a quadtree over n points usually needs; build_quadtree says when it needs
    more (points packed very closely), and the caller grows the arrays."""
    return 4 * n + 64


cdef struct Body:          # a point as the tree build moves it: position, mass, id
    double x, y, m
    int64_t id


cdef struct Cells:         # the caller's cell arrays, and how many cells are in use
    double* cx
    double* cy
    double* cm
    double* half
    double* mx
    double* my
    int64_t* child         # 4 per cell
    int64_t* point
    Py_ssize_t used, cap


def build_quadtree(const double[:, ::1] pos, const double[::1] mass,
                   double[::1] cx, double[::1] cy, double[::1] cm, double[::1] half,
                   double[::1] mx, double[::1] my, int64_t[:, ::1] child, int64_t[::1] point,
                   int64_t[::1] order=None):
    """Fill the cell arrays (one row per cell; cell 0 is the root) and return the number
    of cells used, or -1 if the arrays were too small. A cell is a leaf when child[c, 0]
    is -1; point[c] is one of its points (points closer than the depth limit share a
    leaf), or -1 if it is empty or internal. mx, my, cm receive each cell's centre of
    mass and mass. The tree is built top down, each cell's points split into its four
    quadrants in place (a cell's children are numbered after it). ``order``, if given,
    is a permutation of the points to start from and receives the points in the tree's
    depth-first leaf order (nearby points next to each other; points sharing a leaf
    together): starting from the last build's order, most splits are done already."""
    cdef Py_ssize_t n = pos.shape[0], cap = cx.shape[0], i, j
    cdef double minx, maxx, miny, maxy
    cdef Cells t
    cdef Body* b
    cdef uint8_t* seen
    if mass.shape[0] != n or cy.shape[0] != cap or cm.shape[0] != cap or \
            half.shape[0] != cap or mx.shape[0] != cap or my.shape[0] != cap or \
            child.shape[0] != cap or child.shape[1] != 4 or point.shape[0] != cap:
        raise ValueError("build_quadtree: arrays of mismatched sizes")
    if order is not None and order.shape[0] != n:
        raise ValueError("build_quadtree: order must have one entry per point")
    if n == 0:
        return 0
    if cap < 1:
        return -1
    b = <Body*>PyMem_Malloc(n * sizeof(Body))
    if b == NULL:
        raise MemoryError()
    if order is not None:      # check it is a permutation: it indexes pos below
        seen = <uint8_t*>PyMem_Calloc(n, 1)
        if seen == NULL:
            PyMem_Free(b)
            raise MemoryError()
        for j in range(n):
            i = order[j]
            if i < 0 or i >= n or seen[i]:
                PyMem_Free(seen)
                PyMem_Free(b)
                raise ValueError("build_quadtree: order is not a permutation of the points")
            seen[i] = 1
        PyMem_Free(seen)
    t.cx = &cx[0]; t.cy = &cy[0]; t.cm = &cm[0]; t.half = &half[0]
    t.mx = &mx[0]; t.my = &my[0]; t.child = &child[0, 0]; t.point = &point[0]
    t.cap = cap
    t.used = 1
    with nogil:
        for j in range(n):
            i = order[j] if order is not None else j
            b[j].x = pos[i, 0]
            b[j].y = pos[i, 1]
            b[j].m = mass[i]
            b[j].id = i
        minx = maxx = b[0].x
        miny = maxy = b[0].y
        for j in range(1, n):
            minx = min(minx, b[j].x); maxx = max(maxx, b[j].x)
            miny = min(miny, b[j].y); maxy = max(maxy, b[j].y)
        t.half[0] = max(maxx - minx, maxy - miny) * 0.5 + 1e-9
        t.cx[0] = (minx + maxx) * 0.5
        t.cy[0] = (miny + maxy) * 0.5
        _build(&t, b, 0, n, 0, 0)
        if t.used >= 0 and order is not None:
            for j in range(n):
                order[j] = b[j].id
    PyMem_Free(b)
    return t.used


cdef inline Py_ssize_t _split(Body* b, Py_ssize_t lo, Py_ssize_t hi, double c,
                              bint by_y) noexcept nogil:
    # bodies below c (by x or y) first, in place; returns where those at or above begin
    cdef Py_ssize_t i = lo, j = hi - 1
    cdef Body tmp
    while i <= j:
        if not ((b[i].y if by_y else b[i].x) >= c):
            i += 1
        elif (b[j].y if by_y else b[j].x) >= c:
            j -= 1
        else:
            tmp = b[i]; b[i] = b[j]; b[j] = tmp
            i += 1
            j -= 1
    return i


cdef void _build(Cells* t, Body* b, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t c,
                 int depth) noexcept nogil:
    # cell c (its cx, cy, half set) over bodies lo..hi: make it a leaf or split it into
    # quadrants q = (x >= cx) + 2 (y >= cy), then its mass and centre of mass
    cdef Py_ssize_t j, first
    cdef Py_ssize_t cut[5]
    cdef int q
    cdef bint alike = True
    cdef double m, sx, sy, h
    cdef int64_t k
    for j in range(lo + 1, hi):
        if b[j].x != b[lo].x or b[j].y != b[lo].y:
            alike = False
            break
    if hi - lo <= 1 or alike or depth >= MAX_DEPTH:
        for q in range(4):
            t.child[4 * c + q] = NO_CHILD
        if hi == lo:
            t.point[c] = -1
            t.cm[c] = 0
            t.mx[c] = 0
            t.my[c] = 0
            return
        m = 0                 # points at one spot (or the depth limit) share the leaf
        for j in range(lo, hi):
            m += b[j].m
        t.point[c] = b[lo].id
        t.cm[c] = m
        t.mx[c] = b[lo].x
        t.my[c] = b[lo].y
        return
    if t.used + 4 > t.cap:
        t.used = -1
        return
    first = t.used
    t.used += 4
    t.point[c] = -1
    h = t.half[c] * 0.5
    for q in range(4):
        t.child[4 * c + q] = first + q
        t.half[first + q] = h
        t.cx[first + q] = t.cx[c] + (h if q & 1 else -h)
        t.cy[first + q] = t.cy[c] + (h if q & 2 else -h)
    cut[0] = lo
    cut[4] = hi
    cut[2] = _split(b, lo, hi, t.cy[c], True)
    cut[1] = _split(b, lo, cut[2], t.cx[c], False)
    cut[3] = _split(b, cut[2], hi, t.cx[c], False)
    m = 0
    sx = 0
    sy = 0
    for q in range(4):
        _build(t, b, cut[q], cut[q + 1], first + q, depth + 1)
        if t.used < 0:
            return
        k = first + q
        m += t.cm[k]
        sx += t.cm[k] * t.mx[k]
        sy += t.cm[k] * t.my[k]
    t.cm[c] = m
    t.mx[c] = sx / m if m > 0 else 0
    t.my[c] = sy / m if m > 0 else 0


cdef inline void _force_on(Py_ssize_t i, const double[:, ::1] pos, const double[::1] mass,
                           const double[::1] cm, const double[::1] mx, const double[::1] my,
                           const double[::1] half, const int64_t[:, ::1] child,
                           double theta2, double strength, double[:, ::1] out) noexcept nogil:
    # iterative depth-first walk; a cell far enough away (size / distance < theta) acts
    # as one body at its centre of mass. Coincident bodies push nothing (no direction).
    cdef int64_t stack[256]
    cdef int top = 1
    cdef int64_t c
    cdef int q
    cdef double dx, dy, d2, w, x = pos[i, 0], y = pos[i, 1], fx = 0, fy = 0
    stack[0] = 0
    while top > 0:
        top -= 1
        c = stack[top]
        if cm[c] <= 0:
            continue
        dx = x - mx[c]
        dy = y - my[c]
        d2 = dx * dx + dy * dy
        if child[c, 0] == NO_CHILD or 4 * half[c] * half[c] < theta2 * d2:
            if d2 > 1e-18:
                w = strength * mass[i] * cm[c] / d2
                fx += w * dx
                fy += w * dy
            continue
        for q in range(4):
            stack[top] = child[c, q]
            top += 1
    out[i, 0] += fx
    out[i, 1] += fy


def repulsion(const double[:, ::1] pos, const double[::1] mass, const double[::1] cm,
              const double[::1] mx, const double[::1] my, const double[::1] half,
              const int64_t[:, ::1] child, double theta, double strength, int threads,
              double[:, ::1] out, const int64_t[::1] order=None):
    """out[i] += the Barnes-Hut repulsion on point i: strength * m_i * m_j / d, away
    from each body j (theta 0 = every pair exactly). ``order`` (from build_quadtree)
    visits points so that neighbours walk the same cells one after another."""
    cdef Py_ssize_t k, n = pos.shape[0]
    cdef double theta2 = theta * theta
    if n == 0:
        return
    if order is None:
        for k in prange(n, nogil=True, num_threads=threads, schedule="guided"):
            _force_on(k, pos, mass, cm, mx, my, half, child, theta2, strength, out)
    else:
        for k in prange(n, nogil=True, num_threads=threads, schedule="guided"):
            _force_on(order[k], pos, mass, cm, mx, my, half, child, theta2, strength, out)


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
                 int64_t[::1] out_indptr, int64_t[::1] out_indices, double[::1] out_weight):
    """The graph of the clusters (node i in cluster[i], ids 0..nc-1), in linear time: an
    edge between two clusters weighs the sum of the fine edges between them; edges inside
    a cluster vanish. Writes a CSR (out_indptr has nc + 1 entries, the others room for
    every fine entry) and returns its number of entries."""
    cdef Py_ssize_t n = indptr.shape[0] - 1, i, k, j, c, u, nnz = 0
    cdef int64_t* start = <int64_t*>PyMem_Calloc(nc + 1, sizeof(int64_t))
    cdef int64_t* members = <int64_t*>PyMem_Calloc(max(n, 1), sizeof(int64_t))
    cdef int64_t* mark = <int64_t*>PyMem_Calloc(max(nc, 1), sizeof(int64_t))
    cdef int64_t* slot = <int64_t*>PyMem_Calloc(max(nc, 1), sizeof(int64_t))
    if start == NULL or members == NULL or mark == NULL or slot == NULL:
        PyMem_Free(start); PyMem_Free(members); PyMem_Free(mark); PyMem_Free(slot)
        raise MemoryError()
    with nogil:
        for i in range(n):                      # counting sort: members of each cluster
            start[cluster[i] + 1] += 1
        for c in range(nc):
            start[c + 1] += start[c]
        for i in range(n):
            members[start[cluster[i]]] = i
            start[cluster[i]] += 1
        for c in range(nc - 1, -1, -1):         # back to the first member of each
            start[c + 1] = start[c]
            mark[c] = -1
        start[0] = 0
        for c in range(nc):
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
        out_indptr[nc] = nnz
    PyMem_Free(start); PyMem_Free(members); PyMem_Free(mark); PyMem_Free(slot)
    return nnz
