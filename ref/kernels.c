/* kernels.c -- the reference kernel table (ref/kernels.h): the readable
 * functions of ref/, plus the thin whole-vector loops the table names. */
#include "kernels.h"

/* §10.1 step 1: exact conversion to binary32; NaN/Inf is NONFINITE. */
static int ref_load_f32(const void *in, uint32_t dtype, size_t n, float *xs)
{
    size_t i;
    for (i = 0; i < n; i++) {
        xs[i] = kvl_load_as_f32(in, dtype, i);
        if (!kvl_f32_is_finite(xs[i]))
            return KVL_ERR_NONFINITE;
    }
    return KVL_OK;
}

/* §2.2.5: value by value, stopping at the first RANGE. */
static int ref_store_f32(const float *v, uint32_t dtype, size_t n, void *out)
{
    size_t i;
    int st = KVL_OK;
    for (i = 0; st == KVL_OK && i < n; i++)
        st = kvl_store_from_f32(out, dtype, i, v[i]);
    return st;
}

/* §7.4 / §7.5 block by block. */
static void ref_lattice_closest(const kvl_lattice_info *lat, const float *z, uint32_t d, int32_t *k)
{
    uint32_t b;
    for (b = 0; b < d; b += lat->block_dim) {
        if (lat->lattice == KVL_LATTICE_D4)
            kvl_d4_closest(z + b, (int32_t)lat->q, k + b);
        else
            kvl_e8_closest(z + b, (int32_t)lat->q, k + b);
    }
}

/* §7.6 block by block. */
static void ref_lattice_rank(const kvl_lattice_info *lat, const int32_t *k, uint32_t d, uint64_t *idx)
{
    uint32_t b;
    for (b = 0; b < d; b += lat->block_dim)
        idx[b / lat->block_dim] = lat->lattice == KVL_LATTICE_D4 ? kvl_d4_rank(k + b, (int32_t)lat->q)
                                                                 : kvl_e8_rank(k + b, (int32_t)lat->q);
}

static int ref_lattice_unrank(const kvl_lattice_info *lat, const uint64_t *idx, uint32_t d, int32_t *k)
{
    uint32_t b;
    int st = KVL_OK;
    for (b = 0; st == KVL_OK && b < d; b += lat->block_dim)
        st = lat->lattice == KVL_LATTICE_D4 ? kvl_d4_unrank(idx[b / 4u], (int32_t)lat->q, k + b)
                                            : kvl_e8_unrank(idx[b / 8u], (int32_t)lat->q, k + b);
    return st;
}

const kvl_kernels kvl_kernels_ref = {
    KVL_CPU_REF,
    "ref",
    kvl_crc32c,
    ref_load_f32,
    ref_store_f32,
    kvl_dot8,
    kvl_fwht_f32,
    kvl_fwht_i32,
    ref_lattice_closest,
    ref_lattice_rank,
    ref_lattice_unrank,
    kvl_skeleton_pick_dtype,
    kvl_skeleton_compute,
    kvl_ref_encode_records,
    kvl_ref_decode_records,
    kvl_ref_validate_records,
};
