import CKaiABI
import KaiJSON

/// One tool call the model asked for, and what became of it.
struct ToolCall: Sendable {
    let id: String
    let name: String
    let arguments: JSONValue

    init(id: String, name: String, arguments: JSONValue) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    /// A call from a chat message's "tool_calls" entry.
    init(_ entry: JSONValue) {
        self.init(id: entry["id"]?.stringValue ?? "", name: entry["name"]?.stringValue ?? "",
                  arguments: entry["arguments"] ?? .object([:]))
    }
}

/// A tool call's result as the model reads it: text, and whether it failed.
struct ToolAnswer: Sendable {
    let text: String
    let isError: Bool

    /// From what call_tool answered: an MCP tool result (its text content,
    /// else its structured content, else the whole JSON, keys sorted), or a failure, whose
    /// message (e.g. an approval denial) goes back as an error result.
    init(_ outcome: Result<JSONValue, AgentFailure>) {
        switch outcome {
        case .success(let result):
            let texts = (result["content"]?.arrayValue ?? []).compactMap { item in
                item["type"]?.stringValue == "text" ? item["text"]?.stringValue : nil
            }
            // As the host records it in the session (keys sorted), so a
            // resumed history reads the same as the live one.
            text = texts.isEmpty ? (result["structuredContent"] ?? result).serialized(sortedKeys: true) : texts.joined(separator: "\n")
            isError = result["isError"]?.boolValue ?? false
        case .failure(let failure):
            text = failure.message
            isError = true
        }
    }

    init(text: String, isError: Bool) {
        self.text = text
        self.isError = isError
    }

    /// The tool message that answers `call` in the conversation.
    func message(answering call: ToolCall) -> JSONValue {
        var message: JSONObject = ["role": "tool", "tool_call_id": .string(call.id), "content": .string(text)]
        if isError { message["is_error"] = true }
        return .object(message)
    }
}
