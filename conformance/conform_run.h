/*
 * conform_run.h -- running the operations of one case (decode per output
 * dtype, encode) against the implementation under test, in library mode (in
 * a forked child by default, so that a crash or a hang is a failed case,
 * not a dead runner) or in CLI mode.
 */
#ifndef CONFORM_RUN_H
#define CONFORM_RUN_H

#include "conform_case.h"
#include "conform_cli.h"
#include "conform_lib.h"
#include "conform_result.h"

#define CF_MAX_OPS (CF_NDTYPES + 1)

typedef struct cf_run_opts {
    const cf_lib *lib;   /* library mode when non-NULL */
    const cf_cli *cli;   /* CLI mode when non-NULL */
    int dtypes[CF_NDTYPES]; /* selected output dtypes */
    int no_encode, no_decode;
    int lenient;         /* --lenient-errors */
    int isolate;         /* library mode: one forked child per case */
    double timeout;      /* seconds per operation */
} cf_run_opts;

typedef struct cf_case_result {
    const cf_case *c;
    cf_op_result ops[CF_MAX_OPS];
    size_t n_ops;
    int status;          /* cf_case_status of ops */
    double seconds;
} cf_case_result;

void cf_run_case(const cf_run_opts *o, const cf_case *c, cf_case_result *res);

#endif /* CONFORM_RUN_H */
