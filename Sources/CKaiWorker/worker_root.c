/*
 * worker_root.c — the root file system of an isolation: sandbox worker,
 * built by its init inside new user, mount and pid namespaces, the way the
 * sandbox launcher builds its own (sandbox/launcher/mounts.c):
 *
 *   /                       a small tmpfs, entered with pivot_root; the host's
 *                           root is detached, so nothing else of it exists
 *   /usr /bin /sbin /lib*   read-only binds (or the host's usrmerge symlinks)
 *   /etc                    synthetic passwd, group and hosts; ld.so.cache,
 *                           localtime and timezone if present; with network
 *                           also resolv.conf, nsswitch.conf, gai.conf,
 *                           services, protocols and the TLS certificates
 *   plugin, worker and      the directories of the plugin files, of the
 *   runtime directories     worker executable and of every library it has
 *                           loaded (the Swift runtime), read-only, at the
 *                           same paths
 *   /dev                    null, zero, urandom (bound from the host) and the
 *                           fd links, on a small tmpfs
 *   /proc                   a new proc of the new pid namespace
 *   /tmp, /dev/shm          private 16 MiB tmpfs (TMPDIR is /tmp)
 *
 * So the worker reads nothing of /home, /root, /run, /var or the host's
 * /tmp — no config, key, database or Unix socket of the user who runs kai,
 * whatever its uid. Everything but /tmp, /dev/shm and /proc is read-only
 * and nosuid.
 */
#define _GNU_SOURCE
#include "worker_root.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <pwd.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OLD "/oldroot"
#define MAX_DIRS 64

/* Directories to bind: the host's real path, and where it appears. */
static struct {
    char source[PATH_MAX];
    char target[PATH_MAX];
} dirs[MAX_DIRS];
static int dir_count;

static const char *const system_dirs[] = {"/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"};

/* Whether `path` is one of the system directories or lies below one:
 * those are visible already. */
static bool under_system(const char *path)
{
    for (size_t i = 0; i < sizeof system_dirs / sizeof system_dirs[0]; i++) {
        size_t n = strlen(system_dirs[i]);
        if (strncmp(path, system_dirs[i], n) == 0 && (path[n] == '/' || path[n] == '\0')) return true;
    }
    return false;
}

/* Directories a sandboxed worker must never see whole: binding the
 * plugin's directory would expose everything beside the plugin (other
 * users' and the host's temporary files and sockets, configuration with
 * secrets, a home directory). A plugin must live in a directory of its own. */
static const char *const shared_dirs[] = {"/tmp", "/var/tmp", "/dev", "/dev/shm", "/proc", "/sys", "/etc", "/home",
                                          "/root", "/run", "/var", "/var/run", "/var/lib", "/mnt", "/media", "/srv",
                                          "/opt", "/usr/local"};
static char refused_directory[PATH_MAX];

static bool is_shared_directory(const char *dir)
{
    for (size_t i = 0; i < sizeof shared_dirs / sizeof shared_dirs[0]; i++)
        if (strcmp(dir, shared_dirs[i]) == 0) return true;
    const struct passwd *user = getpwuid(getuid());
    return user && user->pw_dir && user->pw_dir[0] == '/' && strcmp(dir, user->pw_dir) == 0;
}

const char *kai_worker_refused_directory(void)
{
    return refused_directory[0] ? refused_directory : NULL;
}

/* Plans a bind of the directory holding `file` at the same (absolute,
 * not necessarily canonical) path, from its real path. Fails with EPERM,
 * naming the directory in kai_worker_refused_directory(), when that
 * directory is one shared with other files (shared_dirs, the user's home). */
static int plan_directory_of(const char *file)
{
    char target[PATH_MAX], source[PATH_MAX];
    if (file[0] != '/' || snprintf(target, sizeof target, "%s", file) >= (int)sizeof target) {
        errno = EINVAL;
        return -1;
    }
    char *slash = strrchr(target, '/');
    if (slash == target) {
        errno = EINVAL; /* a plugin in / would need all of / */
        return -1;
    }
    *slash = '\0';
    if (!realpath(target, source)) return -1;
    if (under_system(target) && under_system(source)) return 0;
    if (is_shared_directory(target) || is_shared_directory(source)) {
        snprintf(refused_directory, sizeof refused_directory, "%s", is_shared_directory(target) ? target : source);
        errno = EPERM;
        return -1;
    }
    for (int i = 0; i < dir_count; i++)
        if (strcmp(dirs[i].target, target) == 0) return 0;
    if (dir_count == MAX_DIRS) {
        errno = E2BIG;
        return -1;
    }
    snprintf(dirs[dir_count].source, sizeof dirs[0].source, "%s", source);
    snprintf(dirs[dir_count].target, sizeof dirs[0].target, "%s", target);
    dir_count++;
    return 0;
}

static int plan_loaded_object(struct dl_phdr_info *info, size_t size, void *failed)
{
    (void)size;
    char real[PATH_MAX];
    /* The main program (empty name) and the vDSO have no file here. */
    if (info->dlpi_name[0] != '/') return 0;
    if (!realpath(info->dlpi_name, real) || plan_directory_of(real) != 0) *(int *)failed = errno ? errno : EINVAL;
    return 0;
}

int kai_worker_plan_root(const char *const *visible, int visible_count)
{
    dir_count = 0;
    refused_directory[0] = '\0';
    for (int i = 0; i < visible_count; i++)
        if (plan_directory_of(visible[i]) != 0) return -1;
    char exe[PATH_MAX];
    if (!realpath("/proc/self/exe", exe) || plan_directory_of(exe) != 0) return -1;
    int failed = 0;
    (void)dl_iterate_phdr(plan_loaded_object, &failed);
    if (failed) {
        errno = failed;
        return -1;
    }
    return 0;
}

/* --- building it, in init ------------------------------------------------ */

static int mkdirs(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, mode) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(buf, mode) != 0 && errno != EEXIST ? -1 : 0;
}

static int touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
    return fd < 0 ? -1 : close(fd);
}

static int write_new(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    int saved = errno;
    if (close(fd) != 0) return -1;
    errno = saved;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Every bind made, for the per-mount fallback of seal(). */
static char binds[MAX_DIRS + 32][PATH_MAX];
static int bind_count;

/* Binds the host's `source` (a path under the old root) at `target`: a
 * directory or a file, following symlinks. */
static int bind_at(const char *source, const char *target)
{
    if (bind_count == (int)(sizeof binds / sizeof binds[0])) {
        errno = E2BIG;
        return -1;
    }
    snprintf(binds[bind_count++], sizeof binds[0], "%s", target);
    struct stat st;
    if (stat(source, &st) != 0) return -1;
    if (S_ISDIR(st.st_mode)) {
        if (mkdirs(target, 0755) != 0) return -1;
    } else {
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%s", target);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) {
            *slash = '\0';
            if (mkdirs(parent, 0755) != 0) return -1;
        }
        if (touch(target) != 0) return -1;
    }
    return mount(source, target, NULL, MS_BIND | MS_REC, NULL);
}

/* Mirrors a host path at the same place: its symlink (usrmerge), or a bind
 * of what it is; nothing when the host has none. */
static int mirror(const char *path, bool follow)
{
    char old[PATH_MAX], target[PATH_MAX];
    snprintf(old, sizeof old, OLD "%s", path);
    struct stat st;
    if (lstat(old, &st) != 0) return errno == ENOENT ? 0 : -1;
    if (S_ISLNK(st.st_mode) && !follow) {
        ssize_t n = readlink(old, target, sizeof target - 1);
        if (n < 0) return -1;
        target[n] = '\0';
        return symlink(target, path);
    }
    /* A followed link to nowhere (resolv.conf -> /run/...) is no file. */
    if (stat(old, &st) != 0) return errno == ENOENT ? 0 : -1;
    return bind_at(old, path);
}

static int build_etc(int allow_network)
{
    if (mkdirs("/etc", 0755) != 0) return -1;
    if (write_new("/etc/passwd", "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n") != 0) return -1;
    if (write_new("/etc/group", "nogroup:x:65534:\n") != 0) return -1;
    if (write_new("/etc/hosts", "127.0.0.1 localhost kai-plugin\n::1 localhost\n") != 0) return -1;
    static const char *const always[] = {"/etc/ld.so.cache", "/etc/localtime", "/etc/timezone"};
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        if (mirror(always[i], true) != 0) return -1;
    if (!allow_network) return 0;
    static const char *const network[] = {"/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/services",
                                          "/etc/protocols", "/etc/ssl", "/etc/ca-certificates", "/etc/pki"};
    for (size_t i = 0; i < sizeof network / sizeof network[0]; i++)
        if (mirror(network[i], true) != 0) return -1;
    return 0;
}

static int build_dev(void)
{
    if (mkdirs("/dev", 0755) != 0) return -1;
    if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") != 0) return -1;
    static const char *const nodes[] = {"null", "zero", "urandom"};
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        char source[64], target[64];
        snprintf(source, sizeof source, OLD "/dev/%s", nodes[i]);
        snprintf(target, sizeof target, "/dev/%s", nodes[i]);
        if (touch(target) != 0 || mount(source, target, NULL, MS_BIND, NULL) != 0) return -1;
    }
    static const char *const links[][2] = {{"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
                                           {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"}};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (symlink(links[i][0], links[i][1]) != 0) return -1;
    return mkdirs("/dev/shm", 0755);
}

/* The flags a user namespace may not clear on a bind (they are locked). */
static unsigned long locked_flags(const char *path)
{
    struct statvfs sv;
    if (statvfs(path, &sv) != 0) return 0; /* the remount then fails, saying so */
    unsigned long flags = 0;
    if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

/* Read-only and nosuid, all of it at once (kernels before 5.12: per bind);
 * then /tmp, /dev/shm and /proc writable again. */
static int seal(void)
{
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID};
    if (syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof ro) != 0) {
        if (errno != ENOSYS) return -1;
        /* The old way: a remount of each mount made above, keeping the
         * flags a user namespace may not clear (as mounts.c does). */
        for (int i = 0; i < bind_count; i++)
            if (mount(NULL, binds[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | locked_flags(binds[i]), NULL) != 0)
                return -1;
        if (mount(NULL, "/dev", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL) != 0) return -1;
        return mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
    }
    struct mount_attr rw = {.attr_clr = MOUNT_ATTR_RDONLY};
    static const char *const writable[] = {"/tmp", "/dev/shm", "/proc"};
    for (size_t i = 0; i < sizeof writable / sizeof writable[0]; i++)
        if (syscall(SYS_mount_setattr, AT_FDCWD, writable[i], 0, &rw, sizeof rw) != 0) return -1;
    return 0;
}

int kai_worker_build_root(int allow_network)
{
    /* 0. Files are made with the one id mapped in this user namespace
     * (65534): init's own (the host's 0, or the host user) is unmapped
     * here, and the kernel refuses to create a file for an unmapped owner
     * (EOVERFLOW). Only file-system ids change: init keeps CAP_SYS_ADMIN
     * for the mounts. The worker owns what is made, all of it read-only
     * once sealed (but /tmp and /dev/shm). */
    (void)setfsgid(65534);
    (void)setfsuid(65534);
    if (setfsuid((uid_t)-1) != 65534 || setfsgid((gid_t)-1) != 65534) {
        errno = EPERM;
        return STEP_IDS;
    }
    /* 1. Nothing mounted here propagates back to the host. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return STEP_FILES;
    /* 2. The new root: a small tmpfs (over /tmp, which every system has),
     * entered with pivot_root. The host's /tmp is reachable again under
     * the old root: the tmpfs moved to /. */
    if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m") != 0) return STEP_FILES;
    if (mkdir("/tmp" OLD, 0700) != 0) return STEP_FILES;
    if (syscall(SYS_pivot_root, "/tmp", "/tmp" OLD) != 0 || chdir("/") != 0) return STEP_FILES;
    /* 3. The system, read-only; /etc; scratch space (before the plugin's
     * directory, which may lie under /tmp). */
    for (size_t i = 0; i < sizeof system_dirs / sizeof system_dirs[0]; i++)
        if (mirror(system_dirs[i], false) != 0) return STEP_FILES;
    if (build_etc(allow_network) != 0) return STEP_FILES;
    if (mkdirs("/tmp", 0755) != 0 || mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=16m") != 0)
        return STEP_FILES;
    /* 4. The plugin's, the worker's and the runtime's directories. */
    for (int i = 0; i < dir_count; i++) {
        char source[PATH_MAX + sizeof OLD];
        snprintf(source, sizeof source, OLD "%s", dirs[i].source);
        if (bind_at(source, dirs[i].target) != 0) return STEP_FILES;
    }
    /* 5. Devices, and a proc of the new pid namespace: mounted while the
     * old root's proc is still attached, which the kernel requires in a
     * user namespace (and refuses where that proc has masked parts). */
    if (build_dev() != 0) return STEP_FILES;
    if (mkdirs("/proc", 0555) != 0) return STEP_FILES;
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) return STEP_PROC;
    /* 6. The host's root goes; the new one is sealed read-only. */
    if (umount2(OLD, MNT_DETACH) != 0 || rmdir(OLD) != 0) return STEP_FILES;
    if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=16m") != 0) return STEP_FILES;
    if (seal() != 0) return STEP_FILES;
    return 0;
}
