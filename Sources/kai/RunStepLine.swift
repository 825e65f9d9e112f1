import KaiCore
import KaiJSON

/// One agent step (agent-step.schema.json) as the compact line `kai run`
/// shows on stderr, control characters made visible and long values cut:
///
///     → calculate {"expression":"6*7"}
///     ← calculate ok 2 ms: 42
///     ✗ write_file denied: the user denied this call of write_file
///     ⏸ delete_all waits for 2 approvers: kai approvals approve a0123456789
///     ⇢ dev.kai.coder.coder: Write add(a, b)
///
/// nil for steps that say nothing new (a model turn starting, a call the
/// policy allowed without asking).
enum RunStepLine {
    /// Longest argument or result text on one line, in characters.
    static let cut = 160

    /// `needed`: how many approvers a pending approval waits for (nil: unknown).
    static func line(_ step: JSONValue, needed: (String) -> Int?) -> String? {
        let tool = step["tool"]?.stringValue ?? "?"
        switch step["type"]?.stringValue ?? "" {
        case "tool_started":
            return "→ \(tool) " + compact(step["arguments"] ?? .object([:]))
        case "tool_finished":
            let ok = step["ok"]?.boolValue == true
            let code = step["code"]?.stringValue.map { " (\($0))" } ?? ""
            return "← \(tool) \(ok ? "ok" : "failed" + code)\(duration(step)): " + summary(step["result"])
        case "approval":
            return approval(step, tool: tool, needed: needed)
        case "turn":
            return nil
        case "plan":
            let tasks = step["plan"]?.arrayValue ?? []
            let items = tasks.enumerated().map { index, task in
                let capability = task["capability"]?.stringValue.map { "[\($0)] " } ?? ""
                return "\n    \(index + 1). " + capability + oneLine(task["task"]?.stringValue ?? compact(task))
            }
            return "▸ plan: \(tasks.count) sub-task\(tasks.count == 1 ? "" : "s")" + items.joined()
        case "delegated":
            return "⇢ \(step["delegate"]?.stringValue ?? "?"): " + oneLine(step["task"]?.stringValue ?? "")
        case "delegation_finished":
            let ok = step["ok"]?.boolValue == true
            return "⇠ \(step["delegate"]?.stringValue ?? "?") \(ok ? "ok" : "failed")\(duration(step))" + message(step)
        case "attempt":
            let ok = step["ok"]?.boolValue
            let verdict = ok.map { $0 ? " passed" : " failed" } ?? ""
            return "↻ attempt \(step["attempt"]?.intValue ?? 0)\(verdict)\(duration(step))" + message(step)
        default:
            return "· " + oneLine(step["message"]?.stringValue ?? compact(step))
        }
    }

    private static func approval(_ step: JSONValue, tool: String, needed: (String) -> Int?) -> String? {
        let by = step["by"]?.stringValue ?? ""
        switch step["decision"]?.stringValue {
        case "allowed":
            return by == "policy" ? nil : "✓ \(tool) allowed" + (by.isEmpty ? "" : " (by \(oneLine(by)))")
        case "pending":
            let id = step["approval_id"]?.stringValue ?? "?"
            let count = needed(id).map { "\($0) approvers" } ?? "approvers"
            return "⏸ \(tool) waits for \(count): kai approvals approve \(id)"
        default:
            // Whole, not cut: it names the flag that would allow the call.
            return "✗ \(tool) denied: " + oneLine(step["message"]?.stringValue ?? (by.isEmpty ? "denied" : "by \(by)"), cut: .max)
        }
    }

    /// The text of a tool result: an MCP result's text content, else its
    /// structured content, an error's message, or the JSON itself.
    static func summary(_ result: JSONValue?) -> String {
        guard let result else { return "" }
        if let content = result["content"]?.arrayValue {
            let texts = content.compactMap { $0["text"]?.stringValue }
            if !texts.isEmpty { return oneLine(texts.joined(separator: " ")) }
        }
        if let structured = result["structuredContent"] { return compact(structured) }
        if let message = result["message"]?.stringValue { return oneLine(message) }
        if let text = result.stringValue { return oneLine(text) }
        return compact(result)
    }

    static func compact(_ value: JSONValue) -> String {
        oneLine(value.serialized())
    }

    /// On one line (newlines as \n, control characters visible), cut to `cut` characters.
    static func oneLine(_ text: String, cut: Int = cut) -> String {
        let flat = TerminalText.visible(text.replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\t", with: " "))
        return flat.count <= cut ? flat : String(flat.prefix(cut - 1)) + "…"
    }

    private static func duration(_ step: JSONValue) -> String {
        guard let ms = step["duration_ms"]?.doubleValue else { return "" }
        return ms < 10_000 ? " \(Int(ms.rounded())) ms" : " \(Int((ms / 1000).rounded())) s"
    }

    private static func message(_ step: JSONValue) -> String {
        step["message"]?.stringValue.map { ": " + oneLine($0) } ?? ""
    }
}
