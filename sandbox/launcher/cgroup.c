/*
 * cgroup.c — per-run cgroups: memory (+swap), pids and CPU accounting.
 *
 * The run's cgroups are children of the launcher's own cgroups, so they stay
 * inside whatever limits the operator put the host under. cgroup v1
 * controllers (/sys/fs/cgroup/<controller>) are used where mounted and
 * writable; on a pure v2 machine the unified hierarchy provides memory.max,
 * pids.max and cpu.stat when its parent delegates them. A hybrid v2
 * hierarchy without controllers still gives cgroup.kill. Anything that is
 * not writable is skipped and named in cg->warning; the report says so.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <dirent.h>
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

static void add_warning(ks_cgroup *cg, const char *text)
{
    size_t used = strlen(cg->warning);
    snprintf(cg->warning + used, sizeof cg->warning - used, "%s%s", used ? "; " : "", text);
}

/* From /proc/<pid>/stat: the state letter (field 3) and when the process
 * started (field 22), in clock ticks since boot — with the pid that names
 * one process for the machine's uptime (pids alone wrap at pid_max, 32768
 * here). False when unreadable. */
static bool proc_stat(pid_t pid, char *state, unsigned long long *started)
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

/* Creates <mount><own path>/kai-<pid>-<start time>-<n> and stores it in out. */
static bool make_child(ks_cgroup *cg, const char *mount, const char *controller, char *out, size_t cap)
{
    static unsigned long long started;
    char state;
    if (!started) (void)proc_stat(getpid(), &state, &started);
    char own[256];
    if (!own_path(controller, own, sizeof own)) return false;
    if (strcmp(own, "/") == 0) own[0] = '\0';
    int n = snprintf(out, cap, "%s%s/kai-%d-%llu-%u", mount, own, (int)getpid(), started, run_counter);
    if (n < 0 || (size_t)n >= cap) return false;
    if (mkdir(out, 0700) < 0) {
        char text[640];
        snprintf(text, sizeof text, "cannot create a %s cgroup under %s%s (%s)", controller[0] ? controller : "v2",
                 mount, own, strerror(errno));
        add_warning(cg, text);
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

static void setup_v1(ks_cgroup *cg, const ks_config *cfg)
{
    long long bytes = (long long)cfg->memory_mb << 20;
    if (is_fs("/sys/fs/cgroup/memory", CGROUP_SUPER_MAGIC) &&
        make_child(cg, "/sys/fs/cgroup/memory", "memory", cg->memory, sizeof cg->memory)) {
        cg->has_memory = set_value(cg->memory, "memory.limit_in_bytes", bytes);
        /* memsw only exists with swap accounting; without it swap is unlimited. */
        cg->has_memsw = exists(cg->memory, "memory.memsw.limit_in_bytes") &&
                        set_value(cg->memory, "memory.memsw.limit_in_bytes", bytes);
        if (!cg->has_memsw) add_warning(cg, "swap is not limited (no memory.memsw; boot with swapaccount=1)");
    }
    if (is_fs("/sys/fs/cgroup/pids", CGROUP_SUPER_MAGIC) &&
        make_child(cg, "/sys/fs/cgroup/pids", "pids", cg->pids, sizeof cg->pids))
        cg->has_pids = set_value(cg->pids, "pids.max", cfg->pids + 1); /* +1: the sandbox's init */
    if (is_fs("/sys/fs/cgroup/cpuacct", CGROUP_SUPER_MAGIC) &&
        make_child(cg, "/sys/fs/cgroup/cpuacct", "cpuacct", cg->cpuacct, sizeof cg->cpuacct))
        cg->has_cpu = exists(cg->cpuacct, "cpuacct.usage");
    cg->v1 = cg->has_memory || cg->has_pids || cg->has_cpu;
}

/* Before clone: the v2 child, so that init can start inside it
 * (clone3 CLONE_INTO_CGROUP). Only the directory: limits come later. */
static void make_v2_dir(ks_cgroup *cg)
{
    /* Also on a hybrid machine, whose unified hierarchy has no controllers
     * and so adds only cgroup.kill: runs cloned into a v2 child
     * (CLONE_INTO_CGROUP) measured ~1.2 ms faster here than runs left in
     * the launcher's v2 cgroup (kernel 6.18; tried and reverted). */
    const char *mount = is_fs("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC) ? "/sys/fs/cgroup"
                        : is_fs("/sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC) ? "/sys/fs/cgroup/unified" : NULL;
    if (!mount || !make_child(cg, mount, "", cg->unified, sizeof cg->unified)) return;
    cg->has_kill = exists(cg->unified, "cgroup.kill");
}

/* After v1: the v2 child provides whatever v1 did not. */
static void setup_v2(ks_cgroup *cg, const ks_config *cfg)
{
    if (!cg->unified[0]) return;
    bool used = false;
    if (!cg->has_memory && exists(cg->unified, "memory.max")) {
        long long bytes = (long long)cfg->memory_mb << 20;
        cg->has_memory = set_value(cg->unified, "memory.max", bytes);
        cg->has_memsw = exists(cg->unified, "memory.swap.max") && set_value(cg->unified, "memory.swap.max", 0);
        used = true;
    }
    if (!cg->has_pids && exists(cg->unified, "pids.max")) {
        cg->has_pids = set_value(cg->unified, "pids.max", cfg->pids + 1);
        used = true;
    }
    if (!cg->has_cpu && exists(cg->unified, "cpu.stat")) {
        cg->has_cpu = true;
        used = true;
    }
    cg->v2 = used;
}

void ks_cgroup_prepare(ks_cgroup *cg, const ks_config *cfg)
{
    memset(cg, 0, sizeof *cg);
    run_counter++;
    if (cfg->no_cgroups) {
        add_warning(cg, "cgroups disabled by --no-cgroups");
        return;
    }
    make_v2_dir(cg);
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
    if (!proc_stat(pid, &state, &now)) return false;
    return state == 'Z' || now != started;
}

/* Removes the empty kai-<pid>-<start>-<n> siblings of dir whose launcher is
 * gone: a launcher killed with SIGKILL cannot rmdir its own (its init dies
 * with it, leaving them empty). A directory that still holds a process is
 * busy (EBUSY) and stays; one whose launcher is alive is left to it. */
static void sweep_stale(const char *dir)
{
    char parent[512];
    const char *slash = strrchr(dir, '/');
    if (!dir[0] || !slash || (size_t)(slash - dir) >= sizeof parent) return;
    memcpy(parent, dir, (size_t)(slash - dir));
    parent[slash - dir] = '\0';
    DIR *d = opendir(parent);
    if (!d) return;
    for (struct dirent *e; (e = readdir(d));) {
        int pid;
        unsigned long long started;
        unsigned n;
        char tail;
        if (sscanf(e->d_name, "kai-%d-%llu-%u%c", &pid, &started, &n, &tail) != 3 || pid <= 0) continue;
        if (!launcher_gone((pid_t)pid, started)) continue;
        char path[1024];
        if (snprintf(path, sizeof path, "%s/%s", parent, e->d_name) < (int)sizeof path) (void)rmdir(path);
    }
    closedir(d);
}

void ks_cgroup_create(ks_cgroup *cg, const ks_config *cfg)
{
    if (cfg->no_cgroups) return;
    setup_v1(cg, cfg);
    setup_v2(cg, cfg);
    /* Here, while init builds the sandbox, it costs the run nothing. */
    const char *dirs[] = {cg->memory, cg->pids, cg->cpuacct, cg->unified};
    for (size_t i = 0; i < 4; i++) sweep_stale(dirs[i]);
    if (!cg->has_memory) add_warning(cg, "memory is limited only per process (RLIMIT_AS)");
    if (!cg->has_pids) add_warning(cg, "processes are not limited by a cgroup (pids)");
    if (!cg->has_cpu) add_warning(cg, "CPU time is measured per process, not for the whole tree");
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
    out->cpu_ns = ks_cgroup_cpu_ns(cg);
    out->peak_bytes = -1;
    out->oom_killed = out->pids_max_hit = false;
    if (cg->has_memory && cg->memory[0]) {
        long long sw = read_number(cg->memory, "memory.memsw.max_usage_in_bytes", NULL);
        long long mem = read_number(cg->memory, "memory.max_usage_in_bytes", NULL);
        out->peak_bytes = mem;
        (void)sw;
        out->oom_killed = read_number(cg->memory, "memory.oom_control", "oom_kill") > 0;
    } else if (cg->has_memory) {
        out->peak_bytes = read_number(cg->unified, "memory.peak", NULL);
        out->oom_killed = read_number(cg->unified, "memory.events", "oom_kill") > 0;
    }
    if (cg->has_pids) {
        const char *dir = cg->pids[0] ? cg->pids : cg->unified;
        out->pids_max_hit = read_number(dir, "pids.events", "max") > 0;
    }
}

/* Kills whatever is still listed in dir/cgroup.procs (none, normally: the
 * pid namespace died with its init). */
static void kill_listed(const char *dir)
{
    char path[640], text[4096];
    snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    if (read_file(path, text, sizeof text) <= 0) return;
    for (char *p = text; *p;) {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p) break;
        if (pid > 1 && kill((pid_t)pid, SIGKILL) < 0 && errno != ESRCH)
            fprintf(stderr, "kai-sandbox: warning: kill(%ld) in %s: %s\n", pid, dir, strerror(errno));
        p = end;
        while (*p == '\n') p++;
    }
}

void ks_cgroup_destroy(ks_cgroup *cg, bool tree_dead)
{
    /* Once init has been reaped its pid namespace is empty, so there is
     * nothing left to kill; cgroup.kill is for the paths that stop early. */
    if (!tree_dead && cg->has_kill && cg->unified[0]) {
        char path[640];
        snprintf(path, sizeof path, "%s/cgroup.kill", cg->unified);
        if (write_file(path, "1") < 0) fprintf(stderr, "kai-sandbox: warning: %s: %s\n", path, strerror(errno));
    }
    char *dirs[] = {cg->memory, cg->pids, cg->cpuacct, cg->unified};
    for (size_t i = 0; i < 4; i++) {
        if (!dirs[i][0]) continue;
        /* A killed process leaves its cgroup once it is reaped; retry briefly. */
        for (int attempt = 0; rmdir(dirs[i]) < 0; attempt++) {
            if (errno != EBUSY || attempt >= 200) {
                fprintf(stderr, "kai-sandbox: warning: cannot remove cgroup %s: %s\n", dirs[i], strerror(errno));
                break;
            }
            kill_listed(dirs[i]);
            usleep(1000);
        }
        dirs[i][0] = '\0';
    }
}
