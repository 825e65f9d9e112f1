import CKaiABI
import Glibc
import KaiJSON
import Synchronization

/// kai.host.agent/1 (kai_agent.h), in-process: each service asks the
/// AgentScope of the calling invoke()'s CallContext. Offered to plugins of
/// minor 2 and later; a worker's host offers no such table (its plugin
/// then sees NULL, and an agent in a worker is refused before it runs
/// inside a run: see CallError.agentNeedsInProcess).
enum AgentExtension {
    /// The table for a plugin that negotiated `minor` (nil below 2: a host
    /// must not surprise an older plugin).
    static func lookup(_ id: UnsafePointer<CChar>?, minor: UInt32) -> UnsafeRawPointer? {
        guard minor >= 2, let id, strcmp(id, KAI_HOST_AGENT_ID) == 0 else { return nil }
        return table
    }

    /// What a service outside a run answers (UNSUPPORTED).
    static let notInRun = "this call is not part of a run: agents run under `kai run` (kai.host.agent/1 needs a run's session)"

    /// The in-process table (never freed: plugins may hold it for the process).
    nonisolated(unsafe) static let table: UnsafeRawPointer = {
        let table = UnsafeMutablePointer<kai_host_agent_v1>.allocate(capacity: 1)
        table.initialize(to: kai_host_agent_v1(
            struct_size: UInt32(MemoryLayout<kai_host_agent_v1>.size), reserved0: 0,
            session_id: agentSessionID, call_tool: agentCallTool, find_agents: agentFindAgents, call_agent: agentCallAgent))
        return UnsafeRawPointer(table)
    }()

    /// The scope's answer for a plugin: a result written to `out` and
    /// KAI_OK, or the failure's details (with "code") and its code.
    static func answer(_ result: Result<[UInt8], ScopeFailure>, _ out: UnsafePointer<kai_output>?) -> kai_result {
        switch result {
        case .success(let bytes):
            return write(bytes, to: out)
        case .failure(let failure):
            return fail(failure, out)
        }
    }

    static func write(_ bytes: [UInt8], to out: UnsafePointer<kai_output>?) -> kai_result {
        guard let out, let write = out.pointee.write else { return KAI_OK }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { write(out, $0.baseAddress, $0.count) }
        }
    }

    static func fail(_ failure: ScopeFailure, _ out: UnsafePointer<kai_output>?) -> kai_result {
        if let out, let setError = out.pointee.set_error {
            _ = details(of: failure).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { setError(out, $0.baseAddress, $0.count) }
            }
        }
        return failure.code.rawValue
    }

    /// The failure's details object with "code": the result code's name.
    static func details(of failure: ScopeFailure) -> [UInt8] {
        var details = failure.details
        details["code"] = .string(failure.code.description)
        return JSONValue.object(details).serializedBytes()
    }

    /// The scope and context of a service call, or the failure to answer.
    static func scoped(
        _ host: UnsafePointer<kai_host>?, _ call: UnsafePointer<kai_call>?, service: String
    ) -> Result<(PluginInstance, CallContext, any AgentScope), ScopeFailure> {
        guard let instance = HostServices.instance(host), let context = HostServices.callContext(call) else {
            return .failure(ScopeFailure(code: .invalidInput, message: "\(service) needs the kai_host and the kai_call of a running call"))
        }
        guard let scope = context.scope else { return .failure(ScopeFailure(code: .unsupported, message: notInRun)) }
        return .success((instance, context, scope))
    }
}

/// A plugin's event sink, open while the host service given it runs: a
/// tool's events arriving after call_tool returned must not reach it.
final class ScopedSink: Sendable {
    private let emitter: Mutex<PluginSinkEmitter?>

    init(_ emitter: PluginSinkEmitter) {
        self.emitter = Mutex(emitter)
    }

    func emit(_ event: ToolEvent) -> EventReply {
        emitter.withLock { $0?.emit(event) ?? .continue }
    }

    /// Runs `body` (the service) with the sink open, then closes it.
    func whileOpen<R>(_ body: () -> R) -> R {
        defer { emitter.withLock { $0 = nil } }
        return body()
    }

    var handler: ToolEventHandler { { [self] event in emit(event) } }
}

private let agentSessionID: @convention(c) (UnsafePointer<kai_host>?, UnsafePointer<kai_call>?) -> kai_str = { _, call in
    guard let context = HostServices.callContext(call) else { return kai_str(data: nil, len: 0) }
    let (pointer, count) = context.sessionID()
    return kai_str(data: pointer, len: count)
}

private let agentCallTool: @convention(c) (
    UnsafePointer<kai_host>?, UnsafePointer<kai_call>?, kai_str, kai_str, kai_str, UnsafePointer<kai_event_sink>?,
    UnsafePointer<kai_output>?
) -> kai_result = { host, call, callID, name, args, sink, out in
    let (instance, context, scope): (PluginInstance, CallContext, any AgentScope)
    switch AgentExtension.scoped(host, call, service: "call_tool") {
    case .failure(let failure): return AgentExtension.fail(failure, out)
    case .success(let found): (instance, context, scope) = found
    }
    // The arguments came from a plugin: its secret must reach neither the
    // tool nor the session record.
    let arguments = instance.host.scrubber.scrubJSON(HostServices.bytes(args))
    let bridge = sink.map { ScopedSink(PluginSinkEmitter(sink: $0, passesProgress: true)) }
    let run = {
        scope.callTool(callID: HostServices.string(callID), name: HostServices.string(name), arguments: arguments,
                       parent: context.parentCall, onEvent: bridge?.handler)
    }
    let result = bridge.map { $0.whileOpen(run) } ?? run()
    return AgentExtension.answer(result, out)
}

private let agentFindAgents: @convention(c) (
    UnsafePointer<kai_host>?, UnsafePointer<kai_call>?, kai_str, UnsafePointer<kai_output>?
) -> kai_result = { host, call, query, out in
    switch AgentExtension.scoped(host, call, service: "find_agents") {
    case .failure(let failure):
        return AgentExtension.fail(failure, out)
    case .success(let (_, context, scope)):
        return AgentExtension.answer(scope.findAgents(query: HostServices.bytes(query), parent: context.parentCall), out)
    }
}

private let agentCallAgent: @convention(c) (
    UnsafePointer<kai_host>?, UnsafePointer<kai_call>?, kai_str, kai_str, UnsafePointer<kai_output>?
) -> kai_result = { host, call, name, input, out in
    switch AgentExtension.scoped(host, call, service: "call_agent") {
    case .failure(let failure):
        return AgentExtension.fail(failure, out)
    case .success(let (instance, context, scope)):
        let input = instance.host.scrubber.scrubJSON(HostServices.bytes(input))
        return AgentExtension.answer(
            scope.callAgent(name: HostServices.string(name), input: input, parent: context.parentCall), out)
    }
}
