/*
 * kvlattice_cuda.h -- C API of the kvlattice CUDA codec (format version 1.0),
 * the GPU counterpart of kvlattice.h. Design and verification status:
 * cuda/README.md. Normative format: spec/kvlattice-1.0.md.
 *
 * Contract (in addition to the one of kvlattice.h):
 *   - Every function returns a kvl_status. KVL_OK means "arguments valid and
 *     all work enqueued on `stream`"; it does NOT mean the work succeeded.
 *   - Errors that only the GPU can see (record checks of spec §6/§7.7,
 *     output RANGE, encoder NONFINITE/RANGE) are written, asynchronously, to
 *     a caller-owned kvl_cuda_result in device memory (see below). Read it
 *     with cudaMemcpyAsync when convenient and interpret it with
 *     kvl_cuda_result_status(). Output buffers are unspecified when the
 *     result holds an error.
 *   - No function allocates memory, synchronises, or copies between host and
 *     device. Scratch memory is a caller-provided device workspace
 *     (kvl_cuda_*_workspace_size()). Kernel parameters travel by value.
 *   - All pointers named d_* are device pointers (cudaMalloc or managed
 *     memory); input and output arrays must be aligned to their element size
 *     (KVL_ERR_ARG otherwise). Host-side structures are read during the call
 *     only.
 *   - Results are bit-identical to the reference (spec §1.2): same bytes from
 *     the encoder, same values (signed zeros included) from the decoder, same
 *     error classes (for the first failing vector of a call).
 *   - Functions are thread-safe; concurrent calls on different streams need
 *     different workspaces and results.
 *
 * Typical decode (paged attention): parse and CRC-check the stream on the host
 * with kvl_reader_next (kvlattice.h), copy the chunk sections (or the whole
 * stream) to the device once, build one kvl_cuda_chunk per chunk with
 * kvl_cuda_chunk_from_view(), then call kvl_cuda_decode_chunk() or
 * kvl_cuda_decode_gather() as often as needed.
 *
 * Typical encode: kvl_cuda_encode_chunk() writes one complete CHNK section
 * (framing, header, skeleton, records, CRC-32C) into device memory; the
 * stream around it (file header, TENS, TEND, FEND: a few dozen bytes) is
 * produced on the host by kvl_cuda_stream_header() / kvl_cuda_tens_section()
 * / kvl_cuda_tend_section() / kvl_cuda_fend_section().
 */
#ifndef KVLATTICE_CUDA_H
#define KVLATTICE_CUDA_H

#include <stddef.h>
#include <stdint.h>

#include <cuda_runtime_api.h>

#include "kvlattice.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Device-side result word -------------------------------------------- */
/* `first` = (position << 8) | status of the first error (smallest position),
 * or KVL_CUDA_RESULT_OK. Position: the vector index within the chunk
 * (decode_chunk), the index into the reference list (decode_gather), or the
 * chunk_index (encode_chunk). Reset it with kvl_cuda_result_reset() before a
 * batch of calls; several calls may share one result (the smallest position
 * wins, so use distinct positions, e.g. one result per call). */
typedef struct kvl_cuda_result {
    unsigned long long first;
} kvl_cuda_result;

#define KVL_CUDA_RESULT_OK 0xFFFFFFFFFFFFFFFFull

/* cudaMemsetAsync(d_result, 0xFF) on stream. */
kvl_status kvl_cuda_result_reset(kvl_cuda_result *d_result, cudaStream_t stream);
/* Interpret a host copy of a result: KVL_OK or the error class; *position
 * (may be NULL) receives the position of the error. */
kvl_status kvl_cuda_result_status(const kvl_cuda_result *h_result, uint64_t *position);

/* ---- Decoding ------------------------------------------------------------- */
/* A chunk whose section lies in device memory. The header, its CRC and the
 * stored skeleton were checked on the host (kvl_chunk_parse); the record
 * checks (spec §6.1, §6.2, §7.7 steps 1-5) run on the device at every
 * decode. Plain data: may be copied to device memory (decode_gather). */
typedef struct kvl_cuda_chunk {
    uint32_t dim;
    uint32_t n_vectors;
    uint32_t record_bytes;
    uint32_t rank;             /* stored basis rank */
    kvl_chunk_params params;
    uint8_t skel_dtype;        /* KVL_DTYPE_F16 / KVL_DTYPE_BF16 */
    uint8_t has_mean;
    const uint8_t *d_mean;     /* dim 16-bit values, or NULL */
    const uint8_t *d_basis;    /* rank*dim 16-bit values, or NULL */
    const uint8_t *d_records;  /* n_vectors * record_bytes */
} kvl_cuda_chunk;

/* Build the descriptor of a chunk parsed on the host: `view` was returned by
 * kvl_chunk_parse(h_section, ...), and d_section is the device copy of the
 * same section bytes (the pointers of `view` are translated by offset). */
kvl_status kvl_cuda_chunk_from_view(const kvl_chunk_view *view, const uint8_t *h_section,
                                    const uint8_t *d_section, kvl_cuda_chunk *out);

/* Decode every vector of a chunk to d_out (n_vectors*dim values of
 * out_dtype, row-major). d_out == NULL: validate the records only.
 * Host errors: KVL_ERR_ARG, KVL_ERR_BUFFER (out_cap too small). */
kvl_status kvl_cuda_decode_chunk(const kvl_cuda_chunk *chunk, kvl_dtype out_dtype, void *d_out,
                                 size_t out_cap, kvl_cuda_result *d_result, cudaStream_t stream);

/* One row of a gather: vector `vector` of chunk d_chunks[chunk]. */
typedef struct kvl_cuda_vec_ref {
    uint32_t chunk;
    uint32_t vector;
} kvl_cuda_vec_ref;

/* Paged-attention style gather: output row t (dim values of out_dtype) is
 * the decoded vector d_refs[t]. d_chunks: device array of n_chunks
 * descriptors, every one of dimension dim. A reference outside the chunk
 * table or with a different dim is reported as KVL_ERR_ARG at its position
 * in the device result. d_out == NULL validates. */
kvl_status kvl_cuda_decode_gather(const kvl_cuda_chunk *d_chunks, uint32_t n_chunks, uint32_t dim,
                                  const kvl_cuda_vec_ref *d_refs, uint32_t n_refs,
                                  kvl_dtype out_dtype, void *d_out, size_t out_cap,
                                  kvl_cuda_result *d_result, cudaStream_t stream);

/* ---- Encoding ------------------------------------------------------------- */
/* Device workspace for kvl_cuda_encode_chunk of up to n vectors. */
kvl_status kvl_cuda_encode_workspace_size(uint32_t dim, const kvl_chunk_params *p, uint32_t n,
                                          size_t *bytes);

/* Encode n vectors d_in (n*dim values of in_dtype, row-major) as one
 * complete chunk section (spec §5, §10) at d_out. The section size is known
 * on the host: *out_len receives it (= kvl_chunk_size_bound() for n).
 * skel: NULL (compute per spec §10.3) or a caller skeleton whose mean/basis
 * members are DEVICE pointers (rank*dim basis floats). d_work: at least
 * kvl_cuda_encode_workspace_size() bytes, 256-byte aligned.
 * Host errors: KVL_ERR_ARG, KVL_ERR_BUFFER, KVL_ERR_OVERFLOW (as
 * kvl_chunk_encode). Device errors (NONFINITE, RANGE) go to d_result at
 * position chunk_index; the section bytes are then unspecified. */
kvl_status kvl_cuda_encode_chunk(uint32_t dim, const kvl_chunk_params *p, uint32_t chunk_index,
                                 const void *d_in, kvl_dtype in_dtype, uint32_t n,
                                 const kvl_skeleton *skel, void *d_work, size_t work_size,
                                 uint8_t *d_out, size_t out_cap, size_t *out_len,
                                 kvl_cuda_result *d_result, cudaStream_t stream);

/* ---- CRC-32C of device memory (spec §2.6) ------------------------------- */
kvl_status kvl_cuda_crc32c_workspace_size(size_t len, size_t *bytes);
/* *d_crc = crc32c(d_data[0 .. len)). E.g. to re-check a section that never
 * visited the host: compare with its stored CRC. */
kvl_status kvl_cuda_crc32c(const uint8_t *d_data, size_t len, uint32_t *d_crc, void *d_work,
                           size_t work_size, cudaStream_t stream);

/* ---- Host helpers: the stream around the chunks (spec §4, §10.2) -------- */
/* 20-byte file header. */
kvl_status kvl_cuda_stream_header(uint8_t *out, size_t cap, size_t *out_len);
/* TENS section of tensor tensor_index (desc checked as kvl_writer_begin_tensor). */
kvl_status kvl_cuda_tens_section(const kvl_tensor_desc *desc, uint32_t tensor_index, uint8_t *out,
                                 size_t cap, size_t *out_len);
kvl_status kvl_cuda_tend_section(uint32_t tensor_index, uint32_t n_chunks, uint64_t n_vectors,
                                 uint8_t *out, size_t cap, size_t *out_len);
kvl_status kvl_cuda_fend_section(uint32_t n_tensors, uint8_t *out, size_t cap, size_t *out_len);

/* ---- Device -------------------------------------------------------------- */
/* Number of CUDA devices (0 when there is no driver or no GPU). */
int kvl_cuda_device_count(void);

#ifdef __cplusplus
}
#endif
#endif /* KVLATTICE_CUDA_H */
