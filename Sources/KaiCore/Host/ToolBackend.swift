import KaiJSON

/// Something other than a plugin's .so that serves a plugin entry's tools:
/// an MCP server (KaiMCP), later native functions. The host gives such an
/// entry its manifest (PluginSource.manifest) and calls the backend where it
/// would call the library, so argument validation, the status gate,
/// deadlines, output checks, secret scrubbing, the observer (call log,
/// scores) and approvals stay one path for every backend
/// (PluginHost.invoke).
///
/// Thread rule: `invoke` is called from any thread, concurrently, and blocks
/// its caller until the call ends; `shutdown` is called once, last.
public protocol ToolBackend: AnyObject, Sendable {
    /// How calls reach the backend and how it is doing, for `kai plugins
    /// list`'s isolation column (e.g. "mcp stdio: ready").
    var stateName: String { get }

    /// Runs one call. Returns what the tool answered (a result code, its
    /// output bytes, error details JSON); throws for failures of the
    /// backend itself (a server that died or cannot start, one disabled by
    /// supervision), which the host reports as they are. The deadline is
    /// the backend's to keep: at it, the backend ends the call on its side
    /// and returns `.deadlineExceeded` (the host then reports the deadline).
    func invoke(_ call: BackendCall) throws(CallError) -> BackendOutcome

    /// Ends calls in flight by `deadline` (monotonic ns) and stops whatever
    /// the backend started; later calls fail.
    func shutdown(deadline: Int64)
}

/// One call handed to a backend.
public struct BackendCall: Sendable {
    /// The qualified name ("time.get_current_time"), for messages.
    public let tool: String
    /// The capability's own name within the entry ("get_current_time").
    public let name: String
    /// The arguments, already validated against the tool's inputSchema.
    public let arguments: [UInt8]
    /// Monotonic ns (MonotonicClock); MonotonicClock.noDeadline for none.
    public let deadline: Int64
    /// Progress and other events, filtered and scrubbed by the host; nil
    /// when the caller wants none.
    public let onEvent: ToolEventHandler?
    /// The most output bytes the caller takes.
    public let outputLimit: Int
    private let cancelled: @Sendable () -> Bool

    public init(tool: String, name: String, arguments: [UInt8], deadline: Int64, onEvent: ToolEventHandler?,
                outputLimit: Int, isCancelled: @escaping @Sendable () -> Bool) {
        self.tool = tool
        self.name = name
        self.arguments = arguments
        self.deadline = deadline
        self.onEvent = onEvent
        self.outputLimit = outputLimit
        self.cancelled = isCancelled
    }

    /// The caller (or its call chain) cancelled the call, or an event
    /// handler asked it to stop.
    public var isCancelled: Bool { cancelled() }
}

/// What a backend's call produced, as a plugin's invoke() would have.
public struct BackendOutcome: Sendable {
    public var code: ResultCode
    /// The result JSON (code .ok), else nothing.
    public var bytes: [UInt8]
    /// A JSON object {"message": ..., ...} for a failure (ErrorDetails).
    public var errorDetails: [UInt8]?
    public var overflowed: Bool

    public init(code: ResultCode, bytes: [UInt8] = [], errorDetails: [UInt8]? = nil, overflowed: Bool = false) {
        self.code = code
        self.bytes = bytes
        self.errorDetails = errorDetails
        self.overflowed = overflowed
    }

    /// A failure with `message` as its error details.
    public static func failure(_ code: ResultCode, message: String) -> BackendOutcome {
        BackendOutcome(code: code, errorDetails: JSONValue.object(["message": .string(message)]).serializedBytes())
    }
}
