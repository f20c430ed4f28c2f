/* fuzz_producer.c -- see fuzz_producer.h. */
#include <string.h>

#include "fuzz_producer.h"

void fp_init(fuzz_producer *p, const uint8_t *data, size_t size)
{
    p->data = data;
    p->size = size;
}

size_t fp_remaining(const fuzz_producer *p) { return p->size; }

static uint32_t take_u32(fuzz_producer *p, unsigned nbytes)
{
    uint32_t v = 0;
    unsigned i;
    for (i = 0; i < nbytes && p->size > 0; i++)
        v = (v << 8) | p->data[--p->size];
    return v;
}

uint32_t fp_range(fuzz_producer *p, uint32_t lo, uint32_t hi)
{
    uint32_t span = hi - lo;
    unsigned nbytes = span < 0x100u ? 1u : span < 0x10000u ? 2u : span < 0x1000000u ? 3u : 4u;
    uint32_t v = take_u32(p, nbytes);
    if (span == UINT32_MAX)
        return v;
    return lo + v % (span + 1u);
}

int fp_bool(fuzz_producer *p) { return (int)fp_range(p, 0, 1); }

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

float fp_float(fuzz_producer *p, int allow_nonfinite)
{
    uint32_t kind = fp_range(p, 0, 9), sign = fp_range(p, 0, 1) << 31;
    switch (kind) {
    case 0: /* zero */
        return from_bits(sign);
    case 1: /* half-integer multiples of a power of two: ties in every rounding */
        return from_bits(sign | ((127u - 4u + fp_range(p, 0, 12)) << 23) | (fp_range(p, 0, 15) << 19));
    case 2: /* subnormal */
        return from_bits(sign | fp_range(p, 1, 0x7FFFFFu));
    case 3: /* huge */
        return from_bits(sign | ((200u + fp_range(p, 0, 54)) << 23) | fp_range(p, 0, 0x7FFFFFu));
    case 4: /* any bit pattern */
    {
        uint32_t u = fp_range(p, 0, UINT32_MAX);
        if (!allow_nonfinite && (u & 0x7F800000u) == 0x7F800000u)
            u &= 0xFF7FFFFFu;
        return from_bits(u);
    }
    case 5: /* NaN or Inf */
        if (allow_nonfinite)
            return from_bits(sign | 0x7F800000u | (fp_bool(p) ? 0x400000u | fp_range(p, 0, 0x3FFFFFu) : 0u));
        return from_bits(sign | 0x3F800000u);
    default: /* moderate: |x| in [2^-6, 2^6) */
        return from_bits(sign | ((127u - 6u + fp_range(p, 0, 11)) << 23) | fp_range(p, 0, 0x7FFFFFu));
    }
}
