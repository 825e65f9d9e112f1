import KaiJSON

/// What a tool call may do without asking: allowed, asked (of the user at
/// the terminal, or of other users), or denied.
public enum ApprovalMode: String, Sendable, Equatable, CaseIterable {
    case allow
    case ask
    case deny
}

/// The operator config's `approvals:` section: per-tool modes and approver
/// counts, refined per argument by rules. Tools it does not name fall back
/// to their MCP annotations (KaiRuntime's ApprovalPolicy decides).
public struct ApprovalsConfig: Sendable, Equatable {
    /// By tool name as the operator wrote it: qualified (`dev.kai.files.write_file`)
    /// or short (`write_file`); a qualified entry wins over a short one.
    public var tools: [String: ToolApprovalRule]

    public init(tools: [String: ToolApprovalRule] = [:]) {
        self.tools = tools
    }
}

/// One tool's entry under `approvals.tools`.
public struct ToolApprovalRule: Sendable, Equatable {
    /// Used when no rule matches; ask when the config leaves it out.
    public var mode: ApprovalMode
    /// 1: the user at the terminal decides. 2 or more: that many users other
    /// than the run's starter approve it (`kai approvals`); --yes never does.
    public var approvers: Int
    /// Tried in order; the first whose `when` matches decides.
    public var rules: [ArgumentRule]
    /// Where the entry starts in the config file.
    public var position: SourcePosition?
    /// `mcp: allow`: a call this entry would ask one user about runs when
    /// an MCP client (`kai mcp serve`) makes it; MCP clients cannot
    /// answer a prompt, so without it such calls are refused. Rules inherit it.
    public var mcpAllowed: Bool

    public init(
        mode: ApprovalMode = .ask, approvers: Int = 1, rules: [ArgumentRule] = [], position: SourcePosition? = nil,
        mcpAllowed: Bool = false
    ) {
        self.mode = mode
        self.approvers = approvers
        self.rules = rules
        self.position = position
        self.mcpAllowed = mcpAllowed
    }

    /// A rule under `rules:`: when every named argument matches, its mode
    /// and approvers apply (each defaults to the tool entry's).
    public struct ArgumentRule: Sendable, Equatable {
        /// Argument name to pattern; every one must match.
        public var when: [String: ArgumentPattern]
        public var mode: ApprovalMode
        public var approvers: Int
        /// The rule's `mcp: allow` (else the entry's); see ToolApprovalRule.mcpAllowed.
        public var mcpAllowed: Bool

        public init(when: [String: ArgumentPattern], mode: ApprovalMode, approvers: Int = 1, mcpAllowed: Bool = false) {
            self.when = when
            self.mode = mode
            self.approvers = approvers
            self.mcpAllowed = mcpAllowed
        }
    }
}

/// What one argument must be for a rule to match.
public enum ArgumentPattern: Sendable, Equatable {
    /// A YAML string: a glob (`*` within a `/` segment, `**` across, `?` one
    /// character) for a string argument; for any other argument, its
    /// canonical JSON text must equal this text.
    case glob(String)
    /// A YAML number, boolean, null, list or mapping: the argument must equal
    /// it as canonical JSON (a string argument never matches a number).
    case value(JSONValue)
}
