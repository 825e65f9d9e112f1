import Glibc

/// A mutex with one condition variable whose timed waits use
/// CLOCK_MONOTONIC, the clock of the ABI's deadlines (NSCondition waits on
/// wall-clock time, which jumps).
///
/// `@unchecked Sendable`: the pthread objects are allocated once, never
/// moved, and only touched through pthread calls, which are thread-safe.
package final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    package init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }

    package func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Waits with the lock held until woken or `deadline` (monotonic ns;
    /// MonotonicClock.noDeadline waits without limit). Callers re-check
    /// their condition either way: wake-ups may be spurious.
    package func wait(until deadline: Int64) {
        guard deadline != MonotonicClock.noDeadline else {
            pthread_cond_wait(condition, mutex)
            return
        }
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        _ = pthread_cond_timedwait(condition, mutex, &ts)
    }

    package func broadcast() { pthread_cond_broadcast(condition) }
}
