/* Issue 9, item 7a: memory the program holds outside its own address
 * space — tmpfs pages (/tmp, /work, /dev/shm), a memfd, socket buffers —
 * until the run's memory limit. A small C program, so that the sandbox's
 * init (holding --files, or a fork server's heap) may well be larger and
 * be the OOM killer's victim: the verdict must still be memory_limit.
 * Usage: fill_memory ROUTE MB, ROUTE one of tmp, work, shm, memfd, socket. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

static char chunk[1 << 16];

/* Writes mb MiB into fd (a file or a socket that nobody reads). */
static long fill(int fd, long mb)
{
    long total = 0;
    while (total < (mb << 20)) {
        ssize_t n = write(fd, chunk, sizeof chunk);
        if (n < 0) return errno == EAGAIN ? total : -1;
        total += n;
    }
    return total;
}

int main(int argc, char **argv)
{
    if (argc < 3) return 2;
    const char *route = argv[1];
    long mb = atol(argv[2]), total = 0;
    memset(chunk, 'x', sizeof chunk);
    if (strcmp(route, "socket") == 0) {
        /* Many socketpairs, each filled until its buffer is full. */
        while (total < (mb << 20)) {
            int pair[2];
            if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) < 0) { perror("socketpair"); return 1; }
            int big = 1 << 24;
            (void)setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
            (void)setsockopt(pair[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
            long n = fill(pair[0], mb);
            if (n < 0) { perror("write"); return 1; }
            total += n;
        }
    } else {
        int fd = strcmp(route, "memfd") == 0 ? memfd_create("fill", 0)
               : open(strcmp(route, "tmp") == 0 ? "/tmp/fill" : strcmp(route, "work") == 0 ? "/work/fill" : "/dev/shm/fill",
                      O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) { perror("open"); return 1; }
        total = fill(fd, mb);
        if (total < 0) { perror("write"); return 1; }
    }
    printf("held=%ld\n", total >> 20);
    return 0;
}
