/* stream_writer.c -- streaming encoder of a whole stream (spec §4, §10.2).
 *
 * Vectors are appended to an open tensor; each time chunk_len vectors are
 * buffered the chunk is encoded and handed to the sink, so a stream of any
 * length is written with one chunk of caller-provided workspace.
 */
#include <string.h>

#include "kvl_internal.h"
#include "kvl_sections.h"

enum { WS_INIT = 0, WS_OPEN = 1, WS_TENSOR = 2, WS_DONE = 3, WS_FAILED = 4 };

static size_t align16(size_t v) { return (v + 15u) & ~(size_t)15u; }

static void le(uint8_t *p, uint64_t v, unsigned bytes)
{
    unsigned i;
    for (i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8u * i));
}

static int emit(kvl_writer *w, const uint8_t *bytes, size_t len)
{
    if (len && w->sink(w->sink_ctx, bytes, len) != 0)
        return KVL_ERR_IO;
    w->bytes_written += len;
    return KVL_OK;
}

/* §4.2: type | flags | body_len | body (in up to two pieces) | CRC-32C. */
static int emit_section(kvl_writer *w, uint32_t tag, const uint8_t *b1, size_t n1,
                        const uint8_t *b2, size_t n2)
{
    uint8_t hdr[12], tail[4];
    uint32_t crc;
    int st;
    le(hdr, tag, 4);
    le(hdr + 4, 0, 4);
    le(hdr + 8, n1 + n2, 4);
    crc = kvl_crc32c(0, hdr, 12);
    crc = kvl_crc32c(crc, b1, n1);
    crc = kvl_crc32c(crc, b2, n2);
    le(tail, crc, 4);
    st = emit(w, hdr, 12);
    if (st == KVL_OK)
        st = emit(w, b1, n1);
    if (st == KVL_OK)
        st = emit(w, b2, n2);
    if (st == KVL_OK)
        st = emit(w, tail, 4);
    return st;
}

static int emit_file_header(kvl_writer *w)
{
    uint8_t h[KVL_FILE_HEADER_BYTES];
    memcpy(h, kvl_magic, 8);
    h[8] = KVL_FORMAT_MAJOR;
    h[9] = KVL_FORMAT_MINOR;
    le(h + 10, KVL_FILE_HEADER_BYTES, 2);
    le(h + 12, 0, 4); /* flags: reserved */
    le(h + 16, kvl_crc32c(0, h, 16), 4);
    return emit(w, h, sizeof h);
}

static kvl_status failed(kvl_writer *w, int st)
{
    w->state = WS_FAILED;
    return (kvl_status)st;
}

kvl_status kvl_writer_init(kvl_writer *w, kvl_sink_fn sink, void *sink_ctx)
{
    if (!w || !sink)
        return KVL_ERR_ARG;
    memset(w, 0, sizeof *w);
    w->sink = sink;
    w->sink_ctx = sink_ctx;
    w->state = WS_INIT;
    return KVL_OK;
}

static int check_desc(const kvl_tensor_desc *d)
{
    if (!d || d->dim == 0u || d->dim > KVL_MAX_DIM || d->chunk_len == 0u ||
        d->chunk_len > KVL_MAX_CHUNK_LEN || d->role > KVL_ROLE_OTHER ||
        d->src_dtype > KVL_DTYPE_BF16 || d->layer < -1 || d->head < -1 ||
        d->name_len > KVL_MAX_NAME_LEN || (d->name_len && !d->name))
        return KVL_ERR_ARG;
    return KVL_OK;
}

/* Sizes of the three workspace regions: pending input, encoded chunk, encoder. */
static int workspace_parts(const kvl_tensor_desc *d, const kvl_chunk_params *p, kvl_dtype in_dtype,
                           size_t *pending, size_t *chunk, size_t *enc)
{
    int st = check_desc(d);
    if (st != KVL_OK)
        return st;
    if ((unsigned)in_dtype > KVL_DTYPE_BF16)
        return KVL_ERR_ARG;
    st = kvl_chunk_size_bound(d->dim, p, d->chunk_len, chunk);
    if (st != KVL_OK)
        return st;
    st = kvl_encode_workspace_size(d->dim, p, d->chunk_len, enc);
    if (st != KVL_OK)
        return st;
    *pending = (size_t)d->chunk_len * d->dim * kvl_dtype_size(in_dtype);
    return KVL_OK;
}

kvl_status kvl_writer_workspace_size(const kvl_tensor_desc *desc, const kvl_chunk_params *p,
                                     kvl_dtype in_dtype, size_t *bytes)
{
    size_t a, b, c;
    int st = workspace_parts(desc, p, in_dtype, &a, &b, &c);
    if (st != KVL_OK)
        return (kvl_status)st;
    if (!bytes)
        return KVL_ERR_ARG;
    *bytes = align16(a) + align16(b) + align16(c) + 16u;
    return KVL_OK;
}

kvl_status kvl_writer_begin_tensor(kvl_writer *w, const kvl_tensor_desc *desc,
                                   const kvl_chunk_params *p, kvl_dtype in_dtype,
                                   const kvl_skeleton *skel, void *work, size_t work_size)
{
    size_t a, b, c, need;
    uint8_t body[KVL_TENSOR_HEADER_BYTES];
    uint8_t *base;
    int st;
    if (!w || !p || !work)
        return KVL_ERR_ARG;
    if (w->state != WS_INIT && w->state != WS_OPEN)
        return KVL_ERR_STATE;
    st = workspace_parts(desc, p, in_dtype, &a, &b, &c);
    if (st != KVL_OK)
        return (kvl_status)st;
    need = align16(a) + align16(b) + align16(c) + 16u;
    if (work_size < need)
        return KVL_ERR_BUFFER;
    if (w->state == WS_INIT) {
        st = emit_file_header(w);
        if (st != KVL_OK)
            return failed(w, st);
        w->state = WS_OPEN;
    }
    base = (uint8_t *)work;
    base += (16u - (size_t)((uintptr_t)base & 15u)) & 15u;
    w->pending = base;
    w->chunk_out = base + align16(a);
    w->chunk_cap = b;
    w->enc_work = base + align16(a) + align16(b);
    w->enc_work_size = c;
    w->work = (uint8_t *)work;
    w->work_size = work_size;
    w->desc = *desc;
    w->params = *p;
    w->skel = skel;
    w->in_dtype = (uint8_t)in_dtype;
    w->pending_n = 0;
    w->chunk_index = 0;
    w->n_vectors = 0;
    /* §4.3 tensor header */
    le(body, w->n_tensors, 4);
    le(body + 4, desc->dim, 4);
    le(body + 8, desc->chunk_len, 4);
    body[12] = desc->role;
    body[13] = desc->src_dtype;
    le(body + 14, desc->name_len, 2);
    le(body + 16, (uint32_t)desc->layer, 4);
    le(body + 20, (uint32_t)desc->head, 4);
    st = emit_section(w, KVL_TAG_TENS, body, sizeof body, (const uint8_t *)desc->name, desc->name_len);
    if (st != KVL_OK)
        return failed(w, st);
    w->state = WS_TENSOR;
    return KVL_OK;
}

static int flush_chunk(kvl_writer *w)
{
    size_t len = 0;
    int st;
    if (w->pending_n == 0u)
        return KVL_OK;
    if (w->chunk_index == UINT32_MAX)
        return KVL_ERR_OVERFLOW;
    st = kvl_chunk_encode(w->desc.dim, &w->params, w->chunk_index, w->pending,
                          (kvl_dtype)w->in_dtype, w->pending_n, w->skel, w->enc_work,
                          w->enc_work_size, w->chunk_out, w->chunk_cap, &len);
    if (st != KVL_OK)
        return st;
    st = emit(w, w->chunk_out, len);
    if (st != KVL_OK)
        return st;
    w->chunk_index++;
    w->pending_n = 0;
    return KVL_OK;
}

kvl_status kvl_writer_append(kvl_writer *w, const void *vectors, uint64_t n)
{
    const uint8_t *src = (const uint8_t *)vectors;
    size_t vec_bytes;
    if (!w || (!vectors && n))
        return KVL_ERR_ARG;
    if (w->state != WS_TENSOR)
        return KVL_ERR_STATE;
    vec_bytes = (size_t)w->desc.dim * kvl_dtype_size(w->in_dtype);
    while (n > 0u) {
        uint64_t take = w->desc.chunk_len - w->pending_n;
        if (take > n)
            take = n;
        memcpy(w->pending + (size_t)w->pending_n * vec_bytes, src, (size_t)take * vec_bytes);
        w->pending_n += (uint32_t)take;
        w->n_vectors += take;
        src += (size_t)take * vec_bytes;
        n -= take;
        if (w->pending_n == w->desc.chunk_len) {
            int st = flush_chunk(w);
            if (st != KVL_OK)
                return failed(w, st);
        }
    }
    return KVL_OK;
}

kvl_status kvl_writer_end_tensor(kvl_writer *w)
{
    uint8_t body[KVL_TEND_BYTES];
    int st;
    if (!w)
        return KVL_ERR_ARG;
    if (w->state != WS_TENSOR)
        return KVL_ERR_STATE;
    st = flush_chunk(w);
    if (st != KVL_OK)
        return failed(w, st);
    le(body, w->n_tensors, 4);
    le(body + 4, w->chunk_index, 4);
    le(body + 8, w->n_vectors, 8);
    st = emit_section(w, KVL_TAG_TEND, body, sizeof body, 0, 0);
    if (st != KVL_OK)
        return failed(w, st);
    w->n_tensors++;
    w->state = WS_OPEN;
    return KVL_OK;
}

kvl_status kvl_writer_finish(kvl_writer *w)
{
    uint8_t body[KVL_FEND_BYTES];
    int st;
    if (!w)
        return KVL_ERR_ARG;
    if (w->state != WS_INIT && w->state != WS_OPEN)
        return KVL_ERR_STATE;
    if (w->state == WS_INIT) {
        st = emit_file_header(w);
        if (st != KVL_OK)
            return failed(w, st);
    }
    le(body, w->n_tensors, 4);
    st = emit_section(w, KVL_TAG_FEND, body, sizeof body, 0, 0);
    if (st != KVL_OK)
        return failed(w, st);
    w->state = WS_DONE;
    return KVL_OK;
}
