import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai run` end to end: the real kai binary, the bundled assistant agent,
/// the real openai provider and the agent scripted server, which plays a
/// model deterministically (RunWorkspace). The answer streams to stdout;
/// the session, each tool call and result, and how the run ended are lines
/// on stderr; --json writes every event as a line.
@Suite struct RunCLITests {
    @Test func run_callsATool_sendsItsResultBack_andPrintsTheAnswer() throws {
        let workspace = try RunWorkspace("calc")
        let outcome = try workspace.run("calc")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "The result is: {\"result\":42}\n")
        let id = try #require(RunWorkspace.sessionID(outcome.stderr), "\(outcome.stderr)")
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(outcome.stderr)")
        #expect(lines.first == "session \(id) · agent assistant")
        #expect(lines.dropFirst().first == #"→ calculate {"expression":"6 * 7"}"#)
        #expect(lines.dropFirst(2).first?.hasPrefix("← calculate ok ") == true && lines.dropFirst(2).first?.hasSuffix(#" ms: {"result":42}"#) == true)
        #expect(lines.last == "done · tokens 20 in / 10 out")
        // The model saw the tool's result in the second request.
        let requests = try workspace.server.requests()
        #expect(requests.count == 2)
        let toolMessage = requests.last?["messages"]?.arrayValue?.last
        #expect(toolMessage?["role"] == "tool" && toolMessage?["content"] == #"{"result":42}"#)
    }

    /// --turn-tokens caps every model call's max_tokens; --temperature and
    /// --seed are set on every call, over the agent's own choice; and all
    /// three survive in the session for --continue.
    @Test func run_turnTokensTemperatureAndSeed_reachEveryModelCall() throws {
        let workspace = try RunWorkspace("sampling")
        let outcome = try workspace.run("calc", "What is 6 * 7?", ["--turn-tokens", "77", "--temperature", "0", "--seed", "5"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let id = try #require(RunWorkspace.sessionID(outcome.stderr))
        let more = try workspace.kai(["run", "--continue", id, "And 2 + 3?", "-m", "openai/s:calc"])
        #expect(more.status == 0, "\(more.stderr)")
        let requests = try workspace.server.requests()
        #expect(requests.count == 4)
        for request in requests {
            #expect(request["max_tokens"] == 77 && request["temperature"] == 0 && request["seed"] == 5, "\(request)")
        }
    }

    @Test func runJSON_writesEveryEventAsOneLine_thenTheOutcome() throws {
        let workspace = try RunWorkspace("json")
        let outcome = try workspace.run("calc", "What is 6 * 7?", ["--json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr == "")
        let events = try RunWorkspace.jsonLines(outcome.stdout)
        #expect(events.first?["type"] == "session" && events.first?["agent"] == "assistant")
        let id = try #require(events.first?["session"]?.stringValue)
        let types = events.compactMap { $0["type"]?.stringValue }
        #expect(types.filter { $0 != "text" } == ["session", "turn", "tool_started", "tool_finished", "turn", "outcome"])
        let started = try #require(events.first { $0["type"] == "tool_started" })
        #expect(started["tool"] == "calculate" && started["arguments"] == ["expression": "6 * 7"] && started["agent"] == "assistant")
        let finished = try #require(events.first { $0["type"] == "tool_finished" })
        #expect(finished["ok"] == true && finished["result"] == ["result": 42] && finished["id"] == started["id"])
        #expect(events.filter { $0["type"] == "text" }.compactMap { $0["text"]?.stringValue }.joined() == #"The result is: {"result":42}"#)
        let last = try #require(events.last)
        #expect(last["session"]?.stringValue == id)
        #expect(last["status"] == "done" && last["exit_status"] == 0 && last["message"] == #"The result is: {"result":42}"#)
        #expect(last["input_tokens"] == 20 && last["output_tokens"] == 10 && last["cost_usd"] == .null && last["pending_approvals"] == [])
        #expect(last["agent"] == "dev.kai.agents.assistant")
    }

    @Test func run_atTheChainLimit_stopsWithWhatWasDone_andExits3() throws {
        let workspace = try RunWorkspace("chain-limit")
        let outcome = try workspace.run("loop", "Count.", ["--chain-limit", "3"])
        #expect(outcome.status == 3, "\(outcome.stderr)")
        let id = try #require(RunWorkspace.sessionID(outcome.stderr))
        #expect(outcome.stderr.components(separatedBy: "→ calculate").count == 4, "three calls, then no fourth turn: \(outcome.stderr)")
        #expect(outcome.stderr.hasSuffix(
            "stopped at the chain limit · tokens 30 in / 15 out. Raise --chain-limit, or add a turn: kai run --continue \(id) \"...\"\n"))
        #expect(outcome.stdout.hasPrefix("stopped at the chain limit of 3 model turns"), "the agent's account of what it did: \(outcome.stdout)")
        #expect(try workspace.server.requests().count == 3)
    }

    @Test func run_pastTheTokenBudget_stopsCleanly_andExits4() throws {
        let workspace = try RunWorkspace("token-budget")
        let outcome = try workspace.run("loop", "Count.", ["--max-tokens", "20"])
        #expect(outcome.status == 4, "\(outcome.stderr)")
        let id = try #require(RunWorkspace.sessionID(outcome.stderr))
        #expect(outcome.stderr.hasSuffix("""
            stopped: the run's token budget (20) is spent. Done so far: 2 model turns and 1 tool call.
            used tokens 20 in / 10 out. Raise --max-tokens, or add a turn: kai run --continue \(id) "..."

            """), "\(outcome.stderr)")
        #expect(try workspace.server.requests().count == 2, "no model call once the budget is spent")
    }

    @Test func run_pastTheCostBudget_stopsCleanly_andExits4() throws {
        let workspace = try RunWorkspace("cost-budget", priced: true)
        let outcome = try workspace.run("loop", "Count.", ["--max-cost", "0.02"])
        #expect(outcome.status == 4, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("""
            stopped: the run's cost budget ($0.02) is spent. Done so far: 2 model turns and 1 tool call.
            used tokens 20 in / 10 out · cost $0.030000. Raise --max-cost, or add a turn: kai run --continue
            """), "\(outcome.stderr)")
        #expect(try workspace.server.requests().count == 2)
    }

    /// --max-cost with a provider whose answers carry no cost (no prices
    /// configured): the budget cannot be kept, so the run stops after the
    /// first answer rather than spending without a limit.
    @Test func run_withACostBudget_andAnUnpricedProvider_stopsAfterTheFirstAnswer_andExits4() throws {
        let workspace = try RunWorkspace("cost-unpriced")
        let outcome = try workspace.run("loop", "Count.", ["--max-cost", "0.02"])
        #expect(outcome.status == 4, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("""
            stopped: the cost of openai/s:loop's answers is unknown (no price is configured for it), so --max-cost cannot be kept; \
            give its endpoint price_input_per_1m and price_output_per_1m, or use --max-tokens.
            """), "\(outcome.stderr)")
        #expect(try workspace.server.requests().count == 1)
    }

    /// A tool in a worker process (the fixture plugin, `isolation: process`)
    /// that dies of SIGSEGV mid-run: the run survives, the model gets the
    /// error as the tool's result and answers.
    @Test func run_whenAToolWorkerCrashes_theModelGetsTheError_andTheRunGoesOn() throws {
        let plugin = try Fixtures.fixture()
        let workspace = try RunWorkspace("crash", plugins: "  - path: \(plugin)\n    isolation: process")
        let outcome = try workspace.run("call:crash_segv:{}", "Crash.", ["--tool", "crash_segv", "--approve", "crash_segv"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("Done: Error: "), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("its worker process was killed by SIGSEGV (segmentation fault) during the call"), "\(outcome.stdout)")
        #expect(outcome.stderr.contains("✓ crash_segv allowed (by flag)\n→ crash_segv {}\n"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(
            "← crash_segv failed (INTERNAL) "), "after the worker's own warning: \(outcome.stderr)")
        #expect(outcome.stderr.contains(" ms: tool \"test.fixture.crash_segv\" failed: its worker process was killed by SIGSEGV"))
        #expect(outcome.stderr.hasSuffix("done · tokens 20 in / 10 out\n"))
    }

    @Test(arguments: [
        (["run"], "Error: give the task: kai run \"TASK\" (or --resume SESSION, or --continue SESSION \"FOLLOW-UP\")."),
        (["run", "--resume", "s0123456789", "more"],
         "Error: --resume s0123456789 takes no task: the session continues where it stopped. To add a turn to a finished session, use --continue s0123456789 \"FOLLOW-UP\"."),
        (["run", "--continue", "s0123456789"], "Error: --continue s0123456789 needs the follow-up message: kai run --continue s0123456789 \"FOLLOW-UP\"."),
        (["run", "--resume", "S1"], "Error: 'S1' is not a session id (s and 10 hex digits, e.g. s0123456789). Run 'kai sessions list' to see them."),
        (["run", "task", "--chain-limit", "0"], "Error: --chain-limit must be at least 1, got 0."),
        (["run", "task", "--max-cost", "0"], "Error: --max-cost must be a positive number of US dollars, got '0.0'."),
        (["run", "task", "--tool-choice", "always"],
         "Error: The value 'always' is invalid for '--tool-choice <auto|required|once>'. Please provide one of 'auto', 'required' or 'once'."),
        (["run", "task", "--turn-tokens", "0"], "Error: --turn-tokens must be at least 1, got 0."),
        (["run", "task", "--temperature", "2.5"], "Error: --temperature must be from 0 to 2, got '2.5'."),
    ])
    func run_usageErrors_sayWhatToGive_andExit64(arguments: [String], message: String) throws {
        let outcome = try KaiProcess.run(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix(message + "\n"), "\(outcome.stderr)")
    }

    @Test func run_withAnUnknownAgentOrTool_namesWhatThereIs_andExits66() throws {
        let workspace = try RunWorkspace("unknown-names")
        let agent = try workspace.run("answer", "x", ["--agent", "nope"])
        #expect(agent.status == 66)
        #expect(agent.stderr == "kai: error: no agent named \"nope\". The agents: assistant, supervisor.\n")
        let tool = try workspace.run("answer", "x", ["--tool", "nope"])
        #expect(tool.status == 66)
        #expect(tool.stderr == "kai: error: no tool named \"nope\". Run 'kai tools list' to see the tools.\n")
    }

    /// The model's server refuses (an unknown model: HTTP 404): the agent
    /// fails with its provider's message, the session is kept, kai exits 70.
    @Test func run_whenTheAgentFails_printsItsMessage_keepsTheSession_andExits70() throws {
        let workspace = try RunWorkspace("agent-fails")
        let outcome = try workspace.run("no-such-scenario")
        #expect(outcome.status == 70, "\(outcome.stderr)")
        let id = try #require(RunWorkspace.sessionID(outcome.stderr))
        #expect(outcome.stderr.contains("\nkai: error: agent \"dev.kai.agents.assistant\" failed ("), "\(outcome.stderr)")
        #expect(outcome.stderr.hasSuffix("\nfailed · tokens 0 in / 0 out. The session is saved: kai sessions show \(id)\n"))
        #expect(outcome.stdout == "")
        let json = try JSONParser.parse(try workspace.kai(["sessions", "list", "--json"]).stdout)
        #expect(json.arrayValue?.first?["status"] == "failed")
    }

    @Test func run_resumeOfAFinishedSession_saysToContinue_andExits64() throws {
        let workspace = try RunWorkspace("resume-finished")
        let first = try workspace.run("answer")
        let id = try #require(RunWorkspace.sessionID(first.stderr))
        let again = try workspace.kai(["run", "--resume", id])
        #expect(again.status == 64)
        #expect(again.stderr == "kai: error: session \(id) finished (done); use --continue to add a turn\n")
        let missing = try workspace.kai(["run", "--resume", "s0000000000"])
        #expect(missing.status == 66)
        #expect(missing.stderr == "kai: error: no session named \"s0000000000\"; kai sessions list shows the sessions\n")
    }

    @Test func runContinue_addsATurnToAFinishedSession_withItsHistory() throws {
        let workspace = try RunWorkspace("continue")
        let first = try workspace.run("calc")
        let id = try #require(RunWorkspace.sessionID(first.stderr))
        let next = try workspace.kai(["run", "--continue", id, "And the square root of 49?", "-m", "openai/s:echo"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout == "You said: And the square root of 49?\n")
        #expect(RunWorkspace.sessionID(next.stderr) == id, "the same session")
        let last = try #require(try workspace.server.requests().last?["messages"]?.arrayValue)
        #expect(last.compactMap { $0["role"]?.stringValue }.filter { $0 != "system" } == ["user", "assistant", "tool", "assistant", "user"],
                "the whole history went along")
        let show = try workspace.kai(["sessions", "show", id])
        #expect(show.stdout.contains("  user: What is 6 * 7?\n") && show.stdout.contains("  user: And the square root of 49?\n"), "\(show.stdout)")
    }

    /// Ctrl-C while the model is answering (the server hangs on the second
    /// turn): kai stops at once, says how to resume, and exits 130; a new
    /// kai process resumes the session to its end.
    @Test func runCtrlC_leavesTheSessionResumable_andResumeFinishesIt() throws {
        let workspace = try RunWorkspace("ctrl-c")
        let running = try KaiProcess.startAsFromAShell(["run", "What is 6 * 7?", "-m", "openai/s:calc-then-hang"] + workspace.options)
        #expect(running.waitForStderr(containing: "← calculate ok"))
        workspace.server.waitUntilHanging()
        kill(running.process.processIdentifier, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status == 130, "\(outcome.stderr)")
        let id = try #require(RunWorkspace.sessionID(outcome.stderr))
        #expect(outcome.stderr.contains("kai: stopping the run (Ctrl-C again to quit at once)\n"))
        #expect(outcome.stderr.hasSuffix(
            "interrupted; kai run --resume \(id) continues the run. Done so far: 1 model turn and 1 tool call.\n"), "\(outcome.stderr)")
        let listed = try JSONParser.parse(try workspace.kai(["sessions", "list", "--json"]).stdout)
        #expect(listed.arrayValue?.first?["status"] == "interrupted")

        let resumed = try workspace.kai(["run", "--resume", id, "-m", "openai/s:calc"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout == "The result is: {\"result\":42}\n", "the tool's result was kept: no second call")
        #expect(!resumed.stderr.contains("→ calculate"))
    }

    /// The supervisor plans (scenario "plan"), then delegates each sub-task
    /// to an agent of the agent_world fixture (alpha and beta, tagged
    /// research and writing): the plan and each delegation are lines.
    @Test func run_withTheSupervisor_showsThePlanAndEachDelegation() throws {
        let world = try Fixtures.compile("agent_world_plugin", source: Fixtures.repositoryRoot + "/Tests/Fixtures/agent_world_plugin.c",
                                         flags: ["-lpthread"])
        let workspace = try RunWorkspace("supervisor", plugins: "  - path: \(world)\n    isolation: inprocess")
        let outcome = try workspace.run("plan", "Work out 6*7 and say it.", ["--agent", "supervisor"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let id = try #require(RunWorkspace.sessionID(outcome.stderr))
        let delegate = try #require(outcome.stderr.range(of: #"⇢ test\.agentworld\.(alpha|beta): Research"#, options: .regularExpression)
            .map { String(outcome.stderr[$0].dropFirst(2).dropLast(10)) }, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("""
            session \(id) · agent supervisor
            ▸ plan: 2 sub-tasks
                1. [research] Research: what is 6 * 7?
                2. [writing] Write one sentence stating the result.
            ⇢ \(delegate): Research: what is 6 * 7?
            ⇠ \(delegate) ok: \(delegate.split(separator: ".").last!) did: Research: what is 6 * 7?

            """), "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("Combined:\n"), "\(outcome.stdout)")
    }
}
