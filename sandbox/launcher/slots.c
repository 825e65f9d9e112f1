/*
 * slots.c — network namespaces made ahead of time, one waiting per "slot"
 * (sandboxes that run at the same time hold different slots), for a
 * launcher running as root.
 *
 * Why: creating a network namespace costs ~0.45 ms, and in clone3 (or in
 * init, before it can build the file system) that time is on the run's
 * critical path. A run instead takes the namespace its slot has waiting,
 * unpins it so that it is used by this run only, and — while its program
 * runs and the supervisor would only wait — makes and pins the next one.
 *
 * Never reused: a namespace a program has run in keeps state that program
 * could set and a later one read (the counters in /proc/net/snmp and
 * netstat, a unix socket kept alive in flight past its process); a review
 * found that the first version of this file, which reused them, leaked
 * exactly that between runs. A namespace waiting in a slot has never had
 * a process in it but the supervisor that made it.
 *
 * Slot N is held through an exclusive flock on /run/kai-sandbox/slot-N.lock
 * by the one launcher using it (and by init, which inherits the fd); the
 * kernel drops it when both are gone, even on SIGKILL. Its waiting
 * namespace is pinned by a bind mount on /run/kai-sandbox/net-N, and the
 * file net-N.fresh says it is unused; a run removes the marker when it
 * takes the namespace, and unpins it when it refills the slot.
 *
 * Not used (init makes a fresh namespace owned by the sandbox's user
 * namespace, as without slots): without root, with --allow-loopback, when
 * /run/kai-sandbox cannot be used, or when the slot has nothing waiting
 * (its first run, or the last one died before refilling). Protection is
 * the same either way; only speed differs. To release waiting namespaces:
 * umount /run/kai-sandbox/net-*.
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
    /* The lowest free slot: the number of namespaces kept waiting stays at
     * the largest number of sandboxes that ever ran at once. */
    for (int slot = 0; slot < MAX_SLOTS; slot++) {
        char path[64];
        snprintf(path, sizeof path, SLOT_DIR "/slot-%d.lock", slot);
        /* Close-on-exec keeps it from the program; init, which never execs,
         * keeps a copy, so the slot stays held until init is gone too. */
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) return -1;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) return slot; /* fd stays open: it is the lock */
        int saved = errno;
        if (close(fd) < 0) die_with_error("close");
        if (saved != EWOULDBLOCK) return -1;
    }
    return -1;
}

static void slot_path(int slot, char *path, size_t cap) { snprintf(path, cap, SLOT_DIR "/net-%d", slot); }
static void fresh_path(int slot, char *path, size_t cap) { snprintf(path, cap, SLOT_DIR "/net-%d.fresh", slot); }

bool ks_slot_take_netns(int slot)
{
    /* The marker says the pinned namespace has never been entered by a run.
     * Removing it is the claim (we hold the slot's lock): if this run dies
     * before refilling, the next one finds no marker and does not enter a
     * namespace that a program may have used. */
    char path[64];
    fresh_path(slot, path, sizeof path);
    if (unlink(path) < 0) return false;
    slot_path(slot, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    int rc = setns(fd, CLONE_NEWNET); /* EINVAL: not a namespace (the mount went with a reboot) */
    if (close(fd) < 0) die_with_error("close");
    return rc == 0;
}

void ks_slot_refill_netns(int slot)
{
    char path[64], fresh[64];
    slot_path(slot, path, sizeof path);
    fresh_path(slot, fresh, sizeof fresh);
    /* Unpin the namespace this run took (or a stale one), so no later run
     * can enter it; it lives on while this run's processes are in it. */
    while (umount2(path, MNT_DETACH) == 0) {}
    /* The supervisor moves into the new namespace itself (it needs no
     * network; init and the program keep theirs) and pins it. */
    if (unshare(CLONE_NEWNET) < 0) {
        ks_trace("sup", "slot: no namespace made for the next run (unshare failed)");
        return;
    }
    int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || close(fd) < 0 || mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0) {
        ks_trace("sup", "slot: the namespace for the next run could not be pinned");
        return;
    }
    fd = open(fresh, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || close(fd) < 0) ks_trace("sup", "slot: the fresh marker could not be written");
}
