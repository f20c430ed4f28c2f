/* vg_case.c -- building, checking and writing one test case (see vg.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "flags.h"
#include "gen.h"
#include "vg.h"

static vg_case g_case;
static int g_open;

void vg_die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "kvl-vectorgen: ");
    if (g_open)
        fprintf(stderr, "case %s/%s: ", g_case.group, g_case.name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1u);
    if (!p)
        vg_die("out of memory (%zu bytes)", n);
    return p;
}

vg_case *vg_begin(const char *group, const char *name, const char *profile, const char *desc)
{
    if (g_open)
        vg_die("vg_begin(%s) while case %s is open", name, g_case.name);
    memset(&g_case, 0, sizeof g_case);
    g_open = 1;
    g_case.group = group;
    g_case.profile = profile;
    if (strlen(name) >= sizeof g_case.name || strlen(desc) >= sizeof g_case.desc)
        vg_die("name or description too long: %s", name);
    strcpy(g_case.name, name);
    strcpy(g_case.desc, desc);
    return &g_case;
}

void vg_flags(vg_case *c, ...)
{
    va_list ap;
    const char *f;
    va_start(ap, c);
    while ((f = va_arg(ap, const char *)) != NULL) {
        if (!vg_flag_known(f))
            vg_die("undocumented flag '%s' (add it to flags.c)", f);
        if (c->n_flags == VG_MAX_FLAGS)
            vg_die("too many flags");
        c->flags[c->n_flags++] = f;
    }
    va_end(ap);
}

void vg_spec(vg_case *c, ...)
{
    va_list ap;
    const char *s;
    va_start(ap, c);
    while ((s = va_arg(ap, const char *)) != NULL) {
        if (c->n_spec == VG_MAX_SPEC)
            vg_die("too many spec sections");
        c->spec[c->n_spec++] = s;
    }
    va_end(ap);
}

kvl_chunk_params vg_raw(int dtype)
{
    kvl_chunk_params p;
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_RAW;
    p.raw_dtype = (uint8_t)dtype;
    return p;
}

kvl_chunk_params vg_fp8(uint16_t block, int scale, int split)
{
    kvl_chunk_params p;
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_FP8;
    p.fp8_block = block;
    p.fp8_scale = (uint8_t)scale;
    p.fp8_split_rope = (uint8_t)split;
    return p;
}

kvl_chunk_params vg_lat(int lattice, uint16_t q, uint8_t outliers, int skeleton, uint8_t rank)
{
    kvl_chunk_params p;
    memset(&p, 0, sizeof p);
    p.mode = KVL_MODE_LATTICE;
    p.lattice = (uint8_t)lattice;
    p.q = q;
    p.outliers = outliers;
    p.skeleton = (uint8_t)skeleton;
    p.rank = rank;
    return p;
}

static size_t dtype_size(int dt) { return dt == KVL_DTYPE_F32 ? 4u : 2u; }

static size_t tensor_bytes(const kvlc_tensor *t)
{
    return (size_t)t->n_vectors * t->dim * dtype_size(t->in_dtype);
}

/* Byte offset of tensor ti's input in c->input. */
static size_t tensor_offset(const vg_case *c, int ti)
{
    size_t off = 0;
    int i;
    for (i = 0; i < ti; i++)
        off += tensor_bytes(&c->t[i]);
    return off;
}

int vg_tensor(vg_case *c, uint32_t dim, uint32_t chunk_len, uint64_t n, int in_dtype,
              const kvl_chunk_params *p, const char *name)
{
    kvlc_tensor *t;
    int ti = (int)c->n_tensors;
    size_t add;
    uint8_t *grown;
    if (c->n_tensors == VG_MAX_TENSORS)
        vg_die("too many tensors");
    t = &c->t[ti];
    memset(t, 0, sizeof *t);
    t->dim = dim;
    t->chunk_len = chunk_len;
    t->role = KVL_ROLE_NONE;
    t->in_dtype = (uint8_t)in_dtype;
    t->layer = -1;
    t->head = -1;
    if (name) {
        size_t len = strlen(name);
        if (len > KVL_MAX_NAME_LEN)
            vg_die("tensor name too long");
        memcpy(c->tname[ti], name, len + 1u);
        t->name = c->tname[ti];
        t->name_len = (uint16_t)len;
    }
    t->mode = p->mode;
    t->raw_dtype = p->raw_dtype;
    t->fp8_block = p->fp8_block;
    t->fp8_scale = p->fp8_scale;
    t->fp8_split_rope = p->fp8_split_rope;
    t->lattice = p->lattice;
    t->q = p->q;
    t->outliers = p->outliers;
    t->skeleton = p->skeleton;
    t->rank = p->rank;
    t->n_vectors = n;
    c->n_tensors++;
    add = tensor_bytes(t);
    grown = (uint8_t *)realloc(c->input, c->input_bytes + add + 1u);
    if (!grown)
        vg_die("out of memory");
    c->input = grown;
    memset(c->input + c->input_bytes, 0, add);
    c->input_bytes += add;
    c->encode_test = 1;
    return ti;
}

/* Store binary32 v as element i of tensor ti's input (RNE to f16/bf16). */
static void store_value(vg_case *c, int ti, size_t i, float v)
{
    const kvlc_tensor *t = &c->t[ti];
    uint8_t *p = c->input + tensor_offset(c, ti);
    uint32_t bits;
    size_t es = dtype_size(t->in_dtype), j;
    if (t->in_dtype == KVL_DTYPE_F32)
        memcpy(&bits, &v, 4);
    else if (t->in_dtype == KVL_DTYPE_F16)
        bits = kvl_f32_to_f16(v);
    else
        bits = kvl_f32_to_bf16(v);
    for (j = 0; j < es; j++)
        p[i * es + j] = (uint8_t)(bits >> (8u * j));
}

void vg_fill_f32(vg_case *c, int ti, const float *v)
{
    size_t i, n = (size_t)c->t[ti].n_vectors * c->t[ti].dim;
    for (i = 0; i < n; i++)
        store_value(c, ti, i, v[i]);
}

void vg_fill_bits(vg_case *c, int ti, const uint32_t *bits)
{
    size_t i, n = (size_t)c->t[ti].n_vectors * c->t[ti].dim;
    for (i = 0; i < n; i++) {
        float f;
        memcpy(&f, &bits[i], 4);
        store_value(c, ti, i, f);
    }
}

void vg_fill_gen(vg_case *c, int ti, int kind, uint64_t seed, float scale)
{
    size_t i, n = (size_t)c->t[ti].n_vectors * c->t[ti].dim;
    float *v = (float *)xmalloc(n * sizeof *v);
    if (kvl_gen_fill(kind, seed, c->t[ti].dim, 0, c->t[ti].n_vectors, v))
        vg_die("kvl_gen_fill failed");
    if (scale != 1.0f)
        for (i = 0; i < n; i++)
            v[i] = v[i] * scale;
    vg_fill_f32(c, ti, v);
    free(v);
}

/* Point each tensor's data at its input slice. */
static void bind_inputs(vg_case *c)
{
    uint32_t i;
    for (i = 0; i < c->n_tensors; i++)
        c->t[i].data = c->input + tensor_offset(c, (int)i);
}

/* Run the reference encoder; *out is malloc'ed on success. */
static int ref_encode(vg_case *c, uint8_t **out, size_t *len)
{
    size_t cap = 1u << 16;
    int st;
    bind_inputs(c);
    *out = (uint8_t *)xmalloc(cap);
    st = kvlc_encode(c->t, c->n_tensors, *out, cap, len);
    if (st == KVL_ERR_BUFFER) {
        free(*out);
        cap = *len;
        *out = (uint8_t *)xmalloc(cap);
        st = kvlc_encode(c->t, c->n_tensors, *out, cap, len);
    }
    if (st != KVL_OK) {
        free(*out);
        *out = NULL;
        *len = 0;
    }
    return st;
}

int vg_encode(vg_case *c)
{
    int st;
    free(c->stream);
    st = ref_encode(c, &c->stream, &c->stream_len);
    return st;
}

void vg_expect_encode(vg_case *c, int cls)
{
    c->encode_test = 1;
    c->encode_error = cls;
}

void vg_decoder_only(vg_case *c) { c->encode_test = 0; }

void vg_expect_decode(vg_case *c, int cls)
{
    c->decode_test = 1;
    c->decode_error = cls;
}

/* ---- checking and writing ---------------------------------------------- */

static const char *const kDtypeName[3] = {"f32", "f16", "bf16"};
static const char *const kRoleName[4] = {"none", "k", "v", "other"};

/* "KVL_ERR_CRC" -> "CRC" */
static const char *class_name(int st)
{
    const char *n = kvl_status_name(st);
    return strncmp(n, "KVL_ERR_", 8) == 0 ? n + 8 : n;
}

static json_t *error_obj(int st)
{
    return json_pack("{s:s, s:s, s:i}", "result", "error", "error", class_name(st), "code", st);
}

static json_t *params_json(const kvlc_tensor *t)
{
    static const char *const kScale[3] = {"f32", "ue8m0", "f16"};
    static const char *const kSkel[3] = {"none", "mean", "pca"};
    switch (t->mode) {
    case KVL_MODE_RAW:
        return json_pack("{s:s, s:s}", "mode", "raw", "dtype", kDtypeName[t->raw_dtype % 3]);
    case KVL_MODE_FP8:
        return json_pack("{s:s, s:i, s:s, s:b}", "mode", "fp8", "block", (int)t->fp8_block, "scale",
                         kScale[t->fp8_scale % 3], "split_rope", (int)t->fp8_split_rope);
    default:
        return json_pack("{s:s, s:s, s:i, s:i, s:s, s:i}", "mode", "lattice", "lattice",
                         t->lattice ? "e8" : "d4", "q", (int)t->q, "outliers", (int)t->outliers,
                         "skeleton", kSkel[t->skeleton % 3], "rank", (int)t->rank);
    }
}

static json_t *tensor_json(const kvlc_tensor *t)
{
    return json_pack("{s:i, s:i, s:s, s:i, s:i, s:s%, s:s, s:I, s:o}", "dim", (int)t->dim, "chunk_len",
                     (int)t->chunk_len, "role", kRoleName[t->role % 4], "layer", (int)t->layer, "head",
                     (int)t->head, "name", t->name ? t->name : "", (size_t)t->name_len, "in_dtype",
                     kDtypeName[t->in_dtype % 3], "n_vectors", (json_int_t)t->n_vectors, "params",
                     params_json(t));
}

static json_t *str_array(const char *const *v, int n)
{
    json_t *a = json_array();
    int i;
    for (i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static void write_file(const char *dir, const char *file, const uint8_t *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (vg_out_write(path, data, n))
        vg_die("cannot write %s", path);
}

static int ref_decode(const uint8_t *s, size_t n, int dt, uint8_t **out, size_t *len)
{
    size_t cap = 1u << 12;
    int st;
    *out = (uint8_t *)xmalloc(cap);
    st = kvlc_decode(s, n, dt, *out, cap, len);
    if (st == KVL_ERR_BUFFER) {
        free(*out);
        cap = *len;
        *out = (uint8_t *)xmalloc(cap);
        st = kvlc_decode(s, n, dt, *out, cap, len);
    }
    return st;
}

static void emit_decode(vg_case *c, const char *dir, json_t *root)
{
    json_t *dec = json_object();
    int dt;
    kvl_stream_summary sum;
    int vst = kvl_verify(c->stream, c->stream_len, &sum);
    json_object_set_new(dec, "stream", json_string("stream.kvl"));
    if (c->refusable)
        json_object_set_new(dec, "refusable", json_string("UNSUPPORTED"));
    for (dt = 0; dt < 3; dt++) {
        uint8_t *out = NULL;
        size_t len = 0;
        int st = ref_decode(c->stream, c->stream_len, dt, &out, &len);
        if (c->decode_error) {
            if (st != c->decode_error)
                vg_die("decoding to %s gives %s, the case claims %s", kDtypeName[dt], class_name(st),
                       class_name(c->decode_error));
            if (dt == 0 && vst != c->decode_error && !(c->decode_error == KVL_ERR_RANGE && vst == 0))
                vg_die("kvl_verify gives %s, decoding gives %s", class_name(vst), class_name(st));
            json_object_set_new(dec, kDtypeName[dt], error_obj(st));
        } else if (st == KVL_OK) {
            char file[32];
            snprintf(file, sizeof file, "decoded.%s", kDtypeName[dt]);
            write_file(dir, file, out, len);
            json_object_set_new(dec, kDtypeName[dt], json_pack("{s:s, s:s}", "result", "ok", "file", file));
        } else if (st == KVL_ERR_RANGE) {
            json_object_set_new(dec, kDtypeName[dt], error_obj(st));
        } else {
            vg_die("a %s case fails to decode to %s: %s", c->group, kDtypeName[dt], class_name(st));
        }
        if (!c->decode_error && vst != KVL_OK)
            vg_die("kvl_verify rejects a %s stream: %s", c->group, class_name(vst));
        free(out);
    }
    json_object_set_new(root, "decode", dec);
}

void vg_emit(vg_case *c)
{
    char dir[160];
    json_t *root, *tensors;
    uint32_t i;
    char *text;
    snprintf(dir, sizeof dir, "v1/%s/%s", c->group, c->name);
    if (strcmp(c->group, "faulty") == 0 ? !(c->decode_error || c->encode_error)
                                        : (c->decode_error || c->encode_error))
        vg_die("group %s does not match the expected result", c->group);
    if (!c->encode_test && !c->decode_test)
        vg_die("neither an encoder nor a decoder test");
    root = json_object();
    json_object_set_new(root, "id", json_string(dir));
    json_object_set_new(root, "group", json_string(c->group));
    json_object_set_new(root, "profile", json_string(c->profile));
    json_object_set_new(root, "description", json_string(c->desc));
    json_object_set_new(root, "flags", str_array(c->flags, c->n_flags));
    json_object_set_new(root, "spec", str_array(c->spec, c->n_spec));
    if (c->encode_test) {
        uint8_t *s = NULL;
        size_t len = 0;
        int st;
        st = ref_encode(c, &s, &len);
        if (st != c->encode_error)
            vg_die("the encoder gives %s, the case claims %s", class_name(st), class_name(c->encode_error));
        if (st == KVL_OK && c->stream && (len != c->stream_len || memcmp(s, c->stream, len) != 0))
            vg_die("the stream is not the encoder's output (edited streams are decoder-only)");
        tensors = json_array();
        for (i = 0; i < c->n_tensors; i++)
            json_array_append_new(tensors, tensor_json(&c->t[i]));
        json_object_set_new(root, "tensors", tensors);
        write_file(dir, "input.bin", c->input, c->input_bytes);
        if (st == KVL_OK) {
            json_object_set_new(root, "encode", json_pack("{s:s, s:s}", "result", "ok", "stream", "stream.kvl"));
            if (!c->stream) {
                c->stream = s;
                c->stream_len = len;
                s = NULL;
            }
            if (strcmp(c->group, "faulty") != 0)
                c->decode_test = 1; /* every encoder output is also a decoder test */
        } else {
            json_object_set_new(root, "encode", error_obj(st));
        }
        free(s);
    }
    if (c->decode_test) {
        if (!c->stream)
            vg_die("decoder test without a stream");
        emit_decode(c, dir, root);
    }
    if (c->stream)
        write_file(dir, "stream.kvl", c->stream, c->stream_len);
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    if (!text)
        vg_die("json_dumps failed");
    {
        size_t n = strlen(text);
        char *t2 = (char *)xmalloc(n + 2u);
        memcpy(t2, text, n);
        t2[n] = '\n';
        write_file(dir, "case.json", (const uint8_t *)t2, n + 1u);
        free(t2);
    }
    free(text);
    json_decref(root);
    if (vg_out_add_case(dir))
        vg_die("cannot record case");
    free(c->input);
    free(c->stream);
    g_open = 0;
}
