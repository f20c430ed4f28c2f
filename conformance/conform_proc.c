/* conform_proc.c -- see conform_proc.h. POSIX.1-2008. */
#include "conform_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conform_common.h"

int cf_write_all(int fd, const void *buf, size_t n)
{
    const char *p = (const char *)buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void sleep_s(double s)
{
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void set_status(cf_proc_status *st, int wstatus)
{
    if (WIFSIGNALED(wstatus)) {
        st->kind = CF_PROC_SIGNALED;
        st->code = WTERMSIG(wstatus);
    } else {
        st->kind = CF_PROC_EXITED;
        st->code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    }
}

/* Wait for `pid` until `deadline` (cf_now() seconds); kill `killpid` (a pid,
 * or a negative process group) at the deadline. */
static void wait_until(pid_t pid, pid_t killpid, double deadline, cf_proc_status *st)
{
    double nap = 0.0005;
    int wstatus = 0;
    for (;;) {
        pid_t r = waitpid(pid, &wstatus, WNOHANG);
        if (r == pid) {
            set_status(st, wstatus);
            return;
        }
        if (r < 0 && errno != EINTR) {
            st->kind = CF_PROC_ERROR;
            st->code = errno;
            return;
        }
        if (cf_now() >= deadline) {
            kill(killpid, SIGKILL);
            if (killpid != pid)
                kill(pid, SIGKILL);
            while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
                ;
            st->kind = CF_PROC_TIMEOUT;
            st->code = 0;
            return;
        }
        sleep_s(nap);
        if (nap < 0.02)
            nap *= 2.0;
    }
}

void cf_proc_exec(char *const argv[], const char *log_path, double timeout_s, cf_proc_status *st)
{
    int errpipe[2], child_errno = 0;
    pid_t pid;
    ssize_t n;
    double deadline;
    st->kind = CF_PROC_ERROR;
    st->code = 0;
    if (pipe(errpipe) != 0) {
        st->code = errno;
        return;
    }
    fcntl(errpipe[1], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        st->code = errno;
        close(errpipe[0]);
        close(errpipe[1]);
        return;
    }
    if (pid == 0) {
        int in, out, e;
        close(errpipe[0]);
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL);
        in = open("/dev/null", O_RDONLY);
        out = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
            e = errno;
            (void)cf_write_all(errpipe[1], &e, sizeof e);
            _exit(126);
        }
        close(in);
        close(out);
        execvp(argv[0], argv);
        e = errno;
        (void)cf_write_all(errpipe[1], &e, sizeof e);
        _exit(127);
    }
    setpgid(pid, pid); /* also in the parent: no race with kill(-pid) */
    deadline = cf_now() + timeout_s;
    close(errpipe[1]);
    do
        n = read(errpipe[0], &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    close(errpipe[0]);
    wait_until(pid, -pid, deadline, st);
    if (n == (ssize_t)sizeof child_errno && st->kind == CF_PROC_EXITED) {
        st->kind = st->code == 127 ? CF_PROC_NOEXEC : CF_PROC_ERROR;
        st->code = child_errno;
    }
}

size_t cf_proc_isolated(cf_child_fn fn, void *ctx, double timeout_s, void *recs, size_t rec_size,
                        size_t max_recs, cf_proc_status *st)
{
    int fds[2];
    pid_t pid;
    size_t got = 0, cap = rec_size * max_recs;
    char sink[4096];
    double deadline;
    st->kind = CF_PROC_ERROR;
    st->code = 0;
    if (pipe(fds) != 0) {
        st->code = errno;
        return 0;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        st->code = errno;
        close(fds[0]);
        close(fds[1]);
        return 0;
    }
    if (pid == 0) {
        close(fds[0]);
        signal(SIGPIPE, SIG_DFL);
        fn(ctx, fds[1]);
        fflush(NULL);
        _exit(0);
    }
    close(fds[1]);
    deadline = cf_now() + timeout_s;
    for (;;) {
        struct pollfd pfd;
        double left = deadline - cf_now();
        int pr;
        ssize_t r;
        if (left <= 0) {
            close(fds[0]);
            wait_until(pid, pid, 0.0, st); /* kills it */
            return got / rec_size;
        }
        pfd.fd = fds[0];
        pfd.events = POLLIN;
        pfd.revents = 0;
        pr = poll(&pfd, 1, (int)(left * 1000.0) + 1);
        if (pr < 0 && errno != EINTR)
            break;
        if (pr <= 0)
            continue;
        if (got < cap)
            r = read(fds[0], (char *)recs + got, cap - got);
        else
            r = read(fds[0], sink, sizeof sink);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* EOF: the child is done (or dead) */
        if (got < cap) {
            size_t before = got / rec_size;
            got += (size_t)r;
            if (got / rec_size > before)
                deadline = cf_now() + timeout_s; /* progress: a fresh deadline per record */
        }
    }
    close(fds[0]);
    wait_until(pid, pid, deadline, st);
    return got / rec_size;
}
