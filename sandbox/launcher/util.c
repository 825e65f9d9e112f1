/* util.c — die helpers and small I/O wrappers shared by all three processes. */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static ks_die_hook die_hook;
static ks_program_hook program_hook;

void ks_set_program_hook(ks_program_hook hook) { program_hook = hook; }
ks_program_hook ks_program_hook_set(void) { return program_hook; }

void ks_set_die_hook(ks_die_hook hook) { die_hook = hook; }

static _Noreturn void die_message(const char *message)
{
    if (die_hook) die_hook(message); /* does not return when it succeeds */
    (void)!write(STDERR_FILENO, "kai-sandbox: ", 13);
    (void)!write(STDERR_FILENO, message, strlen(message));
    (void)!write(STDERR_FILENO, "\n", 1);
    _exit(3);
}

void die(const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    die_message(message);
}

void die_with_error(const char *fmt, ...)
{
    int saved = errno;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof message)
        snprintf(message + n, sizeof message - (size_t)n, ": %s", strerror(saved));
    die_message(message);
}

/* Kernels before 5.9 have no close_range: close what /proc/self/fd lists.
 * The directory's own fd is skipped (closing it mid-walk would end the walk). */
static void close_listed_from_3(void)
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) die_with_error("closing inherited descriptors: opendir /proc/self/fd");
    int own = dirfd(dir);
    struct dirent *entry;
    errno = 0;
    while ((entry = readdir(dir)) != NULL) {
        char *end;
        long fd = strtol(entry->d_name, &end, 10);
        if (*end || end == entry->d_name || fd < 3 || fd == own) continue;
        if (close((int)fd) < 0 && errno != EBADF) die_with_error("closing inherited descriptor %ld", fd);
        errno = 0;
    }
    if (errno) die_with_error("closing inherited descriptors: readdir /proc/self/fd");
    if (closedir(dir) < 0) die_with_error("closedir /proc/self/fd");
}

void ks_close_inherited_fds(void)
{
    if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
    if (errno != ENOSYS) die_with_error("close_range(3, ~0) (closing descriptors inherited from the caller)");
    close_listed_from_3();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) die("out of memory allocating %zu bytes", size);
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p) die("out of memory allocating %zu bytes", size);
    return p;
}

int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) {
            errno = 0;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = write_full(fd, text, strlen(text));
    int saved = errno;
    if (close(fd) < 0 && rc == 0) return -1;
    errno = saved;
    return rc;
}

ssize_t read_file(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t total = 0;
    while (total + 1 < cap) {
        ssize_t n = read(fd, buf + total, cap - 1 - total);
        if (n < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            (void)close(fd);
            errno = saved;
            return -1;
        }
        if (n == 0) break;
        total += (size_t)n;
    }
    buf[total] = '\0';
    if (close(fd) < 0) return -1;
    return (ssize_t)total;
}

int64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) die_with_error("clock_gettime(CLOCK_MONOTONIC)");
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int trace_fd = -1;
static int64_t trace_t0;

void ks_trace_init(void)
{
    const char *v = getenv("KAI_SANDBOX_TRACE");
    if (!v || !*v || strcmp(v, "0") == 0) return;
    trace_t0 = now_ns();
    /* Above the fds the launcher hands out, close-on-exec: the program (and
     * anything it runs) never sees it. Failure only disables tracing. */
    trace_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 100);
    char line[96];
    int n = snprintf(line, sizeof line, "kai-trace sup  %6d t0 = %lld ns CLOCK_MONOTONIC\n", (int)getpid(), (long long)trace_t0);
    if (trace_fd >= 0 && n > 0) (void)!write(trace_fd, line, (size_t)n);
}

bool ks_tracing(void) { return trace_fd >= 0; }

void ks_trace(const char *role, const char *step)
{
    if (trace_fd < 0) return;
    int saved = errno;
    char line[256];
    int64_t us = (now_ns() - trace_t0) / 1000;
    int n = snprintf(line, sizeof line, "kai-trace %-4s %6d %4lld.%03lld ms %s\n", role, (int)getpid(),
                     (long long)(us / 1000), (long long)(us % 1000), step);
    if (n > 0) (void)!write(trace_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    errno = saved;
}
