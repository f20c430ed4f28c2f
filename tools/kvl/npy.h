/*
 * npy.h -- minimal NumPy .npy (format 1.0 / 2.0) header reading and writing.
 *
 * Supported: C-order (fortran_order False) 1-D or 2-D little-endian arrays
 * with descr '<f4' (KVL_DTYPE_F32) or '<f2' (KVL_DTYPE_F16). bfloat16 has no
 * NumPy descr: asking for it is an explicit error telling the user to use a
 * raw file instead. The element data follow the header unchanged, so the
 * caller reads/writes them itself (little-endian) at info.data_offset.
 *
 * File layout (numpy.lib.format):
 *   "\x93NUMPY" major minor   -- 8 bytes; (1,0) or (2,0)
 *   HEADER_LEN                -- uint16 LE (1.0) or uint32 LE (2.0)
 *   header                    -- ASCII Python dict literal, e.g.
 *       {'descr': '<f4', 'fortran_order': False, 'shape': (3, 128), }
 *     padded with spaces and ended by '\n'; written so that the data start
 *     at a multiple of 64 bytes.
 */
#ifndef KVL_NPY_H
#define KVL_NPY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kvl_npy_info {
    int dtype;           /* KVL_DTYPE_F32 or KVL_DTYPE_F16 */
    uint32_t ndim;       /* 1 or 2 */
    uint64_t shape[2];   /* shape[1] is 0 for a 1-D array */
    size_t data_offset;  /* bytes from the start of the file to the data */
    uint64_t count;      /* element count (product of the shape) */
} kvl_npy_info;

/* Parse the header at the start of buf (len bytes; len may cover only the
 * header or the whole file). 0 ok, else -1 and a message in err (errlen
 * bytes, NUL-terminated; err may be NULL when errlen is 0). Never reads past
 * len. Rejects: bad magic, unsupported version, fortran_order True, a descr
 * other than '<f4'/'<f2' (big-endian, f8, ... each with a specific message),
 * ndim 0 or > 2, missing / duplicate / unknown keys, malformed syntax,
 * shapes whose element count or byte size (plus data_offset) overflows 64
 * bits, and a header longer than the buffer. Does not check that the data
 * are present: the caller compares data_offset + count * element size with
 * the file size. */
int kvl_npy_parse(const uint8_t *buf, size_t len, kvl_npy_info *info, char *err, size_t errlen);

/* Write a v1.0 header for a rows x cols array (cols == 0: a 1-D array of
 * `rows` elements). dtype KVL_DTYPE_F32 or KVL_DTYPE_F16 (bf16 is an error).
 * The header length, returned in *hlen, is a multiple of 64 bytes. 0 ok, -1
 * (message in err) on a bad dtype or cap too small (128 bytes always
 * suffice). */
int kvl_npy_write_header(uint8_t *buf, size_t cap, int dtype, uint64_t rows, uint32_t cols,
                         size_t *hlen, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* KVL_NPY_H */
