import KaiJSON
import KaiRegistry

/// Decides whether a tool call runs, asks or is refused: the operator's
/// `approvals:` policy first, then the tool's MCP annotations. Pure: no
/// I/O, no state, so the run engine asks it once per call.
///
/// 1. A policy entry for the tool (its qualified name first, then its short
///    name — only when no other loaded tool shares that short name, so a
///    rule written for a bundled tool never covers an imported MCP server's
///    tool of the same name): the first rule whose `when` matches the
///    arguments, else the entry's mode and approvers.
/// 2. Otherwise ask when the tool has no annotations, is destructive
///    (destructiveHint not false while readOnlyHint is not true) or
///    open-world (openWorldHint not false) — MCP's defaults for a hint left
///    out are destructive and open-world — and allow it otherwise.
public struct ApprovalPolicy: Sendable, Equatable {
    public let config: ApprovalsConfig
    /// Short names more than one loaded tool has: rules under them apply
    /// to none of those tools (AmbiguousApprovalWarning says so at load).
    public let ambiguousShortNames: Set<String>

    public init(_ config: ApprovalsConfig, ambiguousShortNames: Set<String> = []) {
        self.config = config
        self.ambiguousShortNames = ambiguousShortNames
    }

    public func decide(
        qualifiedName: String, shortName: String, annotations: JSONValue?, arguments: JSONValue
    ) -> ApprovalDecision {
        if let (key, entry) = entry(qualifiedName: qualifiedName, shortName: shortName) {
            let place = "approvals.tools.\(key)"
            for (index, rule) in entry.rules.enumerated() where Self.matches(rule.when, arguments, allowing: rule.mode == .allow) {
                return ApprovalDecision(
                    mode: rule.mode, approvers: rule.approvers,
                    reason: "named in the approvals policy at \(place).rules[\(index)]", mcpAllowed: rule.mcpAllowed)
            }
            return ApprovalDecision(
                mode: entry.mode, approvers: entry.approvers, reason: "named in the approvals policy at \(place)", mcpAllowed: entry.mcpAllowed)
        }
        return Self.byAnnotations(annotations)
    }

    /// True when the policy refuses every call of the tool, whatever its
    /// arguments, so a run need not even offer it to the model.
    public func deniesEveryCall(qualifiedName: String, shortName: String) -> Bool {
        guard let (_, entry) = entry(qualifiedName: qualifiedName, shortName: shortName) else { return false }
        return entry.mode == .deny && entry.rules.allSatisfy { $0.mode == .deny }
    }

    /// The tool's entry and the key it is written under; qualified wins.
    private func entry(qualifiedName: String, shortName: String) -> (String, ToolApprovalRule)? {
        if let entry = config.tools[qualifiedName] { return (qualifiedName, entry) }
        if !ambiguousShortNames.contains(shortName), let entry = config.tools[shortName] { return (shortName, entry) }
        return nil
    }

    /// Every named argument is present and matches its pattern. Path-like
    /// text is matched in one spelling (PathSpelling); text that has none
    /// matches a rule that denies or asks (`allowing` false) and never one
    /// that allows, so a spelling cannot slip past a rule.
    static func matches(_ when: [String: ArgumentPattern], _ arguments: JSONValue, allowing: Bool) -> Bool {
        guard case .object(let object) = arguments else { return false }
        return when.allSatisfy { name, pattern in
            guard let value = object[name] else { return false }
            switch (pattern, value) {
            case (.glob(let glob), .string(let text)):
                switch PathSpelling.normalise(text) {
                case .path(let path): return Glob(glob).matches(path)
                case .unknown: return !allowing
                }
            case (.glob(let text), _): return value.serialized(sortedKeys: true) == text
            case (.value(let expected), _): return value == expected
            }
        }
    }

    static func byAnnotations(_ annotations: JSONValue?) -> ApprovalDecision {
        guard case .object(let hints) = annotations else {
            return ApprovalDecision(mode: .ask, reason: "has no annotations (MCP treats that as destructive and open-world)")
        }
        let readOnly = hints["readOnlyHint"]?.boolValue
        let destructive = hints["destructiveHint"]?.boolValue
        let openWorld = hints["openWorldHint"]?.boolValue
        var reasons: [String] = []
        if readOnly != true && destructive != false {
            reasons.append(destructive == true ? "annotated destructive" : "not annotated read-only or non-destructive (MCP's default is destructive)")
        }
        if openWorld != false {
            reasons.append(openWorld == true ? "annotated open-world" : "not annotated closed-world (MCP's default is open-world)")
        }
        if reasons == ["annotated destructive", "annotated open-world"] { reasons = ["annotated destructive and open-world"] }
        guard reasons.isEmpty else { return ApprovalDecision(mode: .ask, reason: reasons.joined(separator: "; ")) }
        return ApprovalDecision(
            mode: .allow, reason: readOnly == true ? "annotated read-only and closed-world" : "annotated non-destructive and closed-world")
    }
}
