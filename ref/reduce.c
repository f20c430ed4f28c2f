/*
 * reduce.c -- pinned reductions (spec §2.3).
 *
 * Every reduction in the codec uses one fixed evaluation order so that all
 * conforming implementations (scalar C, 8-lane SIMD, 32-lane GPU warps) round
 * identically. Arithmetic is binary32 with round-to-nearest-even and no FMA
 * contraction (the build uses -ffp-contract=off; each product below is also
 * stored to a float variable before it is added).
 */
#include "kvl_internal.h"

/* Final combine of the eight lane accumulators (spec §2.3):
 * ((acc0 + acc4) + (acc2 + acc6)) + ((acc1 + acc5) + (acc3 + acc7)). */
static float combine8(const float acc[8])
{
    float s04 = acc[0] + acc[4];
    float s26 = acc[2] + acc[6];
    float s15 = acc[1] + acc[5];
    float s37 = acc[3] + acc[7];
    float even = s04 + s26;
    float odd = s15 + s37;
    return even + odd;
}

/* sum8 (spec §2.3): n a positive multiple of 8. Lane j starts as v[j] (not
 * 0 + v[j], so an all -0 input sums to -0), then acc[j] += v[8m + j] for
 * m = 1, 2, ... in order; the lanes are combined by combine8(). */
float kvl_sum8(const float *v, uint32_t n)
{
    float acc[8];
    uint32_t i, j;
    for (j = 0; j < 8u; j++) {
        acc[j] = v[j];
    }
    for (i = 8u; i < n; i += 8u) {
        for (j = 0; j < 8u; j++) {
            acc[j] = acc[j] + v[i + j];
        }
    }
    return combine8(acc);
}

/* dot8 (spec §2.3): sum8 of the products a[i] * b[i], each product rounded
 * to binary32 on its own before it is accumulated (no fused multiply-add). */
float kvl_dot8(const float *a, const float *b, uint32_t n)
{
    float acc[8];
    uint32_t i, j;
    for (j = 0; j < 8u; j++) {
        float p = a[j] * b[j];
        acc[j] = p;
    }
    for (i = 8u; i < n; i += 8u) {
        for (j = 0; j < 8u; j++) {
            float p = a[i + j] * b[i + j];
            acc[j] = acc[j] + p;
        }
    }
    return combine8(acc);
}
