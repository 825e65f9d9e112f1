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
#include <stdlib.h>
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
        if (errno == EPERM || errno == EINVAL || errno == ENOSPC || errno == EUSERS) {
            int saved = errno;
            char fix[384] = "run as root or drop --no-userns";
            if (userns) ks_userns_fix(fix, sizeof fix);
            die("cannot create the sandbox's namespaces (clone3 with CLONE_NEW%s): %s; fix: %s",
                userns ? "USER|PID|NS|IPC|UTS|CGROUP" : "PID|NS|IPC|UTS|CGROUP", strerror(saved), fix);
        }
        die_with_error("clone3");
    }
    if (pid > 0) *pidfd = fd;
    return (pid_t)pid;
}

int ks_try_id_maps(pid_t child, uid_t outside_uid, gid_t outside_gid, char *why, size_t cap)
{
    char path[64], map[64];
    /* setgroups must be denied before an unprivileged gid_map; deny it always
     * so the sandbox can never drop a group to gain access. */
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)child);
    if (write_file(path, "deny") < 0) {
        snprintf(why, cap, "writing %s: %s", path, strerror(errno));
        return -1;
    }
    const char *files[] = {"uid_map", "gid_map"};
    const unsigned ids[] = {(unsigned)outside_uid, (unsigned)outside_gid};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/proc/%d/%s", (int)child, files[i]);
        snprintf(map, sizeof map, "%d %u 1\n", KS_SANDBOX_ID, ids[i]);
        if (write_file(path, map) < 0) {
            snprintf(why, cap, "writing %s (\"%d %u 1\"): %s", path, KS_SANDBOX_ID, ids[i], strerror(errno));
            return -1;
        }
    }
    return 0;
}

void ks_write_id_maps(pid_t child, uid_t outside_uid, gid_t outside_gid)
{
    char why[256], fix[384];
    if (ks_try_id_maps(child, outside_uid, outside_gid, why, sizeof why) == 0) return;
    ks_id_map_fix(outside_uid, fix, sizeof fix);
    die("%s; fix: %s", why, fix);
}

void ks_id_map_fix(uid_t outside_uid, char *buf, size_t cap)
{
    if (geteuid() != 0) {
        ks_userns_fix(buf, cap);
        return;
    }
    /* Real root may map any uid; a root that may not is root only inside
     * a user namespace that does not map the sandbox's private uid. */
    snprintf(buf, cap, "kai runs as root inside a user namespace (a rootless container?) that does not map host uid %u, "
                       "the uid of its own a root launcher gives each sandbox: run kai as a non-root user there (the sandbox "
                       "then shares that uid), or map uids from 1000000000 up into the container", (unsigned)outside_uid);
}

/* A knob under /proc/sys as a number; -1 when the file is absent or unreadable. */
static long sysctl_value(const char *path)
{
    char text[32];
    if (read_file(path, text, sizeof text) <= 0) return -1;
    return strtol(text, NULL, 10);
}

void ks_userns_fix(char *buf, size_t cap)
{
    buf[0] = '\0';
    bool root = geteuid() == 0;
    const struct { bool refuses; const char *fix; } knobs[] = {
        {sysctl_value("/proc/sys/user/max_user_namespaces") == 0,
         "allow user namespaces: sysctl -w user.max_user_namespaces=15000 (it is 0)"},
        {!root && sysctl_value("/proc/sys/kernel/unprivileged_userns_clone") == 0,
         "allow unprivileged user namespaces: sysctl -w kernel.unprivileged_userns_clone=1 (it is 0), or run kai as root"},
        {!root && sysctl_value("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1,
         "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1): give kai-sandbox "
         "an AppArmor profile that allows \"userns,\", or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or run kai as root"},
    };
    for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++) {
        if (!knobs[i].refuses) continue;
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "%s%s", used ? "; " : "", knobs[i].fix);
    }
    if (buf[0] == '\0')
        snprintf(buf, cap, "no sysctl refuses user namespaces here, so a container or security policy does: allow unshare and "
                           "clone with CLONE_NEWUSER in its seccomp profile (docker run --security-opt seccomp=unconfined), "
                           "or run kai on the host");
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
