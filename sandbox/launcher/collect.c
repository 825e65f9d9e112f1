/*
 * collect.c — returning --collect files from /work after the run.
 *
 * Runs in init, inside the sandbox and without privileges, after every other
 * process in the namespace is dead: it can read nothing the program could
 * not, and nothing changes under it. Still, it never follows a symlink
 * (openat2 RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH, or O_NOFOLLOW per component
 * where openat2 is missing), opens non-blocking so a FIFO cannot stall it,
 * accepts regular files only, and reads at most cap bytes, so a 1 TiB sparse
 * file costs cap bytes.
 *
 * Record payload: u32 path index, u8 skipped reason (0 none), u8 truncated,
 * u16 reserved, u64 size, then the content.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { SKIP_NONE, SKIP_MISSING, SKIP_SYMLINK, SKIP_NOT_REGULAR, SKIP_UNREADABLE };

static int open_beneath(int work, const char *path)
{
    struct open_how how = {.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
                           .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    long fd = syscall(SYS_openat2, work, path, &how, sizeof how);
    if (fd >= 0 || errno != ENOSYS) return (int)fd;
    /* Kernels before 5.6: walk component by component with O_NOFOLLOW. */
    char buf[4096];
    if (strlen(path) >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    strcpy(buf, path);
    int dir = dup(work);
    if (dir < 0) return -1;
    char *save = NULL;
    for (char *part = strtok_r(buf, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        bool last = save == NULL || *save == '\0';
        int flags = last ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
                         : O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC;
        int next = openat(dir, part, flags);
        int saved = errno;
        (void)close(dir);
        if (next < 0) { errno = saved; return -1; }
        dir = next;
    }
    return dir;
}

static uint8_t skip_reason(int work, const char *path, int err)
{
    struct stat st;
    if (err == ENOENT) return SKIP_MISSING;
    if (err == ELOOP || err == EXDEV) return SKIP_SYMLINK;
    if (fstatat(work, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) return SKIP_SYMLINK;
    return SKIP_UNREADABLE;
}

static void send_file(int status, uint32_t index, uint8_t skipped, bool truncated, uint64_t size,
                      const unsigned char *content, size_t len)
{
    unsigned char header[16] = {0};
    memcpy(header, &index, 4);
    header[4] = skipped;
    header[5] = truncated;
    memcpy(header + 8, &size, 8);
    uint32_t total = (uint32_t)(sizeof header + len);
    unsigned char type_len[5] = {KS_REC_FILE};
    memcpy(type_len + 1, &total, 4);
    if (write_full(status, type_len, 5) < 0 || write_full(status, header, sizeof header) < 0 ||
        (len && write_full(status, content, len) < 0))
        die_with_error("status pipe");
}

void ks_collect_files(const ks_config *cfg, int status, size_t cap)
{
    if (cfg->collect_count == 0) return;
    int work = open("/work", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (work < 0) die_with_error("open /work");
    unsigned char *buf = xmalloc(cap);
    for (int i = 0; i < cfg->collect_count; i++) {
        int fd = open_beneath(work, cfg->collect[i]);
        if (fd < 0) {
            send_file(status, (uint32_t)i, skip_reason(work, cfg->collect[i], errno), false, 0, NULL, 0);
            continue;
        }
        struct stat st;
        if (fstat(fd, &st) < 0) die_with_error("fstat");
        if (!S_ISREG(st.st_mode)) {
            send_file(status, (uint32_t)i, SKIP_NOT_REGULAR, false, 0, NULL, 0);
        } else {
            size_t want = (uint64_t)st.st_size < cap ? (size_t)st.st_size : cap, got = 0;
            while (got < want) {
                ssize_t n = read(fd, buf + got, want - got);
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) die_with_error("reading %s", cfg->collect[i]);
                if (n == 0) break;
                got += (size_t)n;
            }
            send_file(status, (uint32_t)i, SKIP_NONE, (uint64_t)st.st_size > got, (uint64_t)st.st_size, buf, got);
        }
        if (close(fd) < 0) die_with_error("close");
    }
    if (close(work) < 0) die_with_error("close /work");
}
