/* verify_then_decode -- if kvl_verify accepts the bytes, then the reader must
 * walk the whole stream without error, every chunk must decode (only the
 * output conversion may fail, with RANGE, spec §9.2 / B.4), decoding twice
 * must give identical output, and random access must match. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kvl_stream_summary sum;
    kvl_reader r;
    kvl_event ev;
    fz_digest d1, d2;
    uint64_t vectors = 0, chunks = 0;
    int st;
    if (kvl_verify(data, size, &sum) != KVL_OK)
        return 0;
    st = kvl_reader_init(&r, data, size);
    FZ_ASSERT(st == KVL_OK, "verified stream: reader_init %d", st);
    for (;;) {
        st = kvl_reader_next(&r, &ev);
        FZ_ASSERT(st == KVL_OK, "verified stream: reader_next %d", st);
        if (ev.kind == KVL_EVENT_END)
            break;
        if (ev.kind == KVL_EVENT_CHUNK) {
            int dt;
            chunks++;
            vectors += ev.chunk.n_vectors;
            FZ_ASSERT(kvl_chunk_validate(&ev.chunk) == KVL_OK, "verified stream: chunk does not validate");
            for (dt = 0; dt < 3; dt++) {
                size_t bytes = (size_t)ev.chunk.n_vectors * ev.chunk.dim * (dt ? 2u : 4u);
                uint8_t *a, *b;
                int sa, sb;
                if (bytes > FZ_MAX_OUTPUT)
                    continue;
                a = (uint8_t *)malloc(bytes ? bytes : 1u);
                b = (uint8_t *)malloc(bytes ? bytes : 1u);
                FZ_ASSERT(a && b, "out of memory");
                sa = kvl_chunk_decode(&ev.chunk, (kvl_dtype)dt, a, bytes);
                sb = kvl_chunk_decode(&ev.chunk, (kvl_dtype)dt, b, bytes);
                FZ_ASSERT(sa == KVL_OK || sa == KVL_ERR_RANGE, "verified chunk decodes with %d", sa);
                FZ_ASSERT(sa == sb, "two decodes give %d and %d", sa, sb);
                FZ_ASSERT(sa != KVL_OK || memcmp(a, b, bytes) == 0, "two decodes differ");
                free(a);
                free(b);
            }
        }
    }
    FZ_ASSERT(chunks == sum.n_chunks && vectors == sum.n_vectors, "summary disagrees with the reader");
    /* the whole decode, twice: same statuses and bytes */
    fz_decode_everything(data, size, &d1);
    fz_decode_everything(data, size, &d2);
    FZ_ASSERT(d1.h == d2.h, "decoding is not deterministic");
    return 0;
}
