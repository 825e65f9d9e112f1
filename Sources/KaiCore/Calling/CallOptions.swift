import KaiJSON

/// How one call runs.
public struct CallOptions: Sendable {
    /// Seconds until the cooperative deadline; nil means none.
    public var timeout: Double?
    /// Cancels the call (and its nested calls) when triggered.
    public var cancellation: CancellationToken?
    /// Largest result accepted, in bytes.
    public var outputLimit: Int
    /// Receives the call's progress (and other) events; nil means the plugin
    /// gets no event sink (kai_call.events is NULL).
    public var onEvent: ToolEventHandler?
    /// The kind of task this call serves (e.g. "coding"), for the registry's
    /// per-task-type performance records.
    public var taskType: String?
    /// False hands the arguments to the plugin unchecked (not parsed, not
    /// validated against the inputSchema). Only `kai plugins validate` turns
    /// this off, to see how a plugin answers input the host would refuse.
    package var validatesArguments = true
    /// Providers: the targets a router tried before this call (fallbacks
    /// taken, open circuits skipped), recorded with this call's log row.
    public var routeHops: [RouteHop] = []
    /// Runs the call nested under a running call (an AgentScope's tool,
    /// provider and agent calls): deadline, cancellation, depth and scope
    /// are inherited from it.
    public var parent: ParentCall?
    /// The run this call belongs to (the root agent call of `kai run`);
    /// nested calls inherit their parent's. See AgentScope.
    public var scope: (any AgentScope)?
    /// The input as its caller already parsed it — exactly what the input
    /// bytes parse to — so validation checks it instead of parsing the
    /// bytes again (an agent's provider request: the whole conversation,
    /// every model turn). Nil: validation parses the bytes.
    package var parsedInput: JSONValue?
    /// Providers: how many leading messages of the chat request are equal
    /// to messages of a request this host validated against the chat
    /// request contract before (an agent's history, which only grows).
    /// Validation checks the rest of the request in full and those messages
    /// not again; 0 checks every message.
    package var validatedMessages = 0

    public init(timeout: Double? = nil, cancellation: CancellationToken? = nil, outputLimit: Int = 16 << 20,
                onEvent: ToolEventHandler? = nil, taskType: String? = nil) {
        self.taskType = taskType
        self.timeout = timeout
        self.cancellation = cancellation
        self.outputLimit = outputLimit
        self.onEvent = onEvent
    }
}

/// A successful tool result: one JSON value, as the plugin wrote it.
public struct ToolResult: Sendable {
    public let plugin: String
    public let tool: String
    public let json: [UInt8]
    public let durationNanoseconds: Int64

    public var text: String { String(decoding: json, as: UTF8.self) }
}
