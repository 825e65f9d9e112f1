import Foundation
import KaiRegistry

/// The last step of a command that acknowledges calls: every call it made
/// must be on disk in the registry before it exits 0. A record that could not
/// be written (disk full, read-only file, lock held past the busy timeout,
/// damaged file) is reported — what was lost, why, and the fix — and turns a
/// success into exit 75 (74 for a damaged file), never a silent 0.
enum CallRecording {
    /// Flushes the store's queued calls. When any were lost, prints why; if
    /// the call itself succeeded, exits with `status(for:)` (called from a
    /// `defer`, after the result is printed, where nothing can be thrown).
    static func confirm(_ store: RegistryStore, callSucceeded: Bool) {
        do throws(LostCalls) {
            try store.flushDurably()
        } catch {
            Console.error(message(error, database: store.path))
            if callSucceeded {
                PluginExitGuard.kaiExits()
                exit(status(for: error))
            }
        }
    }

    static func status(for lost: LostCalls) -> Int32 {
        lost.cause?.cause == .damaged ? ExitCodes.store : ExitCodes.notRecorded
    }

    static func message(_ lost: LostCalls, database: String) -> String {
        let names = lost.tools.joined(separator: ", ") + (lost.count > lost.tools.count ? ", ..." : "")
        let what = lost.count == 1
            ? "the call of \(names) ran, but its record could not be written to the registry and is lost"
            : "\(lost.count) calls (\(names)) ran, but their records could not be written to the registry and are lost"
        guard let cause = lost.cause else { return what + "." }
        return "\(what): \(cause.message). \(fix(cause, database: database))"
    }

    /// The fix for each way a write fails, in the registry's words for its
    /// cause (the same the store's open gives), as a sentence.
    static func fix(_ error: StoreError, database: String) -> String {
        guard let kind = error.cause else { return "Check that \(database) is writable and its disk has space, then retry." }
        let fix = kind.fix(database: database)
        let sentence = fix.prefix(1).uppercased() + fix.dropFirst()
        // Once recovered, the new file must be moved into place first.
        return kind == .damaged ? sentence + "." : sentence + ", then retry."
    }
}
