/* probe_namespaces.c — the namespace findings of kai-sandbox --probe.
 * Each namespace is made for real in a trial child, as a run makes it: as
 * root each one alone; an unprivileged launcher can only make them inside
 * a new user namespace, so that is how they are tried then. The user
 * namespace gets the run's id maps, written from outside as the supervisor
 * writes them. */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* Codes beyond errno's (< 200): the pid trial's /proc mount failed; the
 * user namespace's id maps could not be written. */
#define PROC_REFUSED 200
#define MAPS_REFUSED 201

/* ---------- user namespace: made and mapped as a run's ---------- */

/* The host ids the sandbox's 65534 maps to (launcher.c step 3). */
static uid_t outside_uid(void) { return geteuid() == 0 ? (uid_t)(1000000000u + (unsigned)getpid()) : geteuid(); }
static gid_t outside_gid(void) { return geteuid() == 0 ? (gid_t)outside_uid() : getegid(); }

/* The child unshares, the parent writes its maps (ks_try_id_maps, as the
 * supervisor does), the child checks it is 65534. Returns 0 or a code. */
static int try_user_namespace(char *why, size_t cap)
{
    int ready[2], go[2];
    if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) die_with_error("--probe: pipe2");
    pid_t pid = fork();
    if (pid < 0) die_with_error("--probe: fork");
    if (pid == 0) {
        /* Only the parent may hold go's write end: its close is the child's EOF. */
        if (close(ready[0]) < 0 || close(go[1]) < 0) _exit(KS_TRIAL_DIED);
        unsigned char code = unshare(CLONE_NEWUSER) < 0 ? (unsigned char)errno : 0;
        (void)write_full(ready[1], &code, 1);
        char byte;
        if (code || read_full(go[0], &byte, 1) < 0) _exit(code ? code : KS_TRIAL_DIED);
        _exit(getuid() == KS_SANDBOX_ID && getgid() == KS_SANDBOX_ID ? 0 : 1);
    }
    if (close(ready[1]) < 0 || close(go[0]) < 0) die_with_error("--probe: close");
    unsigned char code = 0;
    int rc = 0;
    if (read_full(ready[0], &code, 1) < 0) {
        snprintf(why, cap, "the trial ended before trying");
        rc = KS_TRIAL_DIED;
    } else if (code) rc = ks_trial_fail(code, why, cap, "unshare(CLONE_NEWUSER)");
    else if (ks_try_id_maps(pid, outside_uid(), outside_gid(), why, cap) < 0) rc = MAPS_REFUSED;
    else if (write_full(go[1], "g", 1) < 0) die_with_error("--probe: write");
    if (close(ready[0]) < 0 || close(go[1]) < 0) die_with_error("--probe: close");
    int status = ks_trial_wait(pid);
    if (rc) return rc;
    if (status == 1) snprintf(why, cap, "the namespace's process is not uid/gid %d after the maps were written", KS_SANDBOX_ID);
    else if (status) snprintf(why, cap, "the trial ended with status %d", status);
    return status ? KS_TRIAL_DIED : 0;
}

static void user_namespace_finding(ks_findings *out)
{
    char why[384] = "", fix[384];
    int code = try_user_namespace(why, sizeof why);
    if (code == 0) {
        if (geteuid() == 0)
            ks_findings_set(out, "user_namespace", true, true, NULL,
                            "the sandbox's uid and gid %d map to a host id of its own (the launcher is root)", KS_SANDBOX_ID);
        else
            ks_findings_set(out, "user_namespace", true, true, NULL,
                            "the sandbox's uid and gid %d map to your own uid %u and gid %u (the launcher is not root)",
                            KS_SANDBOX_ID, (unsigned)outside_uid(), (unsigned)outside_gid());
        return;
    }
    if (code == MAPS_REFUSED) ks_id_map_fix(outside_uid(), fix, sizeof fix);
    else ks_userns_fix(fix, sizeof fix);
    ks_findings_set(out, "user_namespace", false, true, fix, "%s", why);
}

/* ---------- the other namespaces ---------- */

typedef struct {
    const char *id;
    int flag;
    const char *flag_name;
    bool required;
    const char *works;                  /* what the trial showed */
    const char *max_sysctl;             /* the per-user limit on this kind */
    const char *config;                 /* the kernel option that builds it in */
} ns_kind;

static const ns_kind namespaces[] = {
    {"pid_namespace", CLONE_NEWPID, "CLONE_NEWPID", true, "its first process is pid 1 and mounts a /proc of its own",
     "user.max_pid_namespaces", "CONFIG_PID_NS"},
    {"net_namespace", CLONE_NEWNET, "CLONE_NEWNET", true, "a network stack of its own, with nothing but loopback",
     "user.max_net_namespaces", "CONFIG_NET_NS"},
    {"mount_namespace", CLONE_NEWNS, "CLONE_NEWNS", true, "private mounts (a tmpfs mounted inside, unseen outside)",
     "user.max_mnt_namespaces", "CONFIG_NAMESPACES"},
    {"ipc_namespace", CLONE_NEWIPC, "CLONE_NEWIPC", false, "System V IPC and POSIX message queues of its own",
     "user.max_ipc_namespaces", "CONFIG_IPC_NS"},
    {"uts_namespace", CLONE_NEWUTS, "CLONE_NEWUTS", false, "a hostname of its own (set to kai-sandbox inside)",
     "user.max_uts_namespaces", "CONFIG_UTS_NS"},
    {"cgroup_namespace", CLONE_NEWCGROUP, "CLONE_NEWCGROUP", false, "its own cgroup shown as the root in /proc/self/cgroup",
     "user.max_cgroup_namespaces", "CONFIG_CGROUPS"},
};

/* [pid trial, pid 1 of the new namespace] What init does first with it. */
static int pid_one(char *why, size_t cap)
{
    if (getpid() != 1) {
        snprintf(why, cap, "the first process of the new pid namespace is pid %d, not 1", (int)getpid());
        return KS_TRIAL_DIED;
    }
    if (unshare(CLONE_NEWNS) < 0) return ks_trial_fail(errno, why, cap, "unshare(CLONE_NEWNS) for its /proc");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return ks_trial_fail(errno, why, cap, "making / private for its /proc");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
        ks_trial_fail(errno, why, cap, "mounting a /proc of its own");
        return PROC_REFUSED;
    }
    return 0;
}

static int namespace_trial(const void *arg, char *why, size_t cap)
{
    const ns_kind *ns = arg;
    bool root = geteuid() == 0;
    char call[64];
    snprintf(call, sizeof call, "unshare(%s%s)", root ? "" : "CLONE_NEWUSER|", ns->flag_name);
    if (unshare(ns->flag | (root ? 0 : CLONE_NEWUSER)) < 0) return ks_trial_fail(errno, why, cap, call);
    switch (ns->flag) {
    case CLONE_NEWPID: {
        pid_t pid = fork();
        if (pid < 0) return ks_trial_fail(errno, why, cap, "fork into the new pid namespace");
        if (pid == 0) {
            int code = pid_one(why, cap);
            if (code) (void)write_full(ks_trial_fd(), why, strlen(why));
            _exit(code);
        }
        why[0] = '\0'; /* the child said why, on the same pipe */
        int status = ks_trial_wait(pid);
        return status < 0 ? KS_TRIAL_DIED : status;
    }
    case CLONE_NEWNS:
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return ks_trial_fail(errno, why, cap, "making / private");
        if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m") < 0)
            return ks_trial_fail(errno, why, cap, "mounting a tmpfs on /tmp");
        return 0;
    case CLONE_NEWUTS:
        return sethostname("kai-sandbox", 11) < 0 ? ks_trial_fail(errno, why, cap, "sethostname") : 0;
    default:
        return 0;
    }
}

/* How to get a namespace the kernel refused with code. */
static void namespace_fix(const ns_kind *ns, int code, bool userns_ok, char *fix, size_t cap)
{
    if (code == PROC_REFUSED)
        snprintf(fix, cap, "the kernel refuses a fresh /proc because parts of this /proc are covered by other mounts (as in "
                           "Docker and Podman containers): run the container with --security-opt systempaths=unconfined");
    else if (!userns_ok && geteuid() != 0)
        ks_userns_fix(fix, cap);
    else if (code == EINVAL)
        snprintf(fix, cap, "use a kernel built with %s=y", ns->config);
    else if (code == ENOSPC || code == EUSERS)
        snprintf(fix, cap, "raise the limit on such namespaces: sysctl -w %s=15000", ns->max_sysctl);
    else if (geteuid() == 0)
        snprintf(fix, cap, "the launcher lacks CAP_SYS_ADMIN (a container without it?): give it CAP_SYS_ADMIN "
                           "(docker run --cap-add SYS_ADMIN), or run kai on the host");
    else {
        char userns[320];
        ks_userns_fix(userns, sizeof userns);
        snprintf(fix, cap, "a policy refuses this namespace inside a user namespace: %s", userns);
    }
}

static void namespace_findings(ks_findings *out)
{
    bool userns_ok = ks_findings_get(out, "user_namespace")->ok;
    for (size_t i = 0; i < sizeof namespaces / sizeof namespaces[0]; i++) {
        const ns_kind *ns = &namespaces[i];
        char why[384] = "", fix[384];
        int code = ks_trial_run(namespace_trial, ns, why, sizeof why);
        if (code == 0) {
            ks_findings_set(out, ns->id, true, ns->required, NULL, "%s%s", ns->works,
                            geteuid() == 0 ? "" : "; made inside a new user namespace, as an unprivileged launcher makes it");
            continue;
        }
        namespace_fix(ns, code, userns_ok, fix, sizeof fix);
        ks_findings_set(out, ns->id, false, ns->required, fix, "%s", why);
    }
}

void ks_probe_namespaces(ks_findings *out)
{
    user_namespace_finding(out);
    namespace_findings(out);
}
