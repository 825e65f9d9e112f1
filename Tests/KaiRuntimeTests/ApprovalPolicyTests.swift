import KaiJSON
import KaiRegistry
@testable import KaiRuntime
import Testing

/// Which tool calls run, ask or are refused: the operator's policy first
/// (qualified name, then short name; first matching rule), then the tool's
/// MCP annotations.
struct ApprovalPolicyTests {
    static let noPolicy = ApprovalPolicy(ApprovalsConfig())

    static func decide(
        _ policy: ApprovalPolicy = noPolicy, annotations: JSONValue?, arguments: JSONValue = [:]
    ) -> ApprovalDecision {
        policy.decide(qualifiedName: "dev.kai.files.write_file", shortName: "write_file", annotations: annotations, arguments: arguments)
    }

    // MARK: Annotations (no policy entry)

    static let annotationCases: [(annotations: JSONValue?, mode: ApprovalMode, reason: String)] = [
        (nil, .ask, "has no annotations (MCP treats that as destructive and open-world)"),
        ("read-only", .ask, "has no annotations (MCP treats that as destructive and open-world)"),
        ([:], .ask, "not annotated read-only or non-destructive (MCP's default is destructive); not annotated closed-world (MCP's default is open-world)"),
        (["readOnlyHint": true, "openWorldHint": false], .allow, "annotated read-only and closed-world"),
        // readOnlyHint true makes destructiveHint meaningless.
        (["readOnlyHint": true, "destructiveHint": true, "openWorldHint": false], .allow, "annotated read-only and closed-world"),
        (["readOnlyHint": false, "destructiveHint": false, "openWorldHint": false], .allow, "annotated non-destructive and closed-world"),
        (["destructiveHint": true, "openWorldHint": false], .ask, "annotated destructive"),
        (["readOnlyHint": false, "openWorldHint": false], .ask, "not annotated read-only or non-destructive (MCP's default is destructive)"),
        (["readOnlyHint": true, "openWorldHint": true], .ask, "annotated open-world"),
        (["readOnlyHint": true], .ask, "not annotated closed-world (MCP's default is open-world)"),
        (["destructiveHint": true, "openWorldHint": true], .ask, "annotated destructive and open-world"),
        // A hint that is not a boolean is no hint: MCP's default applies.
        (["readOnlyHint": "true", "openWorldHint": false], .ask, "not annotated read-only or non-destructive (MCP's default is destructive)"),
    ]

    @Test(arguments: annotationCases)
    func decide_withoutAPolicyEntry_followsTheAnnotations(annotations: JSONValue?, mode: ApprovalMode, reason: String) {
        #expect(Self.decide(annotations: annotations) == ApprovalDecision(mode: mode, approvers: 1, reason: reason))
    }

    // MARK: Policy entries

    static let readOnly: JSONValue = ["readOnlyHint": true, "openWorldHint": false]

    @Test func decide_aPolicyEntry_winsOverReadOnlyAnnotations() {
        let policy = ApprovalPolicy(ApprovalsConfig(tools: ["write_file": ToolApprovalRule(mode: .deny)]))
        #expect(Self.decide(policy, annotations: Self.readOnly)
            == ApprovalDecision(mode: .deny, reason: "named in the approvals policy at approvals.tools.write_file"))
    }

    @Test func decide_aPolicyEntry_canAllowAToolWithoutAnnotations() {
        let policy = ApprovalPolicy(ApprovalsConfig(tools: ["write_file": ToolApprovalRule(mode: .allow)]))
        #expect(Self.decide(policy, annotations: nil).mode == .allow)
    }

    @Test func decide_theQualifiedEntry_winsOverTheShortOne() {
        let policy = ApprovalPolicy(ApprovalsConfig(tools: [
            "write_file": ToolApprovalRule(mode: .deny),
            "dev.kai.files.write_file": ToolApprovalRule(mode: .ask, approvers: 2),
        ]))
        #expect(Self.decide(policy, annotations: nil)
            == ApprovalDecision(mode: .ask, approvers: 2, reason: "named in the approvals policy at approvals.tools.dev.kai.files.write_file"))
        // Another plugin's write_file has only the short entry.
        #expect(policy.decide(qualifiedName: "dev.other.write_file", shortName: "write_file", annotations: nil, arguments: [:])
            == ApprovalDecision(mode: .deny, reason: "named in the approvals policy at approvals.tools.write_file"))
    }

    @Test func decide_anEntryForAnotherTool_leavesThisOneToItsAnnotations() {
        let policy = ApprovalPolicy(ApprovalsConfig(tools: ["read_file": ToolApprovalRule(mode: .deny)]))
        #expect(Self.decide(policy, annotations: Self.readOnly).mode == .allow)
    }

    // MARK: Rules

    static let rules = ApprovalPolicy(ApprovalsConfig(tools: ["write_file": ToolApprovalRule(
        mode: .ask, approvers: 2,
        rules: [
            .init(when: ["path": .glob("/tmp/**")], mode: .allow),
            .init(when: ["path": .glob("/etc/**")], mode: .deny),
            .init(when: ["path": .glob("/**"), "force": .value(true)], mode: .deny),
            .init(when: ["mode": .glob("0644")], mode: .allow),
            .init(when: ["count": .value(3)], mode: .allow),
            .init(when: ["path": .glob("/**")], mode: .ask, approvers: 1),
        ])]))

    static let ruleCases: [(arguments: JSONValue, mode: ApprovalMode, approvers: Int, reason: String)] = [
        (["path": "/tmp/a/b.txt"], .allow, 1, "named in the approvals policy at approvals.tools.write_file.rules[0]"),
        // First match wins: /etc/x also matches rules[5].
        (["path": "/etc/x"], .deny, 1, "named in the approvals policy at approvals.tools.write_file.rules[1]"),
        // Every key of a rule must match.
        (["path": "/home/a", "force": true], .deny, 1, "named in the approvals policy at approvals.tools.write_file.rules[2]"),
        (["path": "/home/a", "force": false], .ask, 1, "named in the approvals policy at approvals.tools.write_file.rules[5]"),
        // A non-string argument matches text whose canonical JSON it is...
        (["mode": 644], .ask, 2, "named in the approvals policy at approvals.tools.write_file"),
        (["mode": "0644"], .allow, 1, "named in the approvals policy at approvals.tools.write_file.rules[3]"),
        // ...and a value pattern by JSON equality (3 == 3.0), never a string "3".
        (["count": 3], .allow, 1, "named in the approvals policy at approvals.tools.write_file.rules[4]"),
        (["count": 3.0], .allow, 1, "named in the approvals policy at approvals.tools.write_file.rules[4]"),
        (["count": "3"], .ask, 2, "named in the approvals policy at approvals.tools.write_file"),
        // A rule naming an argument the call lacks does not match.
        (["content": "x"], .ask, 2, "named in the approvals policy at approvals.tools.write_file"),
        // Paths are matched in one spelling: escaping /tmp with .. is /etc.
        (["path": "/tmp/../etc/passwd"], .deny, 1, "named in the approvals policy at approvals.tools.write_file.rules[1]"),
        // Arguments that are not an object match no rule.
        (["/tmp/a"], .ask, 2, "named in the approvals policy at approvals.tools.write_file"),
    ]

    @Test(arguments: ruleCases)
    func decide_theFirstMatchingRule_decides_elseTheEntry(arguments: JSONValue, mode: ApprovalMode, approvers: Int, reason: String) {
        #expect(Self.decide(Self.rules, annotations: nil, arguments: arguments)
            == ApprovalDecision(mode: mode, approvers: approvers, reason: reason))
    }

    // MARK: Path spellings

    static let denyEtc = ApprovalPolicy(ApprovalsConfig(tools: ["write_file": ToolApprovalRule(
        mode: .allow, rules: [.init(when: ["path": .glob("/etc/**")], mode: .deny)])]))

    /// Another spelling of a path under /etc is still under /etc; one that
    /// climbs above the root has no spelling and a deny rule takes it.
    @Test(arguments: ["/etc/../etc/passwd", "//etc/passwd", "/./etc/passwd", "/etc//passwd", "/tmp/../etc/passwd", "/../etc/passwd", "../../etc/passwd"])
    func decide_aDenyRule_matchesEverySpellingOfThePath(path: String) {
        #expect(Self.decide(Self.denyEtc, annotations: nil, arguments: ["path": .string(path)])
            == ApprovalDecision(mode: .deny, reason: "named in the approvals policy at approvals.tools.write_file.rules[0]"))
    }

    @Test func decide_aDenyRule_letsAPathOutsideItsGlobThrough() {
        #expect(Self.decide(Self.denyEtc, annotations: nil, arguments: ["path": "/etc/../home/a"]).mode == .allow)
    }

    static let allowTmp = ApprovalPolicy(ApprovalsConfig(tools: ["write_file": ToolApprovalRule(
        mode: .ask, rules: [.init(when: ["path": .glob("/tmp/**")], mode: .allow)])]))

    @Test(arguments: ["//tmp/a", "/./tmp/a", "/tmp/x/../a", "/tmp//a"])
    func decide_anAllowRule_matchesOtherSpellingsInsideItsGlob(path: String) {
        #expect(Self.decide(Self.allowTmp, annotations: nil, arguments: ["path": .string(path)])
            == ApprovalDecision(mode: .allow, reason: "named in the approvals policy at approvals.tools.write_file.rules[0]"))
    }

    /// Leaving /tmp by any spelling, or a path with no spelling, never
    /// matches an allow rule: the entry (ask) decides.
    @Test(arguments: ["/tmp/../etc/passwd", "//tmp/../../etc", "/../tmp/a", "../tmp/a", "/tmp/./../etc"])
    func decide_anAllowRule_neverMatchesAPathLeavingItsGlob(path: String) {
        #expect(Self.decide(Self.allowTmp, annotations: nil, arguments: ["path": .string(path)])
            == ApprovalDecision(mode: .ask, reason: "named in the approvals policy at approvals.tools.write_file"))
    }

    @Test func pathSpelling_isLexical_andLeavesURLsAndPlainTextAlone() {
        #expect(PathSpelling.normalise("/a//b/./c/../d/") == .path("/a/b/d/"))
        #expect(PathSpelling.normalise("./src/../lib/x") == .path("./lib/x"))
        #expect(PathSpelling.normalise("/..") == .unknown)
        #expect(PathSpelling.normalise("a/../../b") == .unknown)
        #expect(PathSpelling.normalise("https://example.com//a/../b") == .path("https://example.com//a/../b"))
        #expect(PathSpelling.normalise("0644") == .path("0644"))
    }

    @Test func decision_onlyAskCarriesMoreThanOneApprover() {
        #expect(ApprovalDecision(mode: .allow, approvers: 3, reason: "r").approvers == 1)
        #expect(ApprovalDecision(mode: .deny, approvers: 3, reason: "r").approvers == 1)
        #expect(ApprovalDecision(mode: .ask, approvers: 3, reason: "r").approvers == 3)
    }

    @Test func deniesEveryCall_onlyWhenTheEntryAndEveryRuleDeny() {
        let policy = ApprovalPolicy(ApprovalsConfig(tools: [
            "rm": ToolApprovalRule(mode: .deny),
            "write_file": ToolApprovalRule(mode: .deny, rules: [.init(when: ["path": .glob("/tmp/**")], mode: .allow)]),
        ]))
        #expect(policy.deniesEveryCall(qualifiedName: "dev.x.rm", shortName: "rm"))
        #expect(!policy.deniesEveryCall(qualifiedName: "dev.x.write_file", shortName: "write_file"))
        #expect(!policy.deniesEveryCall(qualifiedName: "dev.x.other", shortName: "other"))
    }

    // MARK: Ambiguous short names

    @Test func aShortNameRule_doesNotCoverAToolWhoseShortNameAnotherToolShares() {
        let config = ApprovalsConfig(tools: ["write_file": ToolApprovalRule(mode: .allow)])
        let ambiguous = ApprovalPolicy(config, ambiguousShortNames: ["write_file"])
        #expect(Self.decide(ambiguous, annotations: nil)
            == ApprovalDecision(mode: .ask, approvers: 1, reason: "has no annotations (MCP treats that as destructive and open-world)"))
        #expect(Self.decide(ApprovalPolicy(config), annotations: nil).mode == .allow, "unique: the short rule applies")
        let qualified = ApprovalPolicy(ApprovalsConfig(tools: ["dev.kai.files.write_file": ToolApprovalRule(mode: .allow)]),
                                       ambiguousShortNames: ["write_file"])
        #expect(Self.decide(qualified, annotations: nil).mode == .allow, "a qualified rule still applies")
    }
}
