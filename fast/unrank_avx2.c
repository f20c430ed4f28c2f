/* unrank_avx2.c -- D4 / E8 unranks with AVX2 (spec §7.6), bit-identical to
 * ref/lattice.c, for the decoder.
 *
 * Unranks divide exactly. The general path works in binary64 lanes: every
 * value is an integer < 2^53, the quotient from a reciprocal multiply is off
 * by at most one and is corrected. The fast path (every X < 2^51, which
 * covers D4 Q <= 3443 and E8 Q <= 40) splits X once without correction and
 * takes the remaining digits with exact multiply-shift divisions in 8 lanes;
 * it can also apply the first Walsh-Hadamard stages to the codes while they
 * are still arranged by coordinate (decoder, §7.7 step 7).
 */
#include "avx2_util.h"
#include "lattice_avx2.h"

/* ---- §7.6 unranks: exact division in binary64 lanes ------------------------ */

/* x = q * D + r for integer-valued x in [0, 2^53), D >= 1: q from the
 * reciprocal (off by at most one), then one correction each way. */
static inline __m256d divstep(__m256d x, __m256d D, __m256d inv, __m256d *rem)
{
    const __m256d one = _mm256_set1_pd(1.0);
    __m256d q = _mm256_floor_pd(_mm256_mul_pd(x, inv));
    __m256d r = _mm256_sub_pd(x, _mm256_mul_pd(q, D));
    __m256d m = _mm256_cmp_pd(r, _mm256_setzero_pd(), _CMP_LT_OQ);
    r = _mm256_add_pd(r, _mm256_and_pd(m, D));
    q = _mm256_sub_pd(q, _mm256_and_pd(m, one));
    m = _mm256_cmp_pd(r, D, _CMP_GE_OQ);
    r = _mm256_sub_pd(r, _mm256_and_pd(m, D));
    q = _mm256_add_pd(q, _mm256_and_pd(m, one));
    *rem = r;
    return q;
}

/* 4x4 transpose of 32-bit lanes: a[i] = coordinate i of 4 blocks -> blocks. */
static inline void tr4x4_epi32(__m128i *a)
{
    __m128 r0 = _mm_castsi128_ps(a[0]), r1 = _mm_castsi128_ps(a[1]);
    __m128 r2 = _mm_castsi128_ps(a[2]), r3 = _mm_castsi128_ps(a[3]);
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    a[0] = _mm_castps_si128(r0);
    a[1] = _mm_castps_si128(r1);
    a[2] = _mm_castps_si128(r2);
    a[3] = _mm_castps_si128(r3);
}

/* 4 D4 blocks: N = 2 idx < 2^52, digits u3 .. u0 base R, c_i = u_i - q.
 * Returns 0 when an index is >= count. */
static int d4_unrank4(const kvl_lat_consts *C, const uint64_t *idx, int32_t *k)
{
    const __m256d R = _mm256_set1_pd((double)C->R), inv = _mm256_set1_pd(1.0 / (double)C->R);
    const __m128i qv = _mm_set1_epi32(C->q);
    __m256i x = _mm256_loadu_si256((const __m256i *)idx);
    __m256i bad = _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)C->count), x);
    __m256d n = v_u52_to_pd(_mm256_slli_epi64(x, 1)), d3, d2, d1;
    __m128i c[4];
    int i;
    if (_mm256_movemask_pd(_mm256_castsi256_pd(bad)) != 0xF)
        return 0;
    n = divstep(n, R, inv, &d3);
    n = divstep(n, R, inv, &d2);
    n = divstep(n, R, inv, &d1);
    c[0] = _mm256_cvttpd_epi32(n);
    c[1] = _mm256_cvttpd_epi32(d1);
    c[2] = _mm256_cvttpd_epi32(d2);
    c[3] = _mm256_cvttpd_epi32(d3);
    tr4x4_epi32(c);
    for (i = 0; i < 4; i++)
        _mm_storeu_si128((__m128i *)(k + 4 * i), _mm_sub_epi32(c[i], qv));
    return 1;
}

/* 4 E8 blocks. Integer coset (idx < count_int): X = 2 idx, 8 digits base R.
 * Half coset: X = idx - count_int, digits v7/2 (base q), v6 .. v0 (base M).
 * Both have 7 divisions; X < 2^64 is first split into hi * P + lo with
 * P = R^4 or qM^3 (hi, lo < 2^32) using an approximate binary64 quotient and
 * an exact 64-bit correction. Returns 0 when an index is >= count. */
static int e8_unrank4(const kvl_lat_consts *C, const uint64_t *idx, int32_t *w)
{
    const __m256i sign = _mm256_set1_epi64x((long long)0x8000000000000000ULL);
    const __m256i lo32 = _mm256_set1_epi64x(0xFFFFFFFFLL);
    __m256i x = _mm256_loadu_si256((const __m256i *)idx), xs = _mm256_xor_si256(x, sign);
    __m256i ok = _mm256_cmpgt_epi64(_mm256_xor_si256(_mm256_set1_epi64x((long long)C->count), sign), xs);
    __m256i half = _mm256_cmpgt_epi64(xs, _mm256_xor_si256(_mm256_set1_epi64x((long long)(C->count_int - 1u)), sign));
    __m256i X, P, hq, lo, m;
    __m256d halfd, Xd, hd, ld, D1, D2, inv1, inv2, dg[8];
    __m128i g[8], halfi, par, qq;
    int i;
    if (_mm256_movemask_pd(_mm256_castsi256_pd(ok)) != 0xF)
        return 0;
    halfd = _mm256_castsi256_pd(half);
    X = _mm256_blendv_epi8(_mm256_slli_epi64(x, 1),
                           _mm256_sub_epi64(x, _mm256_set1_epi64x((long long)C->count_int)), half);
    P = _mm256_blendv_epi8(_mm256_set1_epi64x(C->R4), _mm256_set1_epi64x(C->QM3), half);
    /* hi * P + lo */
    Xd = _mm256_add_pd(_mm256_mul_pd(v_u52_to_pd(_mm256_srli_epi64(X, 32)), _mm256_set1_pd(4294967296.0)),
                       v_u52_to_pd(_mm256_and_si256(X, lo32)));
    hd = _mm256_floor_pd(_mm256_mul_pd(Xd, _mm256_blendv_pd(_mm256_set1_pd(1.0 / (double)C->R4),
                                                            _mm256_set1_pd(1.0 / (double)C->QM3), halfd)));
    hq = v_pd_to_u52(hd);
    lo = _mm256_sub_epi64(X, _mm256_mul_epu32(hq, P));
    m = _mm256_cmpgt_epi64(_mm256_setzero_si256(), lo);           /* lo < 0 */
    lo = _mm256_add_epi64(lo, _mm256_and_si256(m, P));
    hq = _mm256_add_epi64(hq, m);
    m = _mm256_cmpgt_epi64(lo, _mm256_sub_epi64(P, _mm256_set1_epi64x(1))); /* lo >= P */
    lo = _mm256_sub_epi64(lo, _mm256_and_si256(m, P));
    hq = _mm256_sub_epi64(hq, m);
    hd = v_u52_to_pd(hq);
    ld = v_u52_to_pd(lo);
    /* digits: lo -> 7, 6, 5, 4 (first radix q or R, then M or R); hi -> 3 .. 0 */
    D1 = _mm256_blendv_pd(_mm256_set1_pd((double)C->R), _mm256_set1_pd((double)C->q), halfd);
    D2 = _mm256_blendv_pd(_mm256_set1_pd((double)C->R), _mm256_set1_pd((double)C->M), halfd);
    inv1 = _mm256_blendv_pd(_mm256_set1_pd(1.0 / (double)C->R), _mm256_set1_pd(1.0 / (double)C->q), halfd);
    inv2 = _mm256_blendv_pd(_mm256_set1_pd(1.0 / (double)C->R), _mm256_set1_pd(1.0 / (double)C->M), halfd);
    ld = divstep(ld, D1, inv1, &dg[7]);
    ld = divstep(ld, D2, inv2, &dg[6]);
    dg[4] = divstep(ld, D2, inv2, &dg[5]);
    hd = divstep(hd, D2, inv2, &dg[3]);
    hd = divstep(hd, D2, inv2, &dg[2]);
    dg[0] = divstep(hd, D2, inv2, &dg[1]);
    for (i = 0; i < 8; i++)
        g[i] = _mm256_cvttpd_epi32(dg[i]);
    /* half coset: v7 = 2 (v7 div 2) + parity(v0 + .. + v6); w = 2v - 2q + 1.
     * integer coset: w = 2u - 2q. */
    halfi = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(half, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
    par = g[0];
    for (i = 1; i < 7; i++)
        par = _mm_add_epi32(par, g[i]);
    par = _mm_and_si128(par, _mm_set1_epi32(1));
    g[7] = _mm_add_epi32(g[7], _mm_and_si128(halfi, _mm_add_epi32(g[7], par)));
    qq = _mm_sub_epi32(_mm_set1_epi32(2 * C->q), _mm_and_si128(halfi, _mm_set1_epi32(1)));
    for (i = 0; i < 8; i++)
        g[i] = _mm_sub_epi32(_mm_slli_epi32(g[i], 1), qq);
    tr4x4_epi32(g);
    tr4x4_epi32(g + 4);
    for (i = 0; i < 4; i++) {
        _mm_storeu_si128((__m128i *)(w + 8 * i), g[i]);
        _mm_storeu_si128((__m128i *)(w + 8 * i + 4), g[4 + i]);
    }
    return 1;
}

/* ---- fast unranks (C->fast_unrank): one exact split, then exact
 * multiply-shift digits in 8 lanes ------------------------------------------ */

/* floor(x / D) for 8 lanes x < 2^26; m, s per lane (32-bit lanes). */
static inline __m256i div_magic(__m256i x, __m256i m, __m256i s)
{
    const __m256i lo = _mm256_set1_epi64x(0xFFFFFFFFLL);
    __m256i e = _mm256_srlv_epi64(_mm256_mul_epu32(x, m), _mm256_and_si256(s, lo));
    __m256i o = _mm256_srlv_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(m, 32)),
                                  _mm256_srli_epi64(s, 32));
    return _mm256_blend_epi32(e, _mm256_slli_epi64(o, 32), 0xAA);
}

/* X = hi * P + lo for X < 2^51 (u64 lanes): floor((X + 1/2) / P) from one
 * binary64 multiply is exact because the product's error, below
 * (X + 1/2) * 2^-52 / P < 1/(2P), is less than the distance 1/(2P) from
 * (X + 1/2) / P to the nearest integer; lo = X - hi * P is exact (< 2^53). */
static inline void split_pd(__m256i X, __m256d P, __m256d invP, __m128i *hi, __m128i *lo)
{
    __m256d x = v_u52_to_pd(X);
    __m256d h = _mm256_floor_pd(_mm256_mul_pd(_mm256_add_pd(x, _mm256_set1_pd(0.5)), invP));
    *hi = _mm256_cvttpd_epi32(h);
    *lo = _mm256_cvttpd_epi32(_mm256_sub_pd(x, _mm256_mul_pd(h, P)));
}

static inline __m256i join128(__m128i lo, __m128i hi)
{
    return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
}

/* floor(x / D) for 8 lanes x < 2^26 and one divisor (m, s as 64-bit). */
static inline __m256i div_magic1(__m256i x, __m256i m, __m128i s)
{
    __m256i e = _mm256_srl_epi64(_mm256_mul_epu32(x, m), s);
    __m256i o = _mm256_srl_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), m), s);
    return _mm256_blend_epi32(e, _mm256_slli_epi64(o, 32), 0xAA);
}

/* D4 constants as registers, set up once per batch. */
typedef struct d4_vc {
    __m256i cnt, m, R, q;
    __m128i s;
    __m256d R2, inv;
} d4_vc;

static void d4_vc_init(const kvl_lat_consts *C, d4_vc *v)
{
    v->cnt = _mm256_set1_epi64x((long long)C->count);
    v->m = _mm256_set1_epi64x((long long)C->mR);
    v->s = _mm_cvtsi32_si128((int)C->sR);
    v->R = _mm256_set1_epi32((int)C->R);
    v->q = _mm256_set1_epi32(C->q);
    v->R2 = _mm256_set1_pd((double)C->R2);
    v->inv = _mm256_set1_pd(C->invR2);
}

/* 8 D4 blocks: N = 2 idx = (u0 R + u1) R^2 + (u2 R + u3); codes c_i = u_i - q
 * as registers over the blocks (lane = block). wht: stages h = 1, 2 (inside
 * each block) and h = 4 (block pairs) applied to the codes. Stores 32 codes; 0 if an index >= count. */
static inline int d4_unrank8_fast(const d4_vc *V, __m256i x0, __m256i x1, int32_t *k, int wht)
{
    __m128i h0, l0, h1, l1;
    __m256i H, Lo, c[4], t0, t1, t2, t3;
    if (_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_and_si256(_mm256_cmpgt_epi64(V->cnt, x0),
                                                                _mm256_cmpgt_epi64(V->cnt, x1)))) != 0xF)
        return 0;
    split_pd(_mm256_slli_epi64(x0, 1), V->R2, V->inv, &h0, &l0);
    split_pd(_mm256_slli_epi64(x1, 1), V->R2, V->inv, &h1, &l1);
    H = join128(h0, h1);
    Lo = join128(l0, l1);
    c[0] = div_magic1(H, V->m, V->s);
    c[1] = _mm256_sub_epi32(H, _mm256_mullo_epi32(c[0], V->R));
    c[2] = div_magic1(Lo, V->m, V->s);
    c[3] = _mm256_sub_epi32(Lo, _mm256_mullo_epi32(c[2], V->R));
    c[0] = _mm256_sub_epi32(c[0], V->q);
    c[1] = _mm256_sub_epi32(c[1], V->q);
    c[2] = _mm256_sub_epi32(c[2], V->q);
    c[3] = _mm256_sub_epi32(c[3], V->q);
    if (wht) {
        t0 = _mm256_add_epi32(c[0], c[1]); /* h = 1 */
        t1 = _mm256_sub_epi32(c[0], c[1]);
        t2 = _mm256_add_epi32(c[2], c[3]);
        t3 = _mm256_sub_epi32(c[2], c[3]);
        c[0] = _mm256_add_epi32(t0, t2); /* h = 2 */
        c[2] = _mm256_sub_epi32(t0, t2);
        c[1] = _mm256_add_epi32(t1, t3);
        c[3] = _mm256_sub_epi32(t1, t3);
    }
    /* 4 x 8 -> blocks: [b0 | b1], [b2 | b3], [b4 | b5], [b6 | b7] */
    t0 = _mm256_unpacklo_epi32(c[0], c[1]);
    t1 = _mm256_unpackhi_epi32(c[0], c[1]);
    t2 = _mm256_unpacklo_epi32(c[2], c[3]);
    t3 = _mm256_unpackhi_epi32(c[2], c[3]);
    c[0] = _mm256_unpacklo_epi64(t0, t2); /* b0 | b4 */
    c[1] = _mm256_unpackhi_epi64(t0, t2); /* b1 | b5 */
    c[2] = _mm256_unpacklo_epi64(t1, t3); /* b2 | b6 */
    c[3] = _mm256_unpackhi_epi64(t1, t3); /* b3 | b7 */
    if (wht) { /* h = 4 pairs blocks 2j and 2j+1: vertical here */
        t0 = _mm256_add_epi32(c[0], c[1]);
        c[1] = _mm256_sub_epi32(c[0], c[1]);
        c[0] = t0;
        t2 = _mm256_add_epi32(c[2], c[3]);
        c[3] = _mm256_sub_epi32(c[2], c[3]);
        c[2] = t2;
    }
    _mm256_storeu_si256((__m256i *)k, _mm256_permute2x128_si256(c[0], c[1], 0x20));
    _mm256_storeu_si256((__m256i *)(k + 8), _mm256_permute2x128_si256(c[2], c[3], 0x20));
    _mm256_storeu_si256((__m256i *)(k + 16), _mm256_permute2x128_si256(c[0], c[1], 0x31));
    _mm256_storeu_si256((__m256i *)(k + 24), _mm256_permute2x128_si256(c[2], c[3], 0x31));
    return 1;
}

/* E8 constants as registers, set up once per batch. */
typedef struct e8_vc {
    __m256i cnt, cint_m1, cint, mR, sR, R, mM, sM, M, q2;
    __m256d R4d, invR4, M4d, invM4;
} e8_vc;

static void e8_vc_init(const kvl_lat_consts *C, e8_vc *v)
{
    v->cnt = _mm256_set1_epi64x((long long)C->count);
    v->cint_m1 = _mm256_set1_epi64x((long long)(C->count_int - 1u));
    v->cint = _mm256_set1_epi64x((long long)C->count_int);
    v->mR = _mm256_set1_epi32((int)C->mR);
    v->sR = _mm256_set1_epi32((int)C->sR);
    v->R = _mm256_set1_epi32((int)C->R);
    v->mM = _mm256_set1_epi32((int)C->mM);
    v->sM = _mm256_set1_epi32((int)C->sM);
    v->M = _mm256_set1_epi32((int)C->M);
    v->q2 = _mm256_set1_epi32(2 * C->q);
    v->R4d = _mm256_set1_pd((double)C->R4);
    v->invR4 = _mm256_set1_pd(C->invR4);
    v->M4d = _mm256_set1_pd((double)C->M4);
    v->invM4 = _mm256_set1_pd(C->invM4);
}

/* 4 E8 blocks in 8 lanes. Integer coset: X = 2 idx = (u0 .. u7) base R.
 * Half coset: X = 2 (idx - count_int) = (v0 .. v6, 2 (v7 div 2)) base M,
 * since 2 (v7 div 2) < M; so every lane divides by one radix (R or M)
 * throughout. X = hi * P + lo with P = R^4 or M^4 (hi, lo < 2^26); lanes 0-3
 * hold lo (digits 7, 6, 5, 4), lanes 4-7 hi (digits 3 .. 0). Half coset:
 * v7 = digit 7 + parity(v0 + .. + v6). wht: stages h = 1, 2, 4 applied to the
 * codes. Stores 32 codes; 0 if an index >= count. */
static inline int e8_unrank4_fast(const e8_vc *C, __m256i x, int32_t *w, int wht)
{
    const __m256i lo_lanes = _mm256_setr_epi32(-1, -1, -1, -1, 0, 0, 0, 0);
    __m256i X, half, h8, hl, m, sh, D, V, q1, q2, q3, r1, r2, r3;
    __m256i S, par, off, g[4], t0, t1, t2, t3, sgn;
    __m128i hi, lo, h4, a[4], b[4];
    __m256d halfd;
    int i;
    if (_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(C->cnt, x))) != 0xF)
        return 0;
    half = _mm256_cmpgt_epi64(x, C->cint_m1);
    halfd = _mm256_castsi256_pd(half);
    X = _mm256_slli_epi64(_mm256_sub_epi64(x, _mm256_and_si256(half, C->cint)), 1);
    split_pd(X, _mm256_blendv_pd(C->R4d, C->M4d, halfd), _mm256_blendv_pd(C->invR4, C->invM4, halfd), &hi, &lo);
    V = join128(lo, hi);
    h4 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(half, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
    h8 = join128(h4, h4);
    hl = _mm256_and_si256(h8, lo_lanes);
    m = _mm256_blendv_epi8(C->mR, C->mM, h8);
    sh = _mm256_blendv_epi8(C->sR, C->sM, h8);
    D = _mm256_blendv_epi8(C->R, C->M, h8);
    q1 = div_magic(V, m, sh);
    r1 = _mm256_sub_epi32(V, _mm256_mullo_epi32(q1, D)); /* d7 | d3 */
    q2 = div_magic(q1, m, sh);
    r2 = _mm256_sub_epi32(q1, _mm256_mullo_epi32(q2, D)); /* d6 | d2 */
    q3 = div_magic(q2, m, sh);
    r3 = _mm256_sub_epi32(q2, _mm256_mullo_epi32(q3, D)); /* d5 | d1; q3: d4 | d0 */
    /* half coset: v7 = 2 (v7 div 2) + parity(d0 + .. + d6) */
    S = _mm256_add_epi32(_mm256_add_epi32(r2, r3), _mm256_add_epi32(q3, _mm256_andnot_si256(lo_lanes, r1)));
    par = _mm256_and_si256(_mm256_add_epi32(S, _mm256_permute2x128_si256(S, S, 0x01)), _mm256_set1_epi32(1));
    r1 = _mm256_add_epi32(r1, _mm256_and_si256(hl, par));
    /* w = 2u - 2q (integer coset) or 2v - 2q + 1 (half coset) */
    off = _mm256_add_epi32(C->q2, h8);
    g[0] = _mm256_sub_epi32(_mm256_slli_epi32(q3, 1), off); /* c4 | c0 */
    g[1] = _mm256_sub_epi32(_mm256_slli_epi32(r3, 1), off); /* c5 | c1 */
    g[2] = _mm256_sub_epi32(_mm256_slli_epi32(r2, 1), off); /* c6 | c2 */
    g[3] = _mm256_sub_epi32(_mm256_slli_epi32(r1, 1), off); /* c7 | c3 */
    if (wht) {
        t0 = _mm256_add_epi32(g[0], g[1]); /* h = 1: (c0, c1), (c4, c5), ... */
        t1 = _mm256_sub_epi32(g[0], g[1]);
        t2 = _mm256_add_epi32(g[2], g[3]);
        t3 = _mm256_sub_epi32(g[2], g[3]);
        g[0] = _mm256_add_epi32(t0, t2); /* h = 2 */
        g[2] = _mm256_sub_epi32(t0, t2);
        g[1] = _mm256_add_epi32(t1, t3);
        g[3] = _mm256_sub_epi32(t1, t3);
        sgn = _mm256_setr_epi32(-1, -1, -1, -1, 1, 1, 1, 1); /* h = 4: c_i (high half), c_i+4 (low) */
        for (i = 0; i < 4; i++)
            g[i] = _mm256_add_epi32(_mm256_permute2x128_si256(g[i], g[i], 0x01), _mm256_sign_epi32(g[i], sgn));
    }
    for (i = 0; i < 4; i++) {
        a[i] = _mm256_extracti128_si256(g[i], 1); /* c_i of blocks 0-3 */
        b[i] = _mm256_castsi256_si128(g[i]);      /* c_i+4 */
    }
    tr4x4_epi32(a);
    tr4x4_epi32(b);
    for (i = 0; i < 4; i++) {
        _mm_storeu_si128((__m128i *)(w + 8 * i), a[i]);
        _mm_storeu_si128((__m128i *)(w + 8 * i + 4), b[i]);
    }
    return 1;
}

/* Blocks in groups (8 for D4, 4 for E8 on the fast path); a short last group
 * runs on zero-padded indices. */
static int unrank_fast(const kvl_lat_consts *C, const uint64_t *idx, uint32_t d, int32_t *k, int wht)
{
    const uint32_t nblk = d / C->bd, g = C->lattice == KVL_LATTICE_D4 ? 8u : 4u;
    uint64_t ip[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int32_t kp[32];
    uint32_t b, m;
    int ok = 1;
#define LOADU(p) _mm256_loadu_si256((const __m256i *)(p))
    if (C->lattice == KVL_LATTICE_D4) {
        d4_vc V;
        d4_vc_init(C, &V);
        for (b = 0; ok && b + g <= nblk; b += g)
            ok = d4_unrank8_fast(&V, LOADU(idx + b), LOADU(idx + b + 4u), k + (size_t)b * 4u, wht);
        if (ok && b < nblk) { /* fewer than 8 blocks left (small D): zero-padded */
            m = nblk - b;
            memcpy(ip, idx + b, m * sizeof(uint64_t));
            ok = d4_unrank8_fast(&V, LOADU(ip), LOADU(ip + 4), kp, wht);
            memcpy(k + (size_t)b * 4u, kp, m * 4u * sizeof(int32_t));
        }
    } else {
        e8_vc V;
        e8_vc_init(C, &V);
        for (b = 0; ok && b + g <= nblk; b += g)
            ok = e8_unrank4_fast(&V, LOADU(idx + b), k + (size_t)b * 8u, wht);
        if (ok && b < nblk) {
            m = nblk - b;
            memcpy(ip, idx + b, m * sizeof(uint64_t));
            ok = e8_unrank4_fast(&V, LOADU(ip), kp, wht);
            memcpy(k + (size_t)b * 8u, kp, m * 8u * sizeof(int32_t));
        }
    }
#undef LOADU
    return ok ? KVL_OK : KVL_ERR_INDEX;
}

/* 4 index fields of width w (<= 56) at bit pos, pos + w, ... as u64 lanes,
 * built in registers: the unrank reads them at once, which a 32-byte load
 * of four 8-byte stores could not (no store-to-load forwarding). */
static inline __m256i fields4(const uint8_t *rec, uint64_t pos, uint32_t w, uint64_t mask)
{
    uint64_t f[4];
    int i;
    for (i = 0; i < 4; i++, pos += w) {
        uint64_t t;
        memcpy(&t, rec + (pos >> 3), 8);
        f[i] = (t >> (pos & 7u)) & mask;
    }
    return _mm256_set_epi64x((long long)f[3], (long long)f[2], (long long)f[1], (long long)f[0]);
}

int kvl_avx2_unrank_wht_bits(const kvl_lat_consts *C, const uint8_t *rec, uint64_t pos, uint32_t width,
                             uint32_t d, int32_t *k)
{
    const uint32_t nblk = d / C->bd;
    const uint64_t mask = (UINT64_C(1) << width) - 1u;
    uint64_t idx[8];
    uint32_t b, i;
    int ok = 1;
    if (C->lattice == KVL_LATTICE_D4 && nblk >= 8u) {
        d4_vc V;
        d4_vc_init(C, &V);
        for (b = 0; ok && b < nblk; b += 8u, pos += 8u * (uint64_t)width)
            ok = d4_unrank8_fast(&V, fields4(rec, pos, width, mask), fields4(rec, pos + 4u * (uint64_t)width, width, mask),
                                 k + (size_t)b * 4u, 1);
        return ok ? KVL_OK : KVL_ERR_INDEX;
    }
    if (C->lattice == KVL_LATTICE_E8 && nblk >= 4u) {
        e8_vc V;
        e8_vc_init(C, &V);
        for (b = 0; ok && b < nblk; b += 4u, pos += 4u * (uint64_t)width)
            ok = e8_unrank4_fast(&V, fields4(rec, pos, width, mask), k + (size_t)b * 8u, 1);
        return ok ? KVL_OK : KVL_ERR_INDEX;
    }
    /* small D: through an index array */
    for (i = 0; i < nblk; i++, pos += width) {
        uint64_t t;
        memcpy(&t, rec + (pos >> 3), 8);
        idx[i] = (t >> (pos & 7u)) & mask;
    }
    return unrank_fast(C, idx, d, k, 1);
}

int kvl_avx2_unrank_wht_c(const kvl_lat_consts *C, const uint64_t *idx, uint32_t d, int32_t *k,
                          uint32_t *h_next)
{
    if (C->fast_unrank) {
        *h_next = 8u; /* D4: h = 1, 2, 4 done; E8: h = 1, 2, 4 inside the blocks */
        return unrank_fast(C, idx, d, k, 1);
    }
    *h_next = 1;
    return kvl_avx2_unrank_c(C, idx, d, k);
}

int kvl_avx2_unrank_c(const kvl_lat_consts *C, const uint64_t *idx, uint32_t d, int32_t *k)
{
    const uint32_t nblk = d / C->bd;
    uint32_t b;
    if (C->fast_unrank)
        return unrank_fast(C, idx, d, k, 0);
    for (b = 0; b < nblk; b += 4u) {
        const uint64_t *ib = idx + b;
        int32_t kp[32];
        uint64_t ip[4] = {0, 0, 0, 0};
        int32_t *kb = k + (size_t)b * C->bd;
        uint32_t m = nblk - b < 4u ? nblk - b : 4u;
        int ok;
        if (m < 4u) {
            memcpy(ip, ib, m * sizeof(uint64_t));
            ib = ip;
            kb = kp;
        }
        ok = C->lattice == KVL_LATTICE_D4 ? d4_unrank4(C, ib, kb) : e8_unrank4(C, ib, kb);
        if (!ok)
            return KVL_ERR_INDEX;
        if (m < 4u)
            memcpy(k + (size_t)b * C->bd, kp, m * C->bd * sizeof(int32_t));
    }
    return KVL_OK;
}

int kvl_avx2_lattice_unrank(const kvl_lattice_info *lat, const uint64_t *idx, uint32_t d, int32_t *k)
{
    kvl_lat_consts C;
    kvl_avx2_lat_consts(lat, &C);
    return kvl_avx2_unrank_c(&C, idx, d, k);
}
