/* Attacks 21-22: call one forbidden syscall directly. argv[1] names it,
 * argv[2] is the host runner's pid (for ptrace / process_vm_readv). If the
 * call returns at all, print "survived=<rc> errno=<name>" and exit 42. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *name = argc > 1 ? argv[1] : "";
    pid_t target = argc > 2 ? (pid_t)atoi(argv[2]) : 1;
    long rc;
    char buffer[64];
    if (!strcmp(name, "ptrace")) rc = syscall(SYS_ptrace, PTRACE_ATTACH, target, 0, 0);
    else if (!strcmp(name, "process_vm_readv")) {
        struct iovec local = {buffer, sizeof buffer}, remote = {(void *)0x400000, sizeof buffer};
        rc = syscall(SYS_process_vm_readv, target, &local, 1, &remote, 1, 0);
    } else if (!strcmp(name, "process_vm_writev")) {
        struct iovec local = {buffer, sizeof buffer}, remote = {(void *)0x400000, sizeof buffer};
        rc = syscall(SYS_process_vm_writev, target, &local, 1, &remote, 1, 0);
    } else if (!strcmp(name, "unshare")) rc = syscall(SYS_unshare, CLONE_NEWUSER);
    else if (!strcmp(name, "setns")) rc = syscall(SYS_setns, open("/proc/self/ns/user", O_RDONLY), 0);
    else if (!strcmp(name, "clone")) rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    else if (!strcmp(name, "mount")) rc = syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, 0);
    else if (!strcmp(name, "umount2")) rc = syscall(SYS_umount2, "/proc", MNT_DETACH);
    else if (!strcmp(name, "pivot_root")) rc = syscall(SYS_pivot_root, "/tmp", "/tmp");
    else if (!strcmp(name, "chroot")) rc = syscall(SYS_chroot, "/tmp");
    else if (!strcmp(name, "keyctl")) rc = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0);
    else if (!strcmp(name, "add_key")) rc = syscall(SYS_add_key, "user", "kai", "x", 1, KEY_SPEC_SESSION_KEYRING);
    else if (!strcmp(name, "bpf")) {
        union bpf_attr attr;
        memset(&attr, 0, sizeof attr);
        rc = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
    } else if (!strcmp(name, "perf_event_open")) {
        struct perf_event_attr attr = {.type = PERF_TYPE_SOFTWARE, .size = sizeof attr, .config = PERF_COUNT_SW_CPU_CLOCK};
        rc = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    } else if (!strcmp(name, "io_uring_setup")) {
        struct io_uring_params params;
        memset(&params, 0, sizeof params);
        rc = syscall(SYS_io_uring_setup, 8, &params);
    } else if (!strcmp(name, "kexec_load")) rc = syscall(SYS_kexec_load, 0, 0, 0, 0);
    else if (!strcmp(name, "init_module")) rc = syscall(SYS_init_module, buffer, 0, "");
    else if (!strcmp(name, "finit_module")) rc = syscall(SYS_finit_module, 0, "", 0);
    else if (!strcmp(name, "delete_module")) rc = syscall(SYS_delete_module, "kai", 0);
    else if (!strcmp(name, "reboot")) rc = syscall(SYS_reboot, 0, 0, 0, 0);
    else if (!strcmp(name, "swapon")) rc = syscall(SYS_swapon, "/work/swap", 0);
    else if (!strcmp(name, "swapoff")) rc = syscall(SYS_swapoff, "/work/swap");
    else { fprintf(stderr, "unknown syscall %s\n", name); return 2; }
    printf("survived=%ld errno=%s\n", rc, rc < 0 ? strerrorname_np(errno) : "none");
    return 42;
}
