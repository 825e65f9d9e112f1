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
            return "stopped: the chain limit was reached (--chain-limit) · \(usage). What was done so far is above; "
                + "raise --chain-limit, or add a turn: kai run --continue \(session) \"...\""
        case .budget:
            return "stopped: \(budget(outcome, limits: limits)) is used up · \(usage). What was done so far is above; "
                + "raise the budget, or add a turn: kai run --continue \(session) \"...\""
        case .denied:
            return "stopped: the run was ended at a denied tool call · \(usage). What was done so far is above."
        case .paused:
            let ids = outcome.pendingApprovals.joined(separator: ", ")
            return "paused: waiting for approvers (\(ids.isEmpty ? "kai approvals list" : ids)). "
                + "Once approved (or denied), resume with: kai run --resume \(session)"
        case .interrupted:
            return "interrupted: the session is saved. Resume it with: kai run --resume \(session)"
        case .failed:
            return "failed · \(usage). The session is saved: kai sessions show \(session)"
        }
    }

    /// "tokens 20 in / 10 out · cost $0.000150" (no cost when unknown).
    static func usageText(_ outcome: RunOutcome) -> String {
        "tokens \(outcome.inputTokens) in / \(outcome.outputTokens) out" + (outcome.costUSD.map { " · cost " + cost($0) } ?? "")
    }

    static func cost(_ usd: Double) -> String {
        String(format: "$%.6f", usd)
    }

    /// Which budget stopped the run: the token one once its total is
    /// reached, else the cost one, as the flags gave them.
    private static func budget(_ outcome: RunOutcome, limits: RunOptions) -> String {
        if let tokens = limits.maxTokens, outcome.inputTokens + outcome.outputTokens >= tokens || limits.maxCost == nil {
            return "the token budget (--max-tokens \(tokens))"
        }
        if let usd = limits.maxCost { return "the cost budget (--max-cost \(usd))" }
        return "the run's budget"
    }

    /// The message of a failed run: the call error's, as kai prompt words it.
    static func failure(_ outcome: RunOutcome) -> String {
        outcome.error.map(ExitCodes.providerMessage) ?? outcome.message
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
        case .failed: outcome.error.map(forProviderError) ?? toolFailed
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
