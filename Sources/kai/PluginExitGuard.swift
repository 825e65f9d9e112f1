import Glibc
import KaiCore

/// Stops an in-process plugin's exit() or quick_exit() from ending kai
/// silently with the plugin's status: a handler kai registers before any
/// plugin loads (exit handlers run in reverse order, so after those the
/// plugin added) sees the call in flight, names the plugin and tool, and
/// ends kai with EX_SOFTWARE (70) instead.
///
/// _exit() and _Exit() run no handlers and cannot be caught: kai then ends
/// with the plugin's status and no message. Only `isolation: process`
/// contains that (the worker exits, kai reports it).
enum PluginExitGuard {
    nonisolated(unsafe) private static var installed = false  // only touched from the main thread, before any plugin runs

    static func install() {
        guard !installed else { return }
        installed = true
        on_exit({ status, _ in PluginExitGuard.report("exit(\(status))") }, nil)
        at_quick_exit { PluginExitGuard.report("quick_exit()") }
    }

    /// Runs while the process is exiting: when no in-process call is in
    /// flight it is kai's own exit, and it returns at once.
    private static func report(_ how: String) {
        guard let call = ActiveInProcessCalls.latest else { return }
        Console.error("plugin \(call.plugin) called \(how) during a call to tool \"\(call.tool)\", which would have ended kai "
            + "with the plugin's status. The call has no result. Report this to the plugin's author, or run the plugin "
            + "with isolation: process so that its exit ends only its worker.")
        _exit(ExitCodes.toolFailed)
    }
}
