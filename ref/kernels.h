/*
 * kernels.h -- the table of replaceable codec kernels (runtime CPU dispatch).
 *
 * Every hot loop of the codec is reached through one `kvl_kernels` table.
 * The reference table (kvl_kernels_ref, ref/kernels.c) holds the readable
 * functions of ref/; an optimised table (fast/, e.g. AVX2) has the same
 * contract and MUST produce bit-identical results: the same bytes, the same
 * output values (signed zeros included), the same status, and the same
 * partial output up to the first failing vector/value where stated below.
 *
 * kvl_active_kernels() returns the table of the process-wide CPU level
 * (kvl_set_cpu_level() in include/kvlattice.h). Ref-only builds implement it
 * in ref/cpu_ref.c, builds with fast/ in fast/dispatch.c.
 */
#ifndef KVL_KERNELS_H
#define KVL_KERNELS_H

#include "kvl_internal.h"

typedef struct kvl_kernels {
    int level;        /* KVL_CPU_* */
    const char *name; /* "ref", "avx2" */

    /* §2.6: CRC-32C update, as kvl_crc32c(). */
    uint32_t (*crc32c)(uint32_t crc, const uint8_t *data, size_t len);

    /* §10.1: n values of `dtype` (kvl_dtype) -> binary32. KVL_ERR_NONFINITE
     * if any value is NaN or Inf (xs is then unspecified). */
    int (*load_f32)(const void *in, uint32_t dtype, size_t n, float *xs);
    /* §2.2.5: n binary32 values -> `dtype`. KVL_ERR_RANGE at the first value
     * that is not finite in the output dtype: the values before it are stored,
     * it and the values after it are not. */
    int (*store_f32)(const float *v, uint32_t dtype, size_t n, void *out);

    /* §2.3 / §7.2 building blocks. */
    float (*dot8)(const float *a, const float *b, uint32_t n);
    void (*fwht_f32)(float *v, uint32_t d);
    void (*fwht_i32)(int32_t *v, uint32_t d);

    /* §7.4-§7.6 over a whole code vector of d coordinates (d / block_dim
     * blocks). unrank: KVL_ERR_INDEX if any index >= count (k unspecified). */
    void (*lattice_closest)(const kvl_lattice_info *lat, const float *z, uint32_t d, int32_t *k);
    void (*lattice_rank)(const kvl_lattice_info *lat, const int32_t *k, uint32_t d, uint64_t *idx);
    int (*lattice_unrank)(const kvl_lattice_info *lat, const uint64_t *idx, uint32_t d, int32_t *k);

    /* §10.3: skeleton dtype rule and skeleton computation, as
     * kvl_skeleton_pick_dtype() / kvl_skeleton_compute(). */
    uint8_t (*skeleton_pick_dtype)(const float *vals, size_t n);
    int (*skeleton_compute)(uint32_t dim, uint32_t n, const float *xs, uint32_t rank,
                            uint8_t skel_dtype, float *mean, float *basis, float *work);

    /* §6, §7, §10.4, §10.5: a batch of n records of layout L (a whole chunk,
     * or one vector for random access). */
    /* Encode n vectors xs (n*dim binary32, finite) into n consecutive records
     * (zeroed by the caller). mean/basis as kvl_lattice_encode_vector();
     * scratch: 3*dim 4-byte elements. On an error in vector v the records
     * before v are complete and record v holds what the reference wrote. */
    int (*encode_records)(const kvl_layout *L, const float *mean, const float *basis,
                          const float *xs, uint32_t n, void *scratch, uint8_t *records);
    /* Decode n records to out (n*dim values of out_dtype): record i goes to
     * element i*dim. Stops at the first error: a failing record check writes
     * nothing of that vector; RANGE stores the values before the failing one
     * (spec §9.2 "Output"). mean/basis: stored skeleton bytes or NULL. */
    int (*decode_records)(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                          const uint8_t *records, uint32_t n, uint32_t out_dtype, void *out);
    /* Record checks only (spec §9.2 "Records"), first error in vector order. */
    int (*validate_records)(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                            const uint8_t *records, uint32_t n);
} kvl_kernels;

/* The reference kernels (ref/kernels.c, ref/records.c). */
extern const kvl_kernels kvl_kernels_ref;

/* The table of the current process-wide CPU level. */
const kvl_kernels *kvl_active_kernels(void);

/* Reference batch loops (ref/records.c), also the reference table entries. */
int kvl_ref_encode_records(const kvl_layout *L, const float *mean, const float *basis,
                           const float *xs, uint32_t n, void *scratch, uint8_t *records);
/*@ requires \valid_read(L);
    requires kvl_layout_decodable(L);
    requires n <= KVL_MAX_CHUNK_LEN;
    requires \valid_read(records + (0 .. n * L->record_bytes - 1));
    requires L->p.mode == KVL_MODE_LATTICE ==> mean == \null || \valid_read(mean + (0 .. 2 * L->dim - 1));
    requires L->p.mode == KVL_MODE_LATTICE && L->rank > 0 ==>
               \valid_read(basis + (0 .. 2 * L->rank * L->dim - 1));
    requires out_dtype <= KVL_DTYPE_BF16;
    requires \valid((uint8_t *)out + (0 .. n * L->dim * (out_dtype == KVL_DTYPE_F32 ? 4 : 2) - 1));
    requires \separated((uint8_t *)out + (0 .. n * L->dim * (out_dtype == KVL_DTYPE_F32 ? 4 : 2) - 1),
                        L, records + (0 .. n * L->record_bytes - 1));
    requires L->p.mode == KVL_MODE_LATTICE && mean != \null ==>
               \separated((uint8_t *)out + (0 .. n * L->dim * (out_dtype == KVL_DTYPE_F32 ? 4 : 2) - 1),
                          mean + (0 .. 2 * L->dim - 1));
    requires L->p.mode == KVL_MODE_LATTICE && L->rank > 0 ==>
               \separated((uint8_t *)out + (0 .. n * L->dim * (out_dtype == KVL_DTYPE_F32 ? 4 : 2) - 1),
                          basis + (0 .. 2 * L->rank * L->dim - 1));
    assigns ((uint8_t *)out)[0 .. n * L->dim * (out_dtype == KVL_DTYPE_F32 ? 4 : 2) - 1];
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_RESERVED ||
            \result == KVL_ERR_TRUNCATED || \result == KVL_ERR_INDEX || \result == KVL_ERR_RANGE;
*/
int kvl_ref_decode_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                           const uint8_t *records, uint32_t n, uint32_t out_dtype, void *out);
/*@ requires \valid_read(L);
    requires kvl_layout_decodable(L);
    requires n <= KVL_MAX_CHUNK_LEN;
    requires \valid_read(records + (0 .. n * L->record_bytes - 1));
    requires L->p.mode == KVL_MODE_LATTICE ==> mean == \null || \valid_read(mean + (0 .. 2 * L->dim - 1));
    requires L->p.mode == KVL_MODE_LATTICE && L->rank > 0 ==>
               \valid_read(basis + (0 .. 2 * L->rank * L->dim - 1));
    assigns \nothing;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_RESERVED ||
            \result == KVL_ERR_TRUNCATED || \result == KVL_ERR_INDEX;
*/
int kvl_ref_validate_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                             const uint8_t *records, uint32_t n);

#endif /* KVL_KERNELS_H */
