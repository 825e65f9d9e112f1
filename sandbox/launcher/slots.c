/*
 * slots.c — network namespaces kept for the next run, one per "slot"
 * (sandboxes that run at the same time hold different slots), for a
 * launcher running as root.
 *
 * Why: creating a network namespace costs ~0.45 ms and destroying one ~1 ms
 * of the kernel's cleanup_net work, per run: for kai eval, thousands of
 * short runs on two cores, that was a quarter of all the CPU time.
 *
 * What may be handed on: only a namespace no program has touched. A
 * namespace keeps state that a program can set and a later one read — the
 * counters in /proc/net/snmp, sockets kept alive in flight past their
 * process; a review found that the first version of this file, which
 * handed on every namespace, leaked exactly that. Nothing reaches that
 * state but socket() and socketpair() (io_uring, foreign ABIs, unshare and
 * setns are denied; /proc/sys/net is not writable for the sandbox's uid),
 * and the seccomp filter reports those to init, which tells the supervisor
 * (KS_REC_NETWORK). So a run that never made a socket gives its namespace
 * back; one that did lets it die, and the slot's next run waits for a new
 * one to be made.
 *
 * Slot N is held through an exclusive flock on
 * /run/kai-sandbox/slots/slot-N.lock by the one launcher using it (and by init, which inherits the fd); the
 * kernel drops it when both are gone, even on SIGKILL. Its waiting
 * namespace is pinned by a bind mount on /run/kai-sandbox/slots/net-N, and
 * the lock file's content, "fresh", says it is unused. A run overwrites it
 * with "taken" when it takes the namespace (so a run that dies half-way
 * hands nothing on) and writes "fresh" back at the end only if the run
 * finished without using the network. The marker lives in the file the run
 * already holds, overwritten in place, not in a file of its own: creating
 * and removing a file take its directory's lock, which every concurrent
 * run queued on twice per run, and truncating one (on ext4, as /run is on
 * some machines) takes the file system's orphan lock and journal
 * (bench/RESULTS.md, "kai eval at many workers"). When nothing is
 * waiting, init makes the run's own namespace (as without slots) and the
 * supervisor makes the slot's next one while the program runs.
 *
 * Not used (init makes a fresh namespace every time): without root, with
 * --allow-loopback (bringing lo up is state), without seccomp (use could
 * not be seen), or when /run/kai-sandbox cannot be used. Protection is the
 * same either way; only speed differs. To release waiting namespaces:
 * umount /run/kai-sandbox/slots/net-* (and /run/kai-sandbox/net-*, where
 * launchers before the in-file marker kept theirs).
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLOT_BASE "/run/kai-sandbox"
/* Not SLOT_BASE itself, where launchers before the in-file marker kept
 * their slots (net-N.fresh beside net-N): an older launcher running on the
 * same machine could take a namespace this one had marked taken, or the
 * reverse. Separate directories give the two separate namespaces. */
#define SLOT_DIR SLOT_BASE "/slots"
#define MAX_SLOTS 1024
#define FRESH "fresh"
#define TAKEN "taken" /* as long as FRESH: the file never changes size */

/* The held slot's lock file (also its marker), or -1. */
static int slot_fd = -1;

static int open_slot_file(const char *path)
{
    /* Close-on-exec keeps it from the program; init, which never execs,
     * keeps a copy, so the slot stays held until init is gone too. */
    return open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

int ks_slot_acquire(void)
{
    /* The lowest free slot: the number of namespaces kept waiting stays at
     * the largest number of sandboxes that ever ran at once. */
    for (int slot = 0; slot < MAX_SLOTS; slot++) {
        char path[64];
        snprintf(path, sizeof path, SLOT_DIR "/slot-%d.lock", slot);
        int fd = open_slot_file(path);
        /* The directory is made once, not tried on every run: even a
         * mkdir that finds it there takes /run's lock. */
        if (fd < 0 && errno == ENOENT && slot == 0) {
            if ((mkdir(SLOT_BASE, 0700) < 0 && errno != EEXIST) || (mkdir(SLOT_DIR, 0700) < 0 && errno != EEXIST)) return -1;
            fd = open_slot_file(path);
        }
        if (fd < 0) return -1;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            slot_fd = fd; /* stays open: it is the lock */
            return slot;
        }
        int saved = errno;
        if (close(fd) < 0) die_with_error("close");
        if (saved != EWOULDBLOCK) return -1;
    }
    return -1;
}

/* Writes the marker (FRESH or TAKEN) into the held lock file. */
static bool mark(const char *marker)
{
    return pwrite(slot_fd, marker, sizeof FRESH - 1, 0) == (ssize_t)(sizeof FRESH - 1);
}

static void slot_path(int slot, char *path, size_t cap) { snprintf(path, cap, SLOT_DIR "/net-%d", slot); }

bool ks_slot_take_netns(int slot)
{
    /* The marker says the pinned namespace has never been entered by a run.
     * Overwriting it is the claim (we hold the slot's lock): if this run dies
     * before refilling, the next one finds no marker and does not enter a
     * namespace that a program may have used. */
    char marker[sizeof FRESH];
    if (pread(slot_fd, marker, sizeof FRESH - 1, 0) != (ssize_t)(sizeof FRESH - 1) ||
        memcmp(marker, FRESH, sizeof FRESH - 1) != 0 || !mark(TAKEN))
        return false;
    char path[64];
    slot_path(slot, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    int rc = setns(fd, CLONE_NEWNET); /* EINVAL: not a namespace (the mount went with a reboot) */
    if (close(fd) < 0) die_with_error("close");
    return rc == 0;
}

void ks_slot_return_netns(int slot, bool unused)
{
    char path[64];
    if (unused) {
        if (!mark(FRESH)) ks_trace("sup", "slot: the namespace could not be marked unused");
        return;
    }
    /* Used: unpinned, it dies with this run; the next run makes a new one. */
    slot_path(slot, path, sizeof path);
    while (umount2(path, MNT_DETACH) == 0) {}
}

void ks_slot_refill_netns(int slot)
{
    char path[64];
    slot_path(slot, path, sizeof path);
    /* Unpin whatever is left there (a run that died before returning its
     * namespace), so no later run can enter it. */
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
    if (!mark(FRESH)) ks_trace("sup", "slot: the fresh marker could not be written");
}
