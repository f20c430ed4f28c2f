/*
 * float_bits.c -- number formats (spec §2).
 *
 * Every conversion here is an integer function of the IEEE bit pattern: no
 * floating-point arithmetic, no libm, no compiler half types. The result is
 * therefore independent of the FPU rounding mode, flush-to-zero settings and
 * compiler flags. Subnormals are handled fully in both directions.
 *
 * binary32 layout: sign 1 | exponent 8 (bias 127) | mantissa 23
 * binary16 layout: sign 1 | exponent 5 (bias 15)  | mantissa 10
 * bfloat16 layout: sign 1 | exponent 8 (bias 127) | mantissa 7
 * E4M3FN   layout: sign 1 | exponent 4 (bias 7)   | mantissa 3, no infinities,
 *                  NaN only 0x7F / 0xFF, max finite 448 = 0x7E.
 */
#include "kvl_internal.h"

#define F32_SIGN 0x80000000u
#define F32_ABS 0x7FFFFFFFu
#define F32_EXP 0x7F800000u
#define F32_MANT 0x007FFFFFu
#define F32_HIDDEN 0x00800000u
#define F32_QUIET 0x00400000u

/* The two views of a binary32 object. Reading the member not last written
 * reinterprets the bytes (C99 6.5.2.3 note 82, DR 283): no conversion, the
 * same as a 4-byte memcpy, and without a pointer cast (which the WP memory
 * model cannot follow; proof/README.md). */
typedef union f32_view {
    float f;
    uint32_t u;
} f32_view;

/* Bit pattern of a binary32 value (spec §2.1): a reinterpretation, no conversion. */
/*@ assigns \nothing; */
uint32_t kvl_f32_to_bits(float x)
{
    f32_view v;
    v.f = x;
    return v.u;
}

/* binary32 value of a bit pattern (spec §2.1): a reinterpretation, no conversion. */
/*@ assigns \nothing; */
float kvl_bits_to_f32(uint32_t u)
{
    f32_view v;
    v.u = u;
    return v.f;
}

/* Finite test on the bit pattern (spec §2.1): exponent field not all ones. */
/*@ assigns \nothing; */
int kvl_f32_is_finite(float x)
{
    return (kvl_f32_to_bits(x) & F32_EXP) != F32_EXP;
}

/* ---- decoders: exact (spec §2.2) ------------------------------------- */

/* Index of the most significant set bit of m, for 0 < m < 2^24: the largest
 * p <= 23 with m >> p != 0. */
/*@ requires 0 < m < 0x1000000;
    assigns \nothing;
    ensures 0 <= \result <= 23;
*/
static uint32_t msb_index(uint32_t m)
{
    uint32_t p = 0;
    /*@ loop invariant 0 <= p <= 23;
        loop assigns p;
        loop variant 23 - p;
    */
    while (p < 23u && (m >> (p + 1u)) != 0u)
        p++;
    return p;
}

/* binary32 bits of the positive value m * 2^(e2), for 0 < m < 2^24 and a
 * result in the binary32 normal range: normalise so the leading bit of m
 * becomes the hidden bit. */
/*@ requires 0 < m < 0x1000000;
    requires -200 <= e2 <= 200;
    assigns \nothing;
*/
static uint32_t f32_bits_from_small_int(uint32_t m, int32_t e2)
{
    uint32_t p = msb_index(m);                       /* value = 2^(p+e2) * (m / 2^p) */
    uint32_t biased = (uint32_t)(e2 + (int32_t)p + 127);
    return (biased << 23) | ((m << (23u - p)) & F32_MANT);
}

/* binary16 -> binary32, exact (spec §2.2). Subnormals are normalised; Inf
 * stays Inf; a NaN keeps its sign and payload and is made quiet. */
/*@ assigns \nothing; */
float kvl_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1Fu;
    uint32_t m = h & 0x3FFu;
    uint32_t bits;
    if (e == 0x1Fu) {
        bits = F32_EXP | (m << 13) | (m ? F32_QUIET : 0u);
    } else if (e == 0) {
        /* zero or subnormal: m * 2^-24 */
        bits = m ? f32_bits_from_small_int(m, -24) : 0u;
    } else {
        bits = ((e + 127u - 15u) << 23) | (m << 13);
    }
    return kvl_bits_to_f32(sign | bits);
}

/* bfloat16 -> binary32, exact (spec §2.2): bfloat16 is the top half of a
 * binary32 pattern, so the conversion is a 16-bit shift (subnormals, Inf and
 * NaN included). */
/*@ assigns \nothing; */
float kvl_bf16_to_f32(uint16_t b)
{
    return kvl_bits_to_f32((uint32_t)b << 16);
}

/* E4M3FN -> binary32, exact (spec §2.2): exponent field 0 means
 * mant/8 * 2^-6; 0x7F / 0xFF decode to a quiet NaN with the sign (the codec
 * rejects those codes before decoding). */
/*@ assigns \nothing; */
float kvl_e4m3_to_f32(uint8_t c)
{
    uint32_t sign = (uint32_t)(c & 0x80u) << 24;
    uint32_t e = (c >> 3) & 0xFu;
    uint32_t m = c & 0x7u;
    uint32_t bits;
    if ((c & 0x7Fu) == 0x7Fu) {
        bits = F32_EXP | F32_QUIET;
    } else if (e == 0) {
        /* zero or subnormal: m * 2^-9 */
        bits = m ? f32_bits_from_small_int(m, -9) : 0u;
    } else {
        bits = ((e + 127u - 7u) << 23) | (m << 20);
    }
    return kvl_bits_to_f32(sign | bits);
}

/* ---- encoders: integer rounding (spec §2.2) -------------------------- */

enum round_dir {
    ROUND_NEAREST_EVEN, /* to nearest, ties to the even mantissa */
    ROUND_TOWARD_ZERO,  /* truncate the magnitude */
    ROUND_AWAY_ZERO     /* magnitude up if anything is discarded */
};

/* Round the magnitude of a finite binary32 (|x| bits `a`) to a binary format
 * with `mbits` mantissa bits and exponent bias `bias` and an unbounded
 * exponent range upwards. Returns the magnitude code (exponent field <<
 * mbits | mantissa). Results below the smallest normal are subnormal codes;
 * a carry out of the mantissa increments the exponent field, so a value that
 * rounds past the format's largest finite value comes back as a code at or
 * above the format's Inf/NaN codes; the caller saturates or overflows. */
/*@ requires a < 0x7F800000;
    requires 1 <= mbits <= 22;
    requires 1 <= bias <= 127;
    assigns \nothing;
*/
static uint32_t round_magnitude(uint32_t a, uint32_t mbits, int32_t bias, enum round_dir dir)
{
    uint32_t e = a >> 23;
    uint32_t sig = (e != 0) ? ((a & F32_MANT) | F32_HIDDEN) : (a & F32_MANT);
    int32_t et = (int32_t)(e != 0 ? e : 1u) - 127 + bias; /* target exponent field if normal */
    uint32_t shift = 23u - mbits;                         /* bits of sig to discard */
    uint32_t base = 0;
    uint32_t q, rem, half;

    if (et >= 1) {
        /* normal target: base + q == (et << mbits) + (q - 2^mbits); a carry
         * of q to 2^(mbits+1) lands on the next exponent field */
        base = (uint32_t)(et - 1) << mbits;
    } else {
        /* subnormal target: quantum 2^(1 - bias - mbits), discard more bits;
         * q == 2^mbits after rounding is the smallest normal code */
        shift += (uint32_t)(1 - et);
    }
    if (shift > 25u) {
        shift = 25u; /* sig < 2^24 < half: same outcome, avoids wide shifts */
    }
    q = sig >> shift;
    rem = sig & ((1u << shift) - 1u);
    half = 1u << (shift - 1u);
    switch (dir) {
    case ROUND_NEAREST_EVEN:
        if (rem > half || (rem == half && (q & 1u))) {
            q++;
        }
        break;
    case ROUND_AWAY_ZERO:
        if (rem != 0) {
            q++;
        }
        break;
    case ROUND_TOWARD_ZERO:
        break;
    }
    return base + q;
}

/* binary32 -> binary16 (spec §2.2): round to nearest, ties to even; a finite
 * value that rounds above 65504 gives +-Inf; Inf stays Inf; NaN gives the
 * quiet NaN 0x7E00 with the sign; -0 and values rounding to 0 keep the sign. */
/*@ assigns \nothing; */
uint16_t kvl_f32_to_f16(float x)
{
    uint32_t u = kvl_f32_to_bits(x);
    uint32_t sign = (u >> 16) & 0x8000u;
    uint32_t a = u & F32_ABS;
    uint32_t code;
    if (a > F32_EXP) {
        return (uint16_t)(sign | 0x7E00u);
    }
    if (a == F32_EXP) {
        return (uint16_t)(sign | 0x7C00u);
    }
    code = round_magnitude(a, 10u, 15, ROUND_NEAREST_EVEN);
    if (code > 0x7C00u) {
        code = 0x7C00u;
    }
    return (uint16_t)(sign | code);
}

/* binary32 -> bfloat16 (spec §2.2): round to nearest, ties to even; a value
 * rounding above the largest finite bfloat16 gives +-Inf; NaN gives the quiet
 * NaN 0x7FC0 with the sign; -0 and values rounding to 0 keep the sign. */
/*@ assigns \nothing; */
uint16_t kvl_f32_to_bf16(float x)
{
    uint32_t u = kvl_f32_to_bits(x);
    uint32_t sign = (u >> 16) & 0x8000u;
    uint32_t a = u & F32_ABS;
    uint32_t code;
    if (a > F32_EXP) {
        return (uint16_t)(sign | 0x7FC0u);
    }
    if (a == F32_EXP) {
        return (uint16_t)(sign | 0x7F80u);
    }
    code = round_magnitude(a, 7u, 127, ROUND_NEAREST_EVEN);
    if (code > 0x7F80u) {
        code = 0x7F80u; /* cannot happen (max carry lands on 0x7F80); kept for clarity */
    }
    return (uint16_t)(sign | code);
}

/* binary32 -> E4M3FN (spec §2.2): round to nearest, ties to even, then
 * saturate: anything above 448 (including +-Inf) gives 448 with the sign
 * (0x7E / 0xFE). E.g. 400 -> 384 (0x7C, a tie), 464 -> 448, 465 -> 448.
 * |x| <= 2^-10 gives a signed zero. NaN gives 0x7F with the sign. */
/*@ assigns \nothing; */
uint8_t kvl_f32_to_e4m3(float x)
{
    uint32_t u = kvl_f32_to_bits(x);
    uint32_t sign = (u >> 24) & 0x80u;
    uint32_t a = u & F32_ABS;
    uint32_t code;
    if (a > F32_EXP) {
        return (uint8_t)(sign | 0x7Fu);
    }
    if (a == F32_EXP) {
        return (uint8_t)(sign | 0x7Eu);
    }
    code = round_magnitude(a, 3u, 7, ROUND_NEAREST_EVEN);
    if (code > 0x7Eu) {
        code = 0x7Eu;
    }
    return (uint8_t)(sign | code);
}

/* binary32 -> binary16 rounded toward +Inf (spec §6.3): for finite x >= 0 the
 * smallest binary16 value >= x; 0 -> 0; x > 65504 -> 0x7C00 (+Inf). Defined
 * for all inputs: -0 -> 0x8000, negative finite x truncates toward zero
 * (still the smallest binary16 >= x; at least -65504), +-Inf -> +-Inf, NaN ->
 * 0x7E00 with the sign. */
/*@ assigns \nothing; */
uint16_t kvl_f32_to_f16_up(float x)
{
    uint32_t u = kvl_f32_to_bits(x);
    uint32_t sign = (u >> 16) & 0x8000u;
    uint32_t a = u & F32_ABS;
    uint32_t code;
    if (a > F32_EXP) {
        return (uint16_t)(sign | 0x7E00u);
    }
    if (a == F32_EXP) {
        return (uint16_t)(sign | 0x7C00u);
    }
    if (sign) {
        /* x < 0: truncate the magnitude; below -65504 the answer is -65504 */
        code = round_magnitude(a, 10u, 15, ROUND_TOWARD_ZERO);
        if (code > 0x7BFFu) {
            code = 0x7BFFu;
        }
    } else {
        code = round_magnitude(a, 10u, 15, ROUND_AWAY_ZERO);
        if (code > 0x7C00u) {
            code = 0x7C00u;
        }
    }
    return (uint16_t)(sign | code);
}

/* rne_int (spec §2.4): round a float to the nearest integer, ties to even,
 * result as a float. Bit manipulation on the pattern, so it is exact and
 * independent of the FPU rounding mode (unlike rint / nearbyint) and is not
 * ties-away (unlike roundf). |x| >= 2^23, Inf and NaN are returned unchanged;
 * results of magnitude 0 keep the sign of x (-0.4 -> -0.0). */
/*@ assigns \nothing; */
float kvl_round_even(float x)
{
    uint32_t u = kvl_f32_to_bits(x);
    uint32_t sign = u & F32_SIGN;
    uint32_t e = (u & F32_EXP) >> 23;
    uint32_t sig, shift, q, rem, half;

    if (e >= 150u) {
        return x; /* already an integer (or Inf / NaN) */
    }
    if (e < 126u) {
        return kvl_bits_to_f32(sign); /* |x| < 0.5 */
    }
    /* 0.5 <= |x| < 2^23: the low `shift` bits of the significand are the
     * fraction (shift in 1..24) */
    sig = (u & F32_MANT) | F32_HIDDEN;
    shift = 150u - e;
    q = sig >> shift;
    rem = sig & ((1u << shift) - 1u);
    half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (q & 1u))) {
        q++;
    }
    if (q == 0) {
        return kvl_bits_to_f32(sign); /* exactly +-0.5 */
    }
    /* q << shift is the rounded significand (hidden bit included) in the
     * binary of exponent e; a carry to 2^24 moves to exponent e + 1 */
    return kvl_bits_to_f32(sign | (((e - 1u) << 23) + (q << shift)));
}
