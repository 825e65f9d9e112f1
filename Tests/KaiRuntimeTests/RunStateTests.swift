import KaiCore
import KaiJSON
@testable import KaiRuntime
import Testing

/// The pieces of a run's saved state, on their own.
struct RunStateTests {
    @Test func settings_roundTripThroughTheirJSON() {
        let settings = RunSettings(
            agent: "dev.kai.coder.coder", model: "openai/gpt", tools: ["dev.kai.sandbox.sandbox_run"], toolChoice: "required",
            chainLimit: 4, maxTokens: 500, maxCostUSD: 0.25, taskType: "coding", risk: .high, tests: "assert f() == 1",
            entryPoint: "f", maxAttempts: 2)
        #expect(RunSettings(json: settings.json) == settings)
        #expect(settings.json["limits"] == ["chain_limit": 4, "max_tokens": 500, "max_cost_usd": 0.25, "max_attempts": 2])
        #expect(RunSettings(json: ["model": "x"]) == nil)
    }

    @Test func history_keepsTheLastRequestAndAnswerWithoutSystemMessages() {
        var history = RunHistory([["role": "user", "content": "hi"]])
        history.answered(request: [["role": "system", "content": "be brief"], ["role": "user", "content": "hi"]],
                         response: ["role": "assistant", "content": nil, "tool_calls": [
                             ["id": "c1", "name": "calculate", "arguments": [:]], ["id": "c2", "name": "uuid", "arguments": [:]]]])
        history.appendToolResult(callID: "c1", content: "42", isError: false)
        history.appendToolResult(callID: "c1", content: "again", isError: false)
        #expect(history.messages.map { $0["role"]?.stringValue ?? "" } == ["user", "assistant", "tool"])
        #expect(history.unansweredCalls.map(\.id) == ["c2"])
        history.closeInterruptedCalls()
        #expect(history.messages.last == ["role": "tool", "tool_call_id": "c2", "content": .string(RunHistory.interruptedText), "is_error": true])
        #expect(history.unansweredCalls.isEmpty)
    }

    @Test func budget_refusesOnceSpentAndCapsWhatIsLeft() {
        let budget = RunBudget(maxTokens: 30, maxCostUSD: 0.05, earlier: RunBudget.Totals(inputTokens: 10, outputTokens: 5, costUSD: 0.01))
        #expect(budget.tokensLeft == 15)
        #expect(budget.exhausted == nil)
        budget.add(ProviderUsage(inputTokens: 10, outputTokens: 5, costUSD: 0.02))
        #expect(budget.exhausted == .tokens && budget.exceeded == nil)
        #expect(budget.totals == RunBudget.Totals(inputTokens: 10, outputTokens: 5, costUSD: 0.02))
        let refusal = budget.refusal(.tokens)
        #expect(refusal.code == .permissionDenied)
        #expect(refusal.details == ["message": "the run's token budget (30) is spent", "budget": "tokens"])
        #expect(budget.spentText(.cost) == "the run's cost budget ($0.05) is spent")
        #expect(RunBudget.dollars(0.0125) == "0.0125" && RunBudget.dollars(2) == "2.00")
    }
}
