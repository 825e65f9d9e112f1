import Dispatch
import Synchronization

/// Counts a plugin's calls in flight and closes for good at shutdown.
///
/// The ABI promises destroy() runs only when no invoke() is running, so
/// shutdown closes the gate (later calls are refused, not handed a fresh
/// instance) and waits for the calls already inside to come out. Entering
/// and leaving take one uncontended lock each: they are on every call.
final class CallGate: Sendable {
    private struct State {
        var inFlight = 0
        var closed = false
    }

    private let state = Mutex(State())
    /// Signalled by the last call to leave once the gate is closed.
    private let drained = DispatchSemaphore(value: 0)

    /// Admits a call; false once the gate is closed.
    func enter() -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.inFlight += 1
            return true
        }
    }

    func leave() {
        let last = state.withLock { state in
            state.inFlight -= 1
            return state.closed && state.inFlight == 0
        }
        if last { drained.signal() }
    }

    /// Closes the gate and waits until no call is inside or `deadline`
    /// (MonotonicClock) passes; returns how many calls are still running.
    /// Called once, at shutdown.
    func close(waitingUntil deadline: Int64) -> Int {
        let running = state.withLock { state in
            state.closed = true
            return state.inFlight
        }
        guard running > 0 else { return 0 }
        let left = deadline == MonotonicClock.noDeadline ? nil : max(deadline - MonotonicClock.now(), 0)
        _ = drained.wait(timeout: left.map { .now() + .nanoseconds(Int(clamping: $0)) } ?? .distantFuture)
        return state.withLock { $0.inFlight }
    }
}
