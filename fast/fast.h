/*
 * fast.h -- the optimised kernels of fast/ (x86-64: SSE4.2 CRC, AVX2 + F16C).
 *
 * Every function here implements the entry of the same name in ref/kernels.h
 * and is bit-identical to the reference (tests/test_checkasm.c checks each one
 * against kvl_kernels_ref; a -DKVL_CHECK_ASM=ON build checks every call). The
 * functions may only be called when fast/dispatch.c has found the CPU feature
 * (they are compiled with -mavx2 -mf16c, never with FMA: spec §2.1).
 */
#ifndef KVL_FAST_H
#define KVL_FAST_H

#include "kernels.h"

/* crc32c_sse42.c (spec §2.6) */
uint32_t kvl_sse42_crc32c(uint32_t crc, const uint8_t *data, size_t len);

/* raw_avx2.c: dtype conversions (spec §2.2, §10.1) and RAW records (§6.1) */
int kvl_avx2_load_f32(const void *in, uint32_t dtype, size_t n, float *xs);
int kvl_avx2_store_f32(const float *v, uint32_t dtype, size_t n, void *out);
int kvl_avx2_raw_encode_records(const kvl_layout *L, const float *xs, uint32_t n, uint8_t *records);
int kvl_avx2_raw_decode_records(const kvl_layout *L, const uint8_t *records, uint32_t n,
                                uint32_t out_dtype, void *out);
int kvl_avx2_raw_validate_records(const kvl_layout *L, const uint8_t *records, uint32_t n);

/* fp8_avx2.c: FP8 records (spec §6.2, §6.3, §10.5) */
int kvl_avx2_fp8_encode_records(const kvl_layout *L, const float *xs, uint32_t n, uint8_t *records);
int kvl_avx2_fp8_decode_records(const kvl_layout *L, const uint8_t *records, uint32_t n,
                                uint32_t out_dtype, void *out);
int kvl_avx2_fp8_validate_records(const kvl_layout *L, const uint8_t *records, uint32_t n);

/* wht_avx2.c: pinned reduction and transforms (spec §2.3, §7.2) */
float kvl_avx2_dot8(const float *a, const float *b, uint32_t n);
void kvl_avx2_fwht_f32(float *v, uint32_t d);
void kvl_avx2_fwht_i32(int32_t *v, uint32_t d);
void kvl_avx2_fwht_i32_from(int32_t *v, uint32_t d, uint32_t h0);

/* lattice_avx2.c, unrank_avx2.c: closest points, ranks, unranks (spec §7.4-§7.6) */
void kvl_avx2_lattice_closest(const kvl_lattice_info *lat, const float *z, uint32_t d, int32_t *k);
void kvl_avx2_lattice_rank(const kvl_lattice_info *lat, const int32_t *k, uint32_t d, uint64_t *idx);
int kvl_avx2_lattice_unrank(const kvl_lattice_info *lat, const uint64_t *idx, uint32_t d, int32_t *k);

/* codec_lattice_avx2.c: LATTICE records (spec §7.1, §7.7, §10.4) */
int kvl_avx2_lattice_encode_records(const kvl_layout *L, const float *mean, const float *basis,
                                    const float *xs, uint32_t n, void *scratch, uint8_t *records);
int kvl_avx2_lattice_decode_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                                    const uint8_t *records, uint32_t n, uint32_t out_dtype, void *out);
int kvl_avx2_lattice_validate_records(const kvl_layout *L, const uint8_t *records, uint32_t n);

/* skeleton_avx2.c (spec §10.3) */
uint8_t kvl_avx2_skeleton_pick_dtype(const float *vals, size_t n);
int kvl_avx2_skeleton_compute(uint32_t dim, uint32_t n, const float *xs, uint32_t rank,
                              uint8_t skel_dtype, float *mean, float *basis, float *work);

/* records_avx2.c: the batch entries, by mode */
int kvl_avx2_encode_records(const kvl_layout *L, const float *mean, const float *basis,
                            const float *xs, uint32_t n, void *scratch, uint8_t *records);
int kvl_avx2_decode_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                            const uint8_t *records, uint32_t n, uint32_t out_dtype, void *out);
int kvl_avx2_validate_records(const kvl_layout *L, const uint8_t *mean, const uint8_t *basis,
                              const uint8_t *records, uint32_t n);

/* dispatch.c: the AVX2 table (also used by tests/test_checkasm.c) */
extern const kvl_kernels kvl_kernels_avx2;
/* check_asm.c (KVL_CHECK_ASM builds): every entry runs the AVX2 kernel and
 * the reference and abort()s on any difference. */
extern const kvl_kernels kvl_kernels_avx2_checked;

/* 1 when the CPU and OS support the AVX2 table (cpuid + XGETBV). */
int kvl_cpu_has_avx2(void);

#endif /* KVL_FAST_H */
