import KaiJSON
import KaiProviderKit

/// The assistant's answer as the provider assembled it (streamed or not),
/// and its translation into a Kai chat response (chat-response.schema.json).
struct AssistantReply {
    struct ToolCall {
        var id: String
        var name: String
        /// As the server sent it: a JSON object's text, "", "null" or "{}".
        var arguments: String
    }

    var content: String = ""
    var toolCalls: [ToolCall] = []
    /// The server's finish_reason, unmapped; nil if it sent none.
    var finishReason: String?
    var model: String?
    var usage: (input: Int64, output: Int64)?

    /// The chat response; `stopped` when the caller's sink asked to stop.
    func response(endpoint: Endpoint, stopped: Bool) throws(ProviderError) -> JSONValue {
        var message: JSONObject = ["role": "assistant"]
        // The key is cut out of all server text here, once, whole: pieces
        // of it split across deltas are joined again by now.
        message["content"] = content.isEmpty && !toolCalls.isEmpty ? .null : .string(endpoint.redact(content))
        if !toolCalls.isEmpty {
            var calls: [JSONValue] = []
            for call in toolCalls {
                guard !call.name.isEmpty else {
                    throw .unavailable("endpoint \(endpoint.name) (\(endpoint.chatURL)) sent a tool call (id \(endpoint.redact(call.id))) without a function name; the server's tool-call output is malformed")
                }
                calls.append(["id": .string(endpoint.redact(call.id)), "name": .string(endpoint.redact(call.name)),
                              "arguments": try Self.arguments(call, endpoint: endpoint)])
            }
            message["tool_calls"] = .array(calls)
        }
        var response: JSONObject = ["message": .object(message), "finish_reason": .string(stopped ? "stopped" : mappedFinishReason)]
        if let model { response["model"] = .string(endpoint.redact(model)) }
        if let usage {
            var object: JSONObject = ["input_tokens": .integer(usage.input), "output_tokens": .integer(usage.output)]
            if let cost = endpoint.cost(input: usage.input, output: usage.output) { object["cost_usd"] = .number(cost) }
            response["usage"] = .object(object)
        }
        return .object(response)
    }

    /// The server's reason in Kai's closed set. A message carrying tool calls
    /// finishes with "tool_calls" whatever the server said ("stop" from
    /// llama-cpp-python, "function_call" from legacy servers); an unknown or
    /// missing reason is an ordinary end of turn.
    var mappedFinishReason: String {
        switch finishReason {
        case "length": return "length"
        case "content_filter": return "content_filter"
        case _ where !toolCalls.isEmpty: return "tool_calls"
        default: return "stop"
        }
    }

    /// A call's arguments as an object: "", "null" and missing mean {}; a
    /// string holding an object's text (arguments encoded twice) is decoded
    /// once more.
    static func arguments(_ call: ToolCall, endpoint: Endpoint) throws(ProviderError) -> JSONValue {
        let text = endpoint.redact(call.arguments).trimmingWhitespace
        guard !text.isEmpty, text != "null" else { return .object([:]) }
        switch try? JSONParser.parse(text) {
        case .object(let object)?:
            return redacted(object, endpoint: endpoint)
        case .string(let inner)?:
            if case .object(let object)? = try? JSONParser.parse(inner) { return redacted(object, endpoint: endpoint) }
        default:
            break
        }
        throw .unavailable("endpoint \(endpoint.name) (\(endpoint.chatURL)): its model gave tool \(endpoint.redact(call.name)) arguments that are not a JSON object: \(endpoint.clip(text.utf8)); asking again may give valid ones")
    }

    /// The object with the key cut out of its decoded strings: the text may
    /// have spelled it with escapes (`\u0073k-…`), which redact missed.
    /// Without a key, or when the key appears nowhere in the object's text,
    /// the object is returned as parsed: parsing its own serialization gives
    /// the same value back, so the round trip would only cost time (it was
    /// ~60% of a streamed tool-call turn's reply building).
    private static func redacted(_ object: JSONObject, endpoint: Endpoint) -> JSONValue {
        guard let key = endpoint.apiKey, !key.isEmpty else { return .object(object) }
        let text = JSONValue.object(object).serialized()
        let cut = endpoint.redact(text)
        guard cut != text else { return .object(object) }
        return (try? JSONParser.parse(cut)) ?? .object([:])
    }
}
