/* Attack 20: kill(-1, 9), kill PID 1, kill the host canary by pid (argv[1]),
 * and pkill -9 -f by the canary's name (argv[2] + argv[3], joined here so
 * this program's own command line does not match). Exits 0 if it survives. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void attempt(const char *what, pid_t pid) {
    int rc = kill(pid, SIGKILL);
    printf("%s=%s\n", what, rc == 0 ? "SENT" : strerrorname_np(errno));
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    printf("my_pid=%d\n", getpid());
    attempt("kill_minus_1", -1);
    attempt("kill_1", 1);
    attempt("kill_host_canary", (pid_t)atoi(argv[1]));
    char pattern[256];
    snprintf(pattern, sizeof pattern, "%s%s", argv[2], argv[3]);
    pid_t child = fork();
    if (child == 0) {
        execl("/usr/bin/pkill", "pkill", "-9", "-f", pattern, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("pkill_exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    printf("survived=1\n");
    return 0;
}
