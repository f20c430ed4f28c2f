/* pipeline.h -- whole-array encode / decode used by `kvl encode|decode|demo`. */
#ifndef KVL_PIPELINE_H
#define KVL_PIPELINE_H

#include <stdint.h>

#include "kvlattice.h"

/* Encode rows x desc->dim values of in_dtype as one tensor of a new stream. */
kvl_status pipe_encode(const kvl_tensor_desc *desc, const kvl_chunk_params *p, const void *data,
                       int in_dtype, uint64_t rows, kvl_sink_fn sink, void *sink_ctx);

/* Count the values (vectors x dim) of tensor `tensor`, or of all tensors in
 * stream order when tensor < 0. *dim is the common dimension, 0 when the
 * tensors differ or there is none; *src_dtype that of the first tensor.
 * KVL_ERR_ARG: no tensor `tensor`. */
kvl_status pipe_scan(const uint8_t *buf, size_t len, int tensor, uint64_t *values, uint32_t *dim,
                     int *src_dtype);

/* Decode into out (the values counted by pipe_scan, as out_dtype). */
kvl_status pipe_decode(const uint8_t *buf, size_t len, int tensor, int out_dtype, void *out,
                       size_t out_cap);

#endif
