import KaiJSON

/// A row of `sessions`: one `kai run`, its agent, where it stands and what it
/// has cost so far. `state` is the run engine's own JSON (the messages, the
/// run's settings, calls waiting on approvals), enough to resume the run in
/// a new process.
public struct SessionRecord: Sendable, Equatable {
    /// "s" + 10 lowercase hex characters.
    public var id: String
    public var agent: String
    /// done, gave_up, chain_limit, budget, denied, paused, interrupted, failed,
    /// or running while a process works on it.
    public var status: String
    /// The task the run started with.
    public var task: String
    /// The OS user who started the run: the one uid that may not approve its calls.
    public var starterUID: UInt32
    /// Seconds since 1970.
    public var createdAt: Double
    public var updatedAt: Double
    public var inputTokens: Int
    public var outputTokens: Int
    /// Nil while no call reported a price.
    public var costUSD: Double?
    public var state: JSONValue

    public init(
        id: String, agent: String, status: String, task: String, starterUID: UInt32, createdAt: Double,
        updatedAt: Double, inputTokens: Int = 0, outputTokens: Int = 0, costUSD: Double? = nil, state: JSONValue = .object([:])
    ) {
        self.id = id
        self.agent = agent
        self.status = status
        self.task = task
        self.starterUID = starterUID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.state = state
    }

    /// Statuses a run can still go on from; pruning keeps these sessions.
    public static let unfinishedStatuses: Set<String> = ["paused", "interrupted", "running"]

    /// A fresh random session id: "s" + 10 lowercase hex characters.
    public static func newID() -> String { "s" + randomHex(count: 10) }
}

/// `count` random lowercase hex characters (at most 16), from the system's
/// random source.
func randomHex(count: Int) -> String {
    let digits = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    return String(String(repeating: "0", count: max(0, 16 - digits.count)) + digits).suffix(count).description
}
