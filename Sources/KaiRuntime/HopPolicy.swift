import KaiCore

/// Whether a failed attempt moves the call to the next target, and whether
/// it counts against the target's circuit breaker. Decided on the typed
/// error (ErrorKind and ResultCode), never on its text.
enum HopPolicy {
    enum Decision: Equatable {
        /// Try the next target; `counts`: a failure of the target itself
        /// (its breaker hears of it), not the operator's choice.
        case next(counts: Bool)
        /// The caller's own error, a cancel, or the call's deadline: no
        /// other target would do better.
        case stop
    }

    /// `deadlineLeft`: the call's own deadline has not passed, so a
    /// DEADLINE_EXCEEDED is the provider's timeout (timeout_s), not the call's.
    static func decide(_ error: CallError, deadlineLeft: Bool) -> Decision {
        switch error.kind {
        case .toolFailed:
            // UNAVAILABLE: connection refused, 5xx, 429, a stream cut before
            // its end, a malformed stream. INVALID_INPUT (400/404/422),
            // PERMISSION_DENIED and the rest are the caller's to fix.
            switch error.code {
            case .unavailable: return .next(counts: true)
            case .deadlineExceeded: return deadlineLeft ? .next(counts: true) : .stop
            default: return .stop
            }
        case .workerCrashed, .workerExited, .workerBrokeProtocol, .workerUnavailable, .pluginUnavailable:
            return .next(counts: true)
        case .invalidOutput, .outputTooLarge, .outputViolatesSchema:
            // An answer outside the contract (the host's own check refused
            // it): the provider's fault, as a malformed stream is; another
            // target may answer well, and the breaker hears of it.
            return .next(counts: true)
        case .pluginNotActive, .pluginDisabled, .providerNotFound:
            // Off (by the operator or supervision) or not loaded: another
            // target may serve, but the target did not fail a call.
            return .next(counts: false)
        default:
            return .stop
        }
    }
}
