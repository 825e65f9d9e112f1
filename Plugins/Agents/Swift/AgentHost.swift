import CKaiABI
import Glibc
import KaiJSON

/// The host services one agent call uses, over the C tables: kai_host and
/// its kai.host.agent/1 extension, bound to the running kai_call.
///
/// @unchecked Sendable: it holds only pointers the host keeps valid until
/// invoke() returns, and every service used through them is [any-thread];
/// the agent joins every thread it starts before invoke() returns. Events to
/// the call's own sink (text, steps) are sent from the invoke() thread only,
/// as a sink is never called concurrently.
struct AgentHost: @unchecked Sendable {
    let host: UnsafePointer<kai_host>
    let call: UnsafePointer<kai_call>
    private let agent: UnsafePointer<kai_host_agent_v1>

    /// The services, or UNSUPPORTED when the host offers no kai.host.agent/1
    /// (the agent was called outside a run).
    static func open(host: UnsafePointer<kai_host>, call: UnsafePointer<kai_call>, agentName: String) -> Result<AgentHost, AgentFailure> {
        let missing = AgentFailure(
            code: KAI_ERR_UNSUPPORTED,
            message: "the agent '\(agentName)' runs only inside a run (kai run): this host offers no \(KAI_HOST_AGENT_ID) services")
        guard let lookup = host.pointee.get_extension, let table = lookup(host, KAI_HOST_AGENT_ID) else { return .failure(missing) }
        let agent = table.assumingMemoryBound(to: kai_host_agent_v1.self)
        // Every function pointer used here is in the first revision's table.
        guard agent.pointee.struct_size >= UInt32(MemoryLayout<kai_host_agent_v1>.size) else { return .failure(missing) }
        let opened = AgentHost(host: host, call: call, agent: agent)
        // The table without a session: the host has the services, but this
        // call is not part of a run.
        guard !opened.sessionID.isEmpty else { return .failure(missing) }
        return .success(opened)
    }

    /// Why the agent must stop now, if it must: the caller cancelled the
    /// call, or its deadline passed.
    var stopped: AgentFailure? {
        guard host.pointee.is_cancelled?(host, call) ?? false else { return nil }
        let deadline = host.pointee.deadline?(host, call) ?? Int64.max  // KAI_NO_DEADLINE
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        if deadline != Int64.max, Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec) >= deadline {
            return AgentFailure(code: KAI_ERR_DEADLINE_EXCEEDED, message: "the agent ran out of time (the call's deadline passed)")
        }
        return AgentFailure(code: KAI_ERR_CANCELLED, message: "the run was cancelled")
    }

    var sessionID: String {
        guard let sessionID = agent.pointee.session_id else { return "" }
        return KaiStr.string(sessionID(host, call))
    }

    /// Calls a tool of the run (approval, session record and the user's view
    /// are the host's); its MCP result on success.
    func callTool(id: String, name: String, arguments: JSONValue) -> Result<JSONValue, AgentFailure> {
        guard let callTool = agent.pointee.call_tool else { return .failure(Self.absent("call_tool")) }
        return KaiStr.with(id) { id in
            KaiStr.with(name) { name in
                KaiStr.with(arguments.serializedBytes()) { arguments in
                    HostOutput.collect { out in callTool(host, call, id, name, arguments, nil, out) }
                }
            }
        }
    }

    /// The agents that could take a sub-task, best first; `query` is
    /// {"capability", "task_type"}, both optional.
    func findAgents(_ query: JSONValue) -> Result<JSONValue, AgentFailure> {
        guard let findAgents = agent.pointee.find_agents else { return .failure(Self.absent("find_agents")) }
        return KaiStr.with(query.serializedBytes()) { query in
            HostOutput.collect { out in findAgents(host, call, query, out) }
        }
    }

    /// Delegates to another agent of the run; its agent output.
    func callAgent(name: String, input: JSONValue) -> Result<JSONValue, AgentFailure> {
        guard let callAgent = agent.pointee.call_agent else { return .failure(Self.absent("call_agent")) }
        return KaiStr.with(name) { name in
            KaiStr.with(input.serializedBytes()) { input in
                HostOutput.collect { out in callAgent(host, call, name, input, out) }
            }
        }
    }

    /// One chat response, not streamed.
    func complete(provider: String, request: JSONValue) -> Result<JSONValue, AgentFailure> {
        guard let complete = host.pointee.provider_complete else { return .failure(Self.absent("provider_complete")) }
        return KaiStr.with(provider) { provider in
            KaiStr.with(request.serializedBytes()) { request in
                HostOutput.collect { out in complete(host, call, provider, request, out) }
            }
        }
    }

    /// Sends one agent-step object to the caller (a no-op when not streaming).
    func step(_ step: JSONValue) {
        guard let events = call.pointee.events, let onEvent = events.pointee.on_event else { return }
        KaiStr.with(step.serializedBytes()) { json in
            var event = kai_event_step(
                header: kai_event(struct_size: UInt32(MemoryLayout<kai_event_step>.size), type: UInt32(KAI_EVENT_STEP)), json: json)
            _ = withUnsafePointer(to: &event) { $0.withMemoryRebound(to: kai_event.self, capacity: 1) { onEvent(events, $0) } }
        }
    }

    private static func absent(_ service: String) -> AgentFailure {
        AgentFailure(code: KAI_ERR_UNSUPPORTED, message: "this host does not offer \(service)")
    }
}
