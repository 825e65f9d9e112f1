import Foundation
import KaiTestSupport
import Testing

/// A short-name approval rule (`approvals.tools.calculate`) covers a tool
/// only while no other loaded tool shares the short name: an imported MCP
/// server's `calculate` is not allowed by a rule written for the bundled
/// utils one.
@Suite(.enabled(if: MCPPeers.missing == nil, "\(MCPPeers.missing ?? "")"))
struct MCPImportApprovalCLITests {
    static let extra = """
        mcp_servers:
          - id: aaa
            command: \(MCPPeers.python)
            args: [\(Fixtures.repositoryRoot)/Tests/Fixtures/mcp/raw_server.py, calculate]
        approvals:
          tools:
            calculate:
              mode: allow
        """

    @Test func kaiRun_anImportedToolSharingAShortName_isNotCoveredByTheShortRule_andNeedsApproval() throws {
        let workspace = try RunWorkspace("mcp-approve-ambiguous", extra: Self.extra)
        let outcome = try workspace.run(#"call:calculate:{"expression":"1+1"}"#, "Calculate.", ["--tool", "aaa.calculate"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("warning: approvals.tools.calculate is ignored: more than one loaded tool is named calculate; "
            + "write the rule for each under its qualified name (approvals.tools.aaa.calculate, approvals.tools.dev.kai.utils.calculate)\n"),
            "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\n✗ calculate denied: tool 'calculate' needs approval (has no annotations (MCP treats that as "
            + "destructive and open-world)) and there is no terminal to ask; rerun with --approve calculate (or --yes) to allow it\n"),
            "\(outcome.stderr)")
    }
}
