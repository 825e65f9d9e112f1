import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai mcp serve` over stdio under pressure: nested calls face the MCP
/// approval policy, the cap on calls in flight, new calls refused while
/// draining, an id reused while its call runs, and a line too long.
@Suite struct MCPServeStdioHardeningTests {
    static let initialize = MCPServeProtocolTests.initialize

    static func call(_ id: JSONValue, _ name: String, _ arguments: String) -> String {
        #"{"jsonrpc":"2.0","id":\#(id.serialized()),"method":"tools/call","params":{"name":"\#(name)","arguments":\#(arguments)}}"#
    }

    static func cancel(_ id: Int) -> String {
        #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":\#(id)}}"#
    }

    static func text(_ reply: JSONValue?) -> String? { reply?["result"]?["content"]?[0]?["text"]?.stringValue }

    /// A tool MCP clients may call (call_tool) cannot reach, through
    /// kai_host.call_tool, a tool that needs approval (pid) or that the
    /// policy denies (fail); it can reach one MCP clients may call (add).
    /// Every refusal is in the call log as PERMISSION_DENIED.
    @Test func nestedCalls_faceTheSameMCPPolicy_andRefusalsAreInTheCallLog() throws {
        let workspace = try MCPServeWorkspace("nested", approvals: """
                test.two.call_tool: { mcp: allow }
                test.fixture.fail: { mode: deny, mcp: allow }
                test.fixture.add: { mcp: allow }
            """, extraPlugins: ["test.two"])
        let (replies, outcome) = try workspace.exchange([
            Self.initialize,
            Self.call(2, "test.two.call_tool", #"{"name":"test.fixture.pid","args":{}}"#),
            Self.call(3, "test.two.call_tool", #"{"name":"test.fixture.fail","args":{}}"#),
            Self.call(4, "test.two.call_tool", #"{"name":"test.fixture.add","args":{"a":1,"b":2}}"#),
            Self.call(5, "test.fixture.pid", "{}"),
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let byID = { (id: Int) in replies.first { $0["id"]?.intValue == Int64(id) } }
        let pidRefusal = #"tool "test.fixture.pid" was refused: it needs approval (has no annotations (MCP treats that as destructive "#
            + #"and open-world)), and an MCP client cannot give it. To let MCP clients call it, set in the operator config: "#
            + "approvals: { tools: { test.fixture.pid: { mcp: allow } } }"
        // The fixture's call_tool fails with the nested call's code and message; its SDK adds the details.
        let details = " (approval: denied, code: PERMISSION_DENIED)"
        #expect(byID(2)?["result"]?["isError"] == true)
        #expect(Self.text(byID(2)) == #"tool "test.two.call_tool" failed (PERMISSION_DENIED): "# + pidRefusal + details, "\(outcome.stdout)")
        #expect(Self.text(byID(3)) == #"tool "test.two.call_tool" failed (PERMISSION_DENIED): tool "test.fixture.fail" was refused: "#
            + "the operator's approvals policy denies it (named in the approvals policy at approvals.tools.test.fixture.fail)." + details)
        #expect(Self.text(byID(4)) == #"{"sum":3}"#, "\(outcome.stdout)")
        #expect(Self.text(byID(5)) == pidRefusal)
        let log = try workspace.callLog()
        #expect(log.filter { $0["tool"] == "test.fixture.pid" }.map { $0["result"] } == ["PERMISSION_DENIED", "PERMISSION_DENIED"], "\(log)")
        #expect(log.filter { $0["tool"] == "test.fixture.fail" }.map { $0["result"] } == ["PERMISSION_DENIED"], "\(log)")
        #expect(log.filter { $0["tool"] == "test.fixture.add" }.map { $0["result"] } == ["OK"], "\(log)")
    }

    /// --max-calls 1: while one call runs, the next gets -32000.
    @Test func callsPastMaxCalls_getTooManyCallsInFlight() throws {
        let workspace = try MCPServeWorkspace("max-calls")
        let server = try ServeProcess(workspace, ["--max-calls", "1"])
        server.send(Self.initialize)
        server.send(Self.call(2, "sleep_ms", #"{"ms":600000}"#))
        try #require(server.waitForStderr("sleep_ms started"), "\(server.stderr)")
        server.send(Self.call(3, "add", #"{"a":1,"b":2}"#))
        #expect(server.reply(id: 3)?["error"] == ["code": -32000, "message":
            "Too many calls in flight (limit 1): retry when one has finished, or raise kai mcp serve --max-calls"])
        server.send(Self.cancel(2))
        server.closeInput()
        let (status, replies, stderr) = server.finish()
        #expect(status == 0, "\(stderr)")
        #expect(!replies.contains { $0["id"] == 2 }, "a call the client cancelled gets no response")
    }

    /// SIGTERM with a call in flight and a long --drain-timeout: a new call
    /// is refused while the server drains; the client's cancel ends the
    /// drain, and the server exits 0 (it cancelled nothing itself).
    @Test func duringTheDrain_newCallsAreRefused() throws {
        let workspace = try MCPServeWorkspace("drain-refuses")
        let server = try ServeProcess(workspace, ["--drain-timeout", "600"])
        server.send(Self.initialize)
        server.send(Self.call(2, "sleep_ms", #"{"ms":600000}"#))
        try #require(server.waitForStderr("sleep_ms started"), "\(server.stderr)")
        kill(server.pid, SIGTERM)
        try #require(server.waitForStderr(
            "kai: stopping: no new calls; 1 call(s) in flight get up to 600.0 s (--drain-timeout) to finish"), "\(server.stderr)")
        server.send(Self.call(3, "add", #"{"a":1,"b":2}"#))
        #expect(server.reply(id: 3)?["error"] == ["code": -32000, "message": "The server is shutting down and takes no new calls"])
        server.send(Self.cancel(2))
        let (status, _, stderr) = server.finish()
        #expect(status == 0, "\(stderr)")
    }

    /// EOF with a call that outlives --drain-timeout: the server cancels it,
    /// says so, and exits 75.
    @Test func eofWithACallPastTheDrainTimeout_cancelsIt_andExits75() throws {
        let workspace = try MCPServeWorkspace("drain-75")
        let server = try ServeProcess(workspace, ["--drain-timeout", "0.2"])
        server.send(Self.initialize)
        server.send(Self.call(2, "sleep_ms", #"{"ms":600000}"#))
        try #require(server.waitForStderr("sleep_ms started"), "\(server.stderr)")
        server.closeInput()
        let (status, replies, stderr) = server.finish()
        #expect(status == 75, "\(stderr)")
        #expect(stderr.contains("kai: warning: 1 call(s) did not finish within --drain-timeout and were cancelled."), "\(stderr)")
        #expect(replies.first { $0["id"] == 2 }?["result"]?["isError"] == true)
    }

    /// An id reused while its call runs gets an error with id null; the
    /// call in flight keeps its id's only response.
    @Test func anIDReusedWhileItsCallRuns_getsAnErrorWithIDNull_andOneResponse() throws {
        let workspace = try MCPServeWorkspace("reused-id", approvals: "        rendezvous: { mcp: allow }")
        let (replies, outcome) = try workspace.exchange([
            Self.initialize,
            Self.call(2, "rendezvous", #"{"n":2}"#),
            Self.call(2, "rendezvous", #"{"n":2}"#),
            Self.call(3, "rendezvous", #"{"n":2}"#),
        ], extra: ["--timeout", "60"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(replies.filter { $0["id"] == 2 }.map { Self.text($0) } == [#"{"met":true}"#], "\(outcome.stdout)")
        #expect(replies.filter { $0["id"] == nil || $0["id"] == .null }.map { $0["error"] } == [
            ["code": -32600, "message": "Invalid Request: id 2 is already in use by a call in flight"]], "\(outcome.stdout)")
    }

    /// A line over 16 MiB is skipped with -32600; the next line is served.
    @Test func aLineOver16MiB_isSkippedWithAnError_andTheNextIsServed() throws {
        let workspace = try MCPServeWorkspace("long-line")
        let long = #"{"jsonrpc":"2.0","id":9,"method":"ping","params":{"pad":""# + String(repeating: "x", count: 17 << 20) + #""}}"#
        let (replies, outcome) = try workspace.exchange([Self.initialize, long, #"{"jsonrpc":"2.0","id":5,"method":"ping"}"#])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(replies.count == 3, "\(outcome.stdout.prefix(2000))")
        #expect(replies.dropFirst().first == ["jsonrpc": "2.0", "id": nil, "error": ["code": -32600, "message":
            "Invalid Request: a message line is over 16 MiB; it was skipped"]])
        #expect(replies.last == ["jsonrpc": "2.0", "id": 5, "result": [:]])
    }
}
