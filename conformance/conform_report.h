/*
 * conform_report.h -- what kvl-conform tells its user: the progress line of
 * a case, the summary tables (per group, per profile, accumulated), the
 * machine-readable results (--results, JSON) and the Markdown report
 * (--report).
 */
#ifndef CONFORM_REPORT_H
#define CONFORM_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "conform_acc.h"
#include "conform_manifest.h"
#include "conform_run.h"

typedef struct cf_summary {
    const cf_manifest *m;
    const char *mode;          /* "library" or "cli" */
    const char *lib_path;      /* library mode */
    const char *impl_name;     /* kvlc_name() or the file name; CLI: NULL */
    const char *decoder_tmpl;  /* CLI mode, or NULL */
    const char *encoder_tmpl;
    int lenient;
    const cf_case_result *cases;
    size_t n_cases;
    const cf_acc_outcome *acc;
    size_t n_acc;
    double seconds;
} cf_summary;

/* One case: "FAIL id" with an indented line per failing operation; with
 * `verbose` also passing, refused and skipped cases. */
void cf_report_case_line(const cf_case_result *r, int verbose, FILE *f);
void cf_report_acc_line(const cf_acc_outcome *a, int verbose, FILE *f);

/* The summary tables (when `tables`) and the one-line verdict. */
void cf_report_console(const cf_summary *s, int tables, FILE *f);

/* 1 iff any case or accumulated profile failed. */
int cf_summary_failed(const cf_summary *s);

/* Write --results / --report. 0, or -1 with err set. */
int cf_report_json(const cf_summary *s, const char *path, char *err, size_t errlen);
int cf_report_markdown(const cf_summary *s, const char *path, char *err, size_t errlen);

/* "first difference at byte N: expected 0x.., got 0x.. (output is A bytes, expected B)" */
void cf_diff_text(const cf_op_result *r, char *buf, size_t n);

#endif /* CONFORM_REPORT_H */
