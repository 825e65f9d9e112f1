import KaiRegistry

/// What the approval policy decided for one tool call.
public struct ApprovalDecision: Sendable, Equatable {
    public let mode: ApprovalMode
    /// 1: the user at the terminal (or --approve / --yes) decides; 2 or
    /// more: that many users other than the run's starter, with `kai approvals`.
    /// Always 1 unless `mode` is ask.
    public let approvers: Int
    /// Why, for messages: "annotated destructive", "named in the approvals
    /// policy at approvals.tools.write_file"...
    public let reason: String

    public init(mode: ApprovalMode, approvers: Int = 1, reason: String) {
        self.mode = mode
        self.approvers = mode == .ask ? max(approvers, 1) : 1
        self.reason = reason
    }
}
