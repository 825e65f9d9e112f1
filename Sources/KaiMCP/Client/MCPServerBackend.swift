import Foundation
import KaiCore
import KaiJSON

/// One imported MCP server as the backend of its plugin entry, supervised
/// as a plugin's worker is (WorkerSupervisor): started (and initialized) on
/// first use; a server that dies fails the call in flight, and the next
/// call starts it again — at once after one failure, then with exponential
/// backoff; `policy.maxFailures` failures within `policy.failureWindow`
/// disable it for the life of this host (across processes, the runtime
/// counts the same failures in the call log: WorkerFailureWindow).
///
///     notStarted ─call─▶ starting ─initialized─▶ ready ─died─▶ crashed | backingOff | disabled
///     ready ─shutdown─▶ stopped
///
/// `@unchecked Sendable`: all mutable state is guarded by `monitor`.
public final class MCPServerBackend: ToolBackend, @unchecked Sendable {
    enum State {
        case notStarted
        case starting
        case ready(MCPSession)
        case crashed(String)
        case backingOff(until: Int64, String)
        case disabled(String)
        case stopped
    }

    public let spec: MCPServerSpec
    /// Called with the server's tool list after each successful start, so
    /// the registry's cache follows the server (RegistryStore+MCPTools).
    private let onTools: (@Sendable ([JSONValue]) -> Void)?
    private let monitor = Monitor()
    private var state = State.notStarted
    private var failureTimes: [Int64] = []
    private var consecutiveFailures = 0

    public init(spec: MCPServerSpec, onTools: (@Sendable ([JSONValue]) -> Void)? = nil) {
        self.spec = spec
        self.onTools = onTools
    }

    /// With a session already opened (the importer started the server to
    /// list its tools): calls use it.
    init(spec: MCPServerSpec, onTools: (@Sendable ([JSONValue]) -> Void)?, session: MCPSession?) {
        self.spec = spec
        self.onTools = onTools
        if let session { state = .ready(session) }
    }

    public var stateName: String {
        let name: String = monitor.withLock {
            switch state {
            case .notStarted: "notStarted"
            case .starting: "starting"
            case .ready: "ready"
            case .crashed: "crashed"
            case .backingOff: "backingOff"
            case .disabled: "disabled"
            case .stopped: "stopped"
            }
        }
        return "\(spec.transportName): \(name)"
    }

    /// The process id of the running stdio server, if any.
    public var serverPID: Int32? {
        monitor.withLock {
            if case .ready(let session) = state { return session.process?.process.pid }
            return nil
        }
    }

    public func invoke(_ call: BackendCall) throws(CallError) -> BackendOutcome {
        let ownDeadline = MonotonicClock.deadline(after: spec.callTimeout)
        let call = ownDeadline < call.deadline
            ? BackendCall(tool: call.tool, name: call.name, arguments: call.arguments, deadline: ownDeadline, onEvent: call.onEvent,
                          outputLimit: call.outputLimit, isCancelled: { call.isCancelled })
            : call
        let session = try acquire(call)
        guard let arguments = try? JSONParser.parse(call.arguments) else {
            return .failure(.invalidInput, message: "the arguments are not JSON")
        }
        switch session.call(call.name, arguments: arguments, deadline: call.deadline, onEvent: call.onEvent,
                            isCancelled: { call.isCancelled }) {
        case .result(let result):
            return MCPToolResult.outcome(result)
        case .failed(let reason):
            return .failure(.internal, message: "MCP server \(spec.id) answered tools/call with an error: \(reason)")
        case .broken(let reason):
            return .failure(.internal, message: "MCP server \(spec.id) \(reason)")
        case .deadline:
            return .failure(.deadlineExceeded, message: "MCP server \(spec.id) had not answered; Kai sent it notifications/cancelled")
        case .stalled:
            _ = lost(session, tool: nil, reason: "stopped reading its input")
            return .failure(.deadlineExceeded, message: "MCP server \(spec.id) had not answered and stopped reading its input; Kai stopped it")
        case .cancelled:
            return .failure(.cancelled, message: "cancelled; Kai sent MCP server \(spec.id) notifications/cancelled")
        case .lost(let reason):
            throw lost(session, tool: call.tool, reason: reason)
        }
    }

    /// A ready session, starting the server if needed; waits out a backoff
    /// that ends before the call's deadline.
    private func acquire(_ call: BackendCall) throws(CallError) -> MCPSession {
        monitor.lock()
        while true {
            switch state {
            case .ready(let session):
                if session.isGone {
                    monitor.unlock()
                    _ = lost(session, tool: nil)
                    monitor.lock()
                    continue
                }
                monitor.unlock()
                return session
            case .starting:
                if MonotonicClock.now() >= call.deadline {
                    monitor.unlock()
                    throw unavailable(call.tool, "was still starting when the call's deadline passed")
                }
                monitor.wait(until: call.deadline)
                continue
            case .notStarted, .crashed:
                break
            case .backingOff(let until, let last):
                let now = MonotonicClock.now()
                if now < until {
                    guard until <= call.deadline else {
                        monitor.unlock()
                        throw unavailable(call.tool, String(
                            format: "failed %d times in a row (last: %@); it restarts in %.1f s", consecutiveFailures, last,
                            Double(until - now) / 1e9))
                    }
                    monitor.wait(until: until)
                    continue
                }
            case .disabled(let reason):
                monitor.unlock()
                throw disabled(call.tool, reason)
            case .stopped:
                monitor.unlock()
                throw unavailable(call.tool, "is stopped: the host is shutting down")
            }
            state = .starting
            monitor.unlock()
            let deadline = min(call.deadline, MonotonicClock.deadline(after: spec.policy.startTimeout))
            let opened = Result { () throws(MCPStartError) in try MCPSession.open(spec, deadline: deadline) }
            monitor.lock()
            defer { monitor.broadcast() }
            switch opened {
            case .success(let session):
                guard case .starting = state else {  // shut down meanwhile
                    monitor.unlock()
                    session.close()
                    throw unavailable(call.tool, "is stopped: the host is shutting down")
                }
                state = .ready(session)
                monitor.unlock()
                onTools?(session.tools)
                return session
            case .failure(let error):
                let phrase = "could not start: \(error.reason)"
                let disabledNow = recordFailure(phrase)
                monitor.unlock()
                if let disabledNow { throw disabled(call.tool, disabledNow) }
                throw unavailable(call.tool, phrase)
            }
        }
    }

    /// The server of `session` died: records the failure once, and the
    /// error for the call that saw it (if any).
    private func lost(_ session: MCPSession, tool: String?, reason: String? = nil) -> CallError {
        let exit = session.process.map { $0.process.waitForExit(within: 1) }
        let how = reason.map { "\($0); Kai stopped it" } ?? exit.map { "\($0)" } ?? "closed its connection"
        let phrase = tool.map { "\(how) during a call to \($0)" } ?? "\(how) while idle"
        monitor.withLock {
            if case .ready(let current) = state, current === session { _ = recordFailure(phrase) }
            monitor.broadcast()
        }
        let kind: ErrorKind = if reason == nil, case .signaled? = exit { .workerCrashed } else { .workerExited }
        return .backendFailed(
            tool: tool ?? "", plugin: spec.id, kind: kind,
            message: "tool \"\(tool ?? "")\" failed: MCP server \(spec.id) \(how) during the call. The host is unaffected; the next call starts the server again.")
    }

    /// Counts a failure (lock held) and picks the next state; returns the
    /// reason when this failure disables the server.
    private func recordFailure(_ phrase: String) -> String? {
        let now = MonotonicClock.now()
        let window = Int64(spec.policy.failureWindow * 1e9)
        failureTimes = failureTimes.filter { now - $0 < window } + [now]
        consecutiveFailures += 1
        if failureTimes.count >= spec.policy.maxFailures {
            let reason = "it failed \(failureTimes.count) times within \(Int(spec.policy.failureWindow)) s (last: \(phrase))"
            state = .disabled(reason)
            return reason
        }
        let delay = consecutiveFailures > 1
            ? min(spec.policy.backoffBase * pow(2, Double(consecutiveFailures - 2)), spec.policy.backoffCap) : 0
        state = delay == 0 ? .crashed(phrase) : .backingOff(until: now + Int64(delay * 1e9), phrase)
        return nil
    }

    private func unavailable(_ tool: String, _ reason: String) -> CallError {
        .backendFailed(tool: tool, plugin: spec.id, kind: .workerUnavailable,
                       message: "tool \"\(tool)\" is unavailable: MCP server \(spec.id) \(reason).")
    }

    private func disabled(_ tool: String, _ reason: String) -> CallError {
        .backendFailed(tool: tool, plugin: spec.id, kind: .pluginDisabled,
                       message: "tool \"\(tool)\" is unavailable: MCP server \(spec.id) was disabled because \(reason). Fix the server, then run 'kai plugins enable \(spec.id)'.")
    }

    public func shutdown(deadline: Int64) {
        let session: MCPSession? = monitor.withLock {
            defer { state = .stopped; monitor.broadcast() }
            if case .ready(let session) = state { return session }
            return nil
        }
        guard let session else { return }
        session.close()
        // Closing stdin asks a stdio server to exit; it is killed at the deadline.
        if let process = session.process?.process {
            process.closePipe(0)
            let seconds = max(Double(deadline - MonotonicClock.now()) / 1e9, 0)
            _ = process.waitForExit(within: seconds)
        }
    }
}
