/*
 * kvlc_ref.c -- the conformance ABI (kvlc.h) implemented with the reference
 * library. Built as libkvlc_ref.so (what `kvl-conform --lib` loads in the
 * self-test) and linked into the vector generator; the mutation test builds
 * it again over deliberately broken copies of ref/.
 */
#include <stdlib.h>
#include <string.h>

#include "kvlattice.h"
#include "kvlc.h"

int kvlc_abi_version(void) { return KVLC_ABI_VERSION; }

const char *kvlc_name(void) { return "kvlattice reference " KVL_VERSION_STRING; }

static size_t dtype_size(int dt) { return dt == KVLC_F32 ? 4u : 2u; }

/* Decode every chunk in stream order. Once the output no longer fits, keep
 * validating (so a later stream error is still reported first) and count the
 * bytes needed. */
int kvlc_decode(const uint8_t *stream, size_t len, int out_dtype, uint8_t *out, size_t cap,
                size_t *out_len)
{
    kvl_reader r;
    kvl_event ev;
    size_t need = 0;
    int fits = 1;
    kvl_status st;
    if (!out_len || (out_dtype != KVLC_F32 && out_dtype != KVLC_F16 && out_dtype != KVLC_BF16))
        return KVL_ERR_ARG;
    *out_len = 0;
    st = kvl_reader_init(&r, stream, len);
    while (st == KVL_OK) {
        size_t bytes;
        st = kvl_reader_next(&r, &ev);
        if (st != KVL_OK || ev.kind == KVL_EVENT_END)
            break;
        if (ev.kind != KVL_EVENT_CHUNK)
            continue;
        bytes = (size_t)ev.chunk.n_vectors * ev.chunk.dim * dtype_size(out_dtype);
        if (fits && out && bytes <= cap - need)
            st = kvl_chunk_decode(&ev.chunk, (kvl_dtype)out_dtype, out + need, cap - need);
        else {
            fits = 0;
            st = kvl_chunk_validate(&ev.chunk);
        }
        need += bytes;
    }
    if (st != KVL_OK)
        return st;
    *out_len = need;
    return fits ? KVL_OK : KVL_ERR_BUFFER;
}

typedef struct sink_buf {
    uint8_t *out;
    size_t cap, len;
} sink_buf;

/* Copies while the bytes fit, counts the rest (for the BUFFER answer). */
static int sink_to_buf(void *ctx, const uint8_t *bytes, size_t n)
{
    sink_buf *s = (sink_buf *)ctx;
    if (s->out && s->len <= s->cap && n <= s->cap - s->len)
        memcpy(s->out + s->len, bytes, n);
    s->len += n;
    return 0;
}

/* Returns a class, or -1 when the workspace cannot be allocated. */
static int encode_tensor(kvl_writer *w, const kvlc_tensor *t)
{
    kvl_tensor_desc desc;
    kvl_chunk_params p;
    size_t ws = 0;
    void *work;
    kvl_status st;
    memset(&desc, 0, sizeof desc);
    memset(&p, 0, sizeof p);
    desc.dim = t->dim;
    desc.chunk_len = t->chunk_len;
    desc.role = t->role;
    desc.src_dtype = t->in_dtype;
    desc.layer = t->layer;
    desc.head = t->head;
    desc.name_len = t->name_len;
    desc.name = t->name;
    p.mode = t->mode;
    p.raw_dtype = t->raw_dtype;
    p.fp8_block = t->fp8_block;
    p.fp8_scale = t->fp8_scale;
    p.fp8_split_rope = t->fp8_split_rope;
    p.lattice = t->lattice;
    p.q = t->q;
    p.outliers = t->outliers;
    p.skeleton = t->skeleton;
    p.rank = t->rank;
    st = kvl_writer_workspace_size(&desc, &p, (kvl_dtype)t->in_dtype, &ws);
    if (st != KVL_OK)
        return st;
    work = malloc(ws ? ws : 1u);
    if (!work)
        return -1; /* an implementation failure, not a class (kvlc.h) */
    st = kvl_writer_begin_tensor(w, &desc, &p, (kvl_dtype)t->in_dtype, NULL, work, ws);
    if (st == KVL_OK && t->n_vectors > 0)
        st = kvl_writer_append(w, t->data, t->n_vectors);
    if (st == KVL_OK)
        st = kvl_writer_end_tensor(w);
    free(work);
    return st;
}

int kvlc_encode(const kvlc_tensor *tensors, uint32_t n_tensors, uint8_t *out, size_t cap,
                size_t *out_len)
{
    kvl_writer w;
    sink_buf s;
    uint32_t i;
    int st;
    if (!out_len || (n_tensors > 0 && !tensors))
        return KVL_ERR_ARG;
    *out_len = 0;
    s.out = out;
    s.cap = out ? cap : 0;
    s.len = 0;
    st = kvl_writer_init(&w, sink_to_buf, &s);
    for (i = 0; st == KVL_OK && i < n_tensors; i++)
        st = encode_tensor(&w, &tensors[i]);
    if (st == KVL_OK)
        st = kvl_writer_finish(&w);
    if (st != KVL_OK)
        return st;
    *out_len = s.len;
    return s.len <= s.cap ? KVL_OK : KVL_ERR_BUFFER;
}
