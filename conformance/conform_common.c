/* conform_common.c -- see conform_common.h. */
#include "conform_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>

static const char *const kDtypes[CF_NDTYPES] = {"f32", "f16", "bf16"};

/* Spec §9.1, in code order. */
static const char *const kClasses[CF_NCLASSES] = {
    "OK",          "TRUNCATED", "MAGIC", "VERSION", "RESERVED", "FIELD", "INDEX",  "CRC",
    "OVERFLOW", "UNSUPPORTED", "NONFINITE", "RANGE", "ARG",   "BUFFER", "STATE", "IO"};

const char *cf_dtype_name(int dtype)
{
    return dtype >= 0 && dtype < CF_NDTYPES ? kDtypes[dtype] : "?";
}

int cf_dtype_parse(const char *name)
{
    int i;
    for (i = 0; i < CF_NDTYPES; i++)
        if (strcmp(name, kDtypes[i]) == 0)
            return i;
    return -1;
}

size_t cf_dtype_size(int dtype) { return dtype == 0 ? 4u : 2u; }

const char *cf_class_name(int code)
{
    return code >= 0 && code < CF_NCLASSES ? kClasses[code] : NULL;
}

int cf_class_parse(const char *name)
{
    int i;
    if (strncmp(name, "KVL_ERR_", 8) == 0)
        name += 8;
    for (i = 0; i < CF_NCLASSES; i++)
        if (strcmp(name, kClasses[i]) == 0)
            return i;
    return -1;
}

void cf_class_text(int code, char *buf, size_t n)
{
    const char *name = cf_class_name(code);
    if (name)
        cf_fmt(buf, n, "%s (%d)", name, code);
    else
        cf_fmt(buf, n, "unknown class (%d)", code);
}

static void oom(void)
{
    fputs("kvl-conform: out of memory\n", stderr);
    exit(3);
}

void *cf_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1u);
    if (!p)
        oom();
    return p;
}

void *cf_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1u, size ? size : 1u);
    if (!p)
        oom();
    return p;
}

void *cf_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1u);
    if (!q)
        oom();
    return q;
}

char *cf_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1u;
    char *d = (char *)cf_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

char *cf_path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = (char *)cf_xmalloc(la + lb + 2u);
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1u);
    return p;
}

void cf_fmt(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    if (n == 0)
        return;
    va_start(ap, fmt);
    if (vsnprintf(buf, n, fmt, ap) < 0)
        buf[0] = '\0';
    va_end(ap);
}

int cf_read_file(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b = NULL;
    size_t cap = 0, n = 0;
    int err;
    if (!f)
        return -1;
    for (;;) {
        size_t got;
        if (n == cap) {
            cap = cap ? cap * 2u : 65536u;
            b = (uint8_t *)cf_xrealloc(b, cap);
        }
        got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        err = errno;
        free(b);
        fclose(f);
        errno = err ? err : EIO;
        return -1;
    }
    fclose(f);
    *buf = b;
    *len = n;
    return 0;
}

int cf_write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;
    if (!f)
        return -1;
    ok = fwrite(buf, 1, len, f) == len;
    if (fclose(f) != 0)
        ok = 0;
    if (!ok && errno == 0)
        errno = EIO;
    return ok ? 0 : -1;
}

int cf_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int cf_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int cf_sha256_hex(const uint8_t *buf, size_t len, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;
    int ok;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return -1;
    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(ctx, buf, len) == 1 &&
         EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32u;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return -1;
    for (i = 0; i < 32u; i++) {
        hex[2u * i] = digits[md[i] >> 4];
        hex[2u * i + 1u] = digits[md[i] & 15u];
    }
    hex[64] = '\0';
    return 0;
}

double cf_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int cf_in_list(const char *list, const char *s)
{
    size_t n = strlen(s);
    const char *p = list;
    if (!list)
        return 1;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, s, n) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}
