import KaiJSON

/// What an assistant stopped by the chain limit tells the user: the limit,
/// the tool calls made so far (by tool, in first-use order) and the last
/// result, so the work done is not lost.
struct ChainLimitSummary {
    let messages: [JSONValue]
    let turns: Int

    var text: String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for message in messages where message["role"]?.stringValue == "assistant" {
            for call in message["tool_calls"]?.arrayValue ?? [] {
                let name = call["name"]?.stringValue ?? "?"
                if counts[name] == nil { order.append(name) }
                counts[name, default: 0] += 1
            }
        }
        let total = counts.values.reduce(0, +)
        var text = "stopped at the chain limit of \(turns) model turn\(turns == 1 ? "" : "s") without a final answer"
        guard total > 0 else { return text + "; no tool was called" }
        let tools = order.map { "\($0) ×\(counts[$0] ?? 0)" }.joined(separator: ", ")
        text += "; so far \(total) tool call\(total == 1 ? "" : "s") (\(tools))"
        if let last = messages.last(where: { $0["role"]?.stringValue == "tool" })?["content"]?.stringValue {
            text += "; the last result: " + Self.clipped(last)
        }
        return text
    }

    private static func clipped(_ text: String) -> String {
        text.count <= 200 ? text : String(text.prefix(200)) + "…"
    }
}
