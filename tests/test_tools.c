/*
 * test_tools.c -- tests of the kvl tool support code: the data generator
 * (tools/kvl/gen.c), .npy headers (tools/kvl/npy.c) and error metrics
 * (tools/kvl/metrics.c).
 *
 * Standalone: exit 0 when every test passes, 1 otherwise; the last line is
 * "test_tools: P passed, F failed". The generator statistics are printed next
 * to their targets (measured | target) so a change in the data is visible.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "gen.h"
#include "kvlattice.h"
#include "metrics.h"
#include "npy.h"
#include "qwen3_stats.h"

#define EXPECT(cond, ...)                                   \
    do {                                                    \
        if (!(cond)) {                                      \
            printf("  FAIL %s:%d: ", __FILE__, __LINE__);   \
            printf(__VA_ARGS__);                            \
            printf("\n");                                   \
            ok = 0;                                         \
        }                                                   \
    } while (0)

static float *alloc_floats(size_t n)
{
    float *p = malloc((n > 0 ? n : 1) * sizeof *p);
    if (p == NULL) {
        fprintf(stderr, "test_tools: out of memory\n");
        exit(1);
    }
    return p;
}

static double *alloc_doubles(size_t n)
{
    double *p = calloc(n > 0 ? n : 1, sizeof *p);
    if (p == NULL) {
        fprintf(stderr, "test_tools: out of memory\n");
        exit(1);
    }
    return p;
}

/* Normalised Sylvester-Hadamard transform in double (n a power of two). */
static void wht(double *x, uint32_t n)
{
    uint32_t h, i, j;
    for (h = 1; h < n; h *= 2)
        for (i = 0; i < n; i += 2 * h)
            for (j = i; j < i + h; j++) {
                const double a = x[j], b = x[j + h];
                x[j] = a + b;
                x[j + h] = a - b;
            }
    for (i = 0; i < n; i++)
        x[i] /= sqrt((double)n);
}

/* ---- Column statistics over an n x dim matrix of doubles ---------------- */

typedef struct col_stats {
    double *mean, *var, *exkurt;
} col_stats;

static void col_stats_compute(const double *x, uint64_t n, uint32_t dim, col_stats *cs)
{
    uint64_t i;
    uint32_t c;
    double *m4 = alloc_doubles(dim);
    cs->mean = alloc_doubles(dim);
    cs->var = alloc_doubles(dim);
    cs->exkurt = alloc_doubles(dim);
    for (i = 0; i < n; i++)
        for (c = 0; c < dim; c++)
            cs->mean[c] += x[i * dim + c];
    for (c = 0; c < dim; c++)
        cs->mean[c] /= (double)n;
    for (i = 0; i < n; i++)
        for (c = 0; c < dim; c++) {
            const double d = x[i * dim + c] - cs->mean[c], d2 = d * d;
            cs->var[c] += d2;
            m4[c] += d2 * d2;
        }
    for (c = 0; c < dim; c++) {
        cs->var[c] /= (double)n;
        m4[c] /= (double)n;
        cs->exkurt[c] = m4[c] / (cs->var[c] * cs->var[c]) - 3.0;
    }
    free(m4);
}

static void col_stats_free(col_stats *cs)
{
    free(cs->mean);
    free(cs->var);
    free(cs->exkurt);
}

/* mean, population std, min, max of v[0..n-1] */
typedef struct summary {
    double mean, sd, min, max;
} summary;

static summary summarize(const double *v, uint32_t n)
{
    summary s;
    uint32_t i;
    double acc = 0.0, acc2 = 0.0;
    s.min = v[0];
    s.max = v[0];
    for (i = 0; i < n; i++) {
        acc += v[i];
        if (v[i] < s.min)
            s.min = v[i];
        if (v[i] > s.max)
            s.max = v[i];
    }
    s.mean = acc / (double)n;
    for (i = 0; i < n; i++)
        acc2 += (v[i] - s.mean) * (v[i] - s.mean);
    s.sd = sqrt(acc2 / (double)n);
    return s;
}

/* ---- SHA-256 of generated floats (little-endian bit patterns) ----------- */

static void sha256_floats_update(EVP_MD_CTX *ctx, const float *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t u;
        uint8_t b[4];
        memcpy(&u, &v[i], 4);
        b[0] = (uint8_t)u;
        b[1] = (uint8_t)(u >> 8);
        b[2] = (uint8_t)(u >> 16);
        b[3] = (uint8_t)(u >> 24);
        EVP_DigestUpdate(ctx, b, 4);
    }
}

/* Digest of a fixed generation: vectors 1000..1063 at dim 128, then vectors
 * 0..15 at dim 96 (non-power-of-two path), seed 42. */
static void gen_digest(int kind, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    float *v = alloc_floats(64 * 128);

    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    if (kvl_gen_fill(kind, 42, 128, 1000, 64, v) != 0)
        memset(v, 0, 64 * 128 * sizeof *v);
    sha256_floats_update(ctx, v, 64 * 128);
    if (kvl_gen_fill(kind, 42, 96, 0, 16, v) != 0)
        memset(v, 0, 16 * 96 * sizeof *v);
    sha256_floats_update(ctx, v, 16 * 96);
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    free(v);
    for (i = 0; i < 32 && i < mdlen; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

/* ========================================================================= */
/* 1. Generator: API, determinism, independent ranges                         */
/* ========================================================================= */

static int test_gen_determinism(void)
{
    static const uint32_t dims[] = { 1, 3, 8, 96, 128, 130 };
    int ok = 1, kind, k2;
    size_t d;
    float *a = alloc_floats(100 * 130), *b = alloc_floats(100 * 130);

    for (kind = 0; kind < 4; kind++) {
        EXPECT(kvl_gen_parse_kind(kvl_gen_kind_name(kind), &k2) == 0 && k2 == kind,
               "kind name round trip %d", kind);
        for (d = 0; d < sizeof dims / sizeof dims[0]; d++) {
            const uint32_t dim = dims[d];
            EXPECT(kvl_gen_fill(kind, 7, dim, 0, 100, a) == 0, "fill kind %d dim %u", kind, dim);
            EXPECT(kvl_gen_fill(kind, 7, dim, 0, 100, b) == 0, "fill");
            EXPECT(memcmp(a, b, 100 * dim * sizeof *a) == 0, "same args differ: kind %d dim %u",
                   kind, dim);
            /* a range generated in pieces equals one piece */
            EXPECT(kvl_gen_fill(kind, 7, dim, 0, 37, b) == 0, "fill");
            EXPECT(kvl_gen_fill(kind, 7, dim, 37, 62, b + 37 * dim) == 0, "fill");
            EXPECT(kvl_gen_fill(kind, 7, dim, 99, 1, b + 99 * dim) == 0, "fill");
            EXPECT(memcmp(a, b, 100 * dim * sizeof *a) == 0,
                   "pieces differ from whole: kind %d dim %u", kind, dim);
            /* another seed gives other data */
            EXPECT(kvl_gen_fill(kind, 8, dim, 0, 100, b) == 0, "fill");
            EXPECT(memcmp(a, b, 100 * dim * sizeof *a) != 0, "seed ignored: kind %d dim %u",
                   kind, dim);
        }
    }
    EXPECT(kvl_gen_parse_kind("gaussian", &k2) == -1, "unknown kind accepted");
    EXPECT(kvl_gen_parse_kind("", &k2) == -1, "empty kind accepted");
    EXPECT(strcmp(kvl_gen_kind_name(9), "?") == 0, "kind name of 9");
    EXPECT(kvl_gen_fill(0, 1, 0, 0, 1, a) == -1, "dim 0 accepted");
    EXPECT(kvl_gen_fill(0, 1, 65537, 0, 1, a) == -1, "dim 65537 accepted");
    EXPECT(kvl_gen_fill(4, 1, 8, 0, 1, a) == -1, "kind 4 accepted");
    EXPECT(kvl_gen_fill(-1, 1, 8, 0, 1, a) == -1, "kind -1 accepted");
    EXPECT(kvl_gen_fill(0, 1, 8, 0, 1, NULL) == -1, "NULL out accepted");
    EXPECT(kvl_gen_fill(0, 1, 8, UINT64_MAX, 2, a) == -1, "index overflow accepted");
    EXPECT(kvl_gen_fill(0, 1, 8, 0, 0, NULL) == 0, "n 0 rejected");
    free(a);
    free(b);
    return ok;
}

/* ========================================================================= */
/* 2. Generator: golden digests (portability across compilers / CPUs)         */
/* ========================================================================= */

/* Recorded once the statistics below had been checked (gcc 12 -O0/-O3 and
 * clang 14 -O0/-O3 -march=native agree). A change here changes every dataset
 * that tests and benchmarks use: update only deliberately. */
static const char *const expected_digest[4] = {
    /* gauss   */ "cc99c0e9f8409ba54ec85a15c61fcd2b8e0728d1209315d54df6c5d7f1efa08a",
    /* qwen3-k */ "2b68e9a8ab90a574a98569154f9f5899b22b8ff9ab1d7325838df31013378d48",
    /* dsv4    */ "00aacdebdaf4c78e26701b43ada59e1679d6b7105d17ebbc50c05333ebeadf28",
    /* heavy   */ "5570fbad0f9ceaf080e280a3ecd7d6c6ce86dcc8553508d25327004712fb5c4a",
};

static int test_gen_digests(void)
{
    int ok = 1, kind;
    for (kind = 0; kind < 4; kind++) {
        char hex[65];
        gen_digest(kind, hex);
        printf("  digest %-8s %s\n", kvl_gen_kind_name(kind), hex);
        EXPECT(strcmp(hex, expected_digest[kind]) == 0, "digest of %s changed",
               kvl_gen_kind_name(kind));
    }
    return ok;
}

/* ========================================================================= */
/* 3. Generator: every value finite, at many dims                              */
/* ========================================================================= */

static int test_gen_finite(void)
{
    static const uint32_t dims[] = { 1, 2, 5, 64, 96, 128, 512, 576, 4096 };
    int ok = 1, kind;
    size_t d, i;
    float *v = alloc_floats(256 * 4096);
    for (kind = 0; kind < 4; kind++)
        for (d = 0; d < sizeof dims / sizeof dims[0]; d++) {
            const uint32_t dim = dims[d];
            const uint64_t n = 262144 / dim < 256 ? 262144 / dim : 256;
            size_t bad = 0;
            EXPECT(kvl_gen_fill(kind, 3, dim, 12345, n, v) == 0, "fill");
            for (i = 0; i < n * dim; i++)
                bad += !isfinite(v[i]);
            EXPECT(bad == 0, "%zu non-finite values: kind %d dim %u", bad, kind, dim);
        }
    free(v);
    return ok;
}

/* ========================================================================= */
/* 4. gauss statistics                                                         */
/* ========================================================================= */

static int test_stats_gauss(void)
{
    const uint64_t n = 16384;
    const uint32_t dim = 128;
    int ok = 1;
    uint64_t i, tail = 0;
    double s1 = 0, s2 = 0, s4 = 0, mean, var, ex, ptail;
    float *v = alloc_floats(n * dim);
    kvl_gen_fill(KVL_GEN_GAUSS, 0, dim, 0, n, v);
    for (i = 0; i < n * dim; i++)
        s1 += v[i];
    mean = s1 / (double)(n * dim);
    for (i = 0; i < n * dim; i++) {
        const double d = v[i] - mean;
        s2 += d * d;
        s4 += d * d * d * d;
        tail += fabs(d) > 3.0;
    }
    var = s2 / (double)(n * dim);
    ex = s4 / (double)(n * dim) / (var * var) - 3.0;
    ptail = (double)tail / (double)(n * dim);
    printf("  gauss      mean %+.5f | 0    var %.5f | 1    excess kurtosis %+.4f | 0    "
           "P(|x|>3) %.5f | 0.00270\n", mean, var, ex, ptail);
    EXPECT(fabs(mean) < 0.005, "mean");
    EXPECT(fabs(var - 1.0) < 0.005, "variance");
    EXPECT(fabs(ex) < 0.03, "excess kurtosis");
    EXPECT(fabs(ptail - 0.0026998) < 0.0003, "tail");
    free(v);
    return ok;
}

/* ========================================================================= */
/* 5. qwen3-k statistics after unit normalisation + Hadamard rotation         */
/* ========================================================================= */

static int test_stats_qwen3k(void)
{
    const uint64_t n = 16384;
    const uint32_t dim = 128;
    int ok = 1;
    uint32_t l;
    double worst_ratio = 0, worst_kmean = 0, worst_kmin = 0, worst_kmax = 0, worst_vsd = 0;
    float *v = alloc_floats(n * dim);
    double *y = alloc_doubles(n * dim);
    double *norms = alloc_doubles(n);

    printf("  qwen3-k (D=128, %lu vectors/layer; rotated + unit-normalised; measured | target)\n",
           (unsigned long)n);
    printf("  layer  var_mean          var_std           var_min           var_max"
           "           ratio        kurt_ex_mean    kurt_std      kurt_ex_min     kurt_ex_max\n");
    for (l = 0; l < KVL_QWEN3_N_LAYERS; l++) {
        const kvl_qwen3_layer_stats *t = &kvl_qwen3_layers[l];
        kvl_gen_info info;
        col_stats cs;
        summary sv, sk;
        uint64_t i;
        uint32_t c;
        double ratio;

        EXPECT(kvl_gen_describe(KVL_GEN_QWEN3K, l, dim, &info) == 0 && info.layer == t->layer,
               "seed %u -> layer %d, expected %d", l, info.layer, t->layer);
        kvl_gen_fill(KVL_GEN_QWEN3K, l, dim, 0, n, v);
        for (i = 0; i < n; i++) {
            double nn = 0.0;
            for (c = 0; c < dim; c++)
                y[i * dim + c] = v[i * dim + c];
            wht(y + i * dim, dim);
            for (c = 0; c < dim; c++)
                nn += y[i * dim + c] * y[i * dim + c];
            nn = sqrt(nn);
            norms[i] = nn;
            for (c = 0; c < dim; c++)
                y[i * dim + c] /= nn;
        }
        col_stats_compute(y, n, dim, &cs);
        sv = summarize(cs.var, dim);
        sk = summarize(cs.exkurt, dim);
        ratio = sv.max / sv.min;
        printf("  %3d   %.5f|%.5f   %.5f|%.5f   %.5f|%.5f   %.5f|%.5f   %.2f|%.2f   "
               "%+.3f|%+.3f   %.3f|%.3f   %+.3f|%+.3f   %+.3f|%+.3f\n",
               t->layer, sv.mean, t->var_mean, sv.sd, t->var_std, sv.min, t->var_min, sv.max,
               t->var_max, ratio, t->var_ratio, sk.mean, t->kurt_excess_mean, sk.sd, t->kurt_std,
               sk.min, t->kurt_min - 3.0, sk.max, t->kurt_max - 3.0);
        EXPECT(fabs(sv.mean / t->var_mean - 1.0) < 0.02, "layer %d var_mean", t->layer);
        EXPECT(fabs(sv.sd / t->var_std - 1.0) < 0.15, "layer %d var_std", t->layer);
        EXPECT(fabs(sv.min / t->var_min - 1.0) < 0.08, "layer %d var_min", t->layer);
        EXPECT(fabs(sv.max / t->var_max - 1.0) < 0.08, "layer %d var_max", t->layer);
        EXPECT(fabs(ratio / t->var_ratio - 1.0) < 0.12, "layer %d var ratio", t->layer);
        EXPECT(fabs(sk.mean - t->kurt_excess_mean) < 0.06, "layer %d kurtosis mean", t->layer);
        EXPECT(fabs(sk.sd - t->kurt_std) < 0.08, "layer %d kurtosis std", t->layer);
        EXPECT(fabs(sk.min - (t->kurt_min - 3.0)) < 0.25, "layer %d kurtosis min", t->layer);
        EXPECT(fabs(sk.max - (t->kurt_max - 3.0)) < 0.35, "layer %d kurtosis max", t->layer);
        if (fabs(ratio / t->var_ratio - 1.0) > worst_ratio)
            worst_ratio = fabs(ratio / t->var_ratio - 1.0);
        if (fabs(sv.sd / t->var_std - 1.0) > worst_vsd)
            worst_vsd = fabs(sv.sd / t->var_std - 1.0);
        if (fabs(sk.mean - t->kurt_excess_mean) > worst_kmean)
            worst_kmean = fabs(sk.mean - t->kurt_excess_mean);
        if (fabs(sk.min - (t->kurt_min - 3.0)) > worst_kmin)
            worst_kmin = fabs(sk.min - (t->kurt_min - 3.0));
        if (fabs(sk.max - (t->kurt_max - 3.0)) > worst_kmax)
            worst_kmax = fabs(sk.max - (t->kurt_max - 3.0));
        if (l == 0) {
            /* per-vector norm: log-normal, median 15 */
            summary sn = summarize(norms, (uint32_t)n);
            double lsum = 0, lsq = 0;
            for (i = 0; i < n; i++) {
                lsum += log(norms[i] / 15.0);
                lsq += log(norms[i] / 15.0) * log(norms[i] / 15.0);
            }
            lsum /= (double)n;
            lsq = sqrt(lsq / (double)n - lsum * lsum);
            printf("        norm: mean %.3f min %.3f max %.3f; log(norm/15) mean %+.4f | 0, "
                   "sd %.4f | 0.2000\n", sn.mean, sn.min, sn.max, lsum, lsq);
            EXPECT(fabs(lsum) < 0.01 && fabs(lsq - 0.2) < 0.01, "norm distribution");
        }
        col_stats_free(&cs);
    }
    printf("  qwen3-k worst deviation: var ratio %.1f%%, var_std %.1f%%, kurt mean %.3f, "
           "kurt min %.3f, kurt max %.3f\n", 100 * worst_ratio, 100 * worst_vsd, worst_kmean,
           worst_kmin, worst_kmax);
    free(v);
    free(y);
    free(norms);
    return ok;
}

/* ========================================================================= */
/* 6. dsv4 statistics                                                          */
/* ========================================================================= */

static int dsv4_one(uint64_t seed, uint32_t dim, uint64_t n)
{
    int ok = 1;
    kvl_gen_info info;
    col_stats raw, rot;
    summary sv, sk, svr, skr;
    uint64_t i;
    uint32_t c, nofs = 0, nofs_bad = 0;
    float *v = alloc_floats(n * dim);
    double *x = alloc_doubles(n * dim);

    kvl_gen_describe(KVL_GEN_DSV4, seed, dim, &info);
    kvl_gen_fill(KVL_GEN_DSV4, seed, dim, 0, n, v);
    for (i = 0; i < n * dim; i++)
        x[i] = v[i];
    col_stats_compute(x, n, dim, &raw);
    for (c = 0; c < dim; c++) {
        const double am = fabs(raw.mean[c]);
        if (am > 2.0) {
            nofs++;
            nofs_bad += am < 3.9 || am > 8.1;
        }
    }
    /* centre, rotate */
    for (i = 0; i < n; i++) {
        for (c = 0; c < dim; c++)
            x[i * dim + c] -= raw.mean[c];
        wht(x + i * dim, dim);
    }
    col_stats_compute(x, n, dim, &rot);
    sv = summarize(raw.var, dim);
    sk = summarize(raw.exkurt, dim);
    svr = summarize(rot.var, dim);
    skr = summarize(rot.exkurt, dim);
    printf("  dsv4 seed %lu D=%u: channel var ratio %.1f | %.1f   channel excess kurtosis mean "
           "%+.3f | +1 (min %+.2f max %+.2f)   offsets %u | %u\n",
           (unsigned long)seed, dim, sv.max / sv.min, info.channel_var_ratio, sk.mean, sk.min,
           sk.max, nofs, info.n_offsets);
    printf("                 after centring + rotation: var ratio %.2f, excess kurtosis mean "
           "%+.3f | +1 (min %+.2f max %+.2f)\n", svr.max / svr.min, skr.mean, skr.min, skr.max);
    EXPECT(info.channel_var_ratio >= 200.0 && info.channel_var_ratio <= 2500.0, "ratio range");
    EXPECT(fabs(sv.max / sv.min / info.channel_var_ratio - 1.0) < 0.1, "channel variance ratio");
    EXPECT(fabs(sk.mean - 1.0) < 0.15, "channel kurtosis");
    EXPECT(fabs(skr.mean - 1.0) < 0.15, "rotated kurtosis");
    EXPECT(nofs == info.n_offsets && nofs_bad == 0, "offset channels");
    col_stats_free(&raw);
    col_stats_free(&rot);
    free(v);
    free(x);
    return ok;
}

static int test_stats_dsv4(void)
{
    int ok = 1;
    ok &= dsv4_one(0, 128, 16384);
    ok &= dsv4_one(1, 128, 16384);
    ok &= dsv4_one(2, 512, 4096);
    return ok;
}

/* ========================================================================= */
/* 7. heavy statistics                                                         */
/* ========================================================================= */

static int cmp_float(const void *a, const void *b)
{
    const float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static int test_stats_heavy(void)
{
    const uint64_t n = 16384;
    const uint32_t dim = 128;
    int ok = 1;
    kvl_gen_info info;
    uint64_t i, spikes = 0, tail = 0, bulk = 0;
    uint32_t c, nofs = 0, nofs_bad = 0;
    double vmin = 1e300, vmax = 0, maxdev = 0;
    float *v = alloc_floats(n * dim), *col = alloc_floats(n);
    double *med = alloc_doubles(dim), *sd = alloc_doubles(dim);

    kvl_gen_describe(KVL_GEN_HEAVY, 5, dim, &info);
    kvl_gen_fill(KVL_GEN_HEAVY, 5, dim, 0, n, v);
    for (c = 0; c < dim; c++) {
        double s2 = 0.0;
        uint64_t m = 0;
        for (i = 0; i < n; i++)
            col[i] = v[i * dim + c];
        qsort(col, n, sizeof *col, cmp_float);
        med[c] = col[n / 2];
        if (fabs(med[c]) > 3.0) {
            nofs++;
            nofs_bad += fabs(med[c]) < 5.8 || fabs(med[c]) > 10.2;
        }
        for (i = 0; i < n; i++) {
            const double d = v[i * dim + c] - med[c];
            if (fabs(d) > maxdev)
                maxdev = fabs(d);
            if (fabs(d) > 30.0) {
                spikes++;
            } else {
                s2 += d * d;
                m++;
            }
        }
        sd[c] = sqrt(s2 / (double)m);
        if (sd[c] * sd[c] < vmin)
            vmin = sd[c] * sd[c];
        if (sd[c] * sd[c] > vmax)
            vmax = sd[c] * sd[c];
    }
    for (i = 0; i < n; i++)
        for (c = 0; c < dim; c++) {
            const double d = fabs(v[i * dim + c] - med[c]);
            if (d <= 30.0) {
                bulk++;
                tail += d > 3.0 * sd[c];
            }
        }
    printf("  heavy D=128: spike rate %.2e | 1.00e-03   P(|t|>3 sd) %.4f | 0.0117 (normal "
           "0.0027)   channel var ratio %.2f | %.2f   offsets %u | %u   max |x-median| %.1f\n",
           (double)spikes / (double)(n * dim), (double)tail / (double)bulk, vmax / vmin,
           info.channel_var_ratio, nofs, info.n_offsets, maxdev);
    EXPECT(fabs((double)spikes / (double)(n * dim) / 1e-3 - 1.0) < 0.1, "spike rate");
    EXPECT(fabs((double)tail / (double)bulk - 0.011725) < 0.0012, "t5 tail");
    EXPECT(fabs(vmax / vmin / info.channel_var_ratio - 1.0) < 0.2, "channel variance ratio");
    EXPECT(nofs == info.n_offsets && nofs_bad == 0, "offset channels");
    EXPECT(maxdev > 70.0 && maxdev < 145.0, "spike magnitude");
    free(v);
    free(col);
    free(med);
    free(sd);
    return ok;
}

/* ========================================================================= */
/* 8. npy round trip                                                            */
/* ========================================================================= */

/* Parse a copy of exactly len bytes on the heap (ASan sees any over-read). */
static int parse_copy(const uint8_t *src, size_t len, kvl_npy_info *info, char *err, size_t errlen)
{
    uint8_t *p = malloc(len > 0 ? len : 1);
    int rc;
    if (p == NULL)
        exit(1);
    if (len > 0)
        memcpy(p, src, len);
    rc = kvl_npy_parse(p, len, info, err, errlen);
    free(p);
    return rc;
}

/* Build a header: magic, version, length field, dict text (no padding). */
static size_t make_npy(uint8_t *buf, int major, const char *dict)
{
    const size_t dl = strlen(dict);
    size_t off;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (uint8_t)major;
    buf[7] = 0;
    if (major == 2) {
        buf[8] = (uint8_t)dl;
        buf[9] = (uint8_t)(dl >> 8);
        buf[10] = 0;
        buf[11] = 0;
        off = 12;
    } else {
        buf[8] = (uint8_t)dl;
        buf[9] = (uint8_t)(dl >> 8);
        off = 10;
    }
    memcpy(buf + off, dict, dl);
    return off + dl;
}

static int has_text(const uint8_t *p, const char *text)
{
    return memcmp(p, text, strlen(text)) == 0;
}

static int test_npy_roundtrip(void)
{
    int ok = 1;
    uint8_t buf[512];
    char err[256];
    size_t hlen = 0, len;
    kvl_npy_info info;

    /* f32 2-D */
    EXPECT(kvl_npy_write_header(buf, sizeof buf, KVL_DTYPE_F32, 3, 128, &hlen, err, sizeof err) == 0,
           "write f32: %s", err);
    EXPECT(hlen % 64 == 0 && buf[hlen - 1] == '\n', "header length %zu", hlen);
    EXPECT(has_text(buf + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 128), }"),
           "numpy-style dict");
    EXPECT(parse_copy(buf, hlen, &info, err, sizeof err) == 0, "parse f32: %s", err);
    EXPECT(info.dtype == KVL_DTYPE_F32 && info.ndim == 2 && info.shape[0] == 3 &&
           info.shape[1] == 128 && info.count == 384 && info.data_offset == hlen, "f32 info");
    /* f16 1-D */
    EXPECT(kvl_npy_write_header(buf, sizeof buf, KVL_DTYPE_F16, 128, 0, &hlen, err, sizeof err) == 0,
           "write f16: %s", err);
    EXPECT(hlen == 128 && has_text(buf + 10, "{'descr': '<f2', 'fortran_order': False, 'shape': (128,), }"),
           "f16 1-D header");
    EXPECT(parse_copy(buf, hlen, &info, err, sizeof err) == 0, "parse f16: %s", err);
    EXPECT(info.dtype == KVL_DTYPE_F16 && info.ndim == 1 && info.shape[0] == 128 &&
           info.shape[1] == 0 && info.count == 128 && info.data_offset == 128, "f16 info");
    /* large shape */
    EXPECT(kvl_npy_write_header(buf, 128, KVL_DTYPE_F32, UINT64_MAX / 8, 65536, &hlen, err,
                                sizeof err) == 0, "128 bytes suffice: %s", err);
    EXPECT(parse_copy(buf, hlen, &info, err, sizeof err) != 0, "overflowing shape accepted");
    EXPECT(kvl_npy_write_header(buf, sizeof buf, KVL_DTYPE_F32, 1000000000000ull, 4096, &hlen, err,
                                sizeof err) == 0 &&
           parse_copy(buf, hlen, &info, err, sizeof err) == 0 &&
           info.count == 4096000000000000ull, "big shape");
    /* writer errors */
    EXPECT(kvl_npy_write_header(buf, sizeof buf, KVL_DTYPE_BF16, 3, 128, &hlen, err, sizeof err) != 0 &&
           strstr(err, "raw") != NULL, "bf16 write: '%s'", err);
    EXPECT(kvl_npy_write_header(buf, 63, KVL_DTYPE_F32, 3, 128, &hlen, err, sizeof err) != 0,
           "small cap accepted");
    EXPECT(kvl_npy_write_header(buf, sizeof buf, 7, 3, 128, &hlen, err, sizeof err) != 0, "dtype 7");

    /* what numpy itself writes, and other spellings */
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 128), }          \n");
    EXPECT(parse_copy(buf, len, &info, err, sizeof err) == 0 && info.count == 384, "numpy v1: %s", err);
    len = make_npy(buf, 2, "{'descr': '<f2', 'fortran_order': False, 'shape': (128,), }\n");
    EXPECT(parse_copy(buf, len, &info, err, sizeof err) == 0 && info.ndim == 1 &&
           info.data_offset == len, "numpy v2: %s", err);
    len = make_npy(buf, 1, "{ \"shape\" :( 7 ,\t5 ,) ,'fortran_order':False,'descr':\"<f4\"}");
    EXPECT(parse_copy(buf, len, &info, err, sizeof err) == 0 && info.shape[0] == 7 &&
           info.shape[1] == 5, "reordered keys / whitespace: %s", err);
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 4L), }\n");
    EXPECT(parse_copy(buf, len, &info, err, sizeof err) == 0 && info.count == 12, "python2 L: %s", err);
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 128), }\n");
    EXPECT(parse_copy(buf, len, &info, err, sizeof err) == 0 && info.count == 0, "empty: %s", err);
    /* the header may be followed by data in the same buffer */
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n");
    memset(buf + len, 0xAB, 8);
    EXPECT(parse_copy(buf, len + 8, &info, err, sizeof err) == 0 && info.data_offset == len,
           "header + data: %s", err);
    return ok;
}

/* ========================================================================= */
/* 9. npy rejections                                                            */
/* ========================================================================= */

static int expect_reject(const char *dict, int major, const char *needle)
{
    int ok = 1;
    uint8_t buf[512];
    char err[256];
    kvl_npy_info info;
    const size_t len = make_npy(buf, major, dict);
    err[0] = '\0';
    EXPECT(parse_copy(buf, len, &info, err, sizeof err) != 0, "accepted: %s", dict);
    EXPECT(err[0] != '\0' && (needle == NULL || strstr(err, needle) != NULL),
           "message for %s: '%s' (want '%s')", dict, err, needle ? needle : "");
    return ok;
}

static int test_npy_reject(void)
{
    int ok = 1;
    uint8_t buf[512], good[128];
    char err[256];
    kvl_npy_info info;
    size_t hlen = 0, cut, i;
    uint64_t state = 1;

    kvl_npy_write_header(good, sizeof good, KVL_DTYPE_F32, 3, 128, &hlen, err, sizeof err);
    /* truncated: every proper prefix */
    for (cut = 0; cut < hlen; cut++)
        EXPECT(parse_copy(good, cut, &info, err, sizeof err) != 0, "prefix %zu accepted", cut);
    /* header length field larger than the buffer */
    memcpy(buf, good, hlen);
    buf[8] = 0xFF;
    buf[9] = 0x7F;
    EXPECT(parse_copy(buf, hlen, &info, err, sizeof err) != 0 && strstr(err, "longer") != NULL,
           "long header: '%s'", err);
    /* bad magic, versions */
    memcpy(buf, good, hlen);
    buf[1] = 'n';
    EXPECT(parse_copy(buf, hlen, &info, err, sizeof err) != 0 && strstr(err, "magic") != NULL,
           "magic: '%s'", err);
    memcpy(buf, good, hlen);
    buf[6] = 3;
    EXPECT(parse_copy(buf, hlen, &info, err, sizeof err) != 0 && strstr(err, "version") != NULL,
           "version 3: '%s'", err);
    memcpy(buf, good, hlen);
    buf[7] = 1;
    EXPECT(parse_copy(buf, hlen, &info, err, sizeof err) != 0, "version 1.1 accepted");
    EXPECT(kvl_npy_parse(NULL, 0, &info, err, sizeof err) != 0, "NULL buffer");

    ok &= expect_reject("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 128), }", 1, "fortran");
    ok &= expect_reject("{'descr': '>f4', 'fortran_order': False, 'shape': (3, 128), }", 1, "big-endian");
    ok &= expect_reject("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 128), }", 1, "float64");
    ok &= expect_reject("{'descr': '<i4', 'fortran_order': False, 'shape': (3, 128), }", 1, "descr");
    ok &= expect_reject("{'descr': 'bfloat16', 'fortran_order': False, 'shape': (3,), }", 1, "raw");
    ok &= expect_reject("{'descr': '<V2', 'fortran_order': False, 'shape': (3,), }", 2, "raw");
    ok &= expect_reject("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }", 1, "structured");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 1, "overflow");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,), }", 1, "overflow");
    ok &= expect_reject("{'descr': '<f2', 'fortran_order': False, 'shape': (9223372036854775807, 2), }", 1, "overflow");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", 1, "64 bits");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }", 1, "3-D");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 1, "0-D");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (128), }", 1, "tuple");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (-3, 2), }", 1, "shape");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (3 4), }", 1, "shape");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False}", 1, "lacks");
    ok &= expect_reject("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", 1, "duplicate");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}", 1, "unknown");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,)}", 1, "fortran_order");
    ok &= expect_reject("{'descr': '<f4' 'fortran_order': False, 'shape': (3,)}", 1, NULL);
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} x", 1, "trailing");
    ok &= expect_reject("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", 1, NULL);
    ok &= expect_reject("['descr', '<f4']", 1, "dict");
    ok &= expect_reject("{'descr: '<f4', 'fortran_order': False, 'shape': (3,)}", 1, NULL);

    /* deterministic mutations: parse must never crash or over-read (ASan) */
    for (i = 0; i < 20000; i++) {
        size_t k, nmut;
        memcpy(buf, good, hlen);
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        nmut = 1 + (size_t)(state >> 61);
        for (k = 0; k < nmut; k++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            buf[(state >> 33) % hlen] = (uint8_t)(state >> 17);
        }
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        (void)parse_copy(buf, hlen - (size_t)((state >> 40) % 4 == 0 ? (state >> 20) % hlen : 0),
                         &info, err, sizeof err);
    }
    return ok;
}

/* ========================================================================= */
/* 10. metrics                                                                  */
/* ========================================================================= */

static int test_metrics(void)
{
    int ok = 1;
    const float ref[4] = { 1.0f, 2.0f, 3.0f, 4.0f };
    const float tst[4] = { 1.0f, 2.0f, 3.0f, 5.0f };
    const float zero[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
    float bad[4] = { 1.0f, 2.0f, 3.0f, 4.0f };
    kvl_metrics m, m2;

    kvl_metrics_init(&m);
    kvl_metrics_add(&m, ref, tst, 4);
    EXPECT(m.count == 4 && m.nonfinite == 0 && m.sum_sq_err == 1.0 && m.sum_sq_ref == 30.0 &&
           m.max_abs_err == 1.0, "sums");
    EXPECT(fabs(kvl_metrics_rel_mse(&m) - 1.0 / 30.0) < 1e-15, "rel_mse");
    EXPECT(fabs(kvl_metrics_snr_db(&m) - 10.0 * log10(30.0)) < 1e-12, "snr %.6f",
           kvl_metrics_snr_db(&m));
    /* in pieces */
    kvl_metrics_init(&m2);
    kvl_metrics_add(&m2, ref, tst, 1);
    kvl_metrics_add(&m2, ref + 1, tst + 1, 3);
    EXPECT(m2.sum_sq_err == m.sum_sq_err && m2.sum_sq_ref == m.sum_sq_ref && m2.count == 4,
           "pieces");
    /* exact */
    kvl_metrics_init(&m);
    kvl_metrics_add(&m, ref, ref, 4);
    EXPECT(kvl_metrics_rel_mse(&m) == 0.0 && isinf(kvl_metrics_snr_db(&m)) &&
           kvl_metrics_snr_db(&m) > 0, "exact");
    kvl_metrics_init(&m);
    EXPECT(kvl_metrics_rel_mse(&m) == 0.0 && m.count == 0, "empty");
    /* zero reference */
    kvl_metrics_init(&m);
    kvl_metrics_add(&m, zero, ref, 4);
    EXPECT(isinf(kvl_metrics_rel_mse(&m)) && isinf(kvl_metrics_snr_db(&m)) &&
           kvl_metrics_snr_db(&m) < 0, "zero reference");
    /* non-finite */
    bad[2] = NAN;
    kvl_metrics_init(&m);
    kvl_metrics_add(&m, ref, bad, 4);
    EXPECT(m.nonfinite == 1 && m.count == 4 && isnan(kvl_metrics_rel_mse(&m)) &&
           isnan(kvl_metrics_snr_db(&m)), "NaN in test");
    bad[2] = INFINITY;
    kvl_metrics_init(&m);
    kvl_metrics_add(&m, bad, ref, 4);
    EXPECT(m.nonfinite == 1 && isnan(kvl_metrics_rel_mse(&m)), "Inf in ref");
    /* a 20 dB case: error energy 1% of the signal */
    {
        float r2[2] = { 10.0f, 0.0f }, t2[2] = { 9.0f, 0.0f };
        kvl_metrics_init(&m);
        kvl_metrics_add(&m, r2, t2, 2);
        EXPECT(fabs(kvl_metrics_snr_db(&m) - 20.0) < 1e-12, "20 dB");
    }
    return ok;
}

/* ========================================================================= */

typedef struct test_case {
    const char *name;
    int (*fn)(void);
} test_case;

int main(void)
{
    static const test_case tests[] = {
        { "gen_determinism", test_gen_determinism },
        { "gen_digests", test_gen_digests },
        { "gen_finite", test_gen_finite },
        { "stats_gauss", test_stats_gauss },
        { "stats_qwen3k", test_stats_qwen3k },
        { "stats_dsv4", test_stats_dsv4 },
        { "stats_heavy", test_stats_heavy },
        { "npy_roundtrip", test_npy_roundtrip },
        { "npy_reject", test_npy_reject },
        { "metrics", test_metrics },
    };
    int passed = 0, failed = 0;
    size_t i;
    for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        int r;
        printf("[%s]\n", tests[i].name);
        fflush(stdout);
        r = tests[i].fn();
        printf("[%s] %s\n", tests[i].name, r ? "ok" : "FAILED");
        if (r)
            passed++;
        else
            failed++;
    }
    printf("test_tools: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
