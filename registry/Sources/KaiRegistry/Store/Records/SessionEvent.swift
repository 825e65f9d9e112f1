import KaiJSON

/// A row of `session_events`: one thing that happened in a session, in order.
public struct SessionEvent: Sendable, Equatable {
    public var sessionID: String
    /// 1, 2, 3... within the session.
    public var seq: Int
    /// Seconds since 1970.
    public var at: Double
    /// message, tool_call, approval, usage, step or status.
    public var kind: String
    public var body: JSONValue

    public init(sessionID: String, seq: Int, at: Double, kind: String, body: JSONValue) {
        self.sessionID = sessionID
        self.seq = seq
        self.at = at
        self.kind = kind
        self.body = body
    }
}
