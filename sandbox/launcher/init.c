/*
 * init.c — PID 1 of the sandbox's pid namespace.
 *
 * Init is not the program: it stays behind as a reaper so that the program
 * is an ordinary process (signals to itself work, `kill -9 $$` is not
 * ignored), so that denied syscalls can be identified (init holds the seccomp
 * listener, see seccomp.c), and so that files can be collected from /work
 * after the program's tree is dead but before the mount namespace is gone.
 * When init exits, the kernel kills every process left in the namespace.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

static int status_fd = -1;

int ks_send_record(int fd, char type, const void *payload, uint32_t len)
{
    unsigned char header[5] = {(unsigned char)type};
    memcpy(header + 1, &len, 4);
    if (write_full(fd, header, 5) < 0) return -1;
    return len ? write_full(fd, payload, len) : 0;
}

static void send_error(const char *message)
{
    (void)ks_send_record(status_fd, KS_REC_ERROR, message, (uint32_t)strlen(message));
    _exit(1);
}

/* Drops every capability (bounding set, ambient, then the uid switch and an
 * explicit capset) and becomes the sandbox user. */
static void drop_privileges(bool userns)
{
    for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) die_with_error("dropping capability %d from the bounding set", cap);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) die_with_error("clearing ambient capabilities");
    /* In a user namespace setgroups is denied (and nothing to drop). */
    if (!userns && setgroups(0, NULL) < 0) die_with_error("setgroups");
    if (setresgid(KS_SANDBOX_ID, KS_SANDBOX_ID, KS_SANDBOX_ID) < 0) die_with_error("setresgid(%d)", KS_SANDBOX_ID);
    if (setresuid(KS_SANDBOX_ID, KS_SANDBOX_ID, KS_SANDBOX_ID) < 0) die_with_error("setresuid(%d)", KS_SANDBOX_ID);
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) < 0) die_with_error("capset (dropping all capabilities)");
    /* Not dumpable: the program (same uid) cannot ptrace or read /proc/1/mem. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die_with_error("prctl(PR_SET_DUMPABLE)");
}

static void send_fd(int sock, int fd)
{
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    char byte = 'L';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
    if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1) die_with_error("passing the seccomp listener to init");
}

/* Returns the fd passed by the program child, or -1 when it sent none. */
static int receive_fd(int sock)
{
    char control[CMSG_SPACE(sizeof(int))];
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    ssize_t n;
    do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0) die_with_error("receiving the seccomp listener");
    struct cmsghdr *cmsg = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
    return fd;
}

/* What the supervisor sends once the cgroups and the filter are ready. */
typedef struct {
    int cgroup_fds[3];
    int cgroup_count;
    bool cgroup_memory;
    struct sock_fprog filter;       /* .len 0 with --no-seccomp */
} setup_data;

/* Receives the ks_setup_msg (see kai_sandbox.h); EOF means the supervisor
 * died, and init leaves quietly. */
static void receive_setup(int sock, setup_data *out)
{
    static union { ks_setup_msg header; unsigned char bytes[sizeof(ks_setup_msg) + 4096 * sizeof(struct sock_filter)]; } buf;
    union { struct cmsghdr align; char bytes[CMSG_SPACE(3 * sizeof(int))]; } control;
    struct iovec iov = {.iov_base = buf.bytes, .iov_len = sizeof buf.bytes};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes, .msg_controllen = sizeof control.bytes};
    ssize_t n;
    do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n == 0) _exit(1);
    if (n < 0) die_with_error("receiving the cgroups and filter from the supervisor");
    if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || (size_t)n < sizeof(ks_setup_msg) || buf.header.kind != 'c' ||
        (size_t)n != sizeof(ks_setup_msg) + (size_t)buf.header.filter_len * sizeof(struct sock_filter) ||
        (buf.header.seccomp != 0) != (buf.header.filter_len != 0))
        die("a malformed setup message from the supervisor");
    out->cgroup_count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) die("a malformed setup message from the supervisor");
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        if (count > 3 || out->cgroup_count + (int)count > 3) die("a malformed setup message from the supervisor");
        memcpy(out->cgroup_fds + out->cgroup_count, CMSG_DATA(c), count * sizeof(int));
        out->cgroup_count += (int)count;
    }
    out->cgroup_memory = buf.header.cgroup_memory != 0;
    out->filter.len = (unsigned short)buf.header.filter_len;
    out->filter.filter = (struct sock_filter *)(buf.bytes + sizeof(ks_setup_msg));
}

/* The program child: stdio, session, limits, seccomp, execve. */
static _Noreturn void start_program(const ks_config *cfg, const ks_init_args *a, const setup_data *setup,
                                    int sock)
{
    ks_trace("prog", "start");
    /* No blocked signals: not init's (SIGCHLD, SIGTERM), and not whatever
     * the host's spawning thread had blocked (a program started with
     * SIGALRM blocked never sees its own timers). */
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) die_with_error("sigprocmask");
    /* A new session: no controlling terminal, TIOCSTI has nothing to target. */
    if (setsid() < 0) die_with_error("setsid");
    if (dup2(a->stdin_fd, 0) < 0 || dup2(a->out_fd, 1) < 0 || dup2(a->err_fd, 2) < 0) die_with_error("dup2 stdio");
    ks_set_rlimits(cfg, setup->cgroup_memory, a->private_uid);
    ks_trace("prog", "session, stdio, rlimits");
    if (setup->filter.len) {
        int listener = ks_seccomp_install(&setup->filter); /* last step before execve */
        ks_trace("prog", "seccomp installed");
        send_fd(sock, listener);
        /* The listener must not stay open in the program. */
        if (close(listener) < 0) die_with_error("close listener");
    }
    if (close(sock) < 0) die_with_error("close");
    ks_program_hook hook = ks_program_hook_set();
    if (hook) {
        /* What execve would have done to fds, the environment and
         * dumpability (init made itself non-dumpable; an execve'd program
         * is dumpable again, so it can read its own /proc/self/mem). */
        if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0) die_with_error("close_range");
        if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) die_with_error("prctl(PR_SET_DUMPABLE)");
        environ = (char **)a->envp;
        ks_trace("prog", "program hook");
        hook();
        die("the program hook returned");
    }
    ks_trace("prog", "execve");
    execve(cfg->argv[0], cfg->argv, a->envp);
    die_with_error("cannot execute \"%s\"; fix: give an absolute path that exists inside the sandbox "
                   "(/usr, /bin, /work or a --bind)", cfg->argv[0]);
}

typedef struct {
    const ks_config *cfg;
    const ks_init_args *a;
    const setup_data *setup;
    int sock;
    int other[2];                   /* init's ends, closed in the child */
} program_args;

static int program_main(void *arg)
{
    const program_args *p = arg;
    if (close(p->other[0]) < 0 || close(p->other[1]) < 0) die_with_error("close");
    start_program(p->cfg, p->a, p->setup, p->sock);
}

static void on_notification(int listener, bool *denied_sent, bool *network_sent)
{
    struct seccomp_notif notif;
    memset(&notif, 0, sizeof notif);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &notif) < 0) {
        if (errno == EINTR || errno == ENOENT) return; /* the caller died meanwhile */
        die_with_error("reading a seccomp notification");
    }
    if (ks_seccomp_is_watched(notif.data.arch, notif.data.nr)) {
        /* socket/socketpair: allowed; the supervisor learns (once) that this
         * run's network namespace has been used. The arguments are not
         * inspected, so letting the call continue is safe. */
        if (!*network_sent) {
            if (ks_send_record(status_fd, KS_REC_NETWORK, NULL, 0) < 0) die_with_error("status pipe");
            *network_sent = true;
        }
        struct seccomp_notif_resp resp = {.id = notif.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
        while (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) {
            if (errno == ENOENT) break; /* the caller died meanwhile */
            if (errno != EINTR) die_with_error("letting a socket call through");
        }
        return;
    }
    if (!*denied_sent) {
        ks_denied_rec rec = {.arch = notif.data.arch, .nr = notif.data.nr};
        if (ks_send_record(status_fd, KS_REC_DENIED, &rec, sizeof rec) < 0) die_with_error("status pipe");
        *denied_sent = true;
    }
    /* The syscall never ran; kill the caller's whole process (any thread id
     * names its thread group for kill). It is not answered, so it cannot run. */
    if (kill((pid_t)notif.pid, SIGKILL) < 0 && errno != ESRCH) die_with_error("killing a process that made a denied syscall");
}

/* Reaps what has exited; returns true once the program itself has. */
static bool reap(pid_t program, int *program_status)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);
        if (pid == 0 || (pid < 0 && errno == ECHILD)) return false;
        if (pid < 0) die_with_error("waitpid");
        if (pid == program) {
            *program_status = status;
            return true;
        }
    }
}

static void reap_all(void)
{
    while (waitpid(-1, NULL, __WALL) >= 0 || errno == EINTR) {}
    if (errno != ECHILD) die_with_error("waitpid");
}

void ks_init_main(const ks_config *cfg, const ks_init_args *a)
{
    ks_trace("init", "start");
    status_fd = a->status_fd;
    ks_set_die_hook(send_error);
    /* 1. Die with the supervisor. The pid namespace hides our real parent
     * (getppid() is 0), so the race check is the setup socket: it reads EOF
     * if the supervisor died before PDEATHSIG was armed. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die_with_error("prctl(PR_SET_PDEATHSIG)");
    /* 2. The network namespace (see ks_clone_sandbox), while the supervisor
     * writes the id maps -- unless we were cloned into a slot's (slots.c). */
    if (a->own_netns) {
        ks_netns_create();
        ks_trace("init", "network namespace created");
    }
    /* 3. Wait for the id maps. */
    char go;
    ssize_t got;
    do got = read(a->setup_fd, &go, 1);
    while (got < 0 && errno == EINTR);
    if (got != 1 || go != 'g') _exit(1);
    ks_trace("init", "released (id maps written)");
    /* 4. Become the sandbox user now: files we create need a uid that is
     * mapped in the user namespace. Capabilities in the namespace stay until
     * step 7 (the uid we leave is not the namespace's root, so the kernel
     * does not clear them). Without a user namespace we are real root, and
     * the switch waits until step 7. */
    if (!cfg->no_userns && (setresgid(KS_SANDBOX_ID, KS_SANDBOX_ID, KS_SANDBOX_ID) < 0 ||
                            setresuid(KS_SANDBOX_ID, KS_SANDBOX_ID, KS_SANDBOX_ID) < 0))
        die_with_error("becoming uid/gid %d in the user namespace", KS_SANDBOX_ID);
    if (sethostname("sandbox", 7) < 0) die_with_error("sethostname");
    /* 5. The file system. */
    int work = ks_build_root(cfg, KS_SANDBOX_ID);
    ks_trace("init", "file system built");
    /* 6. The network namespace is empty: not even lo is up, unless
     * --allow-loopback. */
    if (cfg->allow_loopback) ks_loopback_up();
    /* 7. No way back: drop every privilege before anything runs. */
    drop_privileges(!cfg->no_userns);
    /* Re-arm step 1: changing uid/gid (steps 4 and 7) clears the parent-death
     * signal (see PR_SET_PDEATHSIG in prctl(2)), which let init and the whole
     * sandbox outlive a SIGKILLed supervisor. If the supervisor died before
     * this, its end of the status pipe is closed: POLLERR on our end. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die_with_error("prctl(PR_SET_PDEATHSIG)");
    ks_trace("init", "privileges dropped");
    struct pollfd parent_alive = {.fd = status_fd, .events = 0};
    if (poll(&parent_alive, 1, 0) < 0) die_with_error("poll of the status pipe");
    if (parent_alive.revents & (POLLERR | POLLHUP)) _exit(1);
    /* 8. The run's cgroups (created by the supervisor meanwhile): join them
     * before anything is charged to the run, then write --files. The
     * seccomp filter comes with them. */
    static setup_data setup;
    receive_setup(a->setup_fd, &setup);
    if (close(a->setup_fd) < 0) die_with_error("close setup socket");
    ks_trace("init", "setup received");
    ks_cgroup_join(setup.cgroup_fds, setup.cgroup_count);
    ks_files_write(a->files, work);
    if (close(work) < 0) die_with_error("close /work");
    ks_trace("init", "joined cgroups, --files written");
    /* 9. Signals arrive through a signalfd; SIGTERM from outside the
     * namespace (pid 0 as seen from here) means "stop and report". */
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) die_with_error("sigprocmask");
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) die_with_error("signalfd");
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) die_with_error("socketpair");
    /* 10. The program: a vfork-style clone (shared memory, own stack, init
     * suspended until execve), which starts the child on this CPU at once
     * and copies no page tables; the child only makes syscalls on its own
     * stack and static data that init no longer reads. (A plain fork in
     * library mode, see kai_sandbox.h.) */
    program_args pa = {.cfg = cfg, .a = a, .setup = &setup, .sock = pair[1], .other = {pair[0], sfd}};
    static char program_stack[256 << 10] __attribute__((aligned(16)));
    pid_t program;
    if (ks_program_hook_set()) {
        /* Library mode: the program never execs, so it needs memory of its own. */
        program = fork();
        if (program == 0) program_main(&pa);
    } else {
        program = clone(program_main, program_stack + sizeof program_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &pa);
    }
    if (program < 0) die_with_error("clone of the program");
    if (close(pair[1]) < 0 || close(a->out_fd) < 0 || close(a->err_fd) < 0 || close(a->stdin_fd) < 0)
        die_with_error("close");
    ks_trace("init", "program forked");
    int listener = receive_fd(pair[0]);
    ks_trace("init", "listener received");
    if (close(pair[0]) < 0) die_with_error("close");
    /* 11. Supervise: denied syscalls, the program's end, a stop request. */
    int program_status = 0;
    bool program_done = false, denied_sent = false, network_sent = false;
    while (!program_done) {
        struct pollfd fds[2] = {{.fd = sfd, .events = POLLIN}, {.fd = listener, .events = POLLIN}};
        if (poll(fds, listener >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            die_with_error("poll");
        }
        if (listener >= 0 && (fds[1].revents & POLLIN)) on_notification(listener, &denied_sent, &network_sent);
        /* POLLHUP: no task uses the filter any more (the program's tree has
         * exited; SIGCHLD follows once the kernel has torn it down). The
         * listener stays readable-as-hung-up from then on, so polling it
         * again would spin -- measured at thousands of wake-ups per run,
         * burning a CPU during every program's exit. */
        else if (listener >= 0 && (fds[1].revents & (POLLHUP | POLLERR))) {
            if (close(listener) < 0) die_with_error("close listener");
            listener = -1;
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                if (si.ssi_signo == SIGTERM && si.ssi_pid == 0 && kill(-1, SIGKILL) < 0 && errno != ESRCH)
                    die_with_error("kill(-1, SIGKILL)");
            program_done = reap(program, &program_status);
        }
    }
    ks_trace("init", "program reaped");
    /* 12. Whatever the program left behind dies before /work is read. */
    if (kill(-1, SIGKILL) < 0 && errno != ESRCH) die_with_error("kill(-1, SIGKILL)");
    reap_all();
    ks_trace("init", "tree reaped");
    ks_collect_files(cfg, status_fd, (size_t)cfg->output_limit_kb << 10);
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) < 0) die_with_error("getrusage");
    ks_result_rec rec = {
        .wait_status = program_status,
        .cpu_us = (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec,
        .maxrss_kb = ru.ru_maxrss,
    };
    if (ks_send_record(status_fd, KS_REC_RESULT, &rec, sizeof rec) < 0) die_with_error("status pipe");
    ks_trace("init", "result sent, exiting");
    _exit(0);
}
