/* fuzz_common.c -- see fuzz_common.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_io.h"
#include "fuzz_common.h"

void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: property violated: %s: ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static void mix(fz_digest *d, const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    for (i = 0; i < n; i++)
        d->h = (d->h ^ b[i]) * 0x100000001B3ull;
}

static void mix_status(fz_digest *d, int st)
{
    mix(d, &st, sizeof st);
    if (st != KVL_OK && d->first_error == 0)
        d->first_error = st;
}

static size_t dtype_size(int dt) { return dt == KVL_DTYPE_F32 ? 4u : 2u; }

/* One chunk: validate, decode (if the output is small enough) and random
 * access to three vectors, which must equal the matching slices. */
static void chunk_everything(const kvl_chunk_view *v, int dt, fz_digest *d)
{
    size_t vec_bytes = (size_t)v->dim * dtype_size(dt);
    size_t bytes = (size_t)v->n_vectors * vec_bytes;
    uint8_t *out = NULL, *one = (uint8_t *)malloc(vec_bytes);
    uint32_t picks[3], k;
    int st_all = -1;
    FZ_ASSERT(one != NULL, "out of memory");
    mix_status(d, kvl_chunk_validate(v));
    /* API misuse next to the stream: a buffer one value short, an index past
     * the chunk, an unknown dtype (BUFFER / ARG, never a crash) */
    FZ_ASSERT(kvl_chunk_decode_vector(v, v->n_vectors, (kvl_dtype)dt, one, vec_bytes) != KVL_OK,
              "vector index n accepted");
    FZ_ASSERT(kvl_chunk_decode_vector(v, 0, (kvl_dtype)dt, one, vec_bytes - 1u) != KVL_OK,
              "short buffer accepted");
    FZ_ASSERT(kvl_chunk_decode_vector(v, 0, (kvl_dtype)3, one, vec_bytes) != KVL_OK, "dtype 3 accepted");
    if (bytes <= FZ_MAX_OUTPUT) {
        out = (uint8_t *)malloc(bytes ? bytes : 1u);
        FZ_ASSERT(out != NULL, "out of memory");
        FZ_ASSERT(kvl_chunk_decode(v, (kvl_dtype)dt, out, bytes - 1u) != KVL_OK, "short buffer accepted");
        st_all = kvl_chunk_decode(v, (kvl_dtype)dt, out, bytes);
        mix_status(d, st_all);
        if (st_all == KVL_OK)
            mix(d, out, bytes);
    }
    picks[0] = 0;
    picks[1] = v->n_vectors / 2u;
    picks[2] = v->n_vectors - 1u;
    for (k = 0; k < 3; k++) {
        int st = kvl_chunk_decode_vector(v, picks[k], (kvl_dtype)dt, one, vec_bytes);
        mix_status(d, st);
        if (st_all == KVL_OK) {
            FZ_ASSERT(st == KVL_OK, "random access fails (%d) where the chunk decodes", st);
            FZ_ASSERT(memcmp(one, out + (size_t)picks[k] * vec_bytes, vec_bytes) == 0,
                      "random access to vector %u differs from the chunk decode", picks[k]);
        }
    }
    free(out);
    free(one);
}

void fz_decode_everything(const uint8_t *data, size_t size, fz_digest *d)
{
    kvl_stream_summary sum;
    kvl_reader r;
    kvl_event ev;
    int st, n = 0;
    d->h = 0xCBF29CE484222325ull;
    d->first_error = 0;
    mix_status(d, kvl_verify(data, size, &sum));
    st = kvl_reader_init(&r, data, size);
    while (st == KVL_OK) {
        st = kvl_reader_next(&r, &ev);
        if (st != KVL_OK || ev.kind == KVL_EVENT_END)
            break;
        if (ev.kind == KVL_EVENT_CHUNK)
            chunk_everything(&ev.chunk, n++ % 3, d);
    }
    mix_status(d, st);
    /* single-chunk entry point: bytes 0-1 give D, the rest is one section */
    if (size > 2) {
        kvl_chunk_view v;
        uint32_t dim = 1u + (uint32_t)(data[0] | (data[1] << 8));
        st = kvl_chunk_parse(data + 2, size - 2, dim, &v);
        mix_status(d, st);
        if (st == KVL_OK)
            chunk_everything(&v, data[0] % 3, d);
    }
}

/* ---- encoder inputs ----------------------------------------------------- */

static void store(uint8_t *p, int dt, float v)
{
    uint32_t u;
    if (dt == KVL_DTYPE_F32) {
        memcpy(&u, &v, 4);
        p[0] = (uint8_t)u;
        p[1] = (uint8_t)(u >> 8);
        p[2] = (uint8_t)(u >> 16);
        p[3] = (uint8_t)(u >> 24);
        return;
    }
    u = dt == KVL_DTYPE_F16 ? kvl_f32_to_f16(v) : kvl_f32_to_bf16(v);
    p[0] = (uint8_t)u;
    p[1] = (uint8_t)(u >> 8);
}

static float load(const uint8_t *p, int dt)
{
    uint32_t u;
    float f;
    if (dt == KVL_DTYPE_F32) {
        u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        memcpy(&f, &u, 4);
        return f;
    }
    u = (uint32_t)p[0] | ((uint32_t)p[1] << 8);
    return dt == KVL_DTYPE_F16 ? kvl_f16_to_f32((uint16_t)u) : kvl_bf16_to_f32((uint16_t)u);
}

int fz_carve_tensor(fuzz_producer *p, fz_tensor *t)
{
    uint32_t i, total, mode;
    size_t es;
    memset(t, 0, sizeof *t);
    if (fp_remaining(p) < 8)
        return -1;
    mode = fp_range(p, 0, 2);
    t->params.mode = (uint8_t)mode;
    if (mode == KVL_MODE_LATTICE) {
        t->desc.dim = 8u << fp_range(p, 0, 6);
        t->params.lattice = (uint8_t)fp_range(p, 0, 1);
        t->params.q = (uint16_t)(fp_bool(p) ? fp_range(p, 1, 12) : fp_range(p, 1, t->params.lattice ? 127 : 4095));
        t->params.outliers = (uint8_t)fp_range(p, 0, t->desc.dim / 4u < 16u ? t->desc.dim / 4u : 16u);
        t->params.skeleton = (uint8_t)fp_range(p, 0, 2);
        if (t->params.skeleton == KVL_SKELETON_PCA)
            t->params.rank = (uint8_t)fp_range(p, 1, t->desc.dim - 1u < 8u ? t->desc.dim - 1u : 8u);
    } else if (mode == KVL_MODE_FP8) {
        t->params.fp8_block = (uint16_t)(32u << fp_range(p, 0, 2));
        t->params.fp8_scale = (uint8_t)fp_range(p, 0, 2);
        t->params.fp8_split_rope = (uint8_t)fp_bool(p);
        t->desc.dim = t->params.fp8_block * fp_range(p, 1, 4) + (t->params.fp8_split_rope ? 64u : 0u);
    } else {
        t->params.raw_dtype = (uint8_t)fp_range(p, 0, 2);
        t->desc.dim = fp_range(p, 1, 96);
    }
    t->in_dtype = (int)fp_range(p, 0, 2);
    t->n = fp_range(p, 1, 12);
    t->desc.chunk_len = fp_range(p, 1, t->n);
    t->desc.src_dtype = (uint8_t)t->in_dtype;
    t->desc.role = (uint8_t)fp_range(p, 0, 3);
    t->desc.layer = -1;
    t->desc.head = -1;
    total = t->n * t->desc.dim;
    es = dtype_size(t->in_dtype);
    t->values = (float *)malloc((size_t)total * sizeof(float));
    t->input = (uint8_t *)malloc((size_t)total * es);
    FZ_ASSERT(t->values && t->input, "out of memory");
    {
        /* a few vectors are all zero or one repeated value: scale 0, ties */
        uint32_t v;
        for (v = 0; v < t->n; v++) {
            uint32_t shape = fp_range(p, 0, 7);
            float rep = fp_float(p, 1);
            for (i = 0; i < t->desc.dim; i++) {
                float x = shape == 0 ? 0.0f : shape == 1 ? rep : fp_float(p, fp_range(p, 0, 15) == 0);
                size_t at = (size_t)v * t->desc.dim + i;
                store(t->input + at * es, t->in_dtype, x);
                /* the value the encoder sees: the input dtype's value, exactly */
                t->values[at] = load(t->input + at * es, t->in_dtype);
                if (!(t->values[at] - t->values[at] == 0.0f))
                    t->has_nonfinite = 1;
            }
        }
    }
    return 0;
}

void fz_tensor_free(fz_tensor *t)
{
    free(t->values);
    free(t->input);
    memset(t, 0, sizeof *t);
}

kvl_status fz_encode(const fz_tensor *t, uint8_t **stream, size_t *len)
{
    kvl_writer w;
    cli_membuf b = {NULL, 0, 0};
    size_t ws = 0;
    void *work = NULL;
    kvl_status st = kvl_writer_init(&w, cli_membuf_sink, &b);
    if (st == KVL_OK)
        st = kvl_writer_workspace_size(&t->desc, &t->params, (kvl_dtype)t->in_dtype, &ws);
    if (st == KVL_OK) {
        work = malloc(ws ? ws : 1u);
        FZ_ASSERT(work != NULL, "out of memory");
        st = kvl_writer_begin_tensor(&w, &t->desc, &t->params, (kvl_dtype)t->in_dtype, NULL, work, ws);
    }
    if (st == KVL_OK)
        st = kvl_writer_append(&w, t->input, t->n);
    if (st == KVL_OK)
        st = kvl_writer_end_tensor(&w);
    if (st == KVL_OK)
        st = kvl_writer_finish(&w);
    free(work);
    if (st != KVL_OK) {
        free(b.data);
        b.data = NULL;
        b.len = 0;
    }
    *stream = b.data;
    *len = b.len;
    return st;
}
