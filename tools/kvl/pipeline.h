/* pipeline.h -- whole-array encode / decode used by `kvl encode|decode|demo`. */
#ifndef KVL_PIPELINE_H
#define KVL_PIPELINE_H

#include <stdint.h>

#include "kvlattice.h"

/* Encode rows x desc->dim values of in_dtype as one tensor of a new stream. */
kvl_status pipe_encode(const kvl_tensor_desc *desc, const kvl_chunk_params *p, const void *data,
                       int in_dtype, uint64_t rows, kvl_sink_fn sink, void *sink_ctx);

/* Count the vectors of tensor `tensor` (or of all tensors when tensor < 0,
 * which requires one dimension for all) and its dim / source dtype. */
kvl_status pipe_scan(const uint8_t *buf, size_t len, int tensor, uint64_t *rows, uint32_t *dim,
                     int *src_dtype);

/* Decode into out (rows x dim values of out_dtype, as counted by pipe_scan). */
kvl_status pipe_decode(const uint8_t *buf, size_t len, int tensor, int out_dtype, void *out,
                       size_t out_cap);

#endif
