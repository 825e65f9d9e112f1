import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// Agent choice and delegation by registry score, and the delegation depth,
/// with the fixture agents alpha, beta (both tagged research and writing)
/// and nest (Tests/Fixtures/run_fixture_agent.c).
@Suite(.serialized)
struct AgentRunDelegationTests {
    private func world(_ name: String) throws -> AgentRunWorld {
        let agents = try Fixtures.compile("run_fixture_agent", source: Fixtures.repositoryRoot + "/Tests/Fixtures/run_fixture_agent.c")
        let world = try AgentRunWorld(name, extraPlugins: "  - path: \(agents)\n    isolation: inprocess")
        // beta has done well at research and badly at writing; alpha the other way round.
        let runtime = try world.open()
        defer { try? runtime.shutdown() }
        let alpha = try runtime.store.ensureCapability(pluginID: "test.delegates", kind: .agent, name: "alpha")
        let beta = try runtime.store.ensureCapability(pluginID: "test.delegates", kind: .agent, name: "beta")
        let now = WallClock.now()
        var records: [PerformanceRecord] = []
        for _ in 0..<20 {
            records.append(PerformanceRecord(capabilityID: beta, taskType: "research", success: true, durationSeconds: 0.1, quality: 1, recordedAt: now))
            records.append(PerformanceRecord(capabilityID: alpha, taskType: "research", success: false, durationSeconds: 0.1, quality: 0, recordedAt: now))
            records.append(PerformanceRecord(capabilityID: alpha, taskType: "writing", success: true, durationSeconds: 0.1, quality: 1, recordedAt: now))
            records.append(PerformanceRecord(capabilityID: beta, taskType: "writing", success: false, durationSeconds: 0.1, quality: 0, recordedAt: now))
        }
        try runtime.store.record(records)
        return world
    }

    @Test func run_withoutAgent_takesTheBestScoredForTheTaskType() throws {
        let world = try world("choose-scored")
        let events = EventLog()
        let outcome = try #require(try world.run(.task("look it up"), model: "answer", events: events) { $0.taskType = "research" }.value)
        #expect(outcome.agent == "test.delegates.beta")
        #expect(outcome.message == "beta: look it up")
        guard case .session(_, let agent)? = events.all.first else { Issue.record("the first event is not the session"); return }
        #expect(agent == "beta")
    }

    /// An agent cannot pass its own steps off as the host's: approval,
    /// tool_started and tool_finished steps from it become notes.
    @Test func agentSteps_ofTheHostsOwnTypes_areShownAsNotes() throws {
        let world = try world("forged-steps")
        let events = EventLog()
        let outcome = try #require(try world.run(.task("forge"), model: "answer", events: events) { $0.agent = "forger" }.value)
        #expect(outcome.message == "forged")
        let forged = ["approval", "tool_started", "tool_finished"]
        #expect(!events.steps.contains { forged.contains($0["type"]?.stringValue ?? "") }, "\(events.steps)")
        #expect(!outcome.steps.contains { forged.contains($0["type"]?.stringValue ?? "") })
        #expect(events.steps.compactMap { $0["message"]?.stringValue } == forged.map {
            "the agent sent a step of type \"\($0)\", which only Kai sends; it is not shown"
        })
    }

    @Test func run_withoutAgentOrScores_takesTheAssistant() throws {
        let world = try world("choose-default")
        let outcome = try #require(try world.run(.task("hello"), model: "answer") { $0.taskType = "poetry" }.value)
        #expect(outcome.agent == "dev.kai.agents.assistant")
    }

    @Test func run_unknownAgent_saysWhichAgentsThereAre() throws {
        let world = try AgentRunWorld("unknown-agent")
        let error = try #require(try world.run(.task("hello"), model: "answer") { $0.agent = "asistant" }.error)
        #expect(error.kind == .notFound)
        #expect(error.message == "no agent named \"asistant\". Did you mean \"assistant\"? The agents: assistant, supervisor.")
    }

    @Test func supervisor_delegatesEachSubTaskToTheBestScoredAgent() throws {
        let world = try world("supervisor")
        let events = EventLog()
        let outcome = try #require(try world.run(.task("what is 6 * 7, in a sentence"), model: "plan", events: events) { $0.agent = "supervisor" }.value)
        #expect(outcome.status == .done)
        #expect(outcome.message.contains("beta: Research: what is 6 * 7?"))
        #expect(outcome.message.contains("alpha: Write one sentence stating the result."))
        // The delegates' own steps reach the watcher under their names.
        let notes = events.all.compactMap { event -> String? in
            if case .step(let agent, let step) = event, step["type"]?.stringValue == "note" { return agent } else { return nil }
        }
        #expect(Set(notes) == ["alpha", "beta"])
    }

    @Test func delegation_deeperThanTheLimit_isRefused() throws {
        let world = try world("depth")
        let outcome = try #require(try world.run(.task("go deep"), model: "answer") { $0.agent = "nest" }.value)
        #expect(outcome.message == "nest(nest(refused: nest may not delegate to nest: the run allows 2 levels of delegation))")
    }

    @Test func agentCall_carriesTheTaskTypeIntoTheCallLog() throws {
        let world = try world("scores-from-runs")
        _ = try #require(try world.run(.task("poem"), model: "answer") { $0.agent = "alpha"; $0.taskType = "poetry" }.value)
        let runtime = try world.open()
        defer { try? runtime.shutdown() }
        let found = try runtime.store.discover(DiscoveryQuery(kind: .agent, taskType: "poetry", limit: 10))
        #expect(found.first { $0.name == "alpha" }?.calls == 1)
    }
}

/// The run's budget: refused before a call once spent, stopped at once when
/// a response goes past it, max_tokens capped at what is left.
@Suite(.serialized)
struct AgentRunBudgetTests {
    @Test func tokenBudget_reached_refusesTheNextProviderCall() throws {
        let world = try AgentRunWorld("budget-reached")
        let outcome = try #require(try world.run(.task("loop"), model: "loop") { $0.maxTokens = 15 }.value)
        #expect(outcome.status == .budget)
        #expect(outcome.message == "the run's token budget (15) is spent. Done so far: 1 model turn and 1 tool call.")
        let sent = try world.requests()
        #expect(sent.count == 1)
        #expect(sent.first?["max_tokens"]?.intValue == 15)
        #expect(try world.session(outcome.sessionID).record?.status == "budget")
    }

    @Test func tokenBudget_exceededByAResponse_stopsTheRunAtOnce() throws {
        let world = try AgentRunWorld("budget-exceeded")
        let outcome = try #require(try world.run(.task("loop"), model: "loop") { $0.maxTokens = 10 }.value)
        #expect(outcome.status == .budget)
        #expect(outcome.message == "the run's token budget (10) is spent. Done so far: 1 model turn and 0 tool calls.")
        #expect(outcome.inputTokens == 10 && outcome.outputTokens == 5)
        #expect(try world.requests().first?["max_tokens"]?.intValue == 10)
    }

    @Test func costBudget_exceeded_stopsTheRun() throws {
        let world = try AgentRunWorld("budget-cost")
        let outcome = try #require(try world.run(.task("loop"), model: "loop") { $0.maxCostUSD = 0.03 }.value)
        #expect(outcome.status == .budget)
        #expect(outcome.message == "the run's cost budget ($0.03) is spent. Done so far: 2 model turns and 1 tool call.")
        #expect(outcome.costUSD.map { abs($0 - 0.04) < 1e-9 } == true)
    }
}

/// What a run is given: the tools (all but those the policy denies outright,
/// or the --tool ones), and the checks on the request.
@Suite(.serialized)
struct AgentRunToolsTests {
    @Test func tools_deniedOutright_areNotOffered() throws {
        let world = try AgentRunWorld("tools-denied", approvals: """
            approvals:
              tools:
                uuid:
                  mode: deny
            """)
        _ = try #require(try world.run(.task("hello"), model: "answer").value)
        let offered = try #require(try world.requests().first?["tools"]?.arrayValue).compactMap { $0["function"]?["name"]?.stringValue }
        #expect(offered.contains("calculate"))
        #expect(!offered.contains("uuid"))
        let error = try #require(try world.run(.task("hello"), model: "answer") { $0.tools = ["uuid"] }.error)
        #expect(error.kind == .invalid)
        #expect(error.message == "tool \"uuid\" cannot be used in a run: the operator's approvals policy in \(world.configFile) denies every call of it. Drop --tool uuid, or change its mode there.")
    }

    @Test func tools_named_narrowTheRunAndUnknownOnesSuggest() throws {
        let world = try AgentRunWorld("tools-named")
        _ = try #require(try world.run(.task("hello"), model: "answer") { $0.tools = ["calculate", "dev.kai.utils.uuid"] }.value)
        let offered = try #require(try world.requests().first?["tools"]?.arrayValue).compactMap { $0["function"]?["name"]?.stringValue }
        #expect(offered.sorted() == ["calculate", "uuid"])
        let error = try #require(try world.run(.task("hello"), model: "answer") { $0.tools = ["calculat"] }.error)
        #expect(error.kind == .notFound)
        #expect(error.message == "no tool named \"calculat\". Did you mean \"calculate\"? Run 'kai tools list' to see the tools.")
    }
}
