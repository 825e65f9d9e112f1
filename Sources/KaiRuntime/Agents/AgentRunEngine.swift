import Glibc
import KaiCore
import KaiJSON
import KaiRegistry

/// Starts, resumes or continues one run: the session, the run (the agents'
/// scope), the root agent's call, and the outcome from what the agent
/// answered and what the run saw.
struct AgentRunEngine {
    let runtime: KaiRuntime
    let request: AgentRunRequest

    func run() throws(RunError) -> RunOutcome {
        try validate()
        let start = try RunStart.make(runtime, request)
        // A resumed or continued coder run gets its saved tests back.
        return try AgentRunEngine(runtime: runtime, request: start.settings.coding(request)).go(start)
    }

    private func go(_ start: RunStart) throws(RunError) -> RunOutcome {
        let run = try open(start)
        // Last: everything the run recorded is written before its outcome returns.
        defer { run.recorder.close() }
        request.onEvent(.session(id: run.sessionID, agent: run.agent.capability.name))
        let link = CancellationLink(watching: request.cancellation) { [run] in
            run.stop(RunMark(status: .interrupted, reason: "interrupted"))
        }
        defer { link.end() }
        switch start.kind {
        case .new(let task): run.recorder.event("message", ["role": "user", "content": .string(task)])
        case .continued(let followUp): run.recorder.event("message", ["role": "user", "content": .string(followUp)])
        case .resume:
            let waiting = try run.settlePending(start.pending)
            if !waiting.isEmpty { return stillPaused(run, start, waiting) }
        }
        run.persist()
        let result = callAgent(run, start)
        return RunOutcomeBuilder(run: run, request: request).finish(result)
    }

    private func validate() throws(RunError) {
        if request.chainLimit < 1 { throw RunError(.invalid, "the chain limit must be at least 1, not \(request.chainLimit)") }
        if let max = request.maxAttempts, max < 1 { throw RunError(.invalid, "the most attempts must be at least 1, not \(max)") }
        if let max = request.maxTokens, max < 1 { throw RunError(.invalid, "the token budget must be at least 1, not \(max)") }
        if let max = request.maxCostUSD, !(max > 0) { throw RunError(.invalid, "the cost budget must be more than 0 USD, not \(max)") }
        if let choice = request.toolChoice, !["auto", "required", "once"].contains(choice) {
            throw RunError(.invalid, "the tool choice must be auto, required or once, not \"\(choice)\"")
        }
    }

    /// The run over a new session (created now) or a saved one.
    private func open(_ start: RunStart) throws(RunError) -> AgentRun {
        var earlier = RunBudget.Totals()
        if let record = start.record {
            earlier = RunBudget.Totals(inputTokens: record.inputTokens, outputTokens: record.outputTokens, costUSD: record.costUSD)
        }
        // A resumed run goes on spending its budget; a continued one starts a new turn with its own.
        let budget = RunBudget(maxTokens: start.settings.maxTokens, maxCostUSD: start.settings.maxCostUSD,
                               earlier: start.kind == .resume ? earlier : RunBudget.Totals())
        let recorder = SessionRecorder(writer: runtime.sessionWriter, sessionID: start.sessionID, diagnostics: runtime.diagnostics, earlier: earlier)
        let run = AgentRun(runtime: runtime, request: request, sessionID: start.sessionID, agent: start.agent, settings: start.settings,
                           tools: start.tools, budget: budget, recorder: recorder, history: start.history)
        run.state.withLock { $0.pending = start.pending }
        if case .new(let task) = start.kind {
            let now = WallClock.now()
            let record = SessionRecord(id: start.sessionID, agent: start.agent.qualifiedName, status: "running", task: task,
                                       starterUID: getuid(), createdAt: now, updatedAt: now, state: run.stateJSON(run.state.withLock { $0 }))
            do throws(StoreError) {
                try runtime.store.createSession(record)
            } catch {
                recorder.close()
                throw RunError(.store, "could not create the run's session in the registry: \(error.message)")
            }
        }
        return run
    }

    /// The root agent's input and call.
    private func callAgent(_ run: AgentRun, _ start: RunStart) -> Result<ToolResult, CallError> {
        let settings = run.settings
        var input: JSONObject = [:]
        if case .new(let task) = start.kind { input["task"] = .string(task) } else { input["messages"] = .array(run.history.messages) }
        input["tools"] = .array(run.tools.descriptors())
        if let model = settings.model { input["provider"] = .string(model) }
        if let taskType = settings.taskType { input["task_type"] = .string(taskType) }
        if let choice = settings.toolChoice { input["tool_choice"] = .string(choice) }
        input["session_id"] = .string(run.sessionID)
        var limits: JSONObject = ["chain_limit": .integer(Int64(settings.chainLimit)), "depth": .integer(Int64(AgentRun.delegationDepth))]
        if let maxTokens = settings.maxTokens { limits["max_tokens"] = .integer(Int64(maxTokens)) }
        if let maxCost = settings.maxCostUSD { limits["max_cost_usd"] = .number(maxCost) }
        if let maxAttempts = request.maxAttempts { limits["max_attempts"] = .integer(Int64(maxAttempts)) }
        input["limits"] = .object(limits)
        if let tests = request.tests { input["tests"] = .string(tests) }
        if let entryPoint = request.entryPoint { input["entry_point"] = .string(entryPoint) }
        var options = CallOptions(timeout: request.timeout, cancellation: run.token, onEvent: run.agentEvents(name: run.agent.capability.name),
                                  taskType: settings.taskType)
        options.scope = run
        do throws(CallError) {
            return .success(try runtime.host.call(.agent, run.agent.qualifiedName, input: JSONValue.object(input).serializedBytes(), options: options))
        } catch {
            runtime.callFailed(error)
            return .failure(error)
        }
    }

    /// --resume while approvals are still pending: nothing runs, nothing changes.
    private func stillPaused(_ run: AgentRun, _ start: RunStart, _ waiting: [String]) -> RunOutcome {
        RunOutcome(sessionID: run.sessionID, agent: run.agent.qualifiedName, status: .paused,
                   message: "session \(run.sessionID) is still waiting for approval \(waiting.joined(separator: ", ")) "
                       + "(kai approvals list); resume it once \(waiting.count == 1 ? "it is" : "they are") decided",
                   steps: [], inputTokens: 0, outputTokens: 0, costUSD: nil, pendingApprovals: waiting, error: nil)
    }
}
