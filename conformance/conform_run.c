/* conform_run.c -- see conform_run.h. */
#include "conform_run.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conform_common.h"
#include "conform_proc.h"

typedef struct plan {
    int op, dtype;
    const cf_expect *e;
    size_t want_len; /* size of the expected output file (e->ok) */
} plan;

static size_t file_size(const cf_case *c, const char *file)
{
    char *p = cf_path_join(c->dir, file);
    struct stat st;
    size_t n = stat(p, &st) == 0 ? (size_t)st.st_size : 0u;
    free(p);
    return n;
}

static size_t make_plan(const cf_run_opts *o, const cf_case *c, plan *p)
{
    size_t n = 0;
    int dt;
    if (!o->no_decode && c->has_decode)
        for (dt = 0; dt < CF_NDTYPES; dt++)
            if (o->dtypes[dt] && c->decode[dt].present) {
                p[n].op = CF_OP_DECODE;
                p[n].dtype = dt;
                p[n].e = &c->decode[dt];
                p[n].want_len = c->decode[dt].ok ? file_size(c, c->decode[dt].file) : 0u;
                n++;
            }
    if (!o->no_encode && c->encode.present) {
        p[n].op = CF_OP_ENCODE;
        p[n].dtype = -1;
        p[n].e = &c->encode;
        p[n].want_len = c->encode.ok ? file_size(c, c->encode.file) : 0u;
        n++;
    }
    return n;
}

static void ask_decoder(const cf_run_opts *o, const cf_case *c, const plan *p, cf_answer *a)
{
    uint8_t *stream;
    size_t len;
    if (o->cli) {
        if (!o->cli->has_dec) {
            a->kind = CF_ANS_SKIP;
            cf_fmt(a->note, sizeof a->note, "no --decoder template");
        } else {
            cf_cli_decode(o->cli, c, p->dtype, a);
        }
        return;
    }
    if (!o->lib->decode) {
        a->kind = CF_ANS_SKIP;
        cf_fmt(a->note, sizeof a->note, "the library exports no %s", KVLC_SYM_DECODE);
        return;
    }
    if (cf_case_read(c, c->decode_stream, &stream, &len, a->note, sizeof a->note) != 0) {
        a->kind = CF_ANS_SKIP;
        return;
    }
    cf_lib_decode(o->lib->decode, stream, len, p->dtype,
                  p->e->ok ? p->want_len : CF_LIB_ERROR_CAP, a);
    free(stream);
}

static void ask_encoder(const cf_run_opts *o, const cf_case *c, const plan *p, cf_answer *a)
{
    uint8_t *input;
    if (o->cli) {
        if (!o->cli->has_enc) {
            a->kind = CF_ANS_SKIP;
            cf_fmt(a->note, sizeof a->note, "no --encoder template");
        } else {
            cf_cli_encode(o->cli, c, a);
        }
        return;
    }
    if (!o->lib->encode) {
        a->kind = CF_ANS_SKIP;
        cf_fmt(a->note, sizeof a->note, "the library exports no %s", KVLC_SYM_ENCODE);
        return;
    }
    input = cf_case_load_input(c, a->note, sizeof a->note);
    if (!input) {
        a->kind = CF_ANS_SKIP;
        return;
    }
    cf_lib_encode(o->lib->encode, c->tensors, c->n_tensors, c->tensor_bytes,
                  p->e->ok ? p->want_len : CF_LIB_ERROR_CAP, a);
    free(input);
}

/* Where a decoder output byte lies: tensor, vector, coordinate (the output
 * holds every vector of every tensor in stream order, as in "tensors"). */
static void locate(const cf_case *c, int dtype, uint64_t offset, char *buf, size_t n)
{
    uint64_t value = offset / cf_dtype_size(dtype), base = 0;
    uint32_t t;
    for (t = 0; t < c->n_tensors; t++) {
        uint64_t vals = c->tensors[t].n_vectors * c->tensors[t].dim;
        if (value < base + vals) {
            uint64_t k = value - base;
            cf_fmt(buf, n, "tensor %u, vector %llu, coordinate %llu", t,
                   (unsigned long long)(k / c->tensors[t].dim),
                   (unsigned long long)(k % c->tensors[t].dim));
            return;
        }
        base += vals;
    }
    buf[0] = '\0';
}

static void run_op(const cf_run_opts *o, const cf_case *c, const plan *p, cf_op_result *r)
{
    uint8_t *want = NULL;
    size_t want_len = 0;
    cf_answer a;
    cf_answer_init(&a);
    cf_result_init(r, p->op, p->dtype, p->e, p->want_len);
    if (p->e->ok &&
        cf_case_read(c, p->e->file, &want, &want_len, r->detail, sizeof r->detail) != 0) {
        r->status = CF_SKIP;
        return;
    }
    if (p->op == CF_OP_DECODE)
        ask_decoder(o, c, p, &a);
    else
        ask_encoder(o, c, p, &a);
    cf_judge(p->e, want, want_len, o->lenient, &a, r);
    if (r->has_diff && p->op == CF_OP_DECODE && r->diff_expected >= 0 && !r->detail[0]) {
        char where[96];
        locate(c, p->dtype, r->diff_offset, where, sizeof where);
        if (where[0])
            cf_fmt(r->detail, sizeof r->detail, "at %s", where);
    }
    cf_answer_free(&a);
    free(want);
}

/* ---- isolation ---------------------------------------------------------------- */

typedef struct job {
    const cf_run_opts *o;
    const cf_case *c;
    const plan *p;
    size_t first, n;
} job;

static void child_main(void *ctx, int fd)
{
    const job *j = (const job *)ctx;
    size_t i;
    for (i = j->first; i < j->n; i++) {
        cf_op_result r;
        run_op(j->o, j->c, &j->p[i], &r);
        if (cf_write_all(fd, &r, sizeof r) != 0)
            return;
    }
}

/* The child ended without answering operation `p`. */
static void died(const cf_run_opts *o, const plan *p, const cf_proc_status *st, cf_op_result *r)
{
    cf_answer a;
    cf_answer_init(&a);
    cf_result_init(r, p->op, p->dtype, p->e, p->want_len);
    switch (st->kind) {
    case CF_PROC_SIGNALED:
        a.kind = CF_ANS_CRASH;
        a.code = st->code;
        if (st->code == SIGSEGV || st->code == SIGBUS)
            cf_fmt(a.note, sizeof a.note,
                   "every input ends just before an inaccessible page: reading past the end of "
                   "the stream, a tensor's data or its name (not NUL-terminated) faults");
        break;
    case CF_PROC_TIMEOUT:
        a.kind = CF_ANS_TIMEOUT;
        cf_fmt(a.note, sizeof a.note, "no answer after %g s", o->timeout);
        break;
    case CF_PROC_EXITED:
        a.kind = CF_ANS_VIOLATION;
        cf_fmt(a.note, sizeof a.note, "the implementation ended the process (exit status %d)",
               st->code);
        break;
    default:
        a.kind = CF_ANS_SKIP;
        cf_fmt(a.note, sizeof a.note, "runner: cannot fork (errno %d)", st->code);
        break;
    }
    cf_judge(p->e, NULL, 0, o->lenient, &a, r);
}

void cf_run_case(const cf_run_opts *o, const cf_case *c, cf_case_result *res)
{
    plan p[CF_MAX_OPS];
    size_t n, i;
    double t0 = cf_now();
    memset(res, 0, sizeof *res);
    res->c = c;
    n = make_plan(o, c, p);
    res->n_ops = n;
    if (o->cli || !o->isolate) {
        for (i = 0; i < n; i++)
            run_op(o, c, &p[i], &res->ops[i]);
    } else {
        i = 0;
        while (i < n) {
            job j;
            cf_proc_status st;
            size_t got;
            j.o = o;
            j.c = c;
            j.p = p;
            j.first = i;
            j.n = n;
            got = cf_proc_isolated(child_main, &j, o->timeout, &res->ops[i], sizeof res->ops[i],
                                   n - i, &st);
            i += got;
            if (i < n) {
                died(o, &p[i], &st, &res->ops[i]);
                i++;
            }
        }
    }
    res->status = cf_case_status(res->ops, n);
    res->seconds = cf_now() - t0;
}
