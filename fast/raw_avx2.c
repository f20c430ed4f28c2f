/* raw_avx2.c -- dtype conversions (spec §2.2, §10.1) and RAW records (§6.1)
 * with AVX2 + F16C, 8 values per step. Tails shorter than 8 values and
 * failing groups go through the reference functions, so errors, error
 * positions and partial outputs are the reference's. */
#include "avx2_util.h"

/* §10.1 step 1: exact conversion; NaN/Inf anywhere is NONFINITE. */
int kvl_avx2_load_f32(const void *in, uint32_t dtype, size_t n, float *xs)
{
    const uint8_t *p = (const uint8_t *)in;
    const size_t es = kvl_dtype_size(dtype);
    __m256i bad = _mm256_setzero_si256();
    size_t i;
    for (i = 0; i + 8u <= n; i += 8u) {
        __m256 v = v_load8(p + i * es, dtype);
        bad = _mm256_or_si256(bad, v_nonfinite(v));
        _mm256_storeu_ps(xs + i, v);
    }
    if (v_any(bad))
        return KVL_ERR_NONFINITE;
    for (; i < n; i++) {
        xs[i] = kvl_load_as_f32(in, dtype, i);
        if (!kvl_f32_is_finite(xs[i]))
            return KVL_ERR_NONFINITE;
    }
    return KVL_OK;
}

/* §2.2.5: the values before the first non-representable one are stored. */
int kvl_avx2_store_f32(const float *v, uint32_t dtype, size_t n, void *out)
{
    uint8_t *o = (uint8_t *)out;
    const size_t es = kvl_dtype_size(dtype);
    size_t i;
    for (i = 0; i + 8u <= n; i += 8u) {
        __m256 x = _mm256_loadu_ps(v + i);
        if (v_store8(x, dtype, o + i * es))
            return store_group_ref(x, 8u, dtype, out, i);
    }
    for (; i < n; i++) {
        int st = kvl_store_from_f32(out, dtype, i, v[i]);
        if (st != KVL_OK)
            return st;
    }
    return KVL_OK;
}

/* §10.5 RAW: f32 stores the bits, f16/bf16 round to nearest even; a value
 * that becomes Inf is RANGE. A failing vector is redone by the reference
 * (from a zeroed record) so that its partial record matches. */
int kvl_avx2_raw_encode_records(const kvl_layout *L, const float *xs, uint32_t n, uint8_t *records)
{
    const uint32_t d = L->dim, dt = L->p.raw_dtype;
    uint32_t v, i;
    for (v = 0; v < n; v++) {
        const float *x = xs + (size_t)v * d;
        uint8_t *rec = records + (size_t)v * L->record_bytes;
        int bad = 0;
        if (dt == KVL_DTYPE_F32) {
            memcpy(rec, x, (size_t)d * 4u); /* input is finite (§10.1) */
            continue;
        }
        for (i = 0; !bad && i + 8u <= d; i += 8u)
            bad = v_store8(_mm256_loadu_ps(x + i), dt, rec + 2u * i);
        for (; !bad && i < d; i++)
            bad = kvl_store_from_f32(rec, dt, i, x[i]) != KVL_OK;
        if (bad) {
            int st;
            memset(rec, 0, L->record_bytes);
            st = kvl_raw_encode_vector(L, x, rec);
            if (st != KVL_OK)
                return st;
        }
    }
    return KVL_OK;
}

/* RAW record checks (§6.1): every stored value finite. */
static int raw_record_ok(const kvl_layout *L, const uint8_t *rec)
{
    const uint32_t d = L->dim, dt = L->p.raw_dtype;
    const size_t es = kvl_dtype_size(dt);
    __m256i bad = _mm256_setzero_si256();
    uint32_t i;
    for (i = 0; i + 8u <= d; i += 8u)
        bad = _mm256_or_si256(bad, v_nonfinite(v_load8(rec + i * es, dt)));
    if (v_any(bad))
        return 0;
    for (; i < d; i++)
        if (!kvl_f32_is_finite(kvl_load_as_f32(rec, dt, i)))
            return 0;
    return 1;
}

int kvl_avx2_raw_validate_records(const kvl_layout *L, const uint8_t *records, uint32_t n)
{
    uint32_t v;
    for (v = 0; v < n; v++) {
        const uint8_t *rec = records + (size_t)v * L->record_bytes;
        if (!raw_record_ok(L, rec)) {
            int st = kvl_raw_decode_vector(L, rec, 0);
            if (st != KVL_OK)
                return st;
        }
    }
    return KVL_OK;
}

/* Decode: checks first (§9.2 "Records"), then the output conversion. */
int kvl_avx2_raw_decode_records(const kvl_layout *L, const uint8_t *records, uint32_t n,
                                uint32_t out_dtype, void *out)
{
    const uint32_t d = L->dim, dt = L->p.raw_dtype;
    const size_t es = kvl_dtype_size(dt), os = kvl_dtype_size(out_dtype);
    uint8_t *o = (uint8_t *)out;
    uint32_t v, i;
    for (v = 0; v < n; v++) {
        const uint8_t *rec = records + (size_t)v * L->record_bytes;
        size_t base = (size_t)v * d;
        if (!raw_record_ok(L, rec)) {
            int st = redo_ref_decode(L, 0, 0, rec, out_dtype, out, base);
            if (st != KVL_OK)
                return st;
            continue;
        }
        if (dt == out_dtype) {
            /* finite in its own dtype: the round trip is the identity */
            memcpy(o + base * os, rec, (size_t)d * es);
            continue;
        }
        for (i = 0; i + 8u <= d; i += 8u) {
            __m256 x = v_load8(rec + i * es, dt);
            if (v_store8(x, out_dtype, o + (base + i) * os))
                return store_group_ref(x, 8u, out_dtype, out, base + i);
        }
        for (; i < d; i++) {
            int st = kvl_store_from_f32(out, out_dtype, base + i, kvl_raw_value(L, rec, i));
            if (st != KVL_OK)
                return st;
        }
    }
    return KVL_OK;
}
