import KaiCore
import KaiJSON

extension AgentRun {
    /// A provider call of an agent: refused once the budget is spent;
    /// otherwise through the router (-m, the task type, the risk tier), its
    /// max_tokens capped at the tokens left, its usage metered.
    func callProvider(provider: String, request body: [UInt8], parent: ParentCall,
                      onEvent: ToolEventHandler?) -> Result<[UInt8], ScopeFailure> {
        if let ended = endedFailure() { return .failure(ended) }
        if let limit = budget.exhausted {
            stop(RunMark(status: .budget, reason: budget.spentText(limit)))
            return .failure(budget.refusal(limit))
        }
        guard case .object(var chat)? = try? JSONParser.parse(body) else {
            return .failure(ScopeFailure(code: .invalidInput, message: "the chat request is not a JSON object"))
        }
        // The cap is the least of what the agent asked, the tokens left in
        // the budget and --turn-tokens: a model that rambles (the embedded
        // 135M one writes until its context is full) is cut at the turn.
        // --temperature and --seed are the user's, over whatever the agent
        // asked. Only then is the request written out again.
        var bytes = body
        var changed = false
        let asked = chat["max_tokens"]?.intValue.map { Int($0) }
        let caps = [asked, budget.tokensLeft, settings.turnTokens].compactMap { $0 }
        if let cap = caps.min().map({ max(1, $0) }), cap != asked {
            chat["max_tokens"] = .integer(Int64(cap))
            changed = true
        }
        if let temperature = settings.temperature { chat["temperature"] = .number(temperature); changed = true }
        if let seed = settings.seed { chat["seed"] = .integer(seed); changed = true }
        if changed { bytes = JSONValue.object(chat).serializedBytes() }
        let route = RouteRequest(explicit: provider.isEmpty ? settings.model : provider, taskType: settings.taskType, risk: settings.risk)
        var options = CallOptions(timeout: Self.secondsLeft(parent), onEvent: onEvent, taskType: settings.taskType)
        options.parent = parent
        // Parsed here already: the host validates this instead of parsing the conversation again.
        if !changed { options.parsedInput = .object(chat) }
        let messages = chat["messages"]?.arrayValue ?? []
        options.validatedMessages = validatedMessages.withLock { Self.commonPrefix(messages, $0) }
        let routed: RoutedResult
        do throws(RouteFailure) {
            // The agent's own bytes when nothing was capped: the history is not
            // written out again for every model turn.
            routed = try runtime.router(planCache: routePlans).call(request: bytes, route: route, options: options)
        } catch {
            let code = error.callError?.code ?? .unavailable
            return .failure(ScopeFailure(code: code, message: error.description))
        }
        validatedMessages.withLock { $0 = messages }
        answered(routed, request: chat, parent: parent)
        return .success(routed.result.json)
    }

    /// How many leading messages the two lists share, written identically:
    /// `==` is JSON Schema equality (1 == 1.0, members in any order,
    /// canonically equivalent strings), and a message equal but not
    /// identical to a validated one is not known valid (maxLength counts
    /// code points: an NFD string is longer than its NFC twin).
    static func commonPrefix(_ messages: [JSONValue], _ validated: [JSONValue]) -> Int {
        var count = 0
        while count < messages.count, count < validated.count, messages[count].isIdentical(to: validated[count]) { count += 1 }
        return count
    }

    /// Meters, records and (for the root agent) remembers one answer.
    private func answered(_ routed: RoutedResult, request chat: JSONObject, parent: ParentCall) {
        let result = routed.result
        if let usage = result.usage {
            budget.add(usage, target: routed.target)
            var body: JSONObject = ["target": .string(routed.target), "input_tokens": .integer(Int64(usage.inputTokens)),
                                    "output_tokens": .integer(Int64(usage.outputTokens))]
            if let cost = usage.costUSD { body["cost_usd"] = .number(cost) }
            recorder.event("usage", .object(body))
        }
        let message = result.response["message"] ?? ["role": "assistant", "content": .string(result.content)]
        var record = message.objectValue ?? [:]
        record["agent"] = .string(agentName(parent))
        record["target"] = .string(routed.target)
        recorder.event("message", .object(record))
        state.withLock { state in
            state.modelTurns += 1
            if isRoot(parent) { state.history.answered(request: chat["messages"]?.arrayValue ?? [], response: message) }
        }
        persist()
        // Past the budget: the agent has this answer, and the run ends
        // before it can spend more.
        if let limit = budget.exceeded {
            stop(RunMark(status: .budget, reason: budget.spentText(limit)))
        }
    }
}
