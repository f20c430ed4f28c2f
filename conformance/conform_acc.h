/*
 * conform_acc.h -- the accumulated (CCTV-style) vectors in kvl-conform:
 * one kvlc_accumulate() run per profile (spec Appendix C, accumulate.h),
 * isolated in a forked child, compared with the digest in manifest.json.
 */
#ifndef CONFORM_ACC_H
#define CONFORM_ACC_H

#include <stdint.h>

#include "accumulate.h"
#include "kvlc.h"

typedef struct cf_acc_outcome {
    char profile[64];
    uint32_t cases;
    char expected[65];   /* published digest; "" when none for this case count */
    int status;          /* CF_PASS, CF_FAIL or CF_SKIP (conform_result.h) */
    const char *encoder; /* "implementation" or "reference" */
    const char *decoder;
    kvlc_acc_result res;
    char detail[256];
    double seconds;
} cf_acc_outcome;

/* 1 iff kvlc_accumulate knows `profile`. */
int cf_acc_known_profile(const char *profile);

/* Run `cases` cases of `profile` with enc/dec (the *_impl flags say whether
 * they are the implementation's or the reference's, for the report) and
 * compare with `expected` (NULL: nothing published, the outcome is a skip
 * that still shows the digest). `isolate`: in a forked child, killed after
 * `timeout` seconds. */
void cf_acc_run(const char *profile, uint32_t cases, const char *expected, kvlc_encode_fn enc,
                int enc_impl, kvlc_decode_fn dec, int dec_impl, int isolate, double timeout,
                cf_acc_outcome *out);

#endif /* CONFORM_ACC_H */
