/* check_asm.c -- KVL_CHECK_ASM builds (cmake -DKVL_CHECK_ASM=ON): every entry
 * of the AVX2 table runs the AVX2 kernel and the reference on copies of its
 * inputs and outputs, and abort()s with a message at the first difference in
 * status, return value or output bytes (the idea of opus' OPUS_CHECK_ASM).
 * A debugging build: it allocates per call and is slower than the reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fast.h"

static void fail(const char *fn, const char *what)
{
    fprintf(stderr, "kvlattice CHECK_ASM: avx2 %s differs from the reference: %s\n", fn, what);
    abort();
}

/* A copy of n bytes (n may be 0); NULL stays NULL. */
static void *dup_bytes(const void *p, size_t n)
{
    void *q;
    if (!p)
        return 0;
    q = malloc(n ? n : 1u);
    if (!q)
        fail("(any)", "out of memory in the checker");
    if (n)
        memcpy(q, p, n);
    return q;
}

static void same_bytes(const char *fn, const void *a, const void *b, size_t n, const char *what)
{
    if (n && memcmp(a, b, n) != 0)
        fail(fn, what);
}

static void same_status(const char *fn, int a, int b)
{
    char msg[96];
    if (a != b) {
        snprintf(msg, sizeof msg, "status %d (avx2) vs %d (ref)", a, b);
        fail(fn, msg);
    }
}

static uint32_t c_crc32c(uint32_t crc, const uint8_t *data, size_t len)
{
    uint32_t a = kvl_kernels_avx2.crc32c(crc, data, len), b = kvl_kernels_ref.crc32c(crc, data, len);
    if (a != b)
        fail("crc32c", "value");
    return a;
}

static int c_load_f32(const void *in, uint32_t dtype, size_t n, float *xs)
{
    float *ys = (float *)dup_bytes(xs, n * sizeof(float));
    int a = kvl_kernels_avx2.load_f32(in, dtype, n, xs), b = kvl_kernels_ref.load_f32(in, dtype, n, ys);
    same_status("load_f32", a, b);
    if (a == KVL_OK)
        same_bytes("load_f32", xs, ys, n * sizeof(float), "values");
    free(ys);
    return a;
}

static int c_store_f32(const float *v, uint32_t dtype, size_t n, void *out)
{
    size_t bytes = n * kvl_dtype_size(dtype);
    void *o2 = dup_bytes(out, bytes);
    int a = kvl_kernels_avx2.store_f32(v, dtype, n, out), b = kvl_kernels_ref.store_f32(v, dtype, n, o2);
    same_status("store_f32", a, b);
    same_bytes("store_f32", out, o2, bytes, "output");
    free(o2);
    return a;
}

static float c_dot8(const float *x, const float *y, uint32_t n)
{
    float a = kvl_kernels_avx2.dot8(x, y, n), b = kvl_kernels_ref.dot8(x, y, n);
    same_bytes("dot8", &a, &b, sizeof a, "value");
    return a;
}

static void c_fwht_f32(float *v, uint32_t d)
{
    float *w = (float *)dup_bytes(v, d * sizeof(float));
    kvl_kernels_avx2.fwht_f32(v, d);
    kvl_kernels_ref.fwht_f32(w, d);
    same_bytes("fwht_f32", v, w, d * sizeof(float), "values");
    free(w);
}

static void c_fwht_i32(int32_t *v, uint32_t d)
{
    int32_t *w = (int32_t *)dup_bytes(v, d * sizeof(int32_t));
    kvl_kernels_avx2.fwht_i32(v, d);
    kvl_kernels_ref.fwht_i32(w, d);
    same_bytes("fwht_i32", v, w, d * sizeof(int32_t), "values");
    free(w);
}

static void c_lattice_closest(const kvl_lattice_info *lat, const float *z, uint32_t d, int32_t *k)
{
    int32_t *k2 = (int32_t *)dup_bytes(k, d * sizeof(int32_t));
    kvl_kernels_avx2.lattice_closest(lat, z, d, k);
    kvl_kernels_ref.lattice_closest(lat, z, d, k2);
    same_bytes("lattice_closest", k, k2, d * sizeof(int32_t), "codes");
    free(k2);
}

static void c_lattice_rank(const kvl_lattice_info *lat, const int32_t *k, uint32_t d, uint64_t *idx)
{
    size_t nb = d / lat->block_dim * sizeof(uint64_t);
    uint64_t *i2 = (uint64_t *)dup_bytes(idx, nb);
    kvl_kernels_avx2.lattice_rank(lat, k, d, idx);
    kvl_kernels_ref.lattice_rank(lat, k, d, i2);
    same_bytes("lattice_rank", idx, i2, nb, "indices");
    free(i2);
}

static int c_lattice_unrank(const kvl_lattice_info *lat, const uint64_t *idx, uint32_t d, int32_t *k)
{
    int32_t *k2 = (int32_t *)dup_bytes(k, d * sizeof(int32_t));
    int a = kvl_kernels_avx2.lattice_unrank(lat, idx, d, k), b = kvl_kernels_ref.lattice_unrank(lat, idx, d, k2);
    same_status("lattice_unrank", a, b);
    if (a == KVL_OK)
        same_bytes("lattice_unrank", k, k2, d * sizeof(int32_t), "codes");
    free(k2);
    return a;
}

static uint8_t c_skeleton_pick_dtype(const float *vals, size_t n)
{
    uint8_t a = kvl_kernels_avx2.skeleton_pick_dtype(vals, n), b = kvl_kernels_ref.skeleton_pick_dtype(vals, n);
    same_status("skeleton_pick_dtype", a, b);
    return a;
}

static int c_skeleton_compute(uint32_t dim, uint32_t n, const float *xs, uint32_t rank, uint8_t skel_dtype,
                              float *mean, float *basis, float *work)
{
    size_t wn = ((size_t)n * dim + 2u * dim + n) * sizeof(float);
    float *m2 = (float *)dup_bytes(mean, dim * sizeof(float));
    float *b2 = (float *)dup_bytes(basis, (size_t)rank * dim * sizeof(float));
    float *w2 = (float *)dup_bytes(work, wn);
    int a = kvl_kernels_avx2.skeleton_compute(dim, n, xs, rank, skel_dtype, mean, basis, work);
    int b = kvl_kernels_ref.skeleton_compute(dim, n, xs, rank, skel_dtype, m2, b2, w2);
    same_status("skeleton_compute", a, b);
    if (a == KVL_OK) {
        same_bytes("skeleton_compute", mean, m2, dim * sizeof(float), "mean");
        same_bytes("skeleton_compute", basis, b2, (size_t)rank * dim * sizeof(float), "basis");
    }
    free(m2);
    free(b2);
    free(w2);
    return a;
}

static int c_encode_records(const kvl_layout *L, const float *mean, const float *basis, const float *xs,
                            uint32_t n, void *scratch, uint8_t *records)
{
    size_t bytes = (size_t)n * L->record_bytes;
    uint8_t *r2 = (uint8_t *)dup_bytes(records, bytes);
    void *s2 = dup_bytes(scratch, 3u * (size_t)L->dim * 4u); /* LATTICE only */
    int a = kvl_kernels_avx2.encode_records(L, mean, basis, xs, n, scratch, records);
    int b = kvl_kernels_ref.encode_records(L, mean, basis, xs, n, s2, r2);
    same_status("encode_records", a, b);
    same_bytes("encode_records", records, r2, bytes, "records");
    free(r2);
    free(s2);
    return a;
}

static int c_decode_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                            const uint8_t *records, uint32_t n, uint32_t out_dtype, void *out)
{
    size_t bytes = (size_t)n * L->dim * kvl_dtype_size(out_dtype);
    void *o2 = dup_bytes(out, bytes);
    int a = kvl_kernels_avx2.decode_records(L, mean, basis, records, n, out_dtype, out);
    int b = kvl_kernels_ref.decode_records(L, mean, basis, records, n, out_dtype, o2);
    same_status("decode_records", a, b);
    same_bytes("decode_records", out, o2, bytes, "output");
    free(o2);
    return a;
}

static int c_validate_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                              const uint8_t *records, uint32_t n)
{
    int a = kvl_kernels_avx2.validate_records(L, mean, basis, records, n);
    int b = kvl_kernels_ref.validate_records(L, mean, basis, records, n);
    same_status("validate_records", a, b);
    return a;
}

const kvl_kernels kvl_kernels_avx2_checked = {
    KVL_CPU_AVX2,
    "avx2+check",
    c_crc32c,
    c_load_f32,
    c_store_f32,
    c_dot8,
    c_fwht_f32,
    c_fwht_i32,
    c_lattice_closest,
    c_lattice_rank,
    c_lattice_unrank,
    c_skeleton_pick_dtype,
    c_skeleton_compute,
    c_encode_records,
    c_decode_records,
    c_validate_records,
};
