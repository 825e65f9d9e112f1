import KaiCore
import KaiRegistry

/// The registry as the host's call observer, behind a gate its embedder may
/// set: the host records a call on the calling thread as soon as the plugin
/// returns, before the embedder prints anything. The CLI's gate is its call
/// watchdog: if that already gave up on the call (CallRace), the watchdog is
/// recording it as killed and ending kai, so the late "ok" must not be
/// recorded too — the gate parks the thread until the watchdog's _exit.
struct CallRecordGate: CallObserver {
    let store: RegistryStore
    /// Runs before each finished call is recorded; may block for good.
    let beforeRecording: (@Sendable (CallReport) -> Void)?

    func callFinished(_ report: CallReport) {
        beforeRecording?(report)
        store.callFinished(report)
    }

    func pluginDisabled(id: String, reason: String) {
        store.pluginDisabled(id: id, reason: reason)
    }
}
