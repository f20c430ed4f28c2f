/*
 * gen.h -- deterministic, seeded, portable test-data generator (`kvl gen`).
 *
 * A dataset is named by (kind, seed, dim). Vector i of it depends only on
 * (kind, seed, dim, i), so any range can be generated on its own and the
 * pieces concatenate to the whole. The output floats are bit-identical on
 * every compiler, optimisation level and IEEE-754 CPU: the generator uses an
 * integer counter-based PRNG and only + - * / sqrt in binary64 (its log and
 * exp are written out in gen.c; no libm transcendental is called), rounded
 * to binary32 at the end. Build with -ffp-contract=off.
 *
 * The kinds and the statistics each one targets are documented in gen.c.
 *   gauss    i.i.d. N(0, 1)
 *   qwen3-k  Qwen3-4B keys: per-layer variance spread and kurtosis after
 *            unit normalisation + Hadamard rotation (tools/kvl/qwen3_stats.h)
 *   dsv4     DeepSeek-V4-style anisotropic KV: channel variance ratio
 *            200..2500, excess kurtosis 1, a few large channel offsets
 *   heavy    Student-t(5) tails, channel offsets ~8, rare 50..100 sigma spikes
 */
#ifndef KVL_GEN_H
#define KVL_GEN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { KVL_GEN_GAUSS = 0, KVL_GEN_QWEN3K = 1, KVL_GEN_DSV4 = 2, KVL_GEN_HEAVY = 3 };

#define KVL_GEN_MAX_DIM 65536u

/* "gauss", "qwen3-k", "dsv4", "heavy" -> KVL_GEN_*. 0 ok, -1 unknown. */
int kvl_gen_parse_kind(const char *s, int *kind);

/* Name of a kind as accepted by kvl_gen_parse_kind(), or "?" if unknown. */
const char *kvl_gen_kind_name(int kind);

/* Fill out[0 .. n*dim-1] (row-major) with vectors first .. first+n-1 of the
 * dataset (kind, seed, dim). Returns 0, or -1 on bad arguments (dim 0 or
 * > 65536, unknown kind, out NULL with n > 0, first+n overflows, n*dim
 * overflows size_t) or when a dim-sized scratch allocation fails. */
int kvl_gen_fill(int kind, uint64_t seed, uint32_t dim, uint64_t first, uint64_t n, float *out);

/* Dataset-level parameters that the seed selects, for printing and for the
 * statistics self-check. Fields that do not apply to a kind are 0 (layer -1). */
typedef struct kvl_gen_info {
    int kind;
    uint32_t dim;
    int layer;            /* qwen3-k: Qwen3-4B layer whose statistics are reproduced */
    double channel_var_ratio; /* dsv4, heavy: max/min channel variance before any rotation */
    uint32_t n_offsets;   /* qwen3-k, dsv4, heavy: channels carrying a constant offset */
    double norm_median;   /* qwen3-k: median per-vector L2 norm */
} kvl_gen_info;

/* 0 ok, -1 on bad arguments (as kvl_gen_fill). */
int kvl_gen_describe(int kind, uint64_t seed, uint32_t dim, kvl_gen_info *info);

#ifdef __cplusplus
}
#endif
#endif /* KVL_GEN_H */
