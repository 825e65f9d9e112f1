/*
 * cgroup_sweep.c — removing the run cgroups of launchers that died.
 *
 * A run's cgroup is named kai-<launcher pid>-<its start time>-<n>: with the
 * start time, the pid names one process for the machine's uptime, so a
 * launcher can tell a dead one's leftovers from a live one's run.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* From /proc/<pid>/stat: the state letter (field 3) and when the process
 * started (field 22), in clock ticks since boot — with the pid that names
 * one process for the machine's uptime (pids alone wrap at pid_max, 32768
 * here). False when unreadable. */
bool ks_proc_stat(pid_t pid, char *state, unsigned long long *started)
{
    char path[64], stat[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (read_file(path, stat, sizeof stat) < 0) return false;
    const char *p = strrchr(stat, ')'); /* the command name may hold spaces and parentheses */
    if (!p || p[1] != ' ') return false;
    *state = p[2];
    for (int field = 2; p && field < 22; field++) p = strchr(p + 1, ' ');
    if (!p) return false;
    *started = strtoull(p + 1, NULL, 10);
    return true;
}

/* Whether the launcher that made kai-<pid>-<started>-<n> can no longer
 * remove it: no such process, a zombie (an orphaned launcher waiting to be
 * reaped), or a later process that reuses the pid. Unsure (no permission
 * to look, /proc hidden) counts as alive. */
static bool launcher_gone(pid_t pid, unsigned long long started)
{
    if (kill(pid, 0) < 0) return errno == ESRCH;
    char state;
    unsigned long long now;
    if (!ks_proc_stat(pid, &state, &now)) return false;
    return state == 'Z' || now != started;
}

/* A launcher killed with SIGKILL cannot rmdir its own cgroups (its init
 * dies with it, leaving them empty), so each launcher removes those of
 * dead ones. A directory that still holds a process is busy (EBUSY) and
 * stays; one whose launcher is alive is left to it. */
int ks_cgroup_sweep(const char *parent)
{
    DIR *d = opendir(parent);
    if (!d) return 0;
    int removed = 0;
    for (struct dirent *e; (e = readdir(d));) {
        int pid;
        unsigned long long started;
        unsigned n;
        char tail;
        if (sscanf(e->d_name, "kai-%d-%llu-%u%c", &pid, &started, &n, &tail) != 3 || pid <= 0) continue;
        if (!launcher_gone((pid_t)pid, started)) continue;
        char path[1024];
        if (snprintf(path, sizeof path, "%s/%s", parent, e->d_name) < (int)sizeof path && rmdir(path) == 0) removed++;
    }
    closedir(d);
    return removed;
}
