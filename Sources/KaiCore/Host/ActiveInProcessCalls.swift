import Synchronization

/// The in-process calls running right now, process-wide, so a handler that
/// runs when a plugin ends the process from inside a call (exit(),
/// quick_exit()) can say which plugin and tool did it.
public enum ActiveInProcessCalls {
    public struct Call: Sendable, Equatable {
        public let plugin: String
        public let tool: String
    }

    /// In start order, and the call started last (running or not). One lock
    /// for both: this is on every in-process call. An array, not a
    /// dictionary: calls mostly end in reverse order (nested calls), so
    /// leaving finds its entry at the end, and the hot path does no hashing.
    private struct State {
        var calls: [(id: UInt64, call: Call)] = []
        var last: Call?
        var nextID: UInt64 = 0
    }

    private static let state = Mutex(State())
    private static let tracking = Atomic<Bool>(false)

    /// Starts recording calls; only a host that can use the record (one that
    /// installs an exit handler naming the culprit, as `kai` does) pays for
    /// it — a lock and two string copies on every in-process call.
    public static func startTracking() {
        tracking.store(true, ordering: .releasing)
    }

    static var isTracking: Bool { tracking.load(ordering: .acquiring) }

    static func enter(plugin: String, tool: String) -> UInt64 {
        let call = Call(plugin: plugin, tool: tool)
        return state.withLock { state in
            state.nextID &+= 1
            state.calls.append((state.nextID, call))
            state.last = call
            return state.nextID
        }
    }

    /// The in-process call started last, running or not: the likeliest
    /// author of an exit() that comes when no call is running.
    public static var lastStarted: Call? {
        state.withLock { $0.last }
    }

    static func leave(_ id: UInt64) {
        state.withLock { state in
            if state.calls.last?.id == id {
                state.calls.removeLast()
            } else if let index = state.calls.lastIndex(where: { $0.id == id }) {
                state.calls.remove(at: index)
            }
        }
    }

    /// The most recently started call still running, if any. Safe from an
    /// exit handler: the lock is only ever held for an append or a removal.
    public static var latest: Call? {
        state.withLock { $0.calls.last?.call }
    }
}
