/* dtype.c -- element types of input/output arrays (spec §2.2). */
#include <string.h>

#include "kvl_internal.h"

uint32_t kvl_dtype_size(uint32_t dtype)
{
    return dtype == KVL_DTYPE_F32 ? 4u : 2u;
}

/* Arrays are in host memory order; the host is little-endian or big-endian
 * alike since we copy whole elements. */
float kvl_load_as_f32(const void *src, uint32_t dtype, size_t i)
{
    const uint8_t *p = (const uint8_t *)src;
    if (dtype == KVL_DTYPE_F32) {
        float v;
        memcpy(&v, p + 4u * i, 4);
        return v;
    } else {
        uint16_t h;
        memcpy(&h, p + 2u * i, 2);
        return dtype == KVL_DTYPE_F16 ? kvl_f16_to_f32(h) : kvl_bf16_to_f32(h);
    }
}

int kvl_store_from_f32(void *dst, uint32_t dtype, size_t i, float v)
{
    uint8_t *p = (uint8_t *)dst;
    if (dtype == KVL_DTYPE_F32) {
        if (!kvl_f32_is_finite(v))
            return KVL_ERR_RANGE;
        memcpy(p + 4u * i, &v, 4);
    } else {
        uint16_t h = dtype == KVL_DTYPE_F16 ? kvl_f32_to_f16(v) : kvl_f32_to_bf16(v);
        /* exponent all ones: the value overflowed the 16-bit format */
        uint16_t exp_mask = dtype == KVL_DTYPE_F16 ? 0x7C00u : 0x7F80u;
        if ((h & exp_mask) == exp_mask)
            return KVL_ERR_RANGE;
        memcpy(p + 2u * i, &h, 2);
    }
    return KVL_OK;
}
