/* namespaces.c — the clone3(2) that creates the sandbox's namespaces, the
 * id maps written from outside, the network namespace (made by init), and
 * loopback for --allow-loopback. */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <linux/sched.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>


pid_t ks_clone_sandbox(bool userns, int cgroup_fd, int *pidfd)
{
    /* No CLONE_NEWNET: a network namespace takes ~0.45 ms to create (3x all
     * the others together), and clone3 would hold the supervisor for it.
     * Init creates it first thing (ks_netns_create) while the supervisor
     * writes the id maps and creates the cgroups. */
    uint64_t flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP | CLONE_PIDFD;
    if (userns) flags |= CLONE_NEWUSER;
    if (cgroup_fd >= 0) flags |= CLONE_INTO_CGROUP;
    int fd = -1;
    /* No stack: the child continues on a copy of ours, like fork. */
    struct clone_args args = {.flags = flags, .pidfd = (uint64_t)(uintptr_t)&fd, .exit_signal = SIGCHLD,
                              .cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0};
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) {
        if (errno == EPERM || errno == EINVAL || errno == ENOSPC || errno == EUSERS)
            die_with_error("cannot create the sandbox's namespaces (clone3 with CLONE_NEW%s)%s",
                           userns ? "USER|PID|NS|IPC|UTS|CGROUP" : "PID|NS|IPC|UTS|CGROUP",
                           userns ? "; fix: enable unprivileged user namespaces "
                                    "(sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces>0)"
                                  : "; fix: run as root or drop --no-userns");
        die_with_error("clone3");
    }
    if (pid > 0) *pidfd = fd;
    return (pid_t)pid;
}

void ks_write_id_maps(pid_t child, uid_t outside_uid, gid_t outside_gid)
{
    char path[64], map[64];
    /* setgroups must be denied before an unprivileged gid_map; deny it always
     * so the sandbox can never drop a group to gain access. */
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)child);
    if (write_file(path, "deny") < 0) die_with_error("writing %s", path);
    snprintf(path, sizeof path, "/proc/%d/uid_map", (int)child);
    snprintf(map, sizeof map, "%d %u 1\n", KS_SANDBOX_ID, (unsigned)outside_uid);
    if (write_file(path, map) < 0) die_with_error("writing %s (\"%d %u 1\")", path, KS_SANDBOX_ID, (unsigned)outside_uid);
    snprintf(path, sizeof path, "/proc/%d/gid_map", (int)child);
    snprintf(map, sizeof map, "%d %u 1\n", KS_SANDBOX_ID, (unsigned)outside_gid);
    if (write_file(path, map) < 0) die_with_error("writing %s (\"%d %u 1\")", path, KS_SANDBOX_ID, (unsigned)outside_gid);
}

void ks_netns_create(void)
{
    if (unshare(CLONE_NEWNET) < 0) die_with_error("cannot create the sandbox's network namespace (unshare CLONE_NEWNET)");
}

void ks_loopback_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die_with_error("--allow-loopback: socket");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) die_with_error("--allow-loopback: SIOCGIFFLAGS on lo");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) die_with_error("--allow-loopback: SIOCSIFFLAGS on lo");
    if (close(fd) < 0) die_with_error("--allow-loopback: close");
}
