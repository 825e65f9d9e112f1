import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// The approval gate through real runs: the assistant agent on the scripted
/// server calls `calculate` (made to ask by the approvals policy) or the
/// fixture's `fail` (no annotations: MCP's defaults ask).
@Suite(.serialized)
struct AgentRunApprovalTests {
    static let askCalculate = """
        approvals:
          tools:
            calculate:
              mode: ask
        """

    @Test func run_readOnlyTool_runsWithoutAsking() throws {
        let world = try AgentRunWorld("allow")
        let events = EventLog()
        let outcome = try #require(try world.run(.task("what is 6 * 7?"), model: "calc", events: events).value)
        #expect(outcome.status == .done)
        #expect(outcome.message == #"The result is: {"result":42}"#)
        #expect(!events.steps.contains { $0["type"]?.stringValue == "approval" })
        #expect(events.text.hasSuffix(#"The result is: {"result":42}"#))
        let finished = try #require(events.steps.first { $0["type"]?.stringValue == "tool_finished" })
        #expect(finished["ok"]?.boolValue == true)
        #expect(finished["tool"]?.stringValue == "calculate")
        #expect(finished["id"]?.stringValue == "call_1_1")
    }

    @Test func run_askWithPrompterAllowing_runsTheCallAndRecordsWhoAllowed() throws {
        let world = try AgentRunWorld("ask-allow", approvals: Self.askCalculate)
        let prompter = ScriptedPrompter([.allow])
        let events = EventLog()
        let outcome = try #require(try world.run(.task("what is 6 * 7?"), model: "calc", events: events) { $0.prompter = prompter }.value)
        #expect(outcome.status == .done)
        #expect(outcome.message == #"The result is: {"result":42}"#)
        let question = try #require(prompter.questions.first)
        #expect(question.tool == "dev.kai.utils.calculate")
        #expect(question.arguments == ["expression": "6 * 7"])
        #expect(question.reason == "named in the approvals policy at approvals.tools.calculate")
        let approval = try #require(events.steps.first { $0["type"]?.stringValue == "approval" })
        #expect(approval["decision"]?.stringValue == "allowed")
        #expect(approval["by"]?.stringValue == "terminal")
    }

    @Test func run_askWithPrompterDenying_tellsTheModelTheUserDenied() throws {
        let world = try AgentRunWorld("ask-deny", approvals: Self.askCalculate)
        let outcome = try #require(try world.run(.task("what is 6 * 7?"), model: "calc") { $0.prompter = ScriptedPrompter([.deny]) }.value)
        #expect(outcome.status == .done)
        #expect(outcome.message == "The result is: Error: the user denied this call of calculate")
        #expect(!outcome.steps.contains { $0["type"]?.stringValue == "tool_started" })
    }

    @Test func run_askAnsweredStopRun_endsTheRunDenied() throws {
        let world = try AgentRunWorld("ask-stop", approvals: Self.askCalculate)
        let outcome = try #require(try world.run(.task("what is 6 * 7?"), model: "calc") { $0.prompter = ScriptedPrompter([.stopRun]) }.value)
        #expect(outcome.status == .denied)
        #expect(outcome.message == "the user denied a call of calculate and stopped the run. Done so far: 1 model turn and 0 tool calls.")
        #expect(try world.session(outcome.sessionID).record?.status == "denied")
    }

    /// Ctrl-C at the prompt: the run ends interrupted, nothing records the
    /// call as denied, and --resume lets the model call it (asked again).
    @Test func run_askCancelled_endsTheRunInterrupted_withoutADenial_andResumeAsksAgain() throws {
        let world = try AgentRunWorld("ask-cancelled", approvals: Self.askCalculate)
        let outcome = try #require(try world.run(.task("what is 6 * 7?"), model: "calc") { $0.prompter = ScriptedPrompter([.cancelled]) }.value)
        #expect(outcome.status == .interrupted, "\(outcome.message)")
        #expect(!outcome.steps.contains { $0["type"]?.stringValue == "approval" })
        let (record, events) = try world.session(outcome.sessionID)
        #expect(record?.status == "interrupted")
        #expect(!events.contains { $0.kind == "tool_call" || $0.kind == "approval" }, "\(events.map(\.kind))")
        let messages = record?.state["messages"]?.arrayValue ?? []
        #expect(!messages.contains { $0["content"]?.stringValue == "the user denied this call of calculate" })
        let prompter = ScriptedPrompter([.allow])
        let resumed = try #require(try world.run(.resume(session: outcome.sessionID), model: "calc") { $0.prompter = prompter }.value)
        #expect(resumed.status == .done, "\(resumed.message)")
    }

    /// Two plugins offer write_file: the model sees qualified names, and
    /// --approve write_file approves neither; the qualified name does.
    @Test func approve_aShortNameTwoPluginsShare_approvesNeither() throws {
        var plugins = ""
        for id in ["test.agentworld", "test.otherworld"] {
            let path = try Fixtures.compile("agent_world_plugin_\(id)", source: Fixtures.repositoryRoot + "/Tests/Fixtures/agent_world_plugin.c",
                                            flags: ["-pthread", "-DWORLD_ID=\"\(id)\""])
            plugins += "  - path: \(path)\n    isolation: inprocess\n"
        }
        let world = try AgentRunWorld("approve-ambiguous", extraPlugins: plugins)
        let tools = ["test.agentworld.write_file", "test.otherworld.write_file"]
        let call = #"call:test.otherworld.write_file:{"path": "/tmp/x", "content": "hi"}"#
        let short = try #require(try world.run(.task("write"), model: call) { $0.tools = tools; $0.approveTools = ["write_file"] }.value)
        #expect(short.message == "Done: Error: tool 'test.otherworld.write_file' needs approval (has no annotations (MCP treats that as destructive "
            + "and open-world)) and there is no terminal to ask; rerun with --approve test.otherworld.write_file (or --yes) to allow it", "\(short.message)")
        let qualified = try #require(try world.run(.task("write"), model: call) {
            $0.tools = tools
            $0.approveTools = ["test.otherworld.write_file"]
        }.value)
        #expect(qualified.message == #"Done: {"written":2}"#, "\(qualified.message)")
    }

    @Test func run_allowAlwaysOnParallelCalls_asksOnceAndNeverTwoAtOnce() throws {
        let world = try AgentRunWorld("ask-always", approvals: Self.askCalculate)
        let prompter = ScriptedPrompter([.allowAlways], window: true)
        let outcome = try #require(try world.run(.task("two sums"), model: "parallel") { $0.prompter = prompter }.value)
        #expect(outcome.status == .done)
        #expect(prompter.questions.count == 1)
        #expect(prompter.mostAtOnce == 1)
        #expect(outcome.steps.filter { $0["type"]?.stringValue == "tool_finished" && $0["ok"]?.boolValue == true }.count == 2)
    }

    @Test func run_askWithoutTerminal_deniesWithTheFlagToUse() throws {
        let world = try AgentRunWorld("no-terminal")
        let outcome = try #require(try world.run(.task("fail please"), model: "call:fail:{}").value)
        let text = "tool 'fail' needs approval (has no annotations (MCP treats that as destructive and open-world)) "
            + "and there is no terminal to ask; rerun with --approve fail (or --yes) to allow it"
        #expect(outcome.status == .done)
        #expect(outcome.message == "Done: Error: " + text)
        let approval = try #require(outcome.steps.first { $0["type"]?.stringValue == "approval" })
        #expect(approval["decision"]?.stringValue == "denied")
        #expect(approval["by"]?.stringValue == "policy")
        #expect(approval["message"]?.stringValue == text)
        let sent = try #require(try world.requests().last)
        #expect(sent.toolResults["call_1_1"] == "Error: " + text)
    }

    @Test(arguments: [["approve"], ["yes"], ["approve-qualified"]])
    func run_askWithApproveOrYes_runsTheCall(flags: [String]) throws {
        let world = try AgentRunWorld("flag-\(flags[0])", approvals: Self.askCalculate)
        let outcome = try #require(try world.run(.task("what is 6 * 7?"), model: "calc") { request in
            switch flags[0] {
            case "approve": request.approveTools = ["calculate"]
            case "approve-qualified": request.approveTools = ["dev.kai.utils.calculate"]
            default: request.yes = true
            }
        }.value)
        #expect(outcome.message == #"The result is: {"result":42}"#)
        let approval = try #require(outcome.steps.first { $0["type"]?.stringValue == "approval" })
        #expect(approval["by"]?.stringValue == "flag")
    }

    @Test func run_denyRuleMatching_refusesEvenWithYes() throws {
        let world = try AgentRunWorld("deny-rule", approvals: """
            approvals:
              tools:
                calculate:
                  mode: allow
                  rules:
                    - when: {expression: "6 *"}
                      mode: deny
            """)
        let outcome = try #require(try world.run(.task("what is 6 * 7?"), model: "tool-error") { $0.yes = true }.value)
        #expect(outcome.message == "The tool failed, so I cannot answer: Error: the operator's policy denies calculate")
    }

    @Test func run_twoApproverTool_pausesWithAStoredApprovalEvenWithYes() throws {
        let world = try AgentRunWorld("two-approvers", approvals: TwoApproverSetup.yaml)
        let events = EventLog()
        let outcome = try #require(try world.run(.task("what is 6 * 7?"), model: "calc", events: events) { $0.yes = true }.value)
        #expect(outcome.status == .paused)
        let id = try #require(outcome.pendingApprovals.first)
        #expect(id.count == 11 && id.hasPrefix("a"))
        #expect(outcome.message == "tool 'calculate' needs 2 approvers: approval \(id) is pending, and the run pauses until it is decided. "
            + "Another user approves it with kai approvals approve \(id); then kai run --resume \(outcome.sessionID) continues the run. "
            + "Done so far: 1 model turn and 0 tool calls.")
        let runtime = try world.open()
        defer { try? runtime.shutdown() }
        let approval = try #require(try runtime.store.approval(id: id))
        #expect(approval.status == "pending")
        #expect(approval.tool == "dev.kai.utils.calculate")
        #expect(approval.callID == "call_1_1")
        #expect(approval.needed == 2)
        #expect(approval.starterUID == getuid())
        #expect(approval.argumentsHash == RegistryStore.argumentsHash(tool: "dev.kai.utils.calculate", arguments: ["expression": "6 * 7"]))
        let session = try #require(try runtime.store.session(id: outcome.sessionID))
        #expect(session.status == "paused")
        #expect(session.state["pending"]?.arrayValue?.first?["approval_id"]?.stringValue == id)
        let pending = try #require(events.steps.first { $0["decision"]?.stringValue == "pending" })
        #expect(pending["approval_id"]?.stringValue == id)
    }

    @Test func run_toolWhoseWorkerCrashes_tellsTheModelWhatHappened() throws {
        let world = try AgentRunWorld("crash")
        let outcome = try #require(try world.run(.task("crash"), model: "call:crash_segv:{}") { $0.approveTools = ["crash_segv"] }.value)
        #expect(outcome.status == .done)
        #expect(outcome.message.hasPrefix("Done: Error: tool \"test.fixture.crash_segv\" failed: its worker process was killed by"))
        let finished = try #require(outcome.steps.first { $0["type"]?.stringValue == "tool_finished" })
        #expect(finished["ok"]?.boolValue == false)
        #expect(finished["code"]?.stringValue == "INTERNAL")
    }
}

enum TwoApproverSetup {
    static let yaml = """
        approvals:
          tools:
            calculate:
              mode: ask
              approvers: 2
        """
}
