/* codec_lattice_avx2.c -- LATTICE records (spec §7.1, §7.7, §10.4) with AVX2.
 *
 * Encoder: residual against the skeleton (dot8 + elementwise), the binary32
 * WHT, outlier selection by SIMD argmax (lowest index on ties), scale,
 * z = y / g (a correctly rounded division per lane), the 8-block closest-point
 * search fused with the ranks, then word-at-a-time bit packing. Decoder:
 * word-at-a-time field reads, the record checks of §7.7 steps 1-5, exact
 * unranks, the integer WHT and one multiply (+ skeleton adds) per value.
 * Whenever a record check or an encoder check fails, the reference redoes
 * that vector, so the error class and any partial output are the reference's.
 */
#include "avx2_util.h"
#include "bitpack.h"
#include "lattice_avx2.h"

/* Largest LATTICE record: 32 + 16*64 + 16*25 + 128*51 bits (D4, D = 512,
 * Q = 4095, rank 64, 16 slots) = 998 bytes. */
#define MAX_RECORD_BYTES 1000u

/* The skeleton value of a 16-bit pattern (§7.3). */
static float skel_value(uint16_t h, uint8_t skel_dtype)
{
    return skel_dtype == KVL_DTYPE_BF16 ? kvl_bf16_to_f32(h) : kvl_f16_to_f32(h);
}

/* Index of the largest a[i] (ties: lowest index), a[i] >= 0 except taken
 * entries, which hold -1. Lane j keeps the first maximum among i = j mod 8
 * (strict >); across lanes the largest value, then the lowest index. */
static uint32_t argmax8(const float *a, uint32_t d)
{
    __m256 best = _mm256_loadu_ps(a);
    __m256i bi = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), ix = bi;
    const __m256i eight = _mm256_set1_epi32(8);
    float bv[8];
    int32_t bx[8];
    uint32_t i, j, r;
    for (i = 8u; i < d; i += 8u) {
        __m256 v = _mm256_loadu_ps(a + i);
        __m256 gt;
        ix = _mm256_add_epi32(ix, eight);
        gt = _mm256_cmp_ps(v, best, _CMP_GT_OQ);
        best = _mm256_blendv_ps(best, v, gt);
        bi = _mm256_blendv_epi8(bi, ix, _mm256_castps_si256(gt));
    }
    _mm256_storeu_ps(bv, best);
    _mm256_storeu_si256((__m256i *)bx, bi);
    r = 0;
    for (j = 1; j < 8u; j++)
        if (bv[j] > bv[r] || (bv[j] == bv[r] && bx[j] < bx[r]))
            r = j;
    return (uint32_t)bx[r];
}

static float max8(const float *a, uint32_t d)
{
    __m256 m = _mm256_loadu_ps(a);
    uint32_t i;
    for (i = 8u; i < d; i += 8u)
        m = _mm256_max_ps(m, _mm256_loadu_ps(a + i));
    return v_hmax(m);
}

/* §10.4 for one vector. Returns KVL_OK, or non-zero when the reference must
 * redo the vector (an encoder RANGE). */
static int encode_one(const kvl_layout *L, const kvl_lat_consts *C, const float *mean,
                      const float *basis, const float *x, float *y, float *z, int32_t *k,
                      uint8_t *rec)
{
    const uint32_t d = L->dim, K = L->p.outliers;
    const int32_t q = (int32_t)L->lat.q, unit = (int32_t)L->lat.unit;
    float *absy = z; /* |y| for the outlier search; z is written after it */
    uint64_t idx[KVL_LATTICE_MAX_DIM / 4u];
    uint16_t coef_bits[KVL_MAX_RANK];
    uint32_t taken[KVL_MAX_OUTLIERS], slot_idx[KVL_MAX_OUTLIERS];
    int32_t slot_corr[KVL_MAX_OUTLIERS];
    uint32_t n_taken = 0, n_slots = 0, i, j;
    float m, s = 0.0f;
    __m256i bad = _mm256_setzero_si256();
    bp_writer bw;

    /* §10.4.1 residual against the skeleton */
    if (mean) {
        for (i = 0; i < d; i += 8u)
            _mm256_storeu_ps(y + i, _mm256_sub_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(mean + i)));
    } else {
        memcpy(y, x, (size_t)d * sizeof(float));
    }
    for (j = 0; j < L->rank; j++) {
        const float *bj = basis + (size_t)j * d;
        float coef;
        __m256 cv;
        coef_bits[j] = kvl_skel_bits(kvl_avx2_dot8(y, bj, d), L->skel_dtype);
        coef = skel_value(coef_bits[j], L->skel_dtype);
        if (!kvl_f32_is_finite(coef))
            return 1;
        cv = _mm256_set1_ps(coef);
        for (i = 0; i < d; i += 8u)
            _mm256_storeu_ps(y + i, _mm256_sub_ps(_mm256_loadu_ps(y + i),
                                                  _mm256_mul_ps(cv, _mm256_loadu_ps(bj + i))));
    }
    /* §10.4.2 rotation; every value must stay finite */
    kvl_avx2_fwht_f32(y, d);
    for (i = 0; i < d; i += 8u) {
        __m256 v = _mm256_loadu_ps(y + i);
        bad = _mm256_or_si256(bad, v_nonfinite(v));
        _mm256_storeu_ps(absy + i, v_abs(v));
    }
    if (v_any(bad))
        return 1;
    /* outlier candidates: K argmax passes; taken entries become -1 */
    for (j = 0; j < K; j++) {
        uint32_t t = argmax8(absy, d);
        taken[j] = t;
        absy[t] = -1.0f;
    }
    n_taken = K;
    m = max8(absy, d);
    /* §10.4.2 step 6: no candidates when the rest has m == 0 or a scale that
     * underflows (erratum E-001) */
    if ((m == 0.0f || m / (float)(unit * q * (int32_t)d) == 0.0f) && K > 0u) {
        for (j = 0; j < K; j++)
            absy[taken[j]] = kvl_bits_to_f32(kvl_f32_to_bits(y[taken[j]]) & 0x7FFFFFFFu);
        n_taken = 0;
        m = max8(absy, d);
    }
    /* §10.4.3 scale and lattice-unit coordinates, §10.4.4 codes and ranks */
    if (m != 0.0f)
        s = m / (float)(unit * q * (int32_t)d);
    if (s == 0.0f) {
        memset(k, 0, (size_t)d * sizeof(int32_t));
        kvl_avx2_rank_c(C, k, d, idx);
        n_taken = 0;
    } else {
        const __m256 g = _mm256_set1_ps(s * (float)(unit * (int32_t)d));
        for (i = 0; i < d; i += 8u)
            _mm256_storeu_ps(z + i, _mm256_div_ps(_mm256_loadu_ps(y + i), g));
        kvl_avx2_closest_rank_c(C, z, d, n_taken ? k : 0, idx);
    }
    /* §10.4.4 step 11: corrections in increasing coordinate order */
    for (i = 1; i < n_taken; i++) {
        uint32_t t = taken[i];
        for (j = i; j > 0u && taken[j - 1u] > t; j--)
            taken[j] = taken[j - 1u];
        taken[j] = t;
    }
    for (j = 0; j < n_taken; j++) {
        float v, corr;
        i = taken[j];
        v = kvl_round_even(unit == 2 ? z[i] * 2.0f : z[i]);
        corr = v - (float)k[i];
        if (corr > (float)KVL_OUTLIER_CORR_MAX)
            corr = (float)KVL_OUTLIER_CORR_MAX;
        if (corr < -(float)KVL_OUTLIER_CORR_MAX)
            corr = -(float)KVL_OUTLIER_CORR_MAX;
        if (corr != 0.0f) {
            slot_idx[n_slots] = i;
            slot_corr[n_slots] = (int32_t)corr;
            n_slots++;
        }
    }
    /* §10.4.5 the record (§7.1) */
    bp_init(&bw, rec);
    bp_put(&bw, kvl_f32_to_bits(s), 32);
    for (j = 0; j < L->rank; j++)
        bp_put(&bw, coef_bits[j], 16);
    for (j = 0; j < K; j++) {
        if (j < n_slots) {
            bp_put(&bw, slot_idx[j], L->index_bits);
            bp_put(&bw, (uint16_t)(slot_corr[j] & 0xFFFF), 16);
        } else {
            bp_put(&bw, 0, L->slot_bits);
        }
    }
    for (j = 0; j < L->n_blocks; j++)
        bp_put(&bw, idx[j], L->lat.width);
    bp_finish(&bw);
    return KVL_OK;
}

int kvl_avx2_lattice_encode_records(const kvl_layout *L, const float *mean, const float *basis,
                                    const float *xs, uint32_t n, void *scratch, uint8_t *records)
{
    const uint32_t d = L->dim;
    float *y = (float *)scratch, *z = y + d;
    int32_t *k = (int32_t *)(z + d);
    kvl_lat_consts C;
    uint32_t v;
    kvl_avx2_lat_consts(&L->lat, &C);
    for (v = 0; v < n; v++) {
        const float *x = xs + (size_t)v * d;
        uint8_t *rec = records + (size_t)v * L->record_bytes;
        if (encode_one(L, &C, mean, basis, x, y, z, k, rec) != KVL_OK) {
            int st;
            memset(rec, 0, L->record_bytes);
            st = kvl_lattice_encode_vector(L, mean, basis, x, scratch, rec);
            if (st != KVL_OK)
                return st;
        }
    }
    return KVL_OK;
}

/* §7.7 steps 1-5 on a record readable 9 bytes past its end: s, coefficients,
 * canonical slots, block indices (into idx unless idx is NULL; not yet
 * range-checked), padding. Returns 0 when a check fails. */
static inline int read_record(const kvl_layout *L, const uint8_t *rec, float *s, float *coef,
                              uint32_t *slot_idx, int32_t *slot_corr, uint32_t *n_slots, uint64_t *idx)
{
    const uint32_t K = L->p.outliers, w = L->lat.width;
    uint64_t pos = 32;
    uint32_t sbits = (uint32_t)bp_get(rec, 0, 32), j, used = 0;
    int empty_seen = 0;
    if ((sbits >> 31) != 0u || (sbits & 0x7F800000u) == 0x7F800000u)
        return 0;
    *s = kvl_bits_to_f32(sbits);
    for (j = 0; j < L->rank; j++, pos += 16u) {
        coef[j] = skel_value((uint16_t)bp_get(rec, pos, 16), L->skel_dtype);
        if (!kvl_f32_is_finite(coef[j]))
            return 0;
    }
    for (j = 0; j < K; j++, pos += L->slot_bits) {
        uint32_t ix = (uint32_t)bp_get(rec, pos, L->index_bits);
        uint32_t raw = (uint32_t)bp_get(rec, pos + L->index_bits, 16);
        int32_t corr = raw >= 0x8000u ? (int32_t)raw - 0x10000 : (int32_t)raw;
        if (corr == 0) {
            if (ix != 0u)
                return 0;
            empty_seen = 1;
            continue;
        }
        if (empty_seen || corr < -KVL_OUTLIER_CORR_MAX || (used > 0u && ix <= slot_idx[used - 1u]))
            return 0;
        slot_idx[used] = ix;
        slot_corr[used] = corr;
        used++;
    }
    *n_slots = used;
    if (!idx) {
        /* indices are read by the unrank itself */
    } else if (w <= 56u) {
        /* one unaligned 8-byte load per field (a 4-field gather measured no
         * faster on AMD, where gathers are microcoded) */
        const uint64_t mask = (UINT64_C(1) << w) - 1u;
        j = 0;
        for (; j < L->n_blocks; j++, pos += w) {
            uint64_t t;
            memcpy(&t, rec + (pos >> 3), 8);
            idx[j] = (t >> (pos & 7u)) & mask;
        }
    } else {
        for (j = 0; j < L->n_blocks; j++, pos += w)
            idx[j] = bp_get(rec, pos, w);
    }
    if (L->record_bytes * 8u > L->record_bits &&
        bp_get(rec, L->record_bits, L->record_bytes * 8u - L->record_bits) != 0u)
        return 0;
    return 1;
}

/* Record v of n is read in place when 16 bytes of later records follow it,
 * else from a zero-padded copy. */
static const uint8_t *readable(const kvl_layout *L, const uint8_t *records, uint32_t v, uint32_t n,
                               uint8_t *copy)
{
    const uint8_t *rec = records + (size_t)v * L->record_bytes;
    if ((size_t)(v + 1u) * L->record_bytes + 16u <= (size_t)n * L->record_bytes)
        return rec;
    memset(copy + L->record_bytes, 0, 16);
    memcpy(copy, rec, L->record_bytes);
    return copy;
}

int kvl_avx2_lattice_validate_records(const kvl_layout *L, const uint8_t *records, uint32_t n)
{
    uint8_t copy[MAX_RECORD_BYTES + 16u];
    uint64_t idx[KVL_LATTICE_MAX_DIM / 4u];
    float coef[KVL_MAX_RANK], s;
    uint32_t slot_idx[KVL_MAX_OUTLIERS], n_slots, v, j;
    int32_t slot_corr[KVL_MAX_OUTLIERS];
    const uint64_t count = L->lat.count;
    for (v = 0; v < n; v++) {
        const uint8_t *rec = readable(L, records, v, n, copy);
        int ok = read_record(L, rec, &s, coef, slot_idx, slot_corr, &n_slots, idx);
        for (j = 0; ok && j < L->n_blocks; j++)
            ok = idx[j] < count;
        if (!ok) {
            int st = kvl_lattice_decode_vector(L, 0, 0, records + (size_t)v * L->record_bytes, 0);
            if (st != KVL_OK)
                return st;
        }
    }
    return KVL_OK;
}

/* Integer WHT stages h = 8 .. 64 over 16 registers of 8 values (D = 128),
 * written out so that the compiler keeps everything in registers. */
#define BF(a, b)                                  \
    do {                                          \
        __m256i t_ = r[a];                        \
        r[a] = _mm256_add_epi32(t_, r[b]);        \
        r[b] = _mm256_sub_epi32(t_, r[b]);        \
    } while (0)
static inline void wht_regs16(__m256i *r)
{
    BF(0, 1); BF(2, 3); BF(4, 5); BF(6, 7); BF(8, 9); BF(10, 11); BF(12, 13); BF(14, 15);
    BF(0, 2); BF(1, 3); BF(4, 6); BF(5, 7); BF(8, 10); BF(9, 11); BF(12, 14); BF(13, 15);
    BF(0, 4); BF(1, 5); BF(2, 6); BF(3, 7); BF(8, 12); BF(9, 13); BF(10, 14); BF(11, 15);
    BF(0, 8); BF(1, 9); BF(2, 10); BF(3, 11); BF(4, 12); BF(5, 13); BF(6, 14); BF(7, 15);
}
#undef BF

/* §7.7 steps 7-9 for one vector: the integer WHT stages from h0 on (the
 * earlier ones were done by the unrank), one multiply, the skeleton adds in
 * order, and the output conversion. nv = d / 8 registers; called with a
 * constant nv the whole vector stays in registers. The output is stored only
 * when every value is finite in the output dtype (one max-|x| test on the
 * bit patterns: f32 < Inf, f16 < 65520, bf16 < 0x7F7F8000 round to finite);
 * otherwise the groups are stored one by one up to the reference's RANGE. */
static inline int decode_values(const kvl_layout *L, const int32_t *k, uint32_t nv, uint32_t h0, float s,
                                const float *coef, const uint8_t *mean, const uint8_t *basis,
                                uint32_t out_dtype, void *out, size_t base)
{
    const uint32_t d = nv * 8u;
    const __m256 sv = _mm256_set1_ps(s);
    const __m256i absm = _mm256_set1_epi32(0x7FFFFFFF);
    __m256i r[KVL_LATTICE_MAX_DIM / 8u], mx = _mm256_setzero_si256(), lim;
    __m256 x[KVL_LATTICE_MAX_DIM / 8u];
    uint8_t *o = (uint8_t *)out + base * kvl_dtype_size(out_dtype);
    uint32_t i, j, h, l;
    for (i = 0; i < nv; i++)
        r[i] = _mm256_loadu_si256((const __m256i *)(k + 8u * i));
    if (h0 < 8u)
        for (i = 0; i < nv; i++)
            r[i] = h0 == 4u ? wht8_i32_h4(r[i]) : wht8_i32(r[i]);
    if (nv == 16u) {
        wht_regs16(r);
    } else {
        for (h = 1; h < nv; h *= 2u) {
            for (i = 0; i < nv; i += 2u * h) {
                for (j = i; j < i + h; j++) {
                    __m256i a = r[j], b = r[j + h];
                    r[j] = _mm256_add_epi32(a, b);
                    r[j + h] = _mm256_sub_epi32(a, b);
                }
            }
        }
    }
    if (!mean && L->rank == 0u) {
        for (i = 0; i < nv; i++) {
            x[i] = _mm256_mul_ps(_mm256_cvtepi32_ps(r[i]), sv);
            mx = _mm256_max_epi32(mx, _mm256_and_si256(_mm256_castps_si256(x[i]), absm));
        }
    } else {
        for (i = 0; i < nv; i++) {
            x[i] = _mm256_mul_ps(_mm256_cvtepi32_ps(r[i]), sv);
            if (mean)
                x[i] = _mm256_add_ps(x[i], v_load16_as_f32(mean + 16u * i, L->skel_dtype));
            for (l = 0; l < L->rank; l++) {
                __m256 b = v_load16_as_f32(basis + 2u * ((size_t)l * d + 8u * i), L->skel_dtype);
                x[i] = _mm256_add_ps(x[i], _mm256_mul_ps(_mm256_set1_ps(coef[l]), b));
            }
            mx = _mm256_max_epi32(mx, _mm256_and_si256(_mm256_castps_si256(x[i]), absm));
        }
    }
    lim = _mm256_set1_epi32(out_dtype == KVL_DTYPE_F32 ? 0x7F800000 : out_dtype == KVL_DTYPE_F16 ? 0x477FF000
                                                                                              : 0x7F7F8000);
    if (v_any(_mm256_cmpgt_epi32(mx, _mm256_sub_epi32(lim, _mm256_set1_epi32(1))))) {
        for (i = 0; i < nv; i++)
            if (v_store8(x[i], out_dtype, o + 8u * i * kvl_dtype_size(out_dtype)))
                return store_group_ref(x[i], 8u, out_dtype, out, base + 8u * i);
        return KVL_OK; /* not reached: some group fails */
    }
    if (out_dtype == KVL_DTYPE_F32) {
        for (i = 0; i < nv; i++)
            _mm256_storeu_ps((float *)o + 8u * i, x[i]);
    } else if (out_dtype == KVL_DTYPE_F16) {
        for (i = 0; i < nv; i++)
            _mm_storeu_si128((__m128i *)(o + 16u * i), v_f16_rne(x[i]));
    } else if (nv == 1u) {
        _mm_storeu_si128((__m128i *)o, v_pack_u16(v_bf16_rne32(x[0])));
    } else {
        for (i = 0; i < nv; i += 2u) {
            __m256i p = _mm256_packus_epi32(v_bf16_rne32(x[i]), v_bf16_rne32(x[i + 1u]));
            _mm256_storeu_si256((__m256i *)(o + 16u * i), _mm256_permute4x64_epi64(p, 0xD8));
        }
    }
    return KVL_OK;
}

int kvl_avx2_lattice_decode_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                                    const uint8_t *records, uint32_t n, uint32_t out_dtype, void *out)
{
    const uint32_t d = L->dim;
    uint8_t copy[MAX_RECORD_BYTES + 16u];
    uint64_t idx[KVL_LATTICE_MAX_DIM / 4u];
    int32_t k[KVL_LATTICE_MAX_DIM];
    float coef[KVL_MAX_RANK], s;
    uint32_t slot_idx[KVL_MAX_OUTLIERS], n_slots, v, j;
    int32_t slot_corr[KVL_MAX_OUTLIERS];
    int st, bits_path;
    uint64_t blocks_at = 32u + 16u * (uint64_t)L->rank + (uint64_t)L->p.outliers * L->slot_bits;
    kvl_lat_consts C;
    kvl_avx2_lat_consts(&L->lat, &C);
    bits_path = C.fast_unrank && L->lat.width <= 56u;
    for (v = 0; v < n; v++) {
        const uint8_t *rec = readable(L, records, v, n, copy);
        size_t base = (size_t)v * d;
        uint32_t h0 = 1;
        int ok = read_record(L, rec, &s, coef, slot_idx, slot_corr, &n_slots, bits_path ? 0 : idx);
        if (ok && bits_path && n_slots > 0u) /* corrections first: through idx[] */
            ok = read_record(L, rec, &s, coef, slot_idx, slot_corr, &n_slots, idx);
        /* without corrections the unrank also does the first WHT stages */
        if (ok && n_slots == 0u && bits_path) {
            ok = kvl_avx2_unrank_wht_bits(&C, rec, blocks_at, L->lat.width, d, k) == KVL_OK;
            h0 = 8u;
        } else if (ok) {
            ok = (n_slots ? kvl_avx2_unrank_c(&C, idx, d, k) : kvl_avx2_unrank_wht_c(&C, idx, d, k, &h0)) == KVL_OK;
        }
        if (!ok) {
            st = redo_ref_decode(L, mean, basis, records + (size_t)v * L->record_bytes, out_dtype, out, base);
            if (st != KVL_OK)
                return st;
            continue;
        }
        /* §7.7 steps 6-8: corrections, integer WHT, one multiply, skeleton */
        for (j = 0; j < n_slots; j++)
            k[slot_idx[j]] += slot_corr[j];
        /* D = 128 (the common head size) gets a register-resident copy */
        st = d == 128u ? decode_values(L, k, 16u, h0, s, coef, mean, basis, out_dtype, out, base)
                       : decode_values(L, k, d / 8u, h0, s, coef, mean, basis, out_dtype, out, base);
        if (st != KVL_OK)
            return st;
    }
    return KVL_OK;
}
