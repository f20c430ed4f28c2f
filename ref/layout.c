/* layout.c -- parameter validation and vector record layouts (spec §5.3, §6.1, §6.2, §7.1). */
#include "kvl_internal.h"

/* LATTICE dimensions (spec §7.1): a power of two in [8, 512]. */
/*@ assigns \nothing;
    ensures \result != 0 <==> kvl_pow2_512(v) && v >= 8;
*/
static int is_lattice_dim(uint32_t v)
{
    return v == 8u || v == 16u || v == 32u || v == 64u || v == 128u || v == 256u || v == 512u;
}

/*@ requires kvl_pow2_512(v) && v >= 8;
    assigns \nothing;
    ensures kvl_log2_of(v, \result);
*/
static uint32_t log2_u32(uint32_t v)
{
    uint32_t r = 0;
    /*@ loop invariant kvl_pow2_512(v) && 0 <= r <= 9;
        loop invariant v * kvl_p2(r) == \at(v, Pre);
        loop assigns v, r;
        loop variant v;
    */
    while (v > 1u) {
        v >>= 1;
        r++;
    }
    return r;
}

/* kvl_lattice_get_info() without the codebook counts in the contract (the
 * counts' recursive definitions only slow the provers down here). */
/*@ requires \valid(info);
    assigns *info;
    ensures \result == KVL_OK ==> info->q == q && info->width <= 64;
    ensures \result == KVL_OK ==>
              (lattice == KVL_LATTICE_D4 && 1 <= q <= KVL_MAX_Q_D4 &&
               info->block_dim == 4 && info->unit == 1) ||
              (lattice == KVL_LATTICE_E8 && 1 <= q <= KVL_MAX_Q_E8 &&
               info->block_dim == 8 && info->unit == 2);
*/
static int lattice_info(uint32_t lattice, uint32_t q, kvl_lattice_info *info)
{
    return kvl_lattice_get_info(lattice, q, info);
}

/* All fields 0 (static storage), assigned instead of one store per field. */
static const kvl_layout layout_zero;

/* The mode functions below get the parameters and the dimension as values
 * (p is a copy of the caller's *p): layout_fields stores L->p and L->dim
 * after them, so that their writes to other fields of *L (L->lat holds bytes
 * like L->p and a uint32_t like L->dim) need no frame reasoning about L->p,
 * L->dim or *p in the proofs. */

/* §6.1 RAW: D values of the stored dtype. */
/*@ requires \valid(bits);
    requires 1 <= dim <= KVL_MAX_DIM && p.mode == KVL_MODE_RAW;
    assigns *bits;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD;
    ensures \result == KVL_OK ==> p.raw_dtype <= KVL_DTYPE_BF16;
    ensures \result == KVL_OK ==>
              (p.raw_dtype == KVL_DTYPE_F32 ? *bits == 32 * dim : *bits == 16 * dim);
    ensures \result == KVL_OK ==> *bits >= 8;
*/
static int layout_raw(uint32_t dim, kvl_chunk_params p, uint64_t *bits)
{
    if (p.raw_dtype > KVL_DTYPE_BF16)
        return KVL_ERR_FIELD;
    *bits = (uint64_t)dim * 8u * kvl_dtype_size(p.raw_dtype);
    return KVL_OK;
}

/* §6.2 FP8: block scales, E4M3 codes, and with split_rope 64 BF16 values. */
/*@ requires \valid(L) && \valid(bits) && \separated(L, bits);
    requires 1 <= dim <= KVL_MAX_DIM && p.mode == KVL_MODE_FP8;
    assigns L->fp8_dims, L->fp8_blocks, L->scale_bytes, *bits;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD;
    ensures \result == KVL_OK ==> kvl_fp8_fields_of(L, p, dim);
    ensures \result == KVL_OK ==> *bits >= 8;
*/
static int layout_fp8(kvl_layout *L, uint32_t dim, kvl_chunk_params p, uint64_t *bits)
{
    if (p.fp8_block != 32u && p.fp8_block != 64u && p.fp8_block != 128u)
        return KVL_ERR_FIELD;
    if (p.fp8_scale > KVL_FP8_SCALE_F16 || p.fp8_split_rope > 1u)
        return KVL_ERR_FIELD;
    if (p.fp8_split_rope) {
        if (dim <= 64u)
            return KVL_ERR_FIELD;
        L->fp8_dims = dim - 64u;
    } else {
        L->fp8_dims = dim;
    }
    if (L->fp8_dims % p.fp8_block != 0u)
        return KVL_ERR_FIELD;
    L->fp8_blocks = L->fp8_dims / p.fp8_block;
    /*@ assert L->fp8_blocks <= 2048; */
    L->scale_bytes = p.fp8_scale == KVL_FP8_SCALE_F32 ? 4u
                     : p.fp8_scale == KVL_FP8_SCALE_UE8M0 ? 1u : 2u;
    /*@ assert L->fp8_blocks <= 2048 && L->scale_bytes <= 4 &&
               L->fp8_blocks * L->scale_bytes <= 8192; */
    *bits = 8u * ((uint64_t)L->fp8_blocks * L->scale_bytes + L->fp8_dims +
                  (p.fp8_split_rope ? 128u : 0u));
    return KVL_OK;
}

/* §7.1 LATTICE: scale, skeleton coefficients, outlier slots, block indices. */
/*@ requires \valid(L) && \valid(bits) && \separated(L, bits);
    requires 1 <= dim <= KVL_MAX_DIM && p.mode == KVL_MODE_LATTICE;
    assigns L->lat, L->rank, L->has_mean, L->n_blocks, L->index_bits, L->slot_bits, *bits;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD;
    ensures \result == KVL_OK ==> kvl_lattice_fields_of(L, p, dim) &&
                                   L->rank == rank && L->has_mean == has_mean;
    ensures \result == KVL_OK ==> *bits >= 32;
*/
static int layout_lattice(kvl_layout *L, uint32_t dim, kvl_chunk_params p, uint32_t rank,
                          uint32_t has_mean, uint64_t *bits)
{
    if (!is_lattice_dim(dim))
        return KVL_ERR_FIELD;
    if (lattice_info(p.lattice, p.q, &L->lat) != KVL_OK)
        return KVL_ERR_FIELD;
    if (p.outliers > KVL_MAX_OUTLIERS || p.outliers > dim / 4u)
        return KVL_ERR_FIELD;
    if (rank > KVL_MAX_RANK || rank >= dim || has_mean > 1u)
        return KVL_ERR_FIELD;
    L->rank = rank;
    L->has_mean = has_mean;
    /* block_dim is 4 or 8: dividing by the constant keeps the proof linear */
    L->n_blocks = L->lat.block_dim == 4u ? dim / 4u : dim / 8u;
    L->index_bits = log2_u32(dim);
    L->slot_bits = L->index_bits + 16u;
    /*@ assert L->n_blocks <= 128 && L->slot_bits <= 25; */
    /*@ assert p.outliers * L->slot_bits <= 400 && L->n_blocks * L->lat.width <= 8192; */
    *bits = 32u + 16u * (uint64_t)rank + (uint64_t)p.outliers * L->slot_bits +
            (uint64_t)L->n_blocks * L->lat.width;
    return KVL_OK;
}

/* kvl_layout_make after the all-zero start (its own function: the provers
 * then see none of the zero initializer's facts). */
/*@ requires \valid(L);
    assigns *L;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_OVERFLOW;
    ensures fields_size: \result == KVL_OK ==> L->dim == dim && kvl_layout_size_ok(L);
    // every record has at least one byte (kvl_chunk_view_in: a view's records
    // end past its skeleton)
    ensures fields_bytes: \result == KVL_OK ==> L->record_bytes >= 1;
    // L->p == P, one field per goal (faster for the provers)
    ensures \result == KVL_OK ==> L->p.mode == P.mode;
    ensures \result == KVL_OK ==> L->p.raw_dtype == P.raw_dtype;
    ensures \result == KVL_OK ==> L->p.fp8_block == P.fp8_block;
    ensures \result == KVL_OK ==> L->p.fp8_scale == P.fp8_scale;
    ensures \result == KVL_OK ==> L->p.fp8_split_rope == P.fp8_split_rope;
    ensures \result == KVL_OK ==> L->p.lattice == P.lattice;
    ensures \result == KVL_OK ==> L->p.q == P.q;
    ensures \result == KVL_OK ==> L->p.outliers == P.outliers;
    ensures \result == KVL_OK ==> L->p.skeleton == P.skeleton;
    ensures \result == KVL_OK ==> L->p.rank == P.rank;
    ensures \result == KVL_OK ==> L->p.mode == KVL_MODE_RAW || L->p.mode == KVL_MODE_FP8 ||
                                   L->p.mode == KVL_MODE_LATTICE;
    ensures \result == KVL_OK && L->p.mode == KVL_MODE_RAW ==> kvl_layout_raw_ok(L);
    ensures \result == KVL_OK && L->p.mode == KVL_MODE_FP8 ==> kvl_layout_fp8_ok(L);
    ensures \result == KVL_OK && L->p.mode == KVL_MODE_LATTICE ==>
              kvl_layout_lattice_ok(L) && L->rank == rank && L->has_mean == has_mean;
*/
static int layout_fields(uint32_t dim, kvl_chunk_params P, uint32_t rank, uint32_t has_mean,
                         kvl_layout *L)
{
    uint64_t bits = 0;
    int st;
    L->skel_dtype = KVL_DTYPE_F16;
    if (dim == 0u || dim > KVL_MAX_DIM)
        st = KVL_ERR_FIELD;
    else if (P.mode == KVL_MODE_RAW)
        st = layout_raw(dim, P, &bits);
    else if (P.mode == KVL_MODE_FP8)
        st = layout_fp8(L, dim, P, &bits);
    else if (P.mode == KVL_MODE_LATTICE)
        st = layout_lattice(L, dim, P, rank, has_mean, &bits);
    else
        st = KVL_ERR_FIELD;
    /* L->dim and L->p = P, stored after the mode functions (see above), on
     * every path. Field by field: WP models a struct assignment as a havoc of
     * the bytes of L->p, after which z3/cvc5 lose the byte fields of L->lat. */
    L->dim = dim;
    L->p.mode = P.mode;
    L->p.raw_dtype = P.raw_dtype;
    L->p.fp8_block = P.fp8_block;
    L->p.fp8_scale = P.fp8_scale;
    L->p.fp8_split_rope = P.fp8_split_rope;
    L->p.lattice = P.lattice;
    L->p.q = P.q;
    L->p.outliers = P.outliers;
    L->p.skeleton = P.skeleton;
    L->p.rank = P.rank;
    if (st != KVL_OK)
        return st;
    if (bits > 0xFFFFFFF8u)
        return KVL_ERR_OVERFLOW;
    L->record_bits = (uint32_t)bits;
    L->record_bytes = (uint32_t)((bits + 7u) / 8u);
    return KVL_OK;
}

/* Build the layout of one vector record from the chunk parameters as they are
 * stored in a stream (spec §5.3). `rank` and `has_mean` describe the stored
 * skeleton. Returns KVL_ERR_FIELD for any value outside its allowed range. */
int kvl_layout_make(uint32_t dim, const kvl_chunk_params *p, uint32_t rank, uint32_t has_mean,
                    kvl_layout *L)
{
    const kvl_chunk_params P = *p;
    *L = layout_zero;
    return layout_fields(dim, P, rank, has_mean, L);
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
