/* catalogue_valid.c -- the valid/ group: every mode, lattice, D, published Q
 * and maximum Q, outliers, skeletons, FP8 block sizes and scale formats, the
 * DeepSeek-V4 split, RAW of every dtype pair, multi-tensor streams and
 * partial chunks. Crafted trap vectors are in catalogue_traps.c. */
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "vg.h"

static const char *const kKindFlag[4] = {"data-gauss", "data-qwen3-k", "data-dsv4", "data-heavy"};
static const char *const kLatName[2] = {"d4", "e8"};
static const char *const kDt[3] = {"f32", "f16", "bf16"};

/* One LATTICE case; returns after emitting. */
static void lattice_case(const char *name, const char *desc, uint32_t dim, uint32_t chunk, uint32_t n,
                         kvl_chunk_params p, int kind, uint64_t seed, float scale, int in_dtype,
                         const char *f1, const char *f2, const char *f3)
{
    vg_case *c = vg_begin("valid", name, p.lattice ? "lattice-e8" : "lattice-d4", desc);
    int t = vg_tensor(c, dim, chunk, n, in_dtype, &p, NULL);
    c->t[t].role = KVL_ROLE_K;
    vg_fill_gen(c, t, kind, seed, scale);
    vg_flags(c, kKindFlag[kind], f1, f2, f3, (const char *)NULL);
    if (n > chunk)
        vg_flags(c, "multi-chunk", (const char *)NULL);
    if (n % chunk)
        vg_flags(c, "partial-chunk", (const char *)NULL);
    if (dim == 128 || dim == 512)
        vg_flags(c, "inv-sqrt-d", (const char *)NULL);
    if (in_dtype == KVL_DTYPE_F16)
        vg_flags(c, "in-f16", (const char *)NULL);
    if (in_dtype == KVL_DTYPE_BF16)
        vg_flags(c, "in-bf16", (const char *)NULL);
    vg_spec(c, "7.1", "7.7", "10.4", (const char *)NULL);
    vg_emit(c);
}

/* Every D in {64, 128, 256, 512} x every published Q the lattice allows and
 * its maximum Q. */
static void lattice_grid(void)
{
    static const uint16_t kQ[11] = {1, 2, 4, 5, 10, 19, 37, 38, 44, 76, 152};
    static const uint32_t kD[4] = {64, 128, 256, 512};
    int lat, di, qi;
    for (lat = 0; lat < 2; lat++) {
        const uint16_t qmax = lat ? KVL_MAX_Q_E8 : KVL_MAX_Q_D4;
        for (di = 0; di < 4; di++) {
            for (qi = 0; qi <= 11; qi++) {
                uint16_t q = qi < 11 ? kQ[qi] : qmax;
                char name[64], desc[200];
                int kind = di % 2 ? KVL_GEN_QWEN3K : KVL_GEN_GAUSS;
                if (q > qmax)
                    continue; /* E8 Q = 152 is an ARG case in faulty/ */
                snprintf(name, sizeof name, "lattice-%s-d%u-q%u", kLatName[lat], (unsigned)kD[di], (unsigned)q);
                snprintf(desc, sizeof desc, "LATTICE %s, D = %u, Q = %u%s: 10 vectors in chunks of 4 (last chunk partial)",
                         lat ? "E8" : "D4", (unsigned)kD[di], (unsigned)q,
                         qi < 11 ? " (published operating point)" : " (largest allowed Q)");
                lattice_case(name, desc, kD[di], 4, 10, vg_lat(lat, q, 0, KVL_SKELETON_NONE, 0), kind,
                             1000u + (uint64_t)(lat * 100 + di * 16 + qi), 1.0f,
                             KVL_DTYPE_F32, qi < 11 ? "published-q" : "max-q", (const char *)NULL, NULL);
            }
        }
    }
}

/* Outliers (none / some / full) x skeleton (none / mean / basis) at the
 * published D = 128, Q = 38 point, on heavy-tailed data where both matter. */
static void lattice_outliers_skeleton(void)
{
    static const uint8_t kK[3] = {0, 4, 16};
    static const char *const kSk[3] = {"none", "mean", "pca4"};
    int lat, ki, si;
    for (lat = 0; lat < 2; lat++) {
        for (ki = 0; ki < 3; ki++) {
            for (si = 0; si < 3; si++) {
                char name[64], desc[220];
                uint8_t rank = si == 2 ? 4u : 0u;
                if (ki == 0 && si == 0)
                    continue; /* plain case: in the grid */
                snprintf(name, sizeof name, "lattice-%s-d128-q38-k%u-%s", kLatName[lat], (unsigned)kK[ki], kSk[si]);
                snprintf(desc, sizeof desc,
                         "LATTICE %s D = 128 Q = 38 with K = %u outlier slots%s and skeleton %s, "
                         "heavy-tailed data, 24 vectors in chunks of 16",
                         lat ? "E8" : "D4", (unsigned)kK[ki], ki == 2 ? " (the maximum)" : "",
                         si == 0 ? "none" : si == 1 ? "mean" : "mean + rank-4 basis");
                lattice_case(name, desc, 128, 16, 24, vg_lat(lat, 38, kK[ki], si, rank), KVL_GEN_HEAVY,
                             2000u + (uint64_t)(lat * 9 + ki * 3 + si), 1.0f, KVL_DTYPE_F32, "published-q",
                             ki ? (ki == 2 ? "outliers-full" : "outliers") : (si == 1 ? "skeleton-mean" : "skeleton-pca"),
                             ki && si ? (si == 1 ? "skeleton-mean" : "skeleton-pca") : NULL);
            }
        }
    }
    /* limits of the skeleton and outlier parameters */
    lattice_case("lattice-d4-d128-q38-pca64", "LATTICE D4 D = 128 Q = 38 with the largest basis rank, r = 64, on DeepSeek-V4-style data",
                 128, 80, 80, vg_lat(0, 38, 0, KVL_SKELETON_PCA, 64), KVL_GEN_DSV4, 2100, 1.0f, KVL_DTYPE_F32,
                 "skeleton-pca", "published-q", NULL);
    lattice_case("lattice-e8-d8-q5-pca7", "LATTICE E8 at the smallest D = 8 with rank r = 7 = D - 1 and K = 2 = D/4 outlier slots",
                 8, 8, 8, vg_lat(1, 5, 2, KVL_SKELETON_PCA, 7), KVL_GEN_HEAVY, 2101, 1.0f, KVL_DTYPE_F32,
                 "min-dim", "skeleton-pca", "outliers-full");
    lattice_case("lattice-d4-d8-q2-k2", "LATTICE D4 at the smallest D = 8, Q = 2, K = 2 = D/4 outlier slots",
                 8, 4, 6, vg_lat(0, 2, 2, KVL_SKELETON_NONE, 0), KVL_GEN_GAUSS, 2102, 1.0f, KVL_DTYPE_F32,
                 "min-dim", "outliers-full", "published-q");
    lattice_case("lattice-d4-d512-q4095-k16-pca2", "LATTICE D4 at the largest D and Q with K = 16 slots and a rank-2 basis",
                 512, 6, 6, vg_lat(0, 4095, 16, KVL_SKELETON_PCA, 2), KVL_GEN_DSV4, 2103, 1.0f, KVL_DTYPE_F32,
                 "max-q", "outliers-full", "skeleton-pca");
    lattice_case("lattice-e8-d512-q127-k16-mean", "LATTICE E8 at the largest D and Q with K = 16 slots and a mean skeleton",
                 512, 6, 6, vg_lat(1, 127, 16, KVL_SKELETON_MEAN, 0), KVL_GEN_DSV4, 2104, 1.0f, KVL_DTYPE_F32,
                 "max-q", "outliers-full", "skeleton-mean");
    lattice_case("lattice-d4-d128-q38-mean-bf16skel", "LATTICE D4 with a mean skeleton stored as bf16: values above 1024 (heavy data x 300)",
                 128, 8, 8, vg_lat(0, 38, 4, KVL_SKELETON_MEAN, 0), KVL_GEN_HEAVY, 2105, 300.0f, KVL_DTYPE_F32,
                 "skeleton-bf16", "skeleton-mean", "outliers");
    lattice_case("lattice-e8-d64-q10-in-f16", "LATTICE E8 D = 64 Q = 10 from binary16 input", 64, 4, 7,
                 vg_lat(1, 10, 0, KVL_SKELETON_NONE, 0), KVL_GEN_QWEN3K, 2106, 1.0f, KVL_DTYPE_F16, "published-q", NULL, NULL);
    lattice_case("lattice-d4-d256-q19-in-bf16", "LATTICE D4 D = 256 Q = 19 with a mean skeleton from bfloat16 input", 256, 4, 7,
                 vg_lat(0, 19, 2, KVL_SKELETON_MEAN, 0), KVL_GEN_DSV4, 2107, 1.0f, KVL_DTYPE_BF16, "published-q",
                 "skeleton-mean", "outliers");
}

static void fp8_case(const char *name, const char *desc, uint32_t dim, uint32_t chunk, uint32_t n, uint16_t block,
                     int scale, int split, int kind, uint64_t seed, int in_dtype)
{
    static const char *const kScaleFlag[3] = {NULL, "ue8m0", "f16-scale"};
    kvl_chunk_params p = vg_fp8(block, scale, split);
    vg_case *c = vg_begin("valid", name, "fp8", desc);
    int t = vg_tensor(c, dim, chunk, n, in_dtype, &p, NULL);
    c->t[t].role = KVL_ROLE_V;
    vg_fill_gen(c, t, kind, seed, 1.0f);
    vg_flags(c, kKindFlag[kind], (const char *)NULL);
    if (kScaleFlag[scale])
        vg_flags(c, kScaleFlag[scale], (const char *)NULL);
    if (split)
        vg_flags(c, "split-rope", (const char *)NULL);
    if (n % chunk)
        vg_flags(c, "partial-chunk", (const char *)NULL);
    if (in_dtype != KVL_DTYPE_F32)
        vg_flags(c, in_dtype == KVL_DTYPE_F16 ? "in-f16" : "in-bf16", (const char *)NULL);
    vg_spec(c, "6.2", "6.3", "2.2.3", (const char *)NULL);
    vg_emit(c);
}

static void fp8_grid(void)
{
    static const char *const kScale[3] = {"f32", "ue8m0", "f16"};
    static const uint16_t kB[3] = {32, 64, 128};
    int bi, si;
    for (bi = 0; bi < 3; bi++) {
        for (si = 0; si < 3; si++) {
            char name[64], desc[160];
            snprintf(name, sizeof name, "fp8-b%u-%s-d128", (unsigned)kB[bi], kScale[si]);
            snprintf(desc, sizeof desc, "FP8 E4M3 blocks of %u with %s scales, D = 128, 10 vectors in chunks of 4",
                     (unsigned)kB[bi], kScale[si]);
            fp8_case(name, desc, 128, 4, 10, kB[bi], si, 0, KVL_GEN_QWEN3K, 3000u + (uint64_t)(bi * 3 + si),
                     KVL_DTYPE_F32);
        }
        /* the DeepSeek-V4 layout: 512 FP8 dims + 64 bf16 RoPE dims */
        {
            char name[64], desc[200];
            snprintf(name, sizeof name, "fp8-dsv4-split-d576-b%u-%s", (unsigned)kB[bi], kScale[bi]);
            snprintf(desc, sizeof desc,
                     "DeepSeek-V4 split-rope profile: D = 576 = 512 FP8 (blocks of %u, %s scales) + 64 bf16 dims",
                     (unsigned)kB[bi], kScale[bi]);
            fp8_case(name, desc, 576, 4, 6, kB[bi], bi, 1, KVL_GEN_DSV4, 3100u + (uint64_t)bi, KVL_DTYPE_F32);
        }
    }
    fp8_case("fp8-b64-f32-d512-in-bf16", "FP8 blocks of 64, f32 scales, D = 512 from bfloat16 input", 512, 3, 5, 64, 0,
             0, KVL_GEN_HEAVY, 3200, KVL_DTYPE_BF16);
    fp8_case("fp8-b32-ue8m0-d64-in-f16", "FP8 blocks of 32, UE8M0 scales, D = 64 from binary16 input", 64, 8, 8, 32, 1, 0,
             KVL_GEN_GAUSS, 3201, KVL_DTYPE_F16);
}

/* RAW: every (input dtype, stored dtype) pair. */
static void raw_grid(void)
{
    int in, st;
    for (in = 0; in < 3; in++) {
        for (st = 0; st < 3; st++) {
            char name[64], desc[160];
            kvl_chunk_params p = vg_raw(st);
            vg_case *c;
            int t;
            snprintf(name, sizeof name, "raw-%s-from-%s-d64", kDt[st], kDt[in]);
            snprintf(desc, sizeof desc, "RAW %s records from %s input (RNE where narrowing), D = 64, 5 vectors in chunks of 2",
                     kDt[st], kDt[in]);
            c = vg_begin("valid", name, "raw", desc);
            t = vg_tensor(c, 64, 2, 5, in, &p, NULL);
            vg_fill_gen(c, t, KVL_GEN_HEAVY, 4000u + (uint64_t)(in * 3 + st), 1.0f);
            vg_flags(c, "data-heavy", "partial-chunk", (const char *)NULL);
            if (in != KVL_DTYPE_F32)
                vg_flags(c, in == KVL_DTYPE_F16 ? "in-f16" : "in-bf16", (const char *)NULL);
            vg_spec(c, "6.1", "2.2", (const char *)NULL);
            vg_emit(c);
        }
    }
}

/* Stream structure: several tensors, metadata, chunk_len edge cases. */
static void container_cases(void)
{
    vg_case *c;
    kvl_chunk_params pk = vg_lat(KVL_LATTICE_D4, 38, 2, KVL_SKELETON_MEAN, 0);
    kvl_chunk_params pv = vg_fp8(64, KVL_FP8_SCALE_UE8M0, 0);
    kvl_chunk_params pr = vg_raw(KVL_DTYPE_BF16);
    kvl_chunk_params pe = vg_lat(KVL_LATTICE_E8, 10, 0, KVL_SKELETON_NONE, 0);
    int t;

    c = vg_begin("valid", "multi-tensor-k-v-other", "container",
                 "three tensors in one stream: K as LATTICE D4 (D 128), V as FP8 (D 128), an f16 RAW tensor of D 96, with layer/head/name metadata");
    t = vg_tensor(c, 128, 4, 9, KVL_DTYPE_F32, &pk, "model.layers.7.self_attn.k_proj");
    c->t[t].role = KVL_ROLE_K;
    c->t[t].layer = 7;
    c->t[t].head = 3;
    vg_fill_gen(c, t, KVL_GEN_QWEN3K, 5000, 1.0f);
    t = vg_tensor(c, 128, 8, 8, KVL_DTYPE_F32, &pv, "model.layers.7.self_attn.v_proj");
    c->t[t].role = KVL_ROLE_V;
    c->t[t].layer = 7;
    c->t[t].head = 3;
    vg_fill_gen(c, t, KVL_GEN_DSV4, 5001, 1.0f);
    t = vg_tensor(c, 96, 16, 3, KVL_DTYPE_F16, &pr, "extra");
    c->t[t].role = KVL_ROLE_OTHER;
    vg_fill_gen(c, t, KVL_GEN_GAUSS, 5002, 1.0f);
    vg_flags(c, "multi-tensor", "metadata", "partial-chunk", "in-f16", "data-qwen3-k", (const char *)NULL);
    vg_spec(c, "4.3", "4.6", (const char *)NULL);
    vg_emit(c);

    c = vg_begin("valid", "multi-tensor-with-empty", "container",
                 "two tensors around a tensor with zero vectors (TENS then TEND, no chunk)");
    t = vg_tensor(c, 64, 4, 4, KVL_DTYPE_F32, &pe, "a");
    vg_fill_gen(c, t, KVL_GEN_GAUSS, 5010, 1.0f);
    t = vg_tensor(c, 64, 4, 0, KVL_DTYPE_F32, &pe, "empty");
    t = vg_tensor(c, 32, 4, 5, KVL_DTYPE_F32, &pe, "b");
    vg_fill_gen(c, t, KVL_GEN_GAUSS, 5011, 1.0f);
    vg_flags(c, "multi-tensor", "empty-tensor", "partial-chunk", "data-gauss", (const char *)NULL);
    vg_spec(c, "4.6", (const char *)NULL);
    vg_emit(c);

    c = vg_begin("valid", "chunk-len-1", "container", "chunk_len = 1: every vector is its own chunk (LATTICE E8 D 64)");
    t = vg_tensor(c, 64, 1, 5, KVL_DTYPE_F32, &pe, NULL);
    vg_fill_gen(c, t, KVL_GEN_QWEN3K, 5020, 1.0f);
    vg_flags(c, "chunk-len-1", "multi-chunk", "data-qwen3-k", (const char *)NULL);
    vg_spec(c, "4.6", "5.1", (const char *)NULL);
    vg_emit(c);

    c = vg_begin("valid", "full-chunks-only", "container",
                 "12 vectors in chunks of 4: every chunk full, LATTICE D4 Q 38 with a mean skeleton");
    t = vg_tensor(c, 64, 4, 12, KVL_DTYPE_F32, &pk, NULL);
    vg_fill_gen(c, t, KVL_GEN_DSV4, 5030, 1.0f);
    vg_flags(c, "multi-chunk", "skeleton-mean", "data-dsv4", (const char *)NULL);
    vg_spec(c, "4.6", (const char *)NULL);
    vg_emit(c);
}

void vg_catalogue_valid(void)
{
    lattice_grid();
    lattice_outliers_skeleton();
    fp8_grid();
    raw_grid();
    container_cases();
}
