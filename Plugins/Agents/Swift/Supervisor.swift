import CKaiABI
import KaiJSON

/// The supervisor: asks the model for a plan of sub-tasks under a JSON
/// schema, delegates each to the best-scored agent with the capability it
/// needs (find_agents ranks them by registry score for its task type), and
/// combines their answers. At depth 0 it may not delegate: it answers the
/// task itself with one model call.
struct Supervisor {
    let host: AgentHost
    let input: AgentInput

    private var steps: [JSONValue] = []
    private var usage = Usage()

    init(host: AgentHost, input: AgentInput) {
        self.host = host
        self.input = input
    }

    mutating func run() -> Result<JSONValue, AgentFailure> {
        if input.depth == 0 { return answerDirectly() }
        let plan: Plan
        switch makePlan() {
        case .success(.success(let made)): plan = made
        case .success(.failure(let unusable)):
            return .success(output(KAI_AGENT_GAVE_UP, "could not plan the task: the model's plan was unusable (\(unusable.reason))"))
        case .failure(let failure): return .failure(failure)
        }
        record(["type": "plan", "plan": plan.json])
        var answers: [SubAnswer] = []
        for (index, subtask) in plan.subtasks.enumerated() {
            if let stopped = host.stopped { return .failure(stopped) }
            switch delegate(subtask, number: index + 1) {
            case .success(let answer): answers.append(answer)
            case .failure(let failure): return .failure(failure)
            }
        }
        guard answers.contains(where: \.ok) else {
            let message = "no sub-task was done:\n" + SubAnswer.list(answers)
            return .success(output(KAI_AGENT_GAVE_UP, message))
        }
        return combine(answers).map { output(KAI_AGENT_DONE, $0) }
    }

    /// One model call for the whole task (no delegation left).
    private mutating func answerDirectly() -> Result<JSONValue, AgentFailure> {
        let request: JSONValue = ["messages": .array(input.conversation(instructions: Self.directInstructions))]
        return host.stream(provider: input.provider, request: request).map { response in
            usage.add(response["usage"])
            return output(KAI_AGENT_DONE, response["message"]?["content"]?.stringValue ?? "")
        }
    }

    /// The model's plan, or why its answer is not one; a failure when the
    /// model could not be asked.
    private mutating func makePlan() -> Result<Result<Plan, PlanError>, AgentFailure> {
        let tags = availableTags()
        var instructions = Self.planInstructions
        if !tags.isEmpty { instructions += " Capabilities the agents have: " + tags.joined(separator: ", ") + "." }
        let request: JSONValue = [
            "messages": .array(input.conversation(instructions: instructions)),
            "response_format": ["type": "json_schema", "name": "plan", "schema": Plan.schema],
        ]
        let response: JSONValue
        switch host.complete(provider: input.provider, request: request) {
        case .success(let value): response = value
        case .failure(let failure): return .failure(failure)
        }
        usage.add(response["usage"])
        return .success(Result { () throws(PlanError) in try Plan(answer: response["message"]?["content"]?.stringValue ?? "") })
    }

    /// The tags of the agents this run offers, to name them in the prompt.
    private func availableTags() -> [String] {
        guard case .success(let agents) = host.findAgents(.object([:])) else { return [] }
        var seen = Set<String>()
        return (agents.arrayValue ?? []).flatMap { $0["tags"]?.arrayValue ?? [] }.compactMap(\.stringValue)
            .filter { seen.insert($0).inserted }
    }

    /// Hands one sub-task to the best agent with its capability.
    private mutating func delegate(_ subtask: Plan.Subtask, number: Int) -> Result<SubAnswer, AgentFailure> {
        let query: JSONValue = ["capability": .string(subtask.capability), "task_type": .string(subtask.taskType)]
        let candidates: [JSONValue]
        switch host.findAgents(query) {
        case .success(let found): candidates = found.arrayValue ?? []
        case .failure(let failure): return failure.endsRun ? .failure(failure) : .success(SubAnswer(subtask, agent: nil, failure.message, ok: false))
        }
        guard let name = candidates.first?["name"]?.stringValue else {
            let text = "no agent has the capability '\(subtask.capability)', so this sub-task was not done"
            record(["type": "note", "message": .string("sub-task \(number): " + text)])
            return .success(SubAnswer(subtask, agent: nil, text, ok: false))
        }
        record(["type": "delegated", "delegate": .string(name), "task": .string(subtask.task)])
        var delegateInput: JSONObject = [
            "task": .string(subtask.task), "task_type": .string(subtask.taskType),
            "limits": ["depth": .integer(Int64(input.depth - 1))],
        ]
        if !input.provider.isEmpty { delegateInput["provider"] = .string(input.provider) }
        let outcome = host.callAgent(name: name, input: .object(delegateInput))
        if case .failure(let failure) = outcome, failure.endsRun { return .failure(failure) }
        let answer = SubAnswer(subtask, agent: name, outcome)
        if case .success(let result) = outcome { usage.add(result["usage"]) }
        record(["type": "delegation_finished", "delegate": .string(name), "ok": .bool(answer.ok), "message": .string(answer.text)])
        return .success(answer)
    }

    /// One reply from the answers: the model combines them (streamed to the
    /// user); if that call fails, the answers are listed as they are.
    private mutating func combine(_ answers: [SubAnswer]) -> Result<String, AgentFailure> {
        if answers.count == 1, let only = answers.first { return .success(only.text) }
        let prompt = "Combine the answers below into one reply to the task.\nTask: \(input.taskText)\n\n" + SubAnswer.list(answers)
        let request: JSONValue = ["messages": [
            ["role": "system", "content": .string(Self.combineInstructions)], ["role": "user", "content": .string(prompt)],
        ]]
        switch host.stream(provider: input.provider, request: request) {
        case .success(let response):
            usage.add(response["usage"])
            return .success(response["message"]?["content"]?.stringValue ?? SubAnswer.list(answers))
        case .failure(let failure) where failure.endsRun:
            return .failure(failure)
        case .failure:
            return .success(SubAnswer.list(answers))
        }
    }

    private mutating func record(_ step: JSONValue) {
        steps.append(step)
        host.step(step)
    }

    private func output(_ status: String, _ message: String) -> JSONValue {
        ["status": .string(status), "message": .string(message), "steps": .array(steps), "usage": usage.json]
    }

    static let planInstructions = "You are Kai's supervisor. Split the task into 1 to 5 sub-tasks that other agents can do on their own. For each give the task in words, the capability an agent needs for it (one lowercase tag) and its task type (a short lowercase word such as qa, coding, writing). Answer with the JSON object only."
    static let directInstructions = "You are Kai's supervisor, answering the task yourself. Answer concisely."
    static let combineInstructions = "You combine the answers of other agents into one clear reply. Keep every fact they found; say plainly what was not done."
}
