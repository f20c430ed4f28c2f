/* codec_raw.c -- RAW mode records (spec §6.1): D values of the stored dtype,
 * little-endian. The encoder rounds to nearest even; a value that is not finite
 * in the stored dtype is KVL_ERR_RANGE. A decoder rejects stored NaN/Inf
 * (KVL_ERR_FIELD): a conforming encoder never writes them. */
#include "kvl_internal.h"

int kvl_raw_encode_vector(const kvl_layout *L, const float *x, uint8_t *rec)
{
    uint32_t i;
    kvl_bitwriter bw;
    kvl_bw_init(&bw, rec, L->record_bytes);
    for (i = 0; i < L->dim; i++) {
        switch (L->p.raw_dtype) {
        case KVL_DTYPE_F32:
            kvl_bw_put(&bw, kvl_f32_to_bits(x[i]), 32);
            break;
        case KVL_DTYPE_F16: {
            uint16_t h = kvl_f32_to_f16(x[i]);
            if ((h & 0x7C00u) == 0x7C00u)
                return KVL_ERR_RANGE;
            kvl_bw_put(&bw, h, 16);
            break;
        }
        default: {
            uint16_t b = kvl_f32_to_bf16(x[i]);
            if ((b & 0x7F80u) == 0x7F80u)
                return KVL_ERR_RANGE;
            kvl_bw_put(&bw, b, 16);
            break;
        }
        }
    }
    return bw.err;
}

/* out may be NULL: validate only. */
int kvl_raw_decode_vector(const kvl_layout *L, const uint8_t *rec, float *out)
{
    uint32_t i;
    kvl_bitreader br;
    kvl_br_init(&br, rec, L->record_bytes);
    /* the record holds exactly dim values: every read is inside it */
    /*@ loop invariant 0 <= i <= L->dim;
        loop invariant kvl_br_ok(&br) && br.buf == rec && br.size_bits == 8 * L->record_bytes;
        loop invariant br.err == KVL_OK;
        loop invariant br.pos == 8 * i * (L->p.raw_dtype == KVL_DTYPE_F32 ? 4 : 2);
        loop assigns i, br.pos, br.err, out[0 .. L->dim - 1];
        loop variant L->dim - i;
    */
    for (i = 0; i < L->dim; i++) {
        float v;
        if (L->p.raw_dtype == KVL_DTYPE_F32)
            v = kvl_bits_to_f32((uint32_t)kvl_br_get(&br, 32));
        else if (L->p.raw_dtype == KVL_DTYPE_F16)
            v = kvl_f16_to_f32((uint16_t)kvl_br_get(&br, 16));
        else
            v = kvl_bf16_to_f32((uint16_t)kvl_br_get(&br, 16));
        if (!kvl_f32_is_finite(v))
            return KVL_ERR_FIELD;
        if (out)
            out[i] = v;
    }
    return br.err;
}

float kvl_raw_value(const kvl_layout *L, const uint8_t *rec, uint32_t j)
{
    kvl_bitreader br;
    unsigned w = L->p.raw_dtype == KVL_DTYPE_F32 ? 32u : 16u;
    uint32_t bits;
    kvl_br_init(&br, rec, L->record_bytes);
    kvl_br_seek(&br, (uint64_t)j * w);
    bits = (uint32_t)kvl_br_get(&br, w);
    if (L->p.raw_dtype == KVL_DTYPE_F32)
        return kvl_bits_to_f32(bits);
    return L->p.raw_dtype == KVL_DTYPE_F16 ? kvl_f16_to_f32((uint16_t)bits)
                                           : kvl_bf16_to_f32((uint16_t)bits);
}
