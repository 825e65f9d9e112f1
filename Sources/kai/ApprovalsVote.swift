import ArgumentParser
import Foundation
import KaiRegistry

/// `kai approvals approve ID` and `kai approvals deny ID`: one vote by the
/// user running kai (getuid()), counted in one transaction by the store. A
/// deny vote denies the call; the `needed`-th distinct approve approves it.
enum ApprovalsVote {
    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve", abstract: "Approve a pending tool call as the current user (not the one who started the run).")

        @OptionGroup var runtime: RuntimeOptions
        @Argument(help: ArgumentHelp("The approval id (kai approvals list).", valueName: "id")) var id: String

        func validate() throws { try ApprovalsVote.check(id) }
        func run() throws { try ApprovalsVote.vote(id, approve: true, runtime: runtime) }
    }

    struct Deny: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deny", abstract: "Deny a pending tool call: the run's model is told when the run resumes.")

        @OptionGroup var runtime: RuntimeOptions
        @Argument(help: ArgumentHelp("The approval id (kai approvals list).", valueName: "id")) var id: String

        func validate() throws { try ApprovalsVote.check(id) }
        func run() throws { try ApprovalsVote.vote(id, approve: false, runtime: runtime) }
    }

    static func check(_ id: String) throws {
        guard SessionID.isApprovalID(id) else {
            throw ValidationError("'\(id)' is not an approval id (a and 10 hex digits, e.g. a0123456789). Run 'kai approvals list' to see the pending ones.")
        }
    }

    static func vote(_ id: String, approve: Bool, runtime: RuntimeOptions) throws {
        let store = try runtime.openStore()
        let record: ApprovalRecord
        do throws(ApprovalVoteError) {
            record = try store.voteOnApproval(id: id, uid: getuid(), approve: approve, at: Date().timeIntervalSince1970)
        } catch {
            throw ExitCodes.fail(error.message, status(error))
        }
        Console.out(result(record))
    }

    /// What the vote did: decided (and how to resume), or how many more approvers are needed.
    static func result(_ record: ApprovalRecord) -> String {
        switch record.status {
        case "approved":
            return "approved; resume the run with kai run --resume \(record.sessionID)"
        case "denied":
            return "denied; resume the run with kai run --resume \(record.sessionID) (the model is told the call was denied)"
        default:
            let approvals = record.votes.filter(\.approve).count
            let missing = max(1, record.needed - approvals)
            return "your approval is recorded (\(approvals) of \(record.needed)); waiting for \(missing) more approver\(missing == 1 ? "" : "s")"
        }
    }

    /// 66 no such approval, 65 no longer pending, 77 this user may not vote on it, 74 the registry.
    static func status(_ error: ApprovalVoteError) -> Int32 {
        switch error {
        case .notFound: ExitCodes.notFound
        case .notPending: ExitCodes.badArguments
        case .starterCannotApprove, .alreadyVoted: ExitCodes.notPermitted
        case .store(let error): error.code == .notFound ? ExitCodes.notFound : ExitCodes.store
        }
    }
}
