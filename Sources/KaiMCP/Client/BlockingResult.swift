import KaiCore

/// A value handed from an async task to a thread blocked in Kai's
/// synchronous call path (PluginHost.call): the task sets it once, the
/// thread waits for it until a deadline.
///
/// `@unchecked Sendable`: `value` is only touched under `monitor`.
final class BlockingResult<Value: Sendable>: @unchecked Sendable {
    private let monitor = Monitor()
    private var value: Value?

    /// Sets the value unless one was set before; wakes the waiter.
    func finish(_ newValue: Value) {
        monitor.withLock {
            if value == nil { value = newValue }
            monitor.broadcast()
        }
    }

    /// The value, once set before `deadline` (monotonic ns); nil at the
    /// deadline, or when `poll` (asked every 5 ms, when given) says stop.
    func wait(until deadline: Int64, stopWhen poll: (() -> Bool)? = nil) -> Value? {
        monitor.lock()
        defer { monitor.unlock() }
        while value == nil {
            let now = MonotonicClock.now()
            if now >= deadline { return nil }
            if let poll {
                monitor.unlock()
                let stop = poll()
                monitor.lock()
                if stop { return value }
                monitor.wait(until: min(deadline, now + 5_000_000))
            } else {
                monitor.wait(until: deadline)
            }
        }
        return value
    }
}
