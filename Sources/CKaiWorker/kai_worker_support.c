#define _GNU_SOURCE
#include "kai_worker_support.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static int limit(int resource, uint64_t value)
{
    struct rlimit rl = {(rlim_t)value, (rlim_t)value};
    return setrlimit(resource, &rl);
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
