/* codec_lattice.c -- LATTICE mode records (spec §7).
 *
 * Record (bit fields, LSB first, spec §7.1):
 *   scale s        32 bits  binary32, sign 0, finite
 *   coefficients   rank x 16 bits (skeleton dtype)
 *   outlier slots  K x (log2(D) + 16 bits): coordinate index, int16 correction
 *   block indices  (D / block_dim) x width bits
 *   padding        zero bits up to the next byte
 *
 * Decoded value (spec §7.7): k = codes (+ corrections), t = WHT_int(k),
 *   x^_i = (float)t_i * s  [+ mean_i]  [+ coef_0 * b_0i] ... [+ coef_{r-1} * b_{r-1,i}]
 * Every step is a single binary32 operation, so every conforming decoder gets
 * the same bits.
 */
#include "kvl_internal.h"

static float abs_f32(float x) { return kvl_bits_to_f32(kvl_f32_to_bits(x) & 0x7FFFFFFFu); }

/* ---- §7.3 skeleton values --------------------------------------------- */
float kvl_skel_load(const uint8_t *p, uint8_t skel_dtype, size_t j)
{
    uint16_t h = (uint16_t)(p[2u * j] | ((unsigned)p[2u * j + 1u] << 8));
    return skel_dtype == KVL_DTYPE_BF16 ? kvl_bf16_to_f32(h) : kvl_f16_to_f32(h);
}

/* ---- §10.4 encoder: one vector ------------------------------------------ */

/* Index of the largest |y_i| not yet taken (ties: lowest index), or -1. */
static int32_t argmax_abs(const float *y, const uint8_t *taken, uint32_t d)
{
    int32_t best = -1;
    uint32_t i;
    for (i = 0; i < d; i++) {
        if (taken[i])
            continue;
        if (best < 0 || abs_f32(y[i]) > abs_f32(y[best]))
            best = (int32_t)i;
    }
    return best;
}

int kvl_lattice_encode_vector(const kvl_layout *L, const float *mean, const float *basis,
                              const float *x, void *scratch, uint8_t *rec)
{
    const uint32_t d = L->dim, K = L->p.outliers, bd = L->lat.block_dim;
    const int32_t q = (int32_t)L->lat.q, unit = (int32_t)L->lat.unit;
    float *y = (float *)scratch;            /* residual, then rotated */
    float *z = y + d;                        /* scaled, lattice units */
    int32_t *k = (int32_t *)(z + d);         /* codes */
    uint8_t taken[KVL_LATTICE_MAX_DIM];
    uint16_t coef_bits[KVL_MAX_RANK];
    uint32_t slot_idx[KVL_MAX_OUTLIERS];
    int32_t slot_corr[KVL_MAX_OUTLIERS];
    uint32_t n_slots = 0, i, j, b;
    float m, s = 0.0f;
    kvl_bitwriter bw;

    /* Step 1-2: residual against the skeleton (spec §10.4.1). */
    for (i = 0; i < d; i++)
        y[i] = mean ? x[i] - mean[i] : x[i];
    for (j = 0; j < L->rank; j++) {
        const float *bj = basis + (size_t)j * d;
        float coef;
        coef_bits[j] = kvl_skel_bits(kvl_dot8(y, bj, d), L->skel_dtype);
        coef = L->skel_dtype == KVL_DTYPE_BF16 ? kvl_bf16_to_f32(coef_bits[j])
                                               : kvl_f16_to_f32(coef_bits[j]);
        if (!kvl_f32_is_finite(coef))
            return KVL_ERR_RANGE;
        for (i = 0; i < d; i++) {
            float prod = coef * bj[i];
            y[i] = y[i] - prod;
        }
    }
    /* Step 3: rotate (unnormalised WHT); every value must stay finite. */
    kvl_fwht_f32(y, d);
    for (i = 0; i < d; i++) {
        if (!kvl_f32_is_finite(y[i]))
            return KVL_ERR_RANGE;
        taken[i] = 0;
    }
    /* Step 4: outlier candidates = the K largest |y_i| (ties: lowest index);
     * m = the largest |y_i| among the rest. If that is 0, or so small that
     * the scale underflows (the candidates would then be lost with the
     * all-zero codes, erratum E-001), no candidates. */
    for (j = 0; j < K; j++)
        taken[argmax_abs(y, taken, d)] = 1;
    {
        int32_t r = argmax_abs(y, taken, d);
        m = r >= 0 ? abs_f32(y[r]) : 0.0f;
    }
    if (m == 0.0f || m / (float)(unit * q * (int32_t)d) == 0.0f) {
        for (i = 0; i < d; i++)
            taken[i] = 0;
        m = abs_f32(y[argmax_abs(y, taken, d)]);
    }
    /* Step 5-8: scale, codes. s = m / (unit*q*d); g = s * (unit*d); z = y / g. */
    if (m != 0.0f)
        s = m / (float)(unit * q * (int32_t)d);
    if (s == 0.0f) {
        /* zero vector, or m so small that s underflows: all-zero codes */
        for (i = 0; i < d; i++) {
            k[i] = 0;
            taken[i] = 0;
        }
    } else {
        float g = s * (float)(unit * (int32_t)d);
        for (i = 0; i < d; i++)
            z[i] = y[i] / g;
        for (b = 0; b < d; b += bd) {
            if (L->p.lattice == KVL_LATTICE_D4)
                kvl_d4_closest(z + b, q, k + b);
            else
                kvl_e8_closest(z + b, q, k + b);
        }
    }
    /* Step 9: outlier corrections in code units, clamped to +-32767;
     * slots in increasing coordinate order, a zero correction uses no slot. */
    for (i = 0; i < d; i++) {
        float v, corr;
        if (!taken[i])
            continue;
        v = kvl_round_even(unit == 2 ? z[i] * 2.0f : z[i]);
        corr = v - (float)k[i];
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
    /* Step 10: write the record (spec §7.1). */
    kvl_bw_init(&bw, rec, L->record_bytes);
    kvl_bw_put(&bw, kvl_f32_to_bits(s), 32);
    for (j = 0; j < L->rank; j++)
        kvl_bw_put(&bw, coef_bits[j], 16);
    for (j = 0; j < K; j++) {
        if (j < n_slots) {
            kvl_bw_put(&bw, slot_idx[j], L->index_bits);
            kvl_bw_put(&bw, (uint16_t)(slot_corr[j] & 0xFFFF), 16);
        } else {
            kvl_bw_put(&bw, 0, L->slot_bits);
        }
    }
    for (b = 0; b < d; b += bd) {
        uint64_t idx = L->p.lattice == KVL_LATTICE_D4 ? kvl_d4_rank(k + b, q) : kvl_e8_rank(k + b, q);
        kvl_bw_put(&bw, idx, L->lat.width);
    }
    kvl_bw_put(&bw, 0, (unsigned)(L->record_bytes * 8u - L->record_bits));
    return bw.err;
}

/* ---- §7.7 decoder: one vector ------------------------------------------- */
/* One static function per group of §7.7 steps, each with its own contract:
 * as one function, the proof obligations were too large for the provers.
 * The helpers get the layout fields they use as arguments, so that their
 * proofs do not carry the whole layout predicate. */

/*@ // The used outlier slots of a canonical record (§7.7 step 3): indices
    // below d, strictly increasing; corrections in [-32767, 32767].
    predicate kvl_slots_ok(uint32_t *idx, int32_t *corr, integer n, integer d) =
      (\forall integer m; 0 <= m < n ==> idx[m] < d) &&
      (\forall integer m; 0 <= m < n ==> -KVL_OUTLIER_CORR_MAX <= corr[m] <= KVL_OUTLIER_CORR_MAX) &&
      (\forall integer m; 0 < m < n ==> idx[m - 1] < idx[m]);
*/

/* §7.7 steps 1-2: scale s (binary32, sign 0, finite; zero allowed), then the
 * rank skeleton coefficients (finite) into coef[0 .. rank-1]. */
/*@ requires rank <= KVL_MAX_RANK;
    requires kvl_br_ok(br) && (br->err == KVL_OK || br->err == KVL_ERR_TRUNCATED);
    requires \valid(s) && \valid(coef + (0 .. KVL_MAX_RANK - 1));
    requires \separated(s, coef + (0 .. KVL_MAX_RANK - 1), br);
    assigns br->pos, br->err, *s, coef[0 .. KVL_MAX_RANK - 1];
    ensures kvl_br_ok(br) && br->buf == \old(br->buf) && br->size_bits == \old(br->size_bits);
    ensures br->err == KVL_OK || br->err == KVL_ERR_TRUNCATED;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD;
*/
static int read_scale_coefs(kvl_bitreader *br, uint32_t rank, uint8_t skel_dtype, float *s,
                            float *coef)
{
    uint32_t sbits = (uint32_t)kvl_br_get(br, 32);
    uint32_t j;
    if ((sbits >> 31) != 0u || (sbits & 0x7F800000u) == 0x7F800000u)
        return KVL_ERR_FIELD;
    *s = kvl_bits_to_f32(sbits);
    /*@ loop invariant 0 <= j <= rank;
        loop invariant kvl_br_ok(br);
        loop invariant br->buf == \at(br->buf, Pre) && br->size_bits == \at(br->size_bits, Pre);
        loop invariant br->err == KVL_OK || br->err == KVL_ERR_TRUNCATED;
        loop assigns j, coef[0 .. KVL_MAX_RANK - 1], br->pos, br->err;
        loop variant rank - j;
    */
    for (j = 0; j < rank; j++) {
        uint16_t h = (uint16_t)kvl_br_get(br, 16);
        coef[j] = skel_dtype == KVL_DTYPE_BF16 ? kvl_bf16_to_f32(h) : kvl_f16_to_f32(h);
        if (!kvl_f32_is_finite(coef[j]))
            return KVL_ERR_FIELD;
    }
    return KVL_OK;
}

/* §7.7 step 3: the K outlier slots (index_bits + 16 bits each), canonical:
 * used slots first with strictly increasing indices, correction in
 * [-32767, 32767] \ {0}; empty slots are all-zero. The used ones go to
 * slot_idx / slot_corr, their number to *n_slots. idx >= d cannot happen
 * (index_bits == log2 d): the test lets the proof see that without a bound
 * on kvl_br_get's result. */
/*@ requires K <= KVL_MAX_OUTLIERS;
    requires kvl_br_ok(br) && (br->err == KVL_OK || br->err == KVL_ERR_TRUNCATED);
    requires \valid(n_slots) && \valid(slot_idx + (0 .. KVL_MAX_OUTLIERS - 1)) &&
             \valid(slot_corr + (0 .. KVL_MAX_OUTLIERS - 1));
    requires \separated(n_slots, slot_idx + (0 .. KVL_MAX_OUTLIERS - 1),
                        slot_corr + (0 .. KVL_MAX_OUTLIERS - 1), br);
    assigns br->pos, br->err, *n_slots, slot_idx[0 .. KVL_MAX_OUTLIERS - 1],
            slot_corr[0 .. KVL_MAX_OUTLIERS - 1];
    ensures kvl_br_ok(br) && br->buf == \old(br->buf) && br->size_bits == \old(br->size_bits);
    ensures br->err == KVL_OK || br->err == KVL_ERR_TRUNCATED;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD;
    ensures \result == KVL_OK ==> *n_slots <= K && kvl_slots_ok(slot_idx, slot_corr, *n_slots, d);
*/
static int read_slots(kvl_bitreader *br, uint32_t d, uint32_t K, uint32_t index_bits,
                      uint32_t *slot_idx, int32_t *slot_corr, uint32_t *n_slots)
{
    uint32_t n = 0, j;
    int empty_seen = 0;
    /*@ loop invariant 0 <= j <= K && 0 <= n <= j;
        loop invariant kvl_br_ok(br);
        loop invariant br->buf == \at(br->buf, Pre) && br->size_bits == \at(br->size_bits, Pre);
        loop invariant br->err == KVL_OK || br->err == KVL_ERR_TRUNCATED;
        loop invariant \forall integer m; 0 <= m < n ==> slot_idx[m] < d;
        loop invariant \forall integer m; 0 <= m < n ==>
                         -KVL_OUTLIER_CORR_MAX <= slot_corr[m] <= KVL_OUTLIER_CORR_MAX;
        loop invariant \forall integer m; 0 < m < n ==> slot_idx[m - 1] < slot_idx[m];
        loop assigns j, n, empty_seen, slot_idx[0 .. KVL_MAX_OUTLIERS - 1],
                     slot_corr[0 .. KVL_MAX_OUTLIERS - 1], br->pos, br->err;
        loop variant K - j;
    */
    for (j = 0; j < K; j++) {
        uint32_t idx = (uint32_t)kvl_br_get(br, index_bits);
        uint16_t raw = (uint16_t)kvl_br_get(br, 16);
        int32_t corr = raw >= 0x8000u ? (int32_t)raw - 0x10000 : (int32_t)raw;
        if (corr == 0) {
            if (idx != 0u)
                return KVL_ERR_FIELD;
            empty_seen = 1;
            continue;
        }
        if (empty_seen || corr < -KVL_OUTLIER_CORR_MAX || idx >= d ||
            (n > 0u && idx <= slot_idx[n - 1u]))
            return KVL_ERR_FIELD;
        slot_idx[n] = idx;
        slot_corr[n] = corr;
        n++;
    }
    *n_slots = n;
    return KVL_OK;
}

/* §7.6 unrank of one block: D4 (4 codes in [-Q, Q]) or E8 (8 doubled
 * coordinates in [-2Q, 2Q]); both within [-4095, 4095] code units. */
/*@ requires (lattice == KVL_LATTICE_D4 && 1 <= q <= KVL_MAX_Q_D4) ||
             (lattice != KVL_LATTICE_D4 && 1 <= q <= KVL_MAX_Q_E8);
    requires \valid(c + (0 .. 7));
    assigns c[0 .. 7];
    ensures \result == KVL_OK || \result == KVL_ERR_INDEX;
    ensures \result == KVL_OK ==> \forall integer i; 0 <= i < (lattice == KVL_LATTICE_D4 ? 4 : 8) ==>
              -4095 <= c[i] <= 4095;
*/
static int unrank_block(uint32_t lattice, int32_t q, uint64_t idx, int32_t *c)
{
    if (lattice == KVL_LATTICE_D4)
        return kvl_d4_unrank(idx, q, c);
    return kvl_e8_unrank(idx, q, c);
}

/* §7.7 step 4: the d / bd block indices (width bits each) -> codes
 * k[0 .. d-1]; an index >= count is an error (KVL_ERR_INDEX). Codes are in
 * [-unit*Q, unit*Q], so |k_i| <= 4095. Each block is unranked into c and
 * then copied to k[b ..] (the same values; the provers relate c[i] to k[b+i]
 * more easily than the unrank contract on k + b to k). */
/*@ requires kvl_pow2_512(d) && 8 <= d;
    requires (lattice == KVL_LATTICE_D4 && bd == 4 && 1 <= q <= KVL_MAX_Q_D4) ||
             (lattice != KVL_LATTICE_D4 && bd == 8 && 1 <= q <= KVL_MAX_Q_E8);
    requires kvl_br_ok(br) && (br->err == KVL_OK || br->err == KVL_ERR_TRUNCATED);
    requires \valid(k + (0 .. d - 1));
    requires \separated(k + (0 .. d - 1), br);
    assigns br->pos, br->err, k[0 .. d - 1];
    ensures kvl_br_ok(br) && br->buf == \old(br->buf) && br->size_bits == \old(br->size_bits);
    ensures br->err == KVL_OK || br->err == KVL_ERR_TRUNCATED;
    ensures \result == KVL_OK || \result == KVL_ERR_TRUNCATED || \result == KVL_ERR_INDEX;
    ensures \result == KVL_OK ==> \forall integer i; 0 <= i < d ==> -4095 <= k[i] <= 4095;
*/
static int read_codes(kvl_bitreader *br, uint32_t d, uint32_t lattice, uint32_t bd, int32_t q,
                      unsigned width, int32_t *k)
{
    uint32_t b, i;
    int st;
    int32_t c[8] = {0}; /* one block; zeroed once for EVA (a D4 block sets c[0 .. 3]) */
    /*@ loop invariant 0 <= b <= d && b % 4 == 0 && (bd == 8 ==> b % 8 == 0);
        loop invariant kvl_br_ok(br);
        loop invariant br->buf == \at(br->buf, Pre) && br->size_bits == \at(br->size_bits, Pre);
        loop invariant br->err == KVL_OK || br->err == KVL_ERR_TRUNCATED;
        loop invariant \forall integer m; 0 <= m < b ==> -4095 <= k[m] <= 4095;
        loop assigns b, i, st, c[0 .. 7], k[0 .. d - 1], br->pos, br->err;
        loop variant d - b;
    */
    for (b = 0; b < d; b += bd) {
        uint64_t idx = kvl_br_get(br, width);
        if (br->err != KVL_OK)
            return br->err;
        st = unrank_block(lattice, q, idx, c);
        if (st != KVL_OK)
            return st;
        /*@ loop invariant 0 <= i <= bd;
            loop invariant \forall integer m; 0 <= m < b + i ==> -4095 <= k[m] <= 4095;
            loop assigns i, k[b .. b + bd - 1];
            loop variant bd - i;
        */
        for (i = 0; i < bd; i++) {
            /* b + i < d always (d is a multiple of bd); tested so that an
             * interval analysis (EVA, proof/README.md) bounds the index */
            if (b + i < d)
                k[b + i] = c[i];
        }
    }
    return KVL_OK;
}

/* §7.7 steps 6-7: add the corrections (sum |k_i| < 2^24, spec §7.8), then the
 * integer inverse transform (the WHT is its own inverse up to d). Slot
 * indices are strictly increasing, so each k_i gets at most one correction:
 * |k_i| <= 4095 + 32767 = 36862, the bound kvl_fwht_i32 needs. */
/*@ requires kvl_pow2_512(d) && n_slots <= KVL_MAX_OUTLIERS;
    requires \valid(k + (0 .. d - 1));
    requires \valid_read(slot_idx + (0 .. n_slots - 1)) && \valid_read(slot_corr + (0 .. n_slots - 1));
    requires \separated(k + (0 .. d - 1), slot_corr + (0 .. n_slots - 1));
    requires kvl_slots_ok(slot_idx, slot_corr, n_slots, d);
    requires \forall integer i; 0 <= i < d ==> -4095 <= k[i] <= 4095;
    assigns k[0 .. d - 1];
*/
static void correct_and_transform(int32_t *k, uint32_t d, const uint32_t *slot_idx,
                                  const int32_t *slot_corr, uint32_t n_slots)
{
    uint32_t j;
    /*@ loop invariant 0 <= j <= n_slots;
        loop invariant \forall integer i; 0 <= i < d ==> -36862 <= k[i] <= 36862;
        loop invariant \forall integer i; 0 <= i < d && j < n_slots && slot_idx[j] <= i ==>
                         -4095 <= k[i] <= 4095;
        loop assigns j, k[0 .. d - 1];
        loop variant n_slots - j;
    */
    for (j = 0; j < n_slots; j++)
        k[slot_idx[j]] += slot_corr[j];
    kvl_fwht_i32(k, d);
}

/* §7.7 step 8: one multiply by s, then the mean and the basis rows in fixed
 * order, each a single binary32 add (skeleton values in skel_dtype). */
/*@ requires kvl_pow2_512(d) && 8 <= d && rank <= KVL_MAX_RANK;
    requires mean == \null || \valid_read(mean + (0 .. 2 * d - 1));
    requires rank > 0 ==> \valid_read(basis + (0 .. 2 * rank * d - 1));
    requires \valid_read(coef + (0 .. KVL_MAX_RANK - 1)) && \valid_read(k + (0 .. d - 1));
    requires \valid(out + (0 .. d - 1));
    requires \separated(out + (0 .. d - 1), coef + (0 .. KVL_MAX_RANK - 1));
    assigns out[0 .. d - 1];
*/
static void reconstruct(const uint8_t *mean, const uint8_t *basis, uint8_t skel_dtype, uint32_t d,
                        uint32_t rank, const float *coef, const int32_t *k, float s, float *out)
{
    uint32_t i, j;
    /*@ loop invariant 0 <= i <= d;
        loop assigns i, j, out[0 .. d - 1];
        loop variant d - i;
    */
    for (i = 0; i < d; i++) {
        float v = (float)k[i] * s;
        if (mean)
            v = v + kvl_skel_load(mean, skel_dtype, i);
        /*@ loop invariant 0 <= j <= rank;
            loop assigns j, v;
            loop variant rank - j;
        */
        for (j = 0; j < rank; j++) {
            /* Row j lies inside the rank*d basis values (nonlinear for the
             * provers; kvl_pow2_512(d) lets them split on the value of d). */
            /*@ assert row_in: j * d + d <= rank * d <= 64 * d; */
            float prod = coef[j] * kvl_skel_load(basis, skel_dtype, (size_t)j * d + i);
            v = v + prod;
        }
        out[i] = v;
    }
}

int kvl_lattice_decode_vector(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                              const uint8_t *rec, float *out)
{
    /* The layout fields, read once (the proof then need not show that the
     * calls below leave *L unchanged). */
    const uint32_t d = L->dim, K = L->p.outliers, bd = L->lat.block_dim, rank = L->rank;
    const int32_t q = (int32_t)L->lat.q;
    const uint8_t skel_dtype = L->skel_dtype;
    /* Zero-initialised: only elements written below are read, but EVA (the
     * whole-decoder analysis, proof/README.md) cannot relate the read and
     * write index ranges; zeroing makes every read trivially initialised. */
    int32_t k[KVL_LATTICE_MAX_DIM] = {0};
    float coef[KVL_MAX_RANK] = {0};
    uint32_t slot_idx[KVL_MAX_OUTLIERS] = {0};
    int32_t slot_corr[KVL_MAX_OUTLIERS] = {0};
    uint32_t n_slots = 0;
    int st;
    float s = 0.0f;
    kvl_bitreader br;

    kvl_br_init(&br, rec, L->record_bytes);
    /*@ assert dims: kvl_pow2_512(d) && 8 <= d; */
    /* Steps 1-4: scale, coefficients, outlier slots, codes. */
    st = read_scale_coefs(&br, rank, skel_dtype, &s, coef);
    if (st != KVL_OK)
        return st;
    st = read_slots(&br, d, K, L->index_bits, slot_idx, slot_corr, &n_slots);
    if (st != KVL_OK)
        return st;
    st = read_codes(&br, d, L->p.lattice, bd, q, L->lat.width, k);
    if (st != KVL_OK)
        return st;
    /* Step 5: padding bits are zero. */
    if (kvl_br_get(&br, (unsigned)(L->record_bytes * 8u - L->record_bits)) != 0u)
        return KVL_ERR_RESERVED;
    if (br.err != KVL_OK)
        return br.err;
    if (!out)
        return KVL_OK;
    /* Steps 6-8: corrections, integer inverse transform, scale and skeleton. */
    correct_and_transform(k, d, slot_idx, slot_corr, n_slots);
    reconstruct(mean, basis, skel_dtype, d, rank, coef, k, s, out);
    return KVL_OK;
}
