/*
 * slots.c — reusable network namespaces, one per concurrently running
 * sandbox ("slot"), for a launcher running as root.
 *
 * Why: creating a network namespace costs ~0.45 ms per run, and destroying
 * one costs as much again in the kernel's cleanup_net worker, which on a
 * 2-core machine runs during the next sandbox. An empty namespace (not even
 * lo up) keeps no state a sandbox can change: its uid 65534 has no
 * capability over a namespace owned by the host's user namespace, so it
 * cannot add interfaces, routes, rules or sysctls; sockets, abstract unix
 * names included, die with the processes that hold them, and every
 * process of a run is dead before its slot is released (the slot's lock
 * is held by init too, and init exits last). What must never happen is
 * two runs in one namespace at the same time: their abstract unix sockets
 * could meet. Hence slots: slot N is held through an exclusive flock on
 * /run/kai-sandbox/slot-N.lock by the one launcher using it (released by
 * the kernel when its last holder exits, even on SIGKILL), and its
 * namespace is kept alive by a bind mount on /run/kai-sandbox/net-N.
 *
 * Not used (ks_slot_acquire returns -1 and init makes a fresh namespace
 * owned by the sandbox's user namespace, as before): without root, with
 * --allow-loopback (bringing lo up is state), or when /run/kai-sandbox
 * cannot be used. Protection is the same either way; only speed differs.
 * To release the namespaces: umount /run/kai-sandbox/net-*.
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLOT_DIR "/run/kai-sandbox"
#define MAX_SLOTS 1024

int ks_slot_acquire(void)
{
    if (mkdir(SLOT_DIR, 0700) < 0 && errno != EEXIST) return -1;
    /* The lowest free slot: the number of namespaces kept stays at the
     * largest number of sandboxes that ever ran at once. */
    for (int slot = 0; slot < MAX_SLOTS; slot++) {
        char path[64];
        snprintf(path, sizeof path, SLOT_DIR "/slot-%d.lock", slot);
        /* Not close-on-exec would leak it into the program; init, which
         * never execs, keeps a copy, so the slot stays held until init is
         * gone too. */
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) return -1;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) return slot; /* fd stays open: it is the lock */
        int saved = errno;
        if (close(fd) < 0) die_with_error("close");
        if (saved != EWOULDBLOCK) return -1;
    }
    return -1;
}

bool ks_slot_enter_netns(int slot)
{
    char path[64];
    snprintf(path, sizeof path, SLOT_DIR "/net-%d", slot);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        /* EINVAL: a plain file, not a namespace (first use, or the mount
         * went away with a reboot); made below. */
        int rc = setns(fd, CLONE_NEWNET);
        if (close(fd) < 0) die_with_error("close");
        if (rc == 0) return true;
        if (errno != EINVAL) return false;
    }
    /* A new namespace for this slot, entered by the supervisor itself (it
     * needs no network) and pinned by a bind mount for the next runs. */
    if (unshare(CLONE_NEWNET) < 0) return false;
    fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || close(fd) < 0 || mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
        ks_trace("sup", "slot: network namespace not pinned (made for this run only)");
    return true;
}
