import ArgumentParser
import Foundation
import KaiCore
import KaiJSON

/// `kai prompt "text"`: one question to a provider, its answer streamed to
/// the terminal as it is generated.
struct PromptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompt", abstract: "Send a prompt to an LLM provider and print its answer as it streams.",
        discussion: """
            Ctrl-C stops the answer at once; what was used is still recorded (kai logs) and kai exits 130. \
            An in-process provider that ignores Ctrl-C is given 1.4 s (none after a second Ctrl-C); then kai records \
            the call and exits 130, saying so. \
            Without -m the router picks a provider (router.targets in the config, ranked by score for --task-type; \
            default: local) and falls back along its chain on connection failures, 429, 5xx, timeouts and cut streams. \
            Exit statuses: 76 when the provider call failed (its message says what to do), 66 for an unknown provider, \
            65 for a request the provider contract refuses, 69 when no provider is available (circuits open, or no \
            strong-tier one for --risk high), 64 for -m naming a provider that is not strong with --risk high.
            """)

    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var call: ProviderCallOptions
    @Argument(help: ArgumentHelp("The prompt; '-' reads it from stdin.", valueName: "text")) var prompt: String
    @Flag(name: .long, help: "Print the whole chat response as JSON (message, finish_reason, model, usage).") var json = false

    func run() throws {
        let text = try promptText()
        let runtime = try self.runtime.openRuntime()
        let interrupts = ProviderInterrupts()
        var succeeded = false
        defer { CallRecording.confirm(runtime, callSucceeded: succeeded) }
        let request = call.request(call.leadingMessages + [ProviderCallOptions.message("user", text)])
        let stream = !call.noStream && !json
        let turn = ProviderTurn()
        let outcome = interrupts.during(turn) {
            turn.run(runtime, route: call.route, request: request, stream: stream, timeout: call.timeout)
        }
        switch outcome {
        case .success(let routed):
            let result = routed.result
            if json {
                Console.visibleJSON(result.response)
            } else if turn.printedText {
                Console.raw(1, "\n")
            } else {
                // --no-stream, or a provider that does not stream (manifest
                // "streaming": false, or built for ABI 1.0): no delta came.
                Console.visibleOut(result.content)
            }
            if turn.wasInterrupted { throw ExitCode(ExitCodes.cancelled) }
            succeeded = true
        case .failure(let failure):
            if stream && (turn.printedText || turn.wasInterrupted) { Console.raw(1, "\n") }
            if turn.wasInterrupted { throw ExitCode(ExitCodes.cancelled) }
            throw ExitCodes.fail(failure.description, ExitCodes.forRouteFailure(failure))
        }
    }

    /// The prompt as given, or stdin's text for '-' (one trailing newline dropped).
    private func promptText() throws -> String {
        guard prompt == "-" else {
            guard !prompt.isEmpty else {
                throw ExitCodes.fail("the prompt is empty. Give the text to send, or '-' to read it from stdin.", ExitCodes.usage)
            }
            return prompt
        }
        var text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        if text.last?.isNewline == true { text.removeLast() }
        guard !text.isEmpty else {
            throw ExitCodes.fail("the prompt read from stdin is empty. Pipe the prompt in, or give it as an argument.", ExitCodes.usage)
        }
        return text
    }
}
