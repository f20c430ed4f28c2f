/* conform_manifest.c -- see conform_manifest.h. */
#include "conform_manifest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conform_common.h"
#include "kvlc.h"

int cf_safe_relpath(const char *p)
{
    const char *s = p;
    if (!*p || *p == '/')
        return 0;
    while (*s) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
            return 0;
        if (!e)
            break;
        s = e + 1;
        if (!*s)
            return 0; /* trailing slash */
    }
    return 1;
}

static int is_hex64(const char *s)
{
    size_t i;
    for (i = 0; i < 64u; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[64] == '\0';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *get_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Check one "files" entry: exists, size, SHA-256. Returns problems found. */
static int verify_file(const cf_manifest *m, json_t *e, size_t idx, FILE *err)
{
    const char *path = get_str(e, "path"), *sha = get_str(e, "sha256");
    json_t *jbytes = json_object_get(e, "bytes");
    char *full;
    uint8_t *buf;
    size_t len;
    char hex[65];
    int problems = 0;
    if (!path || !sha || !json_is_integer(jbytes)) {
        fprintf(err, "manifest.json: files[%zu] needs \"path\", \"sha256\" and \"bytes\"\n", idx);
        return 1;
    }
    if (!cf_safe_relpath(path)) {
        fprintf(err, "manifest.json: files[%zu]: unsafe path '%s'\n", idx, path);
        return 1;
    }
    if (!is_hex64(sha)) {
        fprintf(err, "manifest.json: %s: sha256 is not 64 lower-case hex digits\n", path);
        return 1;
    }
    full = cf_path_join(m->dir, path);
    if (!cf_is_file(full)) {
        fprintf(err, "%s: listed in manifest.json but missing (or not a regular file)\n", full);
        free(full);
        return 1;
    }
    if (cf_read_file(full, &buf, &len) != 0) {
        fprintf(err, "%s: cannot read: %s\n", full, strerror(errno));
        free(full);
        return 1;
    }
    if ((json_int_t)len != json_integer_value(jbytes)) {
        fprintf(err, "%s: %zu bytes, manifest.json says %lld\n", full, len,
                (long long)json_integer_value(jbytes));
        problems++;
    }
    if (cf_sha256_hex(buf, len, hex) != 0) {
        fprintf(err, "%s: SHA-256 computation failed (OpenSSL)\n", full);
        problems++;
    } else if (strcmp(hex, sha) != 0) {
        fprintf(err, "%s: SHA-256 mismatch: file %s, manifest.json %s\n", full, hex, sha);
        problems++;
    }
    free(buf);
    free(full);
    return problems;
}

static int load_files(cf_manifest *m, FILE *err)
{
    json_t *files = json_object_get(m->root, "files"), *e;
    size_t i;
    int problems = 0;
    if (!json_is_array(files)) {
        fprintf(err, "manifest.json: \"files\" is missing or not an array\n");
        return 1;
    }
    m->files = (const char **)cf_xcalloc(json_array_size(files), sizeof *m->files);
    json_array_foreach(files, i, e) {
        const char *path = get_str(e, "path");
        problems += verify_file(m, e, i, err);
        if (path)
            m->files[m->n_files++] = path;
    }
    qsort(m->files, m->n_files, sizeof *m->files, cmp_str);
    for (i = 1; i < m->n_files; i++)
        if (strcmp(m->files[i - 1], m->files[i]) == 0) {
            fprintf(err, "manifest.json: file '%s' listed twice\n", m->files[i]);
            problems++;
        }
    return problems;
}

static int load_cases(cf_manifest *m, FILE *err)
{
    json_t *cases = json_object_get(m->root, "cases"), *e;
    size_t i;
    int problems = 0;
    if (!json_is_array(cases)) {
        fprintf(err, "manifest.json: \"cases\" is missing or not an array\n");
        return 1;
    }
    m->cases = (const char **)cf_xcalloc(json_array_size(cases), sizeof *m->cases);
    json_array_foreach(cases, i, e) {
        const char *id = json_is_string(e) ? json_string_value(e) : NULL;
        char *dir, *cj, *rel;
        if (!id || !cf_safe_relpath(id)) {
            fprintf(err, "manifest.json: cases[%zu] is not a safe relative path\n", i);
            problems++;
            continue;
        }
        dir = cf_path_join(m->dir, id);
        cj = cf_path_join(dir, "case.json");
        rel = cf_path_join(id, "case.json");
        if (!cf_is_dir(dir)) {
            fprintf(err, "%s: case listed in manifest.json but the directory is missing\n", dir);
            problems++;
        } else if (!cf_is_file(cj)) {
            fprintf(err, "%s: missing\n", cj);
            problems++;
        } else if (!cf_manifest_lists(m, rel)) {
            fprintf(err, "%s: not listed under \"files\" in manifest.json (no SHA-256)\n", cj);
            problems++;
        }
        free(rel);
        free(cj);
        free(dir);
        m->cases[m->n_cases++] = id;
    }
    for (i = 0; i < m->n_cases; i++) {
        size_t j;
        for (j = i + 1; j < m->n_cases; j++)
            if (strcmp(m->cases[i], m->cases[j]) == 0) {
                fprintf(err, "manifest.json: case '%s' listed twice\n", m->cases[i]);
                problems++;
            }
    }
    return problems;
}

static int load_acc(cf_manifest *m, FILE *err)
{
    json_t *acc = json_object_get(m->root, "accumulated"), *e;
    size_t i;
    int problems = 0;
    if (!acc)
        return 0;
    if (!json_is_array(acc)) {
        fprintf(err, "manifest.json: \"accumulated\" is not an array\n");
        return 1;
    }
    m->acc = (cf_acc_entry *)cf_xcalloc(json_array_size(acc), sizeof *m->acc);
    json_array_foreach(acc, i, e) {
        const char *profile = get_str(e, "profile"), *sha = get_str(e, "sha256");
        json_t *n = json_object_get(e, "cases");
        if (!profile || !sha || !is_hex64(sha) || !json_is_integer(n) || json_integer_value(n) < 1 ||
            json_integer_value(n) > (json_int_t)UINT32_MAX) {
            fprintf(err, "manifest.json: accumulated[%zu] needs \"profile\", \"cases\" (1..2^32-1)"
                         " and a 64-hex-digit \"sha256\"\n", i);
            problems++;
            continue;
        }
        m->acc[m->n_acc].profile = profile;
        m->acc[m->n_acc].cases = (uint32_t)json_integer_value(n);
        m->acc[m->n_acc].sha256 = sha;
        m->n_acc++;
    }
    return problems;
}

int cf_manifest_load(const char *dir, cf_manifest *m, FILE *err)
{
    char *path;
    json_error_t jerr;
    json_t *abi;
    const char *format;
    int problems = 0;
    memset(m, 0, sizeof *m);
    m->dir = cf_xstrdup(dir);
    if (!cf_is_dir(dir)) {
        fprintf(err, "%s: vectors directory not found (use --vectors DIR or KVL_VECTORS)\n", dir);
        return 1;
    }
    path = cf_path_join(dir, "manifest.json");
    m->root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!m->root) {
        fprintf(err, "%s: %s (line %d)\n", path, jerr.text, jerr.line);
        free(path);
        return 1;
    }
    free(path);
    if (!json_is_object(m->root)) {
        fprintf(err, "manifest.json: not a JSON object\n");
        return 1;
    }
    format = get_str(m->root, "format");
    m->spec_version = get_str(m->root, "spec_version");
    m->generator = get_str(m->root, "generator");
    m->generator_version = get_str(m->root, "generator_version");
    abi = json_object_get(m->root, "abi_version");
    m->abi_version = json_is_integer(abi) ? (long long)json_integer_value(abi) : -1;
    m->flags = json_object_get(m->root, "flags");
    if (m->flags && !json_is_object(m->flags)) {
        fprintf(err, "manifest.json: \"flags\" is not an object\n");
        m->flags = NULL;
        problems++;
    }
    if (!format || strcmp(format, "kvlattice") != 0) {
        fprintf(err, "manifest.json: \"format\" is not \"kvlattice\"\n");
        problems++;
    }
    if (!m->spec_version || strncmp(m->spec_version, "1.", 2) != 0) {
        fprintf(err, "manifest.json: spec_version '%s': this kvl-conform implements format 1.x\n",
                m->spec_version ? m->spec_version : "(missing)");
        problems++;
    }
    if (m->abi_version != KVLC_ABI_VERSION) {
        fprintf(err, "manifest.json: abi_version %lld: this kvl-conform implements ABI %d\n",
                m->abi_version, KVLC_ABI_VERSION);
        problems++;
    }
    problems += load_files(m, err);
    problems += load_cases(m, err);
    problems += load_acc(m, err);
    return problems;
}

int cf_manifest_lists(const cf_manifest *m, const char *path)
{
    return m->files && bsearch(&path, m->files, m->n_files, sizeof *m->files, cmp_str) != NULL;
}

int cf_manifest_has_flag(const cf_manifest *m, const char *flag)
{
    return m->flags && json_object_get(m->flags, flag) != NULL;
}

void cf_manifest_free(cf_manifest *m)
{
    free(m->files);
    free(m->cases);
    free(m->acc);
    free(m->dir);
    if (m->root)
        json_decref(m->root);
    memset(m, 0, sizeof *m);
}
