import ArgumentParser
import KaiCore

/// Exit statuses, distinct per kind of failure so scripts can tell them apart
/// (sysexits.h where one fits). Documented in README.md.
enum ExitCodes {
    static let usage: Int32 = 64          // EX_USAGE (also ArgumentParser's validation errors)
    static let badArguments: Int32 = 65   // EX_DATAERR: args not JSON or violate the schema
    static let notFound: Int32 = 66       // EX_NOINPUT: no such tool or plugin
    static let unavailable: Int32 = 69    // EX_UNAVAILABLE: the plugin could not load or start
    static let toolFailed: Int32 = 70     // EX_SOFTWARE: the tool failed or returned bad output
    static let store: Int32 = 74          // EX_IOERR: the registry database cannot be opened or written
    static let notRecorded: Int32 = 75    // EX_TEMPFAIL: the call ran but its record could not be written
    static let callsAbandoned: Int32 = 75 // EX_TEMPFAIL: kai mcp serve cancelled calls in flight to exit (--drain-timeout)
    static let config: Int32 = 78         // EX_CONFIG: the operator config is invalid
    static let deadline: Int32 = 124      // as timeout(1)
    static let cancelled: Int32 = 130     // 128 + SIGINT
    // `kai run`: how the run ended, when it did not end done (0) or failed (the call's status).
    static let gaveUp: Int32 = 1          // the agent gave up (e.g. the coder's tests still fail)
    static let chainLimit: Int32 = 3      // --chain-limit model turns used up
    static let budget: Int32 = 4          // --max-tokens or --max-cost used up
    static let deniedRun: Int32 = 5       // a denial ended the run (q at the prompt)
    static let paused: Int32 = 6          // waiting for approvers (kai approvals), resumable
    static let notPermitted: Int32 = 77   // EX_NOPERM: kai approvals: this user may not vote on it

    static func forCallError(_ error: CallError) -> Int32 {
        switch error {
        case .toolNotFound, .providerNotFound, .ambiguousTool: notFound
        case .argumentsNotJSON, .argumentsInvalid: badArguments
        case .pluginUnavailable, .wouldDeadlock, .pluginNotActive, .workerUnavailable, .pluginDisabled, .agentNeedsInProcess: unavailable
        case .toolFailed(_, let code, _, _) where code == .invalidInput: badArguments
        case .toolFailed, .invalidOutput, .outputTooLarge, .outputViolatesSchema, .nestingTooDeep, .invalidSchema: toolFailed
        case .workerCrashed, .workerExited, .workerBrokeProtocol: toolFailed
        case .deadlineExceeded, .deadlineKilled: deadline
        case .pluginStatusUnknown: store  // the registry could not be read
        case .cancelled, .cancelKilled: cancelled
        case .backendFailed(_, _, let kind, _):
            switch kind {
            case .workerUnavailable, .pluginDisabled, .pluginUnavailable: unavailable
            case .deadlineKilled, .deadlineExceeded: deadline
            case .cancelKilled, .cancelled: cancelled
            default: toolFailed
            }
        }
    }

    /// Prints the error and exits with the given status.
    static func fail(_ message: String, _ code: Int32) -> ExitCode {
        Console.error(TerminalText.visible(message))  // errors quote plugins and programs
        return ExitCode(code)
    }
}

enum PluginABIText {
    static let version = "\(ABIVersion.major).\(ABIVersion.minor)"
}
