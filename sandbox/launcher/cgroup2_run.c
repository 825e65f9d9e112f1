/*
 * cgroup2_run.c — one run's cgroup v2 directory: its limits, the verdict
 * files, and killing its tree (cgroup.kill, then cgroup.events).
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool set_number(const char *dir, const char *file, long long value)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", value);
    return ks_cg2_write_in(dir, file, text) == 0;
}

/* Forbids huge pages: every hugetlb.<size>.max (and .rsvd.max) to 0. True
 * when there was at least one and all were written. */
static bool forbid_hugetlb(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return false;
    int found = 0, written = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "hugetlb.", 8) != 0 || len < 4 || strcmp(e->d_name + len - 4, ".max") != 0) continue;
        found++;
        if (ks_cg2_write_in(dir, e->d_name, "0") == 0) written++;
    }
    closedir(d);
    return found > 0 && written == found;
}

void ks_cg2_write_limits(ks_cgroup *cg, const char *dir, const ks_config *cfg)
{
    /* With a known base, only the controllers it enables for runs are
     * looked for (each look is a syscall on every run); without one (the
     * file-level tests), every file is. */
    unsigned enabled = cg->base.base[0] ? cg->base.enabled : KS_CG2_WANTED;
    if (!cg->has_memory && (enabled & KS_CG2_MEMORY) && ks_cg2_exists_in(dir, "memory.max")) {
        cg->has_memory = set_number(dir, "memory.max", (long long)cfg->memory_mb << 20);
        /* 0: the memory limit is the whole budget, swap included. */
        cg->has_memsw = ks_cg2_exists_in(dir, "memory.swap.max") && set_number(dir, "memory.swap.max", 0);
        /* An OOM kill takes the whole tree, not one process of it. */
        cg->has_oom_group = ks_cg2_exists_in(dir, "memory.oom.group") && set_number(dir, "memory.oom.group", 1);
    }
    if (!cg->has_pids && (enabled & KS_CG2_PIDS) && ks_cg2_exists_in(dir, "pids.max")) cg->has_pids = set_number(dir, "pids.max", cfg->pids + 1);
    /* cpu.stat is a core file: accounting needs no controller. */
    if (!cg->has_cpu && ks_cg2_exists_in(dir, "cpu.stat")) cg->has_cpu = true;
    if ((enabled & KS_CG2_CPU) && ks_cg2_exists_in(dir, "cpu.max")) {
        char text[48];
        snprintf(text, sizeof text, "%ld 100000", cfg->cpus * 100000);
        cg->has_cpu_max = ks_cg2_write_in(dir, "cpu.max", text) == 0;
    }
    cg->has_hugetlb = (enabled & KS_CG2_HUGETLB) && forbid_hugetlb(dir);
}

/* The number after "key " in a flat-keyed file, or -1. */
static long long keyed(const char *dir, const char *file, const char *key)
{
    char text[4096];
    if (ks_cg2_read_in(dir, file, text, sizeof text) < 0) return -1;
    size_t klen = strlen(key);
    for (char *line = text; *line;) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ') return strtoll(line + klen + 1, NULL, 10);
        char *nl = strchr(line, '\n');
        if (!nl) break;
        line = nl + 1;
    }
    return -1;
}

void ks_cg2_read_stats(const char *dir, ks_cgroup_stats *out)
{
    long long usec = keyed(dir, "cpu.stat", "usage_usec");
    out->cpu_ns = usec < 0 ? -1 : usec * 1000;
    char text[64];
    out->peak_bytes = ks_cg2_read_in(dir, "memory.peak", text, sizeof text) == 0 ? strtoll(text, NULL, 10) : -1;
    out->oom_killed = keyed(dir, "memory.events", "oom_kill") > 0;
    out->pids_max_hit = keyed(dir, "pids.events", "max") > 0;
}

bool ks_cg2_wait_empty(const char *dir, int timeout_ms)
{
    char path[640];
    snprintf(path, sizeof path, "%s/cgroup.events", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return true;
    int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000;
    bool empty = false;
    for (;;) {
        /* Re-reading from the start re-arms the notification. */
        char text[256];
        ssize_t n = pread(fd, text, sizeof text - 1, 0);
        if (n < 0) break;
        text[n] = '\0';
        char *populated = strstr(text, "populated ");
        if (!populated || populated[10] == '0') { empty = true; break; }
        int64_t left_ms = (deadline - now_ns()) / 1000000;
        if (left_ms <= 0) break;
        /* A change to cgroup.events is a "file modified" event: POLLPRI. */
        struct pollfd p = {.fd = fd, .events = POLLPRI};
        if (poll(&p, 1, (int)left_ms) < 0 && errno != EINTR) break;
    }
    (void)close(fd);
    return empty;
}

bool ks_cg2_kill(const char *dir, int timeout_ms)
{
    if (ks_cg2_write_in(dir, "cgroup.kill", "1") < 0) return false;
    ks_trace("sup", "cgroup.kill written");
    bool empty = ks_cg2_wait_empty(dir, timeout_ms);
    ks_trace("sup", empty ? "cgroup empty (cgroup.events)" : "cgroup still populated after cgroup.kill");
    return empty;
}
