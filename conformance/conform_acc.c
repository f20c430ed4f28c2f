/* conform_acc.c -- see conform_acc.h. */
#include "conform_acc.h"

#include <string.h>

#include "conform_common.h"
#include "conform_proc.h"
#include "conform_result.h"

int cf_acc_known_profile(const char *profile)
{
    size_t i;
    for (i = 0; kvlc_acc_profiles[i]; i++)
        if (strcmp(kvlc_acc_profiles[i], profile) == 0)
            return 1;
    return 0;
}

typedef struct acc_job {
    const char *profile;
    uint32_t cases;
    kvlc_encode_fn enc;
    kvlc_decode_fn dec;
} acc_job;

typedef struct acc_rec {
    int rc;
    kvlc_acc_result res;
} acc_rec;

static void acc_child(void *ctx, int fd)
{
    const acc_job *j = (const acc_job *)ctx;
    acc_rec r;
    memset(&r, 0, sizeof r);
    r.rc = kvlc_accumulate(j->profile, j->cases, j->enc, j->dec, &r.res);
    (void)cf_write_all(fd, &r, sizeof r);
}

void cf_acc_run(const char *profile, uint32_t cases, const char *expected, kvlc_encode_fn enc,
                int enc_impl, kvlc_decode_fn dec, int dec_impl, int isolate, double timeout,
                cf_acc_outcome *out)
{
    acc_job j;
    acc_rec r;
    double t0 = cf_now();
    memset(out, 0, sizeof *out);
    memset(&r, 0, sizeof r);
    cf_fmt(out->profile, sizeof out->profile, "%s", profile);
    out->cases = cases;
    cf_fmt(out->expected, sizeof out->expected, "%s", expected ? expected : "");
    out->encoder = enc_impl ? "implementation" : "reference";
    out->decoder = dec_impl ? "implementation" : "reference";
    j.profile = profile;
    j.cases = cases;
    j.enc = enc;
    j.dec = dec;
    if (isolate) {
        cf_proc_status st;
        if (cf_proc_isolated(acc_child, &j, timeout, &r, sizeof r, 1, &st) != 1) {
            out->status = CF_FAIL;
            if (st.kind == CF_PROC_SIGNALED)
                cf_fmt(out->detail, sizeof out->detail, "crashed (signal %d)", st.code);
            else if (st.kind == CF_PROC_TIMEOUT)
                cf_fmt(out->detail, sizeof out->detail, "timeout: no result after %g s", timeout);
            else if (st.kind == CF_PROC_EXITED)
                cf_fmt(out->detail, sizeof out->detail,
                       "the implementation ended the process (exit status %d)", st.code);
            else
                cf_fmt(out->detail, sizeof out->detail, "runner: cannot fork (errno %d)", st.code);
            out->seconds = cf_now() - t0;
            return;
        }
    } else {
        r.rc = kvlc_accumulate(profile, cases, enc, dec, &r.res);
    }
    out->res = r.res;
    out->seconds = cf_now() - t0;
    if (r.rc != 0) {
        out->status = CF_FAIL;
        cf_fmt(out->detail, sizeof out->detail, "%s",
               r.res.error[0] ? r.res.error : "kvlc_accumulate failed");
        return;
    }
    if (!expected) {
        out->status = CF_SKIP;
        cf_fmt(out->detail, sizeof out->detail, "no published digest for %u cases", cases);
        return;
    }
    if (strcmp(out->res.digest_hex, expected) == 0) {
        out->status = CF_PASS;
    } else {
        out->status = CF_FAIL;
        cf_fmt(out->detail, sizeof out->detail, "digest %.16s... differs from the published %.16s...",
               out->res.digest_hex, expected);
    }
}
