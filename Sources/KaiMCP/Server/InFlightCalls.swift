import Dispatch
import Foundation
import KaiCore
import Synchronization

/// The calls running in a server, so that shutdown can stop taking new ones
/// and drain the rest within a bound: wait, then cancel, then wait again.
final class InFlightCalls: Sendable {
    private struct State {
        var accepting = true
        var running: [ObjectIdentifier: CancellationToken] = [:]
    }

    private let state = Mutex(State())
    private let changed = DispatchSemaphore(value: 0)

    /// Registers a call; false once the server is shutting down.
    func begin(_ token: CancellationToken) -> Bool {
        state.withLock { state in
            guard state.accepting else { return false }
            state.running[ObjectIdentifier(token)] = token
            return true
        }
    }

    func end(_ token: CancellationToken) {
        state.withLock { _ = $0.running.removeValue(forKey: ObjectIdentifier(token)) }
        changed.signal()
    }

    var count: Int { state.withLock { $0.running.count } }

    /// Stops taking calls, waits up to `seconds` for those in flight, then
    /// cancels the rest and waits as long again. Returns how many were
    /// still running at the end.
    @discardableResult
    func drain(seconds: Double) -> Int {
        state.withLock { $0.accepting = false }
        if waitUntilIdle(seconds: seconds) { return 0 }
        for token in state.withLock({ Array($0.running.values) }) { token.cancel() }
        _ = waitUntilIdle(seconds: seconds)
        return count
    }

    private func waitUntilIdle(seconds: Double) -> Bool {
        let end = DispatchTime.now() + seconds
        while count > 0 {
            if changed.wait(timeout: end) == .timedOut { return count == 0 }
        }
        return true
    }
}
