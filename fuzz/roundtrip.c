/* roundtrip -- encoder parameters and values (NaN, Inf, subnormals, huge
 * values, exact ties, zero vectors) carved from the input. Encoding must
 * succeed or return a spec error (NONFINITE exactly when the input has NaN or
 * Inf); on success the stream verifies, decodes, every vector meets the
 * spec's error bound, and encoding again gives the same bytes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double norm2(const float *a, const float *b, uint32_t n)
{
    double s = 0.0;
    uint32_t i;
    for (i = 0; i < n; i++) {
        double d = (double)a[i] - (b ? (double)b[i] : 0.0);
        s += d * d;
    }
    return sqrt(s);
}

/* LSB-first bit field of a record (spec §2.5). */
static uint32_t rec_bits(const uint8_t *rec, uint32_t bit, uint32_t n)
{
    uint32_t v = 0, i;
    for (i = 0; i < n; i++)
        v |= (uint32_t)((rec[(bit + i) >> 3] >> ((bit + i) & 7u)) & 1u) << i;
    return v;
}

/* Does a LATTICE record use a correction of +-32767 (a clamped outlier)? */
static int has_clamped_slot(const kvl_chunk_view *c, const uint8_t *rec)
{
    uint32_t logd = 0, j, bit = 32u + 16u * c->params.rank;
    while ((1u << logd) < c->dim)
        logd++;
    for (j = 0; j < c->params.outliers; j++, bit += logd + 16u) {
        uint32_t corr = rec_bits(rec, bit + logd, 16);
        if (corr == 32767u || corr == 32769u) /* +-32767 as 16-bit two's complement */
            return 1;
    }
    return 0;
}

/* ||mu|| + sum_l |coef_l| ||b_l|| of the record's chunk (0 without a skeleton). */
static double skeleton_size(const kvl_chunk_view *c, const uint8_t *rec)
{
    double size = 0.0;
    uint32_t l, i;
    for (l = 0; l <= c->params.rank; l++) {
        const uint8_t *row = l == 0 ? c->mean : c->basis + (size_t)(l - 1u) * c->dim * 2u;
        double n2 = 0.0, coef = 1.0;
        if (!row)
            continue;
        for (i = 0; i < c->dim; i++) {
            uint16_t h = (uint16_t)(row[2u * i] | (row[2u * i + 1u] << 8));
            double v = c->skel_dtype == KVL_DTYPE_BF16 ? kvl_bf16_to_f32(h) : kvl_f16_to_f32(h);
            n2 += v * v;
        }
        if (l > 0) {
            uint16_t h = (uint16_t)(rec[4u + 2u * (l - 1u)] | (rec[5u + 2u * (l - 1u)] << 8));
            coef = fabs(c->skel_dtype == KVL_DTYPE_BF16 ? kvl_bf16_to_f32(h) : kvl_f16_to_f32(h));
        }
        size += coef * sqrt(n2);
    }
    return size;
}

/* Per-coordinate bound for RAW and FP8, per-vector bound for LATTICE
 * (spec §6, §7.8 note): see fuzz/README.md. */
static void check_bounds(const fz_tensor *t, const float *y, const uint8_t *stream, size_t len)
{
    const uint32_t D = t->desc.dim;
    uint32_t v, i;
    for (v = 0; v < t->n; v++) {
        const float *x = t->values + (size_t)v * D, *xr = y + (size_t)v * D;
        if (t->params.mode == KVL_MODE_RAW) {
            double rel = t->params.raw_dtype == KVL_DTYPE_F32 ? 0.0
                         : t->params.raw_dtype == KVL_DTYPE_F16 ? ldexp(1.0, -11) : ldexp(1.0, -8);
            double abs_ = t->params.raw_dtype == KVL_DTYPE_F32 ? 0.0
                          : t->params.raw_dtype == KVL_DTYPE_F16 ? ldexp(1.0, -25) : ldexp(1.0, -134);
            for (i = 0; i < D; i++)
                FZ_ASSERT(fabs((double)x[i] - xr[i]) <= rel * fabs((double)x[i]) + abs_,
                          "RAW value %u of vector %u: %g -> %g", i, v, x[i], xr[i]);
        } else if (t->params.mode == KVL_MODE_FP8) {
            const uint32_t B = t->params.fp8_block, dfp8 = D - (t->params.fp8_split_rope ? 64u : 0u);
            uint32_t b;
            for (b = 0; b < dfp8; b += B) {
                double amax = 0.0;
                for (i = b; i < b + B; i++)
                    amax = fabs((double)x[i]) > amax ? fabs((double)x[i]) : amax;
                if (amax < ldexp(1.0, -100))
                    continue; /* scale t subnormal: x/s may saturate (spec §6.3) */
                {
                    /* every scale format has s <= max(2 t, its smallest step): F16 2^-24 */
                    double smax = 2.0 * amax / 448.0;
                    if (t->params.fp8_scale == KVL_FP8_SCALE_F16 && smax < ldexp(1.0, -24))
                        smax = ldexp(1.0, -24);
                    for (i = b; i < b + B; i++)
                        FZ_ASSERT(fabs((double)x[i] - xr[i]) <=
                                      1.0001 * (ldexp(fabs((double)x[i]), -4) + smax * ldexp(1.0, -10)),
                                  "FP8 value %u of vector %u: %g -> %g (amax %g)", i, v, x[i], xr[i], amax);
                }
            }
            for (i = dfp8; i < D; i++) /* split-rope tail: bf16 RNE */
                FZ_ASSERT(fabs((double)x[i] - xr[i]) <= ldexp(fabs((double)x[i]), -8) + ldexp(1.0, -134),
                          "FP8 tail value %u of vector %u", i, v);
        } else {
            /* ||x - x^|| <= D * unit * s (spec §7.8 note), plus binary32 rounding of the
             * skeleton terms; not for a vector whose outlier correction was clamped */
            kvl_reader r;
            kvl_event ev;
            uint64_t first = 0;
            int found = 0;
            double unit = t->params.lattice ? 2.0 : 1.0, s = 0.0, lim, err, skel = 0.0;
            int clamped = 0;
            kvl_reader_init(&r, stream, len);
            while (!found && kvl_reader_next(&r, &ev) == KVL_OK && ev.kind != KVL_EVENT_END) {
                if (ev.kind != KVL_EVENT_CHUNK || v >= ev.first_vector + ev.chunk.n_vectors)
                    continue;
                {
                    const uint8_t *rec = ev.chunk.records + (size_t)(v - ev.first_vector) * ev.chunk.record_bytes;
                    uint32_t sb = (uint32_t)rec[0] | ((uint32_t)rec[1] << 8) | ((uint32_t)rec[2] << 16) |
                                  ((uint32_t)rec[3] << 24);
                    float sf;
                    memcpy(&sf, &sb, 4);
                    s = sf;
                    skel = skeleton_size(&ev.chunk, rec);
                    clamped = has_clamped_slot(&ev.chunk, rec);
                    first = ev.first_vector;
                    found = 1;
                }
            }
            FZ_ASSERT(found, "vector %u not in the stream", v);
            (void)first;
            if (clamped)
                continue; /* a correction clamped to +-32767 voids the bound (spec §10.4.4) */
            err = norm2(x, xr, D);
            /* each skeleton addition rounds at the size of the running sum */
            lim = 1.001 * (double)D * unit * s + 1e-5 * (norm2(x, NULL, D) + norm2(xr, NULL, D)) +
                  1e-6 * (t->params.rank + 2.0) * skel + 1e-37;
            FZ_ASSERT(err <= lim, "LATTICE %s D %u Q %u K %u skeleton %u r %u in %d, vector %u: error %g > bound %g (s %g)",
                      t->params.lattice ? "E8" : "D4", D, t->params.q, t->params.outliers, t->params.skeleton,
                      t->params.rank, t->in_dtype, v, err, lim, s);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_producer p;
    fz_tensor t;
    uint8_t *s1 = NULL, *s2 = NULL;
    size_t l1 = 0, l2 = 0;
    kvl_status st1, st2;
    fp_init(&p, data, size);
    if (fz_carve_tensor(&p, &t))
        return 0;
    st1 = fz_encode(&t, &s1, &l1);
    st2 = fz_encode(&t, &s2, &l2);
    FZ_ASSERT(st1 == st2, "encoding twice gives %d and %d", st1, st2);
    FZ_ASSERT(l1 == l2 && (l1 == 0 || memcmp(s1, s2, l1) == 0), "encoding twice gives different bytes");
    if (t.has_nonfinite && st1 != KVL_ERR_NONFINITE) {
        /* chunks are encoded in order: an earlier chunk may fail with RANGE
         * first. Then encoding only the chunks before the first NaN/Inf must
         * give that RANGE. */
        uint32_t first = 0, keep;
        while ((t.values[first] - t.values[first]) == 0.0f)
            first++;
        keep = first / t.desc.dim / t.desc.chunk_len * t.desc.chunk_len;
        FZ_ASSERT(st1 == KVL_ERR_RANGE && keep > 0, "NaN/Inf input encodes with status %d", st1);
        {
            fz_tensor head = t;
            uint8_t *s3 = NULL;
            size_t l3 = 0;
            head.n = keep;
            FZ_ASSERT(fz_encode(&head, &s3, &l3) == KVL_ERR_RANGE,
                      "RANGE reported for a NaN/Inf input, but the chunks before it encode");
            free(s3);
        }
    } else if (!t.has_nonfinite)
        FZ_ASSERT(st1 == KVL_OK || st1 == KVL_ERR_RANGE, "finite input: encoder status %d", st1);
    if (st1 == KVL_OK) {
        kvl_stream_summary sum;
        kvl_reader r;
        kvl_event ev;
        size_t D = t.desc.dim;
        float *y = (float *)malloc((size_t)t.n * D * sizeof(float));
        int st = kvl_verify(s1, l1, &sum), range = 0;
        FZ_ASSERT(y != NULL, "out of memory");
        FZ_ASSERT(st == KVL_OK, "encoder output fails verification: %d", st);
        FZ_ASSERT(sum.n_vectors == t.n, "vector count");
        kvl_reader_init(&r, s1, l1);
        while (kvl_reader_next(&r, &ev) == KVL_OK && ev.kind != KVL_EVENT_END) {
            if (ev.kind != KVL_EVENT_CHUNK)
                continue;
            st = kvl_chunk_decode(&ev.chunk, KVL_DTYPE_F32, y + ev.first_vector * D,
                                  (size_t)ev.chunk.n_vectors * D * 4u);
            FZ_ASSERT(st == KVL_OK || st == KVL_ERR_RANGE, "decode of encoder output: %d", st);
            range |= st == KVL_ERR_RANGE; /* decoded values overflow binary32 (spec B.4) */
        }
        if (!range)
            check_bounds(&t, y, s1, l1);
        free(y);
    }
    free(s1);
    free(s2);
    fz_tensor_free(&t);
    return 0;
}
