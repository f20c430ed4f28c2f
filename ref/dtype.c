/* dtype.c -- element types of input/output arrays (spec §2.2). */
#include "kvl_internal.h"

uint32_t kvl_dtype_size(uint32_t dtype)
{
    return dtype == KVL_DTYPE_F32 ? 4u : 2u;
}

/* Arrays are in host memory order: an element's bytes are copied one by one
 * through a union (C99 6.5.2.3), as memcpy would, so little- and big-endian
 * hosts alike see native values. Byte copies rather than memcpy keep every
 * access typed, which the WP proofs need (proof/README.md). */
typedef union {
    float f;
    uint16_t h;
    uint8_t b[4];
} elem_bytes;

float kvl_load_as_f32(const void *src, uint32_t dtype, size_t i)
{
    const uint8_t *p = (const uint8_t *)src;
    elem_bytes e;
    if (dtype == KVL_DTYPE_F32) {
        const uint8_t *q = p + 4u * i;
        e.b[0] = q[0];
        e.b[1] = q[1];
        e.b[2] = q[2];
        e.b[3] = q[3];
        return e.f;
    } else {
        const uint8_t *q = p + 2u * i;
        e.b[0] = q[0];
        e.b[1] = q[1];
        return dtype == KVL_DTYPE_F16 ? kvl_f16_to_f32(e.h) : kvl_bf16_to_f32(e.h);
    }
}

int kvl_store_from_f32(void *dst, uint32_t dtype, size_t i, float v)
{
    uint8_t *p = (uint8_t *)dst;
    elem_bytes e;
    if (dtype == KVL_DTYPE_F32) {
        uint8_t *q = p + 4u * i;
        if (!kvl_f32_is_finite(v))
            return KVL_ERR_RANGE;
        e.f = v;
        q[0] = e.b[0];
        q[1] = e.b[1];
        q[2] = e.b[2];
        q[3] = e.b[3];
    } else {
        uint8_t *q = p + 2u * i;
        /* exponent all ones: the value overflowed the 16-bit format */
        uint16_t exp_mask = dtype == KVL_DTYPE_F16 ? 0x7C00u : 0x7F80u;
        e.h = dtype == KVL_DTYPE_F16 ? kvl_f32_to_f16(v) : kvl_f32_to_bf16(v);
        if ((e.h & exp_mask) == exp_mask)
            return KVL_ERR_RANGE;
        q[0] = e.b[0];
        q[1] = e.b[1];
    }
    return KVL_OK;
}
