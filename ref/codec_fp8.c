/* codec_fp8.c -- FP8 mode records (spec §6.2).
 *
 * Record: [block scales][E4M3FN codes of the first fp8_dims values]
 *         [split profile only: the last 64 values as bf16].
 * Per block of B values: amax = max |x_i|; the scale s is derived from amax by
 * the block's scale format (§6.3); code_i = E4M3(x_i / s) with a correctly
 * rounded binary32 division, then RNE + saturation (§2.2.3). If s == 0 every
 * |x_i| is 0 and code_i is 0x00 or 0x80 by the sign of x_i. Decode: value_i = e4m3(code_i) * s (one binary32 multiply).
 */
#include "kvl_internal.h"

#define FP8_MAX 448.0f

static float abs_f32(float x) { return kvl_bits_to_f32(kvl_f32_to_bits(x) & 0x7FFFFFFFu); }

/* §6.3: UE8M0 scale. Biased exponent E (0..254) of the smallest power of two
 * 2^(E-127) >= t, where t = amax/448 (binary32); E = 0 when t <= 2^-127. */
static uint32_t ue8m0_from_target(float t)
{
    uint32_t bits = kvl_f32_to_bits(t);
    uint32_t ef = bits >> 23, mant = bits & 0x7FFFFFu;
    int32_t e;
    if (ef == 0u) {
        /* t = mant * 2^-149 (zero or subnormal, t < 2^-126): 2^-127 covers
         * t <= 2^-127 (mant <= 2^22), otherwise 2^-126 (E = 1) */
        return mant <= 0x400000u ? 0u : 1u;
    }
    e = (int32_t)ef - 127 + (mant != 0u ? 1 : 0);
    if (e < -127)
        e = -127;
    return (uint32_t)(e + 127);
}

/*@ assigns \nothing; */
static float ue8m0_value(uint32_t E)
{
    /* 2^(E-127): E >= 1 is a normal binary32 power of two; E == 0 is 2^-127,
     * the subnormal 2^22 * 2^-149 (bits 0x00400000). */
    return E == 0u ? kvl_bits_to_f32(0x00400000u) : kvl_bits_to_f32(E << 23);
}

int kvl_fp8_encode_vector(const kvl_layout *L, const float *x, uint8_t *rec)
{
    const uint32_t B = L->p.fp8_block;
    uint32_t blk, i;
    kvl_bitwriter sw, cw;
    kvl_bw_init(&sw, rec, L->record_bytes);
    kvl_bw_init(&cw, rec, L->record_bytes);
    kvl_bw_seek(&cw, (uint64_t)L->fp8_blocks * L->scale_bytes * 8u);
    for (blk = 0; blk < L->fp8_blocks; blk++) {
        const float *xb = x + (size_t)blk * B;
        float amax = 0.0f, s;
        for (i = 0; i < B; i++) {
            float a = abs_f32(xb[i]);
            if (a > amax)
                amax = a;
        }
        switch (L->p.fp8_scale) {
        case KVL_FP8_SCALE_F32:
            s = amax / FP8_MAX;
            kvl_bw_put(&sw, kvl_f32_to_bits(s), 32);
            break;
        case KVL_FP8_SCALE_UE8M0: {
            uint32_t E = ue8m0_from_target(amax / FP8_MAX);
            s = amax == 0.0f ? 0.0f : ue8m0_value(E);
            kvl_bw_put(&sw, amax == 0.0f ? 0u : E, 8);
            break;
        }
        default: {
            uint16_t h = kvl_f32_to_f16_up(amax / FP8_MAX);
            if (h == 0x7C00u)
                return KVL_ERR_RANGE; /* amax > 65504*448: use an F32 or UE8M0 scale */
            s = kvl_f16_to_f32(h);
            kvl_bw_put(&sw, h, 16);
            break;
        }
        }
        for (i = 0; i < B; i++) {
            /* scale 0: every |x| is 0; keep the sign (-0 -> 0x80) */
            uint8_t code = s == 0.0f ? (uint8_t)((kvl_f32_to_bits(xb[i]) >> 24) & 0x80u)
                                     : kvl_f32_to_e4m3(xb[i] / s);
            kvl_bw_put(&cw, code, 8);
        }
    }
    if (L->p.fp8_split_rope) {
        for (i = L->fp8_dims; i < L->dim; i++) {
            uint16_t b = kvl_f32_to_bf16(x[i]);
            if ((b & 0x7F80u) == 0x7F80u)
                return KVL_ERR_RANGE;
            kvl_bw_put(&cw, b, 16);
        }
    }
    return sw.err != KVL_OK ? sw.err : cw.err;
}

/* Read block scale (spec §6.3) from sr; KVL_ERR_FIELD for a negative or
 * non-finite scale or the UE8M0 NaN code 0xFF. */
/*@ // bits of one stored block scale (spec §6.3): F32, UE8M0, F16
    logic integer kvl_scale_bits(integer fmt) = fmt == KVL_FP8_SCALE_F32 ? 32 :
                                               fmt == KVL_FP8_SCALE_UE8M0 ? 8 : 16;
*/
/*@ requires \valid_read(L) && L->p.fp8_scale <= KVL_FP8_SCALE_F16;
    requires kvl_br_ok(sr) && \valid(s) && \separated(s, sr);
    assigns sr->pos, sr->err, *s;
    ensures kvl_br_ok(sr);
    ensures sr->buf == \old(sr->buf) && sr->size_bits == \old(sr->size_bits);
    ensures sr->err == \old(sr->err) || sr->err == KVL_ERR_TRUNCATED;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD;
    behavior read:
      assumes sr->err == KVL_OK && sr->pos + kvl_scale_bits(L->p.fp8_scale) <= sr->size_bits;
      ensures sr->pos == \old(sr->pos) + kvl_scale_bits(L->p.fp8_scale);
      ensures sr->err == KVL_OK;
*/
static int read_scale(const kvl_layout *L, kvl_bitreader *sr, float *s)
{
    switch (L->p.fp8_scale) {
    case KVL_FP8_SCALE_F32: {
        uint32_t b = (uint32_t)kvl_br_get(sr, 32);
        if ((b >> 31) != 0u || (b & 0x7F800000u) == 0x7F800000u)
            return KVL_ERR_FIELD;
        *s = kvl_bits_to_f32(b);
        return KVL_OK;
    }
    case KVL_FP8_SCALE_UE8M0: {
        uint32_t E = (uint32_t)kvl_br_get(sr, 8);
        if (E == 0xFFu)
            return KVL_ERR_FIELD;
        *s = ue8m0_value(E);
        return KVL_OK;
    }
    default: {
        uint16_t h = (uint16_t)kvl_br_get(sr, 16);
        if ((h >> 15) != 0u || (h & 0x7C00u) == 0x7C00u)
            return KVL_ERR_FIELD;
        *s = kvl_f16_to_f32(h);
        return KVL_OK;
    }
    }
}

/* §6.2, §6.3: the B values k0 .. k0+B-1 of one block: its scale from sr,
 * then its B codes from cr; out == NULL validates only. Errors: FIELD for a
 * bad scale or an E4M3FN NaN code (the first in reading order); a read past
 * the record's end leaves TRUNCATED in the reader's sticky err. */
/*@ requires \valid_read(L) && kvl_layout_fp8_ok(L);
    requires kvl_br_ok(sr) && kvl_br_ok(cr) && \separated(sr, cr);
    requires (sr->err == KVL_OK || sr->err == KVL_ERR_TRUNCATED) &&
             (cr->err == KVL_OK || cr->err == KVL_ERR_TRUNCATED);
    requires k0 + L->p.fp8_block <= L->fp8_dims;
    requires out == \null || \valid(out + (k0 .. k0 + L->p.fp8_block - 1));
    requires out != \null ==> \separated(out + (k0 .. k0 + L->p.fp8_block - 1), L, sr, cr);
    assigns sr->pos, sr->err, cr->pos, cr->err, out[k0 .. k0 + L->p.fp8_block - 1];
    ensures kvl_br_ok(sr) && kvl_br_ok(cr);
    ensures (sr->err == KVL_OK || sr->err == KVL_ERR_TRUNCATED) &&
            (cr->err == KVL_OK || cr->err == KVL_ERR_TRUNCATED);
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD;
*/
static int decode_block(const kvl_layout *L, kvl_bitreader *sr, kvl_bitreader *cr, uint32_t k0,
                        float *out)
{
    const uint32_t B = L->p.fp8_block;
    uint32_t i;
    float s = 0.0f;
    int st = read_scale(L, sr, &s);
    if (st != KVL_OK)
        return st;
    /*@ loop invariant 0 <= i <= B;
        loop invariant kvl_br_ok(cr);
        loop invariant cr->err == KVL_OK || cr->err == KVL_ERR_TRUNCATED;
        loop assigns i, cr->pos, cr->err, out[k0 .. k0 + B - 1];
        loop variant B - i;
    */
    for (i = 0; i < B; i++) {
        uint8_t code = (uint8_t)kvl_br_get(cr, 8);
        if ((code & 0x7Fu) == 0x7Fu)
            return KVL_ERR_FIELD; /* E4M3FN NaN codes are never written */
        if (out)
            out[k0 + i] = kvl_e4m3_to_f32(code) * s;
    }
    return KVL_OK;
}

/* §6.2 split profile: the last 64 values (fp8_dims .. dim-1) as bf16 from cr;
 * FIELD for a non-finite value. */
/*@ requires \valid_read(L) && kvl_layout_fp8_ok(L);
    requires kvl_br_ok(cr) && (cr->err == KVL_OK || cr->err == KVL_ERR_TRUNCATED);
    requires out == \null || \valid(out + (L->fp8_dims .. L->dim - 1));
    requires out != \null ==> \separated(out + (L->fp8_dims .. L->dim - 1), L, cr);
    assigns cr->pos, cr->err, out[L->fp8_dims .. L->dim - 1];
    ensures kvl_br_ok(cr) && (cr->err == KVL_OK || cr->err == KVL_ERR_TRUNCATED);
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD;
*/
static int decode_rope(const kvl_layout *L, kvl_bitreader *cr, float *out)
{
    uint32_t i;
    /*@ loop invariant L->fp8_dims <= i <= L->dim;
        loop invariant kvl_br_ok(cr);
        loop invariant cr->err == KVL_OK || cr->err == KVL_ERR_TRUNCATED;
        loop assigns i, cr->pos, cr->err, out[L->fp8_dims .. L->dim - 1];
        loop variant L->dim - i;
    */
    for (i = L->fp8_dims; i < L->dim; i++) {
        float v = kvl_bf16_to_f32((uint16_t)kvl_br_get(cr, 16));
        if (!kvl_f32_is_finite(v))
            return KVL_ERR_FIELD;
        if (out)
            out[i] = v;
    }
    return KVL_OK;
}

/* Decode (out != NULL) or validate only (out == NULL): the blocks in order
 * (decode_block), then the split profile's bf16 values (decode_rope). The
 * first FIELD error is returned as found; otherwise a read past the record's
 * end (scales first) gives TRUNCATED. */
int kvl_fp8_decode_vector(const kvl_layout *L, const uint8_t *rec, float *out)
{
    const uint32_t B = L->p.fp8_block;
    uint32_t blk, k = 0; /* k: first value of block blk */
    int st;
    kvl_bitreader sr, cr;
    kvl_br_init(&sr, rec, L->record_bytes);
    kvl_br_init(&cr, rec, L->record_bytes);
    kvl_br_seek(&cr, (uint64_t)L->fp8_blocks * L->scale_bytes * 8u);
    /*@ loop invariant 0 <= blk <= L->fp8_blocks;
        loop invariant (B == 32 && k == 32 * blk) || (B == 64 && k == 64 * blk) ||
                       (B == 128 && k == 128 * blk);
        loop invariant kvl_br_ok(&sr) && kvl_br_ok(&cr);
        loop invariant (sr.err == KVL_OK || sr.err == KVL_ERR_TRUNCATED) &&
                       (cr.err == KVL_OK || cr.err == KVL_ERR_TRUNCATED);
        loop assigns blk, k, st, sr.pos, sr.err, cr.pos, cr.err, out[0 .. L->fp8_dims - 1];
        loop variant L->fp8_blocks - blk;
    */
    for (blk = 0; blk < L->fp8_blocks; blk++) {
        st = decode_block(L, &sr, &cr, k, out);
        if (st != KVL_OK)
            return st;
        k += B;
    }
    if (L->p.fp8_split_rope) {
        st = decode_rope(L, &cr, out);
        if (st != KVL_OK)
            return st;
    }
    return sr.err != KVL_OK ? sr.err : cr.err;
}

float kvl_fp8_value(const kvl_layout *L, const uint8_t *rec, uint32_t j)
{
    kvl_bitreader br;
    uint64_t codes_at = (uint64_t)L->fp8_blocks * L->scale_bytes * 8u;
    float s = 0.0f;
    kvl_br_init(&br, rec, L->record_bytes);
    if (j >= L->fp8_dims) {
        kvl_br_seek(&br, codes_at + (uint64_t)L->fp8_dims * 8u + (uint64_t)(j - L->fp8_dims) * 16u);
        return kvl_bf16_to_f32((uint16_t)kvl_br_get(&br, 16));
    }
    kvl_br_seek(&br, (uint64_t)(j / L->p.fp8_block) * L->scale_bytes * 8u);
    (void)read_scale(L, &br, &s);
    kvl_br_seek(&br, codes_at + (uint64_t)j * 8u);
    return kvl_e4m3_to_f32((uint8_t)kvl_br_get(&br, 8)) * s;
}
