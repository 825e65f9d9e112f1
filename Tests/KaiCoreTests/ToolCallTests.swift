import Foundation
import KaiCore
import KaiJSON
import Synchronization
import KaiTestSupport
import Testing

/// Calls through the host: validation before the plugin, result checks after,
/// errors that name the tool and the problem.
@Suite struct ToolCallTests {
    let host: PluginHost

    init() throws {
        host = Fixtures.host([try Fixtures.fixture()])
    }

    @Test func call_withValidArguments_returnsThePluginsResult() throws {
        #expect(try host.call("add", #"{"a": 1.5, "b": 2}"#) == ["sum": 3.5])
        #expect(try host.call("test.fixture.add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
    }

    @Test func call_whenArgumentsAreNotJSON_quotesTheParseError() {
        #expect(host.callError("add", #"{"a": 1,}"#)?.description
            == #"arguments for "test.fixture.add" are not valid JSON: trailing comma in object at line 1, column 9."#)
    }

    @Test func call_whenArgumentsViolateTheSchema_listsEveryViolationWithItsPath() {
        let error = host.callError("add", #"{"a": "one", "c": 3}"#)
        #expect(error?.description == """
            arguments for "test.fixture.add" do not match its input schema:
              $: missing required property "b" (required)
              $.a: expected number, got string (type)
              $: property "c" is not allowed (additionalProperties)
            Run 'kai tools describe test.fixture.add' to see the schema.
            """)
        #expect(error?.code == .invalidInput)
    }

    @Test func call_whenToolReturnsInvalidJSON_blamesThePlugin() {
        let message = host.callError("bad_json", "{}")?.description ?? ""
        #expect(message.hasPrefix(#"tool "test.fixture.bad_json" returned invalid JSON: "#))
        #expect(message.hasSuffix(". This is a bug in the plugin."))
    }

    @Test func call_whenToolFails_showsItsCodeAndDetails() {
        #expect(host.callError("fail", "{}")?.description
            == #"tool "test.fixture.fail" failed (INTERNAL): fixture failure (hint: this tool always fails)"#)
    }

    @Test func call_whenToolIsUnknown_suggestsTheClosestName() {
        #expect(host.callError("ad", "{}")?.description
            == #"no tool named "ad". Did you mean "add"? Run 'kai tools list' to see the tools."#)
    }

    @Test func call_whenToolPassesItsDeadline_reportsDeadlineExceeded() throws {
        let error = try #require(host.callError("sleep_ms", #"{"ms": 5000}"#, timeout: 0.05))
        guard case .deadlineExceeded(let tool, let timeout, _, _) = error else {
            Issue.record("expected deadlineExceeded, got \(error)")
            return
        }
        #expect(tool == "test.fixture.sleep_ms")
        #expect(timeout == 0.05)
        #expect(error.description.hasPrefix(#"tool "test.fixture.sleep_ms" passed its deadline of 0.050 s (stopped after "#))
    }

    @Test func call_whenCancelledFromAnotherThread_stopsCooperatively() throws {
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { token.cancel() }
        let error = host.callError("sleep_ms", #"{"ms": 10000}"#, token: token)
        #expect(error?.description == #"tool "test.fixture.sleep_ms" was cancelled."#)
    }

    @Test func config_getsSchemaDefaultsFilledIn() throws {
        let config = try host.call("config", "{}")
        #expect(config == ["level": 3])
    }

    @Test func config_whenItViolatesTheConfigSchema_failsCreateWithThePath() throws {
        let path = try Fixtures.fixture(id: "test.badconfig")
        let host = Fixtures.host([path], configs: [path: ["level": "high"]])
        #expect(host.callError("add", #"{"a":1,"b":1}"#)?.description == """
            tool "test.badconfig.add" is unavailable: \(path): its configuration does not match the plugin's configSchema:
              $.level: expected integer, got string (type)
            """)
    }

    @Test func callTool_fromAPlugin_routesThroughTheHostWithValidation() throws {
        #expect(try host.call("call_tool", #"{"name": "add", "args": {"a": 2, "b": 40}}"#) == ["sum": 42])
        let error = host.callError("call_tool", #"{"name": "add", "args": {"a": "x", "b": 1}}"#)
        #expect(error?.code == .invalidInput)
        #expect(error?.description.contains(#"$.a: expected number, got string (type)"#) == true)
    }

    @Test func callTool_intoABusySerialPlugin_failsInsteadOfDeadlocking() {
        let error = host.callError("call_tool", #"{"name": "call_tool", "args": {"name": "add", "args": {"a": 1, "b": 2}}}"#)
        #expect(error?.code == .unavailable)
        #expect(error?.description.contains(
            #"tool "test.fixture.call_tool" was not called: plugin test.fixture runs its calls one at a time and is already busy in this call chain."#) == true)
    }

    @Test func serialCapability_neverRunsConcurrently() throws {
        let host = self.host
        let results = onThreads(4) { _ in try? host.call("sleep_serial", #"{"ms": 20}"#) }
        #expect(results.count == 4)
        for result in results { #expect(result?["in_flight"] == 1) }
    }

    @Test func parallelCapability_runsConcurrently() throws {
        // Each call waits until 3 calls are in flight at once; serialized
        // calls would never meet and would give up at the deadline instead.
        let host = self.host
        let results = onThreads(3) { _ in try? host.call("rendezvous", #"{"n": 3}"#, timeout: 20) }
        #expect(results == [["met": true], ["met": true], ["met": true]])
    }

    @Test func sameToolInTwoPlugins_isAmbiguousUntilQualified() throws {
        let host = Fixtures.host([try Fixtures.fixture(id: "test.one"), try Fixtures.fixture(id: "test.two")])
        #expect(host.callError("add", #"{"a":1,"b":1}"#)?.description
            == #"tool "add" is defined by 2 plugins (test.one, test.two). Call it by its qualified name: test.one.add or test.two.add."#)
        #expect(try host.call("test.two.add", #"{"a":1,"b":1}"#) == ["sum": 2])
        #expect(host.tools.duplicates.first { $0.name == "add" }?.plugins == ["test.one", "test.two"])
    }
}

@Suite struct InvalidToolSchemaTests {
    @Test func call_whenToolSchemaIsNotAValidSchema_refusesAndBlamesThePlugin() throws {
        let path = try Fixtures.variant("FIXTURE_BAD_SCHEMA")
        let host = Fixtures.host([path])
        #expect(host.failures.isEmpty, "listing must not need the tool schemas compiled")
        let error = host.callError("add", #"{"a": 1}"#)
        #expect(error?.description == #"tool "test.fixture.add" cannot be called: its inputSchema is not a valid JSON Schema (invalid schema at #/properties/a/type: unknown type "numbr"; did you mean "number"?). This is a bug in the plugin."#)
        #expect(error?.code == .internal)
        let plugin = try #require(host.plugin(id: "test.fixture"))
        #expect(throws: PluginLoadError(path: path, reason: .invalidSchema(
            capability: "add", field: "inputSchema", #"invalid schema at #/properties/a/type: unknown type "numbr"; did you mean "number"?"#))) {
            try host.instantiate(plugin)
        }
    }
}

@Suite struct ToolEventTests {
    @Test func progressEvents_reachTheCallersHandlerInOrder() throws {
        let host = Fixtures.host([try Fixtures.fixture()])
        let seen = Mutex<[ToolEvent]>([])
        let options = CallOptions(onEvent: { event in
            seen.withLock { $0.append(event) }
            return .continue
        })
        let result = try host.callTool("progress", arguments: Array(#"{"steps": 3}"#.utf8), options: options)
        #expect(result.text == #"{"steps":3}"#)
        #expect(seen.withLock { $0 } == [
            .progress(progress: 1, total: 3, message: "step 1"),
            .progress(progress: 2, total: 3, message: "step 2"),
            .progress(progress: 3, total: 3, message: "step 3"),
        ])
    }

    @Test func handlerAnsweringStop_endsTheCallEarly() throws {
        let host = Fixtures.host([try Fixtures.fixture()])
        let options = CallOptions(onEvent: { event in
            if case .progress(2, _, _) = event { return .stop }
            return .continue
        })
        let result = try host.callTool("progress", arguments: Array(#"{"steps": 10}"#.utf8), options: options)
        #expect(result.text == #"{"steps":2}"#)
    }

    @Test func withoutAHandler_thePluginGetsNoSink() throws {
        let host = Fixtures.host([try Fixtures.fixture()])
        #expect(try host.call("progress", #"{"steps": 4}"#) == ["steps": 4])
    }
}
