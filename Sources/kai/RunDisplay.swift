import Foundation
import KaiCore
import KaiJSON
import KaiRuntime
import Synchronization

/// Who watches a run for `kai run`: the terminal display, or JSON lines.
protocol RunWatcher: Sendable {
    /// Called from any thread, as events happen.
    func event(_ event: RunEvent)
    /// Called once, after the run returned.
    func finish(_ outcome: RunOutcome, exitStatus: Int32, limits: RunOptions)
}

/// `kai run` on a terminal (or a pipe): the root agent's answer streams to
/// stdout as kai prompt's does; everything about the work — the session,
/// tool calls and results, approvals, delegations, attempts, a delegate's
/// own text — goes to stderr, a compact line each (RunStepLine), so stdout
/// holds only the answer. Events may come from several threads at once
/// (parallel tool calls): one lock orders the writes.
final class RunDisplay: RunWatcher {
    private struct State {
        var rootAgent = ""
        /// stdout's last line is unfinished (text without a newline yet).
        var stdoutOpen = false
        /// stderr's last line is unfinished (a delegate's text).
        var stderrOpen = false
        /// The root agent's text since the last step: the answer it is writing.
        var turnText = ""
        /// Call ids whose denial or pause a line already showed.
        var explained: Set<String> = []
    }

    private let state = Mutex(State())
    private let needed: @Sendable (String) -> Int?

    /// `needed`: how many approvers a pending approval waits for (the store's record).
    init(needed: @escaping @Sendable (String) -> Int?) {
        self.needed = needed
    }

    func event(_ event: RunEvent) {
        state.withLock { state in
            switch event {
            case .session(let id, let agent):
                state.rootAgent = agent
                line(&state, "session \(id) · agent \(TerminalText.visible(agent))")
            case .text(let agent, let text):
                guard agent == state.rootAgent || state.rootAgent.isEmpty else {
                    Console.raw(2, TerminalText.visible(text))
                    state.stderrOpen = !text.hasSuffix("\n")
                    return
                }
                Console.raw(1, TerminalText.visible(text))
                state.turnText += text
                if !text.isEmpty { state.stdoutOpen = !text.hasSuffix("\n") }
            case .step(let agent, let value):
                show(&state, agent: agent, value)
            case .progress(let agent, let message):
                line(&state, prefix(state, agent) + "· " + RunStepLine.oneLine(message))
            }
        }
    }

    private func show(_ state: inout State, agent: String, _ step: JSONValue) {
        // A new step ends the root agent's turn: its next text is a new paragraph.
        if state.stdoutOpen {
            Console.raw(1, "\n")
            state.stdoutOpen = false
        }
        state.turnText = ""
        let id = step["id"]?.stringValue ?? step["approval_id"]?.stringValue ?? ""
        if step["type"]?.stringValue == "approval", step["decision"]?.stringValue != "allowed", !id.isEmpty {
            state.explained.insert(id)
        }
        // The denial or pause line said it all; its call's failure would repeat it.
        if step["type"]?.stringValue == "tool_finished", step["code"]?.stringValue == "PERMISSION_DENIED", state.explained.contains(id) {
            return
        }
        guard let text = RunStepLine.line(step, needed: needed) else { return }
        line(&state, prefix(state, agent) + text)
    }

    /// "[coder] " before a delegate's lines; nothing for the root agent's.
    private func prefix(_ state: State, _ agent: String) -> String {
        guard !agent.isEmpty, agent != state.rootAgent else { return "" }
        return "[" + TerminalText.visible(agent.split(separator: ".").last.map(String.init) ?? agent) + "] "
    }

    private func line(_ state: inout State, _ text: String) {
        if state.stderrOpen {
            Console.raw(2, "\n")
            state.stderrOpen = false
        }
        Console.note(text)
    }

    func finish(_ outcome: RunOutcome, exitStatus: Int32, limits: RunOptions) {
        state.withLock { state in
            let streamed = state.turnText.trimmingCharacters(in: .whitespacesAndNewlines)
            let message = outcome.message.trimmingCharacters(in: .whitespacesAndNewlines)
            if state.stdoutOpen {
                Console.raw(1, "\n")
                state.stdoutOpen = false
            }
            // An agent that did not stream its answer (or streamed only
            // part of it, or a delegate's): the answer is printed whole.
            if !message.isEmpty && streamed != message && RunOutcomeText.answerGoesToStdout(outcome.status) {
                Console.visibleOut(outcome.message)
            }
            if outcome.status == .failed { Console.error(TerminalText.visible(RunOutcomeText.failure(outcome))) }
            line(&state, RunOutcomeText.closing(outcome, limits: limits))
        }
    }
}
