/* lattice_avx2.h -- per-chunk lattice constants shared by lattice_avx2.c and
 * codec_lattice_avx2.c (spec §7.4-§7.6). Plain C; no intrinsics here. */
#ifndef KVL_LATTICE_AVX2_H
#define KVL_LATTICE_AVX2_H

#include "fast.h"

typedef struct kvl_lat_consts {
    uint32_t lattice, bd;      /* kvl_lattice, block dimension 4 or 8 */
    int32_t q;
    uint32_t R, M;             /* R = 2q+1, M = 2q */
    uint32_t R2, R4, QM3, M4;  /* R^2 (D4), R^4, q*M^3 and M^4 (E8, all < 2^32) */
    uint64_t count, count_int; /* codebook size; E8 integer-coset size */
    /* fast unrank: every X (2 idx, or idx - count_int) is < 2^51, so one
     * binary64 split X = hi * P + lo is exact without correction, and hi, lo
     * < 2^26 allow exact multiply-shift division by R, M and q */
    int fast_unrank;
    uint32_t mR, sR, mM, sM; /* floor(x / D) = (x * m) >> s for x < 2^26, D = R, M */
    double invR2, invR4, invM4; /* reciprocals for the split (any rounding) */
} kvl_lat_consts;

void kvl_avx2_lat_consts(const kvl_lattice_info *lat, kvl_lat_consts *c);
/* closest points of z[0..d) and (k != NULL) the codes, (idx != NULL) ranks */
void kvl_avx2_closest_rank_c(const kvl_lat_consts *c, const float *z, uint32_t d, int32_t *k,
                             uint64_t *idx);
void kvl_avx2_rank_c(const kvl_lat_consts *c, const int32_t *k, uint32_t d, uint64_t *idx);
int kvl_avx2_unrank_c(const kvl_lat_consts *c, const uint64_t *idx, uint32_t d, int32_t *k);
/* The same, then the first Walsh-Hadamard stages h = 1, 2, 4 (D4: inside
 * blocks and block pairs; E8: inside blocks) on the integer codes; h_next is
 * the first stage still to do (8, or 1 when the fast unrank does not apply). Integer stages are exact, so splitting the transform
 * this way gives the same result as kvl_avx2_fwht_i32 on the codes. */
int kvl_avx2_unrank_wht_c(const kvl_lat_consts *c, const uint64_t *idx, uint32_t d, int32_t *k,
                          uint32_t *h_next);
/* The same (h_next = 8) reading the d / block_dim index fields of `width`
 * <= 56 bits straight from a record, the first at bit `pos`; the record must
 * be readable 9 bytes past the last field. Only when c->fast_unrank. */
int kvl_avx2_unrank_wht_bits(const kvl_lat_consts *c, const uint8_t *rec, uint64_t pos, uint32_t width,
                             uint32_t d, int32_t *k);

#endif
