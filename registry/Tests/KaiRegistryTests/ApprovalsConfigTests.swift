import KaiJSON
@testable import KaiRegistry
import Testing

/// The config's `approvals:` section: per-tool modes, approver counts and
/// argument rules, and every mistake reported at its key with the fix.
struct ApprovalsConfigTests {
    @Test func load_withoutAnApprovalsSection_namesNoTool() throws {
        #expect(try loadConfig("plugins: []\n").approvals == ApprovalsConfig())
    }

    @Test func load_readsModesApproversAndRulesInOrder() throws {
        let config = try loadConfig("""
            approvals:
              tools:
                write_file:
                  mode: ask
                  approvers: 2
                  rules:
                    - when: { path: "/tmp/**" }
                      mode: allow
                    - when: { path: "/etc/*", force: true, count: 3 }
                      mode: deny
                    - when: { path: "/home/**" }
                dev.kai.files.delete: deny
                fetch:
                  mode: allow

            """)
        let write = try #require(config.approvals.tools["write_file"])
        #expect(write.mode == .ask)
        #expect(write.approvers == 2)
        #expect(write.rules == [
            .init(when: ["path": .glob("/tmp/**")], mode: .allow, approvers: 1),
            .init(when: ["path": .glob("/etc/*"), "force": .value(true), "count": .value(3)], mode: .deny, approvers: 1),
            // Mode and approvers left out: the entry's.
            .init(when: ["path": .glob("/home/**")], mode: .ask, approvers: 2),
        ])
        #expect(config.approvals.tools["dev.kai.files.delete"]?.mode == .deny)
        #expect(config.approvals.tools["dev.kai.files.delete"]?.rules == [])
        #expect(config.approvals.tools["fetch"]?.mode == .allow)
        #expect(config.approvals.tools["fetch"]?.approvers == 1)
    }

    @Test func load_anEntryWithoutMode_asks_withOneApprover() throws {
        let config = try loadConfig("approvals:\n  tools:\n    write_file: {}\n")
        #expect(config.approvals.tools["write_file"] == ToolApprovalRule(mode: .ask, approvers: 1, rules: [], position: config.approvals.tools["write_file"]?.position))
    }

    @Test func load_aToolNamedWithNothing_asks() throws {
        let config = try loadConfig("approvals:\n  tools:\n    fetch:\n    write_file: ~\n")
        #expect(config.approvals.tools["fetch"]?.mode == .ask)
        #expect(config.approvals.tools["write_file"]?.mode == .ask)
        #expect(config.approvals.tools["write_file"]?.approvers == 1)
    }

    @Test func load_aRuleThatAllows_dropsTheEntrysApprovers() throws {
        let config = try loadConfig("approvals:\n  tools:\n    w:\n      approvers: 3\n      rules:\n        - when: { a: x }\n          mode: allow\n")
        #expect(config.approvals.tools["w"]?.rules.first?.approvers == 1)
        #expect(config.approvals.tools["w"]?.approvers == 3)
    }

    /// The commented example in the config written on first use loads as
    /// it reads once uncommented.
    @Test func defaultConfig_commentedExample_loadsWhenUncommented() throws {
        let lines = DefaultConfig.text(bundledDirectory: nil).split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "# approvals:"))
        let block = lines[start...].prefix { $0.hasPrefix("# ") || $0 == "#" }.map { $0.dropFirst(2) }
        let config = try loadConfig(block.joined(separator: "\n") + "\n")
        #expect(config.approvals.tools["write_file"]?.mode == .ask)
        #expect(config.approvals.tools["write_file"]?.rules == [.init(when: ["path": .glob("/tmp/**")], mode: .allow)])
    }

    static let mistakes: [(yaml: String, message: String)] = [
        ("approvals: [a]\n",
         #"kai.yaml:1:12: approvals must be a mapping with the key tools, got a list."#),
        ("approvals:\n  tool: {}\n",
         #"kai.yaml:2:3: unknown key "tool" in approvals. Did you mean "tools"? Allowed keys: tools."#),
        ("approvals:\n  tools: [write_file]\n",
         #"kai.yaml:2:10: approvals.tools must be a mapping from tool name to its entry (write_file: { mode: ask }), got a list."#),
        ("approvals:\n  tools:\n    write_file:\n      mode: maybe\n",
         #"kai.yaml:4:13: approvals.tools.write_file.mode: 'maybe' is not one of allow, ask, deny"#),
        ("approvals:\n  tools:\n    write_file: sometimes\n",
         #"kai.yaml:3:17: approvals.tools.write_file.mode: 'sometimes' is not one of allow, ask, deny"#),
        ("approvals:\n  tools:\n    write_file:\n      mdoe: ask\n",
         #"kai.yaml:4:7: unknown key "mdoe" in approvals.tools.write_file. Did you mean "mode"? Allowed keys: mode, approvers, rules, mcp."#),
        ("approvals:\n  tools:\n    write_file:\n      approvers: 0\n",
         #"kai.yaml:4:18: approvals.tools.write_file.approvers: 0 is not a whole number from 1 to 10; write 1 (the user at the terminal decides) or 2 or more (that many other users approve with kai approvals)"#),
        ("approvals:\n  tools:\n    write_file:\n      approvers: 11\n",
         #"kai.yaml:4:18: approvals.tools.write_file.approvers: 11 is not a whole number from 1 to 10; write 1 (the user at the terminal decides) or 2 or more (that many other users approve with kai approvals)"#),
        ("approvals:\n  tools:\n    write_file:\n      approvers: two\n",
         #"kai.yaml:4:18: approvals.tools.write_file.approvers: "two" is not a whole number from 1 to 10; write 1 (the user at the terminal decides) or 2 or more (that many other users approve with kai approvals)"#),
        ("approvals:\n  tools:\n    write_file:\n      mode: deny\n      approvers: 2\n",
         #"kai.yaml:5:18: approvals.tools.write_file.approvers: 2 approvers apply only to mode ask (this mode is deny); set mode: ask or remove approvers"#),
        ("approvals:\n  tools:\n    write_file:\n      rules: { when: {} }\n",
         #"kai.yaml:4:14: approvals.tools.write_file.rules must be a list of rules (- when: { path: "/tmp/**" }, mode: allow), got a mapping."#),
        ("approvals:\n  tools:\n    write_file:\n      rules:\n        - mode: allow\n",
         #"kai.yaml:5:11: approvals.tools.write_file.rules[0].when must name at least one argument and its pattern (when: { path: "/tmp/**" }). A rule without a condition is the tool's own mode: set that instead."#),
        ("approvals:\n  tools:\n    write_file:\n      rules:\n        - when: {}\n          mode: allow\n",
         #"kai.yaml:5:17: approvals.tools.write_file.rules[0].when must name at least one argument and its pattern (when: { path: "/tmp/**" }). A rule without a condition is the tool's own mode: set that instead."#),
        ("approvals:\n  tools:\n    write_file:\n      rules:\n        - when: { path: /tmp }\n          mode: maybe\n",
         #"kai.yaml:6:17: approvals.tools.write_file.rules[0].mode: 'maybe' is not one of allow, ask, deny"#),
        ("approvals:\n  tools:\n    write_file:\n      rules:\n        - when: { path: /tmp }\n          mode: allow\n          approvers: 2\n",
         #"kai.yaml:7:22: approvals.tools.write_file.rules[0].approvers: 2 approvers apply only to mode ask (this mode is allow); set mode: ask or remove approvers"#),
        ("approvals:\n  tools:\n    write_file:\n      rules:\n        - when: { path: /tmp }\n          then: allow\n",
         #"kai.yaml:6:11: unknown key "then" in approvals.tools.write_file.rules[0]. Did you mean "when"? Allowed keys: when, mode, approvers, mcp."#),
    ]

    @Test(arguments: mistakes)
    func load_whenTheApprovalsSectionIsWrong_reportsTheKeyAndTheFix(yaml: String, message: String) {
        #expect(configError(yaml) == message)
    }
}
