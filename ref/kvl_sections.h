/* kvl_sections.h -- container constants (spec §4). */
#ifndef KVL_SECTIONS_H
#define KVL_SECTIONS_H

#include <stdint.h>

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

int kvl_section_parse(const uint8_t *sec, size_t len, uint32_t *type, uint32_t *flags,
                      uint32_t *body_len);

#endif
