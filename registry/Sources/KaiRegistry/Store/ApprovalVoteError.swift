/// Why a vote on an approval was refused. `message` is what `kai approvals`
/// prints: what was wrong and what to do instead.
public enum ApprovalVoteError: Error, Sendable, Equatable {
    /// No approval has this id.
    case notFound(String)
    /// The approval was already decided (approved, denied or used).
    case notPending(String, status: String)
    /// The user who started the run tried to approve or deny its call.
    case starterCannotApprove(String, uid: UInt32)
    /// This user already voted on it.
    case alreadyVoted(String, uid: UInt32)
    case store(StoreError)

    public var message: String {
        switch self {
        case .notFound(let id):
            return "no approval \(id); see kai approvals list"
        case .notPending(let id, let status):
            if status == "used" { return "approval \(id) was already approved and used (nothing to do)" }
            return "approval \(id) is already \(status) (nothing to do)"
        case .starterCannotApprove(let id, let uid):
            return "approval \(id) was requested by uid \(uid), who started the run; another user must approve it"
        case .alreadyVoted(let id, let uid):
            return "uid \(uid) has already approved \(id); a second approval must come from another user"
        case .store(let error):
            return error.message
        }
    }
}
