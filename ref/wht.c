/* wht.c -- unnormalised Walsh-Hadamard transforms (spec §7.2).
 *
 * Sylvester-Hadamard matrix H[i][j] = (-1)^popcount(i & j), d a power of two.
 * Butterfly order is pinned (it matters for binary32 rounding):
 *   for h = 1, 2, 4, ..., d/2:
 *     for i = 0, 2h, 4h, ..., d - 2h:
 *       for j = i .. i+h-1:
 *         (a, b) = (v[j], v[j+h]); v[j] = a + b; v[j+h] = a - b.
 * Applying the transform twice multiplies by d. No normalisation here.
 */
#include "kvl_internal.h"

/* §7.2: binary32 transform, in place, pinned butterfly order (each a + b and
 * a - b rounded to binary32; there are no multiplications to contract). */
void kvl_fwht_f32(float *v, uint32_t d)
{
    uint32_t h, i, j;
    float a, b;
    for (h = 1; h < d; h *= 2u) {
        for (i = 0; i < d; i += 2u * h) {
            for (j = i; j < i + h; j++) {
                a = v[j];
                b = v[j + h];
                v[j] = a + b;
                v[j + h] = a - b;
            }
        }
    }
}

/* §7.2: integer transform used by the decoder (§7.8 integer-exact decode).
 * No overflow: every intermediate value is a +-1 combination of a subset of
 * the inputs, so its magnitude is at most sum |v_i|. The decoder applies it to
 * code vectors (lattice codes plus outlier corrections) with
 * sum |v_i| <= d * unit * q + 16 * 32767 <= 512 * 4095 + 524272 < 2^22 < 2^24,
 * far inside int32 (and the results are exact in binary32 as well). */
void kvl_fwht_i32(int32_t *v, uint32_t d)
{
    uint32_t h, i, j;
    int32_t a, b;
    for (h = 1; h < d; h *= 2u) {
        for (i = 0; i < d; i += 2u * h) {
            for (j = i; j < i + h; j++) {
                a = v[j];
                b = v[j + h];
                v[j] = a + b;
                v[j + h] = a - b;
            }
        }
    }
}
