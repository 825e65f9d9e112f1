import KaiCore
import KaiJSON

/// An MCP tools/call result as a Kai tool's outcome:
///
/// - `structuredContent` when the server sent it (it matches the tool's
///   outputSchema, which the host checks again);
/// - else `{"text": "..."}`, the text items of `content` joined by newlines,
///   plus `"content": [...]` (MCP's items as sent) when any item is not
///   text (an image, a resource);
/// - an `isError` result becomes a failure (INTERNAL) whose message is the
///   server's text (scrubbed of secrets by the host like any plugin error).
enum MCPToolResult {
    static func outcome(_ result: JSONValue) -> BackendOutcome {
        let content = result["content"]?.arrayValue ?? []
        let texts = content.compactMap { item -> String? in
            item["type"]?.stringValue == "text" ? item["text"]?.stringValue : nil
        }
        if result["isError"]?.boolValue == true {
            let message = texts.isEmpty ? "the tool reported an error without text" : texts.joined(separator: "\n")
            return .failure(.internal, message: message)
        }
        if let structured = result["structuredContent"], structured != .null {
            return BackendOutcome(code: .ok, bytes: structured.serializedBytes())
        }
        var object: JSONObject = ["text": .string(texts.joined(separator: "\n"))]
        if texts.count != content.count { object["content"] = .array(content) }
        return BackendOutcome(code: .ok, bytes: JSONValue.object(object).serializedBytes())
    }
}
