/*
 * cgroup2.c — the cgroup v2 subtree runs are made in: finding the base,
 * moving its processes into kai-host, enabling controllers for runs, and
 * saying why one cannot be had.
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
 * v2), and the rest on a real cgroup2 mount. A run's own v2 cgroup (its
 * limits, verdicts and killing) is cgroup2_run.c.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
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

/* How to get a cgroup of one's own with its controllers delegated, for
 * whoever runs kai (root needs no "run as root"). */
static const char *delegation_fix(void)
{
    return geteuid() == 0 ? "start kai in a cgroup of its own with its controllers delegated, e.g. systemd-run --scope "
                            "-p Delegate=yes kai ..."
                          : "run kai in a cgroup delegated to its user, e.g. systemd-run --user --scope -p Delegate=yes "
                            "kai ...";
}

/* The base relative to the hierarchy, as /proc/<pid>/cgroup shows it. */
static const char *relative(const ks_cg2_base *out)
{
    const char *rel = out->base + out->rel_offset;
    return rel[0] ? rel : "/";
}

/* Whether /proc/<pid>/cgroup still names the base: a pid read from
 * cgroup.procs may have exited and been reused since, and only processes
 * really in the base are Kai's to move. */
static bool still_in_base(long pid, const ks_cg2_base *out)
{
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%ld/cgroup", pid);
    if (read_file(path, text, sizeof text) < 0) return false;
    const char *line = strstr(text, "0::");
    if (!line || (line != text && line[-1] != '\n')) return false;
    const char *rel = relative(out);
    size_t len = strlen(rel);
    return strncmp(line + 3, rel, len) == 0 && line[3 + len] == '\n';
}

/* Moves every process listed in base/cgroup.procs into base/kai-host.
 * False (with out->problem) when one cannot be moved; a process that
 * exits meanwhile (ESRCH) is not an error. Only whole lines count: a pid
 * cut off by the buffer is read whole next round, never half (a "1" from
 * "1234" would be init). */
static bool move_into_leaf(ks_cg2_base *out, const char *leaf)
{
    char procs[8192], path[640];
    snprintf(path, sizeof path, "%s/cgroup.procs", out->base);
    if (read_file(path, procs, sizeof procs) < 0) {
        add_problem(out, "cannot read %s (%s)", path, strerror(errno));
        return false;
    }
    for (char *p = procs, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
        *nl = '\0';
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p || *end != '\0' || pid < 0) continue;
        if (pid == 0) { /* a process of another pid namespace: invisible from here, and unmovable */
            add_problem(out, "processes of another pid namespace share %s and cannot be moved into kai-host from "
                        "here; fix: %s", out->base, delegation_fix());
            return false;
        }
        if (!still_in_base(pid, out)) continue;
        char text[32];
        snprintf(text, sizeof text, "%ld", pid);
        if (ks_cg2_write_in(leaf, "cgroup.procs", text) < 0 && errno != ESRCH) {
            add_problem(out, "cannot move process %s out of %s into kai-host (%s); fix: %s", text, out->base,
                        strerror(errno), delegation_fix());
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
        if (ks_cg2_write_in(out->base, "cgroup.subtree_control", text) == 0) {
            out->enabled |= controllers[i].bit;
        } else if (errno == EBUSY) {
            return true;
        } else {
            int error = errno;
            const char *fix = error == EOPNOTSUPP ? "start kai in a domain cgroup (this one is threaded)"
                              : error == EINVAL && controllers[i].bit == KS_CG2_CPU
                                  ? "move realtime processes out of it, or start kai in a cgroup of its own"
                                  : delegation_fix();
            snprintf(out->controller_problem[i], sizeof out->controller_problem[i],
                     "cannot enable the %s controller in %s/cgroup.subtree_control (%s); fix: %s",
                     controllers[i].name, out->base, strerror(error), fix);
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
    int64_t started = now_ns(), deadline = started + (int64_t)KS_CG2_SETTLE_MS * 1000000;
    useconds_t pause = 1000;
    for (int round = 0; try_enable(out, &missing); round++) {
        if (round > 0) {
            if (now_ns() >= deadline) {
                add_problem(out, "%s still holds processes after %d s of moving them into kai-host (exiting ones, or new "
                            "ones that keep coming); fix: %s", out->base, KS_CG2_SETTLE_MS / 1000, delegation_fix());
                break;
            }
            (void)usleep(pause);
            pause = pause < 64000 ? pause * 2 : 100000;
        }
        if (mkdir(leaf, 0755) < 0 && errno != EEXIST) {
            add_problem(out, "cannot create %s (%s); fix: %s", leaf, strerror(errno), delegation_fix());
            return;
        }
        if (!move_into_leaf(out, leaf)) break;
    }
    /* The launcher's clock for the run has started (init is building the
     * sandbox meanwhile); it does not charge the program for this wait. */
    out->waited_ns = now_ns() - started;
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
        parent_has = ks_cg2_read_in(parent, "cgroup.controllers", text, sizeof text) == 0 ? parse_controllers(text) : 0;
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

/* A cgroup systemd made for a unit (.service, .scope, .slice) is Kai's to
 * reorganise only when the unit delegates it: Delegate=yes, which systemd
 * 251+ marks with the trusted.delegate (and user.delegate) xattr. Without
 * it systemd may switch the controllers off again on its next reload,
 * under a running run whose report would still claim them. A base that
 * already has kai-host was taken over before (and is left as it is). */
static bool undelegated_unit(const ks_cg2_base *out)
{
    const char *name = strrchr(out->base, '/');
    name = name ? name + 1 : out->base;
    size_t len = strlen(name);
    static const char *const units[] = {".service", ".scope", ".slice"};
    bool unit = false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t n = strlen(units[i]);
        unit |= len > n && strcmp(name + len - n, units[i]) == 0;
    }
    if (!unit) return false;
    char value[8];
    if (getxattr(out->base, "trusted.delegate", value, sizeof value) > 0 ||
        getxattr(out->base, "user.delegate", value, sizeof value) > 0)
        return false;
    return !ks_cg2_exists_in(out->base, KS_CG2_LEAF);
}

bool ks_cg2_locate(const char *mount, const char *own, ks_cg2_base *out)
{
    memset(out, 0, sizeof *out);
    char rel[512];
    snprintf(rel, sizeof rel, "%s", strcmp(own, "/") == 0 ? "" : own);
    char *last = strrchr(rel, '/');
    if (last && strcmp(last + 1, KS_CG2_LEAF) == 0) *last = '\0';
    /* A cgroup namespace whose root lies outside the mount shows "/.." paths:
     * no base Kai can trust there. */
    if (strstr(rel, "/..")) {
        add_problem(out, "this process's cgroup %s is outside the cgroup2 mount %s (another cgroup namespace's); fix: "
                    "mount cgroup2 from inside this cgroup namespace", own, mount);
        return false;
    }
    out->rel_offset = (int)strlen(mount);
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
    out->is_root = !ks_cg2_exists_in(out->base, "cgroup.type");
    char text[512];
    if (ks_cg2_read_in(out->base, "cgroup.controllers", text, sizeof text) < 0) {
        add_problem(out, "cannot read %s/cgroup.controllers (%s)", out->base, strerror(errno));
        return false;
    }
    out->available = parse_controllers(text);
    if (ks_cg2_read_in(out->base, "cgroup.subtree_control", text, sizeof text) < 0) {
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
    if (missing && !out->is_root && undelegated_unit(out))
        add_problem(out, "%s is the cgroup of a systemd unit that does not delegate it (no Delegate=yes): systemd may "
                    "take its controllers back at any time, so Kai moves nothing there; fix: start kai with "
                    "systemd-run --scope -p Delegate=yes kai ..., or set Delegate=yes on the unit", out->base);
    else if (missing && !out->is_root)
        enable_controllers(out, missing);
    name_unavailable(out, wanted);
    return true;
}

bool ks_cg2_delegate(const char *mount, const char *own, unsigned wanted, ks_cg2_base *out)
{
    return ks_cg2_locate(mount, own, out) && ks_cg2_enable(out, wanted);
}

int ks_cg2_read_in(const char *dir, const char *file, char *buf, size_t cap)
{
    char path[640];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return read_file(path, buf, cap) < 0 ? -1 : 0;
}

/* One write(2), as `echo text > dir/file` does: the kernel takes a
 * control file's value from a single write and ignores O_TRUNC, which
 * makes the same call right for a plain file laid out as a cgroup (tests). */
int ks_cg2_write_in(const char *dir, const char *file, const char *text)
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

bool ks_cg2_exists_in(const char *dir, const char *file)
{
    char path[640];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return access(path, F_OK) == 0;
}
