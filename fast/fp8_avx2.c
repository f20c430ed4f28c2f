/* fp8_avx2.c -- FP8 records (spec §6.2, §6.3, §10.5) with AVX2 + F16C.
 *
 * Encode: per block amax (max of |x| is order-free), the scale by the scalar
 * rules of §6.3, then 8 codes per step: a correctly rounded division x / s and
 * f32_to_e4m3 (§2.2.3) done on the bit pattern. Decode: e4m3 -> binary32 via
 * the exact F16C widening, then the one binary32 multiply by s. Any record
 * that fails a check (or an encoder RANGE) is redone by the reference, so
 * error classes and partial outputs are the reference's. */
#include "avx2_util.h"

#define FP8_MAX 448.0f

/* §6.3 UE8M0: biased exponent of the smallest power of two >= t (as the
 * reference's ue8m0_from_target). */
static uint32_t ue8m0_from_target(float t)
{
    uint32_t bits = kvl_f32_to_bits(t);
    uint32_t ef = bits >> 23, mant = bits & 0x7FFFFFu;
    int32_t e;
    if (ef == 0u)
        return mant <= 0x400000u ? 0u : 1u;
    e = (int32_t)ef - 127 + (mant != 0u ? 1 : 0);
    if (e < -127)
        e = -127;
    return (uint32_t)(e + 127);
}

static float ue8m0_value(uint32_t E)
{
    return E == 0u ? kvl_bits_to_f32(0x00400000u) : kvl_bits_to_f32(E << 23);
}

/* §2.2.3 f32_to_e4m3 for 8 finite-or-Inf lanes (never NaN here): saturate the
 * magnitude at 448 (every value above rounds to 448 or to 480 -> 448), then
 * round to 3 mantissa bits: normal targets (|q| >= 2^-6) by RNE on the
 * pattern, subnormal targets (quantum 2^-9) by rounding |q| * 2^9 (exact
 * scaling) to an integer, ties to even. */
static inline __m256i e4m3_rne(__m256 q)
{
    __m256i sign = _mm256_srli_epi32(_mm256_and_si256(_mm256_castps_si256(q), _mm256_set1_epi32((int)0x80000000u)), 24);
    __m256 a = _mm256_min_ps(v_abs(q), _mm256_set1_ps(FP8_MAX));
    __m256i ab = _mm256_castps_si256(a);
    __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(ab, 20), _mm256_set1_epi32(1));
    __m256i nrm = _mm256_srli_epi32(_mm256_add_epi32(ab, _mm256_add_epi32(_mm256_set1_epi32(0x7FFFF), lsb)), 20);
    __m256i sub = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(a, _mm256_set1_ps(512.0f)),
                                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    __m256i is_nrm = _mm256_cmpgt_epi32(ab, _mm256_set1_epi32(0x3C7FFFFF)); /* |q| >= 2^-6 */
    nrm = _mm256_sub_epi32(nrm, _mm256_set1_epi32(960));                   /* (127 - 7) << 3 */
    return _mm256_or_si256(_mm256_blendv_epi8(sub, nrm, is_nrm), sign);
}

/* 32 codes (4 x 8 lanes, each < 256) -> 32 bytes in order. */
static inline __m256i pack_codes32(__m256i c0, __m256i c1, __m256i c2, __m256i c3)
{
    __m256i p01 = _mm256_packs_epi32(c0, c1); /* c0lo c1lo | c0hi c1hi (16-bit) */
    __m256i p23 = _mm256_packs_epi32(c2, c3);
    __m256i b = _mm256_packus_epi16(p01, p23); /* c0lo c1lo c2lo c3lo | c0hi c1hi c2hi c3hi */
    return _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

/* One vector; KVL_OK, or non-zero when the reference must redo it. */
static int fp8_encode_one(const kvl_layout *L, const float *x, uint8_t *rec)
{
    const uint32_t B = L->p.fp8_block, sb = L->scale_bytes;
    uint8_t *codes = rec + (size_t)L->fp8_blocks * sb;
    uint32_t blk, i;
    for (blk = 0; blk < L->fp8_blocks; blk++) {
        const float *xb = x + (size_t)blk * B;
        __m256 m = _mm256_setzero_ps();
        float amax, s;
        for (i = 0; i < B; i += 8u)
            m = _mm256_max_ps(m, v_abs(_mm256_loadu_ps(xb + i)));
        amax = v_hmax(m);
        if (L->p.fp8_scale == KVL_FP8_SCALE_F32) {
            uint32_t sbits;
            s = amax / FP8_MAX;
            sbits = kvl_f32_to_bits(s);
            memcpy(rec + 4u * blk, &sbits, 4);
        } else if (L->p.fp8_scale == KVL_FP8_SCALE_UE8M0) {
            uint32_t E = ue8m0_from_target(amax / FP8_MAX);
            s = amax == 0.0f ? 0.0f : ue8m0_value(E);
            rec[blk] = (uint8_t)(amax == 0.0f ? 0u : E);
        } else {
            uint16_t h = kvl_f32_to_f16_up(amax / FP8_MAX);
            if (h == 0x7C00u)
                return 1; /* RANGE */
            s = kvl_f16_to_f32(h);
            rec[2u * blk] = (uint8_t)(h & 0xFFu);
            rec[2u * blk + 1u] = (uint8_t)(h >> 8);
        }
        if (s == 0.0f) {
            /* every |x| is 0: the code is the sign bit (-0 -> 0x80) */
            for (i = 0; i < B; i++)
                codes[(size_t)blk * B + i] = (uint8_t)((kvl_f32_to_bits(xb[i]) >> 24) & 0x80u);
            continue;
        }
        {
            const __m256 sv = _mm256_set1_ps(s);
            for (i = 0; i < B; i += 32u) {
                __m256i c0 = e4m3_rne(_mm256_div_ps(_mm256_loadu_ps(xb + i), sv));
                __m256i c1 = e4m3_rne(_mm256_div_ps(_mm256_loadu_ps(xb + i + 8u), sv));
                __m256i c2 = e4m3_rne(_mm256_div_ps(_mm256_loadu_ps(xb + i + 16u), sv));
                __m256i c3 = e4m3_rne(_mm256_div_ps(_mm256_loadu_ps(xb + i + 24u), sv));
                _mm256_storeu_si256((__m256i *)(codes + (size_t)blk * B + i), pack_codes32(c0, c1, c2, c3));
            }
        }
    }
    if (L->p.fp8_split_rope) {
        /* the 64 tail values as bf16 (RANGE if one rounds to Inf) */
        uint8_t *tail = codes + L->fp8_dims;
        for (i = 0; i < 64u; i += 8u)
            if (v_store8(_mm256_loadu_ps(x + L->fp8_dims + i), KVL_DTYPE_BF16, tail + 2u * i))
                return 1;
    }
    return 0;
}

int kvl_avx2_fp8_encode_records(const kvl_layout *L, const float *xs, uint32_t n, uint8_t *records)
{
    uint32_t v;
    for (v = 0; v < n; v++) {
        const float *x = xs + (size_t)v * L->dim;
        uint8_t *rec = records + (size_t)v * L->record_bytes;
        if (fp8_encode_one(L, x, rec) != 0) {
            int st;
            memset(rec, 0, L->record_bytes);
            st = kvl_fp8_encode_vector(L, x, rec);
            if (st != KVL_OK)
                return st;
        }
    }
    return KVL_OK;
}

/* Block scale s (§6.3) of a record whose checks passed. */
static float scale_of(const kvl_layout *L, const uint8_t *rec, uint32_t blk)
{
    if (L->p.fp8_scale == KVL_FP8_SCALE_F32) {
        uint32_t b;
        memcpy(&b, rec + 4u * blk, 4);
        return kvl_bits_to_f32(b);
    }
    if (L->p.fp8_scale == KVL_FP8_SCALE_UE8M0)
        return ue8m0_value(rec[blk]);
    return kvl_f16_to_f32((uint16_t)(rec[2u * blk] | (rec[2u * blk + 1u] << 8)));
}

/* Record checks (§6.2, §6.3): scales valid, no NaN code, finite tail. */
static int fp8_record_ok(const kvl_layout *L, const uint8_t *rec)
{
    const uint8_t *codes = rec + (size_t)L->fp8_blocks * L->scale_bytes;
    const __m256i m7f = _mm256_set1_epi8(0x7F);
    __m256i bad = _mm256_setzero_si256();
    uint32_t blk, i;
    for (blk = 0; blk < L->fp8_blocks; blk++) {
        if (L->p.fp8_scale == KVL_FP8_SCALE_F32) {
            uint32_t b;
            memcpy(&b, rec + 4u * blk, 4);
            if ((b >> 31) != 0u || (b & 0x7F800000u) == 0x7F800000u)
                return 0;
        } else if (L->p.fp8_scale == KVL_FP8_SCALE_UE8M0) {
            if (rec[blk] == 0xFFu)
                return 0;
        } else {
            uint32_t h = (uint32_t)(rec[2u * blk] | (rec[2u * blk + 1u] << 8));
            if ((h >> 15) != 0u || (h & 0x7C00u) == 0x7C00u)
                return 0;
        }
    }
    /* fp8_dims is a multiple of the block size, so of 32 */
    for (i = 0; i < L->fp8_dims; i += 32u) {
        __m256i c = _mm256_loadu_si256((const __m256i *)(codes + i));
        bad = _mm256_or_si256(bad, _mm256_cmpeq_epi8(_mm256_and_si256(c, m7f), m7f));
    }
    if (L->p.fp8_split_rope) {
        for (i = 0; i < 64u; i += 8u)
            bad = _mm256_or_si256(bad, v_nonfinite(v_load16_as_f32(codes + L->fp8_dims + 2u * i, KVL_DTYPE_BF16)));
    }
    return !v_any(bad);
}

int kvl_avx2_fp8_validate_records(const kvl_layout *L, const uint8_t *records, uint32_t n)
{
    uint32_t v;
    for (v = 0; v < n; v++) {
        const uint8_t *rec = records + (size_t)v * L->record_bytes;
        if (!fp8_record_ok(L, rec)) {
            int st = kvl_fp8_decode_vector(L, rec, 0);
            if (st != KVL_OK)
                return st;
        }
    }
    return KVL_OK;
}

/* 8 codes -> their exact binary32 values: an E4M3 code with its bits placed
 * as a binary16 pattern ((c & 0x7F) << 7, sign at bit 15) is the E4M3 value
 * times 2^-8 (exponent bias 15 vs 7; E4M3 subnormals land on binary16
 * subnormals), and the F16C widening and the scaling by 2^8 are exact. */
static inline __m256 e4m3_to_f32(const uint8_t *c)
{
    __m128i b = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)c));
    __m128i h = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(b, _mm_set1_epi16(0x80)), 8),
                             _mm_slli_epi16(_mm_and_si128(b, _mm_set1_epi16(0x7F)), 7));
    return _mm256_mul_ps(_mm256_cvtph_ps(h), _mm256_set1_ps(256.0f));
}

int kvl_avx2_fp8_decode_records(const kvl_layout *L, const uint8_t *records, uint32_t n,
                                uint32_t out_dtype, void *out)
{
    const uint32_t B = L->p.fp8_block, d = L->dim;
    const size_t os = kvl_dtype_size(out_dtype);
    uint8_t *o = (uint8_t *)out;
    uint32_t v, blk, i;
    for (v = 0; v < n; v++) {
        const uint8_t *rec = records + (size_t)v * L->record_bytes;
        const uint8_t *codes = rec + (size_t)L->fp8_blocks * L->scale_bytes;
        size_t base = (size_t)v * d;
        if (!fp8_record_ok(L, rec)) {
            int st = redo_ref_decode(L, 0, 0, rec, out_dtype, out, base);
            if (st != KVL_OK)
                return st;
            continue;
        }
        for (blk = 0; blk < L->fp8_blocks; blk++) {
            const __m256 sv = _mm256_set1_ps(scale_of(L, rec, blk));
            for (i = blk * B; i < (blk + 1u) * B; i += 8u) {
                __m256 x = _mm256_mul_ps(e4m3_to_f32(codes + i), sv); /* one rounding (§6.2) */
                if (v_store8(x, out_dtype, o + (base + i) * os))
                    return store_group_ref(x, 8u, out_dtype, out, base + i);
            }
        }
        if (L->p.fp8_split_rope) {
            for (i = 0; i < 64u; i += 8u) {
                __m256 x = v_load16_as_f32(codes + L->fp8_dims + 2u * i, KVL_DTYPE_BF16);
                size_t at = base + L->fp8_dims + i;
                if (v_store8(x, out_dtype, o + at * os))
                    return store_group_ref(x, 8u, out_dtype, out, at);
            }
        }
    }
    return KVL_OK;
}
