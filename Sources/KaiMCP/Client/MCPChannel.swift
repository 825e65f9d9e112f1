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
    /// `deadline`: how long a request may wait for the server to take it;
    /// nil (the reader's answers to the server's requests): never wait.
    func send(_ message: JSONValue, requestID: Int64?, deadline: Int64?)
    /// Whether sent messages are still queued: the server is not reading.
    var isBlocked: Bool { get }
    /// Stops the server at once (a stdio server is killed).
    func kill()
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
    /// A message Kai could not parse (`reason`): the calls waiting fail.
    let unreadable: @Sendable (String) -> Void
    /// The connection ended (a stdio server's stdout closed), or Kai ended
    /// it for `reason` (a message over the line limit).
    let closed: @Sendable (String?) -> Void
}

extension MCPChannel {
    /// The revision initialize agreed on (HTTP sends it on every request).
    func negotiated(_ version: String) {}
    var isBlocked: Bool { false }
    func kill() { close() }
}
