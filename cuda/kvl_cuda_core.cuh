/*
 * kvl_cuda_core.cuh -- the per-value / per-vector / per-block mathematics of
 * the CUDA codec, written once as __host__ __device__ functions.
 *
 * The same source is compiled by nvcc for sm_90 (device code of the .cu files in cuda/)
 * and for the host (tests, the host emulation library kvlattice_cuda_emu),
 * so the host-side tests exercise exactly the code the GPU runs, apart from
 * the launch mechanism (cuda/README.md "What is verified where").
 *
 * Every function mirrors one function of ref/ (named in its comment) and the
 * spec section it implements. Numerics (spec §2.1):
 *   - binary32 operations go through kc_add/kc_sub/kc_mul/kc_div/kc_sqrt,
 *     which are __fadd_rn/__fsub_rn/__fmul_rn/__fdiv_rn/__fsqrt_rn on the
 *     device (never contracted into FMA, correctly rounded, no FTZ) and plain
 *     binary32 operators on the host (built with -ffp-contract=off, SSE);
 *   - every conversion between number formats is an integer function of the
 *     bit pattern (as ref/float_bits.c), never a hardware cvt;
 *   - integer -> binary32 conversions only of integers with |n| <= 2^24;
 *   - reductions are serial in the pinned order of spec §2.3 (one thread
 *     owns a whole reduction, so the association is exactly sum8/dot8).
 * Records are read and written byte by byte (records are not aligned).
 */
#ifndef KVL_CUDA_CORE_CUH
#define KVL_CUDA_CORE_CUH

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kvlattice.h"

#if defined(__CUDACC__)
#define KC_HD __host__ __device__ __forceinline__
#else
#define KC_HD static inline
#endif

/* ---- binary32 operations (spec §2.1) ---------------------------------- */
KC_HD uint32_t kc_bits(float x)
{
#ifdef __CUDA_ARCH__
    return __float_as_uint(x);
#else
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
#endif
}

KC_HD float kc_float(uint32_t u)
{
#ifdef __CUDA_ARCH__
    return __uint_as_float(u);
#else
    float x;
    memcpy(&x, &u, 4);
    return x;
#endif
}

KC_HD float kc_add(float a, float b)
{
#ifdef __CUDA_ARCH__
    return __fadd_rn(a, b);
#else
    return a + b;
#endif
}

KC_HD float kc_sub(float a, float b)
{
#ifdef __CUDA_ARCH__
    return __fsub_rn(a, b);
#else
    return a - b;
#endif
}

KC_HD float kc_mul(float a, float b)
{
#ifdef __CUDA_ARCH__
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}

KC_HD float kc_div(float a, float b)
{
#ifdef __CUDA_ARCH__
    return __fdiv_rn(a, b);
#else
    return a / b;
#endif
}

KC_HD float kc_sqrt(float a)
{
#ifdef __CUDA_ARCH__
    return __fsqrt_rn(a);
#else
    return sqrtf(a);
#endif
}

KC_HD float kc_abs(float x) { return kc_float(kc_bits(x) & 0x7FFFFFFFu); }

/* "is finite" (spec §2.1 rule 7): exponent field not all ones. */
KC_HD int kc_is_finite(float x) { return (kc_bits(x) & 0x7F800000u) != 0x7F800000u; }

/* ---- number formats (spec §2.2, ref/float_bits.c) --------------------- */
KC_HD uint32_t kc_f32_bits_from_small_int(uint32_t m, int32_t e2)
{
    uint32_t p = 0;
    while (p < 23u && (m >> (p + 1u)) != 0u)
        p++;
    return ((uint32_t)(e2 + (int32_t)p + 127) << 23) | ((m << (23u - p)) & 0x007FFFFFu);
}

KC_HD float kc_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu, bits;
    if (e == 0x1Fu)
        bits = 0x7F800000u | (m << 13) | (m ? 0x00400000u : 0u);
    else if (e == 0)
        bits = m ? kc_f32_bits_from_small_int(m, -24) : 0u;
    else
        bits = ((e + 112u) << 23) | (m << 13);
    return kc_float(sign | bits);
}

KC_HD float kc_bf16_to_f32(uint16_t b) { return kc_float((uint32_t)b << 16); }

KC_HD float kc_e4m3_to_f32(uint8_t c)
{
    uint32_t sign = (uint32_t)(c & 0x80u) << 24;
    uint32_t e = (c >> 3) & 0xFu, m = c & 7u, bits;
    if ((c & 0x7Fu) == 0x7Fu)
        bits = 0x7F800000u | 0x00400000u;
    else if (e == 0)
        bits = m ? kc_f32_bits_from_small_int(m, -9) : 0u;
    else
        bits = ((e + 120u) << 23) | (m << 20);
    return kc_float(sign | bits);
}

enum { KC_RNE = 0, KC_DOWN = 1, KC_UP = 2 };

/* spec §2.2.2 round_magnitude; a = |x| bits of a finite binary32. */
KC_HD uint32_t kc_round_magnitude(uint32_t a, uint32_t mbits, int32_t bias, int dir)
{
    uint32_t e = a >> 23;
    uint32_t sig = (e != 0) ? ((a & 0x007FFFFFu) | 0x00800000u) : (a & 0x007FFFFFu);
    int32_t et = (int32_t)(e != 0 ? e : 1u) - 127 + bias;
    uint32_t shift = 23u - mbits, base = 0, q, rem, half;
    if (et >= 1)
        base = (uint32_t)(et - 1) << mbits;
    else
        shift += (uint32_t)(1 - et);
    if (shift > 25u)
        shift = 25u;
    q = sig >> shift;
    rem = sig & ((1u << shift) - 1u);
    half = 1u << (shift - 1u);
    if (dir == KC_RNE) {
        if (rem > half || (rem == half && (q & 1u)))
            q++;
    } else if (dir == KC_UP) {
        if (rem != 0)
            q++;
    }
    return base + q;
}

KC_HD uint16_t kc_f32_to_f16(float x)
{
    uint32_t u = kc_bits(x), sign = (u >> 16) & 0x8000u, a = u & 0x7FFFFFFFu, code;
    if (a > 0x7F800000u)
        return (uint16_t)(sign | 0x7E00u);
    if (a == 0x7F800000u)
        return (uint16_t)(sign | 0x7C00u);
    code = kc_round_magnitude(a, 10u, 15, KC_RNE);
    if (code > 0x7C00u)
        code = 0x7C00u;
    return (uint16_t)(sign | code);
}

KC_HD uint16_t kc_f32_to_bf16(float x)
{
    uint32_t u = kc_bits(x), sign = (u >> 16) & 0x8000u, a = u & 0x7FFFFFFFu, code;
    if (a > 0x7F800000u)
        return (uint16_t)(sign | 0x7FC0u);
    if (a == 0x7F800000u)
        return (uint16_t)(sign | 0x7F80u);
    code = kc_round_magnitude(a, 7u, 127, KC_RNE);
    if (code > 0x7F80u)
        code = 0x7F80u;
    return (uint16_t)(sign | code);
}

KC_HD uint8_t kc_f32_to_e4m3(float x)
{
    uint32_t u = kc_bits(x), sign = (u >> 24) & 0x80u, a = u & 0x7FFFFFFFu, code;
    if (a > 0x7F800000u)
        return (uint8_t)(sign | 0x7Fu);
    if (a == 0x7F800000u)
        return (uint8_t)(sign | 0x7Eu);
    code = kc_round_magnitude(a, 3u, 7, KC_RNE);
    if (code > 0x7Eu)
        code = 0x7Eu;
    return (uint8_t)(sign | code);
}

/* spec §2.2.4 (ref kvl_f32_to_f16_up) */
KC_HD uint16_t kc_f32_to_f16_up(float x)
{
    uint32_t u = kc_bits(x), sign = (u >> 16) & 0x8000u, a = u & 0x7FFFFFFFu, code;
    if (a > 0x7F800000u)
        return (uint16_t)(sign | 0x7E00u);
    if (a == 0x7F800000u)
        return (uint16_t)(sign | 0x7C00u);
    if (sign) {
        code = kc_round_magnitude(a, 10u, 15, KC_DOWN);
        if (code > 0x7BFFu)
            code = 0x7BFFu;
    } else {
        code = kc_round_magnitude(a, 10u, 15, KC_UP);
        if (code > 0x7C00u)
            code = 0x7C00u;
    }
    return (uint16_t)(sign | code);
}

/* spec §2.4 rne_int (ref kvl_round_even) */
KC_HD float kc_round_even(float x)
{
    uint32_t u = kc_bits(x), sign = u & 0x80000000u, e = (u & 0x7F800000u) >> 23;
    uint32_t sig, shift, q, rem, half;
    if (e >= 150u)
        return x;
    if (e < 126u)
        return kc_float(sign);
    sig = (u & 0x007FFFFFu) | 0x00800000u;
    shift = 150u - e;
    q = sig >> shift;
    rem = sig & ((1u << shift) - 1u);
    half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (q & 1u)))
        q++;
    if (q == 0)
        return kc_float(sign);
    return kc_float(sign | (((e - 1u) << 23) + (q << shift)));
}

/* 16-bit skeleton values (spec §7.3, §10.3.1) */
KC_HD float kc_h16_to_f32(uint16_t h, uint32_t skel_dtype)
{
    return skel_dtype == KVL_DTYPE_BF16 ? kc_bf16_to_f32(h) : kc_f16_to_f32(h);
}
KC_HD uint16_t kc_skel_bits(float x, uint32_t skel_dtype)
{
    return skel_dtype == KVL_DTYPE_BF16 ? kc_f32_to_bf16(x) : kc_f32_to_f16(x);
}
KC_HD float kc_skel_round(float x, uint32_t skel_dtype)
{
    return kc_h16_to_f32(kc_skel_bits(x, skel_dtype), skel_dtype);
}
KC_HD float kc_skel_load(const uint8_t *p, uint32_t skel_dtype, size_t j)
{
    uint16_t h = (uint16_t)(p[2u * j] | (p[2u * j + 1u] << 8));
    return kc_h16_to_f32(h, skel_dtype);
}

/* Input element i of a dtype array (aligned to its element size) as f32. */
KC_HD float kc_load_in(const void *src, uint32_t dtype, size_t i)
{
    if (dtype == KVL_DTYPE_F32)
        return ((const float *)src)[i];
    return dtype == KVL_DTYPE_F16 ? kc_f16_to_f32(((const uint16_t *)src)[i])
                                  : kc_bf16_to_f32(((const uint16_t *)src)[i]);
}

/* Output conversion (spec §2.2.5, ref kvl_store_from_f32): KVL_ERR_RANGE
 * (nothing stored) when the value is not finite in the output dtype. */
KC_HD int kc_store_out(void *dst, uint32_t dtype, size_t i, float v)
{
    if (dtype == KVL_DTYPE_F32) {
        if (!kc_is_finite(v))
            return KVL_ERR_RANGE;
        ((float *)dst)[i] = v;
    } else {
        uint16_t h = dtype == KVL_DTYPE_F16 ? kc_f32_to_f16(v) : kc_f32_to_bf16(v);
        uint16_t em = dtype == KVL_DTYPE_F16 ? 0x7C00u : 0x7F80u;
        if ((h & em) == em)
            return KVL_ERR_RANGE;
        ((uint16_t *)dst)[i] = h;
    }
    return KVL_OK;
}

/* ---- pinned reductions (spec §2.3, ref/reduce.c) ---------------------- */
KC_HD float kc_combine8(const float *acc)
{
    float s04 = kc_add(acc[0], acc[4]), s26 = kc_add(acc[2], acc[6]);
    float s15 = kc_add(acc[1], acc[5]), s37 = kc_add(acc[3], acc[7]);
    return kc_add(kc_add(s04, s26), kc_add(s15, s37));
}

KC_HD float kc_dot8(const float *a, const float *b, uint32_t n)
{
    float acc[8];
    uint32_t i, j;
    for (j = 0; j < 8u; j++)
        acc[j] = kc_mul(a[j], b[j]);
    for (i = 8u; i < n; i += 8u)
        for (j = 0; j < 8u; j++)
            acc[j] = kc_add(acc[j], kc_mul(a[i + j], b[i + j]));
    return kc_combine8(acc);
}

/* ---- Walsh-Hadamard (spec §7.2, ref/wht.c) ----------------------------- */
KC_HD void kc_fwht_f32(float *v, uint32_t d)
{
    uint32_t h, i, j;
    for (h = 1; h < d; h *= 2u)
        for (i = 0; i < d; i += 2u * h)
            for (j = i; j < i + h; j++) {
                float a = v[j], b = v[j + h];
                v[j] = kc_add(a, b);
                v[j + h] = kc_sub(a, b);
            }
}

KC_HD void kc_fwht_i32(int32_t *v, uint32_t d)
{
    uint32_t h, i, j;
    for (h = 1; h < d; h *= 2u)
        for (i = 0; i < d; i += 2u * h)
            for (j = i; j < i + h; j++) {
                int32_t a = v[j], b = v[j + h];
                v[j] = a + b;
                v[j + h] = a - b;
            }
}

/* ---- codebooks (spec §7.4-§7.6, ref/lattice.c) -------------------------- */
typedef struct kc_lattice_info {
    uint32_t lattice, block_dim, unit, width, q;
    uint64_t count, count_int; /* count_int: E8 integer coset size */
} kc_lattice_info;

KC_HD uint64_t kc_pow_u64(uint64_t x, unsigned k)
{
    uint64_t r = 1;
    unsigned i;
    for (i = 0; i < k; i++) {
        if (x != 0 && r > UINT64_MAX / x)
            return 0;
        r *= x;
    }
    return r;
}

KC_HD int kc_lattice_get_info(uint32_t lattice, uint32_t q, kc_lattice_info *out)
{
    uint64_t r;
    uint32_t w = 0;
    out->lattice = lattice;
    out->q = q;
    out->block_dim = out->unit = out->width = 0;
    out->count = out->count_int = 0;
    if (lattice == KVL_LATTICE_D4) {
        uint64_t r4;
        if (q < 1u || q > KVL_MAX_Q_D4)
            return KVL_ERR_FIELD;
        r = 2u * (uint64_t)q + 1u;
        r4 = kc_pow_u64(r, 4);
        out->block_dim = 4;
        out->unit = 1;
        out->count = (r4 + 1u) / 2u;
    } else if (lattice == KVL_LATTICE_E8) {
        uint64_t r8, h8;
        if (q < 1u || q > KVL_MAX_Q_E8)
            return KVL_ERR_FIELD;
        r = 2u * (uint64_t)q + 1u;
        r8 = kc_pow_u64(r, 8);
        h8 = kc_pow_u64(2u * (uint64_t)q, 8);
        out->block_dim = 8;
        out->unit = 2;
        out->count_int = (r8 + 1u) / 2u;
        out->count = out->count_int + h8 / 2u;
    } else {
        return KVL_ERR_FIELD;
    }
    while (w < 64u && ((uint64_t)1 << w) < out->count)
        w++;
    out->width = w;
    return KVL_OK;
}

/* spec §7.4 (ref kvl_dn_closest_box), n in {4, 8} */
KC_HD void kc_dn_closest_box(const float *z, uint32_t n, int32_t lo, int32_t hi, int32_t *c)
{
    int32_t f[8], a[8];
    float p[8];
    int32_t sum = 0;
    uint32_t i, j;
    for (i = 0; i < n; i++) {
        if (z[i] >= (float)hi)
            f[i] = hi;
        else if (z[i] <= (float)lo)
            f[i] = lo;
        else
            f[i] = (int32_t)kc_round_even(z[i]);
        sum += f[i];
    }
    if ((sum & 1) == 0) {
        for (i = 0; i < n; i++)
            c[i] = f[i];
        return;
    }
    for (i = 0; i < n; i++) {
        if (z[i] >= (float)f[i])
            a[i] = (f[i] + 1 <= hi) ? f[i] + 1 : f[i] - 1;
        else
            a[i] = (f[i] - 1 >= lo) ? f[i] - 1 : f[i] + 1;
        if (a[i] > f[i])
            p[i] = kc_sub((float)f[i], z[i]);
        else
            p[i] = kc_sub(z[i], (float)f[i]);
    }
    j = 0;
    for (i = 1; i < n; i++)
        if (p[i] < p[j])
            j = i;
    for (i = 0; i < n; i++)
        c[i] = f[i];
    c[j] = a[j];
}

/* spec §7.5 step 3 (ref e8_err) */
KC_HD float kc_e8_err(const float *z, const int32_t *w)
{
    float d = kc_sub(z[0], kc_mul(0.5f, (float)w[0]));
    float e = kc_mul(d, d);
    uint32_t i;
    for (i = 1; i < 8u; i++) {
        d = kc_sub(z[i], kc_mul(0.5f, (float)w[i]));
        e = kc_add(e, kc_mul(d, d));
    }
    return e;
}

/* spec §7.5 (ref kvl_e8_closest) */
KC_HD void kc_e8_closest(const float *z, int32_t q, int32_t *w)
{
    int32_t a[8], h[8], wa[8], wb[8];
    float zh[8], ea, eb;
    uint32_t i;
    kc_dn_closest_box(z, 8u, -q, q, a);
    for (i = 0; i < 8u; i++)
        wa[i] = 2 * a[i];
    for (i = 0; i < 8u; i++)
        zh[i] = kc_sub(z[i], 0.5f);
    kc_dn_closest_box(zh, 8u, -q, q - 1, h);
    for (i = 0; i < 8u; i++)
        wb[i] = 2 * h[i] + 1;
    ea = kc_e8_err(z, wa);
    eb = kc_e8_err(z, wb);
    for (i = 0; i < 8u; i++)
        w[i] = (eb < ea) ? wb[i] : wa[i];
}

/* spec §7.6 ranks */
KC_HD uint64_t kc_d4_rank(const int32_t *c, int32_t q)
{
    uint64_t r = 2u * (uint64_t)q + 1u, n = 0;
    uint32_t i;
    for (i = 0; i < 4u; i++)
        n = n * r + (uint64_t)(c[i] + q);
    return n / 2u;
}

KC_HD uint64_t kc_e8_rank(const int32_t *w, int32_t q, uint64_t count_int)
{
    uint64_t r = 2u * (uint64_t)q + 1u, m = 2u * (uint64_t)q, n = 0;
    uint32_t i;
    if ((w[0] & 1) == 0) {
        for (i = 0; i < 8u; i++)
            n = n * r + (uint64_t)(w[i] / 2 + q);
        return n / 2u;
    }
    for (i = 0; i < 7u; i++)
        n = n * m + (uint64_t)((w[i] + 2 * q - 1) / 2);
    n = n * (uint64_t)q + ((uint64_t)((w[7] + 2 * q - 1) / 2) >> 1);
    return count_int + n;
}

/* spec §7.6 unranks: KVL_ERR_INDEX (codes all zero) when idx >= count. */
KC_HD int kc_d4_unrank(uint64_t idx, const kc_lattice_info *lat, int32_t *c)
{
    int32_t q = (int32_t)lat->q;
    uint64_t r = 2u * (uint64_t)q + 1u, n;
    int i;
    if (idx >= lat->count) {
        for (i = 0; i < 4; i++)
            c[i] = 0;
        return KVL_ERR_INDEX;
    }
    n = 2u * idx;
    for (i = 3; i >= 0; i--) {
        c[i] = (int32_t)(n % r) - q;
        n /= r;
    }
    return KVL_OK;
}

KC_HD int kc_e8_unrank(uint64_t idx, const kc_lattice_info *lat, int32_t *w)
{
    int32_t q = (int32_t)lat->q, v[8], vsum = 0;
    uint64_t r = 2u * (uint64_t)q + 1u, m = 2u * (uint64_t)q, n, half7;
    int i;
    if (idx >= lat->count) {
        for (i = 0; i < 8; i++)
            w[i] = 0;
        return KVL_ERR_INDEX;
    }
    if (idx < lat->count_int) {
        n = 2u * idx;
        for (i = 7; i >= 0; i--) {
            w[i] = 2 * ((int32_t)(n % r) - q);
            n /= r;
        }
        return KVL_OK;
    }
    n = idx - lat->count_int;
    half7 = n % (uint64_t)q;
    n /= (uint64_t)q;
    for (i = 6; i >= 0; i--) {
        v[i] = (int32_t)(n % m);
        n /= m;
        vsum += v[i];
    }
    v[7] = 2 * (int32_t)half7 + (vsum & 1);
    for (i = 0; i < 8; i++)
        w[i] = 2 * v[i] - 2 * q + 1;
    return KVL_OK;
}

/* ---- record layouts (spec §5.3, ref/layout.c) ---------------------------- */
typedef struct kc_layout {
    uint32_t dim, mode, raw_dtype, fp8_block, fp8_scale, fp8_split, lattice, q, outliers;
    uint32_t record_bits, record_bytes;
    kc_lattice_info lat;
    uint32_t n_blocks, index_bits, slot_bits, rank, has_mean, skel_dtype;
    uint32_t fp8_dims, fp8_blocks, scale_bytes;
} kc_layout;

KC_HD int kc_layout_make(uint32_t dim, const kvl_chunk_params *p, uint32_t rank, uint32_t has_mean,
                         kc_layout *L)
{
    uint64_t bits;
    memset(L, 0, sizeof *L);
    L->dim = dim;
    L->mode = p->mode;
    L->raw_dtype = p->raw_dtype;
    L->fp8_block = p->fp8_block;
    L->fp8_scale = p->fp8_scale;
    L->fp8_split = p->fp8_split_rope;
    L->lattice = p->lattice;
    L->q = p->q;
    L->outliers = p->outliers;
    L->skel_dtype = KVL_DTYPE_F16;
    if (dim == 0u || dim > KVL_MAX_DIM)
        return KVL_ERR_FIELD;
    switch (p->mode) {
    case KVL_MODE_RAW:
        if (p->raw_dtype > KVL_DTYPE_BF16)
            return KVL_ERR_FIELD;
        bits = (uint64_t)dim * 8u * (p->raw_dtype == KVL_DTYPE_F32 ? 4u : 2u);
        break;
    case KVL_MODE_FP8:
        if (p->fp8_block != 32u && p->fp8_block != 64u && p->fp8_block != 128u)
            return KVL_ERR_FIELD;
        if (p->fp8_scale > KVL_FP8_SCALE_F16 || p->fp8_split_rope > 1u)
            return KVL_ERR_FIELD;
        if (p->fp8_split_rope) {
            if (dim <= 64u)
                return KVL_ERR_FIELD;
            L->fp8_dims = dim - 64u;
        } else {
            L->fp8_dims = dim;
        }
        if (L->fp8_dims % p->fp8_block != 0u)
            return KVL_ERR_FIELD;
        L->fp8_blocks = L->fp8_dims / p->fp8_block;
        L->scale_bytes = p->fp8_scale == KVL_FP8_SCALE_F32 ? 4u : p->fp8_scale == KVL_FP8_SCALE_UE8M0 ? 1u : 2u;
        bits = 8u * ((uint64_t)L->fp8_blocks * L->scale_bytes + L->fp8_dims + (p->fp8_split_rope ? 128u : 0u));
        break;
    case KVL_MODE_LATTICE: {
        uint32_t lg = 0;
        if ((dim & (dim - 1u)) != 0u || dim < KVL_LATTICE_MIN_DIM || dim > KVL_LATTICE_MAX_DIM)
            return KVL_ERR_FIELD;
        if (kc_lattice_get_info(p->lattice, p->q, &L->lat) != KVL_OK)
            return KVL_ERR_FIELD;
        if (p->outliers > KVL_MAX_OUTLIERS || p->outliers > dim / 4u)
            return KVL_ERR_FIELD;
        if (rank > KVL_MAX_RANK || rank >= dim || has_mean > 1u)
            return KVL_ERR_FIELD;
        while ((1u << lg) < dim)
            lg++;
        L->rank = rank;
        L->has_mean = has_mean;
        L->n_blocks = dim / L->lat.block_dim;
        L->index_bits = lg;
        L->slot_bits = lg + 16u;
        bits = 32u + 16u * (uint64_t)rank + (uint64_t)p->outliers * L->slot_bits +
               (uint64_t)L->n_blocks * L->lat.width;
        break;
    }
    default:
        return KVL_ERR_FIELD;
    }
    if (bits > 0xFFFFFFF8u)
        return KVL_ERR_OVERFLOW;
    L->record_bits = (uint32_t)bits;
    L->record_bytes = (uint32_t)((bits + 7u) / 8u);
    return KVL_OK;
}

/* ---- bit fields (spec §2.5) ----------------------------------------------- */
/* n (0..64) bits starting at bit pos of p, LSB first; reads only the bytes
 * that hold them. */
KC_HD uint64_t kc_get_bits(const uint8_t *p, uint64_t pos, unsigned n)
{
    const uint8_t *b;
    unsigned off, nbytes, i;
    uint64_t lo = 0, v;
    if (n == 0u)
        return 0;
    b = p + (pos >> 3);
    off = (unsigned)(pos & 7u);
    nbytes = (off + n + 7u) >> 3;
    for (i = 0; i < nbytes && i < 8u; i++)
        lo |= (uint64_t)b[i] << (8u * i);
    v = lo >> off;
    if (nbytes == 9u)
        v |= (uint64_t)b[8] << (64u - off);
    if (n < 64u)
        v &= ((uint64_t)1 << n) - 1u;
    return v;
}

/* Sequential writer of one record (overwrites whole bytes). */
typedef struct kc_bitwriter {
    uint8_t *p;
    uint64_t acc;
    unsigned nacc;
} kc_bitwriter;

KC_HD void kc_bw_put32(kc_bitwriter *w, uint32_t v, unsigned n)
{
    w->acc |= (uint64_t)v << w->nacc;
    w->nacc += n;
    while (w->nacc >= 8u) {
        *w->p++ = (uint8_t)w->acc;
        w->acc >>= 8;
        w->nacc -= 8u;
    }
}
KC_HD void kc_bw_put(kc_bitwriter *w, uint64_t v, unsigned n)
{
    if (n > 32u) {
        kc_bw_put32(w, (uint32_t)v, 32u);
        kc_bw_put32(w, (uint32_t)(v >> 32), n - 32u);
    } else {
        kc_bw_put32(w, (uint32_t)v, n);
    }
}
/* Zero bits up to the next byte boundary (record padding). */
KC_HD void kc_bw_flush(kc_bitwriter *w)
{
    if (w->nacc) {
        *w->p++ = (uint8_t)w->acc;
        w->acc = 0;
        w->nacc = 0;
    }
}

/* ---- LATTICE records (spec §7, §8, §10.4, ref/codec_lattice.c) ----------- */
KC_HD int32_t kc_argmax_abs(const float *y, const uint8_t *taken, uint32_t d)
{
    int32_t best = -1;
    uint32_t i;
    for (i = 0; i < d; i++) {
        if (taken[i])
            continue;
        if (best < 0 || kc_abs(y[i]) > kc_abs(y[best]))
            best = (int32_t)i;
    }
    return best;
}

/* Encode one vector (spec §10.4). mean (dim) / basis (rank*dim): the stored
 * skeleton as f32 (mean NULL when absent). y, z: dim floats, k: dim int32 of
 * scratch. Writes exactly record_bytes bytes (padding zero). */
KC_HD int kc_lattice_encode_vector(const kc_layout *L, const float *mean, const float *basis,
                                   const float *x, float *y, float *z, int32_t *k, uint8_t *rec)
{
    const uint32_t d = L->dim, K = L->outliers, bd = L->lat.block_dim;
    const int32_t q = (int32_t)L->lat.q, unit = (int32_t)L->lat.unit;
    uint8_t taken[KVL_LATTICE_MAX_DIM];
    uint16_t coef_bits[KVL_MAX_RANK];
    uint32_t slot_idx[KVL_MAX_OUTLIERS];
    int32_t slot_corr[KVL_MAX_OUTLIERS];
    uint32_t n_slots = 0, i, j, b;
    float m, s = 0.0f;
    const float div = (float)(unit * q * (int32_t)d);
    kc_bitwriter bw;

    for (i = 0; i < d; i++)
        y[i] = mean ? kc_sub(x[i], mean[i]) : x[i];
    for (j = 0; j < L->rank; j++) {
        const float *bj = basis + (size_t)j * d;
        float coef;
        coef_bits[j] = kc_skel_bits(kc_dot8(y, bj, d), L->skel_dtype);
        coef = kc_h16_to_f32(coef_bits[j], L->skel_dtype);
        if (!kc_is_finite(coef))
            return KVL_ERR_RANGE;
        for (i = 0; i < d; i++)
            y[i] = kc_sub(y[i], kc_mul(coef, bj[i]));
    }
    kc_fwht_f32(y, d);
    for (i = 0; i < d; i++) {
        if (!kc_is_finite(y[i]))
            return KVL_ERR_RANGE;
        taken[i] = 0;
    }
    for (j = 0; j < K; j++)
        taken[kc_argmax_abs(y, taken, d)] = 1;
    {
        int32_t r = kc_argmax_abs(y, taken, d);
        m = r >= 0 ? kc_abs(y[r]) : 0.0f;
    }
    /* erratum E-001: no candidates when the rest gives no non-zero scale */
    if (m == 0.0f || kc_div(m, div) == 0.0f) {
        for (i = 0; i < d; i++)
            taken[i] = 0;
        m = kc_abs(y[kc_argmax_abs(y, taken, d)]);
    }
    if (m != 0.0f)
        s = kc_div(m, div);
    if (s == 0.0f) {
        for (i = 0; i < d; i++) {
            k[i] = 0;
            taken[i] = 0;
        }
    } else {
        float g = kc_mul(s, (float)(unit * (int32_t)d));
        for (i = 0; i < d; i++)
            z[i] = kc_div(y[i], g);
        for (b = 0; b < d; b += bd) {
            if (L->lattice == KVL_LATTICE_D4)
                kc_dn_closest_box(z + b, 4u, -q, q, k + b);
            else
                kc_e8_closest(z + b, q, k + b);
        }
    }
    for (i = 0; i < d; i++) {
        float v, corr;
        if (!taken[i])
            continue;
        v = kc_round_even(unit == 2 ? kc_mul(z[i], 2.0f) : z[i]);
        corr = kc_sub(v, (float)k[i]);
        if (corr > (float)KVL_OUTLIER_CORR_MAX)
            corr = (float)KVL_OUTLIER_CORR_MAX;
        if (corr < -(float)KVL_OUTLIER_CORR_MAX)
            corr = -(float)KVL_OUTLIER_CORR_MAX;
        if (corr != 0.0f) {
            slot_idx[n_slots] = i;
            slot_corr[n_slots] = (int32_t)corr;
            n_slots++;
        }
    }
    bw.p = rec;
    bw.acc = 0;
    bw.nacc = 0;
    kc_bw_put(&bw, kc_bits(s), 32u);
    for (j = 0; j < L->rank; j++)
        kc_bw_put(&bw, coef_bits[j], 16u);
    for (j = 0; j < K; j++) {
        if (j < n_slots) {
            kc_bw_put(&bw, slot_idx[j], L->index_bits);
            kc_bw_put(&bw, (uint32_t)slot_corr[j] & 0xFFFFu, 16u);
        } else {
            kc_bw_put(&bw, 0, L->slot_bits);
        }
    }
    for (b = 0; b < d; b += bd) {
        uint64_t idx = L->lattice == KVL_LATTICE_D4 ? kc_d4_rank(k + b, q)
                                                    : kc_e8_rank(k + b, q, L->lat.count_int);
        kc_bw_put(&bw, idx, L->lat.width);
    }
    kc_bw_flush(&bw);
    return KVL_OK;
}

/* Decoded record header of spec §7.7 steps 1-3 (and the bit position of
 * the block indices). */
typedef struct kc_lat_head {
    float s;
    float coef[KVL_MAX_RANK];
    uint32_t n_slots;
    uint32_t slot_idx[KVL_MAX_OUTLIERS];
    int32_t slot_corr[KVL_MAX_OUTLIERS];
    uint32_t blocks_at;
} kc_lat_head;

/* spec §7.7 steps 1-3 */
KC_HD int kc_lattice_read_head(const kc_layout *L, const uint8_t *rec, kc_lat_head *H)
{
    uint64_t pos = 0;
    uint32_t sbits, j;
    int empty_seen = 0;
    sbits = (uint32_t)kc_get_bits(rec, 0, 32u);
    pos = 32;
    if ((sbits >> 31) != 0u || (sbits & 0x7F800000u) == 0x7F800000u)
        return KVL_ERR_FIELD;
    H->s = kc_float(sbits);
    for (j = 0; j < L->rank; j++) {
        uint16_t h = (uint16_t)kc_get_bits(rec, pos, 16u);
        pos += 16;
        H->coef[j] = kc_h16_to_f32(h, L->skel_dtype);
        if (!kc_is_finite(H->coef[j]))
            return KVL_ERR_FIELD;
    }
    H->n_slots = 0;
    for (j = 0; j < L->outliers; j++) {
        uint32_t idx = (uint32_t)kc_get_bits(rec, pos, L->index_bits);
        uint32_t raw = (uint32_t)kc_get_bits(rec, pos + L->index_bits, 16u);
        int32_t corr = raw >= 0x8000u ? (int32_t)raw - 0x10000 : (int32_t)raw;
        pos += L->slot_bits;
        if (corr == 0) {
            if (idx != 0u)
                return KVL_ERR_FIELD;
            empty_seen = 1;
            continue;
        }
        if (empty_seen || corr < -KVL_OUTLIER_CORR_MAX ||
            (H->n_slots > 0u && idx <= H->slot_idx[H->n_slots - 1u]))
            return KVL_ERR_FIELD;
        H->slot_idx[H->n_slots] = idx;
        H->slot_corr[H->n_slots] = corr;
        H->n_slots++;
    }
    H->blocks_at = (uint32_t)pos;
    return KVL_OK;
}

/* spec §7.7 step 4 for block b: codes of block b into k[b*bd ..]. */
KC_HD int kc_lattice_unrank_block(const kc_layout *L, const uint8_t *rec, uint32_t blocks_at,
                                  uint32_t b, int32_t *kb)
{
    uint64_t x = kc_get_bits(rec, (uint64_t)blocks_at + (uint64_t)b * L->lat.width, L->lat.width);
    return L->lattice == KVL_LATTICE_D4 ? kc_d4_unrank(x, &L->lat, kb) : kc_e8_unrank(x, &L->lat, kb);
}

/* spec §7.7 step 5 */
KC_HD int kc_lattice_check_padding(const kc_layout *L, const uint8_t *rec)
{
    unsigned pad = L->record_bytes * 8u - L->record_bits;
    return kc_get_bits(rec, L->record_bits, pad) != 0u ? KVL_ERR_RESERVED : KVL_OK;
}

/* spec §7.7 step 8 for coordinate i. mean/basis: stored skeleton bytes. */
KC_HD float kc_lattice_value(const kc_layout *L, const kc_lat_head *H, const uint8_t *mean,
                             const uint8_t *basis, int32_t t, uint32_t i)
{
    float v = kc_mul((float)t, H->s);
    uint32_t j;
    if (mean)
        v = kc_add(v, kc_skel_load(mean, L->skel_dtype, i));
    for (j = 0; j < L->rank; j++)
        v = kc_add(v, kc_mul(H->coef[j], kc_skel_load(basis, L->skel_dtype, (size_t)j * L->dim + i)));
    return v;
}

/* The whole of spec §7.7 for one record (ref kvl_lattice_decode_vector):
 * out == NULL validates only; k: dim int32 of scratch. */
KC_HD int kc_lattice_decode_vector(const kc_layout *L, const uint8_t *mean, const uint8_t *basis,
                                   const uint8_t *rec, int32_t *k, float *out)
{
    kc_lat_head H;
    uint32_t b, j, i;
    int st = kc_lattice_read_head(L, rec, &H);
    if (st != KVL_OK)
        return st;
    for (b = 0; b < L->n_blocks; b++) {
        st = kc_lattice_unrank_block(L, rec, H.blocks_at, b, k + b * L->lat.block_dim);
        if (st != KVL_OK)
            return st;
    }
    st = kc_lattice_check_padding(L, rec);
    if (st != KVL_OK || !out)
        return st;
    for (j = 0; j < H.n_slots; j++)
        k[H.slot_idx[j]] += H.slot_corr[j];
    kc_fwht_i32(k, L->dim);
    for (i = 0; i < L->dim; i++)
        out[i] = kc_lattice_value(L, &H, mean, basis, k[i], i);
    return KVL_OK;
}

/* ---- FP8 records (spec §6.2, §6.3, §10.5, ref/codec_fp8.c) --------------- */
KC_HD uint32_t kc_ue8m0_from_target(float t)
{
    uint32_t bits = kc_bits(t), ef = bits >> 23, mant = bits & 0x7FFFFFu;
    int32_t e;
    if (ef == 0u)
        return mant <= 0x400000u ? 0u : 1u;
    e = (int32_t)ef - 127 + (mant != 0u ? 1 : 0);
    if (e < -127)
        e = -127;
    return (uint32_t)(e + 127);
}

KC_HD float kc_ue8m0_value(uint32_t E) { return E == 0u ? kc_float(0x00400000u) : kc_float(E << 23); }

/* Encode one vector; writes exactly record_bytes bytes. */
KC_HD int kc_fp8_encode_vector(const kc_layout *L, const float *x, uint8_t *rec)
{
    const uint32_t B = L->fp8_block;
    uint8_t *codes = rec + (size_t)L->fp8_blocks * L->scale_bytes;
    uint32_t blk, i;
    for (blk = 0; blk < L->fp8_blocks; blk++) {
        const float *xb = x + (size_t)blk * B;
        uint8_t *sc = rec + (size_t)blk * L->scale_bytes;
        float amax = 0.0f, s;
        for (i = 0; i < B; i++) {
            float a = kc_abs(xb[i]);
            if (a > amax)
                amax = a;
        }
        if (L->fp8_scale == KVL_FP8_SCALE_F32) {
            uint32_t u;
            s = kc_div(amax, 448.0f);
            u = kc_bits(s);
            sc[0] = (uint8_t)u;
            sc[1] = (uint8_t)(u >> 8);
            sc[2] = (uint8_t)(u >> 16);
            sc[3] = (uint8_t)(u >> 24);
        } else if (L->fp8_scale == KVL_FP8_SCALE_UE8M0) {
            uint32_t E = kc_ue8m0_from_target(kc_div(amax, 448.0f));
            s = amax == 0.0f ? 0.0f : kc_ue8m0_value(E);
            sc[0] = (uint8_t)(amax == 0.0f ? 0u : E);
        } else {
            uint16_t h = kc_f32_to_f16_up(kc_div(amax, 448.0f));
            if (h == 0x7C00u)
                return KVL_ERR_RANGE;
            s = kc_f16_to_f32(h);
            sc[0] = (uint8_t)h;
            sc[1] = (uint8_t)(h >> 8);
        }
        for (i = 0; i < B; i++)
            codes[(size_t)blk * B + i] = s == 0.0f ? (uint8_t)((kc_bits(xb[i]) >> 24) & 0x80u)
                                                   : kc_f32_to_e4m3(kc_div(xb[i], s));
    }
    if (L->fp8_split) {
        uint8_t *tail = codes + L->fp8_dims;
        for (i = L->fp8_dims; i < L->dim; i++) {
            uint16_t b = kc_f32_to_bf16(x[i]);
            if ((b & 0x7F80u) == 0x7F80u)
                return KVL_ERR_RANGE;
            tail[2u * (i - L->fp8_dims)] = (uint8_t)b;
            tail[2u * (i - L->fp8_dims) + 1u] = (uint8_t)(b >> 8);
        }
    }
    return KVL_OK;
}

/* Scale of block blk (spec §6.3); KVL_ERR_FIELD for an invalid scale. */
KC_HD int kc_fp8_read_scale(const kc_layout *L, const uint8_t *rec, uint32_t blk, float *s)
{
    const uint8_t *p = rec + (size_t)blk * L->scale_bytes;
    if (L->fp8_scale == KVL_FP8_SCALE_F32) {
        uint32_t b = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        if ((b >> 31) != 0u || (b & 0x7F800000u) == 0x7F800000u)
            return KVL_ERR_FIELD;
        *s = kc_float(b);
    } else if (L->fp8_scale == KVL_FP8_SCALE_UE8M0) {
        if (p[0] == 0xFFu)
            return KVL_ERR_FIELD;
        *s = kc_ue8m0_value(p[0]);
    } else {
        uint16_t h = (uint16_t)(p[0] | (p[1] << 8));
        if ((h >> 15) != 0u || (h & 0x7C00u) == 0x7C00u)
            return KVL_ERR_FIELD;
        *s = kc_f16_to_f32(h);
    }
    return KVL_OK;
}

/* Record checks of spec §6.2 in their order. */
KC_HD int kc_fp8_validate(const kc_layout *L, const uint8_t *rec)
{
    const uint8_t *codes = rec + (size_t)L->fp8_blocks * L->scale_bytes;
    uint32_t blk, i;
    for (blk = 0; blk < L->fp8_blocks; blk++) {
        float s;
        int st = kc_fp8_read_scale(L, rec, blk, &s);
        if (st != KVL_OK)
            return st;
        for (i = 0; i < L->fp8_block; i++)
            if ((codes[(size_t)blk * L->fp8_block + i] & 0x7Fu) == 0x7Fu)
                return KVL_ERR_FIELD;
    }
    if (L->fp8_split) {
        const uint8_t *tail = codes + L->fp8_dims;
        for (i = 0; i < 64u; i++)
            if (!kc_is_finite(kc_bf16_to_f32((uint16_t)(tail[2u * i] | (tail[2u * i + 1u] << 8)))))
                return KVL_ERR_FIELD;
    }
    return KVL_OK;
}

/* Value j of a validated FP8 record (spec §6.2 steps 2-3). */
KC_HD float kc_fp8_value(const kc_layout *L, const uint8_t *rec, uint32_t j)
{
    const uint8_t *codes = rec + (size_t)L->fp8_blocks * L->scale_bytes;
    float s = 0.0f;
    if (j >= L->fp8_dims) {
        const uint8_t *t = codes + L->fp8_dims + 2u * (j - L->fp8_dims);
        return kc_bf16_to_f32((uint16_t)(t[0] | (t[1] << 8)));
    }
    (void)kc_fp8_read_scale(L, rec, j / L->fp8_block, &s);
    return kc_mul(kc_e4m3_to_f32(codes[j]), s);
}

/* ---- RAW records (spec §6.1, ref/codec_raw.c) ---------------------------- */
KC_HD int kc_raw_encode_vector(const kc_layout *L, const float *x, uint8_t *rec)
{
    uint32_t i;
    for (i = 0; i < L->dim; i++) {
        if (L->raw_dtype == KVL_DTYPE_F32) {
            uint32_t u = kc_bits(x[i]);
            rec[4u * i] = (uint8_t)u;
            rec[4u * i + 1u] = (uint8_t)(u >> 8);
            rec[4u * i + 2u] = (uint8_t)(u >> 16);
            rec[4u * i + 3u] = (uint8_t)(u >> 24);
        } else {
            uint16_t h = L->raw_dtype == KVL_DTYPE_F16 ? kc_f32_to_f16(x[i]) : kc_f32_to_bf16(x[i]);
            uint16_t em = L->raw_dtype == KVL_DTYPE_F16 ? 0x7C00u : 0x7F80u;
            if ((h & em) == em)
                return KVL_ERR_RANGE;
            rec[2u * i] = (uint8_t)h;
            rec[2u * i + 1u] = (uint8_t)(h >> 8);
        }
    }
    return KVL_OK;
}

KC_HD float kc_raw_value(const kc_layout *L, const uint8_t *rec, uint32_t j)
{
    if (L->raw_dtype == KVL_DTYPE_F32) {
        const uint8_t *p = rec + 4u * (size_t)j;
        return kc_float((uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24));
    }
    {
        const uint8_t *p = rec + 2u * (size_t)j;
        uint16_t h = (uint16_t)(p[0] | (p[1] << 8));
        return L->raw_dtype == KVL_DTYPE_F16 ? kc_f16_to_f32(h) : kc_bf16_to_f32(h);
    }
}

KC_HD int kc_raw_validate(const kc_layout *L, const uint8_t *rec)
{
    uint32_t i;
    for (i = 0; i < L->dim; i++)
        if (!kc_is_finite(kc_raw_value(L, rec, i)))
            return KVL_ERR_FIELD;
    return KVL_OK;
}

/* ---- whole-record decode + output conversion (ref/records.c) ------------- */
/* Decode record rec into out (dim values of out_dtype starting at element
 * base), or validate only when out == NULL. Record checks first, then the
 * output conversion in coordinate order (RANGE at the first failing value).
 * k: dim int32 of scratch, f: dim floats of scratch (LATTICE only). */
KC_HD int kc_decode_record(const kc_layout *L, const uint8_t *mean, const uint8_t *basis,
                           const uint8_t *rec, uint32_t out_dtype, void *out, size_t base,
                           int32_t *k, float *f)
{
    uint32_t j;
    int st;
    if (L->mode == KVL_MODE_LATTICE) {
        st = kc_lattice_decode_vector(L, mean, basis, rec, k, out ? f : (float *)0);
        for (j = 0; st == KVL_OK && out && j < L->dim; j++)
            st = kc_store_out(out, out_dtype, base + j, f[j]);
        return st;
    }
    st = L->mode == KVL_MODE_RAW ? kc_raw_validate(L, rec) : kc_fp8_validate(L, rec);
    for (j = 0; st == KVL_OK && out && j < L->dim; j++)
        st = kc_store_out(out, out_dtype, base + j,
                          L->mode == KVL_MODE_RAW ? kc_raw_value(L, rec, j) : kc_fp8_value(L, rec, j));
    return st;
}

/* ---- CRC-32C (spec §2.6) with zlib-style combination ---------------------- */
#define KC_CRC_POLY 0x82F63B78u

KC_HD uint32_t kc_crc32c(uint32_t crc, const uint8_t *p, size_t len)
{
    uint32_t c = crc ^ 0xFFFFFFFFu;
    size_t i;
    unsigned k;
    for (i = 0; i < len; i++) {
        c ^= p[i];
        for (k = 0; k < 8u; k++)
            c = (c >> 1) ^ (KC_CRC_POLY & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

/* a * b modulo the CRC polynomial (reflected; bit 31 is x^0). */
KC_HD uint32_t kc_crc_multmodp(uint32_t a, uint32_t b)
{
    uint32_t m = 1u << 31, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1u)) == 0u)
                break;
        }
        m >>= 1;
        b = b & 1u ? (b >> 1) ^ KC_CRC_POLY : b >> 1;
    }
    return p;
}

/* x^(8 n) modulo the polynomial: the operator that appends n zero bytes. */
KC_HD uint32_t kc_crc_x8n(uint64_t n)
{
    uint32_t p = 1u << 31, sq = 1u << 30; /* x^0, x^1 */
    sq = kc_crc_multmodp(sq, sq);
    sq = kc_crc_multmodp(sq, sq);
    sq = kc_crc_multmodp(sq, sq); /* x^8 */
    while (n) {
        if (n & 1u)
            p = kc_crc_multmodp(sq, p);
        n >>= 1;
        if (n)
            sq = kc_crc_multmodp(sq, sq);
    }
    return p;
}

/* crc(A || B) from crc(A), crc(B) and x8n(len(B)) (zlib crc32_combine_op). */
KC_HD uint32_t kc_crc_combine_op(uint32_t crc_a, uint32_t crc_b, uint32_t op)
{
    return kc_crc_multmodp(op, crc_a) ^ crc_b;
}

#endif /* KVL_CUDA_CORE_CUH */
