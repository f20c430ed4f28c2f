/* test_rd_parity.c -- rate-distortion parity with the published figures
 * (FORMAT-BRIEF §4): on `kvl gen --kind gauss` data, D = 128, the rel-MSE of
 * D4 / E8 at Q in {10, 38, 152} must be within +-3 % of the published value,
 * at no more than the published bits per vector. Prints the table, including
 * the gap to Shannon's bound D(R) = 2^(-2R) for an i.i.d. Gaussian source.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_io.h"
#include "gen.h"
#include "kvlattice.h"
#include "metrics.h"
#include "pipeline.h"

typedef struct rd_point {
    const char *name;
    uint8_t lattice;
    uint16_t q;
    double published_rel_mse;
    uint32_t published_bits; /* per vector at D=128 incl. 32 scale bits */
} rd_point;

/* Published: brief §4. Bits: upstream's per-block widths (E8 one bit wider at Q=10). */
static const rd_point kPoints[] = {
    {"D4 Q=10", KVL_LATTICE_D4, 10, 8.8e-3, 576},
    {"E8 Q=10", KVL_LATTICE_E8, 10, 5.8e-3, 608},
    {"D4 Q=38", KVL_LATTICE_D4, 38, 6.1e-4, 832},
    {"E8 Q=38", KVL_LATTICE_E8, 38, 4.0e-4, 848},
    {"D4 Q=152", KVL_LATTICE_D4, 152, 3.8e-5, 1088},
};

int main(void)
{
    const uint32_t dim = 128;
    const uint64_t n = 16384;
    float *x = (float *)malloc((size_t)n * dim * 4u), *y = (float *)malloc((size_t)n * dim * 4u);
    size_t i;
    int pass = 0, fail = 0;
    if (!x || !y || kvl_gen_fill(KVL_GEN_GAUSS, 1, dim, 0, n, x) != 0) {
        printf("test_rd_parity: setup failed\n");
        return 1;
    }
    printf("rate-distortion parity, kvl gen --kind gauss --n %llu --dim %u --seed 1\n", (unsigned long long)n, dim);
    printf("| point    | record bits | published bits | rel-MSE    | published | diff    | SNR dB | Shannon gap dB |\n");
    printf("|----------|-------------|----------------|------------|-----------|---------|--------|----------------|\n");
    for (i = 0; i < sizeof kPoints / sizeof kPoints[0]; i++) {
        const rd_point *pt = &kPoints[i];
        kvl_chunk_params p;
        kvl_tensor_desc d;
        cli_membuf mb = {0, 0, 0};
        kvl_metrics m;
        uint32_t rb = 0, rbits = 0;
        double rel, diff, shannon;
        kvl_status st;
        memset(&p, 0, sizeof p);
        p.mode = KVL_MODE_LATTICE;
        p.lattice = pt->lattice;
        p.q = pt->q;
        memset(&d, 0, sizeof d);
        d.dim = dim;
        d.chunk_len = 1024;
        d.layer = d.head = -1;
        st = pipe_encode(&d, &p, x, KVL_DTYPE_F32, n, cli_membuf_sink, &mb);
        if (st == KVL_OK)
            st = pipe_decode(mb.data, mb.len, 0, KVL_DTYPE_F32, y, (size_t)n * dim * 4u);
        if (st == KVL_OK)
            st = kvl_record_size(dim, &p, &rb, &rbits);
        free(mb.data);
        if (st != KVL_OK) {
            printf("FAIL %s: %s\n", pt->name, kvl_status_name(st));
            fail++;
            continue;
        }
        kvl_metrics_init(&m);
        kvl_metrics_add(&m, x, y, (size_t)n * dim);
        rel = kvl_metrics_rel_mse(&m);
        diff = rel / pt->published_rel_mse - 1.0;
        shannon = pow(2.0, -2.0 * (double)rb * 8.0 / dim);
        printf("| %-8s | %11u | %14u | %10.4e | %9.2e | %+6.2f%% | %6.2f | %14.2f |\n", pt->name, rbits,
               pt->published_bits, rel, pt->published_rel_mse, 100.0 * diff, kvl_metrics_snr_db(&m),
               10.0 * log10(rel / shannon));
        if (fabs(diff) <= 0.03 && rbits <= pt->published_bits && rb * 8u == rbits) {
            pass++;
        } else {
            printf("FAIL %s: rel-MSE %.4e vs %.2e (%+.2f%%), bits %u vs %u\n", pt->name, rel,
                   pt->published_rel_mse, 100.0 * diff, rbits, pt->published_bits);
            fail++;
        }
    }
    free(x);
    free(y);
    printf("test_rd_parity: %d passed, %d failed\n", pass, fail);
    return fail ? 1 : 0;
}
