extension CallError {
    /// The tool the error is about: the qualified name for every case but
    /// the two that fail before a tool is known (the name as asked for).
    public var toolName: String {
        switch self {
        case .toolNotFound(let name, _), .providerNotFound(let name, _), .ambiguousTool(let name, _): name
        case .argumentsNotJSON(let tool, _), .argumentsInvalid(let tool, _), .pluginUnavailable(let tool, _),
             .toolFailed(let tool, _, _, _), .invalidOutput(let tool, _), .outputTooLarge(let tool, _),
             .outputViolatesSchema(let tool, _), .deadlineExceeded(let tool, _, _, _), .cancelled(let tool),
             .nestingTooDeep(let tool), .wouldDeadlock(let tool, _), .invalidSchema(let tool, _, _),
             .pluginNotActive(let tool, _, _), .workerCrashed(let tool, _), .workerExited(let tool, _),
             .workerBrokeProtocol(let tool, _, _),
             .deadlineKilled(let tool, _, _), .cancelKilled(let tool), .workerUnavailable(let tool, _, _),
             .pluginDisabled(let tool, _, _), .pluginStatusUnknown(let tool, _, _), .agentNeedsInProcess(let tool, _, _),
             .backendFailed(let tool, _, _, _):
            tool
        }
    }
}
