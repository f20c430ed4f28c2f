/*
 * kvl_conform.c -- kvl-conform, the kvlattice conformance-kit runner
 * (conformance/README.md). Checks the golden vectors against their manifest,
 * runs the selected cases against an implementation (a shared library with
 * the kvlc.h ABI, or command-line templates), runs the accumulated vectors,
 * and reports.
 *
 * Exit status: 0 nothing failed, 1 a case or accumulated profile failed,
 * 2 usage error (including a library or command that cannot be used),
 * 3 the vector set is damaged or does not match its manifest.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accumulate.h"
#include "conform_acc.h"
#include "conform_case.h"
#include "conform_cli.h"
#include "conform_common.h"
#include "conform_lib.h"
#include "conform_manifest.h"
#include "conform_report.h"
#include "conform_run.h"
#include "kvlc.h"

#ifndef KVL_VECTORS_DIR
#define KVL_VECTORS_DIR "vectors"
#endif

enum { EXIT_PASS = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_VECTORS = 3 };

static const char *kUsage =
    "usage: kvl-conform [--vectors DIR] (--lib PATH.so | [--decoder TEMPLATE] [--encoder TEMPLATE])\n"
    "                   [--group valid,unusual,faulty] [--profile P,...] [--flag F,...]\n"
    "                   [--case SUBSTRING] [--dtype f32,f16,bf16] [--no-encode] [--no-decode]\n"
    "                   [--accumulated | --no-accumulated | --only-accumulated] [--acc-cases N]\n"
    "                   [--lenient-errors]\n"
    "                   [--results OUT.json] [--report OUT.md] [--timeout SECONDS]\n"
    "                   [--quiet | --verbose] [--no-fork]\n"
    "       kvl-conform [--vectors DIR] --list [selection options]\n"
    "       kvl-conform [--vectors DIR] --verify-manifest\n"
    "\n"
    "  --vectors DIR     golden vectors (default: $KVL_VECTORS, else " KVL_VECTORS_DIR ")\n"
    "  --lib PATH.so     library mode: dlopen an implementation of conformance/kvlc.h\n"
    "  --decoder T       CLI mode: decoder command template, e.g. 'their-dec {in} {out} {dtype}'\n"
    "  --encoder T       CLI mode: encoder command template, e.g. 'their-enc {params} {in} {out}'\n"
    "                    placeholders: {in} {out} {dtype} {dim} {in_dtype} {case} {case_dir}\n"
    "                    {params} (kvl encode options) {params_json} (file with case.json tensors)\n"
    "  --group/--profile/--flag/--case/--dtype   select cases (lists: any of; --case: id contains)\n"
    "  --no-encode, --no-decode                  skip encoder or decoder tests\n"
    "  --accumulated     run the accumulated vectors (default in library mode; needs --lib)\n"
    "  --no-accumulated  do not run them;  --only-accumulated  run nothing else\n"
    "  --acc-cases N     accumulated cases per profile (default: the manifest's counts)\n"
    "  --lenient-errors  an expected error passes with any error class (default: the named class)\n"
    "  --results FILE    per-case results as JSON;  --report FILE  Markdown report\n"
    "  --timeout S       seconds per operation (default 60)\n"
    "  --no-fork         library mode: call the library in this process (for debuggers)\n"
    "  --list            list the selected cases;  --verify-manifest  check the vector set only\n"
    "exit: 0 all selected tests pass, 1 a test failed, 2 usage error, 3 vector set damaged\n";

typedef struct options {
    const char *vectors;
    const char *lib;
    const char *decoder, *encoder;
    const char *groups, *profiles, *flags_sel, *dtypes;
    const char **case_subs;
    int n_case_subs;
    int no_encode, no_decode;
    int accumulated; /* -1 default, 0 off, 1 on */
    uint32_t acc_cases;
    int lenient;
    const char *results, *report;
    double timeout;
    int quiet, verbose, list, verify_only, no_fork, only_acc;
} options;

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "kvl-conform: %s%s%s\n\n%s", msg, arg ? ": " : "", arg ? arg : "", kUsage);
    return EXIT_USAGE;
}

/* Every item of the comma list is accepted by `ok`. */
static int check_list(const char *list, int (*ok)(const char *, const void *), const void *ctx,
                      char *bad, size_t badlen)
{
    const char *p = list;
    if (!*list) {
        cf_fmt(bad, badlen, "(empty list)");
        return -1;
    }
    while (p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char item[128];
        cf_fmt(item, sizeof item, "%.*s", (int)(n < 127 ? n : 127), p);
        if (!ok(item, ctx)) {
            cf_fmt(bad, badlen, "%s", item);
            return -1;
        }
        p = e ? e + 1 : NULL;
    }
    return 0;
}

static int ok_group(const char *s, const void *ctx)
{
    (void)ctx;
    return cf_group_parse(s) >= 0;
}

static int ok_dtype(const char *s, const void *ctx)
{
    (void)ctx;
    return cf_dtype_parse(s) >= 0;
}

typedef struct known {
    const cf_manifest *m;
    const cf_case *cases;
    size_t n;
} known;

static int ok_profile(const char *s, const void *ctx)
{
    const known *k = (const known *)ctx;
    size_t i;
    for (i = 0; i < k->n; i++)
        if (strcmp(k->cases[i].profile, s) == 0)
            return 1;
    for (i = 0; i < k->m->n_acc; i++)
        if (strcmp(k->m->acc[i].profile, s) == 0)
            return 1;
    return 0;
}

static int ok_flag(const char *s, const void *ctx)
{
    const known *k = (const known *)ctx;
    size_t i;
    if (cf_manifest_has_flag(k->m, s))
        return 1;
    for (i = 0; i < k->n; i++)
        if (cf_case_has_flag(&k->cases[i], s))
            return 1;
    return 0;
}

static const char *const kValueOpts[] = {"--vectors", "--lib",    "--decoder",   "--encoder",
                                         "--group",   "--profile", "--flag",     "--case",
                                         "--dtype",   "--acc-cases", "--results", "--report",
                                         "--timeout", NULL};
static const char *const kFlagOpts[] = {"--no-encode",  "--no-decode",     "--accumulated",
                                        "--no-accumulated", "--lenient-errors", "--quiet",
                                        "--verbose",    "--list",          "--verify-manifest",
                                        "--no-fork",    "--help",          "--version",
                                        "--only-accumulated", NULL};

static int is_one_of(const char *name, const char *const *names)
{
    size_t i;
    for (i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

static int parse_args(int argc, char **argv, options *o)
{
    int i;
    memset(o, 0, sizeof *o);
    o->accumulated = -1;
    o->timeout = 60.0;
    o->case_subs = (const char **)cf_xcalloc((size_t)argc + 1u, sizeof *o->case_subs);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL, *eq = strchr(a, '=');
        char name[64];
        if (strncmp(a, "--", 2) != 0)
            return usage("unexpected argument", a);
        if (eq)
            cf_fmt(name, sizeof name, "%.*s", (int)(eq - a < 63 ? eq - a : 63), a);
        else
            cf_fmt(name, sizeof name, "%s", a);
        if (is_one_of(name, kValueOpts)) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                return usage("missing value for", name);
        } else if (is_one_of(name, kFlagOpts)) {
            if (eq)
                return usage("option takes no value", name);
        } else {
            return usage("unknown option", a);
        }
        if (strcmp(name, "--vectors") == 0)
            o->vectors = val;
        else if (strcmp(name, "--lib") == 0)
            o->lib = val;
        else if (strcmp(name, "--decoder") == 0)
            o->decoder = val;
        else if (strcmp(name, "--encoder") == 0)
            o->encoder = val;
        else if (strcmp(name, "--group") == 0)
            o->groups = val;
        else if (strcmp(name, "--profile") == 0)
            o->profiles = val;
        else if (strcmp(name, "--flag") == 0)
            o->flags_sel = val;
        else if (strcmp(name, "--case") == 0)
            o->case_subs[o->n_case_subs++] = val;
        else if (strcmp(name, "--dtype") == 0)
            o->dtypes = val;
        else if (strcmp(name, "--acc-cases") == 0) {
            char *end;
            unsigned long long n;
            errno = 0;
            n = strtoull(val, &end, 10);
            if (*val == '-' || *end || end == val || errno || n < 1 || n > UINT32_MAX)
                return usage("bad --acc-cases (1 .. 4294967295)", val);
            o->acc_cases = (uint32_t)n;
        } else if (strcmp(name, "--results") == 0)
            o->results = val;
        else if (strcmp(name, "--report") == 0)
            o->report = val;
        else if (strcmp(name, "--timeout") == 0) {
            char *end;
            o->timeout = strtod(val, &end);
            if (*end || end == val || !(o->timeout > 0.0) || o->timeout > 1e6)
                return usage("bad --timeout (seconds > 0)", val);
        } else if (strcmp(name, "--no-encode") == 0)
            o->no_encode = 1;
        else if (strcmp(name, "--no-decode") == 0)
            o->no_decode = 1;
        else if (strcmp(name, "--accumulated") == 0)
            o->accumulated = 1;
        else if (strcmp(name, "--no-accumulated") == 0)
            o->accumulated = 0;
        else if (strcmp(name, "--only-accumulated") == 0)
            o->only_acc = 1;
        else if (strcmp(name, "--lenient-errors") == 0)
            o->lenient = 1;
        else if (strcmp(name, "--quiet") == 0)
            o->quiet = 1;
        else if (strcmp(name, "--verbose") == 0)
            o->verbose = 1;
        else if (strcmp(name, "--list") == 0)
            o->list = 1;
        else if (strcmp(name, "--verify-manifest") == 0)
            o->verify_only = 1;
        else if (strcmp(name, "--no-fork") == 0)
            o->no_fork = 1;
        else if (strcmp(name, "--help") == 0) {
            fputs(kUsage, stdout);
            exit(EXIT_PASS);
        } else { /* --version */
            printf("kvl-conform 1.0.0 (format 1.x, ABI %d)\n", KVLC_ABI_VERSION);
            exit(EXIT_PASS);
        }
    }
    if (o->quiet && o->verbose)
        return usage("--quiet and --verbose exclude each other", NULL);
    if (o->only_acc && o->accumulated == 0)
        return usage("--only-accumulated and --no-accumulated exclude each other", NULL);
    if (o->only_acc)
        o->accumulated = 1;
    return 0;
}

static int selected(const options *o, const cf_case *c)
{
    size_t i;
    if (o->groups && !cf_in_list(o->groups, cf_group_name(c->group)))
        return 0;
    if (o->profiles && !cf_in_list(o->profiles, c->profile))
        return 0;
    if (o->flags_sel) {
        int any = 0;
        for (i = 0; i < c->n_flags && !any; i++)
            any = cf_in_list(o->flags_sel, c->flags[i]);
        if (!any)
            return 0;
    }
    if (o->n_case_subs) {
        int any = 0;
        for (i = 0; i < (size_t)o->n_case_subs && !any; i++)
            any = strstr(c->id, o->case_subs[i]) != NULL;
        if (!any)
            return 0;
    }
    return 1;
}

static void list_case(const cf_case *c, const cf_run_opts *ro, FILE *f)
{
    size_t i;
    int dt, first = 1;
    fprintf(f, "%-48s %-8s %-11s", c->id, cf_group_name(c->group), c->profile);
    if (!ro->no_decode && c->has_decode) {
        for (dt = 0; dt < CF_NDTYPES; dt++)
            if (ro->dtypes[dt] && c->decode[dt].present) {
                fprintf(f, "%s%s", first ? " decode " : ",", cf_dtype_name(dt));
                first = 0;
            }
    }
    if (!ro->no_encode && c->encode.present)
        fprintf(f, " encode%s", c->n_tensors > 1 ? "(multi-tensor)" : "");
    if (c->n_flags) {
        fprintf(f, "  [");
        for (i = 0; i < c->n_flags; i++)
            fprintf(f, "%s%s", i ? "," : "", c->flags[i]);
        fprintf(f, "]");
    }
    fputc('\n', f);
}

/* The accumulated runs: which profiles, how many cases, which digest. */
static size_t plan_accumulated(const options *o, const cf_manifest *m, cf_acc_entry *out)
{
    size_t i, j, n = 0;
    for (i = 0; i < m->n_acc; i++) {
        const cf_acc_entry *e = &m->acc[i];
        if (o->profiles && !cf_in_list(o->profiles, e->profile))
            continue;
        if (!o->acc_cases) {
            out[n++] = *e;
            continue;
        }
        for (j = 0; j < n; j++)
            if (strcmp(out[j].profile, e->profile) == 0)
                break;
        if (j == n) {
            out[n].profile = e->profile;
            out[n].cases = o->acc_cases;
            out[n].sha256 = NULL;
            n++;
        }
        if (e->cases == o->acc_cases)
            out[j].sha256 = e->sha256;
    }
    return n;
}

int main(int argc, char **argv)
{
    options o;
    cf_manifest m;
    cf_case *cases = NULL;
    size_t n_cases = 0, n_sel = 0, i, n_acc = 0;
    size_t *sel = NULL;
    cf_run_opts ro;
    cf_lib lib;
    cf_cli cli;
    cf_case_result *results = NULL;
    cf_acc_entry *acc_plan = NULL;
    cf_acc_outcome *acc = NULL;
    cf_summary sum;
    char err[512], tmpl_dir[4096], bad[128];
    int rc, problems, run_acc, lib_mode, exit_code;
    double t0 = cf_now();
    const char *env = getenv("KVL_VECTORS");

    memset(&lib, 0, sizeof lib);
    memset(&cli, 0, sizeof cli);
    memset(&ro, 0, sizeof ro);
    tmpl_dir[0] = '\0';
    if ((rc = parse_args(argc, argv, &o)) != 0)
        return rc;
    if (!o.vectors)
        o.vectors = env && *env ? env : KVL_VECTORS_DIR;
    lib_mode = o.lib != NULL;
    if (!o.list && !o.verify_only) {
        if (o.lib && (o.decoder || o.encoder))
            return usage("--lib excludes --decoder/--encoder", NULL);
        if (!o.lib && !o.decoder && !o.encoder)
            return usage("give --lib, or --decoder and/or --encoder", NULL);
        if (!lib_mode && o.accumulated == 1)
            return usage("--accumulated/--only-accumulated need --lib (the accumulated vectors call"
                         " the ABI)", NULL);
    }
    if (o.groups && check_list(o.groups, ok_group, NULL, bad, sizeof bad) != 0)
        return usage("unknown --group (valid, unusual, faulty)", bad);
    if (o.dtypes && check_list(o.dtypes, ok_dtype, NULL, bad, sizeof bad) != 0)
        return usage("unknown --dtype (f32, f16, bf16)", bad);
    if (!o.list && !o.verify_only && !lib_mode) {
        if (o.decoder) {
            if (cf_template_parse(o.decoder, CF_TMPL_DECODER, &cli.dec, err, sizeof err) != 0)
                return usage(err, NULL);
            if (!cf_template_program_found(&cli.dec))
                return usage("--decoder: program not found or not executable", cli.dec.tokens[0]);
            cli.has_dec = 1;
        }
        if (o.encoder) {
            if (cf_template_parse(o.encoder, CF_TMPL_ENCODER, &cli.enc, err, sizeof err) != 0)
                return usage(err, NULL);
            if (!cf_template_program_found(&cli.enc))
                return usage("--encoder: program not found or not executable", cli.enc.tokens[0]);
            cli.has_enc = 1;
        }
    }

    /* 1. the vector set */
    problems = cf_manifest_load(o.vectors, &m, stderr);
    for (i = 0; problems == 0 && i < m.n_acc; i++)
        if (!cf_acc_known_profile(m.acc[i].profile)) {
            fprintf(stderr, "manifest.json: accumulated profile '%s' is unknown to this"
                            " kvl-conform (a newer vector set? update the kit)\n", m.acc[i].profile);
            problems++;
        }
    if (problems) {
        fprintf(stderr, "kvl-conform: %s: the vector set does not match manifest.json (%d problem%s)"
                        "; regenerate or re-download it\n", o.vectors, problems,
                problems == 1 ? "" : "s");
        cf_manifest_free(&m);
        return EXIT_VECTORS;
    }
    if (o.verify_only) {
        printf("%s: manifest OK: %zu files verified (SHA-256), %zu cases, %zu accumulated profiles\n",
               m.dir, m.n_files, m.n_cases, m.n_acc);
        cf_manifest_free(&m);
        return EXIT_PASS;
    }
    cases = (cf_case *)cf_xcalloc(m.n_cases, sizeof *cases);
    for (i = 0; i < m.n_cases; i++) {
        if (cf_case_load(&m, m.cases[i], &cases[n_cases], err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            cf_case_free(&cases[n_cases]);
            problems++;
            continue;
        }
        n_cases++;
    }
    if (problems) {
        fprintf(stderr, "kvl-conform: %s: %d case%s cannot be used\n", o.vectors, problems,
                problems == 1 ? "" : "s");
        exit_code = EXIT_VECTORS;
        goto done;
    }

    /* 2. selection */
    {
        known k;
        k.m = &m;
        k.cases = cases;
        k.n = n_cases;
        if (o.profiles && check_list(o.profiles, ok_profile, &k, bad, sizeof bad) != 0) {
            exit_code = usage("--profile names no profile of this vector set", bad);
            goto done;
        }
        if (o.flags_sel && check_list(o.flags_sel, ok_flag, &k, bad, sizeof bad) != 0) {
            exit_code = usage("--flag names no flag of this vector set", bad);
            goto done;
        }
    }
    for (i = 0; i < CF_NDTYPES; i++)
        ro.dtypes[i] = !o.dtypes || cf_in_list(o.dtypes, cf_dtype_name((int)i));
    ro.no_encode = o.no_encode;
    ro.no_decode = o.no_decode;
    ro.lenient = o.lenient;
    ro.isolate = !o.no_fork;
    ro.timeout = o.timeout;
    sel = (size_t *)cf_xcalloc(n_cases, sizeof *sel);
    for (i = 0; i < n_cases && !o.only_acc; i++)
        if (selected(&o, &cases[i]))
            sel[n_sel++] = i;
    acc_plan = (cf_acc_entry *)cf_xcalloc(m.n_acc, sizeof *acc_plan);
    run_acc = o.accumulated == 1 || (o.accumulated == -1 && lib_mode);
    if (o.list) {
        for (i = 0; i < n_sel; i++)
            list_case(&cases[sel[i]], &ro, stdout);
        printf("%zu of %zu cases selected\n", n_sel, n_cases);
        if (run_acc || o.accumulated == -1) {
            n_acc = plan_accumulated(&o, &m, acc_plan);
            for (i = 0; i < n_acc; i++)
                printf("accumulated %-12s %u cases%s\n", acc_plan[i].profile, acc_plan[i].cases,
                       acc_plan[i].sha256 ? "" : " (no published digest for this count)");
        }
        exit_code = EXIT_PASS;
        goto done;
    }

    /* 3. the implementation */
    if (lib_mode) {
        if (cf_lib_open(o.lib, &lib, err, sizeof err) != 0) {
            exit_code = usage(err, NULL);
            goto done;
        }
        ro.lib = &lib;
    } else {
        const char *tmp = getenv("TMPDIR");
        cf_fmt(tmpl_dir, sizeof tmpl_dir, "%s/kvl-conform.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(tmpl_dir)) {
            fprintf(stderr, "kvl-conform: cannot create a directory %s: %s\n", tmpl_dir,
                    strerror(errno));
            tmpl_dir[0] = '\0';
            exit_code = EXIT_USAGE;
            goto done;
        }
        cli.tmpdir = tmpl_dir;
        cli.timeout = o.timeout;
        ro.cli = &cli;
    }
    if (run_acc)
        n_acc = plan_accumulated(&o, &m, acc_plan);
    if (n_acc && ((o.no_encode || !lib.encode) && (o.no_decode || !lib.decode))) {
        if (!o.quiet)
            printf("accumulated vectors skipped: nothing of the implementation left to test\n");
        n_acc = 0;
    }
    if (n_sel == 0 && !o.only_acc &&
        (n_acc == 0 || o.groups || o.flags_sel || o.n_case_subs)) {
        exit_code = usage("the selection matches no case", NULL);
        goto done;
    }
    if (!o.quiet) {
        if (lib_mode)
            printf("kvl-conform: %s (%s): ", lib.name, o.lib);
        else
            printf("kvl-conform: CLI%s%s%s%s%s%s%s: ", o.decoder ? " decoder '" : "",
                   o.decoder ? o.decoder : "", o.decoder ? "'" : "", o.decoder && o.encoder ? "," : "",
                   o.encoder ? " encoder '" : "", o.encoder ? o.encoder : "", o.encoder ? "'" : "");
        printf("%zu of %zu cases from %s, %s errors%s\n", n_sel, n_cases, m.dir,
               o.lenient ? "lenient" : "strict",
               n_acc ? ", then the accumulated vectors" : "");
        fflush(stdout);
    }

    /* 4. run */
    results = (cf_case_result *)cf_xcalloc(n_sel, sizeof *results);
    for (i = 0; i < n_sel; i++) {
        cf_run_case(&ro, &cases[sel[i]], &results[i]);
        if (!o.quiet) {
            cf_report_case_line(&results[i], o.verbose, stdout);
            fflush(stdout);
        }
    }
    acc = (cf_acc_outcome *)cf_xcalloc(n_acc, sizeof *acc);
    for (i = 0; i < n_acc; i++) {
        int enc_impl = !o.no_encode && lib.encode, dec_impl = !o.no_decode && lib.decode;
        double limit = o.timeout * (1.0 + (double)acc_plan[i].cases / 100.0);
        if (o.verbose) {
            printf("      accumulated %s: %u cases...\n", acc_plan[i].profile, acc_plan[i].cases);
            fflush(stdout);
        }
        cf_acc_run(acc_plan[i].profile, acc_plan[i].cases, acc_plan[i].sha256,
                   enc_impl ? lib.encode : kvlc_encode, enc_impl,
                   dec_impl ? lib.decode : kvlc_decode, dec_impl, ro.isolate, limit, &acc[i]);
        if (!o.quiet) {
            cf_report_acc_line(&acc[i], o.verbose, stdout);
            fflush(stdout);
        }
    }

    /* 5. report */
    memset(&sum, 0, sizeof sum);
    sum.m = &m;
    sum.mode = lib_mode ? "library" : "cli";
    sum.lib_path = o.lib;
    sum.impl_name = lib_mode ? lib.name : NULL;
    sum.decoder_tmpl = lib_mode ? NULL : o.decoder;
    sum.encoder_tmpl = lib_mode ? NULL : o.encoder;
    sum.lenient = o.lenient;
    sum.cases = results;
    sum.n_cases = n_sel;
    sum.acc = acc;
    sum.n_acc = n_acc;
    sum.seconds = cf_now() - t0;
    cf_report_console(&sum, !o.quiet, stdout);
    exit_code = cf_summary_failed(&sum) ? EXIT_FAILED : EXIT_PASS;
    if (o.results && cf_report_json(&sum, o.results, err, sizeof err) != 0) {
        fprintf(stderr, "kvl-conform: %s\n", err);
        exit_code = EXIT_USAGE;
    }
    if (o.report && cf_report_markdown(&sum, o.report, err, sizeof err) != 0) {
        fprintf(stderr, "kvl-conform: %s\n", err);
        exit_code = EXIT_USAGE;
    }

done:
    if (tmpl_dir[0]) {
        cf_cli_cleanup(tmpl_dir);
        rmdir(tmpl_dir);
    }
    cf_template_free(&cli.dec);
    cf_template_free(&cli.enc);
    if (lib.handle)
        cf_lib_close(&lib);
    for (i = 0; i < n_cases; i++)
        cf_case_free(&cases[i]);
    free(cases);
    free(sel);
    free(results);
    free(acc_plan);
    free(acc);
    free(o.case_subs);
    cf_manifest_free(&m);
    return exit_code;
}
