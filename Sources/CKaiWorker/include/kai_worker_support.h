/*
 * kai_worker_support.h — process hardening for kai-plugin-worker that Swift
 * cannot do itself (prctl is variadic, so it does not import).
 */
#ifndef KAI_WORKER_SUPPORT_H
#define KAI_WORKER_SUPPORT_H

#include <stdint.h>

/**
 * Closes every descriptor >= first: whatever the process that started the
 * worker had open without O_CLOEXEC (a directory, a file, a socket, a tty)
 * must not reach plugin code. The host already closes them at spawn; this
 * holds even when something else starts the worker.
 *
 * Returns:   0, or -1 with errno set.
 * Threads:   call first thing in main, before starting any thread.
 */
int kai_worker_close_inherited(int first);

/**
 * Leaves the session of the terminal the worker was started from (setsid;
 * a process group leader gives up its controlling terminal with TIOCNOTTY
 * instead), so plugin code has no terminal to open as /dev/tty. A session
 * leader (the host spawns workers with POSIX_SPAWN_SETSID) stays as it is.
 *
 * Returns:   0, or -1 with errno set.
 * Threads:   call from the main thread.
 */
int kai_worker_leave_terminal(void);

/**
 * Hardens the calling process before any plugin code runs, in this order:
 *   1. PR_SET_PDEATHSIG = SIGKILL, then exits if the parent is already gone
 *      (getppid() != expected_parent), closing the race with step 1;
 *   2. RLIMIT_CORE = 0 (a crashing plugin dumps no core);
 *   3. RLIMIT_AS = address_space_bytes (0 = leave unchanged);
 *   4. RLIMIT_NOFILE = open_files (0 = leave unchanged).
 * Soft and hard limits are both set, so the plugin cannot raise them again.
 *
 * Returns:   0, or the step (1-4) that failed with errno set. Step 1 also
 *            fails (errno ESRCH) when the parent already exited.
 * Threads:   call once, from the main thread, before starting any thread.
 */
int kai_worker_harden(int expected_parent, uint64_t address_space_bytes, uint64_t open_files);

/**
 * isolation: sandbox — before any plugin code is loaded, splits the calling
 * process in three, as the sandbox launcher does:
 *
 *   the caller (the host's child) stays in the host's namespaces as a relay:
 *     it writes the id maps of the new user namespace from outside, closes
 *     its copies of fds 0, 1, 3 and 4, waits, and ends exactly as the worker
 *     ended (same exit status, or killed by the same signal);
 *   init, pid 1 of new user, pid, mount, IPC, UTS and (unless
 *     allow_network) network namespaces, gives them a root of their own
 *     (see worker_root.c): a tmpfs entered with pivot_root, holding
 *     read-only binds of /usr, /bin, /sbin and /lib*, a minimal /etc, null,
 *     zero and urandom in /dev, a /proc of the new pid namespace, private
 *     16 MiB tmpfs on /tmp and /dev/shm, and, read-only at their own paths,
 *     the directories of the `visible` files, of the worker executable and
 *     of every library loaded now (the Swift runtime). Nothing else of the
 *     host exists there: not /home, /root, /run, /var or the host's /tmp.
 *     Hostname "kai-plugin". Then it reaps every process in the namespace
 *     and, when the worker ends, ends the namespace (the kernel kills what
 *     is left in it);
 *   the worker, pid 2, uid and gid 65534 (host uid 1000000000 + the relay's
 *     pid when the host runs as root, with no supplementary groups; else
 *     the host's own uid), every capability dropped, not dumpable,
 *     no_new_privs, TMPDIR=/tmp, cwd /. It sees only init and itself in
 *     /proc. Files of the visible directories must be readable by others
 *     when the host runs as root.
 * Init and the worker die with their parent (PR_SET_PDEATHSIG = SIGKILL).
 *
 * `visible`: absolute paths of files (the plugin files) whose directories
 * the worker must see; not retained. Returns: 0 in the worker only. On
 * failure, the step (1-8) with errno set, in whichever process failed:
 * 1 creating the namespaces (EPERM/EINVAL/ENOSPC: user namespaces
 * unavailable), 2 the ids, 3 the file system, 4 the hostname, 5 dropping
 * capabilities, 6 mounting /proc (EPERM where the host's /proc has parts
 * masked by other mounts, as in Docker containers), 7 starting init, 8 a
 * plugin's directory is one shared with other files (EPERM; see
 * kai_worker_refused_directory). The
 * process that failed still holds fds 0-4 as the host laid them out. The
 * relay never returns otherwise.
 * Threads:   call once, from the main thread, before starting any thread;
 *            with fds 0-4 as the host laid them out.
 */
int kai_worker_sandbox(int allow_network, const char *const *visible, int visible_count);

/**
 * After kai_worker_sandbox returned 8: the directory it refused to show the
 * worker (e.g. /tmp, /home, the user's home), because a sandboxed worker
 * sees its plugin's whole directory. Owned by the library; NULL otherwise.
 * Threads:   the thread that called kai_worker_sandbox.
 */
const char *kai_worker_refused_directory(void);

#endif /* KAI_WORKER_SUPPORT_H */
