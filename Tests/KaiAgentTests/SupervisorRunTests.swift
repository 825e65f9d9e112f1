import KaiJSON
import KaiRuntime
import KaiTestSupport
import Testing

/// The bundled `supervisor` run by the real runtime: its plan comes from
/// the scripted server ("plan": a research and a writing sub-task), and the
/// fixture agents alpha and beta, both tagged research and writing, compete
/// for each sub-task on their registry scores alone.
@Suite struct SupervisorRunTests {
    static let task = "Find 6 * 7 and say it"
    static let research = "Research: what is 6 * 7?"
    static let writing = "Write one sentence stating the result."

    @Test(arguments: [("alpha", "beta"), ("beta", "alpha")])
    func supervisor_delegatesEachSubtask_toTheBestScoredAgentForItsTaskType(researcher: String, writer: String) throws {
        let world = try AgentWorld("supervisor-\(researcher)")
        try world.seedScore(agent: researcher, taskType: "research", wins: 10, losses: 0)
        try world.seedScore(agent: writer, taskType: "research", wins: 0, losses: 10)
        try world.seedScore(agent: writer, taskType: "writing", wins: 10, losses: 0)
        try world.seedScore(agent: researcher, taskType: "writing", wins: 0, losses: 10)
        let (outcome, events) = try world.run("plan", task: Self.task, agent: "supervisor")
        #expect(outcome.status == .done)
        #expect(events.steps(ofType: "delegated").map { $0["delegate"] }
            == [.string("test.agentworld." + researcher), .string("test.agentworld." + writer)])
        #expect(events.steps(ofType: "delegation_finished").map { $0["ok"] } == [true, true])
        #expect(events.steps(ofType: "plan").first?["plan"]?.arrayValue?.count == 2)
        #expect(outcome.message == """
            Combined:
            Task: \(Self.task)

            1. \(Self.research) (by test.agentworld.\(researcher)): \(researcher) did: \(Self.research)
            2. \(Self.writing) (by test.agentworld.\(writer)): \(writer) did: \(Self.writing)
            """)
        let requests = try world.requests()
        #expect(requests.count == 2, "the plan and the combination; the fixture agents ask no model")
        #expect(requests[0]["response_format"]?["type"] == "json_schema")
    }

    @Test func supervisor_subtaskNoAgentCanTake_isAnsweredAsNotDone() throws {
        let world = try AgentWorld("supervisor-missing")
        let (outcome, events) = try world.run("plan-missing", task: Self.task, agent: "supervisor")
        #expect(outcome.status == .done)
        #expect(events.steps(ofType: "delegated").count == 1)
        #expect(events.steps(ofType: "note").first?["message"]
            == "sub-task 2: no agent has the capability 'astrology', so this sub-task was not done")
        #expect(outcome.message.hasSuffix("2. Read the stars.: no agent has the capability 'astrology', so this sub-task was not done"))
    }
}
