/* test_checkasm.c -- differential test of the fast kernels (fast/) against the
 * reference kernels (ref/), in the style of dav1d/x264 checkasm.
 *
 * Every entry of the kernel table (ref/kernels.h) is called through
 * kvl_kernels_ref and kvl_kernels_avx2 with the same seeded random inputs --
 * all parameters of the format plus edge cases (ties, lattice box edges, zero
 * vectors, subnormals, huge values, E4M3 saturation, f16 overflow, corrupted
 * records) -- and the status, return values and output bytes are compared
 * byte for byte. Every output buffer has guard bytes on both sides, checked
 * after each call; inputs are allocated to their exact size so that ASan
 * builds catch over-reads.
 *
 *   test_checkasm [--seed N] [--function NAME] [--list]
 *
 * The seed is printed at the start and with every failure; `--seed N
 * --function NAME` reruns exactly the failing inputs (each function reseeds
 * from the seed and its name). Exit 77 (skip) when the CPU lacks AVX2.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels.h"

/* fast/fast.h (not on this test's include path on purpose: only these two) */
extern const kvl_kernels kvl_kernels_avx2;
int kvl_cpu_has_avx2(void);

static const kvl_kernels *const R = &kvl_kernels_ref;
static const kvl_kernels *const F = &kvl_kernels_avx2;

static int g_pass, g_fail, g_func_fail;
static uint64_t g_seed;
static const char *g_func = "";

/* Report a failure (the first 10 of a function in detail). */
static void failf(const char *fmt, ...)
{
    va_list ap;
    g_fail++;
    if (++g_func_fail > 10)
        return;
    printf("FAIL %s (seed %llu): ", g_func, (unsigned long long)g_seed);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n  rerun: test_checkasm --seed %llu --function %s\n", (unsigned long long)g_seed, g_func);
}

/* one comparison = one pass or one failure */
#define CHECK(cond, ...)          \
    do {                          \
        if (cond)                 \
            g_pass++;             \
        else                      \
            failf(__VA_ARGS__);   \
    } while (0)

/* ---- seeded random numbers ------------------------------------------------ */
static uint64_t g_rng;
static uint64_t rnd(void)
{
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint32_t rnd_below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0u; }
static double rnd_unit(void) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0); }
static float rnd_gauss(void)
{
    double u = rnd_unit() + 1e-300, v = rnd_unit();
    return (float)(sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v));
}
static float bits_f(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static uint32_t f_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* Edge values of the number formats (spec §2.2, §6.3). */
static const uint32_t kEdgeBits[] = {
    0x00000000u, 0x80000000u, 0x00000001u, 0x007FFFFFu, 0x00800000u, 0x00400000u, /* 0, -0, subnormals, min normal */
    0x3F800000u, 0x3F000000u, 0x3FC00000u, 0x40200000u, 0xBF000000u, 0xC0200000u, /* 1, .5, 1.5, 2.5, -.5, -2.5 */
    0x43E00000u, 0x43E80000u, 0x43E80001u, 0x43F00000u, 0x43C80000u, 0xC47A0000u, /* 448, 464, 464+, 480, 400, -1000 */
    0x3A800000u, 0xBA800000u, 0x3B000000u, 0x3C800000u, 0x3C7FFFFFu,             /* 2^-10, -2^-10, 2^-9, 2^-6, 2^-6- */
    0x477FE000u, 0x477FF000u, 0x477FEFFFu, 0x477FFFFFu, 0x47800000u,             /* 65504, 65520, 65519.99, .., 65536 */
    0x7F7FFFFFu, 0xFF7FFFFFu, 0x7F7F8000u, 0x7F7F7FFFu,                           /* FLT_MAX, bf16 overflow edges */
    0x44800000u, 0x44800001u, 0xC4800000u, 0xC4800001u,                           /* +-1024, just above */
    0x33800000u, 0x33000000u, 0x387FC000u, 0x38800000u,                           /* f16 subnormal edges */
    0x4B000000u, 0x4AFFFFFFu, 0x4B7FFFFFu, 0x3EFFFFFFu,                           /* 2^23, 8388607.5, .., 0.4999 */
    0x04600000u, 0x04600001u, 0x045FFFFFu, 0x04E00000u,                           /* 448 * 2^-127 (UE8M0 E 0/1) */
};
#define N_EDGE (sizeof kEdgeBits / sizeof kEdgeBits[0])

static float rnd_edge(void) { return bits_f(kEdgeBits[rnd_below((uint32_t)N_EDGE)]); }

/* A finite float of some magnitude class. */
static float rnd_finite(void)
{
    switch (rnd_below(8)) {
    case 0:
        return rnd_edge();
    case 1: /* any finite pattern */
    {
        uint32_t u;
        do
            u = (uint32_t)rnd();
        while ((u & 0x7F800000u) == 0x7F800000u);
        return bits_f(u);
    }
    case 2: /* quantised: many exact ties */
        return (float)((int32_t)rnd_below(4001) - 2000) * 0.125f;
    case 3: /* subnormal */
        return bits_f((uint32_t)(rnd() & 0x807FFFFFu));
    default:
        return rnd_gauss() * (float)pow(10.0, (double)rnd_below(9) - 4.0);
    }
}

/* Any float, NaN and Inf included. */
static float rnd_any(void)
{
    uint32_t r = rnd_below(16);
    if (r == 0)
        return bits_f(0x7F800000u | ((uint32_t)rnd() & 0x807FFFFFu)); /* Inf or NaN */
    return rnd_finite();
}

/* ---- guarded output buffers ------------------------------------------------ */
#define GUARD 64u
typedef struct gbuf {
    uint8_t *raw;
    uint8_t *p; /* GUARD bytes after raw */
    size_t n;
} gbuf;

static uint8_t *gb_new(gbuf *g, size_t n, uint8_t fill)
{
    g->n = n;
    g->raw = (uint8_t *)malloc(n + 2u * GUARD);
    if (!g->raw) {
        printf("out of memory\n");
        exit(1);
    }
    memset(g->raw, 0xA5, GUARD);
    memset(g->raw + GUARD + n, 0x5A, GUARD);
    g->p = g->raw + GUARD;
    memset(g->p, fill, n);
    return g->p;
}

static int gb_ok(const gbuf *g)
{
    size_t i;
    for (i = 0; i < GUARD; i++)
        if (g->raw[i] != 0xA5u || g->raw[GUARD + g->n + i] != 0x5Au)
            return 0;
    return 1;
}

static void gb_free(gbuf *g) { free(g->raw); }

/* Exact-size copy of an input (ASan sees reads past it). */
static void *dup_exact(const void *p, size_t n)
{
    void *q = malloc(n ? n : 1u);
    if (!q) {
        printf("out of memory\n");
        exit(1);
    }
    if (n)
        memcpy(q, p, n);
    return q;
}

/* Both output buffers guarded and equal. */
static void check_out(const char *what, const gbuf *a, const gbuf *b)
{
    CHECK(gb_ok(a) && gb_ok(b), "%s: guard bytes overwritten (ref %d, avx2 %d)", what, gb_ok(a), gb_ok(b));
    CHECK(a->n == b->n && memcmp(a->p, b->p, a->n) == 0, "%s: output bytes differ", what);
}

/* float arrays equal bit for bit, every NaN equal to every NaN (NaNs only
 * arise where the codec reports RANGE and drops the values). */
static int same_floats(const float *a, const float *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int na = a[i] != a[i], nb = b[i] != b[i];
        if (na || nb) {
            if (!(na && nb))
                return 0;
        } else if (f_bits(a[i]) != f_bits(b[i])) {
            return 0;
        }
    }
    return 1;
}

static const char *dt_name(uint32_t dt) { return dt == 0 ? "f32" : dt == 1 ? "f16" : "bf16"; }

/* ---- §2.6 crc32c ---------------------------------------------------------- */
static void t_crc32c(void)
{
    static uint8_t buf[20100];
    int it;
    for (it = 0; it < 2000; it++) {
        /* short buffers, then long ones (the 3-stream path and its joins) */
        size_t off = rnd_below(16), len = rnd_below(it < 1000 ? 64u : it < 1500 ? 1060u : 20080u), i;
        uint32_t prev = (it & 1) ? (uint32_t)rnd() : 0u;
        uint8_t *in;
        for (i = 0; i < sizeof buf; i++)
            buf[i] = (uint8_t)rnd();
        in = (uint8_t *)dup_exact(buf + off, len);
        CHECK(R->crc32c(prev, in, len) == F->crc32c(prev, in, len), "len %zu off %zu", len, off);
        free(in);
    }
    CHECK(F->crc32c(0, (const uint8_t *)"123456789", 9) == 0xE3069283u, "check value");
}

/* ---- §2.2 / §10.1 load, §2.2.5 store ---------------------------------------- */
static void t_load_f32(void)
{
    int it;
    for (it = 0; it < 3000; it++) {
        uint32_t dt = rnd_below(3), es = dt == 0 ? 4u : 2u;
        size_t n = rnd_below(it < 100 ? 9u : 300u), i;
        int bad_rate = (int)rnd_below(3); /* 0: none, else NaN/Inf sometimes */
        uint8_t *in = (uint8_t *)malloc(n * es + 1u);
        gbuf a, b;
        int sa, sb;
        for (i = 0; i < n; i++) {
            if (dt == 0) {
                float v = bad_rate && rnd_below(200) == 0 ? rnd_any() : rnd_finite();
                memcpy(in + 4u * i, &v, 4);
            } else {
                uint16_t h = (uint16_t)rnd();
                if (!bad_rate) /* keep the exponent away from all ones */
                    h = (uint16_t)(dt == 1 ? ((h & 0x7C00u) == 0x7C00u ? h & 0xBFFFu : h)
                                           : ((h & 0x7F80u) == 0x7F80u ? h & 0xBFFFu : h));
                memcpy(in + 2u * i, &h, 2);
            }
        }
        gb_new(&a, n * 4u, 0xCD);
        gb_new(&b, n * 4u, 0xCD);
        sa = R->load_f32(in, dt, n, (float *)a.p);
        sb = F->load_f32(in, dt, n, (float *)b.p);
        CHECK(sa == sb, "%s n %zu: status ref %d avx2 %d", dt_name(dt), n, sa, sb);
        CHECK(gb_ok(&a) && gb_ok(&b), "%s n %zu: guards", dt_name(dt), n);
        if (sa == KVL_OK && sb == KVL_OK)
            CHECK(memcmp(a.p, b.p, n * 4u) == 0, "%s n %zu: values differ", dt_name(dt), n);
        gb_free(&a);
        gb_free(&b);
        free(in);
    }
}

/* store_f32 on n values; prefix semantics on RANGE included. */
static void store_case(const float *v, size_t n, uint32_t dt, const char *what)
{
    size_t es = dt == 0 ? 4u : 2u;
    float *in = (float *)dup_exact(v, n * 4u);
    gbuf a, b;
    int sa, sb;
    gb_new(&a, n * es, 0xCD);
    gb_new(&b, n * es, 0xCD);
    sa = R->store_f32(in, dt, n, a.p);
    sb = F->store_f32(in, dt, n, b.p);
    CHECK(sa == sb, "%s %s n %zu: status ref %d avx2 %d", what, dt_name(dt), n, sa, sb);
    check_out(what, &a, &b);
    gb_free(&a);
    gb_free(&b);
    free(in);
}

static void t_store_f32(void)
{
    float *v = (float *)malloc(65536u * 8u * sizeof(float));
    static const uint32_t lows[8] = {0x0000u, 0x7FFFu, 0x8000u, 0x8001u, 0xFFFFu, 0x1000u, 0x0FFFu, 0x0001u};
    uint32_t dt, hi, j;
    int it;
    /* sweep: every upper half with rounding-critical low halves, finite only
     * (a non-finite value stops the store at the first one) */
    for (dt = 0; dt < 3u; dt++) {
        size_t n = 0;
        for (hi = 0; hi < 65536u; hi++) {
            if ((hi & 0x7F80u) == 0x7F80u)
                continue;
            for (j = 0; j < 8u; j++) {
                float x = bits_f((hi << 16) | (j < 7u ? lows[j] : (uint32_t)rnd() & 0xFFFFu));
                /* values that overflow the dtype end the store: they are
                 * covered by the short random cases below */
                if ((dt == 1 && (kvl_f32_to_f16(x) & 0x7C00u) == 0x7C00u) ||
                    (dt == 2 && (kvl_f32_to_bf16(x) & 0x7F80u) == 0x7F80u))
                    continue;
                v[n++] = x;
            }
        }
        store_case(v, n, dt, "sweep");
    }
    for (it = 0; it < 3000; it++) {
        size_t n = rnd_below(it < 100 ? 9u : 200u), i;
        dt = rnd_below(3);
        for (i = 0; i < n; i++)
            v[i] = rnd_below(100) == 0 ? rnd_any() : rnd_finite();
        store_case(v, n, dt, "random");
    }
    free(v);
}

/* ---- §2.3 dot8, §7.2 fwht ------------------------------------------------ */
static void t_dot8(void)
{
    int it;
    for (it = 0; it < 3000; it++) {
        uint32_t n = 8u << rnd_below(7), i, kind = rnd_below(4);
        float *a = (float *)malloc(n * 4u), *b = (float *)malloc(n * 4u), ra, fa;
        for (i = 0; i < n; i++) {
            a[i] = kind == 0 ? rnd_gauss() : kind == 1 ? rnd_finite() : kind == 2 ? -0.0f : rnd_any();
            b[i] = kind == 2 ? (i & 1 ? -0.0f : 0.0f) : kind == 0 ? rnd_gauss() : rnd_finite();
        }
        ra = R->dot8(a, b, n);
        fa = F->dot8(a, b, n);
        CHECK(same_floats(&ra, &fa, 1), "n %u kind %u: %a vs %a", n, kind, (double)ra, (double)fa);
        free(a);
        free(b);
    }
}

static void t_fwht_f32(void)
{
    int it;
    for (it = 0; it < 2000; it++) {
        uint32_t d = 1u << rnd_below(10), i, kind = rnd_below(4);
        float *x = (float *)malloc(d * 4u);
        gbuf a, b;
        for (i = 0; i < d; i++)
            x[i] = kind == 0 ? rnd_gauss() : kind == 1 ? rnd_finite() : kind == 2 ? (i & 3 ? -0.0f : 0.0f)
                                                                                  : bits_f(0x7E000000u | ((uint32_t)rnd() & 0x80FFFFFFu));
        gb_new(&a, d * 4u, 0);
        gb_new(&b, d * 4u, 0);
        memcpy(a.p, x, d * 4u);
        memcpy(b.p, x, d * 4u);
        R->fwht_f32((float *)a.p, d);
        F->fwht_f32((float *)b.p, d);
        CHECK(gb_ok(&a) && gb_ok(&b), "d %u: guards", d);
        CHECK(same_floats((const float *)a.p, (const float *)b.p, d), "d %u kind %u: values differ", d, kind);
        gb_free(&a);
        gb_free(&b);
        free(x);
    }
}

static void t_fwht_i32(void)
{
    int it;
    for (it = 0; it < 2000; it++) {
        uint32_t d = 1u << rnd_below(10), i;
        int32_t lim = (int32_t)(0x7FFFFFFF / (int32_t)d); /* sum |v| < 2^31: no overflow */
        gbuf a, b;
        gb_new(&a, d * 4u, 0);
        gb_new(&b, d * 4u, 0);
        for (i = 0; i < d; i++) {
            int32_t v = it % 3 == 0 ? (int32_t)rnd_below(9) - 4 : (int32_t)((int64_t)(rnd() % (2u * (uint64_t)lim + 1u)) - lim);
            memcpy(a.p + 4u * i, &v, 4);
            memcpy(b.p + 4u * i, &v, 4);
        }
        R->fwht_i32((int32_t *)a.p, d);
        F->fwht_i32((int32_t *)b.p, d);
        check_out("fwht_i32", &a, &b);
        gb_free(&a);
        gb_free(&b);
    }
}

/* ---- §7.4 - §7.6 lattice ----------------------------------------------------- */
static uint32_t rnd_q(uint32_t lattice)
{
    static const uint32_t kD4[] = {1, 2, 3, 5, 10, 37, 38, 44, 45, 76, 127, 152, 180, 1000, 4095};
    static const uint32_t kE8[] = {1, 2, 3, 5, 10, 37, 38, 41, 48, 49, 76, 99, 117, 118, 127};
    if (rnd_below(2))
        return lattice == KVL_LATTICE_D4 ? kD4[rnd_below(15)] : kE8[rnd_below(15)];
    return 1u + rnd_below(lattice == KVL_LATTICE_D4 ? KVL_MAX_Q_D4 : KVL_MAX_Q_E8);
}

/* z in lattice units around the box [-q, q]: ties, edges, infinities. */
static float rnd_z(uint32_t q)
{
    float fq = (float)q;
    switch (rnd_below(12)) {
    case 0:
        return (float)((int32_t)rnd_below(4 * q + 9) - (int32_t)(2 * q + 4)) * 0.5f;  /* half-integers */
    case 1:
        return (float)((int32_t)rnd_below(8 * q + 17) - (int32_t)(4 * q + 8)) * 0.25f; /* quarters */
    case 2: {
        static const float e[] = {0.0f, -0.0f, 0.5f, -0.5f, 0.25f, -0.25f, 0.75f, 1.5f};
        return e[rnd_below(8)];
    }
    case 3:
        return rnd_below(2) ? fq : -fq;
    case 4:
        return (rnd_below(2) ? 1.0f : -1.0f) * (fq + (rnd_below(2) ? 0.5f : -0.5f));
    case 5:
        return rnd_below(2) ? INFINITY : -INFINITY;
    case 6:
        return (rnd_below(2) ? 1.0f : -1.0f) * (float)pow(10.0, (double)rnd_below(38));
    case 7:
        return bits_f((uint32_t)(rnd() & 0x807FFFFFu)); /* subnormal */
    default:
        return (float)((2.0 * rnd_unit() - 1.0) * (fq + 2.0f));
    }
}

static void lattice_params(uint32_t *lattice, kvl_lattice_info *info, uint32_t *d)
{
    *lattice = rnd_below(2);
    kvl_lattice_get_info(*lattice, rnd_q(*lattice), info);
    *d = 8u << rnd_below(7);
}

static void t_lattice_closest(void)
{
    int it;
    for (it = 0; it < 3000; it++) {
        uint32_t lattice, d, i;
        kvl_lattice_info info;
        float *z;
        gbuf a, b;
        lattice_params(&lattice, &info, &d);
        z = (float *)malloc(d * 4u);
        for (i = 0; i < d; i++)
            z[i] = (it & 1) ? rnd_z(info.q) : (float)(2.0 * rnd_unit() - 1.0) * (float)info.q;
        gb_new(&a, d * 4u, 0xCD);
        gb_new(&b, d * 4u, 0xCD);
        R->lattice_closest(&info, z, d, (int32_t *)a.p);
        F->lattice_closest(&info, z, d, (int32_t *)b.p);
        CHECK(gb_ok(&a) && gb_ok(&b), "%s q %u d %u: guards", lattice ? "e8" : "d4", info.q, d);
        CHECK(memcmp(a.p, b.p, d * 4u) == 0, "%s q %u d %u: codes differ", lattice ? "e8" : "d4", info.q, d);
        gb_free(&a);
        gb_free(&b);
        free(z);
    }
}

/* Valid code vectors: closest points of random z, or unranks of edge indices. */
static void rnd_codes(const kvl_lattice_info *info, uint32_t d, int32_t *k)
{
    uint32_t b, i, nb = d / info->block_dim;
    if (rnd_below(2)) {
        float *z = (float *)malloc(d * 4u);
        for (i = 0; i < d; i++)
            z[i] = rnd_z(info->q);
        R->lattice_closest(info, z, d, k);
        free(z);
        return;
    }
    for (b = 0; b < nb; b++) {
        uint64_t x = rnd() % info->count;
        int32_t *kb = k + b * info->block_dim;
        if (rnd_below(4) == 0)
            x = rnd_below(2) ? info->count - 1u : 0u;
        if (info->block_dim == 8u)
            kvl_e8_unrank(x, (int32_t)info->q, kb);
        else
            kvl_d4_unrank(x, (int32_t)info->q, kb);
    }
}

static void t_lattice_rank(void)
{
    int it;
    for (it = 0; it < 3000; it++) {
        uint32_t lattice, d, nb;
        kvl_lattice_info info;
        int32_t *k, *kin;
        gbuf a, b;
        lattice_params(&lattice, &info, &d);
        nb = d / info.block_dim;
        k = (int32_t *)malloc(d * 4u);
        rnd_codes(&info, d, k);
        kin = (int32_t *)dup_exact(k, d * 4u);
        gb_new(&a, nb * 8u, 0xCD);
        gb_new(&b, nb * 8u, 0xCD);
        R->lattice_rank(&info, kin, d, (uint64_t *)a.p);
        F->lattice_rank(&info, kin, d, (uint64_t *)b.p);
        CHECK(gb_ok(&a) && gb_ok(&b), "%s q %u d %u: guards", lattice ? "e8" : "d4", info.q, d);
        CHECK(memcmp(a.p, b.p, nb * 8u) == 0, "%s q %u d %u: ranks differ", lattice ? "e8" : "d4", info.q, d);
        gb_free(&a);
        gb_free(&b);
        free(k);
        free(kin);
    }
}

static void t_lattice_unrank(void)
{
    int it;
    for (it = 0; it < 4000; it++) {
        uint32_t lattice, d, nb, b;
        kvl_lattice_info info;
        uint64_t *idx, cint;
        gbuf ka, kb;
        int sa, sb;
        lattice_params(&lattice, &info, &d);
        nb = d / info.block_dim;
        cint = info.count;
        if (lattice) { /* E8 integer-coset size (R^8 + 1) / 2 */
            uint64_t r8 = 1;
            for (b = 0; b < 8u; b++)
                r8 *= 2u * (uint64_t)info.q + 1u;
            cint = (r8 + 1u) / 2u;
        }
        idx = (uint64_t *)malloc(nb * 8u);
        for (b = 0; b < nb; b++) {
            switch (rnd_below(10)) {
            case 0:
                idx[b] = info.count - 1u;
                break;
            case 1:
                idx[b] = cint - (uint64_t)rnd_below(2); /* E8: last integer / first half point */
                break;
            case 2:
                idx[b] = 0;
                break;
            default:
                idx[b] = rnd() % info.count;
            }
        }
        if (it % 8 == 0) { /* an index >= count somewhere (as a width-bit field allows): INDEX */
            uint64_t top = info.width >= 64u ? UINT64_MAX : (UINT64_C(1) << info.width) - 1u;
            uint64_t span = top - info.count; /* may be 0 (count a power of two): then count itself */
            idx[rnd_below(nb)] = info.count + (span ? rnd() % span : 0u);
        }
        gb_new(&ka, d * 4u, 0xCD);
        gb_new(&kb, d * 4u, 0xCD);
        sa = R->lattice_unrank(&info, idx, d, (int32_t *)ka.p);
        sb = F->lattice_unrank(&info, idx, d, (int32_t *)kb.p);
        CHECK(sa == sb, "%s q %u d %u: status ref %d avx2 %d", lattice ? "e8" : "d4", info.q, d, sa, sb);
        CHECK(gb_ok(&ka) && gb_ok(&kb), "%s q %u d %u: guards", lattice ? "e8" : "d4", info.q, d);
        if (sa == KVL_OK && sb == KVL_OK)
            CHECK(memcmp(ka.p, kb.p, d * 4u) == 0, "%s q %u d %u: codes differ", lattice ? "e8" : "d4", info.q, d);
        gb_free(&ka);
        gb_free(&kb);
        free(idx);
    }
}

/* ---- §10.3 skeleton -------------------------------------------------------- */
static void t_skeleton_pick_dtype(void)
{
    int it;
    for (it = 0; it < 3000; it++) {
        size_t n = 1u + rnd_below(200), i;
        float *v = (float *)malloc(n * 4u);
        for (i = 0; i < n; i++)
            v[i] = (float)(2.0 * rnd_unit() - 1.0) * 1000.0f;
        if (it % 2)
            v[rnd_below((uint32_t)n)] = rnd_below(4) ? rnd_edge() : rnd_any();
        CHECK(R->skeleton_pick_dtype(v, n) == F->skeleton_pick_dtype(v, n), "n %zu", n);
        free(v);
    }
}

static int parity(uint32_t v)
{
    int p = 0;
    while (v) {
        p ^= (int)(v & 1u);
        v >>= 1;
    }
    return p;
}

/* Sum of 1-3 Walsh functions (rows of the Hadamard matrix): after the
 * encoder's WHT these are exact spikes, so the outlier search sees exact ties
 * (equal amplitudes), corrections beyond +-32767 (huge amplitudes) and
 * vectors whose non-outlier part is exactly zero (the m == 0 rule). */
static void walsh_vector(float *x, uint32_t d, int exact_ties)
{
    uint32_t nc = exact_ties ? 2u + rnd_below(2) : 1u + rnd_below(3), c, i, row[3];
    float amp[3], noise = exact_ties || rnd_below(3) == 0 ? 0.0f : (float)pow(10.0, -(double)rnd_below(4));
    if (!exact_ties && rnd_below(4) == 0) /* a subnormal rest: the scale underflows (erratum E-001) */
        noise = bits_f(1u + rnd_below(0x7FFFFFu));
    for (c = 0; c < nc; c++) {
        row[c] = rnd_below(d);
        amp[c] = c > 0 && (exact_ties || rnd_below(2)) ? amp[0] : (float)pow(10.0, (double)rnd_below(8));
        if (rnd_below(2))
            amp[c] = -amp[c];
    }
    for (i = 0; i < d; i++) {
        float v = noise * (float)((int32_t)rnd_below(5) - 2);
        for (c = 0; c < nc; c++)
            v += parity(i & row[c]) ? -amp[c] : amp[c];
        x[i] = v;
    }
}

/* n vectors of dimension d for the encoder and skeleton tests. */
static void rnd_vectors(float *x, uint32_t n, uint32_t d, int kind)
{
    uint32_t v, i;
    float scale = (float)pow(10.0, (double)rnd_below(7) - 3.0);
    float tiny = rnd_below(2) ? 3e-36f : 1e-37f;
    for (v = 0; v < n; v++) {
        float *xv = x + (size_t)v * d;
        int k = kind >= 0 ? kind : (int)rnd_below(14);
        if (k == 14) { /* mirror pairs m + r, m - r: exact mean m, rows of equal norm */
            for (i = 0; i < d; i++)
                xv[i] = (v & 1u) ? 2.0f * (float)(i % 5u) - xv[(int32_t)i - (int32_t)d]
                                 : (float)(i % 5u) + (float)((int32_t)rnd_below(17) - 8);
            continue;
        }
        if (k == 10 || k == 11) {
            walsh_vector(xv, d, k == 10);
            continue;
        }
        if (k == 12 && v > 0) { /* a copy of an earlier vector (ties between rows) */
            memcpy(xv, x + (size_t)rnd_below(v) * d, (size_t)d * 4u);
            continue;
        }
        for (i = 0; i < d; i++) {
            switch (k) {
            case 0: xv[i] = 0.0f; break;                                    /* zero vector */
            case 1: xv[i] = (i & 1) ? -0.0f : 0.0f; break;                  /* signed zeros */
            case 2: xv[i] = bits_f((uint32_t)(rnd() & 0x800000FFu)); break; /* subnormal: s underflows */
            case 3: xv[i] = rnd_finite(); break;                            /* any magnitude */
            case 4: xv[i] = (float)((int32_t)rnd_below(33) - 16) * 0.5f; break; /* ties */
            case 5: xv[i] = rnd_gauss() * 1e37f; break;                     /* huge: RANGE paths */
            case 6: xv[i] = rnd_edge(); break;
            case 13: xv[i] = rnd_gauss() * tiny; break; /* tiny: subnormal scales */
            default: xv[i] = rnd_gauss() * scale + (i % 7u == 0u ? 3.0f * scale : 0.0f);
            }
        }
        if (k >= 7 && k <= 9 && rnd_below(3) == 0)
            xv[rnd_below(d)] *= 1000.0f; /* an outlier */
        if (k == 13 && tiny < 1e-36f) /* a block maximum at the UE8M0 E = 0 / 1 edge */
            xv[rnd_below(d)] = bits_f(kEdgeBits[N_EDGE - 4u + rnd_below(3)] | (rnd_below(2) ? 0x80000000u : 0u));
    }
}

static void t_skeleton_compute(void)
{
    int it;
    for (it = 0; it < 300; it++) {
        uint32_t d = 8u << rnd_below(5), n = it % 10 == 0 ? 1u : it % 4 == 1 ? 2u + 2u * rnd_below(20) : 1u + rnd_below(40);
        uint32_t rank = rnd_below(d < 8u ? 1u : (d - 1u < 6u ? d - 1u : 6u) + 1u);
        size_t wn = (size_t)n * d + 2u * d + n;
        float *x = (float *)malloc((size_t)n * d * 4u);
        float *wa = (float *)malloc(wn * 4u), *wb = (float *)malloc(wn * 4u);
        uint8_t dt;
        gbuf ma, mb, ba, bb;
        int sa, sb;
        rnd_vectors(x, n, d, it % 4 == 0 ? -1 : it % 4 == 1 ? 14 : it % 8 == 2 ? 12 : 7 + (int)rnd_below(3));
        if (it % 25 == 1)
            rnd_vectors(x, n, d, 0); /* all zero: zero basis rows */
        dt = R->skeleton_pick_dtype(x, (size_t)n * d);
        gb_new(&ma, d * 4u, 0xCD);
        gb_new(&mb, d * 4u, 0xCD);
        gb_new(&ba, (size_t)rank * d * 4u, 0xCD);
        gb_new(&bb, (size_t)rank * d * 4u, 0xCD);
        sa = R->skeleton_compute(d, n, x, rank, dt, (float *)ma.p, (float *)ba.p, wa);
        sb = F->skeleton_compute(d, n, x, rank, dt, (float *)mb.p, (float *)bb.p, wb);
        CHECK(sa == sb, "d %u n %u rank %u: status ref %d avx2 %d", d, n, rank, sa, sb);
        if (sa == KVL_OK && sb == KVL_OK) {
            check_out("skeleton mean", &ma, &mb);
            check_out("skeleton basis", &ba, &bb);
        }
        gb_free(&ma);
        gb_free(&mb);
        gb_free(&ba);
        gb_free(&bb);
        free(x);
        free(wa);
        free(wb);
    }
}

/* ---- records (§6, §7, §10.4, §10.5) ------------------------------------------ */

/* A random valid layout of the given mode (skeleton dtype chosen later);
 * force_k >= 0 sets the LATTICE outlier slots (capped at d/4). */
static void rnd_layout(uint32_t mode, kvl_layout *L, int force_k)
{
    kvl_chunk_params p;
    uint32_t d, rank = 0, has_mean = 0;
    memset(&p, 0, sizeof p);
    p.mode = (uint8_t)mode;
    if (mode == KVL_MODE_RAW) {
        p.raw_dtype = (uint8_t)rnd_below(3);
        d = rnd_below(3) ? 8u << rnd_below(7) : 1u + rnd_below(700);
    } else if (mode == KVL_MODE_FP8) {
        p.fp8_block = (uint16_t)(32u << rnd_below(3));
        p.fp8_scale = (uint8_t)rnd_below(3);
        p.fp8_split_rope = (uint8_t)rnd_below(2);
        d = p.fp8_block * (1u + rnd_below(8)) + (p.fp8_split_rope ? 64u : 0u);
    } else {
        p.lattice = (uint8_t)rnd_below(2);
        p.q = (uint16_t)rnd_q(p.lattice);
        d = 8u << rnd_below(7);
        p.outliers = (uint8_t)(rnd_below(2) ? 0u : rnd_below((d / 4u < 16u ? d / 4u : 16u) + 1u));
        if (force_k >= 0)
            p.outliers = (uint8_t)((uint32_t)force_k < d / 4u ? (uint32_t)force_k : d / 4u);
        has_mean = rnd_below(3) == 0;
        if (has_mean && rnd_below(2))
            rank = 1u + rnd_below(d - 1u < 5u ? d - 1u : 5u);
    }
    if (kvl_layout_make(d, &p, rank, has_mean, L) != KVL_OK) {
        printf("bad test layout\n");
        exit(1);
    }
}

static const char *mode_name(uint32_t m) { return m == 0 ? "raw" : m == 1 ? "fp8" : "lattice"; }

static void layout_text(const kvl_layout *L, char *s, size_t n)
{
    if (L->p.mode == KVL_MODE_RAW)
        snprintf(s, n, "raw %s d %u", dt_name(L->p.raw_dtype), L->dim);
    else if (L->p.mode == KVL_MODE_FP8)
        snprintf(s, n, "fp8 b%u scale %u split %u d %u", L->p.fp8_block, L->p.fp8_scale, L->p.fp8_split_rope,
                 L->dim);
    else
        snprintf(s, n, "%s q %u d %u K %u mean %u rank %u skel %s", L->p.lattice ? "e8" : "d4", L->lat.q, L->dim,
                 L->p.outliers, L->has_mean, L->rank, dt_name(L->skel_dtype));
}

/* Skeleton of a LATTICE layout as f32 (mean/basis) and stored bytes. */
typedef struct skel {
    float *mean, *basis;
    uint8_t *mean_b, *basis_b;
} skel;

static void make_skel(kvl_layout *L, const float *x, uint32_t n, skel *s)
{
    uint32_t d = L->dim, j;
    size_t nb = (size_t)L->rank * d;
    memset(s, 0, sizeof *s);
    if (L->p.mode != KVL_MODE_LATTICE || !L->has_mean)
        return;
    s->mean = (float *)malloc(d * 4u);
    s->basis = (float *)malloc(nb * 4u + 4u);
    L->skel_dtype = R->skeleton_pick_dtype(x, (size_t)n * d);
    if (rnd_below(3) == 0)
        L->skel_dtype = KVL_DTYPE_BF16;
    {
        float *w = (float *)malloc(((size_t)n * d + 2u * d + n) * 4u);
        if (rnd_below(2) || R->skeleton_compute(d, n, x, L->rank, L->skel_dtype, s->mean, s->basis, w) != KVL_OK) {
            for (j = 0; j < d; j++)
                s->mean[j] = kvl_skel_round(rnd_gauss(), L->skel_dtype);
            for (j = 0; j < nb; j++)
                s->basis[j] = kvl_skel_round(rnd_gauss() * 0.1f, L->skel_dtype);
        }
        free(w);
    }
    s->mean_b = (uint8_t *)malloc(2u * d);
    s->basis_b = (uint8_t *)malloc(2u * nb + 2u);
    for (j = 0; j < d; j++) {
        uint16_t h = kvl_skel_bits(s->mean[j], L->skel_dtype);
        memcpy(s->mean_b + 2u * j, &h, 2);
    }
    for (j = 0; j < nb; j++) {
        uint16_t h = kvl_skel_bits(s->basis[j], L->skel_dtype);
        memcpy(s->basis_b + 2u * j, &h, 2);
    }
}

static void free_skel(skel *s)
{
    free(s->mean);
    free(s->basis);
    free(s->mean_b);
    free(s->basis_b);
}

static void t_encode_records(void)
{
    int it;
    for (it = 0; it < 1500; it++) {
        uint32_t mode = (uint32_t)(it % 3), n = 1u + rnd_below(12);
        kvl_layout L;
        skel sk;
        float *x, *sa_, *sb_;
        gbuf a, b;
        int sa, sb;
        char what[160];
        int ties = mode == KVL_MODE_LATTICE && it % 4 == 2; /* exact outlier ties */
        rnd_layout(mode, &L, ties ? 1 + (int)rnd_below(2) : -1);
        x = (float *)malloc((size_t)n * L.dim * 4u);
        rnd_vectors(x, n, L.dim, ties ? 10 : -1);
        make_skel(&L, x, n, &sk);
        sa_ = (float *)malloc(3u * L.dim * 4u);
        sb_ = (float *)malloc(3u * L.dim * 4u);
        gb_new(&a, (size_t)n * L.record_bytes, 0);
        gb_new(&b, (size_t)n * L.record_bytes, 0);
        sa = R->encode_records(&L, sk.mean, sk.basis, x, n, sa_, a.p);
        sb = F->encode_records(&L, sk.mean, sk.basis, x, n, sb_, b.p);
        layout_text(&L, what, sizeof what);
        CHECK(sa == sb, "%s n %u: status ref %d avx2 %d", what, n, sa, sb);
        check_out(what, &a, &b);
        gb_free(&a);
        gb_free(&b);
        free(sa_);
        free(sb_);
        free(x);
        free_skel(&sk);
    }
}

/* Valid records of L (reference encoder), then corruptions. */
static uint8_t *make_records(kvl_layout *L, uint32_t n, skel *sk)
{
    float *x = (float *)malloc((size_t)n * L->dim * 4u), *scr = (float *)malloc(3u * L->dim * 4u);
    uint8_t *rec = (uint8_t *)calloc((size_t)n * L->record_bytes, 1);
    uint32_t v;
    rnd_vectors(x, n, L->dim, (int)(7u + rnd_below(3)));
    if (rnd_below(4) == 0)
        rnd_vectors(x, n, L->dim, -1);
    make_skel(L, x, n, sk);
    for (v = 0; v < n; v++) {
        uint8_t *r = rec + (size_t)v * L->record_bytes;
        if (R->encode_records(L, sk->mean, sk->basis, x + (size_t)v * L->dim, 1, scr, r) != KVL_OK) {
            memset(r, 0, L->record_bytes);
            rnd_vectors(x + (size_t)v * L->dim, 1, L->dim, 8);
            R->encode_records(L, sk->mean, sk->basis, x + (size_t)v * L->dim, 1, scr, r);
        }
    }
    free(x);
    free(scr);
    return rec;
}

static void corrupt(const kvl_layout *L, uint8_t *rec, uint32_t n)
{
    uint8_t *r = rec + (size_t)rnd_below(n) * L->record_bytes;
    uint32_t rb = L->record_bytes;
    if (L->p.mode == KVL_MODE_LATTICE && L->p.outliers > 0u && rnd_below(3) == 0) {
        /* one slot rewritten (§8 canonical form): a used slot after an empty
         * one, equal / decreasing indices, corr -32768 or 0 with an index */
        kvl_bitwriter bw;
        uint32_t j = rnd_below(L->p.outliers), r3 = rnd_below(4);
        uint32_t idx = r3 == 3 ? 1u + rnd_below(L->dim - 1u) : rnd_below(L->dim);
        uint32_t corr = r3 == 0 ? 0x8000u : r3 == 3 ? 0u : 1u + rnd_below(0xFFFFu);
        kvl_bw_init(&bw, r, rb);
        kvl_bw_seek(&bw, 32u + 16u * L->rank + (uint64_t)j * L->slot_bits);
        kvl_bw_put(&bw, idx, L->index_bits);
        kvl_bw_put(&bw, corr, 16);
        return;
    }
    switch (rnd_below(7)) {
    case 0: /* a random bit */
        r[rnd_below(rb)] ^= (uint8_t)(1u << rnd_below(8));
        break;
    case 1: /* a random byte */
        r[rnd_below(rb)] = (uint8_t)rnd();
        break;
    case 2: /* all ones: indices >= count, NaN codes, padding */
        memset(r + rnd_below(rb), 0xFF, 1);
        r[rb - 1u] = 0xFF;
        break;
    case 3: /* huge scale: values overflow the output dtype (RANGE) */
        if (L->p.mode == KVL_MODE_LATTICE || (L->p.mode == KVL_MODE_FP8 && L->p.fp8_scale == KVL_FP8_SCALE_F32)) {
            uint32_t s = 0x7F000000u | ((uint32_t)rnd() & 0x7FFFFFu);
            memcpy(r, &s, 4);
        } else if (L->p.mode == KVL_MODE_FP8 && L->p.fp8_scale == KVL_FP8_SCALE_F16) {
            r[0] = 0xFF;
            r[1] = 0x7B;
        } else if (L->p.mode == KVL_MODE_FP8) {
            r[0] = 0xFE;
        } else if (L->p.raw_dtype == KVL_DTYPE_F32) {
            uint32_t s = 0x7F000000u;
            memcpy(r + 4u * rnd_below(L->dim), &s, 4);
        } else {
            r[2u * rnd_below(L->dim) + 1u] = 0x7B;
        }
        break;
    case 4: /* NaN / Inf / negative scale */
        r[3] = (uint8_t)(r[3] | (rnd_below(2) ? 0x80u : 0x7Fu));
        r[2] |= 0x80u;
        break;
    case 5: /* subnormal scale */
        if (L->p.mode == KVL_MODE_LATTICE) {
            uint32_t s = (uint32_t)rnd() & 0x7FFFFFu;
            memcpy(r, &s, 4);
        }
        break;
    default: /* a slot field (LATTICE) or the last byte */
        r[L->p.mode == KVL_MODE_LATTICE ? (4u + 2u * L->rank + rnd_below(2u + L->p.outliers * 4u)) % rb
                                        : rb - 1u] ^= (uint8_t)(1u << rnd_below(8));
    }
}

static void t_decode_records(void)
{
    int it;
    for (it = 0; it < 2000; it++) {
        uint32_t mode = (uint32_t)(it % 3), n = 1u + rnd_below(12), dt = rnd_below(3), first = 0;
        kvl_layout L;
        skel sk;
        uint8_t *rec, *in;
        gbuf a, b;
        int sa, sb, va, vb;
        char what[160];
        rnd_layout(mode, &L, it % 5 == 1 ? 2 + (int)rnd_below(15) : -1);
        rec = make_records(&L, n, &sk);
        if (it % 3 != 0)
            corrupt(&L, rec, n);
        if (rnd_below(4) == 0) { /* random access: one record in the middle */
            first = rnd_below(n);
            n = 1;
        }
        in = (uint8_t *)dup_exact(rec + (size_t)first * L.record_bytes, (size_t)n * L.record_bytes);
        gb_new(&a, (size_t)n * L.dim * (dt == 0 ? 4u : 2u), 0xCD);
        gb_new(&b, (size_t)n * L.dim * (dt == 0 ? 4u : 2u), 0xCD);
        sa = R->decode_records(&L, sk.mean_b, sk.basis_b, in, n, dt, a.p);
        sb = F->decode_records(&L, sk.mean_b, sk.basis_b, in, n, dt, b.p);
        layout_text(&L, what, sizeof what);
        CHECK(sa == sb, "%s n %u out %s: status ref %d avx2 %d", what, n, dt_name(dt), sa, sb);
        check_out(what, &a, &b);
        va = R->validate_records(&L, sk.mean_b, sk.basis_b, in, n);
        vb = F->validate_records(&L, sk.mean_b, sk.basis_b, in, n);
        CHECK(va == vb, "validate %s n %u: status ref %d avx2 %d", what, n, va, vb);
        gb_free(&a);
        gb_free(&b);
        free(in);
        free(rec);
        free_skel(&sk);
    }
}

/* ---- the public API at both CPU levels (dispatch, chunk framing) ------------ */
static void t_api(void)
{
    static const uint8_t modes[] = {KVL_MODE_RAW, KVL_MODE_FP8, KVL_MODE_LATTICE};
    int it, saved = kvl_get_cpu_level();
    CHECK(kvl_set_cpu_level(7) == KVL_ERR_ARG, "set_cpu_level(7)");
    CHECK(kvl_set_cpu_level(KVL_CPU_AVX2) == KVL_OK && kvl_get_cpu_level() == KVL_CPU_AVX2, "set avx2");
    CHECK(kvl_set_cpu_level(KVL_CPU_REF) == KVL_OK && kvl_get_cpu_level() == KVL_CPU_REF, "set ref");
    CHECK(kvl_get_cpu_max_level() == KVL_CPU_AVX2, "max level");
    for (it = 0; it < 120; it++) {
        kvl_chunk_params p;
        kvl_layout L;
        uint32_t n = 1u + rnd_below(300), dim, lvl, i;
        size_t ws = 0, cap = 0, len[2] = {0, 0};
        uint8_t *out[2];
        float *x;
        void *work;
        kvl_status st[2];
        rnd_layout(modes[it % 3], &L, -1);
        p = L.p;
        dim = L.dim;
        if (p.mode == KVL_MODE_LATTICE)
            p.skeleton = (uint8_t)(L.rank ? KVL_SKELETON_PCA : L.has_mean ? KVL_SKELETON_MEAN : KVL_SKELETON_NONE);
        p.rank = (uint8_t)L.rank;
        x = (float *)malloc((size_t)n * dim * 4u);
        rnd_vectors(x, n, dim, it % 5 == 0 ? -1 : 7);
        if (kvl_encode_workspace_size(dim, &p, n, &ws) != KVL_OK || kvl_chunk_size_bound(dim, &p, n, &cap) != KVL_OK) {
            failf("api: size query");
            free(x);
            continue;
        }
        work = malloc(ws);
        for (lvl = 0; lvl < 2u; lvl++) {
            kvl_set_cpu_level((int)lvl);
            out[lvl] = (uint8_t *)malloc(cap);
            st[lvl] = kvl_chunk_encode(dim, &p, 3, x, KVL_DTYPE_F32, n, 0, work, ws, out[lvl], cap, &len[lvl]);
        }
        CHECK(st[0] == st[1], "api encode %s d %u: status %d vs %d", mode_name(p.mode), dim, st[0], st[1]);
        if (st[0] == KVL_OK && st[1] == KVL_OK) {
            CHECK(len[0] == len[1] && memcmp(out[0], out[1], len[0]) == 0, "api encode %s d %u: bytes differ",
                  mode_name(p.mode), dim);
            for (i = 0; i < 3u; i++) {
                kvl_chunk_view view;
                size_t ob = (size_t)n * dim * (i == 0 ? 4u : 2u);
                uint8_t *o[2];
                uint32_t vi = rnd_below(n);
                kvl_status ds[2], vs[2];
                for (lvl = 0; lvl < 2u; lvl++) {
                    kvl_set_cpu_level((int)lvl);
                    o[lvl] = (uint8_t *)malloc(ob);
                    memset(o[lvl], 0xCD, ob);
                    ds[lvl] = kvl_chunk_parse(out[0], len[0], dim, &view);
                    if (ds[lvl] == KVL_OK)
                        ds[lvl] = kvl_chunk_decode(&view, (kvl_dtype)i, o[lvl], ob);
                    vs[lvl] = kvl_chunk_parse(out[0], len[0], dim, &view);
                    if (vs[lvl] == KVL_OK)
                        vs[lvl] = kvl_chunk_decode_vector(&view, vi, (kvl_dtype)i, o[lvl], ob);
                }
                CHECK(ds[0] == ds[1] && memcmp(o[0], o[1], ob) == 0, "api decode %s d %u %s", mode_name(p.mode),
                      dim, dt_name(i));
                CHECK(vs[0] == vs[1], "api decode_vector %s d %u %s", mode_name(p.mode), dim, dt_name(i));
                free(o[0]);
                free(o[1]);
            }
        }
        free(out[0]);
        free(out[1]);
        free(work);
        free(x);
    }
    kvl_set_cpu_level(saved);
}

/* ---- driver ------------------------------------------------------------------ */
typedef struct test_fn {
    const char *name;
    void (*run)(void);
} test_fn;

static const test_fn kTests[] = {
    {"crc32c", t_crc32c},
    {"load_f32", t_load_f32},
    {"store_f32", t_store_f32},
    {"dot8", t_dot8},
    {"fwht_f32", t_fwht_f32},
    {"fwht_i32", t_fwht_i32},
    {"lattice_closest", t_lattice_closest},
    {"lattice_rank", t_lattice_rank},
    {"lattice_unrank", t_lattice_unrank},
    {"skeleton_pick_dtype", t_skeleton_pick_dtype},
    {"skeleton_compute", t_skeleton_compute},
    {"encode_records", t_encode_records},
    {"decode_records", t_decode_records}, /* and validate_records */
    {"api", t_api},
};
#define N_TESTS (sizeof kTests / sizeof kTests[0])

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 1099511628211ull;
    return h;
}

int main(int argc, char **argv)
{
    const char *only = 0;
    size_t t;
    int i, ran = 0;
    g_seed = (uint64_t)time(0) ^ ((uint64_t)clock() << 20);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            g_seed = strtoull(argv[++i], 0, 10);
        } else if (strcmp(argv[i], "--function") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--list") == 0) {
            for (t = 0; t < N_TESTS; t++)
                printf("%s\n", kTests[t].name);
            return 0;
        } else {
            printf("usage: test_checkasm [--seed N] [--function NAME] [--list]\n");
            return 2;
        }
    }
    if (!kvl_cpu_has_avx2()) {
        printf("SKIP: this CPU/OS has no AVX2 (the reference is the only level)\n");
        return 77;
    }
    printf("checkasm: seed %llu, avx2 vs ref\n", (unsigned long long)g_seed);
    for (t = 0; t < N_TESTS; t++) {
        int before = g_fail, pass0 = g_pass;
        if (only && strcmp(only, kTests[t].name) != 0)
            continue;
        g_func = kTests[t].name;
        g_func_fail = 0;
        g_rng = g_seed ^ name_hash(g_func);
        kTests[t].run();
        printf("  %-20s %s (%d checks)\n", g_func, g_fail == before ? "ok" : "FAILED", g_pass - pass0 + g_fail - before);
        ran++;
    }
    if (!ran) {
        printf("no function named %s (see --list)\n", only);
        return 2;
    }
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}
