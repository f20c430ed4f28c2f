/* proof/eva_main.c -- EVA analysis entry point (Frama-C only; issue 6).
 *
 * In the style of ANSSI x509-parser: a main that exists only under
 * __FRAMAC__ and feeds the decoder entry points an arbitrary buffer (every
 * byte unknown, Frama_C_make_unknown) of arbitrary size 0 .. KVL_EVA_MAX
 * bytes (Frama_C_interval). EVA then over-approximates every execution of
 * kvl_verify(), of the reader + kvl_chunk_decode_vector, and of
 * kvl_chunk_parse + kvl_chunk_decode_vector / kvl_chunk_decode /
 * kvl_chunk_validate on every such input; an alarm is a possible run-time
 * error. proof/run_proofs.sh runs it and fails when EVA reports an alarm;
 * proof/README.md "EVA" says why KVL_EVA_MAX is 160 and what is assumed.
 */
#ifdef __FRAMAC__
#include "__fc_builtin.h"
#include "kvl_internal.h"
#include "kvl_sections.h"

#ifndef KVL_EVA_MAX
#define KVL_EVA_MAX 160
#endif

static uint8_t stream[KVL_EVA_MAX];
/* Output buffer: room for KVL_MAX_DIM binary32 values, the largest vector any
 * view can describe, so that the outputs EVA checks are the decoder's own
 * writes (kvl_chunk_decode_vector, and kvl_chunk_decode for chunks of up to
 * KVL_MAX_DIM values) rather than the early KVL_ERR_BUFFER return. */
static float out_f32[KVL_MAX_DIM];

int main(void)
{
    size_t size = (size_t)Frama_C_interval(0, KVL_EVA_MAX);
    kvl_stream_summary sum;
    kvl_reader r;
    kvl_event ev;
    int i;
    Frama_C_make_unknown((char *)stream, KVL_EVA_MAX);

    /* whole-stream verification (what `kvl verify` runs) */
    (void)kvl_verify(stream, size, &sum);

    /* the sequential reader, and decoding of the first vector of each chunk */
    if (kvl_reader_init(&r, stream, size) == KVL_OK) {
        for (i = 0; i < 4; i++) {
            if (kvl_reader_next(&r, &ev) != KVL_OK || ev.kind == KVL_EVENT_END)
                break;
            if (ev.kind == KVL_EVENT_CHUNK)
                (void)kvl_chunk_decode_vector(&ev.chunk, 0, KVL_DTYPE_F32, out_f32,
                                              sizeof out_f32);
        }
    }
    /* the buffer as one chunk section, for a tensor dim of 1 .. 512 (a
     * bigger dim needs records longer than the buffer: rejected early) */
    {
        kvl_chunk_view view;
        uint32_t dim = Frama_C_unsigned_int_interval(1, KVL_LATTICE_MAX_DIM);
        if (kvl_chunk_parse(stream, size, dim, &view) == KVL_OK) {
            /* any vector index, any output dtype (valid or not) */
            uint32_t vi = Frama_C_unsigned_int_interval(0, KVL_MAX_CHUNK_LEN);
            kvl_dtype dt = (kvl_dtype)Frama_C_interval(0, 4);
            (void)kvl_chunk_decode_vector(&view, vi, dt, out_f32, sizeof out_f32);
            /* the whole chunk (KVL_ERR_BUFFER when n x dim does not fit out_f32) */
            (void)kvl_chunk_decode(&view, dt, out_f32, sizeof out_f32);
            (void)kvl_chunk_validate(&view);
        }
    }
    return 0;
}
#endif
