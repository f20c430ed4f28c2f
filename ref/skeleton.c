/* skeleton.c -- the encoder's deterministic chunk skeleton (spec §10.3).
 *
 * The skeleton is an affine frame shared by a chunk: a mean vector and an
 * optional basis of rank r. Decoders only read the stored values (§7.3); this
 * file is the normative procedure a deterministic encoder uses to compute them.
 */
#include <math.h>

#include "kvl_internal.h"

#define KVL_PCA_ITERATIONS 8u

/* §10.3.1: F16 when every |x| <= 1024 (then the mean, the unit basis and every
 * coefficient, |coef| <= ||x - mean|| <= 2048*sqrt(512) < 65504, fit F16),
 * otherwise BF16. */
uint8_t kvl_skeleton_pick_dtype(const float *vals, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (!(vals[i] <= 1024.0f && vals[i] >= -1024.0f))
            return KVL_DTYPE_BF16;
    }
    return KVL_DTYPE_F16;
}

uint16_t kvl_skel_bits(float x, uint8_t skel_dtype)
{
    return skel_dtype == KVL_DTYPE_BF16 ? kvl_f32_to_bf16(x) : kvl_f32_to_f16(x);
}

float kvl_skel_round(float x, uint8_t skel_dtype)
{
    uint16_t h = kvl_skel_bits(x, skel_dtype);
    return skel_dtype == KVL_DTYPE_BF16 ? kvl_bf16_to_f32(h) : kvl_f16_to_f32(h);
}

/* §10.3.2 mean: column sums in vector order, one division, rounded to the
 * skeleton dtype. §10.3.3 basis: power iteration with deflation, see spec. */
int kvl_skeleton_compute(uint32_t dim, uint32_t n, const float *xs, uint32_t rank,
                         uint8_t skel_dtype, float *mean, float *basis, float *work)
{
    float *R = work;                    /* n x dim residuals */
    float *p = R + (size_t)n * dim;     /* n projections */
    float *v = p + n;                   /* dim: current direction */
    float *w = v + dim;                 /* dim: next direction */
    uint32_t i, j, k, l, it;

    for (j = 0; j < dim; j++) {
        float sum = xs[j];
        for (i = 1; i < n; i++)
            sum = sum + xs[(size_t)i * dim + j];
        mean[j] = kvl_skel_round(sum / (float)n, skel_dtype);
        if (!kvl_f32_is_finite(mean[j]))
            return KVL_ERR_RANGE;
    }
    for (i = 0; i < n; i++)
        for (j = 0; j < dim; j++)
            R[(size_t)i * dim + j] = xs[(size_t)i * dim + j] - mean[j];

    for (k = 0; k < rank; k++) {
        float *bk = basis + (size_t)k * dim;
        uint32_t start = 0;
        float best = -1.0f, nn;
        /* start: the residual row of largest squared norm (ties: lowest index) */
        for (i = 0; i < n; i++) {
            float e = kvl_dot8(R + (size_t)i * dim, R + (size_t)i * dim, dim);
            if (e > best) {
                best = e;
                start = i;
            }
        }
        if (!(best > 0.0f) || !kvl_f32_is_finite(best)) {
            /* nothing left to explain (or not representable): zero rows */
            for (l = k; l < rank; l++)
                for (j = 0; j < dim; j++)
                    basis[(size_t)l * dim + j] = 0.0f;
            return KVL_OK;
        }
        nn = sqrtf(best);
        for (j = 0; j < dim; j++)
            v[j] = R[(size_t)start * dim + j] / nn;
        for (it = 0; it < KVL_PCA_ITERATIONS; it++) {
            for (i = 0; i < n; i++)
                p[i] = kvl_dot8(R + (size_t)i * dim, v, dim);
            for (j = 0; j < dim; j++) {
                float acc = p[0] * R[j];
                for (i = 1; i < n; i++) {
                    float prod = p[i] * R[(size_t)i * dim + j];
                    acc = acc + prod;
                }
                w[j] = acc;
            }
            for (l = 0; l < k; l++) {
                const float *bl = basis + (size_t)l * dim;
                float dd = kvl_dot8(w, bl, dim);
                for (j = 0; j < dim; j++) {
                    float prod = dd * bl[j];
                    w[j] = w[j] - prod;
                }
            }
            nn = kvl_dot8(w, w, dim);
            if (!(nn > 0.0f) || !kvl_f32_is_finite(nn))
                break;
            nn = sqrtf(nn);
            for (j = 0; j < dim; j++)
                v[j] = w[j] / nn;
        }
        for (j = 0; j < dim; j++)
            bk[j] = kvl_skel_round(v[j], skel_dtype);
        /* deflate the residuals exactly as the per-vector encoder will (§10.4.1) */
        for (i = 0; i < n; i++) {
            float *ri = R + (size_t)i * dim;
            float coef = kvl_skel_round(kvl_dot8(ri, bk, dim), skel_dtype);
            if (!kvl_f32_is_finite(coef))
                return KVL_ERR_RANGE;
            for (j = 0; j < dim; j++) {
                float prod = coef * bk[j];
                ri[j] = ri[j] - prod;
            }
        }
    }
    return KVL_OK;
}
