import Foundation
import KaiJSON
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// MCP's Streamable HTTP transport, client side: each message is a POST;
/// the answer is a JSON body or an SSE stream, read as it arrives
/// (URLSessionDataDelegate) so progress notifications and the result are
/// handed on the moment they come. The swift-sdk's HTTPClientTransport
/// cannot do this on Linux: it buffers each whole response and hands an SSE
/// body to its client as one message, which the client cannot decode — so
/// a server answering with SSE (the Python SDK's default) does not work
/// through it at all. No standalone GET stream is opened: Kai asks for no
/// server-initiated requests.
///
/// `@unchecked Sendable`: `state` is guarded by its Mutex; the per-request
/// readers are touched only on the session's serial delegate queue.
final class HTTPChannel: NSObject, MCPChannel, URLSessionDataDelegate, @unchecked Sendable {
    private struct State {
        var sessionID: String?
        var protocolVersion: String?
        var readers: [Int: ResponseReader] = [:]
        var closed = false
    }

    private let endpoint: URL
    private let token: String?
    private let events: MCPChannelEvents
    private let state = Mutex(State())
    private var session: URLSession!

    init(endpoint: URL, token: String?, events: MCPChannelEvents) {
        self.endpoint = endpoint
        self.token = token
        self.events = events
        super.init()
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: queue)
    }

    func negotiated(_ version: String) {
        state.withLock { $0.protocolVersion = version }
    }

    func send(_ message: JSONValue, requestID: Int64?, deadline: Int64?) {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = Data(message.serializedBytes())
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let closed: Bool = state.withLock { state in
            if let id = state.sessionID { request.setValue(id, forHTTPHeaderField: "Mcp-Session-Id") }
            if let version = state.protocolVersion { request.setValue(version, forHTTPHeaderField: "MCP-Protocol-Version") }
            return state.closed
        }
        guard !closed else {
            if let requestID { events.requestFailed(requestID, "the connection is closed") }
            return
        }
        let task = session.dataTask(with: request)
        state.withLock { $0.readers[task.taskIdentifier] = ResponseReader(requestID: requestID) }
        task.resume()
    }

    func close() {
        state.withLock { $0.closed = true }
        session.invalidateAndCancel()
    }

    private func reader(_ task: URLSessionTask) -> ResponseReader? {
        state.withLock { $0.readers[task.taskIdentifier] }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let head = response as? HTTPURLResponse
        if let id = head?.value(forHTTPHeaderField: "Mcp-Session-Id") { state.withLock { $0.sessionID = id } }
        reader(dataTask)?.begin(status: head?.statusCode ?? 0,
                                isSSE: head?.value(forHTTPHeaderField: "Content-Type")?.contains("text/event-stream") == true)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let reader = reader(dataTask) else { return }
        reader.append(data, deliver: events.message)
        if reader.overflowed { dataTask.cancel() }
    }

    /// Never follows a redirect: it would send the bearer token (and the
    /// call's arguments) to whatever host the Location names.
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        reader(task)?.refuseRedirect(status: response.statusCode,
                                     location: response.value(forHTTPHeaderField: "Location") ?? request.url?.absoluteString ?? "")
        completionHandler(nil)  // the 3xx response then ends the task (cancelling here traps on Linux)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let reader = state.withLock({ $0.readers.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let failure = reader.finish(error: error, deliver: events.message), let id = reader.requestID {
            events.requestFailed(id, failure)
        }
    }
}

/// One POST's response: a JSON body handed on whole at its end, an SSE
/// body event by event. Used on the delegate queue only.
private final class ResponseReader: @unchecked Sendable {
    let requestID: Int64?
    private var status = 0
    private var isSSE = false
    private var buffer: [UInt8] = []
    private var data: [String] = []
    private var delivered = false
    private var refused: String?
    /// The most bytes one response (or one SSE event) may hold.
    static let limit = StdioChannel.lineLimit
    private(set) var overflowed = false

    init(requestID: Int64?) {
        self.requestID = requestID
    }

    func begin(status: Int, isSSE: Bool) {
        self.status = status
        self.isSSE = isSSE
    }

    func refuseRedirect(status: Int, location: String) {
        refused = "the server answered HTTP \(status) redirecting to \(location); Kai does not follow redirects "
            + "(they would take the token elsewhere): set the entry's url: to the address that answers"
    }

    func append(_ chunk: Data, deliver: (JSONValue) -> Void) {
        guard !overflowed else { return }
        buffer.append(contentsOf: chunk)
        if buffer.count + data.reduce(0, { $0 + $1.utf8.count }) > Self.limit {
            overflowed = true
            buffer = []
            data = []
            return
        }
        guard isSSE, (200..<300).contains(status) else { return }
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeFirst(newline + 1)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                dispatch(deliver)
            } else if line.hasPrefix("data:") {
                var value = line.dropFirst(5)
                if value.hasPrefix(" ") { value = value.dropFirst() }
                data.append(String(value))
            }
        }
    }

    private func dispatch(_ deliver: (JSONValue) -> Void) {
        defer { data = [] }
        guard !data.isEmpty, let message = try? JSONParser.parse(data.joined(separator: "\n")) else { return }
        delivered = true
        deliver(message)
    }

    /// Hands on what is left; returns why the request failed, if it did
    /// and no answer came.
    func finish(error: (any Error)?, deliver: (JSONValue) -> Void) -> String? {
        if let refused { return refused }
        if overflowed { return "the server sent a message over \(Self.limit) bytes" }
        if let error { return "the HTTP request failed: \(error.localizedDescription)" }
        guard (200..<300).contains(status) else {
            let body = String(decoding: buffer.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return "the server answered HTTP \(status)" + (body.isEmpty ? "" : " (\(body))")
        }
        if isSSE {
            dispatch(deliver)
        } else if !buffer.isEmpty, let message = try? JSONParser.parse(buffer) {
            delivered = true
            deliver(message)
        }
        return delivered || requestID == nil ? nil : "the server's answer held no JSON-RPC message"
    }
}
