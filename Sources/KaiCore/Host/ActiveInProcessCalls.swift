import Synchronization

/// The in-process calls running right now, process-wide, so a handler that
/// runs when a plugin ends the process from inside a call (exit(),
/// quick_exit()) can say which plugin and tool did it.
public enum ActiveInProcessCalls {
    public struct Call: Sendable, Equatable {
        public let plugin: String
        public let tool: String
    }

    private static let calls = Mutex<[UInt64: Call]>([:])
    private static let nextID = Atomic<UInt64>(0)

    static func enter(plugin: String, tool: String) -> UInt64 {
        let id = nextID.add(1, ordering: .relaxed).newValue
        calls.withLock { $0[id] = Call(plugin: plugin, tool: tool) }
        return id
    }

    static func leave(_ id: UInt64) {
        _ = calls.withLock { $0.removeValue(forKey: id) }
    }

    /// The most recently started call still running, if any. Safe from an
    /// exit handler: the lock is only ever held for a dictionary update.
    public static var latest: Call? {
        calls.withLock { calls in calls.max { $0.key < $1.key }?.value }
    }
}
