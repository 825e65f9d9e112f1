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
    /// The policy's `mcp: allow`: an MCP client may make this call though
    /// it asks (one approver). See `allowsMCPClient`.
    public let mcpAllowed: Bool

    public init(mode: ApprovalMode, approvers: Int = 1, reason: String, mcpAllowed: Bool = false) {
        self.mode = mode
        self.approvers = mode == .ask ? max(approvers, 1) : 1
        self.reason = reason
        self.mcpAllowed = mcpAllowed
    }

    /// Whether the call runs for an MCP client, which cannot answer a
    /// prompt: allowed calls do; asked calls only with `mcp: allow` and one
    /// approver; denied calls and calls needing other users' votes never.
    public var allowsMCPClient: Bool {
        switch mode {
        case .allow: true
        case .ask: mcpAllowed && approvers == 1
        case .deny: false
        }
    }
}
