import KaiCore
import KaiJSON

extension AgentRun {
    /// kai_host_agent_v1.find_agents: agents tagged with the capability,
    /// best registry score for the task type first (unscored last, by name),
    /// the caller left out.
    func findAgents(query: [UInt8], parent: ParentCall) -> Result<[UInt8], ScopeFailure> {
        guard case .object(let object)? = try? JSONParser.parse(query) else {
            return .failure(ScopeFailure(code: .invalidInput, message: "find_agents: the query must be a JSON object {\"capability\", \"task_type\"}"))
        }
        let capability = object["capability"]?.stringValue
        let taskType = object["task_type"]?.stringValue ?? settings.taskType
        let found = AgentChoice.ranked(runtime, taskType: taskType, capability: capability, excluding: parent.caller)
        let list: [JSONValue] = found.map { candidate in
            ["name": .string(candidate.entry.qualifiedName), "description": .string(candidate.entry.capability.description),
             "tags": .array(candidate.entry.capability.tags.map { .string($0) }), "score": candidate.score.map { .number($0) } ?? .null]
        }
        return .success(JSONValue.array(list).serializedBytes())
    }

    /// kai_host_agent_v1.call_agent: the delegate gets the run's tools (or
    /// those the input names), the session id and the run's limits, one
    /// level less delegation depth; its text and steps reach the user under
    /// its own name.
    func callAgent(name: String, input: [UInt8], parent: ParentCall) -> Result<[UInt8], ScopeFailure> {
        if let ended = endedFailure() { return .failure(ended) }
        let delegate: CapabilityIndex.Entry
        do throws(CallError) {
            delegate = try runtime.host.index(.agent).resolve(name)
        } catch {
            return .failure(ScopeFailure(code: .notFound, message: AgentChoice.notFoundText(name, error: error, runtime: runtime)))
        }
        let depthLeft = Self.delegationDepth - parent.depth
        guard depthLeft > 0 else {
            return .failure(ScopeFailure(code: .permissionDenied, message:
                "\(agentName(parent)) may not delegate to \(delegate.capability.name): the run allows \(Self.delegationDepth) levels of delegation"))
        }
        guard case .object(var object)? = try? JSONParser.parse(input) else {
            return .failure(ScopeFailure(code: .invalidInput, message: "call_agent: the input must be a JSON object (an agent input)"))
        }
        let only = object["tool_names"]?.arrayValue?.compactMap(\.stringValue)
        object["tools"] = .array(tools.descriptors(only: only))
        object["session_id"] = .string(sessionID)
        if object["task_type"] == nil, let taskType = settings.taskType { object["task_type"] = .string(taskType) }
        if object["provider"] == nil, let model = settings.model { object["provider"] = .string(model) }
        var limits = object["limits"]?.objectValue ?? [:]
        limits["depth"] = .integer(Int64(depthLeft - 1))
        if limits["chain_limit"] == nil { limits["chain_limit"] = .integer(Int64(settings.chainLimit)) }
        if let maxTokens = settings.maxTokens { limits["max_tokens"] = .integer(Int64(maxTokens)) }
        if let maxCost = settings.maxCostUSD { limits["max_cost_usd"] = .number(maxCost) }
        object["limits"] = .object(limits)
        var options = CallOptions(onEvent: agentEvents(name: delegate.capability.name), taskType: object["task_type"]?.stringValue)
        options.parent = parent
        do throws(CallError) {
            return .success(try runtime.host.call(.agent, delegate.qualifiedName, input: JSONValue.object(object).serializedBytes(), options: options).json)
        } catch {
            runtime.callFailed(error)
            return .failure(ScopeFailure(code: error.code, message: error.description))
        }
    }

    /// Step types only the host sends (agent-step.schema.json), for calls
    /// made through kai.host.agent/1.
    static let hostStepTypes: Set<String> = ["approval", "tool_started", "tool_finished"]

    /// A step as an agent sent it: one of the host's own types is a forgery
    /// (an agent could show "✓ rm allowed" for a call Kai never allowed), so
    /// it becomes a note saying so, and nothing of it is shown as the host's.
    static func fromAgent(_ step: JSONValue) -> JSONValue {
        guard let type = step["type"]?.stringValue, hostStepTypes.contains(type) else { return step }
        return ["type": "note", "message": .string("the agent sent a step of type \"\(type)\", which only Kai sends; it is not shown")]
    }

    /// An agent's events as the run's: text, steps (recorded, tagged with
    /// the agent's name) and progress. Once the run has ended, STOP.
    func agentEvents(name: String) -> ToolEventHandler {
        let onEvent = request.onEvent, token = token
        return { [weak self] event in
            switch event {
            case .textDelta(let text): onEvent(.text(agent: name, text))
            case .progress(_, _, let message): if !message.isEmpty { onEvent(.progress(agent: name, message: message)) }
            case .step(let step): self?.emit(step: Self.fromAgent(step), agent: name)
            case .usage, .toolCallDelta: break
            }
            return token.isCancelled ? .stop : .continue
        }
    }
}
