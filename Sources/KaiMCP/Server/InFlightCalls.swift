import Dispatch
import Foundation
import KaiCore
import Synchronization

/// The calls running in a server, so that it can cap how many run at once
/// (each holds a thread) and so that shutdown can stop taking new ones and
/// drain the rest within a bound: wait, then cancel, then wait again.
final class InFlightCalls: Sendable {
    private struct State {
        var accepting = true
        var running: [ObjectIdentifier: CancellationToken] = [:]
    }

    /// Why a call was not admitted.
    enum Refusal: Equatable {
        case shuttingDown
        case full(limit: Int)
    }

    /// How a drain ended.
    struct Drained: Equatable {
        /// Calls still running after the drain cancelled them (kai exits without them).
        var unfinished = 0
        /// Calls the drain had to cancel (they did not finish within the bound).
        var cancelled = 0
    }

    private let state = Mutex(State())
    private let changed = DispatchSemaphore(value: 0)
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Registers a call, or says why not: the server is shutting down, or
    /// `limit` calls are already running.
    func begin(_ token: CancellationToken) -> Refusal? {
        state.withLock { state in
            guard state.accepting else { return .shuttingDown }
            guard state.running.count < limit else { return .full(limit: limit) }
            state.running[ObjectIdentifier(token)] = token
            return nil
        }
    }

    func end(_ token: CancellationToken) {
        state.withLock { _ = $0.running.removeValue(forKey: ObjectIdentifier(token)) }
        changed.signal()
    }

    var count: Int { state.withLock { $0.running.count } }

    /// Stops taking calls.
    func stopAccepting() {
        state.withLock { $0.accepting = false }
    }

    /// Stops taking calls, waits up to `seconds` for those in flight, then
    /// cancels the rest and waits as long again.
    @discardableResult
    func drain(seconds: Double) -> Drained {
        stopAccepting()
        if waitUntilIdle(seconds: seconds) { return Drained() }
        let late = state.withLock { Array($0.running.values) }
        for token in late { token.cancel() }
        _ = waitUntilIdle(seconds: seconds)
        return Drained(unfinished: count, cancelled: late.count)
    }

    private func waitUntilIdle(seconds: Double) -> Bool {
        let end = DispatchTime.now() + seconds
        while count > 0 {
            if changed.wait(timeout: end) == .timedOut { return count == 0 }
        }
        return true
    }
}
