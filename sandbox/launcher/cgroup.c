/*
 * cgroup.c — a run's cgroups: memory (+swap), pids, CPU, and what they
 * found about the machine.
 *
 * The run's cgroups are children of the launcher's own cgroups, so they stay
 * inside whatever limits the operator put the host under. cgroup v1
 * controllers (/sys/fs/cgroup/<controller>) are used where mounted and
 * writable; on a v2 machine the delegated subtree (cgroup2.c) provides
 * memory.max, pids.max, cpu.max and the rest. A hybrid v2 hierarchy without
 * controllers still gives cgroup.kill. Whatever a run gets or lacks is a
 * finding (findings.c): the report, --require-isolation and kai doctor all
 * read those.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

static unsigned run_counter;

/* Finds our cgroup path for a v1 controller (or "" for v2) in /proc/self/cgroup. */
static bool own_path(const char *controller, char *out, size_t cap)
{
    static char table[4096];
    static bool loaded;
    if (!loaded) {
        if (read_file("/proc/self/cgroup", table, sizeof table) < 0) return false;
        loaded = true;
    }
    for (const char *line = table; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *c1 = memchr(line, ':', len);
        const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
        if (c2) {
            size_t names = (size_t)(c2 - c1 - 1);
            bool match = false;
            if (controller[0] == '\0') match = names == 0;
            else {
                /* the middle field is a comma list, e.g. "cpu,cpuacct" */
                const char *p = c1 + 1;
                size_t clen = strlen(controller);
                while (p < c2) {
                    const char *comma = memchr(p, ',', (size_t)(c2 - p));
                    const char *stop = comma ? comma : c2;
                    if ((size_t)(stop - p) == clen && memcmp(p, controller, clen) == 0) match = true;
                    p = stop + 1;
                }
            }
            if (match) {
                size_t plen = len - (size_t)(c2 + 1 - line);
                if (plen >= cap) return false;
                memcpy(out, c2 + 1, plen);
                out[plen] = '\0';
                return true;
            }
        }
        line = end ? end + 1 : line + len;
    }
    return false;
}

static bool is_fs(const char *path, long magic)
{
    struct statfs sf;
    return statfs(path, &sf) == 0 && (long)sf.f_type == magic;
}


/* Creates <parent>/kai-<pid>-<start time>-<n> and stores it in out; on
 * failure says why in problem (the findings' "what; fix: how" form). */
static bool make_run_dir(const char *parent, const char *what, char *out, size_t cap, char *problem, size_t problem_cap)
{
    static unsigned long long started;
    char state;
    if (!started) (void)ks_proc_stat(getpid(), &state, &started);
    int n = snprintf(out, cap, "%s/kai-%d-%llu-%u", parent, (int)getpid(), started, run_counter);
    if (n < 0 || (size_t)n >= cap) return false;
    if (mkdir(out, 0700) < 0) {
        snprintf(problem, problem_cap, "cannot create a %s cgroup under %s (%s); fix: run kai as root, or "
                 "in a cgroup delegated to its user (systemd's Delegate=yes)", what, parent, strerror(errno));
        out[0] = '\0';
        return false;
    }
    return true;
}


static bool set_value(const char *dir, const char *file, long long value)
{
    char path[640], text[32];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    snprintf(text, sizeof text, "%lld", value);
    return write_file(path, text) == 0;
}

static bool exists(const char *dir, const char *file)
{
    char path[640];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return access(path, F_OK) == 0;
}

/* One v1 controller's run directory under the launcher's own cgroup; on
 * failure its reason is kept for the findings. */
static bool v1_child(ks_cgroup *cg, int index, const char *controller, char *out, size_t cap)
{
    char mount[64];
    snprintf(mount, sizeof mount, "/sys/fs/cgroup/%s", controller);
    char own[256], parent[512];
    if (!is_fs(mount, CGROUP_SUPER_MAGIC) || !own_path(controller, own, sizeof own)) return false;
    snprintf(parent, sizeof parent, "%s%s", mount, strcmp(own, "/") == 0 ? "" : own);
    return make_run_dir(parent, controller, out, cap, cg->v1_problem[index], sizeof cg->v1_problem[index]);
}

static void setup_v1(ks_cgroup *cg, const ks_config *cfg)
{
    long long bytes = (long long)cfg->memory_mb << 20;
    if (v1_child(cg, 0, "memory", cg->memory, sizeof cg->memory)) {
        cg->has_memory = set_value(cg->memory, "memory.limit_in_bytes", bytes);
        /* memsw only exists with swap accounting; without it swap is unlimited. */
        cg->has_memsw = exists(cg->memory, "memory.memsw.limit_in_bytes") &&
                        set_value(cg->memory, "memory.memsw.limit_in_bytes", bytes);
    }
    if (v1_child(cg, 1, "pids", cg->pids, sizeof cg->pids))
        cg->has_pids = set_value(cg->pids, "pids.max", cfg->pids + 1); /* +1: the sandbox's init */
    if (v1_child(cg, 2, "cpuacct", cg->cpuacct, sizeof cg->cpuacct)) cg->has_cpu = exists(cg->cpuacct, "cpuacct.usage");
    cg->v1 = cg->has_memory || cg->has_pids || cg->has_cpu;
}

/* Before clone: the delegated base (cgroup2.c) and the run's v2 child in
 * it, so that init can start inside it (clone3 CLONE_INTO_CGROUP). Only
 * the directory: limits come later. */
static void make_v2_dir(ks_cgroup *cg)
{
    /* Also on a hybrid machine, whose unified hierarchy has no controllers
     * and so adds only cgroup.kill: runs cloned into a v2 child
     * (CLONE_INTO_CGROUP) measured ~1.2 ms faster here than runs left in
     * the launcher's v2 cgroup (kernel 6.18; tried and reverted). */
    const char *mount = ks_cg2_mount();
    char own[256];
    if (!mount || !own_path("", own, sizeof own)) return;
    /* Only the path here: enabling controllers (ks_cg2_enable) waits
     * until after clone, off the run's critical path. */
    if (!ks_cg2_locate(mount, own, &cg->base)) return;
    (void)make_run_dir(cg->base.base, "v2", cg->unified, sizeof cg->unified, cg->v2_dir_problem, sizeof cg->v2_dir_problem);
}

/* After clone: the base's controllers for the run, and what it lacks. */
static void delegate_v2(ks_cgroup *cg)
{
    if (!cg->base.base[0]) return;
    /* Also when the run's directory could not be made: the reason then
     * comes from here (not delegated, not readable), else from mkdir. */
    if (ks_cg2_enable(&cg->base, KS_CG2_WANTED) && !cg->unified[0] && !cg->base.problem[0])
        snprintf(cg->base.problem, sizeof cg->base.problem, "%s", cg->v2_dir_problem);
    if (cg->unified[0]) cg->has_kill = exists(cg->unified, "cgroup.kill");
}

void ks_cgroup_prepare(ks_cgroup *cg, const ks_config *cfg)
{
    /* Not the findings' storage (25 KB): clearing it would fault in pages
     * before clone that only the few findings recorded after it need;
     * ks_findings_set fills every field it uses. */
    static ks_findings storage;
    memset(cg, 0, sizeof *cg);
    cg->findings = &storage;
    storage.count = 0;
    storage.cgroup_base[0] = '\0';
    storage.all = false;
    run_counter++;
    if (!cfg->no_cgroups) make_v2_dir(cg);
}
/* The parent directory of a run's cgroup directory. */
static void sweep_beside(const char *dir)
{
    char parent[512];
    const char *slash = strrchr(dir, '/');
    if (!dir[0] || !slash || (size_t)(slash - dir) >= sizeof parent) return;
    memcpy(parent, dir, (size_t)(slash - dir));
    parent[slash - dir] = '\0';
    (void)ks_cgroup_sweep(parent);
}

static bool sweep_wanted = true;

void ks_set_cgroup_sweep(bool sweep) { sweep_wanted = sweep; }

void ks_cgroup_sweep_beside(const ks_cgroup *cg)
{
    if (!sweep_wanted) return;
    const char *dirs[] = {cg->memory, cg->pids, cg->cpuacct, cg->unified};
    for (size_t i = 0; i < 4; i++) sweep_beside(dirs[i]);
}

void ks_cgroup_create(ks_cgroup *cg, const ks_config *cfg)
{
    if (!cfg->no_cgroups) {
        delegate_v2(cg);
        setup_v1(cg, cfg);
        /* After v1: the v2 child provides whatever v1 did not. */
        if (cg->unified[0]) {
            bool had_memory = cg->has_memory, had_pids = cg->has_pids, had_cpu = cg->has_cpu;
            ks_cg2_write_limits(cg, cg->unified, cfg);
            cg->v2 = cg->has_memory != had_memory || cg->has_pids != had_pids || cg->has_cpu != had_cpu;
        }
    }
    ks_cgroup_record_findings(cg, cfg);
}

/*
 * Joining. Moving another process with "PID > cgroup.procs" takes the
 * kernel's global threadgroup lock for writing, which waits for an RCU
 * grace period: 3-15 ms per run here. A single-threaded process moving
 * itself ("0" > tasks, v1) skips that lock, and clone3(CLONE_INTO_CGROUP)
 * (v2) starts the child inside its cgroup. So the supervisor opens the v2
 * directory before clone, and the v1 tasks files after it, while init
 * builds the sandbox; it passes those to init, which joins itself before
 * it writes --files or forks the program.
 */
int ks_cgroup_open_unified(const ks_cgroup *cg)
{
    int fd = -1;
    if (cg->unified[0] && (fd = open(cg->unified, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        die_with_error("cgroup: opening %s", cg->unified);
    return fd;
}

int ks_cgroup_open_tasks(const ks_cgroup *cg, int fds[3])
{
    const char *dirs[] = {cg->memory, cg->pids, cg->cpuacct};
    int count = 0;
    for (size_t i = 0; i < 3; i++) {
        if (!dirs[i][0]) continue;
        char path[640];
        snprintf(path, sizeof path, "%s/tasks", dirs[i]);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) die_with_error("cgroup: opening %s", path);
        fds[count++] = fd;
    }
    return count;
}

void ks_cgroup_join(const int *fds, int count)
{
    for (int i = 0; i < count; i++) {
        if (write_full(fds[i], "0", 1) < 0) die_with_error("cgroup: joining the sandbox's cgroup");
        if (close(fds[i]) < 0) die_with_error("cgroup: close");
    }
}

static long long read_number(const char *dir, const char *file, const char *key)
{
    char path[640], text[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (read_file(path, text, sizeof text) < 0) return -1;
    if (!key) return strtoll(text, NULL, 10);
    size_t klen = strlen(key);
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ') return strtoll(line + klen + 1, NULL, 10);
    return -1;
}

int64_t ks_cgroup_cpu_ns(const ks_cgroup *cg)
{
    if (!cg->has_cpu) return -1;
    if (cg->cpuacct[0]) return read_number(cg->cpuacct, "cpuacct.usage", NULL);
    long long usec = read_number(cg->unified, "cpu.stat", "usage_usec");
    return usec < 0 ? -1 : usec * 1000;
}

void ks_cgroup_read_stats(const ks_cgroup *cg, ks_cgroup_stats *out)
{
    /* Only where v2 gave a limit: on a hybrid machine its files say nothing
     * v1 does not, and reading them costs every run four opens. */
    ks_cgroup_stats v2 = {.cpu_ns = -1, .peak_bytes = -1};
    if (cg->unified[0] && cg->v2) ks_cg2_read_stats(cg->unified, &v2);
    out->cpu_ns = ks_cgroup_cpu_ns(cg);
    out->peak_bytes = -1;
    out->oom_killed = out->pids_max_hit = false;
    if (cg->has_memory && cg->memory[0]) {
        out->peak_bytes = read_number(cg->memory, "memory.max_usage_in_bytes", NULL);
        out->oom_killed = read_number(cg->memory, "memory.oom_control", "oom_kill") > 0;
    } else if (cg->has_memory) {
        out->peak_bytes = v2.peak_bytes;
        out->oom_killed = v2.oom_killed;
    }
    if (cg->has_pids) out->pids_max_hit = cg->pids[0] ? read_number(cg->pids, "pids.events", "max") > 0 : v2.pids_max_hit;
}

bool ks_cgroup_kill_tree(ks_cgroup *cg)
{
    if (!cg->has_kill || !cg->unified[0]) return false;
    char path[640];
    snprintf(path, sizeof path, "%s/cgroup.kill", cg->unified);
    if (write_file(path, "1") < 0) return false;
    ks_trace("sup", "cgroup.kill written");
    cg->killed = true;
    return true;
}

/* Kills whatever is still listed in dir/cgroup.procs (none, normally: the
 * pid namespace died with its init). For v1, which has no cgroup.kill. */
static void kill_listed(const char *dir)
{
    char path[640], text[4096];
    snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    if (read_file(path, text, sizeof text) <= 0) return;
    /* Whole lines only: a pid cut off by the buffer ("1" of "1234") is
     * someone else; the caller's next round reads it whole. */
    for (char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
        *nl = '\0';
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p || *end != '\0') continue;
        if (pid > 1 && kill((pid_t)pid, SIGKILL) < 0 && errno != ESRCH)
            fprintf(stderr, "kai-sandbox: warning: kill(%ld) in %s: %s\n", pid, dir, strerror(errno));
    }
}

void ks_cgroup_destroy(ks_cgroup *cg, bool tree_dead)
{
    /* A run stopped early: cgroup.kill takes the whole tree at once, and
     * cgroup.events says when the last process has left (a killed tree's
     * processes may still be exiting). A run that ended by itself needs
     * neither: once init has been reaped its pid namespace, and so the
     * tree, is gone, and rmdir is tried at once (one open less per run). */
    if (cg->unified[0] && !tree_dead && cg->has_kill) (void)ks_cg2_kill(cg->unified, 2000);
    else if (cg->unified[0] && cg->killed)
        ks_trace("sup", ks_cg2_wait_empty(cg->unified, 2000) ? "cgroup empty (cgroup.events)" : "cgroup still populated");
    char *dirs[] = {cg->unified, cg->memory, cg->pids, cg->cpuacct};
    for (size_t i = 0; i < 4; i++) {
        if (!dirs[i][0]) continue;
        /* A process still exiting keeps its cgroup busy until it is gone:
         * v2 says when (cgroup.events), v1 is asked again every 1 ms. */
        for (int attempt = 0; rmdir(dirs[i]) < 0; attempt++) {
            if (errno != EBUSY || attempt >= 200) {
                fprintf(stderr, "kai-sandbox: warning: cannot remove cgroup %s: %s\n", dirs[i], strerror(errno));
                break;
            }
            if (i == 0 && attempt == 0) {
                ks_trace("sup", ks_cg2_wait_empty(dirs[i], 2000) ? "cgroup empty (cgroup.events)" : "cgroup still populated");
                continue;
            }
            kill_listed(dirs[i]);
            usleep(1000);
        }
        dirs[i][0] = '\0';
    }
}
