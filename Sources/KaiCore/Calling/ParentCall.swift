/// A running call that makes calls of its own: what an AgentScope gets to
/// nest its tool, provider and agent calls under (CallOptions.parent), so
/// they inherit the caller's deadline, cancellation, nesting depth and
/// scope, exactly as kai_host.call_tool's children do.
public struct ParentCall: Sendable {
    let context: CallContext
    /// The calling capability's qualified name (e.g. "dev.kai.agents.assistant").
    public let caller: String
    /// The calling capability's kind.
    public let callerKind: Capability.Kind

    init(context: CallContext, caller: String, callerKind: Capability.Kind) {
        self.context = context
        self.caller = caller
        self.callerKind = callerKind
    }

    /// True once the call was cancelled, stopped, or ran past its deadline.
    public var isCancelled: Bool { context.isCancelled }
    /// The absolute CLOCK_MONOTONIC deadline in nanoseconds (Int64.max: none).
    public var deadline: Int64 { context.deadline }
    /// 0 for a top-level call, one more per nesting level.
    public var depth: Int { context.depth }
}
