/// Where one connection's messages go: stdio writes each as a line on
/// stdout; HTTP answers a POST with JSON, or with an SSE stream when a
/// call reports progress.
protocol MCPOutput: Sendable {
    /// A notification about a request in flight (progress).
    func notify(_ message: [UInt8])
    /// The request's response; the last message for it.
    func respond(_ message: [UInt8])
    /// The request ends without a response (the client cancelled it).
    func dropped()
}
