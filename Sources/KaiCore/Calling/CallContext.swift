import Glibc
import Synchronization

/// Host state for one invoke(), reachable from kai_call.host_call.
///
/// Immutable but for an atomic flag, so plugin threads may read it
/// concurrently ([any-thread] services) while the call runs.
final class CallContext: Sendable {
    /// Tool calls nested through kai_host.call_tool deeper than this fail:
    /// an agent looping on itself must not exhaust the stack.
    static let maxDepth = 8

    let deadline: Int64
    let cancellation: CancellationToken?
    let parent: CallContext?
    let depth: Int
    /// The plugin whose serial lock this call holds, if any.
    let serialPlugin: ObjectIdentifier?
    /// The run this call belongs to: its own (CallOptions.scope) or its
    /// parent's. Host services of a plugin inside a run ask it (AgentScope).
    let scope: (any AgentScope)?
    /// The called capability's qualified name and kind: who a ParentCall
    /// built from this context says is calling.
    let caller: String
    let callerKind: Capability.Kind
    /// Set when the caller's event handler answered STOP.
    private let stopped = Atomic<Bool>(false)
    /// The call's cancel fd (kai_provider.h), made on first request.
    private let wakeup = Mutex<CancelSignal?>(nil)
    /// The scope's session id as C text for kai_host_agent_v1.session_id,
    /// made on first request, valid as long as the context.
    private let sessionText = Mutex<CText?>(nil)

    init(deadline: Int64, cancellation: CancellationToken?, parent: CallContext?, serialPlugin: ObjectIdentifier?,
         scope: (any AgentScope)? = nil, caller: String = "", callerKind: Capability.Kind = .tool) {
        self.deadline = deadline
        self.cancellation = cancellation
        self.parent = parent
        self.depth = (parent?.depth ?? -1) + 1
        self.serialPlugin = serialPlugin
        self.scope = scope ?? parent?.scope
        self.caller = caller
        self.callerKind = callerKind
    }

    /// Cancelled or stopped — this call or any call it is nested under —
    /// or past its deadline.
    var isCancelled: Bool {
        MonotonicClock.now() >= deadline || chainStoppedOrCancelled
    }

    /// A token of this call chain was cancelled, or a call of the chain was
    /// stopped by its caller's sink: a nested call ends with its parent.
    var chainStoppedOrCancelled: Bool {
        var context: CallContext? = self
        while let current = context {
            if current.stopped.load(ordering: .acquiring) || current.cancellation?.isCancelled == true { return true }
            context = current.parent
        }
        return false
    }

    /// A cancellation token of this call chain was cancelled (a stop by a
    /// sink does not count: the plugin is told through its sink's answer).
    var chainTokenCancelled: Bool {
        var context: CallContext? = self
        while let current = context {
            if current.cancellation?.isCancelled == true { return true }
            context = current.parent
        }
        return false
    }

    /// Whether any call of the chain can be cancelled through a token.
    var chainHasToken: Bool {
        var context: CallContext? = self
        while let current = context {
            if current.cancellation != nil { return true }
            context = current.parent
        }
        return false
    }

    /// What an AgentScope nests this call's own calls under.
    var parentCall: ParentCall { ParentCall(context: self, caller: caller, callerKind: callerKind) }

    /// The scope's session id, as bytes that live as long as this context
    /// (kai_host_agent_v1.session_id); empty without a scope.
    func sessionID() -> (pointer: UnsafePointer<CChar>?, count: Int) {
        guard let scope else { return (nil, 0) }
        let text = sessionText.withLock { text in
            if let text { return text }
            let made = CText(scope.sessionID)
            text = made
            return made
        }
        return (UnsafePointer(text.bytes.baseAddress), text.bytes.count - 1)
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        wakeup.withLock { signal in if let signal { CancelSignal.raise(signal.writeEnd) } }
    }

    /// kai_host_cancel_v1.cancel_fd: readable once the call is cancelled
    /// through its token (or an ancestor's) or stopped by its sink. Lives as
    /// long as the context, which outlives invoke(); -1 if none could be made.
    func cancelFD() -> Int32 {
        wakeup.withLock { signal in
            if let signal { return signal.readEnd }
            guard let made = CancelSignal.make() else { return -1 }
            signal = made
            var context: CallContext? = self
            while let current = context {
                current.cancellation?.register(made.writeEnd)
                context = current.parent
            }
            if stopped.load(ordering: .acquiring) { CancelSignal.raise(made.writeEnd) }
            return made.readEnd
        }
    }

    deinit {
        guard let signal = wakeup.withLock({ $0 }) else { return }
        var context: CallContext? = self
        while let current = context {
            current.cancellation?.unregister(signal.writeEnd)
            context = current.parent
        }
        // No token reaches it now. A token sets its flag before it raises
        // (under the lock unregister took), and stop() sets `stopped` first:
        // with neither set, it was never raised and is as good as new.
        if stopped.load(ordering: .acquiring) || chainTokenCancelled {
            signal.close()
        } else {
            CancelSignal.recycle(signal)
        }
    }

    /// True if this call or one of its ancestors holds `plugin`'s serial lock:
    /// taking it again from this chain would deadlock.
    func chainHoldsSerialLock(of plugin: ObjectIdentifier) -> Bool {
        var context: CallContext? = self
        while let current = context {
            if current.serialPlugin == plugin { return true }
            context = current.parent
        }
        return false
    }
}

/// NUL-terminated C text owned by Swift, freed with its owner.
/// @unchecked: written once in init, then only read.
final class CText: @unchecked Sendable {
    let bytes: UnsafeMutableBufferPointer<CChar>

    init(_ text: String) {
        let utf8 = Array(text.utf8CString)
        bytes = .allocate(capacity: utf8.count)
        _ = bytes.initialize(from: utf8)
    }

    deinit { bytes.deallocate() }
}
