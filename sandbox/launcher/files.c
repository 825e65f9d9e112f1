/*
 * files.c — --files: the program's input files.
 *
 * The supervisor reads the tree into memory before clone (regular files and
 * directories only; symlinks and special files are skipped, never followed),
 * so the sandbox's init — which runs as the unprivileged sandbox user and may
 * not be able to read the host directory — only writes them into /work.
 * Inputs are source files: the total is capped by the work directory's size.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void add(ks_files *files, const char *path, bool dir, bool exec, unsigned char *data, size_t len)
{
    if (files->count == files->cap) {
        files->cap = files->cap ? files->cap * 2 : 16;
        files->items = xrealloc(files->items, files->cap * sizeof *files->items);
    }
    ks_file *f = &files->items[files->count++];
    f->path = strdup(path);
    if (!f->path) die("out of memory");
    f->is_dir = dir;
    f->executable = exec;
    f->data = data;
    f->len = len;
}

static unsigned char *slurp(int dir, const char *name, const char *path, size_t size, size_t *left)
{
    if (size > *left) die("--files: \"%s\" does not fit in the work directory; fix: raise --workdir-mb", path);
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) die_with_error("--files: opening \"%s\"", path);
    unsigned char *data = xmalloc(size);
    if (size && read_full(fd, data, size) < 0) die_with_error("--files: reading \"%s\" (changed while reading?)", path);
    if (close(fd) < 0) die_with_error("--files: close");
    *left -= size;
    return data;
}

static void walk(int dir, const char *prefix, ks_files *files, size_t *left, int depth)
{
    if (depth > 64) die("--files: directories nested deeper than 64 levels under \"%s\"", prefix);
    int scan = dup(dir);
    if (scan < 0) die_with_error("--files: dup");
    DIR *d = fdopendir(scan);
    if (!d) die_with_error("--files: fdopendir");
    struct dirent *e;
    while ((errno = 0, e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "/" : "", e->d_name) >= (int)sizeof path)
            die("--files: path too long under \"%s\"", prefix);
        struct stat st;
        if (fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) die_with_error("--files: stat \"%s\"", path);
        if (S_ISREG(st.st_mode)) {
            add(files, path, false, st.st_mode & 0111, slurp(dir, e->d_name, path, (size_t)st.st_size, left), (size_t)st.st_size);
        } else if (S_ISDIR(st.st_mode)) {
            add(files, path, true, false, NULL, 0);
            int sub = openat(dir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) die_with_error("--files: opening directory \"%s\"", path);
            walk(sub, path, files, left, depth + 1);
            if (close(sub) < 0) die_with_error("--files: close");
        }
    }
    if (errno) die_with_error("--files: readdir");
    if (closedir(d) < 0) die_with_error("--files: closedir");
}

void ks_files_load(const char *dir, size_t max_total, ks_files *files)
{
    memset(files, 0, sizeof *files);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) die_with_error("--files: cannot open directory \"%s\"", dir);
    size_t left = max_total;
    walk(fd, "", files, &left, 0);
    if (close(fd) < 0) die_with_error("--files: close");
}

void ks_files_write(const ks_files *files, int work)
{
    for (size_t i = 0; i < files->count; i++) {
        const ks_file *f = &files->items[i];
        /* Permissive modes: /work is private to this run. */
        if (f->is_dir) {
            if (mkdirat(work, f->path, 0777) < 0) die_with_error("--files: mkdir /work/%s", f->path);
            continue;
        }
        int fd = openat(work, f->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, f->executable ? 0777 : 0666);
        if (fd < 0) die_with_error("--files: creating /work/%s", f->path);
        if (write_full(fd, f->data, f->len) < 0) {
            if (errno == ENOSPC) die("--files: /work/%s does not fit in the work directory; fix: raise --workdir-mb", f->path);
            die_with_error("--files: writing /work/%s", f->path);
        }
        if (close(fd) < 0) die_with_error("--files: close");
    }
}
