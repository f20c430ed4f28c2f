/*
 * conform_case.h -- one golden-vector case (a directory with case.json,
 * vectors/README.md): its metadata, its encoder input described as kvlc.h
 * tensors, and what the encoder and the decoder are expected to answer.
 */
#ifndef CONFORM_CASE_H
#define CONFORM_CASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "conform_common.h"
#include "conform_manifest.h"
#include "kvlc.h"

enum { CF_GROUP_VALID = 0, CF_GROUP_UNUSUAL = 1, CF_GROUP_FAULTY = 2, CF_NGROUPS = 3 };

const char *cf_group_name(int group);
int cf_group_parse(const char *name); /* -1 when unknown */

/* The expected answer of one operation. */
typedef struct cf_expect {
    int present;  /* the case tests this operation */
    int ok;       /* 1: success with exactly the bytes of `file`; 0: error `code` */
    int code;     /* expected class (spec §9.1) when !ok */
    char *file;   /* expected output, path relative to the case directory */
    int refusable;/* "refusable": "UNSUPPORTED": refusing with class 9 also passes */
} cf_expect;

typedef struct cf_case {
    char *id;              /* relative to the vectors directory */
    char *dir;             /* vectors directory + id */
    int group;             /* CF_GROUP_* */
    char *profile;
    char *description;
    char **flags;
    size_t n_flags;
    char **spec;           /* spec sections to read on failure */
    size_t n_spec;

    /* Encoder input: "tensors" with kvlc_tensor.data still NULL (the drivers
     * place the slices of input.bin themselves). */
    int has_tensors;
    uint32_t n_tensors;
    kvlc_tensor *tensors;
    size_t *tensor_bytes;  /* n_vectors * dim * sizeof(in_dtype) */
    char **names;          /* owned storage behind tensors[i].name */
    size_t input_bytes;    /* sum of tensor_bytes = the size of input.bin */
    json_t *tensors_json;  /* the "tensors" array, for {params_json} */

    cf_expect encode;      /* file: the expected stream */
    int has_decode;
    char *decode_stream;   /* relative to dir */
    cf_expect decode[CF_NDTYPES];
} cf_case;

/* Load and check `vectors`/`id`/case.json. Every file the case uses must
 * exist and be listed in the manifest (so that it is hash-checked). Returns
 * 0, or -1 with the problem in err. */
int cf_case_load(const cf_manifest *m, const char *id, cf_case *c, char *err, size_t errlen);
void cf_case_free(cf_case *c);

/* 1 iff the case has `flag`. */
int cf_case_has_flag(const cf_case *c, const char *flag);

/* Read input.bin and point tensors[i].data into it. Returns the buffer (free
 * it after use), or NULL with err set. */
uint8_t *cf_case_load_input(const cf_case *c, char *err, size_t errlen);

/* Read a file of the case directory. 0, or -1 with err set. */
int cf_case_read(const cf_case *c, const char *file, uint8_t **buf, size_t *len, char *err,
                 size_t errlen);

/* Names of the parameter codes, as in case.json. */
const char *cf_role_name(int role);
const char *cf_mode_name(int mode);
const char *cf_scale_name(int scale);
const char *cf_lattice_name(int lattice);
const char *cf_skeleton_name(int skeleton);

#endif /* CONFORM_CASE_H */
