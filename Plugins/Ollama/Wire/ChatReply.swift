import KaiJSON

/// The assistant's answer as read from Ollama's lines (streamed or not),
/// and its translation into a Kai chat response (chat-response.schema.json).
public struct ChatReply: Equatable, Sendable {
    public struct ToolCall: Equatable, Sendable {
        /// Assigned by Kai: Ollama's calls carry no ids.
        public var id: String
        public var name: String
        public var arguments: JSONObject
    }

    public struct Usage: Equatable, Sendable {
        public var input: Int64
        public var output: Int64
    }

    public var content = ""
    public var toolCalls: [ToolCall] = []
    /// The done line's done_reason ("stop", "length", ...); nil if none came.
    public var doneReason: String?
    public var model: String?
    public var usage: Usage?

    public init() {}

    /// Kai's finish reason. Ollama ends a turn with tool calls as "stop";
    /// the contract says "tool_calls". "length": num_predict or the context
    /// ran out. Anything else ("load", none) is an ordinary end of turn.
    public var finishReason: String {
        if doneReason == "length" { return "length" }
        return toolCalls.isEmpty ? "stop" : "tool_calls"
    }

    /// The chat response; `stopped` when the caller's sink asked to stop;
    /// `cost` from the endpoint's prices, nil when it has none.
    public func response(stopped: Bool, cost: Double? = nil) -> JSONValue {
        var message: JSONObject = ["role": "assistant"]
        message["content"] = content.isEmpty && !toolCalls.isEmpty ? .null : .string(content)
        if !toolCalls.isEmpty {
            message["tool_calls"] = .array(toolCalls.map { call in
                ["id": .string(call.id), "name": .string(call.name), "arguments": .object(call.arguments)]
            })
        }
        var response: JSONObject = ["message": .object(message), "finish_reason": .string(stopped ? "stopped" : finishReason)]
        if let model { response["model"] = .string(model) }
        if let usage {
            var object: JSONObject = ["input_tokens": .integer(usage.input), "output_tokens": .integer(usage.output)]
            if let cost { object["cost_usd"] = .number(cost) }
            response["usage"] = .object(object)
        }
        return .object(response)
    }
}
