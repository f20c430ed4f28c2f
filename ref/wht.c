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

/*@ // Stepping a multiple of m by m keeps it a multiple of m (loop over i).
    lemma kvl_mod_step: \forall integer i, m; 0 < m && 0 <= i && i % m == 0 ==> (i + m) % m == 0;
    // Doubling a power of two below d (also a power of two) stays <= d (loop over h).
    lemma kvl_pow2_double: \forall integer h, d;
      kvl_pow2_512(h) && kvl_pow2_512(d) && h < d ==> 2 * h <= d && kvl_pow2_512(2 * h);
    // A multiple of 2h below d (d a multiple of 2h) leaves room for a whole group.
    lemma kvl_group_fits: \forall integer i, h, d;
      kvl_pow2_512(h) && kvl_pow2_512(d) && h < d && 0 <= i < d && i % (2 * h) == 0 ==>
      i + 2 * h <= d;
*/

/* §7.2: binary32 transform, in place, pinned butterfly order (each a + b and
 * a - b rounded to binary32; there are no multiplications to contract). */
void kvl_fwht_f32(float *v, uint32_t d)
{
    uint32_t h, i, j;
    float a, b;
    /*@ loop invariant kvl_pow2_512(h) && h <= d;
        loop assigns h, i, j, a, b, v[0 .. d - 1];
        loop variant d - h;
    */
    for (h = 1; h < d; h *= 2u) {
        /*@ loop invariant 0 <= i <= d && i % (2 * h) == 0;
            loop assigns i, j, a, b, v[0 .. d - 1];
            loop variant d - i;
        */
        for (i = 0; i < d; i += 2u * h) {
            /*@ loop invariant i <= j <= i + h;
                loop assigns j, a, b, v[i .. i + 2 * h - 1];
                loop variant i + h - j;
            */
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
    /*@ loop invariant kvl_pow2_512(h) && h <= d;
        loop invariant \forall integer t; 0 <= t < d ==> -36862 * h <= v[t] <= 36862 * h;
        loop assigns h, i, j, a, b, v[0 .. d - 1];
        loop variant d - h;
    */
    for (h = 1; h < d; h *= 2u) {
        /*@ loop invariant 0 <= i <= d && i % (2 * h) == 0;
            loop invariant \forall integer t; 0 <= t < i ==> -36862 * 2 * h <= v[t] <= 36862 * 2 * h;
            loop invariant \forall integer t; i <= t < d ==> -36862 * h <= v[t] <= 36862 * h;
            loop assigns i, j, a, b, v[0 .. d - 1];
            loop variant d - i;
        */
        for (i = 0; i < d; i += 2u * h) {
            /*@ loop invariant i <= j <= i + h;
                loop invariant \forall integer t; 0 <= t < i ==> -36862 * 2 * h <= v[t] <= 36862 * 2 * h;
                loop invariant \forall integer t; i <= t < j ==> -36862 * 2 * h <= v[t] <= 36862 * 2 * h;
                loop invariant \forall integer t; i + h <= t < j + h ==> -36862 * 2 * h <= v[t] <= 36862 * 2 * h;
                loop invariant \forall integer t; j <= t < i + h ==> -36862 * h <= v[t] <= 36862 * h;
                loop invariant \forall integer t; j + h <= t < d ==> -36862 * h <= v[t] <= 36862 * h;
                loop assigns j, a, b, v[i .. i + 2 * h - 1];
                loop variant i + h - j;
            */
            for (j = i; j < i + h; j++) {
                a = v[j];
                b = v[j + h];
                v[j] = a + b;
                v[j + h] = a - b;
            }
        }
    }
}
