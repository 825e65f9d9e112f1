import KaiCore
import KaiJSON
import Synchronization

/// The run's token and cost budget: what has been spent (input + output
/// tokens, USD), refusals before a provider call once it is spent, and the
/// cap a request's max_tokens gets. Shared by every agent of the run, so a
/// delegate spends from the same budget as its caller.
final class RunBudget: Sendable {
    struct Totals: Sendable, Equatable {
        var inputTokens = 0
        var outputTokens = 0
        /// nil until a response reports a cost.
        var costUSD: Double?
        var tokens: Int { inputTokens + outputTokens }
    }

    /// Which budget ran out.
    enum Limit: String, Sendable { case tokens, cost }

    let maxTokens: Int?
    let maxCostUSD: Double?
    /// What earlier invocations of a resumed run spent: it counts against the
    /// budget, but is not this invocation's usage.
    let earlier: Totals
    private let spent = Mutex(Totals())
    /// The first provider (router target) whose answer had usage but no cost
    /// while a cost budget is set: the budget cannot be kept, so it counts
    /// as spent (fail closed) rather than never biting.
    private let unpriced = Mutex<String?>(nil)

    init(maxTokens: Int?, maxCostUSD: Double?, earlier: Totals = Totals()) {
        self.maxTokens = maxTokens
        self.maxCostUSD = maxCostUSD
        self.earlier = earlier
    }

    /// This invocation's usage.
    var totals: Totals { spent.withLock { $0 } }

    /// Usage counted against the budget.
    private var counted: Totals {
        let now = totals
        let cost: Double? = (earlier.costUSD == nil && now.costUSD == nil) ? nil : (earlier.costUSD ?? 0) + (now.costUSD ?? 0)
        return Totals(inputTokens: earlier.inputTokens + now.inputTokens, outputTokens: earlier.outputTokens + now.outputTokens,
                      costUSD: cost)
    }

    /// The budget that is spent (nothing left for another call), if any.
    var exhausted: Limit? {
        let used = counted
        if let maxTokens, used.tokens >= maxTokens { return .tokens }
        if let maxCostUSD, let cost = used.costUSD, cost >= maxCostUSD { return .cost }
        if maxCostUSD != nil, unpriced.withLock({ $0 }) != nil { return .cost }
        return nil
    }

    /// Tokens left under the token budget (nil: no token budget).
    var tokensLeft: Int? { maxTokens.map { max(0, $0 - counted.tokens) } }

    /// The budget that usage went past (not just reached), if any: the run
    /// ends at once rather than at its next provider call.
    var exceeded: Limit? {
        let used = counted
        if let maxTokens, used.tokens > maxTokens { return .tokens }
        if let maxCostUSD, let cost = used.costUSD, cost > maxCostUSD { return .cost }
        if maxCostUSD != nil, unpriced.withLock({ $0 }) != nil { return .cost }
        return nil
    }

    /// Adds one response's usage; `target` names its provider should the
    /// answer carry no cost.
    func add(_ usage: ProviderUsage, target: String = "the provider") {
        if maxCostUSD != nil, usage.costUSD == nil { unpriced.withLock { if $0 == nil { $0 = target } } }
        spent.withLock { totals in
            totals.inputTokens += usage.inputTokens
            totals.outputTokens += usage.outputTokens
            if let cost = usage.costUSD { totals.costUSD = (totals.costUSD ?? 0) + cost }
        }
    }

    /// The refusal an agent gets for a provider call once `limit` is spent
    /// (kai_agent.h: KAI_ERR_PERMISSION_DENIED with details "budget").
    func refusal(_ limit: Limit) -> ScopeFailure {
        ScopeFailure(code: .permissionDenied, details: ["message": .string(spentText(limit)), "budget": .string(limit.rawValue)])
    }

    /// "the run's token budget (N) is spent" / "the run's cost budget ($X) is spent".
    func spentText(_ limit: Limit) -> String {
        switch limit {
        case .tokens: "the run's token budget (\(maxTokens ?? 0)) is spent"
        case .cost:
            if let target = unpriced.withLock({ $0 }) {
                "the cost of \(target)'s answers is unknown (no price is configured for it), so --max-cost cannot be kept; "
                    + "give its endpoint price_input_per_1m and price_output_per_1m, or use --max-tokens"
            } else {
                "the run's cost budget ($\(Self.dollars(maxCostUSD ?? 0))) is spent"
            }
        }
    }

    static func dollars(_ value: Double) -> String {
        // At least cents, at most four places: $0.50, $0.0125.
        var text = String(format: "%.4f", value)
        for _ in 0..<2 where text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
