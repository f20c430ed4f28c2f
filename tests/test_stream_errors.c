/* test_stream_errors.c -- the decoder's error paths (spec §4, §5, §6, §7, §9).
 *
 * Sample streams are written in memory with the public writer API from
 * deterministic data (splitmix64, values in [-3, 3]); then every way of
 * damaging them is checked against the exact status the reference's rules
 * imply:
 *   1. every sample stream verifies and decodes;
 *   2. every truncation is KVL_ERR_TRUNCATED (a section is only CRC-checked
 *      once all of its declared bytes are present, so a cut never leaves a
 *      complete-looking section);
 *   3. every single-bit flip is rejected with the class of its position;
 *   4. each header / section field out of range, CRC re-sealed so that the
 *      field check itself is reached;
 *   5. record-level checks (patched records, CRC re-sealed);
 *   6. decode API misuse.
 * Only the public API is used, plus kvl_crc32c() to re-seal patched sections.
 * Every input handed to kvl_verify() is an exact-size heap copy, so that a
 * sanitizer build catches any read past the end.
 *
 * Exit status 0 when everything passes; the last line is the summary.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvl_internal.h" /* kvl_crc32c() only */
#include "kvlattice.h"

/* ---- harness ------------------------------------------------------------ */

static long g_pass, g_fail, g_printed;

static void fail_head(int line) { printf("  FAIL (line %d): ", line); }

/* Count a check; on failure print "file:line <what>: <detail>" (first 300 only). */
static void record(int ok, int line, const char *fmt, va_list ap, const char *detail_a, const char *detail_b)
{
    if (ok) {
        g_pass++;
        return;
    }
    g_fail++;
    if (g_printed++ >= 300)
        return;
    fail_head(line);
    vprintf(fmt, ap);
    printf(": expected %s%s%s\n", detail_a, detail_b[0] ? ", got " : "", detail_b);
}

static void expect_st(int line, int got, int exp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(got == exp, line, fmt, ap, kvl_status_name(exp), kvl_status_name(got));
    va_end(ap);
}

static void expect_true(int line, int cond, const char *expr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(cond, line, fmt, ap, expr, "");
    va_end(ap);
}

#define EXPECT_ST(got, exp, ...) expect_st(__LINE__, (int)(got), (int)(exp), __VA_ARGS__)
#define EXPECT_TRUE(cond, ...) expect_true(__LINE__, (cond) ? 1 : 0, #cond, __VA_ARGS__)

#define NSTATUS 16
static const char *sname(int st) { return kvl_status_name(st); }

static void print_counts(const char *what, const long *counts)
{
    int i;
    printf("    %s:", what);
    for (i = 0; i < NSTATUS; i++)
        if (counts[i])
            printf(" %s=%ld", sname(i), counts[i]);
    printf("\n");
}

/* ---- little-endian helpers ------------------------------------------------ */

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static void wr_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    unsigned i;
    for (i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8u * i));
}
/* LSB-first bit field (spec §2.5) */
static void set_bits(uint8_t *p, uint64_t bit, unsigned n, uint64_t v)
{
    unsigned i;
    for (i = 0; i < n; i++) {
        uint64_t b = bit + i;
        uint8_t m = (uint8_t)(1u << (unsigned)(b & 7u));
        if ((v >> i) & 1u)
            p[b >> 3] = (uint8_t)(p[b >> 3] | m);
        else
            p[b >> 3] = (uint8_t)(p[b >> 3] & (uint8_t)~m);
    }
}
static uint64_t get_bits(const uint8_t *p, uint64_t bit, unsigned n)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < n; i++) {
        uint64_t b = bit + i;
        v |= (uint64_t)((p[b >> 3] >> (unsigned)(b & 7u)) & 1u) << i;
    }
    return v;
}

#define TAG(a, b, c, d)                                                                            \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))
#define T_TENS TAG('T', 'E', 'N', 'S')
#define T_CHNK TAG('C', 'H', 'N', 'K')
#define T_TEND TAG('T', 'E', 'N', 'D')
#define T_FEND TAG('F', 'E', 'N', 'D')
#define HDR 20u

/* ---- deterministic data --------------------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
/* uniform in [-3, 3] */
static float rnd_val(uint64_t *s)
{
    double u = (double)(splitmix64(s) >> 11) * (1.0 / 9007199254740992.0);
    return (float)(u * 6.0 - 3.0);
}

/* ---- sample streams --------------------------------------------------------- */

typedef struct stream {
    const char *name;
    uint8_t *p;
    size_t n;
} stream;

typedef struct tspec {
    uint32_t dim, chunk_len;
    kvl_chunk_params p;
    uint64_t n;
    const char *name;
    uint8_t role, src;
    int32_t layer, head;
} tspec;

/* The writer's sink appends to one static buffer. */
static uint8_t g_sink_buf[1u << 20];
typedef struct sink_ctx {
    size_t len;
    int overflow;
} sink_ctx;

static int sink_append(void *ctx, const uint8_t *b, size_t n)
{
    sink_ctx *s = (sink_ctx *)ctx;
    if (n > sizeof g_sink_buf - s->len) {
        s->overflow = 1;
        return 1;
    }
    memcpy(g_sink_buf + s->len, b, n);
    s->len += n;
    return 0;
}

static int build_stream(const char *name, const tspec *ts, int nt, uint64_t seed, stream *out)
{
    kvl_writer w;
    sink_ctx sc;
    int t;
    kvl_status st;
    memset(&sc, 0, sizeof sc);
    out->name = name;
    out->p = 0;
    out->n = 0;
    st = kvl_writer_init(&w, sink_append, &sc);
    EXPECT_ST(st, KVL_OK, "%s: kvl_writer_init", name);
    if (st != KVL_OK)
        return 1;
    for (t = 0; t < nt; t++) {
        kvl_tensor_desc d;
        size_t ws = 0, i, nval;
        void *work;
        float *data;
        uint64_t done;
        memset(&d, 0, sizeof d);
        d.dim = ts[t].dim;
        d.chunk_len = ts[t].chunk_len;
        d.role = ts[t].role;
        d.src_dtype = ts[t].src;
        d.layer = ts[t].layer;
        d.head = ts[t].head;
        d.name = ts[t].name;
        d.name_len = (uint16_t)(ts[t].name ? strlen(ts[t].name) : 0u);
        EXPECT_ST(kvl_params_check(d.dim, &ts[t].p), KVL_OK, "%s: kvl_params_check(tensor %d)",
                  name, t);
        st = kvl_writer_workspace_size(&d, &ts[t].p, KVL_DTYPE_F32, &ws);
        EXPECT_ST(st, KVL_OK, "%s: kvl_writer_workspace_size(tensor %d)", name, t);
        if (st != KVL_OK)
            return 1;
        work = malloc(ws);
        nval = (size_t)ts[t].n * d.dim;
        data = (float *)malloc(nval * sizeof(float) + 1u);
        if (!work || !data) {
            free(work);
            free(data);
            printf("out of memory\n");
            exit(1);
        }
        for (i = 0; i < nval; i++)
            data[i] = rnd_val(&seed);
        st = kvl_writer_begin_tensor(&w, &d, &ts[t].p, KVL_DTYPE_F32, 0, work, ws);
        EXPECT_ST(st, KVL_OK, "%s: kvl_writer_begin_tensor(tensor %d)", name, t);
        /* append in pieces of 3 vectors (crosses chunk boundaries) */
        for (done = 0; st == KVL_OK && done < ts[t].n; done += 3u) {
            uint64_t k = ts[t].n - done < 3u ? ts[t].n - done : 3u;
            st = kvl_writer_append(&w, data + (size_t)done * d.dim, k);
            EXPECT_ST(st, KVL_OK, "%s: kvl_writer_append(tensor %d)", name, t);
        }
        if (st == KVL_OK) {
            st = kvl_writer_end_tensor(&w);
            EXPECT_ST(st, KVL_OK, "%s: kvl_writer_end_tensor(tensor %d)", name, t);
        }
        free(work);
        free(data);
        if (st != KVL_OK)
            return 1;
    }
    st = kvl_writer_finish(&w);
    EXPECT_ST(st, KVL_OK, "%s: kvl_writer_finish", name);
    if (st != KVL_OK || sc.overflow)
        return 1;
    out->p = (uint8_t *)malloc(sc.len);
    if (!out->p) {
        printf("out of memory\n");
        exit(1);
    }
    memcpy(out->p, g_sink_buf, sc.len);
    out->n = sc.len;
    return 0;
}

/* ---- section walking, patching, re-sealing ----------------------------------- */

#define MAXSEC 64
typedef struct secinfo {
    size_t off;
    uint32_t type, flags, body_len;
} secinfo;

static int list_sections(const uint8_t *p, size_t n, secinfo *s)
{
    size_t off = HDR;
    int k = 0;
    while (off + 12u <= n && k < MAXSEC) {
        s[k].off = off;
        s[k].type = rd32(p + off);
        s[k].flags = rd32(p + off + 4);
        s[k].body_len = rd32(p + off + 8);
        off += 16u + (size_t)s[k].body_len;
        k++;
    }
    return k;
}

/* Offset of the occ-th (0-based) section of type `type`; 0 when absent. */
static size_t sec_off(const stream *s, uint32_t type, int occ)
{
    secinfo secs[MAXSEC];
    int ns = list_sections(s->p, s->n, secs), k;
    for (k = 0; k < ns; k++)
        if (secs[k].type == type && occ-- == 0)
            return secs[k].off;
    return 0;
}

static size_t sec_end(const uint8_t *p, size_t off)
{
    return off + 16u + (size_t)rd32(p + off + 8);
}

static void reseal_section(uint8_t *p, size_t off)
{
    uint32_t len = rd32(p + off + 8);
    wr_le(p + off + 12u + len, kvl_crc32c(0, p + off, (size_t)len + 12u), 4);
}

static void reseal_header(uint8_t *p) { wr_le(p + 16, kvl_crc32c(0, p, 16), 4); }

/* kvl_verify on an exact-size heap copy (sanitizers see any over-read). */
static int vfy(const uint8_t *p, size_t n, kvl_stream_summary *sum)
{
    uint8_t *c = (uint8_t *)malloc(n ? n : 1u);
    int st;
    if (!c) {
        printf("out of memory\n");
        exit(1);
    }
    if (n)
        memcpy(c, p, n);
    st = kvl_verify(c, n, sum);
    free(c);
    return st;
}

static uint8_t g_tmp[1u << 20];

/* Copy s, write `width` bytes of val at offset `at`, re-seal the section at
 * secoff (or the file header when secoff == 0, or nothing when reseal == 0). */
static int patch_case(const stream *s, size_t secoff, size_t at, unsigned width, uint64_t val,
                      int reseal)
{
    memcpy(g_tmp, s->p, s->n);
    wr_le(g_tmp + at, val, width);
    if (reseal) {
        if (secoff == 0)
            reseal_header(g_tmp);
        else
            reseal_section(g_tmp, secoff);
    }
    return vfy(g_tmp, s->n, 0);
}

/* Patch a body field of the occ-th section of `type`, re-seal, verify. */
static int body_case(const stream *s, uint32_t type, int occ, size_t body_at, unsigned width,
                     uint64_t val)
{
    size_t off = sec_off(s, type, occ);
    if (off == 0) {
        EXPECT_TRUE(off != 0, "%s: section %08x #%d not found", s->name, (unsigned)type, occ);
        return -1;
    }
    return patch_case(s, off, off + 12u + body_at, width, val, 1);
}

/* Patch the section flags word, re-seal, verify. */
static int flags_case(const stream *s, uint32_t type, int occ, uint32_t flags)
{
    size_t off = sec_off(s, type, occ);
    if (off == 0)
        return -1;
    return patch_case(s, off, off + 4u, 4, flags, 1);
}

/* dst = src[0..at) + ins + src[at+del..n); returns the new length. */
static size_t splice(const uint8_t *src, size_t n, size_t at, size_t del, const uint8_t *ins,
                     size_t ins_n, uint8_t *dst)
{
    memmove(dst, src, at);
    if (ins_n)
        memcpy(dst + at, ins, ins_n);
    memcpy(dst + at + ins_n, src + at + del, n - at - del);
    return n - del + ins_n;
}

/* A complete section with a valid CRC. */
static size_t make_section(uint8_t *dst, uint32_t type, uint32_t flags, const uint8_t *body,
                           uint32_t len)
{
    wr_le(dst, type, 4);
    wr_le(dst + 4, flags, 4);
    wr_le(dst + 8, len, 4);
    if (len)
        memcpy(dst + 12, body, len);
    wr_le(dst + 12u + len, kvl_crc32c(0, dst, (size_t)len + 12u), 4);
    return (size_t)len + 16u;
}

/* ---- the samples ------------------------------------------------------------- */

enum {
    S_RAW = 0,   /* RAW f16, dim 8, chunks 4 + 2 */
    S_FP8_UE,    /* FP8 block 32 UE8M0, dim 64 */
    S_FP8_SPLIT, /* FP8 split rope, F16 scales, dim 128+64, block 64 */
    S_FP8_F32,   /* FP8 block 64 F32 scales, dim 128 */
    S_D4,        /* LATTICE D4 q=38, 2 outliers, mean, dim 16 */
    S_E8,        /* LATTICE E8 q=5, PCA rank 2, dim 16 */
    S_MULTI,     /* 3 tensors: D4 53 vectors (16+16+16+5), RAW bf16, FP8 */
    S_EMPTY,     /* no tensors */
    N_SAMPLES
};
static stream g_s[N_SAMPLES];

static kvl_chunk_params par_raw(uint8_t dt)
{
    kvl_chunk_params p;
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_RAW;
    p.raw_dtype = dt;
    return p;
}
static kvl_chunk_params par_fp8(uint16_t block, uint8_t scale, uint8_t split)
{
    kvl_chunk_params p;
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_FP8;
    p.fp8_block = block;
    p.fp8_scale = scale;
    p.fp8_split_rope = split;
    return p;
}
static kvl_chunk_params par_lat(uint8_t lat, uint16_t q, uint8_t outl, uint8_t skel, uint8_t rank)
{
    kvl_chunk_params p;
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_LATTICE;
    p.lattice = lat;
    p.q = q;
    p.outliers = outl;
    p.skeleton = skel;
    p.rank = rank;
    return p;
}
static tspec tsp(uint32_t dim, uint32_t chunk_len, kvl_chunk_params p, uint64_t n, const char *name)
{
    tspec t;
    memset(&t, 0, sizeof t);
    t.dim = dim;
    t.chunk_len = chunk_len;
    t.p = p;
    t.n = n;
    t.name = name;
    t.role = KVL_ROLE_K;
    t.src = KVL_DTYPE_F32;
    t.layer = 3;
    t.head = -1;
    return t;
}

static int build_samples(void)
{
    tspec t[3];
    int bad = 0;
    t[0] = tsp(8, 4, par_raw(KVL_DTYPE_F16), 6, "k");
    bad |= build_stream("raw_f16", t, 1, 1, &g_s[S_RAW]);
    t[0] = tsp(64, 4, par_fp8(32, KVL_FP8_SCALE_UE8M0, 0), 4, 0);
    bad |= build_stream("fp8_b32_ue8m0", t, 1, 2, &g_s[S_FP8_UE]);
    t[0] = tsp(192, 3, par_fp8(64, KVL_FP8_SCALE_F16, 1), 3, "kv");
    bad |= build_stream("fp8_split_f16_b64", t, 1, 3, &g_s[S_FP8_SPLIT]);
    t[0] = tsp(128, 2, par_fp8(64, KVL_FP8_SCALE_F32, 0), 2, 0);
    bad |= build_stream("fp8_b64_f32", t, 1, 4, &g_s[S_FP8_F32]);
    t[0] = tsp(16, 8, par_lat(KVL_LATTICE_D4, 38, 2, KVL_SKELETON_MEAN, 0), 8, "d4");
    bad |= build_stream("d4_q38_k2_mean", t, 1, 5, &g_s[S_D4]);
    t[0] = tsp(16, 8, par_lat(KVL_LATTICE_E8, 5, 0, KVL_SKELETON_PCA, 2), 8, 0);
    bad |= build_stream("e8_q5_pca2", t, 1, 6, &g_s[S_E8]);
    t[0] = tsp(16, 16, par_lat(KVL_LATTICE_D4, 38, 2, KVL_SKELETON_MEAN, 0), 53, "layer0.k");
    t[1] = tsp(8, 4, par_raw(KVL_DTYPE_BF16), 6, "layer0.v");
    t[1].role = KVL_ROLE_V;
    t[1].head = 7;
    t[2] = tsp(64, 3, par_fp8(64, KVL_FP8_SCALE_F32, 0), 4, 0);
    t[2].role = KVL_ROLE_OTHER;
    t[2].layer = -1;
    bad |= build_stream("multi", t, 3, 7, &g_s[S_MULTI]);
    bad |= build_stream("empty", t, 0, 8, &g_s[S_EMPTY]);
    return bad;
}

/* dim of the tensor that owns the CHNK at `off` (the last TENS before it) */
static uint32_t chunk_dim(const uint8_t *p, size_t n, size_t off)
{
    secinfo secs[MAXSEC];
    int ns = list_sections(p, n, secs), k;
    uint32_t dim = 0;
    for (k = 0; k < ns && secs[k].off < off; k++)
        if (secs[k].type == T_TENS)
            dim = rd32(p + secs[k].off + 12u + 4u);
    return dim;
}

/* ---- 1. sanity ---------------------------------------------------------------- */

static void decode_all(const stream *s)
{
    kvl_reader r;
    kvl_event ev;
    kvl_status st;
    uint64_t vectors = 0;
    int guard = 0;
    st = kvl_reader_init(&r, s->p, s->n);
    EXPECT_ST(st, KVL_OK, "%s: kvl_reader_init", s->name);
    while (st == KVL_OK && guard++ < 1000) {
        st = kvl_reader_next(&r, &ev);
        EXPECT_ST(st, KVL_OK, "%s: kvl_reader_next", s->name);
        if (st != KVL_OK || ev.kind == KVL_EVENT_END)
            break;
        if (ev.kind == KVL_EVENT_CHUNK) {
            size_t cnt = (size_t)ev.chunk.n_vectors * ev.chunk.dim;
            float *out = (float *)malloc(cnt * sizeof(float));
            uint16_t *h = (uint16_t *)malloc(cnt * sizeof(uint16_t));
            float *one = (float *)malloc(ev.chunk.dim * sizeof(float));
            uint32_t i, j;
            int same = 1;
            if (!out || !h || !one) {
                printf("out of memory\n");
                exit(1);
            }
            EXPECT_ST(kvl_chunk_decode(&ev.chunk, KVL_DTYPE_F32, out, cnt * sizeof(float)), KVL_OK,
                      "%s: kvl_chunk_decode chunk %u f32", s->name, (unsigned)ev.chunk.chunk_index);
            EXPECT_ST(kvl_chunk_decode(&ev.chunk, KVL_DTYPE_BF16, h, cnt * sizeof(uint16_t)),
                      KVL_OK, "%s: kvl_chunk_decode chunk %u bf16", s->name,
                      (unsigned)ev.chunk.chunk_index);
            for (i = 0; i < ev.chunk.n_vectors; i++) {
                EXPECT_ST(kvl_chunk_decode_vector(&ev.chunk, i, KVL_DTYPE_F32, one,
                                                  ev.chunk.dim * sizeof(float)),
                          KVL_OK, "%s: decode_vector %u", s->name, (unsigned)i);
                for (j = 0; j < ev.chunk.dim; j++)
                    if (memcmp(&one[j], &out[(size_t)i * ev.chunk.dim + j], sizeof(float)) != 0)
                        same = 0;
            }
            EXPECT_TRUE(same, "%s: chunk %u: decode_vector differs from decode", s->name,
                        (unsigned)ev.chunk.chunk_index);
            EXPECT_TRUE(ev.first_vector == vectors, "%s: first_vector %llu (counted %llu)", s->name,
                        (unsigned long long)ev.first_vector, (unsigned long long)vectors);
            vectors += ev.chunk.n_vectors;
            free(out);
            free(h);
            free(one);
        } else if (ev.kind == KVL_EVENT_TENSOR) {
            vectors = 0;
        } else if (ev.kind == KVL_EVENT_TENSOR_END) {
            EXPECT_TRUE(ev.n_vectors == vectors, "%s: TEND n_vectors %llu, counted %llu", s->name,
                        (unsigned long long)ev.n_vectors, (unsigned long long)vectors);
        }
    }
}

static void test_sanity(void)
{
    int i;
    kvl_stream_summary sum;
    printf("1. sanity: every sample verifies and decodes\n");
    for (i = 0; i < N_SAMPLES; i++) {
        const stream *s = &g_s[i];
        EXPECT_ST(vfy(s->p, s->n, &sum), KVL_OK, "%s: kvl_verify", s->name);
        EXPECT_TRUE(sum.total_bytes == s->n, "%s: total_bytes %llu != %llu", s->name,
                    (unsigned long long)sum.total_bytes, (unsigned long long)s->n);
        printf("    %-20s %6lu bytes, %u tensors, %llu chunks, %llu vectors\n", s->name,
               (unsigned long)s->n, (unsigned)sum.n_tensors, (unsigned long long)sum.n_chunks,
               (unsigned long long)sum.n_vectors);
        decode_all(s);
    }
    /* the multi-tensor sample: 53 + 6 + 4 vectors in 4 + 2 + 2 chunks */
    EXPECT_ST(vfy(g_s[S_MULTI].p, g_s[S_MULTI].n, &sum), KVL_OK, "multi: verify");
    EXPECT_TRUE(sum.n_tensors == 3 && sum.n_vectors == 63 && sum.n_chunks == 8,
                "multi: summary %u tensors %llu vectors %llu chunks", (unsigned)sum.n_tensors,
                (unsigned long long)sum.n_vectors, (unsigned long long)sum.n_chunks);
    {
        /* the partial last chunk of tensor 0 holds 5 vectors */
        size_t off = sec_off(&g_s[S_MULTI], T_CHNK, 3);
        EXPECT_TRUE(off && rd32(g_s[S_MULTI].p + off + 16) == 5u, "multi: 4th chunk has 5 vectors");
    }
    /* the split-rope FP8 profile: dim 192 = 128 + 64 with block 64 is valid,
     * block 128 is not (128 FP8 dims are fine) but block 64 with dim 160 is not */
    {
        kvl_chunk_params p = par_fp8(64, KVL_FP8_SCALE_F16, 1);
        EXPECT_ST(kvl_params_check(192, &p), KVL_OK, "params_check split dim 192 block 64");
        EXPECT_ST(kvl_params_check(160, &p), KVL_ERR_ARG, "params_check split dim 160 block 64");
        EXPECT_ST(kvl_params_check(64, &p), KVL_ERR_ARG, "params_check split dim 64");
    }
}

/* ---- 2. truncation ------------------------------------------------------------- */

static void test_truncation(void)
{
    int i;
    printf("2. every truncation -> KVL_ERR_TRUNCATED\n");
    for (i = 0; i < N_SAMPLES; i++) {
        const stream *s = &g_s[i];
        long counts[NSTATUS + 1];
        size_t L;
        memset(counts, 0, sizeof counts);
        for (L = 0; L < s->n; L++) {
            /* Header: < 8 bytes is a prefix of the magic (TRUNCATED); < 16
             * bytes cuts the fixed fields; < header_bytes cuts the CRC. After
             * the header every section is CRC-checked only when body_len + 16
             * bytes are present, so a cut inside a section, or at a section
             * boundary (no FEND), is always TRUNCATED: never CRC. */
            int st = vfy(s->p, L, 0);
            counts[st >= 0 && st < NSTATUS ? st : NSTATUS]++;
            EXPECT_ST(st, KVL_ERR_TRUNCATED, "%s: truncated to %lu of %lu bytes", s->name,
                      (unsigned long)L, (unsigned long)s->n);
        }
        printf("  %s (%lu lengths)\n", s->name, (unsigned long)s->n);
        print_counts("codes", counts);
    }
    EXPECT_ST(kvl_verify((const uint8_t *)"", 0, 0), KVL_ERR_TRUNCATED, "empty input");
    EXPECT_ST(kvl_verify(0, 0, 0), KVL_ERR_TRUNCATED, "empty input (NULL, 0)");
}

/* ---- 3. single-bit flips --------------------------------------------------------- */

/* Expected status of flipping bit `bit` of byte `at` (derived from the
 * reader's order of checks). */
static int flip_expect(const stream *s, const secinfo *secs, int ns, size_t at, unsigned bit,
                       int *cls)
{
    int k;
    if (at < 8u) {
        *cls = 0;
        return KVL_ERR_MAGIC; /* memcmp with the magic */
    }
    if (at == 8u) {
        *cls = 1;
        return KVL_ERR_VERSION; /* major */
    }
    if (at == 10u || at == 11u) {
        *cls = 2;
        /* header_bytes != 20 with minor 0 is rejected before the CRC can be
         * located: FIELD, not CRC */
        return KVL_ERR_FIELD;
    }
    if (at < HDR) {
        *cls = 3;
        return KVL_ERR_CRC; /* minor, flags, CRC: the CRC check precedes the flags check */
    }
    for (k = ns - 1; k > 0 && secs[k].off > at; k--)
        ;
    {
        size_t rel = at - secs[k].off;
        if (rel < 4u) {
            *cls = 4;
            return KVL_ERR_CRC; /* type: covered by the CRC, checked first */
        }
        if (rel < 8u) {
            *cls = 5;
            return KVL_ERR_CRC; /* flags: CRC before reserved-bit check */
        }
        if (rel < 12u) {
            uint32_t nl = secs[k].body_len ^ (1u << (8u * (unsigned)(rel - 8u) + bit));
            *cls = 6;
            return (uint64_t)nl + 16u > s->n - secs[k].off ? KVL_ERR_TRUNCATED : KVL_ERR_CRC;
        }
        if (rel < 12u + secs[k].body_len) {
            *cls = 7;
            return KVL_ERR_CRC;
        }
        *cls = 8;
        return KVL_ERR_CRC; /* the CRC field */
    }
}

static const char *const k_flip_class[9] = {
    "header magic",           "header major", "header header_bytes",
    "header minor/flags/crc", "section type", "section flags",
    "section body_len",       "section body", "section crc"};

static void test_bitflips(void)
{
    int i, c;
    printf("3. every single-bit flip is rejected with its position's class\n");
    for (i = 0; i < N_SAMPLES; i++) {
        const stream *s = &g_s[i];
        secinfo secs[MAXSEC];
        int ns = list_sections(s->p, s->n, secs);
        long cls_counts[9][NSTATUS + 1];
        long total[NSTATUS + 1];
        uint8_t *c_buf = (uint8_t *)malloc(s->n);
        size_t at;
        if (!c_buf) {
            printf("out of memory\n");
            exit(1);
        }
        memcpy(c_buf, s->p, s->n);
        memset(cls_counts, 0, sizeof cls_counts);
        memset(total, 0, sizeof total);
        for (at = 0; at < s->n; at++) {
            unsigned bit;
            for (bit = 0; bit < 8u; bit++) {
                int cls = 0, exp = flip_expect(s, secs, ns, at, bit, &cls);
                int st;
                c_buf[at] = (uint8_t)(c_buf[at] ^ (1u << bit));
                st = kvl_verify(c_buf, s->n, 0);
                c_buf[at] = (uint8_t)(c_buf[at] ^ (1u << bit));
                cls_counts[cls][st >= 0 && st < NSTATUS ? st : NSTATUS]++;
                total[st >= 0 && st < NSTATUS ? st : NSTATUS]++;
                EXPECT_ST(st, exp, "%s: flip byte %lu bit %u (%s)", s->name, (unsigned long)at, bit,
                          k_flip_class[cls]);
            }
        }
        printf("  %s: all %lu bits\n", s->name, (unsigned long)s->n * 8u);
        print_counts("total", total);
        for (c = 0; c < 9; c++) {
            int any = 0, k;
            for (k = 0; k <= NSTATUS; k++)
                any |= cls_counts[c][k] != 0;
            if (any)
                print_counts(k_flip_class[c], cls_counts[c]);
        }
        free(c_buf);
    }
}

/* ---- 4. header and section fields ---------------------------------------------- */

static void test_file_header(void)
{
    const stream *s = &g_s[S_RAW];
    uint8_t buf[64];
    int j;
    printf("4a. file header fields\n");
    EXPECT_ST(patch_case(s, 0, 8, 1, 2, 1), KVL_ERR_VERSION, "header major=2");
    EXPECT_ST(patch_case(s, 0, 8, 1, 0, 1), KVL_ERR_VERSION, "header major=0");
    EXPECT_ST(patch_case(s, 0, 8, 1, 2, 0), KVL_ERR_VERSION, "header major=2, CRC not resealed");
    EXPECT_ST(patch_case(s, 0, 10, 2, 24, 1), KVL_ERR_FIELD, "header minor=0 header_bytes=24");
    EXPECT_ST(patch_case(s, 0, 10, 2, 19, 1), KVL_ERR_FIELD, "header header_bytes=19");
    EXPECT_ST(patch_case(s, 0, 10, 2, 0, 1), KVL_ERR_FIELD, "header header_bytes=0");
    EXPECT_ST(patch_case(s, 0, 12, 4, 1, 1), KVL_ERR_RESERVED, "header flags=1");
    EXPECT_ST(patch_case(s, 0, 12, 4, 0x80000000u, 1), KVL_ERR_RESERVED, "header flags=2^31");
    EXPECT_ST(patch_case(s, 0, 12, 4, 1, 0), KVL_ERR_CRC,
              "header flags=1 without reseal (CRC first)");
    EXPECT_ST(patch_case(s, 0, 16, 4, rd32(s->p + 16) ^ 1u, 0), KVL_ERR_CRC, "header CRC wrong");
    /* minor > 0 with header_bytes 20 is accepted (same layout) */
    EXPECT_ST(patch_case(s, 0, 9, 1, 1, 1), KVL_OK, "header minor=1 header_bytes=20");
    for (j = 0; j < 8; j++)
        EXPECT_ST(patch_case(s, 0, (size_t)j, 1, s->p[j] ^ 0x20u, 1), KVL_ERR_MAGIC,
                  "magic byte %d altered", j);
    EXPECT_ST(vfy((const uint8_t *)"PK\003\004", 4, 0), KVL_ERR_MAGIC, "4-byte non-magic prefix");
    EXPECT_ST(vfy(s->p, 3, 0), KVL_ERR_TRUNCATED, "3-byte magic prefix");
    /* a longer header from a later minor version: header_bytes 24, the CRC
     * after the extra bytes -> the sections that follow are read */
    {
        size_t n;
        uint8_t ext[4] = {0xAA, 0xBB, 0xCC, 0xDD};
        memcpy(g_tmp, s->p, 16);
        g_tmp[9] = 1;
        wr_le(g_tmp + 10, 24, 2);
        memcpy(g_tmp + 16, ext, 4);
        wr_le(g_tmp + 20, kvl_crc32c(0, g_tmp, 20), 4);
        memcpy(g_tmp + 24, s->p + HDR, s->n - HDR);
        n = s->n + 4u;
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_OK, "header minor=1 header_bytes=24 (extended header)");
        EXPECT_ST(vfy(g_tmp, 23, 0), KVL_ERR_TRUNCATED, "extended header cut at 23 bytes");
        g_tmp[9] = 0;
        wr_le(g_tmp + 20, kvl_crc32c(0, g_tmp, 20), 4);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "minor=0 with an extended 24-byte header");
    }
    /* a header alone (no FEND) */
    memcpy(buf, s->p, HDR);
    EXPECT_ST(vfy(buf, HDR, 0), KVL_ERR_TRUNCATED, "header without sections");
}

static void test_tens(void)
{
    const stream *s = &g_s[S_MULTI];
    printf("4b. TENS fields\n");
    EXPECT_ST(body_case(s, T_TENS, 0, 4, 4, 0), KVL_ERR_FIELD, "TENS dim 0");
    EXPECT_ST(body_case(s, T_TENS, 0, 4, 4, 65537), KVL_ERR_FIELD, "TENS dim 65537");
    EXPECT_ST(body_case(s, T_TENS, 0, 8, 4, 0), KVL_ERR_FIELD, "TENS chunk_len 0");
    EXPECT_ST(body_case(s, T_TENS, 0, 8, 4, KVL_MAX_CHUNK_LEN + 1u), KVL_ERR_FIELD,
              "TENS chunk_len 2^20+1");
    EXPECT_ST(body_case(s, T_TENS, 0, 12, 1, 4), KVL_ERR_FIELD, "TENS role 4");
    EXPECT_ST(body_case(s, T_TENS, 0, 13, 1, 3), KVL_ERR_FIELD, "TENS src_dtype 3");
    EXPECT_ST(body_case(s, T_TENS, 0, 16, 4, 0xFFFFFFFEu), KVL_ERR_FIELD, "TENS layer -2");
    EXPECT_ST(body_case(s, T_TENS, 0, 16, 4, 0x80000000u), KVL_ERR_FIELD, "TENS layer INT32_MIN");
    EXPECT_ST(body_case(s, T_TENS, 0, 20, 4, 0xFFFFFFFEu), KVL_ERR_FIELD, "TENS head -2");
    EXPECT_ST(body_case(s, T_TENS, 0, 16, 4, 0xFFFFFFFFu), KVL_OK, "TENS layer -1 (not given)");
    EXPECT_ST(body_case(s, T_TENS, 0, 14, 2, 9), KVL_ERR_FIELD, "TENS name_len 9 (body has 8)");
    EXPECT_ST(body_case(s, T_TENS, 0, 14, 2, 7), KVL_ERR_FIELD, "TENS name_len 7 (body has 8)");
    EXPECT_ST(body_case(s, T_TENS, 0, 14, 2, 1025), KVL_ERR_FIELD, "TENS name_len 1025");
    EXPECT_ST(body_case(s, T_TENS, 0, 0, 4, 1), KVL_ERR_FIELD, "TENS tensor_index 1 for tensor 0");
    EXPECT_ST(body_case(s, T_TENS, 1, 0, 4, 0), KVL_ERR_FIELD, "TENS tensor_index 0 for tensor 1");
    EXPECT_ST(body_case(s, T_TENS, 2, 0, 4, 3), KVL_ERR_FIELD, "TENS tensor_index 3 for tensor 2");
    /* a body shorter than the fixed 24 bytes */
    {
        size_t off = sec_off(s, T_TENS, 1), n;
        uint8_t body[20];
        uint8_t sec[64];
        size_t sl;
        memcpy(body, s->p + off + 12, sizeof body);
        sl = make_section(sec, T_TENS, 0, body, sizeof body);
        n = splice(s->p, s->n, off, sec_end(s->p, off) - off, sec, sl, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "TENS body of 20 bytes");
    }
    /* dim valid for the TENS but not for the chunk's mode (LATTICE dim 24) */
    EXPECT_ST(body_case(s, T_TENS, 0, 4, 4, 24), KVL_ERR_FIELD, "TENS dim 24 for a LATTICE chunk");
}

static void test_chnk(void)
{
    const stream *m = &g_s[S_MULTI], *raw = &g_s[S_RAW], *ue = &g_s[S_FP8_UE];
    const stream *sp = &g_s[S_FP8_SPLIT], *d4 = &g_s[S_D4], *e8 = &g_s[S_E8];
    int b;
    printf("4c. CHNK fields\n");
    EXPECT_ST(body_case(m, T_CHNK, 1, 0, 4, 2), KVL_ERR_FIELD, "CHNK chunk_index 2 for chunk 1");
    EXPECT_ST(body_case(m, T_CHNK, 0, 0, 4, 1), KVL_ERR_FIELD, "CHNK chunk_index 1 for chunk 0");
    EXPECT_ST(body_case(m, T_CHNK, 4, 0, 4, 4), KVL_ERR_FIELD,
              "CHNK chunk_index not restarted at a new tensor");
    EXPECT_ST(body_case(m, T_CHNK, 0, 4, 4, 0), KVL_ERR_FIELD, "CHNK n_vectors 0");
    EXPECT_ST(body_case(m, T_CHNK, 0, 4, 4, 17), KVL_ERR_FIELD, "CHNK n_vectors 17 > chunk_len 16");
    EXPECT_ST(body_case(m, T_CHNK, 0, 4, 4, 15), KVL_ERR_FIELD,
              "CHNK n_vectors 15 (body_len mismatch)");
    EXPECT_ST(body_case(m, T_CHNK, 0, 4, 4, KVL_MAX_CHUNK_LEN + 1u), KVL_ERR_FIELD,
              "CHNK n_vectors 2^20+1");
    EXPECT_ST(body_case(m, T_CHNK, 0, 8, 4, 23), KVL_ERR_FIELD, "CHNK record_bytes 23 (is 22)");
    EXPECT_ST(body_case(m, T_CHNK, 0, 8, 4, 0), KVL_ERR_FIELD, "CHNK record_bytes 0");
    EXPECT_ST(body_case(m, T_CHNK, 0, 12, 1, 3), KVL_ERR_FIELD, "CHNK mode 3");
    EXPECT_ST(body_case(m, T_CHNK, 0, 12, 1, 255), KVL_ERR_FIELD, "CHNK mode 255");
    /* mode changed to one with a different layout of the same size */
    EXPECT_ST(body_case(raw, T_CHNK, 0, 16, 1, KVL_DTYPE_BF16), KVL_OK,
              "CHNK RAW dtype f16 -> bf16 (same record size, values stay finite)");
    for (b = 13; b <= 15; b++) {
        EXPECT_ST(body_case(raw, T_CHNK, 0, (size_t)b, 1, 1), KVL_ERR_RESERVED,
                  "CHNK reserved byte %d (RAW)", b);
        EXPECT_ST(body_case(d4, T_CHNK, 0, (size_t)b, 1, 0x80), KVL_ERR_RESERVED,
                  "CHNK reserved byte %d (LATTICE)", b);
    }
    /* FP8 */
    EXPECT_ST(body_case(ue, T_CHNK, 0, 16, 1, 4), KVL_ERR_FIELD, "CHNK FP8 block log2 4");
    EXPECT_ST(body_case(ue, T_CHNK, 0, 16, 1, 8), KVL_ERR_FIELD, "CHNK FP8 block log2 8");
    EXPECT_ST(body_case(ue, T_CHNK, 0, 16, 1, 6), KVL_ERR_FIELD,
              "CHNK FP8 block log2 6 (record_bytes)");
    EXPECT_ST(body_case(ue, T_CHNK, 0, 17, 1, 3), KVL_ERR_FIELD, "CHNK FP8 scale 3");
    EXPECT_ST(body_case(ue, T_CHNK, 0, 18, 1, 2), KVL_ERR_FIELD, "CHNK FP8 split 2");
    EXPECT_ST(body_case(sp, T_CHNK, 0, 18, 1, 0), KVL_ERR_FIELD, "CHNK FP8 split 1 -> 0 (dims)");
    for (b = 19; b <= 23; b++)
        EXPECT_ST(body_case(ue, T_CHNK, 0, (size_t)b, 1, 1), KVL_ERR_RESERVED,
                  "CHNK FP8 param padding byte %d", b);
    /* RAW */
    EXPECT_ST(body_case(raw, T_CHNK, 0, 16, 1, 3), KVL_ERR_FIELD, "CHNK RAW dtype 3");
    EXPECT_ST(body_case(raw, T_CHNK, 0, 16, 1, 0), KVL_ERR_FIELD,
              "CHNK RAW dtype f32 (record_bytes)");
    for (b = 17; b <= 23; b++)
        EXPECT_ST(body_case(raw, T_CHNK, 0, (size_t)b, 1, 4), KVL_ERR_RESERVED,
                  "CHNK RAW param padding byte %d", b);
    /* LATTICE (D4 q=38 K=2 mean, E8 q=5 rank 2) */
    EXPECT_ST(body_case(d4, T_CHNK, 0, 16, 1, 2), KVL_ERR_FIELD, "CHNK lattice 2");
    EXPECT_ST(body_case(d4, T_CHNK, 0, 18, 2, 0), KVL_ERR_FIELD, "CHNK q 0 (D4)");
    EXPECT_ST(body_case(d4, T_CHNK, 0, 18, 2, 4096), KVL_ERR_FIELD, "CHNK q 4096 (D4)");
    EXPECT_ST(body_case(e8, T_CHNK, 0, 18, 2, 128), KVL_ERR_FIELD, "CHNK q 128 (E8)");
    EXPECT_ST(body_case(e8, T_CHNK, 0, 18, 2, 0), KVL_ERR_FIELD, "CHNK q 0 (E8)");
    EXPECT_ST(body_case(d4, T_CHNK, 0, 17, 1, 17), KVL_ERR_FIELD, "CHNK outliers 17");
    EXPECT_ST(body_case(d4, T_CHNK, 0, 17, 1, 5), KVL_ERR_FIELD, "CHNK outliers 5 > dim/4 = 4");
    EXPECT_ST(body_case(d4, T_CHNK, 0, 20, 1, 0x09), KVL_ERR_RESERVED, "CHNK skeleton flags bit 3");
    EXPECT_ST(body_case(d4, T_CHNK, 0, 20, 1, 0x81), KVL_ERR_RESERVED, "CHNK skeleton flags bit 7");
    EXPECT_ST(body_case(d4, T_CHNK, 0, 20, 1, 0x03), KVL_ERR_FIELD, "CHNK basis flag without rank");
    EXPECT_ST(body_case(e8, T_CHNK, 0, 20, 1, 0x01), KVL_ERR_FIELD,
              "CHNK rank 2 without basis flag");
    EXPECT_ST(body_case(d4, T_CHNK, 0, 20, 1, 0x04), KVL_ERR_FIELD,
              "CHNK bf16 flag without skeleton");
    EXPECT_ST(body_case(e8, T_CHNK, 0, 21, 1, 16), KVL_ERR_FIELD, "CHNK rank 16 >= dim 16");
    EXPECT_ST(body_case(e8, T_CHNK, 0, 21, 1, 3), KVL_ERR_FIELD, "CHNK rank 3 (record/body size)");
    for (b = 22; b <= 23; b++) {
        EXPECT_ST(body_case(d4, T_CHNK, 0, (size_t)b, 1, 1), KVL_ERR_RESERVED,
                  "CHNK LATTICE param padding byte %d", b);
        EXPECT_ST(body_case(e8, T_CHNK, 0, (size_t)b, 1, 0x40), KVL_ERR_RESERVED,
                  "CHNK E8 param padding byte %d", b);
    }
    /* a chunk body shorter than the 24-byte chunk header */
    {
        size_t off = sec_off(raw, T_CHNK, 0), n, sl;
        uint8_t sec[64];
        sl = make_section(sec, T_CHNK, 0, raw->p + off + 12, 20);
        n = splice(raw->p, raw->n, off, sec_end(raw->p, off) - off, sec, sl, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "CHNK body of 20 bytes");
    }
}

/* A stream holding one RAW f16 tensor of dim `dim`, chunk_len 1, one vector. */
static void test_overflow(void)
{
    stream s;
    tspec t;
    kvl_chunk_view view;
    size_t off;
    uint32_t rb;
    printf("4d. n_vectors * record_bytes overflow (precedence)\n");
    /* record_bytes 8192 = 2^13: n = 1 + 2^19 gives n*8192 = 2^32 + 8192,
     * which wraps modulo 2^32 to the real payload (8192), so a 32-bit size
     * computation would accept the body_len. */
    t = tsp(4096, 1, par_raw(KVL_DTYPE_F16), 1, 0);
    if (build_stream("raw_f16_dim4096", &t, 1, 9, &s) != 0)
        return;
    off = sec_off(&s, T_CHNK, 0);
    rb = rd32(s.p + off + 12 + 8);
    EXPECT_TRUE(rb == 8192u, "record_bytes %u == 8192", (unsigned)rb);
    EXPECT_TRUE((uint32_t)((1u + (1u << 19)) * rb) == rb,
                "wrapped product equals the real payload");
    EXPECT_ST(vfy(s.p, s.n, 0), KVL_OK, "dim 4096 sample verifies");
    EXPECT_ST(body_case(&s, T_CHNK, 0, 4, 4, 1u + (1u << 19)), KVL_ERR_OVERFLOW,
              "CHNK n_vectors 2^19+1, record 8192 (wraps to the real size)");
    EXPECT_ST(body_case(&s, T_CHNK, 0, 4, 4, KVL_MAX_CHUNK_LEN), KVL_ERR_OVERFLOW,
              "CHNK n_vectors 2^20, record 8192");
    /* OVERFLOW comes from kvl_chunk_parse itself, before the reader's
     * n_vectors <= chunk_len rule */
    memcpy(g_tmp, s.p, s.n);
    wr_le(g_tmp + off + 12 + 4, 1u + (1u << 19), 4);
    reseal_section(g_tmp, off);
    EXPECT_ST(kvl_chunk_parse(g_tmp + off, s.n - off, 4096, &view), KVL_ERR_OVERFLOW,
              "kvl_chunk_parse of the wrapping chunk");
    /* the n_vectors limit is checked before the size: 2^20 + 1 is FIELD even
     * where the product would also overflow */
    EXPECT_ST(body_case(&s, T_CHNK, 0, 4, 4, KVL_MAX_CHUNK_LEN + 1u), KVL_ERR_FIELD,
              "CHNK n_vectors 2^20+1 (limit before overflow)");
    /* record_bytes is checked before both */
    memcpy(g_tmp, s.p, s.n);
    wr_le(g_tmp + off + 12 + 4, 1u + (1u << 19), 4);
    wr_le(g_tmp + off + 12 + 8, 8194, 4);
    reseal_section(g_tmp, off);
    EXPECT_ST(vfy(g_tmp, s.n, 0), KVL_ERR_FIELD, "record_bytes wrong and n_vectors overflowing");
    free(s.p);

    /* record_bytes 4096 = 2^12: the wrap needs n = 1 + 2^20 > KVL_MAX_CHUNK_LEN,
     * so with a 4 KiB record the n_vectors limit (FIELD) catches it first */
    t = tsp(2048, 1, par_raw(KVL_DTYPE_F16), 1, 0);
    if (build_stream("raw_f16_dim2048", &t, 1, 10, &s) != 0)
        return;
    EXPECT_ST(body_case(&s, T_CHNK, 0, 4, 4, 1u + (1u << 20)), KVL_ERR_FIELD,
              "CHNK n_vectors 2^20+1, record 4096 (wraps, but limit first)");
    EXPECT_ST(body_case(&s, T_CHNK, 0, 4, 4, 1u << 20), KVL_ERR_OVERFLOW,
              "CHNK n_vectors 2^20, record 4096 (2^32 + 24 > u32)");
    free(s.p);
}

static void test_tend_fend(void)
{
    const stream *m = &g_s[S_MULTI];
    printf("4e. TEND / FEND fields\n");
    EXPECT_ST(body_case(m, T_TEND, 0, 0, 4, 1), KVL_ERR_FIELD, "TEND tensor index 1 for tensor 0");
    EXPECT_ST(body_case(m, T_TEND, 1, 0, 4, 0), KVL_ERR_FIELD, "TEND tensor index 0 for tensor 1");
    EXPECT_ST(body_case(m, T_TEND, 0, 4, 4, 3), KVL_ERR_FIELD, "TEND n_chunks 3 (is 4)");
    EXPECT_ST(body_case(m, T_TEND, 0, 4, 4, 5), KVL_ERR_FIELD, "TEND n_chunks 5 (is 4)");
    EXPECT_ST(body_case(m, T_TEND, 0, 8, 8, 52), KVL_ERR_FIELD, "TEND n_vectors 52 (is 53)");
    EXPECT_ST(body_case(m, T_TEND, 0, 8, 8, 54), KVL_ERR_FIELD, "TEND n_vectors 54 (is 53)");
    EXPECT_ST(body_case(m, T_TEND, 0, 8, 8, UINT64_C(53) | (UINT64_C(1) << 32)), KVL_ERR_FIELD,
              "TEND n_vectors 53 + 2^32");
    EXPECT_ST(body_case(m, T_FEND, 0, 0, 4, 2), KVL_ERR_FIELD, "FEND n_tensors 2 (is 3)");
    EXPECT_ST(body_case(m, T_FEND, 0, 0, 4, 4), KVL_ERR_FIELD, "FEND n_tensors 4 (is 3)");
    EXPECT_ST(body_case(&g_s[S_EMPTY], T_FEND, 0, 0, 4, 1), KVL_ERR_FIELD,
              "FEND n_tensors 1 (is 0)");
    /* wrong body sizes */
    {
        uint8_t body[24], sec[64];
        size_t off = sec_off(m, T_TEND, 0), sl, n;
        memset(body, 0, sizeof body);
        memcpy(body, m->p + off + 12, 16);
        sl = make_section(sec, T_TEND, 0, body, 20);
        n = splice(m->p, m->n, off, sec_end(m->p, off) - off, sec, sl, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "TEND body of 20 bytes");
        sl = make_section(sec, T_TEND, 0, body, 12);
        n = splice(m->p, m->n, off, sec_end(m->p, off) - off, sec, sl, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "TEND body of 12 bytes");
        off = sec_off(m, T_FEND, 0);
        memset(body, 0, sizeof body);
        body[0] = 3;
        sl = make_section(sec, T_FEND, 0, body, 8);
        n = splice(m->p, m->n, off, sec_end(m->p, off) - off, sec, sl, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "FEND body of 8 bytes");
        sl = make_section(sec, T_FEND, 0, body, 0);
        n = splice(m->p, m->n, off, sec_end(m->p, off) - off, sec, sl, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "FEND body of 0 bytes");
    }
}

/* Events of a reader pass: total skipped_sections, and the value on the
 * event following position `after` (the first event whose section starts at
 * or after it). Returns the final status. */
static int reader_skips(const uint8_t *p, size_t n, uint32_t *total, int *events)
{
    kvl_reader r;
    kvl_event ev;
    int st, guard = 0;
    uint8_t *c = (uint8_t *)malloc(n);
    if (!c) {
        printf("out of memory\n");
        exit(1);
    }
    memcpy(c, p, n);
    *total = 0;
    *events = 0;
    st = kvl_reader_init(&r, c, n);
    while (st == KVL_OK && guard++ < 1000) {
        st = kvl_reader_next(&r, &ev);
        if (st != KVL_OK)
            break;
        *total += ev.skipped_sections;
        (*events)++;
        if (ev.kind == KVL_EVENT_END)
            break;
    }
    free(c);
    return st;
}

static void test_sections(void)
{
    const stream *m = &g_s[S_MULTI];
    secinfo secs[MAXSEC];
    int ns = list_sections(m->p, m->n, secs), k;
    uint8_t body[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t anc[64], crit[64], two[128];
    size_t anc_n, crit_n, n, two_n;
    printf("4f. section framing, order and unknown sections\n");
    anc_n = make_section(anc, TAG('x', 'M', 'E', 'T'), 1u, body, sizeof body);
    crit_n = make_section(crit, TAG('X', 'T', 'R', 'A'), 0u, body, 4);
    two_n = make_section(two, TAG('a', 'n', 'c', '0'), 1u, 0, 0);
    two_n += make_section(two + two_n, TAG('a', 'n', 'c', '1'), 1u, body, 3);
    /* insert before each section (= after the header / between any two) */
    for (k = 0; k < ns; k++) {
        uint32_t skipped;
        int events, st;
        kvl_stream_summary sum;
        n = splice(m->p, m->n, secs[k].off, 0, crit, crit_n, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_UNSUPPORTED,
                  "unknown critical section before section %d", k);
        n = splice(m->p, m->n, secs[k].off, 0, anc, anc_n, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, &sum), KVL_OK, "unknown ancillary section before section %d", k);
        EXPECT_TRUE(sum.total_bytes == n && sum.n_vectors == 63, "ancillary before %d: summary", k);
        st = reader_skips(g_tmp, n, &skipped, &events);
        EXPECT_ST(st, KVL_OK, "reader with ancillary before section %d", k);
        EXPECT_TRUE(skipped == 1u, "ancillary before section %d: skipped_sections total %u", k,
                    (unsigned)skipped);
        EXPECT_TRUE(events == ns, "ancillary before section %d: %d events, %d sections", k, events,
                    ns);
        n = splice(m->p, m->n, secs[k].off, 0, two, two_n, g_tmp);
        st = reader_skips(g_tmp, n, &skipped, &events);
        EXPECT_ST(st, KVL_OK, "reader with two ancillary sections before section %d", k);
        EXPECT_TRUE(skipped == 2u, "two ancillary before section %d: skipped_sections %u", k,
                    (unsigned)skipped);
    }
    /* the count is reported on the event that follows the skipped sections */
    {
        kvl_reader r;
        kvl_event ev;
        size_t at = sec_off(m, T_CHNK, 1);
        int i;
        n = splice(m->p, m->n, at, 0, two, two_n, g_tmp);
        EXPECT_ST(kvl_reader_init(&r, g_tmp, n), KVL_OK, "reader init");
        for (i = 0; i < 3; i++) {
            EXPECT_ST(kvl_reader_next(&r, &ev), KVL_OK, "reader next %d", i);
            EXPECT_TRUE(ev.skipped_sections == (i == 2 ? 2u : 0u), "event %d skipped_sections %u",
                        i, (unsigned)ev.skipped_sections);
        }
        EXPECT_TRUE(ev.kind == KVL_EVENT_CHUNK && ev.chunk.chunk_index == 1u, "event 2 is chunk 1");
    }
    /* an unknown critical type by re-typing a known section */
    EXPECT_ST(patch_case(m, secs[1].off, secs[1].off, 4, TAG('C', 'H', 'N', 'L'), 1),
              KVL_ERR_UNSUPPORTED, "CHNK re-typed to CHNL");
    EXPECT_ST(patch_case(m, secs[0].off, secs[0].off, 4, TAG('t', 'E', 'N', 'S'), 1),
              KVL_ERR_UNSUPPORTED, "TENS re-typed to tENS");
    /* known types with the ancillary flag; reserved flag bits */
    EXPECT_ST(flags_case(m, T_TENS, 0, 1), KVL_ERR_FIELD, "TENS with ancillary flag");
    EXPECT_ST(flags_case(m, T_CHNK, 0, 1), KVL_ERR_FIELD, "CHNK with ancillary flag");
    EXPECT_ST(flags_case(m, T_TEND, 0, 1), KVL_ERR_FIELD, "TEND with ancillary flag");
    EXPECT_ST(flags_case(m, T_FEND, 0, 1), KVL_ERR_FIELD, "FEND with ancillary flag");
    EXPECT_ST(flags_case(m, T_TENS, 0, 2), KVL_ERR_RESERVED, "TENS flags bit 1");
    EXPECT_ST(flags_case(m, T_CHNK, 2, 2), KVL_ERR_RESERVED, "CHNK flags bit 1");
    EXPECT_ST(flags_case(m, T_TEND, 1, 3), KVL_ERR_RESERVED, "TEND flags bits 0+1");
    EXPECT_ST(flags_case(m, T_FEND, 0, 0x80000000u), KVL_ERR_RESERVED, "FEND flags bit 31");
    EXPECT_ST(flags_case(m, T_CHNK, 0, 0), KVL_OK, "CHNK flags 0 re-sealed (control)");
    {
        uint8_t a2[64];
        size_t a2n = make_section(a2, TAG('x', 'M', 'E', 'T'), 3u, body, 4);
        n = splice(m->p, m->n, secs[2].off, 0, a2, a2n, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_RESERVED, "unknown section with flags bit 1");
        a2[13] ^= 1u; /* body damaged, CRC not resealed */
        n = splice(m->p, m->n, secs[2].off, 0, a2, a2n, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_CRC, "unknown ancillary section with a bad CRC");
        a2n = make_section(a2, TAG('x', 'M', 'E', 'T'), 1u, body, 4);
        wr_le(a2 + 8, 100, 4); /* body_len runs into the following sections */
        n = splice(m->p, m->n, secs[2].off, 0, a2, a2n, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_CRC,
                  "ancillary body_len 100 (section runs into the next)");
        wr_le(a2 + 8, 0xFFFFFFF0u, 4);
        n = splice(m->p, m->n, secs[2].off, 0, a2, a2n, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_TRUNCATED, "ancillary body_len 0xFFFFFFF0");
    }
    /* structure: a second chunk after a partial chunk */
    {
        stream s;
        tspec t = tsp(8, 5, par_raw(KVL_DTYPE_F16), 10, 0);
        if (build_stream("raw_f16_2x5", &t, 1, 11, &s) == 0) {
            EXPECT_ST(vfy(s.p, s.n, 0), KVL_OK, "two chunks of 5 with chunk_len 5");
            EXPECT_ST(body_case(&s, T_TENS, 0, 8, 4, 16), KVL_ERR_FIELD,
                      "second chunk after a partial chunk (chunk_len 5 -> 16)");
            EXPECT_ST(body_case(&s, T_TENS, 0, 8, 4, 4), KVL_ERR_FIELD,
                      "chunk of 5 with chunk_len 4");
            free(s.p);
        }
        t.n = 5;
        if (build_stream("raw_f16_1x5", &t, 1, 12, &s) == 0) {
            EXPECT_ST(body_case(&s, T_TENS, 0, 8, 4, 16), KVL_OK,
                      "one partial chunk of 5 with chunk_len 16 (control)");
            free(s.p);
        }
    }
    /* n_vectors > chunk_len in a self-consistent chunk: chunk 0 of raw_f16
     * (4 of chunk_len 4) grown to 5 records */
    {
        const stream *raw = &g_s[S_RAW];
        size_t off = sec_off(raw, T_CHNK, 0), off1 = sec_off(raw, T_CHNK, 1);
        uint32_t rb = rd32(raw->p + off + 12 + 8), nv = rd32(raw->p + off + 12 + 4);
        size_t end = sec_end(raw->p, off) - 4u; /* before the CRC */
        kvl_chunk_view view;
        uint8_t recs[64];
        size_t tend;
        n = splice(raw->p, raw->n, end, 0, raw->p + end - rb, rb, g_tmp);
        wr_le(g_tmp + off + 8, rd32(raw->p + off + 8) + rb, 4);
        wr_le(g_tmp + off + 12 + 4, nv + 1u, 4);
        reseal_section(g_tmp, off);
        EXPECT_ST(kvl_chunk_parse(g_tmp + off, n - off, 8, &view), KVL_OK,
                  "grown chunk is self-consistent for kvl_chunk_parse");
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "chunk of 5 vectors with chunk_len 4");
        /* the last chunk (2 of 4) grown to 4 = chunk_len, TEND fixed: valid */
        nv = rd32(raw->p + off1 + 12 + 4);
        end = sec_end(raw->p, off1) - 4u;
        EXPECT_TRUE(2u * rb <= sizeof recs, "record size %u", (unsigned)rb);
        memcpy(recs, raw->p + end - 2u * rb, 2u * rb);
        n = splice(raw->p, raw->n, end, 0, recs, 2u * rb, g_tmp);
        wr_le(g_tmp + off1 + 8, rd32(raw->p + off1 + 8) + 2u * rb, 4);
        wr_le(g_tmp + off1 + 12 + 4, nv + 2u, 4);
        reseal_section(g_tmp, off1);
        tend = sec_end(g_tmp, off1);
        EXPECT_TRUE(rd32(g_tmp + tend) == T_TEND, "TEND follows");
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "last chunk grown, TEND not updated");
        wr_le(g_tmp + tend + 12 + 8, 8, 8);
        reseal_section(g_tmp, tend);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_OK, "last chunk grown to chunk_len, TEND updated");
    }
    /* order */
    {
        size_t t0 = sec_off(m, T_TENS, 0), e0 = sec_off(m, T_TEND, 0), t1 = sec_off(m, T_TENS, 1);
        size_t f = sec_off(m, T_FEND, 0);
        n = splice(m->p, m->n, t0, sec_end(m->p, t0) - t0, 0, 0, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "CHNK before TENS (TENS removed)");
        n = splice(m->p, m->n, e0, sec_end(m->p, e0) - e0, 0, 0, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "TENS inside a tensor (TEND removed)");
        n = splice(m->p, m->n, e0, 0, m->p + e0, sec_end(m->p, e0) - e0, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "TEND twice");
        n = splice(m->p, m->n, t1, 0, m->p + f, sec_end(m->p, f) - f, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "FEND (n_tensors 3) after tensor 0");
        wr_le(g_tmp + t1 + 12, 1, 4); /* right count: only the trailing sections are wrong */
        reseal_section(g_tmp, t1);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "FEND (n_tensors 1) followed by more sections");
        EXPECT_ST(vfy(g_tmp, t1 + 20u, 0), KVL_OK, "the same cut right after that FEND (control)");
        n = splice(m->p, m->n, e0, 0, m->p + f, sec_end(m->p, f) - f, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "FEND inside a tensor");
        {
            const stream *e = &g_s[S_EMPTY];
            size_t ef = sec_off(e, T_FEND, 0);
            uint8_t tb[32], zero[16];
            size_t tl;
            memset(zero, 0, sizeof zero);
            tl = make_section(tb, T_TEND, 0, zero, 16);
            n = splice(e->p, e->n, ef, 0, tb, tl, g_tmp);
            EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "TEND without a tensor");
            n = splice(m->p, m->n, t0, 0, m->p + sec_off(m, T_CHNK, 0),
                       sec_end(m->p, sec_off(m, T_CHNK, 0)) - sec_off(m, T_CHNK, 0), g_tmp);
            EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "CHNK before the first TENS");
        }
        /* trailing bytes after FEND */
        memcpy(g_tmp, m->p, m->n);
        g_tmp[m->n] = 0;
        EXPECT_ST(vfy(g_tmp, m->n + 1u, 0), KVL_ERR_FIELD, "one zero byte after FEND");
        n = splice(m->p, m->n, m->n, 0, anc, anc_n, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "ancillary section after FEND");
        n = splice(m->p, m->n, m->n, 0, m->p + f, sec_end(m->p, f) - f, g_tmp);
        EXPECT_ST(vfy(g_tmp, n, 0), KVL_ERR_FIELD, "FEND twice");
    }
    EXPECT_ST(vfy(g_tmp, 0, 0), KVL_ERR_TRUNCATED, "empty input");
}

/* ---- 5. records ------------------------------------------------------------------ */

typedef struct bpatch {
    uint32_t bit, nbits;
    uint64_t val;
} bpatch;

/* Patch bits of record `vec` of the k-th CHNK, re-seal, verify. With dv
 * non-NULL also return kvl_chunk_decode_vector(vec) and kvl_chunk_decode on
 * the patched chunk (dv[0], dv[1]). */
static int rec_case(const stream *s, int k, uint32_t vec, const bpatch *bp, int nbp, int *dv)
{
    size_t off = sec_off(s, T_CHNK, k), roff;
    uint32_t dim;
    kvl_chunk_view view;
    int i, st;
    uint8_t *c;
    if (off == 0)
        return -1;
    dim = chunk_dim(s->p, s->n, off);
    c = (uint8_t *)malloc(s->n);
    if (!c) {
        printf("out of memory\n");
        exit(1);
    }
    memcpy(c, s->p, s->n);
    if (kvl_chunk_parse(c + off, s->n - off, dim, &view) != KVL_OK) {
        free(c);
        return -2;
    }
    roff = (size_t)(view.records - c) + (size_t)vec * view.record_bytes;
    for (i = 0; i < nbp; i++)
        set_bits(c + roff, bp[i].bit, bp[i].nbits, bp[i].val);
    reseal_section(c, off);
    st = kvl_verify(c, s->n, 0);
    if (dv) {
        float *out = (float *)malloc((size_t)view.n_vectors * dim * sizeof(float));
        if (!out) {
            printf("out of memory\n");
            exit(1);
        }
        dv[0] = dv[1] = dv[2] = kvl_chunk_parse(c + off, s->n - off, dim, &view);
        if (dv[0] == KVL_OK) {
            dv[0] = kvl_chunk_decode_vector(&view, vec, KVL_DTYPE_F32, out, dim * sizeof(float));
            dv[1] = kvl_chunk_decode(&view, KVL_DTYPE_F32, out,
                                     (size_t)view.n_vectors * dim * sizeof(float));
            dv[2] = vec > 0 ? kvl_chunk_decode_vector(&view, vec - 1u, KVL_DTYPE_F32, out,
                                                      dim * sizeof(float))
                            : KVL_OK;
        }
        free(out);
    }
    free(c);
    return st;
}

static int rec1(const stream *s, int k, uint32_t vec, uint32_t bit, uint32_t nbits, uint64_t val)
{
    bpatch b;
    b.bit = bit;
    b.nbits = nbits;
    b.val = val;
    return rec_case(s, k, vec, &b, 1, 0);
}

static uint32_t ceil_log2_u64(uint64_t c)
{
    uint32_t w = 0;
    while (w < 64u && (UINT64_C(1) << w) < c)
        w++;
    return w;
}

static uint64_t lattice_count(int e8, uint64_t q)
{
    uint64_t r = 2u * q + 1u, r4 = r * r * r * r, h = 2u * q;
    if (!e8)
        return (r4 + 1u) / 2u;
    return (r4 * r4 + 1u) / 2u + (h * h * h * h) * (h * h * h * h) / 2u;
}

/* Bit layout of a LATTICE record (spec §7.1). */
typedef struct latlay {
    uint32_t dim, rank, K, index_bits, slots_at, blocks_at, width, nblocks, record_bits;
    uint64_t count;
} latlay;

static latlay lat_layout(const stream *s, int k)
{
    latlay L;
    size_t off = sec_off(s, T_CHNK, k);
    const uint8_t *b = s->p + off + 12;
    int e8 = b[16] == KVL_LATTICE_E8;
    memset(&L, 0, sizeof L);
    L.dim = chunk_dim(s->p, s->n, off);
    L.K = b[17];
    L.rank = b[21];
    L.count = lattice_count(e8, rd16(b + 18));
    L.width = ceil_log2_u64(L.count);
    L.index_bits = ceil_log2_u64(L.dim);
    L.slots_at = 32u + 16u * L.rank;
    L.blocks_at = L.slots_at + L.K * (L.index_bits + 16u);
    L.nblocks = L.dim / (e8 ? 8u : 4u);
    L.record_bits = L.blocks_at + L.nblocks * L.width;
    return L;
}

static void test_records_lattice(void)
{
    const stream *d4 = &g_s[S_D4], *e8 = &g_s[S_E8], *m = &g_s[S_MULTI];
    latlay L = lat_layout(d4, 0), E = lat_layout(e8, 0);
    kvl_chunk_view view;
    size_t off = sec_off(d4, T_CHNK, 0);
    int dv[3];
    bpatch bp[4];
    uint32_t sl = L.index_bits + 16u; /* slot bits */
    printf("5a. LATTICE records\n");
    EXPECT_ST(kvl_chunk_parse(d4->p + off, d4->n - off, 16, &view), KVL_OK, "parse D4 chunk");
    EXPECT_TRUE(view.record_bits == L.record_bits && L.width == 25u && L.count == 17576521u,
                "D4 q=38 K=2 dim 16: record_bits %u (computed %u), width %u, count %llu",
                (unsigned)view.record_bits, (unsigned)L.record_bits, (unsigned)L.width,
                (unsigned long long)L.count);
    EXPECT_TRUE(view.record_bits % 8u != 0u, "D4 record has padding bits (%u bits)",
                (unsigned)view.record_bits);
    {
        /* the layout as computed here matches the encoder's records: every
         * stored block index < count, padding bits zero */
        uint32_t v, j;
        int ok = 1;
        for (v = 0; v < view.n_vectors; v++) {
            const uint8_t *rec = view.records + (size_t)v * view.record_bytes;
            for (j = 0; j < L.nblocks; j++)
                ok &= get_bits(rec, L.blocks_at + j * L.width, L.width) < L.count;
            ok &= get_bits(rec, L.record_bits, view.record_bytes * 8u - L.record_bits) == 0u;
        }
        EXPECT_TRUE(ok, "D4 sample records: block indices < count, zero padding");
    }
    off = sec_off(e8, T_CHNK, 0);
    EXPECT_ST(kvl_chunk_parse(e8->p + off, e8->n - off, 16, &view), KVL_OK, "parse E8 chunk");
    EXPECT_TRUE(view.record_bits == E.record_bits && E.width == 28u && E.count == 157179441u,
                "E8 q=5 rank 2: record_bits %u (computed %u), width %u, count %llu",
                (unsigned)view.record_bits, (unsigned)E.record_bits, (unsigned)E.width,
                (unsigned long long)E.count);

    /* block index >= count */
    bp[0].bit = L.blocks_at;
    bp[0].nbits = L.width;
    bp[0].val = (UINT64_C(1) << L.width) - 1u;
    EXPECT_ST(rec_case(d4, 0, 3, bp, 1, dv), KVL_ERR_INDEX,
              "D4 block 0 all ones (2^25-1 >= count)");
    EXPECT_ST(dv[0], KVL_ERR_INDEX, "D4 block all ones: kvl_chunk_decode_vector");
    EXPECT_ST(dv[1], KVL_ERR_INDEX, "D4 block all ones: kvl_chunk_decode");
    EXPECT_ST(dv[2], KVL_OK, "D4 block all ones: other vector still decodes (random access)");
    bp[0].bit = L.blocks_at + 3u * L.width; /* last block */
    bp[0].val = L.count;
    EXPECT_ST(rec_case(d4, 0, 7, bp, 1, dv), KVL_ERR_INDEX, "D4 last block = count");
    EXPECT_ST(dv[0], KVL_ERR_INDEX, "D4 last block = count: decode_vector");
    bp[0].val = L.count - 1u;
    EXPECT_ST(rec_case(d4, 0, 7, bp, 1, dv), KVL_OK, "D4 last block = count-1 (valid point)");
    EXPECT_ST(dv[0], KVL_OK, "D4 last block = count-1: decode_vector");
    bp[0].bit = E.blocks_at + E.width;
    bp[0].nbits = E.width;
    bp[0].val = E.count;
    EXPECT_ST(rec_case(e8, 0, 0, bp, 1, dv), KVL_ERR_INDEX, "E8 block 1 = count");
    EXPECT_ST(dv[0], KVL_ERR_INDEX, "E8 block 1 = count: decode_vector");
    bp[0].val = (UINT64_C(1) << E.width) - 1u;
    EXPECT_ST(rec_case(e8, 0, 5, bp, 1, 0), KVL_ERR_INDEX, "E8 block 1 all ones");
    bp[0].val = E.count - 1u;
    EXPECT_ST(rec_case(e8, 0, 5, bp, 1, 0), KVL_OK, "E8 block 1 = count-1 (half coset, valid)");
    bp[0].bit = L.blocks_at + L.width;
    bp[0].nbits = L.width;
    bp[0].val = (UINT64_C(1) << L.width) - 1u;
    EXPECT_ST(rec_case(m, 3, 4, bp, 1, dv), KVL_ERR_INDEX,
              "multi: partial chunk, last vector, block 1 all ones");
    EXPECT_ST(dv[0], KVL_ERR_INDEX, "multi: decode_vector of the bad vector");

    /* scale */
    EXPECT_ST(rec1(d4, 0, 0, 31, 1, 1), KVL_ERR_FIELD, "D4 scale sign bit");
    EXPECT_ST(rec1(d4, 0, 0, 0, 32, 0x80000000u), KVL_ERR_FIELD, "D4 scale -0");
    EXPECT_ST(rec1(d4, 0, 0, 0, 32, 0x7F800000u), KVL_ERR_FIELD, "D4 scale +Inf");
    EXPECT_ST(rec1(d4, 0, 0, 0, 32, 0x7FC00000u), KVL_ERR_FIELD, "D4 scale NaN");
    EXPECT_ST(rec1(e8, 0, 2, 0, 32, 0x7F800001u), KVL_ERR_FIELD, "E8 scale sNaN");
    EXPECT_ST(rec1(d4, 0, 0, 0, 32, 0), KVL_OK, "D4 scale 0 (allowed)");
    EXPECT_ST(rec1(d4, 0, 0, 0, 32, 1), KVL_OK, "D4 scale smallest subnormal (allowed)");

    /* outlier slots (D4: K=2, index 4 bits + correction 16 bits) */
#define SLOT(j, idx, corr)                                                                         \
    do {                                                                                           \
        bp[2 * (j)].bit = L.slots_at + (uint32_t)(j)*sl;                                           \
        bp[2 * (j)].nbits = L.index_bits;                                                          \
        bp[2 * (j)].val = (idx);                                                                   \
        bp[2 * (j) + 1].bit = L.slots_at + (uint32_t)(j)*sl + L.index_bits;                        \
        bp[2 * (j) + 1].nbits = 16;                                                                \
        bp[2 * (j) + 1].val = (uint16_t)(corr);                                                    \
    } while (0)
    SLOT(0, 3u, 5);
    SLOT(1, 0u, 0);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, 0), KVL_OK, "slots (3,+5),(empty)");
    SLOT(0, 0u, 0);
    SLOT(1, 0u, 0);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, 0), KVL_OK, "slots (empty),(empty)");
    SLOT(0, 0u, -7);
    SLOT(1, 15u, 32767);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, dv), KVL_OK, "slots (0,-7),(15,+32767)");
    EXPECT_ST(dv[0], KVL_OK, "slots (0,-7),(15,+32767): decode_vector");
    SLOT(0, 2u, -32767);
    SLOT(1, 0u, 0);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, 0), KVL_OK, "slots (2,-32767),(empty)");
    SLOT(0, 3u, 0);
    SLOT(1, 0u, 0);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, 0), KVL_ERR_FIELD, "slot correction 0 with index 3");
    SLOT(0, 3u, 5);
    SLOT(1, 9u, 0);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, 0), KVL_ERR_FIELD, "second slot correction 0 with index 9");
    SLOT(0, 5u, 1);
    SLOT(1, 3u, 1);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, dv), KVL_ERR_FIELD, "slots out of order (5, 3)");
    EXPECT_ST(dv[0], KVL_ERR_FIELD, "slots out of order: decode_vector");
    SLOT(0, 3u, 1);
    SLOT(1, 3u, -1);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, 0), KVL_ERR_FIELD, "slots duplicate index 3");
    SLOT(0, 3u, -32768);
    SLOT(1, 0u, 0);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, 0), KVL_ERR_FIELD, "slot correction -32768");
    SLOT(0, 3u, 1);
    SLOT(1, 4u, -32768);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, 0), KVL_ERR_FIELD, "second slot correction -32768");
    SLOT(0, 0u, 0);
    SLOT(1, 3u, 1);
    EXPECT_ST(rec_case(d4, 0, 1, bp, 4, 0), KVL_ERR_FIELD, "used slot after an empty one");
#undef SLOT

    /* padding bits (D4 record: 172 bits in 22 bytes) */
    EXPECT_ST(rec1(d4, 0, 2, L.record_bits, 1, 1), KVL_ERR_RESERVED, "D4 first padding bit set");
    EXPECT_ST(rec_case(d4, 0, 2, 0, 0, 0), KVL_OK, "D4 unpatched record (control)");
    bp[0].bit = ((L.record_bits + 7u) / 8u) * 8u - 1u;
    bp[0].nbits = 1;
    bp[0].val = 1;
    EXPECT_ST(rec_case(d4, 0, 6, bp, 1, dv), KVL_ERR_RESERVED, "D4 last padding bit set");
    EXPECT_ST(dv[0], KVL_ERR_RESERVED, "D4 padding: decode_vector");
    EXPECT_ST(rec1(m, 3, 4, L.record_bits, 4, 0xF), KVL_ERR_RESERVED,
              "multi: padding of the last record");

    /* skeleton: stored mean / basis / coefficients must be finite */
    {
        size_t o = sec_off(d4, T_CHNK, 0);
        int bf = (d4->p[o + 12 + 20] & 4u) != 0;
        uint32_t inf = bf ? 0x7F80u : 0x7C00u, nan = bf ? 0x7FC0u : 0x7E00u;
        EXPECT_TRUE(!bf, "D4 sample skeleton is f16 (values <= 1024)");
        EXPECT_ST(body_case(d4, T_CHNK, 0, 24, 2, inf), KVL_ERR_FIELD, "D4 mean[0] = +Inf");
        EXPECT_ST(body_case(d4, T_CHNK, 0, 24 + 2 * 15, 2, 0xFC00u), KVL_ERR_FIELD,
                  "D4 mean[15] = -Inf");
        EXPECT_ST(body_case(d4, T_CHNK, 0, 24 + 2 * 7, 2, nan), KVL_ERR_FIELD, "D4 mean[7] = NaN");
        EXPECT_ST(body_case(d4, T_CHNK, 0, 24 + 2 * 7, 2, 0x7BFFu), KVL_OK,
                  "D4 mean[7] = 65504 (finite)");
        EXPECT_ST(body_case(e8, T_CHNK, 0, 24, 2, 0x7C00u), KVL_ERR_FIELD, "E8 mean[0] = +Inf");
        EXPECT_ST(body_case(e8, T_CHNK, 0, 24 + 32 + 2 * 5, 2, 0x7E00u), KVL_ERR_FIELD,
                  "E8 basis[0][5] = NaN");
        EXPECT_ST(body_case(e8, T_CHNK, 0, 24 + 32 + 32 + 2 * 15, 2, 0xFC00u), KVL_ERR_FIELD,
                  "E8 basis[1][15] = -Inf");
        EXPECT_ST(rec1(e8, 0, 4, 32, 16, 0x7C00u), KVL_ERR_FIELD, "E8 coefficient 0 = +Inf");
        EXPECT_ST(rec1(e8, 0, 4, 48, 16, 0xFE00u), KVL_ERR_FIELD, "E8 coefficient 1 = NaN");
        EXPECT_ST(rec1(e8, 0, 4, 48, 16, 0x3C00u), KVL_OK, "E8 coefficient 1 = 1.0");
    }
}

static void test_records_fp8_raw(void)
{
    const stream *ue = &g_s[S_FP8_UE], *sp = &g_s[S_FP8_SPLIT], *f32 = &g_s[S_FP8_F32];
    const stream *raw = &g_s[S_RAW], *m = &g_s[S_MULTI];
    int dv[3];
    bpatch b;
    printf("5b. FP8 and RAW records\n");
    /* UE8M0 block 32, dim 64: 2 scale bytes, then 64 codes */
    EXPECT_ST(rec1(ue, 0, 0, 0, 8, 0xFF), KVL_ERR_FIELD, "UE8M0 scale 0xFF");
    EXPECT_ST(rec1(ue, 0, 3, 8, 8, 0xFF), KVL_ERR_FIELD, "UE8M0 scale of block 1 = 0xFF");
    EXPECT_ST(rec1(ue, 0, 0, 0, 8, 0x00), KVL_OK, "UE8M0 scale 0x00 (2^-127)");
    EXPECT_ST(rec1(ue, 0, 0, 16, 8, 0x7F), KVL_ERR_FIELD, "FP8 code 0x7F (UE8M0 stream)");
    EXPECT_ST(rec1(ue, 0, 1, 16 + 8 * 63, 8, 0xFF), KVL_ERR_FIELD, "FP8 last code 0xFF");
    EXPECT_ST(rec1(ue, 0, 1, 16 + 8 * 63, 8, 0xFE), KVL_OK, "FP8 code 0xFE (-448)");
    EXPECT_ST(rec1(ue, 0, 1, 16 + 8 * 63, 8, 0x80), KVL_OK, "FP8 code 0x80 (-0)");
    b.bit = 16 + 8 * 40;
    b.nbits = 8;
    b.val = 0x7F;
    EXPECT_ST(rec_case(ue, 0, 2, &b, 1, dv), KVL_ERR_FIELD, "FP8 code 0x7F");
    EXPECT_ST(dv[0], KVL_ERR_FIELD, "FP8 code 0x7F: decode_vector");
    EXPECT_ST(dv[1], KVL_ERR_FIELD, "FP8 code 0x7F: decode");
    EXPECT_ST(dv[2], KVL_OK, "FP8 code 0x7F: other vector decodes");
    /* F32 scales, block 64, dim 128: 2 x 4 scale bytes */
    EXPECT_ST(rec1(f32, 0, 0, 31, 1, 1), KVL_ERR_FIELD, "F32 scale negative (sign bit)");
    EXPECT_ST(rec1(f32, 0, 0, 0, 32, 0xBF800000u), KVL_ERR_FIELD, "F32 scale -1.0");
    EXPECT_ST(rec1(f32, 0, 1, 32, 32, 0x7F800000u), KVL_ERR_FIELD, "F32 scale +Inf (block 1)");
    EXPECT_ST(rec1(f32, 0, 1, 32, 32, 0x7FC00000u), KVL_ERR_FIELD, "F32 scale NaN (block 1)");
    EXPECT_ST(rec1(f32, 0, 1, 32, 32, 0x80000000u), KVL_ERR_FIELD, "F32 scale -0");
    EXPECT_ST(rec1(f32, 0, 1, 32, 32, 0), KVL_OK, "F32 scale 0");
    EXPECT_ST(rec1(f32, 0, 0, 64, 8, 0xFF), KVL_ERR_FIELD, "FP8 code 0xFF (F32 stream)");
    /* F16 scales + split rope, dim 192: 2 x 2 scale bytes, 128 codes, 64 bf16 */
    EXPECT_ST(rec1(sp, 0, 0, 15, 1, 1), KVL_ERR_FIELD, "F16 scale sign bit");
    EXPECT_ST(rec1(sp, 0, 0, 16, 16, 0x7C00u), KVL_ERR_FIELD, "F16 scale +Inf");
    EXPECT_ST(rec1(sp, 0, 0, 16, 16, 0x7E00u), KVL_ERR_FIELD, "F16 scale NaN");
    EXPECT_ST(rec1(sp, 0, 0, 16, 16, 0x7BFFu), KVL_OK, "F16 scale 65504");
    EXPECT_ST(rec1(sp, 0, 2, 32 + 8 * 127, 8, 0xFF), KVL_ERR_FIELD, "split: last FP8 code 0xFF");
    EXPECT_ST(rec1(sp, 0, 2, 32 + 8 * 128, 16, 0x7F80u), KVL_ERR_FIELD, "split: rope bf16 +Inf");
    EXPECT_ST(rec1(sp, 0, 2, 32 + 8 * 128 + 16 * 63, 16, 0xFFC1u), KVL_ERR_FIELD,
              "split: last rope bf16 NaN");
    EXPECT_ST(rec1(sp, 0, 2, 32 + 8 * 128 + 16 * 63, 16, 0xFF7Fu), KVL_OK, "split: rope bf16 -max");
    /* RAW f16, dim 8 */
    b.bit = 16 * 5;
    b.nbits = 16;
    b.val = 0x7C00u;
    EXPECT_ST(rec_case(raw, 0, 1, &b, 1, dv), KVL_ERR_FIELD, "RAW f16 value +Inf");
    EXPECT_ST(dv[0], KVL_ERR_FIELD, "RAW f16 +Inf: decode_vector");
    EXPECT_ST(dv[2], KVL_OK, "RAW f16 +Inf: other vector decodes");
    EXPECT_ST(rec1(raw, 0, 0, 0, 16, 0xFC00u), KVL_ERR_FIELD, "RAW f16 value -Inf");
    EXPECT_ST(rec1(raw, 1, 1, 16 * 7, 16, 0x7E00u), KVL_ERR_FIELD,
              "RAW f16 value NaN (last chunk)");
    EXPECT_ST(rec1(raw, 1, 1, 16 * 7, 16, 0x7C01u), KVL_ERR_FIELD, "RAW f16 value sNaN");
    EXPECT_ST(rec1(raw, 1, 1, 16 * 7, 16, 0x7BFFu), KVL_OK, "RAW f16 value 65504");
    EXPECT_ST(rec1(m, 4, 2, 16 * 3, 16, 0x7F80u), KVL_ERR_FIELD, "RAW bf16 value +Inf (multi)");
    EXPECT_ST(rec1(m, 4, 2, 16 * 3, 16, 0xFFC0u), KVL_ERR_FIELD, "RAW bf16 value NaN (multi)");
}

/* Observations (printed, not asserted): streams that kvl_verify accepts but
 * whose decode to F32 fails, because a finite stored scale times a code
 * overflows binary32. */
static void observe_decode_range(void)
{
    const stream *ue = &g_s[S_FP8_UE], *d4 = &g_s[S_D4];
    size_t off;
    kvl_chunk_view v;
    float out[64];
    int st_v, st_d;
    printf("   observations (not asserted):\n");
    off = sec_off(ue, T_CHNK, 0);
    memcpy(g_tmp, ue->p, ue->n);
    kvl_chunk_parse(g_tmp + off, ue->n - off, 64, &v);
    g_tmp[(size_t)(v.records - g_tmp)] = 0xFE; /* vector 0, block 0 scale 2^127 */
    reseal_section(g_tmp, off);
    st_v = kvl_verify(g_tmp, ue->n, 0);
    kvl_chunk_parse(g_tmp + off, ue->n - off, 64, &v);
    st_d = kvl_chunk_decode_vector(&v, 0, KVL_DTYPE_F32, out, sizeof out);
    printf("    UE8M0 scale 0xFE: kvl_verify %s, kvl_chunk_decode_vector(F32) %s\n", sname(st_v),
           sname(st_d));
    off = sec_off(d4, T_CHNK, 0);
    memcpy(g_tmp, d4->p, d4->n);
    kvl_chunk_parse(g_tmp + off, d4->n - off, 16, &v);
    wr_le(g_tmp + (size_t)(v.records - g_tmp), 0x7F7FFFFFu, 4); /* vector 0 scale FLT_MAX */
    reseal_section(g_tmp, off);
    st_v = kvl_verify(g_tmp, d4->n, 0);
    kvl_chunk_parse(g_tmp + off, d4->n - off, 16, &v);
    st_d = kvl_chunk_decode_vector(&v, 0, KVL_DTYPE_F32, out, sizeof out);
    printf("    LATTICE scale FLT_MAX: kvl_verify %s, kvl_chunk_decode_vector(F32) %s\n",
           sname(st_v), sname(st_d));
}

/* ---- 6. decode API misuse --------------------------------------------------------- */

static void test_api(void)
{
    const stream *raw = &g_s[S_RAW], *d4 = &g_s[S_D4];
    size_t off = sec_off(raw, T_CHNK, 0), need;
    kvl_chunk_view v;
    kvl_reader r;
    kvl_event ev;
    float out[4 * 16];
    int dt;
    printf("6. decode API misuse\n");
    EXPECT_ST(kvl_chunk_parse(raw->p + off, raw->n - off, 8, &v), KVL_OK, "parse RAW chunk 0");
    for (dt = 0; dt <= 2; dt++) {
        size_t es = dt == KVL_DTYPE_F32 ? 4u : 2u;
        need = (size_t)v.n_vectors * v.dim * es;
        EXPECT_ST(kvl_chunk_decode(&v, (kvl_dtype)dt, out, need - 1u), KVL_ERR_BUFFER,
                  "decode dtype %d, buffer one byte short", dt);
        EXPECT_ST(kvl_chunk_decode(&v, (kvl_dtype)dt, out, need), KVL_OK,
                  "decode dtype %d, exact buffer", dt);
        EXPECT_ST(kvl_chunk_decode_vector(&v, 0, (kvl_dtype)dt, out, v.dim * es - 1u),
                  KVL_ERR_BUFFER, "decode_vector dtype %d, buffer one byte short", dt);
        EXPECT_ST(kvl_chunk_decode_vector(&v, 0, (kvl_dtype)dt, out, v.dim * es), KVL_OK,
                  "decode_vector dtype %d, exact buffer", dt);
    }
    EXPECT_ST(kvl_chunk_decode(&v, KVL_DTYPE_F32, out, 0), KVL_ERR_BUFFER, "decode, capacity 0");
    EXPECT_ST(kvl_chunk_decode_vector(&v, v.n_vectors, KVL_DTYPE_F32, out, sizeof out), KVL_ERR_ARG,
              "decode_vector index == n_vectors");
    EXPECT_ST(kvl_chunk_decode_vector(&v, v.n_vectors - 1u, KVL_DTYPE_F32, out, sizeof out), KVL_OK,
              "decode_vector index == n_vectors-1");
    EXPECT_ST(kvl_chunk_decode_vector(&v, UINT32_MAX, KVL_DTYPE_F32, out, sizeof out), KVL_ERR_ARG,
              "decode_vector index UINT32_MAX");
    EXPECT_ST(kvl_chunk_decode(&v, (kvl_dtype)3, out, sizeof out), KVL_ERR_ARG,
              "decode out dtype 3");
    EXPECT_ST(kvl_chunk_decode_vector(&v, 0, (kvl_dtype)3, out, sizeof out), KVL_ERR_ARG,
              "decode_vector out dtype 3");
    EXPECT_ST(kvl_chunk_decode(0, KVL_DTYPE_F32, out, sizeof out), KVL_ERR_ARG, "decode view NULL");
    EXPECT_ST(kvl_chunk_decode(&v, KVL_DTYPE_F32, 0, sizeof out), KVL_ERR_ARG, "decode out NULL");
    EXPECT_ST(kvl_chunk_decode_vector(0, 0, KVL_DTYPE_F32, out, sizeof out), KVL_ERR_ARG,
              "decode_vector view NULL");
    EXPECT_ST(kvl_chunk_decode_vector(&v, 0, KVL_DTYPE_F32, 0, sizeof out), KVL_ERR_ARG,
              "decode_vector out NULL");
    EXPECT_ST(kvl_chunk_validate(0), KVL_ERR_ARG, "validate NULL");
    EXPECT_ST(kvl_chunk_validate(&v), KVL_OK, "validate");
    EXPECT_ST(kvl_chunk_parse(0, 10, 8, &v), KVL_ERR_ARG, "chunk_parse sec NULL");
    EXPECT_ST(kvl_chunk_parse(raw->p + off, raw->n - off, 8, 0), KVL_ERR_ARG,
              "chunk_parse view NULL");
    EXPECT_ST(kvl_chunk_parse(raw->p + off, 11, 8, &v), KVL_ERR_TRUNCATED, "chunk_parse 11 bytes");
    EXPECT_ST(kvl_chunk_parse(raw->p + off, sec_end(raw->p, off) - off - 1u, 8, &v),
              KVL_ERR_TRUNCATED, "chunk_parse one byte short");
    EXPECT_ST(kvl_chunk_parse(raw->p + off, raw->n - off, 16, &v), KVL_ERR_FIELD,
              "chunk_parse wrong dim 16");
    EXPECT_ST(kvl_chunk_parse(raw->p + off, raw->n - off, 0, &v), KVL_ERR_FIELD,
              "chunk_parse dim 0");
    {
        size_t t = sec_off(raw, T_TENS, 0);
        EXPECT_ST(kvl_chunk_parse(raw->p + t, raw->n - t, 8, &v), KVL_ERR_FIELD,
                  "chunk_parse of a TENS section");
    }
    off = sec_off(d4, T_CHNK, 0);
    EXPECT_ST(kvl_chunk_parse(d4->p + off, d4->n - off, 32, &v), KVL_ERR_FIELD,
              "chunk_parse D4 with dim 32");
    /* reader */
    EXPECT_ST(kvl_reader_init(0, raw->p, raw->n), KVL_ERR_ARG, "reader_init r NULL");
    memset(&r, 0, sizeof r);
    EXPECT_ST(kvl_reader_init(&r, 0, 5), KVL_ERR_ARG, "reader_init data NULL, size 5");
    EXPECT_ST(kvl_reader_init(&r, 0, 0), KVL_ERR_TRUNCATED, "reader_init data NULL, size 0");
    EXPECT_ST(kvl_verify(0, 5, 0), KVL_ERR_ARG, "verify data NULL, size 5");
    {
        /* kvl_reader_init returns KVL_ERR_ARG without touching *r, so a
         * reader that was in use keeps working (observation, not asserted) */
        int st;
        EXPECT_ST(kvl_reader_init(&r, raw->p, raw->n), KVL_OK, "reader_init");
        EXPECT_ST(kvl_reader_init(&r, 0, 5), KVL_ERR_ARG, "re-init with data NULL, size 5");
        st = kvl_reader_next(&r, &ev);
        printf("   observation: kvl_reader_next after kvl_reader_init(&r, NULL, 5) == ARG on a "
               "previously initialised reader: %s\n",
               sname(st));
    }
    EXPECT_ST(kvl_reader_init(&r, raw->p, raw->n), KVL_OK, "reader_init");
    EXPECT_ST(kvl_reader_next(0, &ev), KVL_ERR_ARG, "reader_next r NULL");
    EXPECT_ST(kvl_reader_next(&r, 0), KVL_ERR_ARG, "reader_next ev NULL");
    EXPECT_ST(kvl_reader_next(&r, &ev), KVL_OK, "reader_next still fine after NULL-argument calls");
    EXPECT_TRUE(ev.kind == KVL_EVENT_TENSOR, "first event is TENSOR (%d)", ev.kind);
    memset(&r, 0, sizeof r);
    EXPECT_ST(kvl_reader_next(&r, &ev), KVL_ERR_STATE, "reader_next on a zeroed reader");
    /* after an error every call is STATE */
    {
        size_t c1 = sec_off(raw, T_CHNK, 1);
        memcpy(g_tmp, raw->p, raw->n);
        g_tmp[c1 + 20] ^= 1u; /* chunk 1 body, CRC not resealed */
        EXPECT_ST(kvl_reader_init(&r, g_tmp, raw->n), KVL_OK, "reader_init damaged stream");
        EXPECT_ST(kvl_reader_next(&r, &ev), KVL_OK, "TENS");
        EXPECT_ST(kvl_reader_next(&r, &ev), KVL_OK, "CHNK 0");
        EXPECT_ST(kvl_reader_next(&r, &ev), KVL_ERR_CRC, "CHNK 1 damaged");
        EXPECT_ST(kvl_reader_next(&r, &ev), KVL_ERR_STATE, "reader_next after an error");
        EXPECT_ST(kvl_reader_next(&r, &ev), KVL_ERR_STATE, "reader_next after an error, again");
        memcpy(g_tmp, raw->p, raw->n);
        g_tmp[3] ^= 1u;
        EXPECT_ST(kvl_reader_init(&r, g_tmp, raw->n), KVL_ERR_MAGIC, "reader_init bad magic");
        EXPECT_ST(kvl_reader_next(&r, &ev), KVL_ERR_STATE, "reader_next after a failed init");
    }
    /* after END, END again */
    {
        int i, st = kvl_reader_init(&r, g_s[S_EMPTY].p, g_s[S_EMPTY].n);
        EXPECT_ST(st, KVL_OK, "reader_init empty stream");
        for (i = 0; i < 3; i++) {
            EXPECT_ST(kvl_reader_next(&r, &ev), KVL_OK, "reader_next END #%d", i);
            EXPECT_TRUE(ev.kind == KVL_EVENT_END && ev.n_tensors == 0u, "END #%d kind %d", i,
                        ev.kind);
        }
    }
}

int main(void)
{
    int i;
    if (build_samples() != 0) {
        printf("could not build the sample streams\n");
        printf("test_stream_errors: %ld passed, %ld failed\n", g_pass, g_fail + 1);
        return 1;
    }
    test_sanity();
    test_truncation();
    test_bitflips();
    test_file_header();
    test_tens();
    test_chnk();
    test_overflow();
    test_tend_fend();
    test_sections();
    test_records_lattice();
    test_records_fp8_raw();
    observe_decode_range();
    test_api();
    for (i = 0; i < N_SAMPLES; i++)
        free(g_s[i].p);
    printf("test_stream_errors: %ld passed, %ld failed\n", g_pass, g_fail);
    return g_fail == 0 ? 0 : 1;
}
