import KaiCore
import KaiRuntime
import Synchronization

/// The runtime's diagnostics kept in memory, to check what it reported.
final class RecordingDiagnostics: RuntimeDiagnostics {
    private let state = Mutex<(warnings: [String], notices: [String], loaded: Int)>(([], [], 0))

    var warnings: [String] { state.withLock { $0.warnings } }
    var notices: [String] { state.withLock { $0.notices } }
    /// How many times the runtime said its plugins were loaded.
    var loadedCount: Int { state.withLock { $0.loaded } }

    func warning(_ text: String) { state.withLock { $0.warnings.append(text) } }
    func notice(_ text: String) { state.withLock { $0.notices.append(text) } }
    func pluginsLoaded(_ host: PluginHost) { state.withLock { $0.loaded += 1 } }
}
