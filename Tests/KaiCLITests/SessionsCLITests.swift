import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai sessions list | show` and `kai logs prune` over sessions that real
/// `kai run`s recorded (RunWorkspace).
@Suite struct SessionsCLITests {
    @Test func sessionsList_showsEachRun_newestFirst_withItsTurnsToolCallsTokensAndTask() throws {
        let workspace = try RunWorkspace("sessions-list")
        let first = try workspace.run("calc")
        let second = try workspace.run("answer", "Say something\nover two lines.")
        let firstID = try #require(RunWorkspace.sessionID(first.stderr)), secondID = try #require(RunWorkspace.sessionID(second.stderr))
        let list = try workspace.kai(["sessions", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "ID           AGENT                     STATUS  STARTED               TURNS  TOOLS  IN  OUT  COST  TASK")
        #expect(lines[1].hasPrefix("\(secondID)  dev.kai.agents.assistant  done    20") && lines[1].hasSuffix("  1      0      10  5    -     Say something over two lines."),
                "\(list.stdout)")
        #expect(lines[2].hasPrefix("\(firstID)  dev.kai.agents.assistant  done    20") && lines[2].hasSuffix("  2      1      20  10   -     What is 6 * 7?"),
                "\(list.stdout)")

        let json = try #require(try JSONParser.parse(try workspace.kai(["sessions", "list", "--json"]).stdout).arrayValue)
        #expect(json.count == 2)
        #expect(json[1]["id"]?.stringValue == firstID && json[1]["status"] == "done" && json[1]["task"] == "What is 6 * 7?")
        #expect(json[1]["turns"] == 2 && json[1]["toolCalls"] == 1 && json[1]["inputTokens"] == 20 && json[1]["outputTokens"] == 10)
        #expect(json[1]["costUSD"] == .null && json[1]["agent"] == "dev.kai.agents.assistant" && json[1]["starterUID"] == .integer(Int64(getuid())))
    }

    @Test func sessionsShow_showsMessagesToolCallsWithResultsUsageStatusAndWhatNext() throws {
        let workspace = try RunWorkspace("sessions-show", priced: true)
        let run = try workspace.run("calc")
        let id = try #require(RunWorkspace.sessionID(run.stderr))
        let show = try workspace.kai(["sessions", "show", id])
        #expect(show.status == 0, "\(show.stderr)")
        let text = show.stdout
        #expect(text.hasPrefix("session \(id) · agent dev.kai.agents.assistant · done\ntask:    What is 6 * 7?\nstarted: "), "\(text)")
        #expect(text.contains("\nusage:   tokens 20 in / 10 out · cost $0.030000\n"), "\(text)")
        #expect(text.contains("""

            messages:
              user: What is 6 * 7?
              assistant → calculate {"expression":"6 * 7"}
              tool calculate ← {"result":42}
              assistant: The result is: {"result":42}

            events:
            """), "\(text)")
        #expect(text.contains("  usage openai/s:calc: 10 in / 5 out · cost $0.015000\n"))
        #expect(text.contains("  → calculate {\"expression\":\"6 * 7\"}\n"))
        #expect(text.range(of: #"  ← calculate ok [0-9]+ ms: \{"result":42\}\n"#, options: .regularExpression) != nil)
        #expect(text.contains("  status done: The result is: {\"result\":42}\n"))
        #expect(text.hasSuffix("\n\nnext: add a turn: kai run --continue \(id) \"FOLLOW-UP\"\n"))

        let json = try JSONParser.parse(try workspace.kai(["sessions", "show", id, "--json"]).stdout)
        #expect(json["session"]?["id"]?.stringValue == id && json["session"]?["costUSD"] == 0.03)
        #expect(json["session"]?["state"]?["messages"]?.arrayValue?.count == 4)
        let kinds = json["events"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
        #expect(kinds.contains("tool_call") && kinds.contains("usage") && kinds.last == "status")
        #expect(json["approvals"] == [])
    }

    @Test func sessionsShow_ofAnUnknownSession_exits66_andOfABadID_64() throws {
        let workspace = try RunWorkspace("sessions-unknown")
        let missing = try workspace.kai(["sessions", "show", "s0000000000"])
        #expect(missing.status == 66)
        #expect(missing.stderr == "kai: error: no session s0000000000. Run 'kai sessions list' to see the sessions in this registry.\n")
        let bad = try workspace.kai(["sessions", "show", "nope"])
        #expect(bad.status == 64)
        #expect(bad.stderr.hasPrefix("Error: 'nope' is not a session id (s and 10 hex digits, e.g. s0123456789). Run 'kai sessions list' to see them.\n"))
    }

    // MARK: logs prune

    @Test func logsPrune_removesCallsAndFinishedSessionsOlderThanTheDuration_andSaysHowMany() throws {
        let workspace = try RunWorkspace("logs-prune")
        _ = try workspace.run("calc")
        let keep = try workspace.kai(["logs", "prune", "--older-than", "30d"])
        #expect(keep.status == 0, "\(keep.stderr)")
        #expect(keep.stdout.hasPrefix("removed 0 calls and 0 sessions older than 30d (before "), "\(keep.stdout)")

        let prune = try workspace.kai(["logs", "prune", "--older-than", "0s"])
        #expect(prune.status == 0, "\(prune.stderr)")
        // The run's calls: the agent, two model turns, one tool call.
        #expect(prune.stdout.range(of: #"^removed 4 calls and 1 session older than 0s \(before [0-9T:-]+Z\)\n$"#, options: .regularExpression) != nil,
                "\(prune.stdout)")
        #expect(try workspace.kai(["sessions", "list", "--json"]).stdout == "[]\n")
        #expect(try workspace.kai(["logs", "--json"]).stdout == "[]\n")
    }

    @Test(arguments: ["30", "d", "3x", "1w", "1.5h", "10 m"])
    func logsPrune_aBadDuration_isAUsageError(duration: String) throws {
        let outcome = try KaiProcess.run(["logs", "prune", "--older-than", duration])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix(
            "Error: --older-than '\(duration)' is not a duration. Give a number and a unit: s, m, h or d (e.g. 30d, 12h, 90m).\n"), "\(outcome.stderr)")
    }
}
