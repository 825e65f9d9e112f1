import Foundation

/// Counts a plugin's calls in flight and closes for good at shutdown.
///
/// The ABI promises destroy() runs only when no invoke() is running, so
/// shutdown closes the gate (later calls are refused, not handed a fresh
/// instance) and waits for the calls already inside to come out.
///
/// `@unchecked Sendable`: every field is read and written under `condition`.
final class CallGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var inFlight = 0
    private var closed = false

    /// Admits a call; false once the gate is closed.
    func enter() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        inFlight += 1
        return true
    }

    func leave() {
        condition.lock()
        inFlight -= 1
        if inFlight == 0 { condition.broadcast() }
        condition.unlock()
    }

    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    /// Closes the gate and waits until no call is inside or `deadline`
    /// (MonotonicClock) passes; returns how many calls are still running.
    func close(waitingUntil deadline: Int64) -> Int {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        while inFlight > 0 {
            let left = deadline - MonotonicClock.now()
            guard left > 0 else { break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(left) / 1e9))
        }
        return inFlight
    }
}
