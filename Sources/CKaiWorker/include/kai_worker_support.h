/*
 * kai_worker_support.h — process hardening for kai-plugin-worker that Swift
 * cannot do itself (prctl is variadic, so it does not import).
 */
#ifndef KAI_WORKER_SUPPORT_H
#define KAI_WORKER_SUPPORT_H

#include <stdint.h>

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
 * isolation: sandbox — moves the calling process, before any plugin code is
 * loaded, into namespaces of its own, in this order:
 *   1. new user, mount, IPC and UTS namespaces, and a new (empty: not even
 *      lo is up) network namespace unless allow_network;
 *   2. the user namespace maps the caller's own uid and gid to themselves
 *      (setgroups denied): files keep the owners they had;
 *   3. every mount private, the whole tree read-only, nosuid and nodev
 *      (mount_setattr, recursive); a fresh 16 MiB tmpfs on /dev/shm for
 *      scratch files, with TMPDIR=/dev/shm (not over /tmp: the plugin's
 *      own file may be there, and it is loaded afterwards);
 *   4. hostname "kai-plugin";
 *   5. every capability dropped (bounding set, ambient, capset), not
 *      dumpable, no_new_privs.
 * The process keeps its pid namespace and uid: a plugin can still signal
 * processes of the same uid, as under isolation: process.
 *
 * Returns:   0, or the step (1-5) that failed with errno set (step 1 with
 *            EPERM/EINVAL/ENOSPC: user namespaces are unavailable here).
 * Threads:   call once, from the main thread, before starting any thread
 *            (unshare(CLONE_NEWUSER) refuses a multi-threaded process).
 */
int kai_worker_sandbox(int allow_network);

#endif /* KAI_WORKER_SUPPORT_H */
