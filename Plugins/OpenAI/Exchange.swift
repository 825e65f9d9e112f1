import CKaiABI

/// One HTTP exchange with an endpoint on a pooled transfer: the request
/// goes out, the body comes back (parsed as it streams, or whole), and a
/// failure of any kind becomes a ProviderError.
struct Exchange {
    let endpoint: Endpoint
    let pool: TransferPool
    let waiter: CallWaiter

    /// Largest non-streamed body kept (a model list or a completion).
    static let bodyLimit = 32 << 20
    /// Largest error body kept for the message.
    static let errorLimit = 64 << 10

    func request(_ method: HTTPRequest.Method, url: String, body: [UInt8] = [], stream: Bool = false) -> HTTPRequest {
        HTTPRequest(method: method, url: url, body: body, apiKey: endpoint.apiKey, acceptsEventStream: stream,
                    timeoutMilliseconds: Int(endpoint.timeoutSeconds * 1000),
                    connectTimeoutMilliseconds: Int(endpoint.connectTimeoutSeconds * 1000))
    }

    /// Streams a chat completion, forwarding deltas through `emitter`.
    func stream(body: [UInt8], emitter: EventEmitter, hint: String?) throws(ProviderError) -> AssistantReply {
        var parser = SSEParser()
        var accumulator = StreamAccumulator()
        var failure: ProviderError? = nil
        var errorBody: [UInt8] = []
        var eventCount = 0
        let url = endpoint.chatURL
        let (outcome, retryAfter) = try perform(request(.post, url: url, body: body, stream: true)) { bytes, status in
            guard (200..<300).contains(status) else {
                errorBody.append(contentsOf: bytes.prefix(max(0, Self.errorLimit - errorBody.count)))
                return true
            }
            return parser.feed(bytes) { data in
                eventCount += 1
                do throws(ProviderError) {
                    try accumulator.apply(data, endpoint: endpoint, emitter: emitter)
                } catch {
                    failure = error
                    return false
                }
                return !emitter.stopped
            }
        }
        if let failure { throw failure }
        switch outcome {
        case .stopped:
            accumulator.finish(emitter: emitter)
            return accumulator.reply
        case .completed(let status) where !(200..<300).contains(status):
            throw HTTPFailure.status(status, body: errorBody, endpoint: endpoint, url: url, hint: hint, retryAfter: retryAfter)
        default:
            break
        }
        if let tail = parser.finish() {
            eventCount += 1
            try accumulator.apply(tail, endpoint: endpoint, emitter: emitter)
        }
        accumulator.finish(emitter: emitter)
        // llama-cpp-python answers a request it fails on mid-generation with
        // HTTP 200 and an empty stream (tool_choice "required", for one).
        guard eventCount > 0 else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) answered with an empty event stream: the server failed before sending anything\(hint.map { "; \($0)" } ?? "")")
        }
        guard accumulator.sawDone || accumulator.reply.finishReason != nil else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) ended the stream before its last event (no finish_reason, no [DONE]); the server may have stopped: retry")
        }
        return accumulator.reply
    }

    /// Sends a request and returns the whole body of a 2xx answer.
    func fetch(_ request: HTTPRequest, hint: String? = nil) throws(ProviderError) -> [UInt8] {
        var body: [UInt8] = []
        var tooLarge = false
        let (outcome, retryAfter) = try perform(request) { bytes, status in
            let limit = (200..<300).contains(status) ? Self.bodyLimit : Self.errorLimit
            guard body.count + bytes.count <= limit else {
                tooLarge = (200..<300).contains(status)
                body.append(contentsOf: bytes.prefix(max(0, limit - body.count)))
                return !tooLarge
            }
            body.append(contentsOf: bytes)
            return true
        }
        if tooLarge { throw .unavailable("endpoint \(endpoint.name) (\(request.url)) sent more than \(Self.bodyLimit >> 20) MiB") }
        if case .completed(let status) = outcome, !(200..<300).contains(status) {
            throw HTTPFailure.status(status, body: body, endpoint: endpoint, url: request.url, hint: hint, retryAfter: retryAfter)
        }
        return body
    }

    /// Runs the transfer; returns .completed (any status) or .stopped, and
    /// throws for everything else.
    /// The outcome, and the response's Retry-After in seconds (0: none).
    private func perform(
        _ request: HTTPRequest, onBody: @escaping (UnsafeRawBufferPointer, Int) -> Bool
    ) throws(ProviderError) -> (TransferOutcome, retryAfter: Int) {
        guard let transfer = pool.take() else { throw .internalError("libcurl could not create a handle (out of memory?)") }
        defer { pool.give(transfer) }
        // Which limit curl's timeout was: streaming, curl has only the
        // connect timeout (capped by the deadline); otherwise the smaller one.
        let deadlineBound = waiter.remainingMilliseconds
            < (request.acceptsEventStream ? request.connectTimeoutMilliseconds : request.timeoutMilliseconds)
        let outcome = transfer.perform(request, waiter: waiter, onBody: onBody)
        switch outcome {
        case .completed, .stopped:
            return (outcome, transfer.retryAfterSeconds)
        case .failed(let code, let status):
            // A status that arrived before the failure says more than curl.
            if status >= 400 { return (.completed(status: status), transfer.retryAfterSeconds) }
            throw HTTPFailure.transport(code, endpoint: endpoint, url: request.url, deadlineBound: deadlineBound)
        case .idle:
            throw HTTPFailure.idle(endpoint: endpoint, url: request.url)
        case .cancelled:
            throw HTTPFailure.cancelled(endpoint: endpoint, url: request.url)
        case .deadlineExceeded:
            throw HTTPFailure.deadline(endpoint: endpoint, url: request.url)
        }
    }
}
