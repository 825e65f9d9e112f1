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
    /// Set when the caller's event handler answered STOP.
    private let stopped = Atomic<Bool>(false)
    /// The call's cancel fd (kai_provider.h), made on first request.
    private let wakeup = Mutex<CancelSignal?>(nil)

    init(deadline: Int64, cancellation: CancellationToken?, parent: CallContext?, serialPlugin: ObjectIdentifier?) {
        self.deadline = deadline
        self.cancellation = cancellation
        self.parent = parent
        self.depth = (parent?.depth ?? -1) + 1
        self.serialPlugin = serialPlugin
    }

    var isCancelled: Bool {
        stopped.load(ordering: .acquiring) || cancellation?.isCancelled == true || MonotonicClock.now() >= deadline
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        wakeup.withLock { signal in if let signal { CancelSignal.raise(signal.writeEnd) } }
    }

    /// kai_host_cancel_v1.cancel_fd: readable once the call is cancelled
    /// through its token (or an ancestor's) or stopped by its sink. Lives as
    /// long as the context, which outlives invoke(); -1 if no pipe could be made.
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
        signal.close()
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
