import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// Sessions through real runs: recorded, resumed after approvers decided
/// (in a new runtime, as after a restart), interrupted and resumed,
/// continued; and the starts that cannot be.
@Suite(.serialized)
struct AgentRunSessionTests {
    /// A run paused on a two-approver call, and its approval id.
    private func paused(_ world: AgentRunWorld) throws -> (session: String, approval: String) {
        let outcome = try #require(try world.run(.task("what is 6 * 7?"), model: "calc").value)
        try #require(outcome.status == .paused)
        return (outcome.sessionID, try #require(outcome.pendingApprovals.first))
    }

    private func vote(_ world: AgentRunWorld, _ id: String, approve: Bool) throws {
        let runtime = try world.open()
        defer { try? runtime.shutdown() }
        // Two users other than the starter (the real two-uid path is the CLI's test).
        let voters: [UInt32] = approve ? [getuid() &+ 1001, getuid() &+ 1002] : [getuid() &+ 1001]
        for uid in voters { _ = try runtime.store.voteOnApproval(id: id, uid: uid, approve: approve, at: WallClock.now()) }
    }

    @Test func run_recordsTheSessionAndItsSteps() throws {
        let world = try AgentRunWorld("session-record")
        let outcome = try #require(try world.run(.task("what is 6 * 7?"), model: "calc") { request in
            request.taskType = "math"
            request.tests = "assert True"
        }.value)
        let (record, events) = try world.session(outcome.sessionID)
        let session = try #require(record)
        #expect(outcome.sessionID.count == 11 && outcome.sessionID.hasPrefix("s"))
        #expect(session.status == "done")
        #expect(session.agent == "dev.kai.agents.assistant")
        #expect(session.task == "what is 6 * 7?")
        #expect(session.starterUID == getuid())
        #expect(session.inputTokens == 20 && session.outputTokens == 10)
        #expect(session.costUSD.map { abs($0 - 0.04) < 1e-9 } == true)
        #expect(outcome.inputTokens == 20 && outcome.outputTokens == 10)
        let kinds = events.map(\.kind)
        #expect(kinds.first == "message")
        #expect(kinds.last == "status")
        #expect(kinds.contains("tool_call") && kinds.contains("usage") && kinds.contains("step"))
        let messages = session.state["messages"]?.arrayValue ?? []
        #expect(messages.map { $0["role"]?.stringValue ?? "" } == ["user", "assistant", "tool", "assistant"])
        #expect(session.state["settings"]?["model"]?.stringValue == "openai/calc")
        #expect(session.state["settings"]?["task_type"]?.stringValue == "math")
        #expect(session.state["settings"]?["tests"]?.stringValue == "assert True")
    }

    @Test func resume_afterApprovers_approved_runsTheCallInANewRuntime() throws {
        let world = try AgentRunWorld("resume-approved", approvals: TwoApproverSetup.yaml)
        let (session, approval) = try paused(world)
        try vote(world, approval, approve: true)
        let outcome = try #require(try world.run(.resume(session: session), model: nil).value)
        #expect(outcome.status == .done)
        #expect(outcome.message == #"The result is: {"result":42}"#)
        let step = try #require(outcome.steps.first { $0["type"]?.stringValue == "approval" })
        #expect(step["decision"]?.stringValue == "allowed")
        #expect(step["approval_id"]?.stringValue == approval)
        let runtime = try world.open()
        defer { try? runtime.shutdown() }
        #expect(try runtime.store.approval(id: approval)?.status == "used")
        #expect(try runtime.store.session(id: session)?.status == "done")
    }

    @Test func resume_afterApprovers_denied_tellsTheModel() throws {
        let world = try AgentRunWorld("resume-denied", approvals: TwoApproverSetup.yaml)
        let (session, approval) = try paused(world)
        try vote(world, approval, approve: false)
        let outcome = try #require(try world.run(.resume(session: session), model: nil).value)
        #expect(outcome.message == "The result is: Error: approvers denied this call of calculate")
        #expect(!outcome.steps.contains { $0["type"]?.stringValue == "tool_started" })
    }

    /// The operator denied the tool while the run waited: --resume asks the
    /// policy again, the model gets its denial and the approval stays unused.
    @Test func resume_afterApprovers_approved_butThePolicyNowDenies_refusesTheCall() throws {
        let world = try AgentRunWorld("resume-policy-deny", approvals: TwoApproverSetup.yaml)
        let (session, approval) = try paused(world)
        try vote(world, approval, approve: true)
        let config = try String(contentsOfFile: world.configFile, encoding: .utf8)
        try config.replacingOccurrences(of: "      approvers: 2", with: """
                  approvers: 2
                  rules:
                    - when: {expression: "**"}
                      mode: deny
            """).write(toFile: world.configFile, atomically: true, encoding: .utf8)
        let outcome = try #require(try world.run(.resume(session: session), model: nil).value)
        #expect(outcome.message == "The result is: Error: the operator's policy denies calculate")
        #expect(!outcome.steps.contains { $0["type"]?.stringValue == "tool_started" })
        let runtime = try world.open()
        defer { try? runtime.shutdown() }
        #expect(try runtime.store.approval(id: approval)?.status == "approved")
    }

    /// An approval asked by a run that another user continued keeps the
    /// session's starter as the one uid that may not approve it.
    @Test func approval_ofAContinuedSession_namesTheSessionsStarter() throws {
        let world = try AgentRunWorld("starter-uid", approvals: TwoApproverSetup.yaml)
        let first = try #require(try world.run(.task("hello"), model: "answer").value)
        let copy = SessionRecord.newID()
        do {
            let runtime = try world.open()
            defer { try? runtime.shutdown() }
            var record = try #require(try runtime.store.session(id: first.sessionID))
            record.id = copy
            record.starterUID = getuid() &+ 4242
            try runtime.store.createSession(record)
        }
        let outcome = try #require(try world.run(.continueSession(session: copy, followUp: "what is 6 * 7?"), model: "calc").value)
        #expect(outcome.status == .paused)
        let id = try #require(outcome.pendingApprovals.first)
        let runtime = try world.open()
        defer { try? runtime.shutdown() }
        #expect(try runtime.store.approval(id: id)?.starterUID == getuid() &+ 4242)
    }

    @Test func resume_whileStillPending_staysPausedWithoutCallingTheAgent() throws {
        let world = try AgentRunWorld("resume-pending", approvals: TwoApproverSetup.yaml)
        let (session, approval) = try paused(world)
        let before = try world.requests().count
        let outcome = try #require(try world.run(.resume(session: session), model: nil).value)
        #expect(outcome.status == .paused)
        #expect(outcome.pendingApprovals == [approval])
        #expect(outcome.message == "session \(session) is still waiting for approval \(approval) (kai approvals list); resume it once it is decided")
        #expect(try world.requests().count == before)
        #expect(try world.session(session).record?.status == "paused")
    }

    @Test func run_ctrlC_leavesTheSessionInterruptedAndResumable() throws {
        let world = try AgentRunWorld("interrupt")
        let token = CancellationToken()
        let runtime = try world.open()
        let background = BackgroundRun {
            world.run(.task("what is 6 * 7?"), model: "calc-then-hang", on: runtime) { $0.cancellation = token }
        }
        world.server.waitUntilHanging()
        token.cancel()
        let outcome = try #require(background.wait()?.value)
        try runtime.shutdown()
        #expect(outcome.status == .interrupted)
        #expect(outcome.message == "interrupted; kai run --resume \(outcome.sessionID) continues the run. Done so far: 1 model turn and 1 tool call.")
        #expect(try world.session(outcome.sessionID).record?.status == "interrupted")
        // Resumed with a model that answers: the tool's result is already in the history.
        let resumed = try #require(try world.run(.resume(session: outcome.sessionID), model: "calc").value)
        #expect(resumed.status == .done)
        #expect(resumed.message == #"The result is: {"result":42}"#)
    }

    @Test func resume_interruptedMidTool_givesTheCutCallAnInterruptedResult() throws {
        let world = try AgentRunWorld("interrupt-tool")
        let token = CancellationToken()
        let runtime = try world.open()
        let background = BackgroundRun {
            world.run(.task("sleep"), model: #"call:sleep_ms:{"ms": 60000}"#, on: runtime) { request in
                request.cancellation = token
                request.approveTools = ["sleep_ms"]
                request.onEvent = { event in if case .step(_, let step) = event, step["type"]?.stringValue == "tool_started" { token.cancel() } }
            }
        }
        let outcome = try #require(background.wait()?.value)
        try runtime.shutdown()
        #expect(outcome.status == .interrupted)
        let resumed = try #require(try world.run(.resume(session: outcome.sessionID), model: #"call:sleep_ms:{"ms": 1}"#).value)
        #expect(resumed.message == "Done: Error: " + RunHistory.interruptedText)
    }

    @Test func continue_aFinishedSession_addsAUserTurn() throws {
        let world = try AgentRunWorld("continue")
        let first = try #require(try world.run(.task("hello"), model: "answer").value)
        #expect(first.message == "The answer is 42.")
        let outcome = try #require(try world.run(.continueSession(session: first.sessionID, followUp: "and then?"), model: "echo").value)
        #expect(outcome.status == .done)
        #expect(outcome.message == "You said: and then?")
        let sent = try #require(try world.requests().last?["messages"]?.arrayValue)
        #expect(sent.contains { $0["content"]?.stringValue == "The answer is 42." })
        let messages = try world.session(first.sessionID).record?.state["messages"]?.arrayValue ?? []
        #expect(messages.map { $0["role"]?.stringValue ?? "" } == ["user", "assistant", "user", "assistant"])
    }

    @Test func starts_thatCannotRun_sayWhyAndWhatToUse() throws {
        let world = try AgentRunWorld("bad-starts", approvals: TwoApproverSetup.yaml)
        let done = try #require(try world.run(.task("hello"), model: "answer").value)
        let resumeDone = try #require(try world.run(.resume(session: done.sessionID), model: nil).error)
        #expect(resumeDone.kind == .notResumable)
        #expect(resumeDone.message == "session \(done.sessionID) finished (done); use --continue to add a turn")
        let (paused, _) = try paused(world)
        let continuePaused = try #require(try world.run(.continueSession(session: paused, followUp: "more"), model: nil).error)
        #expect(continuePaused.message == "session \(paused) is paused waiting for approvals; use --resume to continue it")
        let unknown = try #require(try world.run(.resume(session: "s0123456789"), model: nil).error)
        #expect(unknown.kind == .notFound)
        #expect(unknown.message == "no session named \"s0123456789\"; kai sessions list shows the sessions")
    }

    /// A two-approver call made inside a tool (kai_host.call_tool), not by
    /// the agent: --resume cannot answer it, so the agent's call is closed
    /// as interrupted; the approval stays for the same call made again.
    @Test func nestedTwoApproverCall_approved_isUsedWhenTheRunMakesItAgain() throws {
        let world = try AgentRunWorld("nested-approval", approvals: TwoApproverSetup.yaml)
        let nested = #"call:call_tool:{"name": "calculate", "args": {"expression": "6 * 7"}}"#
        let first = try #require(try world.run(.task("nested"), model: nested) { $0.approveTools = ["call_tool"] }.value)
        #expect(first.status == .paused)
        let approval = try #require(first.pendingApprovals.first)
        try vote(world, approval, approve: true)
        let resumed = try #require(try world.run(.resume(session: first.sessionID), model: nil) { $0.approveTools = ["call_tool"] }.value)
        #expect(resumed.message == "Done: Error: " + RunHistory.interruptedText)
        let again = try #require(try world.run(.continueSession(session: first.sessionID, followUp: "again"), model: nested) {
            $0.approveTools = ["call_tool"]
        }.value)
        #expect(again.status == .done)
        #expect(again.message == #"Done: {"result":42}"#)
        let step = try #require(again.steps.first { $0["type"]?.stringValue == "approval" && $0["tool"]?.stringValue == "calculate" })
        #expect(step["by"]?.stringValue?.hasPrefix("approvers ") == true)
        let runtime = try world.open()
        defer { try? runtime.shutdown() }
        #expect(try runtime.store.approval(id: approval)?.status == "used")
    }

    /// A session left "running": refused while its process lives, resumed
    /// like an interrupted one once that process is gone.
    @Test func resume_ofARunningSession_dependsOnItsProcess() throws {
        let world = try AgentRunWorld("running-owner")
        let done = try #require(try world.run(.task("hello"), model: "answer").value)
        func mark(owner: RunOwner) throws {
            let runtime = try world.open()
            defer { try? runtime.shutdown() }
            let record = try #require(try runtime.store.session(id: done.sessionID))
            guard case .object(var state) = record.state else { Issue.record("the state is not an object"); return }
            state["owner"] = owner.json
            try runtime.store.updateSession(id: record.id, status: "running", state: .object(state), inputTokens: record.inputTokens,
                                            outputTokens: record.outputTokens, costUSD: record.costUSD, at: WallClock.now())
        }
        let alive = try #require(RunOwner.current)
        try mark(owner: alive)
        let refused = try #require(try world.run(.resume(session: done.sessionID), model: nil).error)
        #expect(refused.message == "session \(done.sessionID) is still running in another kai process; wait for it to end (or stop it with Ctrl-C), then resume it")
        try mark(owner: RunOwner(pid: alive.pid, startTicks: alive.startTicks + 1))
        let resumed = try #require(try world.run(.resume(session: done.sessionID), model: nil).value)
        #expect(resumed.status == .done)
        #expect(resumed.message == "The answer is 42.")
    }
}
