import KaiCore
import KaiRegistry

/// The registry as the host's call observer, behind the watchdog's decision:
/// the host records a call on the calling thread as soon as the plugin
/// returns, before kai prints anything. If that call's watchdog already gave
/// up on it (CallRace), the watchdog is recording it as killed and ending
/// kai, so the late "ok" must not be recorded too: the thread parks until
/// the watchdog's _exit instead.
struct CallRecordGate: CallObserver {
    let store: RegistryStore

    func callFinished(_ report: CallReport) {
        // Only the top-level call has a watchdog; nested calls run inside it.
        if report.depth == 0, let watchdog = CallWatchdog.current, !watchdog.finished() { CallWatchdog.park() }
        store.callFinished(report)
    }

    func pluginDisabled(id: String, reason: String) {
        store.pluginDisabled(id: id, reason: reason)
    }
}
