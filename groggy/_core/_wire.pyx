# Bit-level codes for the graph view's frames (groggy/web/graphwire.py says the format).
# groggy.kernels checks the arguments (k < 48, every value < 2**48) before calling.
from libc.stdint cimport int64_t, uint8_t, uint64_t

cdef enum:
    UNARY_MAX = 9      # a quotient this big escapes to the raw value
    RAW_BITS = 48


cdef inline int64_t _length(uint64_t v, int k) noexcept nogil:
    cdef uint64_t q = v >> k
    return UNARY_MAX + RAW_BITS if q >= UNARY_MAX else <int64_t>q + 1 + k


def rice_bits(const uint64_t[::1] values, int k):
    """Total length in bits of ``values`` as Rice codes with parameter ``k``."""
    cdef Py_ssize_t i
    cdef int64_t total = 0
    with nogil:
        for i in range(values.shape[0]):
            total += _length(values[i], k)
    return total


def rice_encode(const uint64_t[::1] values, int k, uint8_t[::1] out):
    """Write ``values`` as Rice codes into ``out`` (zeroed, at least ceil(bits / 8) + 8
    bytes long), most significant bit first; returns the number of bits written."""
    cdef Py_ssize_t i
    cdef int64_t pos = 0, length, byte
    cdef uint64_t v, q, code, word
    cdef int shift, j
    with nogil:
        for i in range(values.shape[0]):
            v = values[i]
            q = v >> k
            if q >= UNARY_MAX:
                length = UNARY_MAX + RAW_BITS
                code = (((<uint64_t>1 << UNARY_MAX) - 1) << RAW_BITS) | v
            else:
                length = <int64_t>q + 1 + k
                code = (((<uint64_t>1 << q) - 1) << (k + 1)) | (v & ((<uint64_t>1 << k) - 1))
            # the code (<= 57 bits) fits one 64-bit word placed at its first byte
            shift = <int>(64 - length - (pos & 7))
            word = code << shift
            byte = pos >> 3
            for j in range(8):
                out[byte + j] |= <uint8_t>(word >> (56 - 8 * j))
            pos += length
    return pos
