import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 14, items 1 and 4: the official Python SDK (mcp 2.3.0) with its
/// default Client settings — it probes `server/discover` first, then falls
/// back to initialize — as a client of the real `kai mcp serve`, over stdio
/// and over Streamable HTTP (Tests/Fixtures/mcp_client_driver.py).
@Suite struct MCPServePythonClientTests {
    @Test(.enabled(if: MCPPeers.missing == nil, "\(MCPPeers.missing ?? "")"))
    func officialClient_overStdio_listsCallsGetsErrorsProgressAndCancels() throws {
        let workspace = try MCPServeWorkspace("python-stdio")
        let report = try workspace.drive("stdio", driverArguments: ["--call", "pid"], serveArguments: ["--drain-timeout", "600"])
        Self.expectSession(report)
        try Self.expectCancelledCallRecorded(workspace)
    }

    @Test(.enabled(if: MCPPeers.missing == nil, "\(MCPPeers.missing ?? "")"))
    func officialClient_overStreamableHTTP_listsCallsGetsErrorsProgressAndCancels_thenSIGTERMExits0() throws {
        let workspace = try MCPServeWorkspace("python-http")
        let report = try workspace.drive(
            "http", driverArguments: ["--token", MCPServeWorkspace.token, "--call", "pid"],
            serveArguments: ["--http", "0", "--token-secret", MCPServeWorkspace.tokenVariable, "--drain-timeout", "600"])
        Self.expectSession(report)
        #expect(report["exitStatus"] == 0, "\(report["stderr"] ?? .null)")
        #expect(report["stderr"]?.stringValue?.contains(MCPServeWorkspace.token) == false, "the token never reaches a log")
        try Self.expectCancelledCallRecorded(workspace)
    }

    /// What the client saw in one session (see the driver's steps).
    static func expectSession(_ report: JSONValue) {
        #expect(report["protocolVersion"] == "2025-11-25")
        #expect(report["serverName"] == "kai")
        let tools = report["tools"]?.arrayValue ?? []
        let add = tools.first { $0["name"] == "add" }
        #expect(add?["description"] == "Fixture tool add.")
        #expect(add?["inputSchema"]?["required"] == ["a", "b"])
        #expect(add?["outputSchema"] == ["type": "object", "properties": ["sum": ["type": "number"]], "required": ["sum"]])
        #expect(add?["annotations"] == ["readOnlyHint": true, "idempotentHint": true])
        #expect(tools.contains { $0["name"] == "sleep_ms" } && tools.allSatisfy { $0["name"]?.stringValue?.hasPrefix("test.") == false },
                "short names: no tool name is defined twice")

        #expect(report["add"]?["content"] == [["type": "text", "text": #"{"sum":5}"#]])
        #expect(report["add"]?["structuredContent"] == ["sum": 5])
        #expect(report["add"]?["isError"] == false)

        #expect(report["fail"]?["isError"] == true)
        #expect(report["fail"]?["content"]?[0]?["text"]
            == #"tool "test.fixture.fail" failed (INTERNAL): fixture failure (hint: this tool always fails)"#)
        #expect(report["fail"]?["structuredContent"] == nil)

        #expect(report["progress"]?["content"] == [["type": "text", "text": #"{"steps":3}"#]])
        #expect(report["progressEvents"] == [
            ["progress": 1, "total": 3, "message": "step 1"], ["progress": 2, "total": 3, "message": "step 2"],
            ["progress": 3, "total": 3, "message": "step 3"],
        ])

        #expect(report["badArguments"]?["isError"] == true)
        #expect(report["badArguments"]?["content"]?[0]?["text"] == .string(
            "arguments for \"test.fixture.add\" do not match its input schema:\n  $.a: expected number, got string (type)\n"
                + "Run 'kai tools describe test.fixture.add' to see the schema."))
        #expect(report["unknownTool"] == ["code": -32602, "message": "Unknown tool: no_such_tool"])

        #expect(report["crash"]?["isError"] == true)
        #expect(report["crash"]?["content"]?[0]?["text"] == .string(
            "tool \"test.fixture.crash_segv\" failed: its worker process was killed by SIGSEGV (segmentation fault) during the call. "
                + "The host is unaffected; the next call starts a fresh worker."))
        #expect(report["afterCrash"]?["structuredContent"] == ["sum": 2], "the server keeps serving after a plugin crash")

        #expect(report["calls"]?["pid"]?["isError"] == true)
        #expect(report["calls"]?["pid"]?["content"]?[0]?["text"] == .string(
            "tool \"test.fixture.pid\" was refused: it needs approval (has no annotations (MCP treats that as destructive and "
                + "open-world)), and an MCP client cannot give it. To let MCP clients call it, set in the operator config: "
                + "approvals: { tools: { test.fixture.pid: { mcp: allow } } }"))
        #expect(report["cancelled"] == true)
        #expect(report["serverCancelled"] == true, "the server cancelled the call (the call log says so while kai runs)")
    }

    /// The cancelled sleep_ms is in the registry's call log as cancelled,
    /// like every other call the server made.
    static func expectCancelledCallRecorded(_ workspace: MCPServeWorkspace) throws {
        let log = try workspace.callLog()
        let sleeps = log.filter { $0["tool"] == "test.fixture.sleep_ms" }
        #expect(sleeps.map { $0["result"] } == ["CANCELLED"], "\(log)")
        #expect(log.filter { $0["tool"] == "test.fixture.add" && $0["result"] == "OK" }.count == 2, "\(log)")
        #expect(log.contains { $0["tool"] == "test.fixture.fail" && $0["result"] == "INTERNAL" })
        #expect(log.filter { $0["tool"] == "test.fixture.pid" }.map { $0["result"] } == ["PERMISSION_DENIED"], "\(log)")
    }
}
