import KaiJSON

/// Tokens and cost summed over the chat responses (and delegates' outputs)
/// an agent received; the cost is known only if every part reported one.
struct Usage: Sendable {
    var inputTokens = 0
    var outputTokens = 0
    var costUSD: Double? = 0
    var parts = 0

    /// Adds a chat response's or agent output's "usage" object.
    mutating func add(_ usage: JSONValue?) {
        parts += 1
        guard let usage else {
            costUSD = nil
            return
        }
        inputTokens += Int(usage["input_tokens"]?.intValue ?? 0)
        outputTokens += Int(usage["output_tokens"]?.intValue ?? 0)
        if let cost = usage["cost_usd"]?.doubleValue, let sum = costUSD {
            costUSD = sum + cost
        } else {
            costUSD = nil
        }
    }

    var json: JSONValue {
        ["input_tokens": .integer(Int64(inputTokens)), "output_tokens": .integer(Int64(outputTokens)),
         "cost_usd": parts > 0 ? costUSD.map(JSONValue.number) ?? .null : .null]
    }
}
