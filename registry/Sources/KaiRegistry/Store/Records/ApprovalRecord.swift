import KaiJSON

/// A row of `approvals` with its votes: one tool call waiting for (or given)
/// the approval of other users, bound to the hash of its exact arguments.
public struct ApprovalRecord: Sendable, Equatable {
    /// "a" + 10 lowercase hex characters.
    public var id: String
    public var sessionID: String
    /// The tool's qualified name.
    public var tool: String
    public var arguments: JSONValue
    /// `RegistryStore.argumentsHash(tool:arguments:)` of `tool` and `arguments`.
    public var argumentsHash: String
    /// The model's id for the tool call, so a resumed run answers the right call.
    public var callID: String
    /// How many distinct users (other than the starter) must approve.
    public var needed: Int
    public var starterUID: UInt32
    /// pending, approved, denied or used.
    public var status: String
    /// Seconds since 1970.
    public var createdAt: Double
    public var decidedAt: Double?
    /// Oldest first.
    public var votes: [ApprovalVote]

    public init(
        id: String, sessionID: String, tool: String, arguments: JSONValue, argumentsHash: String, callID: String,
        needed: Int, starterUID: UInt32, status: String = "pending", createdAt: Double, decidedAt: Double? = nil,
        votes: [ApprovalVote] = []
    ) {
        self.id = id
        self.sessionID = sessionID
        self.tool = tool
        self.arguments = arguments
        self.argumentsHash = argumentsHash
        self.callID = callID
        self.needed = needed
        self.starterUID = starterUID
        self.status = status
        self.createdAt = createdAt
        self.decidedAt = decidedAt
        self.votes = votes
    }

    /// A fresh random approval id: "a" + 10 lowercase hex characters.
    public static func newID() -> String { "a" + randomHex(count: 10) }
}
