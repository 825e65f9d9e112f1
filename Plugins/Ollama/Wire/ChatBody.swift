import KaiJSON

/// Translates a Kai chat request (chat-request.schema.json, validated by the
/// host) into the body of Ollama's native `POST /api/chat`.
///
/// Ollama differs from the contract in four ways handled here: sampling
/// settings go in `options` (max_tokens is `num_predict`); a JSON Schema for
/// the answer goes in `format`; tool-call arguments travel as objects and
/// calls have no ids; a tool result names its tool (`tool_name`) instead of
/// the call it answers.
public enum ChatBody {
    /// `keepAlive`: the endpoint's keep_alive ("5m", seconds), sent as is.
    public static func body(_ request: JSONObject, model: String, stream: Bool, keepAlive: JSONValue? = nil) -> JSONValue {
        let messages = request["messages"]?.arrayValue ?? []
        var body: JSONObject = ["model": .string(model)]
        body["messages"] = .array(messages.map { message($0, history: messages) })
        if let tools = offeredTools(request), !tools.isEmpty {
            body["tools"] = .array(tools.map(tool))
        }
        var options: JSONObject = [:]
        if let maxTokens = request["max_tokens"] { options["num_predict"] = maxTokens }
        for key in ["temperature", "stop", "seed"] {
            if let value = request[key] { options[key] = value }
        }
        if !options.isEmpty { body["options"] = .object(options) }
        if let format = request["response_format"], format["type"]?.stringValue == "json_schema" {
            body["format"] = format["schema"] ?? ["type": "object"]
        }
        if let keepAlive { body["keep_alive"] = keepAlive }
        body["stream"] = .bool(stream)
        return .object(body)
    }

    /// The tools to send. Ollama has no tool_choice: "none" sends no tools,
    /// a named tool sends only that one (the closest Ollama comes to forcing
    /// it); "auto" and "required" send them all.
    static func offeredTools(_ request: JSONObject) -> [JSONValue]? {
        let tools = request["tools"]?.arrayValue
        switch request["tool_choice"] {
        case .string("none")?:
            return nil
        case .object(let choice)?:
            guard let name = choice["name"]?.stringValue else { return tools }
            return tools?.filter { $0["name"]?.stringValue == name }
        default:
            return tools
        }
    }

    /// Kai's message as Ollama's. `history` is the whole conversation, where
    /// a tool result's call id is looked up to name its tool.
    static func message(_ message: JSONValue, history: [JSONValue]) -> JSONValue {
        switch message["role"]?.stringValue {
        case "assistant":
            var out: JSONObject = ["role": "assistant", "content": .string(message["content"]?.stringValue ?? "")]
            if let calls = message["tool_calls"]?.arrayValue, !calls.isEmpty {
                out["tool_calls"] = .array(calls.map { call in
                    ["function": ["name": call["name"] ?? "", "arguments": call["arguments"] ?? .object([:])]]
                })
            }
            return .object(out)
        case "tool":
            let content = message["content"]?.stringValue ?? ""
            let isError = message["is_error"]?.boolValue ?? false
            var out: JSONObject = ["role": "tool", "content": .string(isError ? "Error: " + content : content)]
            if let id = message["tool_call_id"]?.stringValue, let name = toolName(answering: id, in: history) {
                out["tool_name"] = .string(name)
            }
            return .object(out)
        default:
            return ["role": message["role"] ?? "user", "content": message["content"] ?? ""]
        }
    }

    /// The name of the assistant's tool call `id`, the latest one if an id
    /// was used twice in the conversation.
    static func toolName(answering id: String, in history: [JSONValue]) -> String? {
        for message in history.reversed() where message["role"]?.stringValue == "assistant" {
            if let call = message["tool_calls"]?.arrayValue?.first(where: { $0["id"]?.stringValue == id }) {
                return call["name"]?.stringValue
            }
        }
        return nil
    }

    /// An MCP tool descriptor as an Ollama function tool.
    static func tool(_ tool: JSONValue) -> JSONValue {
        var function: JSONObject = ["name": tool["name"] ?? ""]
        if let description = tool["description"] { function["description"] = description }
        function["parameters"] = tool["inputSchema"] ?? ["type": "object"]
        return ["type": "function", "function": .object(function)]
    }
}
