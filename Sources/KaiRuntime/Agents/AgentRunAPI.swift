import KaiCore
import KaiJSON

/// What `kai run` (or any front end) asks of the run engine: how the run
/// starts, which agent, model and tools, its limits and budget, and who may
/// approve the tool calls that need it.
public struct AgentRunRequest: Sendable {
    public enum Start: Sendable {
        /// A new session for a task.
        case task(String)
        /// A paused or interrupted session, continued where it stopped.
        case resume(session: String)
        /// A finished session, given one more user message.
        case continueSession(session: String, followUp: String)
    }

    public var start: Start
    /// nil: the best agent for taskType by registry score, else "assistant".
    public var agent: String?
    /// -m provider/model (the router's explicit target).
    public var model: String?
    /// --tool NAME...; empty: every tool the policy does not deny.
    public var tools: [String] = []
    /// --tool-choice required: the first model turn must call a tool (small local models).
    public var toolChoice: String?
    public var chainLimit = 10
    public var maxCostUSD: Double?
    public var maxTokens: Int?
    /// --turn-tokens: most tokens one model turn may write (each provider
    /// request's max_tokens is capped at it); nil: the agent's choice.
    public var turnTokens: Int?
    /// --temperature / --seed: set on every model call of the run; nil: the agent's choice.
    public var temperature: Double?
    public var seed: Int64?
    public var taskType: String?
    public var risk: RouteRequest.Risk = .low
    /// --yes: allows every call the policy would ask about (never a deny
    /// rule, never a two-approver tool).
    public var yes = false
    /// --approve TOOL (short or qualified).
    public var approveTools: Set<String> = []
    /// Who answers "ask" decisions; nil: no terminal.
    public var prompter: (any ApprovalPrompter)?
    /// Seconds for the whole agent call; nil: none.
    public var timeout: Double?
    /// The caller's cancellation (Ctrl-C): the run stops, its session stays resumable.
    public var cancellation = CancellationToken()
    /// Receives the run's events as they happen, from any thread.
    public var onEvent: @Sendable (RunEvent) -> Void = { _ in }
    /// For coding agents (the coder): the test code its answer must pass in
    /// the sandbox, the function the tests call (they end with
    /// check(ENTRY_POINT)), and its most attempts (nil: the agent's default).
    public var tests: String?
    public var entryPoint: String?
    public var maxAttempts: Int?

    public init(start: Start) {
        self.start = start
    }
}

/// What a watcher of a run sees, in order.
public enum RunEvent: Sendable {
    /// The first event of every run.
    case session(id: String, agent: String)
    /// Agent text deltas.
    case text(agent: String, String)
    /// agent-step objects (the host's and the agent's).
    case step(agent: String, JSONValue)
    case progress(agent: String, message: String)
}

/// Answers a tool call the approval policy says to ask about: the CLI's
/// /dev/tty prompt, tests' scripted ones. Called for one question at a time.
public protocol ApprovalPrompter: Sendable {
    func ask(_ question: ApprovalQuestion) -> ApprovalAnswer
}

public struct ApprovalQuestion: Sendable {
    /// The tool's qualified name.
    public let tool: String
    public let arguments: JSONValue
    /// Why the policy asks (e.g. "annotated destructive").
    public let reason: String

    public init(tool: String, arguments: JSONValue, reason: String) {
        self.tool = tool
        self.arguments = arguments
        self.reason = reason
    }
}

public enum ApprovalAnswer: Sendable {
    /// This call.
    case allow
    /// Every call of this tool for the rest of this run.
    case allowAlways
    /// Not this call: the model hears it was denied.
    case deny
    /// Not this call, and the run ends (status denied).
    case stopRun
    /// Nobody answered: the run was cancelled (Ctrl-C) while asking. The
    /// call does not run and is not recorded as denied; the run ends
    /// interrupted, and --resume asks again should the model call it again.
    case cancelled
}

/// How a run ended.
public enum RunStatus: String, Sendable {
    case done, gaveUp = "gave_up", chainLimit = "chain_limit", budget, denied, paused, interrupted, failed
}

public struct RunOutcome: Sendable {
    public let sessionID: String
    public let agent: String
    public let status: RunStatus
    /// The final message, or what was done so far.
    public let message: String
    public let steps: [JSONValue]
    public let inputTokens: Int
    public let outputTokens: Int
    public let costUSD: Double?
    /// Approval ids, when paused.
    public let pendingApprovals: [String]
    /// When failed.
    public let error: CallError?

    public init(
        sessionID: String, agent: String, status: RunStatus, message: String, steps: [JSONValue], inputTokens: Int,
        outputTokens: Int, costUSD: Double?, pendingApprovals: [String], error: CallError?
    ) {
        self.sessionID = sessionID
        self.agent = agent
        self.status = status
        self.message = message
        self.steps = steps
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.pendingApprovals = pendingApprovals
        self.error = error
    }
}

/// Why a run could not start (or be resumed). `message` is user-facing:
/// what was wrong and the fix.
public struct RunError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No such agent, tool or session.
        case notFound
        /// A request that cannot run (e.g. a bad flag value).
        case invalid
        /// The registry database failed.
        case store
        /// The session exists but is not in a state this start can take.
        case notResumable
    }

    public let message: String
    public let kind: Kind

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

extension KaiRuntime {
    /// Runs an agent for `request` and returns how it ended. Throws only
    /// when the run could not start; everything after that (budget, denial,
    /// pause, Ctrl-C, a failed agent) is an outcome.
    public func run(_ request: AgentRunRequest) throws(RunError) -> RunOutcome {
        try AgentRunEngine(runtime: self, request: request).run()
    }
}
