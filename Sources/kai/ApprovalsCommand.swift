import ArgumentParser
import Foundation
import KaiCore
import KaiJSON
import KaiRegistry

/// `kai approvals list | approve ID | deny ID`: the tool calls waiting for
/// approvers (a tool whose policy says `approvers: 2`). The approver is the
/// OS user running the command (its uid): the user who started the run
/// cannot approve it, and one user cannot vote twice.
struct ApprovalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals", abstract: "Tool calls waiting for approvers: list them, approve or deny one.",
        subcommands: [ApprovalsList.self, ApprovalsVote.Approve.self, ApprovalsVote.Deny.self])
}

struct ApprovalsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Pending approvals: id, session, tool, arguments, votes so far, approvers needed.")

    @OptionGroup var runtime: RuntimeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let store = try runtime.openStore()
        let pending: [ApprovalRecord]
        do throws(StoreError) {
            pending = try store.approvals(status: "pending")
        } catch {
            throw storeFailure(error)
        }
        if json {
            Console.visibleJSON(.array(pending.map(ApprovalText.json)))
            return
        }
        guard !pending.isEmpty else {
            Console.note("no approvals are pending")
            return
        }
        var table = TextTable(header: ["ID", "SESSION", "TOOL", "ARGUMENTS", "VOTES", "NEEDED", "REQUESTED"])
        for approval in pending {
            table.rows.append([
                approval.id, approval.sessionID, approval.tool, SessionText.cut(approval.arguments.serialized(), 60),
                ApprovalText.votes(approval), "\(approval.needed)", SessionText.time(approval.createdAt),
            ])
        }
        Console.out(table.visible().render())
    }
}

/// How approvals read in listings and `kai sessions show`.
enum ApprovalText {
    /// "approved by uid 1001" / "1 approve (uid 1001)", or "none".
    static func votes(_ approval: ApprovalRecord) -> String {
        guard !approval.votes.isEmpty else { return "none" }
        return approval.votes.map { "\($0.approve ? "approve" : "deny") (uid \($0.uid))" }.joined(separator: ", ")
    }

    /// "a0123456789  calculate  approved · votes: approve (uid 1001), approve (uid 1002)".
    static func line(_ approval: ApprovalRecord) -> String {
        "\(approval.id)  \(approval.tool) \(RunStepLine.compact(approval.arguments))  \(approval.status) · needs \(approval.needed) · votes: \(votes(approval))"
    }

    static func json(_ approval: ApprovalRecord) -> JSONValue {
        [
            "id": .string(approval.id), "session": .string(approval.sessionID), "tool": .string(approval.tool),
            "arguments": approval.arguments, "argumentsHash": .string(approval.argumentsHash), "callID": .string(approval.callID),
            "needed": .integer(Int64(approval.needed)), "starterUID": .integer(Int64(approval.starterUID)),
            "status": .string(approval.status), "createdAt": .number(approval.createdAt),
            "decidedAt": approval.decidedAt.map(JSONValue.number) ?? .null,
            "votes": .array(approval.votes.map { ["uid": .integer(Int64($0.uid)), "vote": .string($0.approve ? "approve" : "deny"), "at": .number($0.at)] }),
        ]
    }
}
