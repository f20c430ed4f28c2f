/* kvl_sections.h -- container constants (spec §4). */
#ifndef KVL_SECTIONS_H
#define KVL_SECTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "kvl_internal.h"

/* A section type is four ASCII bytes, read as a little-endian u32. */
#define KVL_TAG(a, b, c, d) \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))
#define KVL_TAG_TENS KVL_TAG('T', 'E', 'N', 'S') /* tensor begins (§4.3) */
#define KVL_TAG_CHNK KVL_TAG('C', 'H', 'N', 'K') /* chunk (§5) */
#define KVL_TAG_TEND KVL_TAG('T', 'E', 'N', 'D') /* tensor ends (§4.4) */
#define KVL_TAG_FEND KVL_TAG('F', 'E', 'N', 'D') /* stream ends (§4.5) */

#define KVL_FILE_HEADER_BYTES 20u        /* §4.1, version 1.0 */
#define KVL_SECTION_OVERHEAD 16u         /* type, flags, body_len, CRC */
#define KVL_SECTION_FLAG_ANCILLARY 1u    /* unknown ancillary sections are skipped */
#define KVL_MAX_SECTION_BODY 0xFFFFFFFFu /* body_len is a u32 */
#define KVL_CHUNK_HEADER_BYTES 24u
#define KVL_TENSOR_HEADER_BYTES 24u
#define KVL_TEND_BYTES 16u
#define KVL_FEND_BYTES 4u

extern const uint8_t kvl_magic[8];

/* Parse a section header at sec[0 .. len-1] (spec §4.2): type, flags,
 * body_len; checks that the whole section is present and its CRC. Reads only
 * sec[0 .. len-1]. */
/*@ requires len <= 0x1FFFFFFFFFFFFFFF;
    requires \valid_read(sec + (0 .. len - 1));
    requires \valid(type) && \valid(flags) && \valid(body_len);
    requires \separated(type, flags, body_len);
    requires \separated(sec + (0 .. len - 1), type, flags, body_len);
    assigns *type, *flags, *body_len;
    ensures \result == KVL_OK || \result == KVL_ERR_TRUNCATED || \result == KVL_ERR_CRC ||
            \result == KVL_ERR_RESERVED;
    ensures \result == KVL_OK ==> *body_len + KVL_SECTION_OVERHEAD <= len;
*/
int kvl_section_parse(const uint8_t *sec, size_t len, uint32_t *type, uint32_t *flags,
                      uint32_t *body_len);

/*@ // A chunk view accepted from sec[0 .. len-1] (spec §5.1): the section,
    // the skeleton and the records all lie inside the parsed bytes.
    predicate kvl_chunk_view_in(kvl_chunk_view *v, uint8_t *sec, integer len) =
      KVL_SECTION_OVERHEAD + KVL_CHUNK_HEADER_BYTES <= v->section_bytes <= len &&
      1 <= v->dim <= KVL_MAX_DIM &&
      1 <= v->n_vectors <= KVL_MAX_CHUNK_LEN && v->record_bytes >= 1 &&
      v->has_mean <= 1 && v->params.rank <= KVL_MAX_RANK &&
      (v->skel_dtype == KVL_DTYPE_F16 || v->skel_dtype == KVL_DTYPE_BF16) &&
      (v->has_mean != 0 ==> v->mean == sec + 36) && (v->has_mean == 0 ==> v->mean == \null) &&
      (v->params.rank != 0 ==> v->basis == sec + 36 + 2 * v->dim * v->has_mean) &&
      v->records == sec + 36 + 2 * v->dim * (v->has_mean + v->params.rank) &&
      36 + 2 * v->dim * (v->has_mean + v->params.rank) + v->n_vectors * v->record_bytes + 4 ==
        v->section_bytes;
*/
/*@ requires len <= 0x1FFFFFFFFFFFFFFF;
    requires sec == \null || \valid_read(sec + (0 .. len - 1));
    requires view == \null || \valid(view);
    requires sec != \null && view != \null ==> \separated(view, sec + (0 .. len - 1));
    assigns *view;
    ensures \result == KVL_OK ==> sec != \null && view != \null;
    ensures \result == KVL_OK ==> view->dim == dim;
    ensures view_in: \result == KVL_OK ==> kvl_chunk_view_in(view, sec, len);
*/
kvl_status kvl_chunk_parse(const uint8_t *sec, size_t len, uint32_t dim, kvl_chunk_view *view);

/*@ // A view the decoders can read (what kvl_chunk_view_in gives for a
    // readable section): its records, and the skeleton values it names.
    predicate kvl_chunk_view_ok(kvl_chunk_view *v) =
      1 <= v->dim <= KVL_MAX_DIM && 1 <= v->n_vectors <= KVL_MAX_CHUNK_LEN &&
      \valid_read(v->records + (0 .. v->n_vectors * v->record_bytes - 1)) &&
      (v->mean == \null || \valid_read(v->mean + (0 .. 2 * v->dim - 1))) &&
      (v->params.rank != 0 ==> \valid_read(v->basis + (0 .. 2 * v->params.rank * v->dim - 1)));
    // The caller's output bytes out[0 .. cap-1] overlap nothing the view names.
    predicate kvl_chunk_view_sep(kvl_chunk_view *v, uint8_t *out, integer cap) =
      \separated(out + (0 .. cap - 1), v) &&
      \separated(out + (0 .. cap - 1), v->records + (0 .. v->n_vectors * v->record_bytes - 1)) &&
      (v->mean != \null ==> \separated(out + (0 .. cap - 1), v->mean + (0 .. 2 * v->dim - 1))) &&
      (v->params.rank != 0 ==>
         \separated(out + (0 .. cap - 1), v->basis + (0 .. 2 * v->params.rank * v->dim - 1)));
    // The layout rebuilt from a view (chunk.c view_layout) matches it.
    predicate kvl_view_layout_ok(kvl_chunk_view *v, kvl_layout *L) =
      kvl_layout_decodable(L) &&
      L->dim == v->dim && L->record_bytes == v->record_bytes &&
      (L->p.mode == KVL_MODE_LATTICE ==> L->rank == v->params.rank);
*/

/*@ // a * b behind a function symbol: from a == c and b == d the provers get
    // kvl_mul(a, b) == kvl_mul(c, d) by congruence, where z3 and cvc5 do not
    // find a * b == c * d in the contexts of the chunk decoders (chunk.c).
    axiomatic KvlMul {
      logic integer kvl_mul(integer a, integer b);
      axiom kvl_mul_def: \forall integer a, b; kvl_mul(a, b) == a * b;
    }
    // record a < b of records of c bytes ends inside b records
    lemma kvl_mul_step: \forall integer a, b, c; 0 <= a < b && 0 <= c ==>
      kvl_mul(a, c) + c <= kvl_mul(b, c);
    // a record offset below 2^52 (a < 2^20 records of < 2^32 bytes)
    lemma kvl_mul_bound: \forall integer a, c; 0 <= a <= 0x100000 && 0 <= c <= 0xFFFFFFFF ==>
      0 <= kvl_mul(a, c) <= 0x100000 * 0xFFFFFFFF;
*/

/* Record checks of a parsed chunk (chunk.c; through the kernel table). Its
 * contract is assumed by the WP proof of kvl_verify and checked by EVA. */
/*@ requires view == \null || (\valid_read(view) && kvl_chunk_view_ok(view));
    assigns \nothing;
*/
kvl_status kvl_chunk_validate(const kvl_chunk_view *view);

#endif
