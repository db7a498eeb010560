# cython: cdivision=True
# Antialiased hairlines straight into a premultiplied BGRA pixel buffer. Skia spends ~7 ns
# per pixel of hairline (55 ms for the 7.7M pixels of a 10k-node / 50k-edge drawing, on
# one core); this draws Wu lines in 16.16 fixed point, band of rows by band of rows (a
# band stays in cache) on all cores, a pixel only ever touched by one thread and in edge
# order (the result does not depend on the thread count).
from cython cimport floating
from cython.parallel cimport prange

import numpy as np
from libc.math cimport floor, ceil, fabs
from libc.stdint cimport int64_t, uint8_t, uint32_t, uint64_t


# A pixel's four 8-bit channels spread over the 16-bit lanes of a 64-bit word (blue,
# red, green, alpha from the low end), so that one multiply scales all four: a channel
# times a weight <= 256 stays below 2^16 and never reaches the next lane.
cdef uint64_t LANES = 0x00FF00FF00FF00FF
cdef uint32_t LOW_PAIR = 0x00FF00FF, HIGH_PAIR = 0xFF00FF00   # blue+red, green+alpha


cdef inline uint64_t _spread(uint32_t px) noexcept nogil:
    return (px & LOW_PAIR) | ((<uint64_t>(px & HIGH_PAIR)) << 24)


cdef inline uint64_t _premultiplied(uint32_t color) noexcept nogil:
    """ARGB ``color`` premultiplied by its alpha, spread (see LANES)."""
    cdef uint32_t alpha = (color >> 24) & 255
    return _spread((((color & 255) * alpha // 255)) | ((((color >> 8) & 255) * alpha // 255) << 8)
                   | ((((color >> 16) & 255) * alpha // 255) << 16) | (alpha << 24))


cdef inline void _blend(uint32_t* px, uint32_t c8, uint64_t src, uint32_t alpha) noexcept nogil:
    # out = dst * (1 - a) + src * c, a = c * alpha, coverage c = c8 / 256, src the
    # premultiplied colour spread. A channel stays <= 255: floor(255 * (256 - a) / 256)
    # is 255 - a, and a premultiplied source channel is <= a.
    cdef uint64_t d
    if c8 == 0:
        return
    d = (((_spread(px[0]) * (256 - ((alpha * c8) >> 8))) >> 8) & LANES) + \
        (((src * c8) >> 8) & LANES)
    px[0] = <uint32_t>((d & LOW_PAIR) | ((d >> 24) & HIGH_PAIR))


def _bands(Py_ssize_t n, Py_ssize_t h, Py_ssize_t w):
    """(rows per band, bands, first band, last band) for n items drawn on an h x w
    image: ~256 KB of pixels per band; every item in no band until it is given some."""
    band_rows = max(4, (256 * 1024) // (4 * w))
    return (band_rows, (h + band_rows - 1) // band_rows, np.zeros(n, dtype=np.int64),
            np.full(n, -1, dtype=np.int64))


def _by_band(const int64_t[::1] b0, const int64_t[::1] b1, Py_ssize_t bands):
    """(first, listed): item k listed, in order, under each band b0[k]..b1[k] (none if
    b1[k] < b0[k]); band b's items are listed[first[b]:first[b + 1]]."""
    cdef Py_ssize_t n = b0.shape[0], k, b
    start = np.zeros(bands + 1, dtype=np.int64)
    cdef int64_t[::1] first = start
    for k in range(n):                                    # count, then list, per band
        for b in range(b0[k], b1[k] + 1):
            first[b + 1] += 1
    for b in range(bands):
        first[b + 1] += first[b]
    listed = np.empty(first[bands], dtype=np.int64)
    cdef int64_t[::1] items = listed
    cdef int64_t[::1] fill = start[:bands].copy()
    for k in range(n):
        for b in range(b0[k], b1[k] + 1):
            items[fill[b]] = k
            fill[b] += 1
    return start, listed


cdef void _stamp_rows(uint32_t[:, ::1] img, const uint8_t* mask, Py_ssize_t side,
                      Py_ssize_t left, Py_ssize_t top, uint32_t color, Py_ssize_t ya,
                      Py_ssize_t yb) noexcept nogil:
    """One mask blended in ``color`` with its top left pixel at (left, top), only in
    rows ya..yb-1 and inside the image."""
    cdef Py_ssize_t i, j, j0, j1
    cdef uint32_t alpha = (color >> 24) & 255, solid, m
    cdef uint64_t src = _premultiplied(color)
    cdef uint32_t* row
    cdef const uint8_t* cover
    if alpha == 0:
        return
    solid = <uint32_t>((src & LOW_PAIR) | ((src >> 24) & HIGH_PAIR))   # at full cover
    j0, j1 = max(left, 0), min(left + side, img.shape[1])
    for i in range(max(top, ya), min(top + side, yb)):
        row = &img[i, 0]
        cover = mask + (i - top) * side - left
        for j in range(j0, j1):
            m = cover[j]
            if m == 255 and alpha == 255:
                row[j] = solid                  # most of a node: no blend needed
            elif m != 0:
                # 0-255 coverage onto _blend's 0-256 scale (255 -> 256: covered)
                _blend(&row[j], m + (m >> 7), src, alpha)


def stamp(uint32_t[:, ::1] img, const uint8_t[::1] masks, const int64_t[::1] offsets,
          const int64_t[::1] sides, const int64_t[::1] lefts, const int64_t[::1] tops,
          const uint32_t[::1] colors, int threads=1):
    """Blend stamp k, in order: the ``sides[k]`` x ``sides[k]`` coverage mask at
    ``masks[offsets[k]:]`` (row-major, 0-255) in ARGB colour ``colors[k]``, its top left
    pixel at column ``lefts[k]``, row ``tops[k]`` of ``img`` ((h, w) uint32 pixels of
    premultiplied BGRA, as ``hairlines`` takes). The parts off the image are clipped.
    The filled nodes of a PNG are drawn so: one antialiased mask per shape, size and
    sub-pixel phase, stamped in colour (Skia would rasterize every node's path).

    As ``hairlines`` does, the image is cut into bands of rows that stay in cache (the
    stamps land at random places: row by row they would miss the cache on every row),
    each band stamps its stamps in order, so the result does not depend on ``threads``."""
    cdef Py_ssize_t n = offsets.shape[0], h = img.shape[0], w = img.shape[1]
    cdef Py_ssize_t k, j, b, band, band_rows, bands, side
    if sides.shape[0] != n or lefts.shape[0] != n or tops.shape[0] != n or \
            colors.shape[0] != n:
        raise ValueError("stamp takes one offset, side, left, top and colour per stamp")
    for k in range(n):
        side = sides[k]
        if side < 0 or offsets[k] < 0 or offsets[k] + side * side > masks.shape[0]:
            raise ValueError(f"stamp {k}: its mask is outside the mask buffer")
    if n == 0 or h == 0 or w == 0:
        return
    band_rows, bands, lo, hi = _bands(n, h, w)
    cdef int64_t[::1] b0 = lo, b1 = hi
    for k in range(n):                                    # the bands each stamp meets
        if sides[k] > 0 and tops[k] < h and tops[k] + sides[k] > 0 and lefts[k] < w \
                and lefts[k] + sides[k] > 0:
            b0[k] = max(tops[k], 0) // band_rows
            b1[k] = (min(tops[k] + sides[k], h) - 1) // band_rows
    start, listed = _by_band(lo, hi, bands)
    cdef int64_t[::1] first = start, order = listed
    for band in prange(bands, nogil=True, num_threads=max(1, threads), schedule="dynamic"):
        for j in range(first[band], first[band + 1]):
            k = order[j]
            _stamp_rows(img, &masks[offsets[k]], sides[k], lefts[k], tops[k], colors[k],
                        band * band_rows, min(h, (band + 1) * band_rows))


cdef void _line(uint32_t[:, ::1] img, double x0, double y0, double x1, double y1,
                uint32_t color, Py_ssize_t ya, Py_ssize_t yb) noexcept nogil:
    """One Wu line from (x0, y0) to (x1, y1) in pixel units (pixel (i, j) covers
    [i, i + 1) x [j, j + 1)), drawn only in rows ya..yb-1. Along the major axis it steps
    one pixel at a time; the minor coordinate is 16.16 fixed point, and its fraction
    splits each step's coverage between the two pixels it falls between."""
    cdef Py_ssize_t w = img.shape[1], first, last, minor_lo, minor_hi, whole_lo, whole_hi
    cdef bint steep = fabs(y1 - y0) > fabs(x1 - x0)
    cdef double g, lo, hi, a, b
    cdef int64_t yf, gf
    cdef uint32_t alpha = (color >> 24) & 255
    cdef uint64_t src = _premultiplied(color)
    if not (fabs(x0) < 1e15 and fabs(y0) < 1e15 and fabs(x1) < 1e15 and fabs(y1) < 1e15):
        return                                  # NaN, infinite or absurdly far
    x0 -= 0.5; y0 -= 0.5; x1 -= 0.5; y1 -= 0.5  # pixel centres on integers
    if steep:
        x0, y0 = y0, x0
        x1, y1 = y1, x1
    if x0 > x1:
        x0, x1 = x1, x0
        y0, y1 = y1, y0
    g = (y1 - y0) / (x1 - x0) if x1 - x0 > 1e-12 else 0.0
    # image rows or columns the major and the minor coordinate may take
    if steep:
        lo, hi, minor_lo, minor_hi = <double>ya, <double>(yb - 1), 0, w - 1
    else:
        lo, hi, minor_lo, minor_hi = 0.0, <double>(w - 1), ya, yb - 1
    if g != 0.0:                                # the steps whose minor can be in range
        a, b = (minor_lo - 1.0 - y0) / g + x0, (minor_hi + 1.0 - y0) / g + x0
        lo, hi = max(lo, floor(min(a, b))), min(hi, ceil(max(a, b)))
    elif y0 < minor_lo - 1.0 or y0 > minor_hi + 1.0:
        return
    lo, hi = max(lo, floor(x0 + 0.5)), min(hi, floor(x1 + 0.5))
    if lo > hi:
        return
    first, last = <Py_ssize_t>lo, <Py_ssize_t>hi
    # stepped from the band's first step: bands are fixed by the image width, not by the
    # thread count, so every thread count draws the same pixels
    yf = <int64_t>floor((y0 + g * (first - x0)) * 65536.0)
    gf = <int64_t>floor(g * 65536.0 + 0.5)
    # the steps within a pixel of an end are partly covered; those between are whole
    # (most steps: drawn by a loop without the end's weight, and one per orientation)
    whole_lo = max(first, <Py_ssize_t>ceil(x0 + 1.0))
    whole_hi = min(last, <Py_ssize_t>floor(x1 - 1.0))
    if whole_lo > whole_hi:
        whole_lo, whole_hi = last + 1, last
    yf = _steps(img, first, whole_lo - 1, yf, gf, x0, x1, True, steep, minor_lo,
                minor_hi, src, alpha)
    yf = _steps(img, whole_lo, whole_hi, yf, gf, x0, x1, False, steep, minor_lo,
                minor_hi, src, alpha)
    _steps(img, whole_hi + 1, last, yf, gf, x0, x1, True, steep, minor_lo, minor_hi,
           src, alpha)


cdef inline int64_t _steps(uint32_t[:, ::1] img, Py_ssize_t first, Py_ssize_t last,
                           int64_t yf, int64_t gf, double x0, double x1, bint ends,
                           bint steep, Py_ssize_t minor_lo, Py_ssize_t minor_hi,
                           uint64_t src, uint32_t alpha) noexcept nogil:
    """Steps first..last of a Wu line (see _line), the minor coordinate at step first
    being yf (16.16); returns it at step last + 1. With ``ends``, each step's coverage is
    weighed by the share of its pixel the segment covers."""
    cdef Py_ssize_t i, t, w = img.shape[1]
    # steps go down rows (steep) or along one; the two pixels of a step, across them
    cdef Py_ssize_t along = w if steep else 1, across = 1 if steep else w
    cdef double weight
    cdef uint32_t f8, w8 = 256
    cdef uint32_t* base = &img[0, 0]
    cdef uint32_t* px
    for i in range(first, last + 1):
        if ends:
            weight = min(x1, i + 0.5) - max(x0, i - 0.5)
            w8 = <uint32_t>(min(weight, 1.0) * 256.0 + 0.5) if weight > 0 else 0
        t = <Py_ssize_t>(yf >> 16)              # floor, also below zero
        f8 = <uint32_t>((yf >> 8) & 255)
        yf += gf
        # the pixel at t, then the one at t + 1 (columns of row i, or rows of column i)
        px = base + i * along + t * across
        if minor_lo <= t <= minor_hi:
            _blend(px, ((256 - f8) * w8) >> 8, src, alpha)
        if minor_lo <= t + 1 <= minor_hi:
            _blend(px + across, (f8 * w8) >> 8, src, alpha)
    return yf


cdef inline bint _rows(double y0, double y1, Py_ssize_t band_rows, Py_ssize_t bands,
                       Py_ssize_t* b0, Py_ssize_t* b1) noexcept nogil:
    """The bands a segment from row y0 to row y1 can touch; False if none."""
    cdef double lo = min(y0, y1) - 2.0, hi = max(y0, y1) + 2.0
    if not (lo < bands * band_rows and hi >= 0.0):   # also False for NaN
        return False
    b0[0] = <Py_ssize_t>(max(lo, 0.0) / band_rows)
    b1[0] = min(<Py_ssize_t>(min(hi, <double>(bands * band_rows)) / band_rows), bands - 1)
    return True


def hairlines(uint32_t[:, ::1] img, const double[:, ::1] starts,
              const double[:, ::1] ends, const uint32_t[::1] colors, int threads=1):
    """Draw segment k from starts[k] to ends[k] (pixel coordinates) in ARGB colour
    colors[k], one pixel wide and antialiased, over ``img``: (h, w) uint32 pixels of
    premultiplied BGRA bytes (what Skia's native raster surfaces hold; pass
    ``array.view(np.uint32)[..., 0]`` of an (h, w, 4) uint8 array).

    The image is cut into bands of rows small enough to stay in cache; each segment is
    listed under the bands it crosses and every band draws its segments in order, so a
    pixel is touched by one thread only and in edge order, whatever the thread count."""
    cdef Py_ssize_t m = starts.shape[0], h = img.shape[0], w = img.shape[1]
    cdef Py_ssize_t band_rows, bands, band, k, j, b, b0 = 0, b1 = 0
    if ends.shape[0] != m or colors.shape[0] != m or \
            starts.shape[1] != 2 or ends.shape[1] != 2:
        raise ValueError("hairlines takes (m, 2) starts and ends and m colours")
    if m == 0 or h == 0 or w == 0:
        return
    band_rows, bands, lo, hi = _bands(m, h, w)
    cdef int64_t[::1] lo_band = lo, hi_band = hi
    for k in range(m):                                    # the bands each segment meets
        if _rows(starts[k, 1], ends[k, 1], band_rows, bands, &b0, &b1):
            lo_band[k], hi_band[k] = b0, b1
    start, listed = _by_band(lo, hi, bands)
    cdef int64_t[::1] first = start, edge = listed
    for band in prange(bands, nogil=True, num_threads=max(1, threads), schedule="dynamic"):
        for j in range(first[band], first[band + 1]):
            k = edge[j]
            _line(img, starts[k, 0], starts[k, 1], ends[k, 0], ends[k, 1], colors[k],
                  band * band_rows, min(h, (band + 1) * band_rows))


def splat(uint32_t[:, ::1] img not None, const floating[::1] x not None,
          const floating[::1] y not None, const uint32_t[::1] pixels not None,
          const int64_t[::1] rows, double left, double top, double k):
    """Write node i as a 2 x 2 block of ``pixels[i]`` (premultiplied BGRA read as uint32,
    as ``hairlines`` takes) centred on the pixel coordinates ((x[i] - left) * k,
    (top - y[i]) * k) of ``img`` (pixel (c, r) covers [c, c + 1) x [r, r + 1)), for
    every i in ``rows`` (ascending;
    None: every node), in order, so a later node covers an earlier one. A block not wholly
    inside the image is skipped. Tiny nodes of a tile are drawn so: a scan of a million
    nodes in a few milliseconds, where gathering the tile's nodes first took tens."""
    cdef Py_ssize_t n = x.shape[0], h = img.shape[0], w = img.shape[1]
    cdef Py_ssize_t count, j, i
    cdef bint every = rows is None
    cdef double sx, sy
    cdef int64_t c, r
    cdef uint32_t p
    if y.shape[0] != n or pixels.shape[0] != n:
        raise ValueError("splat takes one x, y and pixel per node")
    count = n if every else rows.shape[0]
    if not every:
        for j in range(count):
            if rows[j] < 0 or rows[j] >= n:
                raise ValueError(f"splat: row {rows[j]} is not a node (0..{n - 1})")
    with nogil:
        for j in range(count):
            i = j if every else rows[j]
            # the block's top left pixel; the cast is floor where it is >= 0, and
            # calling floor() cost more than the rest of the loop
            sx = (x[i] - left) * k - 0.5
            sy = (top - y[i]) * k - 0.5
            if not (sx >= 0 and sx < w - 1 and sy >= 0 and sy < h - 1):
                continue                        # off the image, NaN included
            c, r, p = <int64_t>sx, <int64_t>sy, pixels[i]
            img[r, c] = p
            img[r, c + 1] = p
            img[r + 1, c] = p
            img[r + 1, c + 1] = p
