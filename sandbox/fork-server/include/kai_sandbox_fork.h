/* kai_sandbox_fork.h — libKaiSandboxFork.so: the kai-sandbox launcher as a
 * library, for a warm interpreter that forks itself into a fresh sandbox
 * per run. The contract is in kai_sandbox_fork.c. */
#ifndef KAI_SANDBOX_FORK_H
#define KAI_SANDBOX_FORK_H
#include <sys/types.h>

pid_t kai_sandbox_fork(int argc, char **argv, int report_fd);

#endif
