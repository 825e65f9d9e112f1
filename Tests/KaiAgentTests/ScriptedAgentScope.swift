import KaiCore
import KaiJSON
import Synchronization

/// An AgentScope answering from scripts, for driving a bundled agent through
/// the real host without a runtime: it records each service asked (and
/// with what), and answers with the test's closures. Unscripted services
/// fail with NOT_FOUND.
final class ScriptedAgentScope: AgentScope {
    struct Asked {
        let service: String   // "tool", "provider", "find", "agent"
        let name: String      // tool, provider or agent name; "" for find
        let input: JSONValue
    }

    typealias Script = @Sendable (_ name: String, _ input: JSONValue) -> Result<JSONValue, ScopeFailure>

    let sessionID = "s0123456789"
    private let asked = Mutex<[Asked]>([])
    let tool: Script?
    let provider: Script?
    let find: Script?
    let agent: Script?

    init(tool: Script? = nil, provider: Script? = nil, find: Script? = nil, agent: Script? = nil) {
        self.tool = tool
        self.provider = provider
        self.find = find
        self.agent = agent
    }

    var questions: [Asked] { asked.withLock { $0 } }

    /// A chat response with this text.
    static func reply(_ text: String) -> Result<JSONValue, ScopeFailure> {
        .success(["message": ["role": "assistant", "content": .string(text)], "finish_reason": "stop",
                  "usage": ["input_tokens": 10, "output_tokens": 5]])
    }

    func callTool(callID: String, name: String, arguments: [UInt8], parent: ParentCall,
                  onEvent: ToolEventHandler?) -> Result<[UInt8], ScopeFailure> {
        answer("tool", name, arguments, tool)
    }

    func callProvider(provider name: String, request: [UInt8], parent: ParentCall,
                      onEvent: ToolEventHandler?) -> Result<[UInt8], ScopeFailure> {
        answer("provider", name, request, provider)
    }

    func findAgents(query: [UInt8], parent: ParentCall) -> Result<[UInt8], ScopeFailure> {
        answer("find", "", query, find)
    }

    func callAgent(name: String, input: [UInt8], parent: ParentCall) -> Result<[UInt8], ScopeFailure> {
        answer("agent", name, input, agent)
    }

    private func answer(_ service: String, _ name: String, _ input: [UInt8], _ script: Script?) -> Result<[UInt8], ScopeFailure> {
        let value = (try? JSONParser.parse(input)) ?? .string(String(decoding: input, as: UTF8.self))
        asked.withLock { $0.append(Asked(service: service, name: name, input: value)) }
        guard let script else { return .failure(ScopeFailure(code: .notFound, message: "nothing scripted for \(service) \(name)")) }
        return script(name, value).map { $0.serializedBytes() }
    }
}
