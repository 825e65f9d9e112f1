import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// An in-process plugin that misbehaves (Tests/Fixtures/hostile_plugin.c)
/// cannot take kai over: deadlines and Ctrl-C are hard, exit() is reported,
/// its stdout is not kai's, and its output carries no secret.
@Suite struct InProcessPluginTests {
    static func hostile() throws -> String {
        try Fixtures.compile("hostile", source: Fixtures.repositoryRoot + "/Tests/Fixtures/hostile_plugin.c")
    }

    /// Starts kai calling a hostile tool, with a hang guard: kai is killed
    /// (its stderr ends, and the test fails on its status) if it is still
    /// running after 60 s.
    static func call(_ tool: String, _ args: String = "{}", _ extra: [String] = []) throws -> KaiProcess.Running {
        let running = try KaiProcess.start(
            ["tools", "call", tool, "--args", args, "--plugin-path", try hostile(), "--no-bundled-plugins"] + extra)
        let process = running.process
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        return running
    }

    @Test func toolsCall_whenAnInProcessToolIgnoresItsDeadline_exits124NamingThePlugin() throws {
        let database = Fixtures.scratch + "/watchdog-\(UInt64.random(in: 0...UInt64.max)).sqlite"
        let running = try Self.call("spin_quiet", "{}", ["--timeout", "1", "--database", database])
        let outcome = running.finish()
        #expect(outcome.status == 124)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr == """
            hostile: spinning
            kai: error: tool "test.hostile.spin_quiet" of plugin test.hostile passed its deadline of 1.000 s and did not \
            return within 1.400 s after it: the plugin ignores cancellation. kai exited without waiting for it. Run the \
            plugin with isolation: process so that kai can stop it.

            """)
        // Recorded before kai exited: it counts against the plugin.
        let logs = try KaiProcess.run(["logs", "--json", "--database", database, "--plugin-path", try Self.hostile(), "--no-bundled-plugins"])
        let row = try #require(try JSONParser.parse(logs.stdout).arrayValue?.first)
        #expect(row["tool"] == "test.hostile.spin_quiet")
        #expect(row["errorKind"] == "deadlineKilled")
        #expect(row["result"] == "DEADLINE_EXCEEDED")
    }

    @Test func toolsCall_onTwoCtrlCs_whenAnInProcessToolIgnoresCancellation_exits130() throws {
        let running = try Self.call("spin_quiet")
        #expect(running.waitForStderr(containing: "hostile: spinning"))
        kill(running.process.processIdentifier, SIGINT)
        #expect(running.waitForStderr(containing: "press Ctrl-C again"))
        kill(running.process.processIdentifier, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status == 130)
        #expect(outcome.stderr.hasSuffix("""
            kai: cancelling tool "test.hostile.spin_quiet"; press Ctrl-C again to stop kai at once.
            kai: error: tool "test.hostile.spin_quiet" of plugin test.hostile was interrupted twice (Ctrl-C) and had not \
            returned: the plugin ignores cancellation. kai exited without waiting for it. Run the plugin with isolation: \
            process so that kai can stop it.

            """))
    }

    @Test func toolsCall_onOneCtrlC_whenAnInProcessToolIgnoresCancellation_exits130AfterTheGrace() throws {
        let running = try Self.call("spin_quiet")
        #expect(running.waitForStderr(containing: "hostile: spinning"))
        kill(running.process.processIdentifier, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status == 130)
        #expect(outcome.stderr.hasSuffix("""
            kai: error: tool "test.hostile.spin_quiet" of plugin test.hostile was cancelled (Ctrl-C) and did not return \
            within 1.400 s: the plugin ignores cancellation. kai exited without waiting for it. Run the plugin with \
            isolation: process so that kai can stop it.

            """))
    }

    @Test func toolsCall_whenThePluginCallsExit_exits70NamingThePluginAndTool() throws {
        let outcome = try Self.call("exit_now", #"{"status": 3}"#).finish()
        #expect(outcome.status == 70)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr == """
            kai: error: plugin test.hostile called exit(3) during a call to tool "test.hostile.exit_now", which would have \
            ended kai with the plugin's status. The call has no result. Report this to the plugin's author, or run the \
            plugin with isolation: process so that its exit ends only its worker.

            """)
    }

    @Test func toolsCall_whenThePluginCallsExitZero_stillExits70() throws {
        let outcome = try Self.call("exit_now", #"{"status": 0}"#).finish()
        #expect(outcome.status == 70)
        #expect(outcome.stderr.hasPrefix("kai: error: plugin test.hostile called exit(0) during a call to tool \"test.hostile.exit_now\""))
    }

    @Test func toolsCall_whenThePluginCallsQuickExit_exits70NamingThePluginAndTool() throws {
        let outcome = try Self.call("quick_exit_now").finish()
        #expect(outcome.status == 70)
        #expect(outcome.stderr.hasPrefix(
            "kai: error: plugin test.hostile called quick_exit() during a call to tool \"test.hostile.quick_exit_now\", which would have"))
    }

    @Test func toolsCall_whenThePluginWritesToStdout_kaisStdoutHoldsOnlyTheResult() throws {
        let outcome = try Self.call("chatter").finish()
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "{\"ok\":true}\n")
        // Logged as the plugin logger's warnings, never raw on stderr either.
        #expect(outcome.stderr.contains(" plugin output on stdout: printf chatter on stdout\n"))
        #expect(!outcome.stderr.hasPrefix("printf chatter") && !outcome.stderr.contains("\nprintf chatter"))
        #expect(!outcome.stderr.hasPrefix("thread chatter") && !outcome.stderr.contains("\nthread chatter"))
    }

    @Test func toolsCall_whenTheResultPassesTheOutputCap_exits70NamingTheCap() throws {
        let outcome = try Self.call("big_result", #"{"bytes": 17000000}"#).finish()
        #expect(outcome.status == 70)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr == """
            kai: error: tool "test.hostile.big_result" returned more than the 16 MiB (16777216 bytes) output cap; the result \
            was dropped. This is a bug in the plugin: a result must fit the cap (a larger result must be split or written elsewhere).

            """)
    }
}
