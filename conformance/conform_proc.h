/*
 * conform_proc.h -- child processes with a deadline: running a command
 * (fork/execvp, no shell) with its output captured, and running a function
 * in a forked child that reports fixed-size records through a pipe, so that a
 * crash or a hang of the implementation under test cannot take the runner
 * down.
 */
#ifndef CONFORM_PROC_H
#define CONFORM_PROC_H

#include <stddef.h>

enum {
    CF_PROC_EXITED,   /* code = exit status */
    CF_PROC_SIGNALED, /* code = signal number */
    CF_PROC_TIMEOUT,  /* killed after the deadline */
    CF_PROC_NOEXEC,   /* code = errno of execvp */
    CF_PROC_ERROR     /* code = errno of fork/pipe/open: the runner's own problem */
};

typedef struct cf_proc_status {
    int kind;
    int code;
} cf_proc_status;

/* Run argv[0] (looked up in PATH) with stdin from /dev/null and stdout and
 * stderr both written to `log_path` (truncated first), in its own process
 * group; after `timeout_s` seconds the group is killed (SIGKILL). */
void cf_proc_exec(char *const argv[], const char *log_path, double timeout_s, cf_proc_status *st);

/* fn(ctx, fd) runs in a forked child and writes records of `rec_size` bytes
 * to fd (cf_write_all). The parent stores up to `max_recs` records in `recs`
 * and returns how many complete ones arrived. The child is killed when no
 * record arrives for `timeout_s` seconds. */
typedef void (*cf_child_fn)(void *ctx, int fd);
size_t cf_proc_isolated(cf_child_fn fn, void *ctx, double timeout_s, void *recs, size_t rec_size,
                        size_t max_recs, cf_proc_status *st);

/* write() until done. 0, or -1. */
int cf_write_all(int fd, const void *buf, size_t n);

#endif /* CONFORM_PROC_H */
