/// One HTTP request to an endpoint.
struct HTTPRequest {
    enum Method { case get, post }

    let method: Method
    let url: String
    let body: [UInt8]
    /// Sent as "Authorization: Bearer ..." when set; never logged.
    let apiKey: String?
    let acceptsEventStream: Bool
    /// timeout_s: streaming, the longest wait for the next bytes; otherwise
    /// the longest the whole answer may take. The deadline caps both.
    let timeoutMilliseconds: Int
    let connectTimeoutMilliseconds: Int
}

/// How a transfer ended, before the provider decides what it means.
enum TransferOutcome {
    /// The server answered and closed the response (any HTTP status).
    case completed(status: Int)
    /// libcurl failed (connect, DNS, a dropped connection, its own timeout);
    /// `status` is what arrived before, 0 if nothing.
    case failed(code: UInt32, status: Int)
    /// The body handler asked to stop (the caller's sink answered STOP).
    case stopped
    /// Streaming, the server sent nothing for timeout_s.
    case idle
    case cancelled
    case deadlineExceeded
}
