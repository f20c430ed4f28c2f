/* lattice_avx2.c -- D4 / E8 closest points and ranks with AVX2 (spec §7.4 -
 * §7.6), bit-identical to ref/lattice.c; the unranks are in unrank_avx2.c.
 *
 * Closest points work on 8 blocks at once in "structure of arrays" form:
 * register i holds coordinate i of 8 blocks, so every step of §7.4 / §7.5 --
 * including the sequential argmin (strict <, lowest index wins) and the
 * sequential E8 error sums -- runs in exactly the reference order, lane by
 * lane. Ranks are integer Horner sums (exact in 32-bit lanes, combined to 64
 * bits with a 32x32->64 multiply).
 */
#include "avx2_util.h"
#include "lattice_avx2.h"

/* Multiply-shift division (Granlund-Montgomery): with L = ceil(log2 D),
 * s = 26 + L and m = ceil(2^s / D), m*D - 2^s < D <= 2^(s-26), so
 * (x * m) >> s == floor(x / D) for every x < 2^26; m < 2^28, x * m < 2^54. */
static void magic_for(uint32_t D, uint32_t *m, uint32_t *s)
{
    uint32_t L = 0;
    while ((UINT64_C(1) << L) < D)
        L++;
    *s = 26u + L;
    *m = (uint32_t)(((UINT64_C(1) << *s) + D - 1u) / D);
}

void kvl_avx2_lat_consts(const kvl_lattice_info *lat, kvl_lat_consts *c)
{
    uint64_t r = 2u * (uint64_t)lat->q + 1u, m = 2u * (uint64_t)lat->q;
    c->lattice = lat->lattice;
    c->bd = lat->block_dim;
    c->q = (int32_t)lat->q;
    c->R = (uint32_t)r;
    c->M = (uint32_t)m;
    c->R2 = (uint32_t)(r * r);
    c->count = lat->count;
    if (lat->lattice == KVL_LATTICE_E8) {
        c->R4 = (uint32_t)(r * r * r * r);      /* <= 255^4 < 2^32 */
        c->QM3 = (uint32_t)(lat->q * m * m * m); /* <= 127 * 254^3 < 2^32 */
        c->M4 = (uint32_t)(m * m * m * m);       /* <= 254^4 < 2^32 */
        c->count_int = ((uint64_t)c->R4 * c->R4 + 1u) / 2u;
    } else {
        c->R4 = 0;
        c->QM3 = 0;
        c->M4 = 0;
        c->count_int = 0;
    }
    /* largest X: D4 2(count-1) = R^4 - 1; E8 R^8 - 1 (integer coset, larger
     * than the half coset's count_half - 1) */
    c->fast_unrank = lat->lattice == KVL_LATTICE_E8 ? (uint64_t)c->R4 * c->R4 <= (UINT64_C(1) << 51)
                                                    : (uint64_t)c->R2 * c->R2 <= (UINT64_C(1) << 51);
    c->invR2 = 1.0 / (double)c->R2;
    c->invR4 = c->R4 ? 1.0 / (double)c->R4 : 0.0;
    c->invM4 = c->M4 ? 1.0 / (double)c->M4 : 0.0;
    magic_for(c->R, &c->mR, &c->sR);
    magic_for(c->M ? c->M : 1u, &c->mM, &c->sM);
}

/* ---- transposes ----------------------------------------------------------- */

/* 8 D4 blocks (32 floats) -> c[i] = coordinate i; lane order of the blocks is
 * 0,2,4,6,1,3,5,7 (a 4x4 transpose inside each 128-bit half). The same
 * function maps back. */
static inline void tr4x8(__m256 r0, __m256 r1, __m256 r2, __m256 r3, __m256 *c)
{
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    c[0] = _mm256_shuffle_ps(t0, t2, 0x44);
    c[1] = _mm256_shuffle_ps(t0, t2, 0xEE);
    c[2] = _mm256_shuffle_ps(t1, t3, 0x44);
    c[3] = _mm256_shuffle_ps(t1, t3, 0xEE);
}

/* 8x8 transpose: 8 E8 blocks -> c[i] = coordinate i of blocks 0..7. */
static inline void tr8x8(const __m256 *r, __m256 *c)
{
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    c[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    c[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    c[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    c[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    c[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    c[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    c[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    c[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

#define PS(x) _mm256_castsi256_ps(x)
#define SI(x) _mm256_castps_si256(x)

/* ---- §7.4 closest point of D_n ∩ [lo, hi]^n, n lanes-of-blocks ------------ */

/* z[0..n): coordinate registers; c[0..n): the codes. Steps as ref/lattice.c. */
static inline void dn_closest(const __m256 *z, int n, int32_t lo, int32_t hi, __m256i *c)
{
    const __m256 lo_f = _mm256_set1_ps((float)lo), hi_f = _mm256_set1_ps((float)hi);
    const __m256i lo_i = _mm256_set1_epi32(lo), hi_i = _mm256_set1_epi32(hi);
    __m256 f[8];
    __m256i sum = _mm256_setzero_si256(), odd, best_i, best_up, delta;
    __m256 best_p;
    int i;
    /* Step 1: nearest in-box integer, ties to even. z >= hi -> hi and
     * z <= lo -> lo are rne_int of the clamped value, as lo, hi are integers. */
    for (i = 0; i < n; i++) {
        f[i] = _mm256_round_ps(_mm256_min_ps(_mm256_max_ps(z[i], lo_f), hi_f),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        c[i] = _mm256_cvttps_epi32(f[i]);
        sum = _mm256_add_epi32(sum, c[i]);
    }
    /* Step 2: blocks with an even sum are done. */
    odd = _mm256_srai_epi32(_mm256_slli_epi32(sum, 31), 31);
    if (!v_any(odd))
        return;
    /* Step 3-4: direction of the alternative (up: a = f + 1) and its penalty;
     * running argmin with strict < so the lowest coordinate wins ties. */
    best_p = _mm256_setzero_ps();
    best_i = _mm256_setzero_si256();
    best_up = _mm256_setzero_si256();
    for (i = 0; i < n; i++) {
        __m256 ge = _mm256_cmp_ps(z[i], f[i], _CMP_GE_OQ);
        __m256i up_ok = _mm256_cmpgt_epi32(hi_i, c[i]);            /* f + 1 <= hi */
        __m256i dn_bad = _mm256_cmpgt_epi32(_mm256_add_epi32(lo_i, _mm256_set1_epi32(1)), c[i]); /* f - 1 < lo */
        __m256i up = _mm256_blendv_epi8(dn_bad, up_ok, SI(ge));
        __m256 p = _mm256_blendv_ps(_mm256_sub_ps(z[i], f[i]), _mm256_sub_ps(f[i], z[i]), PS(up));
        if (i == 0) {
            best_p = p;
            best_up = up;
        } else {
            __m256 lt = _mm256_cmp_ps(p, best_p, _CMP_LT_OQ);
            best_p = _mm256_blendv_ps(best_p, p, lt);
            best_i = _mm256_blendv_epi8(best_i, _mm256_set1_epi32(i), SI(lt));
            best_up = _mm256_blendv_epi8(best_up, up, SI(lt));
        }
    }
    /* Step 5: odd blocks move their chosen coordinate by +1 or -1. */
    delta = _mm256_and_si256(odd, _mm256_sub_epi32(_mm256_and_si256(best_up, _mm256_set1_epi32(2)),
                                                   _mm256_set1_epi32(1)));
    for (i = 0; i < n; i++) {
        __m256i sel = _mm256_cmpeq_epi32(best_i, _mm256_set1_epi32(i));
        c[i] = _mm256_add_epi32(c[i], _mm256_and_si256(sel, delta));
    }
}

/* §7.5: E8 block codes w (doubled coordinates) for 8 blocks. */
static inline void e8_closest(const __m256 *z, int32_t q, __m256i *w)
{
    const __m256 half = _mm256_set1_ps(0.5f);
    __m256i a[8], h[8];
    __m256 zh[8], ea, eb, lt;
    int i;
    dn_closest(z, 8, -q, q, a);                    /* integer coset */
    for (i = 0; i < 8; i++)
        zh[i] = _mm256_sub_ps(z[i], half);
    dn_closest(zh, 8, -q, q - 1, h);               /* half coset */
    for (i = 0; i < 8; i++) {
        a[i] = _mm256_slli_epi32(a[i], 1);                                    /* wA = 2a */
        h[i] = _mm256_add_epi32(_mm256_slli_epi32(h[i], 1), _mm256_set1_epi32(1)); /* wB = 2h+1 */
    }
    /* Step 3: err = sequential sum of (z_i - 0.5 w_i)^2, each product rounded. */
    ea = eb = _mm256_setzero_ps();
    for (i = 0; i < 8; i++) {
        __m256 da = _mm256_sub_ps(z[i], _mm256_mul_ps(half, _mm256_cvtepi32_ps(a[i])));
        __m256 db = _mm256_sub_ps(z[i], _mm256_mul_ps(half, _mm256_cvtepi32_ps(h[i])));
        __m256 pa = _mm256_mul_ps(da, da), pb = _mm256_mul_ps(db, db);
        ea = i == 0 ? pa : _mm256_add_ps(ea, pa);
        eb = i == 0 ? pb : _mm256_add_ps(eb, pb);
    }
    /* Step 4: strictly smaller half-coset error wins. */
    lt = _mm256_cmp_ps(eb, ea, _CMP_LT_OQ);
    for (i = 0; i < 8; i++)
        w[i] = _mm256_blendv_epi8(a[i], h[i], SI(lt));
}

/* ---- §7.6 ranks ------------------------------------------------------------ */

/* hi * mul + lo for 32-bit lanes (hi, mul, lo < 2^32), as two u64 vectors
 * (lanes 0-3, lanes 4-7). */
static inline void mul_add_u64(__m256i hi, uint32_t mul, __m256i lo, __m256i *r0, __m256i *r1)
{
    const __m256i m = _mm256_set1_epi64x((long long)mul);
    *r0 = _mm256_add_epi64(_mm256_mul_epu32(_mm256_cvtepu32_epi64(_mm256_castsi256_si128(hi)), m),
                           _mm256_cvtepu32_epi64(_mm256_castsi256_si128(lo)));
    *r1 = _mm256_add_epi64(_mm256_mul_epu32(_mm256_cvtepu32_epi64(_mm256_extracti128_si256(hi, 1)), m),
                           _mm256_cvtepu32_epi64(_mm256_extracti128_si256(lo, 1)));
}

/* Horner a0 R + a1 ... over 32-bit lanes, exact mod 2^32 (callers keep the
 * result < 2^32). */
static inline __m256i horner(const __m256i *u, int n, uint32_t radix)
{
    const __m256i r = _mm256_set1_epi32((int)radix);
    __m256i acc = u[0];
    int i;
    for (i = 1; i < n; i++)
        acc = _mm256_add_epi32(_mm256_mullo_epi32(acc, r), u[i]);
    return acc;
}

/* D4, 8 blocks in tr4x8 lane order: rank = N/2, N = (u0 R + u1) R^2 + (u2 R + u3). */
static inline void d4_rank8(const kvl_lat_consts *C, const __m256i *c, uint64_t *idx)
{
    const __m256i qv = _mm256_set1_epi32(C->q);
    __m256i u[4], n0, n1, lo, hi;
    int i;
    for (i = 0; i < 4; i++)
        u[i] = _mm256_add_epi32(c[i], qv);
    mul_add_u64(horner(u, 2, C->R), C->R2, horner(u + 2, 2, C->R), &n0, &n1);
    n0 = _mm256_srli_epi64(n0, 1); /* blocks 0, 2, 4, 6 */
    n1 = _mm256_srli_epi64(n1, 1); /* blocks 1, 3, 5, 7 */
    lo = _mm256_unpacklo_epi64(n0, n1);
    hi = _mm256_unpackhi_epi64(n0, n1);
    _mm256_storeu_si256((__m256i *)idx, _mm256_permute2x128_si256(lo, hi, 0x20));
    _mm256_storeu_si256((__m256i *)(idx + 4), _mm256_permute2x128_si256(lo, hi, 0x31));
}

/* E8, 8 blocks (lane = block): integer coset rank N/2 with
 * N = (u0..u3)_R * R^4 + (u4..u7)_R; half coset count_int + H with
 * H = (v0..v3)_M * qM^3 + ((v4..v6)_M * q + (v7 >> 1)). */
static inline void e8_rank8(const kvl_lat_consts *C, const __m256i *w, uint64_t *idx)
{
    const __m256i qv = _mm256_set1_epi32(C->q), off = _mm256_set1_epi32(2 * C->q - 1);
    const __m256i cint = _mm256_set1_epi64x((long long)C->count_int);
    __m256i u[8], v[8], i0, i1, h0, h1, even, e0, e1, t;
    int i;
    for (i = 0; i < 8; i++) {
        u[i] = _mm256_add_epi32(_mm256_srai_epi32(w[i], 1), qv);
        v[i] = _mm256_srli_epi32(_mm256_add_epi32(w[i], off), 1);
    }
    mul_add_u64(horner(u, 4, C->R), C->R4, horner(u + 4, 4, C->R), &i0, &i1);
    i0 = _mm256_srli_epi64(i0, 1);
    i1 = _mm256_srli_epi64(i1, 1);
    t = _mm256_add_epi32(_mm256_mullo_epi32(horner(v + 4, 3, C->M), _mm256_set1_epi32(C->q)),
                         _mm256_srli_epi32(v[7], 1));
    mul_add_u64(horner(v, 4, C->M), C->QM3, t, &h0, &h1);
    h0 = _mm256_add_epi64(h0, cint);
    h1 = _mm256_add_epi64(h1, cint);
    even = _mm256_cmpeq_epi32(_mm256_and_si256(w[0], _mm256_set1_epi32(1)), _mm256_setzero_si256());
    e0 = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(even));
    e1 = _mm256_cvtepi32_epi64(_mm256_extracti128_si256(even, 1));
    _mm256_storeu_si256((__m256i *)idx, _mm256_blendv_epi8(h0, i0, e0));
    _mm256_storeu_si256((__m256i *)(idx + 4), _mm256_blendv_epi8(h1, i1, e1));
}

/* ---- batches of 8 blocks ----------------------------------------------- */

static void d4_batch(const kvl_lat_consts *C, const float *z, int32_t *k, uint64_t *idx)
{
    __m256 zc[4], kc[4];
    __m256i c[4];
    int i;
    tr4x8(_mm256_loadu_ps(z), _mm256_loadu_ps(z + 8), _mm256_loadu_ps(z + 16), _mm256_loadu_ps(z + 24), zc);
    dn_closest(zc, 4, -C->q, C->q, c);
    if (k) {
        tr4x8(PS(c[0]), PS(c[1]), PS(c[2]), PS(c[3]), kc);
        for (i = 0; i < 4; i++)
            _mm256_storeu_si256((__m256i *)(k + 8 * i), SI(kc[i]));
    }
    if (idx)
        d4_rank8(C, c, idx);
}

static void e8_batch(const kvl_lat_consts *C, const float *z, int32_t *k, uint64_t *idx)
{
    __m256 r[8], zc[8], kc[8];
    __m256i w[8];
    int i;
    for (i = 0; i < 8; i++)
        r[i] = _mm256_loadu_ps(z + 8 * i);
    tr8x8(r, zc);
    e8_closest(zc, C->q, w);
    if (k) {
        for (i = 0; i < 8; i++)
            r[i] = PS(w[i]);
        tr8x8(r, kc);
        for (i = 0; i < 8; i++)
            _mm256_storeu_si256((__m256i *)(k + 8 * i), SI(kc[i]));
    }
    if (idx)
        e8_rank8(C, w, idx);
}

void kvl_avx2_closest_rank_c(const kvl_lat_consts *C, const float *z, uint32_t d, int32_t *k,
                             uint64_t *idx)
{
    const uint32_t span = 8u * C->bd; /* coordinates of 8 blocks */
    uint32_t i;
    for (i = 0; i + span <= d; i += span) {
        if (C->lattice == KVL_LATTICE_D4)
            d4_batch(C, z + i, k ? k + i : 0, idx ? idx + i / 4u : 0);
        else
            e8_batch(C, z + i, k ? k + i : 0, idx ? idx + i / 8u : 0);
    }
    if (i < d) {
        /* fewer than 8 blocks (small d): pad with zero blocks */
        float zp[64] = {0};
        int32_t kp[64];
        uint64_t ip[8];
        uint32_t m = d - i;
        memcpy(zp, z + i, m * sizeof(float));
        if (C->lattice == KVL_LATTICE_D4)
            d4_batch(C, zp, kp, ip);
        else
            e8_batch(C, zp, kp, ip);
        if (k)
            memcpy(k + i, kp, m * sizeof(int32_t));
        if (idx)
            memcpy(idx + i / C->bd, ip, (m / C->bd) * sizeof(uint64_t));
    }
}

/* Ranks of given codes: the rank half of the batches above. */
void kvl_avx2_rank_c(const kvl_lat_consts *C, const int32_t *k, uint32_t d, uint64_t *idx)
{
    const uint32_t span = 8u * C->bd;
    int32_t kp[64];
    uint64_t ip[8];
    uint32_t i, j;
    for (i = 0; i < d; i += span) {
        const int32_t *kb = k + i;
        uint32_t m = d - i < span ? d - i : span;
        if (m < span) {
            memset(kp, 0, sizeof kp);
            memcpy(kp, kb, m * sizeof(int32_t));
            kb = kp;
        }
        if (C->lattice == KVL_LATTICE_D4) {
            __m256 kc[4];
            __m256i c[4];
            tr4x8(_mm256_loadu_ps((const float *)kb), _mm256_loadu_ps((const float *)kb + 8),
                  _mm256_loadu_ps((const float *)kb + 16), _mm256_loadu_ps((const float *)kb + 24), kc);
            for (j = 0; j < 4u; j++)
                c[j] = SI(kc[j]);
            d4_rank8(C, c, ip);
        } else {
            __m256 r[8], kc[8];
            __m256i w[8];
            for (j = 0; j < 8u; j++)
                r[j] = _mm256_loadu_ps((const float *)kb + 8u * j);
            tr8x8(r, kc);
            for (j = 0; j < 8u; j++)
                w[j] = SI(kc[j]);
            e8_rank8(C, w, ip);
        }
        memcpy(idx + i / C->bd, ip, (m / C->bd) * sizeof(uint64_t));
    }
}

/* ---- table entries (ref/kernels.h) ------------------------------------- */

void kvl_avx2_lattice_closest(const kvl_lattice_info *lat, const float *z, uint32_t d, int32_t *k)
{
    kvl_lat_consts C;
    kvl_avx2_lat_consts(lat, &C);
    kvl_avx2_closest_rank_c(&C, z, d, k, 0);
}

void kvl_avx2_lattice_rank(const kvl_lattice_info *lat, const int32_t *k, uint32_t d, uint64_t *idx)
{
    kvl_lat_consts C;
    kvl_avx2_lat_consts(lat, &C);
    kvl_avx2_rank_c(&C, k, d, idx);
}
