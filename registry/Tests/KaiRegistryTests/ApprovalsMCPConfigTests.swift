import KaiJSON
@testable import KaiRegistry
import Testing

/// `approvals.tools.NAME.mcp` (issue 14): whether MCP clients of `kai mcp
/// serve`, which cannot answer a prompt, may make the calls an entry or
/// rule would ask about.
struct ApprovalsMCPConfigTests {
    @Test func load_mcpAllow_onAnEntry_isInheritedByItsRules_unlessARuleSaysOtherwise() throws {
        let config = try loadConfig("""
            approvals:
              tools:
                write_file:
                  mcp: allow
                  rules:
                    - when: { path: "/tmp/**" }
                    - when: { path: "/etc/**" }
                      mcp: refuse
                fetch: ask

            """)
        let write = try #require(config.approvals.tools["write_file"])
        #expect(write.mcpAllowed)
        #expect(write.rules.map(\.mcpAllowed) == [true, false])
        #expect(config.approvals.tools["fetch"]?.mcpAllowed == false)
    }

    @Test func load_mcpNeitherAllowNorRefuse_namesTheKeyAndTheChoices() {
        #expect(configError("approvals:\n  tools:\n    write_file:\n      mcp: yes\n")
            == "kai.yaml:4:12: approvals.tools.write_file.mcp: 'yes' is not one of allow, refuse; write allow to let MCP clients (kai mcp serve) make the calls this entry would ask about")
        #expect(configError("approvals:\n  tools:\n    w:\n      rules:\n        - when: { a: x }\n          mcp: [allow]\n")
            == "kai.yaml:6:16: approvals.tools.w.rules[0].mcp: a list is not one of allow, refuse; write allow to let MCP clients (kai mcp serve) make the calls this entry would ask about")
    }
}
