/* probe.c — kai-sandbox --probe (what `kai doctor` prints): what this
 * machine gives the sandbox.
 *
 * Nothing is guessed from a kernel version or a file under /sys: each piece
 * is made for real, as a run makes it, in a forked child that exits right
 * after (a namespace dies with its last process, a seccomp filter with its
 * process), so probing leaves nothing behind. As root each namespace is
 * tried alone; an unprivileged launcher can only make them inside a new
 * user namespace, so that is how they are tried then. The cgroup findings
 * come from ks_cgroup_findings (one run's cgroup, made and removed).
 * Every finding that is not ok says how to get it. */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------- trials: one child each ---------- */

/* A trial, run in a forked child: 0 when what it made works, else an
 * errno-like code with why filled. */
typedef int (*trial_fn)(const void *arg, char *why, size_t cap);

/* The pid trial's /proc mount failed (not an errno: errno values are < 200). */
#define PROC_REFUSED 200
/* The trial died (die() in shared code, e.g. building the seccomp filter). */
#define TRIAL_DIED 254

static int trial_fd = -1; /* [trial child] the pipe to the probe */

static void trial_die(const char *message)
{
    (void)write_full(trial_fd, message, strlen(message));
    _exit(TRIAL_DIED);
}

/* Waits for pid; returns its exit status, or -signal. */
static int wait_for(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) die_with_error("--probe: waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* Reads the pipe to EOF into why (what the child and its children said). */
static void read_why(int fd, char *why, size_t cap)
{
    size_t used = 0;
    for (;;) {
        char chunk[256];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        size_t keep = (size_t)n < cap - 1 - used ? (size_t)n : cap - 1 - used;
        memcpy(why + used, chunk, keep);
        used += keep;
    }
    why[used] = '\0';
}

/* Runs fn(arg) in a child; returns its code (0: works), why = its message. */
static int run_trial(trial_fn fn, const void *arg, char *why, size_t cap)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) die_with_error("--probe: pipe2");
    pid_t pid = fork();
    if (pid < 0) die_with_error("--probe: fork");
    if (pid == 0) {
        (void)close(fds[0]);
        trial_fd = fds[1];
        ks_set_die_hook(trial_die);
        char message[384] = "";
        int code = fn(arg, message, sizeof message);
        if (code) (void)write_full(fds[1], message, strlen(message));
        _exit(code < 0 || code > 255 ? TRIAL_DIED : code);
    }
    if (close(fds[1]) < 0) die_with_error("--probe: close");
    read_why(fds[0], why, cap);
    if (close(fds[0]) < 0) die_with_error("--probe: close");
    int status = wait_for(pid);
    if (status < 0) snprintf(why, cap, "the trial was killed by signal %d", -status);
    return status < 0 ? TRIAL_DIED : status;
}

static int fail(int code, char *why, size_t cap, const char *what)
{
    snprintf(why, cap, "%s: %s", what, strerror(code));
    return code;
}

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
        unsigned char code = unshare(CLONE_NEWUSER) < 0 ? (unsigned char)errno : 0;
        (void)write_full(ready[1], &code, 1);
        char byte;
        if (code || read_full(go[0], &byte, 1) < 0) _exit(code ? code : TRIAL_DIED);
        _exit(getuid() == KS_SANDBOX_ID && getgid() == KS_SANDBOX_ID ? 0 : 1);
    }
    (void)close(ready[1]);
    (void)close(go[0]);
    unsigned char code = 0;
    int rc = 0;
    if (read_full(ready[0], &code, 1) < 0) {
        snprintf(why, cap, "the trial ended before trying");
        rc = TRIAL_DIED;
    } else if (code) rc = fail(code, why, cap, "unshare(CLONE_NEWUSER)");
    else if (ks_try_id_maps(pid, outside_uid(), outside_gid(), why, cap) < 0) rc = TRIAL_DIED;
    else if (write_full(go[1], "g", 1) < 0) die_with_error("--probe: write");
    (void)close(ready[0]);
    (void)close(go[1]);
    int status = wait_for(pid);
    if (rc) return rc;
    if (status == 1) snprintf(why, cap, "the namespace's process is not uid/gid %d after the maps were written", KS_SANDBOX_ID);
    else if (status) snprintf(why, cap, "the trial ended with status %d", status);
    return status ? TRIAL_DIED : 0;
}

static void user_namespace_finding(ks_findings *out)
{
    char why[384] = "", fix[384];
    if (try_user_namespace(why, sizeof why) == 0) {
        if (geteuid() == 0)
            ks_findings_set(out, "user_namespace", true, true, NULL,
                            "the sandbox's uid and gid %d map to a host id of its own (the launcher is root)", KS_SANDBOX_ID);
        else
            ks_findings_set(out, "user_namespace", true, true, NULL,
                            "the sandbox's uid and gid %d map to your own uid %u and gid %u (the launcher is not root)",
                            KS_SANDBOX_ID, (unsigned)outside_uid(), (unsigned)outside_gid());
        return;
    }
    ks_userns_fix(fix, sizeof fix);
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
        return TRIAL_DIED;
    }
    if (unshare(CLONE_NEWNS) < 0) return fail(errno, why, cap, "unshare(CLONE_NEWNS) for its /proc");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return fail(errno, why, cap, "making / private for its /proc");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
        fail(errno, why, cap, "mounting a /proc of its own");
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
    if (unshare(ns->flag | (root ? 0 : CLONE_NEWUSER)) < 0) return fail(errno, why, cap, call);
    switch (ns->flag) {
    case CLONE_NEWPID: {
        pid_t pid = fork();
        if (pid < 0) return fail(errno, why, cap, "fork into the new pid namespace");
        if (pid == 0) {
            int code = pid_one(why, cap);
            if (code) (void)write_full(trial_fd, why, strlen(why));
            _exit(code);
        }
        why[0] = '\0'; /* the child said why, on the same pipe */
        int status = wait_for(pid);
        return status < 0 ? TRIAL_DIED : status;
    }
    case CLONE_NEWNS:
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return fail(errno, why, cap, "making / private");
        if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m") < 0)
            return fail(errno, why, cap, "mounting a tmpfs on /tmp");
        return 0;
    case CLONE_NEWUTS:
        return sethostname("kai-sandbox", 11) < 0 ? fail(errno, why, cap, "sethostname") : 0;
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
        int code = run_trial(namespace_trial, ns, why, sizeof why);
        if (code == 0) {
            ks_findings_set(out, ns->id, true, ns->required, NULL, "%s%s", ns->works,
                            geteuid() == 0 ? "" : "; made inside a new user namespace, as an unprivileged launcher makes it");
            continue;
        }
        namespace_fix(ns, code, userns_ok, fix, sizeof fix);
        ks_findings_set(out, ns->id, false, ns->required, fix, "%s", why);
    }
}

/* ---------- user-namespace limits ---------- */

/* The knob's value as text ("absent" when the file does not exist). */
static const char *knob(const char *path, char *buf, size_t cap)
{
    ssize_t n = read_file(path, buf, cap);
    if (n < 0) return errno == ENOENT ? "absent" : "unreadable";
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = '\0';
    return buf;
}

static void limits_finding(ks_findings *out)
{
    char max[32], clone[32], apparmor[32];
    const char *max_text = knob("/proc/sys/user/max_user_namespaces", max, sizeof max);
    const char *clone_text = knob("/proc/sys/kernel/unprivileged_userns_clone", clone, sizeof clone);
    const char *apparmor_text = knob("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", apparmor, sizeof apparmor);
    bool root = geteuid() == 0;
    bool ok = strcmp(max_text, "0") != 0 && (root || (strcmp(clone_text, "0") != 0 && strcmp(apparmor_text, "1") != 0));
    char fix[384];
    ks_userns_fix(fix, sizeof fix);
    ks_findings_set(out, "user_namespace_limits", ok, false, fix,
                    "user.max_user_namespaces = %s, kernel.unprivileged_userns_clone = %s, "
                    "kernel.apparmor_restrict_unprivileged_userns = %s%s",
                    max_text, clone_text, apparmor_text,
                    ok ? "" : root ? "" : " (for an unprivileged launcher)");
}

/* ---------- no_new_privs, seccomp, private uid ---------- */

static int no_new_privs_trial(const void *arg, char *why, size_t cap)
{
    (void)arg;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail(errno, why, cap, "prctl(PR_SET_NO_NEW_PRIVS)");
    int set = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    if (set < 0) return fail(errno, why, cap, "prctl(PR_GET_NO_NEW_PRIVS)");
    if (set != 1) return fail(EINVAL, why, cap, "PR_GET_NO_NEW_PRIVS after setting it");
    return 0;
}

/* The run's own filter, installed as the program installs it (with a
 * listener); with the listener closed a denied syscall must fail with
 * ENOSYS. unshare(0) is denied by the filter and harmless without it. */
static int seccomp_trial(const void *arg, char *why, size_t cap)
{
    (void)arg;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail(errno, why, cap, "prctl(PR_SET_NO_NEW_PRIVS)");
    struct sock_fprog prog = ks_seccomp_build();
    long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    if (listener < 0) return fail(errno, why, cap, "installing the filter with a user-notification listener");
    if (close((int)listener) < 0) return fail(errno, why, cap, "close");
    if (unshare(0) == 0 || errno != ENOSYS) {
        snprintf(why, cap, "the filter let a denied syscall (unshare) run");
        return TRIAL_DIED;
    }
    return 0;
}

static void privilege_findings(ks_findings *out)
{
    char why[384] = "";
    if (run_trial(no_new_privs_trial, NULL, why, sizeof why) == 0)
        ks_findings_set(out, "no_new_privs", true, false, NULL,
                        "nothing the sandbox starts can gain privileges (setuid bits and file capabilities are ignored)");
    else
        ks_findings_set(out, "no_new_privs", false, false, "use Linux 3.5 or later (PR_SET_NO_NEW_PRIVS)", "%s", why);

    why[0] = '\0';
    if (run_trial(seccomp_trial, NULL, why, sizeof why) == 0)
        ks_findings_set(out, "seccomp", true, true, NULL,
                        "the run's filter installs with a user-notification listener and stops a denied syscall");
    else
        ks_findings_set(out, "seccomp", false, true,
                        "use a kernel with seccomp filters and user notification (Linux 5.0 or later, CONFIG_SECCOMP_FILTER=y) "
                        "and libseccomp 2.5 or later; in a container, allow the seccomp syscall in its profile",
                        "%s", why);

    bool userns_ok = ks_findings_get(out, "user_namespace")->ok;
    if (geteuid() == 0 && userns_ok)
        ks_findings_set(out, "private_uid", true, false, NULL,
                        "the launcher is root, so each sandbox gets a host uid of its own (1000000000 + the launcher's pid) "
                        "and RLIMIT_NPROC counts only its processes");
    else if (geteuid() == 0)
        ks_findings_set(out, "private_uid", false, false, "make the user namespace work (see user_namespace)",
                        "without a user namespace the sandbox cannot get a uid of its own");
    else
        ks_findings_set(out, "private_uid", false, false,
                        "run kai as root: the sandbox then gets a host uid of its own, and RLIMIT_NPROC can limit its processes",
                        "the launcher runs as uid %u, not root, so the sandbox shares that uid and RLIMIT_NPROC is not set "
                        "(it would count every process of the uid)",
                        (unsigned)geteuid());
}

/* ---------- the probe ---------- */

/* The order sandbox/CONTRACT.md ("Probe") promises. */
static const char *const contract_order[] = {
    "user_namespace", "pid_namespace", "net_namespace", "mount_namespace", "ipc_namespace", "uts_namespace",
    "cgroup_namespace", "user_namespace_limits", "no_new_privs", "seccomp", "private_uid", "cgroup", "cgroup_memory",
    "cgroup_swap", "cgroup_pids", "cgroup_cpu", "cgroup_cpu_max", "cgroup_oom_group", "cgroup_hugetlb", "cgroup_kill",
};

/* Puts the findings in the contract's order (the cgroup code records them
 * in the order it learns them); ids the contract does not name go last. */
static void contract_sort(ks_findings *f)
{
    static ks_findings sorted;
    memset(&sorted, 0, sizeof sorted);
    size_t known = sizeof contract_order / sizeof contract_order[0];
    for (size_t i = 0; i < known; i++) {
        const ks_finding *item = ks_findings_get(f, contract_order[i]);
        if (item) sorted.items[sorted.count++] = *item;
    }
    for (int i = 0; i < f->count; i++) {
        bool listed = false;
        for (size_t k = 0; k < known && !listed; k++) listed = strcmp(f->items[i].id, contract_order[k]) == 0;
        if (!listed && sorted.count < KS_MAX_FINDINGS) sorted.items[sorted.count++] = f->items[i];
    }
    memcpy(f->items, sorted.items, sizeof f->items);
    f->count = sorted.count;
}

void ks_probe(const ks_config *cfg, ks_findings *out)
{
    memset(out, 0, sizeof *out);
    user_namespace_finding(out);
    namespace_findings(out);
    limits_finding(out);
    privilege_findings(out);
    ks_cgroup_findings(cfg, out);
    contract_sort(out);
}

int ks_probe_main(const ks_config *cfg)
{
    static ks_findings findings;
    ks_probe(cfg, &findings);
    struct utsname uts;
    if (uname(&uts) < 0) die_with_error("--probe: uname");
    ks_buf b = {0};
    buf_puts(&b, "{\n  \"kernel\": ");
    buf_json_string(&b, (const unsigned char *)uts.release, strlen(uts.release));
    buf_printf(&b, ",\n  \"euid\": %u,\n  \"cgroup_base\": ", (unsigned)geteuid());
    if (findings.cgroup_base[0]) buf_json_string(&b, (const unsigned char *)findings.cgroup_base, strlen(findings.cgroup_base));
    else buf_puts(&b, "null");
    buf_puts(&b, ",\n  \"findings\": [");
    for (int i = 0; i < findings.count; i++) {
        const ks_finding *f = &findings.items[i];
        buf_puts(&b, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
        buf_json_string(&b, (const unsigned char *)f->id, strlen(f->id));
        buf_printf(&b, ", \"ok\": %s, \"required\": %s, \"detail\": ", f->ok ? "true" : "false", f->required ? "true" : "false");
        buf_json_string(&b, (const unsigned char *)f->detail, strlen(f->detail));
        buf_puts(&b, ", \"fix\": ");
        if (f->ok) buf_puts(&b, "null");
        else buf_json_string(&b, (const unsigned char *)f->fix, strlen(f->fix));
        buf_puts(&b, "}");
    }
    buf_puts(&b, "\n  ]\n}\n");
    if (write_full(STDOUT_FILENO, b.data, b.len) < 0) return 3;
    return 0;
}
