/// A row of `approval_votes`: one user's approve or deny on one approval.
public struct ApprovalVote: Sendable, Equatable {
    public var uid: UInt32
    public var approve: Bool
    /// Seconds since 1970.
    public var at: Double

    public init(uid: UInt32, approve: Bool, at: Double) {
        self.uid = uid
        self.approve = approve
        self.at = at
    }
}
