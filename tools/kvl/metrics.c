/*
 * metrics.c -- reconstruction error metrics (see metrics.h).
 */
#include "metrics.h"

#include <math.h>

void kvl_metrics_init(kvl_metrics *m)
{
    m->sum_sq_err = 0.0;
    m->sum_sq_ref = 0.0;
    m->max_abs_err = 0.0;
    m->count = 0;
    m->nonfinite = 0;
}

void kvl_metrics_add(kvl_metrics *m, const float *ref, const float *test, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        const double x = (double)ref[i], y = (double)test[i];
        double d;
        m->count++;
        if (!isfinite(x) || !isfinite(y)) {
            m->nonfinite++;
            continue;
        }
        d = x - y;
        m->sum_sq_err += d * d;
        m->sum_sq_ref += x * x;
        d = fabs(d);
        if (d > m->max_abs_err)
            m->max_abs_err = d;
    }
}

double kvl_metrics_rel_mse(const kvl_metrics *m)
{
    if (m->nonfinite > 0)
        return NAN;
    if (m->sum_sq_err == 0.0)
        return 0.0;
    if (m->sum_sq_ref == 0.0)
        return INFINITY;
    return m->sum_sq_err / m->sum_sq_ref;
}

double kvl_metrics_snr_db(const kvl_metrics *m)
{
    const double r = kvl_metrics_rel_mse(m);
    if (isnan(r))
        return NAN;
    if (r == 0.0)
        return INFINITY;
    if (isinf(r))
        return -INFINITY;
    return -10.0 * log10(r);
}
