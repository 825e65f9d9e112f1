import KaiJSON
import KaiProviderKit

/// Translates a Kai chat request (chat-request.schema.json, validated by the
/// host) into OpenAI's chat completions body.
enum WireRequest {
    static func body(_ request: JSONObject, model: String, stream: Bool) -> [UInt8] {
        var body: JSONObject = ["model": .string(model)]
        body["messages"] = .array((request["messages"]?.arrayValue ?? []).map(message))
        if let tools = request["tools"]?.arrayValue, !tools.isEmpty {
            body["tools"] = .array(tools.map(tool))
        }
        if let choice = request["tool_choice"] {
            if let name = choice["name"]?.stringValue {
                body["tool_choice"] = ["type": "function", "function": ["name": .string(name)]]
            } else {
                body["tool_choice"] = choice
            }
        }
        for key in ["max_tokens", "temperature", "stop", "seed"] {
            if let value = request[key] { body[key] = value }
        }
        if let format = request["response_format"], format["type"]?.stringValue == "json_schema" {
            body["response_format"] = ["type": "json_schema", "json_schema": [
                "name": .string(format["name"]?.stringValue ?? "response"), "schema": format["schema"] ?? .object([:]),
            ]]
        }
        body["stream"] = .bool(stream)
        if stream { body["stream_options"] = ["include_usage": true] }
        return JSONValue.object(body).serializedBytes()
    }

    /// Kai's messages differ from OpenAI's only for the assistant's tool
    /// calls (arguments travel as JSON text) and tool errors (OpenAI has no
    /// is_error: the model reads it from the content).
    private static func message(_ message: JSONValue) -> JSONValue {
        switch message["role"]?.stringValue {
        case "assistant":
            var out: JSONObject = ["role": "assistant", "content": message["content"] ?? .null]
            if let calls = message["tool_calls"]?.arrayValue, !calls.isEmpty {
                out["tool_calls"] = .array(calls.map { call in
                    ["id": call["id"] ?? "", "type": "function", "function": [
                        "name": call["name"] ?? "",
                        "arguments": .string((call["arguments"] ?? .object([:])).serialized()),
                    ]]
                })
            }
            return .object(out)
        case "tool":
            let content = message["content"]?.stringValue ?? ""
            let isError = message["is_error"]?.boolValue ?? false
            return ["role": "tool", "tool_call_id": message["tool_call_id"] ?? "",
                    "content": .string(isError ? "Error: " + content : content)]
        default:
            return message
        }
    }

    /// An MCP tool descriptor as an OpenAI function tool.
    private static func tool(_ tool: JSONValue) -> JSONValue {
        var function: JSONObject = ["name": tool["name"] ?? ""]
        if let description = tool["description"] { function["description"] = description }
        function["parameters"] = tool["inputSchema"] ?? ["type": "object"]
        return ["type": "function", "function": .object(function)]
    }
}
