import Synchronization
import Foundation
import KaiCore

/// Plugins that supervision disabled (a `process` plugin whose worker kept
/// crashing, exiting or hanging). The disable outlives the process that
/// decided it — each `kai` command is a new process — and lasts until the
/// operator runs `kai plugins enable ID`.
extension RegistryStore {
    /// Marks `status_reason` so a later start can tell a supervision disable
    /// from an operator's status (which the config sets and may change).
    public static let supervisionReasonPrefix = "disabled by supervision: "

    /// Error kinds meaning a worker failed (crash, exit, hang killed).
    public static let workerFailureKinds = ErrorKind.allCases.filter(\.isWorkerFailure).map(\.rawValue)

    /// CallObserver: a host in this process disabled the plugin.
    public func pluginDisabled(id: String, reason: String) {
        reporting("disable plugin '\(id)'") {
            try setPluginStatus(id: id, status: .inactive, reason: Self.supervisionReasonPrefix + reason)
        }
    }

    /// Why supervision disabled the plugin, or nil when it did not.
    public func supervisionDisableReason(id: String) throws(StoreError) -> String? {
        do {
            // A cached statement: every call (an agent step makes three) reads this.
            let reason = try backend.read { db in
                try db.scalar("SELECT status_reason FROM plugins WHERE id = ? AND status = 'inactive'", id, as: String.self)
            }
            guard let reason, reason.hasPrefix(Self.supervisionReasonPrefix) else { return nil }
            return String(reason.dropFirst(Self.supervisionReasonPrefix.count))
        } catch {
            throw wrapping(error, doing: "read the status of plugin '\(id)'")
        }
    }

    /// Worker failures of the plugin logged since `since` (seconds since
    /// 1970), across every process that recorded calls.
    public func workerFailures(plugin: String, since: Double) throws(StoreError) -> Int {
        flush()
        let marks = Array(repeating: "?", count: Self.workerFailureKinds.count).joined(separator: ", ")
        do {
            return try backend.read { db in
                try db.scalar(
                    "SELECT COUNT(*) FROM call_log WHERE plugin = ? AND started_at >= ? AND error_kind IN (\(marks))",
                    [.text(plugin), .double(since)] + Self.workerFailureKinds.map(SQLValue.text), as: Int.self) ?? 0
            }
        } catch {
            throw wrapping(error, doing: "count worker failures of plugin '\(plugin)'")
        }
    }
}

/// The host asks before every call: a plugin supervision disabled (in this
/// process or an earlier one) stays refused until `kai plugins enable`.
/// The reasons of every disabled plugin are read in one query and kept for
/// `statusCacheSeconds`: a read per call (two or three per agent step)
/// made concurrent runs queue for the database's readers. A status this
/// process writes (through any store) takes effect at once; one another
/// process writes, within that time. A failed read is never kept.
extension RegistryStore: PluginStatusGate {
    static let statusCacheSeconds = 0.5
    /// Bumped by every write of a plugin's status in this process.
    static let statusGeneration = Atomic<Int>(0)

    public func disabledReason(plugin id: String) throws(PluginStatusUnreadable) -> String? {
        let now = MonotonicClock.now(), generation = Self.statusGeneration.load(ordering: .acquiring)
        if let cache = statusCache.withLock({ $0 }), cache.generation == generation,
           Double(now - cache.readAt) / 1e9 < Self.statusCacheSeconds {
            return cache.reasons[id]
        }
        do {
            let reasons = try supervisionDisableReasons()
            statusCache.withLock { $0 = PluginStatusCache(reasons: reasons, generation: generation, readAt: now) }
            return reasons[id]
        } catch {
            throw PluginStatusUnreadable(reason: error.message)
        }
    }

    /// Why supervision disabled each plugin it disabled, by id.
    func supervisionDisableReasons() throws(StoreError) -> [String: String] {
        do {
            let rows = try backend.read { db in try db.rows("SELECT id, status_reason FROM plugins WHERE status = 'inactive'") }
            var reasons: [String: String] = [:]
            for row in rows {
                guard let id = try row.get(0, as: String?.self), let reason = try row.get(1, as: String?.self),
                      reason.hasPrefix(Self.supervisionReasonPrefix) else { continue }
                reasons[id] = String(reason.dropFirst(Self.supervisionReasonPrefix.count))
            }
            return reasons
        } catch {
            throw wrapping(error, doing: "read the status of the plugins")
        }
    }

    /// A plugin's status was written: the next call reads it afresh.
    static func statusChanged() {
        statusGeneration.add(1, ordering: .releasing)
    }
}

/// Supervision's disable reasons as last read (see disabledReason).
struct PluginStatusCache: Sendable {
    let reasons: [String: String]
    let generation: Int
    let readAt: Int64
}
