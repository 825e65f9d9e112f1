/*
 * supervisor.c — the launcher's watch over a running sandbox.
 *
 * One ppoll loop over stdout, stderr, the status pipe and init's pidfd. Its
 * timeout is the nearer of the wall deadline and the earliest moment the
 * tree could exhaust its CPU budget (remaining CPU / number of CPUs, at
 * least 1 ms), so both limits hold to about a millisecond without polling
 * when far from them.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL
#define GRACE_NS (300 * MS) /* for init to kill the tree and collect files */

static void send_signal(ks_run *run, int sig)
{
    if (syscall(SYS_pidfd_send_signal, run->pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
        die_with_error("signalling the sandbox's init");
}

/* The whole tree at once where the v2 cgroup can (cgroup.kill), else its
 * init, whose death takes its pid namespace with it. */
static void kill_tree(ks_run *run)
{
    if (run->init_pid > 0 && !run->init_reaped && !ks_cgroup_kill_tree(&run->cg)) send_signal(run, SIGKILL);
}

void ks_kill_sandbox(ks_run *run) { kill_tree(run); }

/* Stops the run for a limit: init is asked to kill the tree and collect
 * files (SIGTERM) when there are files to collect, otherwise killed outright. */
static int64_t stop(ks_run *run, int reason, int64_t now)
{
    run->stopped = reason;
    if (run->cfg->collect_count > 0) {
        send_signal(run, SIGTERM);
        return now + GRACE_NS;
    }
    kill_tree(run);
    return 0;
}

static void read_records(ks_run *run)
{
    char chunk[65536];
    for (;;) {
        ssize_t n = read(run->status_fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n < 0) die_with_error("reading the status pipe");
        if (n == 0) { run->status_eof = true; return; }
        /* Bounded: files are capped by init, and init is our code. */
        if (run->records.len + (size_t)n > ((size_t)64 << 20)) die("the sandbox's status pipe sent more than 64 MiB");
        buf_append(&run->records, chunk, (size_t)n);
    }
}

static void reap_init(ks_run *run)
{
    int status;
    pid_t pid;
    do pid = waitpid(run->init_pid, &status, WNOHANG | __WALL);
    while (pid < 0 && errno == EINTR);
    if (pid < 0) die_with_error("waitpid for the sandbox's init");
    if (pid == 0) return;
    run->init_reaped = true;
    run->init_status = status;
    run->end_ns = now_ns();
}

void ks_supervise(ks_run *run)
{
    const ks_config *cfg = run->cfg;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1) cpus = 1;
    int64_t wall_deadline = run->start_ns + cfg->time_limit_ms * MS;
    int64_t cpu_limit = cfg->cpu_limit_ms * MS;
    int64_t kill_deadline = 0; /* escalation after SIGTERM */
    run->last_cpu_ns = -1;
    while (!(run->init_reaped && run->out.eof && run->err.eof && run->status_eof)) {
        int64_t now = now_ns(), timeout = -1;
        if (!run->init_reaped) {
            int64_t cpu = ks_cgroup_cpu_ns(&run->cg);
            run->last_cpu_ns = cpu;
            if (run->stopped == KS_STOP_NONE && now >= wall_deadline) kill_deadline = stop(run, KS_STOP_WALL, now);
            if (run->stopped == KS_STOP_NONE && cpu >= cpu_limit) kill_deadline = stop(run, KS_STOP_CPU, now);
            if (kill_deadline && now >= kill_deadline) { kill_tree(run); kill_deadline = 0; }
            if (run->stopped == KS_STOP_NONE) {
                timeout = wall_deadline - now;
                if (cpu >= 0) {
                    int64_t cpu_wait = (cpu_limit - cpu) / cpus;
                    if (cpu_wait < MS) cpu_wait = MS;
                    if (cpu_wait < timeout) timeout = cpu_wait;
                }
            } else if (kill_deadline) {
                timeout = kill_deadline - now;
            }
        }
        struct pollfd fds[4] = {
            {.fd = run->out.eof ? -1 : run->out_fd, .events = POLLIN},
            {.fd = run->err.eof ? -1 : run->err_fd, .events = POLLIN},
            {.fd = run->status_eof ? -1 : run->status_fd, .events = POLLIN},
            {.fd = run->init_reaped ? -1 : run->pidfd, .events = POLLIN},
        };
        struct timespec ts = {.tv_sec = timeout / 1000000000, .tv_nsec = timeout % 1000000000};
        if (ppoll(fds, 4, timeout < 0 ? NULL : &ts, NULL) < 0) {
            if (errno == EINTR) continue;
            die_with_error("ppoll");
        }
        if (fds[0].revents) ks_capture_read(&run->out, run->out_fd);
        if (fds[1].revents) ks_capture_read(&run->err, run->err_fd);
        if (fds[2].revents) read_records(run);
        if (fds[3].revents) reap_init(run);
        if (ks_tracing()) {
            char what[96];
            snprintf(what, sizeof what, "woke:%s%s%s%s", fds[0].revents ? " stdout" : "", fds[1].revents ? " stderr" : "",
                     fds[2].revents ? " status" : "", fds[3].revents ? " init-exit" : "");
            ks_trace("sup", what);
        }
    }
    if (run->cg.has_cpu) run->last_cpu_ns = ks_cgroup_cpu_ns(&run->cg);
}
