/* proof/eva_main.c -- EVA analysis entry points (Frama-C only; issue 6).
 *
 * In the style of ANSSI x509-parser: entry points that exist only under
 * __FRAMAC__ and feed the decoder an arbitrary buffer (every byte unknown,
 * Frama_C_make_unknown) of arbitrary size 0 .. KVL_EVA_MAX bytes
 * (Frama_C_interval). EVA over-approximates every execution on every such
 * input; an alarm is a possible run-time error. proof/run_proofs.sh runs one
 * analysis per entry point; proof/README.md "EVA" says why there are three,
 * why KVL_EVA_MAX is 160 and what is assumed.
 *
 *  eva_records   the record codecs (§6, §7): a layout from kvl_layout_make
 *                for any parameters, then kvl_ref_decode_records and
 *                kvl_ref_validate_records of one and of two records of the
 *                buffer, with an arbitrary skeleton, to every output dtype.
 *  eva_sections  the section and chunk parsers and the chunk decoders
 *                (§4.2, §5.1, §9.2): kvl_section_parse and kvl_chunk_parse of
 *                the buffer for any tensor dim 1 .. 512, then
 *                kvl_chunk_decode_vector (any index, any output dtype),
 *                kvl_chunk_decode and kvl_chunk_validate of the parsed view;
 *                the record batch functions of eva_records by contract.
 *  eva_stream    the stream (§4): kvl_verify, and kvl_reader_init +
 *                kvl_reader_next with a decode of each chunk's first vector;
 *                the functions of eva_sections by contract.
 *
 * Why by contract: a function given a sub-buffer (a section at offset pos,
 * record i at i * record_bytes) reads inside it because offset + length <=
 * size, a relation EVA's interval domain does not keep. Analysed on a buffer
 * of its own (offset 0, any length, any bytes) its accesses are bounded by
 * the length alone; at the call sites EVA checks the contract's
 * preconditions, and what it cannot decide there (that relation) is a WP goal
 * of the caller, listed in proof/results.md with the job that proves it.
 */
#ifdef __FRAMAC__
#include "__fc_builtin.h"
#include "kvl_internal.h"
#include "kvl_sections.h"
#include "kernels.h"

#ifndef KVL_EVA_MAX
#define KVL_EVA_MAX 160
#endif

static uint8_t stream[KVL_EVA_MAX];
/* Output of the decoders: KVL_MAX_DIM binary32 values (one vector of the
 * largest dim; a chunk of up to KVL_MAX_DIM values), twice for two records. */
static float out_f32[2u * KVL_MAX_DIM];
/* Skeleton bytes of a LATTICE chunk (mean: dim values, basis: rank x dim),
 * arbitrary, each in a buffer of its own. */
static uint8_t skel_mean[2u * KVL_LATTICE_MAX_DIM];
static uint8_t skel_basis[2u * KVL_LATTICE_MAX_DIM * KVL_MAX_RANK];

void eva_records(void)
{
    size_t size = (size_t)Frama_C_interval(0, KVL_EVA_MAX);
    uint32_t dim = Frama_C_unsigned_int_interval(1, KVL_MAX_DIM);
    uint32_t rank = Frama_C_unsigned_int_interval(0, KVL_MAX_RANK);
    uint32_t has_mean = Frama_C_unsigned_int_interval(0, 1);
    uint32_t dt = Frama_C_unsigned_int_interval(KVL_DTYPE_F32, KVL_DTYPE_BF16);
    const uint8_t *mean;
    kvl_chunk_params p;
    kvl_layout L;
    Frama_C_make_unknown((char *)stream, KVL_EVA_MAX);
    Frama_C_make_unknown((char *)skel_mean, sizeof skel_mean);
    Frama_C_make_unknown((char *)skel_basis, sizeof skel_basis);
    Frama_C_make_unknown((char *)&p, sizeof p);

    /* any parameters: the layout of every accepted combination */
    if (kvl_layout_make(dim, &p, rank, has_mean, &L) != KVL_OK)
        return;
    L.skel_dtype = Frama_C_interval(0, 1) ? KVL_DTYPE_BF16 : KVL_DTYPE_F16;
    mean = L.has_mean ? skel_mean : 0;
    /* one record, then two (record 1 at offset record_bytes: the batch loop);
     * the tests compare record_bytes itself with the size, which an interval
     * analysis can use (it would not reduce record_bytes from 2 * it <= size) */
    if (L.record_bytes <= size) {
        (void)kvl_ref_decode_records(&L, mean, skel_basis, stream, 1u, dt, out_f32);
        (void)kvl_ref_validate_records(&L, mean, skel_basis, stream, 1u);
        if (L.record_bytes <= size / 2u) {
            (void)kvl_ref_decode_records(&L, mean, skel_basis, stream, 2u, dt, out_f32);
            (void)kvl_ref_validate_records(&L, mean, skel_basis, stream, 2u);
        }
    }
}

void eva_sections(void)
{
    size_t size = (size_t)Frama_C_interval(0, KVL_EVA_MAX);
    uint32_t type, flags, body_len;
    kvl_chunk_view view;
    /* a bigger dim needs records longer than the buffer: rejected early */
    uint32_t dim = Frama_C_unsigned_int_interval(1, KVL_LATTICE_MAX_DIM);
    Frama_C_make_unknown((char *)stream, KVL_EVA_MAX);

    (void)kvl_section_parse(stream, size, &type, &flags, &body_len);
    if (kvl_chunk_parse(stream, size, dim, &view) == KVL_OK) {
        uint32_t vi = Frama_C_unsigned_int_interval(0, KVL_MAX_CHUNK_LEN);
        kvl_dtype dt = (kvl_dtype)Frama_C_interval(0, 4); /* 3, 4: invalid */
        (void)kvl_chunk_decode_vector(&view, vi, dt, out_f32, sizeof out_f32);
        /* KVL_ERR_BUFFER when n x dim does not fit out_f32 */
        (void)kvl_chunk_decode(&view, dt, out_f32, sizeof out_f32);
        (void)kvl_chunk_validate(&view);
    }
}

void eva_stream(void)
{
    size_t size = (size_t)Frama_C_interval(0, KVL_EVA_MAX);
    kvl_stream_summary sum;
    kvl_reader r;
    kvl_event ev;
    int i;
    Frama_C_make_unknown((char *)stream, KVL_EVA_MAX);

    /* whole-stream verification (what `kvl verify` runs) */
    (void)kvl_verify(stream, size, &sum);

    /* the sequential reader, five events, and the first vector of each chunk */
    if (kvl_reader_init(&r, stream, size) == KVL_OK) {
        for (i = 0; i < 5; i++) {
            if (kvl_reader_next(&r, &ev) != KVL_OK || ev.kind == KVL_EVENT_END)
                break;
            if (ev.kind == KVL_EVENT_CHUNK)
                (void)kvl_chunk_decode_vector(&ev.chunk, 0, KVL_DTYPE_F32, out_f32,
                                              sizeof out_f32);
        }
    }
}
#endif
