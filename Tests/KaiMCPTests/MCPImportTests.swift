import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// The official Python SDK's server (MCPServer, the fixture) imported by a
/// real runtime over stdio and over Streamable HTTP: listed, called through
/// PluginHost's one call path, with progress, tool errors, deadlines
/// cancelled on the server, and supervision of a server that dies.
@Suite(.enabled(if: MCPPeers.missing == nil, "\(MCPPeers.missing ?? "")"))
struct MCPImportTests {
    @Test(arguments: [MCPImportWorld.Transport.stdio, .http])
    func importedTools_areListed_withTheServersSchemasAndAnnotations(transport: MCPImportWorld.Transport) throws {
        let world = try MCPImportWorld("list-\(transport)", transport: transport)
        let id = transport == .stdio ? "fx" : "web"
        let tools = world.runtime.host.tools.entries.filter { $0.plugin.id == id }.map(\.capability)
        #expect(Set(tools.map(\.name)) == ["add", "shout", "fail", "count", "sleep", "crash", "environment", "unannotated", "destroy"])
        let add = try #require(tools.first { $0.name == "add" })
        #expect(add.description == "Adds two integers (structured output).")
        #expect(add.inputSchema?["required"] == ["a", "b"])
        #expect(add.outputSchema?["properties"]?["sum"]?["type"] == "integer")
        #expect(add.annotations == ["readOnlyHint": true, "openWorldHint": false])
        #expect(tools.first { $0.name == "unannotated" }?.annotations == nil)
    }

    @Test(arguments: [MCPImportWorld.Transport.stdio, .http])
    func aCall_returnsStructuredContent_orTheTextAsResult(transport: MCPImportWorld.Transport) throws {
        let world = try MCPImportWorld("call-\(transport)", transport: transport)
        let id = transport == .stdio ? "fx" : "web"
        #expect(try world.call("\(id).add", #"{"a":2,"b":40}"#).get() == #"{"sum":42}"#)
        #expect(try world.call("\(id).shout", #"{"text":"hi"}"#).get() == #"{"result":"HI"}"#)
    }

    @Test(arguments: [MCPImportWorld.Transport.stdio, .http])
    func aToolError_isAToolFailure_withTheServersText_scrubbedOfSecrets(transport: MCPImportWorld.Transport) throws {
        let world = try MCPImportWorld("error-\(transport)", transport: transport)
        let id = transport == .stdio ? "fx" : "web"
        let variable = transport == .stdio ? "MY_SECRET" : "WEB_TOKEN"
        let result = world.call("\(id).fail", #"{"message":"it broke near \#(MCPImportWorld.secret)"}"#)
        guard case .failure(let error) = result else { Issue.record("the call succeeded"); return }
        #expect(error.description == "tool \"\(id).fail\" failed (INTERNAL): Error executing tool fail: it broke near <secret from \(variable)>")
    }

    @Test(arguments: [MCPImportWorld.Transport.stdio, .http])
    func progressNotifications_becomeKaiProgressEvents_asTheyArrive(transport: MCPImportWorld.Transport) throws {
        let world = try MCPImportWorld("progress-\(transport)", transport: transport)
        let id = transport == .stdio ? "fx" : "web"
        let log = EventLog()
        #expect(try world.call("\(id).count", #"{"steps":3}"#, onEvent: log.handler).get() == #"{"result":"counted 3"}"#)
        #expect(log.all == [
            .progress(progress: 1, total: 3, message: "step 1"), .progress(progress: 2, total: 3, message: "step 2"),
            .progress(progress: 3, total: 3, message: "step 3"),
        ])
    }

    @Test(arguments: [MCPImportWorld.Transport.stdio, .http])
    func aCallPastItsDeadline_failsWithKaisDeadlineError_andIsCancelledOnTheServer(transport: MCPImportWorld.Transport) throws {
        let world = try MCPImportWorld("deadline-\(transport)", transport: transport)
        let id = transport == .stdio ? "fx" : "web"
        let result = world.call("\(id).sleep", #"{"seconds":60}"#, timeout: 1)
        guard case .failure(let error) = result else { Issue.record("the call succeeded"); return }
        #expect(error.kind == .deadlineExceeded)
        #expect(error.description.hasPrefix("tool \"\(id).sleep\" passed its deadline of 1.000 s"), "\(error)")
        #expect(error.description.hasSuffix(": MCP server \(id) had not answered; Kai sent it notifications/cancelled."), "\(error)")
        #expect(world.recorded("started"))
        #expect(world.recorded("cancelled"), "the server's task was cancelled")
        #expect(try world.call("\(id).add", #"{"a":1,"b":1}"#).get() == #"{"sum":2}"#, "the server still serves")
    }

    @Test func aServerThatDies_failsTheCallInFlight_andTheNextCallStartsItAgain() throws {
        let world = try MCPImportWorld("crash")
        let result = world.call("fx.crash", #"{"status":3}"#)
        guard case .failure(let error) = result else { Issue.record("the call succeeded"); return }
        #expect(error.description
            == "tool \"fx.crash\" failed: MCP server fx exited with status 3 during the call. The host is unaffected; the next call starts the server again.")
        #expect(error.kind == .workerExited && error.kind.isWorkerFailure)
        #expect(try world.call("fx.add", #"{"a":1,"b":2}"#).get() == #"{"sum":3}"#)
    }

    @Test func repeatedDeaths_disableTheServer_withTheExactMessage() throws {
        let world = try MCPImportWorld("disable")
        for _ in 1...5 {
            guard case .failure(let error) = world.call("fx.crash", #"{"status":7}"#) else { Issue.record("a crash call succeeded"); return }
            #expect(error.kind == .workerExited, "\(error)")
        }
        let result = world.call("fx.add", #"{"a":1,"b":2}"#)
        guard case .failure(let error) = result else { Issue.record("a disabled server answered"); return }
        #expect(error.description == "tool \"fx.add\" is unavailable: MCP server fx was disabled because it failed 5 times within 60 s "
            + "(last: exited with status 7 during a call to fx.crash). Fix the server, then run 'kai plugins enable fx'.")
        #expect(error.kind == .pluginDisabled)
        #expect(world.runtime.host.plugin(id: "fx")?.isolationState == "mcp stdio: disabled")
    }

    @Test func aStdioServer_getsOnlyItsOwnEnvironment_andItsSecret() throws {
        let world = try MCPImportWorld("env")
        let text = try world.call("fx.environment", "{}").get()
        let report = try JSONParser.parse(text)
        // LC_CTYPE: Python sets it itself when no locale is given (PEP 538).
        let names = report["names"]?.arrayValue?.compactMap(\.stringValue).filter { $0 != "LC_CTYPE" }
        #expect(names == ["FIXTURE_SECRET", "HOME", "PATH", "SWIFT_BACKTRACE"], "no MY_SECRET, WEB_TOKEN or anything else of Kai's")
        #expect(report["secret"] == "<secret from MY_SECRET>", "it had the value; what came back is scrubbed")
    }

    @Test func aStdioServer_inheritsNoDescriptorOfTheHost() throws {
        // A descriptor this process holds without close-on-exec.
        let marker = Fixtures.scratch + "/mcp-import-marker-\(UUID().uuidString.prefix(6))"
        FileManager.default.createFile(atPath: marker, contents: Data("x".utf8))
        let fd = open(marker, O_RDONLY)
        defer { close(fd) }
        let world = try MCPImportWorld("fds")
        let report = try JSONParser.parse(try world.call("fx.environment", "{}").get())
        let targets = report["fds"]?.objectValue?.map { $0.value.stringValue ?? "" } ?? []
        #expect(!targets.isEmpty)
        #expect(!targets.contains(marker), "\(targets)")
        #expect(!targets.contains { $0.hasSuffix("registry.sqlite") }, "\(targets)")
    }
}
