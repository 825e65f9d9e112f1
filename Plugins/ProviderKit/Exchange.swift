import CKaiABI

/// Caps on what an exchange keeps of a body.
package enum BodyLimits {
    /// Largest non-streamed body kept (a model list or a completion).
    package static let body = 32 << 20
    /// Largest error body kept for the message.
    package static let error = 64 << 10
}

/// One HTTP exchange with an endpoint on a pooled transfer: the request
/// goes out, the body comes back (handed to a parser as it streams, or
/// whole), and a failure of any kind becomes a ProviderError.
package struct Exchange<Server: HTTPEndpoint> {
    /// How a streamed exchange ended when it did not throw.
    package enum StreamEnd { case completed, stopped }

    package let endpoint: Server
    package let pool: TransferPool
    package let waiter: CallWaiter

    package init(endpoint: Server, pool: TransferPool, waiter: CallWaiter) {
        self.endpoint = endpoint
        self.pool = pool
        self.waiter = waiter
    }

    /// A request to the endpoint with its headers and timeouts.
    package func request(_ method: HTTPRequest.Method, url: String, body: [UInt8] = [],
                         stream: HTTPRequest.StreamFormat? = nil) -> HTTPRequest {
        HTTPRequest(method: method, url: url, body: body, headers: endpoint.requestHeaders, stream: stream,
                    timeoutMilliseconds: Saturating.milliseconds(endpoint.timeoutSeconds),
                    connectTimeoutMilliseconds: Saturating.milliseconds(endpoint.connectTimeoutSeconds))
    }

    /// Sends a streaming request and hands a 2xx body's bytes to `feed` as
    /// they arrive; `feed` answers false to stop (the caller's sink said
    /// STOP) or throws to fail the call (the transfer is stopped first).
    /// A non-2xx answer throws HTTPFailure.status with the server's words.
    package func stream(
        _ request: HTTPRequest, hint: String? = nil,
        feed: @escaping (UnsafeRawBufferPointer) throws(ProviderError) -> Bool
    ) throws(ProviderError) -> StreamEnd {
        var failure: ProviderError? = nil
        var errorBody: [UInt8] = []
        let (outcome, retryAfter) = try perform(request) { bytes, status in
            guard (200..<300).contains(status) else {
                errorBody.append(contentsOf: bytes.prefix(max(0, BodyLimits.error - errorBody.count)))
                return true
            }
            do throws(ProviderError) {
                return try feed(bytes)
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        switch outcome {
        case .stopped:
            return .stopped
        case .completed(let status) where !(200..<300).contains(status):
            throw HTTPFailure.status(status, body: errorBody, endpoint: endpoint, url: request.url, hint: hint, retryAfter: retryAfter)
        default:
            return .completed
        }
    }

    /// Sends a request and returns the whole body of a 2xx answer.
    package func fetch(_ request: HTTPRequest, hint: String? = nil) throws(ProviderError) -> [UInt8] {
        var body: [UInt8] = []
        var tooLarge = false
        let (outcome, retryAfter) = try perform(request) { bytes, status in
            let limit = (200..<300).contains(status) ? BodyLimits.body : BodyLimits.error
            guard body.count + bytes.count <= limit else {
                tooLarge = (200..<300).contains(status)
                body.append(contentsOf: bytes.prefix(max(0, limit - body.count)))
                return !tooLarge
            }
            body.append(contentsOf: bytes)
            return true
        }
        if tooLarge { throw .unavailable("endpoint \(endpoint.name) (\(request.url)) sent more than \(BodyLimits.body >> 20) MiB") }
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
            < (request.isStreaming ? request.connectTimeoutMilliseconds : request.timeoutMilliseconds)
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
