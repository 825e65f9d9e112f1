import KaiJSONSchema

extension CallError {
    /// The description worded for the kind of capability called: a
    /// provider's request and response are checked against the provider
    /// contract's schemas (kai_provider.h), not a tool's own, and the user
    /// asked a provider, not a tool.
    public func description(for kind: Capability.Kind) -> String {
        switch kind {
        case .tool: return description
        case .agent: return agentDescription
        case .provider: break
        }
        switch self {
        case .argumentsNotJSON(let name, let error):
            return "the request for provider \"\(name)\" is not valid JSON: \(error.description)."
        case .argumentsInvalid(let name, let violations):
            return "the request for provider \"\(name)\" does not match the chat request schema "
                + "(plugin-sdk/schema/chat-request.schema.json):\n" + Self.lines(violations)
        case .outputViolatesSchema(let name, let violations):
            return "provider \"\(name)\" returned a response that does not match the chat response schema "
                + "(plugin-sdk/schema/chat-response.schema.json; a bug in the plugin):\n" + Self.lines(violations)
        default:
            let text = description
            return text.hasPrefix("tool \"") ? "provider \"" + text.dropFirst("tool \"".count) : text
        }
    }

    /// An agent's input and output are checked against the agent contract
    /// (kai_agent.h) for agents of minor 2 and later.
    private var agentDescription: String {
        switch self {
        case .argumentsNotJSON(let name, let error):
            return "the input for agent \"\(name)\" is not valid JSON: \(error.description)."
        case .argumentsInvalid(let name, let violations):
            return "the input for agent \"\(name)\" does not match the agent input schema "
                + "(plugin-sdk/schema/agent-input.schema.json):\n" + Self.lines(violations)
        case .outputViolatesSchema(let name, let violations):
            return "agent \"\(name)\" returned an output that does not match the agent output schema "
                + "(plugin-sdk/schema/agent-output.schema.json; a bug in the plugin):\n" + Self.lines(violations)
        default:
            let text = description
            return text.hasPrefix("tool \"") ? "agent \"" + text.dropFirst("tool \"".count) : text
        }
    }

    private static func lines(_ violations: [SchemaViolation]) -> String {
        violations.map { "  \($0.description)" }.joined(separator: "\n")
    }
}
