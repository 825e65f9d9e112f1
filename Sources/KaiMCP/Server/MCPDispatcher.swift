import KaiCore
import KaiJSON
import KaiRuntime

/// Answers MCP messages for any transport: initialize, ping, tools/list,
/// tools/call (each call handed back to the transport to run on a thread
/// of its own, so calls run concurrently and a slow tool never holds up the
/// connection), notifications/cancelled.
/// Any other method is "method not found" (-32601) — so a client probing a
/// newer revision's `server/discover` falls back to `initialize`.
public final class MCPDispatcher: Sendable {
    /// The revisions this server speaks, newest first. A client asking for
    /// another gets the newest (the client then decides whether to go on).
    static let revisions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    let catalog: MCPToolCatalog
    let call: MCPToolCall
    let inFlight: InFlightCalls
    private let settings: MCPServeSettings

    public init(runtime: KaiRuntime, settings: MCPServeSettings) {
        self.catalog = MCPToolCatalog(runtime.host.tools)
        self.call = MCPToolCall(runtime: runtime, policy: ApprovalPolicy(runtime.config.approvals, tools: runtime.host.index(.tool)), timeout: settings.callTimeout)
        self.settings = settings
        self.inFlight = InFlightCalls(limit: settings.maxCalls)
    }

    /// How many tools the server offers.
    public var toolCount: Int { catalog.tools.count }

    /// How a drain ended: calls the drain had to cancel, and calls still
    /// running after that (kai exits without them).
    public struct Drained: Sendable, Equatable {
        public let cancelled: Int
        public let unfinished: Int
    }

    /// How many calls are running now.
    public var callsInFlight: Int { inFlight.count }

    /// Stops taking calls and drains those in flight (see InFlightCalls.drain).
    @discardableResult
    public func drain() -> Drained {
        let drained = inFlight.drain(seconds: settings.drainSeconds)
        return Drained(cancelled: drained.cancelled, unfinished: drained.unfinished)
    }

    /// Handles one message. Everything but a tool call is answered at once,
    /// to `output`; a tool call comes back as work for the transport to run
    /// on a thread that may block for as long as the tool runs (stdio: the
    /// thread that read it, once another took over reading; HTTP: off the
    /// event loop), which answers to `output` when done.
    func handle(_ incoming: JSONRPC.Incoming, session: MCPClientConnection, output: some MCPOutput) -> (@Sendable () -> Void)? {
        switch incoming {
        case .invalid(let id, let code, let message):
            output.respond(JSONRPC.error(id: id, code, message))
        case .response:
            break
        case .notification(let method, let params):
            if method == "notifications/cancelled", let id = params?["requestId"] { session.cancel(id: id) }
        case .request(let id, let method, let params):
            return request(id: id, method: method, params: params, session: session, output: output)
        }
        return nil
    }

    private func request(id: JSONValue, method: String, params: JSONValue?, session: MCPClientConnection, output: some MCPOutput) -> (@Sendable () -> Void)? {
        switch method {
        case "initialize":
            output.respond(JSONRPC.result(id: id, initialize(params, session: session)))
        case "ping":
            output.respond(JSONRPC.result(id: id, .object([:])))
        case "tools/list":
            output.respond(JSONRPC.result(id: id, catalog.listResult))
        case "tools/call":
            return callTool(id: id, params: params, session: session, output: output)
        default:
            output.respond(JSONRPC.error(id: id, .methodNotFound, "Method not found: \(method)"))
        }
        return nil
    }

    static func tooManyCallsText(_ limit: Int) -> String {
        "Too many calls in flight (limit \(limit)): retry when one has finished, or raise kai mcp serve --max-calls"
    }

    private func initialize(_ params: JSONValue?, session: MCPClientConnection) -> JSONValue {
        let asked = params?["protocolVersion"]?.stringValue ?? ""
        let version = Self.revisions.contains(asked) ? asked : Self.revisions[0]
        session.initialized(version: version)
        return .object([
            "protocolVersion": .string(version),
            "capabilities": .object(["tools": .object(["listChanged": false])]),
            "serverInfo": .object(["name": .string(settings.serverName), "version": .string(settings.serverVersion)]),
        ])
    }

    /// An unknown tool or a request without a name is a protocol error
    /// (-32602); arguments that fail the tool's input schema are a tool
    /// error (isError), as revision 2025-11-25 has it, so a model can retry.
    private func callTool(id: JSONValue, params: JSONValue?, session: MCPClientConnection, output: some MCPOutput) -> (@Sendable () -> Void)? {
        guard let name = params?["name"]?.stringValue else {
            output.respond(JSONRPC.error(id: id, .invalidParams, "Invalid params: tools/call needs \"name\", a string"))
            return nil
        }
        guard let tool = catalog.tool(named: name) else {
            output.respond(JSONRPC.error(id: id, .invalidParams, "Unknown tool: \(name)"))
            return nil
        }
        let token = CancellationToken()
        switch inFlight.begin(token) {
        case nil:
            break
        case .shuttingDown:
            output.respond(JSONRPC.error(id: id, .shuttingDown, "The server is shutting down and takes no new calls"))
            return nil
        case .full(let limit):
            output.respond(JSONRPC.error(id: id, .shuttingDown, Self.tooManyCallsText(limit)))
            return nil
        }
        guard session.begin(id: id, token: token) else {
            inFlight.end(token)
            // Answered with id null: the call in flight under this id gets
            // the one response with it.
            output.respond(JSONRPC.error(id: .null, .invalidRequest,
                                         "Invalid Request: id \(id.serialized()) is already in use by a call in flight"))
            return nil
        }
        let progressToken = params?["_meta"]?["progressToken"]
        let call = self.call
        return { [inFlight] in
            defer { inFlight.end(token) }
            let progress = progressToken.map { progressToken in
                { @Sendable (done: Double, total: Double?, message: String) in
                    var params: JSONObject = ["progressToken": progressToken, "progress": .number(done)]
                    if let total { params["total"] = .number(total) }
                    if !message.isEmpty { params["message"] = .string(message) }
                    output.notify(JSONRPC.notification("notifications/progress", .object(params)))
                }
            }
            let outcome = call.run(
                tool, arguments: params?["arguments"], token: token,
                clientCancelled: { session.cancelledByClient(id: id) }, progress: progress)
            session.end(id: id)
            switch outcome {
            case .result(let result): output.respond(JSONRPC.result(id: id, result))
            case .cancelledByClient: output.dropped()
            }
        }
    }
}
