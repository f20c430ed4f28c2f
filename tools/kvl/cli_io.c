/* cli_io.c -- file helpers of the kvl tool. */
#include "cli_io.h"

#include <stdlib.h>
#include <string.h>

#include "kvlattice.h"
#include "npy.h"

int cli_read_file(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b = 0;
    size_t cap = 0, n = 0;
    if (!f) {
        fprintf(stderr, "kvl: cannot open '%s' for reading\n", path);
        return -1;
    }
    for (;;) {
        size_t got;
        if (n == cap) {
            size_t ncap = cap ? cap * 2u : (size_t)1 << 20;
            uint8_t *nb = (uint8_t *)realloc(b, ncap);
            if (!nb) {
                free(b);
                fclose(f);
                fprintf(stderr, "kvl: out of memory reading '%s'\n", path);
                return -1;
            }
            b = nb;
            cap = ncap;
        }
        got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0u)
            break;
    }
    if (ferror(f)) {
        free(b);
        fclose(f);
        fprintf(stderr, "kvl: read error on '%s'\n", path);
        return -1;
    }
    fclose(f);
    *buf = b;
    *len = n;
    return 0;
}

int cli_write_file(const char *path, const uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "kvl: cannot open '%s' for writing\n", path);
        return -1;
    }
    if (fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "kvl: write error on '%s'\n", path);
        return -1;
    }
    return 0;
}

int cli_is_npy(const char *path)
{
    size_t n = strlen(path);
    return n >= 4u && strcmp(path + n - 4u, ".npy") == 0;
}

int cli_parse_dtype(const char *s)
{
    if (strcmp(s, "f32") == 0)
        return KVL_DTYPE_F32;
    if (strcmp(s, "f16") == 0)
        return KVL_DTYPE_F16;
    if (strcmp(s, "bf16") == 0)
        return KVL_DTYPE_BF16;
    return -1;
}

const char *cli_dtype_name(int dtype)
{
    return dtype == KVL_DTYPE_F32 ? "f32" : dtype == KVL_DTYPE_F16 ? "f16" : dtype == KVL_DTYPE_BF16 ? "bf16" : "?";
}

static size_t dtype_bytes(int dtype) { return dtype == KVL_DTYPE_F32 ? 4u : 2u; }

int cli_load_array(const char *path, int dtype, uint32_t dim, cli_array *a)
{
    memset(a, 0, sizeof *a);
    if (cli_read_file(path, &a->buf, &a->len) != 0)
        return -1;
    if (cli_is_npy(path)) {
        kvl_npy_info info;
        char err[256];
        if (kvl_npy_parse(a->buf, a->len, &info, err, sizeof err) != 0) {
            fprintf(stderr, "kvl: %s: %s\n", path, err);
            cli_free_array(a);
            return -1;
        }
        if (dtype >= 0 && dtype != info.dtype) {
            fprintf(stderr, "kvl: %s holds %s but --dtype says %s\n", path, cli_dtype_name(info.dtype),
                    cli_dtype_name(dtype));
            cli_free_array(a);
            return -1;
        }
        a->dtype = info.dtype;
        if (info.ndim == 2u) {
            if (info.shape[1] == 0u || info.shape[1] > KVL_MAX_DIM) {
                fprintf(stderr, "kvl: %s: row length %llu is not a valid dimension\n", path,
                        (unsigned long long)info.shape[1]);
                cli_free_array(a);
                return -1;
            }
            if (dim && dim != info.shape[1]) {
                fprintf(stderr, "kvl: %s has rows of %llu values but --dim is %u\n", path,
                        (unsigned long long)info.shape[1], dim);
                cli_free_array(a);
                return -1;
            }
            a->dim = (uint32_t)info.shape[1];
        } else {
            if (!dim) {
                fprintf(stderr, "kvl: %s is 1-D: give --dim\n", path);
                cli_free_array(a);
                return -1;
            }
            a->dim = dim;
        }
        if (info.count % a->dim != 0u) {
            fprintf(stderr, "kvl: %s: %llu values are not a multiple of dim %u\n", path,
                    (unsigned long long)info.count, a->dim);
            cli_free_array(a);
            return -1;
        }
        a->rows = info.count / a->dim;
        a->data = a->buf + info.data_offset;
        return 0;
    }
    if (dtype < 0)
        dtype = KVL_DTYPE_F32;
    if (!dim) {
        fprintf(stderr, "kvl: %s is a raw array: give --dim\n", path);
        cli_free_array(a);
        return -1;
    }
    a->dtype = dtype;
    a->dim = dim;
    if (a->len % ((size_t)dim * dtype_bytes(dtype)) != 0u) {
        fprintf(stderr, "kvl: %s: %zu bytes is not a whole number of %u-value %s vectors\n", path,
                a->len, dim, cli_dtype_name(dtype));
        cli_free_array(a);
        return -1;
    }
    a->rows = a->len / ((size_t)dim * dtype_bytes(dtype));
    a->data = a->buf;
    return 0;
}

void cli_free_array(cli_array *a)
{
    free(a->buf);
    memset(a, 0, sizeof *a);
}

int cli_write_array(const char *path, const void *data, int dtype, uint64_t rows, uint32_t dim)
{
    FILE *f = fopen(path, "wb");
    size_t bytes = (size_t)rows * dim * dtype_bytes(dtype);
    if (!f) {
        fprintf(stderr, "kvl: cannot open '%s' for writing\n", path);
        return -1;
    }
    if (cli_is_npy(path)) {
        uint8_t hdr[256];
        size_t hlen = 0;
        char err[256];
        if (kvl_npy_write_header(hdr, sizeof hdr, dtype, rows, dim, &hlen, err, sizeof err) != 0) {
            fprintf(stderr, "kvl: %s: %s\n", path, err);
            fclose(f);
            remove(path);
            return -1;
        }
        if (fwrite(hdr, 1, hlen, f) != hlen) {
            fclose(f);
            fprintf(stderr, "kvl: write error on '%s'\n", path);
            return -1;
        }
    }
    if (fwrite(data, 1, bytes, f) != bytes || fclose(f) != 0) {
        fprintf(stderr, "kvl: write error on '%s'\n", path);
        return -1;
    }
    return 0;
}

int cli_membuf_sink(void *ctx, const uint8_t *bytes, size_t len)
{
    cli_membuf *m = (cli_membuf *)ctx;
    if (m->len + len > m->cap) {
        size_t ncap = m->cap ? m->cap : 4096u;
        uint8_t *nd;
        while (ncap < m->len + len)
            ncap *= 2u;
        nd = (uint8_t *)realloc(m->data, ncap);
        if (!nd)
            return -1;
        m->data = nd;
        m->cap = ncap;
    }
    memcpy(m->data + m->len, bytes, len);
    m->len += len;
    return 0;
}

int cli_file_sink(void *ctx, const uint8_t *bytes, size_t len)
{
    return fwrite(bytes, 1, len, (FILE *)ctx) == len ? 0 : -1;
}
