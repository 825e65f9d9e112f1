import Foundation
import KaiCore
import KaiJSON
import Synchronization

/// One live, initialized connection to an MCP server — the client side of
/// the protocol, synchronous as Kai's call path is: the calling thread
/// sends its request and waits (until the call's deadline) for the answer
/// the channel's own thread delivers. Kai does not use the swift-sdk's
/// `Client` here: it is async-only, and a thread blocked in the
/// synchronous call path (a C plugin's call_tool, a test, an MCP server's
/// handler) while its requests run as Swift tasks starves the concurrency
/// pool (2 threads on 2 cores): calls then hang until their deadline.
final class MCPSession: Sendable {
    /// The revisions Kai speaks, newest first (the swift-sdk's set).
    static let revisions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    let process: MCPServerProcess?
    private let channel: any MCPChannel
    private let router: MCPResponseRouter
    /// The server's tools (MCP tool descriptors), as listed at open.
    let tools: [JSONValue]

    private init(process: MCPServerProcess?, channel: any MCPChannel, router: MCPResponseRouter, tools: [JSONValue]) {
        self.process = process
        self.channel = channel
        self.router = router
        self.tools = tools
    }

    /// Starts (stdio) or reaches (http) the server, initializes, and lists
    /// its tools, all before `deadline`.
    static func open(_ spec: MCPServerSpec, deadline: Int64) throws(MCPStartError) -> MCPSession {
        let router = MCPResponseRouter()
        let process: MCPServerProcess?
        let channel: any MCPChannel
        switch spec.transport {
        case .stdio(let command, let arguments, let environment):
            let started = try MCPServerProcess.start(command: command, arguments: arguments, environment: environment)
            process = started
            channel = StdioChannel(server: started, events: router.events)
        case .http(let url, let token):
            process = nil
            channel = HTTPChannel(endpoint: url, token: token, events: router.events)
        }
        router.channel = channel
        func fail(_ reason: String) -> MCPStartError {
            channel.close()
            var reason = reason
            if let process {
                let exit = process.process.waitForExit(within: 0.5)
                reason += " (it \(exit))"
                if let line = process.lastStderrLine { reason += "; its last words on stderr: \(line)" }
            }
            return MCPStartError(reason)
        }
        let initialize: JSONValue = [
            "protocolVersion": .string(revisions[0]), "capabilities": [:],
            "clientInfo": ["name": "kai", "version": "1.0"],
        ]
        let result: JSONValue
        switch router.request("initialize", initialize, deadline: deadline, stopWhen: nil) {
        case .result(let value): result = value
        case .error(let reason): throw fail("initialize failed: \(reason)")
        case .timedOut, .stopped: throw fail("it did not answer initialize within \(Int(spec.policy.startTimeout)) s")
        case .broken(let reason), .closed(let reason?): throw fail("it \(reason) instead of answering initialize")
        case .closed: throw fail("it closed its connection before answering initialize")
        }
        guard let version = result["protocolVersion"]?.stringValue, revisions.contains(version) else {
            throw fail("it answered initialize with protocol revision \(result["protocolVersion"]?.serialized() ?? "none"); Kai speaks \(revisions.joined(separator: ", "))")
        }
        channel.negotiated(version)
        router.notify("notifications/initialized", nil)
        var tools: [JSONValue] = []
        var cursor: JSONValue?
        repeat {
            let params: JSONValue? = cursor.map { ["cursor": $0] }
            switch router.request("tools/list", params, deadline: deadline, stopWhen: nil) {
            case .result(let page):
                tools += page["tools"]?.arrayValue ?? []
                cursor = page["nextCursor"].flatMap { $0 == .null ? nil : $0 }
            case .error(let reason): throw fail("tools/list failed: \(reason)")
            case .timedOut, .stopped: throw fail("it did not answer tools/list within \(Int(spec.policy.startTimeout)) s")
            case .broken(let reason), .closed(let reason?): throw fail("it \(reason) instead of answering tools/list")
            case .closed: throw fail("it closed its connection before answering tools/list")
            }
        } while cursor != nil
        return MCPSession(process: process, channel: channel, router: router, tools: tools)
    }

    enum CallOutcome {
        case result(JSONValue)
        case failed(String)
        /// The server broke the protocol (`reason`, e.g. "sent a message
        /// Kai could not parse: ...").
        case broken(String)
        case deadline
        /// The server did not take its input by the deadline; Kai stopped it.
        case stalled
        case cancelled
        /// The connection ended; `reason` when Kai ended it.
        case lost(String?)
    }

    /// Calls one tool; at the deadline or on a cancellation, tells the
    /// server (notifications/cancelled) and returns without its answer.
    func call(_ name: String, arguments: JSONValue, deadline: Int64, onEvent: ToolEventHandler?,
              isCancelled: @escaping @Sendable () -> Bool) -> CallOutcome {
        var params: JSONObject = ["name": .string(name), "arguments": arguments]
        var token: String?
        if let onEvent {
            let key = router.progressToken(for: onEvent)
            token = key
            params["_meta"] = ["progressToken": .string(key)]
        }
        defer { if let token { router.forgetProgress(token) } }
        var sentID: Int64?
        let outcome = router.request("tools/call", .object(params), deadline: deadline, stopWhen: isCancelled) { sentID = $0 }
        switch outcome {
        case .result(let value): return .result(value)
        case .error(let reason): return .failed(reason)
        case .closed(let reason): return .lost(reason)
        case .broken(let reason): return .broken(reason)
        case .timedOut, .stopped:
            let cancelled = isCancelled()
            if let sentID {
                router.notify("notifications/cancelled", [
                    "requestId": .integer(sentID),
                    "reason": .string(cancelled ? "the caller cancelled the call" : "the call passed its deadline"),
                ])
            }
            // A server that is not reading its stdin would hold the queued
            // cancellation (and every later request) for good: stop it.
            if channel.isBlocked {
                channel.kill()
                return .stalled
            }
            return cancelled ? .cancelled : .deadline
        }
    }

    /// Whether the connection has ended (a stdio server's stdout closed).
    var isGone: Bool { router.isClosed }

    func close() {
        channel.close()
    }
}
