import KaiJSON
import KaiProviderKit

/// Reads a non-streamed answer (`chat.completion`) into a reply.
enum CompletionDecoder {
    static func decode(_ body: [UInt8], endpoint: Endpoint) throws(ProviderError) -> AssistantReply {
        guard case .object(let completion)? = try? JSONParser.parse(body),
              let choice = completion["choices"]?.arrayValue?.first, let message = choice["message"] else {
            let text = endpoint.clip(body)
            throw .unavailable("endpoint \(endpoint.name) (\(endpoint.chatURL)) answered with something that is not a chat completion: \(text); is \(endpoint.baseURL) an OpenAI-compatible API?")
        }
        var reply = AssistantReply()
        reply.content = message["content"]?.stringValue ?? ""
        reply.finishReason = choice["finish_reason"]?.stringValue
        reply.model = completion["model"]?.stringValue
        if case .object(let usage)? = completion["usage"] {
            reply.usage = (usage["prompt_tokens"]?.intValue ?? 0, usage["completion_tokens"]?.intValue ?? 0)
        }
        let calls = message["tool_calls"]?.arrayValue ?? []
        for (position, call) in calls.enumerated() {
            reply.toolCalls.append(.init(id: call["id"]?.stringValue ?? "call_\(position)_\(completion["id"]?.stringValue ?? "kai")",
                                         name: call["function"]?["name"]?.stringValue ?? "",
                                         arguments: argumentsText(call["function"]?["arguments"])))
        }
        if calls.isEmpty, let legacy = message["function_call"] {
            reply.toolCalls.append(.init(id: "call_0_\(completion["id"]?.stringValue ?? "kai")",
                                         name: legacy["name"]?.stringValue ?? "",
                                         arguments: legacy["arguments"]?.stringValue ?? ""))
        }
        return reply
    }

    /// Arguments as text; some servers send an object instead of a string.
    private static func argumentsText(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: return text
        case .object?: return value!.serialized()
        default: return ""
        }
    }
}
