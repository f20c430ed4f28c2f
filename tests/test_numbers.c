/*
 * test_numbers.c -- number formats (spec §2), pinned reductions (§2.3) and
 * CRC-32C (§2.6).
 *
 * Every check compares the function under test with an independent oracle:
 *   - decoders: a closed-form value computed in double with ldexp();
 *   - encoders: a brute-force search over a table of every representable
 *     value (built with ldexp(), not with the decoders under test), picking
 *     the nearest by exact double distance, ties to the even code;
 *   - rne_int: floor() in double with explicit tie handling;
 *   - sum8/dot8: a literal transcription of the documented order;
 *   - CRC-32C: published check values and a bit-at-a-time implementation.
 * A SHA-256 digest over a large stratified sample of encoder outputs is also
 * compared with a recorded constant: the oracle checks are the real proof of
 * correctness, the digest only catches regressions (and any difference between
 * compilers / optimisation levels) on inputs the oracles do not visit.
 *
 * Exit status 0 when every group passes, 1 otherwise. Last line:
 *   test_numbers: <passed> passed, <failed> failed
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "kvl_internal.h"

/* Recorded by running this test after all oracle groups passed. */
#define EXPECTED_DIGEST "1f1238e4565b60619699ed8c84cb4fe8e8cabcdbd7e47b7582bd5874301b766a"

#define MAX_REPORTS 8 /* mismatches printed per group */

/* ---- small helpers --------------------------------------------------- */

static uint32_t bits_of(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static float float_of(uint32_t u)
{
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* splitmix64: fixed-seed pseudo-random generator (no rand()). */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t rng_u32(rng *r)
{
    return (uint32_t)(rng_next(r) >> 32);
}

/* A group's running mismatch count; prints the first few mismatches. */
typedef struct group {
    const char *name;
    unsigned long checks;
    unsigned long fails;
} group;

static void expect_u32(group *g, const char *what, uint32_t input, uint32_t got, uint32_t want)
{
    g->checks++;
    if (got != want) {
        if (g->fails < MAX_REPORTS) {
            printf("  %s: %s(0x%08lX): got 0x%08lX, want 0x%08lX\n", g->name, what,
                   (unsigned long)input, (unsigned long)got, (unsigned long)want);
        }
        g->fails++;
    }
}

static void expect_true(group *g, const char *what, uint32_t input, int ok)
{
    g->checks++;
    if (!ok) {
        if (g->fails < MAX_REPORTS) {
            printf("  %s: %s failed for input 0x%08lX\n", g->name, what, (unsigned long)input);
        }
        g->fails++;
    }
}

/* ---- independent value tables (ldexp, not the decoders under test) --- */

#define F16_N 0x7C00u   /* non-negative finite binary16 codes 0x0000..0x7BFF */
#define BF16_N 0x7F80u  /* non-negative finite bfloat16 codes 0x0000..0x7F7F */
#define E4M3_N 0x7Fu    /* non-negative finite E4M3FN codes 0x00..0x7E */

typedef struct tables {
    double f16[F16_N];
    double bf16[BF16_N];
    double e4m3[E4M3_N];
} tables;

/* value of a finite binary16 magnitude code */
static double f16_value(uint32_t c)
{
    uint32_t e = c >> 10, m = c & 0x3FFu;
    return e ? ldexp((double)(1024u + m), (int)e - 25) : ldexp((double)m, -24);
}

static double bf16_value(uint32_t c)
{
    uint32_t e = c >> 7, m = c & 0x7Fu;
    return e ? ldexp((double)(128u + m), (int)e - 134) : ldexp((double)m, -133);
}

static double e4m3_value(uint32_t c)
{
    uint32_t e = c >> 3, m = c & 0x7u;
    return e ? ldexp((double)(8u + m), (int)e - 10) : ldexp((double)m, -9);
}

static void tables_init(tables *t)
{
    uint32_t c;
    for (c = 0; c < F16_N; c++) {
        t->f16[c] = f16_value(c);
    }
    for (c = 0; c < BF16_N; c++) {
        t->bf16[c] = bf16_value(c);
    }
    for (c = 0; c < E4M3_N; c++) {
        t->e4m3[c] = e4m3_value(c);
    }
}

/* ---- brute-force encoders ------------------------------------------- */

/* Nearest code to ax >= 0 (exact double) among codes 0..n-1 of the ascending
 * table tab, where code n stands for the overflow value `over` (the value the
 * format would have with an unbounded exponent). Ties go to the even code
 * (the code's LSB is the mantissa LSB). The two neighbours lo <= ax < hi are
 * found by binary search; the distances ax - lo and hi - ax are exact in
 * double (Sterbenz: lo <= ax <= hi <= 2 lo when lo > 0; if lo == 0 then
 * ax - 0 is exact and hi - ax is either exact (ax >= hi/2) or rounds to a
 * value >= hi/2 > ax, which keeps the comparison right). */
static uint32_t nearest_code(const double *tab, uint32_t n, double over, double ax)
{
    uint32_t lo = 0, hi = n - 1, mid;
    double vlo, vhi, dlo, dhi;
    if (ax >= over) {
        return n;
    }
    while (lo < hi) { /* largest lo with tab[lo] <= ax */
        mid = lo + (hi - lo + 1u) / 2u;
        if (tab[mid] <= ax) {
            lo = mid;
        } else {
            hi = mid - 1u;
        }
    }
    vlo = tab[lo];
    if (vlo == ax) {
        return lo;
    }
    vhi = (lo + 1u < n) ? tab[lo + 1u] : over;
    dlo = ax - vlo;
    dhi = vhi - ax;
    if (dlo < dhi) {
        return lo;
    }
    if (dhi < dlo) {
        return lo + 1u;
    }
    return (lo & 1u) ? lo + 1u : lo;
}

/* Linear brute force over every non-negative finite E4M3 code: the nearest
 * value, ties to the even code. Values above 448 are nearest to 448, which is
 * exactly "round, then saturate". Comparing the distances |ax - a| and
 * |ax - b| for table values a < b is the same as comparing ax with the
 * midpoint (a + b) / 2, which is exact in double (E4M3 values have 4
 * significant bits over exponents -9..8), unlike the distances themselves
 * when ax is far from both. */
static uint32_t e4m3_linear(const tables *t, double ax)
{
    uint32_t c, best = 0;
    for (c = 1; c < E4M3_N; c++) {
        double mid = (t->e4m3[best] + t->e4m3[c]) / 2.0; /* t->e4m3[best] < t->e4m3[c] */
        if (ax > mid || (ax == mid && (c & 1u) == 0)) {
            best = c;
        }
    }
    return best;
}

static uint16_t oracle_f16(const tables *t, float x)
{
    uint32_t s = (bits_of(x) >> 16) & 0x8000u;
    if (isnan(x)) {
        return (uint16_t)(s | 0x7E00u);
    }
    if (isinf(x)) {
        return (uint16_t)(s | 0x7C00u);
    }
    /* overflow value: 2^16 (the would-be code 0x7C00) */
    return (uint16_t)(s | nearest_code(t->f16, F16_N, 65536.0, fabs((double)x)));
}

static uint16_t oracle_bf16(const tables *t, float x)
{
    uint32_t s = (bits_of(x) >> 16) & 0x8000u;
    if (isnan(x)) {
        return (uint16_t)(s | 0x7FC0u);
    }
    if (isinf(x)) {
        return (uint16_t)(s | 0x7F80u);
    }
    return (uint16_t)(s | nearest_code(t->bf16, BF16_N, ldexp(1.0, 128), fabs((double)x)));
}

static uint8_t oracle_e4m3(const tables *t, float x)
{
    uint32_t s = (bits_of(x) >> 24) & 0x80u;
    if (isnan(x)) {
        return (uint8_t)(s | 0x7Fu);
    }
    if (isinf(x)) {
        return (uint8_t)(s | 0x7Eu);
    }
    return (uint8_t)(s | e4m3_linear(t, fabs((double)x)));
}

/* smallest binary16 >= x for finite x >= 0 (binary search), 0x7C00 above 65504 */
static uint16_t oracle_f16_up(const tables *t, float x)
{
    double ax = (double)x;
    uint32_t lo = 0, hi = F16_N, mid;
    while (lo < hi) { /* first code with value >= ax */
        mid = lo + (hi - lo) / 2u;
        if (t->f16[mid] >= ax) {
            hi = mid;
        } else {
            lo = mid + 1u;
        }
    }
    return (uint16_t)lo; /* F16_N == 0x7C00 == +Inf when nothing is >= ax */
}

/* nearest integer, ties to even, in double; zero results keep the sign */
static float oracle_round_even(float x)
{
    double xd = (double)x, fl, frac, r;
    if (isnan(x) || isinf(x)) {
        return x;
    }
    fl = floor(xd);
    frac = xd - fl; /* exact: xd has <= 24 significant bits */
    if (frac < 0.5) {
        r = fl;
    } else if (frac > 0.5) {
        r = fl + 1.0;
    } else {
        r = (fmod(fl, 2.0) == 0.0) ? fl : fl + 1.0;
    }
    if (r == 0.0) {
        r = copysign(0.0, xd);
    }
    return (float)r; /* an integer of the input's magnitude: exact in float */
}

/* ---- group 1-2: binary16 decode and round trip (all 65,536) ---------- */

static void test_f16_decode(group *g)
{
    uint32_t h;
    for (h = 0; h < 0x10000u; h++) {
        float y = kvl_f16_to_f32((uint16_t)h);
        uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
        int neg = (h & 0x8000u) != 0;
        int ok;
        if (e == 0x1Fu && m != 0) {
            ok = isnan(y) && ((bits_of(y) >> 31) == (uint32_t)neg);
        } else if (e == 0x1Fu) {
            ok = isinf(y) && ((y < 0) == neg);
        } else {
            double want = f16_value(h & 0x7FFFu);
            ok = ((double)y == (neg ? -want : want)) && ((bits_of(y) >> 31) == (uint32_t)neg);
        }
        expect_true(g, "f16_to_f32 value", h, ok);
    }
}

static void test_f16_roundtrip(group *g)
{
    uint32_t h;
    for (h = 0; h < 0x10000u; h++) {
        int is_nan = ((h & 0x7C00u) == 0x7C00u) && (h & 0x3FFu);
        uint32_t back = kvl_f32_to_f16(kvl_f16_to_f32((uint16_t)h));
        expect_u32(g, "f16->f32->f16", h, back, is_nan ? ((h & 0x8000u) | 0x7E00u) : h);
    }
}

/* ---- group 3-4: bfloat16 decode and round trip (all 65,536) ---------- */

static void test_bf16_decode(group *g)
{
    uint32_t b;
    for (b = 0; b < 0x10000u; b++) {
        float y = kvl_bf16_to_f32((uint16_t)b);
        uint32_t e = (b >> 7) & 0xFFu, m = b & 0x7Fu;
        int neg = (b & 0x8000u) != 0;
        int ok;
        if (e == 0xFFu && m != 0) {
            ok = isnan(y) && ((bits_of(y) >> 31) == (uint32_t)neg);
        } else if (e == 0xFFu) {
            ok = isinf(y) && ((y < 0) == neg);
        } else {
            double want = bf16_value(b & 0x7FFFu);
            ok = ((double)y == (neg ? -want : want)) && ((bits_of(y) >> 31) == (uint32_t)neg);
        }
        expect_true(g, "bf16_to_f32 value", b, ok);
    }
}

static void test_bf16_roundtrip(group *g)
{
    uint32_t b;
    for (b = 0; b < 0x10000u; b++) {
        int is_nan = ((b & 0x7F80u) == 0x7F80u) && (b & 0x7Fu);
        uint32_t back = kvl_f32_to_bf16(kvl_bf16_to_f32((uint16_t)b));
        expect_u32(g, "bf16->f32->bf16", b, back, is_nan ? ((b & 0x8000u) | 0x7FC0u) : b);
    }
}

/* ---- boundary candidates -------------------------------------------- */

/* Check f(x) for x = v, v +- 1 f32 ulp, m, m +- 1 f32 ulp, both signs,
 * where v is a representable value and m the midpoint to the next one. */
typedef uint32_t (*enc_fn)(float x);
typedef uint32_t (*oracle_fn)(const tables *t, float x);

static void check_around(group *g, const tables *t, const char *what, enc_fn f, oracle_fn o,
                         double v, double next)
{
    float base[2];
    int k, d, s;
    base[0] = (float)v;                  /* exact: a representable value */
    base[1] = (float)((v + next) / 2.0); /* exact: the midpoint has <= 12 bits */
    for (k = 0; k < 2; k++) {
        for (d = -1; d <= 1; d++) {
            uint32_t u = bits_of(base[k]);
            if (d < 0 && u == 0) {
                continue;
            }
            u = (uint32_t)((int64_t)u + d);
            for (s = 0; s < 2; s++) {
                float x = float_of(u | (s ? 0x80000000u : 0u));
                expect_u32(g, what, bits_of(x), f(x), o(t, x));
            }
        }
    }
}

static uint32_t enc_f16(float x) { return kvl_f32_to_f16(x); }
static uint32_t enc_bf16(float x) { return kvl_f32_to_bf16(x); }
static uint32_t enc_e4m3(float x) { return kvl_f32_to_e4m3(x); }
static uint32_t orc_f16(const tables *t, float x) { return oracle_f16(t, x); }
static uint32_t orc_bf16(const tables *t, float x) { return oracle_bf16(t, x); }
static uint32_t orc_e4m3(const tables *t, float x) { return oracle_e4m3(t, x); }

/* ---- group 5-6: f32 -> binary16 ------------------------------------- */

static void test_f16_boundaries(group *g, const tables *t)
{
    uint32_t c, e, i;
    rng r = {0x0123456789ABCDEFull};
    static const struct {
        uint32_t in;
        uint16_t out;
    } cases[] = {
        {0x477FE000u, 0x7BFFu}, /* 65504 */
        {0x477FEFFFu, 0x7BFFu}, /* 65519.996 */
        {0x477FF000u, 0x7C00u}, /* 65520: tie, even -> Inf */
        {0xC77FF000u, 0xFC00u}, /* -65520 */
        {0x7F7FFFFFu, 0x7C00u}, /* FLT_MAX */
        {0x7F800000u, 0x7C00u}, /* +Inf */
        {0xFF800000u, 0xFC00u}, /* -Inf */
        {0x7FC00000u, 0x7E00u}, /* NaN */
        {0xFFC00001u, 0xFE00u}, /* -NaN */
        {0x7F800001u, 0x7E00u}, /* signalling NaN */
        {0x80000000u, 0x8000u}, /* -0 */
        {0x00000001u, 0x0000u}, /* smallest f32 subnormal */
        {0x80000001u, 0x8000u}, /* -tiny -> -0 */
        {0x33000000u, 0x0000u}, /* 2^-25: tie -> 0 */
        {0x33000001u, 0x0001u}, /* 2^-25 + ulp */
        {0x33400000u, 0x0001u}, /* 3*2^-26 -> 2^-24 */
        {0x33C00000u, 0x0002u}, /* 3*2^-25: tie -> 2 (even) */
        {0x387FC000u, 0x03FFu}, /* largest f16 subnormal */
        {0x387FE000u, 0x0400u}, /* midpoint to smallest normal -> even 0x0400 */
        {0x3F800000u, 0x3C00u}, /* 1 */
        {0x3F801000u, 0x3C00u}, /* 1 + 2^-11: tie -> 1 */
        {0x3F803000u, 0x3C02u}, /* 1 + 3*2^-11: tie -> even */
    };
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_u32(g, "f32_to_f16 case", cases[i].in, kvl_f32_to_f16(float_of(cases[i].in)),
                   cases[i].out);
        expect_u32(g, "oracle_f16 case", cases[i].in, oracle_f16(t, float_of(cases[i].in)),
                   cases[i].out);
    }
    for (c = 0; c < F16_N; c++) {
        check_around(g, t, "f32_to_f16", enc_f16, orc_f16, t->f16[c],
                     c + 1u < F16_N ? t->f16[c + 1u] : 65536.0);
    }
    /* underflow / subnormal range: f32 exponent fields 90..115, random mantissas */
    for (e = 90; e <= 115; e++) {
        for (i = 0; i < 4096u; i++) {
            float x = float_of((rng_u32(&r) & 0x807FFFFFu) | (e << 23));
            expect_u32(g, "f32_to_f16 subnormal", bits_of(x), kvl_f32_to_f16(x), oracle_f16(t, x));
        }
    }
}

static void test_f16_random(group *g, const tables *t)
{
    uint32_t i;
    rng r = {0x5EED0F16ull};
    for (i = 0; i < 1000000u; i++) { /* any bit pattern */
        float x = float_of(rng_u32(&r));
        expect_u32(g, "f32_to_f16 random", bits_of(x), kvl_f32_to_f16(x), oracle_f16(t, x));
    }
    for (i = 0; i < 1000000u; i++) { /* exponent field 96..143: the f16 range */
        uint32_t u = rng_u32(&r);
        uint32_t e = 96u + ((u >> 23) & 0xFFu) % 48u;
        float x = float_of((u & 0x807FFFFFu) | (e << 23));
        expect_u32(g, "f32_to_f16 in-range", bits_of(x), kvl_f32_to_f16(x), oracle_f16(t, x));
    }
}

/* ---- group 7-8: f32 -> bfloat16 ------------------------------------- */

static void test_bf16_boundaries(group *g, const tables *t)
{
    uint32_t c, i;
    static const struct {
        uint32_t in;
        uint16_t out;
    } cases[] = {
        {0x7F7F0000u, 0x7F7Fu}, /* largest finite bf16 */
        {0x7F7F7FFFu, 0x7F7Fu}, /* just below the midpoint to 2^128 */
        {0x7F7F8000u, 0x7F80u}, /* midpoint, odd -> Inf */
        {0x7F7FFFFFu, 0x7F80u}, /* FLT_MAX */
        {0xFF7FFFFFu, 0xFF80u},
        {0x7FC00000u, 0x7FC0u}, /* NaN */
        {0xFF800001u, 0xFFC0u}, /* -sNaN -> quiet, sign kept */
        {0x7F800001u, 0x7FC0u}, /* sNaN with payload only in the low half */
        {0x80000000u, 0x8000u}, /* -0 */
        {0x00008000u, 0x0000u}, /* tie -> even 0 */
        {0x00008001u, 0x0001u},
        {0x80018000u, 0x8002u}, /* tie -> even */
        {0x3F808000u, 0x3F80u}, /* 1 + 2^-8: tie -> 1 */
        {0x3F818000u, 0x3F82u}, /* tie -> even */
        {0x3F80FFFFu, 0x3F81u},
    };
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_u32(g, "f32_to_bf16 case", cases[i].in, kvl_f32_to_bf16(float_of(cases[i].in)),
                   cases[i].out);
        expect_u32(g, "oracle_bf16 case", cases[i].in, oracle_bf16(t, float_of(cases[i].in)),
                   cases[i].out);
    }
    for (c = 0; c < BF16_N; c++) {
        check_around(g, t, "f32_to_bf16", enc_bf16, orc_bf16, t->bf16[c],
                     c + 1u < BF16_N ? t->bf16[c + 1u] : ldexp(1.0, 128));
    }
}

static void test_bf16_random(group *g, const tables *t)
{
    uint32_t i;
    rng r = {0x5EEDBF16ull};
    for (i = 0; i < 1000000u; i++) {
        float x = float_of(rng_u32(&r));
        expect_u32(g, "f32_to_bf16 random", bits_of(x), kvl_f32_to_bf16(x), oracle_bf16(t, x));
    }
}

/* ---- group 9-11: E4M3FN --------------------------------------------- */

static void test_e4m3_decode(group *g)
{
    uint32_t c;
    for (c = 0; c < 256u; c++) {
        float y = kvl_e4m3_to_f32((uint8_t)c);
        int neg = (c & 0x80u) != 0;
        int ok;
        if ((c & 0x7Fu) == 0x7Fu) {
            ok = isnan(y);
        } else {
            /* (-1)^s * 2^(E-7) * (1 + M/8), or 2^-6 * M/8 for E == 0 */
            uint32_t e = (c >> 3) & 0xFu, m = c & 7u;
            double want = e ? pow(2.0, (double)e - 7.0) * (1.0 + (double)m / 8.0)
                            : pow(2.0, -6.0) * ((double)m / 8.0);
            ok = ((double)y == (neg ? -want : want)) && ((bits_of(y) >> 31) == (uint32_t)neg);
            /* round trip */
            expect_u32(g, "e4m3->f32->e4m3", c, kvl_f32_to_e4m3(y), c);
        }
        expect_true(g, "e4m3_to_f32 value", c, ok);
    }
    expect_true(g, "e4m3 0x7E == 448", 0x7E, kvl_e4m3_to_f32(0x7E) == 448.0f);
    expect_true(g, "e4m3 0x01 == 2^-9", 0x01, (double)kvl_e4m3_to_f32(0x01) == ldexp(1.0, -9));
}

static void test_e4m3_boundaries(group *g, const tables *t)
{
    uint32_t c, i;
    static const struct {
        uint32_t in;
        uint8_t out;
        const char *what;
    } cases[] = {
        {0x43C80000u, 0x7Cu, "400 -> 384 (tie, even)"},
        {0x43C00000u, 0x7Cu, "384 -> 384"},
        {0x43D00000u, 0x7Du, "416 -> 416"},
        {0x43E00000u, 0x7Eu, "448 -> 448"},
        {0x43E08000u, 0x7Eu, "449 -> 448"},
        {0x43E80000u, 0x7Eu, "464 -> 448 (tie, even)"},
        {0x43E88000u, 0x7Eu, "465 -> 448 (saturate)"},
        {0x43F00000u, 0x7Eu, "480 -> 448"},
        {0x7149F2CAu, 0x7Eu, "1e30 -> 448"},
        {0x4E6E6B28u, 0x7Eu, "1e9 -> 448"},
        {0x7F7FFFFFu, 0x7Eu, "FLT_MAX -> 448"},
        {0x7F800000u, 0x7Eu, "Inf -> 448"},
        {0xFF800000u, 0xFEu, "-Inf -> -448"},
        {0xC3C80000u, 0xFCu, "-400 -> -384"},
        {0xC3E88000u, 0xFEu, "-465 -> -448"},
        {0x3A800000u, 0x00u, "2^-10 -> 0 (tie, even)"},
        {0xBA800000u, 0x80u, "-2^-10 -> -0"},
        {0x3A800001u, 0x01u, "2^-10 + ulp -> 2^-9"},
        {0x3A400000u, 0x00u, "3*2^-12 -> 0"},
        {0x3AC00000u, 0x01u, "3*2^-11 -> 2^-9"},
        {0x3B400000u, 0x02u, "3*2^-10 -> 2*2^-9 (tie, even)"},
        {0x3BA00000u, 0x02u, "5*2^-10 -> 2*2^-9 (tie, even)"},
        {0x3C700000u, 0x08u, "15*2^-10 -> 2^-6 (tie, even: smallest normal)"},
        {0x3B000000u, 0x01u, "2^-9 -> 0x01"},
        {0x00000001u, 0x00u, "tiny -> 0"},
        {0x80000001u, 0x80u, "-tiny -> -0"},
        {0x80000000u, 0x80u, "-0 -> -0"},
        {0x7FC00000u, 0x7Fu, "NaN -> 0x7F"},
        {0xFFC00000u, 0xFFu, "-NaN -> 0xFF"},
        {0x3F880000u, 0x38u, "1.0625 -> 1 (tie, even)"},
        {0x3F980000u, 0x3Au, "1.1875 -> 1.25 (tie, even)"},
    };
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t got = kvl_f32_to_e4m3(float_of(cases[i].in));
        if (got != cases[i].out && g->fails < MAX_REPORTS) {
            printf("  %s: case %s\n", g->name, cases[i].what);
        }
        expect_u32(g, "f32_to_e4m3 case", cases[i].in, got, cases[i].out);
        expect_u32(g, "oracle_e4m3 case", cases[i].in, oracle_e4m3(t, float_of(cases[i].in)),
                   cases[i].out);
    }
    /* every code, midpoint and +-1 ulp; above 0x7E the would-be next value is 480 */
    for (c = 0; c < E4M3_N; c++) {
        check_around(g, t, "f32_to_e4m3", enc_e4m3, orc_e4m3, t->e4m3[c],
                     c + 1u < E4M3_N ? t->e4m3[c + 1u] : 480.0);
    }
    /* every f32 exponent boundary: 2^k and its neighbours, k = -149..127 */
    for (c = 0; c < 255u; c++) {
        uint32_t u = c << 23;
        int d;
        for (d = -1; d <= 1; d++) {
            if (u == 0 && d < 0) {
                continue;
            }
            {
                float x = float_of((uint32_t)((int64_t)u + d));
                expect_u32(g, "f32_to_e4m3 pow2", bits_of(x), kvl_f32_to_e4m3(x),
                           oracle_e4m3(t, x));
            }
        }
    }
}

static void test_e4m3_random(group *g, const tables *t)
{
    uint32_t i;
    rng r = {0x5EEDE4E3ull};
    for (i = 0; i < 200000u; i++) { /* any bit pattern */
        float x = float_of(rng_u32(&r));
        expect_u32(g, "f32_to_e4m3 random", bits_of(x), kvl_f32_to_e4m3(x), oracle_e4m3(t, x));
    }
    for (i = 0; i < 300000u; i++) { /* exponent field 112..138: the E4M3 range */
        uint32_t u = rng_u32(&r);
        uint32_t e = 112u + ((u >> 23) & 0xFFu) % 27u;
        float x = float_of((u & 0x807FFFFFu) | (e << 23));
        expect_u32(g, "f32_to_e4m3 in-range", bits_of(x), kvl_f32_to_e4m3(x), oracle_e4m3(t, x));
    }
}

/* ---- group 12: f32 -> binary16 rounded up (FP8 F16 scales) ---------- */

static void test_f16_up(group *g, const tables *t)
{
    uint32_t c, i;
    rng r = {0x5EED00F1ull};
    for (c = 0; c < F16_N; c++) {
        float v = (float)t->f16[c];
        uint32_t u = bits_of(v);
        expect_u32(g, "f16_up exact", u, kvl_f32_to_f16_up(v), c);
        expect_u32(g, "f16_up +ulp", u + 1u, kvl_f32_to_f16_up(float_of(u + 1u)), c + 1u);
        if (u != 0) {
            expect_u32(g, "f16_up -ulp", u - 1u, kvl_f32_to_f16_up(float_of(u - 1u)), c);
        }
    }
    expect_u32(g, "f16_up 0", 0, kvl_f32_to_f16_up(0.0f), 0x0000u);
    expect_u32(g, "f16_up 65504", 0x477FE000u, kvl_f32_to_f16_up(65504.0f), 0x7BFFu);
    expect_u32(g, "f16_up 65504.1", bits_of(65504.1f), kvl_f32_to_f16_up(65504.1f), 0x7C00u);
    expect_u32(g, "f16_up FLT_MAX", 0x7F7FFFFFu, kvl_f32_to_f16_up(FLT_MAX), 0x7C00u);
    expect_u32(g, "f16_up tiny", 1u, kvl_f32_to_f16_up(float_of(1u)), 0x0001u);
    expect_u32(g, "f16_up 1e-30", bits_of(1e-30f), kvl_f32_to_f16_up(1e-30f), 0x0001u);
    expect_u32(g, "f16_up 1", 0, kvl_f32_to_f16_up(1.0f), 0x3C00u);
    /* 1/448 is not a binary16 value: the result is the next one up */
    {
        float s = 1.0f / 448.0f;
        uint16_t h = kvl_f32_to_f16_up(s);
        expect_true(g, "f16_up(1/448) >= 1/448", bits_of(s),
                    (double)kvl_f16_to_f32(h) >= (double)s &&
                        (double)kvl_f16_to_f32((uint16_t)(h - 1u)) < (double)s);
    }
    for (i = 0; i < 1000000u; i++) { /* non-negative finite, exponent field 96..143 */
        uint32_t u = rng_u32(&r);
        uint32_t e = 96u + ((u >> 23) & 0xFFu) % 48u;
        float x = float_of((u & 0x007FFFFFu) | (e << 23));
        expect_u32(g, "f16_up random", bits_of(x), kvl_f32_to_f16_up(x), oracle_f16_up(t, x));
    }
    for (i = 0; i < 200000u; i++) { /* any non-negative finite */
        float x = float_of(rng_u32(&r) & 0x7FFFFFFFu);
        if (isnan(x) || isinf(x)) {
            continue;
        }
        expect_u32(g, "f16_up random any", bits_of(x), kvl_f32_to_f16_up(x), oracle_f16_up(t, x));
    }
}

/* ---- group 13: rne_int ---------------------------------------------- */

static void check_round(group *g, float x)
{
    float got = kvl_round_even(x);
    float want = oracle_round_even(x);
    if (isnan(x)) {
        expect_true(g, "round_even NaN", bits_of(x), isnan(got));
    } else {
        expect_u32(g, "round_even", bits_of(x), bits_of(got), bits_of(want));
    }
}

static void test_round_even(group *g)
{
    uint32_t e, i;
    int32_t k;
    rng r = {0x5EED0DDull};
    static const struct {
        uint32_t in, out;
    } cases[] = {
        {0xBECCCCCDu, 0x80000000u}, /* -0.4 -> -0 */
        {0x40200000u, 0x40000000u}, /* 2.5 -> 2 */
        {0xC0600000u, 0xC0800000u}, /* -3.5 -> -4 */
        {0x3F000000u, 0x00000000u}, /* 0.5 -> 0 */
        {0xBF000000u, 0x80000000u}, /* -0.5 -> -0 */
        {0x3FC00000u, 0x40000000u}, /* 1.5 -> 2 */
        {0x3EFFFFFFu, 0x00000000u}, /* 0.49999997 -> 0 */
        {0x3F000001u, 0x3F800000u}, /* 0.50000006 -> 1 */
        {0x80000000u, 0x80000000u}, /* -0 */
        {0x80000001u, 0x80000000u}, /* -tiny -> -0 */
        {0x4AFFFFFFu, 0x4B000000u}, /* 8388607.5 -> 8388608 */
        {0x4AFFFFFDu, 0x4AFFFFFCu}, /* 8388606.5 -> 8388606 */
        {0x4B000001u, 0x4B000001u}, /* 2^23 + 1 unchanged */
        {0x7F7FFFFFu, 0x7F7FFFFFu}, /* FLT_MAX */
        {0xFF800000u, 0xFF800000u}, /* -Inf */
    };
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_u32(g, "round_even case", cases[i].in,
                   bits_of(kvl_round_even(float_of(cases[i].in))), cases[i].out);
        expect_u32(g, "oracle_round case", cases[i].in,
                   bits_of(oracle_round_even(float_of(cases[i].in))), cases[i].out);
    }
    /* every k + 0.5 and k +- 1 ulp of it, |k| <= 20000, and integers */
    for (k = -20000; k <= 20000; k++) {
        float h = (float)k + 0.5f; /* exact */
        uint32_t u = bits_of(h);
        check_round(g, h);
        check_round(g, float_of(u + 1u));
        if ((u & 0x7FFFFFFFu) != 0) {
            check_round(g, float_of(u - 1u));
        }
        check_round(g, (float)k);
    }
    /* stratified: every exponent field, 4096 mantissas, both signs */
    for (e = 0; e < 256u; e++) {
        for (i = 0; i < 4096u; i++) {
            uint32_t u = (e << 23) | (i << 11) | (rng_u32(&r) & 0x7FFu);
            check_round(g, float_of(u));
            check_round(g, float_of(u | 0x80000000u));
        }
    }
    for (i = 0; i < 1000000u; i++) {
        check_round(g, float_of(rng_u32(&r)));
    }
}

/* ---- group 14: sum8 / dot8 ------------------------------------------ */

/* literal transcription of spec §2.3 */
static float ref_sum8(const float *v, uint32_t n)
{
    float a0 = v[0], a1 = v[1], a2 = v[2], a3 = v[3], a4 = v[4], a5 = v[5], a6 = v[6], a7 = v[7];
    uint32_t m;
    for (m = 1; m < n / 8u; m++) {
        a0 = a0 + v[8u * m + 0u];
        a1 = a1 + v[8u * m + 1u];
        a2 = a2 + v[8u * m + 2u];
        a3 = a3 + v[8u * m + 3u];
        a4 = a4 + v[8u * m + 4u];
        a5 = a5 + v[8u * m + 5u];
        a6 = a6 + v[8u * m + 6u];
        a7 = a7 + v[8u * m + 7u];
    }
    return ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
}

static float rand_float(rng *r, uint32_t emin, uint32_t espan)
{
    uint32_t u = rng_u32(r);
    uint32_t e = emin + ((u >> 23) & 0xFFu) % espan;
    return float_of((u & 0x807FFFFFu) | (e << 23));
}

static void test_reduce(group *g)
{
    static const uint32_t sizes[] = {8u, 16u, 24u, 64u, 128u, 1000u, 4096u};
    float a[4096], b[4096], p[4096];
    uint32_t s, trial, i;
    rng r = {0x5EED5A8ull};
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint32_t n = sizes[s];
        for (trial = 0; trial < 50u; trial++) {
            for (i = 0; i < n; i++) {
                a[i] = rand_float(&r, 107u, 40u); /* 2^-20 .. 2^20, mixed signs */
                b[i] = rand_float(&r, 107u, 40u);
                p[i] = a[i] * b[i];
            }
            expect_u32(g, "sum8", n, bits_of(kvl_sum8(a, n)), bits_of(ref_sum8(a, n)));
            expect_u32(g, "dot8", n, bits_of(kvl_dot8(a, b, n)), bits_of(ref_sum8(p, n)));
        }
        /* all -0: the sum keeps the sign */
        for (i = 0; i < n; i++) {
            a[i] = -0.0f;
            b[i] = 1.0f;
        }
        expect_u32(g, "sum8(-0...)", n, bits_of(kvl_sum8(a, n)), 0x80000000u);
        expect_u32(g, "dot8(-0...)", n, bits_of(kvl_dot8(a, b, n)), 0x80000000u);
        a[n - 1u] = 0.0f;
        expect_u32(g, "sum8(-0..,+0)", n, bits_of(kvl_sum8(a, n)), 0x00000000u);
    }
    /* the order matters: 2^24 + 1 + 1 is 2^24 left to right, 2^24 + 2 here */
    for (i = 0; i < 16u; i++) {
        a[i] = 0.0f;
    }
    a[0] = 16777216.0f;
    a[1] = 1.0f;
    a[9] = 1.0f;
    expect_u32(g, "sum8 order", 16u, bits_of(kvl_sum8(a, 16u)), bits_of(16777218.0f));
    /* a product is rounded before it is added: (1+2^-12)^2 = 1 + 2^-11 + 2^-24 */
    for (i = 0; i < 8u; i++) {
        a[i] = 0.0f;
        b[i] = 0.0f;
    }
    a[0] = b[0] = 1.000244140625f; /* 1 + 2^-12 */
    a[4] = -1.0f;
    b[4] = 1.0f;
    expect_u32(g, "dot8 rounding", 8u, bits_of(kvl_dot8(a, b, 8u)), bits_of(0.00048828125f));
}

/* ---- group 15: CRC-32C ---------------------------------------------- */

/* bit-at-a-time CRC-32C (independent of the table) */
static uint32_t crc_bitwise(const uint8_t *d, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= d[i];
        for (k = 0; k < 8; k++) {
            c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        }
    }
    return ~c;
}

static void test_crc(group *g)
{
    static const uint8_t check[9] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    uint8_t buf[1024];
    size_t i, k;
    rng r = {0x5EEDC2Cull};
    expect_u32(g, "crc32c(123456789)", 9, kvl_crc32c(0, check, 9), 0xE3069283u);
    expect_u32(g, "crc32c(empty)", 0, kvl_crc32c(0, check, 0), 0u);
    for (k = 0; k <= 9; k++) {
        expect_u32(g, "crc32c chain 123456789", (uint32_t)k,
                   kvl_crc32c(kvl_crc32c(0, check, k), check + k, 9 - k), 0xE3069283u);
    }
    /* RFC 3720 (iSCSI) B.4 vectors */
    memset(buf, 0, 32);
    expect_u32(g, "crc32c(32 x 00)", 32, kvl_crc32c(0, buf, 32), 0x8A9136AAu);
    memset(buf, 0xFF, 32);
    expect_u32(g, "crc32c(32 x FF)", 32, kvl_crc32c(0, buf, 32), 0x62A8AB43u);
    for (i = 0; i < 32; i++) {
        buf[i] = (uint8_t)i;
    }
    expect_u32(g, "crc32c(00..1F)", 32, kvl_crc32c(0, buf, 32), 0x46DD794Eu);
    for (i = 0; i < 32; i++) {
        buf[i] = (uint8_t)(31u - i);
    }
    expect_u32(g, "crc32c(1F..00)", 32, kvl_crc32c(0, buf, 32), 0x113FDB5Cu);
    for (i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t)rng_u32(&r);
    }
    for (k = 0; k <= sizeof buf; k += 1) {
        expect_u32(g, "crc32c vs bitwise", (uint32_t)k, kvl_crc32c(0, buf, k), crc_bitwise(buf, k));
        expect_u32(g, "crc32c chain", (uint32_t)k,
                   kvl_crc32c(kvl_crc32c(0, buf, k), buf + k, sizeof buf - k),
                   crc_bitwise(buf, sizeof buf));
    }
}

/* ---- group 16: regression digest ------------------------------------ */

static void put_le(uint8_t *p, uint32_t v, int nbytes)
{
    int i;
    for (i = 0; i < nbytes; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* SHA-256 over, for every f32 exponent field (256) x 4096 mantissa patterns x
 * 2 signs: f32_to_f16 (2 bytes LE), f32_to_bf16 (2), f32_to_e4m3 (1),
 * round_even bits (4), f32_to_f16_up (2). The mantissa patterns put i in bits
 * 22..11 and one of eight low patterns in bits 10..0, so every rounding
 * position (f16 bit 12, bf16 bit 15, E4M3 bit 19, rne_int all) sees exact ties,
 * near-ties and sticky bits. */
static void test_digest(group *g)
{
    static const uint32_t low[8] = {0x000u, 0x001u, 0x7FFu, 0x400u, 0x3FFu, 0x401u, 0x155u, 0x6AAu};
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    uint8_t rec[11];
    uint32_t e, i, s;
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    for (e = 0; ok && e < 256u; e++) {
        for (i = 0; i < 4096u; i++) {
            for (s = 0; s < 2u; s++) {
                float x = float_of((s << 31) | (e << 23) | (i << 11) | low[i & 7u]);
                put_le(rec + 0, kvl_f32_to_f16(x), 2);
                put_le(rec + 2, kvl_f32_to_bf16(x), 2);
                put_le(rec + 4, kvl_f32_to_e4m3(x), 1);
                put_le(rec + 5, bits_of(kvl_round_even(x)), 4);
                put_le(rec + 9, kvl_f32_to_f16_up(x), 2);
                ok = EVP_DigestUpdate(ctx, rec, sizeof rec) == 1;
            }
        }
    }
    ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1;
    EVP_MD_CTX_free(ctx);
    expect_true(g, "EVP SHA-256", 0, ok);
    if (!ok) {
        return;
    }
    for (i = 0; i < mdlen; i++) {
        sprintf(hex + 2 * i, "%02x", md[i]);
    }
    hex[2 * mdlen] = '\0';
    printf("  digest: sha256 %s\n", hex);
    expect_true(g, "digest == EXPECTED_DIGEST", 0, strcmp(hex, EXPECTED_DIGEST) == 0);
}

/* ---- main ------------------------------------------------------------ */

static void finish(group *g, unsigned *passed, unsigned *failed)
{
    printf("%s %-18s %lu checks, %lu failed\n", g->fails ? "FAIL" : "ok  ", g->name, g->checks,
           g->fails);
    if (g->fails) {
        (*failed)++;
    } else {
        (*passed)++;
    }
}

int main(void)
{
    unsigned passed = 0, failed = 0;
    tables *t = (tables *)malloc(sizeof *t);
    group g;
    if (t == NULL) {
        printf("test_numbers: out of memory\n");
        return 1;
    }
    tables_init(t);

#define RUN(label, call)                                                                   \
    do {                                                                                   \
        g.name = label;                                                                    \
        g.checks = 0;                                                                      \
        g.fails = 0;                                                                       \
        call;                                                                              \
        finish(&g, &passed, &failed);                                                      \
    } while (0)

    RUN("f16_decode", test_f16_decode(&g));
    RUN("f16_roundtrip", test_f16_roundtrip(&g));
    RUN("bf16_decode", test_bf16_decode(&g));
    RUN("bf16_roundtrip", test_bf16_roundtrip(&g));
    RUN("f16_boundaries", test_f16_boundaries(&g, t));
    RUN("f16_random", test_f16_random(&g, t));
    RUN("bf16_boundaries", test_bf16_boundaries(&g, t));
    RUN("bf16_random", test_bf16_random(&g, t));
    RUN("e4m3_decode", test_e4m3_decode(&g));
    RUN("e4m3_boundaries", test_e4m3_boundaries(&g, t));
    RUN("e4m3_random", test_e4m3_random(&g, t));
    RUN("f16_up", test_f16_up(&g, t));
    RUN("round_even", test_round_even(&g));
    RUN("sum8_dot8", test_reduce(&g));
    RUN("crc32c", test_crc(&g));
    RUN("digest", test_digest(&g));
#undef RUN

    free(t);
    printf("test_numbers: %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
