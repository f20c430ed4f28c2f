/* stream_edit.h -- surgery on a case's stream for faulty and unusual vectors.
 * Every edit marks the case decoder-only (the stream is no longer the
 * encoder's output). Offsets are byte offsets into c->stream. */
#ifndef KVL_VG_STREAM_EDIT_H
#define KVL_VG_STREAM_EDIT_H

#include "kvl_internal.h"
#include "vg.h"

#define SE_TENS 0x534E4554u
#define SE_CHNK 0x4B4E4843u
#define SE_TEND 0x444E4554u
#define SE_FEND 0x444E4546u

/* Offset of the occ-th (0-based) section of `type`; dies if absent. */
size_t se_section(const vg_case *c, uint32_t type, int occ);
uint32_t se_body_len(const vg_case *c, size_t sec);
/* Little-endian read / write of `width` bytes at `at`. */
uint64_t se_get(const vg_case *c, size_t at, unsigned width);
void se_put(vg_case *c, size_t at, unsigned width, uint64_t v);
/* Recompute every CRC (header and sections) so that the edit is what fails. */
void se_reseal(vg_case *c);
void se_insert(vg_case *c, size_t at, const uint8_t *bytes, size_t n);
void se_delete(vg_case *c, size_t at, size_t n);
void se_truncate(vg_case *c, size_t len);
/* A complete section (framing + CRC) appended to dst; returns its size. */
size_t se_make_section(uint8_t *dst, uint32_t type, uint32_t flags, const uint8_t *body, uint32_t n);
/* The occ-th chunk parsed (dim from the enclosing TENS), its layout, and the
 * offset of record `vec`. */
void se_chunk(const vg_case *c, int occ, kvl_chunk_view *view, kvl_layout *L, size_t *rec0);
/* Bit field write/read inside a record (LSB-first, spec §2.5). */
void se_put_bits(vg_case *c, size_t rec, uint64_t bit, unsigned n, uint64_t v);
uint64_t se_get_bits(const vg_case *c, size_t rec, uint64_t bit, unsigned n);

#endif /* KVL_VG_STREAM_EDIT_H */
