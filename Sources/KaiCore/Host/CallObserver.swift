/// One finished tool call, as the host saw it: enough for a performance
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
    /// CallError's case name for failures, e.g. "argumentsInvalid".
    public let errorKind: String?
    public let taskType: String?
    public let arguments: [UInt8]
    public let result: [UInt8]
    /// Depth in a chain of call_tool calls; 0 for a call from the host's caller.
    public let depth: Int

    public var succeeded: Bool { code == .ok }
}

/// Told about every tool call the host routes, including nested ones made
/// through kai_host.call_tool. Called on the calling thread after the call;
/// it must be quick and must not throw (record failures itself).
public protocol CallObserver: Sendable {
    func callFinished(_ report: CallReport)
}
