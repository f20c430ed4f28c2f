/* test_codec.c -- encode/decode across the parameter space (spec §5-§7, §10).
 *
 * Round trips for every mode, lattice, allowed D, published Q, outliers and
 * skeletons with an error bound derived from the spec; random access equals
 * whole-chunk decode; streaming append in pieces equals one-shot; encoding is
 * repeatable; encoder errors for bad input; the brief's traps.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvl_internal.h"

static int g_pass, g_fail;

#define CHECK(cond, ...)                                 \
    do {                                                 \
        if (cond) {                                      \
            g_pass++;                                    \
        } else {                                         \
            g_fail++;                                    \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);  \
            printf(__VA_ARGS__);                         \
            printf("\n");                                \
        }                                                \
    } while (0)

/* ---- deterministic data ------------------------------------------------ */
static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_u64(void)
{
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static float uniform(void) { return (float)((double)(next_u64() >> 11) * (1.0 / 9007199254740992.0)); }
static float gauss(void)
{
    double u = (double)uniform() + 1e-12, v = (double)uniform();
    return (float)(sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v));
}
static void fill(float *x, size_t n, float offset)
{
    size_t i;
    for (i = 0; i < n; i++)
        x[i] = gauss() + (i % 7u == 0u ? offset : 0.0f);
}

/* ---- in-memory sink ------------------------------------------------------ */
typedef struct membuf {
    uint8_t *data;
    size_t len, cap;
} membuf;
static int mem_sink(void *ctx, const uint8_t *b, size_t n)
{
    membuf *m = (membuf *)ctx;
    if (m->len + n > m->cap) {
        size_t c = m->cap ? m->cap * 2u : 1u << 16;
        while (c < m->len + n)
            c *= 2u;
        m->data = (uint8_t *)realloc(m->data, c);
        if (!m->data)
            return -1;
        m->cap = c;
    }
    memcpy(m->data + m->len, b, n);
    m->len += n;
    return 0;
}

/* Encode rows of x as one tensor, appended in pieces of `piece` vectors. */
static kvl_status encode_stream(uint32_t dim, const kvl_chunk_params *p, const float *x, uint32_t n,
                                uint32_t chunk_len, uint32_t piece, const kvl_skeleton *skel, membuf *out)
{
    kvl_writer w;
    kvl_tensor_desc d;
    size_t ws = 0;
    void *work;
    uint32_t done = 0;
    kvl_status st;
    memset(&d, 0, sizeof d);
    d.dim = dim;
    d.chunk_len = chunk_len;
    d.layer = d.head = -1;
    out->len = 0;
    st = kvl_writer_init(&w, mem_sink, out);
    if (st == KVL_OK)
        st = kvl_writer_workspace_size(&d, p, KVL_DTYPE_F32, &ws);
    if (st != KVL_OK)
        return st;
    work = malloc(ws);
    st = kvl_writer_begin_tensor(&w, &d, p, KVL_DTYPE_F32, skel, work, ws);
    while (st == KVL_OK && done < n) {
        uint32_t take = n - done < piece ? n - done : piece;
        st = kvl_writer_append(&w, x + (size_t)done * dim, take);
        done += take;
    }
    if (st == KVL_OK)
        st = kvl_writer_end_tensor(&w);
    if (st == KVL_OK)
        st = kvl_writer_finish(&w);
    free(work);
    return st;
}

/* Decode every chunk of tensor 0 into y (f32); also checks random access and
 * returns the largest per-vector spec error bound D*unit*s of LATTICE chunks
 * through bound[] (one per vector). */
static kvl_status decode_stream(const membuf *m, float *y, float *bound, uint32_t dim)
{
    kvl_reader r;
    kvl_event ev;
    kvl_status st = kvl_reader_init(&r, m->data, m->len);
    float *one = (float *)malloc((size_t)dim * 4u);
    while (st == KVL_OK) {
        uint32_t i;
        st = kvl_reader_next(&r, &ev);
        if (st != KVL_OK || ev.kind == KVL_EVENT_END)
            break;
        if (ev.kind != KVL_EVENT_CHUNK)
            continue;
        st = kvl_chunk_decode(&ev.chunk, KVL_DTYPE_F32, y + ev.first_vector * dim,
                              (size_t)ev.chunk.n_vectors * dim * 4u);
        for (i = 0; st == KVL_OK && i < ev.chunk.n_vectors; i++) {
            const uint8_t *rec = ev.chunk.records + (size_t)i * ev.chunk.record_bytes;
            st = kvl_chunk_decode_vector(&ev.chunk, i, KVL_DTYPE_F32, one, (size_t)dim * 4u);
            if (memcmp(one, y + (ev.first_vector + i) * dim, (size_t)dim * 4u) != 0) {
                printf("random access differs at vector %u\n", i);
                st = KVL_ERR_FIELD;
            }
            if (bound) {
                uint32_t sb = (uint32_t)rec[0] | ((uint32_t)rec[1] << 8) | ((uint32_t)rec[2] << 16) |
                              ((uint32_t)rec[3] << 24);
                float unit = ev.chunk.params.lattice == KVL_LATTICE_E8 ? 2.0f : 1.0f;
                bound[ev.first_vector + i] = (float)dim * unit * kvl_bits_to_f32(sb);
            }
        }
    }
    free(one);
    return st;
}

static double norm2(const float *a, const float *b, uint32_t d)
{
    double s = 0;
    uint32_t i;
    for (i = 0; i < d; i++) {
        double e = (double)a[i] - (b ? (double)b[i] : 0.0);
        s += e * e;
    }
    return sqrt(s);
}

/* ---- 1. LATTICE round trips over the parameter space --------------------- */
static void test_lattice_roundtrips(void)
{
    static const uint32_t dims[] = {8, 16, 32, 64, 128, 256, 512};
    static const uint16_t qs_d4[] = {1, 2, 4, 5, 10, 19, 37, 38, 44, 76, 152, 4095};
    static const uint16_t qs_e8[] = {1, 2, 4, 5, 10, 19, 37, 38, 44, 76, 127};
    const uint32_t n = 40;
    size_t di, qi;
    int lat, cfg;
    for (di = 0; di < sizeof dims / sizeof dims[0]; di++) {
        uint32_t dim = dims[di];
        float *x = (float *)malloc((size_t)n * dim * 4u);
        float *y = (float *)malloc((size_t)n * dim * 4u);
        float *bound = (float *)malloc((size_t)n * 4u);
        fill(x, (size_t)n * dim, 4.0f);
        memset(x + (size_t)3 * dim, 0, (size_t)dim * 4u); /* a zero vector */
        for (lat = 0; lat < 2; lat++) {
            const uint16_t *qs = lat ? qs_e8 : qs_d4;
            size_t nq = lat ? sizeof qs_e8 / sizeof qs_e8[0] : sizeof qs_d4 / sizeof qs_d4[0];
            for (qi = 0; qi < nq; qi++) {
                for (cfg = 0; cfg < 4; cfg++) {
                    kvl_chunk_params p;
                    membuf m = {0, 0, 0};
                    kvl_status st;
                    uint32_t v;
                    int ok = 1;
                    memset(&p, 0, sizeof p);
                    p.mode = KVL_MODE_LATTICE;
                    p.lattice = (uint8_t)lat;
                    p.q = qs[qi];
                    if (cfg == 1)
                        p.outliers = (uint8_t)(dim / 4u < 16u ? dim / 4u : 16u); /* full */
                    if (cfg == 2)
                        p.skeleton = KVL_SKELETON_MEAN;
                    if (cfg == 3) {
                        p.skeleton = KVL_SKELETON_PCA;
                        p.rank = (uint8_t)(dim > 8u ? 3u : 2u);
                        p.outliers = 2;
                    }
                    st = encode_stream(dim, &p, x, n, 16, n, 0, &m);
                    CHECK(st == KVL_OK, "encode d=%u lat=%d q=%u cfg=%d: %s", dim, lat, p.q, cfg, kvl_status_name(st));
                    if (st != KVL_OK) {
                        free(m.data);
                        continue;
                    }
                    st = decode_stream(&m, y, bound, dim);
                    CHECK(st == KVL_OK, "decode d=%u lat=%d q=%u cfg=%d: %s", dim, lat, p.q, cfg, kvl_status_name(st));
                    /* spec §7.8 (informative note) bound: in code units each coordinate is within one
                     * lattice unit, so ||x - x^|| <= D*unit*s (plus binary32 rounding
                     * of the skeleton and the transform) */
                    for (v = 0; st == KVL_OK && v < n; v++) {
                        double err = norm2(x + (size_t)v * dim, y + (size_t)v * dim, dim);
                        double lim = 1.001 * bound[v] + 1e-5 * norm2(x + (size_t)v * dim, 0, dim) + 1e-30;
                        if (cfg == 0 && !(err <= lim)) {
                            printf("  vector %u err %.3g > bound %.3g\n", v, err, lim);
                            ok = 0;
                        }
                        if (v == 3 && cfg != 2 && cfg != 3 && norm2(y + (size_t)v * dim, 0, dim) != 0.0)
                            ok = 0; /* zero vector decodes to exact zeros */
                    }
                    CHECK(ok, "error bound d=%u lat=%d q=%u cfg=%d", dim, lat, p.q, cfg);
                    free(m.data);
                }
            }
        }
        free(x);
        free(y);
        free(bound);
    }
}

/* ---- 2. RAW and FP8 round trips ---------------------------------------------- */
static void test_raw_fp8(void)
{
    const uint32_t n = 33;
    uint32_t dims[] = {64, 128, 192, 576};
    size_t di;
    int dt, blk, sc, split;
    for (di = 0; di < 4; di++) {
        uint32_t dim = dims[di];
        float *x = (float *)malloc((size_t)n * dim * 4u), *y = (float *)malloc((size_t)n * dim * 4u);
        fill(x, (size_t)n * dim, 0.0f);
        x[5] = -0.0f;
        for (dt = 0; dt < 3; dt++) {
            kvl_chunk_params p;
            membuf m = {0, 0, 0};
            size_t i;
            int exact = 1;
            memset(&p, 0, sizeof p);
            p.mode = KVL_MODE_RAW;
            p.raw_dtype = (uint8_t)dt;
            CHECK(encode_stream(dim, &p, x, n, 8, 5, 0, &m) == KVL_OK && decode_stream(&m, y, 0, dim) == KVL_OK,
                  "raw dt=%d dim=%u", dt, dim);
            for (i = 0; i < (size_t)n * dim; i++) {
                float want = dt == 0 ? x[i] : dt == 1 ? kvl_f16_to_f32(kvl_f32_to_f16(x[i])) : kvl_bf16_to_f32(kvl_f32_to_bf16(x[i]));
                if (kvl_f32_to_bits(want) != kvl_f32_to_bits(y[i]))
                    exact = 0;
            }
            CHECK(exact, "raw dtype %d dim %u decodes to the rounded input bit for bit (-0 kept)", dt, dim);
            free(m.data);
        }
        for (blk = 32; blk <= 128; blk *= 2)
            for (sc = 0; sc < 3; sc++)
                for (split = 0; split < 2; split++) {
                    kvl_chunk_params p;
                    membuf m = {0, 0, 0};
                    double e = 0, r = 0;
                    size_t i;
                    memset(&p, 0, sizeof p);
                    p.mode = KVL_MODE_FP8;
                    p.fp8_block = (uint16_t)blk;
                    p.fp8_scale = (uint8_t)sc;
                    p.fp8_split_rope = (uint8_t)split;
                    if (kvl_params_check(dim, &p) != KVL_OK) {
                        CHECK((split && dim <= 64u) || (dim - (split ? 64u : 0u)) % (uint32_t)blk != 0u,
                              "fp8 params rejected wrongly");
                        continue;
                    }
                    CHECK(encode_stream(dim, &p, x, n, 8, n, 0, &m) == KVL_OK && decode_stream(&m, y, 0, dim) == KVL_OK,
                          "fp8 dim %u block %d scale %d split %d", dim, blk, sc, split);
                    for (i = 0; i < (size_t)n * dim; i++) {
                        e += ((double)x[i] - y[i]) * ((double)x[i] - y[i]);
                        r += (double)x[i] * x[i];
                    }
                    /* E4M3 has 3 mantissa bits: rel-MSE well below 2^-8 */
                    CHECK(e / r < 2e-3, "fp8 rel-MSE %.3g too large (dim %u block %d scale %d)", e / r, dim, blk, sc);
                    free(m.data);
                }
        free(x);
        free(y);
    }
}

/* ---- 3. streaming, determinism, sizes ------------------------------------- */
static void test_streaming_and_sizes(void)
{
    const uint32_t dim = 128, n = 4096;
    float *x = (float *)malloc((size_t)n * dim * 4u);
    membuf a = {0, 0, 0}, b = {0, 0, 0}, c = {0, 0, 0};
    kvl_chunk_params p;
    uint32_t rb = 0, rbits = 0;
    fill(x, (size_t)n * dim, 0.0f);
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_LATTICE;
    p.lattice = KVL_LATTICE_D4;
    p.q = 38;
    CHECK(encode_stream(dim, &p, x, n, 1024, n, 0, &a) == KVL_OK, "one-shot");
    CHECK(encode_stream(dim, &p, x, n, 1024, 7, 0, &b) == KVL_OK, "pieces of 7");
    CHECK(encode_stream(dim, &p, x, n, 1024, n, 0, &c) == KVL_OK, "again");
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "append in pieces gives the same bytes");
    CHECK(a.len == c.len && memcmp(a.data, c.data, a.len) == 0, "encoding is repeatable");
    CHECK(kvl_record_size(dim, &p, &rb, &rbits) == KVL_OK && rb == 104u && rbits == 832u,
          "D4 q38 D128 record = 832 bits / 104 bytes (got %u / %u)", rbits, rb);
    /* file header + TENS + 4 CHNK + TEND + FEND */
    CHECK(a.len == 20u + (16u + 24u) + 4u * (16u + 24u + 1024u * 104u) + (16u + 16u) + (16u + 4u),
          "stream size is header + sections + records exactly (%zu)", a.len);
    CHECK((double)(a.len - (size_t)n * 104u) / (double)(n * 104u) < 0.01, "container overhead %.4f%% < 1%%",
          100.0 * (double)(a.len - (size_t)n * 104u) / (double)(n * 104u));
    p.lattice = KVL_LATTICE_E8;
    CHECK(kvl_record_size(dim, &p, &rb, &rbits) == KVL_OK && rbits == 848u && rb == 106u,
          "E8 q38 D128 record = 848 bits (got %u)", rbits);
    free(a.data);
    free(b.data);
    free(c.data);
    free(x);
}

/* ---- 4. encoder errors and traps ------------------------------------------- */
static kvl_status encode_one(uint32_t dim, const kvl_chunk_params *p, const float *x, uint32_t n)
{
    membuf m = {0, 0, 0};
    kvl_status st = encode_stream(dim, p, x, n, 8, n, 0, &m);
    free(m.data);
    return st;
}

static void test_errors_and_traps(void)
{
    float x[2 * 128], y[2 * 128];
    kvl_chunk_params p;
    membuf m = {0, 0, 0};
    size_t i;
    uint16_t h[128];
    fill(x, 256, 0.0f);
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_LATTICE;
    p.q = 38;
    x[17] = (float)NAN;
    CHECK(encode_one(128, &p, x, 2) == KVL_ERR_NONFINITE, "NaN input -> NONFINITE");
    x[17] = (float)INFINITY;
    CHECK(encode_one(128, &p, x, 2) == KVL_ERR_NONFINITE, "Inf input -> NONFINITE");
    x[17] = 1.0f;
    /* huge but finite values whose rotation overflows binary32 */
    for (i = 0; i < 128; i++)
        x[i] = 3e38f;
    CHECK(encode_one(128, &p, x, 1) == KVL_ERR_RANGE, "FWHT overflow -> RANGE");
    for (i = 0; i < 128; i++)
        x[i] = (i & 1u) ? 1e30f : -2e30f;
    CHECK(encode_one(128, &p, x, 1) == KVL_OK, "1e30-scale vectors encode");
    /* subnormal vectors encode and decode */
    for (i = 0; i < 128; i++)
        x[i] = kvl_bits_to_f32((uint32_t)(i + 1u));
    CHECK(encode_stream(128, &p, x, 1, 8, 1, 0, &m) == KVL_OK && decode_stream(&m, y, 0, 128) == KVL_OK,
          "subnormal input round trip");
    fill(x, 256, 0.0f);
    /* invalid parameters -> ARG */
    p.q = 0;
    CHECK(kvl_params_check(128, &p) == KVL_ERR_ARG, "q 0");
    p.q = 4096;
    CHECK(kvl_params_check(128, &p) == KVL_ERR_ARG, "D4 q 4096");
    p.q = 4095;
    CHECK(kvl_params_check(128, &p) == KVL_OK, "D4 q 4095");
    p.lattice = KVL_LATTICE_E8;
    CHECK(kvl_params_check(128, &p) == KVL_ERR_ARG, "E8 q 4095");
    p.q = 127;
    CHECK(kvl_params_check(128, &p) == KVL_OK, "E8 q 127");
    CHECK(kvl_params_check(96, &p) == KVL_ERR_ARG, "LATTICE dim 96");
    CHECK(kvl_params_check(576, &p) == KVL_ERR_ARG, "LATTICE dim 576");
    CHECK(kvl_params_check(1024, &p) == KVL_ERR_ARG, "LATTICE dim 1024");
    p.outliers = 17;
    CHECK(kvl_params_check(128, &p) == KVL_ERR_ARG, "17 outliers");
    p.outliers = 3;
    CHECK(kvl_params_check(8, &p) == KVL_ERR_ARG, "outliers > dim/4");
    p.outliers = 0;
    p.skeleton = KVL_SKELETON_PCA;
    p.rank = 8;
    CHECK(kvl_params_check(8, &p) == KVL_ERR_ARG, "rank >= dim");
    p.rank = 0;
    CHECK(kvl_params_check(128, &p) == KVL_ERR_ARG, "pca rank 0");
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_FP8;
    p.fp8_block = 48;
    CHECK(kvl_params_check(128, &p) == KVL_ERR_ARG, "fp8 block 48");
    p.fp8_block = 64;
    p.fp8_split_rope = 1;
    CHECK(kvl_params_check(64, &p) == KVL_ERR_ARG, "split needs dim > 64");
    CHECK(kvl_params_check(576, &p) == KVL_OK, "split 576 = 512 + 64");
    /* RAW f16 overflow -> RANGE; F16 FP8 scale overflow -> RANGE */
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_RAW;
    p.raw_dtype = KVL_DTYPE_F16;
    x[3] = 65520.0f;
    CHECK(encode_one(128, &p, x, 1) == KVL_ERR_RANGE, "f16 overflow -> RANGE");
    x[3] = 65504.0f;
    CHECK(encode_one(128, &p, x, 1) == KVL_OK, "65504 fits f16");
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_FP8;
    p.fp8_block = 32;
    p.fp8_scale = KVL_FP8_SCALE_F16;
    x[3] = 1e8f;
    CHECK(encode_one(128, &p, x, 1) == KVL_ERR_RANGE, "F16 scale overflow -> RANGE");
    /* E4M3 traps through a whole FP8 chunk: amax 448 -> scale 1 */
    p.fp8_scale = KVL_FP8_SCALE_F32;
    memset(x, 0, sizeof x);
    x[0] = 448.0f;
    x[1] = 400.0f;
    x[2] = -400.0f;
    x[3] = 417.0f;
    CHECK(encode_stream(128, &p, x, 1, 8, 1, 0, &m) == KVL_OK && decode_stream(&m, y, 0, 128) == KVL_OK,
          "fp8 trap chunk");
    CHECK(y[0] == 448.0f && y[1] == 384.0f && y[2] == -384.0f && y[3] == 416.0f,
          "E4M3 RNE: 400 -> 384 (got %g), -400 -> -384, 417 -> 416", (double)y[1]);
    /* UE8M0 at the bottom of the range (spec §6.3, Appendix B.3): a block whose
     * amax/448 lies in (2^-127, 2^-126) gets E = 1 and decodes exactly */
    p.fp8_scale = KVL_FP8_SCALE_UE8M0;
    memset(x, 0, sizeof x);
    x[0] = 640.0f * kvl_bits_to_f32(0x00400000u); /* 640 * 2^-127 */
    x[40] = -0.0f;                                  /* block 1 is all zeros, one of them -0 */
    CHECK(encode_stream(128, &p, x, 1, 8, 1, 0, &m) == KVL_OK && decode_stream(&m, y, 0, 128) == KVL_OK,
          "ue8m0 tiny block");
    CHECK(kvl_f32_to_bits(y[0]) == kvl_f32_to_bits(x[0]), "UE8M0 tiny block exact (got %g want %g)",
          (double)y[0], (double)x[0]);
    CHECK(kvl_f32_to_bits(y[40]) == 0x80000000u && kvl_f32_to_bits(y[41]) == 0u,
          "FP8 keeps -0 in an all-zero block");
    /* decoded values outside the output dtype -> RANGE */
    {
        kvl_reader r;
        kvl_event ev;
        memset(&p, 0, sizeof p);
        p.mode = KVL_MODE_RAW;
        x[0] = 1e6f;
        CHECK(encode_stream(128, &p, x, 1, 8, 1, 0, &m) == KVL_OK, "raw f32 1e6");
        kvl_reader_init(&r, m.data, m.len);
        kvl_reader_next(&r, &ev);
        kvl_reader_next(&r, &ev);
        CHECK(ev.kind == KVL_EVENT_CHUNK && kvl_chunk_decode(&ev.chunk, KVL_DTYPE_F16, h, sizeof h) == KVL_ERR_RANGE,
              "1e6 -> f16 output -> RANGE");
        CHECK(kvl_chunk_decode(&ev.chunk, KVL_DTYPE_BF16, h, sizeof h) == KVL_OK, "1e6 -> bf16 output ok");
    }
    /* writer misuse */
    {
        kvl_writer w;
        CHECK(kvl_writer_init(&w, mem_sink, &m) == KVL_OK, "writer init");
        CHECK(kvl_writer_append(&w, x, 1) == KVL_ERR_STATE, "append before begin_tensor -> STATE");
        CHECK(kvl_writer_end_tensor(&w) == KVL_ERR_STATE, "end_tensor without tensor -> STATE");
        CHECK(kvl_writer_init(0, mem_sink, &m) == KVL_ERR_ARG, "NULL writer -> ARG");
    }
    free(m.data);
}

/* ---- 5. caller-provided skeleton ------------------------------------------ */
static void test_caller_skeleton(void)
{
    const uint32_t dim = 64, n = 20;
    float x[20 * 64], y[20 * 64], mean[64], basis[2 * 64];
    kvl_chunk_params p;
    kvl_skeleton sk;
    membuf m = {0, 0, 0};
    uint32_t i;
    fill(x, (size_t)n * dim, 8.0f);
    for (i = 0; i < dim; i++) {
        mean[i] = (i % 7u == 0u) ? 8.0f : 0.0f;
        basis[i] = i == 0 ? 1.0f : 0.0f;
        basis[dim + i] = i == 1 ? 1.0f : 0.0f;
    }
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_LATTICE;
    p.q = 38;
    p.skeleton = KVL_SKELETON_PCA;
    p.rank = 2;
    sk.mean = mean;
    sk.basis = basis;
    sk.rank = 2;
    CHECK(encode_stream(dim, &p, x, n, 8, n, &sk, &m) == KVL_OK && decode_stream(&m, y, 0, dim) == KVL_OK,
          "caller skeleton round trip");
    CHECK(norm2(x, y, dim * n) / norm2(x, 0, dim * n) < 0.05, "caller skeleton error small");
    /* the stored mean is the caller's mean */
    {
        kvl_reader r;
        kvl_event ev;
        kvl_reader_init(&r, m.data, m.len);
        kvl_reader_next(&r, &ev);
        kvl_reader_next(&r, &ev);
        CHECK(ev.chunk.has_mean && kvl_skel_load(ev.chunk.mean, ev.chunk.skel_dtype, 7) == 8.0f &&
                  kvl_skel_load(ev.chunk.basis, ev.chunk.skel_dtype, 65) == 1.0f,
              "stored skeleton equals the caller's");
    }
    sk.rank = 3;
    CHECK(encode_stream(dim, &p, x, n, 8, n, &sk, &m) == KVL_ERR_ARG, "rank mismatch -> ARG");
    free(m.data);
}

int main(void)
{
    test_lattice_roundtrips();
    test_raw_fp8();
    test_streaming_and_sizes();
    test_errors_and_traps();
    test_caller_skeleton();
    printf("test_codec: %d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}
