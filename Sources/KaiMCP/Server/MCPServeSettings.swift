/// How `kai mcp serve` runs, whatever the transport.
public struct MCPServeSettings: Sendable {
    /// Each call's deadline in seconds (nil: none), as `kai tools call
    /// --timeout` sets it: a call past it is cancelled, and a worker that
    /// ignores that is killed.
    public var callTimeout: Double?
    /// On EOF or SIGTERM, how long calls in flight may take to finish before
    /// they are cancelled; after cancelling, as long again before the server
    /// exits anyway.
    public var drainSeconds: Double
    /// How many calls may run at once (each holds a thread); past it a
    /// tools/call gets the JSON-RPC error -32000 "Too many calls in flight".
    public var maxCalls: Int
    /// The server's name and version in `initialize`'s serverInfo.
    public var serverName: String
    public var serverVersion: String

    public static let defaultMaxCalls = 64

    public init(callTimeout: Double? = 60, drainSeconds: Double = 10, maxCalls: Int = Self.defaultMaxCalls,
                serverName: String = "kai", serverVersion: String = "0.1.0") {
        self.callTimeout = callTimeout
        self.drainSeconds = drainSeconds
        self.maxCalls = maxCalls
        self.serverName = serverName
        self.serverVersion = serverVersion
    }
}
