/* wht_avx2.c -- the pinned reduction dot8 (spec §2.3) and the Walsh-Hadamard
 * transforms (§7.2) on 8-lane AVX2 registers.
 *
 * dot8: lane j of one register is the reference's accumulator acc[j], so the
 * additions happen in exactly the reference order; the final combine is the
 * spec's ((a0+a4)+(a2+a6))+((a1+a5)+(a3+a7)).
 *
 * fwht: each stage computes v[j] + v[j+h] and v[j] - v[j+h] from the previous
 * stage only, so any grouping of the butterflies of one stage is the same
 * computation; stages stay in the pinned order h = 1, 2, 4, ... Stages
 * h = 1, 2, 4 mix lanes of one register (and are done register by register),
 * stages h >= 8 combine whole registers. Sums are a + b and differences a - b
 * with the reference's operand order, so even NaN payloads match. */
#include "avx2_util.h"

float kvl_avx2_dot8(const float *a, const float *b, uint32_t n)
{
    __m256 acc = _mm256_mul_ps(_mm256_loadu_ps(a), _mm256_loadu_ps(b));
    __m128 s, t;
    uint32_t i;
    for (i = 8u; i < n; i += 8u)
        acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    /* (acc0+acc4, acc1+acc5, acc2+acc6, acc3+acc7) */
    s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    /* (s04+s26, s15+s37) */
    t = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

/* Stages h = 1, 2, 4 inside one register of 8 floats. */
static inline __m256 wht8_f32(__m256 x)
{
    __m256 sw;
    sw = _mm256_permute_ps(x, 0xB1); /* x[j ^ 1] */
    x = _mm256_blend_ps(_mm256_add_ps(x, sw), _mm256_sub_ps(sw, x), 0xAA);
    sw = _mm256_permute_ps(x, 0x4E); /* x[j ^ 2] */
    x = _mm256_blend_ps(_mm256_add_ps(x, sw), _mm256_sub_ps(sw, x), 0xCC);
    sw = _mm256_permute2f128_ps(x, x, 0x01); /* x[j ^ 4] */
    return _mm256_blend_ps(_mm256_add_ps(x, sw), _mm256_sub_ps(sw, x), 0xF0);
}

void kvl_avx2_fwht_f32(float *v, uint32_t d)
{
    uint32_t h, i, j;
    if (d < 8u) {
        kvl_fwht_f32(v, d);
        return;
    }
    for (i = 0; i < d; i += 8u)
        _mm256_storeu_ps(v + i, wht8_f32(_mm256_loadu_ps(v + i)));
    for (h = 8u; h < d; h *= 2u) {
        for (i = 0; i < d; i += 2u * h) {
            for (j = i; j < i + h; j += 8u) {
                __m256 a = _mm256_loadu_ps(v + j), b = _mm256_loadu_ps(v + j + h);
                _mm256_storeu_ps(v + j, _mm256_add_ps(a, b));
                _mm256_storeu_ps(v + j + h, _mm256_sub_ps(a, b));
            }
        }
    }
}

void kvl_avx2_fwht_i32(int32_t *v, uint32_t d)
{
    kvl_avx2_fwht_i32_from(v, d, 1u);
}

/* Stages h0, 2 h0, ..., d/2 (h0 in {1, 4, 8}); integer stages commute, so
 * stages done earlier elsewhere (kvl_avx2_unrank_wht_c) may be skipped. */
void kvl_avx2_fwht_i32_from(int32_t *v, uint32_t d, uint32_t h0)
{
    uint32_t h, i, j;
    if (d < 8u) {
        kvl_fwht_i32(v, d);
        return;
    }
    if (h0 < 8u) {
        for (i = 0; i < d; i += 8u) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(v + i));
            _mm256_storeu_si256((__m256i *)(v + i), h0 == 4u ? wht8_i32_h4(x) : wht8_i32(x));
        }
    }
    for (h = 8u; h < d; h *= 2u) {
        for (i = 0; i < d; i += 2u * h) {
            for (j = i; j < i + h; j += 8u) {
                __m256i a = _mm256_loadu_si256((const __m256i *)(v + j));
                __m256i b = _mm256_loadu_si256((const __m256i *)(v + j + h));
                _mm256_storeu_si256((__m256i *)(v + j), _mm256_add_epi32(a, b));
                _mm256_storeu_si256((__m256i *)(v + j + h), _mm256_sub_epi32(a, b));
            }
        }
    }
}
