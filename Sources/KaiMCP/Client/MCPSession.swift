import Foundation
import KaiCore
import MCP
import Synchronization

/// One live, initialized connection to an MCP server through the
/// swift-sdk's Client: a started process (stdio) or an HTTP session.
/// Kai's call path is synchronous, so each request runs in a task and the
/// calling thread waits for it (BlockingResult) until the call's deadline.
final class MCPSession: Sendable {
    let client: Client
    let process: MCPServerProcess?
    let tools: [Tool]
    /// Set once the server's stdout ended (stdio): calls in flight fail.
    private let gone: BlockingResult<Bool>
    /// Progress token → the handler of the call that sent it.
    private let progress = Mutex<[String: ToolEventHandler]>([:])
    private let nextToken = Atomic<Int>(0)

    private init(client: Client, process: MCPServerProcess?, tools: [Tool], gone: BlockingResult<Bool>) {
        self.client = client
        self.process = process
        self.tools = tools
        self.gone = gone
    }

    /// Starts (stdio) or reaches (http) the server, initializes, and lists
    /// its tools, all before `deadline`.
    static func open(_ spec: MCPServerSpec, deadline: Int64) throws(MCPStartError) -> MCPSession {
        let gone = BlockingResult<Bool>()
        let process: MCPServerProcess?
        let transport: any MCP.Transport
        switch spec.transport {
        case .stdio(let command, let arguments, let environment):
            let started = try MCPServerProcess.start(command: command, arguments: arguments, environment: environment)
            process = started
            transport = PipeTransport(input: started.stdin, output: started.stdout, onClose: { gone.finish(true) })
        case .http(let url, let token):
            process = nil
            transport = StreamingHTTPTransport(endpoint: url, token: token)
        }
        let client = Client(name: "kai", version: "1.0")
        let opened = BlockingResult<Result<[Tool], any Error>>()
        let task = Task {
            do {
                try await client.connect(transport: transport)
                var tools: [Tool] = []
                var cursor: String?
                repeat {
                    let page = try await client.listTools(cursor: cursor)
                    tools += page.tools
                    cursor = page.nextCursor
                } while cursor != nil
                opened.finish(.success(tools))
            } catch {
                opened.finish(.failure(error))
            }
        }
        let outcome = opened.wait(until: deadline, stopWhen: { gone.wait(until: 0) != nil })
        func fail(_ reason: String) -> MCPStartError {
            task.cancel()
            var reason = reason
            if let process {
                let exit = process.process.exitIfEnded() ?? process.process.kill()
                reason += " (it \(exit))"
                if let line = process.lastStderrLine { reason += "; its last words on stderr: \(line)" }
            }
            return MCPStartError(reason)
        }
        switch outcome {
        case .success(let tools)?:
            let session = MCPSession(client: client, process: process, tools: tools, gone: gone)
            Task { await session.listenForProgress() }
            return session
        case .failure(let error)?:
            throw fail("initialize failed: \(Self.describe(error))")
        case nil:
            if gone.wait(until: 0) != nil { throw fail("it closed its stdout before answering initialize") }
            throw fail("it did not answer initialize and tools/list within \(Int(spec.policy.startTimeout)) s")
        }
    }

    private func listenForProgress() async {
        await client.onNotification(ProgressNotification.self) { [weak self] message in
            guard let self else { return }
            let key = Self.key(message.params.progressToken)
            guard let handler = self.progress.withLock({ $0[key] }) else { return }
            _ = handler(.progress(progress: message.params.progress, total: message.params.total,
                                  message: message.params.message ?? ""))
        }
    }

    enum CallOutcome {
        case result(CallTool.Result)
        case failed(String)
        case deadline
        case cancelled
        case lost
    }

    /// Calls one tool; on the deadline or a cancellation, tells the server
    /// (notifications/cancelled) and returns without its answer.
    func call(_ name: String, arguments: [String: Value]?, deadline: Int64, onEvent: ToolEventHandler?,
              isCancelled: @escaping @Sendable () -> Bool) -> CallOutcome {
        if gone.wait(until: 0) != nil { return .lost }
        var meta: Metadata?
        var token: String?
        if let onEvent {
            let key = "kai-\(nextToken.add(1, ordering: .relaxed).newValue)"
            token = key
            progress.withLock { $0[key] = onEvent }
            meta = Metadata(progressToken: .string(key))
        }
        defer { if let token { _ = progress.withLock { $0.removeValue(forKey: token) } } }
        let answer = BlockingResult<Result<CallTool.Result, any Error>>()
        let requestID = BlockingResult<ID>()
        let client = client
        Task {
            do {
                let context: RequestContext<CallTool.Result> = try await client.callTool(name: name, arguments: arguments, meta: meta)
                requestID.finish(context.requestID)
                answer.finish(.success(try await context.value))
            } catch {
                answer.finish(.failure(error))
            }
        }
        let gone = gone
        let outcome = answer.wait(until: deadline, stopWhen: { isCancelled() || gone.wait(until: 0) != nil })
        switch outcome {
        case .success(let result)?:
            return .result(result)
        case .failure(let error)?:
            return gone.wait(until: 0) != nil ? .lost : .failed(Self.describe(error))
        case nil:
            if gone.wait(until: 0) != nil { return .lost }
            let cancelled = isCancelled()
            if let id = requestID.wait(until: MonotonicClock.deadline(after: 1)) {
                let reason = cancelled ? "the caller cancelled the call" : "the call passed its deadline"
                Task { try? await client.cancelRequest(id, reason: reason) }
            }
            return cancelled ? .cancelled : .deadline
        }
    }

    /// Whether the server's stdout has ended.
    var isGone: Bool { gone.wait(until: 0) != nil }

    func close() {
        let client = client
        let done = BlockingResult<Bool>()
        Task {
            await client.disconnect()
            done.finish(true)
        }
        _ = done.wait(until: MonotonicClock.deadline(after: 1))
    }

    static func key(_ token: ProgressToken) -> String {
        switch token {
        case .string(let text): text
        case .integer(let number): "\(number)"
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? MCPError { return error.errorDescription ?? String(describing: error) }
        return String(describing: error)
    }
}
