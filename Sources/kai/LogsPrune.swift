import ArgumentParser
import Foundation
import KaiRegistry

/// `kai logs prune --older-than DURATION`: deletes call-log rows and
/// finished sessions (with their events and approvals) older than the
/// duration; a paused or interrupted session stays, since it can still be resumed.
struct LogsPrune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Delete call-log rows and finished sessions older than a duration (30d, 12h, 90m).")

    @OptionGroup var runtime: RuntimeOptions
    @Option(name: .long, help: ArgumentHelp("How old a record must be to go: a number and a unit, s, m, h or d (e.g. 30d, 12h, 90m).", valueName: "duration"))
    var olderThan: String

    func validate() throws {
        guard Self.seconds(olderThan) != nil else {
            throw ValidationError("--older-than '\(olderThan)' is not a duration. Give a number and a unit: s, m, h or d (e.g. 30d, 12h, 90m).")
        }
    }

    /// "30d" -> 2592000; nil unless digits then one of s, m, h, d.
    static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let scale = ["s": 1.0, "m": 60, "h": 3600, "d": 86400][unit] else { return nil }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let amount = Double(digits) else { return nil }
        return amount * scale
    }

    func run() throws {
        let store = try runtime.openStore()
        let cutoff = Date().timeIntervalSince1970 - (Self.seconds(olderThan) ?? 0)
        let removed: (calls: Int, sessions: Int)
        do throws(StoreError) {
            removed = try store.pruneLogs(olderThan: cutoff)
        } catch {
            throw storeFailure(error)
        }
        let before = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: cutoff))
        Console.out("removed \(Self.count(removed.calls, "call")) and \(Self.count(removed.sessions, "session")) older than \(olderThan) (before \(before))")
    }

    private static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
