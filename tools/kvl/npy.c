/*
 * npy.c -- NumPy .npy header parsing and writing (see npy.h).
 *
 * The header dict is parsed by a small bounded lexer over exactly the header
 * bytes; every access checks the position against the header end, so a
 * malformed or truncated file can never make it read past `len`.
 */
#include "npy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kvlattice.h"

static const uint8_t npy_magic[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err != NULL && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---- Bounded lexer over the header text ------------------------------- */

typedef struct npy_lex {
    const uint8_t *s;
    size_t pos, end;
} npy_lex;

static int lex_peek(const npy_lex *lx)
{
    return lx->pos < lx->end ? (int)lx->s[lx->pos] : -1;
}

static void lex_ws(npy_lex *lx)
{
    while (lx->pos < lx->end) {
        const uint8_t c = lx->s[lx->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        lx->pos++;
    }
}

static int lex_char(npy_lex *lx, int c)
{
    lex_ws(lx);
    if (lex_peek(lx) != c)
        return -1;
    lx->pos++;
    return 0;
}

/* A quoted Python string without escapes, copied into out (cap bytes). */
static int lex_string(npy_lex *lx, char *out, size_t cap)
{
    int q;
    size_t n = 0;
    lex_ws(lx);
    q = lex_peek(lx);
    if (q != '\'' && q != '"')
        return -1;
    lx->pos++;
    while (lx->pos < lx->end && lx->s[lx->pos] != (uint8_t)q) {
        const uint8_t c = lx->s[lx->pos];
        if (c == '\\' || c < 0x20 || c > 0x7E || n + 1 >= cap)
            return -1;
        out[n++] = (char)c;
        lx->pos++;
    }
    if (lx->pos >= lx->end)
        return -1;
    lx->pos++; /* closing quote */
    out[n] = '\0';
    return 0;
}

/* A bare identifier (True / False), copied into out. */
static int lex_ident(npy_lex *lx, char *out, size_t cap)
{
    size_t n = 0;
    lex_ws(lx);
    while (lx->pos < lx->end) {
        const uint8_t c = lx->s[lx->pos];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'))
            break;
        if (n + 1 >= cap)
            return -1;
        out[n++] = (char)c;
        lx->pos++;
    }
    out[n] = '\0';
    return n > 0 ? 0 : -1;
}

/* Non-negative decimal integer (optional Python 2 'L' suffix); -2 on overflow. */
static int lex_uint(npy_lex *lx, uint64_t *v)
{
    uint64_t x = 0;
    size_t digits = 0;
    lex_ws(lx);
    while (lx->pos < lx->end && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9') {
        const uint64_t d = (uint64_t)(lx->s[lx->pos] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return -2;
        x = x * 10 + d;
        digits++;
        lx->pos++;
    }
    if (digits == 0)
        return -1;
    if (lex_peek(lx) == 'L')
        lx->pos++;
    *v = x;
    return 0;
}

/* Python tuple of non-negative ints: "()", "(n,)", "(a, b)", "(a, b,)".
 * Counts all entries (up to 64) but stores only the first two. */
static int lex_shape(npy_lex *lx, uint64_t shape[2], uint32_t *ndim, char *err, size_t errlen)
{
    uint32_t n = 0;
    int trailing_comma = 0;
    if (lex_char(lx, '(') != 0)
        return fail(err, errlen, "npy: 'shape' is not a tuple");
    lex_ws(lx);
    if (lex_peek(lx) == ')') {
        lx->pos++;
        *ndim = 0;
        return 0;
    }
    for (;;) {
        uint64_t v = 0;
        const int rc = lex_uint(lx, &v);
        if (rc == -2)
            return fail(err, errlen, "npy: shape dimension does not fit in 64 bits");
        if (rc != 0)
            return fail(err, errlen, "npy: malformed 'shape' tuple");
        if (n < 2)
            shape[n] = v;
        if (++n > 64)
            return fail(err, errlen, "npy: too many dimensions");
        trailing_comma = 0;
        lex_ws(lx);
        if (lex_peek(lx) == ',') {
            lx->pos++;
            trailing_comma = 1;
            lex_ws(lx);
        }
        if (lex_peek(lx) == ')') {
            lx->pos++;
            break;
        }
        if (!trailing_comma)
            return fail(err, errlen, "npy: malformed 'shape' tuple");
    }
    if (n == 1 && !trailing_comma)
        return fail(err, errlen, "npy: 'shape' is not a tuple (write (n,) for 1-D)");
    *ndim = n;
    return 0;
}

static int parse_descr(const char *d, int *dtype, char *err, size_t errlen)
{
    if (strcmp(d, "<f4") == 0) {
        *dtype = KVL_DTYPE_F32;
        return 0;
    }
    if (strcmp(d, "<f2") == 0) {
        *dtype = KVL_DTYPE_F16;
        return 0;
    }
    if (d[0] == '>' && d[1] != '\0' && d[2] != '\0' && d[1] == 'f' && (d[2] == '4' || d[2] == '2'))
        return fail(err, errlen,
                    "npy: big-endian data (descr '%s') not supported; save with "
                    "arr.astype('<f%c')", d, d[2]);
    if (strstr(d, "bfloat16") != NULL || strcmp(d, "<V2") == 0 || strcmp(d, "|V2") == 0)
        return fail(err, errlen,
                    "npy: bfloat16 has no .npy dtype (descr '%s'); use a raw file "
                    "(--dtype bf16) instead", d);
    if (strcmp(d, "<f8") == 0 || strcmp(d, "<d") == 0)
        return fail(err, errlen, "npy: float64 (descr '%s') not supported; save as float32 "
                                 "(arr.astype('<f4'))", d);
    return fail(err, errlen, "npy: unsupported descr '%s' (need '<f4' or '<f2')", d);
}

int kvl_npy_parse(const uint8_t *buf, size_t len, kvl_npy_info *info, char *err, size_t errlen)
{
    enum { K_DESCR = 1, K_FORTRAN = 2, K_SHAPE = 4 };
    size_t start;
    uint64_t hdr_len, esize, bytes;
    npy_lex lx;
    unsigned seen = 0;
    int dtype = 0, fortran = 0;
    uint64_t shape[2] = { 0, 0 };
    uint32_t ndim = 0;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (buf == NULL || info == NULL)
        return fail(err, errlen, "npy: no buffer");
    if (len < 8)
        return fail(err, errlen, "npy: truncated (%lu bytes, need at least 10)", (unsigned long)len);
    if (memcmp(buf, npy_magic, sizeof npy_magic) != 0)
        return fail(err, errlen, "npy: bad magic (not a .npy file)");
    if (buf[6] == 1 && buf[7] == 0) {
        if (len < 10)
            return fail(err, errlen, "npy: truncated header length");
        hdr_len = (uint64_t)buf[8] | (uint64_t)buf[9] << 8;
        start = 10;
    } else if (buf[6] == 2 && buf[7] == 0) {
        if (len < 12)
            return fail(err, errlen, "npy: truncated header length");
        hdr_len = (uint64_t)buf[8] | (uint64_t)buf[9] << 8 | (uint64_t)buf[10] << 16 |
                  (uint64_t)buf[11] << 24;
        start = 12;
    } else {
        return fail(err, errlen, "npy: unsupported format version %u.%u (need 1.0 or 2.0)",
                    (unsigned)buf[6], (unsigned)buf[7]);
    }
    if (hdr_len > (uint64_t)(len - start))
        return fail(err, errlen, "npy: header (%lu bytes) longer than the %lu bytes available",
                    (unsigned long)hdr_len, (unsigned long)(len - start));

    lx.s = buf;
    lx.pos = start;
    lx.end = start + (size_t)hdr_len;

    if (lex_char(&lx, '{') != 0)
        return fail(err, errlen, "npy: header is not a dict");
    for (;;) {
        char key[32], val[32];
        lex_ws(&lx);
        if (lex_peek(&lx) == '}') {
            lx.pos++;
            break;
        }
        if (lex_string(&lx, key, sizeof key) != 0)
            return fail(err, errlen, "npy: malformed header dict (expected a quoted key)");
        if (lex_char(&lx, ':') != 0)
            return fail(err, errlen, "npy: malformed header dict (expected ':')");
        if (strcmp(key, "descr") == 0) {
            if (seen & K_DESCR)
                return fail(err, errlen, "npy: duplicate key 'descr'");
            seen |= K_DESCR;
            if (lex_string(&lx, val, sizeof val) != 0)
                return fail(err, errlen, "npy: 'descr' is not a simple dtype string "
                                         "(structured arrays are not supported)");
            if (parse_descr(val, &dtype, err, errlen) != 0)
                return -1;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (seen & K_FORTRAN)
                return fail(err, errlen, "npy: duplicate key 'fortran_order'");
            seen |= K_FORTRAN;
            if (lex_ident(&lx, val, sizeof val) != 0)
                return fail(err, errlen, "npy: 'fortran_order' is not True/False");
            if (strcmp(val, "True") == 0)
                fortran = 1;
            else if (strcmp(val, "False") == 0)
                fortran = 0;
            else
                return fail(err, errlen, "npy: 'fortran_order' is not True/False");
        } else if (strcmp(key, "shape") == 0) {
            if (seen & K_SHAPE)
                return fail(err, errlen, "npy: duplicate key 'shape'");
            seen |= K_SHAPE;
            if (lex_shape(&lx, shape, &ndim, err, errlen) != 0)
                return -1;
        } else {
            return fail(err, errlen, "npy: unknown header key '%s'", key);
        }
        lex_ws(&lx);
        if (lex_peek(&lx) == ',') {
            lx.pos++;
            continue;
        }
        if (lex_peek(&lx) == '}') {
            lx.pos++;
            break;
        }
        return fail(err, errlen, "npy: malformed header dict (expected ',' or '}')");
    }
    lex_ws(&lx);
    if (lx.pos != lx.end)
        return fail(err, errlen, "npy: trailing bytes after the header dict");
    if (seen != (K_DESCR | K_FORTRAN | K_SHAPE))
        return fail(err, errlen, "npy: header lacks %s",
                    !(seen & K_DESCR) ? "'descr'" : !(seen & K_FORTRAN) ? "'fortran_order'" : "'shape'");
    if (fortran)
        return fail(err, errlen, "npy: fortran_order True not supported; save a C-order array "
                                 "(np.ascontiguousarray)");
    if (ndim == 0 || ndim > 2)
        return fail(err, errlen, "npy: %u-D array not supported (need 1-D or 2-D)", (unsigned)ndim);

    info->dtype = dtype;
    info->ndim = ndim;
    info->shape[0] = shape[0];
    info->shape[1] = ndim == 2 ? shape[1] : 0;
    info->data_offset = lx.end;
    if (ndim == 2 && shape[0] != 0 && shape[1] > UINT64_MAX / shape[0])
        return fail(err, errlen, "npy: shape element count overflows 64 bits");
    info->count = ndim == 2 ? shape[0] * shape[1] : shape[0];
    esize = dtype == KVL_DTYPE_F32 ? 4 : 2;
    if (info->count > UINT64_MAX / esize)
        return fail(err, errlen, "npy: array byte size overflows 64 bits");
    bytes = info->count * esize;
    if (bytes > UINT64_MAX - (uint64_t)info->data_offset)
        return fail(err, errlen, "npy: array byte size overflows 64 bits");
    return 0;
}

int kvl_npy_write_header(uint8_t *buf, size_t cap, int dtype, uint64_t rows, uint32_t cols,
                         size_t *hlen, char *err, size_t errlen)
{
    char dict[160];
    const char *descr;
    int n;
    size_t dlen, total, i;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (dtype == KVL_DTYPE_F32)
        descr = "<f4";
    else if (dtype == KVL_DTYPE_F16)
        descr = "<f2";
    else if (dtype == KVL_DTYPE_BF16)
        return fail(err, errlen, "npy: bfloat16 has no .npy dtype; write a raw file "
                                 "(--dtype bf16) instead");
    else
        return fail(err, errlen, "npy: unsupported dtype %d", dtype);
    if (buf == NULL || hlen == NULL)
        return fail(err, errlen, "npy: no buffer");

    if (cols == 0)
        n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%llu,), }",
                     descr, (unsigned long long)rows);
    else
        n = snprintf(dict, sizeof dict,
                     "{'descr': '%s', 'fortran_order': False, 'shape': (%llu, %lu), }", descr,
                     (unsigned long long)rows, (unsigned long)cols);
    if (n < 0 || (size_t)n >= sizeof dict)
        return fail(err, errlen, "npy: header formatting failed");
    dlen = (size_t)n;
    /* magic(6) version(2) HEADER_LEN(2) dict padding '\n', total % 64 == 0 */
    total = (10 + dlen + 1 + 63) / 64 * 64;
    if (total > cap)
        return fail(err, errlen, "npy: header needs %lu bytes, buffer has %lu",
                    (unsigned long)total, (unsigned long)cap);
    memcpy(buf, npy_magic, sizeof npy_magic);
    buf[6] = 1;
    buf[7] = 0;
    buf[8] = (uint8_t)((total - 10) & 0xFF);
    buf[9] = (uint8_t)((total - 10) >> 8);
    memcpy(buf + 10, dict, dlen);
    for (i = 10 + dlen; i < total - 1; i++)
        buf[i] = ' ';
    buf[total - 1] = '\n';
    *hlen = total;
    return 0;
}
