import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Synchronization
import Testing

/// kai.host.agent/1 and the 1.1 services of a plugin inside a run: each asks
/// the call's AgentScope, with the arguments the plugin gave and the call
/// it came from; the scope's answers and failures reach the plugin as the
/// header promises. The agent is Tests/Fixtures/agent_services_plugin.c.
@Suite struct AgentServicesTests {
    static let agent = "test.agents.services"
    static let response: JSONValue = [
        "message": ["role": "assistant", "content": "hello"], "finish_reason": "stop", "model": "m1",
    ]

    /// The scope of a well-behaved run: tools run for real, nested under the
    /// agent; the provider answers (streaming "he", "llo"); find and
    /// delegation answer scripted values.
    static func runScope(host: PluginHost) -> ScriptedScope {
        ScriptedScope(
            tool: { name, arguments, parent, onEvent in nestedTool(host, name, arguments, parent, onEvent) },
            provider: { _, _, _, onEvent in
                _ = onEvent?(.textDelta("he"))
                _ = onEvent?(.textDelta("llo"))
                return .success(response.serializedBytes())
            },
            find: { _, _, _, _ in .success(Array(#"[{"name":"test.other.coder","tags":["code"],"score":0.9}]"#.utf8)) },
            agent: { _, _, _, _ in
                .failure(ScopeFailure(code: .permissionDenied, details: ["message": "delegation too deep", "depth": 2]))
            })
    }

    static func nestedTool(
        _ host: PluginHost, _ name: String, _ arguments: [UInt8], _ parent: ParentCall, _ onEvent: ToolEventHandler?
    ) -> Result<[UInt8], ScopeFailure> {
        var options = CallOptions(onEvent: onEvent)
        options.parent = parent
        do {
            return .success(try host.call(.tool, name, input: arguments, options: options).json)
        } catch {
            return .failure(ScopeFailure(code: error.code, message: error.description))
        }
    }

    /// Runs the agent with `task` and returns its output's "result".
    static func run(_ host: PluginHost, task: String = "all", scope: (any AgentScope)?, options: CallOptions = CallOptions()) throws -> JSONValue {
        var options = options
        options.scope = scope
        let input = JSONValue.object(["task": .string(task)]).serializedBytes()
        let output = try JSONParser.parse(host.call(.agent, agent, input: input, options: options).json)
        return output["result"] ?? .null
    }

    @Test func everyAgentService_reachesTheScope_withItsArgumentsAndTheCallingAgent() throws {
        let recorder = ReportRecorder()
        let host = try AgentFixture.host(observer: recorder)
        let scope = Self.runScope(host: host)
        let result = try Self.run(host, scope: scope)

        #expect(result["ext"] == true)
        #expect(result["session"] == "s0123456789")
        let asked = scope.questions
        func question(_ service: String, _ name: String, callID: String? = nil, _ input: JSONValue, streams: Bool = false)
            -> ScriptedScope.Asked {
            ScriptedScope.Asked(service: service, name: name, callID: callID, input: input, caller: Self.agent,
                                callerKind: .agent, depth: 0, streams: streams)
        }
        let request: JSONValue = ["messages": [["role": "user", "content": "hi"]]]
        #expect(asked == [
            question("tool", "echo", callID: "c1", ["x": 1], streams: true),
            question("find", "", ["capability": "code"]),
            question("agent", "helper", ["task": "sub"]),
            question("provider", "", request),
            question("provider", "local", request, streams: true),
            question("tool", "test.agents.echo", callID: "", ["y": 2]),
        ])
        let echoed: JSONValue = ["content": [["type": "text", "text": "echo"]]]
        #expect(result["call_tool"] == ["code": 0, "out": echoed, "error": .null])
        #expect(result["progress"] == 2)  // the tool's PROGRESS reached the agent's sink
        #expect(result["find_agents"]?["out"] == [["name": "test.other.coder", "tags": ["code"], "score": 0.9]])
        #expect(result["complete"] == ["code": 0, "out": Self.response, "error": .null])
        #expect(result["stream"] == [
            "code": 0, "deltas": "hello", "terminal": "done", "terminals": 1, "finish": "stop", "result": Self.response,
            "error": .null,
        ])
        #expect(result["host_call_tool"] == ["code": 0, "out": echoed, "error": .null])
        // The tools ran nested under the agent: logged one level down.
        let depths = recorder.all.map { "\($0.tool)@\($0.depth)" }
        #expect(depths == ["test.agents.echo@1", "test.agents.echo@1", "test.agents.services@0"])
    }

    @Test func aScopeFailure_reachesThePlugin_withItsDetailsAndCodeName() throws {
        let host = try AgentFixture.host()
        let details: JSONObject = ["message": "waiting for approvers", "approval": "pending", "approval_id": "a0123456789"]
        let result = try Self.run(host, scope: ScriptedScope(failing: ScopeFailure(code: .permissionDenied, details: details)))

        var expected = details
        expected["code"] = "PERMISSION_DENIED"
        let failed: JSONValue = ["code": 6, "out": .null, "error": .object(expected)]
        #expect(result["call_agent"] == failed)
        #expect(result["find_agents"] == failed)
        #expect(result["call_tool"] == failed)
        #expect(result["progress"] == 0)
        #expect(result["complete"] == failed)
        #expect(result["host_call_tool"] == failed)
        // A refused stream still ends with exactly one terminal event.
        #expect(result["stream"] == [
            "code": 6, "deltas": "", "terminal": "error", "terminals": 1, "finish": "", "result": .null,
            "error": .object(expected),
        ])
    }

    @Test func withoutAScope_agentServicesAnswerUnsupported_andTheOthersWorkAsBefore() throws {
        let host = try AgentFixture.host()
        let result = try Self.run(host, scope: nil)

        let unsupported: JSONValue = [
            "code": 7, "out": .null,
            "error": [
                "message": "this call is not part of a run: agents run under `kai run` (kai.host.agent/1 needs a run's session)",
                "code": "UNSUPPORTED",
            ],
        ]
        #expect(result["ext"] == true)
        #expect(result["session"] == "")
        #expect(result["call_tool"] == unsupported)
        #expect(result["find_agents"] == unsupported)
        #expect(result["call_agent"] == unsupported)
        // kai_host.call_tool outside a run calls the tool directly, as in 1.1.
        #expect(result["host_call_tool"] == ["code": 0, "out": ["content": [["type": "text", "text": "echo"]]], "error": .null])
        // No provider is loaded: the host's own answer, not the scope's.
        #expect(result["complete"]?["code"] == 2)
        #expect(result["stream"]?["terminal"] == "error")
    }

    @Test func aMinor2Agent_streamsTextAndSteps_andStepsThatAreNotObjectsAreDropped() throws {
        let host = try AgentFixture.host()
        let events = EventLog()
        _ = try Self.run(host, task: "quiet", scope: nil, options: CallOptions(onEvent: events.handler))
        #expect(events.all == [
            .textDelta("thinking"),
            .step(["type": "note", "message": "step one"]),
            .progress(progress: 1, total: 2, message: "half"),
        ])
    }

    @Test func aMinor1Agent_sendsOnlyProgress_andIsOfferedNoAgentServices() throws {
        let path = try AgentFixture.path(id: "test.agents1", minor: 1)
        let host = Fixtures.host([path])
        let events = EventLog()
        var options = CallOptions(onEvent: events.handler)
        options.scope = ScriptedScope()
        let input = Array(#"{"task":"all"}"#.utf8)
        let output = try JSONParser.parse(host.call(.agent, "test.agents1.services", input: input, options: options).json)
        #expect(events.all == [.progress(progress: 1, total: 2, message: "half")])
        #expect(output["result"]?["ext"] == false)
    }

    @Test func aNestedCall_inheritsTheParentsDeadlineAndScope_andTakesTheEarlierDeadline() throws {
        let host = try AgentFixture.host()
        let seen = Box<[JSONValue]>([])
        let deadlines = Box<[Int64]>([])
        let scope = ScriptedScope(tool: { _, _, parent, _ in
            deadlines.update { $0.append(parent.deadline) }
            for own in [nil, 1.0] as [Double?] {
                var options = CallOptions(timeout: own)
                options.parent = parent
                guard let probe = try? host.call(.tool, "probe", input: Array("{}".utf8), options: options) else {
                    return .failure(ScopeFailure(code: .internal, message: "probe failed"))
                }
                seen.update { $0.append((try? JSONParser.parse(probe.json)) ?? .null) }
            }
            return .success(Array(#"{"content":[]}"#.utf8))
        })
        _ = try Self.run(host, task: "all", scope: scope, options: CallOptions(timeout: 600))

        let parentDeadline = try #require(deadlines.value.first)
        let probes = seen.value
        #expect(probes.count == 4)  // call_tool and kai_host.call_tool, each probing twice
        #expect(probes[0]["deadline"]?.intValue == parentDeadline)  // none of its own: the parent's
        #expect(try #require(probes[1]["deadline"]?.intValue) < parentDeadline)  // 1 s: earlier than the parent's 600 s
        #expect(probes[0]["cancelled"] == false)
    }

    @Test func aNestedCall_isCancelledWithItsParentsToken() throws {
        let host = try AgentFixture.host()
        let token = CancellationToken()
        let seen = Box<[JSONValue]>([])
        let scope = ScriptedScope(tool: { _, _, parent, _ in
            token.cancel()
            var options = CallOptions()
            options.parent = parent
            if let probe = try? host.call(.tool, "probe", input: Array("{}".utf8), options: options) {
                seen.update { $0.append((try? JSONParser.parse(probe.json)) ?? .null) }
            }
            return .success(Array(#"{"content":[]}"#.utf8))
        })
        _ = try? Self.run(host, task: "all", scope: scope, options: CallOptions(cancellation: token))
        #expect(seen.value.first?["cancelled"] == true)
    }

    @Test func aNestedCall_ofASerialCapabilityOfTheCallingPlugin_isRefusedAsADeadlock() throws {
        let host = try AgentFixture.host()
        let failure = Box<String?>(nil)
        let scope = ScriptedScope(tool: { _, _, parent, _ in
            var options = CallOptions()
            options.parent = parent
            do throws(CallError) {
                _ = try host.call(.tool, "locked", input: Array("{}".utf8), options: options)
            } catch {
                failure.update { $0 = $0 ?? error.description }
            }
            return .success(Array(#"{"content":[]}"#.utf8))
        })
        _ = try Self.run(host, scope: scope)
        #expect(failure.value == "tool \"test.agents.locked\" was not called: plugin test.agents runs its calls one at a time and is already busy in this call chain.")
    }

    /// What AgentRun does with a provider call: a real provider, nested
    /// under the agent, its deltas streamed to the agent's sink.
    @Test func aProviderCalledThroughTheScope_streamsItsDeltasToTheAgent_nestedUnderIt() throws {
        let provider = try Fixtures.compile("test_provider", source: Fixtures.repositoryRoot + "/Tests/Fixtures/provider_plugin.c")
        let recorder = ReportRecorder()
        let host = PluginHost.load(
            from: ListCatalog(sources: [try AgentFixture.path(), provider].map { PluginSource(path: $0, config: .object([:])) }),
            observer: recorder)
        let scope = ScriptedScope(provider: { _, request, parent, onEvent in
            var options = CallOptions(onEvent: onEvent)
            options.parent = parent
            do throws(CallError) {
                return .success(try host.callProvider("echo", request: request, options: options).json)
            } catch {
                return .failure(ScopeFailure(code: error.code, message: error.description))
            }
        })
        let result = try Self.run(host, scope: scope)

        #expect(result["complete"]?["out"]?["message"]?["content"] == "you said: hi")
        let stream = try #require(result["stream"])
        #expect(stream["deltas"] == "you said: hi")
        #expect(stream["terminal"] == "done")
        #expect(stream["terminals"] == 1)
        #expect(stream["result"]?["message"]?["content"] == "you said: hi")
        let providerDepths = recorder.all.filter { $0.capabilityKind == .provider }.map(\.depth)
        #expect(providerDepths == [1, 1])
    }

    @Test func aDelegateCalledThroughTheScope_runsNestedUnderTheSameScope() throws {
        let paths = [try AgentFixture.path(), try AgentFixture.path(id: "test.agentsb", minor: 2)]
        let host = PluginHost.load(from: ListCatalog(sources: paths.map { PluginSource(path: $0, config: .object([:])) }))
        let scope = ScriptedScope(agent: { _, _, parent, _ in
            guard parent.depth == 0 else { return .failure(ScopeFailure(code: .permissionDenied, message: "too deep")) }
            var options = CallOptions()
            options.parent = parent
            do throws(CallError) {
                return .success(try host.call(.agent, "test.agentsb.services", input: Array(#"{"task":"all"}"#.utf8), options: options).json)
            } catch {
                return .failure(ScopeFailure(code: error.code, message: error.description))
            }
        })
        let result = try Self.run(host, scope: scope)

        let delegate: JSONValue? = result["call_agent"]?["out"]?["result"]
        #expect(delegate?["session"] == "s0123456789")
        #expect(delegate?["call_agent"]?["error"]?["message"] == "too deep")
        let fromDelegate: [ScriptedScope.Asked] = scope.questions.filter { $0.caller == "test.agentsb.services" }
        #expect(fromDelegate.map { $0.service } == ["tool", "find", "agent", "provider", "provider", "tool"])
        #expect(fromDelegate.allSatisfy { $0.depth == 1 && $0.callerKind == Capability.Kind.agent })
    }
}

/// Collects a call's events.
final class EventLog: Sendable {
    private let events = Box<[ToolEvent]>([])
    var all: [ToolEvent] { events.value }
    var handler: ToolEventHandler { { [events] event in events.update { $0.append(event) }; return .continue } }
}

/// A lock-guarded value shared with @Sendable closures.
final class Box<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value { storage.withLock { $0 } }
    func update(_ body: (inout Value) -> Void) { storage.withLock { body(&$0) } }
}

/// Builds Tests/Fixtures/agent_services_plugin.c as a third party would.
enum AgentFixture {
    static func path(id: String = "test.agents", minor: Int = 2) throws -> String {
        try Fixtures.compile(
            "agent_services_\(id.replacingOccurrences(of: ".", with: "_"))_\(minor)",
            source: Fixtures.repositoryRoot + "/Tests/Fixtures/agent_services_plugin.c",
            flags: ["-DAGENT_ID=\"\(id)\"", "-DAGENT_MINOR=\(minor)"])
    }

    static func host(observer: (any CallObserver)? = nil) throws -> PluginHost {
        PluginHost.load(from: ListCatalog(sources: [PluginSource(path: try path(), config: .object([:]))]), observer: observer)
    }
}
