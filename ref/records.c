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

/*@ // the stored skeleton a LATTICE record needs
    predicate kvl_rec_skel_ok(kvl_layout *L, uint8_t *mean, uint8_t *basis) =
      (L->p.mode == KVL_MODE_LATTICE ==> mean == \null || \valid_read(mean + (0 .. 2 * L->dim - 1))) &&
      (L->p.mode == KVL_MODE_LATTICE && L->rank > 0 ==>
         \valid_read(basis + (0 .. 2 * L->rank * L->dim - 1)));
    // bytes of n output elements (4 or 2 bytes each), written per case: each
    // branch is linear in n (as in kvl_store_from_f32's contract)
    logic integer kvl_out_bytes(integer dt, integer n) = dt == KVL_DTYPE_F32 ? 4 * n : 2 * n;
    // record / element v + 1 of a batch of n still fits (v < n)
    lemma kvl_rec_mul_step: \forall integer a, b, c; 0 <= a < b && 0 <= c ==> a * c + c <= b * c;
    // the same fact behind a predicate symbol: z3/cvc5 instantiate this form
    // reliably (with the bare products they did not, in decode_batch)
    predicate kvl_rec_fits(integer a, integer b, integer c) = a * c + c <= b * c;
    lemma kvl_rec_fits_step: \forall integer a, b, c; 0 <= a < b && 0 <= c ==> kvl_rec_fits(a, b, c);
    // a batch of at most KVL_MAX_CHUNK_LEN vectors of at most KVL_MAX_DIM values
    predicate kvl_rec_batch(integer a, integer b) = a * b <= KVL_MAX_CHUNK_LEN * KVL_MAX_DIM;
    lemma kvl_rec_batch_le: \forall integer a, b; 0 <= a <= KVL_MAX_CHUNK_LEN && 0 <= b <= KVL_MAX_DIM ==>
                              kvl_rec_batch(a, b);
    // the output size of the kernels.h contract, in the linear-per-case form
    lemma kvl_rec_out_bytes: \forall integer dt, a; a * (dt == KVL_DTYPE_F32 ? 4 : 2) == kvl_out_bytes(dt, a);
*/

/* Decode (or, with out == NULL, validate) one record into f32 values. */
/*@ requires \valid_read(L) && kvl_layout_decodable(L);
    requires \valid_read(rec + (0 .. L->record_bytes - 1));
    requires kvl_rec_skel_ok(L, mean, basis);
    requires out == \null || \valid(out + (0 .. L->dim - 1));
    requires out != \null ==> \separated(out + (0 .. L->dim - 1), L, rec + (0 .. L->record_bytes - 1));
    requires out != \null && L->p.mode == KVL_MODE_LATTICE && mean != \null ==>
               \separated(out + (0 .. L->dim - 1), mean + (0 .. 2 * L->dim - 1));
    requires out != \null && L->p.mode == KVL_MODE_LATTICE && L->rank > 0 ==>
               \separated(out + (0 .. L->dim - 1), basis + (0 .. 2 * L->rank * L->dim - 1));
    assigns out[0 .. L->dim - 1];
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_RESERVED ||
            \result == KVL_ERR_TRUNCATED || \result == KVL_ERR_INDEX;
*/
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
/*@ requires \valid_read(L) && kvl_layout_decodable(L);
    requires \valid_read(rec + (0 .. L->record_bytes - 1));
    requires kvl_rec_skel_ok(L, mean, basis);
    requires out_dtype <= KVL_DTYPE_BF16 && base + L->dim <= 0x1000000000;
    requires \valid((uint8_t *)out + (kvl_out_bytes(out_dtype, base) ..
                                      kvl_out_bytes(out_dtype, base + L->dim) - 1));
    requires \separated((uint8_t *)out + (kvl_out_bytes(out_dtype, base) ..
                                          kvl_out_bytes(out_dtype, base + L->dim) - 1),
                        L, rec + (0 .. L->record_bytes - 1));
    assigns ((uint8_t *)out)[kvl_out_bytes(out_dtype, base) ..
                             kvl_out_bytes(out_dtype, base + L->dim) - 1];
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_RESERVED ||
            \result == KVL_ERR_TRUNCATED || \result == KVL_ERR_INDEX || \result == KVL_ERR_RANGE;
*/
static int decode_store(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                        const uint8_t *rec, uint32_t out_dtype, void *out, size_t base)
{
    /* Zeroed for EVA (see codec_lattice.c), through the integer view: WP 25
     * types the implicit zeros of a float array initialiser as integers (a
     * Why3 type error in every goal that keeps them). All-zero bits are
     * +0.0f, as `float buf[] = {0}` gave. */
    union {
        uint32_t zero[KVL_LATTICE_MAX_DIM];
        float v[KVL_LATTICE_MAX_DIM];
    } buf = {{0}};
    uint32_t j;
    int st;
    if (L->p.mode == KVL_MODE_LATTICE) {
        st = decode_record(L, mean, basis, rec, buf.v);
        /*@ loop invariant 0 <= j <= L->dim;
            loop invariant st == KVL_OK || st == KVL_ERR_FIELD || st == KVL_ERR_RESERVED ||
                           st == KVL_ERR_TRUNCATED || st == KVL_ERR_INDEX || st == KVL_ERR_RANGE;
            loop assigns j, st, ((uint8_t *)out)[kvl_out_bytes(out_dtype, base) ..
                                                 kvl_out_bytes(out_dtype, base + L->dim) - 1];
            loop variant L->dim - j;
        */
        for (j = 0; st == KVL_OK && j < L->dim; j++)
            st = kvl_store_from_f32(out, out_dtype, base + j, buf.v[j]);
        return st;
    }
    st = decode_record(L, mean, basis, rec, 0);
    /*@ loop invariant 0 <= j <= L->dim;
        loop invariant st == KVL_OK || st == KVL_ERR_FIELD || st == KVL_ERR_RESERVED ||
                       st == KVL_ERR_TRUNCATED || st == KVL_ERR_INDEX || st == KVL_ERR_RANGE;
        loop assigns j, st, ((uint8_t *)out)[kvl_out_bytes(out_dtype, base) ..
                                             kvl_out_bytes(out_dtype, base + L->dim) - 1];
        loop variant L->dim - j;
    */
    for (j = 0; st == KVL_OK && j < L->dim; j++) {
        float v = L->p.mode == KVL_MODE_RAW ? kvl_raw_value(L, rec, j) : kvl_fp8_value(L, rec, j);
        st = kvl_store_from_f32(out, out_dtype, base + j, v);
    }
    return st;
}

/* §9.2 "Output": the batch loop of kvl_ref_decode_records, record i to
 * element i*dim. Its contract writes the output size as
 * kvl_out_bytes(out_dtype, n * dim) (linear in each case): with the
 * kernels.h form n * dim * (out_dtype == F32 ? 4 : 2) in their context, z3
 * and cvc5 did not prove even the linear facts of the loop body. */
/*@ requires \valid_read(L) && kvl_layout_decodable(L);
    requires n <= KVL_MAX_CHUNK_LEN;
    requires \valid_read(records + (0 .. n * L->record_bytes - 1));
    requires kvl_rec_skel_ok(L, mean, basis);
    requires out_dtype <= KVL_DTYPE_BF16;
    requires \valid((uint8_t *)out + (0 .. kvl_out_bytes(out_dtype, n * L->dim) - 1));
    requires \separated((uint8_t *)out + (0 .. kvl_out_bytes(out_dtype, n * L->dim) - 1),
                        L, records + (0 .. n * L->record_bytes - 1));
    assigns ((uint8_t *)out)[0 .. kvl_out_bytes(out_dtype, n * L->dim) - 1];
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_RESERVED ||
            \result == KVL_ERR_TRUNCATED || \result == KVL_ERR_INDEX || \result == KVL_ERR_RANGE;
*/
static int decode_batch(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                        const uint8_t *records, uint32_t n, uint32_t out_dtype, void *out)
{
    uint32_t i;
    int st = KVL_OK;
    /*@ assert L->dim <= KVL_MAX_DIM; */
    /*@ assert kvl_rec_batch(n, L->dim); */
    /*@ assert n * L->dim <= KVL_MAX_CHUNK_LEN * KVL_MAX_DIM; */
    /*@ loop invariant 0 <= i <= n;
        loop invariant st == KVL_OK || st == KVL_ERR_FIELD || st == KVL_ERR_RESERVED ||
                       st == KVL_ERR_TRUNCATED || st == KVL_ERR_INDEX || st == KVL_ERR_RANGE;
        loop assigns i, st, ((uint8_t *)out)[0 .. kvl_out_bytes(out_dtype, n * L->dim) - 1];
        loop variant n - i;
    */
    for (i = 0; st == KVL_OK && i < n; i++) {
        /*@ assert kvl_rec_fits(i, n, L->record_bytes) && kvl_rec_fits(i, n, L->dim); */
        /*@ assert i * L->record_bytes + L->record_bytes <= n * L->record_bytes; */
        /*@ assert i * L->dim + L->dim <= n * L->dim; */
        st = decode_store(L, mean, basis, records + (size_t)i * L->record_bytes, out_dtype, out,
                          (size_t)i * L->dim);
    }
    return st;
}

int kvl_ref_decode_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                           const uint8_t *records, uint32_t n, uint32_t out_dtype, void *out)
{
    /* the loop is decode_batch; this states the kernels.h output size in its form */
    /*@ assert n * L->dim * (out_dtype == KVL_DTYPE_F32 ? 4 : 2) == kvl_out_bytes(out_dtype, n * L->dim); */
    return decode_batch(L, mean, basis, records, n, out_dtype, out);
}

int kvl_ref_validate_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                             const uint8_t *records, uint32_t n)
{
    uint32_t i;
    int st = KVL_OK;
    /*@ loop invariant 0 <= i <= n;
        loop invariant st == KVL_OK || st == KVL_ERR_FIELD || st == KVL_ERR_RESERVED ||
                       st == KVL_ERR_TRUNCATED || st == KVL_ERR_INDEX;
        loop assigns i, st;
        loop variant n - i;
    */
    for (i = 0; st == KVL_OK && i < n; i++) {
        /*@ assert i * L->record_bytes + L->record_bytes <= n * L->record_bytes; */
        st = decode_record(L, mean, basis, records + (size_t)i * L->record_bytes, 0);
    }
    return st;
}
