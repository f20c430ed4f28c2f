/* skeleton_avx2.c -- the chunk skeleton (spec §10.3) with AVX2.
 *
 * Every sequential sum of §10.3 runs over the vectors i for a fixed
 * coordinate j, so 8 coordinates go in 8 lanes with the loop over i outside:
 * each lane adds in exactly the reference order. dot8 is kvl_avx2_dot8
 * (pinned 8-lane order), divisions and sqrt are the correctly rounded
 * instructions. */
#include <math.h>

#include "avx2_util.h"

/* round_skel (§10.3.1) of 8 lanes; non-finite lanes (never produced by a
 * valid computation) go through the reference for the exact NaN pattern. */
static inline __m256 skel_round8(__m256 v, uint8_t skel_dtype)
{
    if (v_any(v_nonfinite(v))) {
        float t[8];
        int j;
        _mm256_storeu_ps(t, v);
        for (j = 0; j < 8; j++)
            t[j] = kvl_skel_round(t[j], skel_dtype);
        return _mm256_loadu_ps(t);
    }
    if (skel_dtype == KVL_DTYPE_BF16)
        return _mm256_castsi256_ps(_mm256_slli_epi32(v_bf16_rne32(v), 16));
    return _mm256_cvtph_ps(v_f16_rne(v));
}

/* §10.3.1: F16 when every value is in [-1024, 1024]. */
uint8_t kvl_avx2_skeleton_pick_dtype(const float *vals, size_t n)
{
    const __m256 lim = _mm256_set1_ps(1024.0f), nlim = _mm256_set1_ps(-1024.0f);
    size_t i;
    for (i = 0; i + 8u <= n; i += 8u) {
        __m256 v = _mm256_loadu_ps(vals + i);
        __m256 in = _mm256_and_ps(_mm256_cmp_ps(v, lim, _CMP_LE_OQ), _mm256_cmp_ps(v, nlim, _CMP_GE_OQ));
        if (_mm256_movemask_ps(in) != 0xFF)
            return KVL_DTYPE_BF16;
    }
    return kvl_skeleton_pick_dtype(vals + i, n - i);
}

/* w[0..d) = w - c * b, product rounded first (§10.3.3 step 4c, step 6). */
static void sub_scaled(float *w, float c, const float *b, uint32_t d)
{
    const __m256 cv = _mm256_set1_ps(c);
    uint32_t j;
    for (j = 0; j < d; j += 8u)
        _mm256_storeu_ps(w + j, _mm256_sub_ps(_mm256_loadu_ps(w + j), _mm256_mul_ps(cv, _mm256_loadu_ps(b + j))));
}

/* v[0..d) = w / nn */
static void div_by(float *v, const float *w, float nn, uint32_t d)
{
    const __m256 nv = _mm256_set1_ps(nn);
    uint32_t j;
    for (j = 0; j < d; j += 8u)
        _mm256_storeu_ps(v + j, _mm256_div_ps(_mm256_loadu_ps(w + j), nv));
}

int kvl_avx2_skeleton_compute(uint32_t dim, uint32_t n, const float *xs, uint32_t rank,
                              uint8_t skel_dtype, float *mean, float *basis, float *work)
{
    float *R = work;                /* n x dim residuals */
    float *p = R + (size_t)n * dim; /* n projections */
    float *v = p + n;               /* dim */
    float *w = v + dim;             /* dim */
    const __m256 nf = _mm256_set1_ps((float)n);
    uint32_t i, j, k, l, it;

    if (dim % 8u != 0u || n == 0u)
        return kvl_skeleton_compute(dim, n, xs, rank, skel_dtype, mean, basis, work);
    /* §10.3.2 mean: sequential column sums in vector order, one division */
    memcpy(mean, xs, (size_t)dim * sizeof(float));
    for (i = 1; i < n; i++) {
        const float *xi = xs + (size_t)i * dim;
        for (j = 0; j < dim; j += 8u)
            _mm256_storeu_ps(mean + j, _mm256_add_ps(_mm256_loadu_ps(mean + j), _mm256_loadu_ps(xi + j)));
    }
    for (j = 0; j < dim; j += 8u) {
        __m256 m = skel_round8(_mm256_div_ps(_mm256_loadu_ps(mean + j), nf), skel_dtype);
        if (v_any(v_nonfinite(m)))
            return KVL_ERR_RANGE;
        _mm256_storeu_ps(mean + j, m);
    }
    for (i = 0; i < n; i++)
        for (j = 0; j < dim; j += 8u)
            _mm256_storeu_ps(R + (size_t)i * dim + j, _mm256_sub_ps(_mm256_loadu_ps(xs + (size_t)i * dim + j),
                                                                   _mm256_loadu_ps(mean + j)));
    /* §10.3.3 basis: power iteration with deflation */
    for (k = 0; k < rank; k++) {
        float *bk = basis + (size_t)k * dim;
        uint32_t start = 0;
        float best = -1.0f, nn;
        for (i = 0; i < n; i++) {
            float e = kvl_avx2_dot8(R + (size_t)i * dim, R + (size_t)i * dim, dim);
            if (e > best) {
                best = e;
                start = i;
            }
        }
        if (!(best > 0.0f) || !kvl_f32_is_finite(best)) {
            memset(bk, 0, (size_t)(rank - k) * dim * sizeof(float));
            return KVL_OK;
        }
        div_by(v, R + (size_t)start * dim, sqrtf(best), dim);
        for (it = 0; it < 8u; it++) {
            for (i = 0; i < n; i++)
                p[i] = kvl_avx2_dot8(R + (size_t)i * dim, v, dim);
            for (j = 0; j < dim; j += 8u)
                _mm256_storeu_ps(w + j, _mm256_mul_ps(_mm256_set1_ps(p[0]), _mm256_loadu_ps(R + j)));
            for (i = 1; i < n; i++) {
                const __m256 pi = _mm256_set1_ps(p[i]);
                const float *ri = R + (size_t)i * dim;
                for (j = 0; j < dim; j += 8u)
                    _mm256_storeu_ps(w + j, _mm256_add_ps(_mm256_loadu_ps(w + j),
                                                          _mm256_mul_ps(pi, _mm256_loadu_ps(ri + j))));
            }
            for (l = 0; l < k; l++) {
                const float *bl = basis + (size_t)l * dim;
                sub_scaled(w, kvl_avx2_dot8(w, bl, dim), bl, dim);
            }
            nn = kvl_avx2_dot8(w, w, dim);
            if (!(nn > 0.0f) || !kvl_f32_is_finite(nn))
                break;
            div_by(v, w, sqrtf(nn), dim);
        }
        for (j = 0; j < dim; j += 8u)
            _mm256_storeu_ps(bk + j, skel_round8(_mm256_loadu_ps(v + j), skel_dtype));
        /* deflate exactly as the per-vector encoder does (§10.4.1) */
        for (i = 0; i < n; i++) {
            float *ri = R + (size_t)i * dim;
            float coef = kvl_skel_round(kvl_avx2_dot8(ri, bk, dim), skel_dtype);
            if (!kvl_f32_is_finite(coef))
                return KVL_ERR_RANGE;
            sub_scaled(ri, coef, bk, dim);
        }
    }
    return KVL_OK;
}
