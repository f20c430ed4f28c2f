/* pipeline.c -- whole-array encode / decode over the public API. */
#include "pipeline.h"

#include <stdlib.h>

kvl_status pipe_encode(const kvl_tensor_desc *desc, const kvl_chunk_params *p, const void *data,
                       int in_dtype, uint64_t rows, kvl_sink_fn sink, void *sink_ctx)
{
    kvl_writer w;
    size_t ws = 0;
    void *work;
    kvl_status st = kvl_writer_init(&w, sink, sink_ctx);
    if (st == KVL_OK)
        st = kvl_writer_workspace_size(desc, p, (kvl_dtype)in_dtype, &ws);
    if (st != KVL_OK)
        return st;
    work = malloc(ws);
    if (!work)
        return KVL_ERR_BUFFER;
    st = kvl_writer_begin_tensor(&w, desc, p, (kvl_dtype)in_dtype, 0, work, ws);
    if (st == KVL_OK)
        st = kvl_writer_append(&w, data, rows);
    if (st == KVL_OK)
        st = kvl_writer_end_tensor(&w);
    if (st == KVL_OK)
        st = kvl_writer_finish(&w);
    free(work);
    return st;
}

kvl_status pipe_scan(const uint8_t *buf, size_t len, int tensor, uint64_t *values, uint32_t *dim,
                     int *src_dtype)
{
    kvl_reader r;
    kvl_event ev;
    int found = 0;
    kvl_status st = kvl_reader_init(&r, buf, len);
    *values = 0;
    *dim = 0;
    *src_dtype = KVL_DTYPE_F32;
    while (st == KVL_OK) {
        st = kvl_reader_next(&r, &ev);
        if (st != KVL_OK || ev.kind == KVL_EVENT_END)
            break;
        if (ev.kind != KVL_EVENT_TENSOR_END)
            continue;
        if (tensor >= 0 && (uint32_t)tensor != ev.tensor_index)
            continue;
        if (!found) {
            *src_dtype = ev.tensor.src_dtype;
            *dim = ev.tensor.dim;
        } else if (ev.tensor.dim != *dim) {
            *dim = 0; /* mixed dims: only a flat output is possible */
        }
        if (ev.n_vectors > (UINT64_MAX - *values) / ev.tensor.dim)
            return KVL_ERR_OVERFLOW;
        *values += ev.n_vectors * ev.tensor.dim;
        found = 1;
    }
    if (st == KVL_OK && !found && tensor >= 0)
        return KVL_ERR_ARG;
    return st;
}

kvl_status pipe_decode(const uint8_t *buf, size_t len, int tensor, int out_dtype, void *out,
                       size_t out_cap)
{
    kvl_reader r;
    kvl_event ev;
    size_t off = 0, esize = out_dtype == KVL_DTYPE_F32 ? 4u : 2u;
    kvl_status st = kvl_reader_init(&r, buf, len);
    while (st == KVL_OK) {
        size_t bytes;
        st = kvl_reader_next(&r, &ev);
        if (st != KVL_OK || ev.kind == KVL_EVENT_END)
            break;
        if (ev.kind != KVL_EVENT_CHUNK || (tensor >= 0 && (uint32_t)tensor != ev.tensor_index))
            continue;
        bytes = (size_t)ev.chunk.n_vectors * ev.chunk.dim * esize;
        if (bytes > out_cap - off)
            return KVL_ERR_BUFFER;
        st = kvl_chunk_decode(&ev.chunk, (kvl_dtype)out_dtype, (uint8_t *)out + off, out_cap - off);
        off += bytes;
    }
    return st;
}
