extension CallError {
    /// The error with secret values replaced in the texts that came from a
    /// plugin (its error details, a create() failure, a worker's reason), so
    /// no message Kai prints or passes on can carry one.
    func scrubbed(by scrubber: SecretScrubber) -> CallError {
        guard !scrubber.isEmpty else { return self }
        switch self {
        case .toolFailed(let tool, let code, let details, let hints):
            return .toolFailed(tool: tool, code: code, details: scrubber.scrub(details), hints: hints)
        case .workerUnavailable(let tool, let plugin, let reason):
            return .workerUnavailable(tool: tool, plugin: plugin, reason: scrubber.scrub(reason))
        case .pluginDisabled(let tool, let plugin, let reason):
            return .pluginDisabled(tool: tool, plugin: plugin, reason: scrubber.scrub(reason))
        case .pluginUnavailable(let tool, let error):
            return .pluginUnavailable(tool: tool, error.scrubbed(by: scrubber))
        case .backendFailed(let tool, let plugin, let kind, let message):
            return .backendFailed(tool: tool, plugin: plugin, kind: kind, message: scrubber.scrub(message))
        default:
            return self
        }
    }
}

extension PluginLoadError {
    /// The error with secret values replaced in what the plugin said.
    func scrubbed(by scrubber: SecretScrubber) -> PluginLoadError {
        switch reason {
        case .createFailed(let code, let details):
            PluginLoadError(path: path, reason: .createFailed(code, scrubber.scrub(details)))
        case .failedInHelper(let message):
            PluginLoadError(path: path, reason: .failedInHelper(scrubber.scrub(message)))
        default:
            self
        }
    }
}
