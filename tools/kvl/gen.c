/*
 * gen.c -- deterministic, seeded, portable test-data generator (`kvl gen`).
 *
 * Portability rules (the output must be the same bytes everywhere):
 *   - Randomness comes from an integer counter-based PRNG: splitmix64 keyed by
 *     (kind, seed, dim) for the dataset-level parameters and by
 *     (kind, seed, dim, vector index) for each vector. No state outlives a call.
 *   - Arithmetic is IEEE binary64 + - * / and sqrt only (all correctly rounded),
 *     evaluated in program order (FLT_EVAL_METHOD 0, -ffp-contract=off). The
 *     natural log and exp are computed here (gen_log, gen_exp) from those
 *     operations with fixed-length series; libm's log/exp/cos differ between
 *     libraries and are never called. Normals use the Marsaglia polar method.
 *   - Each value is rounded to binary32 once, at the end.
 *
 * ---------------------------------------------------------------------------
 * Kinds and the statistics they target
 * ---------------------------------------------------------------------------
 * gauss    i.i.d. N(0, 1) in every coordinate.
 *
 * qwen3-k  Keys shaped like real Qwen3-4B keys. tools/kvl/qwen3_stats.h holds,
 *          for layers 7..28, statistics of real keys after unit normalisation
 *          and the normalised Sylvester-Hadamard rotation y = H k / sqrt(128):
 *          the 128 per-coordinate variances (mean, std, min, max; max/min is
 *          2.3 .. 4.7) and the 128 per-coordinate kurtoses (mean excess -0.12
 *          .. -0.84, std, min, max). The dataset uses ONE layer:
 *              layer = kvl_qwen3_layers[seed mod 22]   (seed 0 -> layer 7).
 *          Generation happens in the rotated domain:
 *            1. Per-coordinate variance profile: D sorted values v_0..v_{D-1}
 *               with v_0 = var_min and v_{D-1} = var_max exactly and mean / std
 *               fitted to var_mean / var_std (profile_fit below), assigned to
 *               the coordinates by a seeded permutation. For D != 128 the same
 *               profile is resampled at D points and scaled by 128/D so the
 *               total variance is unchanged.
 *            2. Per-coordinate excess kurtosis profile, built the same way from
 *               (kurt_min-3, kurt_max-3, kurt_excess_mean, kurt_std), with an
 *               independent permutation. Each coordinate draws from a
 *               unit-variance law with that excess kurtosis kappa:
 *                 kappa >= 0:          Gaussian scale mixture, scale^2 = 1-d
 *                                      or 1+d with prob. 1/2, d = sqrt(kappa/3);
 *                 -1.2 <= kappa < 0:   N(0,1) with prob. 1+kappa/1.2, else the
 *                                      uniform law of variance 1 (excess -1.2);
 *                 kappa < -1.2:        uniform, or with prob. r a "ring" law
 *                                      sign * U(0.8, 1) (excess -1.98), scaled
 *                                      to variance 1 (excess is linear in r).
 *               Equal-variance mixtures have the weighted mean of the kurtoses.
 *            3. k = H y / sqrt(D) (Sylvester H, natural order; for a D that is
 *               not a power of two, H is block-diagonal with power-of-two
 *               blocks taken largest first, e.g. 96 = 64 + 32).
 *            4. Mean: unit-normalised real keys have E|y|^2 = 1, so the keys
 *               carry a mean of squared norm 1 - 128 * var_mean (0.06 .. 0.39).
 *               It is placed on 2 key-domain channels (seeded choice and signs,
 *               equal magnitude) -- channel offsets, as real K caches have; the
 *               rotation spreads it over the rotated coordinates, leaving their
 *               variances and kurtoses unchanged.
 *            5. The vector is normalised to unit L2 norm (as the measured keys
 *               were) and multiplied by a per-vector norm
 *                   norm = 15 * exp(0.2 * z), z ~ N(0,1) clamped to [-5, 5]
 *               (log-normal, median 15).
 *            6. The targets describe keys AFTER normalisation, which lowers the
 *               kurtosis of heavy coordinates and shrinks the largest
 *               variances. Steps 1-2 therefore pre-distort both profiles with a
 *               first-order model of that effect (kurt_after_norm and the
 *               variance pre-distortion in build_qwen3), so that the rotated,
 *               unit-normalised output matches the table. test_tools measures
 *               the result for all 22 layers.
 *
 * dsv4     DeepSeek-V4-style strongly anisotropic KV (before any rotation):
 *            channel std sigma_c = R^(-t/2), t = 0, 1/(D-1), .., 1 (log-spaced),
 *            assigned to channels by a seeded permutation, so the channel
 *            variance ratio max/min is exactly R, with
 *                R = 200 * 12.5^h, h uniform in (0,1) from the seed (200..2500);
 *            x_c = o_c + sigma_c * s * z_c, z_c ~ N(0,1) i.i.d., and a per-vector
 *            scale s = sqrt(G/3), G ~ Gamma(3,1) (a Gaussian scale mixture with
 *            E s^2 = 1 and excess kurtosis exactly 1 in every channel, and after
 *            any orthogonal rotation too);
 *            o_c = 0 except on 1 + D/64 seeded channels, where o_c = +-U(4, 8)
 *            (i.e. 4 .. 8 times the largest channel std).
 *
 * heavy    Heavy tails, offsets and spikes:
 *            x_c = o_c + sigma_c * t_c, sigma_c log-spaced in [2^-1/2, 2^1/2]
 *            (seeded permutation, channel variance ratio 4), t_c Student-t with
 *            5 degrees of freedom scaled to unit variance,
 *            t = z * sqrt(3 / chi2_5), chi2_5 = -2 log(U1 U2) + z'^2;
 *            o_c = +-U(6, 10) on max(1, D/32) seeded channels (mean ~8);
 *            with probability 1e-3 per coordinate t_c is replaced by a spike
 *            +-U(50, 100) (50 .. 100 sigma).
 *
 * All values are finite: every draw is bounded (the polar method's smallest
 * s is 2^-105, the Gamma/chi2 products are >= 2^-159).
 */
#include "gen.h"

#include <float.h>
#include <math.h> /* sqrt only: IEEE-754 requires it correctly rounded */
#include <stdlib.h>
#include <string.h>

#include "qwen3_stats.h"

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
#error "gen.c requires FLT_EVAL_METHOD == 0 (no excess precision)"
#endif
#if DBL_MANT_DIG != 53 || FLT_MANT_DIG != 24 || FLT_RADIX != 2
#error "gen.c requires IEEE 754 binary32 / binary64"
#endif

/* ======================================================================== */
/* Counter-based PRNG                                                       */
/* ======================================================================== */

#define GEN_GOLDEN UINT64_C(0x9E3779B97F4A7C15)

/* splitmix64 finaliser (a bijection of 64-bit integers). */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A splitmix64 stream plus the spare normal of the polar method. */
typedef struct gen_rng {
    uint64_t state;
    int has_spare;
    double spare;
} gen_rng;

static void rng_init(gen_rng *r, uint64_t key)
{
    r->state = key;
    r->has_spare = 0;
    r->spare = 0.0;
}

static uint64_t rng_u64(gen_rng *r)
{
    r->state += GEN_GOLDEN;
    return mix64(r->state);
}

/* Uniform on the open interval (0, 1): (k + 1/2) * 2^-52, k a 52-bit integer
 * (exact: k + 1/2 fits in 53 bits). */
static double rng_open01(gen_rng *r)
{
    return ((double)(rng_u64(r) >> 12) + 0.5) * 0x1p-52;
}

/* Uniform integer in [0, n), n >= 1, exactly uniform (rejection). */
static uint32_t rng_below(gen_rng *r, uint32_t n)
{
    const uint64_t lim = UINT64_MAX - UINT64_MAX % n; /* multiple of n */
    uint64_t v;
    do {
        v = rng_u64(r);
    } while (v >= lim);
    return (uint32_t)(v % n);
}

/* +1.0 or -1.0 with probability 1/2. */
static double rng_sign(gen_rng *r)
{
    return (rng_u64(r) >> 63) ? -1.0 : 1.0;
}

/* ======================================================================== */
/* Portable log / exp (IEEE basic operations only)                           */
/* ======================================================================== */

/* ln 2 split so that e * GEN_LN2_HI is exact for |e| < 2^11 (fdlibm values). */
#define GEN_LN2_HI 6.93147180369123816490e-01
#define GEN_LN2_LO 1.90821492927058770002e-10
#define GEN_SQRT2 1.41421356237309504880
#define GEN_INV_LN2 1.44269504088896338700

static uint64_t dbits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static double bitsd(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Natural log of a finite x > 0 (relative error ~1e-16). x = 2^e * m with
 * m in [sqrt(2)/2, sqrt(2)] by exponent-field extraction; then
 * log m = 2 atanh(t), t = (m-1)/(m+1), |t| <= 0.1716, by the odd series to
 * t^25 (truncation < 1e-20). */
static double gen_log(double x)
{
    uint64_t b = dbits(x);
    int e = (int)((b >> 52) & 0x7FF);
    double m, t, t2, p;
    int k;

    if (e == 0) { /* subnormal: scale into the normal range */
        b = dbits(x * 0x1p54);
        e = (int)((b >> 52) & 0x7FF) - 54;
    }
    e -= 1023;
    m = bitsd((b & UINT64_C(0x000FFFFFFFFFFFFF)) | UINT64_C(0x3FF0000000000000));
    if (m > GEN_SQRT2) {
        m *= 0.5;
        e += 1;
    }
    t = (m - 1.0) / (m + 1.0);
    t2 = t * t;
    p = 0.0;
    for (k = 12; k >= 0; k--)
        p = p * t2 + 1.0 / (double)(2 * k + 1);
    return (double)e * GEN_LN2_HI + ((double)e * GEN_LN2_LO + 2.0 * t * p);
}

/* exp(x), x clamped to [-700, 700]. x = k ln2 + r, |r| <= ln2/2 + tiny;
 * exp(r) by its Taylor series to r^16 in Horner form (truncation < 1e-17);
 * 2^k built in the exponent field. */
static double gen_exp(double x)
{
    double kd, r, p;
    int k, j;

    if (x > 700.0)
        x = 700.0;
    if (x < -700.0)
        x = -700.0;
    kd = x * GEN_INV_LN2;
    k = (int)(kd < 0.0 ? kd - 0.5 : kd + 0.5); /* round half away from zero */
    r = (x - (double)k * GEN_LN2_HI) - (double)k * GEN_LN2_LO;
    p = 1.0;
    for (j = 16; j >= 1; j--)
        p = 1.0 + p * r / (double)j;
    return p * bitsd((uint64_t)(k + 1023) << 52);
}

/* b^e for b > 0. */
static double gen_pow(double b, double e)
{
    return gen_exp(e * gen_log(b));
}

/* N(0, 1): Marsaglia polar method (one log and one sqrt per pair). */
static double rng_normal(gen_rng *r)
{
    double u, v, s, f;

    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    do {
        u = 2.0 * rng_open01(r) - 1.0;
        v = 2.0 * rng_open01(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    f = sqrt(-2.0 * gen_log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

/* ======================================================================== */
/* Shared helpers                                                           */
/* ======================================================================== */

/* In-place normalised Walsh-Hadamard transform x <- H x / sqrt(n), Sylvester
 * H in natural order, n a power of two. */
static void wht_pow2(double *x, uint32_t n)
{
    uint32_t h, i, j;
    double s;

    for (h = 1; h < n; h *= 2) {
        for (i = 0; i < n; i += 2 * h) {
            for (j = i; j < i + h; j++) {
                const double a = x[j], b = x[j + h];
                x[j] = a + b;
                x[j + h] = a - b;
            }
        }
    }
    if (n > 1) {
        s = 1.0 / sqrt((double)n);
        for (i = 0; i < n; i++)
            x[i] *= s;
    }
}

/* Block-diagonal normalised Hadamard for any n: power-of-two blocks, largest
 * first (n = 96 -> blocks of 64 and 32). Orthonormal, and the plain
 * transform when n is a power of two. */
static void wht_blocks(double *x, uint32_t n)
{
    uint32_t pos = 0, rem = n;
    while (rem > 0) {
        uint32_t b = 1;
        while (b <= rem / 2)
            b *= 2;
        wht_pow2(x + pos, b);
        pos += b;
        rem -= b;
    }
}

/* Seeded Fisher-Yates permutation of 0..n-1. */
static void random_permutation(gen_rng *r, uint32_t *perm, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        perm[i] = i;
    for (i = n; i > 1; i--) {
        const uint32_t j = rng_below(r, i);
        const uint32_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
}

/* A fitted profile: n sorted values v_k, k = 0..n-1,
 *   u = -1 + 2k/(n-1),  b = sign(u) |u|^g,
 *   v = m + (m - vmin) b   (b < 0),   v = m + (vmax - m) b   (b >= 0),
 * so v_0 = vmin and v_{n-1} = vmax exactly, and (m, g) set the mean and the
 * spread. For u ~ U(-1, 1), with A = m - vmin, B = vmax - m:
 *   E v = m + (B - A) / (2 (g + 1)),   E (v - m)^2 = (A^2 + B^2) / (2 (2g + 1)).
 * The mean condition gives m(g) = (mean (g + 1) - (vmin + vmax)/2) / g; the
 * std then decreases with g, and g is found by 200 fixed bisection steps in
 * log g. The discrete mean / std differ from the continuous ones by O(1/n). */
typedef struct gen_profile {
    double vmin, vmax, m, g;
} gen_profile;

static double profile_var(double vmin, double vmax, double m, double g)
{
    const double a = m - vmin, b = vmax - m;
    const double d = (b - a) / (2.0 * (g + 1.0));
    return (a * a + b * b) / (2.0 * (2.0 * g + 1.0)) - d * d;
}

static double profile_m(double vmin, double vmax, double mean, double g)
{
    return (mean * (g + 1.0) - 0.5 * (vmin + vmax)) / g;
}

static void profile_fit(double vmin, double vmax, double mean, double sd, gen_profile *p)
{
    const double c = 0.5 * (vmin + vmax);
    double lo = 1e-3, hi = 1e3, g0;
    int it;

    p->vmin = vmin;
    p->vmax = vmax;
    if (!(vmax > vmin) || !(mean > vmin) || !(mean < vmax)) { /* degenerate: flat */
        p->m = mean < vmin ? vmin : (mean > vmax ? vmax : mean);
        p->g = hi;
        return;
    }
    /* Smallest g that keeps m inside [vmin, vmax]. */
    g0 = mean <= c ? (c - mean) / (mean - vmin) : (mean - c) / (vmax - mean);
    if (g0 > lo)
        lo = g0;
    if (lo >= hi || sd * sd >= profile_var(vmin, vmax, profile_m(vmin, vmax, mean, lo), lo)) {
        p->g = lo;
    } else if (sd * sd <= profile_var(vmin, vmax, profile_m(vmin, vmax, mean, hi), hi)) {
        p->g = hi;
    } else {
        for (it = 0; it < 200; it++) {
            const double mid = sqrt(lo * hi);
            if (profile_var(vmin, vmax, profile_m(vmin, vmax, mean, mid), mid) > sd * sd)
                lo = mid;
            else
                hi = mid;
        }
        p->g = sqrt(lo * hi);
    }
    p->m = profile_m(vmin, vmax, mean, p->g);
    if (p->m < vmin)
        p->m = vmin;
    if (p->m > vmax)
        p->m = vmax;
}

/* Value k of n (n >= 1) of a fitted profile. */
static double profile_value(const gen_profile *p, uint32_t k, uint32_t n)
{
    double u, b, v;
    if (n == 1)
        return p->m;
    u = -1.0 + 2.0 * (double)k / (double)(n - 1);
    b = u == 0.0 ? 0.0 : gen_pow(u < 0.0 ? -u : u, p->g);
    v = u < 0.0 ? p->m - (p->m - p->vmin) * b : p->m + (p->vmax - p->m) * b;
    if (v < p->vmin)
        v = p->vmin;
    if (v > p->vmax)
        v = p->vmax;
    return v;
}

/* ======================================================================== */
/* Kind names                                                               */
/* ======================================================================== */

static const char *const kind_names[4] = { "gauss", "qwen3-k", "dsv4", "heavy" };

int kvl_gen_parse_kind(const char *s, int *kind)
{
    int k;
    if (s == NULL || kind == NULL)
        return -1;
    for (k = 0; k < 4; k++) {
        if (strcmp(s, kind_names[k]) == 0) {
            *kind = k;
            return 0;
        }
    }
    return -1;
}

const char *kvl_gen_kind_name(int kind)
{
    return (kind >= 0 && kind < 4) ? kind_names[kind] : "?";
}

/* ======================================================================== */
/* Dataset model                                                            */
/* ======================================================================== */

/* Law of one qwen3-k rotated coordinate (unit variance). */
enum { LAW_SCALEMIX = 0, LAW_NORMUNI = 1, LAW_UNIRING = 2 };

#define QWEN3_NORM_MEDIAN 15.0
#define QWEN3_NORM_LOGSD 0.2
#define QWEN3_N_OFFSETS 2u
#define RING_A 0.8            /* ring law: sign * U(RING_A, 1) */
#define DSV4_R_MIN 200.0
#define DSV4_R_SPAN 12.5      /* R in [200, 2500] */
#define HEAVY_SPIKE_P 1e-3

typedef struct gen_model {
    int kind;
    uint32_t dim;
    uint64_t key;       /* dataset key: vector streams derive from it */
    double *sd;         /* per-coordinate std (rotated domain for qwen3-k) */
    double *pa, *pb;    /* qwen3-k law parameters */
    uint8_t *law;       /* qwen3-k law per coordinate */
    double *offset;     /* per-channel offset (key domain) */
    double *work;       /* one vector (qwen3-k) */
    uint32_t *perm;     /* scratch */
    double ring_scale;  /* 1 / sqrt(E ring^2) */
} gen_model;

static int kind_valid(int kind)
{
    return kind >= KVL_GEN_GAUSS && kind <= KVL_GEN_HEAVY;
}

static uint64_t dataset_key(int kind, uint64_t seed, uint32_t dim)
{
    uint64_t k = mix64(seed ^ UINT64_C(0x6B766C67656E3031)); /* "kvlgen01" */
    k = mix64(k + (uint64_t)(kind + 1) * GEN_GOLDEN);
    return mix64(k + (uint64_t)dim * UINT64_C(0xD1B54A32D192ED03));
}

static const kvl_qwen3_layer_stats *qwen3_layer(uint64_t seed)
{
    return &kvl_qwen3_layers[seed % KVL_QWEN3_N_LAYERS];
}

/* Second moment and excess kurtosis of the ring law sign * U(a, 1). */
static double ring_m2(void)
{
    return (1.0 - RING_A * RING_A * RING_A) / (3.0 * (1.0 - RING_A));
}

static double ring_excess(void)
{
    const double a2 = RING_A * RING_A;
    const double m4 = (1.0 - a2 * a2 * RING_A) / (5.0 * (1.0 - RING_A));
    const double m2 = ring_m2();
    return m4 / (m2 * m2) - 3.0;
}

/* dsv4 channel variance ratio R = 200 * 12.5^h: the first draw of the
 * dataset stream. */
static double dsv4_draw_ratio(gen_rng *r)
{
    return DSV4_R_MIN * gen_pow(DSV4_R_SPAN, rng_open01(r));
}

static double dsv4_ratio(uint64_t seed, uint32_t dim)
{
    gen_rng r;
    rng_init(&r, dataset_key(KVL_GEN_DSV4, seed, dim));
    return dsv4_draw_ratio(&r);
}

static uint32_t n_offsets(int kind, uint32_t dim)
{
    uint32_t n = 0;
    if (kind == KVL_GEN_QWEN3K)
        n = QWEN3_N_OFFSETS;
    else if (kind == KVL_GEN_DSV4)
        n = 1 + dim / 64;
    else if (kind == KVL_GEN_HEAVY)
        n = dim / 32 > 0 ? dim / 32 : 1;
    return n < dim ? n : dim;
}

/* Sixth moment of the unit-variance qwen3-k law with excess kurtosis kap. */
static double law_m6(double kap, double kring)
{
    const double m6_uni = 27.0 / 7.0; /* E u^6, u uniform of variance 1 */
    const double a2 = RING_A * RING_A, m2 = ring_m2();
    const double m6_ring = (1.0 - a2 * a2 * a2 * RING_A) / (7.0 * (1.0 - RING_A)) / (m2 * m2 * m2);
    double p;
    if (kap >= 0.0)
        return 15.0 * (1.0 + kap); /* 15 E s^6, s^2 = 1 +- d, d^2 = kap/3 */
    if (kap >= -1.2) {
        p = 1.0 + kap / 1.2;
        return p * 15.0 + (1.0 - p) * m6_uni;
    }
    p = (-1.2 - kap) / (-1.2 - kring);
    return p * m6_ring + (1.0 - p) * m6_uni;
}

/* First-order effect of the final unit normalisation on the excess kurtosis
 * of a rotated coordinate y = sqrt(v) w (w of unit variance, excess kap):
 * y / |y| with |y|^2 = y^2 + rest, E|y|^2 = 1 and Var(rest) = phi gives
 *   kurt(y/|y|) ~= kurt(w) + 2 v (E w^4 ^2 - E w^6) + 3 phi,
 * (self-inclusion flattens large values; the fluctuation of the rest is a
 * scale mixture). The profile targets the kurtosis AFTER normalisation, as
 * the real keys were measured, so each coordinate draws from the law whose
 * predicted post-normalisation kurtosis is the target (60-step bisection). */
static double kurt_after_norm(double kap, double v, double phi, double kring)
{
    const double k4 = kap + 3.0;
    return kap + 2.0 * v * (k4 * k4 - law_m6(kap, kring)) + 3.0 * phi;
}

static double kurt_before_norm(double target, double v, double phi, double kring)
{
    double lo = kring, hi = 2.9;
    int it;
    if (kurt_after_norm(lo, v, phi, kring) >= target)
        return lo;
    if (kurt_after_norm(hi, v, phi, kring) <= target)
        return hi;
    for (it = 0; it < 60; it++) {
        const double mid = 0.5 * (lo + hi);
        if (kurt_after_norm(mid, v, phi, kring) < target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static void build_qwen3(gen_model *md, gen_rng *r, uint64_t seed)
{
    const kvl_qwen3_layer_stats *L = qwen3_layer(seed);
    const uint32_t dim = md->dim;
    const double vscale = 128.0 / (double)dim;
    const double kring = ring_excess();
    double *var = md->work, *kt = md->pa; /* scratch until the laws are set */
    gen_profile pv, pk;
    double total = 0.0, sum_pre = 0.0, mean2, each, phi = 0.0;
    uint32_t c, nofs;

    profile_fit(L->var_min, L->var_max, L->var_mean, L->var_std, &pv);
    profile_fit(L->kurt_min - 3.0, L->kurt_max - 3.0, L->kurt_excess_mean, L->kurt_std, &pk);

    random_permutation(r, md->perm, dim);
    for (c = 0; c < dim; c++) {
        const double v = profile_value(&pv, c, dim) * vscale;
        var[md->perm[c]] = v;
        total += v;
    }
    random_permutation(r, md->perm, dim);
    for (c = 0; c < dim; c++)
        kt[md->perm[c]] = profile_value(&pk, c, dim);

    /* The normalisation also shrinks large variances: to first order
     * E[y^2/|y|^2] ~= v (1 + phi - v (E w^4 - 1)). Pre-distort the profile by
     * 1 / (1 - v (kurt + 2)) and rescale it to the same total, so the measured
     * (post-normalisation) variances are the targets. */
    for (c = 0; c < dim; c++) {
        const double den = 1.0 - var[c] * (kt[c] + 2.0);
        md->sd[c] = var[c] / (den > 0.5 ? den : 0.5);
        sum_pre += md->sd[c];
    }
    for (c = 0; c < dim; c++) {
        var[c] = md->sd[c] * (total / sum_pre);
        md->sd[c] = sqrt(var[c]);
    }

    /* Key mean of squared norm 1 - sum(var), so that E|k|^2 = 1. */
    mean2 = 1.0 - total;
    if (mean2 < 0.0)
        mean2 = 0.0;

    /* Var(|y|^2): sum v^2 (kurt + 2) plus the mean cross term 4 |mu|^2 v_mean. */
    for (c = 0; c < dim; c++)
        phi += var[c] * var[c] * (kt[c] + 2.0);
    phi += 4.0 * mean2 * total / (double)dim;

    for (c = 0; c < dim; c++) {
        const double kap = kurt_before_norm(kt[c], var[c], phi, kring);
        if (kap >= 0.0) {
            const double d = sqrt(kap / 3.0);
            md->law[c] = LAW_SCALEMIX;
            md->pa[c] = sqrt(1.0 - d);
            md->pb[c] = sqrt(1.0 + d);
        } else if (kap >= -1.2) {
            md->law[c] = LAW_NORMUNI;
            md->pa[c] = 1.0 + kap / 1.2; /* P(normal) */
            md->pb[c] = 0.0;
        } else {
            md->law[c] = LAW_UNIRING;
            md->pa[c] = (-1.2 - kap) / (-1.2 - kring); /* P(ring) */
            md->pb[c] = 0.0;
        }
    }
    md->ring_scale = 1.0 / sqrt(ring_m2());

    /* The mean on 2 key-domain channels, equal magnitude, seeded signs. */
    nofs = n_offsets(KVL_GEN_QWEN3K, dim);
    random_permutation(r, md->perm, dim); /* offset channels: perm[0..nofs-1] */
    each = sqrt(mean2 / (double)nofs);
    for (c = 0; c < nofs; c++)
        md->offset[md->perm[c]] = rng_sign(r) * each;
}

/* Channel std log-spaced from top down to top * ratio^-1/2 (variance ratio
 * max/min exactly `ratio`), assigned by a seeded permutation. */
static void build_channel_sd(gen_model *md, gen_rng *r, double top, double ratio)
{
    const uint32_t dim = md->dim;
    const double lr = gen_log(ratio);
    uint32_t c;
    random_permutation(r, md->perm, dim);
    for (c = 0; c < dim; c++) {
        const double t = dim > 1 ? (double)c / (double)(dim - 1) : 0.0;
        md->sd[md->perm[c]] = top * gen_exp(-0.5 * t * lr);
    }
}

static void build_offsets(gen_model *md, gen_rng *r, double lo, double width)
{
    const uint32_t nofs = n_offsets(md->kind, md->dim);
    uint32_t c;
    random_permutation(r, md->perm, md->dim); /* offset channels: perm[0..nofs-1] */
    for (c = 0; c < nofs; c++) {
        const double s = rng_sign(r);
        md->offset[md->perm[c]] = s * (lo + width * rng_open01(r));
    }
}

static void model_free(gen_model *md)
{
    free(md->sd);
    free(md->pa);
    free(md->pb);
    free(md->law);
    free(md->offset);
    free(md->work);
    free(md->perm);
}

static int model_build(gen_model *md, int kind, uint64_t seed, uint32_t dim)
{
    gen_rng r;
    uint32_t c;

    memset(md, 0, sizeof *md);
    md->kind = kind;
    md->dim = dim;
    md->key = dataset_key(kind, seed, dim);
    if (kind == KVL_GEN_GAUSS)
        return 0;
    md->sd = malloc(dim * sizeof *md->sd);
    md->pa = malloc(dim * sizeof *md->pa);
    md->pb = malloc(dim * sizeof *md->pb);
    md->law = malloc(dim * sizeof *md->law);
    md->offset = malloc(dim * sizeof *md->offset);
    md->work = malloc(dim * sizeof *md->work);
    md->perm = malloc(dim * sizeof *md->perm);
    if (!md->sd || !md->pa || !md->pb || !md->law || !md->offset || !md->work || !md->perm) {
        model_free(md);
        return -1;
    }
    for (c = 0; c < dim; c++) {
        md->offset[c] = 0.0;
        md->pa[c] = md->pb[c] = 0.0;
        md->law[c] = 0;
    }
    /* The dataset stream (kind, seed, dim). */
    rng_init(&r, md->key);
    switch (kind) {
    case KVL_GEN_QWEN3K:
        build_qwen3(md, &r, seed);
        break;
    case KVL_GEN_DSV4: {
        const double ratio = dsv4_draw_ratio(&r);
        build_channel_sd(md, &r, 1.0, ratio);
        build_offsets(md, &r, 4.0, 4.0);
        break;
    }
    default: /* KVL_GEN_HEAVY */
        build_channel_sd(md, &r, GEN_SQRT2, 4.0);
        build_offsets(md, &r, 6.0, 4.0);
        break;
    }
    return 0;
}

/* ======================================================================== */
/* Per-vector generation                                                    */
/* ======================================================================== */

static double draw_qwen3_coord(const gen_model *md, gen_rng *r, uint32_t c)
{
    switch (md->law[c]) {
    case LAW_SCALEMIX:
        return rng_normal(r) * (rng_open01(r) < 0.5 ? md->pa[c] : md->pb[c]);
    case LAW_NORMUNI:
        if (rng_open01(r) < md->pa[c])
            return rng_normal(r);
        return 1.7320508075688772 * (2.0 * rng_open01(r) - 1.0); /* sqrt(3) U(-1,1) */
    default:
        if (rng_open01(r) < md->pa[c]) {
            const double s = rng_sign(r);
            return s * md->ring_scale * (RING_A + (1.0 - RING_A) * rng_open01(r));
        }
        return 1.7320508075688772 * (2.0 * rng_open01(r) - 1.0);
    }
}

static void gen_vector(const gen_model *md, uint64_t index, float *out)
{
    const uint32_t dim = md->dim;
    gen_rng r;
    uint32_t c;

    rng_init(&r, mix64(md->key ^ mix64(index + GEN_GOLDEN)));
    switch (md->kind) {
    case KVL_GEN_GAUSS:
        for (c = 0; c < dim; c++)
            out[c] = (float)rng_normal(&r);
        break;

    case KVL_GEN_QWEN3K: {
        double *y = md->work;
        double z = rng_normal(&r), norm, n2 = 0.0, s;
        if (z > 5.0)
            z = 5.0;
        if (z < -5.0)
            z = -5.0;
        norm = QWEN3_NORM_MEDIAN * gen_exp(QWEN3_NORM_LOGSD * z);
        for (c = 0; c < dim; c++)
            y[c] = md->sd[c] * draw_qwen3_coord(md, &r, c);
        wht_blocks(y, dim);
        for (c = 0; c < dim; c++) {
            y[c] += md->offset[c];
            n2 += y[c] * y[c];
        }
        s = n2 > 0.0 ? norm / sqrt(n2) : 0.0;
        for (c = 0; c < dim; c++)
            out[c] = (float)(y[c] * s);
        break;
    }

    case KVL_GEN_DSV4: {
        /* s^2 = Gamma(3,1)/3 = -log(U1 U2 U3)/3 */
        const double u = rng_open01(&r) * rng_open01(&r) * rng_open01(&r);
        const double s = sqrt(-gen_log(u) / 3.0);
        for (c = 0; c < dim; c++)
            out[c] = (float)(md->offset[c] + md->sd[c] * s * rng_normal(&r));
        break;
    }

    default: /* KVL_GEN_HEAVY */
        for (c = 0; c < dim; c++) {
            double t;
            if (rng_open01(&r) < HEAVY_SPIKE_P) {
                const double sg = rng_sign(&r);
                t = sg * (50.0 + 50.0 * rng_open01(&r));
            } else {
                const double z = rng_normal(&r);
                const double u = rng_open01(&r) * rng_open01(&r);
                const double z2 = rng_normal(&r);
                const double chi2 = -2.0 * gen_log(u) + z2 * z2;
                t = z * sqrt(3.0 / chi2);
            }
            out[c] = (float)(md->offset[c] + md->sd[c] * t);
        }
        break;
    }
}

/* ======================================================================== */
/* Public entry points                                                      */
/* ======================================================================== */

int kvl_gen_fill(int kind, uint64_t seed, uint32_t dim, uint64_t first, uint64_t n, float *out)
{
    gen_model md;
    uint64_t i;

    if (!kind_valid(kind) || dim == 0 || dim > KVL_GEN_MAX_DIM)
        return -1;
    if (n == 0)
        return 0;
    if (out == NULL || first > UINT64_MAX - n || n > (uint64_t)(SIZE_MAX / sizeof(float)) / dim)
        return -1;
    if (model_build(&md, kind, seed, dim) != 0)
        return -1;
    for (i = 0; i < n; i++)
        gen_vector(&md, first + i, out + (size_t)i * dim);
    model_free(&md);
    return 0;
}

int kvl_gen_describe(int kind, uint64_t seed, uint32_t dim, kvl_gen_info *info)
{
    if (info == NULL || !kind_valid(kind) || dim == 0 || dim > KVL_GEN_MAX_DIM)
        return -1;
    memset(info, 0, sizeof *info);
    info->kind = kind;
    info->dim = dim;
    info->layer = -1;
    info->n_offsets = n_offsets(kind, dim);
    if (kind == KVL_GEN_QWEN3K) {
        info->layer = qwen3_layer(seed)->layer;
        info->norm_median = QWEN3_NORM_MEDIAN;
    } else if (kind == KVL_GEN_DSV4) {
        info->channel_var_ratio = dim > 1 ? dsv4_ratio(seed, dim) : 1.0;
    } else if (kind == KVL_GEN_HEAVY) {
        info->channel_var_ratio = dim > 1 ? 4.0 : 1.0;
    }
    return 0;
}
