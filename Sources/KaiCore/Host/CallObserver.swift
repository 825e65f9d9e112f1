/// One finished call of a tool or provider, as the host saw it: enough for a performance
/// record and a call-log row. Arguments and result bytes are included so an
/// observer can log payloads when the operator enabled it; they must never be
/// logged otherwise.
public struct CallReport: Sendable {
    public let tool: String
    public let plugin: String
    public let capabilityKind: Capability.Kind
    /// Wall-clock start, seconds since 1970.
    public let startedAt: Double
    public let durationNanoseconds: Int64
    /// .ok, or the code of the error (CallError.code).
    public let code: ResultCode
    /// What went wrong, for failures (CallError.kind).
    public let errorKind: ErrorKind?
    public let taskType: String?
    public let arguments: [UInt8]
    public let result: [UInt8]
    /// Depth in a chain of call_tool calls; 0 for a call from the host's caller.
    public let depth: Int
    /// Providers: the model asked for or, when the response names it, the one that answered.
    public let model: String?
    /// Providers: tokens and cost, from the response (or the stream, for a failed call).
    public let usage: ProviderUsage?
    /// Providers that streamed: from the call's start to its first delta.
    public let timeToFirstTokenNanoseconds: Int64?
    /// Providers called through the router: the hops before this attempt
    /// (RouteHop); empty for a direct call or a first attempt that answered.
    public let routeHops: [RouteHop]

    public var succeeded: Bool { code == .ok }

    /// True when the call failed because of what the caller sent (arguments
    /// that are not JSON or break the schema) or because the operator turned
    /// the plugin off (or supervision disabled it, after the failures that
    /// did count): such calls are logged but say nothing about how well
    /// the plugin performs, so they must not count against its score.
    public var blamesCaller: Bool {
        errorKind?.blamesCaller ?? false
    }

    /// Public so observers can be tested, benchmarked and fed by importers
    /// outside KaiCore.
    public init(
        tool: String, plugin: String, capabilityKind: Capability.Kind, startedAt: Double, durationNanoseconds: Int64,
        code: ResultCode, errorKind: ErrorKind?, taskType: String?, arguments: [UInt8], result: [UInt8], depth: Int,
        model: String? = nil, usage: ProviderUsage? = nil, timeToFirstTokenNanoseconds: Int64? = nil,
        routeHops: [RouteHop] = []
    ) {
        self.tool = tool
        self.plugin = plugin
        self.capabilityKind = capabilityKind
        self.startedAt = startedAt
        self.durationNanoseconds = durationNanoseconds
        self.code = code
        self.errorKind = errorKind
        self.taskType = taskType
        self.arguments = arguments
        self.result = result
        self.depth = depth
        self.model = model
        self.usage = usage
        self.timeToFirstTokenNanoseconds = timeToFirstTokenNanoseconds
        self.routeHops = routeHops
    }
}

/// Told about every tool call the host routes, including nested ones made
/// through kai_host.call_tool. Called on the calling thread after the call;
/// it must be quick and must not throw (record failures itself).
public protocol CallObserver: Sendable {
    func callFinished(_ report: CallReport)

    /// Supervision disabled a `process` plugin after repeated worker
    /// failures (`reason` says how many, within what window, and the last
    /// one). Called once, on the thread whose call saw the last failure,
    /// before that call's callFinished. The registry should record the
    /// plugin as inactive with this reason.
    func pluginDisabled(id: String, reason: String)
}

extension CallObserver {
    public func pluginDisabled(id: String, reason: String) {}
}
