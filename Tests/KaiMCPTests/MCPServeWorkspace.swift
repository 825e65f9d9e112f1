import Foundation
import KaiJSON
import KaiTestSupport

/// A config, registry and fixture plugin for driving the real `kai mcp
/// serve`: the fixture in a worker (what a long-running host picks for a
/// plugin not bundled with Kai), and an approvals policy that lets MCP
/// clients call the tools the tests use, but not `pid` (unannotated).
struct MCPServeWorkspace {
    static let token = "kai-mcp-test-token-0123456789"
    static let tokenVariable = "KAI_MCP_TEST_TOKEN"

    let directory: String
    let config: String

    /// `extraPlugins`: fixture builds under other ids (e.g. "test.two"),
    /// whose tools then go by qualified names.
    init(_ name: String, approvals: String = Self.defaultApprovals, extraPlugins: [String] = []) throws {
        directory = Fixtures.scratch + "/mcp-serve-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fixture = try Fixtures.fixture()
        let extra = try extraPlugins.map { "  - path: \(try Fixtures.fixture(id: $0))\n" }.joined()
        config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(fixture)
            \(extra)
            approvals:
              tools:
            \(approvals)
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    static let defaultApprovals = """
            test.fixture.add: { mcp: allow }
            fail: { mcp: allow }
            progress: { mcp: allow }
            sleep_ms: { mcp: allow }
            crash_segv: { mcp: allow }
        """

    /// `kai mcp serve` with this workspace (and `extra` arguments).
    func serveArguments(_ extra: [String] = []) -> [String] {
        [KaiProcess.executable, "mcp", "serve", "--config", config, "--no-bundled-plugins", "--log-level", "info"] + extra
    }

    var environment: [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": KaiProcess.home, Self.tokenVariable: Self.token]
    }

    /// Runs Tests/Fixtures/mcp_client_driver.py (the official SDK's default
    /// Client) against `kai mcp serve`; returns its report.
    func drive(_ transport: String, driverArguments: [String] = [], serveArguments extra: [String] = []) throws -> JSONValue {
        let driver = Fixtures.repositoryRoot + "/Tests/Fixtures/mcp_client_driver.py"
        let outcome = try Subprocess.run(
            MCPPeers.python, [driver, "--transport", transport] + driverArguments + ["--"] + serveArguments(extra),
            environment: environment)
        guard outcome.status == 0, let line = outcome.stdout.split(separator: "\n").last else {
            throw FixtureError(message: "the MCP client driver exited \(outcome.status):\n\(outcome.stderr)\n\(outcome.stdout)")
        }
        return try JSONParser.parse(String(line))
    }

    /// The registry's call log, newest first (`kai logs --json`).
    func callLog() throws -> [JSONValue] {
        let outcome = try KaiProcess.run(["logs", "--json", "--config", config], environment: ["HOME": KaiProcess.home])
        guard outcome.status == 0 else { throw FixtureError(message: "kai logs failed: \(outcome.stderr)") }
        return try JSONParser.parse(outcome.stdout).arrayValue ?? []
    }

    /// Runs `kai mcp serve` over stdio with `lines` on its stdin (then EOF);
    /// returns its stdout lines parsed, and the outcome.
    func exchange(_ lines: [String], extra: [String] = []) throws -> (replies: [JSONValue], outcome: KaiProcess.Outcome) {
        let outcome = try KaiProcess.run(Array(serveArguments(extra).dropFirst()), stdin: lines.map { $0 + "\n" }.joined())
        let replies = try outcome.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        return (replies, outcome)
    }
}

extension JSONValue {
    /// An array's element, for reading replies (`result["content"]?[0]`).
    subscript(index: Int) -> JSONValue? {
        arrayValue.flatMap { index < $0.count ? $0[index] : nil }
    }
}
