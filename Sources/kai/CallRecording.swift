import Foundation
import KaiRuntime

/// The last step of a command that acknowledges calls: every call it made
/// must be on disk in the registry before it exits 0. A record that could not
/// be written (disk full, read-only file, lock held past the busy timeout,
/// damaged file) is reported — what was lost, why, and the fix — and turns a
/// success into exit 75 (74 for a damaged file), never a silent 0.
enum CallRecording {
    /// Shuts the runtime down (its plugins, then the store's queued calls).
    /// When any call was lost, prints why; if the call itself succeeded,
    /// exits with `status(for:)` (called from a `defer`, after the result is
    /// printed, where nothing can be thrown).
    static func confirm(_ runtime: KaiRuntime, callSucceeded: Bool) {
        do throws(RuntimeError) {
            try runtime.shutdown()
        } catch {
            Console.error(error.description)
            if callSucceeded {
                PluginExitGuard.kaiExits()
                exit(status(for: error))
            }
        }
    }

    static func status(for error: RuntimeError) -> Int32 {
        error.isDamagedStore ? ExitCodes.store : ExitCodes.notRecorded
    }
}
