/*
 * conform_cli.h -- driving a command-line implementation through command
 * templates such as 'their-dec {in} {out} {dtype}' and
 * 'their-enc {params} {in} {out}' (conformance/README.md, "CLI mode").
 */
#ifndef CONFORM_CLI_H
#define CONFORM_CLI_H

#include "conform_case.h"
#include "conform_result.h"

enum { CF_TMPL_DECODER = 0, CF_TMPL_ENCODER = 1 };

typedef struct cf_template {
    char **tokens; /* split on whitespace ('...' and "..." group), placeholders unexpanded */
    int n;
    int kind;      /* CF_TMPL_* */
} cf_template;

/* Split and check a template: known placeholders only ({params} and
 * {params_json} in encoder templates only, {dtype} in decoder templates only),
 * {params} as a whole token, {in} and {out} present. 0, or -1 with err set. */
int cf_template_parse(const char *text, int kind, cf_template *t, char *err, size_t errlen);
void cf_template_free(cf_template *t);

/* 1 iff the program of the template can be found (a path that is executable,
 * or a name found in PATH). */
int cf_template_program_found(const cf_template *t);

typedef struct cf_cli {
    cf_template dec, enc;
    int has_dec, has_enc;
    const char *tmpdir;    /* scratch directory for outputs, logs and {params_json} */
    double timeout;        /* seconds per command */
} cf_cli;

void cf_cli_decode(const cf_cli *cli, const cf_case *c, int dtype, cf_answer *a);
void cf_cli_encode(const cf_cli *cli, const cf_case *c, cf_answer *a);

/* Remove the scratch files cf_cli_* create in tmpdir. */
void cf_cli_cleanup(const char *tmpdir);

/* Split a template-style string (exposed for the tests of the runner). */
int cf_split_words(const char *text, char ***words, int *n, char *err, size_t errlen);

#endif /* CONFORM_CLI_H */
