import KaiCore
import KaiJSON
import Synchronization

/// Matches a server's answers to the requests waiting for them, hands its
/// progress notifications to the calls that asked, and answers the few
/// requests a server may send a client (ping; anything else: method not
/// found).
final class MCPResponseRouter: Sendable {
    enum Answer: Sendable {
        case result(JSONValue)
        /// A JSON-RPC error, or a request the transport could not deliver.
        case error(String)
        /// The connection ended; `reason` when Kai ended it.
        case closed(String?)
        /// The server sent something Kai could not read (`reason`).
        case broken(String)
        case timedOut
        case stopped
    }

    private struct State {
        var waiting: [Int64: BlockingResult<Answer>] = [:]
        var progress: [String: ToolEventHandler] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let nextID = Atomic<Int64>(0)
    private let channelBox = Mutex<(any MCPChannel)?>(nil)

    var channel: (any MCPChannel)? {
        get { channelBox.withLock { $0 } }
        set { channelBox.withLock { $0 = newValue } }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    var events: MCPChannelEvents {
        MCPChannelEvents(
            message: { [weak self] in self?.received($0) },
            requestFailed: { [weak self] id, reason in self?.finish(id, .error(reason)) },
            unreadable: { [weak self] reason in self?.failAll(.broken(reason)) },
            closed: { [weak self] reason in self?.closeAll(reason) })
    }

    /// Sends a request and waits for its answer until `deadline`, or until
    /// `stopWhen` (asked every 5 ms) says stop. `sent` learns its id.
    func request(_ method: String, _ params: JSONValue?, deadline: Int64, stopWhen: (@Sendable () -> Bool)?,
                 sent: ((Int64) -> Void)? = nil) -> Answer {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let answer = BlockingResult<Answer>()
        let closed = state.withLock { state -> Bool in
            if !state.closed { state.waiting[id] = answer }
            return state.closed
        }
        if closed { return .closed(nil) }
        defer { _ = state.withLock { $0.waiting.removeValue(forKey: id) } }
        var message: JSONObject = ["jsonrpc": "2.0", "id": .integer(id), "method": .string(method)]
        if let params { message["params"] = params }
        sent?(id)
        channel?.send(.object(message), requestID: id, deadline: deadline)
        if let value = answer.wait(until: deadline, stopWhen: stopWhen) { return value }
        return MonotonicClock.now() >= deadline ? .timedOut : .stopped
    }

    func notify(_ method: String, _ params: JSONValue?) {
        var message: JSONObject = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { message["params"] = params }
        channel?.send(.object(message), requestID: nil, deadline: MonotonicClock.now())
    }

    func progressToken(for handler: @escaping ToolEventHandler) -> String {
        let token = "kai-\(nextID.add(1, ordering: .relaxed).newValue)"
        state.withLock { $0.progress[token] = handler }
        return token
    }

    func forgetProgress(_ token: String) {
        _ = state.withLock { $0.progress.removeValue(forKey: token) }
    }

    private func received(_ message: JSONValue) {
        if let method = message["method"]?.stringValue {
            if let id = message["id"], id != .null {
                // A request from the server.
                let reply: JSONObject = method == "ping"
                    ? ["jsonrpc": "2.0", "id": id, "result": [:]]
                    : ["jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": .string("Method not found: \(method)")]]
                channel?.send(.object(reply), requestID: nil, deadline: nil)
            } else if method == "notifications/progress", let params = message["params"] {
                progress(params)
            }
            return
        }
        guard let id = message["id"]?.intValue else { return }
        if let result = message["result"] {
            finish(id, .result(result))
        } else {
            let error = message["error"]
            let text = error?["message"]?.stringValue ?? error.map { $0.serialized() } ?? "no result"
            finish(id, .error(text))
        }
    }

    private func progress(_ params: JSONValue) {
        let key: String? = switch params["progressToken"] {
        case .string(let text)?: text
        case .integer(let number)?: "\(number)"
        default: nil
        }
        guard let key, let handler = state.withLock({ $0.progress[key] }), let done = params["progress"]?.doubleValue else { return }
        _ = handler(.progress(progress: done, total: params["total"]?.doubleValue, message: params["message"]?.stringValue ?? ""))
    }

    private func finish(_ id: Int64, _ answer: Answer) {
        state.withLock { $0.waiting[id] }?.finish(answer)
    }

    private func closeAll(_ reason: String?) {
        let waiting = state.withLock { state in
            state.closed = true
            return Array(state.waiting.values)
        }
        for answer in waiting { answer.finish(.closed(reason)) }
    }

    private func failAll(_ answer: Answer) {
        for waiting in state.withLock({ Array($0.waiting.values) }) { waiting.finish(answer) }
    }
}
