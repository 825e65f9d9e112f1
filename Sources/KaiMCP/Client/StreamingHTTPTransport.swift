import Foundation
import KaiCore
import Logging
import MCP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The MCP Streamable HTTP transport (client side) for the swift-sdk's
/// Client, streaming on Linux. The sdk's HTTPClientTransport buffers each
/// whole response on Linux and hands an SSE body to the client as one
/// message, which the client cannot decode — so a server answering with
/// SSE (the Python SDK's default) cannot be used through it at all, and
/// progress would arrive only with the result. Here each POST's response is
/// read as it arrives (URLSessionDataDelegate) and every SSE `data:` event
/// is handed on at once. No standalone GET stream is opened: Kai needs no
/// server-initiated requests.
actor StreamingHTTPTransport: Transport {
    nonisolated let logger = Logger(label: "kai.mcp.http", factory: { _ in SwiftLogNoOpLogHandler() })
    private let endpoint: URL
    private let token: String?
    private var sessionID: String?
    private var protocolVersion: String?
    private nonisolated let stream: AsyncThrowingStream<Data, Swift.Error>
    private nonisolated let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation

    init(endpoint: URL, token: String?) {
        self.endpoint = endpoint
        self.token = token
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {}

    func disconnect() async {
        continuation.finish()
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }

    func send(_ data: Data) async throws {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = data
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let sessionID { request.setValue(sessionID, forHTTPHeaderField: "Mcp-Session-Id") }
        if let protocolVersion { request.setValue(protocolVersion, forHTTPHeaderField: "MCP-Protocol-Version") }
        let reader = ResponseReader(continuation: continuation)
        let session = URLSession(configuration: .ephemeral, delegate: reader, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let head = try await reader.run(session.dataTask(with: request))
        if let id = head.value(forHTTPHeaderField: "Mcp-Session-Id") { sessionID = id }
        try await reader.finished()
        // After initialize, every request carries the negotiated revision.
        if protocolVersion == nil, let version = reader.protocolVersion { protocolVersion = version }
    }
}

/// Reads one POST's response as it arrives: a JSON body is handed on
/// whole, an SSE body event by event.
///
/// `@unchecked Sendable`: URLSession calls the delegate methods one at a
/// time on its delegate queue; `state` is only touched there and, for the
/// continuations, under `lock`.
private final class ResponseReader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let messages: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private let lock = NSLock()
    private var headContinuation: CheckedContinuation<HTTPURLResponse, any Error>?
    private var endContinuation: CheckedContinuation<Void, any Error>?
    private var ended: (any Error)?? = nil
    private var isSSE = false
    private var status = 0
    private var buffer: [UInt8] = []
    private var dataLines: [String] = []
    /// The revision an initialize result in this response negotiated.
    private(set) var protocolVersion: String?

    init(continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation) {
        self.messages = continuation
    }

    private func deliver(_ message: Data) {
        if protocolVersion == nil,
           let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any],
           let result = object["result"] as? [String: Any], let version = result["protocolVersion"] as? String {
            protocolVersion = version
        }
        messages.yield(message)
    }

    func run(_ task: URLSessionDataTask) async throws -> HTTPURLResponse {
        try await withCheckedThrowingContinuation { continuation in
            lock.withLock { headContinuation = continuation }
            task.resume()
        }
    }

    func finished() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let done: (any Error)?? = lock.withLock {
                if ended == nil { endContinuation = continuation }
                return ended
            }
            if let done {
                if let error = done { continuation.resume(throwing: error) } else { continuation.resume() }
            }
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let head = response as? HTTPURLResponse
        status = head?.statusCode ?? 0
        isSSE = head?.value(forHTTPHeaderField: "Content-Type")?.contains("text/event-stream") == true
        completionHandler(.allow)
        let continuation = lock.withLock { () -> CheckedContinuation<HTTPURLResponse, any Error>? in
            defer { headContinuation = nil }
            return headContinuation
        }
        if let head, (200..<300).contains(status) {
            continuation?.resume(returning: head)
        } else {
            continuation?.resume(throwing: MCPError.internalError("the server answered HTTP \(status)"))
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard (200..<300).contains(status) else { return }
        buffer.append(contentsOf: data)
        guard isSSE else { return }
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeFirst(newline + 1)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !dataLines.isEmpty { deliver(Data(dataLines.joined(separator: "\n").utf8)) }
                dataLines = []
            } else if line.hasPrefix("data:") {
                var value = line.dropFirst(5)
                if value.hasPrefix(" ") { value = value.dropFirst() }
                dataLines.append(String(value))
            }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if error == nil, !isSSE, (200..<300).contains(status), !buffer.isEmpty { deliver(Data(buffer)) }
        if error == nil, isSSE, !dataLines.isEmpty { deliver(Data(dataLines.joined(separator: "\n").utf8)) }
        let (head, end) = lock.withLock { () -> (CheckedContinuation<HTTPURLResponse, any Error>?, CheckedContinuation<Void, any Error>?) in
            ended = .some(error)
            defer { headContinuation = nil; endContinuation = nil }
            return (headContinuation, endContinuation)
        }
        let failure = error.map { MCPError.internalError("the HTTP request failed: \($0.localizedDescription)") }
        if let failure { head?.resume(throwing: failure) } else { head?.resume(throwing: MCPError.internalError("no HTTP response")) }
        if let failure { end?.resume(throwing: failure) } else { end?.resume() }
    }
}
