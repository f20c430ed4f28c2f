/* layout.c -- parameter validation and vector record layouts (spec §5.3, §6.1, §6.2, §7.1). */
#include "kvl_internal.h"

static int is_pow2(uint32_t v) { return v != 0u && (v & (v - 1u)) == 0u; }

static uint32_t log2_u32(uint32_t v)
{
    uint32_t r = 0;
    while (v > 1u) {
        v >>= 1;
        r++;
    }
    return r;
}

/* Build the layout of one vector record from the chunk parameters as they are
 * stored in a stream (spec §5.3). `rank` and `has_mean` describe the stored
 * skeleton. Returns KVL_ERR_FIELD for any value outside its allowed range. */
int kvl_layout_make(uint32_t dim, const kvl_chunk_params *p, uint32_t rank, uint32_t has_mean,
                    kvl_layout *L)
{
    uint64_t bits;
    L->dim = dim;
    L->p = *p;
    L->rank = 0;
    L->has_mean = 0;
    L->skel_dtype = KVL_DTYPE_F16;
    L->n_blocks = L->index_bits = L->slot_bits = 0;
    L->fp8_dims = L->fp8_blocks = L->scale_bytes = 0;
    L->lat.lattice = 0;
    L->lat.block_dim = L->lat.unit = L->lat.width = 0;
    L->lat.q = 0;
    L->lat.count = 0;
    if (dim == 0u || dim > KVL_MAX_DIM)
        return KVL_ERR_FIELD;
    switch (p->mode) {
    case KVL_MODE_RAW: /* §6.1 */
        if (p->raw_dtype > KVL_DTYPE_BF16)
            return KVL_ERR_FIELD;
        bits = (uint64_t)dim * 8u * kvl_dtype_size(p->raw_dtype);
        break;
    case KVL_MODE_FP8: /* §6.2 */
        if (p->fp8_block != 32u && p->fp8_block != 64u && p->fp8_block != 128u)
            return KVL_ERR_FIELD;
        if (p->fp8_scale > KVL_FP8_SCALE_F16 || p->fp8_split_rope > 1u)
            return KVL_ERR_FIELD;
        if (p->fp8_split_rope) {
            if (dim <= 64u)
                return KVL_ERR_FIELD;
            L->fp8_dims = dim - 64u;
        } else {
            L->fp8_dims = dim;
        }
        if (L->fp8_dims % p->fp8_block != 0u)
            return KVL_ERR_FIELD;
        L->fp8_blocks = L->fp8_dims / p->fp8_block;
        L->scale_bytes = p->fp8_scale == KVL_FP8_SCALE_F32 ? 4u
                         : p->fp8_scale == KVL_FP8_SCALE_UE8M0 ? 1u : 2u;
        bits = 8u * ((uint64_t)L->fp8_blocks * L->scale_bytes + L->fp8_dims +
                     (p->fp8_split_rope ? 128u : 0u));
        break;
    case KVL_MODE_LATTICE: /* §7.1 */
        if (!is_pow2(dim) || dim < KVL_LATTICE_MIN_DIM || dim > KVL_LATTICE_MAX_DIM)
            return KVL_ERR_FIELD;
        if (kvl_lattice_get_info(p->lattice, p->q, &L->lat) != KVL_OK)
            return KVL_ERR_FIELD;
        if (p->outliers > KVL_MAX_OUTLIERS || p->outliers > dim / 4u)
            return KVL_ERR_FIELD;
        if (rank > KVL_MAX_RANK || rank >= dim || has_mean > 1u)
            return KVL_ERR_FIELD;
        L->rank = rank;
        L->has_mean = has_mean;
        L->n_blocks = dim / L->lat.block_dim;
        L->index_bits = log2_u32(dim);
        L->slot_bits = L->index_bits + 16u;
        bits = 32u + 16u * (uint64_t)rank + (uint64_t)p->outliers * L->slot_bits +
               (uint64_t)L->n_blocks * L->lat.width;
        break;
    default:
        return KVL_ERR_FIELD;
    }
    if (bits > 0xFFFFFFF8u)
        return KVL_ERR_OVERFLOW;
    L->record_bits = (uint32_t)bits;
    L->record_bytes = (uint32_t)((bits + 7u) / 8u);
    return KVL_OK;
}

/* Encoder parameters (spec §10.1): the stream constraints plus the encoder's
 * skeleton choice. */
kvl_status kvl_params_check(uint32_t dim, const kvl_chunk_params *p)
{
    kvl_layout L;
    uint32_t rank = 0, has_mean = 0;
    if (p == 0)
        return KVL_ERR_ARG;
    if (p->mode == KVL_MODE_LATTICE) {
        if (p->skeleton > KVL_SKELETON_PCA)
            return KVL_ERR_ARG;
        has_mean = p->skeleton != KVL_SKELETON_NONE;
        if (p->skeleton == KVL_SKELETON_PCA) {
            if (p->rank == 0u)
                return KVL_ERR_ARG;
            rank = p->rank;
        } else if (p->rank != 0u) {
            return KVL_ERR_ARG;
        }
    } else if (p->skeleton != KVL_SKELETON_NONE || p->rank != 0u) {
        return KVL_ERR_ARG;
    }
    return kvl_layout_make(dim, p, rank, has_mean, &L) == KVL_OK ? KVL_OK : KVL_ERR_ARG;
}

kvl_status kvl_record_size(uint32_t dim, const kvl_chunk_params *p, uint32_t *record_bytes,
                           uint32_t *record_bits)
{
    kvl_layout L;
    int st = kvl_params_check(dim, p);
    if (st != KVL_OK)
        return (kvl_status)st;
    st = kvl_layout_make(dim, p, p->mode == KVL_MODE_LATTICE ? p->rank : 0u,
                         p->mode == KVL_MODE_LATTICE && p->skeleton != KVL_SKELETON_NONE, &L);
    if (st != KVL_OK)
        return (kvl_status)st;
    if (record_bytes)
        *record_bytes = L.record_bytes;
    if (record_bits)
        *record_bits = L.record_bits;
    return KVL_OK;
}
