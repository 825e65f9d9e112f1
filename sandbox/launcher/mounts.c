/*
 * mounts.c — the sandbox's file system, built by init inside its own mount
 * namespace:
 *
 *   /usr /bin /sbin /lib /lib64   read-only binds (or the host's symlinks)
 *   /etc                          synthetic passwd/group/hosts, read-only
 *                                 ld.so.cache and alternatives; nothing else
 *   --bind PATHs                  read-only binds
 *   /work                         size-capped tmpfs, the cwd, holds --files
 *   /tmp, /dev/shm                size-capped tmpfs (charged to the memory cgroup)
 *   /dev                          null, zero, urandom bound from the host
 *   /proc                         a new proc for the new pid namespace
 *
 * A fresh tmpfs is mounted over /tmp and pivot_root'ed to, the old root
 * (still reachable as /oldroot during setup) is then detached, the whole new
 * tree is made read-only at once, and the writable tmpfs go on top.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OLD "/oldroot"

static void xmount(const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
    if (mount(src, dst, type, flags, data) < 0)
        die_with_error("mount %s on %s (type %s)", src ? src : "none", dst, type ? type : "bind/remount");
}

/* The flags a user namespace may not clear on a bind (they are locked). */
static unsigned long locked_flags(const char *path)
{
    struct statvfs sv;
    if (statvfs(path, &sv) < 0) die_with_error("statvfs %s", path);
    unsigned long flags = 0;
    if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

/* Binds made read-only at the end by one recursive mount_setattr (see
 * seal_readonly); remembered for the per-mount fallback. */
static char ro_binds[8 + KS_MAX_LIST][512];
static int ro_bind_count;

static void bind_readonly(const char *src, const char *dst)
{
    xmount(src, dst, NULL, MS_BIND | MS_REC, NULL);
    if (ro_bind_count >= (int)(sizeof ro_binds / sizeof ro_binds[0])) die("too many read-only binds");
    snprintf(ro_binds[ro_bind_count++], sizeof ro_binds[0], "%s", dst);
}

/* Makes everything mounted so far read-only and nosuid (flags already set,
 * e.g. nodev on the root or noexec on /dev, stay): one recursive
 * mount_setattr instead of a remount per bind (~0.1 ms). /proc keeps its
 * own (nosuid, nodev, noexec, read-write) flags as before. Kernels before
 * 5.12 get the remounts. */
static void seal_readonly(void)
{
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID};
    if (syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof ro) == 0) {
        struct mount_attr rw = {.attr_clr = MOUNT_ATTR_RDONLY};
        if (syscall(SYS_mount_setattr, AT_FDCWD, "/proc", 0, &rw, sizeof rw) < 0) die_with_error("mount_setattr /proc");
        return;
    }
    if (errno != ENOSYS) die_with_error("mount_setattr / (recursively read-only)");
    for (int i = 0; i < ro_bind_count; i++)
        xmount(NULL, ro_binds[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | locked_flags(ro_binds[i]), NULL);
    xmount(NULL, "/dev", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL);
    xmount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
}

static void mkdirs(const char *path, mode_t mode)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) die("path too long: %s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST) die_with_error("mkdir %s", buf);
        *p = '/';
    }
    if (mkdir(buf, mode) < 0 && errno != EEXIST) die_with_error("mkdir %s", buf);
}

static void touch(const char *path, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) die_with_error("creating %s", path);
    if (close(fd) < 0) die_with_error("close %s", path);
}

static void write_new(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd < 0 || write_full(fd, text, strlen(text)) < 0) die_with_error("writing %s", path);
    if (close(fd) < 0) die_with_error("close %s", path);
}

/* Mirrors a top-level host path: the host's symlink (usrmerge), a read-only
 * bind of a directory, or nothing when the host has none. */
static void mirror(const char *path, bool required)
{
    char old[512], target[512];
    snprintf(old, sizeof old, OLD "%s", path);
    struct stat st;
    if (lstat(old, &st) < 0) {
        if (errno == ENOENT && !required) return;
        die_with_error("%s is needed inside the sandbox", path);
    }
    if (S_ISLNK(st.st_mode)) {
        ssize_t n = readlink(old, target, sizeof target - 1);
        if (n < 0) die_with_error("readlink %s", path);
        target[n] = '\0';
        if (symlink(target, path) < 0) die_with_error("symlink %s -> %s", path, target);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        mkdirs(path, 0755);
    } else {
        char parent[512];
        snprintf(parent, sizeof parent, "%s", path);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) { *slash = '\0'; mkdirs(parent, 0755); }
        if (access(path, F_OK) < 0) touch(path, 0444);
    }
    bind_readonly(old, path);
}

static void build_etc(void)
{
    mkdirs("/etc", 0755);
    write_new("/etc/passwd", "sandbox:x:65534:65534:sandbox:/work:/usr/sbin/nologin\n");
    write_new("/etc/group", "sandbox:x:65534:\n");
    write_new("/etc/hosts", "127.0.0.1 localhost\n::1 localhost\n");
    mirror("/etc/ld.so.cache", false);
    mirror("/etc/alternatives", false); /* /usr/bin/cc -> /etc/alternatives/cc -> /usr/bin/... */
}

static void build_dev(void)
{
    mkdirs("/dev", 0755);
    xmount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k");
    const char *nodes[] = {"null", "zero", "urandom"};
    for (size_t i = 0; i < 3; i++) {
        char dst[64], src[64];
        snprintf(dst, sizeof dst, "/dev/%s", nodes[i]);
        snprintf(src, sizeof src, OLD "/dev/%s", nodes[i]);
        touch(dst, 0666);
        xmount(src, dst, NULL, MS_BIND, NULL);
    }
    const char *links[][2] = {{"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
                              {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"}};
    for (size_t i = 0; i < 4; i++)
        if (symlink(links[i][0], links[i][1]) < 0) die_with_error("symlink %s", links[i][1]);
    mkdirs("/dev/shm", 0755); /* a tmpfs after seal_readonly */
}

int ks_build_root(const ks_config *cfg, uid_t work_owner)
{
    char opts[128];
    /* 1. Nothing we mount may propagate back to the host. */
    xmount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    /* 2. The new root: a small tmpfs over /tmp, entered with pivot_root. */
    xmount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m");
    if (mkdir("/tmp" OLD, 0700) < 0) die_with_error("mkdir /tmp" OLD);
    if (syscall(SYS_pivot_root, "/tmp", "/tmp" OLD) < 0) die_with_error("pivot_root into the new root");
    if (chdir("/") < 0) die_with_error("chdir /");
    ks_trace("init", "fs: private, tmpfs root, pivot_root");
    /* 3. Read-only system directories and the few /etc files programs need. */
    const char *system_dirs[] = {"/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"};
    for (size_t i = 0; i < sizeof system_dirs / sizeof system_dirs[0]; i++) mirror(system_dirs[i], i == 0);
    ks_trace("init", "fs: system dirs bound");
    build_etc();
    for (int i = 0; i < cfg->bind_count; i++) mirror(cfg->binds[i], true);
    ks_trace("init", "fs: /etc, --binds");
    /* 4. Devices and a proc for the new pid namespace (mounted while the old
     * proc is still visible, which the kernel requires in a user namespace). */
    build_dev();
    ks_trace("init", "fs: /dev");
    mkdirs("/proc", 0555);
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2") < 0)
        xmount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    ks_trace("init", "fs: /proc");
    /* 5. Detach the host's root and freeze the new one read-only. */
    if (umount2(OLD, MNT_DETACH) < 0) die_with_error("detaching the old root");
    if (rmdir(OLD) < 0) die_with_error("rmdir " OLD);
    mkdirs("/work", 0755);
    mkdirs("/tmp", 0755);
    seal_readonly();
    ks_trace("init", "fs: old root detached, sealed read-only");
    /* 6. Writable, size-capped tmpfs on the read-only root: /work (cwd,
     * with --files), /tmp and /dev/shm (tmpfs pages are charged to the
     * memory cgroup). */
    snprintf(opts, sizeof opts, "mode=0755,uid=%u,gid=%u,size=%ldm", (unsigned)work_owner, (unsigned)work_owner, cfg->workdir_mb);
    xmount("tmpfs", "/work", "tmpfs", MS_NOSUID | MS_NODEV, opts);
    snprintf(opts, sizeof opts, "mode=1777,size=%ldm", cfg->workdir_mb);
    xmount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts);
    xmount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, opts);
    /* --files are written through this fd once init is in the run's
     * cgroups (their tmpfs pages are charged to its memory cgroup). */
    int work = open("/work", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (work < 0) die_with_error("open /work");
    if (fchdir(work) < 0) die_with_error("chdir /work");
    ks_trace("init", "fs: /work, /tmp, /dev/shm");
    return work;
}
