/* probe_trial.c — one trial of kai-sandbox --probe: something made for
 * real in a forked child, which tells the probe how it went and exits (a
 * namespace dies with its last process, a seccomp filter with its process),
 * so probing leaves nothing behind. */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int trial_fd = -1; /* [trial child] the pipe to the probe */

int ks_trial_fd(void) { return trial_fd; }

static void trial_die(const char *message)
{
    (void)write_full(trial_fd, message, strlen(message));
    _exit(KS_TRIAL_DIED);
}

/* Waits for pid; returns its exit status, or -signal. */
int ks_trial_wait(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) die_with_error("--probe: waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* Reads the pipe to EOF into why (what the child and its children said). */
static void read_why(int fd, char *why, size_t cap)
{
    size_t used = 0;
    for (;;) {
        char chunk[256];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        size_t keep = (size_t)n < cap - 1 - used ? (size_t)n : cap - 1 - used;
        memcpy(why + used, chunk, keep);
        used += keep;
    }
    why[used] = '\0';
}

/* Runs fn(arg) in a child; returns its code (0: works), why = its message. */
int ks_trial_run(ks_trial_fn fn, const void *arg, char *why, size_t cap)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) die_with_error("--probe: pipe2");
    pid_t pid = fork();
    if (pid < 0) die_with_error("--probe: fork");
    if (pid == 0) {
        (void)close(fds[0]);
        trial_fd = fds[1];
        ks_set_die_hook(trial_die);
        char message[384] = "";
        int code = fn(arg, message, sizeof message);
        if (code) (void)write_full(fds[1], message, strlen(message));
        _exit(code < 0 || code > 255 ? KS_TRIAL_DIED : code);
    }
    if (close(fds[1]) < 0) die_with_error("--probe: close");
    read_why(fds[0], why, cap);
    if (close(fds[0]) < 0) die_with_error("--probe: close");
    int status = ks_trial_wait(pid);
    if (status < 0) snprintf(why, cap, "the trial was killed by signal %d", -status);
    return status < 0 ? KS_TRIAL_DIED : status;
}

int ks_trial_fail(int code, char *why, size_t cap, const char *what)
{
    snprintf(why, cap, "%s: %s", what, strerror(code));
    return code;
}
