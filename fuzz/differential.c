/* differential -- the same inputs through the reference and the AVX2 fast
 * path (kvl_set_cpu_level): encoding gives identical statuses and bytes,
 * decoding (every entry point, every dtype) identical statuses and values.
 * The input is used twice: as an encoder input (fz_carve_tensor) and as a
 * stream to decode. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_producer p;
    fz_tensor t;
    fz_digest dr, da;
    int levels[2] = {KVL_CPU_REF, KVL_CPU_AVX2}, k;
    if (kvl_get_cpu_max_level() < KVL_CPU_AVX2)
        return 0; /* nothing to compare on this CPU */
    /* decode side */
    for (k = 0; k < 2; k++) {
        FZ_ASSERT(kvl_set_cpu_level(levels[k]) == KVL_OK, "set level");
        fz_decode_everything(data, size, k ? &da : &dr);
    }
    FZ_ASSERT(dr.h == da.h, "decoders differ (first errors %d / %d)", dr.first_error, da.first_error);
    /* encode side */
    fp_init(&p, data, size);
    if (fz_carve_tensor(&p, &t) == 0) {
        uint8_t *s[2];
        size_t l[2];
        kvl_status st[2];
        for (k = 0; k < 2; k++) {
            kvl_set_cpu_level(levels[k]);
            st[k] = fz_encode(&t, &s[k], &l[k]);
        }
        FZ_ASSERT(st[0] == st[1], "encoders give %d (ref) and %d (avx2)", st[0], st[1]);
        FZ_ASSERT(l[0] == l[1] && (l[0] == 0 || memcmp(s[0], s[1], l[0]) == 0), "encoders give different bytes");
        if (st[0] == KVL_OK) {
            for (k = 0; k < 2; k++) {
                kvl_set_cpu_level(levels[k]);
                fz_decode_everything(s[0], l[0], k ? &da : &dr);
            }
            FZ_ASSERT(dr.h == da.h, "decoders differ on an encoder output");
        }
        free(s[0]);
        free(s[1]);
        fz_tensor_free(&t);
    }
    kvl_set_cpu_level(kvl_get_cpu_max_level());
    return 0;
}
