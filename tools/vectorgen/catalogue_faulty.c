/* catalogue_faulty.c -- the faulty/ group: streams a decoder must reject and
 * encoder inputs an encoder must reject, each with the error class of the
 * first failing check (spec §9.2, §9.3). Decoder cases start from a valid
 * stream, change one thing and, unless the case is about a CRC, recompute the
 * CRCs so that the change itself is what fails. vg_emit() checks every claim
 * against the reference (decoder and kvl_verify). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "stream_edit.h"
#include "vg.h"

enum { B_LATTICE, B_FP8, B_FP8_SPLIT, B_RAW_F16, B_E8 };

/* A faulty decoder case built on a valid base stream. */
static vg_case *fcase(const char *name, const char *profile, const char *desc, int base)
{
    vg_case *c = vg_begin("faulty", name, profile, desc);
    kvl_chunk_params p;
    int t;
    switch (base) {
    case B_FP8:
    case B_FP8_SPLIT:
        p = vg_fp8(64, base == B_FP8 ? KVL_FP8_SCALE_F32 : KVL_FP8_SCALE_F16, base == B_FP8_SPLIT);
        t = vg_tensor(c, base == B_FP8 ? 128 : 192, 4, 6, KVL_DTYPE_F32, &p, "v");
        break;
    case B_RAW_F16:
        p = vg_raw(KVL_DTYPE_F16);
        t = vg_tensor(c, 16, 2, 3, KVL_DTYPE_F32, &p, "r");
        break;
    case B_E8:
        p = vg_lat(KVL_LATTICE_E8, 10, 0, KVL_SKELETON_MEAN, 0);
        t = vg_tensor(c, 64, 4, 6, KVL_DTYPE_F32, &p, "e");
        break;
    default: /* D4 Q 10, K 2, mean + rank-1 basis: every LATTICE field present */
        p = vg_lat(KVL_LATTICE_D4, 10, 2, KVL_SKELETON_PCA, 1);
        t = vg_tensor(c, 64, 4, 6, KVL_DTYPE_F32, &p, "k");
        break;
    }
    vg_fill_gen(c, t, KVL_GEN_HEAVY, 7000u + (uint64_t)base, 1.0f);
    if (vg_encode(c) != KVL_OK)
        vg_die("base stream does not encode");
    vg_decoder_only(c);
    return c;
}

static void done(vg_case *c, int cls, const char *flag, const char *spec)
{
    vg_flags(c, flag, (const char *)NULL);
    vg_spec(c, spec, "9.2", (const char *)NULL);
    vg_expect_decode(c, cls);
    vg_emit(c);
}

/* A body field of the occ-th section of `type` set to v, CRCs recomputed. */
static void field_case(const char *name, const char *desc, int base, uint32_t type, int occ, size_t at,
                       unsigned width, uint64_t v, int cls, const char *flag, const char *spec)
{
    vg_case *c = fcase(name, base == B_LATTICE || base == B_E8 ? "lattice-d4" : base == B_RAW_F16 ? "raw" : "fp8",
                       desc, base);
    if (base == B_E8)
        c->profile = "lattice-e8";
    se_put(c, se_section(c, type, occ) + 12 + at, width, v);
    se_reseal(c);
    done(c, cls, flag, spec);
}

/* ---- file header and framing ---------------------------------------------- */

static void header_cases(void)
{
    static const uint8_t magic_png[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    vg_case *c;
    uint8_t sec[64];
    size_t n;

    c = fcase("truncated-empty", "container", "the empty stream", B_LATTICE);
    se_truncate(c, 0);
    done(c, KVL_ERR_TRUNCATED, "truncated", "4.1");
    c = fcase("truncated-in-magic", "container", "5 bytes: a correct magic prefix", B_LATTICE);
    se_truncate(c, 5);
    done(c, KVL_ERR_TRUNCATED, "truncated", "4.1");
    c = fcase("truncated-in-header", "container", "14 bytes: magic, version, part of the header", B_LATTICE);
    se_truncate(c, 14);
    done(c, KVL_ERR_TRUNCATED, "truncated", "4.1");
    c = fcase("truncated-header-only", "container", "the 20-byte header and nothing else (no FEND)", B_LATTICE);
    se_truncate(c, 20);
    done(c, KVL_ERR_TRUNCATED, "truncated", "4.5");
    c = fcase("truncated-in-framing", "container", "a section with fewer than 12 framing bytes", B_LATTICE);
    se_truncate(c, 20 + 10);
    done(c, KVL_ERR_TRUNCATED, "truncated", "4.2");
    c = fcase("truncated-in-chunk", "container", "the stream ends inside the second chunk's records", B_LATTICE);
    se_truncate(c, se_section(c, SE_CHNK, 1) + 40);
    done(c, KVL_ERR_TRUNCATED, "truncated", "4.2");
    c = fcase("truncated-no-fend", "container", "the stream ends after TEND: FEND is missing", B_LATTICE);
    se_truncate(c, se_section(c, SE_FEND, 0));
    done(c, KVL_ERR_TRUNCATED, "truncated", "4.5");
    c = fcase("truncated-body-len", "container", "a CHNK body_len larger than the rest of the stream", B_LATTICE);
    se_put(c, se_section(c, SE_CHNK, 1) + 8, 4, 0x10000);
    done(c, KVL_ERR_TRUNCATED, "truncated", "4.2");
    c = fcase("truncated-header-bytes", "container", "minor 1 with header_bytes 64 beyond the end of a short stream", B_LATTICE);
    se_put(c, 9, 1, 1);
    se_put(c, 10, 2, 64);
    se_truncate(c, 40);
    done(c, KVL_ERR_TRUNCATED, "truncated", "4.1");

    c = fcase("magic-png", "container", "the PNG signature", B_LATTICE);
    memcpy(c->stream, magic_png, 8);
    done(c, KVL_ERR_MAGIC, "magic", "4.1");
    c = fcase("magic-short-mismatch", "container", "4 bytes that are not a magic prefix", B_LATTICE);
    c->stream[1] = 'k';
    se_truncate(c, 4);
    done(c, KVL_ERR_MAGIC, "magic", "4.1");
    c = fcase("magic-newline-converted", "container", "CR LF converted to LF by a text-mode transfer", B_LATTICE);
    se_delete(c, 4, 1);
    done(c, KVL_ERR_MAGIC, "magic", "4.1");
    c = fcase("magic-7bit", "container", "the high bit of byte 0 cleared by a 7-bit transfer", B_LATTICE);
    c->stream[0] = 0x09;
    done(c, KVL_ERR_MAGIC, "magic", "4.1");

    c = fcase("version-major-2", "container", "major version 2 (CRC correct)", B_LATTICE);
    se_put(c, 8, 1, 2);
    se_reseal(c);
    done(c, KVL_ERR_VERSION, "version", "4.1");
    c = fcase("version-major-0", "container", "major version 0 (checked before the CRC)", B_LATTICE);
    se_put(c, 8, 1, 0);
    done(c, KVL_ERR_VERSION, "version", "4.1");

    c = fcase("field-header-bytes-minor0", "container", "minor 0 with header_bytes 24", B_LATTICE);
    se_put(c, 10, 2, 24);
    se_reseal(c);
    done(c, KVL_ERR_FIELD, "field", "4.1");
    c = fcase("field-header-bytes-19", "container", "minor 1 with header_bytes 19 < 20", B_LATTICE);
    se_put(c, 9, 1, 1);
    se_put(c, 10, 2, 19);
    done(c, KVL_ERR_FIELD, "field", "4.1");

    c = fcase("crc-header", "container", "one bit of the header CRC flipped", B_LATTICE);
    c->stream[17] ^= 0x10;
    done(c, KVL_ERR_CRC, "crc", "4.1");
    c = fcase("crc-tens", "container", "a TENS name byte changed, CRC not updated", B_LATTICE);
    c->stream[se_section(c, SE_TENS, 0) + 12 + 24] ^= 0x01;
    done(c, KVL_ERR_CRC, "crc", "4.2");
    c = fcase("crc-chunk-record", "lattice-d4", "one record bit flipped, CRC not updated", B_LATTICE);
    c->stream[se_section(c, SE_CHNK, 0) + 200] ^= 0x04;
    done(c, KVL_ERR_CRC, "crc", "4.2");
    c = fcase("crc-tend", "container", "TEND CRC damaged", B_LATTICE);
    c->stream[se_section(c, SE_TEND, 0) + 12 + 16] ^= 0x80;
    done(c, KVL_ERR_CRC, "crc", "4.2");
    c = fcase("crc-fend", "container", "FEND CRC damaged", B_LATTICE);
    c->stream[c->stream_len - 1] ^= 0x01;
    done(c, KVL_ERR_CRC, "crc", "4.2");
    c = fcase("crc-ancillary", "container", "an ancillary section with a bad CRC: skipped sections are still checked", B_LATTICE);
    n = se_make_section(sec, 0x41525458u /* "XTRA" */, 1, (const uint8_t *)"hello", 5);
    sec[n - 1] ^= 0xFF;
    se_insert(c, 20, sec, n);
    done(c, KVL_ERR_CRC, "crc", "4.2");

    c = fcase("reserved-header-flags", "container", "header flags = 1", B_LATTICE);
    se_put(c, 12, 4, 1);
    se_reseal(c);
    done(c, KVL_ERR_RESERVED, "reserved", "4.1");
    c = fcase("reserved-section-flags", "container", "TENS flags bit 1 set", B_LATTICE);
    se_put(c, se_section(c, SE_TENS, 0) + 4, 4, 2);
    se_reseal(c);
    done(c, KVL_ERR_RESERVED, "reserved", "4.2");
    c = fcase("field-critical-ancillary", "container", "CHNK marked ANCILLARY: known types must have flags 0", B_LATTICE);
    se_put(c, se_section(c, SE_CHNK, 0) + 4, 4, 1);
    se_reseal(c);
    done(c, KVL_ERR_FIELD, "field", "4.2");

    c = fcase("unsupported-critical-between", "container", "an unknown critical section between header and TENS", B_LATTICE);
    n = se_make_section(sec, 0x41525458u, 0, (const uint8_t *)"data", 4);
    se_insert(c, 20, sec, n);
    done(c, KVL_ERR_UNSUPPORTED, "unsupported", "4.2");
    c = fcase("unsupported-critical-in-tensor", "container", "an unknown critical section between two chunks", B_LATTICE);
    n = se_make_section(sec, 0x5A5A5A5Au, 0, NULL, 0);
    se_insert(c, se_section(c, SE_CHNK, 1), sec, n);
    done(c, KVL_ERR_UNSUPPORTED, "unsupported", "4.2");
}

/* ---- grammar and TENS / TEND / FEND ------------------------------------------ */

static void structure_cases(void)
{
    vg_case *c;
    size_t a, b;
    field_case("field-tens-index", "TENS tensor_index 1 for the first tensor", B_LATTICE, SE_TENS, 0, 0, 4, 1,
               KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tens-dim-0", "TENS dim 0", B_LATTICE, SE_TENS, 0, 4, 4, 0, KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tens-dim-65537", "TENS dim 65537", B_LATTICE, SE_TENS, 0, 4, 4, 65537, KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tens-chunk-len-0", "TENS chunk_len 0", B_LATTICE, SE_TENS, 0, 8, 4, 0, KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tens-chunk-len-big", "TENS chunk_len 2^20 + 1", B_LATTICE, SE_TENS, 0, 8, 4, (1u << 20) + 1u,
               KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tens-role", "TENS role 4", B_LATTICE, SE_TENS, 0, 12, 1, 4, KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tens-src-dtype", "TENS src_dtype 3", B_LATTICE, SE_TENS, 0, 13, 1, 3, KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tens-name-len", "TENS name_len 1025", B_LATTICE, SE_TENS, 0, 14, 2, 1025, KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tens-layer", "TENS layer -2", B_LATTICE, SE_TENS, 0, 16, 4, 0xFFFFFFFEu, KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tens-head", "TENS head -5", B_LATTICE, SE_TENS, 0, 20, 4, 0xFFFFFFFBu, KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tens-body-len", "TENS name_len 0 but a 1-byte name in the body", B_LATTICE, SE_TENS, 0, 14, 2, 0,
               KVL_ERR_FIELD, "field", "4.3");
    field_case("field-tend-index", "TEND tensor_index 1", B_LATTICE, SE_TEND, 0, 0, 4, 1, KVL_ERR_FIELD, "field", "4.4");
    field_case("field-tend-n-chunks", "TEND n_chunks 3 for 2 chunks", B_LATTICE, SE_TEND, 0, 4, 4, 3, KVL_ERR_FIELD, "field", "4.4");
    field_case("field-tend-n-vectors", "TEND n_vectors 7 for 6 vectors", B_LATTICE, SE_TEND, 0, 8, 8, 7, KVL_ERR_FIELD, "field", "4.4");
    field_case("field-fend-n-tensors", "FEND n_tensors 2 for one tensor", B_LATTICE, SE_FEND, 0, 0, 4, 2, KVL_ERR_FIELD, "field", "4.5");

    c = fcase("field-trailing-bytes", "container", "one byte after FEND", B_LATTICE);
    se_insert(c, c->stream_len, (const uint8_t *)"\0", 1);
    done(c, KVL_ERR_FIELD, "field", "4.5");
    c = fcase("grammar-chunk-outside-tensor", "container", "TENS removed: a CHNK between tensors", B_LATTICE);
    a = se_section(c, SE_TENS, 0);
    se_delete(c, a, 16u + se_body_len(c, a));
    done(c, KVL_ERR_FIELD, "grammar", "4.6");
    c = fcase("grammar-fend-inside-tensor", "container", "TEND removed: FEND inside a tensor", B_LATTICE);
    a = se_section(c, SE_TEND, 0);
    se_delete(c, a, 16u + se_body_len(c, a));
    done(c, KVL_ERR_FIELD, "grammar", "4.6");
    c = fcase("grammar-chunk-after-partial", "container", "chunks swapped: a full chunk after the partial one", B_LATTICE);
    a = se_section(c, SE_CHNK, 0);
    b = se_section(c, SE_CHNK, 1);
    {
        uint8_t tmp[4096];
        size_t la = b - a, lb = 16u + se_body_len(c, b);
        if (la > sizeof tmp)
            vg_die("chunk too large");
        memcpy(tmp, c->stream + a, la);
        memmove(c->stream + a, c->stream + b, lb);
        memcpy(c->stream + a + lb, tmp, la);
        /* chunk indices follow the new order, so only the partial-chunk rule fails */
        se_put(c, a + 12, 4, 0);
        se_put(c, a + lb + 12, 4, 1);
        se_reseal(c);
    }
    done(c, KVL_ERR_FIELD, "grammar", "4.6");
    c = fcase("grammar-nested-tens", "container", "a second TENS inside the open tensor", B_LATTICE);
    a = se_section(c, SE_TENS, 0);
    {
        uint8_t tmp[2048];
        size_t la = 16u + se_body_len(c, a);
        memcpy(tmp, c->stream + a, la);
        se_insert(c, se_section(c, SE_CHNK, 1), tmp, la);
    }
    done(c, KVL_ERR_FIELD, "grammar", "4.6");
}

/* ---- chunk header --------------------------------------------------------- */

static void chunk_cases(void)
{
    vg_case *c;
    size_t s;
    field_case("field-chunk-index", "chunk_index 5 for the second chunk", B_LATTICE, SE_CHNK, 1, 0, 4, 5, KVL_ERR_FIELD, "field", "5.1");
    field_case("field-chunk-n-zero", "n_vectors 0", B_LATTICE, SE_CHNK, 0, 4, 4, 0, KVL_ERR_FIELD, "field", "5.1");
    field_case("field-mode-3", "mode 3", B_LATTICE, SE_CHNK, 0, 12, 1, 3, KVL_ERR_FIELD, "field", "5.1");
    field_case("reserved-chunk-byte-13", "chunk header byte 13 = 1", B_LATTICE, SE_CHNK, 0, 13, 1, 1, KVL_ERR_RESERVED, "reserved", "5.1");
    field_case("reserved-lattice-params", "LATTICE parameter byte 22 = 1", B_LATTICE, SE_CHNK, 0, 22, 1, 1, KVL_ERR_RESERVED, "reserved", "5.2");
    field_case("reserved-skel-flags", "skel_flags bit 3 set", B_LATTICE, SE_CHNK, 0, 20, 1, 0x08 | 0x03, KVL_ERR_RESERVED, "reserved", "5.2");
    field_case("reserved-fp8-params", "FP8 parameter byte 19 = 1", B_FP8, SE_CHNK, 0, 19, 1, 1, KVL_ERR_RESERVED, "reserved", "5.2");
    field_case("reserved-raw-params", "RAW parameter byte 17 = 1", B_RAW_F16, SE_CHNK, 0, 17, 1, 1, KVL_ERR_RESERVED, "reserved", "5.2");
    field_case("field-lattice-id-2", "lattice id 2", B_LATTICE, SE_CHNK, 0, 16, 1, 2, KVL_ERR_FIELD, "field", "5.2");
    field_case("field-lattice-q-0", "Q 0", B_LATTICE, SE_CHNK, 0, 18, 2, 0, KVL_ERR_FIELD, "field", "5.2");
    field_case("field-lattice-d4-q-4096", "D4 Q 4096", B_LATTICE, SE_CHNK, 0, 18, 2, 4096, KVL_ERR_FIELD, "field", "5.2");
    field_case("field-lattice-e8-q-128", "E8 Q 128", B_E8, SE_CHNK, 0, 18, 2, 128, KVL_ERR_FIELD, "field", "5.2");
    field_case("field-lattice-k-above-d4", "K 17 > D/4 = 16", B_LATTICE, SE_CHNK, 0, 17, 1, 17, KVL_ERR_FIELD, "field", "5.2");
    field_case("field-lattice-basis-flag", "rank 1 without the basis flag", B_LATTICE, SE_CHNK, 0, 20, 1, 0x01, KVL_ERR_FIELD, "field", "5.2");
    field_case("field-lattice-bf16-flag-alone", "skeleton dtype bit without mean or basis", B_E8, SE_CHNK, 0, 20, 1, 0x04, KVL_ERR_FIELD, "field", "5.2");
    field_case("field-fp8-block-log2", "FP8 block_log2 4", B_FP8, SE_CHNK, 0, 16, 1, 4, KVL_ERR_FIELD, "field", "5.2");
    field_case("field-fp8-scale-format", "FP8 scale_format 3", B_FP8, SE_CHNK, 0, 17, 1, 3, KVL_ERR_FIELD, "field", "5.2");
    field_case("field-raw-dtype", "RAW raw_dtype 3", B_RAW_F16, SE_CHNK, 0, 16, 1, 3, KVL_ERR_FIELD, "field", "5.2");

    c = fcase("field-chunk-n-above-chunk-len", "raw",
              "n_vectors 3 with chunk_len 2, body_len and records consistent with 3: n > chunk_len", B_RAW_F16);
    s = se_section(c, SE_CHNK, 0);
    {
        uint8_t zero[32];
        memset(zero, 0, sizeof zero);
        se_put(c, s + 12 + 4, 4, 3);
        se_insert(c, s + 12 + se_body_len(c, s), zero, 32); /* one more f16 record of D = 16 */
        se_put(c, s + 8, 4, se_body_len(c, s) + 32u);
        se_reseal(c);
    }
    done(c, KVL_ERR_FIELD, "field", "4.6");

    c = fcase("field-record-bytes", "lattice-d4", "record_bytes one more than §5.3 (body_len adjusted to match)", B_LATTICE);
    s = se_section(c, SE_CHNK, 1);
    {
        /* record_bytes + 1, and n more body bytes so that body_len matches;
         * the record_bytes check (§9.2 chunk header 6) fails first */
        uint32_t rb = (uint32_t)se_get(c, s + 12 + 8, 4), nv = (uint32_t)se_get(c, s + 12 + 4, 4);
        uint8_t zero[16];
        memset(zero, 0, sizeof zero);
        se_put(c, s + 12 + 8, 4, rb + 1u);
        se_insert(c, s + 12 + se_body_len(c, s), zero, nv);
        se_put(c, s + 8, 4, se_body_len(c, s) + nv);
        se_reseal(c);
    }
    done(c, KVL_ERR_FIELD, "field", "5.3");

    c = fcase("field-fp8-block-not-dividing", "fp8", "FP8 block 128 without split at D = 192: D_fp8 mod B != 0", B_FP8_SPLIT);
    s = se_section(c, SE_CHNK, 0);
    se_put(c, s + 12 + 16, 1, 7);
    se_put(c, s + 12 + 18, 1, 0);
    se_reseal(c);
    done(c, KVL_ERR_FIELD, "field", "5.2");

    c = fcase("field-chunk-body-len", "lattice-d4", "body_len one byte longer than 24 + S + n * record_bytes", B_LATTICE);
    s = se_section(c, SE_CHNK, 1);
    se_put(c, s + 8, 4, se_body_len(c, s) + 1u);
    se_insert(c, s + 12 + se_body_len(c, s) - 1u, (const uint8_t *)"\0", 1);
    se_reseal(c);
    done(c, KVL_ERR_FIELD, "field", "5.1");

    c = fcase("field-skeleton-mean-inf", "lattice-d4", "a stored mean value is +Inf (f16 0x7C00)", B_LATTICE);
    s = se_section(c, SE_CHNK, 0);
    se_put(c, s + 12 + 24 + 2 * 5, 2, 0x7C00);
    se_reseal(c);
    done(c, KVL_ERR_FIELD, "field", "7.3");
    c = fcase("field-skeleton-basis-nan", "lattice-d4", "a stored basis value is NaN", B_LATTICE);
    s = se_section(c, SE_CHNK, 1);
    se_put(c, s + 12 + 24 + 2 * 64 + 2 * 7, 2, 0x7E01);
    se_reseal(c);
    done(c, KVL_ERR_FIELD, "field", "7.3");
}

/* Chunk n_vectors boundary at 2^32 - 1 body bytes: RAW f32, D = 1024. */
static void overflow_cases(void)
{
    vg_case *c;
    size_t s;
    uint32_t nvec;
    for (nvec = (1u << 20) - 1u; nvec <= (1u << 20); nvec++) {
        int over = nvec == (1u << 20);
        kvl_chunk_params p = vg_raw(KVL_DTYPE_F32);
        c = vg_begin("faulty", over ? "overflow-chunk-body" : "field-chunk-body-near-overflow", "raw",
                     over ? "RAW f32 D = 1024, n_vectors = 2^20: 24 + 2^20 * 4096 > 2^32 - 1 bytes: OVERFLOW"
                          : "RAW f32 D = 1024, n_vectors = 2^20 - 1 fits in 32 bits; body_len does not match: FIELD");
        /* the encoder refuses such a chunk_len (OVERFLOW), so write chunk_len 1 and patch it */
        vg_tensor(c, 1024, 1, 1, KVL_DTYPE_F32, &p, NULL);
        if (vg_encode(c) != KVL_OK)
            vg_die("overflow base");
        vg_decoder_only(c);
        se_put(c, se_section(c, SE_TENS, 0) + 12 + 8, 4, 1u << 20);
        s = se_section(c, SE_CHNK, 0);
        se_put(c, s + 12 + 4, 4, nvec);
        se_reseal(c);
        done(c, over ? KVL_ERR_OVERFLOW : KVL_ERR_FIELD, over ? "overflow" : "field", "5.1");
    }
}

/* ---- records ----------------------------------------------------------------- */

static void record_cases(void)
{
    kvl_chunk_view v;
    kvl_layout L;
    size_t rec;
    vg_case *c;
    uint64_t idx_bit;

    /* LATTICE record fields (base: D 64, K 2, r 1): scale 32 bits, coef 16,
     * 2 slots of 6 + 16 bits, 16 blocks of `width` bits, padding. */
#define LAT_CASE(nm, desc, cls, flag, spec, EDIT)                                                                     \
    do {                                                                                                              \
        c = fcase(nm, "lattice-d4", desc, B_LATTICE);                                                                 \
        se_chunk(c, 0, &v, &L, &rec);                                                                                 \
        rec += (size_t)L.record_bytes; /* vector 1 */                                                                 \
        EDIT;                                                                                                         \
        se_reseal(c);                                                                                                 \
        done(c, cls, flag, spec);                                                                                     \
    } while (0)

    LAT_CASE("field-lattice-scale-negative", "record scale with the sign bit set", KVL_ERR_FIELD, "field", "7.7",
             se_put_bits(c, rec, 31, 1, 1));
    LAT_CASE("field-lattice-scale-inf", "record scale +Inf", KVL_ERR_FIELD, "field", "7.7",
             se_put_bits(c, rec, 0, 32, 0x7F800000u));
    LAT_CASE("field-lattice-coef-inf", "basis coefficient +Inf", KVL_ERR_FIELD, "field", "7.7",
             se_put_bits(c, rec, 32, 16, 0x7C00u));
    idx_bit = 32u + 16u;
    LAT_CASE("canonical-slot-empty-index", "an empty slot (correction 0) with a non-zero index", KVL_ERR_FIELD, "canonical", "8",
             (se_put_bits(c, rec, idx_bit + 22, 6, 9), se_put_bits(c, rec, idx_bit + 22 + 6, 16, 0)));
    LAT_CASE("canonical-slot-used-after-empty", "slot 0 empty, slot 1 used", KVL_ERR_FIELD, "canonical", "8",
             (se_put_bits(c, rec, idx_bit, 22, 0), se_put_bits(c, rec, idx_bit + 22, 6, 3),
              se_put_bits(c, rec, idx_bit + 28, 16, 5)));
    LAT_CASE("canonical-slot-minus-32768", "a correction of -32768", KVL_ERR_FIELD, "canonical", "8",
             (se_put_bits(c, rec, idx_bit, 6, 1), se_put_bits(c, rec, idx_bit + 6, 16, 0x8000u)));
    LAT_CASE("canonical-slot-order", "slot indices not strictly increasing (7 then 7)", KVL_ERR_FIELD, "canonical", "8",
             (se_put_bits(c, rec, idx_bit, 6, 7), se_put_bits(c, rec, idx_bit + 6, 16, 1),
              se_put_bits(c, rec, idx_bit + 22, 6, 7), se_put_bits(c, rec, idx_bit + 28, 16, 2)));
    LAT_CASE("index-d4-block", "a D4 block index >= the codebook count (all ones)", KVL_ERR_INDEX, "index", "7.6",
             se_put_bits(c, rec, idx_bit + 44 + 3u * L.lat.width, L.lat.width, (1u << L.lat.width) - 1u));
    LAT_CASE("index-d4-equal-count", "a D4 block index equal to the codebook count (the first invalid index)", KVL_ERR_INDEX,
             "index", "7.6", se_put_bits(c, rec, idx_bit + 44 + 5u * L.lat.width, L.lat.width, L.lat.count));
    LAT_CASE("reserved-lattice-padding", "a padding bit after the last block index set", KVL_ERR_RESERVED, "reserved", "7.7",
             se_put_bits(c, rec, (uint64_t)L.record_bytes * 8u - 1u, 1, 1));
#undef LAT_CASE
    if (L.record_bits == L.record_bytes * 8u)
        vg_die("base LATTICE record has no padding");

    c = fcase("index-e8-block", "lattice-e8", "an E8 block index >= the codebook count", B_E8);
    se_chunk(c, 0, &v, &L, &rec);
    se_put_bits(c, rec, 32, L.lat.width, (UINT64_C(1) << L.lat.width) - 1u);
    se_reseal(c);
    done(c, KVL_ERR_INDEX, "index", "7.6");
    c = fcase("index-e8-equal-count", "lattice-e8", "an E8 block index equal to the codebook count", B_E8);
    se_chunk(c, 1, &v, &L, &rec);
    se_put_bits(c, rec, 32u + 2u * L.lat.width, L.lat.width, L.lat.count);
    se_reseal(c);
    done(c, KVL_ERR_INDEX, "index", "7.6");

#define FP8_CASE(nm, desc, base, EDIT)                                                                                \
    do {                                                                                                              \
        c = fcase(nm, "fp8", desc, base);                                                                             \
        se_chunk(c, 1, &v, &L, &rec);                                                                                 \
        EDIT;                                                                                                         \
        se_reseal(c);                                                                                                 \
        done(c, KVL_ERR_FIELD, "field", "6.2");                                                                       \
    } while (0)
    FP8_CASE("field-fp8-nan-code", "an E4M3 code 0x7F (NaN)", B_FP8, se_put(c, rec + 2u * 4u + 5u, 1, 0x7F));
    FP8_CASE("field-fp8-negative-nan-code", "an E4M3 code 0xFF (NaN)", B_FP8, se_put(c, rec + 2u * 4u + 70u, 1, 0xFF));
    FP8_CASE("field-fp8-f32-scale-negative", "an F32 block scale with the sign bit set", B_FP8, se_put(c, rec + 3u, 1, 0xBF));
    FP8_CASE("field-fp8-f16-scale-inf", "an F16 block scale of +Inf", B_FP8_SPLIT, se_put(c, rec + 2u, 2, 0x7C00));
    FP8_CASE("field-fp8-split-tail-inf", "a bf16 tail value of -Inf (split-rope)", B_FP8_SPLIT,
             se_put(c, rec + 2u * 2u + 128u + 2u * 10u, 2, 0xFF80));
#undef FP8_CASE
    c = fcase("field-raw-f16-inf", "raw", "a stored RAW f16 value of +Inf", B_RAW_F16);
    se_chunk(c, 1, &v, &L, &rec);
    se_put(c, rec + 2u * 3u, 2, 0x7C00);
    se_reseal(c);
    done(c, KVL_ERR_FIELD, "field", "6.1");
}

/* ---- encoder errors (spec §9.3) ------------------------------------------------ */

static void encoder_case(const char *name, const char *profile, const char *desc, uint32_t dim, uint32_t chunk,
                         uint32_t n, kvl_chunk_params p, int in_dtype, int cls, const char *flag, const char *spec,
                         int poison, float poison_value, float scale)
{
    vg_case *c = vg_begin("faulty", name, profile, desc);
    int t = vg_tensor(c, dim, chunk, n, in_dtype, &p, NULL);
    if (n) {
        float *x = (float *)calloc((size_t)n * dim, sizeof *x);
        size_t i;
        if (!x)
            vg_die("oom");
        if (kvl_gen_fill(KVL_GEN_GAUSS, 7100, dim, 0, n, x))
            vg_die("gen");
        for (i = 0; i < (size_t)n * dim; i++)
            x[i] *= scale;
        if (poison >= 0)
            x[poison] = poison_value;
        vg_fill_f32(c, t, x);
        free(x);
    }
    vg_flags(c, flag, (const char *)NULL);
    vg_spec(c, spec, "9.3", (const char *)NULL);
    vg_expect_encode(c, cls);
    vg_emit(c);
}

static void encoder_cases(void)
{
    const float inf = kvl_bits_to_f32(0x7F800000u), nan = kvl_bits_to_f32(0x7FC00000u);
    encoder_case("nonfinite-lattice-nan", "lattice-d4", "a NaN in the second chunk of a LATTICE tensor", 64, 4, 6,
                 vg_lat(0, 38, 0, 0, 0), KVL_DTYPE_F32, KVL_ERR_NONFINITE, "nonfinite", "10.1", 64 * 4 + 3, nan, 1.0f);
    encoder_case("nonfinite-fp8-inf", "fp8", "+Inf in an FP8 tensor", 128, 4, 2, vg_fp8(64, 0, 0), KVL_DTYPE_F32,
                 KVL_ERR_NONFINITE, "nonfinite", "10.1", 7, inf, 1.0f);
    encoder_case("nonfinite-raw-minus-inf", "raw", "-Inf in a RAW f32 tensor (f32 storage would keep it)", 16, 2, 2,
                 vg_raw(KVL_DTYPE_F32), KVL_DTYPE_F32, KVL_ERR_NONFINITE, "nonfinite", "10.1", 20, -inf, 1.0f);
    encoder_case("range-raw-f16-overflow", "raw", "70000 stored as RAW f16 rounds to Inf", 16, 2, 2, vg_raw(KVL_DTYPE_F16),
                 KVL_DTYPE_F32, KVL_ERR_RANGE, "range", "6.1", 5, 70000.0f, 1.0f);
    encoder_case("range-fp8-f16-scale", "fp8", "amax 3e7: the F16 block scale amax/448 exceeds 65504", 64, 1, 1,
                 vg_fp8(64, KVL_FP8_SCALE_F16, 0), KVL_DTYPE_F32, KVL_ERR_RANGE, "range", "6.3", 9, 3.0e7f, 1.0f);
    encoder_case("range-fp8-split-tail", "fp8", "a split-rope tail value of 3.4e38 rounds to bf16 Inf", 128, 1, 1,
                 vg_fp8(64, 0, 1), KVL_DTYPE_F32, KVL_ERR_RANGE, "range", "6.2", 100, 3.4e38f, 1.0f);
    encoder_case("range-lattice-wht-overflow", "lattice-d4", "values 1e38: the binary32 WHT overflows", 64, 1, 1,
                 vg_lat(0, 10, 0, 0, 0), KVL_DTYPE_F32, KVL_ERR_RANGE, "range", "10.4.2", -1, 0.0f, 1.0e38f);
    encoder_case("arg-lattice-d576", "lattice-d4", "LATTICE with D = 576 (not a power of two)", 576, 1, 1,
                 vg_lat(0, 10, 0, 0, 0), KVL_DTYPE_F32, KVL_ERR_ARG, "arg", "3", -1, 0.0f, 1.0f);
    encoder_case("arg-e8-q152", "lattice-e8", "E8 with Q = 152 (published for D4 only; E8 max is 127)", 128, 1, 1,
                 vg_lat(1, 152, 0, 0, 0), KVL_DTYPE_F32, KVL_ERR_ARG, "arg", "3", -1, 0.0f, 1.0f);
    encoder_case("arg-d4-q4096", "lattice-d4", "D4 with Q = 4096", 64, 1, 1, vg_lat(0, 4096, 0, 0, 0), KVL_DTYPE_F32,
                 KVL_ERR_ARG, "arg", "3", -1, 0.0f, 1.0f);
    encoder_case("arg-q0", "lattice-d4", "Q = 0", 64, 1, 1, vg_lat(0, 0, 0, 0, 0), KVL_DTYPE_F32, KVL_ERR_ARG, "arg", "3",
                 -1, 0.0f, 1.0f);
    encoder_case("arg-outliers-above-d4", "lattice-d4", "K = 3 > D/4 at D = 8", 8, 1, 1, vg_lat(0, 10, 3, 0, 0),
                 KVL_DTYPE_F32, KVL_ERR_ARG, "arg", "3", -1, 0.0f, 1.0f);
    encoder_case("arg-rank-d", "lattice-d4", "rank 8 = D at D = 8", 8, 8, 8, vg_lat(0, 10, 0, KVL_SKELETON_PCA, 8),
                 KVL_DTYPE_F32, KVL_ERR_ARG, "arg", "3", -1, 0.0f, 1.0f);
    encoder_case("arg-rank-65", "lattice-d4", "rank 65 > 64", 512, 2, 2, vg_lat(0, 10, 0, KVL_SKELETON_PCA, 65),
                 KVL_DTYPE_F32, KVL_ERR_ARG, "arg", "3", -1, 0.0f, 1.0f);
    encoder_case("arg-pca-rank-0", "lattice-d4", "a basis skeleton with rank 0", 64, 2, 2,
                 vg_lat(0, 10, 0, KVL_SKELETON_PCA, 0), KVL_DTYPE_F32, KVL_ERR_ARG, "arg", "10.3", -1, 0.0f, 1.0f);
    encoder_case("arg-fp8-block-16", "fp8", "FP8 block 16", 64, 1, 1, vg_fp8(16, 0, 0), KVL_DTYPE_F32, KVL_ERR_ARG, "arg",
                 "5.2", -1, 0.0f, 1.0f);
    encoder_case("arg-fp8-dim-not-multiple", "fp8", "FP8 block 64 with D = 96", 96, 1, 1, vg_fp8(64, 0, 0), KVL_DTYPE_F32,
                 KVL_ERR_ARG, "arg", "5.2", -1, 0.0f, 1.0f);
    encoder_case("arg-fp8-split-d64", "fp8", "split-rope with D = 64 (requires D > 64)", 64, 1, 1, vg_fp8(32, 0, 1),
                 KVL_DTYPE_F32, KVL_ERR_ARG, "arg", "5.2", -1, 0.0f, 1.0f);
    encoder_case("arg-chunk-len-0", "container", "chunk_len 0", 16, 0, 1, vg_raw(0), KVL_DTYPE_F32, KVL_ERR_ARG, "arg",
                 "4.3", -1, 0.0f, 1.0f);
    encoder_case("arg-dim-0", "container", "dim 0", 0, 1, 0, vg_raw(0), KVL_DTYPE_F32, KVL_ERR_ARG, "arg", "4.3", -1,
                 0.0f, 1.0f);
}

void vg_catalogue_faulty(void)
{
    header_cases();
    structure_cases();
    chunk_cases();
    overflow_cases();
    record_cases();
    encoder_cases();
}
