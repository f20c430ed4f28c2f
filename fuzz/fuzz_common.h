/*
 * fuzz_common.h -- shared by the fuzz targets: checked assertions, decoding a
 * whole stream through every entry point, and carving an encoder input.
 */
#ifndef KVL_FUZZ_COMMON_H
#define KVL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "fuzz_producer.h"
#include "kvlattice.h"

/* Largest decoder output a target materialises (bigger chunks are validated
 * and sampled with random access instead). */
#define FZ_MAX_OUTPUT ((size_t)16 << 20)

/* A violated property: print and abort (libFuzzer records the input). */
#define FZ_ASSERT(cond, ...)                                                                         \
    do {                                                                                             \
        if (!(cond))                                                                                 \
            fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                         \
    } while (0)
void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...);

/* Decode a stream through every entry point (kvl_verify, the reader, chunk
 * validate / decode / decode_vector) and fold the statuses and outputs into
 * a digest (FNV-1a), so that two runs or two CPU levels can be compared. */
typedef struct fz_digest {
    uint64_t h;
    int first_error;   /* first non-OK status seen (0: none) */
} fz_digest;
void fz_decode_everything(const uint8_t *data, size_t size, fz_digest *d);

/* An encoder input carved from the producer: one tensor of n vectors. */
typedef struct fz_tensor {
    kvl_tensor_desc desc;
    kvl_chunk_params params;
    int in_dtype;
    uint32_t n;
    float *values;       /* n * dim binary32 values (before conversion to in_dtype) */
    uint8_t *input;      /* the same values as in_dtype, little-endian */
    int has_nonfinite;
} fz_tensor;
/* 0 ok (free with fz_tensor_free), -1 when the input is too small. */
int fz_carve_tensor(fuzz_producer *p, fz_tensor *t);
void fz_tensor_free(fz_tensor *t);

/* Encode one tensor into a malloc'ed stream with the writer. */
kvl_status fz_encode(const fz_tensor *t, uint8_t **stream, size_t *len);

#endif /* KVL_FUZZ_COMMON_H */
