/* probe.c — kai-sandbox --probe (what `kai doctor` prints): what this
 * machine gives the sandbox, as findings in the order sandbox/CONTRACT.md
 * ("Probe") promises.
 *
 * Nothing is guessed from a kernel version or a file under /sys: each piece
 * is made for real, as a run makes it, in a trial child (probe_trial.c):
 * the namespaces (probe_namespaces.c), no_new_privs and the run's seccomp
 * filter (here); the cgroup findings come from ks_cgroup_findings (one
 * run's cgroup, made and removed). Every finding that is not ok says how
 * to get it. */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

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
                    !ok && !root ? " (for an unprivileged launcher)" : "");
}

/* ---------- no_new_privs, seccomp, private uid ---------- */

static int no_new_privs_trial(const void *arg, char *why, size_t cap)
{
    (void)arg;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return ks_trial_fail(errno, why, cap, "prctl(PR_SET_NO_NEW_PRIVS)");
    int set = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    if (set < 0) return ks_trial_fail(errno, why, cap, "prctl(PR_GET_NO_NEW_PRIVS)");
    if (set != 1) return ks_trial_fail(EINVAL, why, cap, "PR_GET_NO_NEW_PRIVS after setting it");
    return 0;
}

/* The run's own filter, installed as the program installs it (with a
 * listener); with the listener closed a denied syscall must fail with
 * ENOSYS. unshare(0) is denied by the filter and harmless without it. */
static int seccomp_trial(const void *arg, char *why, size_t cap)
{
    (void)arg;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return ks_trial_fail(errno, why, cap, "prctl(PR_SET_NO_NEW_PRIVS)");
    struct sock_fprog prog = ks_seccomp_build();
    long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    if (listener < 0) return ks_trial_fail(errno, why, cap, "installing the filter with a user-notification listener");
    if (close((int)listener) < 0) return ks_trial_fail(errno, why, cap, "close");
    if (unshare(0) == 0 || errno != ENOSYS) {
        snprintf(why, cap, "the filter let a denied syscall (unshare) run");
        return KS_TRIAL_DIED;
    }
    return 0;
}

static void privilege_findings(ks_findings *out)
{
    char why[384] = "";
    if (ks_trial_run(no_new_privs_trial, NULL, why, sizeof why) == 0)
        ks_findings_set(out, "no_new_privs", true, false, NULL,
                        "nothing the sandbox starts can gain privileges (setuid bits and file capabilities are ignored)");
    else
        ks_findings_set(out, "no_new_privs", false, false, "use Linux 3.5 or later (PR_SET_NO_NEW_PRIVS)", "%s", why);

    why[0] = '\0';
    if (ks_trial_run(seccomp_trial, NULL, why, sizeof why) == 0)
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
    ks_probe_namespaces(out);
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
