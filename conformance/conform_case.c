/* conform_case.c -- see conform_case.h. The case.json format is defined in
 * vectors/README.md. */
#include "conform_case.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <inttypes.h>

static const char *const kGroups[CF_NGROUPS] = {"valid", "unusual", "faulty"};
static const char *const kRoles[] = {"none", "k", "v", "other", NULL};
static const char *const kModes[] = {"raw", "fp8", "lattice", NULL};
static const char *const kScales[] = {"f32", "ue8m0", "f16", NULL};
static const char *const kLattices[] = {"d4", "e8", NULL};
static const char *const kSkeletons[] = {"none", "mean", "pca", NULL};
static const char *const kDtypeNames[] = {"f32", "f16", "bf16", NULL};

static const char *name_of(const char *const *names, int n, int v)
{
    return v >= 0 && v < n ? names[v] : "?";
}

const char *cf_group_name(int group) { return name_of(kGroups, CF_NGROUPS, group); }
const char *cf_role_name(int role) { return name_of(kRoles, 4, role); }
const char *cf_mode_name(int mode) { return name_of(kModes, 3, mode); }
const char *cf_scale_name(int scale) { return name_of(kScales, 3, scale); }
const char *cf_lattice_name(int lattice) { return name_of(kLattices, 2, lattice); }
const char *cf_skeleton_name(int skeleton) { return name_of(kSkeletons, 3, skeleton); }

int cf_group_parse(const char *name)
{
    int i;
    for (i = 0; i < CF_NGROUPS; i++)
        if (strcmp(name, kGroups[i]) == 0)
            return i;
    return -1;
}

/* ---- typed JSON access with one error message ----------------------------- */
typedef struct pctx {
    char *err;
    size_t errlen;
    const char *where; /* e.g. "tensors[0].params" */
} pctx;

static int fail(pctx *p, const char *key, const char *what)
{
    cf_fmt(p->err, p->errlen, "case.json: %s%s%s: %s", p->where, *p->where ? "." : "", key, what);
    return -1;
}

static int get_int(pctx *p, json_t *o, const char *key, long long lo, long long hi, int required,
                   long long dflt, long long *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        if (required)
            return fail(p, key, "missing");
        *out = dflt;
        return 0;
    }
    if (!json_is_integer(v))
        return fail(p, key, "not an integer");
    if ((long long)json_integer_value(v) < lo || (long long)json_integer_value(v) > hi)
        return fail(p, key, "out of the range of the kvlc.h field");
    *out = (long long)json_integer_value(v);
    return 0;
}

static int get_enum(pctx *p, json_t *o, const char *key, const char *const *names, int required,
                    int dflt, int *out)
{
    json_t *v = json_object_get(o, key);
    int i;
    if (!v) {
        if (required)
            return fail(p, key, "missing");
        *out = dflt;
        return 0;
    }
    if (!json_is_string(v))
        return fail(p, key, "not a string");
    for (i = 0; names[i]; i++)
        if (strcmp(json_string_value(v), names[i]) == 0) {
            *out = i;
            return 0;
        }
    return fail(p, key, "unknown value");
}

static int get_str(pctx *p, json_t *o, const char *key, int required, char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v)
        return required ? fail(p, key, "missing") : 0;
    if (!json_is_string(v))
        return fail(p, key, "not a string");
    *out = cf_xstrdup(json_string_value(v));
    return 0;
}

static int get_str_array(pctx *p, json_t *o, const char *key, char ***out, size_t *n)
{
    json_t *v = json_object_get(o, key), *e;
    size_t i;
    *out = NULL;
    *n = 0;
    if (!v)
        return 0;
    if (!json_is_array(v))
        return fail(p, key, "not an array");
    *out = (char **)cf_xcalloc(json_array_size(v), sizeof **out);
    json_array_foreach(v, i, e) {
        if (!json_is_string(e))
            return fail(p, key, "holds a non-string");
        (*out)[(*n)++] = cf_xstrdup(json_string_value(e));
    }
    return 0;
}

/* A file the case uses: a safe name, present, listed in the manifest. */
static int check_file(const cf_manifest *m, const cf_case *c, const char *file, pctx *p)
{
    char *rel, *full;
    int rc = 0;
    if (!cf_safe_relpath(file))
        return fail(p, file, "unsafe file name");
    rel = cf_path_join(c->id, file);
    full = cf_path_join(m->dir, rel);
    if (!cf_is_file(full)) {
        cf_fmt(p->err, p->errlen, "%s: missing (named by case.json)", full);
        rc = -1;
    } else if (!cf_manifest_lists(m, rel)) {
        cf_fmt(p->err, p->errlen, "%s: not listed under \"files\" in manifest.json (no SHA-256)", full);
        rc = -1;
    }
    free(full);
    free(rel);
    return rc;
}

/* {"result": "ok", key: file} or {"result": "error", "error": CLASS, "code": N}. */
static int get_expect(pctx *p, json_t *o, const char *filekey, cf_expect *e)
{
    char *result = NULL, *cls = NULL;
    long long code = -1;
    json_t *r;
    memset(e, 0, sizeof *e);
    e->present = 1;
    if (!json_is_object(o))
        return fail(p, "", "not an object");
    if (get_str(p, o, "result", 1, &result) != 0)
        return -1;
    r = json_object_get(o, "refusable");
    if (r) {
        if (!json_is_string(r) || strcmp(json_string_value(r), "UNSUPPORTED") != 0) {
            free(result);
            return fail(p, "refusable", "must be \"UNSUPPORTED\"");
        }
        e->refusable = 1;
    }
    if (strcmp(result, "ok") == 0) {
        free(result);
        e->ok = 1;
        return get_str(p, o, filekey, 1, &e->file);
    }
    if (strcmp(result, "error") != 0) {
        free(result);
        return fail(p, "result", "neither \"ok\" nor \"error\"");
    }
    free(result);
    if (get_str(p, o, "error", 0, &cls) != 0 ||
        get_int(p, o, "code", 1, CF_NCLASSES - 1, 0, -1, &code) != 0) {
        free(cls);
        return -1;
    }
    if (!cls && code < 0) {
        return fail(p, "error", "an error expectation needs \"error\" or \"code\"");
    }
    if (cls) {
        int c = cf_class_parse(cls);
        free(cls);
        if (c < 1)
            return fail(p, "error", "not an error class of spec §9.1");
        if (code >= 0 && code != c)
            return fail(p, "code", "does not match \"error\"");
        code = c;
    }
    e->code = (int)code;
    return 0;
}

static int load_params(pctx *p, json_t *o, kvlc_tensor *t)
{
    int mode, v;
    long long n;
    json_t *sr;
    if (!json_is_object(o))
        return fail(p, "", "not an object");
    if (get_enum(p, o, "mode", kModes, 1, 0, &mode) != 0)
        return -1;
    t->mode = (uint8_t)mode;
    if (mode == KVLC_RAW) {
        if (get_enum(p, o, "dtype", kDtypeNames, 1, 0, &v) != 0)
            return -1;
        t->raw_dtype = (uint8_t)v;
    } else if (mode == KVLC_FP8) {
        if (get_int(p, o, "block", 0, 65535, 1, 0, &n) != 0)
            return -1;
        t->fp8_block = (uint16_t)n;
        if (get_enum(p, o, "scale", kScales, 1, 0, &v) != 0)
            return -1;
        t->fp8_scale = (uint8_t)v;
        sr = json_object_get(o, "split_rope");
        if (sr && !json_is_boolean(sr))
            return fail(p, "split_rope", "not a boolean");
        t->fp8_split_rope = (uint8_t)(sr && json_is_true(sr));
    } else {
        if (get_enum(p, o, "lattice", kLattices, 1, 0, &v) != 0)
            return -1;
        t->lattice = (uint8_t)v;
        if (get_int(p, o, "q", 0, 65535, 1, 0, &n) != 0)
            return -1;
        t->q = (uint16_t)n;
        if (get_int(p, o, "outliers", 0, 255, 0, 0, &n) != 0)
            return -1;
        t->outliers = (uint8_t)n;
        if (get_enum(p, o, "skeleton", kSkeletons, 0, 0, &v) != 0)
            return -1;
        t->skeleton = (uint8_t)v;
        if (get_int(p, o, "rank", 0, 255, 0, 0, &n) != 0)
            return -1;
        t->rank = (uint8_t)n;
    }
    return 0;
}

static int load_tensor(pctx *p, json_t *o, cf_case *c, uint32_t i)
{
    kvlc_tensor *t = &c->tensors[i];
    long long n;
    int v;
    json_t *name;
    char where[48];
    pctx q = *p;
    cf_fmt(where, sizeof where, "tensors[%u]", i);
    q.where = where;
    if (!json_is_object(o))
        return fail(&q, "", "not an object");
    if (get_int(&q, o, "dim", 0, UINT32_MAX, 1, 0, &n) != 0)
        return -1;
    t->dim = (uint32_t)n;
    if (get_int(&q, o, "chunk_len", 0, UINT32_MAX, 1, 0, &n) != 0)
        return -1;
    t->chunk_len = (uint32_t)n;
    if (get_enum(&q, o, "role", kRoles, 0, 0, &v) != 0)
        return -1;
    t->role = (uint8_t)v;
    if (get_int(&q, o, "layer", INT32_MIN, INT32_MAX, 0, -1, &n) != 0)
        return -1;
    t->layer = (int32_t)n;
    if (get_int(&q, o, "head", INT32_MIN, INT32_MAX, 0, -1, &n) != 0)
        return -1;
    t->head = (int32_t)n;
    if (get_enum(&q, o, "in_dtype", kDtypeNames, 1, 0, &v) != 0)
        return -1;
    t->in_dtype = (uint8_t)v;
    if (get_int(&q, o, "n_vectors", 0, INT64_MAX, 1, 0, &n) != 0)
        return -1;
    t->n_vectors = (uint64_t)n;
    name = json_object_get(o, "name");
    if (name && !json_is_null(name)) {
        size_t len;
        if (!json_is_string(name))
            return fail(&q, "name", "not a string");
        len = json_string_length(name);
        if (len > 65535u)
            return fail(&q, "name", "longer than 65535 bytes");
        c->names[i] = (char *)cf_xmalloc(len + 1u);
        memcpy(c->names[i], json_string_value(name), len + 1u);
        t->name = c->names[i];
        t->name_len = (uint16_t)len;
    }
    if (t->dim && t->n_vectors > (uint64_t)SIZE_MAX / t->dim / cf_dtype_size(t->in_dtype))
        return fail(&q, "n_vectors", "input too large for this machine");
    c->tensor_bytes[i] = (size_t)t->n_vectors * t->dim * cf_dtype_size(t->in_dtype);
    if (c->tensor_bytes[i] > SIZE_MAX - c->input_bytes)
        return fail(&q, "n_vectors", "input too large for this machine");
    c->input_bytes += c->tensor_bytes[i];
    cf_fmt(where, sizeof where, "tensors[%u].params", i);
    return load_params(&q, json_object_get(o, "params"), t);
}

/* input.bin: listed, and exactly the size the tensors need (it may be absent
 * only when they need no bytes). */
static int check_input(const cf_manifest *m, const cf_case *c, pctx *p)
{
    char *in = cf_path_join(c->dir, "input.bin");
    struct stat st;
    int rc = 0;
    if (stat(in, &st) != 0) {
        if (c->input_bytes > 0) {
            cf_fmt(p->err, p->errlen, "%s: missing (the case has an encoder test)", in);
            rc = -1;
        }
    } else if (check_file(m, c, "input.bin", p) != 0) {
        rc = -1;
    } else if ((uintmax_t)st.st_size != (uintmax_t)c->input_bytes) {
        cf_fmt(p->err, p->errlen, "%s: %jd bytes, but the tensors of case.json need %zu", in,
               (intmax_t)st.st_size, c->input_bytes);
        rc = -1;
    }
    free(in);
    return rc;
}

static int load_decode(pctx *p, const cf_manifest *m, json_t *d, cf_case *c)
{
    int dt;
    json_t *r = json_object_get(d, "refusable");
    pctx q = *p;
    q.where = "decode";
    if (!json_is_object(d))
        return fail(&q, "", "not an object");
    if (r && (!json_is_string(r) || strcmp(json_string_value(r), "UNSUPPORTED") != 0))
        return fail(&q, "refusable", "must be \"UNSUPPORTED\"");
    if (get_str(&q, d, "stream", 1, &c->decode_stream) != 0 ||
        check_file(m, c, c->decode_stream, &q) != 0)
        return -1;
    c->has_decode = 1;
    for (dt = 0; dt < CF_NDTYPES; dt++) {
        json_t *o = json_object_get(d, cf_dtype_name(dt));
        char where[32];
        if (!o)
            continue;
        cf_fmt(where, sizeof where, "decode.%s", cf_dtype_name(dt));
        q.where = where;
        if (get_expect(&q, o, "file", &c->decode[dt]) != 0)
            return -1;
        if (r)
            c->decode[dt].refusable = 1;
        if (c->decode[dt].ok && check_file(m, c, c->decode[dt].file, &q) != 0)
            return -1;
    }
    return 0;
}

int cf_case_load(const cf_manifest *m, const char *id, cf_case *c, char *err, size_t errlen)
{
    char *path, *group = NULL, *cid = NULL;
    json_t *root, *tensors, *enc, *dec;
    json_error_t jerr;
    pctx p;
    int rc = -1;
    memset(c, 0, sizeof *c);
    p.err = err;
    p.errlen = errlen;
    p.where = "";
    c->id = cf_xstrdup(id);
    c->dir = cf_path_join(m->dir, id);
    path = cf_path_join(c->dir, "case.json");
    root = json_load_file(path, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!root) {
        cf_fmt(err, errlen, "%s: %s (line %d)", path, jerr.text, jerr.line);
        free(path);
        return -1;
    }
    free(path);
    if (!json_is_object(root)) {
        fail(&p, "", "not a JSON object");
        goto out;
    }
    if (get_str(&p, root, "id", 1, &cid) != 0)
        goto out;
    if (strcmp(cid, id) != 0) {
        cf_fmt(err, errlen, "%s/case.json: \"id\" is '%s', not its directory", c->dir, cid);
        goto out;
    }
    if (get_str(&p, root, "group", 1, &group) != 0)
        goto out;
    c->group = cf_group_parse(group);
    if (c->group < 0) {
        fail(&p, "group", "not valid, unusual or faulty");
        goto out;
    }
    {
        size_t gl = strlen(group);
        const char *s = strstr(id, group);
        if (!s || (s != id && s[-1] != '/') || s[gl] != '/') {
            cf_fmt(err, errlen, "%s/case.json: group '%s' does not match the case directory", c->dir,
                   group);
            goto out;
        }
    }
    if (get_str(&p, root, "profile", 1, &c->profile) != 0 ||
        get_str(&p, root, "description", 0, &c->description) != 0 ||
        get_str_array(&p, root, "flags", &c->flags, &c->n_flags) != 0 ||
        get_str_array(&p, root, "spec", &c->spec, &c->n_spec) != 0)
        goto out;
    if (!c->description)
        c->description = cf_xstrdup("");

    tensors = json_object_get(root, "tensors");
    if (tensors) {
        size_t i;
        json_t *t;
        if (!json_is_array(tensors) || json_array_size(tensors) > UINT32_MAX) {
            fail(&p, "tensors", "not an array");
            goto out;
        }
        c->has_tensors = 1;
        c->n_tensors = (uint32_t)json_array_size(tensors);
        c->tensors = (kvlc_tensor *)cf_xcalloc(c->n_tensors, sizeof *c->tensors);
        c->tensor_bytes = (size_t *)cf_xcalloc(c->n_tensors, sizeof *c->tensor_bytes);
        c->names = (char **)cf_xcalloc(c->n_tensors, sizeof *c->names);
        json_array_foreach(tensors, i, t) {
            if (load_tensor(&p, t, c, (uint32_t)i) != 0)
                goto out;
        }
        c->tensors_json = json_incref(tensors);
    }

    enc = json_object_get(root, "encode");
    if (enc) {
        pctx q = p;
        q.where = "encode";
        if (get_expect(&q, enc, "stream", &c->encode) != 0)
            goto out;
        if (!c->has_tensors) {
            fail(&q, "", "an encoder test needs \"tensors\"");
            goto out;
        }
        if (c->encode.ok && check_file(m, c, c->encode.file, &q) != 0)
            goto out;
        if (check_input(m, c, &q) != 0)
            goto out;
    }

    dec = json_object_get(root, "decode");
    if (dec && load_decode(&p, m, dec, c) != 0)
        goto out;
    rc = 0;
out:
    free(cid);
    free(group);
    json_decref(root);
    return rc;
}

void cf_case_free(cf_case *c)
{
    size_t i;
    for (i = 0; i < c->n_flags; i++)
        free(c->flags[i]);
    for (i = 0; i < c->n_spec; i++)
        free(c->spec[i]);
    for (i = 0; c->names && i < c->n_tensors; i++)
        free(c->names[i]);
    for (i = 0; i < CF_NDTYPES; i++)
        free(c->decode[i].file);
    free(c->flags);
    free(c->spec);
    free(c->names);
    free(c->tensors);
    free(c->tensor_bytes);
    free(c->encode.file);
    free(c->decode_stream);
    free(c->profile);
    free(c->description);
    free(c->dir);
    free(c->id);
    if (c->tensors_json)
        json_decref(c->tensors_json);
    memset(c, 0, sizeof *c);
}

int cf_case_has_flag(const cf_case *c, const char *flag)
{
    size_t i;
    for (i = 0; i < c->n_flags; i++)
        if (strcmp(c->flags[i], flag) == 0)
            return 1;
    return 0;
}

int cf_case_read(const cf_case *c, const char *file, uint8_t **buf, size_t *len, char *err,
                 size_t errlen)
{
    char *path = cf_path_join(c->dir, file);
    int rc = cf_read_file(path, buf, len);
    if (rc != 0)
        cf_fmt(err, errlen, "%s: %s", path, strerror(errno));
    free(path);
    return rc;
}

uint8_t *cf_case_load_input(const cf_case *c, char *err, size_t errlen)
{
    uint8_t *buf = NULL;
    size_t len = 0, off = 0;
    uint32_t i;
    char *path = cf_path_join(c->dir, "input.bin");
    if (!cf_is_file(path) && c->input_bytes == 0) {
        buf = (uint8_t *)cf_xmalloc(1);
    } else if (cf_read_file(path, &buf, &len) != 0) {
        cf_fmt(err, errlen, "%s: %s", path, strerror(errno));
        free(path);
        return NULL;
    }
    if (len != c->input_bytes) {
        cf_fmt(err, errlen, "%s: %zu bytes, the tensors of case.json need %zu", path, len,
               c->input_bytes);
        free(buf);
        free(path);
        return NULL;
    }
    free(path);
    for (i = 0; i < c->n_tensors; i++) {
        c->tensors[i].data = buf + off;
        off += c->tensor_bytes[i];
    }
    return buf;
}
