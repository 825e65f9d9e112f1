import KaiJSON
import KaiProviderKit

/// Reads a non-streamed answer (a Message object) into a reply.
enum MessageDecoder {
    static func decode(_ body: [UInt8], endpoint: AnthropicEndpoint, url: String) throws(ProviderError) -> MessageReply {
        guard case .object(let message)? = try? JSONParser.parse(body), message["type"]?.stringValue == "message",
              let blocks = message["content"]?.arrayValue else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) answered with something that is not a Messages API message: \(endpoint.clip(body)); is \(endpoint.baseURL) Anthropic's API?")
        }
        var reply = MessageReply()
        reply.model = message["model"]?.stringValue
        reply.stopReason = message["stop_reason"]?.stringValue
        reply.inputTokens = MessageReply.inputTokens(message["usage"])
        reply.outputTokens = message["usage"]?["output_tokens"]?.intValue
        for (index, block) in blocks.enumerated() {
            switch block["type"]?.stringValue {
            case "text":
                reply.content += block["text"]?.stringValue ?? ""
            case "tool_use" where block["name"]?.stringValue == MessagesRequest.jsonTool:
                // The JSON answer response_format asked for (MessagesRequest).
                let answer = try ContractCheck.toolUse(block, index: index, input: block["input"], endpoint: endpoint, url: url)
                reply.content += JSONValue.object(answer.input).serialized()
            case "tool_use":
                reply.toolCalls.append(try ContractCheck.toolUse(block, index: index, input: block["input"], endpoint: endpoint, url: url))
            default:
                break  // thinking and server-tool blocks carry nothing the contract has
            }
        }
        return reply
    }
}

/// What the Messages API promises and Kai's contract needs of a tool_use
/// block: an id, a name, an object input. A server breaking that gets a
/// precise error rather than a response the host would reject.
enum ContractCheck {
    static func toolUse(_ block: JSONValue, index: Int, input: JSONValue?, endpoint: AnthropicEndpoint, url: String) throws(ProviderError) -> MessageReply.ToolCall {
        guard let name = block["name"]?.stringValue, !name.isEmpty else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) sent a tool_use block (content index \(index)) without a name; the answer breaks the Messages API: retry, or report it to the server's operator")
        }
        guard let id = block["id"]?.stringValue, !id.isEmpty else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) sent a tool_use block (content index \(index), tool \(endpoint.redact(name))) without an id; the answer breaks the Messages API: retry, or report it to the server's operator")
        }
        guard case .object(let object)? = input ?? .object([:]) else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) sent tool \(endpoint.redact(name)) an input that is not a JSON object: \(endpoint.clip(input?.serialized().utf8 ?? "".utf8)); asking again may give a valid one")
        }
        return .init(id: id, name: name, input: object)
    }
}
