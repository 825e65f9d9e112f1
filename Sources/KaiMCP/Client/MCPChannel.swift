import KaiJSON

/// How JSON-RPC messages travel to and from one MCP server: a stdio
/// server's pipes (StdioChannel) or Streamable HTTP (HTTPChannel). Sending
/// never waits for an answer; what the server sends comes back through the
/// handlers given at open, on a thread of the channel's own — never on the
/// Swift concurrency pool, so a caller blocked in Kai's synchronous call
/// path cannot starve it.
protocol MCPChannel: Sendable {
    /// Sends one message. `requestID`: the request it carries, if any, so
    /// a transport failure of that request (an HTTP error) can fail it.
    func send(_ message: JSONValue, requestID: Int64?)
    /// The revision initialize agreed on (HTTP sends it on every request).
    func negotiated(_ version: String)
    /// Stops: no more messages are read or sent.
    func close()
}

/// What a channel reports back.
struct MCPChannelEvents: Sendable {
    /// A message from the server.
    let message: @Sendable (JSONValue) -> Void
    /// The request `id` could not be delivered or answered (`reason`).
    let requestFailed: @Sendable (Int64, String) -> Void
    /// The connection ended (a stdio server's stdout closed).
    let closed: @Sendable () -> Void
}

extension MCPChannel {
    /// The revision initialize agreed on (HTTP sends it on every request).
    func negotiated(_ version: String) {}
}
