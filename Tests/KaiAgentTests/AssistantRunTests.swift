import Foundation
import KaiCore
import KaiJSON
import KaiRuntime
import KaiTestSupport
import Testing

/// The bundled `assistant` run by the real runtime against the agent
/// scripted server: each test's model is a scenario whose replies depend on
/// the conversation, so the loop plays out the same way every time.
@Suite struct AssistantRunTests {
    /// The tool messages of a chat request, in order.
    static func toolMessages(_ request: JSONValue) -> [JSONValue] {
        (request["messages"]?.arrayValue ?? []).filter { $0["role"]?.stringValue == "tool" }
    }

    @Test func assistant_callsATool_thenAnswersWithItsResult() throws {
        let world = try AgentWorld("calc")
        let (outcome, events) = try world.run("calc")
        #expect(outcome.status == .done)
        #expect(outcome.message == #"The result is: {"result":42}"#)
        #expect(events.text == outcome.message, "the answer streamed as it was written")
        #expect(events.steps(ofType: "turn").map { $0["turn"] } == [1, 2])
        #expect(events.steps(ofType: "tool_started").map { $0["arguments"] } == [["expression": "6 * 7"]])
        let requests = try world.requests()
        #expect(requests.count == 2)
        #expect(Self.toolMessages(requests[1]) == [["role": "tool", "tool_call_id": "call_1_1", "content": #"{"result":42}"#]])
        #expect(outcome.inputTokens == 20 && outcome.outputTokens == 10, "usage of both responses")
    }

    @Test func assistant_runsTheCallsOfOneTurnConcurrently() throws {
        // `meet` returns only while another call of it runs: both succeed
        // only if the two calls of the turn ran at the same time.
        let world = try AgentWorld("pair")
        let (outcome, _) = try world.run("pair:meet", task: "Meet twice")
        #expect(outcome.status == .done)
        #expect(outcome.message == #"Results: {"met":true,"party":"a"} | {"met":true,"party":"b"}"#)
        let requests = try world.requests()
        #expect(requests.count == 2, "both results went back in one follow-up")
        #expect(Self.toolMessages(requests[1]).map { $0["tool_call_id"] } == ["call_1_1", "call_1_2"], "in the model's order")
    }

    @Test func assistant_sendsAllResultsOfATurnBackInTheModelsOrder() throws {
        let world = try AgentWorld("parallel")
        let (outcome, events) = try world.run("parallel")
        #expect(outcome.message == #"Results: {"result":42} | {"result":5}"#)
        #expect(events.steps(ofType: "tool_started").count == 2)
        #expect(Self.toolMessages(try world.requests()[1]).map { $0["content"] } == [#"{"result":42}"#, #"{"result":5}"#])
    }

    @Test func assistant_toolFailure_goesBackToTheModelAsAnErrorResult() throws {
        let world = try AgentWorld("tool-error")
        let (outcome, _) = try world.run("tool-error")
        #expect(outcome.status == .done)
        let requests = try world.requests()
        #expect(requests.count == 2)
        let error = try #require(Self.toolMessages(requests[1]).first?["content"]?.stringValue)
        #expect(error.hasPrefix("Error: "), "the openai provider marks an error result for the model")
        #expect(error.contains("unexpected end of expression"), "calculate's own message")
        #expect(outcome.message == "The tool failed, so I cannot answer: " + error)
    }

    @Test func assistant_thirdIdenticalCall_isNotRun_andTheModelIsToldWhy() throws {
        let world = try AgentWorld("repeat")
        let (outcome, events) = try world.run("repeat")
        #expect(events.steps(ofType: "tool_started").count == 2, "the third identical call did not run")
        let refusal = "Error: not run: this is the third identical call of calculate with these arguments; "
            + "use the earlier results or change the arguments"
        let requests = try world.requests()
        #expect(requests.count == 4)
        #expect(Self.toolMessages(requests[3]).last?["content"]?.stringValue == refusal)
        #expect(outcome.status == .done)
        #expect(outcome.message == "I stopped repeating the call: " + refusal)
    }

    @Test(arguments: [1, 3])
    func assistant_stopsAtTheChainLimit_sayingWhatWasDone(limit: Int) throws {
        let world = try AgentWorld("loop-\(limit)")
        let (outcome, events) = try world.run("loop") { $0.chainLimit = limit }
        #expect(outcome.status == .chainLimit)
        let turns = limit == 1 ? "1 model turn" : "\(limit) model turns"
        let calls = limit == 1 ? "1 tool call" : "\(limit) tool calls"
        #expect(outcome.message == "stopped at the chain limit of \(turns) without a final answer; "
            + "so far \(calls) (calculate ×\(limit)); the last result: {\"result\":\(limit + 1)}")
        #expect(try world.requests().count == limit)
        #expect(events.steps(ofType: "turn").count == limit)
    }

    @Test func assistant_resumedFromAHistoryEndingInAToolResult_asksTheModelAgain() throws {
        let world = try AgentWorld("resume")
        // The second model turn hangs; cancelling it interrupts the run with
        // the calculate result already in the session.
        let token = CancellationToken()
        let hanging = Thread { [server = world.server] in
            server.waitUntilHanging()
            token.cancel()
        }
        hanging.start()
        let (first, _) = try world.run("calc-then-hang") { $0.cancellation = token }
        #expect(first.status == .interrupted)
        var resume = AgentRunRequest(start: .resume(session: first.sessionID))
        resume.model = "openai/calc"
        resume.timeout = 60
        let (outcome, _) = try world.run(resume)
        #expect(outcome.status == .done)
        #expect(outcome.message == #"The result is: {"result":42}"#)
        let requests = try world.requests()
        #expect(requests.count == 3, "the resumed run asked the model once, without calling the tool again")
        #expect(requests[2]["messages"]?.arrayValue?.last?["role"] == "tool")
    }

    @Test func assistant_continuedSession_startsFromItsMessages() throws {
        let world = try AgentWorld("continue")
        let (first, _) = try world.run("calc")
        var follow = AgentRunRequest(start: .continueSession(session: first.sessionID, followUp: "And now?"))
        follow.model = "openai/echo"
        follow.timeout = 60
        let (outcome, _) = try world.run(follow)
        #expect(outcome.message == "You said: And now?")
        let messages = try #require(try world.requests().last?["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue ?? "" } == ["system", "user", "assistant", "tool", "assistant", "user"],
                "the earlier turn's history, under the assistant's instructions")
        #expect(messages[1]["content"] == "What is 6 * 7?")
    }

    @Test func assistant_outsideARun_isRefusedAsUnsupported() throws {
        let world = try AgentWorld("outside")
        let input = Array(#"{"task": "hi"}"#.utf8)
        #expect {
            try world.runtime.host.call(.agent, "assistant", input: input)
        } throws: { error in
            guard let error = error as? CallError else { return false }
            return error.code == .unsupported && error.description.contains(
                "the agent 'assistant' runs only inside a run (kai run): this host offers no kai.host.agent/1 services")
        }
    }
}
