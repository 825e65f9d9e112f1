import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Every single-user approval path of `kai run`, end to end: a read-only
/// tool runs without asking; on a terminal (a real pty) kai asks and the
/// answer decides; with no terminal the call is denied with the message
/// naming --approve, unless --approve or --yes allows it; a deny rule wins
/// over --yes. A denial reaches the model as the tool's error result (the
/// scripted model quotes it: "The result is: Error: ...").
@Suite struct ApprovalsCLITests {
    static let askCalculate = """
        approvals:
          tools:
            calculate:
              mode: ask
        """
    static let noTerminal = "tool 'calculate' needs approval (named in the approvals policy at approvals.tools.calculate) "
        + "and there is no terminal to ask; rerun with --approve calculate (or --yes) to allow it"
    static let prompt = "[y] allow  [a] allow always (this run)  [n] deny  [q] deny and stop the run: "

    @Test func aReadOnlyTool_isAllowedByPolicy_withoutAsking() throws {
        let workspace = try RunWorkspace("approve-policy")
        let outcome = try workspace.run("calc")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("✓") && !outcome.stderr.contains("✗"), "no approval line: \(outcome.stderr)")
        let events = try RunWorkspace.jsonLines(try workspace.run("calc", "What is 6 * 7?", ["--json"]).stdout)
        #expect(events.contains { $0["type"] == "tool_finished" } && !events.contains { $0["type"] == "approval" })
    }

    @Test func withNoTerminal_aCallThatNeedsApproval_isDenied_withTheMessageNamingApprove() throws {
        let workspace = try RunWorkspace("approve-no-tty", extra: Self.askCalculate)
        let outcome = try workspace.run("calc")
        #expect(outcome.status == 0, "the run goes on: \(outcome.stderr)")
        #expect(outcome.stderr.contains("\n✗ calculate denied: \(Self.noTerminal)\n"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("→ calculate"), "the call did not run")
        #expect(outcome.stdout == "The result is: Error: \(Self.noTerminal)\n", "the model was told")
    }

    @Test func aToolWithoutAnnotations_needsApproval_asMCPsDefaultsSay() throws {
        let plugin = try Fixtures.fixture()
        let workspace = try RunWorkspace("approve-unannotated", plugins: "  - path: \(plugin)\n    isolation: process")
        let outcome = try workspace.run("call:crash_segv:{}", "Crash.", ["--tool", "crash_segv"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\n✗ crash_segv denied: tool 'crash_segv' needs approval (has no annotations (MCP treats that as "
            + "destructive and open-world)) and there is no terminal to ask; rerun with --approve crash_segv (or --yes) to allow it\n"),
            "\(outcome.stderr)")
    }

    @Test(arguments: [["--approve", "calculate"], ["--approve", "dev.kai.utils.calculate"], ["--yes"]])
    func approveOrYes_allowsACallThePolicyAsksAbout(flags: [String]) throws {
        let workspace = try RunWorkspace("approve-flag-\(flags.count)-\(flags.last!.count)", extra: Self.askCalculate)
        let outcome = try workspace.run("calc", "What is 6 * 7?", flags)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\n✓ calculate allowed (by flag)\n→ calculate {\"expression\":\"6 * 7\"}\n"), "\(outcome.stderr)")
        #expect(outcome.stdout == "The result is: {\"result\":42}\n")
    }

    @Test func aDenyRule_refusesTheCall_evenWithYes() throws {
        let workspace = try RunWorkspace("approve-deny-rule", extra: """
            approvals:
              tools:
                calculate:
                  mode: ask
                  rules:
                    - when: {expression: "6*"}
                      mode: deny
            """)
        let outcome = try workspace.run("calc", "What is 6 * 7?", ["--yes", "--approve", "calculate"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\n✗ calculate denied: the operator's policy denies calculate\n"), "\(outcome.stderr)")
        #expect(outcome.stdout == "The result is: Error: the operator's policy denies calculate\n")
    }

    // MARK: on a terminal

    @Test func onATerminal_kaiAsks_showingToolArgumentsAndReason_andYRunsTheCall() throws {
        let workspace = try RunWorkspace("approve-tty-y", extra: Self.askCalculate)
        let outcome = try workspace.kaiOnATerminal(["run", "What is 6 * 7?", "-m", "openai/s:calc"], answers: [(Self.prompt, "y")])
        let screen = outcome.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(outcome.status == 0, "\(screen)")
        #expect(screen.contains("""
            kai: approve this call of dev.kai.utils.calculate? (named in the approvals policy at approvals.tools.calculate)
              expression: 6 * 7
            \(Self.prompt)y
            ✓ calculate allowed (by terminal)
            → calculate {"expression":"6 * 7"}
            """), "\(screen)")
        #expect(screen.contains("The result is: {\"result\":42}\n"))
    }

    /// The arguments come from the model: their control characters are shown
    /// as \xNN (they cannot act on the terminal), and a long value is cut.
    @Test func onATerminal_theQuestionShowsArgumentsVisible_andCutsLongValues() throws {
        let workspace = try RunWorkspace("approve-tty-long", extra: Self.askCalculate)
        let expression = "\u{1b}[2J" + String(repeating: "1+", count: 150) + "1"
        let arguments = JSONValue.object(["expression": .string(expression)]).serialized()
        let outcome = try workspace.kaiOnATerminal(["run", "Add.", "-m", "openai/s:call:calculate:" + arguments], answers: [(Self.prompt, "n")])
        let screen = outcome.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(outcome.status == 0, "\(screen)")
        #expect(!screen.contains("\u{1b}"), "no raw escape reached the terminal")
        let shown = String(("\\x1b[2J" + String(repeating: "1+", count: 150)).prefix(199)) + "…"
        #expect(screen.contains("  expression: \(shown) (305 characters)\n\(Self.prompt)n\n"), "\(screen)")
    }

    @Test func onATerminal_nDeniesTheCall_andTheModelIsTold_afterAnUnclearAnswerIsAskedAgain() throws {
        let workspace = try RunWorkspace("approve-tty-n", extra: Self.askCalculate)
        let outcome = try workspace.kaiOnATerminal(
            ["run", "What is 6 * 7?", "-m", "openai/s:calc"], answers: [(Self.prompt, "perhaps"), ("please answer y, a, n or q: ", "n")])
        let screen = outcome.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(outcome.status == 0, "\(screen)")
        #expect(screen.contains("✗ calculate denied: the user denied this call of calculate\n"), "\(screen)")
        #expect(screen.contains("The result is: Error: the user denied this call of calculate\n"))
        #expect(!screen.contains("→ calculate"))
    }

    @Test func onATerminal_qDeniesAndStopsTheRun_exit5() throws {
        let workspace = try RunWorkspace("approve-tty-q", extra: Self.askCalculate)
        let outcome = try workspace.kaiOnATerminal(["run", "What is 6 * 7?", "-m", "openai/s:calc"], answers: [(Self.prompt, "q")])
        let screen = outcome.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(outcome.status == 5, "\(screen)")
        #expect(screen.contains("stopped: the user denied a call of calculate and stopped the run. Done so far: 1 model turn and 0 tool calls.\n"
            + "used tokens 10 in / 5 out\n"), "\(screen)")
    }

    /// Ctrl-C (typed on the terminal: the line discipline sends SIGINT) while
    /// kai asks: the run is interrupted, resumable, and nobody denied the call.
    @Test func onATerminal_ctrlCAtThePrompt_interruptsTheRun_withoutADenial_exit130() throws {
        let workspace = try RunWorkspace("approve-tty-ctrl-c", extra: Self.askCalculate)
        let outcome = try workspace.kaiOnATerminal(["run", "What is 6 * 7?", "-m", "openai/s:calc"], answers: [(Self.prompt, "\u{03}")])
        let screen = outcome.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(outcome.status == 130, "\(screen)")
        let id = try #require(RunWorkspace.sessionID(screen))
        #expect(screen.contains("interrupted; kai run --resume \(id) continues the run. Done so far: 1 model turn and 0 tool calls.\n"), "\(screen)")
        #expect(!screen.contains("denied"), "\(screen)")
        let shown = try workspace.kai(["sessions", "show", id])
        #expect(!shown.stdout.contains("denied"), "\(shown.stdout)")
    }

    @Test func onATerminal_aAllowsTheToolForTheRestOfTheRun_askingOnce() throws {
        let workspace = try RunWorkspace("approve-tty-a", extra: Self.askCalculate)
        let outcome = try workspace.kaiOnATerminal(["run", "Two sums.", "-m", "openai/s:parallel"], answers: [(Self.prompt, "a")])
        let screen = outcome.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(outcome.status == 0, "\(screen)")
        #expect(screen.components(separatedBy: "kai: approve this call").count == 2, "asked once: \(screen)")
        #expect(screen.components(separatedBy: "✓ calculate allowed (by terminal)").count == 3, "both calls allowed: \(screen)")
        #expect(screen.contains("Results: {\"result\":42} | {\"result\":5}\n"))
    }

    // MARK: kai approvals

    @Test func approvalIDs_areCheckedBeforeAnythingOpens() throws {
        let bad = try KaiProcess.run(["approvals", "approve", "x1"])
        #expect(bad.status == 64)
        #expect(bad.stderr.hasPrefix("Error: 'x1' is not an approval id (a and 10 hex digits, e.g. a0123456789). Run 'kai approvals list' to see the pending ones.\n"))
        let workspace = try RunWorkspace("approvals-unknown")
        let missing = try workspace.kai(["approvals", "approve", "a0000000000"])
        #expect(missing.status == 66)
        #expect(missing.stderr == "kai: error: no approval a0000000000; see kai approvals list\n")
    }
}
