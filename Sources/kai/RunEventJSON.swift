import KaiCore
import KaiJSON
import KaiRuntime
import Synchronization

/// `kai run --json`: every event as one JSON object per line on stdout, in
/// the order they happened, then one outcome line:
///
///     {"type":"session","session":"s0123456789","agent":"dev.kai.agents.assistant"}
///     {"type":"text","agent":"...","text":"The result"}
///     {"type":"tool_started","agent":"...","id":"call_1_1","tool":"calculate","arguments":{...}}
///     {"type":"progress","agent":"...","message":"..."}
///     {"type":"outcome","session":"...","agent":"...","status":"done","exit_status":0,"message":"...",...}
///
/// A step is the agent-step object itself (its own "type"), with the agent
/// it belongs to. Keys are snake_case, as in the step schema. DEL and C1
/// controls are written as \u escapes (same values, safe on a terminal).
final class RunEventJSON: RunWatcher {
    private let lock = Mutex(())

    func event(_ event: RunEvent) {
        let object: JSONObject
        switch event {
        case .session(let id, let agent):
            object = ["type": "session", "session": .string(id), "agent": .string(agent)]
        case .text(let agent, let text):
            object = ["type": "text", "agent": .string(agent), "text": .string(text)]
        case .step(let agent, let step):
            var fields = step.objectValue ?? ["type": "note", "message": step]
            if fields["agent"] == nil { fields["agent"] = .string(agent) }
            object = fields
        case .progress(let agent, let message):
            object = ["type": "progress", "agent": .string(agent), "message": .string(message)]
        }
        write(object)
    }

    func finish(_ outcome: RunOutcome, exitStatus: Int32, limits: RunOptions) {
        var object: JSONObject = [
            "type": "outcome", "session": .string(outcome.sessionID), "agent": .string(outcome.agent),
            "status": .string(outcome.status.rawValue), "exit_status": .integer(Int64(exitStatus)),
            "message": .string(outcome.message), "steps": .integer(Int64(outcome.steps.count)),
            "input_tokens": .integer(Int64(outcome.inputTokens)), "output_tokens": .integer(Int64(outcome.outputTokens)),
            "cost_usd": outcome.costUSD.map(JSONValue.number) ?? .null,
            "pending_approvals": .array(outcome.pendingApprovals.map(JSONValue.string)),
        ]
        if outcome.status == .failed {
            object["error"] = .string(RunOutcomeText.failure(outcome))
            Console.error(TerminalText.visible(RunOutcomeText.failure(outcome)))
        }
        if [.paused, .interrupted].contains(outcome.status) {
            object["resume"] = .string("kai run --resume \(outcome.sessionID)")
        }
        write(object)
    }

    private func write(_ object: JSONObject) {
        let line = TerminalText.visibleJSON(JSONValue.object(object).serialized())
        lock.withLock { _ in Console.out(line) }
    }
}
