import CKaiABI
import Foundation
import KaiJSON
import Synchronization

/// Runs the tool calls of one model turn: those the repeat guard admits run
/// at once, one thread each (a slow tool does not hold up the others), and
/// the answers come back in the model's order.
struct ToolTurn {
    let host: AgentHost

    /// The answers in order, or the failure that ends the run (a pending
    /// approval, a cancellation, a budget refusal): the agent then returns
    /// at once and the host resumes it later from the session.
    func run(_ calls: [ToolCall], guard repeats: inout RepeatGuard) -> Result<[ToolAnswer], AgentFailure> {
        var outcomes = [Result<JSONValue, AgentFailure>?](repeating: nil, count: calls.count)
        var runnable: [Int] = []
        for (index, call) in calls.enumerated() {
            if repeats.admit(name: call.name, arguments: call.arguments) {
                runnable.append(index)
            } else {
                outcomes[index] = .success(["content": [["type": "text", "text": .string(RepeatGuard.refusal(call.name))]],
                                            "isError": true])
            }
        }
        for (index, outcome) in zip(runnable, concurrently(runnable.map { calls[$0] })) {
            outcomes[index] = outcome
        }
        let failures = outcomes.compactMap { outcome -> AgentFailure? in
            if case .failure(let failure) = outcome, failure.endsRun { return failure }
            return nil
        }
        // A pending approval says why the run pauses; it wins over the
        // cancellations of its siblings that may follow it.
        if let ending = failures.first(where: { $0.details["approval"]?.stringValue == "pending" }) ?? failures.first {
            return .failure(ending)
        }
        return .success(outcomes.map { ToolAnswer($0 ?? .failure(ToolTurn.notRun)) })
    }

    /// Calls each tool on its own thread (the first on this one) and waits
    /// for all: call_tool is [any-thread], and every thread is joined before
    /// the agent's invoke() returns, as the host's pointers require.
    private func concurrently(_ calls: [ToolCall]) -> [Result<JSONValue, AgentFailure>] {
        guard calls.count > 1 else { return calls.map(callTool) }
        let results = Slots(count: calls.count)
        let group = DispatchGroup()
        for index in 1..<calls.count {
            group.enter()
            let thread = Thread { [host] in
                let outcome = ToolTurn(host: host).callTool(calls[index])
                results.all.withLock { $0[index] = outcome }
                group.leave()
            }
            thread.start()
        }
        let first = callTool(calls[0])
        group.wait()
        return results.all.withLock { all in
            all[0] = first
            return all.map { $0 ?? .failure(ToolTurn.notRun) }
        }
    }

    static let notRun = AgentFailure(code: KAI_ERR_INTERNAL, message: "the call did not run")

    /// The threads' answers, each written once by its own thread.
    private final class Slots: Sendable {
        let all: Mutex<[Result<JSONValue, AgentFailure>?]>
        init(count: Int) { all = Mutex(Array(repeating: nil, count: count)) }
    }

    private func callTool(_ call: ToolCall) -> Result<JSONValue, AgentFailure> {
        host.callTool(id: call.id, name: call.name, arguments: call.arguments)
    }
}
