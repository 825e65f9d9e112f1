/*
 * worker_root.h — the root file system of an isolation: sandbox worker
 * (private to CKaiWorker; see worker_root.c).
 */
#ifndef KAI_WORKER_ROOT_H
#define KAI_WORKER_ROOT_H

/* The steps kai_worker_sandbox reports (see kai_worker_support.h). */
enum { STEP_NAMESPACES = 1, STEP_IDS = 2, STEP_FILES = 3, STEP_HOSTNAME = 4, STEP_PRIVILEGES = 5, STEP_PROC = 6,
       STEP_INIT = 7, STEP_SHARED_DIRECTORY = 8 };

/* Collects, in the host's file system, the directories the new root shows
 * besides the system: those of `visible` (absolute file paths: the plugin
 * files), of the worker executable and of every shared object loaded now
 * (the Swift runtime). Returns 0, or -1 with errno set.
 * Threads: before clone3, from the thread that calls kai_worker_sandbox. */
int kai_worker_plan_root(const char *const *visible, int visible_count);

/* In init, as root of the new user and mount namespaces: builds the new
 * root and enters it with pivot_root. Returns 0, or a step with errno set
 * (STEP_PROC when a /proc of the new pid namespace cannot be mounted). */
int kai_worker_build_root(int allow_network);

#endif /* KAI_WORKER_ROOT_H */
