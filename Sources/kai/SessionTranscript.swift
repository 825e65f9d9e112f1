import KaiCore
import KaiJSON
import KaiRegistry

/// A session's history for `kai sessions show`: the conversation (chat
/// messages, each tool call and the result that answered it) and the
/// recorded events (tool calls, approvals, usage, steps, status changes),
/// control characters made visible.
enum SessionTranscript {
    static func lines(_ messages: [JSONValue]) -> [String] {
        var toolNames: [String: String] = [:]  // tool call id -> tool name
        var lines: [String] = []
        for message in messages {
            let role = message["role"]?.stringValue ?? "?"
            switch role {
            case "assistant":
                if let text = content(message), !text.isEmpty { lines += block("assistant: ", text) }
                // Kai's chat schema ({id, name, arguments}) or OpenAI's ({id, function: {name, arguments: "JSON"}}).
                for call in message["tool_calls"]?.arrayValue ?? [] {
                    let name = call["name"]?.stringValue ?? call["function"]?["name"]?.stringValue ?? "?"
                    if let id = call["id"]?.stringValue { toolNames[id] = name }
                    let arguments = call["arguments"].map(RunStepLine.compact)
                        ?? RunStepLine.oneLine(call["function"]?["arguments"]?.stringValue ?? "{}")
                    lines.append("  assistant → \(RunStepLine.oneLine(name)) \(arguments)")
                }
            case "tool":
                let name = message["tool_call_id"]?.stringValue.flatMap { toolNames[$0] } ?? message["name"]?.stringValue ?? "?"
                lines.append("  tool \(RunStepLine.oneLine(name)) ← " + RunStepLine.oneLine(content(message) ?? ""))
            default:
                lines += block("\(RunStepLine.oneLine(role)): ", content(message) ?? "")
            }
        }
        return lines
    }

    /// A message's text: a string, or the text parts of a content array.
    private static func content(_ message: JSONValue) -> String? {
        if let text = message["content"]?.stringValue { return text }
        guard let parts = message["content"]?.arrayValue else { return nil }
        return parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    /// "  ROLE: first line" and the rest indented under it.
    private static func block(_ label: String, _ text: String) -> [String] {
        let rows = TerminalText.visible(text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return rows.enumerated().map { index, row in
            index == 0 ? "  " + label + row : "  " + String(repeating: " ", count: label.count) + row
        }
    }

    /// One recorded event, "  +1.2s  ← calculate ok 2 ms: 42"; nil for
    /// messages (the conversation above shows them).
    static func eventLine(_ event: SessionEvent, start: Double) -> String? {
        let offset = "  +" + String(format: "%.1fs", max(0, event.at - start)) + "  "
        let body = event.body
        switch event.kind {
        case "message":
            return nil
        case "usage":
            let input = body["input_tokens"]?.intValue ?? 0, output = body["output_tokens"]?.intValue ?? 0
            let cost = body["cost_usd"]?.doubleValue.map { " · cost " + RunOutcomeText.cost($0) } ?? ""
            let model = (body["target"] ?? body["model"])?.stringValue.map { RunStepLine.oneLine($0) + ": " } ?? ""
            return offset + "usage " + model + "\(input) in / \(output) out" + cost
        case "status":
            return offset + "status " + RunStepLine.oneLine(body["status"]?.stringValue ?? body.serialized())
                + (body["message"]?.stringValue.map { ": " + RunStepLine.oneLine($0) } ?? "")
        case "tool_call" where body["type"] == nil:
            // A call that did not run (refused) or was answered on --resume.
            let code = body["code"]?.stringValue.map { " (\($0))" } ?? ""
            return offset + "← \(RunStepLine.oneLine(body["tool"]?.stringValue ?? "?")) failed\(code): "
                + RunStepLine.oneLine(body["message"]?.stringValue ?? "")
        case "step" where body["type"]?.stringValue == "tool_finished":
            return nil  // its tool_call record, with the same line, follows
        default:
            if body["type"] != nil, let line = RunStepLine.line(body, needed: { _ in nil }) { return offset + line }
            if body["type"] != nil { return nil }
            return offset + event.kind + " " + RunStepLine.compact(body)
        }
    }
}
