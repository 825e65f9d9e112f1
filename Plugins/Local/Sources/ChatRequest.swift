import KaiJSON
import KaiLocalGrammar

/// The parts of a chat request (chat-request.schema.json, already
/// validated by the host) that the local provider acts on.
struct ChatRequest {
    enum ToolChoice: Equatable {
        case auto, none, required
        case named(String)
    }

    let messages: [JSONValue]
    let tools: [GrammarTool]
    let toolDescriptions: [JSONValue]
    let toolChoice: ToolChoice
    let maxTokens: Int?
    let temperature: Double
    let stop: [[UInt8]]
    let seed: UInt32?
    let responseSchema: JSONValue?
    let model: String?

    init(json: JSONValue) throws(ProviderError) {
        guard let messages = json["messages"]?.arrayValue, !messages.isEmpty else {
            throw .invalidInput("the request has no messages")
        }
        self.messages = messages
        toolDescriptions = json["tools"]?.arrayValue ?? []
        tools = toolDescriptions.compactMap { tool in
            guard let name = tool["name"]?.stringValue else { return nil }
            return GrammarTool(name: name, inputSchema: tool["inputSchema"] ?? .object(JSONObject()))
        }
        switch json["tool_choice"] {
        case nil: toolChoice = .auto
        case .string("none")?: toolChoice = .none
        case .string("required")?: toolChoice = .required
        case .string("auto")?: toolChoice = .auto
        case let value?:
            guard let name = value["name"]?.stringValue else { throw .invalidInput("tool_choice must be auto, none, required or {\"name\": N}") }
            guard tools.contains(where: { $0.name == name }) else {
                throw .invalidInput("tool_choice names the tool \"\(name)\", which is not in the request's tools")
            }
            toolChoice = .named(name)
        }
        if toolChoice == .required && tools.isEmpty { throw .invalidInput("tool_choice is \"required\" but the request has no tools") }
        maxTokens = json["max_tokens"]?.intValue.map { Int($0) }
        temperature = json["temperature"]?.doubleValue ?? 0.8
        stop = (json["stop"]?.arrayValue ?? []).compactMap(\.stringValue).filter { !$0.isEmpty }.map { Array($0.utf8) }
        seed = json["seed"]?.intValue.map { UInt32(truncatingIfNeeded: $0) }
        responseSchema = json["response_format"]?["type"]?.stringValue == "json_schema" ? json["response_format"]?["schema"] : nil
        model = json["model"]?.stringValue
    }

    /// Whether the output must (or may) be a tool call.
    var usesTools: Bool { !tools.isEmpty && toolChoice != .none }

    /// The tools a call may name under tool_choice.
    var callableTools: [GrammarTool] {
        if case .named(let name) = toolChoice { return tools.filter { $0.name == name } }
        return tools
    }
}
