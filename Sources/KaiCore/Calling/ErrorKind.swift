/// What went wrong with a call, as a closed set shared by every layer:
/// the host core raises it (CallError.kind), the registry stores its raw
/// value in the call log, scoring and supervision switch on it. Never match
/// error kinds by string.
public enum ErrorKind: String, Sendable, CaseIterable {
    case toolNotFound
    case providerNotFound
    case ambiguousTool
    case argumentsNotJSON
    case argumentsInvalid
    case pluginUnavailable
    case toolFailed
    case invalidOutput
    case outputTooLarge
    case outputViolatesSchema
    case deadlineExceeded
    case cancelled
    case nestingTooDeep
    case wouldDeadlock
    case invalidSchema
    case pluginNotActive
    case workerCrashed
    case workerExited
    case workerBrokeProtocol
    case deadlineKilled
    case cancelKilled
    case workerUnavailable
    case pluginDisabled
    case pluginStatusUnknown
    case agentNeedsInProcess
    /// The operator's approvals policy refused the call before it ran
    /// (`kai mcp serve`: a client that cannot give approval). Logged, not scored.
    case approvalRefused

    /// The caller's fault (input that is not JSON or breaks the schema) or
    /// the operator's choice (the plugin is off): such calls are logged but
    /// say nothing about how well the plugin performs.
    public var blamesCaller: Bool {
        switch self {
        case .argumentsNotJSON, .argumentsInvalid, .pluginNotActive, .pluginDisabled, .pluginStatusUnknown, .agentNeedsInProcess, .approvalRefused: true
        default: false
        }
    }

    /// The worker process failed during the call: what supervision counts.
    public var isWorkerFailure: Bool {
        switch self {
        case .workerCrashed, .workerExited, .workerBrokeProtocol, .deadlineKilled, .cancelKilled: true
        default: false
        }
    }
}
