import Glibc

/// Whether a pipe reader polls before it blocks, and for how long.
///
/// Why poll at all: on a small VM (measured on a 2-vCPU Firecracker guest
/// with guest halt-polling off) a vCPU with nothing to run halts, and a
/// pipe write that wakes a reader on a halted vCPU costs an inter-processor
/// interrupt through the hypervisor: ~20–40 µs, several times the rest of a
/// round trip. A worker's round trip is two such wake-ups when both sides
/// block (~45 µs measured) and none when both sides are still polling
/// (~5 µs). So a reader first polls for up to `budget` before it blocks:
/// the host right after sending a request, the worker right after
/// answering one. It only ever happens right after a frame was exchanged,
/// so an idle host or worker spends at most one budget of CPU, then sleeps.
///
/// Why 50 µs: longer than a halted vCPU's wake-up, so one late frame (a
/// preempted peer) does not leave both sides blocking, each answering too
/// late for the other's poll; a 10 µs budget measurably fell into that
/// state. Short enough that a miss costs little next to the wake-up that
/// follows it.
///
/// Why back off: polling only pays when the peer runs on another CPU and
/// answers quickly. When it shares our CPU (the other one busy) a poll only
/// delays it — both sides polling out their budgets in turn made a round
/// trip ~50 µs, worse than blocking — and a slow plugin or an idle gap
/// makes every poll a miss. So after a miss the next read blocks at once,
/// after another miss the next two, then four, up to `maxSkip`; a hit
/// starts over. Steady misses then cost one budget per `maxSkip` reads,
/// while a single miss (the peer preempted once) costs one blocking read.
///
/// Touched only by the thread holding a FrameMux's reader role.
struct ReadSpin {
    static let budget: Int64 = 50_000
    static let firstSkip = 1
    static let maxSkip = 1024

    /// Reads left that block without polling.
    private var skipping = 0
    /// How many reads to skip after the next miss.
    private var nextSkip = ReadSpin.firstSkip

    /// Polls `fd` for readability for up to `budget` (never past
    /// `deadline`, monotonic ns) unless backing off. True when read() will
    /// not block (data, end of file or an error to report); false when the
    /// caller should block as before.
    mutating func awaitReadable(_ fd: Int32, until deadline: Int64) -> Bool {
        if skipping > 0 {
            skipping -= 1
            return false
        }
        let stop = min(deadline, MonotonicClock.now() &+ ReadSpin.budget)
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        repeat {
            // A zero-timeout poll never sleeps; each try is a system call,
            // which already paces the loop (no pause instruction needed).
            if poll(&descriptor, 1, 0) > 0 {
                nextSkip = ReadSpin.firstSkip
                return true
            }
        } while MonotonicClock.now() < stop
        skipping = nextSkip
        nextSkip = min(nextSkip * 2, ReadSpin.maxSkip)
        return false
    }
}
