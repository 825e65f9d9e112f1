import KaiJSON

/// A sub-task's outcome as the supervisor combines it: who did it, its
/// answer (or why there is none), and whether it succeeded.
struct SubAnswer {
    let subtask: Plan.Subtask
    let agent: String?
    let text: String
    let ok: Bool

    init(_ subtask: Plan.Subtask, agent: String?, _ text: String, ok: Bool) {
        self.subtask = subtask
        self.agent = agent
        self.text = text
        self.ok = ok
    }

    /// From what call_agent answered: the delegate's message when it finished
    /// ("done"), else its message marked with how it ended.
    init(_ subtask: Plan.Subtask, agent: String, _ outcome: Result<JSONValue, AgentFailure>) {
        switch outcome {
        case .success(let output):
            let status = output["status"]?.stringValue ?? "done"
            let message = output["message"]?.stringValue ?? ""
            self.init(subtask, agent: agent, status == "done" ? message : "(\(status)) " + message, ok: status == "done")
        case .failure(let failure):
            self.init(subtask, agent: agent, "failed: " + failure.message, ok: false)
        }
    }

    /// "1. TASK (by AGENT): ANSWER" lines.
    static func list(_ answers: [SubAnswer]) -> String {
        answers.enumerated().map { index, answer in
            let by = answer.agent.map { " (by \($0))" } ?? ""
            return "\(index + 1). \(answer.subtask.task)\(by): \(answer.text)"
        }.joined(separator: "\n")
    }
}
