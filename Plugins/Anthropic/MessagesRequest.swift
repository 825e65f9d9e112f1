import KaiJSON
import KaiProviderKit

/// Translates a Kai chat request (chat-request.schema.json, validated by the
/// host) into a Messages API body.
///
/// What differs from the contract: system messages go to the top-level
/// `system`; the assistant's tool calls are `tool_use` blocks; tool results
/// are `tool_result` blocks in a user turn, and consecutive user-side
/// messages merge into one turn (the API wants results right after the
/// tool_use turn); a JSON-schema answer is asked for as a forced call of a
/// tool whose input schema is the schema (MessageReply turns it back into
/// content). `seed` has no Messages API counterpart and is not sent.
enum MessagesRequest {
    /// The tool a response_format json_schema request is forced to call.
    static let jsonTool = "kai_json_response"

    static func body(_ request: JSONObject, model: String, stream: Bool, endpoint: AnthropicEndpoint) throws(ProviderError) -> [UInt8] {
        var body: JSONObject = ["model": .string(model)]
        body["max_tokens"] = request["max_tokens"] ?? .integer(Int64(endpoint.maxTokensDefault))
        let messages = request["messages"]?.arrayValue ?? []
        let system = messages.filter { $0["role"]?.stringValue == "system" }.compactMap { $0["content"]?.stringValue }
        if !system.isEmpty { body["system"] = .string(system.joined(separator: "\n\n")) }
        let turns = turns(messages)
        guard !turns.isEmpty else {
            throw .invalidInput("the request has no user or assistant message with content; the Messages API needs at least one")
        }
        body["messages"] = .array(turns)
        var tools = (request["tools"]?.arrayValue ?? []).map(tool)
        // The API refuses tool_choice without tools.
        if let choice = request["tool_choice"], !tools.isEmpty { body["tool_choice"] = toolChoice(choice) }
        if let format = request["response_format"], format["type"]?.stringValue == "json_schema" {
            let schema = format["schema"] ?? .object([:])
            guard schema["type"]?.stringValue == "object" else {
                throw .invalidInput("response_format: Anthropic gives JSON answers as a tool's input, which must be an object; give a schema with \"type\": \"object\"")
            }
            tools.append(["name": .string(jsonTool), "description": "Give the answer as this tool's input.", "input_schema": schema])
            body["tool_choice"] = ["type": "tool", "name": .string(jsonTool)]
        }
        if !tools.isEmpty { body["tools"] = .array(tools) }
        if let stop = request["stop"] { body["stop_sequences"] = try stopSequences(stop) }
        if let temperature = request["temperature"] {
            // The contract allows 0…2 (OpenAI's range); the Messages API 0…1.
            guard (temperature.doubleValue ?? 0) <= 1 else {
                throw .invalidInput("temperature \(temperature.serialized()) is above the Messages API's maximum of 1; use a value from 0 to 1")
            }
            body["temperature"] = temperature
        }
        if stream { body["stream"] = true }
        return JSONValue.object(body).serializedBytes()
    }

    /// The conversation as alternating turns: user-side messages (user text,
    /// tool results) that follow one another form one user turn.
    ///
    /// The API refuses empty content except in a final assistant message
    /// (a prefill): empty user text is left out, and so is an empty
    /// assistant message before the end (one with tool calls is not empty).
    private static func turns(_ messages: [JSONValue]) -> [JSONValue] {
        var turns: [(role: String, blocks: [JSONValue])] = []
        let spoken = messages.filter { $0["role"]?.stringValue != "system" }
        for (position, message) in spoken.enumerated() {
            let role = message["role"]?.stringValue ?? "user"
            let wireRole = role == "assistant" ? "assistant" : "user"
            var blocks = self.blocks(message, role: role)
            if role != "tool" { blocks.removeAll { $0["type"]?.stringValue == "text" && $0["text"]?.stringValue?.isEmpty == true } }
            if blocks.isEmpty {
                // Only a final assistant message may be empty (sent as "").
                guard role == "assistant", position == spoken.count - 1 else { continue }
                blocks = [["type": "text", "text": ""]]
            }
            if let last = turns.last, last.role == wireRole, wireRole == "user" {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((wireRole, blocks))
            }
        }
        return turns.map { turn in
            // A lone text block goes as a plain string, the API's short form.
            if turn.blocks.count == 1, turn.blocks[0]["type"]?.stringValue == "text", let text = turn.blocks[0]["text"] {
                return ["role": .string(turn.role), "content": text]
            }
            return ["role": .string(turn.role), "content": .array(turn.blocks)]
        }
    }

    private static func blocks(_ message: JSONValue, role: String) -> [JSONValue] {
        switch role {
        case "assistant":
            var blocks: [JSONValue] = []
            if let text = message["content"]?.stringValue, !text.isEmpty { blocks.append(["type": "text", "text": .string(text)]) }
            for call in message["tool_calls"]?.arrayValue ?? [] {
                blocks.append(["type": "tool_use", "id": call["id"] ?? "", "name": call["name"] ?? "",
                               "input": call["arguments"] ?? .object([:])])
            }
            // The API refuses empty text blocks; an empty turn stays a string.
            return blocks.isEmpty ? [["type": "text", "text": ""]] : blocks
        case "tool":
            var result: JSONObject = ["type": "tool_result", "tool_use_id": message["tool_call_id"] ?? "",
                                      "content": message["content"] ?? ""]
            if message["is_error"]?.boolValue == true { result["is_error"] = true }
            return [.object(result)]
        default:
            return [["type": "text", "text": message["content"] ?? ""]]
        }
    }

    /// The stop sequences as sent; the API refuses one made only of
    /// whitespace (it would end the answer at the first line break).
    private static func stopSequences(_ stop: JSONValue) throws(ProviderError) -> JSONValue {
        for sequence in stop.arrayValue ?? [] {
            guard let text = sequence.stringValue, text.trimmingWhitespace.isEmpty else { continue }
            throw .invalidInput("stop: the Messages API refuses stop sequences made only of whitespace, such as \(sequence.serialized()); remove it from stop, or end the answer another way (max_tokens)")
        }
        return stop
    }

    /// "auto", "none", "required" and {"name"} as {type: auto|none|any|tool}.
    private static func toolChoice(_ choice: JSONValue) -> JSONValue {
        if let name = choice["name"]?.stringValue { return ["type": "tool", "name": .string(name)] }
        switch choice.stringValue {
        case "required": return ["type": "any"]
        case "none": return ["type": "none"]
        default: return ["type": "auto"]
        }
    }

    /// An MCP tool descriptor as a Messages API tool.
    private static func tool(_ tool: JSONValue) -> JSONValue {
        var out: JSONObject = ["name": tool["name"] ?? ""]
        if let description = tool["description"] { out["description"] = description }
        out["input_schema"] = tool["inputSchema"] ?? ["type": "object"]
        return .object(out)
    }
}
