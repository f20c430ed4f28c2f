/*
 * conform_lib.h -- driving an implementation of the conformance ABI
 * (kvlc.h) loaded with dlopen: symbol lookup, and decode/encode calls that
 * check the calling convention (guard bytes after the output buffer, the
 * BUFFER retry protocol, inputs placed just before an inaccessible page so
 * that reading past them crashes).
 */
#ifndef CONFORM_LIB_H
#define CONFORM_LIB_H

#include <stddef.h>
#include <stdint.h>

#include "conform_result.h"
#include "kvlc.h"

#define CF_LIB_ERROR_CAP ((size_t)1 << 20)   /* first buffer when an error is expected */
#define CF_LIB_MAX_CAP ((size_t)256 << 20)   /* the most a BUFFER retry may ask for */
#define CF_LIB_GUARD 64u                     /* guard bytes after the output buffer */

typedef struct cf_lib {
    void *handle;
    int abi_version;
    kvlc_decode_fn decode; /* NULL when not exported */
    kvlc_encode_fn encode; /* NULL when not exported */
    char name[128];        /* kvlc_name(), or the file name */
} cf_lib;

/* dlopen `path` and look the symbols up. 0, or -1 with err set (not
 * loadable, no kvlc_abi_version, a version other than KVLC_ABI_VERSION, or
 * neither kvlc_decode nor kvlc_encode). */
int cf_lib_open(const char *path, cf_lib *lib, char *err, size_t errlen);
void cf_lib_close(cf_lib *lib);

/* Decode `stream` to `dtype` with a first buffer of `cap` bytes. */
void cf_lib_decode(kvlc_decode_fn dec, const uint8_t *stream, size_t len, int dtype, size_t cap,
                   cf_answer *a);

/* Encode the tensors (data pointers set) with a first buffer of `cap` bytes. */
void cf_lib_encode(kvlc_encode_fn enc, const kvlc_tensor *tensors, uint32_t n_tensors,
                   const size_t *tensor_bytes, size_t cap, cf_answer *a);

#endif /* CONFORM_LIB_H */
