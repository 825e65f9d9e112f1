import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// The bundled agents called through the real host with a scripted scope:
/// the paths a runtime run does not reach easily (depth 0, an unusable
/// plan, a failed combination, a cancelled model call).
@Suite struct ScopedAgentTests {
    let host = Fixtures.host([Fixtures.buildDirectory + "/libKaiPluginAgents.so"])

    func call(_ agent: String, _ input: JSONValue, scope: ScriptedAgentScope) throws -> JSONValue {
        var options = CallOptions(timeout: 30)
        options.scope = scope
        return try JSONParser.parse(host.call(.agent, agent, input: input.serializedBytes(), options: options).json)
    }

    static let plan: @Sendable (Int) -> Result<JSONValue, ScopeFailure> = { count in
        let subtasks: [JSONValue] = (1...count).map { ["task": .string("part \($0)"), "capability": "qa", "task_type": "qa"] }
        return ScriptedAgentScope.reply(JSONValue.object(["subtasks": .array(subtasks)]).serialized())
    }

    @Test func supervisor_atDepthZero_answersWithOneModelCall() throws {
        let scope = ScriptedAgentScope(provider: { _, _ in ScriptedAgentScope.reply("hi there") })
        let output = try call("supervisor", ["task": "Say hi", "limits": ["depth": 0]], scope: scope)
        #expect(output["status"] == "done")
        #expect(output["message"] == "hi there")
        #expect(scope.questions.map(\.service) == ["provider"], "no plan, no delegation")
    }

    @Test func supervisor_delegatesWithOneLevelLessDepth_andTheProviderHint() throws {
        let scope = ScriptedAgentScope(
            provider: { _, _ in Self.plan(1) },
            find: { _, _ in .success([["name": "x.helper", "description": "d", "tags": ["qa"], "score": 0.9]]) },
            agent: { _, _ in .success(["status": "done", "message": "42", "usage": ["input_tokens": 3, "output_tokens": 2]]) })
        let output = try call("supervisor", ["task": "Compute", "provider": "openai/m", "limits": ["depth": 2]], scope: scope)
        #expect(output["message"] == "42", "a single answer needs no combining")
        let delegated = try #require(scope.questions.first { $0.service == "agent" })
        #expect(delegated.name == "x.helper")
        #expect(delegated.input == ["task": "part 1", "task_type": "qa", "limits": ["depth": 1], "provider": "openai/m"])
        #expect(scope.questions.first { $0.service == "provider" }?.name == "openai/m")
        #expect(output["usage"] == ["input_tokens": 13, "output_tokens": 7, "cost_usd": nil], "its own model call and the delegate's")
    }

    @Test func supervisor_unusablePlan_givesUpSayingWhy() throws {
        let scope = ScriptedAgentScope(provider: { _, _ in ScriptedAgentScope.reply("I would rather not") }, find: { _, _ in .success([]) })
        let output = try call("supervisor", ["task": "Plan this"], scope: scope)
        #expect(output["status"] == "gave_up")
        #expect(output["message"] == "could not plan the task: the model's plan was unusable (its answer is not JSON)")
    }

    @Test func supervisor_combinationFails_listsTheAnswersAsTheyAre() throws {
        let scope = ScriptedAgentScope(
            provider: { _, request in
                request["response_format"] != nil ? Self.plan(2) : .failure(ScopeFailure(code: .unavailable, message: "down"))
            },
            find: { _, _ in .success([["name": "x.helper", "description": "d", "tags": ["qa"], "score": nil]]) },
            agent: { _, input in .success(["status": "done", "message": .string("did " + (input["task"]?.stringValue ?? ""))]) })
        let output = try call("supervisor", ["task": "Two parts"], scope: scope)
        #expect(output["status"] == "done")
        #expect(output["message"] == "1. part 1 (by x.helper): did part 1\n2. part 2 (by x.helper): did part 2")
    }

    @Test func supervisor_failedDelegate_isReportedAndNotCounted() throws {
        let scope = ScriptedAgentScope(
            provider: { _, _ in Self.plan(1) },
            find: { _, _ in .success([["name": "x.helper", "description": "d", "tags": ["qa"], "score": nil]]) },
            agent: { _, _ in .failure(ScopeFailure(code: .internal, message: "it broke")) })
        let output = try call("supervisor", ["task": "One part"], scope: scope)
        #expect(output["status"] == "gave_up")
        #expect(output["message"] == "no sub-task was done:\n1. part 1 (by x.helper): failed: it broke")
    }

    @Test func assistant_cancelledModelCall_endsTheCallAtOnce() throws {
        let scope = ScriptedAgentScope(provider: { _, _ in .failure(ScopeFailure(code: .cancelled, message: "interrupted")) })
        #expect {
            try call("assistant", ["task": "hi"], scope: scope)
        } throws: { error in
            (error as? CallError)?.code == .cancelled
        }
        #expect(scope.questions.count == 1)
    }
}
