/*
 * kvlc.h -- the conformance ABI: the C functions a third-party implementation
 * exports (from a shared library) so that kvl-conform can drive it with
 * dlopen. See conformance/README.md. ABI version 1.
 *
 * All integers are host-endian in memory; all sample and stream buffers are
 * byte arrays in the on-disk/little-endian layout of the spec. kvlc_decode
 * and kvlc_encode return a spec error class number (spec §9.1: 0 OK,
 * 1 TRUNCATED, ... 13 BUFFER); an implementation that does not support
 * something returns 9 (UNSUPPORTED); a negative value means the
 * implementation itself failed (e.g. out of memory) and is never a passing
 * answer.
 *
 * Calling conventions (the runner relies on them):
 *   - input buffers (stream, tensor data, names, the tensor array) are read
 *     only and not retained after the call;
 *   - `name` may be NULL when name_len is 0; `out` may be NULL when cap is 0;
 *   - *out_len is meaningful on success (bytes written) and on BUFFER (bytes
 *     needed); on other errors its value is unspecified;
 *   - the functions keep no state between calls (kvl-conform calls them one
 *     at a time, each case in a forked child unless --no-fork).
 *
 * This header deliberately does not include kvlattice.h: a third party
 * implements it without our library.
 */
#ifndef KVLC_H
#define KVLC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KVLC_ABI_VERSION 1

/* Codes as in the spec (§2.2 dtypes, §5.2 modes, §6.3 scales, §7 lattices). */
enum { KVLC_F32 = 0, KVLC_F16 = 1, KVLC_BF16 = 2 };
enum { KVLC_RAW = 0, KVLC_FP8 = 1, KVLC_LATTICE = 2 };
enum { KVLC_SKEL_NONE = 0, KVLC_SKEL_MEAN = 1, KVLC_SKEL_PCA = 2 };

/* Encoder parameters of one tensor: every chunk of it uses these (spec §10.2). */
typedef struct kvlc_tensor {
    uint32_t dim;          /* D */
    uint32_t chunk_len;    /* vectors per chunk */
    uint8_t role;          /* 0 none, 1 K, 2 V, 3 other */
    uint8_t in_dtype;      /* dtype of `data`; also written as src_dtype */
    int32_t layer;         /* -1: not given */
    int32_t head;          /* -1: not given */
    uint16_t name_len;
    const char *name;      /* name_len bytes, not NUL-terminated */
    /* chunk parameters */
    uint8_t mode;          /* KVLC_RAW / KVLC_FP8 / KVLC_LATTICE */
    uint8_t raw_dtype;     /* RAW: stored dtype */
    uint16_t fp8_block;    /* FP8: 32, 64, 128 */
    uint8_t fp8_scale;     /* FP8: 0 F32, 1 UE8M0, 2 F16 */
    uint8_t fp8_split_rope;/* FP8: 1 = last 64 dims as bf16 */
    uint8_t lattice;       /* LATTICE: 0 D4, 1 E8 */
    uint16_t q;            /* LATTICE: Q */
    uint8_t outliers;      /* LATTICE: K */
    uint8_t skeleton;      /* LATTICE: KVLC_SKEL_* (computed by the encoder, spec §10.3) */
    uint8_t rank;          /* LATTICE: r for KVLC_SKEL_PCA */
    uint64_t n_vectors;    /* vectors in `data` */
    const void *data;      /* n_vectors * dim values of in_dtype */
} kvlc_tensor;

/* Required. Returns KVLC_ABI_VERSION. */
typedef int (*kvlc_abi_version_fn)(void);

/* Optional. A short name of the implementation for reports. */
typedef const char *(*kvlc_name_fn)(void);

/* Required for decoder conformance. Decode the whole stream: every vector of
 * every tensor, in stream order, converted to out_dtype (spec §2.2.5), written
 * contiguously to out. On success *out_len = bytes written. If cap is too
 * small return 13 (BUFFER) with *out_len = the size needed. On a stream
 * error return the class of the first failing check (spec §9.2). */
typedef int (*kvlc_decode_fn)(const uint8_t *stream, size_t len, int out_dtype, uint8_t *out,
                              size_t cap, size_t *out_len);

/* Required for encoder conformance (deterministic encoders, spec §11.3).
 * Encode n_tensors tensors into one stream. BUFFER protocol as for decode. */
typedef int (*kvlc_encode_fn)(const kvlc_tensor *tensors, uint32_t n_tensors, uint8_t *out,
                              size_t cap, size_t *out_len);

/* The exported symbol names. */
#define KVLC_SYM_ABI_VERSION "kvlc_abi_version"
#define KVLC_SYM_NAME "kvlc_name"
#define KVLC_SYM_DECODE "kvlc_decode"
#define KVLC_SYM_ENCODE "kvlc_encode"

/* Prototypes of the exported functions, for implementations. */
int kvlc_abi_version(void);
const char *kvlc_name(void);
int kvlc_decode(const uint8_t *stream, size_t len, int out_dtype, uint8_t *out, size_t cap,
                size_t *out_len);
int kvlc_encode(const kvlc_tensor *tensors, uint32_t n_tensors, uint8_t *out, size_t cap,
                size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* KVLC_H */
