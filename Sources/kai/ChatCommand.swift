import ArgumentParser
import Foundation
import KaiCore
import KaiJSON

/// `kai chat`: a conversation with a provider. Each line read from stdin (a
/// terminal or a pipe) is a user message; the whole history goes with every
/// turn, and each reply streams as it is generated.
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Chat with an LLM provider: each line is a message, the whole conversation goes with every turn.",
        discussion: """
            'exit', 'quit' or end of input (Ctrl-D) ends the chat. Ctrl-C stops the reply being written but not the chat; \
            at the prompt it ends kai (130). An in-process provider that ignores Ctrl-C is given 1.4 s (none after a \
            second Ctrl-C); then kai records the call and exits 130, saying so. A turn that fails is reported and left out of the history; kai then exits 76 at the end.
            """)

    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var call: ProviderCallOptions

    func run() throws {
        let runtime = try self.runtime.openRuntime()
        let store = runtime.store
        let interrupts = ProviderInterrupts(idle: { store.flush() })
        var failure: Int32?
        defer { CallRecording.confirm(runtime, callSucceeded: failure == nil) }
        let terminal = isatty(0) == 1
        if terminal {
            Console.note("Chatting with \(TerminalText.visible(call.model ?? "the router's pick")). Type 'exit' or 'quit' (or Ctrl-D) to end; Ctrl-C stops a reply.")
        }
        var history = call.leadingMessages
        while let line = Self.nextLine(prompt: terminal ? "> " : nil) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text == "exit" || text == "quit" { break }
            if text.isEmpty { continue }
            let asked = history + [ProviderCallOptions.message("user", line)]
            let turn = ProviderTurn()
            let outcome = interrupts.during(turn) {
                turn.run(runtime, route: call.route, request: call.request(asked), stream: !call.noStream, timeout: call.timeout)
            }
            switch outcome {
            case .success(let routed):
                let result = routed.result
                // Nothing streamed: --no-stream, or a provider that does not stream.
                if turn.printedText { Console.raw(1, "\n") } else { Console.visibleOut(result.content) }
                // What was shown is what the model said, stopped or not.
                history = asked + [ProviderCallOptions.message("assistant", result.content)]
            case .failure(let routeFailure):
                if !call.noStream && (turn.printedText || turn.wasInterrupted) { Console.raw(1, "\n") }
                if turn.wasInterrupted { continue }
                Console.error(TerminalText.visible(routeFailure.description))
                failure = ExitCodes.forRouteFailure(routeFailure)
            }
        }
        if let failure { throw ExitCode(failure) }
    }

    /// The next line of stdin without its newline; nil at end of input.
    private static func nextLine(prompt: String?) -> String? {
        if let prompt { Console.raw(2, prompt) }
        return readLine(strippingNewline: true)
    }
}
