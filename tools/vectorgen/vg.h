/*
 * vg.h -- kvl-vectorgen internals: one test case being built, and the helpers
 * the catalogues (catalogue_*.c) use to describe it. The layout and the
 * case.json format are documented in vectors/README.md.
 *
 * A catalogue entry builds a case in three steps:
 *   1. vg_begin(group, name, profile, description), vg_flags(...), vg_spec(...)
 *   2. tensors + input (vg_tensor(), vg_fill_*()), then vg_encode(); or a
 *      hand-made / edited stream (stream_edit.h)
 *   3. vg_emit(): the generator decodes the stream with the reference, checks
 *      that the result is what the case claims (a faulty case must fail with
 *      its class, a valid one must decode), and writes the files.
 * Any mismatch between a claim and the reference's behaviour stops the
 * generator: a vector can only say what the reference does.
 */
#ifndef KVL_VG_H
#define KVL_VG_H

#include <stddef.h>
#include <stdint.h>

#include "kvlattice.h"
#include "kvlc.h"

#define VG_MAX_TENSORS 4
#define VG_MAX_FLAGS 12
#define VG_MAX_SPEC 6

typedef struct vg_case {
    const char *group;                 /* "valid", "unusual", "faulty" */
    char name[96];
    const char *profile;
    char desc[400];
    const char *flags[VG_MAX_FLAGS];
    int n_flags;
    const char *spec[VG_MAX_SPEC];
    int n_spec;
    /* encoder side */
    uint32_t n_tensors;
    kvlc_tensor t[VG_MAX_TENSORS];
    char tname[VG_MAX_TENSORS][KVL_MAX_NAME_LEN + 1];
    uint8_t *input;
    size_t input_bytes;
    int encode_test;         /* 1: the case checks the encoder */
    int encode_error;        /* expected encoder class (0: success) */
    /* decoder side */
    int decode_test;         /* 1: the case checks the decoder */
    uint8_t *stream;
    size_t stream_len;
    int decode_error;        /* faulty: expected class for every dtype */
    int refusable;           /* unusual: UNSUPPORTED also passes */
} vg_case;

/* Start a new case (the previous one must have been emitted). */
vg_case *vg_begin(const char *group, const char *name, const char *profile, const char *desc);
/* Append flags / spec sections: NULL-terminated lists of string literals. */
void vg_flags(vg_case *c, ...);
void vg_spec(vg_case *c, ...);

/* Add a tensor; params by mode. Returns its index. name may be NULL. */
int vg_tensor(vg_case *c, uint32_t dim, uint32_t chunk_len, uint64_t n, int in_dtype,
              const kvl_chunk_params *p, const char *name);
kvl_chunk_params vg_raw(int dtype);
kvl_chunk_params vg_fp8(uint16_t block, int scale, int split);
kvl_chunk_params vg_lat(int lattice, uint16_t q, uint8_t outliers, int skeleton, uint8_t rank);

/* Fill tensor ti's input: from the portable data generator (tools/kvl/gen.h,
 * kind KVL_GEN_*), or from explicit binary32 values / bit patterns
 * (n*dim of them), converted to the tensor's in_dtype (RNE; must be exact
 * or finite as the case intends). */
void vg_fill_gen(vg_case *c, int ti, int kind, uint64_t seed, float scale);
void vg_fill_f32(vg_case *c, int ti, const float *v);
void vg_fill_bits(vg_case *c, int ti, const uint32_t *bits);  /* f32 bit patterns */

/* Encode the tensors with the reference (kvlc_encode): sets c->stream on
 * success. Returns the class. */
int vg_encode(vg_case *c);

/* Mark the case as an encoder test expecting `cls` (0 = the stream) and/or a
 * decoder test expecting class `cls` on every dtype (faulty) or the
 * reference's output (cls 0). */
void vg_expect_encode(vg_case *c, int cls);
void vg_expect_decode(vg_case *c, int cls);
/* The stream was edited or hand-made: the case tests decoders only. */
void vg_decoder_only(vg_case *c);

/* Check the claims against the reference, write the case, free it. Exits the
 * program with a message when a claim is false. */
void vg_emit(vg_case *c);

/* Fatal error with a message (generator bug or a false claim). */
void vg_die(const char *fmt, ...);

/* Output root and the list of written files/cases (vg_out.c). */
int vg_out_init(const char *root);
int vg_out_write(const char *relpath, const uint8_t *data, size_t n);
int vg_out_add_case(const char *case_id);
void vg_out_accumulated(const char *profile, uint32_t cases, const char *sha_hex);
int vg_out_finish(const char *generator_version);   /* manifest.json */

/* Catalogues. */
void vg_catalogue_valid(void);
void vg_catalogue_unusual(void);
void vg_catalogue_faulty(void);
void vg_catalogue_traps(void);

#endif /* KVL_VG_H */
