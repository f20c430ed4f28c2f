/*
 * metrics.h -- reconstruction error metrics for `kvl compare` and the demo.
 *
 * Not part of any bitstream: uses <math.h> freely.
 *
 * Accumulate with kvl_metrics_add() over any number of pieces, then read
 *   rel_mse = sum |x - x^|^2 / sum |x|^2      (x = reference, x^ = test)
 *   snr_db  = -10 log10(rel_mse)
 * A pair where either value is NaN or +-Inf is counted in `nonfinite` and
 * left out of the sums; rel_mse and snr_db are then NaN, so a non-finite
 * decode can never look like a good one.
 */
#ifndef KVL_METRICS_H
#define KVL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kvl_metrics {
    double sum_sq_err;  /* sum (x - x^)^2 over finite pairs */
    double sum_sq_ref;  /* sum x^2 over finite pairs */
    double max_abs_err; /* max |x - x^| over finite pairs */
    uint64_t count;     /* pairs seen (finite or not) */
    uint64_t nonfinite; /* pairs with a NaN / Inf in ref or test */
} kvl_metrics;

void kvl_metrics_init(kvl_metrics *m);
void kvl_metrics_add(kvl_metrics *m, const float *ref, const float *test, size_t n);

/* sum|x - x^|^2 / sum|x|^2. 0 when nothing differs (including no data or an
 * all-zero reference reproduced exactly); +Inf when the reference is all zero
 * but the test is not; NaN when nonfinite > 0. */
double kvl_metrics_rel_mse(const kvl_metrics *m);

/* -10 log10(rel_mse): +Inf when exact, -Inf when rel_mse is +Inf, NaN when
 * nonfinite > 0. */
double kvl_metrics_snr_db(const kvl_metrics *m);

#ifdef __cplusplus
}
#endif
#endif /* KVL_METRICS_H */
