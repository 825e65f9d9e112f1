import KaiCore
import KaiJSON
import KaiRegistry

/// Where a run starts: a new session for a task, or a saved one resumed or
/// continued, with the settings, history and pending calls it carries.
struct RunStart {
    enum Kind: Equatable {
        case new(task: String)
        case resume
        case continued(followUp: String)
    }

    let kind: Kind
    let sessionID: String
    /// The saved session (resume, continue).
    let record: SessionRecord?
    let agent: CapabilityIndex.Entry
    let settings: RunSettings
    let tools: RunToolSet
    let history: RunHistory
    let pending: [PendingCall]

    static let resumable: Set<String> = ["paused", "interrupted"]

    static func make(_ runtime: KaiRuntime, _ request: AgentRunRequest) throws(RunError) -> RunStart {
        switch request.start {
        case .task(let task):
            let agent = try AgentChoice.choose(runtime, named: request.agent, taskType: request.taskType)
            let tools = try RunTools.choose(runtime, names: request.tools)
            var settings = RunSettings(
                agent: agent.qualifiedName, model: request.model, tools: tools.qualifiedNames, toolChoice: request.toolChoice,
                chainLimit: request.chainLimit, maxTokens: request.maxTokens, maxCostUSD: request.maxCostUSD,
                taskType: request.taskType, risk: request.risk, tests: request.tests, entryPoint: request.entryPoint,
                maxAttempts: request.maxAttempts)
            settings.turnTokens = request.turnTokens
            settings.temperature = request.temperature
            settings.seed = request.seed
            return RunStart(kind: .new(task: task), sessionID: SessionRecord.newID(), record: nil, agent: agent, settings: settings,
                            tools: tools, history: RunHistory([["role": "user", "content": .string(task)]]), pending: [])
        case .resume(let id):
            let record = try saved(runtime, id)
            guard resumable.contains(record.status) || abandoned(record) else {
                if record.status == "running" { throw RunError(.notResumable, runningText(id)) }
                throw RunError(.notResumable, "session \(id) finished (\(record.status)); use --continue to add a turn")
            }
            return try reopen(runtime, request, record, kind: .resume)
        case .continueSession(let id, let followUp):
            let record = try saved(runtime, id)
            switch record.status {
            case "paused": throw RunError(.notResumable, "session \(id) is paused waiting for approvals; use --resume to continue it")
            case "interrupted": throw RunError(.notResumable, "session \(id) was interrupted; use --resume to continue it")
            case "running":
                throw RunError(.notResumable, abandoned(record)
                    ? "session \(id) was cut short when its kai process ended; use --resume to continue it" : runningText(id))
            default: return try reopen(runtime, request, record, kind: .continued(followUp: followUp))
            }
        }
    }

    static func runningText(_ id: String) -> String {
        "session \(id) is still running in another kai process; wait for it to end (or stop it with Ctrl-C), then resume it"
    }

    /// A session marked running whose process is gone: cut short, as if interrupted.
    static func abandoned(_ record: SessionRecord) -> Bool {
        guard record.status == "running" else { return false }
        guard let owner = RunOwner(json: record.state["owner"]) else { return true }
        return !owner.isAlive
    }

    private static func saved(_ runtime: KaiRuntime, _ id: String) throws(RunError) -> SessionRecord {
        let record: SessionRecord?
        do throws(StoreError) {
            record = try runtime.store.session(id: id)
        } catch {
            throw RunError(.store, "could not read session \(id) from the registry: \(error.message)")
        }
        guard let record else { throw RunError(.notFound, "no session named \"\(id)\"; kai sessions list shows the sessions") }
        return record
    }

    /// A saved session's settings, with what this request names explicitly
    /// put over them; its history (plus the follow-up when continuing).
    private static func reopen(_ runtime: KaiRuntime, _ request: AgentRunRequest, _ record: SessionRecord, kind: Kind) throws(RunError) -> RunStart {
        guard var settings = RunSettings(json: record.state["settings"]) else {
            throw RunError(.notResumable, "session \(record.id) has no saved settings to run from (it was not saved by kai run)")
        }
        let agent = try AgentChoice.choose(runtime, named: request.agent ?? settings.agent, taskType: nil)
        settings.agent = agent.qualifiedName
        if let model = request.model { settings.model = model }
        if let toolChoice = request.toolChoice { settings.toolChoice = toolChoice }
        if request.chainLimit != AgentRunRequest(start: request.start).chainLimit { settings.chainLimit = request.chainLimit }
        if let maxTokens = request.maxTokens { settings.maxTokens = maxTokens }
        if let turnTokens = request.turnTokens { settings.turnTokens = turnTokens }
        if let temperature = request.temperature { settings.temperature = temperature }
        if let seed = request.seed { settings.seed = seed }
        if let maxCost = request.maxCostUSD { settings.maxCostUSD = maxCost }
        if let taskType = request.taskType { settings.taskType = taskType }
        if request.risk == .high { settings.risk = .high }
        if let tests = request.tests { settings.tests = tests }
        if let entryPoint = request.entryPoint { settings.entryPoint = entryPoint }
        if let maxAttempts = request.maxAttempts { settings.maxAttempts = maxAttempts }
        let tools = try RunTools.choose(runtime, names: request.tools.isEmpty ? nil : request.tools, saved: settings.tools)
        settings.tools = tools.qualifiedNames
        var history = RunHistory(record.state["messages"]?.arrayValue ?? [])
        if case .continued(let followUp) = kind {
            // Calls a run that ended (budget, a denial) left unanswered must
            // have results before a user message can follow them.
            history.closeInterruptedCalls()
            history.appendUser(followUp)
        }
        guard !history.messages.isEmpty else {
            throw RunError(.notResumable, "session \(record.id) has no saved messages to run from")
        }
        let pending = (record.state["pending"]?.arrayValue ?? []).compactMap(PendingCall.init(json:))
        return RunStart(kind: kind, sessionID: record.id, record: record, agent: agent, settings: settings, tools: tools,
                        history: history, pending: kind == .resume ? pending : [])
    }
}

/// The tools a run may use: every loaded tool the approvals policy does not
/// deny outright, narrowed to the ones named (--tool) or saved.
enum RunTools {
    static func choose(_ runtime: KaiRuntime, names: [String]?, saved: [String]? = nil) throws(RunError) -> RunToolSet {
        let policy = ApprovalPolicy(runtime.config.approvals, tools: runtime.host.index(.tool))
        let index = runtime.host.index(.tool)
        let allowed = index.entries.filter { entry in
            entry.plugin.status.takesCalls && !policy.deniesEveryCall(qualifiedName: entry.qualifiedName, shortName: entry.capability.name)
        }
        let isAllowed = { (entry: CapabilityIndex.Entry) in allowed.contains { $0.qualifiedName == entry.qualifiedName } }
        if let names, !names.isEmpty {
            var chosen: [CapabilityIndex.Entry] = []
            for name in names {
                let entry: CapabilityIndex.Entry
                do throws(CallError) { entry = try index.resolve(name) } catch { throw RunError(.notFound, error.description) }
                guard entry.plugin.status.takesCalls else {
                    throw RunError(.invalid, CallError.pluginNotActive(tool: entry.qualifiedName, plugin: entry.plugin.id, status: entry.plugin.status).description)
                }
                guard isAllowed(entry) else {
                    throw RunError(.invalid, "tool \"\(name)\" cannot be used in a run: the operator's approvals policy in "
                        + "\(runtime.configPath) denies every call of it. Drop --tool \(name), or change its mode there.")
                }
                if !chosen.contains(where: { $0.qualifiedName == entry.qualifiedName }) { chosen.append(entry) }
            }
            return RunToolSet(chosen)
        }
        if let saved { return RunToolSet(allowed.filter { saved.contains($0.qualifiedName) }) }
        return RunToolSet(allowed)
    }
}
