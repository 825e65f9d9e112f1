import Synchronization

/// The in-process calls running right now, process-wide, so a handler that
/// runs when a plugin ends the process from inside a call (exit(),
/// quick_exit()) can say which plugin and tool did it.
public enum ActiveInProcessCalls {
    public struct Call: Sendable, Equatable {
        public let plugin: String
        public let tool: String
    }

    /// In start order. An array, not a dictionary: calls mostly end in
    /// reverse order (nested calls), so leaving finds its entry at the end,
    /// and the hot path does no hashing.
    private static let calls = Mutex<[(id: UInt64, call: Call)]>([])
    private static let nextID = Atomic<UInt64>(0)
    private static let last = Mutex<Call?>(nil)

    static func enter(plugin: String, tool: String) -> UInt64 {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let call = Call(plugin: plugin, tool: tool)
        calls.withLock { $0.append((id, call)) }
        last.withLock { $0 = call }
        return id
    }

    /// The in-process call started last, running or not: the likeliest
    /// author of an exit() that comes when no call is running.
    public static var lastStarted: Call? {
        last.withLock { $0 }
    }

    static func leave(_ id: UInt64) {
        calls.withLock { calls in
            if let index = calls.lastIndex(where: { $0.id == id }) { calls.remove(at: index) }
        }
    }

    /// The most recently started call still running, if any. Safe from an
    /// exit handler: the lock is only ever held for an append or a removal.
    public static var latest: Call? {
        calls.withLock { $0.last?.call }
    }
}
