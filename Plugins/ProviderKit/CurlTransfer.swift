import CCurl

/// A libcurl multi handle with its one easy handle, reused call after call
/// so the connection to a server stays open (the multi handle keeps the
/// connection cache; curl_easy_reset keeps it too).
///
/// `@unchecked Sendable`: it holds raw curl pointers, but a transfer is used
/// by one call at a time — TransferPool hands it out under its lock and
/// takes it back only when that call is done with it.
package final class CurlTransfer: @unchecked Sendable {
    /// The last response's Retry-After, in seconds (0: none), for the
    /// error of a 429 or 503.
    package var retryAfterSeconds: Int { Int(kai_curl_retry_after(easy)) }

    private let multi: OpaquePointer
    private let easy: OpaquePointer

    package init?() {
        guard let multi = curl_multi_init() else { return nil }
        guard let easy = curl_easy_init() else {
            curl_multi_cleanup(multi)
            return nil
        }
        self.multi = multi
        self.easy = easy
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_multi_cleanup(multi)
    }

    /// Runs `request`, handing body bytes to `onBody` as they arrive (false
    /// from it stops the transfer). Waits in curl_multi_poll on the socket
    /// and the call's cancel fd together, so a cancel wakes it at once even
    /// while the server sends nothing.
    package func perform(_ request: HTTPRequest, waiter: CallWaiter,
                 onBody: @escaping (UnsafeRawBufferPointer, Int) -> Bool) -> TransferOutcome {
        let receiver = BodyReceiver(easy: easy, onBody: onBody)
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headers) }
        headers = curl_slist_append(headers, "Content-Type: application/json")
        headers = curl_slist_append(headers, "Expect:")
        if let accept = request.stream?.acceptHeader { headers = curl_slist_append(headers, accept) }
        for header in request.headers { headers = curl_slist_append(headers, header) }
        // Streaming, timeout_s is the longest wait for the next bytes (the
        // poll loop's idle check), so a long answer still producing tokens
        // is not cut, and curl gets no overall limit (the loop checks the
        // deadline). Not streaming, it bounds the whole answer.
        let timeout = request.isStreaming ? waiter.remainingMilliseconds
            : min(request.timeoutMilliseconds, waiter.remainingMilliseconds)
        guard timeout > 0 else { return .deadlineExceeded }

        curl_easy_reset(easy)
        let body = request.body
        return request.url.withCString { url in
            body.withUnsafeBufferPointer { bodyBytes in
                withExtendedLifetime(receiver) {
                    configure(url: url, request: request, body: bodyBytes, headers: headers, timeout: timeout, receiver: receiver)
                    return run(waiter: waiter, receiver: receiver,
                               idleLimit: request.isStreaming ? Saturating.product(Int64(request.timeoutMilliseconds), 1_000_000) : nil)
                }
            }
        }
    }

    private func configure(url: UnsafePointer<CChar>, request: HTTPRequest, body: UnsafeBufferPointer<UInt8>,
                           headers: UnsafeMutablePointer<curl_slist>?, timeout: Int, receiver: BodyReceiver) {
        _ = kai_curl_set_pointer(easy, CURLOPT_URL, url)
        _ = kai_curl_set_pointer(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = kai_curl_set_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = kai_curl_set_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        _ = kai_curl_set_long(easy, CURLOPT_TIMEOUT_MS, request.isStreaming ? 0 : timeout)
        _ = kai_curl_set_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, min(request.connectTimeoutMilliseconds, timeout)))
        _ = kai_curl_set_pointer(easy, CURLOPT_HTTPHEADER, headers)
        if request.method == .post {
            _ = kai_curl_set_long(easy, CURLOPT_POST, 1)
            _ = kai_curl_set_long(easy, CURLOPT_POSTFIELDSIZE, body.count)
            _ = kai_curl_set_pointer(easy, CURLOPT_POSTFIELDS, UnsafeRawPointer(body.baseAddress))
        } else {
            _ = kai_curl_set_long(easy, CURLOPT_HTTPGET, 1)
        }
        _ = kai_curl_set_write(easy, CURLOPT_WRITEFUNCTION, curlWrite)
        _ = kai_curl_set_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(receiver).toOpaque())
    }

    /// `idleLimit`: nanoseconds the server may send nothing (streaming).
    private func run(waiter: CallWaiter, receiver: BodyReceiver, idleLimit: Int64?) -> TransferOutcome {
        guard curl_multi_add_handle(multi, easy) == CURLM_OK else { return .failed(code: CURLE_FAILED_INIT.rawValue, status: 0) }
        defer { curl_multi_remove_handle(multi, easy) }
        while true {
            var running: Int32 = 0
            guard curl_multi_perform(multi, &running) == CURLM_OK else { return .failed(code: CURLE_FAILED_INIT.rawValue, status: 0) }
            if let code = finished() {
                if receiver.stopped { return .stopped }
                let status = kai_curl_response_code(easy)
                return code == CURLE_OK ? .completed(status: status) : .failed(code: code.rawValue, status: status)
            }
            if waiter.deadlinePassed { return .deadlineExceeded }
            // The host's is_cancelled is also true once the deadline has
            // passed, which can happen between the two checks: ask the clock
            // again, so a deadline is reported as one.
            if waiter.isCancelled { return waiter.deadlinePassed ? .deadlineExceeded : .cancelled }
            var idleLeft = Int.max
            if let idleLimit {
                let silent = CallWaiter.now() - receiver.lastBytes
                if silent >= idleLimit { return .idle }
                idleLeft = Int((idleLimit - silent) / 1_000_000) + 1
            }
            // With a cancel fd the wait can be long: the fd wakes it. Without
            // one, is_cancelled is polled every 50 ms.
            let wait = Int32(min(waiter.remainingMilliseconds, idleLeft, waiter.cancelFD >= 0 ? 1000 : 50))
            var extra = curl_waitfd(fd: waiter.cancelFD, events: Int16(CURL_WAIT_POLLIN), revents: 0)
            let polled = waiter.cancelFD >= 0
                ? curl_multi_poll(multi, &extra, 1, wait, nil)
                : curl_multi_poll(multi, nil, 0, wait, nil)
            guard polled == CURLM_OK else { return .failed(code: CURLE_RECV_ERROR.rawValue, status: 0) }
        }
    }

    /// The transfer's result once it is done.
    private func finished() -> CURLcode? {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            if message.pointee.msg == CURLMSG_DONE { return message.pointee.data.result }
        }
        return nil
    }
}

/// What the write callback reaches through its context pointer.
final class BodyReceiver {
    let easy: OpaquePointer
    let onBody: (UnsafeRawBufferPointer, Int) -> Bool
    var stopped = false
    /// CLOCK_MONOTONIC nanoseconds of the last body bytes (or the start).
    var lastBytes = CallWaiter.now()

    init(easy: OpaquePointer, onBody: @escaping (UnsafeRawBufferPointer, Int) -> Bool) {
        self.easy = easy
        self.onBody = onBody
    }
}

/// libcurl's write callback: hands the bytes on with the response status;
/// answering fewer bytes than given makes libcurl abort the transfer.
private func curlWrite(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let receiver = Unmanaged<BodyReceiver>.fromOpaque(context).takeUnretainedValue()
    let total = size * count
    receiver.lastBytes = CallWaiter.now()
    let status = kai_curl_response_code(receiver.easy)
    guard receiver.onBody(UnsafeRawBufferPointer(start: data, count: total), status) else {
        receiver.stopped = true
        return 0
    }
    return total
}
