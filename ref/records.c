/* records.c -- batches of vector records (spec §6, §7, §9.2 "Records" and
 * "Output"): the reference loops behind kvl_chunk_encode / _decode /
 * _decode_vector / _validate. Optimised kernel tables (ref/kernels.h)
 * replace these loops as a whole and must match them bit for bit. */
#include "kernels.h"

int kvl_ref_encode_records(const kvl_layout *L, const float *mean, const float *basis,
                           const float *xs, uint32_t n, void *scratch, uint8_t *records)
{
    uint32_t v;
    int st = KVL_OK;
    for (v = 0; st == KVL_OK && v < n; v++) {
        uint8_t *rec = records + (size_t)v * L->record_bytes;
        const float *x = xs + (size_t)v * L->dim;
        if (L->p.mode == KVL_MODE_RAW)
            st = kvl_raw_encode_vector(L, x, rec);
        else if (L->p.mode == KVL_MODE_FP8)
            st = kvl_fp8_encode_vector(L, x, rec);
        else
            st = kvl_lattice_encode_vector(L, mean, basis, x, scratch, rec);
    }
    return st;
}

/* Decode (or, with out == NULL, validate) one record into f32 values. */
static int decode_record(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                         const uint8_t *rec, float *out)
{
    if (L->p.mode == KVL_MODE_RAW)
        return kvl_raw_decode_vector(L, rec, out);
    if (L->p.mode == KVL_MODE_FP8)
        return kvl_fp8_decode_vector(L, rec, out);
    return kvl_lattice_decode_vector(L, mean, basis, rec, out);
}

/* Decode one record and store it as out_dtype at element offset base. LATTICE
 * decodes through a stack buffer (dim <= 512); RAW and FP8 records (dim up to
 * 65536) are validated first, then converted value by value. */
static int decode_store(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                        const uint8_t *rec, uint32_t out_dtype, void *out, size_t base)
{
    float buf[KVL_LATTICE_MAX_DIM];
    uint32_t j;
    int st;
    if (L->p.mode == KVL_MODE_LATTICE) {
        st = decode_record(L, mean, basis, rec, buf);
        for (j = 0; st == KVL_OK && j < L->dim; j++)
            st = kvl_store_from_f32(out, out_dtype, base + j, buf[j]);
        return st;
    }
    st = decode_record(L, mean, basis, rec, 0);
    for (j = 0; st == KVL_OK && j < L->dim; j++) {
        float v = L->p.mode == KVL_MODE_RAW ? kvl_raw_value(L, rec, j) : kvl_fp8_value(L, rec, j);
        st = kvl_store_from_f32(out, out_dtype, base + j, v);
    }
    return st;
}

int kvl_ref_decode_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                           const uint8_t *records, uint32_t n, uint32_t out_dtype, void *out)
{
    uint32_t i;
    int st = KVL_OK;
    for (i = 0; st == KVL_OK && i < n; i++)
        st = decode_store(L, mean, basis, records + (size_t)i * L->record_bytes, out_dtype, out,
                          (size_t)i * L->dim);
    return st;
}

int kvl_ref_validate_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                             const uint8_t *records, uint32_t n)
{
    uint32_t i;
    int st = KVL_OK;
    for (i = 0; st == KVL_OK && i < n; i++)
        st = decode_record(L, mean, basis, records + (size_t)i * L->record_bytes, 0);
    return st;
}
