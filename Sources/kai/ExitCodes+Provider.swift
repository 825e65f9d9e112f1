import KaiCore
import KaiRuntime

extension ExitCodes {
    /// A provider call failed: the provider said why (no key, server down,
    /// unknown model) or broke its contract. EX_PROTOCOL: a remote failure.
    static let providerFailed: Int32 = 76

    /// The exit status of a failed `kai prompt`/`kai chat` call: what the
    /// provider reported is 76; the host's own refusals keep their codes
    /// (66 no such provider, 65 a request the schema refuses, 69 a plugin
    /// that cannot run, 124 deadline, 130 Ctrl-C).
    static func forProviderError(_ error: CallError) -> Int32 {
        switch error {
        case .toolFailed(_, let code, _, _) where code == .cancelled: cancelled
        case .toolFailed, .invalidOutput, .outputTooLarge, .outputViolatesSchema, .workerCrashed, .workerExited,
             .workerBrokeProtocol: providerFailed
        default: forCallError(error)
        }
    }

    /// The error as the CLI prints it: a provider's own failure is the
    /// provider's, not a "tool"'s, and its request and response are checked
    /// against the provider contract's schemas (CallError+Provider.swift).
    static func providerMessage(_ error: CallError) -> String {
        error.description(for: .provider)
    }

    /// The exit status of a routed call that gave no answer: the last
    /// attempt's error decides (forProviderError); no available provider is
    /// 69; a high-risk request naming a provider that is not strong is a usage error.
    static func forRouteFailure(_ failure: RouteFailure) -> Int32 {
        switch failure {
        case .call(let error, _), .fallbackNotLoaded(let error, _, _): forProviderError(error)
        case .retryAfterPastDeadline: providerFailed
        case .allOpen, .noStrongTarget, .noTargets: unavailable
        case .notStrong: usage
        }
    }
}
