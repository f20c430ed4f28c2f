/*
 * conform_manifest.h -- vectors/manifest.json (vectors/README.md): loading it
 * and verifying the vector set against it (every listed file exists with the
 * listed size and SHA-256, every listed case directory exists).
 */
#ifndef CONFORM_MANIFEST_H
#define CONFORM_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

typedef struct cf_acc_entry {
    const char *profile;  /* points into the manifest JSON */
    uint32_t cases;
    const char *sha256;   /* 64 lower-case hex digits */
} cf_acc_entry;

typedef struct cf_manifest {
    json_t *root;
    char *dir;                   /* the vectors directory */
    const char *spec_version;    /* the strings point into root */
    const char *generator;
    const char *generator_version;
    long long abi_version;
    json_t *flags;               /* object: flag -> meaning (may be NULL) */
    const char **cases;          /* case ids, manifest order */
    size_t n_cases;
    const char **files;          /* listed paths, sorted (for cf_manifest_lists) */
    size_t n_files;
    cf_acc_entry *acc;
    size_t n_acc;
} cf_manifest;

/* Load `dir`/manifest.json and check the vector set against it. Every
 * problem is printed to `err` with the file it concerns. Returns the number
 * of problems (0: the set is intact); on a non-zero return the manifest may
 * be partly filled and must still be freed. */
int cf_manifest_load(const char *dir, cf_manifest *m, FILE *err);

/* 1 iff `path` (relative to the vectors directory) is listed under "files". */
int cf_manifest_lists(const cf_manifest *m, const char *path);

/* 1 iff `flag` is a key of "flags". */
int cf_manifest_has_flag(const cf_manifest *m, const char *flag);

void cf_manifest_free(cf_manifest *m);

/* 1 iff `p` is a relative path without "." or ".." components, empty
 * components or a leading '/'. */
int cf_safe_relpath(const char *p);

#endif /* CONFORM_MANIFEST_H */
