/*
 * conform_common.h -- small helpers shared by the kvl-conform sources: memory
 * and string helpers that exit on allocation failure, whole-file reads,
 * SHA-256 (OpenSSL EVP), the dtype and error-class names of the spec
 * (§2.2, §9.1), and a monotonic clock.
 */
#ifndef CONFORM_COMMON_H
#define CONFORM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define CF_NDTYPES 3 /* f32, f16, bf16: the kvlc.h codes 0, 1, 2 */
#define CF_NCLASSES 16

/* "f32", "f16", "bf16" for KVLC_F32/F16/BF16, else "?". */
const char *cf_dtype_name(int dtype);
/* -1 for an unknown name. */
int cf_dtype_parse(const char *name);
size_t cf_dtype_size(int dtype);

/* Spec §9.1 class name without prefix ("CRC") for 0..15, else NULL. */
const char *cf_class_name(int code);
/* "CRC" or "KVL_ERR_CRC" -> 7; -1 when unknown. */
int cf_class_parse(const char *name);
/* "CRC (7)", "OK (0)" or "unknown class (42)". */
void cf_class_text(int code, char *buf, size_t n);

void *cf_xmalloc(size_t n);
void *cf_xcalloc(size_t count, size_t size);
void *cf_xrealloc(void *p, size_t n);
char *cf_xstrdup(const char *s);
/* a + "/" + b, newly allocated. */
char *cf_path_join(const char *a, const char *b);
/* snprintf that always terminates and never warns about truncation. */
void cf_fmt(char *buf, size_t n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Read a whole file. 0, or -1 with errno set. *buf is malloc'd (never NULL
 * on success, even for an empty file). */
int cf_read_file(const char *path, uint8_t **buf, size_t *len);
/* Write a whole file. 0, or -1 with errno set. */
int cf_write_file(const char *path, const void *buf, size_t len);
int cf_is_dir(const char *path);
int cf_is_file(const char *path);

/* Lower-case hex SHA-256 of a buffer (OpenSSL EVP). 0, or -1. */
int cf_sha256_hex(const uint8_t *buf, size_t len, char hex[65]);

/* Seconds on a monotonic clock. */
double cf_now(void);

/* 1 iff `s` is in the comma-separated list `list` (NULL list: everything). */
int cf_in_list(const char *list, const char *s);

#endif /* CONFORM_COMMON_H */
