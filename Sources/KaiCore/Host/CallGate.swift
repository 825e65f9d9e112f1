import Dispatch
import Synchronization

/// Counts a plugin's calls in flight and closes for good at shutdown.
///
/// The ABI promises destroy() runs only when no invoke() is running, so
/// shutdown closes the gate (later calls are refused, not handed a fresh
/// instance) and waits for the calls already inside to come out.
///
/// One atomic word holds both the count (low bits) and the closed flag (top
/// bit), so entering and leaving — on every in-process call — are one atomic
/// add each, not a lock. Whoever brings the count to zero after the gate
/// closed (the last call out, or a refused caller backing out) signals.
final class CallGate: Sendable {
    private static let closedBit = 1 << (Int.bitWidth - 2)

    private let word = Atomic<Int>(0)
    /// Signalled when the count reaches zero with the gate closed.
    private let drained = DispatchSemaphore(value: 0)

    /// Admits a call; false once the gate is closed.
    func enter() -> Bool {
        let now = word.add(1, ordering: .acquiring).newValue
        guard now & Self.closedBit != 0 else { return true }
        leave()  // refused: back out, signalling if that empties a closed gate
        return false
    }

    func leave() {
        let now = word.subtract(1, ordering: .releasing).newValue
        if now == Self.closedBit { drained.signal() }
    }

    /// Closes the gate and waits until no call is inside or `deadline`
    /// (MonotonicClock) passes; returns how many calls are still running.
    /// Called once, at shutdown.
    func close(waitingUntil deadline: Int64) -> Int {
        let before = word.bitwiseOr(Self.closedBit, ordering: .acquiringAndReleasing).oldValue
        var running = before & ~Self.closedBit
        let left = deadline == MonotonicClock.noDeadline ? nil : max(deadline - MonotonicClock.now(), 0)
        let until: DispatchTime = left.map { .now() + .nanoseconds(Int(clamping: $0)) } ?? .distantFuture
        // A refused caller's brief +1/-1 may signal too: re-check the count
        // after each wake-up instead of trusting one signal.
        while running > 0 {
            if drained.wait(timeout: until) == .timedOut { break }
            running = word.load(ordering: .acquiring) & ~Self.closedBit
        }
        return word.load(ordering: .acquiring) & ~Self.closedBit
    }
}
