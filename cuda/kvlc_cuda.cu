/*
 * kvlc_cuda.cu -- the conformance ABI (conformance/kvlc.h) over the CUDA
 * codec, so that `kvl-conform --lib` runs every golden vector and the
 * accumulated vectors of spec Appendix C through it.
 *
 * Built twice (cuda/CMakeLists.txt):
 *   libkvlc_cuda.so      GPU: chunks are encoded/decoded by the kernels of
 *                        kvl_cuda_api.cu on the device (test cuda_gpu_conform);
 *   libkvlc_cuda_emu.so  KVL_CUDA_EMULATE: the same kernels as host loops
 *                        (test cuda_conform_emu, runs without a GPU).
 *
 * The stream structure (file header, TENS/TEND/FEND, framing and CRC checks
 * of the decoder, spec §4, §9.2) is the host's job in the CUDA design: the
 * decoder uses the reference reader (kvl_reader_next) for it and the device
 * for every record; the encoder writes the framing with the host helpers of
 * kvlattice_cuda.h and every chunk section (header, skeleton, records, CRC)
 * on the device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvlattice_cuda.h"
#include "kvlc.h"

extern "C" int kvlc_abi_version(void) { return KVLC_ABI_VERSION; }

#ifdef KVL_CUDA_EMULATE
extern "C" const char *kvlc_name(void) { return "kvlattice CUDA kernels, host emulation " KVL_VERSION_STRING; }
static void *dev_alloc(size_t n) { return malloc(n ? n : 1u); }
static void dev_free(void *p) { free(p); }
static int h2d(void *d, const void *h, size_t n)
{
    if (n)
        memcpy(d, h, n);
    return 0;
}
static int d2h(void *h, const void *d, size_t n)
{
    if (n)
        memcpy(h, d, n);
    return 0;
}
static int dev_sync(void) { return 0; }
#else
extern "C" const char *kvlc_name(void) { return "kvlattice CUDA kernels (GPU) " KVL_VERSION_STRING; }
static void *dev_alloc(size_t n)
{
    void *p = 0;
    return cudaMalloc(&p, n ? n : 1u) == cudaSuccess ? p : 0;
}
static void dev_free(void *p) { cudaFree(p); }
static int h2d(void *d, const void *h, size_t n) { return n && cudaMemcpy(d, h, n, cudaMemcpyHostToDevice) != cudaSuccess; }
static int d2h(void *h, const void *d, size_t n) { return n && cudaMemcpy(h, d, n, cudaMemcpyDeviceToHost) != cudaSuccess; }
static int dev_sync(void) { return cudaDeviceSynchronize() != cudaSuccess; }
#endif

static size_t dtype_size(int dt) { return dt == KVLC_F32 ? 4u : 2u; }

/* Run one chunk on the device; returns a class or -1 (device failure). */
static int decode_chunk(const kvl_chunk_view *view, const uint8_t *stream, const uint8_t *d_stream, int out_dtype,
                        uint8_t *out, kvl_cuda_result *d_res)
{
    kvl_cuda_chunk c;
    kvl_cuda_result h;
    size_t bytes = (size_t)view->n_vectors * view->dim * dtype_size(out_dtype);
    void *d_out = 0;
    int st = kvl_cuda_chunk_from_view(view, stream, d_stream, &c);
    if (st != KVL_OK)
        return -1;
    if (out) {
        d_out = dev_alloc(bytes);
        if (!d_out)
            return -1;
    }
    if (kvl_cuda_result_reset(d_res, 0) != KVL_OK) {
        dev_free(d_out);
        return -1;
    }
    st = kvl_cuda_decode_chunk(&c, (kvl_dtype)out_dtype, d_out, bytes, d_res, 0);
    if (st == KVL_OK && (dev_sync() || d2h(&h, d_res, sizeof h)))
        st = -1;
    if (st == KVL_OK)
        st = kvl_cuda_result_status(&h, 0);
    if (st == KVL_OK && out && d2h(out, d_out, bytes))
        st = -1;
    dev_free(d_out);
    return st;
}

extern "C" int kvlc_decode(const uint8_t *stream, size_t len, int out_dtype, uint8_t *out, size_t cap,
                           size_t *out_len)
{
    kvl_reader r;
    kvl_event ev;
    size_t need = 0;
    int fits = 1, st;
    uint8_t *d_stream;
    kvl_cuda_result *d_res;
    if (!out_len || (out_dtype != KVLC_F32 && out_dtype != KVLC_F16 && out_dtype != KVLC_BF16))
        return KVL_ERR_ARG;
    *out_len = 0;
    d_stream = (uint8_t *)dev_alloc(len);
    d_res = (kvl_cuda_result *)dev_alloc(sizeof *d_res);
    if (!d_stream || !d_res || h2d(d_stream, stream, len)) {
        dev_free(d_stream);
        dev_free(d_res);
        return -1;
    }
    st = kvl_reader_init(&r, stream, len);
    while (st == KVL_OK) {
        size_t bytes;
        st = kvl_reader_next(&r, &ev);
        if (st != KVL_OK || ev.kind == KVL_EVENT_END)
            break;
        if (ev.kind != KVL_EVENT_CHUNK)
            continue;
        bytes = (size_t)ev.chunk.n_vectors * ev.chunk.dim * dtype_size(out_dtype);
        if (fits && out && bytes <= cap - need) {
            st = decode_chunk(&ev.chunk, stream, d_stream, out_dtype, out + need, d_res);
        } else {
            fits = 0;
            st = decode_chunk(&ev.chunk, stream, d_stream, out_dtype, 0, d_res);
        }
        need += bytes;
    }
    dev_free(d_stream);
    dev_free(d_res);
    if (st != KVL_OK)
        return st;
    *out_len = need;
    return fits ? KVL_OK : KVL_ERR_BUFFER;
}

typedef struct sink_buf {
    uint8_t *out;
    size_t cap, len;
} sink_buf;

static void put(sink_buf *s, const uint8_t *bytes, size_t n)
{
    if (s->out && s->len <= s->cap && n <= s->cap - s->len)
        memcpy(s->out + s->len, bytes, n);
    s->len += n;
}

/* One tensor: parameter checks as kvl_writer_begin_tensor (via the
 * reference's workspace-size function), TENS, chunks on the device, TEND. */
static int encode_tensor(sink_buf *s, const kvlc_tensor *t, uint32_t index)
{
    kvl_tensor_desc desc;
    kvl_chunk_params p;
    size_t ws = 0, sec_len, in_bytes, vec_bytes, cw = 0, cap = 0, len;
    uint8_t small[16u + 24u + KVL_MAX_NAME_LEN + 16u], *h_sec = 0;
    void *d_in = 0, *d_work = 0;
    uint8_t *d_sec = 0;
    kvl_cuda_result *d_res = 0, h;
    uint64_t done = 0;
    uint32_t chunk = 0;
    int st;
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
    st = kvl_cuda_tens_section(&desc, index, small, sizeof small, &len);
    if (st != KVL_OK)
        return st;
    put(s, small, len);
    if (t->n_vectors > 0) {
        uint32_t nmax = t->n_vectors < t->chunk_len ? (uint32_t)t->n_vectors : t->chunk_len;
        st = kvl_cuda_encode_workspace_size(t->dim, &p, nmax, &cw);
        if (st == KVL_OK)
            st = kvl_chunk_size_bound(t->dim, &p, nmax, &cap);
        if (st != KVL_OK)
            return st;
        vec_bytes = (size_t)t->dim * dtype_size(t->in_dtype);
        in_bytes = (size_t)nmax * vec_bytes;
        d_in = dev_alloc(in_bytes);
        d_work = dev_alloc(cw + 256u);
        d_sec = (uint8_t *)dev_alloc(cap);
        d_res = (kvl_cuda_result *)dev_alloc(sizeof *d_res);
        h_sec = (uint8_t *)malloc(cap);
        st = d_in && d_work && d_sec && d_res && h_sec ? KVL_OK : -1;
        while (st == KVL_OK && done < t->n_vectors) {
            uint64_t left = t->n_vectors - done;
            uint32_t n = left < t->chunk_len ? (uint32_t)left : t->chunk_len;
            void *work = (void *)(((uintptr_t)d_work + 255u) & ~(uintptr_t)255u);
            if (h2d(d_in, (const uint8_t *)t->data + done * vec_bytes, (size_t)n * vec_bytes) ||
                kvl_cuda_result_reset(d_res, 0) != KVL_OK) {
                st = -1;
                break;
            }
            st = kvl_cuda_encode_chunk(t->dim, &p, chunk, d_in, (kvl_dtype)t->in_dtype, n, NULL, work, cw, d_sec,
                                       cap, &sec_len, d_res, 0);
            if (st != KVL_OK)
                break;
            if (dev_sync() || d2h(&h, d_res, sizeof h)) {
                st = -1;
                break;
            }
            st = kvl_cuda_result_status(&h, 0);
            if (st != KVL_OK)
                break;
            if (d2h(h_sec, d_sec, sec_len)) {
                st = -1;
                break;
            }
            put(s, h_sec, sec_len);
            done += n;
            chunk++;
        }
        dev_free(d_in);
        dev_free(d_work);
        dev_free(d_sec);
        dev_free(d_res);
        free(h_sec);
        if (st != KVL_OK)
            return st;
    }
    st = kvl_cuda_tend_section(index, chunk, t->n_vectors, small, sizeof small, &len);
    if (st != KVL_OK)
        return st;
    put(s, small, len);
    return KVL_OK;
}

extern "C" int kvlc_encode(const kvlc_tensor *tensors, uint32_t n_tensors, uint8_t *out, size_t cap,
                           size_t *out_len)
{
    sink_buf s;
    uint8_t buf[32];
    size_t len;
    uint32_t i;
    int st = KVL_OK;
    if (!out_len || (n_tensors > 0 && !tensors))
        return KVL_ERR_ARG;
    *out_len = 0;
    s.out = out;
    s.cap = out ? cap : 0;
    s.len = 0;
    /* the reference writer emits the file header at the first begin_tensor,
     * after that tensor's parameter checks; the bytes of a failed encode are
     * not compared, so it is written first here */
    kvl_cuda_stream_header(buf, sizeof buf, &len);
    put(&s, buf, len);
    for (i = 0; st == KVL_OK && i < n_tensors; i++)
        st = encode_tensor(&s, &tensors[i], i);
    if (st != KVL_OK)
        return st;
    kvl_cuda_fend_section(n_tensors, buf, sizeof buf, &len);
    put(&s, buf, len);
    *out_len = s.len;
    return s.len <= s.cap ? KVL_OK : KVL_ERR_BUFFER;
}
