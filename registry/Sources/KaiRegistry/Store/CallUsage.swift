import KaiCore

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
    }
}
