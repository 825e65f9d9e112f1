import KaiJSON
import KaiProviderKit

/// The assistant's message as the provider assembled it (streamed or not),
/// and its translation into a Kai chat response (chat-response.schema.json).
struct MessageReply {
    struct ToolCall {
        var id: String
        var name: String
        /// The tool_use block's input, parsed (content_block_stop, or whole
        /// when not streaming).
        var input: JSONObject
    }

    /// The text blocks, joined.
    var content = ""
    var toolCalls: [ToolCall] = []
    /// The Messages API's stop_reason, unmapped; nil if none came.
    var stopReason: String?
    var model: String?
    /// Input counts the cache tokens too (they are billed as input).
    var inputTokens: Int64?
    var outputTokens: Int64?

    /// The chat response; `stopped` when the caller's sink asked to stop.
    /// (A forced JSON-answer call, MessagesRequest.jsonTool, is already
    /// content: the decoder and the assembler put its input there.)
    func response(endpoint: AnthropicEndpoint, stopped: Bool) -> JSONValue {
        let text = content, calls = toolCalls, reason = mappedStopReason
        var message: JSONObject = ["role": "assistant"]
        message["content"] = text.isEmpty && !calls.isEmpty ? .null : .string(endpoint.redact(text))
        if !calls.isEmpty {
            message["tool_calls"] = .array(calls.map { call in
                ["id": .string(endpoint.redact(call.id)), "name": .string(endpoint.redact(call.name)),
                 "arguments": (try? JSONParser.parse(endpoint.redact(JSONValue.object(call.input).serialized()))) ?? .object([:])]
            })
        }
        var response: JSONObject = ["message": .object(message), "finish_reason": .string(stopped ? "stopped" : reason)]
        if let model { response["model"] = .string(endpoint.redact(model)) }
        if inputTokens != nil || outputTokens != nil {
            let input = inputTokens ?? 0, output = outputTokens ?? 0
            var usage: JSONObject = ["input_tokens": .integer(input), "output_tokens": .integer(output)]
            if let cost = endpoint.cost(input: input, output: output) { usage["cost_usd"] = .number(cost) }
            response["usage"] = .object(usage)
        }
        return .object(response)
    }

    /// stop_reason in Kai's closed set: end_turn, stop_sequence (and
    /// pause_turn, a turn the server paused) → stop; max_tokens and a full
    /// context window → length; tool_use → tool_calls; refusal →
    /// content_filter. A message carrying tool calls finishes with
    /// "tool_calls" whatever the reason.
    var mappedStopReason: String {
        switch stopReason {
        case "max_tokens", "model_context_window_exceeded": return "length"
        case "refusal": return "content_filter"
        case _ where !toolCalls.isEmpty: return "tool_calls"
        default: return "stop"
        }
    }

    /// usage's input tokens: input_tokens plus the cache's creation and read
    /// tokens, when present.
    static func inputTokens(_ usage: JSONValue?) -> Int64? {
        guard let input = usage?["input_tokens"]?.intValue else { return nil }
        return input + (usage?["cache_creation_input_tokens"]?.intValue ?? 0) + (usage?["cache_read_input_tokens"]?.intValue ?? 0)
    }
}
