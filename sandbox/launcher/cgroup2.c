/*
 * cgroup2.c — the cgroup v2 side of a run: the delegated subtree runs are
 * made in, a run's limits and verdict files, and killing a run's tree.
 *
 * Layout (sandbox/CONTRACT.md, "cgroup v2: the delegated subtree"): runs
 * are children of the launcher's own cgroup, the base, so they stay inside
 * whatever the operator (or systemd) put kai under. v2's no-internal-
 * processes rule lets a non-root cgroup give controllers to its children
 * only while it holds no processes itself, so the processes that live in
 * the base are moved into base/kai-host first — once; later launchers
 * start there and recognise the leaf.
 *
 * Every function here takes its directories as arguments, so the tests
 * can run the file-level parts on a directory laid out as the kernel lays
 * out a cgroup (for the memory and pids files a v1 machine cannot give
 * v2), and the rest on a real cgroup2 mount.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

static const struct { const char *name; unsigned bit; } controllers[] = {
    {"memory", KS_CG2_MEMORY}, {"pids", KS_CG2_PIDS}, {"cpu", KS_CG2_CPU}, {"hugetlb", KS_CG2_HUGETLB},
};
#define CONTROLLER_COUNT (sizeof controllers / sizeof controllers[0])

const char *ks_cg2_mount(void)
{
    /* Not cached: a launcher asks once per run (the probe twice), and a
     * static would be one more page touched on every run. */
    struct statfs sf;
    if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) return "/sys/fs/cgroup";
    if (statfs("/sys/fs/cgroup/unified", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) return "/sys/fs/cgroup/unified";
    return NULL;
}

static int read_in(const char *dir, const char *file, char *buf, size_t cap)
{
    char path[640];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return read_file(path, buf, cap) < 0 ? -1 : 0;
}

/* One write(2), as `echo text > dir/file` does: the kernel takes a
 * control file's value from a single write and ignores O_TRUNC, which
 * makes the same call right for a plain file laid out as a cgroup (tests). */
static int write_in(const char *dir, const char *file, const char *text)
{
    char path[640];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = write_full(fd, text, strlen(text));
    int saved = errno;
    if (close(fd) < 0 && rc == 0) return -1;
    errno = saved;
    return rc;
}

static bool exists_in(const char *dir, const char *file)
{
    char path[640];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return access(path, F_OK) == 0;
}

/* The KS_CG2_* bits named in a space-separated controller list. */
static unsigned parse_controllers(const char *text)
{
    unsigned bits = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ' || *p == '\n' || *p == '+') p++;
        size_t len = strcspn(p, " \n");
        for (size_t i = 0; i < CONTROLLER_COUNT; i++)
            if (strlen(controllers[i].name) == len && strncmp(p, controllers[i].name, len) == 0) bits |= controllers[i].bit;
        p += len;
    }
    return bits;
}

__attribute__((format(printf, 2, 3))) static void add_problem(ks_cg2_base *out, const char *fmt, ...)
{
    size_t used = strlen(out->problem);
    if (used) used += (size_t)snprintf(out->problem + used, sizeof out->problem - used, "; ");
    if (used >= sizeof out->problem) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->problem + used, sizeof out->problem - used, fmt, ap);
    va_end(ap);
}

/* Moves every process listed in base/cgroup.procs into base/kai-host.
 * False (with out->problem) when one cannot be moved; a process that
 * exits meanwhile (ESRCH) is not an error. */
static bool move_into_leaf(ks_cg2_base *out, const char *leaf)
{
    char procs[8192];
    if (read_in(out->base, "cgroup.procs", procs, sizeof procs) < 0) {
        add_problem(out, "cannot read %s/cgroup.procs (%s)", out->base, strerror(errno));
        return false;
    }
    for (char *p = procs, *end; *p; p = end) {
        long pid = strtol(p, &end, 10);
        if (end == p) break;
        char text[32];
        snprintf(text, sizeof text, "%ld", pid);
        if (write_in(leaf, "cgroup.procs", text) < 0 && errno != ESRCH) {
            add_problem(out, "cannot move process %s out of %s into kai-host (%s); fix: run kai as root, or in a "
                        "cgroup delegated to its user (systemd's Delegate=yes)", text, out->base, strerror(errno));
            return false;
        }
        out->moved = true;
    }
    return true;
}

/* Writes +controller to base/cgroup.subtree_control for each of *missing,
 * clearing those it enabled or that failed for good (with their reason).
 * True when the kernel refused with EBUSY: the base holds processes. */
static bool try_enable(ks_cg2_base *out, unsigned *missing)
{
    for (size_t i = 0; i < CONTROLLER_COUNT; i++) {
        if (!(*missing & controllers[i].bit)) continue;
        char text[16];
        snprintf(text, sizeof text, "+%s", controllers[i].name);
        if (write_in(out->base, "cgroup.subtree_control", text) == 0) {
            out->enabled |= controllers[i].bit;
        } else if (errno == EBUSY) {
            return true;
        } else {
            snprintf(out->controller_problem[i], sizeof out->controller_problem[i],
                     "cannot enable the %s controller in %s/cgroup.subtree_control (%s); fix: run kai as root, or "
                     "in a cgroup delegated to its user (systemd's Delegate=yes)",
                     controllers[i].name, out->base, strerror(errno));
        }
        *missing &= ~controllers[i].bit;
    }
    return false;
}

/* Enables each of `missing` in base/cgroup.subtree_control; on EBUSY (the
 * base holds processes) moves them into the leaf and tries again. Two
 * things keep the base busy after a move, so the rounds go on for up to
 * KS_CG2_SETTLE_MS: a process forked before its parent was moved (it is
 * moved next round), and a process in the middle of exiting, which the
 * kernel still counts and lists but silently refuses to move until its
 * exit is done (freeing a large heap takes a while; nothing signals the
 * end, hence the pauses, doubling from 1 ms). Only the first delegation of
 * a base can meet either, before the run's clock starts. */
#define KS_CG2_SETTLE_MS 3000
static void enable_controllers(ks_cg2_base *out, unsigned missing)
{
    char leaf[640];
    snprintf(leaf, sizeof leaf, "%s/%s", out->base, KS_CG2_LEAF);
    int64_t deadline = now_ns() + (int64_t)KS_CG2_SETTLE_MS * 1000000;
    useconds_t pause = 1000;
    for (int round = 0; try_enable(out, &missing); round++) {
        if (round > 0) {
            if (now_ns() >= deadline) {
                add_problem(out, "%s still holds processes after %d s of moving them into kai-host (exiting ones, or new "
                            "ones that keep coming); fix: start kai in a cgroup of its own (systemd-run --scope -p "
                            "Delegate=yes kai ...)", out->base, KS_CG2_SETTLE_MS / 1000);
                return;
            }
            (void)usleep(pause);
            pause = pause < 64000 ? pause * 2 : 100000;
        }
        if (mkdir(leaf, 0755) < 0 && errno != EEXIST) {
            add_problem(out, "cannot create %s (%s); fix: run kai as root, or in a cgroup delegated to its user "
                        "(systemd's Delegate=yes)", leaf, strerror(errno));
            return;
        }
        if (!move_into_leaf(out, leaf)) return;
    }
}

static void name_unavailable(ks_cg2_base *out, unsigned wanted)
{
    char parent[512];
    snprintf(parent, sizeof parent, "%s", out->base);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) *slash = '\0';
    char text[512];
    /* Read only when needed: a run on the root (this hybrid machine) has
     * no parent to ask. */
    unsigned parent_has = 0;
    if (!out->is_root && (wanted & ~out->available))
        parent_has = read_in(parent, "cgroup.controllers", text, sizeof text) == 0 ? parse_controllers(text) : 0;
    for (size_t i = 0; i < CONTROLLER_COUNT; i++) {
        const char *name = controllers[i].name;
        if (!(wanted & controllers[i].bit) || (out->enabled & controllers[i].bit)) continue;
        char *why = out->controller_problem[i];
        if (why[0]) continue; /* enable_controllers said why */
        if (!(out->available & controllers[i].bit) && out->is_root)
            snprintf(why, sizeof out->controller_problem[i], "the %s controller is not on cgroup v2 here (bound to a "
                     "v1 hierarchy, or not in this kernel); fix: boot with cgroup v2 only "
                     "(systemd.unified_cgroup_hierarchy=1)", name);
        else if (out->is_root)
            snprintf(why, sizeof out->controller_problem[i], "the %s controller is not enabled for runs: the root "
                     "cgroup %s does not have it in cgroup.subtree_control; fix: as root, echo +%s > "
                     "%s/cgroup.subtree_control", name, out->base, name, out->base);
        else if (!(out->available & controllers[i].bit) && (parent_has & controllers[i].bit))
            snprintf(why, sizeof out->controller_problem[i], "the %s controller is not available: %s does not have it "
                     "in cgroup.controllers (its parent does not delegate it); fix: as root, echo +%s > "
                     "%s/cgroup.subtree_control, or run kai in a systemd unit with Delegate=yes",
                     name, out->base, name, parent);
        else if (!(out->available & controllers[i].bit))
            snprintf(why, sizeof out->controller_problem[i], "the %s controller is not available: neither %s nor its "
                     "parent has it in cgroup.controllers; fix: delegate it down from the root (as root, echo +%s > "
                     "cgroup.subtree_control in each ancestor), or, where a v1 hierarchy holds it, boot with cgroup v2 "
                     "only (systemd.unified_cgroup_hierarchy=1)", name, out->base, name);
        else if (out->problem[0])
            snprintf(why, sizeof out->controller_problem[i], "%s", out->problem);
    }
}

bool ks_cg2_locate(const char *mount, const char *own, ks_cg2_base *out)
{
    memset(out, 0, sizeof *out);
    char rel[512];
    snprintf(rel, sizeof rel, "%s", strcmp(own, "/") == 0 ? "" : own);
    char *last = strrchr(rel, '/');
    if (last && strcmp(last + 1, KS_CG2_LEAF) == 0) *last = '\0';
    int n = snprintf(out->base, sizeof out->base, "%s%s", mount, rel);
    if (n < 0 || (size_t)n >= sizeof out->base) {
        add_problem(out, "the cgroup path %s%s is too long", mount, rel);
        out->base[0] = '\0';
        return false;
    }
    return true;
}

bool ks_cg2_enable(ks_cg2_base *out, unsigned wanted)
{
    /* The root has no cgroup.type; a cgroup namespace's "/" does. */
    out->is_root = !exists_in(out->base, "cgroup.type");
    char text[512];
    if (read_in(out->base, "cgroup.controllers", text, sizeof text) < 0) {
        add_problem(out, "cannot read %s/cgroup.controllers (%s)", out->base, strerror(errno));
        return false;
    }
    out->available = parse_controllers(text);
    if (read_in(out->base, "cgroup.subtree_control", text, sizeof text) < 0) {
        add_problem(out, "cannot read %s/cgroup.subtree_control (%s)", out->base, strerror(errno));
        return false;
    }
    out->enabled = parse_controllers(text);
    if (access(out->base, W_OK | X_OK) < 0) {
        add_problem(out, "%s is not delegated to uid %u (%s); fix: run kai as root, or in a cgroup delegated to "
                    "this user, e.g. systemd-run --user --scope -p Delegate=yes kai ...", out->base, (unsigned)geteuid(),
                    strerror(errno));
        return false;
    }
    unsigned missing = wanted & out->available & ~out->enabled;
    if (missing && !out->is_root) enable_controllers(out, missing);
    name_unavailable(out, wanted);
    return true;
}

bool ks_cg2_delegate(const char *mount, const char *own, unsigned wanted, ks_cg2_base *out)
{
    return ks_cg2_locate(mount, own, out) && ks_cg2_enable(out, wanted);
}

static bool set_number(const char *dir, const char *file, long long value)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", value);
    return write_in(dir, file, text) == 0;
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
        if (write_in(dir, e->d_name, "0") == 0) written++;
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
    if (!cg->has_memory && (enabled & KS_CG2_MEMORY) && exists_in(dir, "memory.max")) {
        cg->has_memory = set_number(dir, "memory.max", (long long)cfg->memory_mb << 20);
        /* 0: the memory limit is the whole budget, swap included. */
        cg->has_memsw = exists_in(dir, "memory.swap.max") && set_number(dir, "memory.swap.max", 0);
        /* An OOM kill takes the whole tree, not one process of it. */
        cg->has_oom_group = exists_in(dir, "memory.oom.group") && set_number(dir, "memory.oom.group", 1);
    }
    if (!cg->has_pids && (enabled & KS_CG2_PIDS) && exists_in(dir, "pids.max")) cg->has_pids = set_number(dir, "pids.max", cfg->pids + 1);
    /* cpu.stat is a core file: accounting needs no controller. */
    if (!cg->has_cpu && exists_in(dir, "cpu.stat")) cg->has_cpu = true;
    if ((enabled & KS_CG2_CPU) && exists_in(dir, "cpu.max")) {
        char text[48];
        snprintf(text, sizeof text, "%ld 100000", cfg->cpus * 100000);
        cg->has_cpu_max = write_in(dir, "cpu.max", text) == 0;
    }
    cg->has_hugetlb = (enabled & KS_CG2_HUGETLB) && forbid_hugetlb(dir);
}

/* The number after "key " in a flat-keyed file, or -1. */
static long long keyed(const char *dir, const char *file, const char *key)
{
    char text[4096];
    if (read_in(dir, file, text, sizeof text) < 0) return -1;
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
    out->peak_bytes = read_in(dir, "memory.peak", text, sizeof text) == 0 ? strtoll(text, NULL, 10) : -1;
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
    if (write_in(dir, "cgroup.kill", "1") < 0) return false;
    ks_trace("sup", "cgroup.kill written");
    bool empty = ks_cg2_wait_empty(dir, timeout_ms);
    ks_trace("sup", empty ? "cgroup empty (cgroup.events)" : "cgroup still populated after cgroup.kill");
    return empty;
}
