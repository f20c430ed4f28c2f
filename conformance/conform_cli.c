/* conform_cli.c -- see conform_cli.h. */
#include "conform_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conform_common.h"
#include "conform_proc.h"

/* ---- templates ----------------------------------------------------------------- */

static void push(char ***v, int *n, int *cap, char *s)
{
    if (*n + 1 >= *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = (char **)cf_xrealloc(*v, (size_t)*cap * sizeof **v);
    }
    (*v)[(*n)++] = s;
    (*v)[*n] = NULL;
}

int cf_split_words(const char *text, char ***words, int *n, char *err, size_t errlen)
{
    const char *p = text;
    int cap = 0;
    size_t len = strlen(text);
    *words = NULL;
    *n = 0;
    push(words, n, &cap, NULL); /* makes the array non-NULL and NULL-terminated */
    *n = 0;
    for (;;) {
        char *w, *q;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            return 0;
        w = q = (char *)cf_xmalloc(len + 1u);
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            if (*p == '\'' || *p == '"') {
                char quote = *p++;
                while (*p && *p != quote)
                    *q++ = *p++;
                if (!*p) {
                    free(w);
                    cf_fmt(err, errlen, "unterminated %c quote in '%s'", quote, text);
                    return -1;
                }
                p++;
            } else {
                *q++ = *p++;
            }
        }
        *q = '\0';
        push(words, n, &cap, w);
    }
}

static const char *const kPlaceholders[] = {"in",      "out",      "dtype",  "dim",         "in_dtype",
                                            "case",    "case_dir", "params", "params_json", NULL};

/* The placeholder at s[0] == '{': its index and length, or -1. */
static int placeholder_at(const char *s, size_t *len)
{
    const char *e;
    int i;
    if (*s != '{' || !(e = strchr(s, '}')))
        return -1;
    for (i = 0; kPlaceholders[i]; i++) {
        size_t n = strlen(kPlaceholders[i]);
        if ((size_t)(e - s - 1) == n && strncmp(s + 1, kPlaceholders[i], n) == 0) {
            *len = n + 2u;
            return i;
        }
    }
    return -1;
}

/* A {word} made of [a-z_] that is not a known placeholder: a likely typo. */
static int unknown_placeholder(const char *s, char *name, size_t n)
{
    const char *e;
    size_t len;
    if (*s != '{' || !(e = strchr(s, '}')))
        return 0;
    len = (size_t)(e - s - 1);
    if (len == 0 || len >= n || strspn(s + 1, "abcdefghijklmnopqrstuvwxyz_") != len)
        return 0;
    memcpy(name, s + 1, len);
    name[len] = '\0';
    return 1;
}

int cf_template_parse(const char *text, int kind, cf_template *t, char *err, size_t errlen)
{
    int i, has_in = 0, has_out = 0;
    const char *what = kind == CF_TMPL_DECODER ? "--decoder" : "--encoder";
    memset(t, 0, sizeof *t);
    t->kind = kind;
    if (cf_split_words(text, &t->tokens, &t->n, err, errlen) != 0)
        return -1;
    if (t->n == 0) {
        cf_fmt(err, errlen, "%s: empty template", what);
        return -1;
    }
    for (i = 0; i < t->n; i++) {
        const char *s = t->tokens[i];
        for (; *s; s++) {
            size_t len;
            char name[32];
            int ph = placeholder_at(s, &len);
            if (ph < 0) {
                if (unknown_placeholder(s, name, sizeof name)) {
                    cf_fmt(err, errlen, "%s: unknown placeholder {%s}", what, name);
                    return -1;
                }
                continue;
            }
            if (strcmp(kPlaceholders[ph], "params") == 0 &&
                (kind != CF_TMPL_ENCODER || strcmp(t->tokens[i], "{params}") != 0)) {
                cf_fmt(err, errlen, "%s: {params} is for encoder templates, as a word of its own",
                       what);
                return -1;
            }
            if (strcmp(kPlaceholders[ph], "params_json") == 0 && kind != CF_TMPL_ENCODER) {
                cf_fmt(err, errlen, "%s: {params_json} is for encoder templates", what);
                return -1;
            }
            if (strcmp(kPlaceholders[ph], "dtype") == 0 && kind != CF_TMPL_DECODER) {
                cf_fmt(err, errlen, "%s: {dtype} is for decoder templates (use {in_dtype})", what);
                return -1;
            }
            has_in |= strcmp(kPlaceholders[ph], "in") == 0;
            has_out |= strcmp(kPlaceholders[ph], "out") == 0;
            s += len - 1u;
        }
    }
    if (!has_in || !has_out) {
        cf_fmt(err, errlen, "%s: the template must contain {in} and {out}", what);
        return -1;
    }
    if (placeholder_at(t->tokens[0], &(size_t){0}) >= 0) {
        cf_fmt(err, errlen, "%s: the first word must be the program", what);
        return -1;
    }
    return 0;
}

void cf_template_free(cf_template *t)
{
    int i;
    for (i = 0; t->tokens && i < t->n; i++)
        free(t->tokens[i]);
    free(t->tokens);
    memset(t, 0, sizeof *t);
}

int cf_template_program_found(const cf_template *t)
{
    const char *prog = t->tokens[0], *path = getenv("PATH"), *p;
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    for (p = path ? path : "/usr/bin:/bin"; p && *p;) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *full = (char *)cf_xmalloc(n + strlen(prog) + 2u);
        int ok;
        memcpy(full, n ? p : ".", n ? n : 1u);
        full[n ? n : 1u] = '\0';
        strcat(full, "/");
        strcat(full, prog);
        ok = access(full, X_OK) == 0;
        free(full);
        if (ok)
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

/* ---- expansion --------------------------------------------------------------- */

typedef struct vars {
    const char *v[9]; /* by kPlaceholders index; NULL: not defined for this case */
} vars;

enum { V_IN, V_OUT, V_DTYPE, V_DIM, V_IN_DTYPE, V_CASE, V_CASE_DIR, V_PARAMS, V_PARAMS_JSON };

static char *xfmt_u(unsigned long long v)
{
    char b[32];
    cf_fmt(b, sizeof b, "%llu", v);
    return cf_xstrdup(b);
}

static char *xfmt_i(long long v)
{
    char b[32];
    cf_fmt(b, sizeof b, "%lld", v);
    return cf_xstrdup(b);
}

/* `kvl encode` options for the case's single tensor (tools/kvl/main.c). 0, or
 * -1 with the reason it cannot be expressed in `why`. */
static int params_words(const cf_case *c, char ***v, int *n, int *cap, char *why, size_t whylen)
{
    const kvlc_tensor *t;
    char b[32];
    if (c->n_tensors != 1) {
        cf_fmt(why, whylen, "%u-tensor case: {params} describes one tensor (use {params_json})",
               c->n_tensors);
        return -1;
    }
    t = &c->tensors[0];
    if (t->name_len && memchr(t->name, '\0', t->name_len)) {
        cf_fmt(why, whylen, "the tensor name contains a NUL byte: not expressible as --name");
        return -1;
    }
    if (t->mode == KVLC_LATTICE && t->skeleton != KVLC_SKEL_PCA && t->rank != 0) {
        cf_fmt(why, whylen, "skeleton %s with rank %u: not expressible as --skeleton",
               cf_skeleton_name(t->skeleton), t->rank);
        return -1;
    }
    push(v, n, cap, cf_xstrdup("--dim"));
    push(v, n, cap, xfmt_u(t->dim));
    push(v, n, cap, cf_xstrdup("--in-dtype"));
    push(v, n, cap, cf_xstrdup(cf_dtype_name(t->in_dtype)));
    push(v, n, cap, cf_xstrdup("--chunk"));
    push(v, n, cap, xfmt_u(t->chunk_len));
    push(v, n, cap, cf_xstrdup("--role"));
    push(v, n, cap, cf_xstrdup(cf_role_name(t->role)));
    push(v, n, cap, cf_xstrdup("--layer"));
    push(v, n, cap, xfmt_i(t->layer));
    push(v, n, cap, cf_xstrdup("--head"));
    push(v, n, cap, xfmt_i(t->head));
    if (t->name_len) {
        char *name = (char *)cf_xmalloc((size_t)t->name_len + 1u);
        memcpy(name, t->name, t->name_len);
        name[t->name_len] = '\0';
        push(v, n, cap, cf_xstrdup("--name"));
        push(v, n, cap, name);
    }
    push(v, n, cap, cf_xstrdup("--codec"));
    if (t->mode == KVLC_RAW) {
        push(v, n, cap, cf_xstrdup("raw"));
        push(v, n, cap, cf_xstrdup("--raw-dtype"));
        push(v, n, cap, cf_xstrdup(cf_dtype_name(t->raw_dtype)));
    } else if (t->mode == KVLC_FP8) {
        push(v, n, cap, cf_xstrdup("fp8"));
        push(v, n, cap, cf_xstrdup("--fp8-block"));
        push(v, n, cap, xfmt_u(t->fp8_block));
        push(v, n, cap, cf_xstrdup("--fp8-scale"));
        push(v, n, cap, cf_xstrdup(cf_scale_name(t->fp8_scale)));
        if (t->fp8_split_rope)
            push(v, n, cap, cf_xstrdup("--fp8-split-rope"));
    } else {
        push(v, n, cap, cf_xstrdup(cf_lattice_name(t->lattice)));
        push(v, n, cap, cf_xstrdup("--q"));
        push(v, n, cap, xfmt_u(t->q));
        push(v, n, cap, cf_xstrdup("--outliers"));
        push(v, n, cap, xfmt_u(t->outliers));
        push(v, n, cap, cf_xstrdup("--skeleton"));
        if (t->skeleton == KVLC_SKEL_PCA) {
            cf_fmt(b, sizeof b, "pca:%u", t->rank);
            push(v, n, cap, cf_xstrdup(b));
        } else {
            push(v, n, cap, cf_xstrdup(cf_skeleton_name(t->skeleton)));
        }
    }
    return 0;
}

static void free_words(char **v, int n)
{
    int i;
    for (i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* Expand the template into an argv. 0, or -1 with the reason in why (skip). */
static int expand(const cf_template *t, const cf_case *c, const vars *vs, char ***argv, int *argc,
                  char *why, size_t whylen)
{
    int i, cap = 0;
    *argv = NULL;
    *argc = 0;
    push(argv, argc, &cap, NULL);
    *argc = 0;
    for (i = 0; i < t->n; i++) {
        const char *s = t->tokens[i];
        char *w;
        size_t wl = 0, wcap;
        if (strcmp(s, "{params}") == 0) {
            if (params_words(c, argv, argc, &cap, why, whylen) != 0)
                goto skip;
            continue;
        }
        wcap = strlen(s) + 1u;
        w = (char *)cf_xmalloc(wcap);
        while (*s) {
            size_t len;
            int ph = placeholder_at(s, &len);
            const char *val;
            size_t vl;
            if (ph < 0) {
                w[wl++] = *s++;
                continue;
            }
            val = vs->v[ph];
            if (!val) {
                free(w);
                cf_fmt(why, whylen, "the template uses {%s}, which this case does not define",
                       kPlaceholders[ph]);
                goto skip;
            }
            vl = strlen(val);
            wcap += vl;
            w = (char *)cf_xrealloc(w, wcap);
            memcpy(w + wl, val, vl);
            wl += vl;
            s += len;
        }
        w[wl] = '\0';
        push(argv, argc, &cap, w);
    }
    return 0;
skip:
    free_words(*argv, *argc);
    *argv = NULL;
    return -1;
}

/* {dim} and {in_dtype}: from the tensors, when they agree. */
static void tensor_vars(const cf_case *c, vars *vs, char *dim, size_t dimlen)
{
    uint32_t i;
    if (!c->has_tensors || c->n_tensors == 0)
        return;
    cf_fmt(dim, dimlen, "%u", c->tensors[0].dim);
    vs->v[V_DIM] = dim;
    vs->v[V_IN_DTYPE] = cf_dtype_name(c->tensors[0].in_dtype);
    for (i = 1; i < c->n_tensors; i++) {
        if (c->tensors[i].dim != c->tensors[0].dim)
            vs->v[V_DIM] = NULL;
        if (c->tensors[i].in_dtype != c->tensors[0].in_dtype)
            vs->v[V_IN_DTYPE] = NULL;
    }
}

/* ---- running ------------------------------------------------------------------ */

/* The first KVL_ERR_[A-Z]+ of the log: its class (or -2: unknown name, -1:
 * none) and a one-line excerpt for the report. */
static int class_from_log(const char *log, char *excerpt, size_t n)
{
    const char *p = log, *line, *end;
    while ((p = strstr(p, "KVL_ERR_")) != NULL) {
        size_t len = strspn(p + 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        if (len > 0) {
            char name[32];
            int code;
            cf_fmt(name, sizeof name, "%.*s", (int)(len < 31 ? len : 31), p + 8);
            for (line = p; line > log && line[-1] != '\n'; line--)
                ;
            end = strchr(p, '\n');
            cf_fmt(excerpt, n, "%.*s", (int)((end ? (size_t)(end - line) : strlen(line)) < 200
                                                  ? (end ? (size_t)(end - line) : strlen(line))
                                                  : 200),
                   line);
            code = cf_class_parse(name);
            return code > 0 ? code : -2;
        }
        p += 8;
    }
    /* none: the last non-empty line */
    end = log + strlen(log);
    while (end > log && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        end--;
    for (line = end; line > log && line[-1] != '\n'; line--)
        ;
    if (end > line)
        cf_fmt(excerpt, n, "%.*s", (int)((size_t)(end - line) < 200 ? (size_t)(end - line) : 200),
               line);
    else
        cf_fmt(excerpt, n, "no output");
    return -1;
}

static void run_command(const cf_cli *cli, char **argv, const char *out_path, cf_answer *a)
{
    char *log_path = cf_path_join(cli->tmpdir, "log.txt");
    cf_proc_status st;
    uint8_t *log = NULL;
    size_t log_len = 0;
    char excerpt[208];
    unlink(out_path);
    cf_proc_exec(argv, log_path, cli->timeout, &st);
    if (cf_read_file(log_path, &log, &log_len) == 0) {
        log = (uint8_t *)cf_xrealloc(log, log_len + 1u);
        log[log_len] = '\0';
    } else {
        log = (uint8_t *)cf_xcalloc(1, 1);
    }
    unlink(log_path);
    free(log_path);
    excerpt[0] = '\0';
    switch (st.kind) {
    case CF_PROC_SIGNALED:
        a->kind = CF_ANS_CRASH;
        a->code = st.code;
        class_from_log((const char *)log, excerpt, sizeof excerpt);
        cf_fmt(a->note, sizeof a->note, "%s", excerpt);
        break;
    case CF_PROC_TIMEOUT:
        a->kind = CF_ANS_TIMEOUT;
        cf_fmt(a->note, sizeof a->note, "killed after %g s", cli->timeout);
        break;
    case CF_PROC_NOEXEC:
        a->kind = CF_ANS_VIOLATION;
        cf_fmt(a->note, sizeof a->note, "cannot execute '%s': %s", argv[0], strerror(st.code));
        break;
    case CF_PROC_ERROR:
        a->kind = CF_ANS_SKIP;
        cf_fmt(a->note, sizeof a->note, "runner: cannot start '%s': %s", argv[0],
               strerror(st.code));
        break;
    default:
        if (st.code == 0) {
            if (cf_read_file(out_path, &a->out, &a->out_len) != 0) {
                a->kind = CF_ANS_VIOLATION;
                cf_fmt(a->note, sizeof a->note, "exit 0 but no output file {out}: %s",
                       strerror(errno));
            } else {
                a->kind = CF_ANS_CODE;
                a->code = 0;
            }
        } else {
            int cls = class_from_log((const char *)log, excerpt, sizeof excerpt);
            if (cls > 0) {
                a->kind = CF_ANS_CODE;
                a->code = cls;
                cf_fmt(a->note, sizeof a->note, "exit %d: %s", st.code, excerpt);
            } else {
                a->kind = CF_ANS_NOCLASS;
                cf_fmt(a->note, sizeof a->note, "exit %d%s: %s", st.code,
                       cls == -2 ? ", unknown KVL_ERR_ class" : "", excerpt);
            }
        }
        break;
    }
    unlink(out_path);
    free(log);
}

void cf_cli_decode(const cf_cli *cli, const cf_case *c, int dtype, cf_answer *a)
{
    vars vs;
    char dim[16], outname[16], why[200];
    char *in = cf_path_join(c->dir, c->decode_stream), *out, **argv;
    int argc;
    cf_answer_init(a);
    memset(&vs, 0, sizeof vs);
    cf_fmt(outname, sizeof outname, "out.%s", cf_dtype_name(dtype));
    out = cf_path_join(cli->tmpdir, outname);
    vs.v[V_IN] = in;
    vs.v[V_OUT] = out;
    vs.v[V_DTYPE] = cf_dtype_name(dtype);
    vs.v[V_CASE] = c->id;
    vs.v[V_CASE_DIR] = c->dir;
    tensor_vars(c, &vs, dim, sizeof dim);
    if (expand(&cli->dec, c, &vs, &argv, &argc, why, sizeof why) != 0) {
        a->kind = CF_ANS_SKIP;
        cf_fmt(a->note, sizeof a->note, "%s", why);
    } else {
        run_command(cli, argv, out, a);
        free_words(argv, argc);
    }
    free(in);
    free(out);
}

void cf_cli_encode(const cf_cli *cli, const cf_case *c, cf_answer *a)
{
    vars vs;
    char dim[16], why[200];
    char *in = cf_path_join(c->dir, "input.bin"), *out = cf_path_join(cli->tmpdir, "out.kvl");
    char *pj = cf_path_join(cli->tmpdir, "params.json"), **argv;
    char *json = json_dumps(c->tensors_json, JSON_COMPACT | JSON_SORT_KEYS);
    int argc;
    cf_answer_init(a);
    memset(&vs, 0, sizeof vs);
    if (!cf_is_file(in)) { /* a case whose tensors hold no vectors may omit input.bin */
        free(in);
        in = cf_path_join(cli->tmpdir, "empty.bin");
        (void)cf_write_file(in, "", 0);
    }
    if (!json || cf_write_file(pj, json, strlen(json)) != 0) {
        a->kind = CF_ANS_SKIP;
        cf_fmt(a->note, sizeof a->note, "runner: cannot write %s", pj);
        goto out;
    }
    vs.v[V_IN] = in;
    vs.v[V_OUT] = out;
    vs.v[V_CASE] = c->id;
    vs.v[V_CASE_DIR] = c->dir;
    vs.v[V_PARAMS_JSON] = pj;
    tensor_vars(c, &vs, dim, sizeof dim);
    if (expand(&cli->enc, c, &vs, &argv, &argc, why, sizeof why) != 0) {
        a->kind = CF_ANS_SKIP;
        cf_fmt(a->note, sizeof a->note, "%s", why);
    } else {
        run_command(cli, argv, out, a);
        free_words(argv, argc);
    }
out:
    free(json);
    free(pj);
    free(in);
    free(out);
}

void cf_cli_cleanup(const char *tmpdir)
{
    static const char *const files[] = {"out.f32",  "out.f16",   "out.bf16", "out.kvl",
                                        "log.txt", "params.json", "empty.bin", NULL};
    int i;
    for (i = 0; files[i]; i++) {
        char *p = cf_path_join(tmpdir, files[i]);
        unlink(p);
        free(p);
    }
}
