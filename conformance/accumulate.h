/*
 * accumulate.h -- CCTV-style accumulated vectors (spec Appendix C).
 *
 * A portable integer-only generator derives case i of a profile (parameters
 * and input values) from (profile, i). Each case is encoded, the stream is
 * decoded to every output dtype, and the encoder and decoder results are
 * absorbed into one running SHA-256 per profile. Two implementations agree on
 * every case of a profile iff (with overwhelming probability) they produce
 * the same digest. The published digests are in vectors/manifest.json and in
 * the spec's Appendix C.
 */
#ifndef KVLC_ACCUMULATE_H
#define KVLC_ACCUMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "kvlc.h"

#define KVLC_ACC_DEFAULT_CASES 10000u

/* The profiles, in manifest order; NULL-terminated. */
extern const char *const kvlc_acc_profiles[];

typedef struct kvlc_acc_result {
    uint32_t cases;          /* cases run */
    uint32_t encode_ok;      /* encoder calls that succeeded */
    uint32_t encode_errors;  /* encoder calls that returned an error (absorbed) */
    uint32_t decode_ok;      /* decoder calls (case x dtype) that succeeded */
    uint32_t decode_errors;  /* decoder calls that returned an error (absorbed) */
    uint8_t digest[32];      /* SHA-256 of everything absorbed */
    char digest_hex[65];
    char error[160];         /* set when the run itself failed (not a codec error) */
} kvlc_acc_result;

/* Run `n_cases` cases of `profile`. `enc` produces the streams (an
 * implementation's encoder, or the reference encoder for decoder-only
 * implementations); `dec` decodes them. Returns 0, or -1 with res->error set
 * (unknown profile, out of memory, a callback that misbehaves). */
int kvlc_accumulate(const char *profile, uint32_t n_cases, kvlc_encode_fn enc, kvlc_decode_fn dec,
                    kvlc_acc_result *res);

/* Appendix C.6 "reseal": recompute the header CRC (when the 20-byte header is
 * present) and the CRC of every section whose framing fits, walking the
 * sections from offset 20. Also used to build faulty vectors whose first
 * failing check is not a CRC. */
void kvlc_acc_reseal(uint8_t *s, size_t len);

#endif /* KVLC_ACCUMULATE_H */
