#define _GNU_SOURCE
#include "kai_worker_support.h"
#include "worker_root.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int limit(int resource, uint64_t value)
{
    struct rlimit rl = {(rlim_t)value, (rlim_t)value};
    return setrlimit(resource, &rl);
}

int kai_worker_close_inherited(int first)
{
    /* close_range(2) first; without it (Linux < 5.9), every open descriptor
     * listed in /proc/self/fd. */
    if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0) return 0;
    if (errno != ENOSYS) return -1;
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    int own = dirfd(dir);
    struct dirent *entry;
    int failed = 0;
    while ((entry = readdir(dir)) != NULL) {
        char *end;
        long fd = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || end == entry->d_name || fd < first || fd == own) continue;
        if (close((int)fd) != 0 && errno != EBADF) failed = 1;
    }
    if (closedir(dir) != 0 || failed) return -1;
    return 0;
}

int kai_worker_leave_terminal(void)
{
    /* The host spawns workers with POSIX_SPAWN_SETSID: then this is a
     * session leader already, with no controlling terminal. */
    if (getsid(0) == getpid()) return 0;
    if (setsid() >= 0) return 0;
    if (errno != EPERM) return -1;
    /* A process group leader (started by a shell or Foundation's Process)
     * cannot start a session; it gives up the terminal instead. */
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty < 0) return errno == ENXIO || errno == ENOENT ? 0 : -1;
    if (ioctl(tty, TIOCNOTTY) != 0) {
        int saved = errno;
        (void)close(tty); /* already failing: errno is the ioctl's */
        errno = saved;
        return -1;
    }
    return close(tty);
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

/* --- isolation: sandbox ------------------------------------------------
 *
 * Three processes, as the sandbox launcher does it (sandbox/launcher):
 *
 *   relay (the host's child, host namespaces) -- clone3 --> init (pid 1 of
 *   new user, pid, mount, IPC, UTS and network namespaces) -- fork -->
 *   worker (pid 2, uid/gid 65534, no capabilities: serves the plugin).
 *
 * The relay writes init's id maps from outside (only there may root map
 * 65534 to an otherwise unused host uid), then waits and ends exactly as
 * the worker did, so the host sees the worker's exit or signal. Init mounts
 * the file system, reaps every orphan, and ends the namespace (killing all
 * that is left in it) when the worker ends. */

#define SANDBOX_ID 65534u

/* Closes the host's pipes (0, 1, 3, 4) in a process that must not hold
 * them: the host sees their end only when the worker's copies close. */
static int close_host_pipes(void)
{
    static const int fds[] = {0, 1, 3, 4};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (close(fds[i]) != 0 && errno != EBADF) return -1;
    return 0;
}

static int write_proc(pid_t pid, const char *file, const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    return write_text(path, text);
}

/* The relay: id maps for init, then wait and end as the worker ended. */
static int write_id_maps(pid_t init, uid_t outside_uid, gid_t outside_gid)
{
    char map[64];
    if (write_proc(init, "setgroups", "deny") != 0) return -1;
    snprintf(map, sizeof map, "%u %u 1\n", SANDBOX_ID, (unsigned)outside_uid);
    if (write_proc(init, "uid_map", map) != 0) return -1;
    snprintf(map, sizeof map, "%u %u 1\n", SANDBOX_ID, (unsigned)outside_gid);
    return write_proc(init, "gid_map", map);
}

static void end_like(int status) __attribute__((noreturn));
static void end_like(int status)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        /* If any of these fails the relay cannot die of sig; 128 + sig is
         * the nearest it can say. */
        if (signal(sig, SIG_DFL) != SIG_ERR && sigprocmask(SIG_UNBLOCK, &set, NULL) == 0) (void)raise(sig);
        _exit(128 + sig);
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

static void relay(pid_t init, int report) __attribute__((noreturn));
static void relay(pid_t init, int report)
{
    /* Only the worker keeps the host's pipes open: the host sees their end
     * when the worker ends. stderr stays, for init's messages. A relay that
     * cannot let go of them would hide the worker's end: it stops all. */
    if (close_host_pipes() != 0) {
        kill(init, SIGKILL);
        _exit(71);
    }
    int worker_status = 0;
    ssize_t got;
    do got = read(report, &worker_status, sizeof worker_status);
    while (got < 0 && errno == EINTR);
    int init_status = 0;
    while (waitpid(init, &init_status, 0) < 0 && errno == EINTR) {}
    end_like(got == (ssize_t)sizeof worker_status ? worker_status : init_status);
}

/* Init: the file system of the namespaces (as root of the new user
 * namespace, which owns them): a root of its own (see worker_root.c). */
static int build_file_system(int allow_network)
{
    int step = kai_worker_build_root(allow_network);
    if (step != 0) return step;
    if (sethostname("kai-plugin", 10) != 0) return STEP_HOSTNAME;
    return 0;
}

/* The worker: uid and gid 65534, every capability dropped. */
static int drop_privileges(void)
{
    if (setresgid(SANDBOX_ID, SANDBOX_ID, SANDBOX_ID) != 0 || setresuid(SANDBOX_ID, SANDBOX_ID, SANDBOX_ID) != 0)
        return STEP_IDS;
    for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return STEP_PRIVILEGES;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) return STEP_PRIVILEGES;
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) != 0) return STEP_PRIVILEGES;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return STEP_PRIVILEGES;
    if (setenv("TMPDIR", "/tmp", 1) != 0) return STEP_FILES;
    return 0;
}

/* Init's life after the worker started: reap everything, and when the
 * worker ends, tell the relay how and end the namespace. */
static void serve_as_init(pid_t worker, int report) __attribute__((noreturn));
static void serve_as_init(pid_t worker, int report)
{
    if (close_host_pipes() != 0) _exit(71); /* the namespace ends, the worker with it */
    for (;;) {
        int status;
        pid_t ended = waitpid(-1, &status, 0);
        if (ended == worker) {
            ssize_t sent = write(report, &status, sizeof status);
            _exit(sent == (ssize_t)sizeof status ? 0 : 1);
        }
        if (ended < 0 && errno != EINTR) _exit(1);
    }
}

/* Runs in init (pid 1): returns 0 in the worker, a step on failure. */
static int start_init(int setup, int report, int allow_network)
{
    /* Dies with the relay; and a relay that died before this leaves the
     * setup pipe at EOF. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return STEP_INIT;
    char go = 0;
    ssize_t got;
    do got = read(setup, &go, 1);
    while (got < 0 && errno == EINTR);
    if (close(setup) != 0 || got != 1 || go != 'g') _exit(1);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return STEP_INIT;
    int step = build_file_system(allow_network);
    if (step != 0) return step;
    /* fork, not clone: glibc updates the worker's thread id, which plugin
     * code (raise, abort, pthread) relies on. */
    pid_t worker = fork();
    if (worker < 0) return STEP_INIT;
    if (worker > 0) serve_as_init(worker, report);
    if (close(report) != 0) return STEP_INIT;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return STEP_INIT;
    return drop_privileges();
}

int kai_worker_sandbox(int allow_network, const char *const *visible, int visible_count)
{
    /* What the new root shows besides the system: collected here, in the
     * host's file system (realpath), before anything is unshared. */
    if (kai_worker_plan_root(visible, visible_count) != 0)
        return kai_worker_refused_directory() ? STEP_SHARED_DIRECTORY : STEP_FILES;
    /* As root the worker gets a host uid no one else has (the launcher's
     * scheme: pids are unique among running processes); otherwise ours. */
    bool private_id = geteuid() == 0;
    uid_t outside_uid = private_id ? (uid_t)(1000000000u + (unsigned)getpid()) : geteuid();
    gid_t outside_gid = private_id ? (gid_t)outside_uid : getegid();
    /* Supplementary groups cannot be dropped once setgroups is denied. */
    if (private_id && setgroups(0, NULL) != 0) return STEP_IDS;
    int setup[2], report[2];
    if (pipe2(setup, O_CLOEXEC) != 0) return STEP_NAMESPACES;
    if (pipe2(report, O_CLOEXEC) != 0) return STEP_NAMESPACES;
    uint64_t flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | (allow_network ? 0 : CLONE_NEWNET);
    struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
    long init = syscall(SYS_clone3, &args, sizeof args);
    if (init < 0) return STEP_NAMESPACES;
    if (init == 0) {
        if (close(setup[1]) != 0 || close(report[0]) != 0) return STEP_INIT;
        return start_init(setup[0], report[1], allow_network);
    }
    if (close(setup[0]) != 0 || close(report[1]) != 0) {
        kill((pid_t)init, SIGKILL);
        return STEP_INIT;
    }
    if (write_id_maps((pid_t)init, outside_uid, outside_gid) != 0) {
        int saved = errno;
        (void)kill((pid_t)init, SIGKILL); /* already failing: errno is the map's */
        errno = saved;
        return STEP_IDS;
    }
    if (write(setup[1], "g", 1) != 1 || close(setup[1]) != 0) {
        kill((pid_t)init, SIGKILL);
        return STEP_INIT;
    }
    relay((pid_t)init, report[0]);
}
