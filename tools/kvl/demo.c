/* demo.c -- `kvl demo`: the main job on a built-in sample.
 *
 * For each kind of generated data (gauss, qwen3-k, dsv4, heavy; D = 128) it
 * encodes and decodes the same vectors with every codec / profile and prints
 * bits per vector (whole stream, container included), the ratio to bf16,
 * rel-MSE, SNR and reference encode / decode speed. Rows that cost extra bits
 * (outlier slots, PCA coefficients) sit next to a plain lattice row of about
 * the same bits, so each feature's gain is seen at its real cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_io.h"
#include "demo.h"
#include "gen.h"
#include "kvlattice.h"
#include "metrics.h"
#include "pipeline.h"

typedef struct demo_row {
    const char *label;
    uint8_t mode, lattice, fp8_scale, split, outliers, skeleton, rank, raw_dtype;
    uint16_t q, fp8_block;
    int dsv4_only;
} demo_row;

static const demo_row kRows[] = {
    {"raw bf16", KVL_MODE_RAW, 0, 0, 0, 0, 0, 0, KVL_DTYPE_BF16, 0, 0, 0},
    {"fp8 b32 ue8m0", KVL_MODE_FP8, 0, KVL_FP8_SCALE_UE8M0, 0, 0, 0, 0, 0, 0, 32, 0},
    {"fp8 b64 f32", KVL_MODE_FP8, 0, KVL_FP8_SCALE_F32, 0, 0, 0, 0, 0, 0, 64, 0},
    {"fp8 b128 f16", KVL_MODE_FP8, 0, KVL_FP8_SCALE_F16, 0, 0, 0, 0, 0, 0, 128, 0},
    {"fp8 b64 f32 split-rope", KVL_MODE_FP8, 0, KVL_FP8_SCALE_F32, 1, 0, 0, 0, 0, 0, 64, 1},
    {"d4 q10", KVL_MODE_LATTICE, KVL_LATTICE_D4, 0, 0, 0, 0, 0, 0, 10, 0, 0},
    {"e8 q10", KVL_MODE_LATTICE, KVL_LATTICE_E8, 0, 0, 0, 0, 0, 0, 10, 0, 0},
    {"d4 q38", KVL_MODE_LATTICE, KVL_LATTICE_D4, 0, 0, 0, 0, 0, 0, 38, 0, 0},
    {"d4 q44 (same bits as q38)", KVL_MODE_LATTICE, KVL_LATTICE_D4, 0, 0, 0, 0, 0, 0, 44, 0, 0},
    {"d4 q38 +mean", KVL_MODE_LATTICE, KVL_LATTICE_D4, 0, 0, 0, KVL_SKELETON_MEAN, 0, 0, 38, 0, 0},
    {"d4 q38 +pca:4", KVL_MODE_LATTICE, KVL_LATTICE_D4, 0, 0, 0, KVL_SKELETON_PCA, 4, 0, 38, 0, 0},
    {"d4 q38 +4 outliers", KVL_MODE_LATTICE, KVL_LATTICE_D4, 0, 0, 4, 0, 0, 0, 38, 0, 0},
    {"d4 q75 (~bits of q38+4 out)", KVL_MODE_LATTICE, KVL_LATTICE_D4, 0, 0, 0, 0, 0, 0, 75, 0, 0},
    {"e8 q38", KVL_MODE_LATTICE, KVL_LATTICE_E8, 0, 0, 0, 0, 0, 0, 38, 0, 0},
    {"e8 q38 +mean", KVL_MODE_LATTICE, KVL_LATTICE_E8, 0, 0, 0, KVL_SKELETON_MEAN, 0, 0, 38, 0, 0},
    {"e8 q38 +4 outliers", KVL_MODE_LATTICE, KVL_LATTICE_E8, 0, 0, 4, 0, 0, 0, 38, 0, 0},
    {"d4 q152", KVL_MODE_LATTICE, KVL_LATTICE_D4, 0, 0, 0, 0, 0, 0, 152, 0, 0},
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int kvl_demo(int argc, char **argv)
{
    static const int kinds[] = {KVL_GEN_GAUSS, KVL_GEN_QWEN3K, KVL_GEN_DSV4, KVL_GEN_HEAVY};
    const uint32_t dim = 128;
    uint64_t n = 4096;
    size_t k, r;
    float *x, *y;
    if (argc == 2 && strcmp(argv[0], "--n") == 0) {
        n = strtoull(argv[1], 0, 10);
        if (n < 1 || n > 10000000) {
            fprintf(stderr, "kvl: bad --n\n");
            return 2;
        }
    } else if (argc != 0) {
        fprintf(stderr, "kvl: usage: kvl demo [--n N]\n");
        return 2;
    }
    x = (float *)malloc((size_t)n * dim * 4u);
    y = (float *)malloc((size_t)n * dim * 4u);
    if (!x || !y) {
        fprintf(stderr, "kvl: out of memory\n");
        return 1;
    }
    printf("kvlattice %s demo: %llu vectors of dim %u per data kind, reference codec, one thread\n"
           "bits/vec = whole stream bits / vectors (container included); rel-MSE = sum|x-x^|^2 / sum|x|^2\n\n",
           KVL_VERSION_STRING, (unsigned long long)n, dim);
    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        kvl_gen_fill(kinds[k], 1, dim, 0, n, x);
        printf("data: %s (kvl gen --kind %s --n %llu --dim %u --seed 1)\n", kvl_gen_kind_name(kinds[k]),
               kvl_gen_kind_name(kinds[k]), (unsigned long long)n, dim);
        printf("| %-28s | %9s | %7s | %10s | %7s | %9s | %9s |\n", "codec", "bits/vec", "x bf16",
               "rel-MSE", "SNR dB", "enc Mv/s", "dec Mv/s");
        printf("|------------------------------|-----------|---------|------------|---------|-----------|-----------|\n");
        for (r = 0; r < sizeof kRows / sizeof kRows[0]; r++) {
            const demo_row *row = &kRows[r];
            kvl_chunk_params p;
            kvl_tensor_desc d;
            cli_membuf mb = {0, 0, 0};
            kvl_metrics m;
            kvl_status st;
            double t0, t1, t2, bpv;
            if (row->dsv4_only && kinds[k] != KVL_GEN_DSV4)
                continue;
            memset(&p, 0, sizeof p);
            p.mode = row->mode;
            p.raw_dtype = row->raw_dtype;
            p.fp8_block = row->fp8_block;
            p.fp8_scale = row->fp8_scale;
            p.fp8_split_rope = row->split;
            p.lattice = row->lattice;
            p.q = row->q;
            p.outliers = row->outliers;
            p.skeleton = row->skeleton;
            p.rank = row->rank;
            memset(&d, 0, sizeof d);
            d.dim = dim;
            d.chunk_len = 1024;
            d.src_dtype = KVL_DTYPE_F32;
            d.layer = d.head = -1;
            t0 = now_s();
            st = pipe_encode(&d, &p, x, KVL_DTYPE_F32, n, cli_membuf_sink, &mb);
            t1 = now_s();
            if (st == KVL_OK)
                st = pipe_decode(mb.data, mb.len, 0, KVL_DTYPE_F32, y, (size_t)n * dim * 4u);
            t2 = now_s();
            if (st != KVL_OK) {
                printf("| %-28s | failed: %s |\n", row->label, kvl_status_name(st));
                free(mb.data);
                continue;
            }
            kvl_metrics_init(&m);
            kvl_metrics_add(&m, x, y, (size_t)n * dim);
            bpv = (double)mb.len * 8.0 / (double)n;
            printf("| %-28s | %9.1f | %7.3f | %10.3e | %7.2f | %9.3f | %9.3f |\n", row->label, bpv,
                   16.0 * dim / bpv, kvl_metrics_rel_mse(&m), kvl_metrics_snr_db(&m),
                   (double)n / (t1 - t0) * 1e-6, (double)n / (t2 - t1) * 1e-6);
            free(mb.data);
        }
        printf("\n");
    }
    free(x);
    free(y);
    return 0;
}
