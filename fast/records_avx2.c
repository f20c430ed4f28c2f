/* records_avx2.c -- the batch entries of the AVX2 table (ref/kernels.h):
 * one mode switch per batch, then the per-mode loops. */
#include "fast.h"

int kvl_avx2_encode_records(const kvl_layout *L, const float *mean, const float *basis,
                            const float *xs, uint32_t n, void *scratch, uint8_t *records)
{
    if (L->p.mode == KVL_MODE_RAW)
        return kvl_avx2_raw_encode_records(L, xs, n, records);
    if (L->p.mode == KVL_MODE_FP8)
        return kvl_avx2_fp8_encode_records(L, xs, n, records);
    return kvl_avx2_lattice_encode_records(L, mean, basis, xs, n, scratch, records);
}

int kvl_avx2_decode_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                            const uint8_t *records, uint32_t n, uint32_t out_dtype, void *out)
{
    if (L->p.mode == KVL_MODE_RAW)
        return kvl_avx2_raw_decode_records(L, records, n, out_dtype, out);
    if (L->p.mode == KVL_MODE_FP8)
        return kvl_avx2_fp8_decode_records(L, records, n, out_dtype, out);
    return kvl_avx2_lattice_decode_records(L, mean, basis, records, n, out_dtype, out);
}

int kvl_avx2_validate_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                              const uint8_t *records, uint32_t n)
{
    (void)mean;
    (void)basis;
    if (L->p.mode == KVL_MODE_RAW)
        return kvl_avx2_raw_validate_records(L, records, n);
    if (L->p.mode == KVL_MODE_FP8)
        return kvl_avx2_fp8_validate_records(L, records, n);
    return kvl_avx2_lattice_validate_records(L, records, n);
}
