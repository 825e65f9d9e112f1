import CKaiABI
import KaiJSON

/// The tool-calling agent: asks the model with the run's tools, runs the
/// calls it makes, sends the results back, and repeats until the model
/// answers without calling a tool, or limits.chain_limit model turns.
struct Assistant {
    let host: AgentHost
    let input: AgentInput

    static let instructions = "You are Kai's assistant. Use the tools when they help (several at once when they are independent); when a tool fails, read its error and adapt. Answer concisely."

    private var steps: [JSONValue] = []
    private var usage = Usage()
    private var messages: [JSONValue]
    private var repeats: RepeatGuard
    /// The history only grows: each message is written once, here, and
    /// every turn's request is built around these bytes (writing the whole
    /// conversation out again each turn was most of the agent's own cost).
    private var writtenMessages = ChatRequestWriter()

    init(host: AgentHost, input: AgentInput) {
        self.host = host
        self.input = input
        let history = input.conversation(instructions: Self.instructions)
        let pending = Self.unanswered(history)
        // Calls still waiting for their results are counted when they run.
        repeats = RepeatGuard(history: pending.calls.isEmpty ? history : Array(history[..<pending.index]))
        messages = history
    }

    mutating func run() -> Result<JSONValue, AgentFailure> {
        // A history that ends in a finished answer (nothing new asked): that answer.
        if let last = messages.last, last["role"]?.stringValue == "assistant", (last["tool_calls"]?.arrayValue ?? []).isEmpty {
            return .success(output(status: KAI_AGENT_DONE, message: last["content"]?.stringValue ?? ""))
        }
        // A turn interrupted before its calls ran (or some of them): run them first.
        let pending = Self.unanswered(messages)
        if !pending.calls.isEmpty, case .failure(let failure) = runTools(pending.calls) { return .failure(failure) }
        var turn = 0
        while turn < input.chainLimit {
            if let stopped = host.stopped { return .failure(stopped) }
            turn += 1
            record(["type": "turn", "turn": .integer(Int64(turn))])
            let response: JSONValue
            switch host.stream(provider: input.provider, request: request(firstTurn: turn == 1)) {
            case .success(let value): response = value
            case .failure(let failure): return .failure(failure)
            }
            usage.add(response["usage"])
            let reply = response["message"] ?? .object([:])
            let calls = (reply["tool_calls"]?.arrayValue ?? []).map(ToolCall.init)
            var said: JSONObject = ["role": "assistant", "content": reply["content"] ?? .null]
            if !calls.isEmpty { said["tool_calls"] = reply["tool_calls"] }
            messages.append(.object(said))
            if calls.isEmpty {
                return .success(output(status: KAI_AGENT_DONE, message: reply["content"]?.stringValue ?? ""))
            }
            if case .failure(let failure) = runTools(calls) { return .failure(failure) }
        }
        return .success(output(status: KAI_AGENT_CHAIN_LIMIT, message: ChainLimitSummary(messages: messages, turns: turn).text))
    }

    /// Runs a turn's calls and appends their results in the model's order.
    private mutating func runTools(_ calls: [ToolCall]) -> Result<Void, AgentFailure> {
        switch ToolTurn(host: host).run(calls, guard: &repeats) {
        case .success(let answers):
            for (call, answer) in zip(calls, answers) { messages.append(answer.message(answering: call)) }
            return .success(())
        case .failure(let failure):
            return .failure(failure)
        }
    }

    /// The chat request for the next model turn. The input's tool_choice
    /// applies to the first turn only (a small model made to call a tool
    /// must then be free to answer); "once" also makes the turns after it
    /// answer without tools — a model too small to know when to stop
    /// calling would otherwise call until the chain limit.
    private mutating func request(firstTurn: Bool) -> [UInt8] {
        var choice: String? = nil
        if !input.tools.isEmpty {
            switch (input.toolChoice, firstTurn) {
            case ("once"?, true): choice = "required"
            case ("once"?, false): choice = "none"
            case (let asked?, true): choice = asked
            default: break
            }
        }
        return writtenMessages.request(messages: messages, tools: input.tools, toolChoice: choice)
    }

    private mutating func record(_ step: JSONValue) {
        steps.append(step)
        host.step(step)
    }

    private func output(status: String, message: String) -> JSONValue {
        ["status": .string(status), "message": .string(message), "steps": .array(steps), "usage": usage.json,
         "messages": .array(messages)]
    }

    /// The last assistant message's calls that no tool message answers yet,
    /// and that message's index.
    static func unanswered(_ history: [JSONValue]) -> (calls: [ToolCall], index: Int) {
        guard let index = history.lastIndex(where: { $0["role"]?.stringValue == "assistant" }) else { return ([], history.count) }
        let answered = Set(history[(index + 1)...].compactMap { $0["tool_call_id"]?.stringValue })
        let calls = (history[index]["tool_calls"]?.arrayValue ?? []).map(ToolCall.init).filter { !answered.contains($0.id) }
        return (calls, index)
    }
}
