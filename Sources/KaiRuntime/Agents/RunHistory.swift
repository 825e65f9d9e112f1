import KaiJSON

/// The root agent's conversation as the host saw it: the last provider
/// request's messages, the response's message, and the tool results since.
/// What `--resume` and `--continue` hand an agent as "messages". The agent's
/// own system messages are left out: an agent given messages adds its own.
struct RunHistory: Sendable, Equatable {
    static let interruptedText = "interrupted before it finished; call it again if still needed"

    private(set) var messages: [JSONValue]

    init(_ messages: [JSONValue]) {
        self.messages = messages.filter { $0["role"]?.stringValue != "system" }
    }

    /// After a provider answered: its request's messages and its message.
    mutating func answered(request: [JSONValue], response: JSONValue) {
        messages = request.filter { $0["role"]?.stringValue != "system" } + [response]
    }

    mutating func appendUser(_ text: String) {
        messages.append(["role": "user", "content": .string(text)])
    }

    /// A tool result for `callID`, unless one is there already.
    mutating func appendToolResult(callID: String, content: String, isError: Bool) {
        guard !callID.isEmpty, !answeredCallIDs.contains(callID) else { return }
        var message: JSONObject = ["role": "tool", "tool_call_id": .string(callID), "content": .string(content)]
        if isError { message["is_error"] = true }
        messages.append(.object(message))
    }

    /// Tool calls of the last assistant message that have no result yet.
    var unansweredCalls: [(id: String, name: String)] {
        guard let last = messages.lastIndex(where: { $0["role"]?.stringValue == "assistant" }) else { return [] }
        let answered = answeredCallIDs
        return (messages[last]["tool_calls"]?.arrayValue ?? []).compactMap { call in
            guard let id = call["id"]?.stringValue, !answered.contains(id) else { return nil }
            return (id, call["name"]?.stringValue ?? "")
        }
    }

    /// Gives each unanswered call of the last assistant message an error
    /// result saying it was interrupted (the model may call it again).
    mutating func closeInterruptedCalls() {
        for call in unansweredCalls { appendToolResult(callID: call.id, content: Self.interruptedText, isError: true) }
    }

    private var answeredCallIDs: Set<String> {
        Set(messages.compactMap { $0["role"]?.stringValue == "tool" ? $0["tool_call_id"]?.stringValue : nil })
    }

    /// The text of the last assistant message with content, if any.
    var lastAnswer: String? {
        messages.last { $0["role"]?.stringValue == "assistant" && !($0["content"]?.stringValue ?? "").isEmpty }?["content"]?.stringValue
    }
}

/// The content a tool message carries for a tool's result: the MCP result's
/// text blocks, else its structured content (or the whole result) as JSON.
enum ToolResultText {
    static func content(of result: JSONValue) -> (text: String, isError: Bool) {
        let isError = result["isError"]?.boolValue == true
        let texts = (result["content"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }
        if !texts.isEmpty { return (texts.joined(separator: "\n"), isError) }
        return ((result["structuredContent"] ?? result).serialized(), isError)
    }
}
