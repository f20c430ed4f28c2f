/* conform_report.c -- see conform_report.h. */
#include "conform_report.h"

#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "conform_common.h"

#define KVL_CONFORM_VERSION "1.0.0"

typedef struct counts {
    unsigned n[CF_NSTATUS];
    unsigned total;
} counts;

static void count(counts *c, int status)
{
    c->n[status]++;
    c->total++;
}

void cf_diff_text(const cf_op_result *r, char *buf, size_t n)
{
    char e[8], g[8];
    if (!r->has_diff) {
        cf_fmt(buf, n, "-");
        return;
    }
    if (r->diff_expected >= 0)
        cf_fmt(e, sizeof e, "0x%02x", (unsigned)r->diff_expected);
    else
        cf_fmt(e, sizeof e, "end");
    if (r->diff_got >= 0)
        cf_fmt(g, sizeof g, "0x%02x", (unsigned)r->diff_got);
    else
        cf_fmt(g, sizeof g, "end");
    if (r->got_len != r->expected_len)
        cf_fmt(buf, n, "byte %llu: expected %s, got %s (output %llu bytes, expected %llu)",
               (unsigned long long)r->diff_offset, e, g, (unsigned long long)r->got_len,
               (unsigned long long)r->expected_len);
    else
        cf_fmt(buf, n, "byte %llu: expected %s, got %s", (unsigned long long)r->diff_offset, e, g);
}

static void spec_list(const cf_case *c, char *buf, size_t n)
{
    size_t i, len = 0;
    buf[0] = '\0';
    for (i = 0; i < c->n_spec && len + 1u < n; i++) {
        cf_fmt(buf + len, n - len, "%s§%s", i ? ", " : "", c->spec[i]);
        len = strlen(buf);
    }
    if (c->n_spec == 0)
        cf_fmt(buf, n, "-");
}

/* ---- console ---------------------------------------------------------------- */

void cf_report_case_line(const cf_case_result *r, int verbose, FILE *f)
{
    size_t i;
    char label[32], diff[160], spec[160];
    if (r->status != CF_FAIL && !verbose)
        return;
    spec_list(r->c, spec, sizeof spec);
    if (r->status == CF_FAIL)
        fprintf(f, "FAIL  %s  [%s; read spec %s]\n", r->c->id, r->c->profile, spec);
    else
        fprintf(f, "%-5s %s\n", cf_status_name(r->status), r->c->id);
    for (i = 0; i < r->n_ops; i++) {
        const cf_op_result *o = &r->ops[i];
        if (o->status == CF_PASS && !verbose)
            continue;
        if (o->status != CF_FAIL && !verbose && r->status == CF_FAIL)
            continue;
        cf_op_label(o, label, sizeof label);
        fprintf(f, "      %-12s %-7s expected %s, got %s", label, cf_status_name(o->status),
                o->expected, o->got);
        if (o->has_diff) {
            cf_diff_text(o, diff, sizeof diff);
            fprintf(f, "; first difference at %s", diff);
        }
        if (o->detail[0])
            fprintf(f, " (%s)", o->detail);
        fputc('\n', f);
    }
    if (r->n_ops == 0 && verbose)
        fprintf(f, "      (no operation selected)\n");
}

void cf_report_acc_line(const cf_acc_outcome *a, int verbose, FILE *f)
{
    if (a->status == CF_PASS && !verbose)
        return;
    fprintf(f, "%-5s accumulated %s (%u cases, %s encoder, %s decoder): %s%s%s\n",
            a->status == CF_FAIL ? "FAIL" : cf_status_name(a->status), a->profile, a->cases,
            a->encoder, a->decoder, a->res.digest_hex[0] ? a->res.digest_hex : "no digest",
            a->detail[0] ? "; " : "", a->detail);
}

int cf_summary_failed(const cf_summary *s)
{
    size_t i;
    for (i = 0; i < s->n_cases; i++)
        if (s->cases[i].status == CF_FAIL)
            return 1;
    for (i = 0; i < s->n_acc; i++)
        if (s->acc[i].status == CF_FAIL)
            return 1;
    return 0;
}

/* Distinct profiles in order of first appearance. */
static size_t profiles(const cf_summary *s, const char **out)
{
    size_t i, j, n = 0;
    for (i = 0; i < s->n_cases; i++) {
        for (j = 0; j < n; j++)
            if (strcmp(out[j], s->cases[i].c->profile) == 0)
                break;
        if (j == n)
            out[n++] = s->cases[i].c->profile;
    }
    return n;
}

static void table_row(FILE *f, const char *name, const counts *c)
{
    fprintf(f, "  %-16s %6u %6u %6u %8u %8u\n", name, c->total, c->n[CF_PASS], c->n[CF_FAIL],
            c->n[CF_REFUSED], c->n[CF_SKIP]);
}

void cf_report_console(const cf_summary *s, int tables, FILE *f)
{
    counts g[CF_NGROUPS], total;
    const char **prof = (const char **)cf_xcalloc(s->n_cases + 1u, sizeof *prof);
    size_t i, j, np = profiles(s, prof);
    memset(g, 0, sizeof g);
    memset(&total, 0, sizeof total);
    for (i = 0; i < s->n_cases; i++) {
        count(&g[s->cases[i].c->group], s->cases[i].status);
        count(&total, s->cases[i].status);
    }
    if (!tables)
        goto verdict;
    if (s->n_cases) {
        fprintf(f, "\n  %-16s %6s %6s %6s %8s %8s\n", "group", "cases", "pass", "fail", "refused",
                "skipped");
        for (i = 0; i < CF_NGROUPS; i++)
            if (g[i].total)
                table_row(f, cf_group_name((int)i), &g[i]);
        table_row(f, "total", &total);
    }
    if (np) {
        fprintf(f, "\n  %-16s %6s %6s %6s %8s %8s\n", "profile", "cases", "pass", "fail",
                "refused", "skipped");
        for (j = 0; j < np; j++) {
            counts c;
            memset(&c, 0, sizeof c);
            for (i = 0; i < s->n_cases; i++)
                if (strcmp(s->cases[i].c->profile, prof[j]) == 0)
                    count(&c, s->cases[i].status);
            table_row(f, prof[j], &c);
        }
    }
    if (s->n_acc) {
        fprintf(f, "\n  %-16s %6s %-7s %-14s %-14s %s\n", "accumulated", "cases", "result",
                "encoder", "decoder", "digest");
        for (i = 0; i < s->n_acc; i++) {
            const cf_acc_outcome *a = &s->acc[i];
            fprintf(f, "  %-16s %6u %-7s %-14s %-14s %.16s%s\n", a->profile, a->cases,
                    cf_status_name(a->status), a->encoder, a->decoder,
                    a->res.digest_hex[0] ? a->res.digest_hex : "-",
                    a->res.digest_hex[0] ? "..." : "");
        }
    }
    fputc('\n', f);
verdict:
    fprintf(f, "%s: %u cases: %u pass, %u fail, %u refused, %u skipped",
            cf_summary_failed(s) ? "FAIL" : "PASS", total.total, total.n[CF_PASS],
            total.n[CF_FAIL], total.n[CF_REFUSED], total.n[CF_SKIP]);
    if (s->n_acc) {
        counts a;
        memset(&a, 0, sizeof a);
        for (i = 0; i < s->n_acc; i++)
            count(&a, s->acc[i].status);
        fprintf(f, "; accumulated: %u pass, %u fail, %u skipped", a.n[CF_PASS], a.n[CF_FAIL],
                a.n[CF_SKIP]);
    }
    fprintf(f, " (%.1f s)\n", s->seconds);
    free(prof);
}

/* ---- JSON ------------------------------------------------------------------- */

static json_t *jstr_array(char **v, size_t n)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *jcounts(const counts *c)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I}", "total", (json_int_t)c->total, "pass",
                     (json_int_t)c->n[CF_PASS], "fail", (json_int_t)c->n[CF_FAIL], "refused",
                     (json_int_t)c->n[CF_REFUSED], "skip", (json_int_t)c->n[CF_SKIP]);
}

static json_t *jop(const cf_op_result *o)
{
    json_t *j = json_object();
    json_object_set_new(j, "operation", json_string(o->op == CF_OP_DECODE ? "decode" : "encode"));
    if (o->op == CF_OP_DECODE)
        json_object_set_new(j, "dtype", json_string(cf_dtype_name(o->dtype)));
    json_object_set_new(j, "status", json_string(cf_status_name(o->status)));
    json_object_set_new(j, "expected", json_string(o->expected));
    json_object_set_new(j, "got", json_string(o->got));
    if (o->detail[0])
        json_object_set_new(j, "detail", json_string(o->detail));
    if (o->has_diff) {
        json_t *d = json_object();
        json_object_set_new(d, "offset", json_integer((json_int_t)o->diff_offset));
        json_object_set_new(d, "expected",
                            o->diff_expected >= 0 ? json_integer(o->diff_expected) : json_null());
        json_object_set_new(d, "got", o->diff_got >= 0 ? json_integer(o->diff_got) : json_null());
        json_object_set_new(d, "expected_bytes", json_integer((json_int_t)o->expected_len));
        json_object_set_new(d, "got_bytes", json_integer((json_int_t)o->got_len));
        json_object_set_new(j, "first_difference", d);
    }
    return j;
}

int cf_report_json(const cf_summary *s, const char *path, char *err, size_t errlen)
{
    json_t *root = json_object(), *impl = json_object(), *vec = json_object(), *cases = json_array();
    json_t *acc = json_array(), *totals = json_object(), *groups = json_object();
    json_t *profs = json_object(), *ops;
    counts total, optotal, g[CF_NGROUPS], acct;
    const char **prof = (const char **)cf_xcalloc(s->n_cases + 1u, sizeof *prof);
    size_t i, j, np = profiles(s, prof);
    int rc;
    memset(&total, 0, sizeof total);
    memset(&optotal, 0, sizeof optotal);
    memset(&acct, 0, sizeof acct);
    memset(g, 0, sizeof g);

    json_object_set_new(root, "tool", json_string("kvl-conform"));
    json_object_set_new(root, "tool_version", json_string(KVL_CONFORM_VERSION));
    json_object_set_new(impl, "mode", json_string(s->mode));
    if (s->lib_path)
        json_object_set_new(impl, "library", json_string(s->lib_path));
    if (s->impl_name)
        json_object_set_new(impl, "name", json_string(s->impl_name));
    if (s->decoder_tmpl)
        json_object_set_new(impl, "decoder", json_string(s->decoder_tmpl));
    if (s->encoder_tmpl)
        json_object_set_new(impl, "encoder", json_string(s->encoder_tmpl));
    json_object_set_new(impl, "errors", json_string(s->lenient ? "lenient" : "strict"));
    json_object_set_new(root, "implementation", impl);
    json_object_set_new(vec, "dir", json_string(s->m->dir));
    if (s->m->spec_version)
        json_object_set_new(vec, "spec_version", json_string(s->m->spec_version));
    if (s->m->generator)
        json_object_set_new(vec, "generator", json_string(s->m->generator));
    if (s->m->generator_version)
        json_object_set_new(vec, "generator_version", json_string(s->m->generator_version));
    json_object_set_new(root, "vectors", vec);

    for (i = 0; i < s->n_cases; i++) {
        const cf_case_result *r = &s->cases[i];
        json_t *c = json_object();
        json_object_set_new(c, "id", json_string(r->c->id));
        json_object_set_new(c, "group", json_string(cf_group_name(r->c->group)));
        json_object_set_new(c, "profile", json_string(r->c->profile));
        json_object_set_new(c, "flags", jstr_array(r->c->flags, r->c->n_flags));
        json_object_set_new(c, "spec", jstr_array(r->c->spec, r->c->n_spec));
        json_object_set_new(c, "description", json_string(r->c->description));
        json_object_set_new(c, "status", json_string(cf_status_name(r->status)));
        ops = json_array();
        for (j = 0; j < r->n_ops; j++) {
            json_array_append_new(ops, jop(&r->ops[j]));
            count(&optotal, r->ops[j].status);
        }
        json_object_set_new(c, "operations", ops);
        json_object_set_new(c, "seconds", json_real(r->seconds));
        json_array_append_new(cases, c);
        count(&total, r->status);
        count(&g[r->c->group], r->status);
    }
    json_object_set_new(root, "cases", cases);

    for (i = 0; i < s->n_acc; i++) {
        const cf_acc_outcome *a = &s->acc[i];
        json_t *o = json_object();
        json_object_set_new(o, "profile", json_string(a->profile));
        json_object_set_new(o, "cases", json_integer(a->cases));
        json_object_set_new(o, "status", json_string(cf_status_name(a->status)));
        json_object_set_new(o, "encoder", json_string(a->encoder));
        json_object_set_new(o, "decoder", json_string(a->decoder));
        json_object_set_new(o, "expected_sha256",
                            a->expected[0] ? json_string(a->expected) : json_null());
        json_object_set_new(o, "got_sha256",
                            a->res.digest_hex[0] ? json_string(a->res.digest_hex) : json_null());
        json_object_set_new(o, "cases_run", json_integer(a->res.cases));
        json_object_set_new(o, "encode_ok", json_integer(a->res.encode_ok));
        json_object_set_new(o, "encode_errors", json_integer(a->res.encode_errors));
        json_object_set_new(o, "decode_ok", json_integer(a->res.decode_ok));
        json_object_set_new(o, "decode_errors", json_integer(a->res.decode_errors));
        if (a->detail[0])
            json_object_set_new(o, "detail", json_string(a->detail));
        json_object_set_new(o, "seconds", json_real(a->seconds));
        json_array_append_new(acc, o);
        count(&acct, a->status);
    }
    json_object_set_new(root, "accumulated", acc);

    json_object_set_new(totals, "cases", jcounts(&total));
    json_object_set_new(totals, "operations", jcounts(&optotal));
    json_object_set_new(totals, "accumulated", jcounts(&acct));
    for (i = 0; i < CF_NGROUPS; i++)
        if (g[i].total)
            json_object_set_new(groups, cf_group_name((int)i), jcounts(&g[i]));
    json_object_set_new(totals, "groups", groups);
    for (j = 0; j < np; j++) {
        counts c;
        memset(&c, 0, sizeof c);
        for (i = 0; i < s->n_cases; i++)
            if (strcmp(s->cases[i].c->profile, prof[j]) == 0)
                count(&c, s->cases[i].status);
        json_object_set_new(profs, prof[j], jcounts(&c));
    }
    json_object_set_new(totals, "profiles", profs);
    json_object_set_new(root, "totals", totals);
    json_object_set_new(root, "result", json_string(cf_summary_failed(s) ? "fail" : "pass"));
    json_object_set_new(root, "runtime_seconds", json_real(s->seconds));

    rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    if (rc != 0)
        cf_fmt(err, errlen, "%s: cannot write: %s", path, strerror(errno));
    json_decref(root);
    free(prof);
    return rc == 0 ? 0 : -1;
}

/* ---- Markdown ------------------------------------------------------------------ */

/* A table cell: '|' escaped, newlines as spaces. */
static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else if (*s == '<')
            fputs("&lt;", f);
        else
            fputc(*s, f);
    }
}

static void md_counts_row(FILE *f, const char *name, const counts *c)
{
    fprintf(f, "| %s | %u | %u | %u | %u | %u |\n", name, c->total, c->n[CF_PASS], c->n[CF_FAIL],
            c->n[CF_REFUSED], c->n[CF_SKIP]);
}

int cf_report_markdown(const cf_summary *s, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    counts total, g[CF_NGROUPS];
    const char **prof;
    size_t i, j, np, nfail_ops = 0, nrefused = 0, nskip = 0, npass = 0;
    char label[32], diff[160], spec[160];
    if (!f) {
        cf_fmt(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    prof = (const char **)cf_xcalloc(s->n_cases + 1u, sizeof *prof);
    np = profiles(s, prof);
    memset(&total, 0, sizeof total);
    memset(g, 0, sizeof g);
    for (i = 0; i < s->n_cases; i++) {
        count(&total, s->cases[i].status);
        count(&g[s->cases[i].c->group], s->cases[i].status);
        for (j = 0; j < s->cases[i].n_ops; j++) {
            nfail_ops += s->cases[i].ops[j].status == CF_FAIL;
            nrefused += s->cases[i].ops[j].status == CF_REFUSED;
            nskip += s->cases[i].ops[j].status == CF_SKIP;
        }
        npass += s->cases[i].status == CF_PASS;
    }

    fprintf(f, "# kvl-conform report\n\n");
    fprintf(f, "**Result: %s** — %u cases: %u pass, %u fail, %u refused, %u skipped",
            cf_summary_failed(s) ? "FAIL" : "PASS", total.total, total.n[CF_PASS], total.n[CF_FAIL],
            total.n[CF_REFUSED], total.n[CF_SKIP]);
    if (s->n_acc) {
        counts a;
        memset(&a, 0, sizeof a);
        for (i = 0; i < s->n_acc; i++)
            count(&a, s->acc[i].status);
        fprintf(f, "; accumulated profiles: %u pass, %u fail, %u skipped", a.n[CF_PASS],
                a.n[CF_FAIL], a.n[CF_SKIP]);
    }
    fprintf(f, ".\n\n");
    if (s->lib_path)
        fprintf(f, "* Implementation: `%s` (library `%s`)\n", s->impl_name ? s->impl_name : "?",
                s->lib_path);
    if (s->decoder_tmpl)
        fprintf(f, "* Decoder command: `%s`\n", s->decoder_tmpl);
    if (s->encoder_tmpl)
        fprintf(f, "* Encoder command: `%s`\n", s->encoder_tmpl);
    fprintf(f, "* Vectors: `%s` (format %s, %s %s)\n", s->m->dir,
            s->m->spec_version ? s->m->spec_version : "?", s->m->generator ? s->m->generator : "?",
            s->m->generator_version ? s->m->generator_version : "?");
    fprintf(f, "* Error conformance: %s\n",
            s->lenient ? "lenient (any error passes where an error is expected)"
                       : "strict (the error class named by the vector, spec §9.2)");
    fprintf(f, "* Runtime: %.1f s, kvl-conform %s\n\n", s->seconds, KVL_CONFORM_VERSION);

    fprintf(f, "## Summary\n\n| Group | Cases | Pass | Fail | Refused | Skipped |\n"
               "|---|---:|---:|---:|---:|---:|\n");
    for (i = 0; i < CF_NGROUPS; i++)
        if (g[i].total)
            md_counts_row(f, cf_group_name((int)i), &g[i]);
    md_counts_row(f, "**total**", &total);
    if (np) {
        fprintf(f, "\n| Profile | Cases | Pass | Fail | Refused | Skipped |\n"
                   "|---|---:|---:|---:|---:|---:|\n");
        for (j = 0; j < np; j++) {
            counts c;
            memset(&c, 0, sizeof c);
            for (i = 0; i < s->n_cases; i++)
                if (strcmp(s->cases[i].c->profile, prof[j]) == 0)
                    count(&c, s->cases[i].status);
            md_counts_row(f, prof[j], &c);
        }
    }
    if (s->n_acc) {
        fprintf(f, "\n## Accumulated vectors\n\n"
                   "| Profile | Cases | Encoder | Decoder | Result | Digest | Published | Detail |\n"
                   "|---|---:|---|---|---|---|---|---|\n");
        for (i = 0; i < s->n_acc; i++) {
            const cf_acc_outcome *a = &s->acc[i];
            fprintf(f, "| %s | %u | %s | %s | %s | `%s` | `%s` | ", a->profile, a->cases,
                    a->encoder, a->decoder, cf_status_name(a->status),
                    a->res.digest_hex[0] ? a->res.digest_hex : "-",
                    a->expected[0] ? a->expected : "-");
            md_cell(f, a->detail[0] ? a->detail : "-");
            fprintf(f, " |\n");
        }
        fprintf(f, "\nA failing profile means the implementation disagrees with the reference on at"
                   " least one of the generated cases; spec Appendix C describes the generator, so"
                   " the first disagreeing case can be found by running the cases one at a time.\n");
    }

    fprintf(f, "\n## Failing cases\n\n");
    if (nfail_ops == 0) {
        fprintf(f, "None.\n");
    } else {
        fprintf(f, "| Case | Operation | Expected | Got | First differing byte | Read |\n"
                   "|---|---|---|---|---|---|\n");
        for (i = 0; i < s->n_cases; i++) {
            const cf_case_result *r = &s->cases[i];
            spec_list(r->c, spec, sizeof spec);
            for (j = 0; j < r->n_ops; j++) {
                const cf_op_result *o = &r->ops[j];
                if (o->status != CF_FAIL)
                    continue;
                cf_op_label(o, label, sizeof label);
                cf_diff_text(o, diff, sizeof diff);
                fprintf(f, "| `%s` | %s | ", r->c->id, label);
                md_cell(f, o->expected);
                fprintf(f, " | ");
                md_cell(f, o->got);
                if (o->detail[0]) {
                    fprintf(f, "<br>");
                    md_cell(f, o->detail);
                }
                fprintf(f, " | ");
                md_cell(f, diff);
                fprintf(f, " | read spec %s |\n", spec);
            }
        }
        fprintf(f, "\nCase descriptions:\n\n");
        for (i = 0; i < s->n_cases; i++)
            if (s->cases[i].status == CF_FAIL) {
                fprintf(f, "* `%s`: ", s->cases[i].c->id);
                md_cell(f, s->cases[i].c->description[0] ? s->cases[i].c->description : "-");
                if (s->cases[i].c->n_flags) {
                    fprintf(f, " (flags:");
                    for (j = 0; j < s->cases[i].c->n_flags; j++)
                        fprintf(f, " `%s`", s->cases[i].c->flags[j]);
                    fprintf(f, ")");
                }
                fprintf(f, "\n");
            }
    }

    if (nrefused) {
        fprintf(f, "\n## Refused (UNSUPPORTED, allowed for these unusual cases)\n\n");
        for (i = 0; i < s->n_cases; i++)
            for (j = 0; j < s->cases[i].n_ops; j++)
                if (s->cases[i].ops[j].status == CF_REFUSED) {
                    cf_op_label(&s->cases[i].ops[j], label, sizeof label);
                    fprintf(f, "* `%s` %s\n", s->cases[i].c->id, label);
                }
    }
    if (nskip) {
        fprintf(f, "\n## Skipped operations\n\n<details><summary>%zu skipped operations</summary>"
                   "\n\n| Case | Operation | Reason |\n|---|---|---|\n", nskip);
        for (i = 0; i < s->n_cases; i++)
            for (j = 0; j < s->cases[i].n_ops; j++)
                if (s->cases[i].ops[j].status == CF_SKIP) {
                    cf_op_label(&s->cases[i].ops[j], label, sizeof label);
                    fprintf(f, "| `%s` | %s | ", s->cases[i].c->id, label);
                    md_cell(f, s->cases[i].ops[j].detail);
                    fprintf(f, " |\n");
                }
        fprintf(f, "\n</details>\n");
    }
    fprintf(f, "\n## Passing cases\n\n<details><summary>%zu passing cases</summary>\n\n", npass);
    for (i = 0; i < s->n_cases; i++)
        if (s->cases[i].status == CF_PASS) {
            fprintf(f, "* `%s` (", s->cases[i].c->id);
            for (j = 0; j < s->cases[i].n_ops; j++) {
                cf_op_label(&s->cases[i].ops[j], label, sizeof label);
                fprintf(f, "%s%s %s", j ? ", " : "", label, cf_status_name(s->cases[i].ops[j].status));
            }
            fprintf(f, ")\n");
        }
    fprintf(f, "\n</details>\n");
    free(prof);
    if (fclose(f) != 0) {
        cf_fmt(err, errlen, "%s: write error: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
