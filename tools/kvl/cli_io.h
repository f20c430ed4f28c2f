/* cli_io.h -- file helpers of the kvl tool: whole-file reads, raw / .npy arrays. */
#ifndef KVL_CLI_IO_H
#define KVL_CLI_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Read a whole file. 0 ok; -1 with a message on stderr. *buf is malloc'd. */
int cli_read_file(const char *path, uint8_t **buf, size_t *len);
int cli_write_file(const char *path, const uint8_t *buf, size_t len);

/* 1 if path ends with ".npy" (case-sensitive, as numpy writes it). */
int cli_is_npy(const char *path);

/* An array file: raw little-endian (dtype and dim from the command line) or
 * .npy (dtype and shape from its header). data points into buf. */
typedef struct cli_array {
    uint8_t *buf;       /* whole file */
    size_t len;
    const uint8_t *data;
    int dtype;          /* KVL_DTYPE_* */
    uint32_t dim;
    uint64_t rows;
} cli_array;

/* dtype < 0 / dim == 0: not given on the command line (required for raw). */
int cli_load_array(const char *path, int dtype, uint32_t dim, cli_array *a);
void cli_free_array(cli_array *a);

/* Write rows x dim values of dtype: raw, or .npy when the path says so. */
int cli_write_array(const char *path, const void *data, int dtype, uint64_t rows, uint32_t dim);

/* Parse "f32" / "f16" / "bf16". -1 if unknown. */
int cli_parse_dtype(const char *s);
const char *cli_dtype_name(int dtype);

/* A growable in-memory byte sink usable as kvl_sink_fn. */
typedef struct cli_membuf {
    uint8_t *data;
    size_t len, cap;
} cli_membuf;
int cli_membuf_sink(void *ctx, const uint8_t *bytes, size_t len);
int cli_file_sink(void *ctx, const uint8_t *bytes, size_t len);

#endif
