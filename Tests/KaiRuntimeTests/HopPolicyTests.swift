import KaiCore
import KaiJSON
@testable import KaiRuntime
import Testing

/// Which failures move a routed call to the next target, decided on the
/// typed error alone (ErrorKind and ResultCode), never its text.
/// An answer the host refuses (not JSON, too large, outside the contract's
/// schema) is the provider's fault: the next target, counted by the breaker.
@Suite struct HopPolicyTests {
    static let cases: [(CallError, Bool, HopPolicy.Decision)] = [
        (.toolFailed(tool: "p", code: .unavailable, details: "HTTP 503"), true, .next(counts: true)),
        (.toolFailed(tool: "p", code: .deadlineExceeded, details: "timeout_s"), true, .next(counts: true)),
        (.toolFailed(tool: "p", code: .deadlineExceeded, details: "the call's deadline"), false, .stop),
        (.toolFailed(tool: "p", code: .invalidInput, details: "HTTP 400"), true, .stop),
        (.toolFailed(tool: "p", code: .permissionDenied, details: "HTTP 401"), true, .stop),
        (.toolFailed(tool: "p", code: .cancelled, details: "cancelled"), true, .stop),
        (.toolFailed(tool: "p", code: .internal, details: "bug"), true, .stop),
        (.argumentsInvalid(tool: "p", []), true, .stop),
        (.deadlineExceeded(tool: "p", timeout: 1, elapsed: 1), true, .stop),
        (.deadlineKilled(tool: "p", timeout: 1, elapsed: 2), true, .stop),
        (.cancelled(tool: "p"), true, .stop),
        (.cancelKilled(tool: "p"), true, .stop),
        (.workerCrashed(tool: "p", signal: 11), true, .next(counts: true)),
        (.workerExited(tool: "p", status: 1), true, .next(counts: true)),
        (.workerUnavailable(tool: "p", plugin: "x", reason: "could not start"), true, .next(counts: true)),
        (.pluginDisabled(tool: "p", plugin: "x", reason: "crashed"), true, .next(counts: false)),
        (.pluginNotActive(tool: "p", plugin: "x", status: .maintenance), true, .next(counts: false)),
        (.providerNotFound("p", suggestion: nil), true, .next(counts: false)),
        (.invalidOutput(tool: "p", JSONParseError(message: "not JSON", offset: 0, line: 1, column: 1)), true, .next(counts: true)),
        (.outputTooLarge(tool: "p", limit: 1), true, .next(counts: true)),
        (.outputViolatesSchema(tool: "p", []), true, .next(counts: true)),
    ]

    @Test(arguments: cases)
    func decide_switchesOnTheTypedError(error: CallError, deadlineLeft: Bool, expected: HopPolicy.Decision) {
        #expect(HopPolicy.decide(error, deadlineLeft: deadlineLeft) == expected, "\(error)")
    }
}
