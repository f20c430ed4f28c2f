/*
 * test_cuda.cu -- differential tests of the CUDA codec against the reference.
 *
 * Built twice (cuda/CMakeLists.txt):
 *   cuda_core_host  KVL_CUDA_EMULATE: the kernels' code runs on the host (no
 *                   GPU needed). Part A tests the __host__ __device__ core
 *                   functions directly against ref/, parts B-C run the API
 *                   (kernels as host loops) against the reference library.
 *   kvl-cuda-test   GPU build: parts B-C on the device; exits 77 (CTest SKIP)
 *                   when there is no CUDA device.
 *
 *   A  number formats (exhaustive 16-bit / 8-bit, sampled binary32 incl.
 *      edge values), rne_int, sum8/dot8, WHT, D4/E8 closest points, ranks
 *      and unranks, per-vector LATTICE/FP8/RAW encode + decode (+ mutated
 *      records), CRC-32C and its combination
 *   B  random + edge-case chunks through kvl_cuda_encode_chunk (bytes and
 *      status vs kvl_chunk_encode), kvl_cuda_decode_chunk (values and status
 *      vs kvl_chunk_decode, every output dtype, mutated records),
 *      kvl_cuda_decode_gather (vs kvl_chunk_decode_vector), kvl_cuda_crc32c;
 *      every device buffer has guard regions that must stay untouched
 *   C  every stream of vectors/v1 (valid, unusual, faulty) decoded chunk by
 *      chunk on the device vs the reference decoder and the decoded.* files
 *
 * Usage: [--count N] [--seed S] [--vectors DIR] [--quick] [--probe]
 *   --count N: vectors per kernel in part B (default 20000 emulated,
 *   10000000 on a GPU).
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kvl_cuda_core.cuh"
#include "kvlattice_cuda.h"

extern "C" {
#include "kvl_internal.h"
}

#ifdef _OPENMP
#include <omp.h>
#endif

/* ---- bookkeeping --------------------------------------------------------- */
static unsigned long long g_checks, g_fail;
static const char *g_part = "";

#define CHECK(cond, ...)                                                                 \
    do {                                                                                 \
        g_checks++;                                                                      \
        if (!(cond)) {                                                                   \
            if (g_fail++ < 40) {                                                         \
                fprintf(stderr, "FAIL [%s] %s:%d: ", g_part, __FILE__, __LINE__);        \
                fprintf(stderr, __VA_ARGS__);                                            \
                fprintf(stderr, "\n");                                                   \
            }                                                                            \
        }                                                                                \
    } while (0)

/* ---- random numbers ---------------------------------------------------------- */
typedef struct rng {
    uint64_t s;
} rng;
static uint64_t rnext(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint32_t rbelow(rng *r, uint32_t n) { return (uint32_t)(rnext(r) % n); }
static double runit(rng *r) { return (double)(rnext(r) >> 11) * (1.0 / 9007199254740992.0); }
static float rgauss(rng *r)
{
    double u = runit(r), v = runit(r);
    if (u < 1e-300)
        u = 1e-300;
    return (float)(sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v));
}
static float f_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static uint32_t u_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* Interesting binary32 values. */
static float special_f32(rng *r)
{
    static const uint32_t pats[] = {
        0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u, 0x007FFFFFu, 0x00800000u, 0x00400000u, 0x00400001u,
        0x7F7FFFFFu, 0xFF7FFFFFu, 0x3F000000u, 0xBF000000u, 0x3FC00000u, 0x40200000u, 0xC0200000u, 0x4AFFFFFFu,
        0x4B000000u, 0x4B7FFFFFu, 0x477FE000u, 0x477FF000u, 0x477FEFFFu, 0x43C80000u, 0x43E80000u, 0x43E80001u,
        0x3A800000u, 0xBA800000u, 0x33800000u, 0x33000000u, 0x387FC000u, 0x38800000u, 0x44800000u, 0x44800001u,
        0xC4800000u, 0xC4800001u, 0x46FFFE00u, 0x4CDF8000u, 0x4CDF8001u, 0x3B800000u, 0x3B000000u, 0x3AFFFFFFu};
    return f_of(pats[rbelow(r, (uint32_t)(sizeof pats / sizeof pats[0]))]);
}

/* A random finite value from one of many distributions. */
static float rvalue(rng *r, int dist, float scale)
{
    switch (dist) {
    case 0:
        return rgauss(r) * scale;
    case 1: /* half-integers and integers: ties everywhere */
        return (float)((int)rbelow(r, 64) - 32) * 0.5f * scale;
    case 2:
        return 0.0f;
    case 3:
        return (rnext(r) & 1) ? -0.0f : 0.0f;
    case 4: /* subnormals */
        return f_of((uint32_t)(rnext(r) & 0x807FFFFFu));
    case 5: /* huge */
        return f_of((uint32_t)(0x7E000000u + rbelow(r, 0x017FFFFF)) | (uint32_t)(rnext(r) & 0x80000000u));
    case 6:
        return special_f32(r);
    case 7: { /* any finite pattern */
        uint32_t u;
        do
            u = (uint32_t)rnext(r);
        while ((u & 0x7F800000u) == 0x7F800000u);
        return f_of(u);
    }
    default: /* around the F16/BF16 skeleton boundary */
        return (rnext(r) & 1 ? 1024.0f : -1024.0f) + (float)((int)rbelow(r, 5) - 2) * 0.125f;
    }
}

static float rscale(rng *r)
{
    switch (rbelow(r, 6)) {
    case 0:
        return 1.0f;
    case 1:
        return ldexpf(1.0f, (int)rbelow(r, 40) - 20);
    case 2:
        return ldexpf(1.0f, -(int)rbelow(r, 140));
    case 3:
        return ldexpf(1.0f, (int)rbelow(r, 120));
    default:
        return 1.0f + (float)rbelow(r, 1000);
    }
}

/* Fill n*dim values: per vector a distribution, sometimes spikes. */
static void fill_vectors(rng *r, float *x, uint32_t n, uint32_t dim)
{
    uint32_t v, i;
    for (v = 0; v < n; v++) {
        int dist = rbelow(r, 10) < 6 ? 0 : (int)rbelow(r, 9);
        float sc = rscale(r);
        float *xv = x + (size_t)v * dim;
        /* huge values and arbitrary patterns make whole LATTICE chunks RANGE
         * (binary32 WHT overflow): keep them rare so most chunks decode */
        if ((dist == 5 || dist == 7) && rbelow(r, 8) != 0)
            dist = (int)rbelow(r, 5);
        for (i = 0; i < dim; i++)
            xv[i] = rbelow(r, 16) == 0 ? rvalue(r, (int)rbelow(r, 5), sc) : rvalue(r, dist, sc);
        if (rbelow(r, 4) == 0) { /* outlier spikes */
            uint32_t k, ns = 1 + rbelow(r, 4);
            for (k = 0; k < ns; k++)
            {
                double sp = (double)rgauss(r) * sc * ldexp(1.0, (int)rbelow(r, 30));
                xv[rbelow(r, dim)] = (float)(sp > 1e36 ? 1e36 : sp < -1e36 ? -1e36 : sp);
            }
        }
        if (rbelow(r, 24) == 0) {
            /* erratum E-001: one Walsh row of size a plus a tiny t, so the
             * rotated vector is one huge coordinate and a rest of +-t that
             * underflows the scale once the huge one is an outlier candidate */
            float a = ldexpf(1.0f, -100 - (int)rbelow(r, 26)), tt = ldexpf(a, -16 - (int)rbelow(r, 7));
            uint32_t row = rbelow(r, dim), kk = rbelow(r, dim);
            for (i = 0; i < dim; i++)
                xv[i] = (__builtin_popcount(i & row) & 1) ? -a : a;
            xv[kk] += (rnext(r) & 1) ? -tt : tt;
        } else if (rbelow(r, 24) == 0) {
            /* FP8 scales near 2^-127 (UE8M0 E = 0/1, F16 subnormal scales) */
            float sc2 = ldexpf(1.0f, -114 - (int)rbelow(r, 16));
            for (i = 0; i < dim; i++)
                xv[i] = rgauss(r) * sc2;
        }
        if (rbelow(r, 50) == 0) /* identical to the previous vector */
            if (v > 0)
                memcpy(xv, xv - dim, dim * 4u);
    }
}

/* Convert f32 values to the input dtype bytes (x is updated to the exact
 * value; a value that would overflow the dtype becomes its largest finite
 * value, so that NONFINITE cases are only the deliberate ones). */
static void to_dtype(float *x, size_t count, uint32_t dt, void *out)
{
    size_t i;
    for (i = 0; i < count; i++) {
        if (dt == KVL_DTYPE_F16 && (kvl_f32_to_f16(x[i]) & 0x7C00u) == 0x7C00u && kvl_f32_is_finite(x[i]))
            x[i] = x[i] < 0 ? -65504.0f : 65504.0f;
        if (dt == KVL_DTYPE_BF16 && (kvl_f32_to_bf16(x[i]) & 0x7F80u) == 0x7F80u && kvl_f32_is_finite(x[i]))
            x[i] = x[i] < 0 ? -3.3895313892515355e38f : 3.3895313892515355e38f;
        if (dt == KVL_DTYPE_F32)
            ((float *)out)[i] = x[i];
        else if (dt == KVL_DTYPE_F16)
            ((uint16_t *)out)[i] = kvl_f32_to_f16(x[i]);
        else
            ((uint16_t *)out)[i] = kvl_f32_to_bf16(x[i]);
    }
}

static const uint16_t g_qs[] = {1, 2, 3, 4, 5, 10, 19, 37, 38, 44, 45, 76, 90, 118, 127, 152, 180, 1000, 4095};

static void random_lattice_params(rng *r, uint32_t dim, kvl_chunk_params *p)
{
    memset(p, 0, sizeof *p);
    p->mode = KVL_MODE_LATTICE;
    p->lattice = (uint8_t)(rbelow(r, 2));
    do {
        p->q = rbelow(r, 3) == 0 ? (uint16_t)(1 + rbelow(r, p->lattice ? 127 : 4095))
                                 : g_qs[rbelow(r, (uint32_t)(sizeof g_qs / sizeof g_qs[0]))];
    } while (p->lattice == KVL_LATTICE_E8 && p->q > 127);
    {
        uint32_t kmax = dim / 4 < 16 ? dim / 4 : 16;
        uint32_t c = rbelow(r, 4);
        p->outliers = (uint8_t)(c == 0 ? 0 : c == 1 ? kmax : rbelow(r, kmax + 1));
    }
}

static uint32_t random_lattice_dim(rng *r)
{
    static const uint32_t dims[] = {8, 16, 32, 64, 128, 128, 128, 256, 512, 512};
    return dims[rbelow(r, 10)];
}

/* =========================== Part A: core functions ========================= */
static void part_a_numbers(uint64_t samples, rng *r)
{
    uint32_t i;
    uint64_t t;
    g_part = "A numbers";
    for (i = 0; i < 65536u; i++) {
        CHECK(u_of(kc_f16_to_f32((uint16_t)i)) == u_of(kvl_f16_to_f32((uint16_t)i)), "f16 %04x", i);
        CHECK(u_of(kc_bf16_to_f32((uint16_t)i)) == u_of(kvl_bf16_to_f32((uint16_t)i)), "bf16 %04x", i);
    }
    for (i = 0; i < 256u; i++)
        CHECK(u_of(kc_e4m3_to_f32((uint8_t)i)) == u_of(kvl_e4m3_to_f32((uint8_t)i)), "e4m3 %02x", i);
    for (t = 0; t < samples; t++) {
        uint32_t u;
        float x;
        if (t < 0x10000u)
            u = (uint32_t)t << 16 | (uint32_t)(rnext(r) & 0xFFFFu); /* every exponent/top mantissa */
        else if (t < 0x20000u)
            u = (uint32_t)(t - 0x10000u) << 16 | (uint32_t)(0x8000u + (rnext(r) & 1u)); /* bf16 ties */
        else if (t < 0x30000u)
            u = ((uint32_t)(t - 0x20000u) << 13) | 0x1000u; /* f16 ties */
        else if (t % 7u == 0u)
            u = u_of(special_f32(r)) ^ (uint32_t)(rbelow(r, 3));
        else
            u = (uint32_t)rnext(r);
        x = f_of(u);
        CHECK(kc_f32_to_f16(x) == kvl_f32_to_f16(x), "f32_to_f16 %08x", u);
        CHECK(kc_f32_to_bf16(x) == kvl_f32_to_bf16(x), "f32_to_bf16 %08x", u);
        CHECK(kc_f32_to_e4m3(x) == kvl_f32_to_e4m3(x), "f32_to_e4m3 %08x", u);
        CHECK(kc_f32_to_f16_up(x) == kvl_f32_to_f16_up(x), "f32_to_f16_up %08x", u);
        CHECK(u_of(kc_round_even(x)) == u_of(kvl_round_even(x)), "rne_int %08x", u);
        CHECK(kc_is_finite(x) == kvl_f32_is_finite(x), "finite %08x", u);
    }
    /* spec examples */
    CHECK(kc_f32_to_e4m3(400.0f) == 0x7C && kc_f32_to_e4m3(464.0f) == 0x7E && kc_f32_to_e4m3(-1000.0f) == 0xFE,
          "e4m3 examples");
    CHECK(kc_f32_to_f16_up(65504.0f) == 0x7BFF && kc_f32_to_f16_up(1e-30f) == 0x0001, "f16_up examples");
    CHECK(kc_round_even(2.5f) == 2.0f && u_of(kc_round_even(-0.4f)) == 0x80000000u &&
              kc_round_even(8388607.5f) == 8388608.0f,
          "rne examples");
}

static void part_a_lattice(uint64_t samples, rng *r)
{
    uint64_t t;
    g_part = "A lattice";
    for (t = 0; t < samples; t++) {
        kvl_chunk_params p;
        float z[8];
        int32_t a[8], b[8];
        int32_t q;
        uint32_t i, n;
        random_lattice_params(r, 8, &p);
        q = p.q;
        n = p.lattice == KVL_LATTICE_D4 ? 4u : 8u;
        for (i = 0; i < n; i++) {
            switch (rbelow(r, 8)) {
            case 0:
                z[i] = (float)((int)rbelow(r, 4 * q + 3) - 2 * q - 1) * 0.5f; /* ties, edges */
                break;
            case 1:
                z[i] = (rnext(r) & 1) ? INFINITY : -INFINITY;
                break;
            case 2:
                z[i] = (float)(rnext(r) & 1 ? q : -q) + (float)((int)rbelow(r, 5) - 2) * 0.25f;
                break;
            case 3:
                z[i] = rvalue(r, 7, 1.0f);
                break;
            case 4:
                z[i] = (rnext(r) & 1) ? -0.0f : 0.0f;
                break;
            default:
                z[i] = (float)((runit(r) * 2.4 - 1.2) * q);
            }
        }
        if (p.lattice == KVL_LATTICE_D4) {
            kvl_d4_closest(z, q, a);
            kc_dn_closest_box(z, 4u, -q, q, b);
            CHECK(memcmp(a, b, 16) == 0, "d4 closest q=%d", q);
            CHECK(kvl_d4_rank(a, q) == kc_d4_rank(b, q), "d4 rank");
        } else {
            kvl_e8_closest(z, q, a);
            kc_e8_closest(z, q, b);
            CHECK(memcmp(a, b, 32) == 0, "e8 closest q=%d", q);
            {
                kc_lattice_info li;
                kc_lattice_get_info(KVL_LATTICE_E8, (uint32_t)q, &li);
                CHECK(kvl_e8_rank(a, q) == kc_e8_rank(b, q, li.count_int), "e8 rank");
            }
        }
        /* unrank of random / edge indices */
        {
            kvl_lattice_info ri;
            kc_lattice_info ci;
            uint64_t idx;
            int s1, s2;
            kvl_lattice_get_info(p.lattice, (uint32_t)q, &ri);
            kc_lattice_get_info(p.lattice, (uint32_t)q, &ci);
            CHECK(ri.count == ci.count && ri.width == ci.width, "info q=%d", q);
            switch (rbelow(r, 5)) {
            case 0:
                idx = ci.count - 1u;
                break;
            case 1:
                idx = ci.count + rbelow(r, 3);
                break;
            case 2:
                idx = ci.width >= 64 ? rnext(r) : rnext(r) & (((uint64_t)1 << ci.width) - 1u);
                break;
            case 3:
                idx = ci.count_int ? ci.count_int - 1u + rbelow(r, 3) : 0;
                break;
            default:
                idx = rnext(r) % ci.count;
            }
            if (p.lattice == KVL_LATTICE_D4) {
                s1 = kvl_d4_unrank(idx, q, a);
                s2 = kc_d4_unrank(idx, &ci, b);
                CHECK(s1 == s2 && memcmp(a, b, 16) == 0, "d4 unrank %llu", (unsigned long long)idx);
            } else {
                s1 = kvl_e8_unrank(idx, q, a);
                s2 = kc_e8_unrank(idx, &ci, b);
                CHECK(s1 == s2 && memcmp(a, b, 32) == 0, "e8 unrank %llu", (unsigned long long)idx);
            }
        }
    }
    /* reductions and the WHT */
    for (t = 0; t < samples / 16u + 1u; t++) {
        float a[512], b[512], c[512], d2[512];
        int32_t ia[512], ib[512];
        uint32_t d = random_lattice_dim(r), i;
        fill_vectors(r, a, 1, d);
        fill_vectors(r, b, 1, d);
        CHECK(u_of(kvl_dot8(a, b, d)) == u_of(kc_dot8(a, b, d)), "dot8 d=%u", d);
        memcpy(c, a, d * 4u);
        memcpy(d2, a, d * 4u);
        kvl_fwht_f32(c, d);
        kc_fwht_f32(d2, d);
        CHECK(memcmp(c, d2, d * 4u) == 0, "fwht_f32 d=%u", d);
        for (i = 0; i < d; i++)
            ia[i] = ib[i] = (int32_t)rbelow(r, 8191) - 4095;
        kvl_fwht_i32(ia, d);
        kc_fwht_i32(ib, d);
        CHECK(memcmp(ia, ib, d * 4u) == 0, "fwht_i32 d=%u", d);
    }
}

/* A random skeleton already rounded to the dtype. */
static void random_skeleton(rng *r, uint32_t d, uint32_t rank, uint8_t sd, float *mean, float *basis)
{
    uint32_t i;
    float sc = rbelow(r, 3) == 0 ? 100.0f : 0.1f;
    for (i = 0; i < d; i++)
        mean[i] = kvl_skel_round(rgauss(r) * sc, sd);
    for (i = 0; i < rank * d; i++)
        basis[i] = kvl_skel_round(rgauss(r) / sqrtf((float)d), sd);
}

static void part_a_records(uint64_t samples, rng *r)
{
    uint64_t t;
    static float x[65536 + 64], mean[512], basis[64 * 512], outa[65536 + 64], outb[65536 + 64];
    static uint8_t reca[140000], recb[140000];
    float y[512], z[512], scratch[3 * 512];
    int32_t k[512];
    g_part = "A records";
    for (t = 0; t < samples; t++) {
        kvl_chunk_params p;
        kvl_layout RL;
        kc_layout CL;
        uint32_t d, rank = 0, has_mean = 0, m = rbelow(r, 8);
        uint8_t sd = (uint8_t)(rbelow(r, 2) ? KVL_DTYPE_BF16 : KVL_DTYPE_F16);
        int s1, s2, round;
        memset(&p, 0, sizeof p);
        if (m < 5) { /* LATTICE */
            d = random_lattice_dim(r);
            random_lattice_params(r, d, &p);
            if (rbelow(r, 2)) {
                has_mean = 1;
                uint32_t rmax = d - 1 < 64 ? d - 1 : 64;
                rank = rbelow(r, 3) ? 0u : 1u + rbelow(r, rmax < 8 ? rmax : 8);
                if (rbelow(r, 16) == 0)
                    rank = rmax;
            }
        } else if (m < 7) { /* FP8 */
            uint32_t B = 32u << rbelow(r, 3);
            p.mode = KVL_MODE_FP8;
            p.fp8_block = (uint16_t)B;
            p.fp8_scale = (uint8_t)rbelow(r, 3);
            p.fp8_split_rope = (uint8_t)(rbelow(r, 3) == 0);
            d = B * (1 + rbelow(r, 8)) + (p.fp8_split_rope ? 64u : 0u);
        } else {
            p.mode = KVL_MODE_RAW;
            p.raw_dtype = (uint8_t)rbelow(r, 3);
            d = 1 + rbelow(r, 700);
        }
        s1 = kvl_layout_make(d, &p, rank, has_mean, &RL);
        s2 = kc_layout_make(d, &p, rank, has_mean, &CL);
        CHECK(s1 == s2 && RL.record_bytes == CL.record_bytes && RL.record_bits == CL.record_bits, "layout");
        if (s1 != KVL_OK)
            continue;
        RL.skel_dtype = sd;
        CL.skel_dtype = sd;
        fill_vectors(r, x, 1, d);
        if (has_mean)
            random_skeleton(r, d, rank, sd, mean, basis);
        /* encode */
        memset(reca, 0, RL.record_bytes);
        memset(recb, 0xEE, RL.record_bytes);
        if (p.mode == KVL_MODE_LATTICE) {
            s1 = kvl_lattice_encode_vector(&RL, has_mean ? mean : 0, basis, x, scratch, reca);
            s2 = kc_lattice_encode_vector(&CL, has_mean ? mean : 0, basis, x, y, z, k, recb);
        } else if (p.mode == KVL_MODE_FP8) {
            s1 = kvl_fp8_encode_vector(&RL, x, reca);
            s2 = kc_fp8_encode_vector(&CL, x, recb);
        } else {
            s1 = kvl_raw_encode_vector(&RL, x, reca);
            s2 = kc_raw_encode_vector(&CL, x, recb);
        }
        CHECK(s1 == s2, "encode status mode %u d %u: ref %d cuda %d", p.mode, d, s1, s2);
        if (s1 == KVL_OK && s2 == KVL_OK)
            CHECK(memcmp(reca, recb, RL.record_bytes) == 0, "encode bytes mode %u d %u q %u K %u r %u", p.mode, d,
                  p.q, p.outliers, rank);
        /* decode the record, then mutated copies */
        if (s1 != KVL_OK)
            continue;
        for (round = 0; round < 3; round++) {
            uint32_t dt = rbelow(r, 3), j;
            size_t es = dt == 0 ? 4u : 2u;
            uint8_t skm[1024], skb[64 * 1024];
            if (round > 0) {
                uint32_t nf = 1 + rbelow(r, 3), f;
                for (f = 0; f < nf; f++) {
                    uint32_t bit = rbelow(r, RL.record_bytes * 8u);
                    if (rbelow(r, 3) == 0 && p.mode == KVL_MODE_LATTICE)
                        bit = rbelow(r, 32u + 16u * rank + p.outliers * RL.slot_bits + 8u);
                    reca[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                }
            }
            for (j = 0; j < d * (has_mean + rank); j++) {
                uint16_t h = kvl_skel_bits(j < d ? mean[j] : basis[j - d], sd);
                (j < d ? skm + 2 * j : skb + 2 * (j - d))[0] = (uint8_t)h;
                (j < d ? skm + 2 * j : skb + 2 * (j - d))[1] = (uint8_t)(h >> 8);
            }
            memset(outa, 0, d * es);
            memset(outb, 0, d * es);
            {
                /* reference: ref/records.c decode_store equivalent */
                float buf[65536 + 64];
                if (p.mode == KVL_MODE_LATTICE)
                    s1 = kvl_lattice_decode_vector(&RL, has_mean ? skm : 0, rank ? skb : 0, reca, buf);
                else if (p.mode == KVL_MODE_FP8)
                    s1 = kvl_fp8_decode_vector(&RL, reca, buf);
                else
                    s1 = kvl_raw_decode_vector(&RL, reca, buf);
                for (j = 0; s1 == KVL_OK && j < d; j++)
                    s1 = kvl_store_from_f32(outa, dt, j, buf[j]);
            }
            s2 = kc_decode_record(&CL, has_mean ? skm : 0, rank ? skb : 0, reca, dt, outb, 0, k, z);
            CHECK(s1 == s2, "decode status mode %u d %u round %d: ref %d cuda %d", p.mode, d, round, s1, s2);
            if (s1 == KVL_OK && s2 == KVL_OK)
                CHECK(memcmp(outa, outb, d * es) == 0, "decode values mode %u d %u dt %u", p.mode, d, dt);
        }
    }
}

static void part_a_crc(rng *r)
{
    static uint8_t buf[70000];
    uint32_t t, i;
    g_part = "A crc";
    for (i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)rnext(r);
    CHECK(kc_crc32c(0, (const uint8_t *)"123456789", 9) == 0xE3069283u, "check value");
    for (t = 0; t < 200; t++) {
        size_t la = rbelow(r, 30000), lb = rbelow(r, 30000);
        uint32_t ca = kc_crc32c(0, buf, la), cb = kc_crc32c(0, buf + la, lb);
        CHECK(ca == kvl_crc32c(0, buf, la), "crc");
        CHECK(kc_crc_combine_op(ca, cb, kc_crc_x8n(lb)) == kvl_crc32c(0, buf, la + lb), "combine %zu %zu", la, lb);
    }
}

/* =========================== device buffers ================================= */
#define GUARD 256u
typedef struct dbuf {
    uint8_t *base; /* allocation */
    uint8_t *p;    /* user pointer = base + GUARD */
    size_t n;
} dbuf;

static int dev_ok = 1;

static void *xdev_alloc(size_t n)
{
#ifdef KVL_CUDA_EMULATE
    void *p = 0; /* cudaMalloc alignment */
    return posix_memalign(&p, 256, n ? n : 1u) == 0 ? p : 0;
#else
    void *p = 0;
    if (cudaMalloc(&p, n) != cudaSuccess) {
        dev_ok = 0;
        return 0;
    }
    return p;
#endif
}
static void xdev_free(void *p)
{
#ifdef KVL_CUDA_EMULATE
    free(p);
#else
    cudaFree(p);
#endif
}
static void xh2d(void *d, const void *h, size_t n)
{
#ifdef KVL_CUDA_EMULATE
    memcpy(d, h, n);
#else
    if (n && cudaMemcpy(d, h, n, cudaMemcpyHostToDevice) != cudaSuccess)
        dev_ok = 0;
#endif
}
static void xd2h(void *h, const void *d, size_t n)
{
#ifdef KVL_CUDA_EMULATE
    memcpy(h, d, n);
#else
    if (n && cudaMemcpy(h, d, n, cudaMemcpyDeviceToHost) != cudaSuccess)
        dev_ok = 0;
#endif
}
static void xmemset(void *d, int v, size_t n)
{
#ifdef KVL_CUDA_EMULATE
    memset(d, v, n);
#else
    if (cudaMemset(d, v, n) != cudaSuccess)
        dev_ok = 0;
#endif
}
static void xsync(void)
{
#ifndef KVL_CUDA_EMULATE
    cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
        fprintf(stderr, "CUDA error: %s\n", cudaGetErrorString(e));
        dev_ok = 0;
    }
#endif
}

static dbuf db_alloc(size_t n)
{
    dbuf b;
    b.n = n;
    b.base = (uint8_t *)xdev_alloc(n + 2u * GUARD);
    b.p = b.base ? b.base + GUARD : 0;
    if (b.base)
        xmemset(b.base, 0xA5, n + 2u * GUARD);
    return b;
}
static void db_free(dbuf *b)
{
    if (b->base)
        xdev_free(b->base);
    b->base = b->p = 0;
}
/* The guard regions must still hold 0xA5. */
static int db_guards_ok(const dbuf *b)
{
    uint8_t g[2 * GUARD];
    uint32_t i;
    xd2h(g, b->base, GUARD);
    xd2h(g + GUARD, b->base + GUARD + b->n, GUARD);
    for (i = 0; i < 2 * GUARD; i++)
        if (g[i] != 0xA5)
            return 0;
    return 1;
}

static int result_of(kvl_cuda_result *d_res, uint64_t *pos)
{
    kvl_cuda_result h;
    xsync();
    xd2h(&h, d_res, sizeof h);
    return kvl_cuda_result_status(&h, pos);
}

/* =========================== Part B: chunks through the API ================= */
typedef struct chunk_case {
    uint32_t dim, n, in_dtype, caller_skel;
    kvl_chunk_params p;
    float *x;         /* n*dim */
    void *in;         /* in_dtype bytes */
    float *smean, *sbasis;
    uint8_t *ref_out; /* reference section */
    size_t ref_len;
    int ref_st;
    uint64_t seed;
} chunk_case;

static unsigned long long vecs_lattice_enc, vecs_other_enc;

static void make_case(chunk_case *c, uint64_t seed, int kind)
{
    rng r = {seed};
    uint32_t i;
    c->seed = seed;
    memset(&c->p, 0, sizeof c->p);
    c->caller_skel = 0;
    c->smean = c->sbasis = 0;
    if (kind == 0) { /* LATTICE */
        c->dim = random_lattice_dim(&r);
        random_lattice_params(&r, c->dim, &c->p);
        c->n = 1 + rbelow(&r, rbelow(&r, 4) == 0 ? 4096 : 300);
        switch (rbelow(&r, 6)) {
        case 0:
        case 1:
        case 2:
            break;
        case 3:
        case 4:
            c->p.skeleton = KVL_SKELETON_MEAN;
            break;
        default: {
            uint32_t rmax = c->dim - 1 < 64 ? c->dim - 1 : 64;
            c->p.skeleton = KVL_SKELETON_PCA;
            c->p.rank = (uint8_t)(1 + rbelow(&r, rmax < 4 ? rmax : 4));
            if (rbelow(&r, 8) == 0)
                c->p.rank = (uint8_t)rmax;
            if (c->n > 200)
                c->n = 1 + rbelow(&r, 200);
        }
        }
        if (c->p.skeleton != KVL_SKELETON_NONE && rbelow(&r, 5) == 0)
            c->caller_skel = 1;
    } else if (kind == 1) { /* FP8 */
        uint32_t B = 32u << rbelow(&r, 3);
        c->p.mode = KVL_MODE_FP8;
        c->p.fp8_block = (uint16_t)B;
        c->p.fp8_scale = (uint8_t)rbelow(&r, 3);
        c->p.fp8_split_rope = (uint8_t)(rbelow(&r, 3) == 0);
        c->dim = rbelow(&r, 3) == 0 ? 512 + (c->p.fp8_split_rope ? 64 : 0)
                                    : B * (1 + rbelow(&r, 8)) + (c->p.fp8_split_rope ? 64u : 0u);
        c->n = 1 + rbelow(&r, rbelow(&r, 4) == 0 ? 8192 : 400);
    } else { /* RAW */
        c->p.mode = KVL_MODE_RAW;
        c->p.raw_dtype = (uint8_t)rbelow(&r, 3);
        c->dim = 1 + rbelow(&r, rbelow(&r, 8) == 0 ? 5000 : 600);
        c->n = 1 + rbelow(&r, rbelow(&r, 4) == 0 ? 4096 : 300);
    }
    c->in_dtype = rbelow(&r, 3);
    c->x = (float *)malloc((size_t)c->n * c->dim * 4u);
    c->in = malloc((size_t)c->n * c->dim * 4u);
    fill_vectors(&r, c->x, c->n, c->dim);
    if (rbelow(&r, 40) == 0) /* NONFINITE */
        c->x[rbelow(&r, c->n * c->dim)] = rbelow(&r, 2) ? NAN : -INFINITY;
    to_dtype(c->x, (size_t)c->n * c->dim, c->in_dtype, c->in);
    if (c->caller_skel) {
        uint32_t rank = c->p.rank;
        c->smean = (float *)malloc(c->dim * 4u);
        c->sbasis = (float *)malloc((size_t)(rank ? rank : 1) * c->dim * 4u);
        for (i = 0; i < c->dim; i++)
            c->smean[i] = rgauss(&r) * (rbelow(&r, 4) ? 1.0f : 3000.0f);
        for (i = 0; i < rank * c->dim; i++)
            c->sbasis[i] = rgauss(&r) / sqrtf((float)c->dim);
    }
}

static void free_case(chunk_case *c)
{
    free(c->x);
    free(c->in);
    free(c->smean);
    free(c->sbasis);
    free(c->ref_out);
    c->x = 0;
    c->in = 0;
    c->smean = c->sbasis = 0;
    c->ref_out = 0;
}

static void ref_encode_case(chunk_case *c)
{
    size_t ws = 0, cap = 0;
    void *work;
    kvl_skeleton sk;
    c->ref_out = 0;
    c->ref_len = 0;
    c->ref_st = kvl_encode_workspace_size(c->dim, &c->p, c->n, &ws);
    if (c->ref_st == KVL_OK)
        c->ref_st = kvl_chunk_size_bound(c->dim, &c->p, c->n, &cap);
    if (c->ref_st != KVL_OK)
        return;
    work = malloc(ws + 16);
    c->ref_out = (uint8_t *)malloc(cap);
    sk.mean = c->smean;
    sk.basis = c->p.rank ? c->sbasis : 0;
    sk.rank = c->p.rank;
    c->ref_st = kvl_chunk_encode(c->dim, &c->p, 7, c->in, (kvl_dtype)c->in_dtype, c->n, c->caller_skel ? &sk : 0,
                                 work, ws + 16, c->ref_out, cap, &c->ref_len);
    free(work);
}

/* GPU/emulated encode of one case, compared with the reference. */
static void gpu_encode_case(chunk_case *c)
{
    size_t ws = 0, cap = 0, len = 0, in_bytes = (size_t)c->n * c->dim * (c->in_dtype ? 2u : 4u);
    dbuf din, dwork, dout, dres, dmean, dbasis;
    kvl_skeleton sk;
    uint8_t *h;
    int st;
    if (kvl_cuda_encode_workspace_size(c->dim, &c->p, c->n, &ws) != KVL_OK ||
        kvl_chunk_size_bound(c->dim, &c->p, c->n, &cap) != KVL_OK) {
        CHECK(c->ref_st != KVL_OK, "workspace refused but reference encoded");
        return;
    }
    din = db_alloc(in_bytes);
    dwork = db_alloc(ws);
    dout = db_alloc(cap);
    dres = db_alloc(sizeof(kvl_cuda_result));
    dmean = db_alloc(c->dim * 4u);
    dbasis = db_alloc((size_t)(c->p.rank ? c->p.rank : 1) * c->dim * 4u);
    xh2d(din.p, c->in, in_bytes);
    if (c->caller_skel) {
        xh2d(dmean.p, c->smean, c->dim * 4u);
        if (c->p.rank)
            xh2d(dbasis.p, c->sbasis, (size_t)c->p.rank * c->dim * 4u);
    }
    sk.mean = (const float *)dmean.p;
    sk.basis = c->p.rank ? (const float *)dbasis.p : 0;
    sk.rank = c->p.rank;
    kvl_cuda_result_reset((kvl_cuda_result *)dres.p, 0);
    st = kvl_cuda_encode_chunk(c->dim, &c->p, 7, din.p, (kvl_dtype)c->in_dtype, c->n, c->caller_skel ? &sk : 0,
                               dwork.p, ws, dout.p, cap, &len, (kvl_cuda_result *)dres.p, 0);
    if (st == KVL_OK)
        st = result_of((kvl_cuda_result *)dres.p, 0);
    CHECK(st == c->ref_st, "encode status: ref %d cuda %d (mode %u dim %u n %u q %u K %u skel %u r %u seed %llu)",
          c->ref_st, st, c->p.mode, c->dim, c->n, c->p.q, c->p.outliers, c->p.skeleton, c->p.rank,
          (unsigned long long)c->seed);
    if (st == KVL_OK && c->ref_st == KVL_OK) {
        h = (uint8_t *)malloc(len);
        xd2h(h, dout.p, len);
        CHECK(len == c->ref_len && memcmp(h, c->ref_out, len) == 0,
              "encode bytes (mode %u dim %u n %u q %u K %u skel %u r %u caller %u seed %llu)", c->p.mode, c->dim, c->n,
              c->p.q, c->p.outliers, c->p.skeleton, c->p.rank, c->caller_skel, (unsigned long long)c->seed);
        free(h);
    }
    CHECK(db_guards_ok(&din) && db_guards_ok(&dwork) && db_guards_ok(&dout) && db_guards_ok(&dres) &&
              db_guards_ok(&dmean) && db_guards_ok(&dbasis),
          "encode guard region overwritten (seed %llu)", (unsigned long long)c->seed);
    if (c->p.mode == KVL_MODE_LATTICE)
        vecs_lattice_enc += c->n;
    else
        vecs_other_enc += c->n;
    db_free(&din);
    db_free(&dwork);
    db_free(&dout);
    db_free(&dres);
    db_free(&dmean);
    db_free(&dbasis);
}

/* Mutate record bytes of a parsed section (view points into sec). */
static void mutate_records(rng *r, const kvl_chunk_view *v)
{
    uint32_t nm = rbelow(r, 4), i;
    uint8_t *recs = (uint8_t *)v->records;
    for (i = 0; i < nm; i++) {
        uint32_t vec = rbelow(r, v->n_vectors), bit = rbelow(r, v->record_bytes * 8u);
        if (rbelow(r, 2) && v->params.mode == KVL_MODE_LATTICE)
            bit = rbelow(r, (32u + 16u * v->params.rank + 25u * v->params.outliers + 40u) < v->record_bytes * 8u
                                ? 32u + 16u * v->params.rank + 25u * v->params.outliers + 40u
                                : v->record_bytes * 8u);
        recs[(size_t)vec * v->record_bytes + bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
    }
}

static uint64_t vecs_dec, vecs_gather;

/* Decode a (possibly mutated) parsed chunk on the device and with the
 * reference, every output dtype; gather a random list too. */
static void gpu_decode_view(const kvl_chunk_view *v, const uint8_t *sec, size_t sec_len, rng *r)
{
    dbuf dsec = db_alloc(sec_len), dres = db_alloc(sizeof(kvl_cuda_result));
    kvl_cuda_chunk c;
    uint32_t dt;
    xh2d(dsec.p, sec, sec_len);
    CHECK(kvl_cuda_chunk_from_view(v, sec, dsec.p, &c) == KVL_OK, "chunk_from_view");
    for (dt = 0; dt < 3; dt++) {
        size_t es = dt ? 2u : 4u, bytes = (size_t)v->n_vectors * v->dim * es;
        dbuf dout = db_alloc(bytes);
        uint8_t *ha = (uint8_t *)malloc(bytes), *hb = (uint8_t *)malloc(bytes);
        int s1, s2;
        s1 = kvl_chunk_decode(v, (kvl_dtype)dt, ha, bytes);
        kvl_cuda_result_reset((kvl_cuda_result *)dres.p, 0);
        s2 = kvl_cuda_decode_chunk(&c, (kvl_dtype)dt, dout.p, bytes, (kvl_cuda_result *)dres.p, 0);
        if (s2 == KVL_OK)
            s2 = result_of((kvl_cuda_result *)dres.p, 0);
        CHECK(s1 == s2, "decode status: ref %d cuda %d (mode %u dim %u dt %u)", s1, s2, v->params.mode, v->dim, dt);
        if (s1 == KVL_OK && s2 == KVL_OK) {
            xd2h(hb, dout.p, bytes);
            CHECK(memcmp(ha, hb, bytes) == 0, "decode values (mode %u dim %u dt %u q %u)", v->params.mode, v->dim, dt,
                  v->params.q);
        }
        /* validate only */
        if (dt == 0) {
            int s3 = kvl_chunk_validate(v), s4;
            kvl_cuda_result_reset((kvl_cuda_result *)dres.p, 0);
            s4 = kvl_cuda_decode_chunk(&c, (kvl_dtype)dt, 0, 0, (kvl_cuda_result *)dres.p, 0);
            if (s4 == KVL_OK)
                s4 = result_of((kvl_cuda_result *)dres.p, 0);
            CHECK(s3 == s4, "validate status: ref %d cuda %d", s3, s4);
        }
        CHECK(db_guards_ok(&dout) && db_guards_ok(&dsec) && db_guards_ok(&dres), "decode guard region overwritten");
        vecs_dec += v->n_vectors;
        db_free(&dout);
        free(ha);
        free(hb);
    }
    /* gather: random references, sometimes out of range */
    {
        uint32_t nref = 1 + rbelow(r, 64), t, dtg = rbelow(r, 3);
        size_t es = dtg ? 2u : 4u;
        kvl_cuda_vec_ref *refs = (kvl_cuda_vec_ref *)malloc(nref * sizeof *refs);
        dbuf dchunks = db_alloc(sizeof c), drefs = db_alloc(nref * sizeof *refs),
             dout = db_alloc((size_t)nref * v->dim * es);
        uint8_t *ha = (uint8_t *)malloc((size_t)nref * v->dim * es), *hb = (uint8_t *)malloc((size_t)nref * v->dim * es);
        int s1 = KVL_OK, s2;
        uint64_t pos2 = 0, pos1 = 0;
        for (t = 0; t < nref; t++) {
            refs[t].chunk = rbelow(r, 50) == 0 ? 1u : 0u;
            refs[t].vector = rbelow(r, 50) == 0 ? v->n_vectors : rbelow(r, v->n_vectors);
        }
        for (t = 0; t < nref && s1 == KVL_OK; t++) {
            if (refs[t].chunk != 0 || refs[t].vector >= v->n_vectors)
                s1 = KVL_ERR_ARG;
            else
                s1 = kvl_chunk_decode_vector(v, refs[t].vector, (kvl_dtype)dtg, ha + (size_t)t * v->dim * es,
                                             v->dim * es);
            pos1 = t;
        }
        xh2d(dchunks.p, &c, sizeof c);
        xh2d(drefs.p, refs, nref * sizeof *refs);
        kvl_cuda_result_reset((kvl_cuda_result *)dres.p, 0);
        s2 = kvl_cuda_decode_gather((const kvl_cuda_chunk *)dchunks.p, 1, v->dim, (const kvl_cuda_vec_ref *)drefs.p,
                                    nref, (kvl_dtype)dtg, dout.p, (size_t)nref * v->dim * es,
                                    (kvl_cuda_result *)dres.p, 0);
        if (s2 == KVL_OK)
            s2 = result_of((kvl_cuda_result *)dres.p, &pos2);
        CHECK(s1 == s2 && (s1 == KVL_OK || pos1 == pos2), "gather status: ref %d@%llu cuda %d@%llu", s1,
              (unsigned long long)pos1, s2, (unsigned long long)pos2);
        if (s1 == KVL_OK && s2 == KVL_OK) {
            xd2h(hb, dout.p, (size_t)nref * v->dim * es);
            CHECK(memcmp(ha, hb, (size_t)nref * v->dim * es) == 0, "gather values");
        }
        CHECK(db_guards_ok(&dout) && db_guards_ok(&dchunks) && db_guards_ok(&drefs), "gather guard region overwritten");
        vecs_gather += nref;
        db_free(&dchunks);
        db_free(&drefs);
        db_free(&dout);
        free(refs);
        free(ha);
        free(hb);
    }
    db_free(&dsec);
    db_free(&dres);
}

static void part_b(uint64_t count, uint64_t seed)
{
    const int batch = 32;
    chunk_case cs[32];
    uint64_t next = seed * 1000003ull;
    int kind;
    g_part = "B chunks";
    for (kind = 0; kind < 3; kind++) {
        uint64_t done_enc = 0, dec0 = vecs_dec;
        while ((done_enc < count || (vecs_dec - dec0) / 3u < count) && dev_ok) {
            int i;
            /* reference side in parallel (the host part of the work) */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1)
#endif
            for (i = 0; i < batch; i++) {
                make_case(&cs[i], next + (uint64_t)i, kind);
                ref_encode_case(&cs[i]);
            }
            next += batch;
            for (i = 0; i < batch; i++) {
                chunk_case *c = &cs[i];
                rng r = {c->seed ^ 0x5555ull};
                gpu_encode_case(c);
                done_enc += c->n;
                if (c->ref_st == KVL_OK) {
                    kvl_chunk_view v;
                    int ps = kvl_chunk_parse(c->ref_out, c->ref_len, c->dim, &v);
                    CHECK(ps == KVL_OK, "parse of reference chunk");
                    if (ps == KVL_OK) {
                        if (rbelow(&r, 3) == 0)
                            mutate_records(&r, &v);
                        gpu_decode_view(&v, c->ref_out, c->ref_len, &r);
                    }
                }
                free_case(c);
            }
        }
    }
    /* CRC-32C of device memory */
    {
        static const size_t lens[] = {0, 1, 3, 4095, 4096, 4097, 65536, 1048576 + 3, 4096u * 256u * 2u + 77u};
        rng r = {seed + 99};
        size_t i, j;
        g_part = "B crc";
        for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
            size_t n = lens[i], ws = 0;
            uint8_t *h = (uint8_t *)malloc(n + 1);
            dbuf dd = db_alloc(n + 1), dw, dc = db_alloc(4);
            uint32_t crc = 0;
            for (j = 0; j < n; j++)
                h[j] = (uint8_t)rnext(&r);
            kvl_cuda_crc32c_workspace_size(n, &ws);
            dw = db_alloc(ws);
            xh2d(dd.p, h, n);
            CHECK(kvl_cuda_crc32c(dd.p, n, (uint32_t *)dc.p, dw.p, ws, 0) == KVL_OK, "crc call");
            xsync();
            xd2h(&crc, dc.p, 4);
            CHECK(crc == kvl_crc32c(0, h, n), "device crc len %zu", n);
            CHECK(db_guards_ok(&dd) && db_guards_ok(&dw) && db_guards_ok(&dc), "crc guard region");
            db_free(&dd);
            db_free(&dw);
            db_free(&dc);
            free(h);
        }
    }
}

/* =========================== Part C: golden streams ========================= */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b;
    long n;
    if (!f)
        return 0;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = (uint8_t *)malloc(n > 0 ? (size_t)n : 1u);
    if (n > 0 && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        fclose(f);
        return 0;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Decode a whole stream (kvlc_decode semantics). gpu: records on the device. */
static int decode_stream(const uint8_t *s, size_t len, uint32_t dt, int gpu, uint8_t **out, size_t *out_len)
{
    kvl_reader rd;
    kvl_event ev;
    size_t need = 0, cap = 0;
    uint8_t *buf = 0;
    dbuf dstream = {0, 0, 0}, dres = {0, 0, 0};
    int st = kvl_reader_init(&rd, s, len);
    if (gpu) {
        dstream = db_alloc(len);
        dres = db_alloc(sizeof(kvl_cuda_result));
        xh2d(dstream.p, s, len);
    }
    while (st == KVL_OK) {
        size_t bytes;
        st = kvl_reader_next(&rd, &ev);
        if (st != KVL_OK || ev.kind == KVL_EVENT_END)
            break;
        if (ev.kind != KVL_EVENT_CHUNK)
            continue;
        bytes = (size_t)ev.chunk.n_vectors * ev.chunk.dim * (dt ? 2u : 4u);
        if (need + bytes > cap) {
            cap = (need + bytes) * 2;
            buf = (uint8_t *)realloc(buf, cap);
        }
        if (!gpu) {
            st = kvl_chunk_decode(&ev.chunk, (kvl_dtype)dt, buf + need, bytes);
        } else {
            kvl_cuda_chunk c;
            dbuf dout = db_alloc(bytes);
            st = kvl_cuda_chunk_from_view(&ev.chunk, s, dstream.p, &c);
            if (st == KVL_OK) {
                kvl_cuda_result_reset((kvl_cuda_result *)dres.p, 0);
                st = kvl_cuda_decode_chunk(&c, (kvl_dtype)dt, dout.p, bytes, (kvl_cuda_result *)dres.p, 0);
            }
            if (st == KVL_OK)
                st = result_of((kvl_cuda_result *)dres.p, 0);
            if (st == KVL_OK)
                xd2h(buf + need, dout.p, bytes);
            CHECK(db_guards_ok(&dout), "golden decode guard region");
            db_free(&dout);
        }
        need += bytes;
    }
    if (gpu) {
        db_free(&dstream);
        db_free(&dres);
    }
    *out = buf;
    *out_len = need;
    return st;
}

static unsigned long long golden_streams, golden_decodes;

static void part_c_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) != 0) {
        char path[8192], sp[8400];
        struct stat sb;
        size_t len = 0;
        uint8_t *s;
        uint32_t dt;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
            continue;
        snprintf(sp, sizeof sp, "%s/stream.kvl", path);
        s = read_file(sp, &len);
        if (!s)
            continue;
        golden_streams++;
        for (dt = 0; dt < 3; dt++) {
            static const char *ext[3] = {"f32", "f16", "bf16"};
            uint8_t *a = 0, *b = 0, *expect;
            size_t la = 0, lb = 0, le = 0;
            int s1 = decode_stream(s, len, dt, 0, &a, &la), s2 = decode_stream(s, len, dt, 1, &b, &lb);
            CHECK(s1 == s2, "%s (%s): ref %d cuda %d", path, ext[dt], s1, s2);
            if (s1 == KVL_OK && s2 == KVL_OK)
                CHECK(la == lb && memcmp(a, b, la) == 0, "%s (%s): values", path, ext[dt]);
            snprintf(sp, sizeof sp, "%s/decoded.%s", path, ext[dt]);
            expect = read_file(sp, &le);
            if (expect) {
                CHECK(s2 == KVL_OK && lb == le && memcmp(b, expect, le) == 0, "%s: decoded.%s", path, ext[dt]);
                free(expect);
            }
            golden_decodes++;
            free(a);
            free(b);
        }
        free(s);
    }
    closedir(d);
}

/* =========================== main ========================================= */
int main(int argc, char **argv)
{
#ifdef KVL_CUDA_EMULATE
    uint64_t count = 20000;
    const int emulated = 1;
#else
    uint64_t count = 10000000;
    const int emulated = 0;
#endif
    uint64_t seed = 1, asamples = 2000000;
    const char *vdir = KVL_VECTORS_DIR;
    int i, quick = 0;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = strtoull(argv[++i], 0, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], 0, 10);
        else if (!strcmp(argv[i], "--vectors") && i + 1 < argc)
            vdir = argv[++i];
        else if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--probe")) /* exit 0 when a device is usable, else 77 */
            return emulated || kvl_cuda_device_count() <= 0 ? 77 : 0;
        else {
            fprintf(stderr, "usage: %s [--count N] [--seed S] [--vectors DIR] [--quick]\n", argv[0]);
            return 2;
        }
    }
    if (!emulated && kvl_cuda_device_count() <= 0) {
        printf("no CUDA device: skipped (77)\n");
        return 77;
    }
    if (quick)
        asamples = 200000;
    printf("%s, part B count %llu vectors per kernel, seed %llu\n",
           emulated ? "host emulation of the CUDA kernels" : "CUDA device", (unsigned long long)count,
           (unsigned long long)seed);
    {
        rng r = {seed};
        if (emulated) {
            part_a_numbers(asamples, &r);
            part_a_lattice(asamples / 4, &r);
            part_a_records(quick ? 3000 : 30000, &r);
            part_a_crc(&r);
            printf("part A (core functions vs ref/): %llu checks, %llu failed\n", g_checks, g_fail);
        }
    }
    {
        unsigned long long c0 = g_checks;
        part_b(count, seed);
        printf("part B (chunks through the API): %llu checks; vectors: %llu lattice encoded, %llu fp8/raw encoded, "
               "%llu decoded (f32+f16+bf16 decodes counted separately), %llu gathered\n",
               g_checks - c0, vecs_lattice_enc, vecs_other_enc, (unsigned long long)vecs_dec,
               (unsigned long long)vecs_gather);
    }
    {
        unsigned long long c0 = g_checks;
        char d[4096];
        static const char *groups[] = {"valid", "unusual", "faulty"};
        int gi;
        g_part = "C golden";
        for (gi = 0; gi < 3; gi++) {
            snprintf(d, sizeof d, "%s/v1/%s", vdir, groups[gi]);
            part_c_dir(d);
        }
        CHECK(golden_streams > 100, "golden vectors found in %s", vdir);
        printf("part C (golden streams): %llu streams, %llu stream decodes, %llu checks\n", golden_streams,
               golden_decodes, g_checks - c0);
    }
    if (!dev_ok)
        CHECK(0, "CUDA runtime error");
    printf("%llu passed, %llu failed\n", g_checks - g_fail, g_fail);
    return g_fail ? 1 : 0;
}
