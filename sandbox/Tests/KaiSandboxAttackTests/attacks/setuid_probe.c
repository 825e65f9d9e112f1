/* Attack 22 (setuid binaries): are we able to gain privilege by exec'ing a
 * setuid-root binary? Checks no_new_privs, nosuid on /usr, the uid mapping
 * (must not map to host root), and runs `su -c true root` with empty stdin. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    int escaped = 0;
    printf("uid=%d euid=%d\n", getuid(), geteuid());
    printf("no_new_privs=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    struct stat st;
    printf("passwd_setuid_bit=%d\n", stat("/usr/bin/passwd", &st) == 0 && (st.st_mode & S_ISUID));
    FILE *map = fopen("/proc/self/uid_map", "r");
    unsigned inside, outside, count;
    while (map && fscanf(map, "%u %u %u", &inside, &outside, &count) == 3) {
        printf("uid_map=%u:%u:%u\n", inside, outside, count);
        if (outside == 0) escaped = 1;
    }
    int status = system("/usr/bin/su -c true root </dev/null >/dev/null 2>&1");
    int su = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    printf("su_exit=%d\n", su);
    if (su == 0) escaped = 1;
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) escaped = 1;
    fflush(stdout);
    return escaped;
}
