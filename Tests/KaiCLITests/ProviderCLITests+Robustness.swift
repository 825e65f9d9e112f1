import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai prompt`/`kai chat` with providers that do not stream, ignore
/// Ctrl-C, or break the provider contract (Tests/Fixtures/echo_provider.c).
extension ProviderCLITests {
    static let ignoredCancel = "kai: cancelling provider \"test.echo.echo\"; press Ctrl-C again to stop kai at once.\n"

    static func ignoredCancelError(_ what: String) -> String {
        "kai: error: provider \"test.echo.echo\" of plugin test.echo \(what): the plugin ignores cancellation. "
            + "kai exited without waiting for it. Run the plugin with isolation: process so that kai can stop it.\n"
    }

    // MARK: a provider that does not stream

    @Test func prompt_withAProviderThatDoesNotStream_printsTheWholeAnswer() throws {
        let config = try Self.setUp("plain", plain: true)
        let outcome = try Self.kai(["prompt", "-m", "plain", "hello there"], config: config)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "hello there (1 messages)\n")
        #expect(outcome.stderr.isEmpty)
    }

    @Test func chat_withAProviderThatDoesNotStream_printsEachWholeAnswer() throws {
        let config = try Self.setUp("chat-plain", plain: true)
        let outcome = try Self.kai(["chat", "-m", "plain"], config: config, stdin: "hello\nagain\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "hello (1 messages)\nagain (3 messages)\n")
        #expect(outcome.stderr.isEmpty)
    }

    // MARK: a provider that ignores Ctrl-C

    @Test func prompt_ctrlC_onAProviderIgnoringIt_exits130AfterTheGrace_sayingSo_andRecordsTheCall() throws {
        let config = try Self.setUp("ignores-cancel")
        let running = try KaiProcess.start(["prompt", "-m", "echo", "sleep", "--config", config, "--no-bundled-plugins"])
        #expect(running.waitForStdout(containing: "sleeping"))
        kill(running.process.processIdentifier, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status == 130)
        #expect(outcome.stdout == "sleeping")
        #expect(outcome.stderr == Self.ignoredCancel
            + Self.ignoredCancelError("was cancelled (Ctrl-C) and did not return within 1.400 s"))
        let row = try #require(try JSONParser.parse(try Self.kai(["logs", "--json"], config: config).stdout).arrayValue?.first)
        #expect(row["kind"] == "provider" && row["result"] == "CANCELLED" && row["errorKind"] == "cancelKilled")
        #expect(row["inputTokens"] == 1 && row["outputTokens"] == 1)
    }

    @Test func chat_secondCtrlC_onAProviderIgnoringIt_exits130AtOnce_sayingSo_andRecordsTheCall() throws {
        let config = try Self.setUp("chat-ignores-cancel")
        let running = try KaiProcess.start(["chat", "-m", "echo", "--config", config, "--no-bundled-plugins"], stdin: "sleep\n")
        #expect(running.waitForStdout(containing: "sleeping"))
        kill(running.process.processIdentifier, SIGINT)
        #expect(running.waitForStderr(containing: "press Ctrl-C again"))
        kill(running.process.processIdentifier, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status == 130)
        #expect(outcome.stderr == Self.ignoredCancel + Self.ignoredCancelError("was interrupted twice (Ctrl-C) and had not returned"))
        let row = try #require(try JSONParser.parse(try Self.kai(["logs", "--json"], config: config).stdout).arrayValue?.first)
        #expect(row["kind"] == "provider" && row["result"] == "CANCELLED" && row["errorKind"] == "cancelKilled")
    }

    // MARK: errors worded for a provider

    @Test func prompt_whenTheResponseBreaksTheContract_namesTheProviderAndTheSchema_andExits76() throws {
        let config = try Self.setUp("bad-response")
        for command in [["prompt", "-m", "echo", "bad"], ["chat", "-m", "echo"]] {
            let outcome = try Self.kai(command, config: config, stdin: "bad\n")
            #expect(outcome.status == 76)
            #expect(outcome.stderr == """
                kai: error: provider "test.echo.echo" returned a response that does not match the chat response schema \
                (plugin-sdk/schema/chat-response.schema.json; a bug in the plugin):
                  $.finish_reason: "done" is not one of ["stop", "length", "tool_calls", "content_filter", "stopped"] (enum)

                """, "\(command[0])")
        }
    }
}

extension ProviderCLITests {
    /// Started as from a shell (SIGINT unblocked and at its default, not as
    /// a test thread's mask leaves it), Ctrl-C still reaches kai's handler
    /// and cancels the in-process provider blocked on its cancel fd: kai
    /// must not leave SIGINT blocked on every thread.
    @Test func prompt_ctrlC_fromAShell_cancelsTheInProcessProvider() throws {
        let config = try Self.setUp("from-a-shell")
        let running = try KaiProcess.startAsFromAShell(["prompt", "-m", "echo", "hang", "--config", config, "--no-bundled-plugins"])
        #expect(running.waitForStdout(containing: "waiting"))
        kill(running.process.processIdentifier, SIGINT)
        #expect(running.finish().status == 130)
        let row = try #require(try JSONParser.parse(try Self.kai(["logs", "--json"], config: config).stdout).arrayValue?.first)
        #expect(row["result"] == "CANCELLED")
    }
}
