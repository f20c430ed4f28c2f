/* conform_result.c -- see conform_result.h. */
#include "conform_result.h"

#include <stdlib.h>
#include <string.h>

static const char *const kStatus[CF_NSTATUS] = {"pass", "fail", "refused", "skip"};

const char *cf_status_name(int status)
{
    return status >= 0 && status < CF_NSTATUS ? kStatus[status] : "?";
}

void cf_answer_init(cf_answer *a)
{
    memset(a, 0, sizeof *a);
    a->kind = CF_ANS_SKIP;
}

void cf_answer_free(cf_answer *a)
{
    free(a->out);
    a->out = NULL;
    a->out_len = 0;
}

void cf_result_init(cf_op_result *r, int op, int dtype, const cf_expect *e, size_t expected_len)
{
    char cls[40];
    memset(r, 0, sizeof *r);
    r->op = op;
    r->dtype = dtype;
    r->status = CF_SKIP;
    r->diff_expected = r->diff_got = -1;
    if (e->ok) {
        cf_fmt(r->expected, sizeof r->expected, "ok, %zu bytes", expected_len);
        r->expected_len = expected_len;
    } else {
        cf_class_text(e->code, cls, sizeof cls);
        cf_fmt(r->expected, sizeof r->expected, "error %s", cls);
    }
    if (e->refusable) {
        size_t n = strlen(r->expected);
        cf_fmt(r->expected + n, sizeof r->expected - n, " or UNSUPPORTED (9)");
    }
}

static void first_difference(const uint8_t *want, size_t want_len, const uint8_t *got,
                             size_t got_len, cf_op_result *r)
{
    size_t i, n = want_len < got_len ? want_len : got_len;
    for (i = 0; i < n && want[i] == got[i]; i++)
        ;
    r->has_diff = 1;
    r->diff_offset = i;
    r->diff_expected = i < want_len ? want[i] : -1;
    r->diff_got = i < got_len ? got[i] : -1;
}

void cf_judge(const cf_expect *e, const uint8_t *want, size_t want_len, int lenient,
              const cf_answer *a, cf_op_result *r)
{
    char cls[40];
    if (a->note[0])
        cf_fmt(r->detail, sizeof r->detail, "%s", a->note);
    switch (a->kind) {
    case CF_ANS_SKIP:
        r->status = CF_SKIP;
        cf_fmt(r->got, sizeof r->got, "not run");
        return;
    case CF_ANS_CRASH:
        r->status = CF_FAIL;
        cf_fmt(r->got, sizeof r->got, "crashed (signal %d)", a->code);
        return;
    case CF_ANS_TIMEOUT:
        r->status = CF_FAIL;
        cf_fmt(r->got, sizeof r->got, "timeout");
        return;
    case CF_ANS_VIOLATION:
        r->status = CF_FAIL;
        cf_fmt(r->got, sizeof r->got, "calling-convention violation");
        return;
    case CF_ANS_NOCLASS:
        cf_fmt(r->got, sizeof r->got, "error (no KVL_ERR_ class named)");
        r->status = (!e->ok && lenient) ? CF_PASS : CF_FAIL;
        return;
    default:
        break;
    }
    /* CF_ANS_CODE */
    if (a->code == 0) {
        r->got_len = a->out_len;
        cf_fmt(r->got, sizeof r->got, "ok, %zu bytes", a->out_len);
        if (!e->ok) {
            r->status = CF_FAIL;
            return;
        }
        if (a->out_len == want_len && (want_len == 0 || memcmp(a->out, want, want_len) == 0)) {
            r->status = CF_PASS;
            return;
        }
        first_difference(want, want_len, a->out, a->out_len, r);
        r->status = CF_FAIL;
        return;
    }
    cf_class_text(a->code, cls, sizeof cls);
    cf_fmt(r->got, sizeof r->got, "error %s", cls);
    if (e->refusable && a->code == 9) {
        r->status = CF_REFUSED;
        return;
    }
    if (e->ok)
        r->status = CF_FAIL;
    else
        r->status = (lenient || a->code == e->code) ? CF_PASS : CF_FAIL;
}

int cf_case_status(const cf_op_result *ops, size_t n)
{
    size_t i;
    int fail = 0, refused = 0, pass = 0;
    for (i = 0; i < n; i++) {
        fail |= ops[i].status == CF_FAIL;
        refused |= ops[i].status == CF_REFUSED;
        pass |= ops[i].status == CF_PASS;
    }
    return fail ? CF_FAIL : refused ? CF_REFUSED : pass ? CF_PASS : CF_SKIP;
}

void cf_op_label(const cf_op_result *r, char *buf, size_t n)
{
    if (r->op == CF_OP_DECODE)
        cf_fmt(buf, n, "decode %s", cf_dtype_name(r->dtype));
    else
        cf_fmt(buf, n, "encode");
}
