/*
 * kvl_internal.h -- declarations shared by the reference codec's files.
 * Not installed. Each group names the file and the spec section it implements.
 */
#ifndef KVL_INTERNAL_H
#define KVL_INTERNAL_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>

#include "kvlattice.h"

/* The reference relies on IEEE binary32 evaluated in binary32 (spec §2.1). */
#if FLT_MANT_DIG != 24 || FLT_MAX_EXP != 128 || FLT_RADIX != 2
#error "kvlattice requires IEEE 754 binary32 float"
#endif
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
#error "kvlattice requires FLT_EVAL_METHOD == 0 (no excess precision)"
#endif

/* ---- float_bits.c / number formats (spec §2) ------------------------- */
uint32_t kvl_f32_to_bits(float x);
float kvl_bits_to_f32(uint32_t u);
int kvl_f32_is_finite(float x);
/* smallest IEEE binary16 value >= x, for finite x >= 0 (round toward +Inf);
 * returns 0x7C00 (+Inf) when x > 65504. Used for FP8 F16 scales (spec §6.3). */
uint16_t kvl_f32_to_f16_up(float x);
/* Round a finite float to the nearest integer, ties to even, as a float
 * (spec §2.4 "rne_int"). Exact for every finite input. */
float kvl_round_even(float x);

/* ---- reduce.c: pinned reductions (spec §2.3) ------------------------- */
/* sum8: n is a positive multiple of 8. acc[j] = v[j]; acc[j] += v[8m+j] for
 * m = 1.. in order; result ((acc0+acc4)+(acc2+acc6)) + ((acc1+acc5)+(acc3+acc7)). */
float kvl_sum8(const float *v, uint32_t n);
/* dot8: sum8 of the products a[i]*b[i] (each product rounded to binary32). */
float kvl_dot8(const float *a, const float *b, uint32_t n);

/* ---- crc32c.c (spec §2.6) --------------------------------------------- */
/* CRC-32C (Castagnoli, reflected poly 0x82F63B78, init 0xFFFFFFFF, final xor
 * 0xFFFFFFFF). crc32c("123456789") == 0xE3069283. `crc` is a previous result
 * (0 to start) so that the CRC of a concatenation can be computed in pieces. */
/*@ requires \valid_read(data + (0 .. len - 1));
    assigns \nothing;
*/
uint32_t kvl_crc32c(uint32_t crc, const uint8_t *data, size_t len);

/* ---- bits.c: the one bounds-checked bit reader / writer (spec §2.5) -- */
/* Bits are numbered LSB-first within each byte, bytes in increasing address
 * order; an n-bit field is stored least-significant bit first. At byte-aligned
 * positions a 16/32/64-bit field is therefore little-endian. */
typedef struct kvl_bitreader {
    const uint8_t *buf;
    uint64_t size_bits;
    uint64_t pos;   /* bit position */
    int err;        /* sticky: KVL_ERR_TRUNCATED once a read passes the end */
} kvl_bitreader;

/*@ // Formal model (proof/README.md): a reader is well formed when its cursor
    // lies inside the buffer and the whole buffer is readable. size_bits is a
    // multiple of 8 below 2^64 (buffers are smaller than 2^61 bytes).
    predicate kvl_br_ok(kvl_bitreader *br) =
      \valid(br) && br->pos <= br->size_bits && br->size_bits % 8 == 0 &&
      br->size_bits <= 0xFFFFFFFFFFFFFFF8 &&
      \valid_read(br->buf + (0 .. br->size_bits / 8 - 1)) &&
      \separated(br, br->buf + (0 .. br->size_bits / 8 - 1));
*/

/*@ requires \valid(br);
    requires size_bytes <= 0x1FFFFFFFFFFFFFFF;
    requires \valid_read(buf + (0 .. size_bytes - 1));
    requires \separated(br, buf + (0 .. size_bytes - 1));
    assigns *br;
    ensures kvl_br_ok(br);
    ensures br->buf == buf && br->size_bits == 8 * size_bytes;
    ensures br->pos == 0 && br->err == KVL_OK;
*/
void kvl_br_init(kvl_bitreader *br, const uint8_t *buf, size_t size_bytes);
/* Read n bits (0 <= n <= 64). Past the end: returns 0, sets err, pos unchanged. */
/*@ requires kvl_br_ok(br);
    assigns br->pos, br->err;
    ensures kvl_br_ok(br);
    ensures br->buf == \old(br->buf) && br->size_bits == \old(br->size_bits);
    behavior read:
      assumes br->err == KVL_OK && n <= 64 && n <= br->size_bits - br->pos;
      ensures br->pos == \old(br->pos) + n;
      ensures br->err == KVL_OK;
    behavior past_end:
      assumes !(br->err == KVL_OK && n <= 64 && n <= br->size_bits - br->pos);
      ensures \result == 0;
      ensures br->pos == \old(br->pos);
      ensures br->err == KVL_ERR_TRUNCATED;
    complete behaviors;
    disjoint behaviors;
*/
uint64_t kvl_br_get(kvl_bitreader *br, unsigned n);
/* Move to bit position pos (<= size_bits), else set err. */
/*@ requires kvl_br_ok(br);
    assigns br->pos, br->err;
    ensures kvl_br_ok(br);
    ensures br->buf == \old(br->buf) && br->size_bits == \old(br->size_bits);
    behavior inside:
      assumes pos <= br->size_bits;
      ensures br->pos == pos && br->err == \old(br->err);
    behavior outside:
      assumes pos > br->size_bits;
      ensures br->pos == \old(br->pos) && br->err == KVL_ERR_TRUNCATED;
    complete behaviors;
    disjoint behaviors;
*/
void kvl_br_seek(kvl_bitreader *br, uint64_t pos);

typedef struct kvl_bitwriter {
    uint8_t *buf;
    uint64_t cap_bits;
    uint64_t pos;
    int err;        /* sticky: KVL_ERR_BUFFER once a write passes the end */
} kvl_bitwriter;

/*@ predicate kvl_bw_ok(kvl_bitwriter *bw) =
      \valid(bw) && bw->pos <= bw->cap_bits && bw->cap_bits % 8 == 0 &&
      bw->cap_bits <= 0xFFFFFFFFFFFFFFF8 &&
      \valid(bw->buf + (0 .. bw->cap_bits / 8 - 1)) &&
      \separated(bw, bw->buf + (0 .. bw->cap_bits / 8 - 1));
*/

/*@ requires \valid(bw);
    requires cap_bytes <= 0x1FFFFFFFFFFFFFFF;
    requires \valid(buf + (0 .. cap_bytes - 1));
    requires \separated(bw, buf + (0 .. cap_bytes - 1));
    assigns *bw;
    ensures kvl_bw_ok(bw);
    ensures bw->buf == buf && bw->cap_bits == 8 * cap_bytes;
    ensures bw->pos == 0 && bw->err == KVL_OK;
*/
void kvl_bw_init(kvl_bitwriter *bw, uint8_t *buf, size_t cap_bytes);
/* Write the low n bits of v (0 <= n <= 64); bits of v above n must be 0.
 * Overwrites (not ORs) the target bits. */
/*@ requires kvl_bw_ok(bw);
    assigns bw->pos, bw->err, bw->buf[bw->pos / 8 .. (bw->pos + n) / 8];
    ensures kvl_bw_ok(bw);
    ensures bw->buf == \old(bw->buf) && bw->cap_bits == \old(bw->cap_bits);
    behavior write:
      assumes bw->err == KVL_OK && n <= 64 && n <= bw->cap_bits - bw->pos;
      assigns bw->pos, bw->buf[bw->pos / 8 .. (bw->pos + n) / 8];
      ensures bw->pos == \old(bw->pos) + n;
      ensures bw->err == KVL_OK;
    behavior past_end:
      assumes !(bw->err == KVL_OK && n <= 64 && n <= bw->cap_bits - bw->pos);
      assigns bw->err;
      ensures bw->pos == \old(bw->pos);
      ensures bw->err == KVL_ERR_BUFFER;
    complete behaviors;
    disjoint behaviors;
*/
void kvl_bw_put(kvl_bitwriter *bw, uint64_t v, unsigned n);
/* Move to bit position pos (<= cap_bits), else set err. */
/*@ requires kvl_bw_ok(bw);
    assigns bw->pos, bw->err;
    ensures kvl_bw_ok(bw);
    ensures bw->buf == \old(bw->buf) && bw->cap_bits == \old(bw->cap_bits);
    behavior inside:
      assumes pos <= bw->cap_bits;
      ensures bw->pos == pos && bw->err == \old(bw->err);
    behavior outside:
      assumes pos > bw->cap_bits;
      ensures bw->pos == \old(bw->pos) && bw->err == KVL_ERR_BUFFER;
    complete behaviors;
    disjoint behaviors;
*/
void kvl_bw_seek(kvl_bitwriter *bw, uint64_t pos);

/* ---- lattice.c: box-truncated D4/E8 codebooks (spec §7.4-§7.6) ------- */
/* Code coordinates ("code units"): D4 codes are the lattice coordinates c_i,
 * E8 codes are doubled coordinates w_i = 2*c_i (all even or all odd). */
typedef struct kvl_lattice_info {
    uint8_t lattice;     /* kvl_lattice */
    uint8_t block_dim;   /* 4 (D4) or 8 (E8) */
    uint8_t unit;        /* code units per lattice unit: 1 (D4) or 2 (E8) */
    uint8_t width;       /* bits per block index = ceil(log2(count)) */
    uint32_t q;
    uint64_t count;      /* number of codebook points */
} kvl_lattice_info;

/*@ // Codebook sizes of spec §7.6 (R = 2Q + 1, M = 2Q).
    // x^k for 0 <= k <= 8 (the only exponents used); by cases, not recursive,
    // so that the provers cannot unfold it without end.
    logic integer kvl_ipow(integer x, integer k) =
      k <= 0 ? 1 : k == 1 ? x : k == 2 ? x * x : k == 3 ? x * x * x : k == 4 ? x * x * x * x :
      k == 5 ? x * x * x * x * x : k == 6 ? x * x * x * x * x * x :
      k == 7 ? x * x * x * x * x * x * x : x * x * x * x * x * x * x * x;
    logic integer kvl_d4_count(integer q) = (kvl_ipow(2 * q + 1, 4) + 1) / 2;
    logic integer kvl_e8_count_int(integer q) = (kvl_ipow(2 * q + 1, 8) + 1) / 2;
    logic integer kvl_e8_count(integer q) = kvl_e8_count_int(q) + kvl_ipow(2 * q, 8) / 2;
*/

/* KVL_OK, or KVL_ERR_FIELD when lattice or q is out of range. */
/*@ requires info == \null || \valid(info);
    assigns *info;
    ensures \result == KVL_OK || \result == KVL_ERR_ARG || \result == KVL_ERR_FIELD ||
            \result == KVL_ERR_OVERFLOW;
    ensures info != \null ==> \result != KVL_ERR_ARG;
    ensures \result == KVL_OK ==> info->q == q;
    ensures \result == KVL_OK ==> info->width <= 64;
    ensures \result == KVL_OK ==> info->count >= 1;
    ensures \result == KVL_OK && lattice == KVL_LATTICE_D4 ==>
              1 <= q <= KVL_MAX_Q_D4 && info->lattice == KVL_LATTICE_D4 &&
              info->block_dim == 4 && info->unit == 1 && info->count == kvl_d4_count(q) &&
              kvl_ipow(2 * q + 1, 4) <= 4501401006735361;
    ensures \result == KVL_OK && lattice == KVL_LATTICE_E8 ==>
              1 <= q <= KVL_MAX_Q_E8 && info->lattice == KVL_LATTICE_E8 &&
              info->block_dim == 8 && info->unit == 2 && info->count == kvl_e8_count(q);
    ensures \result == KVL_OK ==> lattice == KVL_LATTICE_D4 || lattice == KVL_LATTICE_E8;
    ensures info != \null && lattice == KVL_LATTICE_D4 && 1 <= q <= KVL_MAX_Q_D4 ==> \result == KVL_OK;
    ensures info != \null && lattice == KVL_LATTICE_E8 && 1 <= q <= KVL_MAX_Q_E8 ==> \result == KVL_OK;
*/
int kvl_lattice_get_info(uint32_t lattice, uint32_t q, kvl_lattice_info *info);

/* Closest point of {c in Z^n : sum(c) even, lo <= c_i <= hi} to z (spec §7.4),
 * n in [2, 8], hi - lo >= 1. Pinned tie rules; see the spec. */
void kvl_dn_closest_box(const float *z, uint32_t n, int32_t lo, int32_t hi, int32_t *c);
/* D4 block: z[4] in lattice units -> c[4] in [-q, q], even sum. */
void kvl_d4_closest(const float *z, int32_t q, int32_t *c);
/* E8 block: z[8] in lattice units -> w[8] doubled coordinates (spec §7.5). */
void kvl_e8_closest(const float *z, int32_t q, int32_t *w);

/* Ranks (spec §7.6). rank() requires a valid codebook point. */
/*@ requires 1 <= q <= KVL_MAX_Q_D4;
    requires \valid_read(c + (0 .. 3));
    requires \forall integer i; 0 <= i < 4 ==> -q <= c[i] <= q;
    assigns \nothing;
*/
uint64_t kvl_d4_rank(const int32_t *c, int32_t q);
/*@ requires 1 <= q <= KVL_MAX_Q_E8;
    requires \valid_read(w + (0 .. 7));
    requires \forall integer i; 0 <= i < 8 ==> -2 * q <= w[i] <= 2 * q;
    assigns \nothing;
*/
uint64_t kvl_e8_rank(const int32_t *w, int32_t q);
/* KVL_OK, or KVL_ERR_INDEX when idx >= count (output then all zero). */
/*@ requires \valid(c + (0 .. 3));
    assigns c[0 .. 3];
    ensures \result == KVL_OK || \result == KVL_ERR_INDEX || \result == KVL_ERR_FIELD ||
            \result == KVL_ERR_OVERFLOW;
    ensures \result != KVL_OK ==> \forall integer i; 0 <= i < 4 ==> c[i] == 0;
    ensures \result == KVL_OK ==> 1 <= q <= KVL_MAX_Q_D4 && idx < kvl_d4_count(q);
    ensures 1 <= q <= KVL_MAX_Q_D4 && idx >= kvl_d4_count(q) ==> \result != KVL_OK;
    ensures \result == KVL_OK ==> \forall integer i; 0 <= i < 4 ==> -q <= c[i] <= q;
    ensures \result == KVL_OK ==> (c[0] + c[1] + c[2] + c[3]) % 2 == 0;   // in D4
    ensures 1 <= q <= KVL_MAX_Q_D4 ==> \result == KVL_OK || \result == KVL_ERR_INDEX;
*/
int kvl_d4_unrank(uint64_t idx, int32_t q, int32_t *c);
/*@ requires \valid(w + (0 .. 7));
    assigns w[0 .. 7];
    ensures \result == KVL_OK || \result == KVL_ERR_INDEX || \result == KVL_ERR_FIELD ||
            \result == KVL_ERR_OVERFLOW;
    ensures \result != KVL_OK ==> \forall integer i; 0 <= i < 8 ==> w[i] == 0;
    ensures \result == KVL_OK ==> 1 <= q <= KVL_MAX_Q_E8 && idx < kvl_e8_count(q);
    ensures 1 <= q <= KVL_MAX_Q_E8 && idx >= kvl_e8_count(q) ==> \result != KVL_OK;
    ensures \result == KVL_OK ==> \forall integer i; 0 <= i < 8 ==> -2 * q <= w[i] <= 2 * q;
    ensures \result == KVL_OK ==> (\forall integer i; 0 <= i < 8 ==> w[i] % 2 == 0) ||
                                  (\forall integer i; 0 <= i < 8 ==> w[i] % 2 != 0);
    // with the parity above, an E8 point: the coordinates w_i / 2 sum to an even number
    ensures \result == KVL_OK ==> (w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7]) % 4 == 0;
    ensures 1 <= q <= KVL_MAX_Q_E8 ==> \result == KVL_OK || \result == KVL_ERR_INDEX;
*/
int kvl_e8_unrank(uint64_t idx, int32_t q, int32_t *w);

/* ---- wht.c: Walsh-Hadamard transforms (spec §7.2) --------------------- */
/* In-place unnormalised Sylvester-Hadamard transform, d a power of two:
 * for h = 1, 2, 4, ..., d/2: for i = 0, 2h, 4h, ...: for j = i .. i+h-1:
 *   (a, b) = (v[j], v[j+h]); v[j] = a + b; v[j+h] = a - b.                  */
/*@ predicate kvl_pow2_512(integer x) =
      x == 1 || x == 2 || x == 4 || x == 8 || x == 16 || x == 32 || x == 64 ||
      x == 128 || x == 256 || x == 512;
*/
/*@ requires kvl_pow2_512(d);
    requires \valid(v + (0 .. d - 1));
    assigns v[0 .. d - 1];
*/
void kvl_fwht_f32(float *v, uint32_t d);
/* Spec §7.8: code vectors have |k_i| <= unit*Q + 32767 <= 4095 + 32767
 * (D4; E8: 254 + 32767), so with D <= 512 every intermediate value is at most
 * D * 36862 = 18,873,344 < 2^31 in magnitude: no int32 overflow. */
/*@ requires kvl_pow2_512(d);
    requires \valid(v + (0 .. d - 1));
    requires \forall integer i; 0 <= i < d ==> -36862 <= v[i] <= 36862;
    assigns v[0 .. d - 1];
    ensures \forall integer i; 0 <= i < d ==> -36862 * d <= v[i] <= 36862 * d;
*/
void kvl_fwht_i32(int32_t *v, uint32_t d);

/* ---- layout.c: record layouts (spec §6-§8) ---------------------------- */
typedef struct kvl_layout {
    uint32_t dim;
    kvl_chunk_params p;
    uint32_t record_bits;
    uint32_t record_bytes;
    /* LATTICE */
    kvl_lattice_info lat;
    uint32_t n_blocks;
    uint32_t index_bits;   /* outlier index field width = log2(dim) */
    uint32_t slot_bits;    /* index_bits + 16 */
    uint32_t rank;         /* stored basis rank */
    uint32_t has_mean;
    uint8_t skel_dtype;
    /* FP8 */
    uint32_t fp8_dims;     /* dims coded in FP8 (dim, or dim-64 with split) */
    uint32_t fp8_blocks;
    uint32_t scale_bytes;  /* 4 (F32), 1 (UE8M0), 2 (F16) */
} kvl_layout;

/*@ // 2^b for 0 <= b <= 9, and the pairs (d, log2 d) of the LATTICE dimensions.
    logic integer kvl_p2(integer b) =
      b == 0 ? 1 : b == 1 ? 2 : b == 2 ? 4 : b == 3 ? 8 : b == 4 ? 16 : b == 5 ? 32 :
      b == 6 ? 64 : b == 7 ? 128 : b == 8 ? 256 : 512;
    predicate kvl_log2_of(integer d, integer b) =
      (d == 8 && b == 3) || (d == 16 && b == 4) || (d == 32 && b == 5) || (d == 64 && b == 6) ||
      (d == 128 && b == 7) || (d == 256 && b == 8) || (d == 512 && b == 9);
    // Record size fields of every accepted layout (spec §5.3).
    predicate kvl_layout_size_ok(kvl_layout *L) =
      1 <= L->dim <= KVL_MAX_DIM && L->record_bits <= 0xFFFFFFF8 &&
      L->record_bytes == (L->record_bits + 7) / 8;
    // The mode-specific fields of a LATTICE layout (spec §7.1): what the
    // record decoder relies on. (The record bit count itself, a sum of
    // products of fields, is not part of the contract: with it in the
    // context z3/cvc5 time out on nonlinear arithmetic; the decoders only
    // need record_bits <= 8 * record_bytes, and the bit reader is
    // bounds-checked.) Every predicate here is linear (products and
    // quotients of two fields written per case): a nonlinear definition in a
    // goal's context makes z3/cvc5 time out on unrelated goals.
    predicate kvl_layout_lattice_fields(kvl_layout *L) =
      L->p.mode == KVL_MODE_LATTICE &&
      kvl_log2_of(L->dim, L->index_bits) && L->slot_bits == L->index_bits + 16 &&
      ((L->p.lattice == KVL_LATTICE_D4 && L->lat.block_dim == 4 && L->lat.unit == 1 &&
        L->lat.q == L->p.q && 1 <= L->lat.q <= KVL_MAX_Q_D4 && 4 * L->n_blocks == L->dim) ||
       (L->p.lattice == KVL_LATTICE_E8 && L->lat.block_dim == 8 && L->lat.unit == 2 &&
        L->lat.q == L->p.q && 1 <= L->lat.q <= KVL_MAX_Q_E8 && 8 * L->n_blocks == L->dim)) &&
      L->lat.width <= 64 &&
      L->p.outliers <= KVL_MAX_OUTLIERS && 4 * L->p.outliers <= L->dim &&
      L->rank <= KVL_MAX_RANK && L->rank < L->dim && L->has_mean <= 1;
    predicate kvl_layout_lattice_ok(kvl_layout *L) =
      kvl_layout_size_ok(L) && kvl_layout_lattice_fields(L);
    // A RAW layout (spec §6.1).
    predicate kvl_layout_raw_fields(kvl_layout *L) =
      L->p.mode == KVL_MODE_RAW && L->p.raw_dtype <= KVL_DTYPE_BF16;
    predicate kvl_layout_raw_ok(kvl_layout *L) =
      kvl_layout_size_ok(L) && kvl_layout_raw_fields(L) &&
      (L->p.raw_dtype == KVL_DTYPE_F32 ? L->record_bits == 32 * L->dim
                                       : L->record_bits == 16 * L->dim);
    // An FP8 layout (spec §6.2).
    predicate kvl_layout_fp8_fields(kvl_layout *L) =
      L->p.mode == KVL_MODE_FP8 &&
      L->p.fp8_scale <= KVL_FP8_SCALE_F16 && L->p.fp8_split_rope <= 1 &&
      L->fp8_dims == (L->p.fp8_split_rope ? L->dim - 64 : L->dim) &&
      (L->p.fp8_split_rope ==> L->dim > 64) &&
      ((L->p.fp8_block == 32 && 32 * L->fp8_blocks == L->fp8_dims) ||
       (L->p.fp8_block == 64 && 64 * L->fp8_blocks == L->fp8_dims) ||
       (L->p.fp8_block == 128 && 128 * L->fp8_blocks == L->fp8_dims)) &&
      L->scale_bytes == (L->p.fp8_scale == KVL_FP8_SCALE_F32 ? 4 :
                         L->p.fp8_scale == KVL_FP8_SCALE_UE8M0 ? 1 : 2);
    predicate kvl_layout_fp8_ok(kvl_layout *L) =
      kvl_layout_size_ok(L) && kvl_layout_fp8_fields(L);
    // A layout the record decoders accept (what kvl_layout_make gives, with
    // the skeleton dtype of a parsed chunk).
    predicate kvl_layout_decodable(kvl_layout *L) =
      kvl_layout_raw_ok(L) || kvl_layout_fp8_ok(L) ||
      (kvl_layout_lattice_ok(L) &&
       (L->skel_dtype == KVL_DTYPE_F16 || L->skel_dtype == KVL_DTYPE_BF16));
    // kvl_layout_fp8_fields / _lattice_fields with the parameters and the
    // dimension given as values p, dim instead of L->p, dim: the contracts
    // of layout.c's mode functions, which run before L->p and dim are
    // stored (a write to L->lat would otherwise havoc the memory of L->p and
    // dim in the provers' model).
    predicate kvl_fp8_fields_of(kvl_layout *L, kvl_chunk_params p, integer dim) =
      p.mode == KVL_MODE_FP8 &&
      p.fp8_scale <= KVL_FP8_SCALE_F16 && p.fp8_split_rope <= 1 &&
      L->fp8_dims == (p.fp8_split_rope ? dim - 64 : dim) &&
      (p.fp8_split_rope ==> dim > 64) &&
      ((p.fp8_block == 32 && 32 * L->fp8_blocks == L->fp8_dims) ||
       (p.fp8_block == 64 && 64 * L->fp8_blocks == L->fp8_dims) ||
       (p.fp8_block == 128 && 128 * L->fp8_blocks == L->fp8_dims)) &&
      L->scale_bytes == (p.fp8_scale == KVL_FP8_SCALE_F32 ? 4 :
                         p.fp8_scale == KVL_FP8_SCALE_UE8M0 ? 1 : 2);
    predicate kvl_lattice_fields_of(kvl_layout *L, kvl_chunk_params p, integer dim) =
      p.mode == KVL_MODE_LATTICE &&
      kvl_log2_of(dim, L->index_bits) && L->slot_bits == L->index_bits + 16 &&
      ((p.lattice == KVL_LATTICE_D4 && L->lat.block_dim == 4 && L->lat.unit == 1 &&
        L->lat.q == p.q && 1 <= L->lat.q <= KVL_MAX_Q_D4 && 4 * L->n_blocks == dim) ||
       (p.lattice == KVL_LATTICE_E8 && L->lat.block_dim == 8 && L->lat.unit == 2 &&
        L->lat.q == p.q && 1 <= L->lat.q <= KVL_MAX_Q_E8 && 8 * L->n_blocks == dim)) &&
      L->lat.width <= 64 &&
      p.outliers <= KVL_MAX_OUTLIERS && 4 * p.outliers <= dim &&
      L->rank <= KVL_MAX_RANK && L->rank < dim && L->has_mean <= 1;
*/
/*@ // the layout's parameters are a copy of *p (field by field), *a at label
    // A of *b at label B
    predicate kvl_params_copy{A,B}(kvl_chunk_params *a, kvl_chunk_params *b) =
      \at(a->mode, A) == \at(b->mode, B) && \at(a->raw_dtype, A) == \at(b->raw_dtype, B) &&
      \at(a->fp8_block, A) == \at(b->fp8_block, B) &&
      \at(a->fp8_scale, A) == \at(b->fp8_scale, B) &&
      \at(a->fp8_split_rope, A) == \at(b->fp8_split_rope, B) &&
      \at(a->lattice, A) == \at(b->lattice, B) && \at(a->q, A) == \at(b->q, B) &&
      \at(a->outliers, A) == \at(b->outliers, B) &&
      \at(a->skeleton, A) == \at(b->skeleton, B) && \at(a->rank, A) == \at(b->rank, B);
*/
/* KVL_OK, KVL_ERR_FIELD (a value outside its range) or KVL_ERR_OVERFLOW. */
/*@ requires \valid(L) && \valid_read(p) && \separated(L, p);
    assigns *L;
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_OVERFLOW;
    ensures lay_dim: \result == KVL_OK ==> L->dim == dim;
    // *p as it was on entry (the same in the post-state: \separated(L, p))
    ensures lay_p: \result == KVL_OK ==> kvl_params_copy{Post,Pre}(&L->p, p);
    ensures lay_size: \result == KVL_OK ==> kvl_layout_size_ok(L);
    ensures lay_bytes: \result == KVL_OK ==> L->record_bytes >= 1;
    ensures \result == KVL_OK ==> L->p.mode == KVL_MODE_RAW || L->p.mode == KVL_MODE_FP8 ||
                                   L->p.mode == KVL_MODE_LATTICE;
    ensures \result == KVL_OK && L->p.mode == KVL_MODE_RAW ==> kvl_layout_raw_ok(L);
    ensures \result == KVL_OK && L->p.mode == KVL_MODE_FP8 ==> kvl_layout_fp8_ok(L);
    ensures \result == KVL_OK && L->p.mode == KVL_MODE_LATTICE ==>
              kvl_layout_lattice_ok(L) && L->rank == rank && L->has_mean == has_mean;
*/
int kvl_layout_make(uint32_t dim, const kvl_chunk_params *p, uint32_t rank, uint32_t has_mean,
                    kvl_layout *L);

/* ---- per-mode record codecs (spec §6, §7) ----------------------------- */
/* Encode one vector x (dim floats, finite) into rec (record_bytes, zeroed
 * padding). LATTICE needs the skeleton as f32 values already rounded to the
 * stored dtype (mean may be NULL, basis rank L->rank) and scratch of
 * 3*dim 4-byte elements. */
int kvl_raw_encode_vector(const kvl_layout *L, const float *x, uint8_t *rec);
/*@ requires \valid_read(L) && kvl_layout_raw_ok(L);
    requires \valid_read(rec + (0 .. L->record_bytes - 1));
    requires out == \null || \valid(out + (0 .. L->dim - 1));
    requires out != \null ==> \separated(out + (0 .. L->dim - 1), L, rec + (0 .. L->record_bytes - 1));
    assigns out[0 .. L->dim - 1];
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD;
*/
int kvl_raw_decode_vector(const kvl_layout *L, const uint8_t *rec, float *out);
int kvl_fp8_encode_vector(const kvl_layout *L, const float *x, uint8_t *rec);
/*@ requires \valid_read(L) && kvl_layout_fp8_ok(L);
    requires \valid_read(rec + (0 .. L->record_bytes - 1));
    requires out == \null || \valid(out + (0 .. L->dim - 1));
    requires out != \null ==> \separated(out + (0 .. L->dim - 1), L, rec + (0 .. L->record_bytes - 1));
    assigns out[0 .. L->dim - 1];
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_TRUNCATED;
*/
int kvl_fp8_decode_vector(const kvl_layout *L, const uint8_t *rec, float *out);
/* Value j of an already validated RAW / FP8 record, as f32 (random access). */
/*@ requires \valid_read(L) && kvl_layout_raw_ok(L) && j < L->dim;
    requires \valid_read(rec + (0 .. L->record_bytes - 1));
    assigns \nothing;
*/
float kvl_raw_value(const kvl_layout *L, const uint8_t *rec, uint32_t j);
/*@ requires \valid_read(L) && kvl_layout_fp8_ok(L) && j < L->dim;
    requires \valid_read(rec + (0 .. L->record_bytes - 1));
    assigns \nothing;
*/
float kvl_fp8_value(const kvl_layout *L, const uint8_t *rec, uint32_t j);
/* LATTICE encode: mean (dim) / basis (rank*dim) are the stored skeleton
 * values as f32 (mean NULL when absent); scratch holds 3*dim 4-byte elements. */
int kvl_lattice_encode_vector(const kvl_layout *L, const float *mean, const float *basis,
                              const float *x, void *scratch, uint8_t *rec);
/* LATTICE decode: mean/basis are the chunk's stored 16-bit skeleton bytes
 * (L->skel_dtype; NULL when absent). out == NULL: validate only. */
/*@ requires \valid_read(L) && kvl_layout_lattice_ok(L);
    requires L->skel_dtype == KVL_DTYPE_F16 || L->skel_dtype == KVL_DTYPE_BF16;
    requires \valid_read(rec + (0 .. L->record_bytes - 1));
    requires mean == \null || \valid_read(mean + (0 .. 2 * L->dim - 1));
    requires L->rank > 0 ==> \valid_read(basis + (0 .. 2 * L->rank * L->dim - 1));
    requires out == \null || \valid(out + (0 .. L->dim - 1));
    requires out != \null ==> \separated(out + (0 .. L->dim - 1), L, rec + (0 .. L->record_bytes - 1));
    requires out != \null && mean != \null ==> \separated(out + (0 .. L->dim - 1), mean + (0 .. 2 * L->dim - 1));
    requires out != \null && L->rank > 0 ==> \separated(out + (0 .. L->dim - 1), basis + (0 .. 2 * L->rank * L->dim - 1));
    assigns out[0 .. L->dim - 1];
    ensures \result == KVL_OK || \result == KVL_ERR_FIELD || \result == KVL_ERR_RESERVED ||
            \result == KVL_ERR_TRUNCATED || \result == KVL_ERR_INDEX;
*/
int kvl_lattice_decode_vector(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                              const uint8_t *rec, float *out);
/* Stored 16-bit skeleton value j of a little-endian array, as f32. */
/*@ requires j <= 0x7FFFFFFFFFFFFFFE;
    requires \valid_read(p + (2 * j .. 2 * j + 1));
    assigns \nothing;
*/
float kvl_skel_load(const uint8_t *p, uint8_t skel_dtype, size_t j);

/* ---- skeleton.c (spec §7.3, §10.3) ----------------------------------- */
/* Compute the chunk skeleton from n vectors xs (n*dim floats): mean (rounded
 * to the skeleton dtype, returned as f32) and, for rank > 0, the basis rows.
 * work: (n*dim + 2*dim + n) floats. */
int kvl_skeleton_compute(uint32_t dim, uint32_t n, const float *xs, uint32_t rank,
                         uint8_t skel_dtype, float *mean, float *basis, float *work);
/* Skeleton dtype rule (spec §10.3): F16 when every |x| <= 1024, else BF16. */
uint8_t kvl_skeleton_pick_dtype(const float *vals, size_t n);
uint16_t kvl_skel_bits(float x, uint8_t skel_dtype);
float kvl_skel_round(float x, uint8_t skel_dtype);

/* ---- dtype helpers (spec §2.2) ---------------------------------------- */
/*@ assigns \nothing;
    ensures \result == (dtype == KVL_DTYPE_F32 ? 4 : 2);
*/
uint32_t kvl_dtype_size(uint32_t dtype);
/* Load element i of a dtype array as f32. */
/*@ requires dtype <= KVL_DTYPE_BF16 && i <= 0x0FFFFFFFFFFFFFFF;
    requires \valid_read((uint8_t *)src + ((dtype == KVL_DTYPE_F32 ? 4 : 2) * i ..
                                           (dtype == KVL_DTYPE_F32 ? 4 : 2) * i +
                                           (dtype == KVL_DTYPE_F32 ? 3 : 1)));
    assigns \nothing;
*/
float kvl_load_as_f32(const void *src, uint32_t dtype, size_t i);
/* Store f32 to element i of dtype array; KVL_ERR_RANGE if the result is not finite. */
/*@ // bytes 4i .. 4i+3 (F32) or 2i .. 2i+1 (F16, BF16); each branch linear in i
    // (a product (c ? 4 : 2) * i is nonlinear for the provers)
    requires dtype <= KVL_DTYPE_BF16 && i <= 0x0FFFFFFFFFFFFFFF;
    requires \valid((uint8_t *)dst + ((dtype == KVL_DTYPE_F32 ? 4 * i : 2 * i) ..
                                      (dtype == KVL_DTYPE_F32 ? 4 * i + 3 : 2 * i + 1)));
    assigns ((uint8_t *)dst)[(dtype == KVL_DTYPE_F32 ? 4 * i : 2 * i) ..
                             (dtype == KVL_DTYPE_F32 ? 4 * i + 3 : 2 * i + 1)];
    ensures \result == KVL_OK || \result == KVL_ERR_RANGE;
*/
int kvl_store_from_f32(void *dst, uint32_t dtype, size_t i, float v);

#endif /* KVL_INTERNAL_H */
