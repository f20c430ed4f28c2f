/* bits.c -- the one bounds-checked bit reader and writer (spec §2.5).
 *
 * Bit k of a buffer is bit (k mod 8) of byte k/8 (LSB first). An n-bit field
 * is stored least-significant bit first, so at byte-aligned positions 16-, 32-
 * and 64-bit fields are little-endian. Reads past the end return 0 and set a
 * sticky error (a total function: callers check the error once per record).
 */
#include "kvl_internal.h"

void kvl_br_init(kvl_bitreader *br, const uint8_t *buf, size_t size_bytes)
{
    br->buf = buf;
    br->size_bits = (uint64_t)size_bytes * 8u;
    br->pos = 0;
    br->err = KVL_OK;
}

uint64_t kvl_br_get(kvl_bitreader *br, unsigned n)
{
    uint64_t v = 0;
    unsigned got = 0;
    uint64_t pos = br->pos, end;
    /* The test is "pos + n > size_bits", written so that no subtraction can
     * wrap. Then an interval analysis (EVA, proof/README.md), which does not
     * know that pos <= size_bits (kvl_br_ok), still bounds pos by
     * size_bits - n: the split keeps one state per value of n for that. */
    if (br->err != KVL_OK || n > 64u) {
        br->err = KVL_ERR_TRUNCATED;
        return 0;
    }
    /*@ split n; */
    if (n > br->size_bits || pos > br->size_bits - n) {
        br->err = KVL_ERR_TRUNCATED;
        return 0;
    }
    end = pos + n; /* <= size_bits */
    /*@ loop invariant 0 <= got <= n;
        loop invariant pos == br->pos + got;
        loop assigns got, pos, v;
        loop variant n - got;
    */
    while (got < n && pos < end) { /* the same test twice (pos == br->pos + got): EVA bounds
                                     * the shift by the first, the byte index by the second */
        unsigned bit_in_byte = (unsigned)(pos % 8u);
        unsigned take = 8u - bit_in_byte;
        uint64_t bits;
        if (take > n - got)
            take = n - got;
        bits = ((uint64_t)br->buf[pos / 8u] >> bit_in_byte) & ((1u << take) - 1u);
        v |= bits << got;
        got += take;
        pos += take;
    }
    br->pos = pos;
    return v;
}

void kvl_br_seek(kvl_bitreader *br, uint64_t pos)
{
    if (pos > br->size_bits)
        br->err = KVL_ERR_TRUNCATED;
    else
        br->pos = pos;
}

void kvl_bw_init(kvl_bitwriter *bw, uint8_t *buf, size_t cap_bytes)
{
    bw->buf = buf;
    bw->cap_bits = (uint64_t)cap_bytes * 8u;
    bw->pos = 0;
    bw->err = KVL_OK;
}

void kvl_bw_put(kvl_bitwriter *bw, uint64_t v, unsigned n)
{
    unsigned done = 0;
    uint64_t pos = bw->pos;
    if (bw->err != KVL_OK || n > 64u || n > bw->cap_bits - pos) {
        bw->err = KVL_ERR_BUFFER;
        return;
    }
    /*@ loop invariant 0 <= done <= n;
        loop invariant pos == bw->pos + done;
        loop assigns done, pos, bw->buf[bw->pos / 8 .. (bw->pos + n) / 8];
        loop variant n - done;
    */
    while (done < n) {
        unsigned bit_in_byte = (unsigned)(pos % 8u);
        unsigned take = 8u - bit_in_byte;
        unsigned mask;
        uint8_t *byte = &bw->buf[pos / 8u];
        if (take > n - done)
            take = n - done;
        mask = ((1u << take) - 1u) << bit_in_byte;
        *byte = (uint8_t)((*byte & ~mask) | (((unsigned)(v >> done) << bit_in_byte) & mask));
        done += take;
        pos += take;
    }
    bw->pos = pos;
}

void kvl_bw_seek(kvl_bitwriter *bw, uint64_t pos)
{
    if (pos > bw->cap_bits)
        bw->err = KVL_ERR_BUFFER;
    else
        bw->pos = pos;
}
