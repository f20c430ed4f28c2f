/* bitpack.h -- word-at-a-time bit packing for fixed-layout records (spec
 * §2.5: LSB first, fields least-significant bit first), the fast
 * counterpart of ref/bits.c. Little-endian hosts only (x86-64). */
#ifndef KVL_BITPACK_H
#define KVL_BITPACK_H

#include <stdint.h>
#include <string.h>

/* Writer: whole 64-bit words are stored as they fill. The caller writes
 * exactly record_bits bits and then bp_finish() writes the last partial word
 * with zero padding up to the record's byte length. */
typedef struct bp_writer {
    uint8_t *p;
    uint64_t acc;
    unsigned fill; /* bits in acc, < 64 */
} bp_writer;

static inline void bp_init(bp_writer *w, uint8_t *buf)
{
    w->p = buf;
    w->acc = 0;
    w->fill = 0;
}

/* Append the low n bits of v (0 <= n <= 64; v < 2^n). */
static inline void bp_put(bp_writer *w, uint64_t v, unsigned n)
{
    if (n == 0u)
        return;
    w->acc |= v << w->fill;
    if (w->fill + n >= 64u) {
        memcpy(w->p, &w->acc, 8);
        w->p += 8;
        w->acc = w->fill ? v >> (64u - w->fill) : 0u;
        w->fill = w->fill + n - 64u;
    } else {
        w->fill += n;
    }
}

static inline void bp_finish(bp_writer *w)
{
    memcpy(w->p, &w->acc, (w->fill + 7u) / 8u);
}

/* Reader: the n-bit field (0 <= n <= 64) at bit position pos of buf. Reads
 * bytes up to pos/8 + 8, so the caller guarantees 9 readable bytes there. */
static inline uint64_t bp_get(const uint8_t *buf, uint64_t pos, unsigned n)
{
    uint64_t lo;
    unsigned sh = (unsigned)(pos & 7u);
    memcpy(&lo, buf + (pos >> 3), 8);
    lo >>= sh;
    if (sh + n > 64u)
        lo |= (uint64_t)buf[(pos >> 3) + 8u] << (64u - sh);
    return n >= 64u ? lo : lo & ((UINT64_C(1) << n) - 1u);
}

#endif
