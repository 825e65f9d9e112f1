import Synchronization

/// Lets a caller cancel calls in flight (e.g. on Ctrl-C). Plugins observe it
/// through kai_host.is_cancelled; child tool calls share their parent's token.
public final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() {
        flag.store(true, ordering: .releasing)
    }

    public var isCancelled: Bool {
        flag.load(ordering: .acquiring)
    }
}
