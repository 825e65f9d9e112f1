import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// What an in-process plugin writes to fd 1 or logs through host->log
/// reaches the user's terminal only through the plugin logger: secrets
/// scrubbed, control characters visible (issue 9 review, items 1 and 5).
@Suite struct PluginOutputTests {
    /// OSC 52: sets the terminal's clipboard to "Hello".
    static let osc52 = "\u{1b}]52;c;SGVsbG8=\u{07}"
    static let osc52Visible = "\\x1b]52;c;SGVsbG8=\\x07"

    static func args(_ text: String) -> String {
        JSONValue.object(["text": .string(text)]).serialized()
    }

    @Test func toolsCall_whenAPluginPrintsASecretAndOSC52ToStdout_stderrShowsThemScrubbedAndVisible() throws {
        let (config, _) = try SecretScrubbingTests.setUp("stdout-inprocess", isolation: "inprocess")
        // printf() without fflush: the C library writes it only as kai exits.
        let text = "key \(SecretScrubbingTests.planted) \(Self.osc52)\n"
        let outcome = try SecretScrubbingTests.kai(["tools", "call", "print_stdout", "--args", Self.args(text)], config: config)
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "{}\n")
        #expect(outcome.stderr.contains(" plugin output on stdout: key \(SecretScrubbingTests.placeholder) \(Self.osc52Visible)\n"))
        #expect(!outcome.stderr.contains("planted-Secret"))
        #expect(!outcome.stderr.contains("\u{1b}") && !outcome.stderr.contains("\u{07}"))
    }

    @Test func toolsCall_whenASecretStraddlesTheCutOfALongStdoutLine_itIsStillScrubbed() throws {
        let (config, _) = try SecretScrubbingTests.setUp("stdout-long-line", isolation: "inprocess")
        // The line is logged in 4 KiB pieces: put the secret across the first cut.
        let secret = SecretScrubbingTests.planted
        let text = String(repeating: "a", count: 4096 - secret.count / 2) + secret + String(repeating: "b", count: 100) + "\n"
        let outcome = try SecretScrubbingTests.kai(["tools", "call", "print_stdout", "--args", Self.args(text)], config: config)
        #expect(outcome.status == 0)
        #expect(outcome.stderr.contains(SecretScrubbingTests.placeholder), "\(outcome.stderr.suffix(400))")
        #expect(!outcome.stderr.contains(String(secret.prefix(secret.count / 2 + 1))), "half of the secret leaked")
        #expect(!outcome.stderr.contains(String(secret.suffix(secret.count / 2 + 1))), "half of the secret leaked")
    }

    @Test(arguments: ["inprocess", "process"])
    func toolsCall_whenAPluginLogsOSC52_theLogLineShowsItVisible(isolation: String) throws {
        // No secret configured: the visible-making handler is there anyway.
        let directory = Fixtures.scratch + "/log-osc52-\(isolation)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(try InProcessPluginTests.hostile())
                id: test.hostile
                isolation: \(isolation)

            """.write(toFile: config, atomically: true, encoding: .utf8)
        let outcome = try KaiProcess.run(
            ["tools", "call", "log_line", "--args", Self.args("clipboard \(Self.osc52) \u{9b}2J\r"), "--config", config,
             "--no-bundled-plugins"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "{}\n")
        #expect(outcome.stderr.contains("clipboard \(Self.osc52Visible) \\x9b2J\\x0d"))
        #expect(!outcome.stderr.contains("\u{1b}") && !outcome.stderr.contains("\u{07}") && !outcome.stderr.contains("\r"))
        #expect(!outcome.stderr.unicodeScalars.contains("\u{9b}"))
    }
}

/// kai's exit guard tells kai's own exit from a plugin's by a flag kai sets
/// on its way out, not by the calls in flight (issue 9 review, item 10).
@Suite struct PluginExitTimingTests {
    @Test func toolsCall_whenAPluginThreadHoldsANestedCallAsKaiExits_exits0() throws {
        let release = Fixtures.scratch + "/never-released-\(UInt64.random(in: 0...UInt64.max))"
        let outcome = try InProcessPluginTests.call("nested_hold", JSONValue.object(["release": .string(release)]).serialized()).finish()
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "{\"started\":true}\n")
        #expect(!outcome.stderr.contains("kai: error:"))
    }

    @Test func toolsCall_whenAPluginExitsAfterItsCallReturned_exits70NamingThePlugin() throws {
        // The plugin's destroy() (run by kai's shutdown, after the result is
        // printed and before the record is flushed) has a thread call exit(0).
        let outcome = try InProcessPluginTests.call("exit_at_destroy").finish()
        #expect(outcome.status == 70)
        #expect(outcome.stdout == "{}\n")
        #expect(outcome.stderr == """
            kai: error: plugin test.hostile called exit(0) after its call to tool "test.hostile.exit_at_destroy" returned, while \
            kai was finishing, which would have ended kai with the plugin's status before kai had recorded the call. Report this \
            to the plugin's author, or run the plugin with isolation: process so that its exit ends only its worker.

            """)
    }
}

/// The watchdog that ends a hung in-process call says when it could not
/// record the call before kai exited (issue 9 review, item 9).
@Suite struct WatchdogRecordTests {
    @Test func toolsCall_whenTheWatchdogCannotRecordTheHungCall_saysTheRecordIsLost() throws {
        let database = Fixtures.scratch + "/watchdog-locked-\(UInt64.random(in: 0...UInt64.max)).sqlite"
        let running = try InProcessPluginTests.call("spin_quiet", "{}", ["--database", database])
        #expect(running.waitForStderr(containing: "hostile: spinning"))
        // The registry's write lock is held before the watchdog can fire.
        let lock = try LockHolder(database)
        defer { lock.release() }
        kill(running.process.processIdentifier, SIGINT)
        #expect(running.waitForStderr(containing: "press Ctrl-C again"))
        kill(running.process.processIdentifier, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status == 130)
        #expect(outcome.stderr.hasSuffix("""
            the plugin ignores cancellation. kai exited without waiting for it. Run the plugin with isolation: process so \
            that kai can stop it. The call's record could not be written to the registry within 0.300 s and is lost.

            """))
    }
}
