import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai mcp serve` over stdio, spoken to line by line: malformed JSON-RPC,
/// revision negotiation, the approval policy for MCP clients, concurrent
/// calls, and draining on SIGTERM.
@Suite struct MCPServeProtocolTests {
    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#

    @Test func malformedMessages_getJSONRPCErrors_andRevisionsAreNegotiated() throws {
        let workspace = try MCPServeWorkspace("malformed")
        let (replies, outcome) = try workspace.exchange([
            "this is not json",
            "[1, 2]",
            #"{"jsonrpc":"2.0","id":2,"method":"server/discover","params":{}}"#,
            Self.initialize,
            #"{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocolVersion":"2099-01-01"}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"arguments":{}}}"#,
            #"{"jsonrpc":"1.0","id":5,"method":"ping"}"#,
            #"{"jsonrpc":"2.0","id":6,"method":"ping"}"#,
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(replies.count == 8, "\(outcome.stdout)")
        guard replies.count == 8 else { return }
        #expect(replies[0] == ["jsonrpc": "2.0", "id": nil, "error": ["code": -32700, "message": "Parse error: invalid literal, expected 'true' at line 1, column 1"]])
        #expect(replies[1]["error"] == ["code": -32600, "message": "Invalid Request: expected one JSON-RPC message object, got a batch (JSON-RPC batches are not part of MCP since 2025-06-18)"])
        #expect(replies[2] == ["jsonrpc": "2.0", "id": 2, "error": ["code": -32601, "message": "Method not found: server/discover"]])
        #expect(replies[3]["result"]?["protocolVersion"] == "2025-06-18")
        #expect(replies[3]["result"]?["capabilities"] == ["tools": ["listChanged": false]])
        #expect(replies[4]["result"]?["protocolVersion"] == "2025-11-25", "an unknown revision gets the newest")
        #expect(replies[5]["error"] == ["code": -32602, "message": "Invalid params: tools/call needs \"name\", a string"])
        #expect(replies[6]["error"] == ["code": -32600, "message": "Invalid Request: \"jsonrpc\" must be \"2.0\""])
        #expect(replies[7] == ["jsonrpc": "2.0", "id": 6, "result": [:]])
    }

    @Test func approvals_denyAndTwoApprovers_refuseEvenWithMCPAllow_andMCPAllowRunsAnAskingTool() throws {
        let workspace = try MCPServeWorkspace("approvals", approvals: """
                pid: { mode: deny, mcp: allow }
                config: { approvers: 2, mcp: allow }
                fail: { mode: ask }
                test.fixture.add: { mcp: allow }
            """)
        let (replies, outcome) = try workspace.exchange([
            Self.initialize,
            #"{"jsonrpc":"2.0","id":"deny","method":"tools/call","params":{"name":"pid"}}"#,
            #"{"jsonrpc":"2.0","id":"two","method":"tools/call","params":{"name":"config","arguments":{}}}"#,
            #"{"jsonrpc":"2.0","id":"ask","method":"tools/call","params":{"name":"fail","arguments":{}}}"#,
            #"{"jsonrpc":"2.0","id":"allowed","method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}"#,
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let byID = Dictionary(replies.compactMap { reply in reply["id"]?.stringValue.map { ($0, reply) } }) { first, _ in first }
        #expect(byID["deny"]?["result"] == Self.refusal(
            #"tool "test.fixture.pid" was refused: the operator's approvals policy denies it (named in the approvals policy at approvals.tools.pid)."#))
        #expect(byID["two"]?["result"] == Self.refusal(
            #"tool "test.fixture.config" was refused: it needs 2 approvers (named in the approvals policy at approvals.tools.config), "#
                + "and MCP clients cannot gather approvals. Run it with kai run, where other users approve it with kai approvals."))
        #expect(byID["ask"]?["result"] == Self.refusal(
            #"tool "test.fixture.fail" was refused: it needs approval (named in the approvals policy at approvals.tools.fail), "#
                + "and an MCP client cannot give it. To let MCP clients call it, set in the operator config: "
                + "approvals: { tools: { test.fixture.fail: { mcp: allow } } }"))
        #expect(byID["allowed"]?["result"]?["structuredContent"] == ["sum": 3])
    }

    static func refusal(_ text: String) -> JSONValue {
        ["content": [["type": "text", "text": .string(text)]], "isError": true]
    }

    /// Two calls of `rendezvous` (n: 2) each wait until two are in flight:
    /// they return only if the server runs them at the same time.
    @Test func calls_runConcurrently() throws {
        let workspace = try MCPServeWorkspace("concurrent", approvals: "        rendezvous: { mcp: allow }")
        let call = { (id: Int) in #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"rendezvous","arguments":{"n":2}}}"# }
        let (replies, outcome) = try workspace.exchange([Self.initialize, call(2), call(3)], extra: ["--timeout", "30"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(Set(replies.compactMap { $0["id"]?.intValue }) == [1, 2, 3])
        #expect(replies.filter { $0["result"]?["content"]?[0]?["text"] == #"{"met":true}"# }.count == 2, "\(outcome.stdout)")
    }

    /// A tool that never returns nor polls cancellation (`spin`, in a
    /// worker): past the call's deadline its worker is killed and the call
    /// fails; the server goes on serving.
    @Test func hangingTool_failsAtItsDeadline_andTheServerKeepsServing() throws {
        let workspace = try MCPServeWorkspace("hang", approvals: "        spin: { mcp: allow }\n        test.fixture.add: { mcp: allow }")
        let (replies, outcome) = try workspace.exchange([
            Self.initialize,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"spin","arguments":{}}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}"#,
        ], extra: ["--timeout", "0.5"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let spin = replies.first { $0["id"] == 2 }
        #expect(spin?["result"]?["isError"] == true)
        let text = spin?["result"]?["content"]?[0]?["text"]?.stringValue ?? ""
        #expect(text.hasPrefix(#"tool "test.fixture.spin" passed its deadline of 0.500 s and did not stop; its worker process was killed (SIGKILL) after "#), "\(text)")
        #expect(replies.first { $0["id"] == 3 }?["result"]?["structuredContent"] == ["sum": 3])
    }

    /// SIGTERM while a call runs: the server takes no new calls, lets the
    /// call finish and answer, then exits 0 (stdin still open).
    @Test func sigterm_drainsTheCallInFlight_thenExits0() throws {
        let workspace = try MCPServeWorkspace("sigterm")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: KaiProcess.executable)
        process.arguments = Array(workspace.serveArguments().dropFirst())
        process.environment = workspace.environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        (process.standardInput, process.standardOutput, process.standardError) = (input, output, errors)
        try process.run()
        defer { try? input.fileHandleForWriting.close() }
        let call = #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"sleep_ms","arguments":{"ms":300}}}"#
        input.fileHandleForWriting.write(Data((Self.initialize + "\n" + call + "\n").utf8))
        var seen = ""
        while !seen.contains("sleep_ms started") {
            let chunk = errors.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "kai's stderr ended before the call started: \(seen)")
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGTERM)
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let replies = try stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        let answer = replies.first { $0["id"] == 2 }
        #expect(answer?["result"]?["isError"] == nil, "\(stdout)")
        #expect(answer?["result"]?["content"]?[0]?["text"]?.stringValue?.hasPrefix(#"{"slept_ms":300"#) == true, "\(stdout)")
    }
}
