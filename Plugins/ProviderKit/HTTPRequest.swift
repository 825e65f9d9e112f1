/// One HTTP request to an endpoint.
package struct HTTPRequest {
    package enum Method: Sendable { case get, post }

    /// How a streamed answer arrives, which sets the Accept header.
    package enum StreamFormat: Sendable {
        /// Server-sent events (OpenAI, Anthropic).
        case eventStream
        /// One JSON object per line (Ollama).
        case ndjson

        var acceptHeader: String {
            switch self {
            case .eventStream: return "Accept: text/event-stream"
            case .ndjson: return "Accept: application/x-ndjson"
            }
        }
    }

    package let method: Method
    package let url: String
    package let body: [UInt8]
    /// Whole header lines beside Content-Type and Accept, e.g.
    /// "Authorization: Bearer …" or "x-api-key: …" and
    /// "anthropic-version: 2023-06-01". May hold the API key: never logged.
    package let headers: [String]
    /// nil: the answer is read whole.
    package let stream: StreamFormat?
    /// timeout_s: streaming, the longest wait for the next bytes; otherwise
    /// the longest the whole answer may take. The deadline caps both.
    package let timeoutMilliseconds: Int
    package let connectTimeoutMilliseconds: Int

    package var isStreaming: Bool { stream != nil }

    package init(method: Method, url: String, body: [UInt8] = [], headers: [String] = [], stream: StreamFormat? = nil,
                 timeoutMilliseconds: Int, connectTimeoutMilliseconds: Int) {
        self.method = method
        self.url = url
        self.body = body
        self.headers = headers
        self.stream = stream
        self.timeoutMilliseconds = timeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
    }
}

/// How a transfer ended, before the provider decides what it means.
package enum TransferOutcome {
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
