import Foundation
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
    /// Hands reports to the store one thread at a time. The store queues
    /// them behind a Swift Mutex, which on Linux spins (up to a thousand
    /// rounds) before it sleeps: with 50 agent runs at once, each recording
    /// two calls a step, that spinning was the largest cost that grew with
    /// the number of runs. An NSLock (a pthread mutex) sleeps at once, and
    /// the store's own lock then meets no other caller.
    let handOff = NSLock()

    init(store: RegistryStore, beforeRecording: (@Sendable (CallReport) -> Void)?) {
        self.store = store
        self.beforeRecording = beforeRecording
    }

    func callFinished(_ report: CallReport) {
        beforeRecording?(report)
        handOff.lock()
        store.callFinished(report)
        handOff.unlock()
    }

    func pluginDisabled(id: String, reason: String) {
        store.pluginDisabled(id: id, reason: reason)
    }
}
