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

#endif /* KAI_WORKER_SUPPORT_H */
