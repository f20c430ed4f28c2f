/* vg_out.c -- writing the vector tree and manifest.json (vectors/README.md).
 * Every file written is hashed with OpenSSL's SHA-256 and listed in the
 * manifest; the manifest itself is the only file not listed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "accumulate.h"
#include "flags.h"
#include "vg.h"

typedef struct out_file {
    char *path;
    char sha[65];
    size_t bytes;
} out_file;

static char g_root[512];
static out_file *g_files;
static size_t g_nfiles, g_capfiles;
static char **g_cases;
static size_t g_ncases, g_capcases;
static json_t *g_acc;

static int mkdir_p(const char *path)
{
    char tmp[768];
    size_t i, n = strlen(path);
    if (n >= sizeof tmp)
        return -1;
    memcpy(tmp, path, n + 1u);
    for (i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == '\0') {
            char ch = tmp[i];
            tmp[i] = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return -1;
            tmp[i] = ch;
        }
    }
    return 0;
}

int vg_out_init(const char *root)
{
    if (strlen(root) >= sizeof g_root)
        return -1;
    strcpy(g_root, root);
    g_acc = json_array();
    return mkdir_p(root);
}

static int sha256_hex(const uint8_t *data, size_t n, char hex[65])
{
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned int len = 0, i;
    if (EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return -1;
    for (i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

static int write_bytes(const char *relpath, const uint8_t *data, size_t n)
{
    char path[768], dir[768];
    char *slash;
    FILE *f;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", g_root, relpath) >= sizeof path)
        return -1;
    strcpy(dir, path);
    slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        if (mkdir_p(dir))
            return -1;
    }
    f = fopen(path, "wb");
    if (!f)
        return -1;
    if (n && fwrite(data, 1, n, f) != n) {
        fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

int vg_out_write(const char *relpath, const uint8_t *data, size_t n)
{
    out_file *f;
    if (write_bytes(relpath, data, n))
        return -1;
    if (g_nfiles == g_capfiles) {
        size_t cap = g_capfiles ? 2u * g_capfiles : 256u;
        out_file *p = (out_file *)realloc(g_files, cap * sizeof *p);
        if (!p)
            return -1;
        g_files = p;
        g_capfiles = cap;
    }
    f = &g_files[g_nfiles];
    f->path = (char *)malloc(strlen(relpath) + 1u);
    if (!f->path || sha256_hex(data, n, f->sha))
        return -1;
    strcpy(f->path, relpath);
    f->bytes = n;
    g_nfiles++;
    return 0;
}

int vg_out_add_case(const char *case_id)
{
    size_t i;
    for (i = 0; i < g_ncases; i++)
        if (strcmp(g_cases[i], case_id) == 0)
            vg_die("duplicate case id %s", case_id);
    if (g_ncases == g_capcases) {
        size_t cap = g_capcases ? 2u * g_capcases : 256u;
        char **p = (char **)realloc(g_cases, cap * sizeof *p);
        if (!p)
            return -1;
        g_cases = p;
        g_capcases = cap;
    }
    g_cases[g_ncases] = (char *)malloc(strlen(case_id) + 1u);
    if (!g_cases[g_ncases])
        return -1;
    strcpy(g_cases[g_ncases++], case_id);
    return 0;
}

void vg_out_accumulated(const char *profile, uint32_t cases, const char *sha_hex)
{
    json_array_append_new(g_acc, json_pack("{s:s, s:i, s:s}", "profile", profile, "cases", (int)cases,
                                           "sha256", sha_hex));
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const out_file *)a)->path, ((const out_file *)b)->path);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int vg_out_finish(const char *generator_version)
{
    json_t *root = json_object(), *flags = json_object(), *files = json_array(), *cases = json_array();
    char *text;
    size_t i;
    int rc;
    qsort(g_files, g_nfiles, sizeof *g_files, cmp_file);
    qsort(g_cases, g_ncases, sizeof *g_cases, cmp_str);
    for (i = 0; vg_flag_docs[i].name; i++)
        json_object_set_new(flags, vg_flag_docs[i].name, json_string(vg_flag_docs[i].meaning));
    for (i = 0; i < g_nfiles; i++)
        json_array_append_new(files, json_pack("{s:s, s:s, s:I}", "path", g_files[i].path, "sha256",
                                               g_files[i].sha, "bytes", (json_int_t)g_files[i].bytes));
    for (i = 0; i < g_ncases; i++)
        json_array_append_new(cases, json_string(g_cases[i]));
    json_object_set_new(root, "$schema", json_string("./manifest.schema.json"));
    json_object_set_new(root, "format", json_string("kvlattice"));
    json_object_set_new(root, "spec_version", json_string("1.0"));
    json_object_set_new(root, "generator", json_string("kvl-vectorgen"));
    json_object_set_new(root, "generator_version", json_string(generator_version));
    json_object_set_new(root, "abi_version", json_integer(KVLC_ABI_VERSION));
    json_object_set_new(root, "flags", flags);
    json_object_set_new(root, "accumulated", g_acc);
    json_object_set_new(root, "cases", cases);
    json_object_set_new(root, "files", files);
    text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(root);
    if (!text)
        return -1;
    {
        size_t n = strlen(text);
        char path[768];
        FILE *f;
        snprintf(path, sizeof path, "%s/manifest.json", g_root);
        f = fopen(path, "wb");
        rc = f && fwrite(text, 1, n, f) == n && fputc('\n', f) != EOF ? 0 : -1;
        if (f && fclose(f) != 0)
            rc = -1;
    }
    free(text);
    for (i = 0; i < g_nfiles; i++)
        free(g_files[i].path);
    free(g_files);
    for (i = 0; i < g_ncases; i++)
        free(g_cases[i]);
    free(g_cases);
    return rc;
}
