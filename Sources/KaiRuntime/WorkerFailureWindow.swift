import KaiCore
import KaiRegistry

/// Supervision across processes: one `kai tools call` is one process, so a
/// worker's failures are counted in the registry's call log, and the plugin
/// is disabled there once its policy's limit is reached within the window.
enum WorkerFailureWindow {
    static func check(_ error: CallError, host: PluginHost, store: RegistryStore, diagnostics: any RuntimeDiagnostics) {
        // Any kind of capability: a provider's or agent's worker fails like a tool's.
        guard error.kind.isWorkerFailure,
              let entry = Capability.Kind.allCases.lazy.compactMap({ try? host.index($0).resolve(error.toolName) }).first
        else { return }
        let policy = entry.plugin.settings.worker
        let since = WallClock.now() - policy.failureWindow
        guard let failures = try? store.workerFailures(plugin: entry.plugin.id, since: since),
              failures >= policy.maxFailures else { return }
        let what = if case .backendFailed = error { "it" } else { "its worker" }
        let reason = "\(what) failed \(failures) times within \(Int(policy.failureWindow)) s (last: \(phrase(error)))"
        store.pluginDisabled(id: entry.plugin.id, reason: reason)
        diagnostics.warning(TerminalText.visible("plugin \(entry.plugin.id) is now disabled: \(reason). Fix the plugin, then run 'kai plugins enable \(entry.plugin.id)'."))
    }

    /// "was killed by SIGSEGV (segmentation fault) during a call to t", in
    /// the words the worker supervisor uses for the same thing.
    private static func phrase(_ error: CallError) -> String {
        switch error {
        case .workerCrashed(let tool, let signal): "was killed by \(WorkerExit.describe(signal: signal)) during a call to \(tool)"
        case .workerExited(let tool, let status): "exited with status \(status) during a call to \(tool)"
        case .deadlineKilled(let tool, _, _): "was killed at the deadline of a call to \(tool)"
        case .cancelKilled(let tool): "was killed after a call to \(tool) was cancelled"
        case .workerBrokeProtocol(let tool, _, let detail): "broke the worker protocol during a call to \(tool) (\(detail))"
        case .backendFailed(_, _, _, let message): message
        default: error.kind.rawValue
        }
    }
}
