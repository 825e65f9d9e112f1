import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// The agent contract (kai_agent.h, ABI 1.2) as the host enforces it: the
/// embedded schemas equal the SDK's files, an agent's input is checked
/// before the plugin sees it and its output after, and an agent cannot run
/// inside a run from a worker process.
@Suite struct AgentContractTests {
    static let agent = "test.agents.services"

    @Test(arguments: ["agent-input", "agent-output", "agent-step"])
    func embeddedSchema_equalsTheSDKFile(name: String) throws {
        let file = try String(contentsOfFile: Fixtures.repositoryRoot + "/plugin-sdk/schema/\(name).schema.json", encoding: .utf8)
        let embedded = try #require(AgentSchemas.text(name))
        #expect(try JSONParser.parse(Array(embedded.utf8)) == JSONParser.parse(Array(file.utf8)))
    }

    static func call(_ host: PluginHost, _ input: String, scope: (any AgentScope)? = nil) -> Result<JSONValue, CallError> {
        var options = CallOptions()
        options.scope = scope
        do {
            let result = try host.call(.agent, agent, input: Array(input.utf8), options: options)
            return .success((try? JSONParser.parse(result.json)) ?? .null)
        } catch {
            return .failure(error)
        }
    }

    @Test func anAgentInputOffTheSchema_isRefusedBeforeThePluginRuns() throws {
        let recorder = ReportRecorder()
        let host = try AgentFixture.host(observer: recorder)
        guard case .failure(let error) = Self.call(host, #"{"task": "x", "colour": "red"}"#) else {
            Issue.record("an input with an unknown member was accepted")
            return
        }
        guard case .argumentsInvalid = error else {
            Issue.record("expected argumentsInvalid, got \(error)")
            return
        }
        #expect(error.description(for: .agent) == """
            the input for agent "test.agents.services" does not match the agent input schema (plugin-sdk/schema/agent-input.schema.json):
              $: property "colour" is not allowed (additionalProperties)
            """)
        #expect(recorder.all.map(\.errorKind) == [.argumentsInvalid])
    }

    @Test func anAgentInput_withAMessageHistoryAndTools_isAccepted() throws {
        let host = try AgentFixture.host()
        let input = #"""
            {"messages": [{"role": "user", "content": "hi"}],
             "tools": [{"name": "calculate", "inputSchema": {"type": "object"}}], "limits": {"chain_limit": 3}}
            """#
        // The fixture answers "no task" for a history: the plugin ran.
        guard case .failure(let error) = Self.call(host, input), case .toolFailed(_, .invalidInput, let details, _) = error else {
            Issue.record("the plugin did not see the history")
            return
        }
        #expect(details == "no task")
    }

    /// The message definition comes from chat-request.schema.json: the
    /// embedded schema must resolve it, not let anything through.
    @Test func anAgentInput_withAMalformedMessage_isRefused() throws {
        let host = try AgentFixture.host()
        let result = Self.call(host, #"{"messages": [{"role": "robot", "content": "hi"}]}"#)
        guard case .failure(.argumentsInvalid) = result else {
            Issue.record("a message with role robot was accepted: \(result)")
            return
        }
    }

    @Test func anAgentOutputOffTheSchema_isReportedAsABugInThePlugin() throws {
        let host = try AgentFixture.host()
        guard case .failure(let error) = Self.call(host, #"{"task": "bad-output"}"#), case .outputViolatesSchema = error else {
            Issue.record("an output with status \"finished\" was accepted")
            return
        }
        #expect(error.description(for: .agent) == """
            agent "test.agents.services" returned an output that does not match the agent output schema \
            (plugin-sdk/schema/agent-output.schema.json; a bug in the plugin):
              $.status: "finished" is not one of ["done", "chain_limit", "gave_up"] (enum)
            """)
    }

    @Test func aValidAgentOutput_isReturnedAsWritten() throws {
        let host = try AgentFixture.host()
        // The fixture answers {"status": "done", "message": TASK}.
        guard case .success(let output) = Self.call(host, #"{"task": "fine"}"#) else {
            Issue.record("a valid output was refused")
            return
        }
        #expect(output == ["status": "done", "message": "fine"])
    }

    /// Steps refer to agent-step.schema.json: the embedded output schema
    /// must resolve it.
    @Test func anAgentOutput_withAStepOffTheStepSchema_isReported() throws {
        let host = try AgentFixture.host()
        let result = Self.call(host, #"{"task": "bad-step"}"#)
        guard case .failure(.outputViolatesSchema) = result else {
            Issue.record("a step of type dance was accepted: \(result)")
            return
        }
    }

    @Test(arguments: [PluginIsolation.process, .sandbox])
    func anAgentInAWorker_insideARun_isRefusedWithTheFix(isolation: PluginIsolation) throws {
        let path = try AgentFixture.path()
        let host = PluginHost.load(from: ListCatalog(sources: [
            PluginSource(path: path, settings: PluginSettings(isolation: isolation)),
        ]))
        guard case .failure(let error) = Self.call(host, #"{"task": "all"}"#, scope: ScriptedScope()) else {
            Issue.record("an agent in a worker ran inside a run")
            return
        }
        #expect(error.description == "agent \"test.agents.services\" was not run: agents run in-process in this version, and plugin "
            + "test.agents runs under isolation: \(isolation.rawValue). Set \"isolation: inprocess\" in the operator config's entry "
            + "for id test.agents to run it.")
        #expect(error.code == .unsupported)
        #expect(error.kind == .agentNeedsInProcess)
    }

    @Test func aPluginOfMinor2_loads_andSaysSo() throws {
        let host = try AgentFixture.host()
        #expect(host.failures.isEmpty)
        #expect(host.plugins.first?.manifest.abiMinor == 2)
        #expect(ABIVersion.minor == 2)
    }
}
