/* Attack 26: segfault, abort or unbounded recursion (argv[1]). First a child
 * crashes the same way and tries to raise RLIMIT_CORE; then the parent lists
 * /work for core files and crashes itself. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int dive(int depth) {
    volatile char frame[1024];
    frame[0] = (char)depth;
    return dive(depth + 1) + frame[0];
}

static void crash(const char *how) {
    if (!strcmp(how, "abort")) abort();
    if (!strcmp(how, "recursion")) dive(0);
    *(volatile int *)0 = 1;
}

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "segv";
    struct rlimit core;
    getrlimit(RLIMIT_CORE, &core);
    printf("core_limit=%lld/%lld\n", (long long)core.rlim_cur, (long long)core.rlim_max);
    struct rlimit raise = {RLIM_INFINITY, RLIM_INFINITY};
    printf("raise_core=%s\n", setrlimit(RLIMIT_CORE, &raise) == 0 ? "RAISED" : strerrorname_np(errno));
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) crash(how);
    int status;
    waitpid(child, &status, 0);
    printf("child_signal=%d child_core=%d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0,
           WIFSIGNALED(status) ? WCOREDUMP(status) != 0 : 0);
    int cores = 0;
    DIR *dir = opendir(".");
    for (struct dirent *entry; dir && (entry = readdir(dir));)
        if (!strncmp(entry->d_name, "core", 4)) cores++;
    printf("cores=%d\n", cores);
    fflush(stdout);
    crash(how);
    return 0;
}
