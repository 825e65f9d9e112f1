import KaiJSON

/// Refuses a tool call identical to two earlier ones of the conversation
/// (same tool, same arguments once their keys are sorted): a model stuck
/// repeating a call gets told so instead of burning the chain limit on it.
struct RepeatGuard {
    private var counts: [String: Int] = [:]

    /// The error result the model gets instead of running the call.
    static func refusal(_ name: String) -> String {
        "not run: this is the third identical call of \(name) with these arguments; use the earlier results or change the arguments"
    }

    /// Counts the calls already in a history (a resumed or continued run).
    init(history: [JSONValue]) {
        for message in history where message["role"]?.stringValue == "assistant" {
            for call in message["tool_calls"]?.arrayValue ?? [] {
                _ = admit(name: call["name"]?.stringValue ?? "", arguments: call["arguments"] ?? .object([:]))
            }
        }
    }

    /// Records the call; false when two identical ones came before it.
    mutating func admit(name: String, arguments: JSONValue) -> Bool {
        let key = name + "\n" + arguments.serialized(sortedKeys: true)
        let earlier = counts[key, default: 0]
        counts[key] = earlier + 1
        return earlier < 2
    }
}
