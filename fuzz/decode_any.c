/* decode_any -- arbitrary bytes into every decoder entry point (whole-stream
 * verify, the sequential reader, chunk validate/decode in every dtype, random
 * access, single-chunk parse). Must return a result or an error: never
 * crash, read out of bounds or hang. Random access must agree with the chunk
 * decode. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_digest d;
    fz_decode_everything(data, size, &d);
    return 0;
}
