#define _GNU_SOURCE
#include "kai_worker_support.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static int limit(int resource, uint64_t value)
{
    struct rlimit rl = {(rlim_t)value, (rlim_t)value};
    return setrlimit(resource, &rl);
}

int kai_worker_harden(int expected_parent, uint64_t address_space_bytes, uint64_t open_files)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return 1;
    if (expected_parent > 0 && getppid() != (pid_t)expected_parent) {
        errno = ESRCH;
        return 1;
    }
    if (limit(RLIMIT_CORE, 0) != 0) return 2;
    if (address_space_bytes > 0 && limit(RLIMIT_AS, address_space_bytes) != 0) return 3;
    if (open_files > 0 && limit(RLIMIT_NOFILE, open_files) != 0) return 4;
    return 0;
}

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

int kai_worker_sandbox(int allow_network)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | (allow_network ? 0 : CLONE_NEWNET);
    if (unshare(flags) != 0) return 1;
    char map[64];
    if (write_text("/proc/self/setgroups", "deny") != 0) return 2;
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    if (write_text("/proc/self/uid_map", map) != 0) return 2;
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    if (write_text("/proc/self/gid_map", map) != 0) return 2;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return 3;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
    if (syscall(SYS_mount_setattr, -1, "/", AT_RECURSIVE, &attr, sizeof attr) != 0) return 3;
    /* Scratch space: a private tmpfs on /dev/shm (TMPDIR points there).
     * Not over /tmp: the plugin's own file may live there, and it is
     * loaded after this. */
    if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=1777") != 0) return 3;
    if (setenv("TMPDIR", "/dev/shm", 1) != 0) return 3;
    if (sethostname("kai-plugin", 10) != 0) return 4;
    for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return 5;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) return 5;
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) != 0) return 5;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 5;
    return 0;
}
