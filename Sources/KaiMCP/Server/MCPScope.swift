import KaiCore
import KaiJSON

/// The scope of every `tools/call` an MCP client makes: a tool that calls
/// another tool (kai_host.call_tool, in process or from a worker) asks this
/// scope, which judges the nested call by the same MCP approval policy as
/// the client's own call — so a tool a client may call cannot reach, on
/// the client's behalf, a tool the policy denies or that needs approval.
/// Allowed nested calls run as kai_host.call_tool's do without a scope:
/// nested under their parent (its deadline, cancellation, depth), logged.
final class MCPScope: AgentScope {
    let runtime: PluginHost
    let gate: MCPApprovalGate

    init(gate: MCPApprovalGate) {
        self.gate = gate
        self.runtime = gate.runtime.host
    }

    var sessionID: String { "" }

    func callTool(callID: String, name: String, arguments: [UInt8], parent: ParentCall,
                  onEvent: ToolEventHandler?) -> Result<[UInt8], ScopeFailure> {
        let entry: CapabilityIndex.Entry
        do throws(CallError) {
            entry = try runtime.index(.tool).resolve(name)
        } catch {
            return .failure(ScopeFailure(code: error.code, message: error.description))
        }
        let parsed = (try? JSONParser.parse(arguments)) ?? .object([:])
        if let refusal = gate.refusal(entry, arguments: parsed, depth: parent.depth + 1) {
            return .failure(ScopeFailure(code: .permissionDenied, details: ["message": .string(refusal), "approval": "denied"]))
        }
        var options = CallOptions(onEvent: onEvent)
        options.parent = parent
        do throws(CallError) {
            return .success(try runtime.callTool(entry.qualifiedName, arguments: arguments, options: options).json)
        } catch {
            gate.runtime.callFailed(error)
            return .failure(ScopeFailure(code: error.code, message: error.description))
        }
    }

    func callProvider(provider: String, request: [UInt8], parent: ParentCall,
                      onEvent: ToolEventHandler?) -> Result<[UInt8], ScopeFailure> {
        // "" is the host's choice, as without a scope: the first provider loaded.
        guard let name = provider.isEmpty ? runtime.index(.provider).entries.first?.qualifiedName : provider else {
            return .failure(ScopeFailure(code: .notFound, message: "no provider is loaded"))
        }
        var options = CallOptions(onEvent: onEvent)
        options.parent = parent
        do throws(CallError) {
            // As without a scope: "NAME/MODEL" puts the model in the request.
            return .success(try runtime.callProvider(name, request: request, options: options).json)
        } catch {
            gate.runtime.callFailed(error)
            return .failure(ScopeFailure(code: error.code, message: error.description))
        }
    }

    func findAgents(query: [UInt8], parent: ParentCall) -> Result<[UInt8], ScopeFailure> {
        .failure(ScopeFailure(code: .unsupported, message: "kai mcp serve runs tools, not agent runs: delegation is not available here"))
    }

    func callAgent(name: String, input: [UInt8], parent: ParentCall) -> Result<[UInt8], ScopeFailure> {
        findAgents(query: [], parent: parent)
    }
}
