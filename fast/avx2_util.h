/*
 * avx2_util.h -- small AVX2/F16C helpers shared by the fast/ AVX2 files
 * (compiled with -mavx2 -mf16c -mno-fma). Every helper is an exact integer or
 * single-rounding operation, bit-identical to the scalar function it names.
 */
#ifndef KVL_AVX2_UTIL_H
#define KVL_AVX2_UTIL_H

#include <immintrin.h>
#include <string.h>

#include "fast.h"

/* Lanes whose binary32 exponent field is all ones (Inf/NaN; spec §2.1 rule 7). */
static inline __m256i v_nonfinite(__m256 v)
{
    const __m256i e = _mm256_set1_epi32(0x7F800000);
    return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_castps_si256(v), e), e);
}

/* abs(x): clear the sign bit (spec §2.1 rule 6). */
static inline __m256 v_abs(__m256 v)
{
    return _mm256_castsi256_ps(_mm256_and_si256(_mm256_castps_si256(v), _mm256_set1_epi32(0x7FFFFFFF)));
}

/* f32 -> bf16, RNE (kvl_f32_to_bf16) for finite lanes: bf16 shares the binary32
 * exponent, so rounding the low 16 bits of the pattern is round_magnitude()
 * (subnormals and the carry into Inf included). Returns the 8 codes as
 * 32-bit lanes (< 2^16). Non-finite lanes give garbage; callers test them. */
static inline __m256i v_bf16_rne32(__m256 v)
{
    __m256i u = _mm256_castps_si256(v);
    __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    u = _mm256_add_epi32(u, _mm256_add_epi32(_mm256_set1_epi32(0x7FFF), lsb));
    return _mm256_srli_epi32(u, 16);
}

/* 8 lanes of < 2^16 -> 8 uint16. */
static inline __m128i v_pack_u16(__m256i v)
{
    return _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

/* f32 -> f16, RNE (kvl_f32_to_f16): the F16C conversion with an explicit
 * round-to-nearest-even immediate is IEEE binary16 rounding (subnormals,
 * overflow to Inf). NaN payloads differ from the reference, but a NaN is
 * always rejected by the callers before it is stored. */
static inline __m128i v_f16_rne(__m256 v)
{
    return _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT);
}

/* 16-bit values (f16 or bf16 bit patterns) -> binary32, exact. */
static inline __m256 v_load16_as_f32(const void *p, uint32_t dtype)
{
    __m128i h = _mm_loadu_si128((const __m128i *)p);
    if (dtype == KVL_DTYPE_F16)
        return _mm256_cvtph_ps(h);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

/* 8 values of a kvl_dtype array -> binary32, exact. */
static inline __m256 v_load8(const void *p, uint32_t dtype)
{
    if (dtype == KVL_DTYPE_F32)
        return _mm256_loadu_ps((const float *)p);
    return v_load16_as_f32(p, dtype);
}

/* Store 8 binary32 values as `dtype` (spec §2.2.5) if every one is finite in
 * that dtype and return 0; otherwise store nothing and return non-zero (the
 * caller redoes the group with the scalar reference to get the exact prefix
 * and KVL_ERR_RANGE). */
static inline int v_store8(__m256 v, uint32_t dtype, void *dst)
{
    if (dtype == KVL_DTYPE_F32) {
        if (_mm256_movemask_ps(_mm256_castsi256_ps(v_nonfinite(v))))
            return 1;
        _mm256_storeu_ps((float *)dst, v);
    } else if (dtype == KVL_DTYPE_F16) {
        __m128i h = v_f16_rne(v);
        const __m128i e = _mm_set1_epi16(0x7C00);
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(h, e), e)))
            return 1;
        _mm_storeu_si128((__m128i *)dst, h);
    } else {
        __m128i h = v_pack_u16(v_bf16_rne32(v));
        const __m128i e = _mm_set1_epi16(0x7F80);
        /* a non-finite input keeps an all-ones exponent after rounding,
         * except NaN patterns near 0xFFFFFFFF: test the input too */
        if (_mm256_movemask_ps(_mm256_castsi256_ps(v_nonfinite(v))) ||
            _mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(h, e), e)))
            return 1;
        _mm_storeu_si128((__m128i *)dst, h);
    }
    return 0;
}

/* The scalar reference for one group of values that v_store8 refused:
 * stores the prefix before the first failing value; returns KVL_ERR_RANGE. */
static inline int store_group_ref(__m256 v, uint32_t cnt, uint32_t dtype, void *out, size_t base)
{
    float t[8];
    uint32_t j;
    int st = KVL_OK;
    _mm256_storeu_ps(t, v);
    for (j = 0; st == KVL_OK && j < cnt; j++)
        st = kvl_store_from_f32(out, dtype, base + j, t[j]);
    return st;
}

/* Redo vector `base / dim` (record rec) with the reference decoder, which
 * reports the first failing check and writes exactly what the reference
 * writes. A fast check never fails where the reference passes; if it did,
 * the reference result would simply be used. */
static inline int redo_ref_decode(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                                  const uint8_t *rec, uint32_t out_dtype, void *out, size_t base)
{
    return kvl_ref_decode_records(L, mean, basis, rec, 1u, out_dtype,
                                  (uint8_t *)out + base * kvl_dtype_size(out_dtype));
}

/* Integer stages h = 1, 2, 4: exact, so sign-flip and add is enough. */
static inline __m256i wht8_i32(__m256i x)
{
    const __m256i s1 = _mm256_setr_epi32(1, -1, 1, -1, 1, -1, 1, -1);
    const __m256i s2 = _mm256_setr_epi32(1, 1, -1, -1, 1, 1, -1, -1);
    const __m256i s4 = _mm256_setr_epi32(1, 1, 1, 1, -1, -1, -1, -1);
    x = _mm256_add_epi32(_mm256_shuffle_epi32(x, 0xB1), _mm256_sign_epi32(x, s1));
    x = _mm256_add_epi32(_mm256_shuffle_epi32(x, 0x4E), _mm256_sign_epi32(x, s2));
    return _mm256_add_epi32(_mm256_permute2x128_si256(x, x, 0x01), _mm256_sign_epi32(x, s4));
}

/* Stage h = 4 only (after the unrank did h = 1, 2 inside D4 blocks). */
static inline __m256i wht8_i32_h4(__m256i x)
{
    const __m256i s4 = _mm256_setr_epi32(1, 1, 1, 1, -1, -1, -1, -1);
    return _mm256_add_epi32(_mm256_permute2x128_si256(x, x, 0x01), _mm256_sign_epi32(x, s4));
}

/* Horizontal max of 8 non-negative floats. */
static inline float v_hmax(__m256 v)
{
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}

/* Any lane of a mask set? */
static inline int v_any(__m256i m)
{
    return !_mm256_testz_si256(m, m);
}

/* u64 lanes < 2^52 <-> double, exact (AVX2 has no 64-bit integer conversion). */
static inline __m256d v_u52_to_pd(__m256i v)
{
    const __m256i magic = _mm256_set1_epi64x(0x4330000000000000LL); /* 2^52 */
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(v, magic)), _mm256_castsi256_pd(magic));
}
static inline __m256i v_pd_to_u52(__m256d d)
{
    const __m256d magic = _mm256_set1_pd(4503599627370496.0); /* 2^52 */
    return _mm256_xor_si256(_mm256_castpd_si256(_mm256_add_pd(d, magic)), _mm256_castpd_si256(magic));
}

#endif /* KVL_AVX2_UTIL_H */
