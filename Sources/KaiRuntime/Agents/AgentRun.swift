import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
import Synchronization

/// One run of `kai run`, as KaiCore's AgentScope: every tool, provider and
/// agent call its agents make comes here. It owns the session id, the run's
/// cancellation token (cancelled by Ctrl-C through the caller's token, and
/// by the run itself on a budget, a pause or a stopped run), the budget
/// meter, the "allow always" answers, the conversation history and the
/// session record.
final class AgentRun: AgentScope, Sendable {
    let runtime: KaiRuntime
    let request: AgentRunRequest
    let sessionID: String
    /// The root agent.
    let agent: CapabilityIndex.Entry
    let settings: RunSettings
    let tools: RunToolSet
    let budget: RunBudget
    let token = CancellationToken()
    let recorder: SessionRecorder
    /// Delegation levels allowed below the root agent (agent-input limits.depth).
    static let delegationDepth = 2

    struct State: Sendable {
        var mark: RunMark?
        var history: RunHistory
        var pending: [PendingCall] = []
        var steps: [JSONValue] = []
        var allowAlways: Set<String> = []
        var modelTurns = 0
        var toolCalls = 0
    }

    let state: Mutex<State>
    /// One approval question at a time: parallel tool calls must not ask at once.
    let promptLock = Mutex(())
    /// Session state writes in order: a snapshot is taken and written under it.
    let persistLock = Mutex(())
    /// The messages of the last chat request the host validated and a
    /// provider answered: a next request that starts with them has only its
    /// new messages validated (CallOptions.validatedMessages).
    let validatedMessages = Mutex<[JSONValue]>([])
    /// The plans of this run's routes that name their target (see RoutePlanCache).
    let routePlans = RoutePlanCache()

    init(runtime: KaiRuntime, request: AgentRunRequest, sessionID: String, agent: CapabilityIndex.Entry, settings: RunSettings,
         tools: RunToolSet, budget: RunBudget, recorder: SessionRecorder, history: RunHistory) {
        self.runtime = runtime
        self.request = request
        self.sessionID = sessionID
        self.agent = agent
        self.settings = settings
        self.tools = tools
        self.budget = budget
        self.recorder = recorder
        self.state = Mutex(State(history: history))
    }

    var mark: RunMark? { state.withLock { $0.mark } }
    var history: RunHistory { state.withLock { $0.history } }
    var steps: [JSONValue] { state.withLock { $0.steps } }

    /// Ends the run for `mark`'s reason unless it already ended for another,
    /// and cancels the run's calls. True when this mark was the one set.
    @discardableResult
    func stop(_ mark: RunMark) -> Bool {
        let set = state.withLock { state in
            guard state.mark == nil else { return false }
            state.mark = mark
            return true
        }
        token.cancel()
        return set
    }

    /// The failure a call gets once the run has ended.
    func endedFailure() -> ScopeFailure? {
        guard let mark else { return token.isCancelled ? ScopeFailure(code: .cancelled, message: "the run was cancelled") : nil }
        return ScopeFailure(code: .cancelled, message: "the run has ended (\(mark.status.rawValue)): \(mark.reason)")
    }

    /// Whether `parent` is the root agent's own call (its provider answers
    /// and tool results make the session's history; a delegate's do not).
    func isRoot(_ parent: ParentCall?) -> Bool {
        guard let parent else { return true }
        return parent.depth == 0 && parent.caller == agent.qualifiedName
    }

    /// The name events carry for the agent making a call: the agent's short name.
    func agentName(_ parent: ParentCall?) -> String {
        guard let parent, parent.callerKind == .agent, let dot = parent.caller.lastIndex(of: ".") else { return agent.capability.name }
        return String(parent.caller[parent.caller.index(after: dot)...])
    }

    /// Records and reports one step (agent-step object) of `agentName`.
    func emit(step: JSONValue, agent agentName: String, kind: String = "step") {
        var step = step
        if case .object(var object) = step, object["agent"] == nil {
            object["agent"] = .string(agentName)
            step = .object(object)
        }
        state.withLock { $0.steps.append(step) }
        recorder.event(kind, step)
        request.onEvent(.step(agent: agentName, step))
    }

    /// Saves the session's state (status "running" while the run goes on).
    func persist(status: String = "running") {
        persistLock.withLock { _ in
            let snapshot = state.withLock { $0 }
            recorder.save(status: status, state: stateJSON(snapshot), spent: budget.totals)
        }
    }

    func stateJSON(_ snapshot: State) -> JSONValue {
        ["messages": .array(snapshot.history.messages), "settings": settings.json,
         "pending": .array(snapshot.pending.map(\.json)), "owner": RunOwner.current?.json ?? .null]
    }

    /// Seconds left before `parent`'s deadline (nil: none).
    static func secondsLeft(_ parent: ParentCall?) -> Double? {
        guard let parent, parent.deadline != MonotonicClock.noDeadline else { return nil }
        return max(0.001, Double(parent.deadline - MonotonicClock.now()) / 1e9)
    }
}
