import KaiJSON
import KaiProviderKit

/// Translates a Kai chat request (chat-request.schema.json, validated by the
/// host) into OpenAI's chat completions body.
enum WireRequest {
    /// Written straight into one buffer, in the member order the object
    /// form had (model, messages, tools, tool_choice, the sampling keys,
    /// response_format, stream, stream_options): building a second tree of
    /// the whole conversation only to serialize it cost more than the
    /// writing itself, every turn.
    static func body(_ request: JSONObject, model: String, stream: Bool, cache: WireMessageCache? = nil) -> [UInt8] {
        let messages = request["messages"]?.arrayValue ?? []
        var out: [UInt8] = []
        out.reserveCapacity(1024 + messages.count * 160)
        out.append(contentsOf: #"{"model":"#.utf8)
        JSONValue.appendString(model, to: &out)
        out.append(contentsOf: #","messages":["#.utf8)
        if let cache {
            out.append(contentsOf: cache.bytes(of: messages) { message, bytes in write(message, to: &bytes) })
        } else {
            for (offset, message) in messages.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                write(message, to: &out)
            }
        }
        out.append(UInt8(ascii: "]"))
        if let tools = request["tools"]?.arrayValue, !tools.isEmpty {
            if let cache {
                out.append(contentsOf: #","tools":"#.utf8)
                out.append(contentsOf: cache.toolBytes(of: tools) { JSONValue.array($0.map(tool)).serializedBytes() })
            } else {
                member("tools", .array(tools.map(tool)), to: &out)
            }
        }
        if let choice = request["tool_choice"] {
            if let name = choice["name"]?.stringValue {
                member("tool_choice", ["type": "function", "function": ["name": .string(name)]], to: &out)
            } else {
                member("tool_choice", choice, to: &out)
            }
        }
        for key in ["max_tokens", "temperature", "stop", "seed"] {
            if let value = request[key] { member(key, value, to: &out) }
        }
        if let format = request["response_format"], format["type"]?.stringValue == "json_schema" {
            member("response_format", ["type": "json_schema", "json_schema": [
                "name": .string(format["name"]?.stringValue ?? "response"), "schema": format["schema"] ?? .object([:]),
            ]], to: &out)
        }
        out.append(contentsOf: (stream ? #","stream":true"# : #","stream":false"#).utf8)
        if stream { out.append(contentsOf: #","stream_options":{"include_usage":true}"#.utf8) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func member(_ key: String, _ value: JSONValue, to out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        JSONValue.appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        value.appendSerialized(to: &out)
    }

    /// Kai's messages differ from OpenAI's only for the assistant's tool
    /// calls (arguments travel as JSON text) and tool errors (OpenAI has no
    /// is_error: the model reads it from the content).
    private static func write(_ message: JSONValue, to out: inout [UInt8]) {
        switch message["role"]?.stringValue {
        case "assistant":
            out.append(contentsOf: #"{"role":"assistant","content":"#.utf8)
            (message["content"] ?? .null).appendSerialized(to: &out)
            if let calls = message["tool_calls"]?.arrayValue, !calls.isEmpty {
                out.append(contentsOf: #","tool_calls":["#.utf8)
                for (offset, call) in calls.enumerated() {
                    if offset > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: #"{"id":"#.utf8)
                    (call["id"] ?? "").appendSerialized(to: &out)
                    out.append(contentsOf: #","type":"function","function":{"name":"#.utf8)
                    (call["name"] ?? "").appendSerialized(to: &out)
                    out.append(contentsOf: #","arguments":"#.utf8)
                    JSONValue.appendString((call["arguments"] ?? .object([:])).serialized(), to: &out)
                    out.append(contentsOf: "}}".utf8)
                }
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "}"))
        case "tool":
            let content = message["content"]?.stringValue ?? ""
            let isError = message["is_error"]?.boolValue ?? false
            out.append(contentsOf: #"{"role":"tool","tool_call_id":"#.utf8)
            (message["tool_call_id"] ?? "").appendSerialized(to: &out)
            out.append(contentsOf: #","content":"#.utf8)
            JSONValue.appendString(isError ? "Error: " + content : content, to: &out)
            out.append(UInt8(ascii: "}"))
        default:
            message.appendSerialized(to: &out)
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
