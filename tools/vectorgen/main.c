/*
 * kvl-vectorgen -- regenerates the golden vectors (vectors/) from the
 * reference implementation. Run through scripts/gen_vectors.sh.
 *
 *   kvl-vectorgen [--acc-cases N] OUTDIR
 *
 * Writes OUTDIR/v1/{valid,unusual,faulty}/<case>/..., then computes the
 * accumulated digests (conformance/accumulate.c) and writes
 * OUTDIR/manifest.json. The output depends only on the reference code and
 * this generator: two runs give identical bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accumulate.h"
#include "vg.h"

#define VG_GENERATOR_VERSION "1.0.0"

int main(int argc, char **argv)
{
    uint32_t acc_cases = KVLC_ACC_DEFAULT_CASES;
    const char *out = NULL;
    int i;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--acc-cases") == 0 && i + 1 < argc) {
            acc_cases = (uint32_t)strtoul(argv[++i], NULL, 10);
        } else if (argv[i][0] != '-' && !out) {
            out = argv[i];
        } else {
            fprintf(stderr, "usage: kvl-vectorgen [--acc-cases N] OUTDIR\n");
            return 2;
        }
    }
    if (!out) {
        fprintf(stderr, "usage: kvl-vectorgen [--acc-cases N] OUTDIR\n");
        return 2;
    }
    if (vg_out_init(out)) {
        fprintf(stderr, "kvl-vectorgen: cannot create %s\n", out);
        return 1;
    }
    vg_catalogue_valid();
    vg_catalogue_traps();
    vg_catalogue_unusual();
    vg_catalogue_faulty();
    for (i = 0; kvlc_acc_profiles[i]; i++) {
        kvlc_acc_result r;
        if (kvlc_accumulate(kvlc_acc_profiles[i], acc_cases, kvlc_encode, kvlc_decode, &r)) {
            fprintf(stderr, "kvl-vectorgen: accumulated %s: %s\n", kvlc_acc_profiles[i], r.error);
            return 1;
        }
        vg_out_accumulated(kvlc_acc_profiles[i], r.cases, r.digest_hex);
        printf("accumulated %-10s %u cases  sha256 %s\n", kvlc_acc_profiles[i], (unsigned)r.cases, r.digest_hex);
    }
    if (vg_out_finish(VG_GENERATOR_VERSION)) {
        fprintf(stderr, "kvl-vectorgen: cannot write the manifest\n");
        return 1;
    }
    return 0;
}
