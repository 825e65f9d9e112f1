import KaiCore
import KaiJSON

/// What a provider call adds to its call-log row and performance record:
/// the model that answered, tokens in and out, the cost from the operator's
/// prices and the time to the first streamed token. All nil for a tool call.
struct CallUsage: Equatable {
    var model: String?
    var inputTokens: Int64?
    var outputTokens: Int64?
    var costUSD: Double?
    var timeToFirstTokenNanoseconds: Int64?

    init(
        model: String? = nil, inputTokens: Int64? = nil, outputTokens: Int64? = nil, costUSD: Double? = nil,
        timeToFirstTokenNanoseconds: Int64? = nil
    ) {
        self.model = model
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.timeToFirstTokenNanoseconds = timeToFirstTokenNanoseconds
    }

    init(_ report: CallReport) {
        self.init(
            model: report.model, inputTokens: report.usage.map { Int64($0.inputTokens) },
            outputTokens: report.usage.map { Int64($0.outputTokens) }, costUSD: report.usage?.costUSD,
            timeToFirstTokenNanoseconds: report.timeToFirstTokenNanoseconds)
        guard report.capabilityKind == .provider, report.succeeded, !report.result.isEmpty else { return }
        // A succeeded call's result is its chat response, validated against
        // chat-response.schema.json: the model that answered and the final
        // usage are there even when the report was made before the host
        // read them (or the provider did not stream its usage).
        guard let response = try? JSONParser.parse(report.result) else { return }
        if let model = response["model"]?.stringValue { self.model = model }
        if let usage = response["usage"], let input = usage["input_tokens"]?.intValue,
           let output = usage["output_tokens"]?.intValue {
            inputTokens = input
            outputTokens = output
            costUSD = usage["cost_usd"]?.doubleValue
        }
    }
}
