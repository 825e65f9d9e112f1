/* rlimits.c — per-process limits, set in the program child just before
 * seccomp and execve. They back up the cgroup limits and apply where there
 * are no cgroups at all. */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <sys/resource.h>

static void set_limit(int resource, const char *name, rlim_t value)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) < 0) die_with_error("getrlimit(%s)", name);
    /* Never above the hard limit the host already imposes (raising it needs
     * privileges the sandbox must not have). */
    if (rl.rlim_max != RLIM_INFINITY && value > rl.rlim_max) value = rl.rlim_max;
    rl.rlim_cur = rl.rlim_max = value;
    if (setrlimit(resource, &rl) < 0) die_with_error("setrlimit(%s, %llu)", name, (unsigned long long)value);
}

void ks_set_rlimits(const ks_config *cfg, bool cgroup_memory, bool private_uid)
{
    /* CPU: whole seconds only; the supervisor enforces the precise limit on
     * the whole tree, this stops a single runaway process if it cannot. */
    set_limit(RLIMIT_CPU, "RLIMIT_CPU", (rlim_t)((cfg->cpu_limit_ms + 999) / 1000 + 1));
    /* AS: with a memory cgroup this is only a backstop — runtimes reserve far
     * more address space than they touch, and the cgroup reports the real
     * verdict (memory_limit). Without one it is the only memory limit. */
    rlim_t memory = (rlim_t)cfg->memory_mb << 20;
    set_limit(RLIMIT_AS, "RLIMIT_AS", cgroup_memory ? memory * 4 + ((rlim_t)4 << 30) : memory);
    set_limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", (rlim_t)cfg->file_size_mb << 20);
    set_limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", (rlim_t)cfg->open_files);
    /* NPROC counts every process of the uid on the host, so it is only
     * meaningful when the sandbox has a uid of its own (launcher run as root).
     * One above the cgroup's pids.max (pids + 1, init included): the kernel
     * checks NPROC before the cgroup, so at an equal limit NPROC refused every
     * fork and pids.events never counted one (pids_limit_hit stayed false). */
    if (private_uid) set_limit(RLIMIT_NPROC, "RLIMIT_NPROC", (rlim_t)cfg->pids + 2);
    set_limit(RLIMIT_STACK, "RLIMIT_STACK", (rlim_t)cfg->stack_mb << 20);
    set_limit(RLIMIT_CORE, "RLIMIT_CORE", 0);
    set_limit(RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", 0);
}
