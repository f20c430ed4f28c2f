/*
 * conform_result.h -- judging one operation: what an implementation answered
 * (cf_answer, filled by the library or the CLI driver) compared with what the
 * case expects (cf_expect), giving a cf_op_result (pass / fail / skip /
 * refused, with the first differing byte).
 */
#ifndef CONFORM_RESULT_H
#define CONFORM_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "conform_case.h"

enum { CF_PASS = 0, CF_FAIL = 1, CF_REFUSED = 2, CF_SKIP = 3, CF_NSTATUS = 4 };
enum { CF_OP_DECODE = 0, CF_OP_ENCODE = 1 };

const char *cf_status_name(int status); /* "pass", "fail", "refused", "skip" */

/* What the implementation did. */
enum {
    CF_ANS_CODE,      /* returned `code` (0 = success with out/out_len) */
    CF_ANS_NOCLASS,   /* failed (non-zero exit) without naming a class */
    CF_ANS_CRASH,     /* killed by signal `code` */
    CF_ANS_TIMEOUT,   /* did not finish in time */
    CF_ANS_VIOLATION, /* broke the calling convention (note says how): always a fail */
    CF_ANS_SKIP       /* could not be asked (note says why): skipped */
};

typedef struct cf_answer {
    int kind;
    int code;
    uint8_t *out;     /* output on success (owned; free with cf_answer_free) */
    size_t out_len;
    char note[240];   /* extra detail for the report */
} cf_answer;

void cf_answer_init(cf_answer *a);
void cf_answer_free(cf_answer *a);

/* Fixed-size so that it can travel through a pipe from a forked child. */
typedef struct cf_op_result {
    int op;           /* CF_OP_* */
    int dtype;        /* decode: output dtype; encode: -1 */
    int status;       /* CF_PASS ... */
    char expected[64];
    char got[96];
    char detail[256];
    int has_diff;     /* output differs: first differing byte */
    uint64_t diff_offset;
    int diff_expected; /* byte value, or -1: past the end of the expected output */
    int diff_got;      /* byte value, or -1: past the end of the output */
    uint64_t expected_len, got_len;
} cf_op_result;

/* Set r's op/dtype/expected text for an operation about to run. */
void cf_result_init(cf_op_result *r, int op, int dtype, const cf_expect *e, size_t expected_len);

/* Judge `a` against `e` (expected bytes `want` when e->ok). `lenient`: an
 * expected error passes with any error answer (no crash, no timeout). */
void cf_judge(const cf_expect *e, const uint8_t *want, size_t want_len, int lenient,
              const cf_answer *a, cf_op_result *r);

/* The status of a case from its operations: fail > refused > pass > skip. */
int cf_case_status(const cf_op_result *ops, size_t n);

/* "decode f16" / "encode". */
void cf_op_label(const cf_op_result *r, char *buf, size_t n);

#endif /* CONFORM_RESULT_H */
