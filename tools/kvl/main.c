/* main.c -- the kvl command-line tool (README "CLI"). Errors: stderr, exit 1;
 * usage errors exit 2. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "cli_io.h"
#include "demo.h"
#include "gen.h"
#include "kvlattice.h"
#include "metrics.h"
#include "pipeline.h"

static const char *kUsage =
    "usage:\n"
    "  kvl encode  --dim D [--in-dtype f32|f16|bf16] [--codec raw|fp8|d4|e8] [--q Q]\n"
    "              [--raw-dtype f32|f16|bf16 (raw: stored dtype, default the input's)]\n"
    "              [--fp8-block 32|64|128] [--fp8-scale f32|ue8m0|f16] [--fp8-split-rope]\n"
    "              [--outliers K] [--skeleton none|mean|pca:R] [--chunk N]\n"
    "              [--role none|k|v|other] [--layer L] [--head H] [--name S] IN OUT.kvl\n"
    "  kvl decode  [--out-dtype f32|f16|bf16] [--tensor I] IN.kvl OUT\n"
    "  kvl info    [--json] IN.kvl\n"
    "  kvl verify  IN.kvl\n"
    "  kvl compare --dim D [--dtype f32|f16|bf16] A B\n"
    "  kvl gen     --kind gauss|qwen3-k|dsv4|heavy --n N --dim D [--seed S] [--dtype f32|f16|bf16] OUT\n"
    "  kvl demo    [--n N]\n"
    "  kvl bench   [--quick] [--n N] [--ref-n N] [--reps R] [--out-dir DIR]\n"
    "IN/OUT: raw little-endian arrays, or .npy (by extension; .npy gives dtype and shape).\n"
    "Defaults: --codec d4 --q 38 --fp8-block 64 --fp8-scale f32 --outliers 0 --skeleton none\n"
    "          --chunk 1024; decode writes the tensor's source dtype.\n";

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "kvl: %s%s%s\n%s", msg, arg ? ": " : "", arg ? arg : "", kUsage);
    return 2;
}

static int api_error(const char *what, kvl_status st)
{
    fprintf(stderr, "kvl: %s: %s (%s)\n", what, kvl_status_message(st), kvl_status_name(st));
    return 1;
}

/* Parse an unsigned decimal in [lo, hi]. */
static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (!s || !*s || *s == '-')
        return -1;
    v = strtoull(s, &end, 10);
    if (*end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_i32(const char *s, int32_t lo, int32_t hi, int32_t *out)
{
    char *end;
    long v;
    if (!s || !*s)
        return -1;
    v = strtol(s, &end, 10);
    if (*end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int32_t)v;
    return 0;
}

/* Option cursor: `--name value` pairs and positional arguments. */
typedef struct args {
    int argc, i;
    char **argv;
    const char *pos[4];
    int npos;
} args;

static const char *next_value(args *a, const char *opt)
{
    if (a->i + 1 >= a->argc) {
        usage_error("missing value for", opt);
        return 0;
    }
    a->i++;
    return a->argv[a->i];
}

#define NEED(var, opt)                 \
    do {                               \
        var = next_value(&a, opt);     \
        if (!var)                      \
            return 2;                  \
    } while (0)

/* ---- kvl encode ------------------------------------------------------------ */
static int cmd_encode(int argc, char **argv)
{
    args a = {0, 0, 0, {0}, 0};
    kvl_chunk_params p;
    kvl_tensor_desc desc;
    uint64_t dim = 0, chunk = 1024, v;
    int in_dtype = -1, raw_dtype = -1;
    const char *codec = "d4", *val;
    cli_array arr;
    FILE *out;
    kvl_status st;
    int32_t layer = -1, head = -1;
    uint8_t role = KVL_ROLE_NONE;
    const char *name = 0;

    memset(&p, 0, sizeof p);
    p.q = 38;
    p.fp8_block = 64;
    p.fp8_scale = KVL_FP8_SCALE_F32;
    a.argc = argc;
    a.argv = argv;
    for (a.i = 0; a.i < argc; a.i++) {
        const char *o = argv[a.i];
        if (strcmp(o, "--dim") == 0) {
            NEED(val, o);
            if (parse_u64(val, 0, UINT32_MAX, &dim))
                return usage_error("bad --dim", val);
            if (dim == 0 || dim > KVL_MAX_DIM) {
                fprintf(stderr, "kvl: --dim %s outside 1..%u (KVL_ERR_ARG)\n", val, KVL_MAX_DIM);
                return 1;
            }
        } else if (strcmp(o, "--in-dtype") == 0) {
            NEED(val, o);
            if ((in_dtype = cli_parse_dtype(val)) < 0)
                return usage_error("bad --in-dtype", val);
        } else if (strcmp(o, "--raw-dtype") == 0) {
            NEED(val, o);
            if ((raw_dtype = cli_parse_dtype(val)) < 0)
                return usage_error("bad --raw-dtype", val);
        } else if (strcmp(o, "--codec") == 0) {
            NEED(codec, o);
        } else if (strcmp(o, "--q") == 0) {
            NEED(val, o);
            if (parse_u64(val, 0, 65535, &v)) /* 0 and > max: the library's ARG */
                return usage_error("bad --q", val);
            p.q = (uint16_t)v;
        } else if (strcmp(o, "--fp8-block") == 0) {
            NEED(val, o);
            if (parse_u64(val, 1, 65535, &v))
                return usage_error("bad --fp8-block", val);
            p.fp8_block = (uint16_t)v;
        } else if (strcmp(o, "--fp8-scale") == 0) {
            NEED(val, o);
            if (strcmp(val, "f32") == 0)
                p.fp8_scale = KVL_FP8_SCALE_F32;
            else if (strcmp(val, "ue8m0") == 0)
                p.fp8_scale = KVL_FP8_SCALE_UE8M0;
            else if (strcmp(val, "f16") == 0)
                p.fp8_scale = KVL_FP8_SCALE_F16;
            else
                return usage_error("bad --fp8-scale", val);
        } else if (strcmp(o, "--fp8-split-rope") == 0) {
            p.fp8_split_rope = 1;
        } else if (strcmp(o, "--outliers") == 0) {
            NEED(val, o);
            if (parse_u64(val, 0, 255, &v))
                return usage_error("bad --outliers", val);
            p.outliers = (uint8_t)v;
        } else if (strcmp(o, "--skeleton") == 0) {
            NEED(val, o);
            if (strcmp(val, "none") == 0)
                p.skeleton = KVL_SKELETON_NONE;
            else if (strcmp(val, "mean") == 0)
                p.skeleton = KVL_SKELETON_MEAN;
            else if (strncmp(val, "pca:", 4) == 0 && parse_u64(val + 4, 0, 255, &v) == 0) {
                p.skeleton = KVL_SKELETON_PCA;
                p.rank = (uint8_t)v;
            } else
                return usage_error("bad --skeleton (none, mean or pca:R)", val);
        } else if (strcmp(o, "--chunk") == 0) {
            NEED(val, o);
            if (parse_u64(val, 0, UINT32_MAX, &chunk))
                return usage_error("bad --chunk", val);
        } else if (strcmp(o, "--role") == 0) {
            NEED(val, o);
            if (strcmp(val, "none") == 0) role = KVL_ROLE_NONE;
            else if (strcmp(val, "k") == 0) role = KVL_ROLE_K;
            else if (strcmp(val, "v") == 0) role = KVL_ROLE_V;
            else if (strcmp(val, "other") == 0) role = KVL_ROLE_OTHER;
            else return usage_error("bad --role", val);
        } else if (strcmp(o, "--layer") == 0) {
            NEED(val, o);
            if (parse_i32(val, -1, INT32_MAX, &layer))
                return usage_error("bad --layer", val);
        } else if (strcmp(o, "--head") == 0) {
            NEED(val, o);
            if (parse_i32(val, -1, INT32_MAX, &head))
                return usage_error("bad --head", val);
        } else if (strcmp(o, "--name") == 0) {
            NEED(name, o);
            if (strlen(name) > KVL_MAX_NAME_LEN)
                return usage_error("--name longer than 1024 bytes", 0);
        } else if (o[0] == '-' && o[1] == '-') {
            return usage_error("unknown option", o);
        } else if (a.npos < 2) {
            a.pos[a.npos++] = o;
        } else {
            return usage_error("too many arguments", o);
        }
    }
    if (a.npos != 2)
        return usage_error("encode needs IN and OUT", 0);
    if (strcmp(codec, "raw") == 0)
        p.mode = KVL_MODE_RAW;
    else if (strcmp(codec, "fp8") == 0)
        p.mode = KVL_MODE_FP8;
    else if (strcmp(codec, "d4") == 0 || strcmp(codec, "e8") == 0) {
        p.mode = KVL_MODE_LATTICE;
        p.lattice = codec[0] == 'd' ? KVL_LATTICE_D4 : KVL_LATTICE_E8;
    } else
        return usage_error("bad --codec", codec);
    if (cli_load_array(a.pos[0], in_dtype, (uint32_t)dim, &arr) != 0)
        return 1;
    if (p.mode == KVL_MODE_RAW)
        p.raw_dtype = (uint8_t)(raw_dtype >= 0 ? raw_dtype : arr.dtype);
    else if (raw_dtype >= 0) {
        cli_free_array(&arr);
        return usage_error("--raw-dtype applies to --codec raw only", 0);
    }
    if (p.mode != KVL_MODE_LATTICE && (p.outliers || p.skeleton)) {
        cli_free_array(&arr);
        return usage_error("--outliers and --skeleton apply to d4/e8 only", 0);
    }
    st = kvl_params_check(arr.dim, &p);
    if (st != KVL_OK) {
        fprintf(stderr,
                "kvl: invalid parameters for dim %u (limits: LATTICE dim a power of two in 8..512,"
                " D4 q 1..%u, E8 q 1..%u, outliers <= min(16, dim/4), pca rank 1..64 and < dim;"
                " FP8 block 32/64/128 dividing dim (dim-64 with --fp8-split-rope)) (KVL_ERR_ARG)\n",
                arr.dim, KVL_MAX_Q_D4, KVL_MAX_Q_E8);
        cli_free_array(&arr);
        return 1;
    }
    memset(&desc, 0, sizeof desc);
    desc.dim = arr.dim;
    desc.chunk_len = (uint32_t)chunk;
    desc.role = role;
    desc.src_dtype = (uint8_t)arr.dtype;
    desc.layer = layer;
    desc.head = head;
    desc.name = name;
    desc.name_len = (uint16_t)(name ? strlen(name) : 0u);
    out = fopen(a.pos[1], "wb");
    if (!out) {
        cli_free_array(&arr);
        fprintf(stderr, "kvl: cannot open '%s' for writing\n", a.pos[1]);
        return 1;
    }
    st = pipe_encode(&desc, &p, arr.data, arr.dtype, arr.rows, cli_file_sink, out);
    cli_free_array(&arr);
    if (fclose(out) != 0 && st == KVL_OK)
        st = KVL_ERR_IO;
    if (st != KVL_OK) {
        remove(a.pos[1]);
        return api_error("encode failed", st);
    }
    return 0;
}

/* ---- kvl decode ------------------------------------------------------------ */
static int cmd_decode(int argc, char **argv)
{
    args a = {0, 0, 0, {0}, 0};
    int out_dtype = -1, src_dtype, rc;
    int32_t tensor = -1;
    const char *val;
    uint8_t *buf;
    size_t len, bytes;
    uint64_t rows, values;
    uint32_t dim;
    void *out;
    kvl_status st;
    a.argc = argc;
    a.argv = argv;
    for (a.i = 0; a.i < argc; a.i++) {
        const char *o = argv[a.i];
        if (strcmp(o, "--out-dtype") == 0) {
            NEED(val, o);
            if ((out_dtype = cli_parse_dtype(val)) < 0)
                return usage_error("bad --out-dtype", val);
        } else if (strcmp(o, "--tensor") == 0) {
            NEED(val, o);
            if (parse_i32(val, 0, INT32_MAX, &tensor))
                return usage_error("bad --tensor", val);
        } else if (o[0] == '-' && o[1] == '-') {
            return usage_error("unknown option", o);
        } else if (a.npos < 2) {
            a.pos[a.npos++] = o;
        } else {
            return usage_error("too many arguments", o);
        }
    }
    if (a.npos != 2)
        return usage_error("decode needs IN.kvl and OUT", 0);
    if (cli_read_file(a.pos[0], &buf, &len) != 0)
        return 1;
    st = pipe_scan(buf, len, tensor, &values, &dim, &src_dtype);
    if (st == KVL_ERR_ARG) {
        free(buf);
        fprintf(stderr, "kvl: %s: no tensor %d\n", a.pos[0], (int)tensor);
        return 1;
    }
    if (st != KVL_OK) {
        free(buf);
        return api_error(a.pos[0], st);
    }
    if (dim == 0 && values > 0 && cli_is_npy(a.pos[1])) {
        free(buf);
        fprintf(stderr, "kvl: %s: tensors of different dims: use --tensor I, or a raw output file\n", a.pos[0]);
        return 1;
    }
    if (out_dtype < 0)
        out_dtype = src_dtype;
    bytes = (size_t)values * (out_dtype == KVL_DTYPE_F32 ? 4u : 2u);
    out = malloc(bytes ? bytes : 1u);
    if (!out) {
        free(buf);
        fprintf(stderr, "kvl: out of memory\n");
        return 1;
    }
    st = pipe_decode(buf, len, tensor, out_dtype, out, bytes);
    free(buf);
    if (st != KVL_OK) {
        free(out);
        return api_error("decode failed", st);
    }
    /* mixed dims or no tensor: a flat array of all values */
    if (!dim && values > UINT32_MAX) {
        free(out);
        fprintf(stderr, "kvl: %s: tensors of different dims: use --tensor I\n", a.pos[0]);
        return 1;
    }
    rows = dim ? values / dim : (values ? 1u : 0u);
    if (!dim)
        dim = (uint32_t)values;
    rc = cli_write_array(a.pos[1], out, out_dtype, rows, dim) == 0 ? 0 : 1;
    free(out);
    return rc;
}

/* ---- kvl info / verify -------------------------------------------------- */
static const char *mode_name(int m) { return m == KVL_MODE_RAW ? "raw" : m == KVL_MODE_FP8 ? "fp8" : "lattice"; }
static const char *role_name(int r) { return r == 1 ? "k" : r == 2 ? "v" : r == 3 ? "other" : "none"; }
static const char *scale_name(int s) { return s == 0 ? "f32" : s == 1 ? "ue8m0" : "f16"; }

static void chunk_params_text(const kvl_chunk_view *c, char *s, size_t n)
{
    const kvl_chunk_params *p = &c->params;
    if (p->mode == KVL_MODE_RAW)
        snprintf(s, n, "raw %s", cli_dtype_name(p->raw_dtype));
    else if (p->mode == KVL_MODE_FP8)
        snprintf(s, n, "fp8 block %u scale %s%s", p->fp8_block, scale_name(p->fp8_scale),
                 p->fp8_split_rope ? " split-rope" : "");
    else
        snprintf(s, n, "%s q %u outliers %u skeleton %s%s rank %u", p->lattice ? "e8" : "d4", p->q,
                 p->outliers, c->has_mean ? "mean" : "none",
                 c->has_mean || p->rank ? (c->skel_dtype == KVL_DTYPE_BF16 ? "/bf16" : "/f16") : "",
                 p->rank);
}

static int cmd_info(int argc, char **argv, int verify_only)
{
    int json = 0, i, npos = 0, first_t = 1, first_c = 1;
    const char *path = 0;
    uint8_t *buf;
    size_t len;
    kvl_reader r;
    kvl_event ev;
    kvl_status st;
    uint64_t tensor_bytes = 0, tensor_vectors = 0;
    for (i = 0; i < argc; i++) {
        if (!verify_only && strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (argv[i][0] == '-' && argv[i][1] == '-')
            return usage_error("unknown option", argv[i]);
        else if (npos++ == 0)
            path = argv[i];
        else
            return usage_error("too many arguments", argv[i]);
    }
    if (!path)
        return usage_error("missing IN.kvl", 0);
    if (cli_read_file(path, &buf, &len) != 0)
        return 1;
    if (verify_only) {
        kvl_stream_summary sum;
        st = kvl_verify(buf, len, &sum);
        free(buf);
        if (st != KVL_OK) {
            fprintf(stderr, "kvl: %s: INVALID: %s (%s)\n", path, kvl_status_message(st), kvl_status_name(st));
            return 1;
        }
        printf("%s: OK: %u tensor(s), %llu chunk(s), %llu vector(s), %llu bytes\n", path, sum.n_tensors,
               (unsigned long long)sum.n_chunks, (unsigned long long)sum.n_vectors,
               (unsigned long long)sum.total_bytes);
        return 0;
    }
    st = kvl_reader_init(&r, buf, len);
    if (st != KVL_OK) {
        free(buf);
        return api_error(path, st);
    }
    if (json)
        printf("{\"file\": \"%s\", \"bytes\": %zu, \"format_version\": \"%u.%u\", \"tensors\": [", path, len,
               buf[8], buf[9]);
    else
        printf("%s: kvlattice %u.%u, %zu bytes\n", path, buf[8], buf[9], len);
    for (;;) {
        char ptxt[128];
        st = kvl_reader_next(&r, &ev);
        if (st != KVL_OK || ev.kind == KVL_EVENT_END)
            break;
        if (ev.kind == KVL_EVENT_TENSOR) {
            tensor_bytes = 0;
            tensor_vectors = 0;
            first_c = 1;
            if (json)
                printf("%s{\"index\": %u, \"dim\": %u, \"chunk_len\": %u, \"role\": \"%s\", \"src_dtype\": \"%s\", "
                       "\"layer\": %d, \"head\": %d, \"name\": \"%.*s\", \"chunks\": [",
                       first_t ? "" : ", ", ev.tensor_index, ev.tensor.dim, ev.tensor.chunk_len,
                       role_name(ev.tensor.role), cli_dtype_name(ev.tensor.src_dtype), ev.tensor.layer,
                       ev.tensor.head, (int)ev.tensor.name_len, ev.tensor.name ? ev.tensor.name : "");
            else
                printf("tensor %u: dim %u, chunk_len %u, role %s, src %s, layer %d, head %d, name '%.*s'\n",
                       ev.tensor_index, ev.tensor.dim, ev.tensor.chunk_len, role_name(ev.tensor.role),
                       cli_dtype_name(ev.tensor.src_dtype), ev.tensor.layer, ev.tensor.head,
                       (int)ev.tensor.name_len, ev.tensor.name ? ev.tensor.name : "");
            first_t = 0;
        } else if (ev.kind == KVL_EVENT_CHUNK) {
            double bpv = (double)ev.chunk.section_bytes * 8.0 / ev.chunk.n_vectors;
            chunk_params_text(&ev.chunk, ptxt, sizeof ptxt);
            tensor_bytes += ev.chunk.section_bytes;
            tensor_vectors += ev.chunk.n_vectors;
            if (json)
                printf("%s{\"index\": %u, \"mode\": \"%s\", \"params\": \"%s\", \"n_vectors\": %u, "
                       "\"record_bits\": %u, \"record_bytes\": %u, \"section_bytes\": %zu, "
                       "\"bits_per_vector\": %.3f}",
                       first_c ? "" : ", ", ev.chunk.chunk_index, mode_name(ev.chunk.params.mode), ptxt,
                       ev.chunk.n_vectors, ev.chunk.record_bits, ev.chunk.record_bytes, ev.chunk.section_bytes, bpv);
            else
                printf("  chunk %u: %s, %u vectors, record %u bits (%u bytes), %.1f bits/vector with chunk overhead\n",
                       ev.chunk.chunk_index, ptxt, ev.chunk.n_vectors, ev.chunk.record_bits,
                       ev.chunk.record_bytes, bpv);
            first_c = 0;
        } else if (ev.kind == KVL_EVENT_TENSOR_END) {
            double bpv = tensor_vectors ? (double)tensor_bytes * 8.0 / (double)tensor_vectors : 0.0;
            double ratio = bpv > 0.0 ? 16.0 * ev.tensor.dim / bpv : 0.0;
            if (json)
                printf("], \"n_vectors\": %llu, \"n_chunks\": %u, \"bits_per_vector\": %.3f, \"ratio_vs_bf16\": %.4f}",
                       (unsigned long long)ev.n_vectors, ev.n_chunks, bpv, ratio);
            else
                printf("  total: %llu vectors in %u chunks, %.2f bits/vector, %.3fx smaller than bf16\n",
                       (unsigned long long)ev.n_vectors, ev.n_chunks, bpv, ratio);
        }
    }
    free(buf);
    if (json)
        printf("], \"status\": \"%s\"}\n", kvl_status_name(st));
    if (st != KVL_OK)
        return api_error(path, st);
    return 0;
}

/* ---- kvl compare --------------------------------------------------------- */
static int cmd_compare(int argc, char **argv)
{
    args a = {0, 0, 0, {0}, 0};
    uint64_t dim = 0;
    int dtype = -1;
    const char *val;
    cli_array x, y;
    kvl_metrics m;
    float *fx, *fy;
    uint64_t i, n;
    a.argc = argc;
    a.argv = argv;
    for (a.i = 0; a.i < argc; a.i++) {
        const char *o = argv[a.i];
        if (strcmp(o, "--dim") == 0) {
            NEED(val, o);
            if (parse_u64(val, 1, KVL_MAX_DIM, &dim))
                return usage_error("bad --dim", val);
        } else if (strcmp(o, "--dtype") == 0) {
            NEED(val, o);
            if ((dtype = cli_parse_dtype(val)) < 0)
                return usage_error("bad --dtype", val);
        } else if (o[0] == '-' && o[1] == '-') {
            return usage_error("unknown option", o);
        } else if (a.npos < 2) {
            a.pos[a.npos++] = o;
        } else {
            return usage_error("too many arguments", o);
        }
    }
    if (a.npos != 2)
        return usage_error("compare needs A and B", 0);
    if (cli_load_array(a.pos[0], cli_is_npy(a.pos[0]) ? -1 : dtype, (uint32_t)dim, &x) != 0)
        return 1;
    if (cli_load_array(a.pos[1], cli_is_npy(a.pos[1]) ? -1 : dtype, x.dim, &y) != 0) {
        cli_free_array(&x);
        return 1;
    }
    if (x.rows != y.rows || x.dim != y.dim) {
        fprintf(stderr, "kvl: shapes differ: %llu x %u vs %llu x %u\n", (unsigned long long)x.rows, x.dim,
                (unsigned long long)y.rows, y.dim);
        cli_free_array(&x);
        cli_free_array(&y);
        return 1;
    }
    n = x.rows * x.dim;
    fx = (float *)malloc((size_t)(n ? n : 1u) * 4u);
    fy = (float *)malloc((size_t)(n ? n : 1u) * 4u);
    if (!fx || !fy) {
        fprintf(stderr, "kvl: out of memory\n");
        return 1;
    }
    for (i = 0; i < n; i++) {
        float vx, vy;
        if (x.dtype == KVL_DTYPE_F32)
            memcpy(&vx, x.data + 4u * i, 4);
        else {
            uint16_t h;
            memcpy(&h, x.data + 2u * i, 2);
            vx = x.dtype == KVL_DTYPE_F16 ? kvl_f16_to_f32(h) : kvl_bf16_to_f32(h);
        }
        if (y.dtype == KVL_DTYPE_F32)
            memcpy(&vy, y.data + 4u * i, 4);
        else {
            uint16_t h;
            memcpy(&h, y.data + 2u * i, 2);
            vy = y.dtype == KVL_DTYPE_F16 ? kvl_f16_to_f32(h) : kvl_bf16_to_f32(h);
        }
        fx[i] = vx;
        fy[i] = vy;
    }
    kvl_metrics_init(&m);
    kvl_metrics_add(&m, fx, fy, (size_t)n);
    printf("vectors %llu dim %u\nrel_mse %.6e\nsnr_db %.3f\nmax_abs_err %.6e\n", (unsigned long long)x.rows,
           x.dim, kvl_metrics_rel_mse(&m), kvl_metrics_snr_db(&m), m.max_abs_err);
    if (m.nonfinite)
        printf("nonfinite %llu\n", (unsigned long long)m.nonfinite);
    free(fx);
    free(fy);
    cli_free_array(&x);
    cli_free_array(&y);
    return 0;
}

/* ---- kvl gen ---------------------------------------------------------------- */
static int cmd_gen(int argc, char **argv)
{
    args a = {0, 0, 0, {0}, 0};
    uint64_t n = 0, dim = 0, seed = 1, i;
    int kind = -1, dtype = KVL_DTYPE_F32, rc;
    const char *val;
    float *buf;
    void *out;
    a.argc = argc;
    a.argv = argv;
    for (a.i = 0; a.i < argc; a.i++) {
        const char *o = argv[a.i];
        if (strcmp(o, "--kind") == 0) {
            NEED(val, o);
            if (kvl_gen_parse_kind(val, &kind) != 0)
                return usage_error("bad --kind", val);
        } else if (strcmp(o, "--n") == 0) {
            NEED(val, o);
            if (parse_u64(val, 1, (uint64_t)1 << 40, &n))
                return usage_error("bad --n", val);
        } else if (strcmp(o, "--dim") == 0) {
            NEED(val, o);
            if (parse_u64(val, 1, KVL_MAX_DIM, &dim))
                return usage_error("bad --dim", val);
        } else if (strcmp(o, "--seed") == 0) {
            NEED(val, o);
            if (parse_u64(val, 0, UINT64_MAX, &seed))
                return usage_error("bad --seed", val);
        } else if (strcmp(o, "--dtype") == 0) {
            NEED(val, o);
            if ((dtype = cli_parse_dtype(val)) < 0)
                return usage_error("bad --dtype", val);
        } else if (o[0] == '-' && o[1] == '-') {
            return usage_error("unknown option", o);
        } else if (a.npos < 1) {
            a.pos[a.npos++] = o;
        } else {
            return usage_error("too many arguments", o);
        }
    }
    if (kind < 0 || !n || !dim || a.npos != 1)
        return usage_error("gen needs --kind, --n, --dim and OUT", 0);
    buf = (float *)malloc((size_t)(n * dim) * 4u);
    if (!buf) {
        fprintf(stderr, "kvl: out of memory\n");
        return 1;
    }
    if (kvl_gen_fill(kind, seed, (uint32_t)dim, 0, n, buf) != 0) {
        free(buf);
        fprintf(stderr, "kvl: generator failed\n");
        return 1;
    }
    out = buf;
    if (dtype != KVL_DTYPE_F32) {
        uint16_t *h = (uint16_t *)buf; /* in place: element i (2 bytes) <= element i (4 bytes) */
        for (i = 0; i < n * dim; i++) {
            uint16_t v = dtype == KVL_DTYPE_F16 ? kvl_f32_to_f16(buf[i]) : kvl_f32_to_bf16(buf[i]);
            if (dtype == KVL_DTYPE_F16 && (v & 0x7C00u) == 0x7C00u) {
                fprintf(stderr, "kvl: value %g overflows f16\n", (double)buf[i]);
                free(buf);
                return 1;
            }
            h[i] = v;
        }
    }
    rc = cli_write_array(a.pos[0], out, dtype, n, (uint32_t)dim) == 0 ? 0 : 1;
    free(buf);
    return rc;
}

int main(int argc, char **argv)
{
    const char *cmd;
    if (argc < 2)
        return usage_error("missing command", 0);
    cmd = argv[1];
    if (strcmp(cmd, "encode") == 0)
        return cmd_encode(argc - 2, argv + 2);
    if (strcmp(cmd, "decode") == 0)
        return cmd_decode(argc - 2, argv + 2);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argc - 2, argv + 2, 0);
    if (strcmp(cmd, "verify") == 0)
        return cmd_info(argc - 2, argv + 2, 1);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 2, argv + 2);
    if (strcmp(cmd, "gen") == 0)
        return cmd_gen(argc - 2, argv + 2);
    if (strcmp(cmd, "demo") == 0)
        return kvl_demo(argc - 2, argv + 2);
    if (strcmp(cmd, "bench") == 0)
        return kvl_bench(argc - 2, argv + 2);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(kUsage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("kvl %s (kvlattice format %d.%d)\n", KVL_VERSION_STRING, KVL_FORMAT_MAJOR, KVL_FORMAT_MINOR);
        return 0;
    }
    return usage_error("unknown command", cmd);
}
