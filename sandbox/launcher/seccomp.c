/*
 * seccomp.c — the deny-list policy.
 *
 * Denied syscalls are not killed by SECCOMP_RET_KILL_PROCESS: the kernel
 * reports such a death only as "killed by SIGSYS", and which syscall did it
 * is lost (no siginfo reaches the parent; the audit log is not ours to read).
 * Instead they return SECCOMP_RET_USER_NOTIF: the syscall blocks, never runs,
 * and the sandbox's init — which holds the listener and is outside the
 * filter — learns the exact syscall number and architecture, then SIGKILLs
 * the caller's process. If init is gone the listener is closed and the
 * kernel fails the syscall with ENOSYS, so the policy stays closed either way.
 * Foreign ABIs (i386 via int 0x80, x32) take the same path.
 *
 * socket and socketpair go to the listener too, but are let through: they
 * are the only ways into the network namespace's state, and init tells
 * the supervisor that this run used them (slots.c: such a namespace is
 * not handed to another run).
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The syscalls that can change a network namespace's state (nothing else
 * reaches it: io_uring and non-native ABIs are denied). Allowed, but seen. */
const char *const ks_seccomp_watched[KS_SECCOMP_WATCHED] = {"socket", "socketpair"};

/* Syscalls whose use is an attack, not a bug: the caller is killed. */
static const char *const denied[] = {
    "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root", "chroot",
    "unshare", "setns", "keyctl", "add_key", "request_key", "bpf", "perf_event_open",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
    "open_by_handle_at", "name_to_handle_at", "fsopen", "fsconfig", "fsmount", "fspick",
    "move_mount", "open_tree", "mount_setattr", "acct", "quotactl", "syslog", "lookup_dcookie",
    "iopl", "ioperm", "uselib", "userfaultfd", "vhangup", "pidfd_getfd",
};


static void check(int rc, const char *what)
{
    if (rc < 0) {
        errno = -rc;
        die_with_error("seccomp: %s failed (libseccomp %s); fix: run with a libseccomp that knows this syscall, "
                       "or --no-seccomp for a degraded run", what, "2.5+");
    }
}

struct sock_fprog ks_seccomp_build(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) die("seccomp: seccomp_init failed; fix: check that libseccomp is installed");
    /* Any architecture other than the native one (i386, and x32, which
     * libseccomp treats as its own ABI) goes to the listener too. */
    check(seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_NOTIFY), "setting the bad-arch action");
    check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), "leaving no_new_privs to the launcher");
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++) {
        int nr = seccomp_syscall_resolve_name(denied[i]);
        if (nr == __NR_SCMP_ERROR) die("seccomp: libseccomp does not know syscall \"%s\"", denied[i]);
        check(seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0), denied[i]);
    }
    for (size_t i = 0; i < KS_SECCOMP_WATCHED; i++)
        check(seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, seccomp_syscall_resolve_name(ks_seccomp_watched[i]), 0),
              ks_seccomp_watched[i]);
    /* clone creating namespaces is denied; plain fork/threads are not.
     * BPF has no "masked not-equal", so one rule per flag: each matches when
     * its bit is set (MASKED_EQ flag, flag), and rules are OR'ed. */
    static const unsigned long ns_flags[] = {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET,
                                             CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP};
    for (size_t i = 0; i < sizeof ns_flags / sizeof ns_flags[0]; i++)
        check(seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i])),
              "clone");
    /* clone3 passes its flags in memory BPF cannot read: fail it so libc
     * falls back to clone, whose flags we can check. */
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0), "clone3");
    /* Limits of other processes: init shares the program's uid, so the
     * kernel would let the program lower init's (prlimit64 on pid 1: a
     * RLIMIT_NOFILE of 0 broke init's poll and the report; RLIMIT_CPU or
     * RLIMIT_AS could kill it). Only pid 0, the caller itself (what
     * setrlimit/getrlimit use), is allowed; others fail with EPERM, as for
     * a process one may not touch. */
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(prlimit64), 1, SCMP_A0(SCMP_CMP_NE, 0, 0)), "prlimit64");
    /* No terminal exists, but refuse terminal injection outright. */
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI)), "ioctl(TIOCSTI)");
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX)), "ioctl(TIOCLINUX)");

    /* libseccomp 2.5 exports only to an fd; a memfd keeps it in memory. */
    int fd = memfd_create("kai-seccomp", MFD_CLOEXEC);
    if (fd < 0) die_with_error("seccomp: memfd_create");
    check(seccomp_export_bpf(ctx, fd), "exporting the filter");
    seccomp_release(ctx);
    struct stat st;
    if (fstat(fd, &st) < 0) die_with_error("seccomp: fstat of the exported filter");
    if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0)
        die("seccomp: exported filter has a bad size (%lld bytes)", (long long)st.st_size);
    struct sock_filter *code = xmalloc((size_t)st.st_size);
    if (pread(fd, code, (size_t)st.st_size, 0) != st.st_size) die_with_error("seccomp: reading the exported filter");
    if (close(fd) < 0) die_with_error("seccomp: close");
    return (struct sock_fprog){.len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter)), .filter = code};
}

int ks_seccomp_install(const struct sock_fprog *prog)
{
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
    if (fd < 0) die_with_error("seccomp: installing the filter; fix: use a kernel with seccomp user notification (5.0+), "
                               "or --no-seccomp for a degraded run");
    return (int)fd;
}

bool ks_seccomp_is_watched(uint32_t arch, int nr)
{
    if (arch != seccomp_arch_native() || (nr & 0x40000000)) return false; /* foreign ABIs are denied */
    for (size_t i = 0; i < KS_SECCOMP_WATCHED; i++)
        if (nr == seccomp_syscall_resolve_name(ks_seccomp_watched[i])) return true;
    return false;
}

void ks_seccomp_name(uint32_t arch, int nr, char *buf, size_t cap)
{
    if ((arch == SCMP_ARCH_NATIVE || arch == seccomp_arch_native()) && (nr & 0x40000000)) {
        /* x32 shares x86-64's audit arch and sets bit 30 in the number */
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X32, nr);
        snprintf(buf, cap, "x32 ABI %s (non-native syscall ABI)", name ? name : "syscall");
        free(name);
        return;
    }
    if (arch == SCMP_ARCH_NATIVE || arch == seccomp_arch_native()) {
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (name) {
            snprintf(buf, cap, "%s", name);
            free(name);
            return;
        }
        snprintf(buf, cap, "syscall %d", nr);
        return;
    }
    const char *abi = arch == SCMP_ARCH_X86 ? "i386" : arch == SCMP_ARCH_X32 ? "x32" : "foreign";
    char *name = seccomp_syscall_resolve_num_arch(arch, nr);
    snprintf(buf, cap, "%s ABI %s (non-native syscall ABI)", abi, name ? name : "syscall");
    free(name);
}
