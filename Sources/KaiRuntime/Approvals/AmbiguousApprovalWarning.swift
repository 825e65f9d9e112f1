import KaiCore
import KaiRegistry

extension ApprovalPolicy {
    /// The policy for the loaded tools: short-name rules skip the short
    /// names that more than one tool has.
    public init(_ config: ApprovalsConfig, tools: CapabilityIndex) {
        self.init(config, ambiguousShortNames: Set(tools.duplicates.map(\.name)))
    }
}

/// Warns at load about `approvals.tools.<short name>` rules that apply to
/// nothing because several loaded tools (e.g. a bundled plugin's and an
/// imported MCP server's) share the short name.
enum AmbiguousApprovalWarning {
    static func report(_ config: ApprovalsConfig, tools: CapabilityIndex, to diagnostics: any RuntimeDiagnostics) {
        for (name, plugins) in tools.duplicates where config.tools[name] != nil {
            let qualified = plugins.sorted().map { "approvals.tools.\($0).\(name)" }.joined(separator: ", ")
            diagnostics.warning(TerminalText.visible(
                "approvals.tools.\(name) is ignored: more than one loaded tool is named \(name); write the rule for each under its qualified name (\(qualified))"))
        }
    }
}
