/* stream_edit.c -- stream surgery for faulty/unusual vectors (stream_edit.h). */
#include <stdlib.h>
#include <string.h>

#include "accumulate.h"
#include "stream_edit.h"

uint64_t se_get(const vg_case *c, size_t at, unsigned width)
{
    uint64_t v = 0;
    unsigned i;
    if (at + width > c->stream_len)
        vg_die("se_get past the end (%zu)", at);
    for (i = 0; i < width; i++)
        v |= (uint64_t)c->stream[at + i] << (8u * i);
    return v;
}

void se_put(vg_case *c, size_t at, unsigned width, uint64_t v)
{
    unsigned i;
    if (at + width > c->stream_len)
        vg_die("se_put past the end (%zu)", at);
    for (i = 0; i < width; i++)
        c->stream[at + i] = (uint8_t)(v >> (8u * i));
    vg_decoder_only(c);
}

uint32_t se_body_len(const vg_case *c, size_t sec) { return (uint32_t)se_get(c, sec + 8, 4); }

size_t se_section(const vg_case *c, uint32_t type, int occ)
{
    size_t pos = (size_t)se_get(c, 10, 2);
    while (pos + 12 <= c->stream_len) {
        if ((uint32_t)se_get(c, pos, 4) == type && occ-- == 0)
            return pos;
        pos += 16u + se_body_len(c, pos);
    }
    vg_die("section %08x #%d not found", (unsigned)type, occ);
    return 0;
}

void se_reseal(vg_case *c)
{
    kvlc_acc_reseal(c->stream, c->stream_len);
    vg_decoder_only(c);
}

void se_insert(vg_case *c, size_t at, const uint8_t *bytes, size_t n)
{
    uint8_t *p = (uint8_t *)realloc(c->stream, c->stream_len + n);
    if (!p || at > c->stream_len)
        vg_die("se_insert failed");
    memmove(p + at + n, p + at, c->stream_len - at);
    memcpy(p + at, bytes, n);
    c->stream = p;
    c->stream_len += n;
    vg_decoder_only(c);
}

void se_delete(vg_case *c, size_t at, size_t n)
{
    if (at + n > c->stream_len)
        vg_die("se_delete past the end");
    memmove(c->stream + at, c->stream + at + n, c->stream_len - at - n);
    c->stream_len -= n;
    vg_decoder_only(c);
}

void se_truncate(vg_case *c, size_t len)
{
    if (len > c->stream_len)
        vg_die("se_truncate grows");
    c->stream_len = len;
    vg_decoder_only(c);
}

size_t se_make_section(uint8_t *dst, uint32_t type, uint32_t flags, const uint8_t *body, uint32_t n)
{
    uint32_t vals[3], i, crc;
    vals[0] = type;
    vals[1] = flags;
    vals[2] = n;
    for (i = 0; i < 12; i++)
        dst[i] = (uint8_t)(vals[i / 4] >> (8u * (i % 4)));
    if (n)
        memcpy(dst + 12, body, n);
    crc = kvl_crc32c(0, dst, 12u + (size_t)n);
    for (i = 0; i < 4; i++)
        dst[12 + n + i] = (uint8_t)(crc >> (8u * i));
    return 16u + (size_t)n;
}

void se_chunk(const vg_case *c, int occ, kvl_chunk_view *view, kvl_layout *L, size_t *rec0)
{
    size_t sec = se_section(c, SE_CHNK, occ), pos = sec, tens = 0;
    int st;
    /* the enclosing TENS is the last one before the chunk */
    pos = (size_t)se_get(c, 10, 2);
    while (pos < sec) {
        if ((uint32_t)se_get(c, pos, 4) == SE_TENS)
            tens = pos;
        pos += 16u + se_body_len(c, pos);
    }
    if (!tens)
        vg_die("chunk without TENS");
    st = kvl_chunk_parse(c->stream + sec, c->stream_len - sec, (uint32_t)se_get(c, tens + 16, 4), view);
    if (st != KVL_OK)
        vg_die("se_chunk: chunk %d does not parse (%s)", occ, kvl_status_name(st));
    st = kvl_layout_make(view->dim, &view->params, view->params.rank, view->has_mean, L);
    if (st != KVL_OK)
        vg_die("se_chunk: layout");
    *rec0 = (size_t)(view->records - c->stream);
}

void se_put_bits(vg_case *c, size_t rec, uint64_t bit, unsigned n, uint64_t v)
{
    unsigned i;
    for (i = 0; i < n; i++) {
        uint64_t b = bit + i;
        size_t at = rec + (size_t)(b >> 3);
        uint8_t m = (uint8_t)(1u << (b & 7u));
        if (at >= c->stream_len)
            vg_die("se_put_bits past the end");
        c->stream[at] = (uint8_t)(((v >> i) & 1u) ? (c->stream[at] | m) : (c->stream[at] & ~m));
    }
    vg_decoder_only(c);
}

uint64_t se_get_bits(const vg_case *c, size_t rec, uint64_t bit, unsigned n)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < n; i++) {
        uint64_t b = bit + i;
        v |= (uint64_t)((c->stream[rec + (size_t)(b >> 3)] >> (b & 7u)) & 1u) << i;
    }
    return v;
}
