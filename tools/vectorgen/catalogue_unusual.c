/* catalogue_unusual.c -- the unusual/ group: legal streams that exercise
 * corners a decoder may not expect (spec §4, §5, §7.7). A decoder may refuse
 * them with UNSUPPORTED but must never crash; a decoder that accepts one must
 * produce exactly the expected output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "stream_edit.h"
#include "vg.h"

static vg_case *ucase(const char *name, const char *profile, const char *desc)
{
    vg_case *c = vg_begin("unusual", name, profile, desc);
    c->refusable = 1;
    return c;
}

static void finish(vg_case *c, const char *flag, const char *spec)
{
    vg_flags(c, flag, (const char *)NULL);
    vg_spec(c, spec, (const char *)NULL);
    if (!c->encode_test)
        vg_expect_decode(c, 0);
    vg_emit(c);
}

/* Base: LATTICE D4 D 64 Q 10, 6 vectors in chunks of 4 (+ optional skeleton). */
static int base_lattice(vg_case *c, int skeleton, uint8_t rank)
{
    kvl_chunk_params p = vg_lat(KVL_LATTICE_D4, 10, 2, skeleton, rank);
    int t = vg_tensor(c, 64, 4, 6, KVL_DTYPE_F32, &p, "u");
    vg_fill_gen(c, t, KVL_GEN_QWEN3K, 8000, 1.0f);
    if (vg_encode(c) != KVL_OK)
        vg_die("unusual base does not encode");
    return t;
}

static void encoder_made(void)
{
    vg_case *c;
    kvl_chunk_params p;
    int t;
    char *name;

    c = ucase("empty-stream", "container", "a stream with no tensor: header and FEND only");
    vg_expect_encode(c, 0);
    finish(c, "empty-stream", "4.6");

    c = ucase("long-name-1024", "container", "a tensor name of the maximum 1024 bytes");
    name = (char *)malloc(KVL_MAX_NAME_LEN + 1u);
    if (!name)
        vg_die("oom");
    {
        uint32_t i;
        for (i = 0; i < KVL_MAX_NAME_LEN; i++)
            name[i] = (char)('a' + i % 26u);
        name[KVL_MAX_NAME_LEN] = '\0';
    }
    p = vg_raw(KVL_DTYPE_F16);
    t = vg_tensor(c, 8, 2, 3, KVL_DTYPE_F32, &p, name);
    free(name);
    vg_fill_gen(c, t, KVL_GEN_GAUSS, 8100, 1.0f);
    finish(c, "long-name", "4.3");

    c = ucase("metadata-extremes", "container", "layer and head 2^31 - 1, role other, a UTF-8 name");
    p = vg_raw(KVL_DTYPE_BF16);
    t = vg_tensor(c, 8, 4, 2, KVL_DTYPE_F32, &p, "k\xc3\xa9y/\xe2\x88\x9e");
    c->t[t].role = KVL_ROLE_OTHER;
    c->t[t].layer = 2147483647;
    c->t[t].head = 2147483647;
    vg_fill_gen(c, t, KVL_GEN_GAUSS, 8101, 1.0f);
    finish(c, "metadata", "4.3");

    c = ucase("raw-max-dim-65536", "raw", "RAW bf16 with the largest D = 65536 (one vector of 128 KiB)");
    p = vg_raw(KVL_DTYPE_BF16);
    t = vg_tensor(c, 65536, 1, 1, KVL_DTYPE_BF16, &p, NULL);
    vg_fill_gen(c, t, KVL_GEN_GAUSS, 8102, 1.0f);
    vg_flags(c, "in-bf16", (const char *)NULL);
    finish(c, "max-dim", "3");

    c = ucase("chunk-len-max", "container", "chunk_len 2^20 (the maximum) holding 3 vectors");
    p = vg_raw(KVL_DTYPE_F16);
    t = vg_tensor(c, 8, 1u << 20, 3, KVL_DTYPE_F32, &p, NULL);
    vg_fill_gen(c, t, KVL_GEN_GAUSS, 8103, 1.0f);
    finish(c, "partial-chunk", "4.3");

    c = ucase("lattice-outlier-clamped", "lattice-d4",
              "an outlier 10^6 times the rest: its correction is clamped to 32767 code units (lossy by design, §10.4.4)");
    p = vg_lat(KVL_LATTICE_D4, 2, 1, KVL_SKELETON_NONE, 0);
    t = vg_tensor(c, 16, 2, 2, KVL_DTYPE_F32, &p, NULL);
    {
        float x[32];
        int i;
        /* a constant offset rotates into coordinate 0 alone: y_0 = 16 * 1000 */
        for (i = 0; i < 32; i++)
            x[i] = (i < 16 ? 1000.0f : -1000.0f) + (float)((i * 7) % 5 - 2) * 0.001f;
        vg_fill_f32(c, t, x);
    }
    vg_flags(c, "outliers-full", "crafted", (const char *)NULL);
    finish(c, "box-edge", "8");
}

static void decoder_only(void)
{
    vg_case *c;
    uint8_t sec[64];
    size_t n, s;
    kvl_chunk_view v;
    kvl_layout L;
    size_t rec;

    c = ucase("ancillary-sections", "container", "three unknown ANCILLARY sections (before the tensor, between chunks, "
                                                 "before FEND) that a decoder must skip");
    base_lattice(c, KVL_SKELETON_NONE, 0);
    n = se_make_section(sec, 0x41525458u /* XTRA */, 1, (const uint8_t *)"meta", 4);
    se_insert(c, se_section(c, SE_FEND, 0), sec, n);
    se_insert(c, se_section(c, SE_CHNK, 1), sec, n);
    n = se_make_section(sec, 0x6E6F7465u, 1, NULL, 0);
    se_insert(c, 20, sec, n);
    finish(c, "ancillary", "4.2");

    c = ucase("minor-version-extension", "container", "minor version 3 with 12 extension bytes in a 32-byte header");
    base_lattice(c, KVL_SKELETON_NONE, 0);
    {
        uint8_t ext[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        se_insert(c, 16, ext, sizeof ext);
        se_put(c, 9, 1, 3);
        se_put(c, 10, 2, 32);
        /* header CRC over bytes [0, 28) at offset 28 */
        se_put(c, 28, 4, kvl_crc32c(0, c->stream, 28));
    }
    finish(c, "minor-version", "4.1");

    c = ucase("mixed-modes-in-tensor", "mixed", "one tensor whose first chunk is FP8 and second LATTICE E8 (§4.6 rule 4)");
    {
        kvl_chunk_params pf = vg_fp8(32, KVL_FP8_SCALE_UE8M0, 0), pl = vg_lat(KVL_LATTICE_E8, 19, 0, 0, 0);
        uint8_t *fp8_stream;
        size_t fp8_len, a0, a1, b0, b1;
        int t = vg_tensor(c, 64, 4, 6, KVL_DTYPE_F32, &pl, NULL);
        vg_fill_gen(c, t, KVL_GEN_DSV4, 8200, 1.0f);
        c->t[t].mode = pf.mode;
        c->t[t].fp8_block = pf.fp8_block;
        c->t[t].fp8_scale = pf.fp8_scale;
        if (vg_encode(c) != KVL_OK)
            vg_die("fp8 base");
        fp8_stream = c->stream;
        fp8_len = c->stream_len;
        c->stream = NULL;
        c->t[t].mode = pl.mode;
        if (vg_encode(c) != KVL_OK)
            vg_die("lattice base");
        /* replace the LATTICE stream's chunk 0 by the FP8 stream's chunk 0 */
        b0 = se_section(c, SE_CHNK, 0);
        b1 = se_section(c, SE_CHNK, 1);
        {
            vg_case tmp;
            memset(&tmp, 0, sizeof tmp);
            tmp.stream = fp8_stream;
            tmp.stream_len = fp8_len;
            a0 = se_section(&tmp, SE_CHNK, 0);
            a1 = se_section(&tmp, SE_CHNK, 1);
        }
        se_delete(c, b0, b1 - b0);
        se_insert(c, b0, fp8_stream + a0, a1 - a0);
        free(fp8_stream);
        vg_flags(c, "ue8m0", (const char *)NULL);
    }
    finish(c, "mixed-modes", "4.6");

    c = ucase("lattice-zero-scale-nonzero-codes", "lattice-d4",
              "a record with scale +0 but non-zero codes: valid, decodes to signed zeros (§7.7)");
    base_lattice(c, KVL_SKELETON_NONE, 0);
    se_chunk(c, 0, &v, &L, &rec);
    se_put_bits(c, rec + L.record_bytes, 0, 32, 0);
    se_reseal(c);
    vg_flags(c, "signed-zero", (const char *)NULL);
    finish(c, "zero-vector", "7.7");

    c = ucase("lattice-basis-without-mean", "lattice-d4",
              "a rank-1 basis with no mean (skel_flags 0x02): valid, never written by the reference encoder");
    base_lattice(c, KVL_SKELETON_PCA, 1);
    for (s = 0; s < 2; s++) {
        size_t sec_at = se_section(c, SE_CHNK, (int)s);
        uint8_t flags = (uint8_t)se_get(c, sec_at + 12 + 20, 1);
        se_put(c, sec_at + 12 + 20, 1, (uint64_t)(flags & ~1u));
        se_delete(c, sec_at + 12 + 24, 2u * 64u); /* the mean */
        se_put(c, sec_at + 8, 4, se_body_len(c, sec_at) - 2u * 64u);
    }
    se_reseal(c);
    finish(c, "skeleton-pca", "7.3");

    c = ucase("fp8-zero-f32-scale-nonzero-codes", "fp8", "an F32 block scale of +0 with non-zero codes: decodes to signed zeros");
    {
        kvl_chunk_params p = vg_fp8(32, KVL_FP8_SCALE_F32, 0);
        int t = vg_tensor(c, 64, 2, 2, KVL_DTYPE_F32, &p, NULL);
        vg_fill_gen(c, t, KVL_GEN_GAUSS, 8300, 1.0f);
        if (vg_encode(c) != KVL_OK)
            vg_die("fp8 base");
        se_chunk(c, 0, &v, &L, &rec);
        se_put(c, rec + 4, 4, 0); /* block 1 scale of vector 0 */
        se_reseal(c);
    }
    vg_flags(c, "signed-zero", (const char *)NULL);
    finish(c, "zero-vector", "6.3");
}

void vg_catalogue_unusual(void)
{
    encoder_made();
    decoder_only();
}
