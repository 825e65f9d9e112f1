import Glibc
import KaiCore
import Synchronization

/// Stops an in-process plugin's exit() or quick_exit() from ending kai
/// silently with the plugin's status: a handler kai registers before any
/// plugin loads (exit handlers run in reverse order, so after those the
/// plugin added) reports it and ends kai with EX_SOFTWARE (70) instead.
///
/// Whose exit it is cannot be told from the calls in flight (a plugin
/// thread may hold a nested call while kai exits, or call exit() just after
/// its call returned, before kai recorded it), so kai says so itself:
/// `kaiExits()` runs just before each of kai's own exit paths, and any other
/// exit after `install()` is a plugin's. Either way the handler first logs
/// what plugins wrote to stdout (PluginStdout), so none of it is lost.
///
/// _exit() and _Exit() run no handlers and cannot be caught: kai then ends
/// with the plugin's status and no message. Only `isolation: process`
/// contains that (the worker exits, kai reports it).
enum PluginExitGuard {
    nonisolated(unsafe) private static var installed = false  // only touched from the main thread, before any plugin runs
    private static let kaiIsExiting = Atomic<Bool>(false)

    static func install() {
        guard !installed else { return }
        installed = true
        ActiveInProcessCalls.startTracking()
        on_exit({ status, _ in PluginExitGuard.report("exit(\(status))") }, nil)
        at_quick_exit { PluginExitGuard.report("quick_exit()") }
    }

    /// kai is about to exit on its own: call just before exit().
    static func kaiExits() {
        kaiIsExiting.store(true, ordering: .sequentiallyConsistent)
    }

    /// Runs while the process is exiting: returns at once when it is kai's
    /// own exit, else reports the plugin's and ends kai with 70.
    private static func report(_ how: String) {
        PluginStdout.drainNow()
        guard !kaiIsExiting.load(ordering: .sequentiallyConsistent) else { return }
        Console.error(message(how, during: ActiveInProcessCalls.latest, after: ActiveInProcessCalls.lastStarted))
        _exit(ExitCodes.toolFailed)
    }

    static func message(_ how: String, during running: ActiveInProcessCalls.Call?, after last: ActiveInProcessCalls.Call?) -> String {
        let advice = "Report this to the plugin's author, or run the plugin with isolation: process so that its exit ends only its worker."
        if let call = running {
            return "plugin \(call.plugin) called \(how) during a call to tool \"\(call.tool)\", which would have ended kai "
                + "with the plugin's status. The call has no result. " + advice
        }
        guard let last else {
            return "an in-process plugin called \(how) while no call was running, which would have ended kai with the plugin's status. "
                + advice
        }
        return "plugin \(last.plugin) called \(how) after its call to tool \"\(last.tool)\" returned, while kai was finishing, "
            + "which would have ended kai with the plugin's status before kai had recorded the call. " + advice
    }
}
