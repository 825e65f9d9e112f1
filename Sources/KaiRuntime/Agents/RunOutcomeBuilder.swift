import KaiCore
import KaiJSON

/// How a run ended, from the mark the run set (budget, denial, pause,
/// Ctrl-C) or else the agent's output or failure; saved to the session.
struct RunOutcomeBuilder {
    let run: AgentRun
    let request: AgentRunRequest

    func finish(_ result: Result<ToolResult, CallError>) -> RunOutcome {
        let (status, message, error) = decide(result)
        let snapshot = run.state.withLock { state -> AgentRun.State in
            if status != .paused { state.pending = [] }
            return state
        }
        let totals = run.budget.totals
        var body: JSONObject = ["status": .string(status.rawValue), "message": .string(message),
                                "input_tokens": .integer(Int64(totals.inputTokens)), "output_tokens": .integer(Int64(totals.outputTokens))]
        if let cost = totals.costUSD { body["cost_usd"] = .number(cost) }
        run.recorder.event("status", .object(body))
        run.persistLock.withLock { _ in
            run.recorder.save(status: status.rawValue, state: run.stateJSON(snapshot), spent: totals)
        }
        return RunOutcome(sessionID: run.sessionID, agent: run.agent.qualifiedName, status: status, message: message, steps: snapshot.steps,
                          inputTokens: totals.inputTokens, outputTokens: totals.outputTokens, costUSD: totals.costUSD,
                          pendingApprovals: status == .paused ? snapshot.pending.map(\.approvalID) : [], error: error)
    }

    private func decide(_ result: Result<ToolResult, CallError>) -> (RunStatus, String, CallError?) {
        if let mark = run.mark { return (mark.status, marked(mark), nil) }
        switch result {
        case .success(let output):
            let json = try? JSONParser.parse(output.json)
            let status = json?["status"]?.stringValue.flatMap(RunStatus.init(rawValue:)) ?? .done
            return (status, json?["message"]?.stringValue ?? "", nil)
        case .failure(let error):
            if request.cancellation.isCancelled { return (.interrupted, marked(RunMark(status: .interrupted, reason: "interrupted")), nil) }
            return (.failed, error.description, error)
        }
    }

    /// The message for a run the host ended: why, how to go on, and what was done so far.
    private func marked(_ mark: RunMark) -> String {
        let id = run.sessionID
        switch mark.status {
        case .paused:
            let ids = run.state.withLock { $0.pending.map(\.approvalID) }
            let list = ids.joined(separator: ", ")
            return "\(mark.reason). Another user approves it with kai approvals approve \(ids.first ?? "ID")"
                + (ids.count > 1 ? " (pending: \(list))" : "") + "; then kai run --resume \(id) continues the run. " + doneSoFar()
        case .interrupted:
            return "interrupted; kai run --resume \(id) continues the run. " + doneSoFar()
        default:
            return "\(mark.reason). " + doneSoFar()
        }
    }

    /// "Done so far: 2 model turns and 1 tool call." and the last answer, if any.
    private func doneSoFar() -> String {
        let (turns, calls, answer) = run.state.withLock { ($0.modelTurns, $0.toolCalls, $0.history.lastAnswer) }
        let text = "Done so far: \(turns) model turn\(turns == 1 ? "" : "s") and \(calls) tool call\(calls == 1 ? "" : "s")."
        guard let answer else { return text }
        return text + " The last answer so far: " + answer
    }
}
