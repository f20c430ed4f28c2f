/*
 * kvl_cuda_api.cu -- include/kvlattice_cuda.h: the CUDA codec's host API and
 * its kernels. Compiled twice (cuda/CMakeLists.txt):
 *   kvlattice_cuda      sm_90 device code, kernels launched on a cudaStream_t;
 *   kvlattice_cuda_emu  KVL_CUDA_EMULATE: the same kernels run as host loops
 *                       (kvl_cuda_launch.cuh), "device" pointers are host
 *                       pointers; used by the host-side tests.
 *
 * Kernel map (spec sections):
 *   decode        F_dec_lattice / F_dec_plain: one thread per vector,
 *                 kc_decode_record (§6.1, §6.2, §7.7, §2.2.5)
 *   gather        F_gather: one thread per reference
 *   encode        F_load (§10.1) -> skeleton (§10.3: F_mean, F_resid, then
 *                 per basis row F_k_init, F_norms, F_start, 8 x (F_proj,
 *                 F_w, F_orth, F_vnorm), F_basis_row, F_deflate; F_zero_rows)
 *                 or caller skeleton (F_pick_mean, F_round) -> F_header,
 *                 F_skel_bytes (§5.1, §7.3) -> F_rec_* one thread per vector
 *                 (§10.4, §10.5) -> CRC (F_crc_seg, F_crc_group, F_crc_final,
 *                 §2.6) -> F_finish (status, §9.3 order)
 */
#include <stdlib.h>
#include <string.h>

#include "kvl_cuda_launch.cuh"
#include "kvlattice_cuda.h"

/* ---- encoder state in the workspace --------------------------------------- */
enum {
    KL_NONFINITE = 1u, /* an input value is NaN/Inf (§10.1) */
    KL_BIG = 2u,       /* some |x| > 1024 (or caller mean): BF16 skeleton (§10.3.1) */
    KL_RANGE = 4u      /* skeleton value / coefficient not finite (§10.3) */
};

struct kl_enc_state {
    unsigned int flags;
    unsigned int stop_k; /* first basis row that is all zero (rank: none) */
    unsigned int brk;    /* power iteration left early for the current row */
    unsigned int pad;
    unsigned long long best_key;  /* (bits(e) << 32) | ~start */
    unsigned long long rec_first; /* first record error (v << 8 | status) */
    float nn;
    float pad2[3];
};

KC_HD uint32_t kl_skel_dtype(const kl_enc_state *st)
{
    return (st->flags & KL_BIG) ? KVL_DTYPE_BF16 : KVL_DTYPE_F16;
}

KC_HD int kl_bad(const kl_enc_state *st) { return (st->flags & (KL_NONFINITE | KL_RANGE)) != 0u; }

/* ---- CRC-32C ------------------------------------------------------------- */
#define KL_CRC_SEG 4096u
#define KL_CRC_GROUP 256u

struct F_crc_seg {
    const uint8_t *data;
    uint64_t len;
    uint32_t *parts;
    KC_HD void operator()(uint64_t s) const
    {
        uint64_t off = s * KL_CRC_SEG, n = len - off < KL_CRC_SEG ? len - off : KL_CRC_SEG;
        parts[s] = kc_crc32c(0, data + off, (size_t)n);
    }
};

/* Combine consecutive CRCs parts[g*G ..] of pieces of `piece` bytes (the very
 * last piece of the whole array has `last` bytes). */
struct F_crc_group {
    const uint32_t *parts;
    uint64_t nparts;
    uint64_t piece, last;
    uint32_t *out;
    KC_HD void operator()(uint64_t g) const
    {
        uint64_t a = g * KL_CRC_GROUP, b = a + KL_CRC_GROUP < nparts ? a + KL_CRC_GROUP : nparts, s;
        uint32_t op_piece = kc_crc_x8n(piece), c = parts[a];
        for (s = a + 1; s < b; s++) {
            uint32_t op = s == nparts - 1u ? kc_crc_x8n(last) : op_piece;
            c = kc_crc_combine_op(c, parts[s], op);
        }
        out[g] = c;
    }
};

/* Final combination (one thread); writes the CRC as a u32 or as 4 LE bytes. */
struct F_crc_final {
    const uint32_t *gparts;
    uint64_t ngroups;
    uint64_t gbytes, glast;
    uint32_t *out_u32;
    uint8_t *out_le;
    KC_HD void operator()(uint64_t) const
    {
        uint32_t c = gparts[0], op = kc_crc_x8n(gbytes);
        uint64_t g;
        for (g = 1; g < ngroups; g++)
            c = kc_crc_combine_op(c, gparts[g], g == ngroups - 1u ? kc_crc_x8n(glast) : op);
        if (out_u32)
            *out_u32 = c;
        if (out_le) {
            out_le[0] = (uint8_t)c;
            out_le[1] = (uint8_t)(c >> 8);
            out_le[2] = (uint8_t)(c >> 16);
            out_le[3] = (uint8_t)(c >> 24);
        }
    }
};

static uint64_t crc_nseg(size_t len) { return len == 0 ? 0 : ((uint64_t)len + KL_CRC_SEG - 1u) / KL_CRC_SEG; }
static uint64_t crc_ngroups(uint64_t nseg) { return (nseg + KL_CRC_GROUP - 1u) / KL_CRC_GROUP; }
static size_t crc_ws_bytes(size_t len)
{
    uint64_t ns = crc_nseg(len);
    return (size_t)(4u * (ns + crc_ngroups(ns)) + 16u);
}

struct F_zero_u32 {
    uint32_t *out_u32;
    uint8_t *out_le;
    KC_HD void operator()(uint64_t) const
    {
        /* crc32c of the empty string is 0 */
        if (out_u32)
            *out_u32 = 0;
        if (out_le)
            out_le[0] = out_le[1] = out_le[2] = out_le[3] = 0;
    }
};

/* Enqueue the CRC of data[0..len) (work: crc_ws_bytes(len), 4-aligned). */
static int crc_enqueue(const uint8_t *data, size_t len, uint32_t *out_u32, uint8_t *out_le, void *work,
                       cudaStream_t s)
{
    uint64_t ns = crc_nseg(len), ng = crc_ngroups(ns);
    uint32_t *parts = (uint32_t *)work, *gparts = parts + ns;
    F_crc_seg fs;
    F_crc_group fg;
    F_crc_final ff;
    if (len == 0) {
        F_zero_u32 fz;
        fz.out_u32 = out_u32;
        fz.out_le = out_le;
        return kl_launch(1, fz, s);
    }
    fs.data = data;
    fs.len = len;
    fs.parts = parts;
    fg.parts = parts;
    fg.nparts = ns;
    fg.piece = KL_CRC_SEG;
    fg.last = len - (ns - 1u) * KL_CRC_SEG;
    fg.out = gparts;
    ff.gparts = gparts;
    ff.ngroups = ng;
    ff.gbytes = (uint64_t)KL_CRC_SEG * KL_CRC_GROUP;
    ff.glast = len - (ng - 1u) * ff.gbytes;
    ff.out_u32 = out_u32;
    ff.out_le = out_le;
    if (kl_launch(ns, fs, s) || kl_launch(ng, fg, s, 64) || kl_launch(1, ff, s, 32))
        return -1;
    return 0;
}

/* ---- decode kernels --------------------------------------------------------- */
struct F_dec_lattice {
    kc_layout L;
    const uint8_t *mean, *basis, *recs;
    uint32_t out_dtype;
    void *out;
    kvl_cuda_result *res;
    KC_HD void operator()(uint64_t v) const
    {
        int32_t k[KVL_LATTICE_MAX_DIM];
        float f[KVL_LATTICE_MAX_DIM];
        int st = kc_decode_record(&L, mean, basis, recs + v * L.record_bytes, out_dtype, out,
                                  (size_t)v * L.dim, k, f);
        if (st != KVL_OK)
            kl_atomic_min64(&res->first, (v << 8) | (unsigned)st);
    }
};

struct F_dec_plain {
    kc_layout L;
    const uint8_t *recs;
    uint32_t out_dtype;
    void *out;
    kvl_cuda_result *res;
    KC_HD void operator()(uint64_t v) const
    {
        int st = kc_decode_record(&L, (const uint8_t *)0, (const uint8_t *)0, recs + v * L.record_bytes,
                                  out_dtype, out, (size_t)v * L.dim, (int32_t *)0, (float *)0);
        if (st != KVL_OK)
            kl_atomic_min64(&res->first, (v << 8) | (unsigned)st);
    }
};

struct F_gather {
    const kvl_cuda_chunk *chunks;
    uint32_t n_chunks, dim;
    const kvl_cuda_vec_ref *refs;
    uint32_t out_dtype;
    void *out;
    kvl_cuda_result *res;
    KC_HD void operator()(uint64_t t) const
    {
        int32_t k[KVL_LATTICE_MAX_DIM];
        float f[KVL_LATTICE_MAX_DIM];
        kvl_cuda_vec_ref r = refs[t];
        const kvl_cuda_chunk *c;
        kc_layout L;
        int st;
        if (r.chunk >= n_chunks) {
            kl_atomic_min64(&res->first, (t << 8) | KVL_ERR_ARG);
            return;
        }
        c = &chunks[r.chunk];
        if (c->dim != dim || r.vector >= c->n_vectors) {
            kl_atomic_min64(&res->first, (t << 8) | KVL_ERR_ARG);
            return;
        }
        st = kc_layout_make(c->dim, &c->params, c->rank, c->has_mean, &L);
        if (st == KVL_OK) {
            L.skel_dtype = c->skel_dtype;
            if (L.mode == KVL_MODE_LATTICE && (L.dim > KVL_LATTICE_MAX_DIM))
                st = KVL_ERR_FIELD;
        }
        if (st == KVL_OK)
            st = kc_decode_record(&L, c->d_mean, c->d_basis, c->d_records + (uint64_t)r.vector * L.record_bytes,
                                  out_dtype, out, (size_t)t * dim, k, f);
        if (st != KVL_OK)
            kl_atomic_min64(&res->first, (t << 8) | (unsigned)st);
    }
};

/* ---- encode kernels --------------------------------------------------------- */
struct F_state_init {
    kl_enc_state *st;
    uint32_t rank;
    KC_HD void operator()(uint64_t) const
    {
        st->flags = 0;
        st->stop_k = rank;
        st->brk = 0;
        st->best_key = 0;
        st->rec_first = KVL_CUDA_RESULT_OK;
        st->nn = 0.0f;
    }
};

/* §10.1 input to binary32 + NONFINITE; §10.3.1 dtype rule */
struct F_load {
    const void *in;
    uint32_t dtype, check_big;
    float *xs;
    kl_enc_state *st;
    KC_HD void operator()(uint64_t i) const
    {
        float x = kc_load_in(in, dtype, (size_t)i);
        xs[i] = x;
        if (!kc_is_finite(x))
            kl_atomic_or32(&st->flags, KL_NONFINITE);
        if (check_big && !(x <= 1024.0f && x >= -1024.0f))
            kl_atomic_or32(&st->flags, KL_BIG);
    }
};

/* §10.3.1: a caller mean outside [-1024, 1024] also selects BF16 */
struct F_pick_mean {
    const float *mean;
    kl_enc_state *st;
    KC_HD void operator()(uint64_t j) const
    {
        float x = mean[j];
        if (!(x <= 1024.0f && x >= -1024.0f))
            kl_atomic_or32(&st->flags, KL_BIG);
    }
};

/* §10.3.4: round a caller skeleton array to the skeleton dtype */
struct F_round {
    const float *src;
    float *dst;
    kl_enc_state *st;
    KC_HD void operator()(uint64_t i) const
    {
        float v;
        if (st->flags & KL_NONFINITE)
            return;
        v = kc_skel_round(src[i], kl_skel_dtype(st));
        dst[i] = v;
        if (!kc_is_finite(v))
            kl_atomic_or32(&st->flags, KL_RANGE);
    }
};

/* §10.3.2 mean, column j: sequential sum in vector order */
struct F_mean {
    const float *xs;
    uint32_t n, d;
    float *mean;
    kl_enc_state *st;
    KC_HD void operator()(uint64_t j) const
    {
        float sum, mu;
        uint32_t i;
        if (st->flags & KL_NONFINITE)
            return;
        sum = xs[j];
        for (i = 1; i < n; i++)
            sum = kc_add(sum, xs[(size_t)i * d + j]);
        mu = kc_skel_round(kc_div(sum, (float)n), kl_skel_dtype(st));
        mean[j] = mu;
        if (!kc_is_finite(mu))
            kl_atomic_or32(&st->flags, KL_RANGE);
    }
};

struct F_resid {
    const float *xs, *mean;
    uint32_t d;
    float *R;
    const kl_enc_state *st;
    KC_HD void operator()(uint64_t idx) const
    {
        if (kl_bad(st))
            return;
        R[idx] = kc_sub(xs[idx], mean[idx % d]);
    }
};

struct F_k_init {
    kl_enc_state *st;
    uint32_t rank;
    KC_HD void operator()(uint64_t) const
    {
        st->best_key = 0;
        st->brk = 0;
    }
};

/* §10.3.3 step 1: e_i = dot8(R_i, R_i); the max with the lowest index. e_i is
 * +0, positive or +Inf, or NaN (never selected, as `e > best` in ref). */
struct F_norms {
    const float *R;
    uint32_t d;
    kl_enc_state *st;
    KC_HD void operator()(uint64_t i) const
    {
        float e;
        uint32_t b;
        if (kl_bad(st) || st->stop_k != KVL_MAX_RANK + 1u)
            return;
        e = kc_dot8(R + (size_t)i * d, R + (size_t)i * d, d);
        b = kc_bits(e);
        if (b <= 0x7F800000u)
            kl_atomic_max64(&st->best_key, ((unsigned long long)b << 32) | (0xFFFFFFFFu - (uint32_t)i));
    }
};

/* §10.3.3 steps 2-3 (thread j of d) */
struct F_start {
    const float *R;
    uint32_t d, k;
    float *v;
    kl_enc_state *st;
    KC_HD void operator()(uint64_t j) const
    {
        unsigned long long key;
        float best;
        uint32_t start;
        if (kl_bad(st) || st->stop_k != KVL_MAX_RANK + 1u)
            return;
        key = st->best_key;
        best = kc_float((uint32_t)(key >> 32));
        if (key == 0 || !(best > 0.0f) || !kc_is_finite(best)) {
            if (j == 0)
                st->brk = 2u; /* F_stop turns this into stop_k */
            return;
        }
        start = 0xFFFFFFFFu - (uint32_t)key;
        v[j] = kc_div(R[(size_t)start * d + j], kc_sqrt(best));
    }
};

/* stop_k is written in its own launch so that no thread of F_start reads it
 * while thread 0 writes it. */
struct F_stop {
    kl_enc_state *st;
    uint32_t k;
    KC_HD void operator()(uint64_t) const
    {
        if (st->brk == 2u && st->stop_k == KVL_MAX_RANK + 1u)
            st->stop_k = k;
    }
};

KC_HD int kl_iter_off(const kl_enc_state *st)
{
    return kl_bad(st) || st->stop_k != KVL_MAX_RANK + 1u || st->brk != 0u;
}

/* §10.3.3 step 4a */
struct F_proj {
    const float *R, *v;
    uint32_t d;
    float *p;
    const kl_enc_state *st;
    KC_HD void operator()(uint64_t i) const
    {
        if (kl_iter_off(st))
            return;
        p[i] = kc_dot8(R + (size_t)i * d, v, d);
    }
};

/* §10.3.3 step 4b: w[j] = sequential sum over i of p_i * R_i[j] */
struct F_w {
    const float *R, *p;
    uint32_t n, d;
    float *w;
    const kl_enc_state *st;
    KC_HD void operator()(uint64_t j) const
    {
        float acc;
        uint32_t i;
        if (kl_iter_off(st))
            return;
        acc = kc_mul(p[0], R[j]);
        for (i = 1; i < n; i++)
            acc = kc_add(acc, kc_mul(p[i], R[(size_t)i * d + j]));
        w[j] = acc;
    }
};

/* §10.3.3 steps 4c-4d (one thread: the deflation against earlier rows is
 * sequential in l) */
struct F_orth {
    float *w;
    const float *basis;
    uint32_t d, k;
    kl_enc_state *st;
    KC_HD void operator()(uint64_t) const
    {
        uint32_t l, j;
        float nn;
        if (kl_iter_off(st))
            return;
        for (l = 0; l < k; l++) {
            const float *bl = basis + (size_t)l * d;
            float dd = kc_dot8(w, bl, d);
            for (j = 0; j < d; j++)
                w[j] = kc_sub(w[j], kc_mul(dd, bl[j]));
        }
        nn = kc_dot8(w, w, d);
        if (!(nn > 0.0f) || !kc_is_finite(nn)) {
            st->brk = 1u;
            return;
        }
        st->nn = nn;
    }
};

/* §10.3.3 step 4e */
struct F_vnorm {
    const float *w;
    float *v;
    const kl_enc_state *st;
    KC_HD void operator()(uint64_t j) const
    {
        if (kl_iter_off(st))
            return;
        v[j] = kc_div(w[j], kc_sqrt(st->nn));
    }
};

/* §10.3.3 step 5 */
struct F_basis_row {
    const float *v;
    float *bk;
    const kl_enc_state *st;
    KC_HD void operator()(uint64_t j) const
    {
        if (kl_bad(st) || st->stop_k != KVL_MAX_RANK + 1u)
            return;
        bk[j] = kc_skel_round(v[j], kl_skel_dtype(st));
    }
};

/* §10.3.3 step 6 (row i) */
struct F_deflate {
    float *R;
    const float *bk;
    uint32_t d;
    kl_enc_state *st;
    KC_HD void operator()(uint64_t i) const
    {
        float *ri = R + (size_t)i * d, cf;
        uint32_t j;
        if (kl_bad(st) || st->stop_k != KVL_MAX_RANK + 1u)
            return;
        cf = kc_skel_round(kc_dot8(ri, bk, d), kl_skel_dtype(st));
        if (!kc_is_finite(cf)) {
            kl_atomic_or32(&st->flags, KL_RANGE);
            return;
        }
        for (j = 0; j < d; j++)
            ri[j] = kc_sub(ri[j], kc_mul(cf, bk[j]));
    }
};

/* §10.3.3 step 2: rows from the stopping row on are +0 */
struct F_zero_rows {
    float *basis;
    uint32_t d;
    const kl_enc_state *st;
    KC_HD void operator()(uint64_t idx) const
    {
        if (kl_bad(st))
            return;
        if (st->stop_k != KVL_MAX_RANK + 1u && idx / d >= st->stop_k)
            basis[idx] = 0.0f;
    }
};

/* §4.2 framing + §5.1/§5.2 chunk header (one thread) */
struct F_header {
    uint8_t *out;
    uint64_t total;
    uint32_t chunk_index, n, record_bytes, has_mean, rank;
    kvl_chunk_params p;
    const kl_enc_state *st;
    KC_HD void operator()(uint64_t) const
    {
        uint8_t h[36];
        uint32_t body = (uint32_t)(total - 16u), i;
        uint32_t tag = 0x4B4E4843u; /* "CHNK" */
        for (i = 0; i < 36u; i++)
            h[i] = 0;
        for (i = 0; i < 4u; i++) {
            h[i] = (uint8_t)(tag >> (8u * i));
            h[8u + i] = (uint8_t)(body >> (8u * i));
            h[12u + i] = (uint8_t)(chunk_index >> (8u * i));
            h[16u + i] = (uint8_t)(n >> (8u * i));
            h[20u + i] = (uint8_t)(record_bytes >> (8u * i));
        }
        h[24] = p.mode;
        if (p.mode == KVL_MODE_RAW) {
            h[28] = p.raw_dtype;
        } else if (p.mode == KVL_MODE_FP8) {
            h[28] = (uint8_t)(p.fp8_block == 32u ? 5u : p.fp8_block == 64u ? 6u : 7u);
            h[29] = p.fp8_scale;
            h[30] = p.fp8_split_rope;
        } else {
            h[28] = p.lattice;
            h[29] = p.outliers;
            h[30] = (uint8_t)p.q;
            h[31] = (uint8_t)(p.q >> 8);
            h[32] = (uint8_t)((has_mean ? 1u : 0u) | (rank ? 2u : 0u) |
                              (has_mean && kl_skel_dtype(st) == KVL_DTYPE_BF16 ? 4u : 0u));
            h[33] = (uint8_t)rank;
        }
        for (i = 0; i < 36u; i++)
            out[i] = h[i];
    }
};

/* §7.3 stored skeleton: mean then basis rows (contiguous f32 in the workspace) */
struct F_skel_bytes {
    const float *vals;
    uint8_t *out;
    const kl_enc_state *st;
    KC_HD void operator()(uint64_t i) const
    {
        uint16_t h = kc_skel_bits(vals[i], kl_skel_dtype(st));
        out[2u * i] = (uint8_t)h;
        out[2u * i + 1u] = (uint8_t)(h >> 8);
    }
};

/* §10.4 one thread per vector */
struct F_rec_lattice {
    kc_layout L;
    const float *mean, *basis, *xs;
    uint8_t *recs;
    kl_enc_state *st;
    KC_HD void operator()(uint64_t v) const
    {
        float y[KVL_LATTICE_MAX_DIM], z[KVL_LATTICE_MAX_DIM];
        int32_t k[KVL_LATTICE_MAX_DIM];
        kc_layout LL = L;
        int s;
        if (kl_bad(st))
            return;
        LL.skel_dtype = kl_skel_dtype(st);
        s = kc_lattice_encode_vector(&LL, mean, basis, xs + v * L.dim, y, z, k, recs + v * L.record_bytes);
        if (s != KVL_OK)
            kl_atomic_min64(&st->rec_first, (v << 8) | (unsigned)s);
    }
};

/* §10.5 FP8 / RAW, one thread per vector */
struct F_rec_plain {
    kc_layout L;
    const float *xs;
    uint8_t *recs;
    kl_enc_state *st;
    KC_HD void operator()(uint64_t v) const
    {
        int s;
        if (kl_bad(st))
            return;
        s = L.mode == KVL_MODE_FP8 ? kc_fp8_encode_vector(&L, xs + v * L.dim, recs + v * L.record_bytes)
                                   : kc_raw_encode_vector(&L, xs + v * L.dim, recs + v * L.record_bytes);
        if (s != KVL_OK)
            kl_atomic_min64(&st->rec_first, (v << 8) | (unsigned)s);
    }
};

/* Chunk status in the reference's order (§9.3): NONFINITE (§10.1), an
 * incomplete caller skeleton (ARG), skeleton RANGE, first record error. */
struct F_finish {
    const kl_enc_state *st;
    uint32_t chunk_index, arg_error;
    kvl_cuda_result *res;
    KC_HD void operator()(uint64_t) const
    {
        unsigned code = KVL_OK;
        if (st->flags & KL_NONFINITE)
            code = KVL_ERR_NONFINITE;
        else if (arg_error)
            code = KVL_ERR_ARG;
        else if (st->flags & KL_RANGE)
            code = KVL_ERR_RANGE;
        else if (st->rec_first != KVL_CUDA_RESULT_OK)
            code = (unsigned)(st->rec_first & 0xFFu);
        if (code != KVL_OK)
            kl_atomic_min64(&res->first, ((unsigned long long)chunk_index << 8) | code);
    }
};

/* ---- host API ------------------------------------------------------------------ */
static kvl_status launch_failed(void) { return KVL_ERR_UNSUPPORTED; }

static int misaligned(const void *p, size_t a) { return ((uintptr_t)p % a) != 0u; }

extern "C" kvl_status kvl_cuda_result_reset(kvl_cuda_result *d_result, cudaStream_t stream)
{
    if (!d_result)
        return KVL_ERR_ARG;
#ifdef KVL_CUDA_EMULATE
    (void)stream;
    d_result->first = KVL_CUDA_RESULT_OK;
    return KVL_OK;
#else
    return cudaMemsetAsync(d_result, 0xFF, sizeof *d_result, stream) == cudaSuccess ? KVL_OK
                                                                                    : launch_failed();
#endif
}

extern "C" kvl_status kvl_cuda_result_status(const kvl_cuda_result *h_result, uint64_t *position)
{
    if (!h_result)
        return KVL_ERR_ARG;
    if (h_result->first == KVL_CUDA_RESULT_OK) {
        if (position)
            *position = 0;
        return KVL_OK;
    }
    if (position)
        *position = h_result->first >> 8;
    return (kvl_status)(h_result->first & 0xFFu);
}

extern "C" kvl_status kvl_cuda_chunk_from_view(const kvl_chunk_view *view, const uint8_t *h_section,
                                               const uint8_t *d_section, kvl_cuda_chunk *out)
{
    kc_layout L;
    if (!view || !h_section || !d_section || !out || !view->records || view->records < h_section)
        return KVL_ERR_ARG;
    if (kc_layout_make(view->dim, &view->params, view->params.rank, view->has_mean, &L) != KVL_OK ||
        L.record_bytes != view->record_bytes)
        return KVL_ERR_ARG;
    memset(out, 0, sizeof *out);
    out->dim = view->dim;
    out->n_vectors = view->n_vectors;
    out->record_bytes = view->record_bytes;
    out->rank = view->params.rank;
    out->params = view->params;
    out->skel_dtype = view->skel_dtype;
    out->has_mean = view->has_mean;
    out->d_mean = view->mean ? d_section + (view->mean - h_section) : (const uint8_t *)0;
    out->d_basis = view->basis ? d_section + (view->basis - h_section) : (const uint8_t *)0;
    out->d_records = d_section + (view->records - h_section);
    return KVL_OK;
}

static size_t dsize(uint32_t dt) { return dt == KVL_DTYPE_F32 ? 4u : 2u; }

extern "C" kvl_status kvl_cuda_decode_chunk(const kvl_cuda_chunk *c, kvl_dtype out_dtype, void *d_out,
                                            size_t out_cap, kvl_cuda_result *d_result, cudaStream_t stream)
{
    kc_layout L;
    int rc;
    if (!c || !d_result || (unsigned)out_dtype > KVL_DTYPE_BF16 || !c->d_records)
        return KVL_ERR_ARG;
    if (kc_layout_make(c->dim, &c->params, c->rank, c->has_mean, &L) != KVL_OK ||
        L.record_bytes != c->record_bytes || (c->has_mean && !c->d_mean) || (c->rank && !c->d_basis))
        return KVL_ERR_ARG;
    L.skel_dtype = c->skel_dtype;
    if (d_out) {
        if ((uint64_t)c->n_vectors * c->dim > (uint64_t)(SIZE_MAX / 4u))
            return KVL_ERR_OVERFLOW;
        if (out_cap < (size_t)c->n_vectors * c->dim * dsize(out_dtype))
            return KVL_ERR_BUFFER;
        if (misaligned(d_out, dsize(out_dtype)))
            return KVL_ERR_ARG;
    }
    if (L.mode == KVL_MODE_LATTICE) {
        F_dec_lattice f;
        f.L = L;
        f.mean = c->has_mean ? c->d_mean : (const uint8_t *)0;
        f.basis = c->d_basis;
        f.recs = c->d_records;
        f.out_dtype = out_dtype;
        f.out = d_out;
        f.res = d_result;
        rc = kl_launch(c->n_vectors, f, stream, 64);
    } else {
        F_dec_plain f;
        f.L = L;
        f.recs = c->d_records;
        f.out_dtype = out_dtype;
        f.out = d_out;
        f.res = d_result;
        rc = kl_launch(c->n_vectors, f, stream, 128);
    }
    return rc ? launch_failed() : KVL_OK;
}

extern "C" kvl_status kvl_cuda_decode_gather(const kvl_cuda_chunk *d_chunks, uint32_t n_chunks, uint32_t dim,
                                             const kvl_cuda_vec_ref *d_refs, uint32_t n_refs,
                                             kvl_dtype out_dtype, void *d_out, size_t out_cap,
                                             kvl_cuda_result *d_result, cudaStream_t stream)
{
    F_gather f;
    if (!d_result || (unsigned)out_dtype > KVL_DTYPE_BF16 || (n_refs && (!d_refs || !d_chunks)) ||
        dim == 0u || dim > KVL_MAX_DIM)
        return KVL_ERR_ARG;
    if (d_out) {
        if (out_cap < (size_t)n_refs * dim * dsize(out_dtype))
            return KVL_ERR_BUFFER;
        if (misaligned(d_out, dsize(out_dtype)))
            return KVL_ERR_ARG;
    }
    f.chunks = d_chunks;
    f.n_chunks = n_chunks;
    f.dim = dim;
    f.refs = d_refs;
    f.out_dtype = out_dtype;
    f.out = d_out;
    f.res = d_result;
    return kl_launch(n_refs, f, stream, 64) ? launch_failed() : KVL_OK;
}

/* Encoder workspace layout (every region 256-byte aligned). */
struct ws_layout {
    size_t state, xs, mean, basis, R, p, v, w, crc, total;
};

static size_t al256(size_t x) { return (x + 255u) & ~(size_t)255u; }

static int ws_make(uint32_t dim, const kvl_chunk_params *p, uint32_t n, size_t section_len, ws_layout *W)
{
    size_t o = 0;
    int skel = p->mode == KVL_MODE_LATTICE && p->skeleton != KVL_SKELETON_NONE;
    uint32_t rank = skel ? p->rank : 0u;
    W->state = o;
    o += al256(sizeof(kl_enc_state));
    W->xs = o;
    o += al256((size_t)n * dim * 4u);
    W->mean = o; /* mean and basis contiguous (F_skel_bytes) */
    W->basis = o + (size_t)dim * 4u;
    o += skel ? al256((size_t)dim * 4u * (1u + rank)) : 0u;
    W->R = o;
    o += skel && rank ? al256((size_t)n * dim * 4u) : 0u;
    W->p = o;
    o += skel && rank ? al256((size_t)n * 4u) : 0u;
    W->v = o;
    o += skel && rank ? al256((size_t)dim * 4u) : 0u;
    W->w = o;
    o += skel && rank ? al256((size_t)dim * 4u) : 0u;
    W->crc = o;
    o += al256(crc_ws_bytes(section_len));
    W->total = o;
    return 0;
}

extern "C" kvl_status kvl_cuda_encode_workspace_size(uint32_t dim, const kvl_chunk_params *p, uint32_t n,
                                                     size_t *bytes)
{
    ws_layout W;
    size_t total;
    kvl_status st;
    if (!p || !bytes)
        return KVL_ERR_ARG;
    st = kvl_params_check(dim, p);
    if (st != KVL_OK)
        return st;
    if (n == 0u || n > KVL_MAX_CHUNK_LEN)
        return KVL_ERR_ARG;
    st = kvl_chunk_size_bound(dim, p, n, &total);
    if (st != KVL_OK)
        return st;
    ws_make(dim, p, n, total - 4u, &W);
    *bytes = W.total;
    return KVL_OK;
}

extern "C" kvl_status kvl_cuda_encode_chunk(uint32_t dim, const kvl_chunk_params *p, uint32_t chunk_index,
                                            const void *d_in, kvl_dtype in_dtype, uint32_t n,
                                            const kvl_skeleton *skel, void *d_work, size_t work_size,
                                            uint8_t *d_out, size_t out_cap, size_t *out_len,
                                            kvl_cuda_result *d_result, cudaStream_t stream)
{
    ws_layout W;
    size_t need, total, S;
    uint32_t has_mean = 0, rank = 0, k, it, caller = 0, arg_error = 0;
    kc_layout L;
    uint8_t *base;
    kl_enc_state *est;
    float *xs, *mean = 0, *basis = 0;
    kvl_status st;
    int rc = 0;

    if (!p || !d_in || !d_work || !d_out || !out_len || !d_result || (unsigned)in_dtype > KVL_DTYPE_BF16)
        return KVL_ERR_ARG;
    st = kvl_params_check(dim, p);
    if (st != KVL_OK)
        return st;
    st = kvl_cuda_encode_workspace_size(dim, p, n, &need);
    if (st != KVL_OK)
        return st;
    if (work_size < need)
        return KVL_ERR_BUFFER;
    st = kvl_chunk_size_bound(dim, p, n, &total);
    if (st != KVL_OK)
        return st;
    if (out_cap < total)
        return KVL_ERR_BUFFER;
    if (p->mode == KVL_MODE_LATTICE && p->skeleton != KVL_SKELETON_NONE) {
        has_mean = 1;
        rank = p->rank;
        if (skel && skel->basis && skel->rank != rank)
            return KVL_ERR_ARG;
        if (skel && (skel->mean || skel->basis)) {
            caller = 1;
            /* reported after NONFINITE, as the reference does (F_finish) */
            if (!skel->mean || (rank > 0u && !skel->basis))
                arg_error = 1;
            if ((skel->mean && misaligned(skel->mean, 4)) || (skel->basis && misaligned(skel->basis, 4)))
                return KVL_ERR_ARG;
        }
    }
    if (misaligned(d_in, dsize(in_dtype)) || misaligned(d_work, 256))
        return KVL_ERR_ARG;
    if (kc_layout_make(dim, p, rank, has_mean, &L) != KVL_OK)
        return KVL_ERR_ARG;
    ws_make(dim, p, n, total - 4u, &W);
    base = (uint8_t *)d_work;
    est = (kl_enc_state *)(base + W.state);
    xs = (float *)(base + W.xs);
    if (has_mean) {
        mean = (float *)(base + W.mean);
        basis = (float *)(base + W.basis);
    }
    S = 2u * (size_t)dim * (has_mean + rank);

    {
        F_state_init f;
        f.st = est;
        f.rank = KVL_MAX_RANK + 1u; /* "not stopped" marker */
        rc |= kl_launch(1, f, stream, 32);
    }
    {
        F_load f;
        f.in = d_in;
        f.dtype = in_dtype;
        f.check_big = has_mean;
        f.xs = xs;
        f.st = est;
        rc |= kl_launch((uint64_t)n * dim, f, stream, 256);
    }
    if (has_mean && caller && !arg_error) {
        F_pick_mean fp;
        F_round fr;
        fp.mean = skel->mean;
        fp.st = est;
        rc |= kl_launch(dim, fp, stream, 128);
        fr.st = est;
        fr.src = skel->mean;
        fr.dst = mean;
        rc |= kl_launch(dim, fr, stream, 128);
        if (rank) {
            fr.src = skel->basis;
            fr.dst = basis;
            rc |= kl_launch((uint64_t)rank * dim, fr, stream, 128);
        }
    } else if (has_mean && !caller) {
        F_mean fm;
        F_resid fres;
        float *R = (float *)(base + W.R), *pv = (float *)(base + W.p);
        float *v = (float *)(base + W.v), *w = (float *)(base + W.w);
        fm.xs = xs;
        fm.n = n;
        fm.d = dim;
        fm.mean = mean;
        fm.st = est;
        rc |= kl_launch(dim, fm, stream, 64);
        if (rank) {
            fres.xs = xs;
            fres.mean = mean;
            fres.d = dim;
            fres.R = R;
            fres.st = est;
            rc |= kl_launch((uint64_t)n * dim, fres, stream, 256);
        }
        for (k = 0; k < rank; k++) {
            F_k_init fk = {est, rank};
            F_norms fn = {R, dim, est};
            F_start fs = {R, dim, k, v, est};
            F_stop fst = {est, k};
            F_basis_row fb = {v, basis + (size_t)k * dim, est};
            F_deflate fd = {R, basis + (size_t)k * dim, dim, est};
            rc |= kl_launch(1, fk, stream, 32);
            rc |= kl_launch(n, fn, stream, 64);
            rc |= kl_launch(dim, fs, stream, 128);
            rc |= kl_launch(1, fst, stream, 32);
            for (it = 0; it < 8u; it++) {
                F_proj fpj = {R, v, dim, pv, est};
                F_w fw = {R, pv, n, dim, w, est};
                F_orth fo = {w, basis, dim, k, est};
                F_vnorm fv = {w, v, est};
                rc |= kl_launch(n, fpj, stream, 64);
                rc |= kl_launch(dim, fw, stream, 64);
                rc |= kl_launch(1, fo, stream, 32);
                rc |= kl_launch(dim, fv, stream, 128);
            }
            rc |= kl_launch(dim, fb, stream, 128);
            rc |= kl_launch(n, fd, stream, 64);
        }
        if (rank) {
            F_zero_rows fz = {basis, dim, est};
            rc |= kl_launch((uint64_t)rank * dim, fz, stream, 128);
        }
    }
    {
        F_header fh;
        fh.out = d_out;
        fh.total = total;
        fh.chunk_index = chunk_index;
        fh.n = n;
        fh.record_bytes = L.record_bytes;
        fh.has_mean = has_mean;
        fh.rank = rank;
        fh.p = *p;
        fh.st = est;
        rc |= kl_launch(1, fh, stream, 32);
    }
    if (has_mean) {
        F_skel_bytes fsb = {mean, d_out + 12u + 24u, est};
        rc |= kl_launch((uint64_t)dim * (1u + rank), fsb, stream, 128);
    }
    if (L.mode == KVL_MODE_LATTICE) {
        F_rec_lattice fr;
        fr.L = L;
        fr.mean = mean;
        fr.basis = basis;
        fr.xs = xs;
        fr.recs = d_out + 12u + 24u + S;
        fr.st = est;
        rc |= kl_launch(n, fr, stream, 64);
    } else {
        F_rec_plain fr;
        fr.L = L;
        fr.xs = xs;
        fr.recs = d_out + 12u + 24u;
        fr.st = est;
        rc |= kl_launch(n, fr, stream, 128);
    }
    rc |= crc_enqueue(d_out, total - 4u, (uint32_t *)0, d_out + total - 4u, base + W.crc, stream);
    {
        F_finish ff = {est, chunk_index, arg_error, d_result};
        rc |= kl_launch(1, ff, stream, 32);
    }
    if (rc)
        return launch_failed();
    *out_len = total;
    return KVL_OK;
}

extern "C" kvl_status kvl_cuda_crc32c_workspace_size(size_t len, size_t *bytes)
{
    if (!bytes)
        return KVL_ERR_ARG;
    *bytes = crc_ws_bytes(len);
    return KVL_OK;
}

extern "C" kvl_status kvl_cuda_crc32c(const uint8_t *d_data, size_t len, uint32_t *d_crc, void *d_work,
                                      size_t work_size, cudaStream_t stream)
{
    if ((!d_data && len) || !d_crc || !d_work || misaligned(d_crc, 4) || misaligned(d_work, 4))
        return KVL_ERR_ARG;
    if (work_size < crc_ws_bytes(len))
        return KVL_ERR_BUFFER;
    return crc_enqueue(d_data, len, d_crc, (uint8_t *)0, d_work, stream) ? launch_failed() : KVL_OK;
}

/* ---- host helpers: stream framing (spec §4, ref/stream_writer.c) ---------- */
static void le(uint8_t *p, uint64_t v, unsigned bytes)
{
    unsigned i;
    for (i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8u * i));
}

static kvl_status section(uint32_t tag, const uint8_t *b1, size_t n1, const uint8_t *b2, size_t n2, uint8_t *out,
                          size_t cap, size_t *out_len)
{
    size_t total = 16u + n1 + n2;
    if (!out_len)
        return KVL_ERR_ARG;
    *out_len = total;
    if (!out || cap < total)
        return KVL_ERR_BUFFER;
    le(out, tag, 4);
    le(out + 4, 0, 4);
    le(out + 8, n1 + n2, 4);
    if (n1)
        memcpy(out + 12, b1, n1);
    if (n2)
        memcpy(out + 12 + n1, b2, n2);
    le(out + 12 + n1 + n2, kc_crc32c(0, out, 12 + n1 + n2), 4);
    return KVL_OK;
}

extern "C" kvl_status kvl_cuda_stream_header(uint8_t *out, size_t cap, size_t *out_len)
{
    static const uint8_t magic[8] = {0x89, 'K', 'V', 'L', 0x0D, 0x0A, 0x1A, 0x0A};
    if (!out_len)
        return KVL_ERR_ARG;
    *out_len = 20u;
    if (!out || cap < 20u)
        return KVL_ERR_BUFFER;
    memcpy(out, magic, 8);
    out[8] = KVL_FORMAT_MAJOR;
    out[9] = KVL_FORMAT_MINOR;
    le(out + 10, 20u, 2);
    le(out + 12, 0, 4);
    le(out + 16, kc_crc32c(0, out, 16), 4);
    return KVL_OK;
}

extern "C" kvl_status kvl_cuda_tens_section(const kvl_tensor_desc *d, uint32_t tensor_index, uint8_t *out,
                                            size_t cap, size_t *out_len)
{
    uint8_t body[24];
    if (!d || d->dim == 0u || d->dim > KVL_MAX_DIM || d->chunk_len == 0u || d->chunk_len > KVL_MAX_CHUNK_LEN ||
        d->role > KVL_ROLE_OTHER || d->src_dtype > KVL_DTYPE_BF16 || d->layer < -1 || d->head < -1 ||
        d->name_len > KVL_MAX_NAME_LEN || (d->name_len && !d->name))
        return KVL_ERR_ARG;
    le(body, tensor_index, 4);
    le(body + 4, d->dim, 4);
    le(body + 8, d->chunk_len, 4);
    body[12] = d->role;
    body[13] = d->src_dtype;
    le(body + 14, d->name_len, 2);
    le(body + 16, (uint32_t)d->layer, 4);
    le(body + 20, (uint32_t)d->head, 4);
    return section(0x534E4554u /* TENS */, body, 24, (const uint8_t *)d->name, d->name_len, out, cap, out_len);
}

extern "C" kvl_status kvl_cuda_tend_section(uint32_t tensor_index, uint32_t n_chunks, uint64_t n_vectors,
                                            uint8_t *out, size_t cap, size_t *out_len)
{
    uint8_t body[16];
    le(body, tensor_index, 4);
    le(body + 4, n_chunks, 4);
    le(body + 8, n_vectors, 8);
    return section(0x444E4554u /* TEND */, body, 16, (const uint8_t *)0, 0, out, cap, out_len);
}

extern "C" kvl_status kvl_cuda_fend_section(uint32_t n_tensors, uint8_t *out, size_t cap, size_t *out_len)
{
    uint8_t body[4];
    le(body, n_tensors, 4);
    return section(0x444E4546u /* FEND */, body, 4, (const uint8_t *)0, 0, out, cap, out_len);
}

extern "C" int kvl_cuda_device_count(void)
{
#ifdef KVL_CUDA_EMULATE
    return 0;
#else
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess)
        return 0;
    return n;
#endif
}
