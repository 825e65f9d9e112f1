import Foundation
import KaiCore
import KaiRuntime

/// The line `kai run` ends with on stderr: how the run ended, what it used,
/// and what to do next (resume, continue, raise a limit).
enum RunOutcomeText {
    static func closing(_ outcome: RunOutcome, limits: RunOptions) -> String {
        let session = outcome.sessionID
        let usage = usageText(outcome)
        switch outcome.status {
        case .done:
            return "done · \(usage)"
        case .gaveUp:
            return "gave up · \(usage)"
        case .chainLimit:
            return "stopped at the chain limit · \(usage). Raise --chain-limit, or add a turn: kai run --continue \(session) \"...\""
        case .budget:
            // The engine's message says which budget, and what was done so far.
            return "stopped: \(TerminalText.visible(outcome.message))\nused \(usage). "
                + "Raise \(budgetFlag(limits)), or add a turn: kai run --continue \(session) \"...\""
        case .denied:
            return "stopped: \(TerminalText.visible(outcome.message))\nused \(usage)"
        case .paused:
            return "paused: \(TerminalText.visible(outcome.message))"
        case .interrupted:
            return TerminalText.visible(outcome.message)
        case .failed:
            return "failed · \(usage). The session is saved: kai sessions show \(session)"
        }
    }

    /// Whether the run's answer (or what the agent says it did) belongs on
    /// stdout; for the runs the host stopped, the closing line says it all.
    static func answerGoesToStdout(_ status: RunStatus) -> Bool {
        [.done, .gaveUp, .chainLimit].contains(status)
    }

    /// "tokens 20 in / 10 out · cost $0.000150" (no cost when unknown).
    static func usageText(_ outcome: RunOutcome) -> String {
        "tokens \(outcome.inputTokens) in / \(outcome.outputTokens) out" + (outcome.costUSD.map { " · cost " + cost($0) } ?? "")
    }

    static func cost(_ usd: Double) -> String {
        String(format: "$%.6f", usd)
    }

    /// The flag to raise: the one given, else both.
    private static func budgetFlag(_ limits: RunOptions) -> String {
        switch (limits.maxTokens, limits.maxCost) {
        case (_?, nil): "--max-tokens"
        case (nil, _?): "--max-cost"
        default: "--max-tokens or --max-cost"
        }
    }

    /// The message of a failed run: the agent call's error.
    static func failure(_ outcome: RunOutcome) -> String {
        outcome.error.map { $0.description(for: .agent) } ?? outcome.message
    }
}

extension ExitCodes {
    /// `kai run`'s exit status for how the run ended.
    static func forRun(_ outcome: RunOutcome) -> Int32 {
        switch outcome.status {
        case .done: 0
        case .gaveUp: gaveUp
        case .chainLimit: chainLimit
        case .budget: budget
        case .denied: deniedRun
        case .paused: paused
        case .interrupted: cancelled
        case .failed: outcome.error.map(forAgentFailure) ?? toolFailed
        }
    }

    /// A failed agent call: the agent's own failure is 70 whatever code it
    /// passed on (its provider's INVALID_INPUT is no fault of kai's
    /// arguments), a deadline 124, a cancel 130; the host's refusals keep
    /// kai tools call's statuses (66, 69...).
    static func forAgentFailure(_ error: CallError) -> Int32 {
        switch error {
        case .toolFailed(_, let code, _, _) where code == .cancelled: cancelled
        case .toolFailed(_, let code, _, _) where code == .deadlineExceeded: deadline
        case .toolFailed: toolFailed
        default: forCallError(error)
        }
    }

    /// A run that could not start: no such agent or session 66, a session in
    /// the wrong state or a bad request 64, the registry 74.
    static func forRunError(_ error: RunError) -> Int32 {
        switch error.kind {
        case .notFound: notFound
        case .invalid, .notResumable: usage
        case .store: store
        }
    }
}
