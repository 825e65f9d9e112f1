import Foundation
import Glibc
import KaiJSON
import Synchronization

/// The process running a session, saved in its state: a session still
/// marked "running" whose process is gone (killed, crashed) was cut short
/// like an interrupted one, and may be resumed; one whose process lives is
/// refused, so two processes never drive one session.
struct RunOwner: Sendable, Equatable {
    let pid: Int32
    /// The process's start time in clock ticks since boot (/proc/PID/stat
    /// field 22): a reused pid has another.
    let startTicks: UInt64

    /// This process, read from /proc once per pid (a fork has another):
    /// every saved state carries it, and reading /proc on each save cost a
    /// run ~75 µs a step.
    static var current: RunOwner? {
        let pid = getpid()
        if let known = cached.withLock({ $0 }), known.pid == pid { return known }
        let owner = startTicks(of: pid).map { RunOwner(pid: pid, startTicks: $0) }
        cached.withLock { $0 = owner }
        return owner
    }

    private static let cached = Mutex<RunOwner?>(nil)

    var json: JSONValue { ["pid": .integer(Int64(pid)), "start_ticks": .integer(Int64(startTicks))] }

    init(pid: Int32, startTicks: UInt64) {
        self.pid = pid
        self.startTicks = startTicks
    }

    init?(json: JSONValue?) {
        guard let pid = json?["pid"]?.intValue, let ticks = json?["start_ticks"]?.intValue else { return nil }
        self.init(pid: Int32(truncatingIfNeeded: pid), startTicks: UInt64(max(0, ticks)))
    }

    /// Whether this process still runs (the same one, not a reuse of its pid).
    var isAlive: Bool { Self.startTicks(of: pid) == startTicks }

    private static func startTicks(of pid: Int32) -> UInt64? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
              let text = String(data: data, encoding: .utf8), let close = text.lastIndex(of: ")") else { return nil }
        // After "(comm)": field 3 (state) onwards; starttime is field 22.
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
