/*
 * cgroup_findings.c — what a run's cgroups got and lacked, as findings
 * (findings.c): the report's protections and warnings, --require-isolation
 * and `kai-sandbox --probe` (kai doctor) all read these, so the reason and
 * the fix for a missing limit are written once, here and in cgroup2.c.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <stdio.h>
#include <string.h>

enum { MEMORY, PIDS, CPU, HUGETLB }; /* indexes of ks_cg2_base.controller_problem */

static const char *const delegate_fix =
    "run kai as root on a machine with cgroup v2 (or v1 controllers), or in a cgroup delegated to its user "
    "(systemd-run --user --scope -p Delegate=yes kai ...)";

/* Why controller `index` (-1: the CPU accounting, any hierarchy) is
 * missing: the most specific reason known, in the "what; fix: how" form,
 * else fallback. A v1 reason comes first where v2 does not have the
 * controller at all (a hybrid machine). */
static const char *why_missing(const ks_cgroup *cg, const ks_config *cfg, int index, const char *fallback)
{
    static const unsigned bits[] = {KS_CG2_MEMORY, KS_CG2_PIDS, KS_CG2_CPU, KS_CG2_HUGETLB};
    if (cfg->no_cgroups) return "cgroups disabled by --no-cgroups; fix: drop --no-cgroups";
    int v1 = index == MEMORY ? 0 : index == PIDS ? 1 : index < 0 ? 2 : -1;
    bool in_v2 = index >= 0 && (cg->base.available & bits[index]);
    if (v1 >= 0 && cg->v1_problem[v1][0] && !in_v2) return cg->v1_problem[v1];
    if (index >= 0 && cg->base.controller_problem[index][0]) return cg->base.controller_problem[index];
    if (cg->base.problem[0]) return cg->base.problem;
    if (v1 >= 0 && cg->v1_problem[v1][0]) return cg->v1_problem[v1];
    return fallback;
}

/* A finding from either the detail when ok, or a "what; fix: how" reason. */
static void set(ks_findings *f, const char *id, bool ok, bool required, const char *ok_detail, const char *why)
{
    /* A run records only what is missing: its report reads nothing else,
     * and each finding written is most of a kilobyte touched per run. */
    if (ok && !f->all) return;
    if (ok) {
        ks_findings_set(f, id, true, required, NULL, "%s", ok_detail);
        return;
    }
    const char *fix = strstr(why, "; fix: ");
    if (!fix) {
        ks_findings_set(f, id, false, required, delegate_fix, "%s", why);
        return;
    }
    ks_findings_set(f, id, false, required, fix + 7, "%.*s", (int)(fix - why), why);
}

static void record_hierarchy(ks_cgroup *cg, const ks_config *cfg)
{
    ks_findings *f = cg->findings;
    char detail[768];
    if (cg->v1 && cg->unified[0])
        snprintf(detail, sizeof detail, "v1 (/sys/fs/cgroup/<controller>) for memory, pids and CPU accounting; "
                 "v2 in %s for what v1 does not give", cg->base.base);
    else if (cg->v1) snprintf(detail, sizeof detail, "v1 (/sys/fs/cgroup/<controller>)");
    else if (cg->unified[0]) snprintf(detail, sizeof detail, "v2, runs made in %s", cg->base.base);
    else if (!cg->v1_problem[0][0] && !cfg->no_cgroups && !ks_cg2_mount())
        snprintf(detail, sizeof detail, "no cgroup hierarchy is mounted; fix: mount -t cgroup2 none /sys/fs/cgroup");
    else snprintf(detail, sizeof detail, "%s", why_missing(cg, cfg, -1, "no writable cgroup"));
    set(f, "cgroup", cg->v1 || cg->unified[0], false, detail, detail);
    snprintf(f->cgroup_base, sizeof f->cgroup_base, "%s", cg->unified[0] ? cg->base.base : "");
}

static void record_memory(ks_cgroup *cg, const ks_config *cfg)
{
    ks_findings *f = cg->findings;
    bool v1 = cg->memory[0] != '\0';
    char detail[768];
    snprintf(detail, sizeof detail, "%s %ld MB for the whole tree (cgroup %s)", v1 ? "memory.limit_in_bytes" : "memory.max",
             cfg->memory_mb, v1 ? "v1" : "v2");
    set(f, "cgroup_memory", cg->has_memory, true, detail,
        why_missing(cg, cfg, MEMORY, "no writable memory cgroup: memory is limited only per process (RLIMIT_AS)"));
    const char *swap_why = !cg->has_memory ? "swap is not limited: no memory cgroup"
                           : v1 ? "swap is not limited (no memory.memsw.limit_in_bytes); fix: boot with swapaccount=1"
                                : "swap is not limited (no memory.swap.max); fix: boot with swapaccount=1";
    set(f, "cgroup_swap", cg->has_memsw, false,
        v1 ? "memory.memsw.limit_in_bytes: swap counts against the memory limit" : "memory.swap.max 0: no swap",
        cg->has_memory ? swap_why : why_missing(cg, cfg, MEMORY, swap_why));
}

static void record_processes_and_cpu(ks_cgroup *cg, const ks_config *cfg)
{
    ks_findings *f = cg->findings;
    char detail[768];
    snprintf(detail, sizeof detail, "pids.max %ld (the program's %ld and the sandbox's init)", cfg->pids + 1, cfg->pids);
    set(f, "cgroup_pids", cg->has_pids, true, detail,
        why_missing(cg, cfg, PIDS, "processes are not limited by a cgroup (pids), only by RLIMIT_NPROC"));
    set(f, "cgroup_cpu", cg->has_cpu, true,
        cg->cpuacct[0] ? "CPU time of the whole tree from cpuacct.usage (v1)" : "CPU time of the whole tree from cpu.stat (v2)",
        why_missing(cg, cfg, -1, "CPU time is measured per process, not for the whole tree"));
    snprintf(detail, sizeof detail, "cpu.max %ld 100000: at most %ld CPU%s (--cpus)", cfg->cpus * 100000, cfg->cpus,
             cfg->cpus == 1 ? "" : "s");
    set(f, "cgroup_cpu_max", cg->has_cpu_max, false, detail,
        why_missing(cg, cfg, CPU, "CPU bandwidth (--cpus) is not limited: no cpu.max"));
    set(f, "cgroup_oom_group", cg->has_oom_group, false, "memory.oom.group 1: an OOM kill takes the whole tree",
        cg->memory[0] && cg->has_memory ? "an OOM kill takes one process, not the whole tree (memory.oom.group is cgroup v2 "
                               "only); fix: boot with cgroup v2 only (systemd.unified_cgroup_hierarchy=1)"
                             : why_missing(cg, cfg, MEMORY, "no memory cgroup"));
    set(f, "cgroup_hugetlb", cg->has_hugetlb, false, "hugetlb.<size>.max 0: no huge pages",
        why_missing(cg, cfg, HUGETLB, "huge pages are not limited by a cgroup (hugetlb)"));
    set(f, "cgroup_kill", cg->has_kill, false, "cgroup.kill: the whole tree is killed at once",
        cfg->no_cgroups || cg->base.problem[0]
            ? why_missing(cg, cfg, -1, "")
            : "no cgroup.kill: the tree is killed through its pid namespace's init; fix: Linux 5.14 or later with "
              "cgroup v2 mounted");
}

void ks_cgroup_record_findings(ks_cgroup *cg, const ks_config *cfg)
{
    record_hierarchy(cg, cfg);
    record_memory(cg, cfg);
    record_processes_and_cpu(cg, cfg);
}

void ks_cgroup_findings(const ks_config *cfg, ks_findings *out)
{
    static ks_cgroup cg;
    ks_cgroup_prepare(&cg, cfg);
    ks_cgroup_create(&cg, cfg);
    /* Again, into out and with what is ok as well. */
    cg.findings = out;
    out->all = true;
    ks_cgroup_record_findings(&cg, cfg);
    ks_cgroup_destroy(&cg, true);
}
