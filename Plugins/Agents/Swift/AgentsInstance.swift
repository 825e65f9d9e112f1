import CKaiABI
import KaiJSON

/// One instance of the plugin: the host table, and the routing from agent
/// names to agents. Immutable, so concurrent calls share it.
///
/// @unchecked Sendable: the host pointer is valid until destroy(), which
/// never runs concurrently with invoke(), and kai_host's services are
/// [any-thread].
final class AgentsInstance: @unchecked Sendable {
    let host: UnsafePointer<kai_host>

    init(host: UnsafePointer<kai_host>) { self.host = host }

    /// Runs the named agent on the call's input: its agent output, or why it failed.
    func invoke(_ call: UnsafePointer<kai_call>) -> Result<JSONValue, AgentFailure> {
        let name = KaiStr.string(call.pointee.name)
        guard call.pointee.kind == KAI_KIND_AGENT, ["assistant", "supervisor"].contains(name) else {
            return .failure(AgentFailure(
                code: KAI_ERR_NOT_FOUND, message: "no agent '\(name)' in dev.kai.agents; it provides the agents assistant and supervisor"))
        }
        let input: AgentInput
        do {
            input = try AgentInput(try JSONParser.parse(KaiStr.bytes(call.pointee.input)))
        } catch let failure as AgentFailure {
            return .failure(failure)
        } catch {
            return .failure(AgentFailure(code: KAI_ERR_INVALID_INPUT, message: "the agent input is not JSON: \(error)"))
        }
        let agentHost: AgentHost
        switch AgentHost.open(host: host, call: call, agentName: name) {
        case .success(let opened): agentHost = opened
        case .failure(let failure): return .failure(failure)
        }
        if name == "assistant" {
            var assistant = Assistant(host: agentHost, input: input)
            return assistant.run()
        }
        var supervisor = Supervisor(host: agentHost, input: input)
        return supervisor.run()
    }
}
