/* chunk.c -- chunk sections (spec §5): encode, parse, decode, validate.
 *
 * Section framing (§4.2): u32 type | u32 flags | u32 body_len | body | u32 CRC-32C
 * of everything before the CRC. Chunk body (§5.1):
 *   0  u32 chunk_index     4  u32 n_vectors      8  u32 record_bytes
 *  12  u8  mode           13  u8 reserved (0)   14  u16 reserved (0)
 *  16  8 bytes of mode parameters (§5.2)
 *  24  skeleton (LATTICE only, §7.3): mean (dim x u16), basis (rank x dim x u16)
 *      records: n_vectors x record_bytes
 */
#include <string.h>

#include "kernels.h"
#include "kvl_internal.h"
#include "kvl_sections.h"

/* All-zero objects (static storage: every member and padding byte 0, as a
 * memset gives), assigned instead of memset so that the WP memory model sees
 * typed stores (proof/README.md). */
static const kvl_chunk_view view_zero;
static const kvl_chunk_params params_zero;

/* ---- little-endian field helpers over the one bit writer/reader ---------- */
static void put_le(kvl_bitwriter *bw, uint64_t v, unsigned bytes) { kvl_bw_put(bw, v, bytes * 8u); }

static uint32_t block_log2(uint32_t b) { return b == 32u ? 5u : b == 64u ? 6u : 7u; }

static size_t skeleton_bytes(uint32_t dim, uint32_t has_mean, uint32_t rank)
{
    return 2u * (size_t)dim * (has_mean + rank);
}

/* ---- sizes ---------------------------------------------------------------- */
kvl_status kvl_chunk_size_bound(uint32_t dim, const kvl_chunk_params *p, uint32_t n, size_t *bytes)
{
    uint32_t rb;
    uint64_t body;
    kvl_status st = kvl_record_size(dim, p, &rb, 0);
    if (st != KVL_OK)
        return st;
    if (n == 0u || n > KVL_MAX_CHUNK_LEN)
        return KVL_ERR_ARG;
    body = KVL_CHUNK_HEADER_BYTES + (uint64_t)n * rb;
    if (p->mode == KVL_MODE_LATTICE && p->skeleton != KVL_SKELETON_NONE)
        body += skeleton_bytes(dim, 1u, p->rank);
    if (body > KVL_MAX_SECTION_BODY)
        return KVL_ERR_OVERFLOW;
    *bytes = (size_t)(body + KVL_SECTION_OVERHEAD);
    return KVL_OK;
}

kvl_status kvl_encode_workspace_size(uint32_t dim, const kvl_chunk_params *p, uint32_t n,
                                     size_t *bytes)
{
    uint64_t floats;
    kvl_status st = kvl_params_check(dim, p);
    if (st != KVL_OK)
        return st;
    if (n == 0u || n > KVL_MAX_CHUNK_LEN)
        return KVL_ERR_ARG;
    floats = (uint64_t)n * dim;                       /* input as f32 */
    if (p->mode == KVL_MODE_LATTICE) {
        floats += 3u * (uint64_t)dim;                 /* per-vector scratch */
        if (p->skeleton != KVL_SKELETON_NONE) {
            floats += (uint64_t)dim * (1u + p->rank); /* mean, basis */
            floats += (uint64_t)n * dim + 2u * dim + n; /* skeleton computation */
        }
    }
    if (floats > (uint64_t)(SIZE_MAX / 4u) - 16u)
        return KVL_ERR_OVERFLOW;
    *bytes = (size_t)(floats * 4u + 16u);
    return KVL_OK;
}

/* ---- §10.2 encoding a chunk --------------------------------------------- */
kvl_status kvl_chunk_encode(uint32_t dim, const kvl_chunk_params *p, uint32_t chunk_index,
                            const void *in, kvl_dtype in_dtype, uint32_t n,
                            const kvl_skeleton *skel, void *work, size_t work_size,
                            uint8_t *out, size_t out_cap, size_t *out_len)
{
    const kvl_kernels *kk = kvl_active_kernels();
    kvl_layout L;
    size_t need, total, i;
    float *xs, *scratch = 0, *mean = 0, *basis = 0, *skwork = 0;
    uint32_t has_mean = 0, rank = 0, j;
    uint8_t skel_dtype = KVL_DTYPE_F16;
    kvl_bitwriter bw;
    int st;

    if (!p || !in || !work || !out || !out_len || (unsigned)in_dtype > KVL_DTYPE_BF16)
        return KVL_ERR_ARG;
    st = kvl_params_check(dim, p);
    if (st != KVL_OK)
        return (kvl_status)st;
    st = kvl_encode_workspace_size(dim, p, n, &need);
    if (st != KVL_OK)
        return (kvl_status)st;
    if (work_size < need)
        return KVL_ERR_BUFFER;
    st = kvl_chunk_size_bound(dim, p, n, &total);
    if (st != KVL_OK)
        return (kvl_status)st;
    if (out_cap < total)
        return KVL_ERR_BUFFER;
    if (p->mode == KVL_MODE_LATTICE && p->skeleton != KVL_SKELETON_NONE) {
        has_mean = 1;
        rank = p->rank;
        if (skel && skel->basis && skel->rank != rank)
            return KVL_ERR_ARG;
    }
    st = kvl_layout_make(dim, p, rank, has_mean, &L);
    if (st != KVL_OK)
        return (kvl_status)st;

    /* Step 1: input to binary32; NaN/Inf is an error (spec §10.1). */
    xs = (float *)work;
    st = kk->load_f32(in, in_dtype, (size_t)n * dim, xs);
    if (st != KVL_OK)
        return (kvl_status)st;
    /* Step 2: skeleton (spec §10.3). */
    if (p->mode == KVL_MODE_LATTICE) {
        scratch = xs + (size_t)n * dim;
        if (has_mean) {
            mean = scratch + 3u * (size_t)dim;
            basis = mean + dim;
            skwork = basis + (size_t)rank * dim;
            skel_dtype = kk->skeleton_pick_dtype(xs, (size_t)n * dim);
            if (skel && skel->mean) {
                if (skel_dtype == KVL_DTYPE_F16 && kvl_skeleton_pick_dtype(skel->mean, dim) != KVL_DTYPE_F16)
                    skel_dtype = KVL_DTYPE_BF16;
            }
            if (skel && (skel->mean || skel->basis)) {
                /* caller-provided (offline calibration): round to the stored dtype */
                if (!skel->mean || (rank > 0u && !skel->basis))
                    return KVL_ERR_ARG;
                for (j = 0; j < dim; j++) {
                    mean[j] = kvl_skel_round(skel->mean[j], skel_dtype);
                    if (!kvl_f32_is_finite(mean[j]))
                        return KVL_ERR_RANGE;
                }
                for (i = 0; i < (size_t)rank * dim; i++) {
                    basis[i] = kvl_skel_round(skel->basis[i], skel_dtype);
                    if (!kvl_f32_is_finite(basis[i]))
                        return KVL_ERR_RANGE;
                }
            } else {
                st = kk->skeleton_compute(dim, n, xs, rank, skel_dtype, mean, basis, skwork);
                if (st != KVL_OK)
                    return (kvl_status)st;
            }
            L.skel_dtype = skel_dtype;
        }
    }

    /* Step 3: section framing and chunk header (spec §4.2, §5.1, §5.2). */
    memset(out, 0, total);
    kvl_bw_init(&bw, out, total);
    put_le(&bw, KVL_TAG_CHNK, 4);
    put_le(&bw, 0, 4);
    put_le(&bw, total - KVL_SECTION_OVERHEAD, 4);
    put_le(&bw, chunk_index, 4);
    put_le(&bw, n, 4);
    put_le(&bw, L.record_bytes, 4);
    put_le(&bw, p->mode, 1);
    put_le(&bw, 0, 3);
    switch (p->mode) {
    case KVL_MODE_RAW:
        put_le(&bw, p->raw_dtype, 1);
        put_le(&bw, 0, 7);
        break;
    case KVL_MODE_FP8:
        put_le(&bw, block_log2(p->fp8_block), 1);
        put_le(&bw, p->fp8_scale, 1);
        put_le(&bw, p->fp8_split_rope, 1);
        put_le(&bw, 0, 5);
        break;
    default:
        put_le(&bw, p->lattice, 1);
        put_le(&bw, p->outliers, 1);
        put_le(&bw, p->q, 2);
        put_le(&bw, (has_mean ? 1u : 0u) | (rank ? 2u : 0u) |
                        (has_mean && skel_dtype == KVL_DTYPE_BF16 ? 4u : 0u), 1);
        put_le(&bw, rank, 1);
        put_le(&bw, 0, 2);
        for (j = 0; j < dim * has_mean; j++)
            put_le(&bw, kvl_skel_bits(mean[j], skel_dtype), 2);
        for (i = 0; i < (size_t)rank * dim; i++)
            put_le(&bw, kvl_skel_bits(basis[i], skel_dtype), 2);
        break;
    }
    if (bw.err != KVL_OK)
        return (kvl_status)bw.err;

    /* Step 4: records (spec §6, §7), as one batch. */
    st = kk->encode_records(&L, has_mean ? mean : 0, basis, xs, n, scratch,
                            out + (size_t)(bw.pos / 8u));
    if (st != KVL_OK)
        return (kvl_status)st;
    /* Step 5: CRC-32C over framing and body. */
    {
        uint32_t crc = kk->crc32c(0, out, total - 4u);
        kvl_bw_seek(&bw, (uint64_t)(total - 4u) * 8u);
        put_le(&bw, crc, 4);
    }
    if (bw.err != KVL_OK)
        return (kvl_status)bw.err;
    *out_len = total;
    return KVL_OK;
}

/* ---- §5 parsing -------------------------------------------------------- */

/* Parse a section header at sec[0..len): type, flags, body_len, CRC check. */
int kvl_section_parse(const uint8_t *sec, size_t len, uint32_t *type, uint32_t *flags,
                      uint32_t *body_len)
{
    kvl_bitreader br;
    uint32_t crc;
    kvl_br_init(&br, sec, len);
    *type = (uint32_t)kvl_br_get(&br, 32);
    *flags = (uint32_t)kvl_br_get(&br, 32);
    *body_len = (uint32_t)kvl_br_get(&br, 32);
    if (br.err != KVL_OK)
        return KVL_ERR_TRUNCATED;
    if ((uint64_t)*body_len + KVL_SECTION_OVERHEAD > len)
        return KVL_ERR_TRUNCATED;
    kvl_br_seek(&br, ((uint64_t)*body_len + 12u) * 8u);
    crc = (uint32_t)kvl_br_get(&br, 32);
    /*@ calls kvl_crc32c; */
    if (crc != kvl_active_kernels()->crc32c(0, sec, (size_t)*body_len + 12u))
        return KVL_ERR_CRC;
    if ((*flags & ~KVL_SECTION_FLAG_ANCILLARY) != 0u)
        return KVL_ERR_RESERVED;
    return KVL_OK;
}

/* §5.1 parsing, one static function per step (each with its own contract and
 * WP job): the section (step 1), the fixed header fields (step 2), the mode
 * parameters (§5.2), the record layout and sizes (step 3), the skeleton
 * values (§7.3). The checks run in the order of the spec, so the first error
 * found is the same as in one function. */

/* §5.1 step 1: a CHNK section (§4.2 framing and CRC), flags 0, whose body
 * holds at least the 24-byte chunk header. */
/*@ requires len <= 0x1FFFFFFFFFFFFFFF;
    requires \valid_read(sec + (0 .. len - 1));
    requires \valid(body_len) && \separated(sec + (0 .. len - 1), body_len);
    assigns *body_len;
    ensures \result == KVL_OK || \result == KVL_ERR_TRUNCATED || \result == KVL_ERR_CRC ||
            \result == KVL_ERR_RESERVED || \result == KVL_ERR_FIELD;
    ensures \result == KVL_OK ==>
              KVL_CHUNK_HEADER_BYTES <= *body_len && *body_len + KVL_SECTION_OVERHEAD <= len;
*/
static int chunk_section(const uint8_t *sec, size_t len, uint32_t *body_len)
{
    uint32_t type, flags;
    int st = kvl_section_parse(sec, len, &type, &flags, body_len);
    if (st != KVL_OK)
        return st;
    if (type != KVL_TAG_CHNK || flags != 0u)
        return KVL_ERR_FIELD;
    if (*body_len < KVL_CHUNK_HEADER_BYTES)
        return KVL_ERR_FIELD;
    return KVL_OK;
}

/* §5.1 step 2: chunk_index, n_vectors, record_bytes, mode and the reserved
 * bytes 13..15 (body[0 .. 15]). */
/*@ requires \valid_read(body + (0 .. 15));
    requires \valid(view) && \valid(p) && \separated(view, p);
    requires \separated(body + (0 .. 15), view, p);
    assigns view->chunk_index, view->n_vectors, view->record_bytes, *p;
    ensures \result == KVL_OK || \result == KVL_ERR_RESERVED;
*/
static int chunk_fields(const uint8_t *body, kvl_chunk_view *view, kvl_chunk_params *p)
{
    kvl_bitreader br;
    uint32_t reserved;
    kvl_br_init(&br, body, 16);
    view->chunk_index = (uint32_t)kvl_br_get(&br, 32);
    view->n_vectors = (uint32_t)kvl_br_get(&br, 32);
    view->record_bytes = (uint32_t)kvl_br_get(&br, 32);
    *p = params_zero;
    p->mode = (uint8_t)kvl_br_get(&br, 8);
    reserved = (uint32_t)kvl_br_get(&br, 24);
    if (reserved != 0u)
        return KVL_ERR_RESERVED;
    return KVL_OK;
}

/* §5.2: the 8 bytes of mode parameters (body[16 .. 23]) of *p's mode. rank
 * and has_mean (the stored skeleton, §7.3) stay 0 outside LATTICE. */
/*@ requires \valid_read(par + (0 .. 7));
    requires \valid(p) && \valid(skflags) && \valid(rank) && \valid(has_mean);
    requires \separated(p, skflags, rank, has_mean, par + (0 .. 7));
    assigns p->raw_dtype, p->fp8_block, p->fp8_scale, p->fp8_split_rope, p->lattice,
            p->outliers, p->q, p->skeleton, p->rank, *skflags, *rank, *has_mean;
    ensures \result == KVL_OK || \result == KVL_ERR_RESERVED || \result == KVL_ERR_FIELD;
    ensures \result == KVL_OK ==> p->mode == KVL_MODE_RAW || p->mode == KVL_MODE_FP8 ||
                                   p->mode == KVL_MODE_LATTICE;
    ensures \result == KVL_OK && p->mode != KVL_MODE_LATTICE ==>
              *rank == 0 && *has_mean == 0 && *skflags == 0;
    ensures \result == KVL_OK ==> p->rank == (uint8_t)*rank;
*/
static int mode_params(const uint8_t *par, kvl_chunk_params *p, uint32_t *skflags,
                       uint32_t *rank, uint32_t *has_mean)
{
    kvl_bitreader br;
    uint32_t reserved;
    *skflags = 0;
    *rank = 0;
    *has_mean = 0;
    kvl_br_init(&br, par, 8);
    switch (p->mode) {
    case KVL_MODE_RAW:
        p->raw_dtype = (uint8_t)kvl_br_get(&br, 8);
        reserved = (uint32_t)kvl_br_get(&br, 32) | (uint32_t)kvl_br_get(&br, 24);
        break;
    case KVL_MODE_FP8: {
        uint32_t lg = (uint32_t)kvl_br_get(&br, 8);
        if (lg < 5u || lg > 7u)
            return KVL_ERR_FIELD;
        p->fp8_block = (uint16_t)(1u << lg);
        p->fp8_scale = (uint8_t)kvl_br_get(&br, 8);
        p->fp8_split_rope = (uint8_t)kvl_br_get(&br, 8);
        reserved = (uint32_t)kvl_br_get(&br, 32) | (uint32_t)kvl_br_get(&br, 8);
        break;
    }
    case KVL_MODE_LATTICE:
        p->lattice = (uint8_t)kvl_br_get(&br, 8);
        p->outliers = (uint8_t)kvl_br_get(&br, 8);
        p->q = (uint16_t)kvl_br_get(&br, 16);
        *skflags = (uint32_t)kvl_br_get(&br, 8);
        *rank = (uint32_t)kvl_br_get(&br, 8);
        reserved = (uint32_t)kvl_br_get(&br, 16);
        if (*skflags > 7u)
            return KVL_ERR_RESERVED;
        *has_mean = *skflags & 1u;
        /* basis present <=> rank >= 1; the dtype bit only with a skeleton */
        if (((*skflags & 2u) != 0u) != (*rank != 0u))
            return KVL_ERR_FIELD;
        if ((*skflags & 4u) != 0u && (*skflags & 3u) == 0u)
            return KVL_ERR_FIELD;
        p->skeleton = (uint8_t)(*rank ? KVL_SKELETON_PCA
                                : *has_mean ? KVL_SKELETON_MEAN : KVL_SKELETON_NONE);
        break;
    default:
        return KVL_ERR_FIELD;
    }
    if (reserved != 0u)
        return KVL_ERR_RESERVED;
    /* the stored basis rank (0 outside LATTICE, as in params_zero) */
    p->rank = (uint8_t)*rank;
    return KVL_OK;
}

/* §5.1 step 3, sizes: a body of exactly the chunk header, the skeleton and
 * the records. The sum is computed in 64 bits and cannot wrap (the trap of §9
 * "size overflow"): every factor is bounded by the layout checks before. */
/*@ requires 1 <= n_vectors <= KVL_MAX_CHUNK_LEN && record_bytes <= 0x1FFFFFFF;
    requires 1 <= dim <= KVL_MAX_DIM && has_mean <= 1 && rank <= KVL_MAX_RANK;
    requires has_mean + rank == 0 || dim <= 512;
    assigns \nothing;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_OVERFLOW;
    ensures dim * has_mean <= 512 && rank * dim <= 32768 && 0 <= dim * (has_mean + rank) <= 33280;
    ensures \result == KVL_OK ==>
              n_vectors * record_bytes + KVL_CHUNK_HEADER_BYTES + 2 * dim * (has_mean + rank) ==
              body_len;
*/
static int chunk_body_size(uint32_t dim, uint32_t rank, uint32_t has_mean, uint32_t n_vectors,
                           uint32_t record_bytes, uint32_t body_len)
{
    uint64_t recs, skel, need;
    /*@ assert 0 <= n_vectors * record_bytes <= 1048576 * 536870911; */
    /*@ assert dim * has_mean <= 512 && rank * dim <= 32768; */
    /*@ assert 0 <= dim * (has_mean + rank) <= 33280; */
    /*@ assert (uint32_t)(has_mean + rank) == has_mean + rank; */
    /* n_vectors x record_bytes must not wrap: the trap of §9 "size overflow" */
    recs = (uint64_t)n_vectors * record_bytes;
    /*@ assert recs == n_vectors * record_bytes; */
    skel = skeleton_bytes(dim, has_mean, rank);
    /*@ assert skel == 2 * (dim * (has_mean + rank)); */
    need = recs + KVL_CHUNK_HEADER_BYTES + skel;
    if (need > KVL_MAX_SECTION_BODY)
        return KVL_ERR_OVERFLOW;
    if (need != body_len)
        return KVL_ERR_FIELD;
    return KVL_OK;
}

/* §5.1 step 3: the record layout of the parameters (§5.3), record_bytes as
 * it gives, 1 <= n_vectors <= KVL_MAX_CHUNK_LEN, then the body size. */
/*@ requires \valid(L) && \valid_read(p) && \separated(L, p);
    requires p->mode != KVL_MODE_LATTICE ==> rank == 0 && has_mean == 0;
    assigns *L;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_OVERFLOW;
    ensures \result == KVL_OK ==> 1 <= dim <= KVL_MAX_DIM && L->record_bytes == record_bytes;
    ensures \result == KVL_OK ==> record_bytes >= 1;
    ensures \result == KVL_OK ==> 1 <= n_vectors <= KVL_MAX_CHUNK_LEN;
    ensures \result == KVL_OK ==> has_mean <= 1 && rank <= KVL_MAX_RANK;
    ensures \result == KVL_OK ==> dim * has_mean <= 512 && rank * dim <= 32768 &&
                                   0 <= dim * (has_mean + rank) <= 33280;
    ensures \result == KVL_OK ==>
              n_vectors * record_bytes + KVL_CHUNK_HEADER_BYTES + 2 * dim * (has_mean + rank) ==
              body_len;
*/
static int chunk_sizes(uint32_t dim, const kvl_chunk_params *p, uint32_t rank, uint32_t has_mean,
                       uint32_t n_vectors, uint32_t record_bytes, uint32_t body_len, kvl_layout *L)
{
    int st = kvl_layout_make(dim, p, rank, has_mean, L);
    if (st != KVL_OK)
        return st;
    if (record_bytes != L->record_bytes)
        return KVL_ERR_FIELD;
    if (n_vectors == 0u || n_vectors > KVL_MAX_CHUNK_LEN)
        return KVL_ERR_FIELD;
    return chunk_body_size(dim, rank, has_mean, n_vectors, record_bytes, body_len);
}

/* §5.1 step 4: the view of a checked chunk: its parameters, and where the
 * skeleton (mean, then basis, §7.3) and the records start in the body. */
/*@ requires \valid(view) && \valid_read(p) && \separated(view, p);
    requires 1 <= dim <= KVL_MAX_DIM && has_mean <= 1 && rank <= KVL_MAX_RANK;
    requires dim * has_mean <= 512 && rank * dim <= 32768;
    requires p->rank == rank;
    assigns view->dim, view->params, view->record_bits, view->skel_dtype, view->has_mean,
            view->mean, view->basis, view->records;
    ensures view->dim == dim && view->has_mean == has_mean && view->params.rank == rank;
    ensures view->skel_dtype == KVL_DTYPE_F16 || view->skel_dtype == KVL_DTYPE_BF16;
    ensures has_mean != 0 ==> view->mean == body + KVL_CHUNK_HEADER_BYTES;
    ensures has_mean == 0 ==> view->mean == \null;
    ensures rank != 0 ==> view->basis == body + KVL_CHUNK_HEADER_BYTES + 2 * dim * has_mean;
    ensures view->records == body + KVL_CHUNK_HEADER_BYTES + 2 * dim * (has_mean + rank);
*/
static void chunk_view_set(kvl_chunk_view *view, const uint8_t *body, uint32_t dim,
                           const kvl_chunk_params *p, uint32_t record_bits, uint32_t skflags,
                           uint32_t rank, uint32_t has_mean)
{
    size_t off = KVL_CHUNK_HEADER_BYTES;
    view->dim = dim;
    view->params = *p;
    view->record_bits = record_bits;
    view->skel_dtype = (skflags & 4u) ? KVL_DTYPE_BF16 : KVL_DTYPE_F16;
    view->has_mean = (uint8_t)has_mean;
    view->mean = has_mean ? body + off : 0;
    off += has_mean ? 2u * (size_t)dim : 0u;
    /*@ assert off == KVL_CHUNK_HEADER_BYTES + 2 * dim * has_mean; */
    view->basis = rank ? body + off : 0;
    /*@ assert 0 <= rank * dim <= 32768; */
    /*@ assert (size_t)(2u * (size_t)rank) == 2 * rank; */
    /*@ assert (size_t)(2 * rank * dim) == 2 * rank * dim; */
    off += 2u * (size_t)rank * dim;
    /*@ assert off == KVL_CHUNK_HEADER_BYTES + 2 * dim * has_mean + 2 * rank * dim; */
    view->records = body + off;
}

/* §7.3: every stored skeleton value (nsk values of skel_dtype from body[24])
 * must be finite. Each value's bytes are checked against the body length
 * right before the read; the check never fails for a body that passed
 * chunk_sizes (24 + 2 nsk <= body_len), it makes every read bounded by the
 * section itself (for WP, and for EVA, which cannot bound the product nsk). */
/*@ requires nsk <= 0xFFFFFFFF;
    requires \valid_read(body + (0 .. body_len - 1));
    assigns \nothing;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD;
*/
static int skeleton_finite(const uint8_t *body, size_t body_len, uint8_t skel_dtype, size_t nsk)
{
    size_t j;
    /*@ loop invariant 0 <= j <= nsk;
        loop assigns j;
        loop variant nsk - j;
    */
    for (j = 0; j < nsk; j++) {
        /* 24 + 2j + 2 > body_len, with j alone on one side (an interval
         * analysis bounds j by it; proof/README.md "EVA") */
        if (body_len < KVL_CHUNK_HEADER_BYTES || j >= (body_len - KVL_CHUNK_HEADER_BYTES) / 2u)
            return KVL_ERR_FIELD;
        if (!kvl_f32_is_finite(kvl_skel_load(body + KVL_CHUNK_HEADER_BYTES, skel_dtype, j)))
            return KVL_ERR_FIELD;
    }
    return KVL_OK;
}

/* §5.1 step 5: the whole section's size, the last field of a checked view.
 * Its own function so that the provers see kvl_chunk_view_in (a nonlinear
 * size equation) only next to the facts it is made of. */
/*@ requires \valid(view);
    requires KVL_CHUNK_HEADER_BYTES <= body_len && body_len + KVL_SECTION_OVERHEAD <= len;
    requires 1 <= view->dim <= KVL_MAX_DIM && 1 <= view->n_vectors <= KVL_MAX_CHUNK_LEN;
    requires view->record_bytes >= 1;
    requires view->has_mean <= 1 && view->params.rank <= KVL_MAX_RANK;
    requires view->skel_dtype == KVL_DTYPE_F16 || view->skel_dtype == KVL_DTYPE_BF16;
    requires view->has_mean != 0 ==> view->mean == sec + 36;
    requires view->has_mean == 0 ==> view->mean == \null;
    requires view->params.rank != 0 ==> view->basis == sec + 36 + 2 * view->dim * view->has_mean;
    requires view->records == sec + 36 + 2 * view->dim * (view->has_mean + view->params.rank);
    requires 24 + 2 * view->dim * (view->has_mean + view->params.rank) +
             view->n_vectors * view->record_bytes == body_len;
    assigns view->section_bytes;
    ensures kvl_chunk_view_in(view, sec, len);
*/
static void chunk_view_close(kvl_chunk_view *view, const uint8_t *sec, size_t len,
                             uint32_t body_len)
{
    (void)sec; /* sec and len: named by the contract only */
    (void)len;
    view->section_bytes = (size_t)body_len + KVL_SECTION_OVERHEAD;
}

/* *view = all zero. Its own function, whose contract states only the write:
 * the provers see a write of unknown values instead of an equation between
 * two structs, which slows every goal of kvl_chunk_parse (every member is
 * set by the steps below before kvl_chunk_parse returns KVL_OK). */
/*@ requires \valid(view);
    assigns *view;
*/
static void view_clear(kvl_chunk_view *view)
{
    *view = view_zero;
}

kvl_status kvl_chunk_parse(const uint8_t *sec, size_t len, uint32_t dim, kvl_chunk_view *view)
{
    uint32_t body_len, skflags, rank, has_mean;
    kvl_chunk_params p;
    kvl_layout L;
    const uint8_t *body;
    int st;

    if (!sec || !view)
        return KVL_ERR_ARG;
    view_clear(view);
    st = chunk_section(sec, len, &body_len);
    if (st != KVL_OK)
        return (kvl_status)st;
    body = sec + 12;
    st = chunk_fields(body, view, &p);
    if (st != KVL_OK)
        return (kvl_status)st;
    st = mode_params(body + 16, &p, &skflags, &rank, &has_mean);
    if (st != KVL_OK)
        return (kvl_status)st;
    st = chunk_sizes(dim, &p, rank, has_mean, view->n_vectors, view->record_bytes, body_len, &L);
    if (st != KVL_OK)
        return (kvl_status)st;
    chunk_view_set(view, body, dim, &p, L.record_bits, skflags, rank, has_mean);
    /*@ assert (uint32_t)(has_mean + rank) == has_mean + rank; */
    /*@ assert 0 <= dim * (has_mean + rank) <= 33280; */
    /*@ assert (size_t)(dim * (has_mean + rank)) == dim * (has_mean + rank); */
    /* stored skeleton values must be finite (§7.3) */
    st = skeleton_finite(body, body_len, view->skel_dtype, (size_t)dim * (has_mean + rank));
    if (st != KVL_OK)
        return (kvl_status)st;
    chunk_view_close(view, sec, len, body_len);
    /*@ assert view->dim == dim && kvl_chunk_view_in(view, sec, len); */
    return KVL_OK;
}

/* ---- decoding ------------------------------------------------------------ */

/* The record layout of a view. A view is a public struct: one whose fields
 * do not agree with each other (not made by kvl_chunk_parse, or changed
 * since) is KVL_ERR_ARG rather than a read outside its records. */
/*@ requires \valid_read(view) && \valid(L) && \separated(view, L);
    assigns *L;
    ensures \result == KVL_OK || \result == KVL_ERR_ARG || \result == KVL_ERR_FIELD ||
            \result == KVL_ERR_OVERFLOW;
    ensures \result == KVL_OK ==> kvl_view_layout_ok(view, L);
    // the same facts outside the predicate, where WP can rewrite them
    ensures vl_fields: \result == KVL_OK ==> L->dim == view->dim &&
              L->record_bytes == view->record_bytes && L->skel_dtype == view->skel_dtype;
    ensures vl_rank: \result == KVL_OK && L->p.mode == KVL_MODE_LATTICE ==>
              L->rank == view->params.rank;
*/
static int view_layout(const kvl_chunk_view *view, kvl_layout *L)
{
    int st = kvl_layout_make(view->dim, &view->params, view->params.rank, view->has_mean, L);
    L->skel_dtype = view->skel_dtype;
    if (st != KVL_OK)
        return st;
    /* one mode at a time: the store above keeps each layout predicate */
    /*@ assert vl_raw: L->p.mode == KVL_MODE_RAW ==> kvl_layout_raw_ok(L); */
    /*@ assert vl_fp8: L->p.mode == KVL_MODE_FP8 ==> kvl_layout_fp8_ok(L); */
    /*@ assert vl_lat: L->p.mode == KVL_MODE_LATTICE ==> kvl_layout_lattice_ok(L); */
    if (L->record_bytes != view->record_bytes ||
        (view->skel_dtype != KVL_DTYPE_F16 && view->skel_dtype != KVL_DTYPE_BF16))
        return KVL_ERR_ARG;
    return KVL_OK;
}

/*@ requires view == \null || \valid_read(view);
    assigns \nothing;
    ensures \result == KVL_OK || \result == KVL_ERR_ARG || \result == KVL_ERR_OVERFLOW ||
            \result == KVL_ERR_BUFFER;
    ensures \result == KVL_OK ==> view != \null && out != \null && out_dtype <= KVL_DTYPE_BF16 &&
              n * view->dim * (out_dtype == KVL_DTYPE_F32 ? 4 : 2) <= out_cap;
*/
static int check_out(const kvl_chunk_view *view, kvl_dtype out_dtype, const void *out,
                     size_t out_cap, uint32_t n)
{
    if (!view || !out || (unsigned)out_dtype > KVL_DTYPE_BF16)
        return KVL_ERR_ARG;
    if ((uint64_t)n * view->dim > (uint64_t)(SIZE_MAX / 4u))
        return KVL_ERR_OVERFLOW;
    if (out_cap < (size_t)n * view->dim * kvl_dtype_size(out_dtype))
        return KVL_ERR_BUFFER;
    return KVL_OK;
}

/*@ requires view == \null || (\valid_read(view) && kvl_chunk_view_ok(view));
    requires out == \null || \valid((uint8_t *)out + (0 .. out_cap - 1));
    requires view != \null && out != \null ==> kvl_chunk_view_sep(view, (uint8_t *)out, out_cap);
    assigns ((uint8_t *)out)[0 .. out_cap - 1];
*/
kvl_status kvl_chunk_decode(const kvl_chunk_view *view, kvl_dtype out_dtype, void *out,
                            size_t out_cap)
{
    kvl_layout L;
    int st = check_out(view, out_dtype, out, out_cap, view ? view->n_vectors : 0u);
    if (st != KVL_OK)
        return (kvl_status)st;
    /* For the provers: the view's byte counts as kvl_mul terms (kvl_sections.h),
     * stated before view_layout (no frame to carry), then equated with L's. */
    /*@ assert out_view: kvl_mul(view->n_vectors, view->dim) * (out_dtype == KVL_DTYPE_F32 ? 4 : 2)
                         <= out_cap; */
    /*@ assert recs_view: \valid_read(view->records +
                                      (0 .. view->n_vectors * view->record_bytes - 1)) &&
                         \separated((uint8_t *)out + (0 .. out_cap - 1), view->records +
                                      (0 .. view->n_vectors * view->record_bytes - 1)); */
    /*@ assert basis_view: view->params.rank != 0 ==>
                \valid_read(view->basis + (0 .. 2 * kvl_mul(view->params.rank, view->dim) - 1)) &&
                \separated((uint8_t *)out + (0 .. out_cap - 1),
                           view->basis + (0 .. 2 * kvl_mul(view->params.rank, view->dim) - 1)); */
    st = view_layout(view, &L);
    if (st != KVL_OK)
        return (kvl_status)st;
    /*@ assert view_kept: view->n_vectors == \at(view->n_vectors, Pre) &&
                          view->record_bytes == \at(view->record_bytes, Pre) &&
                          view->dim == \at(view->dim, Pre) && view->records == \at(view->records, Pre); */
    /*@ assert same_records: view->n_vectors * L.record_bytes ==
                             view->n_vectors * view->record_bytes; */
    /*@ assert same_out: kvl_mul(view->n_vectors, L.dim) == kvl_mul(view->n_vectors, view->dim); */
    /*@ assert same_basis: L.p.mode == KVL_MODE_LATTICE ==>
                           kvl_mul(L.rank, L.dim) == kvl_mul(view->params.rank, view->dim); */
    /*@ calls kvl_ref_decode_records; */
    return (kvl_status)kvl_active_kernels()->decode_records(&L, view->mean, view->basis,
                                                            view->records, view->n_vectors,
                                                            out_dtype, out);
}

/*@ requires view == \null || (\valid_read(view) && kvl_chunk_view_ok(view));
    requires out == \null || \valid((uint8_t *)out + (0 .. out_cap - 1));
    requires view != \null && out != \null ==> kvl_chunk_view_sep(view, (uint8_t *)out, out_cap);
    assigns ((uint8_t *)out)[0 .. out_cap - 1];
*/
kvl_status kvl_chunk_decode_vector(const kvl_chunk_view *view, uint32_t i, kvl_dtype out_dtype,
                                   void *out, size_t out_cap)
{
    kvl_layout L;
    int st = check_out(view, out_dtype, out, out_cap, 1u);
    if (st != KVL_OK)
        return (kvl_status)st;
    if (i >= view->n_vectors)
        return KVL_ERR_ARG;
    /* For the provers, as in kvl_chunk_decode: record i lies inside the
     * view's records (lemma kvl_mul_step), stated before view_layout. */
    /*@ assert rec_i: kvl_mul(i, view->record_bytes) + view->record_bytes <=
                      kvl_mul(view->n_vectors, view->record_bytes); */
    /*@ assert rec_i_valid: \valid_read(view->records + (kvl_mul(i, view->record_bytes) ..
                                      kvl_mul(i, view->record_bytes) + view->record_bytes - 1)) &&
                         \separated((uint8_t *)out + (0 .. out_cap - 1), view->records +
                                      (kvl_mul(i, view->record_bytes) ..
                                       kvl_mul(i, view->record_bytes) + view->record_bytes - 1)); */
    /*@ assert basis_view: view->params.rank != 0 ==>
                \valid_read(view->basis + (0 .. 2 * kvl_mul(view->params.rank, view->dim) - 1)) &&
                \separated((uint8_t *)out + (0 .. out_cap - 1),
                           view->basis + (0 .. 2 * kvl_mul(view->params.rank, view->dim) - 1)); */
    st = view_layout(view, &L);
    if (st != KVL_OK)
        return (kvl_status)st;
    /*@ assert view_kept: view->n_vectors == \at(view->n_vectors, Pre) &&
                          view->record_bytes == \at(view->record_bytes, Pre) &&
                          view->dim == \at(view->dim, Pre) && view->records == \at(view->records, Pre); */
    /*@ assert same_basis: L.p.mode == KVL_MODE_LATTICE ==>
                           kvl_mul(L.rank, L.dim) == kvl_mul(view->params.rank, view->dim); */
    /*@ assert off_bound: 0 <= kvl_mul(i, view->record_bytes) <= 0x100000 * 0xFFFFFFFF; */
    /*@ assert off_eq: (size_t)((size_t)i * view->record_bytes) == kvl_mul(i, view->record_bytes); */
    /*@ assert rec_bytes: 1 * L.record_bytes == view->record_bytes; */
    /*@ calls kvl_ref_decode_records; */
    return (kvl_status)kvl_active_kernels()->decode_records(
        &L, view->mean, view->basis, view->records + (size_t)i * view->record_bytes, 1u, out_dtype, out);
}

kvl_status kvl_chunk_validate(const kvl_chunk_view *view)
{
    kvl_layout L;
    int st;
    if (!view)
        return KVL_ERR_ARG;
    /*@ assert basis_view: view->params.rank != 0 ==>
                \valid_read(view->basis + (0 .. 2 * kvl_mul(view->params.rank, view->dim) - 1)); */
    st = view_layout(view, &L);
    if (st != KVL_OK)
        return (kvl_status)st;
    /*@ assert view_kept: view->n_vectors == \at(view->n_vectors, Pre) &&
                          view->record_bytes == \at(view->record_bytes, Pre) &&
                          view->dim == \at(view->dim, Pre) && view->records == \at(view->records, Pre); */
    /*@ assert same_records: view->n_vectors * L.record_bytes ==
                             view->n_vectors * view->record_bytes; */
    /*@ assert same_basis: L.p.mode == KVL_MODE_LATTICE ==>
                           kvl_mul(L.rank, L.dim) == kvl_mul(view->params.rank, view->dim); */
    /*@ assert basis_L: L.p.mode == KVL_MODE_LATTICE && L.rank > 0 ==>
                \valid_read(view->basis + (0 .. 2 * kvl_mul(L.rank, L.dim) - 1)); */
    /*@ calls kvl_ref_validate_records; */
    return (kvl_status)kvl_active_kernels()->validate_records(&L, view->mean, view->basis,
                                                              view->records, view->n_vectors);
}
