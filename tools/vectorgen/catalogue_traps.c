/* catalogue_traps.c -- valid vectors aimed at one numeric rule each: the
 * known traps of the format brief §6 (ties to even, reciprocal vs divide,
 * D_n parity repair with a zero difference, argmax ties, E4M3 saturation and
 * ties, f16 overflow, subnormals, zero vectors, signed zeros).
 *
 * The LATTICE traps are found by search: candidate vectors of coarse values
 * run through the encoder's steps 3-9 (spec §10.4, the same binary32
 * operations as the reference) and are kept when the rule decides a code.
 * The mutation test (conformance/mutants/) checks that these vectors catch
 * builds that break the rule. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvl_internal.h"
#include "vg.h"

static float pow2f(int e) { return ldexpf(1.0f, e); }

/* A one-tensor case with explicit values (chunk = n); left open for flags. */
static vg_case *values_case(const char *name, const char *profile, const char *desc, uint32_t dim, uint32_t n,
                            int in_dtype, kvl_chunk_params p, const float *v)
{
    vg_case *c = vg_begin("valid", name, profile, desc);
    int t = vg_tensor(c, dim, n, n, in_dtype, &p, NULL);
    vg_fill_f32(c, t, v);
    vg_flags(c, "crafted", (const char *)NULL);
    return c;
}

/* ---- FP8 -------------------------------------------------------------------- */

static void fp8_traps(void)
{
    /* vector 0: amax = 448, so the F32 scale is exactly 1 and x/s = x.
     * vector 1: subnormal inputs k * 2^-149 with amax = 600 ulps: t = 600/448
     * ulps rounds to 1 ulp, so x/s = k and 465, 600, 671 exceed 464. */
    static const float k0[32] = {448, 400, -400, 416, 432, 440, 444, 1.0625f, 1.1875f, -1.0625f, 0.0f, -0.0f,
                                 0.0009765625f, 0.0029296875f, -0.0009765625f, 240, 248, 232, 3.25f, 3.75f,
                                 13, 15, 17, 0.5f, -0.5f, 7.5f, 9, 11, 100, 104, 120, 136};
    static const float k1[32] = {600, 465, 464, 400, -600, -465, -464, -400, 1, 2, 3, 17, 18, 19, 33, 35,
                                 0, -1, 448, 449, 480, 500, 671, 300, 200, 100, 50, 25, 12, 6, 4, 5};
    float v[64];
    vg_case *c;
    int i;
    for (i = 0; i < 32; i++) {
        v[i] = k0[i];
        v[32 + i] = k1[i] * pow2f(-149);
    }
    c = values_case("fp8-e4m3-ties-and-saturation", "fp8",
                    "FP8 F32 scales: E4M3 ties to even (400 -> 384, 464 -> 448, 1.0625 -> 1, subnormal 2^-10 -> 0) and "
                    "saturation of 465, 600, 671 to 448 (reached through a subnormal block whose scale rounds down)",
                    32, 2, KVL_DTYPE_F32, vg_fp8(32, KVL_FP8_SCALE_F32, 0), v);
    vg_flags(c, "e4m3-tie", "e4m3-saturate", "tie-to-even", "subnormal", "signed-zero", (const char *)NULL);
    vg_spec(c, "2.2.3", "6.3", (const char *)NULL);
    vg_emit(c);

    /* UE8M0 E = 0 (2^-127) and F16 subnormal scales; an all-zero block with -0. */
    for (i = 0; i < 64; i++) {
        float tiny = (float)((i % 13) - 6) * pow2f(-140 + (i % 5));
        v[i] = i < 32 ? tiny : (i < 48 ? ((i & 1) ? -0.0f : 0.0f) : (float)(i - 56) * pow2f(-30));
    }
    c = values_case("fp8-ue8m0-min-and-zero-block", "fp8",
                    "FP8 UE8M0 scales: a block of tiny values takes E = 0 (2^-127, a subnormal scale); a block of +-0 "
                    "keeps its signs with scale 0",
                    64, 1, KVL_DTYPE_F32, vg_fp8(32, KVL_FP8_SCALE_UE8M0, 0), v);
    vg_flags(c, "ue8m0", "ue8m0-min", "zero-vector", "signed-zero", "subnormal", (const char *)NULL);
    vg_spec(c, "6.3", (const char *)NULL);
    vg_emit(c);

    c = values_case("fp8-f16-scale-subnormal-and-zero", "fp8",
                    "FP8 F16 scales: tiny blocks get subnormal binary16 scales (rounded up), an all-zero block with -0",
                    64, 1, KVL_DTYPE_F32, vg_fp8(32, KVL_FP8_SCALE_F16, 0), v);
    vg_flags(c, "f16-scale", "zero-vector", "signed-zero", "subnormal", (const char *)NULL);
    vg_spec(c, "6.3", "2.2.4", (const char *)NULL);
    vg_emit(c);
}

/* ---- RAW: conversion ties, overflow, subnormals ----------------------------- */

static void raw_traps(void)
{
    /* binary16 ties (RNE): 1 + 2^-11 -> 1, 1 + 3*2^-11 -> 1 + 2^-9, 2049 -> 2048,
     * 2051 -> 2052, 2^-25 -> 0, 3*2^-25 -> 2^-23; bfloat16 ties: 1 + 2^-8 -> 1,
     * 1 + 3*2^-8 -> 1 + 2^-6; -0; f32 subnormals. */
    float v[32];
    vg_case *c;
    int i, st;
    static const char *const kDt[3] = {"f32", "f16", "bf16"};
    v[0] = 1.0f + pow2f(-11);
    v[1] = 1.0f + 3.0f * pow2f(-11);
    v[2] = 2049.0f;
    v[3] = 2051.0f;
    v[4] = pow2f(-25);
    v[5] = 3.0f * pow2f(-25);
    v[6] = 1.0f + pow2f(-8);
    v[7] = 1.0f + 3.0f * pow2f(-8);
    v[8] = -0.0f;
    v[9] = 0.0f;
    v[10] = pow2f(-134);
    v[11] = 3.0f * pow2f(-134);
    v[12] = -(1.0f + pow2f(-11));
    v[13] = -(1.0f + 3.0f * pow2f(-8));
    v[14] = 65504.0f;
    v[15] = 65519.0f;
    for (i = 16; i < 32; i++)
        v[i] = (float)(i - 24) * 0.3f;
    for (st = 0; st < 3; st++) {
        char name[64], desc[200];
        snprintf(name, sizeof name, "raw-%s-rounding-ties", kDt[st]);
        snprintf(desc, sizeof desc,
                 "RAW %s from f32 input at binary16/bfloat16 rounding ties, subnormals and signed zeros "
                 "(stored%s, and again at output conversion)",
                 kDt[st], st ? " rounded" : " exactly");
        c = values_case(name, "raw", desc, 16, 2, KVL_DTYPE_F32, vg_raw(st), v);
        vg_flags(c, "tie-to-even", "subnormal", "signed-zero", (const char *)NULL);
        vg_spec(c, "2.2.2", "2.2.5", "6.1", (const char *)NULL);
        vg_emit(c);
    }
    /* f16 output overflow: 65520 is the tie between 65504 and 65536 -> Inf. */
    for (i = 0; i < 16; i++)
        v[i] = i == 3 ? 65520.0f : (i == 7 ? -1.0e30f : (float)i);
    c = values_case("raw-f32-f16-output-overflow", "raw",
                    "RAW f32 values 65520 and -1e30: decoding to f32 and bf16 succeeds, to f16 is RANGE (no silent Inf)",
                    16, 1, KVL_DTYPE_F32, vg_raw(KVL_DTYPE_F32), v);
    vg_flags(c, "f16-overflow", "range", "huge", (const char *)NULL);
    vg_spec(c, "2.2.5", (const char *)NULL);
    vg_emit(c);
}

/* ---- LATTICE search ---------------------------------------------------------- */

enum { T_TIE = 1, T_RECIP = 2, T_PARITY0 = 4, T_ARGMAX = 8, T_BOX = 16, T_COSET = 32 };

typedef struct search_rng {
    uint64_t s;
} search_rng;

static uint32_t srand_u32(search_rng *r)
{
    r->s = r->s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(r->s >> 33);
}

/* Encoder step 4 (spec §10.4.2): the K largest |y|; ties to the lowest index,
 * or (ties_high) to the highest, as a wrong implementation would. */
static void select_outliers(const float *y, uint32_t d, uint32_t K, int ties_high, uint8_t *taken)
{
    uint32_t i, j;
    memset(taken, 0, d);
    for (j = 0; j < K; j++) {
        int32_t best = -1;
        for (i = 0; i < d; i++)
            if (!taken[i] && (best < 0 || fabsf(y[i]) > fabsf(y[best]) ||
                              (ties_high && fabsf(y[i]) == fabsf(y[best]))))
                best = (int32_t)i;
        taken[best] = 1;
    }
}

/* Encoder steps 3-9 (no skeleton, K slots): z by division and by reciprocal. */
static int rotate_scale(const float *x, uint32_t d, int unit, int q, uint32_t K, float *z, float *zr,
                        uint8_t *taken)
{
    float y[KVL_LATTICE_MAX_DIM], m = 0.0f, s, g, inv;
    uint32_t i;
    memcpy(y, x, d * sizeof *y);
    kvl_fwht_f32(y, d);
    select_outliers(y, d, K, 0, taken);
    for (i = 0; i < d; i++)
        if (!taken[i] && fabsf(y[i]) > m)
            m = fabsf(y[i]);
    if (m == 0.0f)
        return -1;
    s = m / (float)(unit * q * (int32_t)d);
    if (s == 0.0f)
        return -1;
    g = s * (float)(unit * (int32_t)d);
    inv = 1.0f / g;
    for (i = 0; i < d; i++) {
        z[i] = y[i] / g;
        zr[i] = y[i] * inv;
    }
    /* step 4 again with the wrong tie rule, for T_ARGMAX (same m: ties have equal |y|) */
    select_outliers(y, d, K, 1, taken + d);
    return 0;
}

/* Outlier corrections (step 11) of a taken set: does it differ from `other`? */
static int slots_differ(const float *z, const int32_t *k, uint32_t d, int unit, const uint8_t *a, const uint8_t *b)
{
    uint32_t i;
    for (i = 0; i < d; i++) {
        float ca = 0.0f, cb = 0.0f, v = kvl_round_even(unit == 2 ? 2.0f * z[i] : z[i]);
        if (a[i])
            ca = v - (float)k[i];
        if (b[i])
            cb = v - (float)k[i];
        if (ca != cb)
            return 1;
    }
    return 0;
}

static int is_half(float z) { return z - floorf(z) == 0.5f; }

/* D_n step 1-5 observation: does the parity repair change a coordinate whose
 * rounding error is zero? */
static int parity_zero(const float *z, uint32_t n, int32_t lo, int32_t hi)
{
    int32_t f[8], sum = 0;
    float p[8];
    uint32_t i, j = 0;
    for (i = 0; i < n; i++) {
        f[i] = z[i] >= (float)hi ? hi : z[i] <= (float)lo ? lo : (int32_t)kvl_round_even(z[i]);
        sum += f[i];
    }
    if ((sum & 1) == 0)
        return 0;
    for (i = 0; i < n; i++) {
        int up = z[i] >= (float)f[i] ? (f[i] + 1 <= hi) : !(f[i] - 1 >= lo);
        p[i] = up ? (float)f[i] - z[i] : z[i] - (float)f[i];
    }
    for (i = 1; i < n; i++)
        if (p[i] < p[j])
            j = i;
    return z[j] == (float)f[j];
}

/* E8 step 3 (spec §7.5): do both cosets have the same binary32 error? */
static int coset_tie(const float *z, int32_t q)
{
    int32_t a[8], h[8];
    float zh[8], ea = 0.0f, eb = 0.0f;
    uint32_t i;
    kvl_dn_closest_box(z, 8u, -q, q, a);
    for (i = 0; i < 8u; i++)
        zh[i] = z[i] - 0.5f;
    kvl_dn_closest_box(zh, 8u, -q, q - 1, h);
    for (i = 0; i < 8u; i++) {
        float da = z[i] - (float)a[i], db = z[i] - 0.5f * (float)(2 * h[i] + 1);
        ea = i ? ea + da * da : da * da;
        eb = i ? eb + db * db : db * db;
    }
    return ea == eb;
}

/* Features of one candidate vector (bit set of T_*). */
static int features(const float *x, uint32_t d, int lattice, int q, uint32_t K)
{
    float z[KVL_LATTICE_MAX_DIM], zr[KVL_LATTICE_MAX_DIM];
    int32_t k[KVL_LATTICE_MAX_DIM], kr[KVL_LATTICE_MAX_DIM];
    uint8_t taken[2 * KVL_LATTICE_MAX_DIM];
    const int unit = lattice ? 2 : 1, bd = lattice ? 8 : 4;
    uint32_t i, b;
    int f = 0, nbox = 0;
    if (rotate_scale(x, d, unit, q, K, z, zr, taken))
        return 0;
    for (i = 0; i < d; i++) {
        float a = fabsf(z[i]);
        if (a < (float)q && (is_half(z[i]) || (lattice && is_half(z[i] - 0.5f))))
            f |= T_TIE;
        if (a >= (float)q)
            nbox++;
    }
    if (nbox >= 3)
        f |= T_BOX;
    for (b = 0; b < d; b += (uint32_t)bd) {
        if (lattice) {
            if (coset_tie(z + b, q))
                f |= T_COSET;
            kvl_e8_closest(z + b, q, k + b);
            kvl_e8_closest(zr + b, q, kr + b);
        } else {
            kvl_d4_closest(z + b, q, k + b);
            kvl_d4_closest(zr + b, q, kr + b);
            if (parity_zero(z + b, 4, -q, q))
                f |= T_PARITY0;
        }
    }
    for (i = 0; i < d; i++)
        if (k[i] != kr[i])
            f |= T_RECIP;
    if (K && slots_differ(z, k, d, unit, taken, taken + d))
        f |= T_ARGMAX;
    return f;
}

/* Candidate: coarse values c * step, c in [-4, 4], with a few zeros. */
static void candidate(search_rng *r, uint32_t d, float step, float *x)
{
    uint32_t i;
    for (i = 0; i < d; i++) {
        uint32_t u = srand_u32(r) % 12u;
        x[i] = u >= 9u ? 0.0f : (float)((int32_t)u - 4) * step;
    }
}

/* Find n vectors with feature `want` for (lattice, d, q, K); returns 0 or -1. */
static int search(int lattice, uint32_t d, int q, uint32_t K, int want, uint32_t n, uint64_t seed, float *out)
{
    search_rng r;
    uint32_t found = 0, tries;
    r.s = seed;
    for (tries = 0; tries < 200000u && found < n; tries++) {
        float *x = out + (size_t)found * d;
        candidate(&r, d, (tries % 3u) ? 0.25f : 0.375f, x);
        if (features(x, d, lattice, q, K) & want)
            found++;
    }
    return found == n ? 0 : -1;
}

static void lattice_search_case(const char *name, const char *desc, int lattice, uint32_t d, int q, uint32_t K,
                                int want, const char *flag, const char *spec)
{
    float x[8 * KVL_LATTICE_MAX_DIM];
    const uint32_t n = 8;
    vg_case *c;
    if (search(lattice, d, q, K, want, n, 0x5EED0000u + (uint64_t)(want * 7 + lattice), x))
        vg_die("trap search for %s found too few vectors", name);
    c = values_case(name, lattice ? "lattice-e8" : "lattice-d4", desc, d, n, KVL_DTYPE_F32,
                    vg_lat(lattice, (uint16_t)q, (uint8_t)K, KVL_SKELETON_NONE, 0), x);
    vg_flags(c, flag, (const char *)NULL);
    vg_spec(c, spec, "10.4", (const char *)NULL);
    vg_emit(c);
}

static void lattice_traps(void)
{
    static const char *const kL[2] = {"d4", "e8"};
    float x[8 * 64];
    vg_case *c;
    int lat;
    uint32_t i;
    char name[64], desc[256];
    for (lat = 0; lat < 2; lat++) {
        snprintf(name, sizeof name, "lattice-%s-ties", kL[lat]);
        snprintf(desc, sizeof desc,
                 "LATTICE %s D = 64 Q = 2: every vector has lattice-unit coordinates exactly halfway between two "
                 "integers (rne_int ties to even)", lat ? "E8" : "D4");
        lattice_search_case(name, desc, lat, 64, 2, 0, T_TIE, "tie-to-even", "2.4");
        snprintf(name, sizeof name, "lattice-%s-reciprocal", kL[lat]);
        snprintf(desc, sizeof desc,
                 "LATTICE %s D = 64 Q = 5: y / g and y * (1/g) round to different codes in every vector", lat ? "E8" : "D4");
        lattice_search_case(name, desc, lat, 64, 5, 0, T_RECIP, "reciprocal", "10.4.3");
        snprintf(name, sizeof name, "lattice-%s-box-edge", kL[lat]);
        snprintf(desc, sizeof desc,
                 "LATTICE %s D = 64 Q = 4: at least three coordinates per vector on or beyond the box boundary +-Q",
                 lat ? "E8" : "D4");
        lattice_search_case(name, desc, lat, 64, 4, 0, T_BOX, "box-edge", lat ? "7.5" : "7.4");
    }
    lattice_search_case("lattice-e8-coset-tie",
                        "LATTICE E8 D = 64 Q = 3: blocks where both cosets have the same binary32 error; the integer "
                        "coset wins",
                        1, 64, 3, 0, T_COSET, "coset-tie", "7.5");
    lattice_search_case("lattice-d4-parity-zero-difference",
                        "LATTICE D4 D = 8 Q = 5: the parity repair changes a coordinate whose rounding error is 0 "
                        "(it moves +1 when that stays in the box)",
                        0, 8, 5, 0, T_PARITY0, "parity-repair", "7.4");

    /* argmax ties: equal rotated magnitudes straddle the K-th slot, and the
     * slots differ with the other tie rule (E8: the half coset cannot reach
     * +-Q, so a tied coordinate taken as an outlier carries a correction) */
    lattice_search_case("lattice-e8-argmax-ties-outliers",
                        "LATTICE E8 D = 16 Q = 3, K = 2 slots: tied rotated magnitudes at the K-th largest; "
                        "the lowest index becomes the outlier and its correction differs from the highest's",
                        1, 16, 3, 2, T_ARGMAX, "argmax-tie", "10.4.2");
    /* erratum E-001: outlier candidates with a rest so small that the scale
     * underflows are coded without candidates, never dropped */
    for (lat = 0; lat < 2; lat++) {
        static const float big[4] = {7.70382e21f, 1.0e30f, 3.0e10f, 1.0f};
        memset(x, 0, sizeof x);
        for (i = 0; i < 4; i++) {
            float *v = x + (size_t)i * 8;
            uint32_t j;
            v[1] = (float)(i + 1) * pow2f(-149) * 9.0f;  /* the tiny rest */
            for (j = 4; j < 8; j++)
                v[j] = (j & 1) ? big[i] : big[i] * (i == 3 ? -1.0f : 1.0f);
        }
        snprintf(name, sizeof name, "lattice-%s-outliers-tiny-rest", kL[lat]);
        snprintf(desc, sizeof desc,
                 "LATTICE %s D = 8 Q = %u, K = 2: two large rotated coordinates and a subnormal rest whose scale "
                 "underflows; the vector is coded without outlier candidates (erratum E-001)",
                 lat ? "E8" : "D4", lat ? 127u : 3392u);
        c = values_case(name, lat ? "lattice-e8" : "lattice-d4", desc, 8, 4, KVL_DTYPE_F32,
                        vg_lat(lat, lat ? 127 : 3392, 2, KVL_SKELETON_NONE, 0), x);
        vg_flags(c, "outliers-full", "scale-underflow", "subnormal", "huge", (const char *)NULL);
        vg_spec(c, "10.4.2", "10.4.3", (const char *)NULL);
        vg_emit(c);
    }

    /* zero, -0, tiny (scale underflow), subnormal, huge */
    for (lat = 0; lat < 2; lat++) {
        for (i = 0; i < 64; i++) {
            x[i] = 0.0f;                                          /* zero vector */
            x[64 + i] = -0.0f;                                    /* -0 vector */
            x[128 + i] = (float)((int)(i % 7) - 3) * pow2f(-149); /* s underflows */
            x[192 + i] = (float)((int)(i % 5) - 2) * pow2f(-130); /* subnormal, s > 0 */
            x[256 + i] = (float)((int)(i % 9) - 4) * 1.0e35f;     /* huge */
            x[320 + i] = (float)((int)(i % 3) - 1) * 3.0e5f;      /* beyond f16 */
        }
        snprintf(name, sizeof name, "lattice-%s-zero-tiny-huge", kL[lat]);
        snprintf(desc, sizeof desc,
                 "LATTICE %s D = 64 Q = 10: zero and -0 vectors, a vector whose scale underflows to 0, subnormal "
                 "and huge vectors; f16 output is RANGE (values beyond 65504)", lat ? "E8" : "D4");
        c = values_case(name, lat ? "lattice-e8" : "lattice-d4", desc, 64, 6, KVL_DTYPE_F32,
                        vg_lat(lat, 10, 0, KVL_SKELETON_NONE, 0), x);
        vg_flags(c, "zero-vector", "signed-zero", "scale-underflow", "subnormal", "huge", "f16-overflow",
                 (const char *)NULL);
        vg_spec(c, "10.4.3", "2.2.5", (const char *)NULL);
        vg_emit(c);
    }
}

void vg_catalogue_traps(void)
{
    fp8_traps();
    raw_traps();
    lattice_traps();
}
