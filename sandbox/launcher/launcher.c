/*
 * launcher.c — ks_launcher_main, the whole of kai-sandbox: runs one program in a fresh sandbox and prints one
 * JSON report (sandbox/CONTRACT.md, design in sandbox/README.md).
 *
 * The order of steps is fixed; each one assumes the ones before it:
 *   0. close every descriptor above 2 the caller left open
 *   1. no_new_privs, then die with our parent (PDEATHSIG + getppid check)
 *   2. parse and validate every argument (usage errors exit 2)
 *   3. decide the protections
 *   4. open stdin and --files, create the pipes; the v2 cgroup directory
 *   5. enter the unused network namespace waiting in our slot (slots.c,
 *      as root), then clone once with the other namespaces (into the v2
 *      cgroup if any);
 *      the child becomes init (init.c), which otherwise creates the network
 *      namespace itself so that we need not wait for it
 *   6. from outside: id maps (sandbox uid/gid 65534, never root), then
 *      release init to build the file system
 *   7. meanwhile: create the cgroups and write their limits;
 *      --require-isolation fails closed here, before the program exists
 *   8. build the seccomp filter and pass it with the v1 cgroups to init,
 *      which joins them, then forks the program (which installs the filter);
 *      meanwhile, if none was waiting, make the slot's next namespace, and
 *      sweep the cgroups of launchers that died
 *   9. supervise: output, limits, the end (supervisor.c)
 *  10. write the report; give the network namespace back to the slot if
 *      the program never made a socket, else let it die with the run;
 *      remove the cgroups
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static ks_run run;

/* A supervisor-side failure still produces a report (exit 0); only a
 * failure to write it exits 3. */
static void supervisor_die(const char *message)
{
    ks_kill_sandbox(&run);
    ks_cgroup_destroy(&run.cg, run.init_reaped);
    ks_write_error_report(&run, message);
    /* _exit: in library mode (sandbox/fork-server) this process is a fork
     * of the caller, whose atexit handlers are not ours to run. */
    fflush(stdout);
    _exit(0);
}

static void add_warning(const char *text)
{
    size_t used = strlen(run.warnings);
    snprintf(run.warnings + used, sizeof run.warnings - used, "%s%s", used ? "; " : "", text);
}

/* PATH, HOME and LANG only, then --env (later values win). */
static char **build_env(const ks_config *cfg)
{
    char **envp = xmalloc(sizeof(char *) * (size_t)(cfg->env_count + 4));
    int n = 0;
    const char *base[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/work", "LANG=C.UTF-8"};
    for (int i = 0; i < 3 + cfg->env_count; i++) {
        const char *entry = i < 3 ? base[i] : cfg->env[i - 3];
        size_t name_len = (size_t)(strchr(entry, '=') - entry);
        int slot = n;
        for (int k = 0; k < n; k++)
            if (strncmp(envp[k], entry, name_len + 1) == 0) slot = k;
        envp[slot] = (char *)entry;
        if (slot == n) n++;
    }
    envp[n] = NULL;
    return envp;
}

/* The protections --require-isolation insists on; "" when all are on. The
 * cgroup ones say why and how to fix it in the words of their findings. */
static void missing_protections(const ks_config *cfg, char *out, size_t cap)
{
    out[0] = '\0';
    const struct { bool missing; const char *text; } checks[] = {
        {cfg->no_userns, "user_namespace (disabled by --no-userns; fix: drop --no-userns)"},
        {cfg->no_seccomp, "seccomp (disabled by --no-seccomp; fix: drop --no-seccomp)"},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        if (!checks[i].missing) continue;
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%s", used ? ", " : "", checks[i].text);
    }
    const ks_findings *f = run.cg.findings;
    for (int i = 0; f && i < f->count; i++) {
        const ks_finding *item = &f->items[i];
        if (item->ok || !item->required) continue;
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%s (%s; fix: %s)", used ? ", " : "", item->id, item->detail, item->fix);
    }
}

/* Init's second message: the v1 cgroups to join (SCM_RIGHTS) and the
 * seccomp program (ks_setup_msg, kai_sandbox.h). */
static void send_setup(int sock, const struct sock_fprog *filter)
{
    int fds[3];
    int count = ks_cgroup_open_tasks(&run.cg, fds);
    ks_setup_msg header = {.kind = 'c', .cgroup_memory = run.cg.has_memory, .seccomp = filter->len > 0, .filter_len = filter->len};
    struct iovec iov[2] = {{.iov_base = &header, .iov_len = sizeof header},
                           {.iov_base = filter->filter, .iov_len = (size_t)filter->len * sizeof(struct sock_filter)}};
    union { struct cmsghdr align; char bytes[CMSG_SPACE(3 * sizeof(int))]; } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = filter->len ? 2 : 1};
    if (count > 0) {
        msg.msg_control = control.bytes;
        msg.msg_controllen = CMSG_SPACE((size_t)count * sizeof(int));
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN((size_t)count * sizeof(int));
        memcpy(CMSG_DATA(cmsg), fds, (size_t)count * sizeof(int));
    }
    ssize_t want = (ssize_t)(iov[0].iov_len + (filter->len ? iov[1].iov_len : 0)), n;
    do n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n != want) die_with_error("passing the cgroups and the seccomp filter to init");
    for (int i = 0; i < count; i++)
        if (close(fds[i]) < 0) die_with_error("close");
}

static void make_pipe(int fds[2], bool nonblocking_read)
{
    if (pipe2(fds, O_CLOEXEC) < 0) die_with_error("pipe2");
    if (nonblocking_read && fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) die_with_error("fcntl(O_NONBLOCK)");
}

int ks_launcher_main(int argc, char **argv)
{
    /* 0. Only stdin, stdout and stderr are ours to keep: a directory, file,
     * socket or terminal the caller left open would otherwise pass through
     * init and execve into the program (issue 9). Before the trace fd. */
    ks_close_inherited_fds();
    ks_trace_init();
    ks_trace("sup", "main");
    /* 1. Nothing we start may gain privileges; die with our parent. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die_with_error("prctl(PR_SET_NO_NEW_PRIVS)");
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die_with_error("prctl(PR_SET_PDEATHSIG)");
    if (getppid() != parent) return 3;
    /* 2. Arguments. */
    static ks_config cfg;
    ks_parse_args(argc, argv, &cfg);
    if (cfg.probe) return ks_probe_main(&cfg);
    run.cfg = &cfg;
    run.pidfd = -1;
    ks_set_die_hook(supervisor_die);
    /* 3. Protections. As root the sandbox gets a host uid of its own, so
     * RLIMIT_NPROC counts only its processes; otherwise our own uid. */
    run.userns = !cfg.no_userns;
    run.seccomp = !cfg.no_seccomp;
    run.private_uid = run.userns && geteuid() == 0;
    run.outside_uid = run.private_uid ? (uid_t)(1000000000u + (unsigned)getpid()) : geteuid();
    gid_t outside_gid = run.private_uid ? (gid_t)run.outside_uid : getegid();
    if (!run.private_uid) add_warning("RLIMIT_NPROC not set: the sandbox shares its host uid (run the launcher as root for a private uid)");
    if (cfg.no_seccomp) add_warning("seccomp disabled by --no-seccomp");
    if (cfg.no_userns) add_warning("user namespace disabled by --no-userns");
    /* 4. Files and pipes; everything is close-on-exec. */
    /* Non-blocking: opening a FIFO that has no writer would otherwise wait
     * for one here, before any time limit runs (it now reads as empty);
     * the program gets an ordinary blocking descriptor, whose reads run
     * under the limits. */
    int stdin_fd = open(cfg.stdin_file ? cfg.stdin_file : "/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY | (cfg.stdin_file ? O_NONBLOCK : 0));
    if (stdin_fd < 0) die_with_error("--stdin: cannot open \"%s\"", cfg.stdin_file ? cfg.stdin_file : "/dev/null");
    if (cfg.stdin_file && fcntl(stdin_fd, F_SETFL, 0) < 0) die_with_error("--stdin: fcntl(F_SETFL) on \"%s\"", cfg.stdin_file);
    /* No terminal inside, even one asked for (--stdin /dev/tty, or kai's
     * own stdin at a shell): it would read the user's keystrokes and could
     * change the terminal's modes. */
    if (cfg.stdin_file && isatty(stdin_fd))
        die("--stdin \"%s\" is a terminal; a sandboxed program may not read or control the user's terminal "
            "(fix: give a file, a pipe or a FIFO)", cfg.stdin_file);
    static ks_files files;
    if (cfg.files_dir) ks_files_load(cfg.files_dir, (size_t)cfg.workdir_mb << 20, &files);
    int out[2], err[2], status[2], setup[2];
    make_pipe(out, true);
    make_pipe(err, true);
    make_pipe(status, true);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, setup) < 0) die_with_error("socketpair");
    char **envp = build_env(&cfg);
    run.out.cap = run.err.cap = (size_t)cfg.output_limit_kb << 10;
    run.out.data = xmalloc(run.out.cap);
    run.err.data = xmalloc(run.err.cap);
    /* The v2 cgroup directory (if any) must exist before clone: init is
     * cloned straight into it. */
    ks_cgroup_prepare(&run.cg, &cfg);
    int unified_fd = ks_cgroup_open_unified(&run.cg);
    ks_trace("sup", "files, pipes, v2 cgroup dir");
    /* 5. The network namespace: the unused one waiting in our slot when we
     * are root (slots.c), else init makes a fresh one, in parallel with
     * steps 6-8 (namespaces.c). Then one clone with the other namespaces. */
    int slot = !cfg.allow_loopback && run.seccomp && geteuid() == 0 ? ks_slot_acquire() : -1;
    bool slot_netns = slot >= 0 && ks_slot_take_netns(slot);
    ks_trace("sup", slot_netns ? "slot's waiting network namespace taken" : "no namespace waiting");
    pid_t child = ks_clone_sandbox(run.userns, unified_fd, &run.pidfd);
    if (child == 0) {
        if (close(out[0]) < 0 || close(err[0]) < 0 || close(status[0]) < 0 || close(setup[0]) < 0) _exit(1);
        ks_init_args args = {.files = &files, .stdin_fd = stdin_fd, .out_fd = out[1], .err_fd = err[1],
                             .status_fd = status[1], .setup_fd = setup[1], .envp = envp, .private_uid = run.private_uid,
                             .own_netns = !slot_netns};
        ks_init_main(&cfg, &args);
    }
    run.init_pid = child;
    ks_trace("sup", "clone3 returned");
    if (close(out[1]) < 0 || close(err[1]) < 0 || close(status[1]) < 0 || close(setup[1]) < 0 || close(stdin_fd) < 0 ||
        (unified_fd >= 0 && close(unified_fd) < 0))
        die_with_error("close");
    run.out_fd = out[0];
    run.err_fd = err[0];
    run.status_fd = status[0];
    /* 6. Identity from outside, then release init to build the sandbox. */
    if (run.userns) ks_write_id_maps(child, run.outside_uid, outside_gid);
    run.start_ns = now_ns();
    if (write_full(setup[0], "g", 1) < 0) die_with_error("releasing the sandbox's init");
    ks_trace("sup", "id maps written, init released");
    /* 7. While init builds the file system, create the cgroups and write
     * their limits (whether they are writable is only known by trying), and
     * decide --require-isolation: the program has not been forked yet, and
     * on failure init is killed before it is. */
    ks_cgroup_create(&run.cg, &cfg);
    /* A first delegation may wait out processes leaving the base (up to
     * 3 s): the run's clock does not count it. */
    run.start_ns += run.cg.base.waited_ns;
    ks_trace("sup", "cgroups created");
    if (cfg.require_isolation) {
        char missing[3072];
        missing_protections(&cfg, missing, sizeof missing);
        if (missing[0]) {
            char message[3200];
            snprintf(message, sizeof message, "isolation required but unavailable: %s", missing);
            ks_kill_sandbox(&run);
            while (waitpid(child, NULL, __WALL) < 0 && errno == EINTR) {}
            run.init_reaped = true;
            ks_cgroup_destroy(&run.cg, true);
            ks_write_error_report(&run, message);
            return 0;
        }
    }
    /* 8. The seccomp filter (the program child installs it), then hand
     * init the cgroups to join and the filter. */
    struct sock_fprog filter = {0};
    if (run.seccomp) filter = ks_seccomp_build();
    ks_trace("sup", "seccomp filter built");
    send_setup(setup[0], &filter);
    if (close(setup[0]) < 0) die_with_error("close");
    ks_trace("sup", "cgroups and filter sent");
    /* Nothing was waiting: the slot's namespace for its next run, made
     * while this program starts and runs rather than on that run's
     * critical path. */
    if (slot >= 0 && !slot_netns) {
        ks_slot_refill_netns(slot);
        ks_trace("sup", "network namespace made for the slot's next run");
    }
    /* The cgroups of launchers that died, swept while the program starts
     * (0.15 ms here, 4 directories read) rather than before it. */
    ks_cgroup_sweep_beside(&run.cg);
    ks_trace("sup", "stale cgroups swept");
    /* 9. Supervise until init is gone and the pipes are drained. */
    ks_trace("sup", "init released");
    ks_supervise(&run);
    ks_trace("sup", "supervise done (init reaped, pipes at EOF)");
    /* 10. Teardown and report. */
    ks_write_report(&run);
    ks_trace("sup", "report written");
    if (slot_netns) ks_slot_return_netns(slot, ks_run_left_network_unused(&run));
    ks_cgroup_destroy(&run.cg, run.init_reaped);
    ks_trace("sup", "cgroups removed");
    return 0;
}
