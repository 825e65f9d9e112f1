import Foundation
import KaiCore
import KaiJSON
import MCP

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
    static func outcome(_ result: CallTool.Result) -> BackendOutcome {
        let texts = result.content.compactMap { item -> String? in
            if case .text(let text, _, _) = item { return text }
            return nil
        }
        if result.isError == true {
            let message = texts.isEmpty ? "the tool reported an error without text" : texts.joined(separator: "\n")
            return .failure(.internal, message: message)
        }
        if let structured = result.structuredContent, let value = json(structured) {
            return BackendOutcome(code: .ok, bytes: value.serializedBytes())
        }
        var object = JSONObject()
        object["text"] = .string(texts.joined(separator: "\n"))
        if texts.count != result.content.count, let content = json(result.content) { object["content"] = content }
        return BackendOutcome(code: .ok, bytes: JSONValue.object(object).serializedBytes())
    }

    /// Any of the sdk's Codable values as KaiJSON.
    static func json(_ value: some Encodable) -> JSONValue? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return try? JSONParser.parse([UInt8](data))
    }
}
