import KaiJSON
import KaiRuntime
import KaiTestSupport
import Testing

/// How the assistant meets what the run decides: a denied call goes back to
/// the model; a call waiting for approvers, or a budget refusal, ends the
/// agent's call at once (the host resumes it later from the session); the
/// first turn alone gets the input's tool_choice.
@Suite struct AssistantStopTests {
    @Test func assistant_deniedToolCall_goesBackToTheModelAsAnErrorResult() throws {
        // write_file has no annotations, so it needs approval; with no
        // terminal and no --approve it is denied.
        let world = try AgentWorld("denied")
        let (outcome, _) = try world.run("write", task: "Write a note")
        #expect(outcome.status == .done)
        let denial = "Error: tool 'write_file' needs approval (has no annotations (MCP treats that as destructive and open-world)) "
            + "and there is no terminal to ask; rerun with --approve write_file (or --yes) to allow it"
        #expect(outcome.message == "I could not write the file: " + denial)
        let requests = try world.requests()
        #expect(requests.count == 2)
        #expect(requests[1]["messages"]?.arrayValue?.last?["content"] == .string(denial))
    }

    @Test func assistant_callWaitingForTwoApprovers_endsTheAgentsCallAtOnce() throws {
        let world = try AgentWorld("pending", extraConfig: """
            approvals:
              tools:
                write_file:
                  approvers: 2
            """)
        let (outcome, _) = try world.run("write", task: "Write a note")
        #expect(outcome.status == .paused)
        #expect(outcome.pendingApprovals.count == 1)
        #expect(try world.requests().count == 1, "the model was not asked again while the run pauses")
    }

    @Test func assistant_budgetRefusal_endsTheRunWithoutAnotherModelTurn() throws {
        let world = try AgentWorld("budget")
        let (outcome, _) = try world.run("calc") { $0.maxTokens = 10 }
        #expect(outcome.status == .budget)
        #expect(try world.requests().count == 1)
    }

    @Test func assistant_toolChoice_appliesToTheFirstTurnOnly() throws {
        let world = try AgentWorld("tool-choice")
        let (outcome, _) = try world.run("calc") { $0.toolChoice = "required" }
        #expect(outcome.status == .done)
        let requests = try world.requests()
        #expect(requests.map { $0["tool_choice"] } == [.string("required"), nil])
        #expect(requests.allSatisfy { ($0["tools"]?.arrayValue?.count ?? 0) > 0 }, "every turn offers the tools")
    }
}
